//! Test harness: the real application on 127.0.0.1:0 over a fresh database (SQLite, or PostgreSQL
//! with GIAOBAN_TEST_DATABASE_URL), with a small unit tree and one user per role.

#![allow(dead_code)]

use std::net::SocketAddr;

use giaoban_domain::audit::AuditActor;
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput};
use giaoban_domain::user::NewUser;
use giaoban_storage::Store;
use giaoban_storage::testing::TestDb;
use giaoban_web::WebConfig;

pub const PASSWORD: &str = "Mật khẩu thử nghiệm 2023";

pub struct TestApp {
    pub addr: SocketAddr,
    pub db: TestDb,
    pub units: Units,
    /// The app's channels (none unless spawned with some): pass them to
    /// `giaoban_web::channels::deliver_pending` to send what is queued.
    pub channels: std::sync::Arc<giaoban_web::channels::Channels>,
    /// The outbox's sender, when the app runs one ([`TestApp::spawn_with_telegram`]).
    sender: Option<tokio::task::JoinHandle<()>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

/// A bot token of the right shape for the tests (the Telegram stand-in takes any).
pub const BOT_TOKEN: &str = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw_x";

pub struct Units {
    pub province: UnitId,
    pub district: UnitId,
    pub ubnd: UnitId,
    pub tckh: UnitId,
    pub cam_ngoc: UnitId,
    pub cam_tan: UnitId,
    pub other_district: UnitId,
}

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

impl TestApp {
    pub async fn spawn() -> TestApp {
        Self::spawn_with(WebConfig::default()).await
    }

    /// The app sending Telegram messages to `telegram` (a `TelegramStandIn`'s `api_base()`) and,
    /// when given, e-mail to `smtp`, with no sender running: the test sends what is queued with
    /// `giaoban_web::channels::deliver_pending(&app.db.store, &app.channels, now)`. Units get a
    /// chat with [`TestApp::set_telegram`].
    pub async fn spawn_with_channels(
        telegram: &str,
        smtp: Option<&giaoban_notify::testing::SmtpSink>,
    ) -> TestApp {
        Self::spawn_with(WebConfig {
            channels: std::sync::Arc::new(channels_for(telegram, smtp)),
            ..WebConfig::default()
        })
        .await
    }

    /// The app as the server runs it, sending Telegram messages to `telegram` (a
    /// `TelegramStandIn`'s `api_base()`) with its sender running: a reminder or a message queued
    /// goes out by itself within moments (browser tests: `stand_in.wait_for(n, timeout)`).
    pub async fn spawn_with_telegram(telegram: &str) -> TestApp {
        let mut app = Self::spawn_with_channels(telegram, None).await;
        app.sender = Some(giaoban_web::channels::spawn_sender(
            app.db.store.clone(),
            app.channels.clone(),
        ));
        app
    }

    /// Gives `unit` a Telegram chat and, when given, a bot of its own (as its people would on
    /// its page). Without a bot of its own, its messages go through no bot: the test channels
    /// have no server bot, so give one here to have them sent.
    pub async fn set_telegram(&self, unit: UnitId, chat_id: &str, bot_token: Option<&str>) {
        let store = &self.db.store;
        let actor = AuditActor::system("test");
        let mut contact = store.unit(unit).await.expect("unit").contact;
        contact.telegram_chat_id = Some(chat_id.to_owned());
        store
            .set_unit_contact(&actor, unit, &contact, None)
            .await
            .expect("contact");
        store
            .set_unit_bot_token(&actor, unit, bot_token)
            .await
            .expect("bot token");
    }

    pub async fn spawn_with(config: WebConfig) -> TestApp {
        let channels = config.channels.clone();
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
            None,
        )
        .await;
        let hash = giaoban_web::auth::hash_password(PASSWORD).expect("hash");
        for (name, role, u) in [
            ("admin", "admin", ubnd),
            ("leader", "leader", ubnd),
            ("office", "office", ubnd),
            ("tckh", "member", tckh),
            ("camngoc", "member", cam_ngoc),
            ("camtan", "member", cam_tan),
        ] {
            let new =
                NewUser::parse(name, &format!("Người dùng {name}"), None, role, u).expect("user");
            s.create_user(&actor, &new, &hash, false)
                .await
                .expect("user");
        }
        let app = giaoban_web::app(s.clone(), config).expect("app");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = giaoban_web::serve(listener, app, async move {
                let _ = rx.await;
            })
            .await;
        });
        TestApp {
            addr,
            db,
            channels,
            sender: None,
            units: Units {
                province,
                district,
                ubnd,
                tckh,
                cam_ngoc,
                cam_tan,
                other_district,
            },
            shutdown: Some(tx),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A client with its own cookie jar, not signed in.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// A client signed in through the API, with its CSRF token.
    pub async fn signed_in(&self, username: &str) -> (reqwest::Client, String) {
        let c = self.client();
        let r = c
            .post(self.url("/api/v1/session"))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("sign in");
        assert_eq!(r.status(), 200, "sign-in of {username}");
        let body: serde_json::Value = r.json().await.expect("json");
        let token = body["csrf_token"].as_str().expect("token").to_owned();
        (c, token)
    }

    /// The bundled indicator catalogue loaded, and a national quarterly report form for communes
    /// (code KTXH_QUY_XA, Decree 09 window, sent within 2 working days) made of it, with `fields`
    /// (its items, and the rules or sections a test needs) added to those common ones.
    pub async fn quarterly_commune_form(
        &self,
        fields: serde_json::Value,
    ) -> giaoban_domain::report::ReportForm {
        use giaoban_domain::indicator::{BUNDLED_CATALOG, parse_catalog};
        let s = &self.db.store;
        let sys = AuditActor::system("test");
        s.load_catalog(&sys, &parse_catalog(BUNDLED_CATALOG).expect("catalog"))
            .await
            .expect("catalog");
        let catalog = s.indicators().await.expect("indicators");
        let mut input = serde_json::json!({
            "code": "KTXH_QUY_XA", "name_vi": "Báo cáo KT-XH quý (xã)", "period_kind": "quarter",
            "window_rule": "decree09",
            "submission_rule": {"rule": "working_days_after_window", "days": 2},
            "reporter_kinds": ["commune", "township"]
        });
        if let (Some(form), Some(extra)) = (input.as_object_mut(), fields.as_object()) {
            form.extend(extra.clone());
        }
        let input = serde_json::from_value(input).expect("form input");
        let def = giaoban_domain::report::FormDefinition::parse(&input, &catalog).expect("form");
        s.create_form(&sys, &def).await.expect("form")
    }
}

/// Channels sending Telegram messages to the Bot API at `telegram` (no server bot) and, when
/// given, e-mail to `smtp`.
pub fn channels_for(
    telegram: &str,
    smtp: Option<&giaoban_notify::testing::SmtpSink>,
) -> giaoban_web::channels::Channels {
    let telegram = giaoban_notify::Telegram::new(&giaoban_notify::TelegramConfig::new(telegram))
        .expect("telegram");
    let mailer = smtp.map(|s| {
        giaoban_notify::Mailer::new(&s.config("giaoban <giaoban@localhost>")).expect("mailer")
    });
    giaoban_web::channels::Channels::new(mailer, Some(telegram), None)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(sender) = self.sender.take() {
            sender.abort();
        }
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A JSON POST with the session's CSRF token: the status and the body (null when not JSON).
pub async fn post(
    c: &reqwest::Client,
    token: &str,
    url: String,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = c
        .post(url)
        .header("x-csrf-token", token)
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// A JSON PUT with the session's CSRF token, as [`post`].
pub async fn put(
    c: &reqwest::Client,
    token: &str,
    url: String,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = c
        .put(url)
        .header("x-csrf-token", token)
        .json(&body)
        .send()
        .await
        .expect("put");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// A GET: the status and the JSON body (null when not JSON).
pub async fn get(c: &reqwest::Client, url: String) -> (u16, serde_json::Value) {
    let r = c.get(url).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// The units the 2025 reorganisation adds to the test tree ([`TestApp::reorganise_2025`]).
pub struct Reorg2025 {
    /// Xã Cẩm Tú, from 01/07/2025, under the province: Cẩm Ngọc and Cẩm Tân were merged into it.
    pub cam_tu: UnitId,
    /// Sở Tài chính, a province department.
    pub so_tai_chinh: UnitId,
    /// Xã Nghi Lộc of another province (Nghệ An): out of the province office's scope.
    pub other_commune: UnitId,
}

impl TestApp {
    /// The two-level reorganisation of 01/07/2025 applied to the test tree: the district Cẩm Thủy,
    /// its UBND and its finance department end on 30/06/2025 with no successor; Cẩm Ngọc and Cẩm
    /// Tân end that day merged into the new Xã Cẩm Tú. Adds the province office's user
    /// `office_tinh` (at the Văn phòng UBND tỉnh) and another province with a commune.
    pub async fn reorganise_2025(&self) -> Reorg2025 {
        let s = &self.db.store;
        let actor = AuditActor::system("test");
        let add = |kind: &'static str,
                   level: &'static str,
                   name: &'static str,
                   parent: Option<UnitId>,
                   from: Option<&'static str>| {
            let d = UnitDraft::parse(&UnitInput {
                kind: kind.into(),
                level: level.into(),
                name: name.into(),
                parent_id: parent,
                active_from: from.map(Into::into),
                ..Default::default()
            })
            .expect("draft");
            let actor = actor.clone();
            async move { s.create_unit(&actor, &d).await.expect("unit").id }
        };
        let u = &self.units;
        let cam_tu = add(
            "commune",
            "xa",
            "Xã Cẩm Tú",
            Some(u.province),
            Some("2025-07-01"),
        )
        .await;
        let so_tai_chinh = add("department", "tinh", "Sở Tài chính", Some(u.province), None).await;
        let vp = add(
            "department",
            "tinh",
            "Văn phòng UBND tỉnh",
            Some(u.province),
            None,
        )
        .await;
        let nghe_an = add("province", "tinh", "Tỉnh Nghệ An", None, None).await;
        let other_commune = add("commune", "xa", "Xã Nghi Lộc", Some(nghe_an), None).await;
        for (id, into) in [
            (u.cam_ngoc, Some(cam_tu)),
            (u.cam_tan, Some(cam_tu)),
            (u.tckh, None),
            (u.ubnd, None),
            (u.district, None),
        ] {
            let unit = s.unit(id).await.expect("unit");
            let d = UnitDraft::parse(&UnitInput {
                key: unit.key.clone(),
                kind: unit.kind.code().into(),
                level: unit.level.as_str().into(),
                name: unit.name.clone(),
                admin_code: unit.admin_code.clone(),
                parent_id: unit.parent_id,
                active_to: Some("2025-06-30".into()),
                merged_into: into,
                ..Default::default()
            })
            .expect("draft");
            s.update_unit(&actor, id, &d, None).await.expect("ended");
        }
        let hash = giaoban_web::auth::hash_password(PASSWORD).expect("hash");
        let new =
            NewUser::parse("office_tinh", "Văn phòng tỉnh", None, "office", vp).expect("user");
        s.create_user(&actor, &new, &hash, false)
            .await
            .expect("user");
        Reorg2025 {
            cam_tu,
            so_tai_chinh,
            other_commune,
        }
    }
}
