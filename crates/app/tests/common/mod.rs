//! The use cases' test fixture: a fresh store (SQLite, or PostgreSQL in a schema of its own when
//! GIAOBAN_TEST_DATABASE_URL is set, as the storage contract suite does) with a small unit tree, one
//! user per role, and the [`App`] over it, with no HTTP in between.

#![allow(dead_code)]

use std::sync::Arc;

use giaoban_app::channels::Channels;
use giaoban_app::{App, Caller, Error};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput};
use giaoban_domain::user::NewUser;
use giaoban_storage::testing::TestDb;
use giaoban_storage::{Store, StoreError};
use serde::de::DeserializeOwned;

/// The units of the fixture's tree:
///
/// ```text
/// Tỉnh Thanh Hóa
/// ├── Huyện Cẩm Thủy ── UBND huyện Cẩm Thủy ── Phòng Tài chính - Kế hoạch
/// │                 ├── Xã Cẩm Ngọc
/// │                 └── Xã Cẩm Tân
/// └── Huyện Bá Thước ── Xã Điền Quang
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Units {
    pub province: UnitId,
    pub district: UnitId,
    pub ubnd: UnitId,
    pub tckh: UnitId,
    pub cam_ngoc: UnitId,
    pub cam_tan: UnitId,
    pub other_district: UnitId,
    pub dien_quang: UnitId,
}

/// A fresh database with the tree and its users, and the app over it. Dropping it removes the
/// database.
pub struct Fixture {
    pub db: TestDb,
    pub app: App,
    pub units: Units,
}

/// The users, by user name: `admin`, `leader` and `office` of the UBND of Cẩm Thủy; members
/// `tckh` (its finance department), `camngoc` and `camtan` (its communes); `leader_bt`, the leader
/// of the other district (Bá Thước).
pub const USERS: [&str; 7] = [
    "admin",
    "leader",
    "office",
    "tckh",
    "camngoc",
    "camtan",
    "leader_bt",
];

async fn unit(
    store: &Store,
    kind: &str,
    level: &str,
    name: &str,
    parent: Option<UnitId>,
    code: Option<&str>,
) -> UnitId {
    let d = UnitDraft::parse(&UnitInput {
        kind: kind.into(),
        level: level.into(),
        name: name.into(),
        parent_id: parent,
        admin_code: code.map(Into::into),
        ..Default::default()
    })
    .expect("draft");
    store
        .create_unit(&AuditActor::system("test"), &d)
        .await
        .expect("unit")
        .id
}

impl Fixture {
    /// The fixture with no message channel: messages and reminders stay in the app.
    pub async fn new() -> Fixture {
        Fixture::with_channels(Channels::none()).await
    }

    /// The fixture sending by `channels` (none of them runs a sender: a test sends what is
    /// queued with `giaoban_app::channels::deliver_pending`).
    pub async fn with_channels(channels: Channels) -> Fixture {
        let db = TestDb::new().await;
        let s = &db.store;
        let actor = AuditActor::system("test");
        for (code, rank, vi, en) in [
            ("tinh", 1, "Tỉnh", "Province"),
            ("huyen", 2, "Huyện", "District"),
            ("xa", 3, "Xã", "Commune"),
        ] {
            s.put_level(
                &actor,
                &AdminLevel::parse(code, rank, vi, en, None, None).expect("level"),
            )
            .await
            .expect("level");
        }
        let province = unit(s, "province", "tinh", "Tỉnh Thanh Hóa", None, Some("38")).await;
        let district = unit(
            s,
            "district",
            "huyen",
            "Huyện Cẩm Thủy",
            Some(province),
            Some("390"),
        )
        .await;
        let ubnd = unit(
            s,
            "people_committee",
            "huyen",
            "UBND huyện Cẩm Thủy",
            Some(district),
            None,
        )
        .await;
        let tckh = unit(
            s,
            "department",
            "huyen",
            "Phòng Tài chính - Kế hoạch",
            Some(ubnd),
            None,
        )
        .await;
        let cam_ngoc = unit(
            s,
            "commune",
            "xa",
            "Xã Cẩm Ngọc",
            Some(district),
            Some("15169"),
        )
        .await;
        let cam_tan = unit(
            s,
            "commune",
            "xa",
            "Xã Cẩm Tân",
            Some(district),
            Some("15178"),
        )
        .await;
        let other_district = unit(
            s,
            "district",
            "huyen",
            "Huyện Bá Thước",
            Some(province),
            Some("391"),
        )
        .await;
        let dien_quang = unit(
            s,
            "commune",
            "xa",
            "Xã Điền Quang",
            Some(other_district),
            Some("15190"),
        )
        .await;
        // One hash for every user: argon2 is slow on purpose, and no test signs in.
        let hash = giaoban_app::passwords::hash_password("Mật khẩu thử nghiệm 2023").expect("hash");
        for (name, role, u) in [
            ("admin", "admin", ubnd),
            ("leader", "leader", ubnd),
            ("office", "office", ubnd),
            ("tckh", "member", tckh),
            ("camngoc", "member", cam_ngoc),
            ("camtan", "member", cam_tan),
            ("leader_bt", "leader", other_district),
        ] {
            let new =
                NewUser::parse(name, &format!("Người dùng {name}"), None, role, u).expect("user");
            s.create_user(&actor, &new, &hash, false)
                .await
                .expect("user");
        }
        let app = App::new(s.clone(), Arc::new(channels));
        Fixture {
            units: Units {
                province,
                district,
                ubnd,
                tckh,
                cam_ngoc,
                cam_tan,
                other_district,
                dien_quang,
            },
            app,
            db,
        }
    }

    pub fn store(&self) -> &Store {
        &self.db.store
    }

    /// The user `name` as a caller, with the unit directory as it is now.
    pub async fn caller(&self, name: &str) -> Caller {
        Caller::by_username(self.store(), name)
            .await
            .unwrap_or_else(|e| panic!("caller {name}: {e}"))
    }

    /// Gives `unit` a Telegram chat and a bot of its own, as its people would on its page.
    pub async fn set_telegram(&self, unit: UnitId, chat_id: &str, bot_token: &str) {
        let actor = AuditActor::system("test");
        let mut contact = self.store().unit(unit).await.expect("unit").contact;
        contact.telegram_chat_id = Some(chat_id.to_owned());
        self.store()
            .set_unit_contact(&actor, unit, &contact, None)
            .await
            .expect("contact");
        self.store()
            .set_unit_bot_token(&actor, unit, Some(bot_token))
            .await
            .expect("bot token");
    }

    /// The bundled indicator catalogue, loaded as the administrator's first start does.
    pub async fn load_catalog(&self) {
        use giaoban_domain::indicator::{BUNDLED_CATALOG, parse_catalog};
        self.store()
            .load_catalog(
                &AuditActor::system("test"),
                &parse_catalog(BUNDLED_CATALOG).expect("catalog"),
            )
            .await
            .expect("catalog");
    }
}

/// A request body as the API would receive it: `value` read into the use case's input type.
pub fn body<T: DeserializeOwned>(value: serde_json::Value) -> T {
    serde_json::from_value(value).expect("request body")
}

/// Asserts that `r` is [`Error::Forbidden`].
#[track_caller]
pub fn assert_forbidden<T>(r: Result<T, Error>) {
    match r {
        Err(Error::Forbidden) => {}
        Err(e) => panic!("expected Forbidden, got {e:?}"),
        Ok(_) => panic!("expected Forbidden, got Ok"),
    }
}

/// Asserts that `r` is [`Error::NotFound`] (or the store's not-found, passed through).
#[track_caller]
pub fn assert_not_found<T>(r: Result<T, Error>) {
    match r {
        Err(Error::NotFound | Error::Store(StoreError::NotFound)) => {}
        Err(e) => panic!("expected NotFound, got {e:?}"),
        Ok(_) => panic!("expected NotFound, got Ok"),
    }
}

/// Asserts that `r` is [`Error::Invalid`] (or the store's refusal, passed through) with an error of code `code`.
#[track_caller]
pub fn assert_invalid<T>(r: Result<T, Error>, code: &str) {
    match r {
        Err(Error::Invalid(errs) | Error::Store(StoreError::Invalid(errs)))
            if errs.0.iter().any(|i| i.code == code) => {}
        Err(e) => panic!("expected Invalid with {code}, got {e:?}"),
        Ok(_) => panic!("expected Invalid with {code}, got Ok"),
    }
}

/// Today (Vietnam) plus `days`, as `YYYY-MM-DD`.
pub fn in_days(days: i64) -> String {
    giaoban_app::Clock::System
        .today()
        .checked_add(jiff::Span::new().days(days))
        .expect("date")
        .to_string()
}
