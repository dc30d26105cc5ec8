//! The directory's use cases (`giaoban_app::{units, users, levels, audit, reading}`) against a
//! fresh store, on SQLite or, with GIAOBAN_TEST_DATABASE_URL, PostgreSQL: who may add and merge
//! units, who sees which accounts, who sets the levels, who reads which part of the audit trail,
//! and the checks on a text to read.

mod common;

use common::{Fixture, assert_forbidden, assert_invalid, body};
use giaoban_app::audit::AuditQuery;
use giaoban_app::dto::{LevelWrite, UnitWrite, UserCreate};
use giaoban_app::{audit, levels, reading, units, users};
use giaoban_domain::user::UserId;
use serde_json::json;

fn commune(name: &str, parent: uuid::Uuid) -> UnitWrite {
    body(json!({"kind": "commune", "level": "xa", "name": name, "parent_id": parent}))
}

#[tokio::test]
async fn the_office_adds_communes_in_its_district_only_and_members_add_none() {
    let f = Fixture::new().await;
    let u = f.units;
    let office = f.caller("office").await;
    let made = units::create(&f.app, &office, &commune("Xã Cẩm Bình", u.district.0))
        .await
        .expect("a commune of its own district");
    assert_eq!(made.parent_id, Some(u.district));
    assert_eq!(made.name, "Xã Cẩm Bình");
    // Another district, and a parent that does not exist.
    assert_forbidden(
        units::create(&f.app, &office, &commune("Xã Lũng Cao", u.other_district.0)).await,
    );
    assert_invalid(
        units::create(&f.app, &office, &commune("Xã Ma", uuid::Uuid::now_v7())).await,
        "unit.parent_unknown",
    );
    // A commune's member changes no directory.
    let camngoc = f.caller("camngoc").await;
    assert_forbidden(units::create(&f.app, &camngoc, &commune("Xã Cẩm Phú", u.district.0)).await);
    // The write is in the audit trail, under the office's name, for the district to read.
    let (entries, _) = audit::page(
        &f.app,
        &office,
        &AuditQuery {
            entity: Some("unit".into()),
            entity_id: Some(made.id.0.to_string()),
            ..AuditQuery::default()
        },
    )
    .await
    .expect("the office's trail");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].actor_name, "office");
    // The other district's leader does not see it; a member reads no trail at all.
    let leader_bt = f.caller("leader_bt").await;
    let (theirs, _) = audit::page(
        &f.app,
        &leader_bt,
        &AuditQuery {
            entity: Some("unit".into()),
            entity_id: Some(made.id.0.to_string()),
            ..AuditQuery::default()
        },
    )
    .await
    .expect("their trail");
    assert!(theirs.is_empty(), "{theirs:?}");
    assert_forbidden(audit::page(&f.app, &camngoc, &AuditQuery::default()).await);
}

#[tokio::test]
async fn a_commune_merges_only_into_a_unit_the_office_manages() {
    let f = Fixture::new().await;
    let u = f.units;
    let office = f.caller("office").await;
    let cam_tan = f.store().unit(u.cam_tan).await.expect("unit");
    let mut into_other: UnitWrite = body(json!({
        "kind": "commune", "level": "xa", "name": cam_tan.name, "parent_id": u.district.0,
        "active_to": "30/06/2025", "merged_into": u.dien_quang.0, "version": cam_tan.version,
    }));
    assert_forbidden(units::update(&f.app, &office, u.cam_tan, &into_other).await);
    into_other.merged_into = Some(u.cam_ngoc.0);
    let merged = units::update(&f.app, &office, u.cam_tan, &into_other)
        .await
        .expect("merged into a commune of the same district");
    assert_eq!(merged.merged_into, Some(u.cam_ngoc));
    let detail = units::detail(
        &office,
        &f.store().units().await.expect("units"),
        u.cam_ngoc,
        giaoban_domain::Lang::Vi,
        f.app.today(),
    )
    .expect("detail");
    assert_eq!(
        detail.merged_from.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![u.cam_tan.0]
    );
}

#[tokio::test]
async fn accounts_are_seen_within_the_territory_and_made_by_administrators() {
    let f = Fixture::new().await;
    let names = |us: Vec<giaoban_domain::user::User>| {
        let mut n: Vec<String> = us.into_iter().map(|u| u.username.to_string()).collect();
        n.sort();
        n
    };
    let camngoc = f.caller("camngoc").await;
    assert_eq!(
        names(users::visible_users(&f.app, &camngoc).await.expect("own")),
        ["camngoc"]
    );
    let leader = f.caller("leader").await;
    let seen = names(
        users::visible_users(&f.app, &leader)
            .await
            .expect("district"),
    );
    assert!(seen.contains(&"camtan".to_owned()), "{seen:?}");
    assert!(!seen.contains(&"leader_bt".to_owned()), "{seen:?}");
    // One account by id: a member never sees a colleague, a leader never another district's.
    let camtan = f.caller("camtan").await;
    let leader_bt = f.caller("leader_bt").await;
    assert_forbidden(users::user(&f.app, &camngoc, camtan.user.id).await);
    assert_forbidden(users::user(&f.app, &leader, leader_bt.user.id).await);
    assert_eq!(
        users::user(&f.app, &leader, camtan.user.id)
            .await
            .expect("a commune of the district")
            .id,
        camtan.user.id
    );

    let new: UserCreate = body(
        json!({"username": "camngoc.vp", "display_name": "Văn phòng xã",
        "role": "member", "unit_id": f.units.cam_ngoc.0}),
    );
    let office = f.caller("office").await;
    assert_forbidden(users::create_user(&f.app, &office, &new).await);
    let admin = f.caller("admin").await;
    let (made, password) = users::create_user(&f.app, &admin, &new)
        .await
        .expect("made");
    assert!(made.must_change_password);
    let stored = f
        .store()
        .credentials(&made.username)
        .await
        .expect("read")
        .expect("found");
    assert!(giaoban_app::passwords::verify_password(
        &password,
        &stored.password_hash
    ));
    // A reset gives another one-time password; the old one stops working.
    let (_, again) = users::reset_password(&f.app, &admin, made.id)
        .await
        .expect("reset");
    assert_ne!(again, password);
    let stored = f
        .store()
        .credentials(&made.username)
        .await
        .expect("read")
        .expect("found");
    assert!(!giaoban_app::passwords::verify_password(
        &password,
        &stored.password_hash
    ));
    assert_forbidden(users::reset_password(&f.app, &leader, UserId(made.id.0)).await);
}

#[tokio::test]
async fn only_an_administrator_sets_the_levels_and_a_wrong_date_is_named() {
    let f = Fixture::new().await;
    let write = |from: &str| -> LevelWrite {
        body(json!({"rank": 2, "name_vi": "Huyện", "name_en": "District",
            "active_from": "01/01/1990", "active_to": from}))
    };
    let office = f.caller("office").await;
    assert_forbidden(levels::save_level(&f.app, &office, "huyen", &write("30/06/2025")).await);
    let admin = f.caller("admin").await;
    assert_invalid(
        levels::save_level(&f.app, &admin, "huyen", &write("31/02/2025")).await,
        "date.invalid",
    );
    let saved = levels::save_level(&f.app, &admin, "huyen", &write("30/06/2025"))
        .await
        .expect("the district level ends on 30/06/2025");
    assert_eq!(
        saved.active_to,
        Some(jiff::civil::date(2025, 6, 30)),
        "{saved:?}"
    );
}

#[tokio::test]
async fn a_text_to_read_must_be_there_and_not_too_long() {
    let f = Fixture::new().await;
    let office = f.caller("office").await;
    assert_invalid(
        reading::run(&f.app, &office, "  \n ", None).await,
        "extract.empty",
    );
    let long = "a".repeat(reading::MAX_TEXT_CHARS + 1);
    assert_invalid(
        reading::run(&f.app, &office, &long, None).await,
        "extract.too_long",
    );
    let (x, _) = reading::run(
        &f.app,
        &office,
        "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với UBND các xã rà soát nguồn vốn, \
         báo cáo UBND huyện chậm nhất ngày 27/03/2023.",
        Some("20/03/2023"),
    )
    .await
    .expect("read");
    assert_eq!(x.tasks.len(), 1, "{:?}", x.tasks);
}
