//! History through lineage (issue 24), on SQLite or, with GIAOBAN_TEST_DATABASE_URL, PostgreSQL:
//! two communes report 2023Q1, then are merged (active to 30/06/2025) into a commune formed on
//! 01/07/2025. The new commune's past roll-up is the sum of theirs, the old district's is
//! unchanged, and the new commune's people read (never write) the old communes' reports and tasks.

mod common;

use common::{Fixture, assert_forbidden, body};
use giaoban_app::reports::{self, EntryWrite, RollupView, SubmissionActionWrite};
use giaoban_app::work::{self, TaskQuery};
use giaoban_app::{dto::UnitWrite, units};
use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::report::ReportForm;
use giaoban_domain::unit::{UnitDraft, UnitId, UnitInput};
use giaoban_domain::user::NewUser;
use jiff::Timestamp;
use serde_json::{Value, json};

/// The national quarterly form of communes, with the catalogue.
async fn national_form(f: &Fixture) -> ReportForm {
    f.load_catalog().await;
    let admin = f.caller("admin").await;
    reports::create_form(
        &f.app,
        &admin,
        &body(json!({
            "code": "KTXH_QUY_XA", "name_vi": "Báo cáo KT-XH quý (xã)", "period_kind": "quarter",
            "window_rule": "decree09",
            "submission_rule": {"rule": "working_days_after_window", "days": 2},
            "reporter_kinds": ["commune", "township"],
            "items": [{"code": "NN_LUA_GIEO_CAY", "required": true}, {"code": "DN_THANH_LAP_MOI"}],
        })),
    )
    .await
    .expect("form")
}

/// `who` saves and sends the 2023Q1 report of `unit` with `values`.
async fn send(f: &Fixture, who: &str, form: &ReportForm, unit: UnitId, values: Value) {
    let me = f.caller(who).await;
    let w: EntryWrite = body(json!({ "values": values }));
    let s = reports::save_entry(&f.app, &me, form.id.0, "2023Q1", unit.0, &w)
        .await
        .expect("draft");
    let a: SubmissionActionWrite = body(json!({"action": "submit", "version": s.version}));
    reports::act(&f.app, &me, s.id.0, &a).await.expect("sent");
}

async fn rollup(f: &Fixture, who: &str, unit: UnitId) -> RollupView {
    let me = f.caller(who).await;
    reports::rollup(&f.app, &me, Some(unit.0), "2023Q1", Lang::Vi)
        .await
        .expect("roll-up")
}

/// The value and the number of reporting units of `code` in a roll-up (none when absent).
fn line(r: &RollupView, code: &str) -> Option<(Option<f64>, i64)> {
    r.rows
        .iter()
        .find(|x| x.code == code)
        .map(|x| (x.value, x.reporting_units))
}

/// "Xã Cẩm Thủy", formed on 01/07/2025 directly under the province (two levels), with its
/// member `camthuy` and its leader `leader_ct`.
async fn new_commune(f: &Fixture) -> UnitId {
    let actor = AuditActor::system("test");
    let d = UnitDraft::parse(&UnitInput {
        kind: "commune".into(),
        level: "xa".into(),
        name: "Xã Cẩm Thủy".into(),
        parent_id: Some(f.units.province),
        active_from: Some("2025-07-01".into()),
        ..Default::default()
    })
    .expect("draft");
    let id = f.store().create_unit(&actor, &d).await.expect("unit").id;
    let hash = giaoban_app::passwords::hash_password("Mật khẩu thử nghiệm 2025").expect("hash");
    for (name, role) in [("camthuy", "member"), ("leader_ct", "leader")] {
        let new = NewUser::parse(name, name, None, role, id).expect("user");
        f.store()
            .create_user(&actor, &new, &hash, false)
            .await
            .expect("user");
    }
    id
}

/// The administrator closes `old` on 30/06/2025 and merges it into `new`, as a person does on the
/// unit's page (the reform loaded onto years of history).
async fn merge(f: &Fixture, old: UnitId, new: UnitId) {
    let admin = f.caller("admin").await;
    let u = f.store().unit(old).await.expect("unit");
    let w: UnitWrite = body(json!({
        "kind": "commune", "level": "xa", "name": u.name, "admin_code": u.admin_code,
        "parent_id": u.parent_id.map(|p| p.0), "active_to": "2025-06-30",
        "merged_into": new.0, "version": u.version,
    }));
    units::update(&f.app, &admin, old, &w)
        .await
        .expect("merged");
}

#[tokio::test]
async fn a_new_communes_past_roll_up_is_the_sum_of_its_predecessors() {
    let f = Fixture::new().await;
    let u = f.units;
    let form = national_form(&f).await;
    send(
        &f,
        "camngoc",
        &form,
        u.cam_ngoc,
        json!({"NN_LUA_GIEO_CAY": "3.200,5", "DN_THANH_LAP_MOI": 4}),
    )
    .await;
    send(
        &f,
        "camtan",
        &form,
        u.cam_tan,
        json!({"NN_LUA_GIEO_CAY": "2.266", "DN_THANH_LAP_MOI": 5}),
    )
    .await;
    let district_before = rollup(&f, "leader", u.district).await;
    assert_eq!(
        line(&district_before, "NN_LUA_GIEO_CAY"),
        Some((Some(5466.5), 2))
    );

    let new = new_commune(&f).await;
    // Before the merger the new commune has no past.
    let empty = rollup(&f, "admin", new).await;
    assert_eq!(line(&empty, "NN_LUA_GIEO_CAY"), None);

    merge(&f, u.cam_ngoc, new).await;
    merge(&f, u.cam_tan, new).await;

    // The new commune's 2023Q1 is the sum of the two old communes', indicator by indicator.
    let after = rollup(&f, "camthuy", new).await;
    assert_eq!(line(&after, "NN_LUA_GIEO_CAY"), Some((Some(5466.5), 2)));
    assert_eq!(line(&after, "DN_THANH_LAP_MOI"), Some((Some(9.0), 2)));
    // Its page opens each predecessor's roll-up of the time.
    let links: Vec<(uuid::Uuid, &str)> = after
        .children
        .iter()
        .map(|c| (c.id, c.name.as_str()))
        .collect();
    assert_eq!(
        links,
        [
            (u.cam_ngoc.0, "Xã Cẩm Ngọc (cũ)"),
            (u.cam_tan.0, "Xã Cẩm Tân (cũ)")
        ]
    );
    // The old district, the roll-up by the units of the time, is unchanged.
    let district_after = rollup(&f, "leader", u.district).await;
    assert_eq!(
        serde_json::to_value(&district_after.rows).expect("json"),
        serde_json::to_value(&district_before.rows).expect("json")
    );
    // The province counts every figure once (the old district's, not again through the new
    // commune that stands under it too).
    let province = rollup(&f, "admin", u.province).await;
    assert_eq!(line(&province, "NN_LUA_GIEO_CAY"), Some((Some(5466.5), 2)));

    // What was rebuilt on the merger equals a rebuild of everything from the counted figures.
    let kept = f.store().all_aggregates().await.expect("aggregates");
    f.store()
        .rebuild_aggregates(&AuditActor::system("test"))
        .await
        .expect("rebuild");
    assert_eq!(f.store().all_aggregates().await.expect("aggregates"), kept);

    // Taking a predecessor away takes its figures away from the successor's past.
    let admin = f.caller("admin").await;
    let ngoc = f.store().unit(u.cam_ngoc).await.expect("unit");
    let w: UnitWrite = body(json!({
        "kind": "commune", "level": "xa", "name": ngoc.name, "admin_code": ngoc.admin_code,
        "parent_id": ngoc.parent_id.map(|p| p.0), "version": ngoc.version,
    }));
    units::update(&f.app, &admin, u.cam_ngoc, &w)
        .await
        .expect("unmerged");
    let only_tan = rollup(&f, "admin", new).await;
    assert_eq!(line(&only_tan, "NN_LUA_GIEO_CAY"), Some((Some(2266.0), 1)));
    assert_eq!(line(&only_tan, "DN_THANH_LAP_MOI"), Some((Some(5.0), 1)));
}

#[tokio::test]
async fn the_loader_rebuilds_the_past_of_units_it_gave_successors() {
    let f = Fixture::new().await;
    let u = f.units;
    let form = national_form(&f).await;
    send(
        &f,
        "camngoc",
        &form,
        u.cam_ngoc,
        json!({"NN_LUA_GIEO_CAY": "10"}),
    )
    .await;
    send(
        &f,
        "camtan",
        &form,
        u.cam_tan,
        json!({"NN_LUA_GIEO_CAY": "32"}),
    )
    .await;
    let new = new_commune(&f).await;
    // A bulk load writes the directory straight to the store, as the reorganisation loader does…
    let actor = AuditActor::system("loader");
    for old in [u.cam_ngoc, u.cam_tan] {
        let o = f.store().unit(old).await.expect("unit");
        let d = UnitDraft::parse(&UnitInput {
            kind: "commune".into(),
            level: "xa".into(),
            name: o.name.clone(),
            admin_code: o.admin_code.clone(),
            parent_id: o.parent_id,
            active_to: Some("2025-06-30".into()),
            merged_into: Some(new),
            ..Default::default()
        })
        .expect("draft");
        f.store()
            .update_unit(&actor, old, &d, Some(o.version))
            .await
            .expect("loaded");
    }
    // …so nothing is rebuilt yet: the aggregates are kept on write.
    let stale = rollup(&f, "admin", new).await;
    assert_eq!(line(&stale, "NN_LUA_GIEO_CAY"), None);
    // Then calls the rebuild once with the units it changed.
    let summary = f
        .store()
        .rebuild_rollups_for_units(&actor, &[u.cam_ngoc, u.cam_tan])
        .await
        .expect("rebuilt");
    assert_eq!(summary.figures, 2);
    let rebuilt = rollup(&f, "admin", new).await;
    assert_eq!(line(&rebuilt, "NN_LUA_GIEO_CAY"), Some((Some(42.0), 2)));
    // A unit that reported nothing rebuilds nothing.
    let none = f
        .store()
        .rebuild_rollups_for_units(&actor, &[u.dien_quang])
        .await
        .expect("nothing");
    assert_eq!((none.figures, none.aggregates), (0, 0));
}

#[tokio::test]
async fn a_successors_people_read_their_predecessors_reports_and_tasks_and_write_none() {
    let f = Fixture::new().await;
    let u = f.units;
    let form = national_form(&f).await;
    send(
        &f,
        "camngoc",
        &form,
        u.cam_ngoc,
        json!({"NN_LUA_GIEO_CAY": "120", "DN_THANH_LAP_MOI": 1}),
    )
    .await;
    let office = f.caller("office").await;
    let task = work::create_task(
        &f.app,
        &office,
        &body(json!({
            "content": "Hoàn thành tiêu chí giao thông năm 2023",
            "assigner_unit_id": u.ubnd.0,
            "lead_unit_id": u.cam_ngoc.0,
            "deadline": "2023-03-31",
        })),
    )
    .await
    .expect("task");
    let new = new_commune(&f).await;
    let about_ngoc = TaskQuery {
        unit: Some(u.cam_ngoc.0),
        ..TaskQuery::default()
    };
    // Before the merger, neither the member nor the leader of the new commune reads them.
    for who in ["camthuy", "leader_ct"] {
        let me = f.caller(who).await;
        assert_forbidden(
            reports::rollup(&f.app, &me, Some(u.cam_ngoc.0), "2023Q1", Lang::Vi).await,
        );
        assert!(listed(&f, who, &about_ngoc).await.is_empty(), "{who}");
    }
    merge(&f, u.cam_ngoc, new).await;
    merge(&f, u.cam_tan, new).await;

    for who in ["camthuy", "leader_ct"] {
        let me = f.caller(who).await;
        // The old commune's roll-up of the time…
        let r = reports::rollup(&f.app, &me, Some(u.cam_ngoc.0), "2023Q1", Lang::Vi)
            .await
            .expect("history");
        assert_eq!(line(&r, "NN_LUA_GIEO_CAY"), Some((Some(120.0), 1)), "{who}");
        // …the board of 2023Q1 with both old communes (one sent, one missing)…
        let c = reports::completeness(
            &f.app,
            &me,
            form.id.0,
            "2023Q1",
            None,
            Timestamp::now(),
            Lang::Vi,
        )
        .await
        .expect("board");
        let mut names: Vec<&str> = c.rows.iter().map(|r| r.unit_name.as_str()).collect();
        names.sort_unstable();
        assert_eq!(names, ["Xã Cẩm Ngọc", "Xã Cẩm Tân"], "{who}");
        assert_eq!((c.expected, c.sent, c.missing), (2, 1, 1), "{who}");
        // The same under the new commune: the units merged into it are its past.
        let under = reports::completeness(
            &f.app,
            &me,
            form.id.0,
            "2023Q1",
            Some(new.0),
            Timestamp::now(),
            Lang::Vi,
        )
        .await
        .expect("board under the new commune");
        assert_eq!((under.expected, under.sent), (2, 1), "{who}");
        // …and the old commune's task, read only.
        let (list, _) = work::list_tasks(&f.app, &me, &about_ngoc, Lang::Vi)
            .await
            .expect("tasks");
        let ids: Vec<_> = list.iter().map(|l| l.task.id).collect();
        assert_eq!(ids, [task.id], "{who}");
        let rights = &list[0].view.rights;
        assert!(
            !rights.report_progress && !rights.report_completion && !rights.manage,
            "{who}"
        );
        // History is not rewritten through the successor.
        let w: EntryWrite = body(json!({ "values": {"NN_LUA_GIEO_CAY": "1"} }));
        assert_forbidden(
            reports::save_entry(&f.app, &me, form.id.0, "2023Q1", u.cam_ngoc.0, &w).await,
        );
    }
    // A commune of another district that took no part reads none of it.
    let bt = f.caller("leader_bt").await;
    assert_forbidden(reports::rollup(&f.app, &bt, Some(u.cam_ngoc.0), "2023Q1", Lang::Vi).await);
    assert!(listed(&f, "leader_bt", &about_ngoc).await.is_empty());
}

/// The tasks `who` lists with `q`: none when refused (a member asking about another unit) or
/// when none is readable (a leader asking about a unit outside the territory).
async fn listed(f: &Fixture, who: &str, q: &TaskQuery) -> Vec<uuid::Uuid> {
    let me = f.caller(who).await;
    match work::list_tasks(&f.app, &me, q, Lang::Vi).await {
        Ok((list, _)) => list.iter().map(|l| l.task.id.0).collect(),
        Err(giaoban_app::Error::Forbidden) => Vec::new(),
        Err(e) => panic!("{who}: {e:?}"),
    }
}

/// `who` records criteria `1..=met` of 2023 as met (NTM) for `commune`, the rest not met.
async fn assess_2023(f: &Fixture, who: &str, commune: UnitId, met: u16) {
    use giaoban_app::programmes::{self, StatusWrite};
    let me = f.caller(who).await;
    for item in 1..=19_u16 {
        let w: StatusWrite = body(json!({
            "year": 2023, "item": item.to_string(),
            "met": if item <= met { "ntm" } else { "no" },
            "evaluated_on": "15/12/2023", "assessor": "UBND xã",
        }));
        programmes::put_status(&f.app, &me, commune, &w)
            .await
            .expect("status");
    }
}

async fn picture(f: &Fixture, who: &str, year: i16) -> giaoban_app::programmes::PictureView {
    use giaoban_app::programmes::{self, PictureQuery};
    let me = f.caller(who).await;
    let q = PictureQuery {
        unit: Some(f.units.province.0.to_string()),
        set: Some("xa-ntm-2021-2025".into()),
        year: Some(year.to_string()),
    };
    programmes::picture(&f.app, &me, &q, Lang::Vi)
        .await
        .expect("picture")
}

#[tokio::test]
async fn a_new_commune_shows_its_best_placed_predecessors_ntm_status_with_its_source() {
    let f = Fixture::new().await;
    let u = f.units;
    assess_2023(&f, "camngoc", u.cam_ngoc, 15).await;
    assess_2023(&f, "camtan", u.cam_tan, 11).await;
    let new = new_commune(&f).await;
    merge(&f, u.cam_ngoc, new).await;
    merge(&f, u.cam_tan, new).await;

    for who in ["admin", "camthuy", "leader_ct"] {
        // 2025: the new commune stands; the old ones are shown through it.
        let p = picture(&f, who, 2025).await;
        let names: Vec<&str> = p.rows.iter().map(|r| r.commune.name.as_str()).collect();
        assert!(!names.contains(&"Xã Cẩm Ngọc"), "{who}: {names:?}");
        assert!(!names.contains(&"Xã Cẩm Tân"), "{who}: {names:?}");
        let row = p
            .rows
            .iter()
            .find(|r| r.commune.id == new.0)
            .unwrap_or_else(|| panic!("{who}: Cẩm Thủy in {names:?}"));
        // The best placed: Cẩm Ngọc, 15 criteria met in 2023 (Cẩm Tân had 11).
        assert_eq!(row.criteria_met, 15, "{who}");
        assert!(row.assessed, "{who}");
        let from = row.inherited.as_ref().expect("inherited");
        assert_eq!(from.commune.id, u.cam_ngoc.0);
        assert_eq!(from.year, Some(2023));
        assert_eq!(from.label, "theo xã Cẩm Ngọc cũ, 2023");
        // A cell opens the old commune's record of 2023.
        assert!(
            row.cells[0]
                .href
                .starts_with(&format!("/programmes/communes/{}/criteria/1?", u.cam_ngoc)),
            "{}",
            row.cells[0].href
        );
        assert!(row.cells[0].href.ends_with("year=2023"));
    }
    // The leader of the old district's neighbour sees its own communes only, no inherited row.
    let bt = picture(&f, "leader_bt", 2025).await;
    assert!(bt.rows.iter().all(|r| r.inherited.is_none()));
    assert!(bt.rows.iter().all(|r| r.commune.id != new.0));
    // 2023, by the units of the time: the old communes with their own assessments.
    let then = picture(&f, "admin", 2023).await;
    let mut own: Vec<(&str, usize, bool)> = then
        .rows
        .iter()
        .filter(|r| r.assessed)
        .map(|r| {
            (
                r.commune.name.as_str(),
                r.criteria_met,
                r.inherited.is_some(),
            )
        })
        .collect();
    own.sort_unstable();
    assert_eq!(own, [("Xã Cẩm Ngọc", 15, false), ("Xã Cẩm Tân", 11, false)]);
    assert!(then.rows.iter().all(|r| r.commune.id != new.0));
}

#[tokio::test]
async fn an_old_communes_ocop_products_show_under_its_successor_with_their_source() {
    use giaoban_app::ocop::{self, ProductWrite};
    let f = Fixture::new().await;
    let u = f.units;
    let camngoc = f.caller("camngoc").await;
    let producer = ocop::create_producer(
        &f.app,
        &camngoc,
        &body(
            json!({"commune_id": u.cam_ngoc.0, "name": "HTX Nông nghiệp Cẩm Ngọc",
                     "kind": "hop_tac_xa"}),
        ),
    )
    .await
    .expect("producer");
    ocop::create_product(
        &f.app,
        &camngoc,
        producer.id,
        &body::<ProductWrite>(json!({
            "name": "Bưởi Cẩm Ngọc", "score_community": 30, "score_marketing": 15,
            "score_quality": 20, "certifying_level": "district", "certified_on": "15/12/2024",
        })),
    )
    .await
    .expect("product");
    let new = new_commune(&f).await;
    let before = ocop::overview(&f.app, &f.caller("camthuy").await, Lang::Vi)
        .await
        .expect("overview");
    assert!(before.products.is_empty());
    merge(&f, u.cam_ngoc, new).await;
    for who in ["camthuy", "leader_ct", "leader"] {
        let o = ocop::overview(&f.app, &f.caller(who).await, Lang::Vi)
            .await
            .expect("overview");
        let p = o
            .products
            .iter()
            .find(|p| p.name == "Bưởi Cẩm Ngọc")
            .unwrap_or_else(|| panic!("{who}: the product"));
        assert_eq!(
            (p.commune.id, p.commune.name.as_str()),
            (new.0, "Xã Cẩm Thủy"),
            "{who}"
        );
        assert_eq!(p.source.as_deref(), Some("theo xã Cẩm Ngọc cũ"), "{who}");
        assert_eq!(p.former_commune.as_ref().map(|c| c.id), Some(u.cam_ngoc.0));
    }
    // Another district's leader still sees none of it.
    let bt = ocop::overview(&f.app, &f.caller("leader_bt").await, Lang::Vi)
        .await
        .expect("overview");
    assert!(bt.products.is_empty());
}

/// Issue 24's must-show through the real loader: the bundled data of 2025 loaded onto a store
/// with 2023Q1 figures; the new Xã Cẩm Thủy's 2023Q1 is what its predecessors (TT Phong Sơn, Xã
/// Cẩm Ngọc) reported, the new Xã Cẩm Tân's what the old Cẩm Tân did, the old district's unchanged.
#[tokio::test]
async fn the_2025_data_loaded_onto_history_rolls_the_old_figures_into_todays_communes() {
    let f = Fixture::new().await;
    let u = f.units;
    let form = national_form(&f).await;
    send(
        &f,
        "camngoc",
        &form,
        u.cam_ngoc,
        json!({"NN_LUA_GIEO_CAY": "3.200,5", "DN_THANH_LAP_MOI": 4}),
    )
    .await;
    send(
        &f,
        "camtan",
        &form,
        u.cam_tan,
        json!({"NN_LUA_GIEO_CAY": "2.266", "DN_THANH_LAP_MOI": 5}),
    )
    .await;
    let district_before = line(&rollup(&f, "leader", u.district).await, "NN_LUA_GIEO_CAY");
    let data = giaoban_app::reorganisation::bundled().expect("data");
    giaoban_app::reorganisation::load(&f.app, &AuditActor::system("test"), &data, &["38".into()])
        .await
        .expect("loaded");
    let units = f.store().units().await.expect("units");
    let today_named = |name: &str| {
        units
            .iter()
            .find(|x| x.name == name && x.active_from == Some(jiff::civil::date(2025, 7, 1)))
            .map(|x| x.id)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (cam_thuy, cam_tan) = (today_named("Xã Cẩm Thủy"), today_named("Xã Cẩm Tân"));
    assert_eq!(
        line(&rollup(&f, "admin", cam_thuy).await, "NN_LUA_GIEO_CAY"),
        Some((Some(3200.5), 1))
    );
    assert_eq!(
        line(&rollup(&f, "admin", cam_thuy).await, "DN_THANH_LAP_MOI"),
        Some((Some(4.0), 1))
    );
    assert_eq!(
        line(&rollup(&f, "admin", cam_tan).await, "NN_LUA_GIEO_CAY"),
        Some((Some(2266.0), 1))
    );
    // The units of the time still see their own.
    assert_eq!(
        line(&rollup(&f, "leader", u.district).await, "NN_LUA_GIEO_CAY"),
        district_before
    );
    assert_eq!(district_before, Some((Some(5466.5), 2)));
}
