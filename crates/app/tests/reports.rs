//! The report forms' use cases (`giaoban_app::reports`) against a fresh store, on SQLite or, with
//! GIAOBAN_TEST_DATABASE_URL, PostgreSQL: who makes a form, a commune's entry for itself only, a
//! sent report in the district's roll-up (a draft not), and its review by the level above.

mod common;

use common::{Fixture, assert_forbidden, assert_invalid, body};
use giaoban_app::inbox;
use giaoban_app::reports::{self, EntryWrite, RollupView, SubmissionActionWrite};
use giaoban_domain::Lang;
use giaoban_domain::report::{ReportForm, SubmissionStatus};
use giaoban_domain::user::Role;
use jiff::Timestamp;
use serde_json::{Value, json};
use uuid::Uuid;

/// A quarterly report of communes (Decree 09 window) as sent, of `items`.
fn form_of(code: &str, items: Value) -> giaoban_domain::report::FormInput {
    body(json!({
        "code": code, "name_vi": "Báo cáo KT-XH quý (xã)", "period_kind": "quarter",
        "window_rule": "decree09",
        "submission_rule": {"rule": "working_days_after_window", "days": 2},
        "reporter_kinds": ["commune", "township"],
        "items": items,
    }))
}

/// The national form's definition: the sown area (required) and the new enterprises.
fn form_input(code: &str) -> giaoban_domain::report::FormInput {
    form_of(
        code,
        json!([{"code": "NN_LUA_GIEO_CAY", "required": true}, {"code": "DN_THANH_LAP_MOI"}]),
    )
}

/// A territory's own form: an indicator the national form does not carry (a figure is reported
/// on one form only).
fn territory_input() -> giaoban_domain::report::FormInput {
    form_of("BC_HUYEN_CAM_THUY", json!([{"code": "NTM_DAT_CHUAN"}]))
}

/// The catalogue and the administrator's national form.
async fn national_form(f: &Fixture) -> ReportForm {
    f.load_catalog().await;
    let admin = f.caller("admin").await;
    reports::create_form(&f.app, &admin, &form_input("KTXH_QUY_XA"))
        .await
        .expect("form")
}

/// `who` saves the 2023Q1 entry of `unit` with `values`.
async fn save(
    f: &Fixture,
    who: &str,
    form: &ReportForm,
    unit: Uuid,
    values: Value,
) -> Result<giaoban_domain::report::Submission, giaoban_app::Error> {
    let me = f.caller(who).await;
    let w: EntryWrite = body(json!({ "values": values }));
    reports::save_entry(&f.app, &me, form.id.0, "2023Q1", unit, &w).await
}

async fn act(
    f: &Fixture,
    who: &str,
    s: &giaoban_domain::report::Submission,
    action: &str,
) -> Result<giaoban_domain::report::Submission, giaoban_app::Error> {
    let me = f.caller(who).await;
    let w: SubmissionActionWrite = body(json!({"action": action, "version": s.version}));
    reports::act(&f.app, &me, s.id.0, &w).await
}

async fn district_rollup(f: &Fixture) -> RollupView {
    let leader = f.caller("leader").await;
    reports::rollup(
        &f.app,
        &leader,
        Some(f.units.district.0),
        "2023Q1",
        Lang::Vi,
    )
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

#[tokio::test]
async fn a_sent_report_counts_in_the_district_roll_up_and_a_draft_does_not() {
    let f = Fixture::new().await;
    let u = f.units;
    let form = national_form(&f).await;
    let ngoc = save(
        &f,
        "camngoc",
        &form,
        u.cam_ngoc.0,
        json!({"NN_LUA_GIEO_CAY": "3.200,5", "DN_THANH_LAP_MOI": 4}),
    )
    .await
    .expect("Cẩm Ngọc's draft");
    act(&f, "camngoc", &ngoc, "submit")
        .await
        .expect("Cẩm Ngọc sends");
    let tan = save(
        &f,
        "camtan",
        &form,
        u.cam_tan.0,
        json!({"NN_LUA_GIEO_CAY": "2.266", "DN_THANH_LAP_MOI": 5}),
    )
    .await
    .expect("Cẩm Tân's draft");

    // Only the sent report is in the district's total.
    let before = district_rollup(&f).await;
    assert_eq!(line(&before, "DN_THANH_LAP_MOI"), Some((Some(4.0), 1)));
    assert_eq!(line(&before, "NN_LUA_GIEO_CAY"), Some((Some(3200.5), 1)));
    act(&f, "camtan", &tan, "submit")
        .await
        .expect("Cẩm Tân sends");
    let after = district_rollup(&f).await;
    assert_eq!(line(&after, "DN_THANH_LAP_MOI"), Some((Some(9.0), 2)));
    assert_eq!(line(&after, "NN_LUA_GIEO_CAY"), Some((Some(5466.5), 2)));
    assert_eq!(after.unit_id, u.district.0);

    // Both communes are expected, and both have sent.
    let leader = f.caller("leader").await;
    let c = reports::completeness(
        &f.app,
        &leader,
        form.id.0,
        "2023Q1",
        None,
        Timestamp::now(),
        Lang::Vi,
    )
    .await
    .expect("completeness");
    assert_eq!((c.expected, c.sent, c.missing), (2, 2, 0));
    // A commune reads its own roll-up, never the district's.
    let camngoc = f.caller("camngoc").await;
    assert_forbidden(
        reports::rollup(&f.app, &camngoc, Some(u.district.0), "2023Q1", Lang::Vi).await,
    );
}

#[tokio::test]
async fn a_commune_reports_for_itself_and_the_district_reviews() {
    let f = Fixture::new().await;
    let u = f.units;
    let form = national_form(&f).await;
    // Not the neighbour's report.
    assert_forbidden(
        save(
            &f,
            "camngoc",
            &form,
            u.cam_tan.0,
            json!({"NN_LUA_GIEO_CAY": "1"}),
        )
        .await,
    );
    // A draft may lack the required figure; a report sent may not.
    let s = save(
        &f,
        "camngoc",
        &form,
        u.cam_ngoc.0,
        json!({"DN_THANH_LAP_MOI": 4}),
    )
    .await
    .expect("draft");
    assert_eq!(s.status, SubmissionStatus::Draft);
    assert_invalid(
        act(&f, "camngoc", &s, "submit").await,
        "report.value_invalid",
    );
    let s = save(
        &f,
        "camngoc",
        &form,
        u.cam_ngoc.0,
        json!({"NN_LUA_GIEO_CAY": "120", "DN_THANH_LAP_MOI": 4}),
    )
    .await
    .expect("draft");
    let sent = act(&f, "camngoc", &s, "submit").await.expect("sent");
    assert_eq!(sent.status, SubmissionStatus::Submitted);
    let leader = f.caller("leader").await;
    assert_eq!(
        inbox::inbox_count(f.store(), &leader)
            .await
            .expect("inbox")
            .reports,
        1
    );

    // The commune does not accept its own report; another district's leader may not either.
    assert_forbidden(act(&f, "camngoc", &sent, "accept").await);
    assert_forbidden(act(&f, "leader_bt", &sent, "accept").await);
    let accepted = act(&f, "leader", &sent, "accept")
        .await
        .expect("the district accepts");
    assert_eq!(accepted.status, SubmissionStatus::Accepted);
    assert_eq!(
        inbox::inbox_count(f.store(), &leader)
            .await
            .expect("inbox")
            .reports,
        0
    );
    // Accepted, the report is locked.
    assert!(
        save(
            &f,
            "camngoc",
            &form,
            u.cam_ngoc.0,
            json!({"NN_LUA_GIEO_CAY": "121"})
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn a_form_belongs_to_who_makes_it() {
    let f = Fixture::new().await;
    f.load_catalog().await;
    let camngoc = f.caller("camngoc").await;
    assert_forbidden(
        reports::create_form(
            &f.app,
            &camngoc,
            &form_of("BC_XA_RIENG", json!([{"code": "NTM_DAT_CHUAN"}])),
        )
        .await,
    );
    // The district's office makes one for its territory.
    let office = f.caller("office").await;
    assert_eq!(office.actor.role, Role::Office);
    let own = reports::create_form(&f.app, &office, &territory_input())
        .await
        .expect("the territory's form");
    assert_eq!(own.owner_unit_id, Some(f.units.district));
    // Another district's leader may not change it, nor the district a national form.
    let leader_bt = f.caller("leader_bt").await;
    assert_forbidden(
        reports::update_form(
            &f.app,
            &leader_bt,
            own.id.0,
            &territory_input(),
            false,
            own.version,
        )
        .await,
    );
    let admin = f.caller("admin").await;
    let national = reports::create_form(&f.app, &admin, &form_input("KTXH_QUY_XA"))
        .await
        .expect("national form");
    assert_eq!(national.owner_unit_id, None);
    assert_forbidden(
        reports::update_form(
            &f.app,
            &office,
            national.id.0,
            &form_input("KTXH_QUY_XA"),
            false,
            national.version,
        )
        .await,
    );
    let changed = reports::update_form(
        &f.app,
        &office,
        own.id.0,
        &territory_input(),
        false,
        own.version,
    )
    .await
    .expect("the district changes its own");
    assert!(!changed.active);
}
