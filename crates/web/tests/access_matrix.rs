//! The access matrix: every operation of the API × every role × every relation between the actor
//! and the target unit. The operations come from the OpenAPI document, which is generated from the
//! router: a new route without a rule in `RULES` fails this test.
//!
//! Expectations are written out here, independently of the policy code they check:
//! - directory data is readable by every signed-in user;
//! - a unit's records (contacts, users): members their own unit only, leaders and office staff their
//!   district (UBND, departments, communes), administrators everything;
//! - directory changes: office staff in their district, administrators anywhere, nobody else;
//! - users and levels are administered by administrators; members see only themselves.
//! - meetings, notices, recommendations and tasks belong to units like records do: a member works on
//!   its own unit's (a task: the unit leads it), leaders and office staff on their district's;
//!   pausing, cancelling and deciding extensions is for the assigner's leaders and office only;
//! - a national report form is changed by administrators only (a territory changes its own).
//!
//! A second matrix (`every_referenced_id_role_and_relation`) adds the dimension of IDs that arrive
//! in a body: each write × each role × each relation of the record named (own, other district,
//! other province, issued).

mod common;

use std::collections::HashMap;

use common::{PASSWORD, TestApp};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::conclusion::{ConclusionDraft, ConclusionInput};
use giaoban_domain::meeting::{
    MeetingDraft, MeetingInput, RecommendationDraft, RecommendationInput,
};
use giaoban_domain::task::{TaskDraft, TaskInput};
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::NewUser;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rule {
    /// Any signed-in user.
    Anyone,
    /// The unit's records: read or write.
    UnitRecords,
    /// Changing the directory (the target unit, or the parent of a new unit).
    ManageUnits,
    /// Administrators only.
    AdminOnly,
    /// Administrators, leaders and office staff.
    NotMembers,
    /// A user record: oneself, or a leader/office/admin whose territory holds the user's unit.
    UserRecord,
    /// Managing a task of the target unit: administrators, and leaders and office staff of its
    /// district; never members, not even the lead unit's.
    ManageTask,
    /// Setting a unit's plan target: from above (leaders, office staff, administrators whose
    /// territory holds the unit), never by members; an unknown unit is a validation error.
    SetTarget,
    /// A national catalogue record (the matrix's form has no owner): the administrator only,
    /// whatever unit is named (issue 20: a district's office no longer changes a shared form).
    NationalCatalogue,
    /// Not part of the matrix, with the reason (covered elsewhere).
    Skip(&'static str),
}

const RULES: &[(&str, &str, Rule)] = &[
    (
        "post",
        "/api/v1/session",
        Rule::Skip("signing in is public: covered by the sign-in tests"),
    ),
    ("get", "/api/v1/session", Rule::Anyone),
    (
        "delete",
        "/api/v1/session",
        Rule::Skip("ends the session: covered by signing_out_ends_the_session"),
    ),
    ("put", "/api/v1/me/password", Rule::Anyone),
    ("get", "/api/v1/dashboard", Rule::Anyone),
    ("get", "/api/v1/levels", Rule::Anyone),
    ("put", "/api/v1/levels/{code}", Rule::AdminOnly),
    ("post", "/api/v1/units/reorganisation", Rule::AdminOnly),
    ("get", "/api/v1/units", Rule::Anyone),
    ("post", "/api/v1/units", Rule::ManageUnits),
    ("get", "/api/v1/units/tree", Rule::Anyone),
    ("get", "/api/v1/units/{id}", Rule::Anyone),
    ("put", "/api/v1/units/{id}", Rule::ManageUnits),
    ("put", "/api/v1/units/{id}/contact", Rule::UnitRecords),
    ("get", "/api/v1/units/{id}/users", Rule::UnitRecords),
    ("get", "/api/v1/users", Rule::Anyone),
    ("post", "/api/v1/users", Rule::AdminOnly),
    ("get", "/api/v1/users/{id}", Rule::UserRecord),
    ("post", "/api/v1/users/{id}/password-reset", Rule::AdminOnly),
    ("get", "/api/v1/audit", Rule::NotMembers),
    ("post", "/api/v1/extract", Rule::Anyone),
    ("get", "/api/v1/meetings", Rule::Anyone),
    ("post", "/api/v1/meetings", Rule::UnitRecords),
    ("get", "/api/v1/meetings/{id}", Rule::UnitRecords),
    ("put", "/api/v1/meetings/{id}", Rule::UnitRecords),
    ("get", "/api/v1/recommendations", Rule::Anyone),
    ("post", "/api/v1/recommendations", Rule::UnitRecords),
    (
        "post",
        "/api/v1/recommendations/{id}/answer",
        Rule::UnitRecords,
    ),
    ("get", "/api/v1/conclusions", Rule::Anyone),
    ("post", "/api/v1/conclusions", Rule::UnitRecords),
    ("get", "/api/v1/conclusions/{id}", Rule::UnitRecords),
    ("put", "/api/v1/conclusions/{id}", Rule::UnitRecords),
    ("post", "/api/v1/conclusions/{id}/issue", Rule::UnitRecords),
    ("get", "/api/v1/tasks", Rule::Anyone),
    ("post", "/api/v1/tasks", Rule::UnitRecords),
    ("get", "/api/v1/tasks/{id}", Rule::UnitRecords),
    ("post", "/api/v1/tasks/{id}/progress", Rule::UnitRecords),
    ("post", "/api/v1/tasks/{id}/extension", Rule::UnitRecords),
    (
        "post",
        "/api/v1/tasks/{id}/extension/decision",
        Rule::ManageTask,
    ),
    ("post", "/api/v1/tasks/{id}/action", Rule::ManageTask),
    ("get", "/api/v1/board", Rule::Anyone),
    ("get", "/api/v1/notifications", Rule::Anyone),
    ("get", "/api/v1/messages", Rule::Anyone),
    ("get", "/api/v1/messages/unread", Rule::Anyone),
    ("post", "/api/v1/messages/read", Rule::Anyone),
    (
        "post",
        "/api/v1/deliveries/{id}/retry",
        Rule::Skip(
            "needs a failed delivery per unit: covered by channels.rs (the unit's own send it \
             again, another unit's answers 404)",
        ),
    ),
    ("get", "/api/v1/inbox", Rule::Anyone),
    ("get", "/api/v1/inbox/count", Rule::Anyone),
    ("get", "/api/v1/handover", Rule::NotMembers),
    (
        "post",
        "/api/v1/handover/one",
        Rule::Skip(
            "needs an ended unit and a province office: covered by handover.rs (app and web: a \
             commune and a district's office are refused, another province's unit is 403)",
        ),
    ),
    (
        "post",
        "/api/v1/handover/bulk",
        Rule::Skip(
            "needs an ended unit and a province office: covered by handover.rs (app and web)",
        ),
    ),
    ("post", "/api/v1/calendar/token", Rule::Anyone),
    ("post", "/api/v1/extract/confirm", Rule::UnitRecords),
    (
        "get",
        "/api/v1/conclusions/{id}/document",
        Rule::UnitRecords,
    ),
    ("get", "/api/v1/indicators", Rule::Anyone),
    ("post", "/api/v1/indicators", Rule::AdminOnly),
    ("put", "/api/v1/indicators/{id}", Rule::AdminOnly),
    ("get", "/api/v1/targets", Rule::UnitRecords),
    ("put", "/api/v1/targets", Rule::SetTarget),
    ("get", "/api/v1/forms", Rule::Anyone),
    ("post", "/api/v1/forms", Rule::NotMembers),
    ("get", "/api/v1/forms/{id}", Rule::Anyone),
    ("put", "/api/v1/forms/{id}", Rule::NationalCatalogue),
    (
        "get",
        "/api/v1/forms/{id}/periods/{period}/units/{unit}",
        Rule::UnitRecords,
    ),
    (
        "put",
        "/api/v1/forms/{id}/periods/{period}/units/{unit}",
        Rule::UnitRecords,
    ),
    ("post", "/api/v1/submissions/{id}/action", Rule::UnitRecords),
    (
        "get",
        "/api/v1/forms/{id}/periods/{period}/completeness",
        Rule::Anyone,
    ),
    ("get", "/api/v1/rollups", Rule::UnitRecords),
    ("get", "/api/v1/rollups/series", Rule::UnitRecords),
    ("post", "/api/v1/aggregates/rebuild", Rule::AdminOnly),
    (
        "get",
        "/api/v1/forms/{id}/periods/{period}/template",
        Rule::Anyone,
    ),
    (
        "post",
        "/api/v1/forms/{id}/periods/{period}/upload",
        Rule::Skip("needs a file: covered by the XLSX round-trip test in tests/reports.rs"),
    ),
    ("get", "/api/v1/rollups/xlsx", Rule::UnitRecords),
    // Period reports: a unit's report is its records; drafting one is writing the unit's records.
    ("get", "/api/v1/period-reports", Rule::Anyone),
    ("post", "/api/v1/period-reports", Rule::UnitRecords),
    ("get", "/api/v1/period-reports/{id}", Rule::UnitRecords),
    ("put", "/api/v1/period-reports/{id}", Rule::UnitRecords),
    (
        "post",
        "/api/v1/period-reports/{id}/regenerate",
        Rule::UnitRecords,
    ),
    (
        "get",
        "/api/v1/period-reports/{id}/document",
        Rule::UnitRecords,
    ),
    (
        "get",
        "/api/v1/forms/{id}/periods/{period}/completeness/xlsx",
        Rule::Anyone,
    ),
    // Programmes (NTM): the picture shows each viewer the communes it may read; a commune's
    // status is its records; loading a criteria set is for administrators.
    ("get", "/api/v1/programmes/criteria-sets", Rule::Anyone),
    ("post", "/api/v1/programmes/criteria-sets", Rule::AdminOnly),
    ("get", "/api/v1/programmes/picture", Rule::Anyone),
    ("get", "/api/v1/programmes/heatmap.xlsx", Rule::Anyone),
    ("get", "/api/v1/programmes/communes/{id}", Rule::UnitRecords),
    ("put", "/api/v1/programmes/communes/{id}", Rule::UnitRecords),
    (
        "post",
        "/api/v1/programmes/communes/{id}/statuses",
        Rule::UnitRecords,
    ),
    (
        "post",
        "/api/v1/programmes/communes/{id}/task",
        Rule::UnitRecords,
    ),
    (
        "put",
        "/api/v1/programmes/units/{id}/model-areas",
        Rule::UnitRecords,
    ),
    // OCOP: producers belong to their commune like records.
    ("get", "/api/v1/ocop", Rule::Anyone),
    ("post", "/api/v1/ocop/producers", Rule::UnitRecords),
    (
        "post",
        "/api/v1/ocop/producers/{id}/products",
        Rule::UnitRecords,
    ),
    (
        "post",
        "/api/v1/ocop/producers/{id}/payments",
        Rule::UnitRecords,
    ),
];

/// Operations whose target unit is given in the query or the body rather than the path.
const QUERY_TARGETED: &[(&str, &str)] = &[
    ("get", "/api/v1/targets"),
    ("put", "/api/v1/targets"),
    ("get", "/api/v1/rollups"),
    ("get", "/api/v1/rollups/series"),
    ("get", "/api/v1/rollups/xlsx"),
];

/// Whether the operation is aimed at one record or unit (and so run against every target).
fn is_targeted(method: &str, path: &str) -> bool {
    path.contains("{id}") || path.contains("{unit}") || QUERY_TARGETED.contains(&(method, path))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash)]
enum Target {
    CamNgoc,
    CamTan,
    Tckh,
    OtherDistrict,
    Unknown,
}

const TARGETS: [Target; 5] = [
    Target::CamNgoc,
    Target::CamTan,
    Target::Tckh,
    Target::OtherDistrict,
    Target::Unknown,
];

/// Actors: (username, role) as the harness creates them.
const ACTORS: [&str; 5] = ["admin", "leader", "office", "tckh", "camngoc"];

/// Whether `actor` may touch the records of `target` (known targets only).
fn records(actor: &str, target: Target) -> bool {
    match actor {
        "admin" => true,
        "leader" | "office" => target != Target::OtherDistrict,
        "tckh" => target == Target::Tckh,
        "camngoc" => target == Target::CamNgoc,
        _ => false,
    }
}

fn manages(actor: &str, target: Target) -> bool {
    match actor {
        "admin" => true,
        "office" => target != Target::OtherDistrict,
        _ => false,
    }
}

/// What is expected: `Some(true)` allowed (neither 401 nor 403), `Some(false)` 403, or an exact status.
#[derive(Debug, PartialEq)]
enum Expect {
    Allowed,
    Forbidden,
    Status(u16),
}

fn expect(rule: Rule, method: &str, path: &str, actor: &str, target: Target) -> Expect {
    let targeted = is_targeted(method, path);
    let unknown = targeted && target == Target::Unknown;
    match rule {
        Rule::Skip(_) => unreachable!("skipped rules are not run"),
        Rule::SetTarget if target == Target::Unknown => Expect::Status(422),
        Rule::SetTarget => {
            if !["tckh", "camngoc"].contains(&actor) && records(actor, target) {
                Expect::Allowed
            } else {
                Expect::Forbidden
            }
        }
        // Forms are not units: a form id is always a known one, the target is the unit.
        Rule::Anyone if unknown && !path.starts_with("/api/v1/forms/") => Expect::Status(404),
        Rule::Anyone => Expect::Allowed,
        Rule::NationalCatalogue if actor == "admin" => Expect::Allowed,
        Rule::NationalCatalogue => Expect::Forbidden,
        Rule::AdminOnly if actor != "admin" => Expect::Forbidden,
        Rule::AdminOnly if unknown => Expect::Status(404),
        Rule::AdminOnly => Expect::Allowed,
        Rule::NotMembers if ["tckh", "camngoc"].contains(&actor) => Expect::Forbidden,
        Rule::NotMembers => Expect::Allowed,
        // A new unit under an unknown parent is a validation error for everyone.
        Rule::ManageUnits if !targeted && target == Target::Unknown => Expect::Status(422),
        Rule::ManageUnits | Rule::UnitRecords | Rule::UserRecord | Rule::ManageTask if unknown => {
            Expect::Status(404)
        }
        Rule::ManageTask => {
            if !["tckh", "camngoc"].contains(&actor) && records(actor, target) {
                Expect::Allowed
            } else {
                Expect::Forbidden
            }
        }
        Rule::ManageUnits => {
            if manages(actor, target) {
                Expect::Allowed
            } else {
                Expect::Forbidden
            }
        }
        Rule::UnitRecords => {
            if records(actor, target) {
                Expect::Allowed
            } else {
                Expect::Forbidden
            }
        }
        Rule::UserRecord => {
            // Target users are not the actors themselves; members never see other users.
            if ["tckh", "camngoc"].contains(&actor) || !records(actor, target) {
                Expect::Forbidden
            } else {
                Expect::Allowed
            }
        }
    }
}

fn meeting_input(host: UnitId) -> MeetingInput {
    serde_json::from_value(meeting_json(host)).expect("meeting input")
}

fn meeting_json(host: UnitId) -> Value {
    json!({"kind": "briefing", "title": "Giao ban tuần", "date": "2023-03-24", "host_unit_id": host.0})
}

fn notice_input(meeting: uuid::Uuid, issuer: UnitId) -> ConclusionInput {
    serde_json::from_value(
        json!({"meeting_id": meeting, "issuer_unit_id": issuer.0, "title": "Kết luận"}),
    )
    .expect("notice input")
}

fn task_input(unit: UnitId) -> TaskInput {
    serde_json::from_value(json!({
        "content": "Báo cáo kết quả", "assigner_unit_id": unit.0, "lead_unit_id": unit.0,
        "deadline": "chậm nhất ngày 30/06/2099"
    }))
    .expect("task input")
}

#[tokio::test]
async fn every_operation_role_and_relation() {
    let app = TestApp::spawn().await;
    let store = &app.db.store;
    let units: HashMap<Target, UnitId> = HashMap::from([
        (Target::CamNgoc, app.units.cam_ngoc),
        (Target::CamTan, app.units.cam_tan),
        (Target::Tckh, app.units.tckh),
        (Target::OtherDistrict, app.units.other_district),
        (Target::Unknown, UnitId::new()),
    ]);
    // One user in each target unit, who is never an actor (password resets hit them).
    let hash = giaoban_web::auth::hash_password(PASSWORD).expect("hash");
    let mut users: HashMap<Target, String> = HashMap::new();
    for (t, name) in [
        (Target::CamNgoc, "target-ngoc"),
        (Target::CamTan, "target-tan"),
        (Target::Tckh, "target-tckh"),
        (Target::OtherDistrict, "target-other"),
    ] {
        let new = NewUser::parse(name, name, None, "member", units[&t]).expect("user");
        let u = store
            .create_user(&AuditActor::system("test"), &new, &hash, false)
            .await
            .expect("user");
        users.insert(t, u.id.to_string());
    }
    users.insert(Target::Unknown, uuid::Uuid::now_v7().to_string());
    // In each target unit: a meeting it hosts, a draft notice it issues, a task it leads (assigned
    // by itself), a recommendation it raises and receives.
    let mut meetings: HashMap<Target, String> = HashMap::new();
    let mut notices: HashMap<Target, String> = HashMap::new();
    let mut tasks: HashMap<Target, String> = HashMap::new();
    let mut recommendations: HashMap<Target, String> = HashMap::new();
    let mut producers: HashMap<Target, String> = HashMap::new();
    let mut period_reports: HashMap<Target, String> = HashMap::new();
    let sys = AuditActor::system("test");
    for t in [
        Target::CamNgoc,
        Target::CamTan,
        Target::Tckh,
        Target::OtherDistrict,
    ] {
        let unit = units[&t];
        let m = store
            .create_meeting(
                &sys,
                &MeetingDraft::parse(&meeting_input(unit)).expect("meeting"),
                None,
            )
            .await
            .expect("meeting");
        let c = store
            .create_conclusion(
                &sys,
                &ConclusionDraft::parse(&notice_input(m.id, unit)).expect("notice"),
            )
            .await
            .expect("notice");
        let task = store
            .create_task(
                &sys,
                &TaskDraft::parse(&task_input(unit), giaoban_web::today()).expect("task"),
            )
            .await
            .expect("task");
        let r = store
            .create_recommendation(
                &sys,
                &RecommendationDraft::parse(
                    &RecommendationInput {
                        meeting_id: Some(m.id),
                        raised_by_unit_id: unit.0,
                        addressed_to_unit_id: Some(unit.0),
                        content: "Đề nghị hỗ trợ kinh phí".into(),
                        raised_on: None,
                    },
                    giaoban_web::today(),
                )
                .expect("recommendation"),
            )
            .await
            .expect("recommendation");
        meetings.insert(t, m.id.to_string());
        notices.insert(t, c.id.to_string());
        tasks.insert(t, task.id.to_string());
        recommendations.insert(t, r.id.to_string());
        let p = store
            .create_ocop_producer(
                &sys,
                &giaoban_domain::ocop::ProducerDraft::parse(&giaoban_domain::ocop::ProducerInput {
                    commune_id: unit.0,
                    name: "Cơ sở sản xuất".into(),
                    kind: None,
                })
                .expect("producer"),
            )
            .await
            .expect("producer");
        producers.insert(t, p.id.to_string());
        let report = store
            .create_period_report(
                &sys,
                unit,
                giaoban_domain::period::Period::quarter(2023, 1).expect("period"),
                "2023-03-28",
                &giaoban_domain::period_report::ReportContent {
                    subject: "Báo cáo quý I".into(),
                    blocks: Vec::new(),
                    number_line: "Số:     /BC-UBND".into(),
                    place: "Cẩm Thủy".into(),
                    authority_lines: Vec::new(),
                    signer_name: String::new(),
                    recipients: Vec::new(),
                },
            )
            .await
            .expect("period report");
        period_reports.insert(t, report.id.to_string());
    }
    for map in [
        &mut meetings,
        &mut notices,
        &mut tasks,
        &mut recommendations,
        &mut producers,
        &mut period_reports,
    ] {
        map.insert(Target::Unknown, uuid::Uuid::now_v7().to_string());
    }

    // A quarterly form every kind of target unit reports on, and a draft report of each target.
    store
        .load_catalog(
            &sys,
            &giaoban_domain::indicator::parse_catalog(giaoban_domain::indicator::BUNDLED_CATALOG)
                .expect("catalog"),
        )
        .await
        .expect("load catalog");
    let catalog = store.indicators().await.expect("indicators");
    let indicator_id = catalog
        .iter()
        .find(|i| i.code.as_str() == "DN_THANH_LAP_MOI")
        .expect("indicator")
        .id
        .to_string();
    let form_json = json!({
        "code": "KTXH_QUY", "name_vi": "Báo cáo KT-XH quý", "period_kind": "quarter",
        "window_rule": "decree09",
        "submission_rule": {"rule": "working_days_after_window", "days": 2},
        "reporter_kinds": ["commune", "department", "district"],
        "items": [{"code": "DN_THANH_LAP_MOI"}, {"code": "NN_LUA_GIEO_CAY"}]
    });
    let form = store
        .create_form(
            &sys,
            &giaoban_domain::report::FormDefinition::parse(
                &serde_json::from_value(form_json.clone()).expect("form input"),
                &catalog,
            )
            .expect("form"),
        )
        .await
        .expect("form");
    let form_id = form.id.to_string();
    let mut submissions: HashMap<Target, String> = HashMap::new();
    for t in [
        Target::CamNgoc,
        Target::CamTan,
        Target::Tckh,
        Target::OtherDistrict,
    ] {
        let s = store
            .save_submission(
                &sys,
                &form,
                units[&t],
                giaoban_domain::period::Period::quarter(2023, 1).expect("q"),
                &Default::default(),
                &Default::default(),
                None,
            )
            .await
            .expect("submission");
        submissions.insert(t, s.id.to_string());
    }
    submissions.insert(Target::Unknown, uuid::Uuid::now_v7().to_string());

    let doc: Value = app
        .client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("doc")
        .json()
        .await
        .expect("json");
    let paths = doc["paths"].as_object().expect("paths");
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                let rule = RULES
                    .iter()
                    .find(|(m, p, _)| *m == method && *p == path)
                    .map(|(_, _, r)| *r)
                    .unwrap_or_else(|| {
                        panic!(
                            "{} {path} has no access rule in the matrix: add one",
                            method.to_uppercase()
                        )
                    });
                operations.push((method, path.clone(), rule));
            }
        }
    }
    assert!(
        RULES
            .iter()
            .all(|(m, p, _)| paths.get(*p).and_then(|i| i.get(*m)).is_some()),
        "every rule names a served route"
    );

    let mut sessions = HashMap::new();
    for actor in ACTORS {
        sessions.insert(actor, app.signed_in(actor).await);
    }
    let mut checked = 0;
    let mut counter = 0;
    for (method, path, rule) in &operations {
        if matches!(rule, Rule::Skip(_)) {
            continue;
        }
        let targets: &[Target] =
            if is_targeted(method, path) || (*method == "post" && path == "/api/v1/units") {
                &TARGETS
            } else {
                &[Target::CamNgoc]
            };
        for actor in ACTORS {
            let (client, token) = &sessions[actor];
            for &target in targets {
                counter += 1;
                let id = if path.starts_with("/api/v1/users/") {
                    users[&target].clone()
                } else if path.starts_with("/api/v1/meetings/") {
                    meetings[&target].clone()
                } else if path.starts_with("/api/v1/conclusions/") {
                    notices[&target].clone()
                } else if path.starts_with("/api/v1/tasks/") {
                    tasks[&target].clone()
                } else if path.starts_with("/api/v1/recommendations/") {
                    recommendations[&target].clone()
                } else if path.starts_with("/api/v1/ocop/producers/") {
                    producers[&target].clone()
                } else if path.starts_with("/api/v1/forms/") {
                    form_id.clone()
                } else if path.starts_with("/api/v1/period-reports/") {
                    period_reports[&target].clone()
                } else if path.starts_with("/api/v1/submissions/") {
                    submissions[&target].clone()
                } else if path.starts_with("/api/v1/indicators/") {
                    if target == Target::Unknown {
                        uuid::Uuid::now_v7().to_string()
                    } else {
                        indicator_id.clone()
                    }
                } else {
                    units[&target].to_string()
                };
                let mut url = app.url(
                    &path
                        .replace("{id}", &id)
                        .replace("{code}", "thon")
                        .replace("{period}", "2023Q1")
                        .replace("{unit}", &units[&target].to_string()),
                );
                if path.ends_with("/document") {
                    url.push_str("?format=docx");
                }
                let unit_q = units[&target].to_string();
                match (*method, path.as_str()) {
                    ("get", "/api/v1/targets") => {
                        url.push_str(&format!("?year=2023&unit={unit_q}"))
                    }
                    ("get", "/api/v1/rollups") | ("get", "/api/v1/rollups/xlsx") => {
                        url.push_str(&format!("?unit={unit_q}&period=2023Q1"))
                    }
                    ("get", "/api/v1/rollups/series") => url.push_str(&format!(
                        "?unit={unit_q}&indicator={indicator_id}&period=2023Q1"
                    )),
                    _ => {}
                }
                let body = match (*method, path.as_str()) {
                    ("put", "/api/v1/me/password") => {
                        json!({"current_password": "not the password", "new_password": "Giao ban thứ Năm 17h"})
                    }
                    ("put", "/api/v1/levels/{code}") => {
                        json!({"rank": 4, "name_vi": "Thôn", "name_en": "Village"})
                    }
                    // A province that does not exist: the administrator passes the check and
                    // is told so (422) without the test tree being reorganised under the others.
                    ("post", "/api/v1/units/reorganisation") => json!({"provinces": ["99"]}),
                    ("post", "/api/v1/units") => {
                        json!({"kind": "commune", "level": "xa", "name": format!("Xã Thử {counter}"), "parent_id": units[&target].0})
                    }
                    ("put", "/api/v1/units/{id}") => {
                        // The unit's own data sent back unchanged (parent included).
                        let current = store.unit(units[&target]).await.ok();
                        match current {
                            Some(u) => {
                                json!({"kind": u.kind.code(), "level": u.level.as_str(), "name": u.name, "parent_id": u.parent_id.map(|p| p.0)})
                            }
                            None => {
                                json!({"kind": "commune", "level": "xa", "name": "Xã Không Có", "parent_id": app.units.district.0})
                            }
                        }
                    }
                    ("put", "/api/v1/units/{id}/contact") => json!({"phone": "0237 1"}),
                    ("post", "/api/v1/users") => {
                        json!({"username": format!("new{counter}"), "display_name": "Người mới", "role": "member", "unit_id": app.units.cam_ngoc.0})
                    }
                    ("post", "/api/v1/meetings") => meeting_json(units[&target]),
                    ("put", "/api/v1/meetings/{id}") => {
                        let host = units[&target];
                        if target == Target::Unknown {
                            meeting_json(app.units.cam_ngoc)
                        } else {
                            meeting_json(host)
                        }
                    }
                    ("post", "/api/v1/recommendations") => {
                        json!({"raised_by_unit_id": units[&target].0, "content": "Kiến nghị"})
                    }
                    ("post", "/api/v1/recommendations/{id}/answer") => {
                        json!({"status": "answered", "answer": "Đã trả lời"})
                    }
                    ("post", "/api/v1/conclusions") => {
                        json!({"meeting_id": meetings[&target], "issuer_unit_id": units[&target].0, "title": "Kết luận"})
                    }
                    ("put", "/api/v1/conclusions/{id}") => {
                        let unit = if target == Target::Unknown {
                            Target::CamNgoc
                        } else {
                            target
                        };
                        json!({"meeting_id": meetings[&unit], "issuer_unit_id": units[&unit].0, "title": "Kết luận (sửa)"})
                    }
                    ("post", "/api/v1/conclusions/{id}/issue") => json!({}),
                    ("post", "/api/v1/tasks") => {
                        json!({"content": "Việc", "assigner_unit_id": units[&target].0, "lead_unit_id": units[&target].0, "deadline": "thường xuyên"})
                    }
                    ("post", "/api/v1/tasks/{id}/progress") => json!({"note": "Đang làm"}),
                    ("post", "/api/v1/tasks/{id}/extension") => {
                        json!({"new_due": "2099-01-01", "reason": "Chờ số liệu"})
                    }
                    ("post", "/api/v1/tasks/{id}/extension/decision") => json!({"approve": false}),
                    ("post", "/api/v1/tasks/{id}/action") => json!({"action": "pause"}),
                    ("post", "/api/v1/calendar/token") => json!({}),
                    ("post", "/api/v1/indicators") => json!({
                        "code": format!("THU_{counter}"), "name_vi": "Chỉ tiêu thử", "value_type": "count"
                    }),
                    ("put", "/api/v1/indicators/{id}") => json!({
                        "code": "DN_THANH_LAP_MOI", "name_vi": "Doanh nghiệp thành lập mới",
                        "value_type": "count", "measure": "doanh nghiệp", "sector": "enterprise", "version": 1
                    }),
                    ("put", "/api/v1/targets") => json!({
                        "year": 2023, "unit_id": units[&target].0, "indicator_code": "DN_THANH_LAP_MOI", "value": "45"
                    }),
                    ("post", "/api/v1/forms") => json!({
                        "code": format!("BM_{counter}"), "name_vi": "Biểu thử", "period_kind": "year",
                        "submission_rule": {"rule": "working_days_after_window", "days": 5},
                        "reporter_kinds": ["commune"], "items": [{"code": "NS_THU_NOI_DIA"}]
                    }),
                    ("put", "/api/v1/forms/{id}") => {
                        let mut f = form_json.clone();
                        f["version"] = json!(1);
                        f
                    }
                    ("put", "/api/v1/forms/{id}/periods/{period}/units/{unit}") => json!({
                        "values": {"DN_THANH_LAP_MOI": "9"}, "narrative": {"results": "Kết quả quý I"}
                    }),
                    ("post", "/api/v1/submissions/{id}/action") => {
                        json!({"action": "submit", "version": 1})
                    }
                    ("post", "/api/v1/extract/confirm") => json!({
                        "meeting": meeting_json(units[&target]),
                        "tasks": [{"content": "Việc", "assigner_unit_id": units[&target].0,
                                   "lead_unit_id": units[&target].0, "deadline": "thường xuyên"}]
                    }),
                    ("put", "/api/v1/programmes/communes/{id}") => {
                        json!({"targets": {"nang_cao": 2025}})
                    }
                    ("post", "/api/v1/programmes/communes/{id}/statuses") => {
                        json!({"year": 2021, "item": "17", "met": "ntm", "evaluated_on": "31/03/2021"})
                    }
                    ("post", "/api/v1/programmes/communes/{id}/task") => {
                        json!({"year": 2021, "item": "17"})
                    }
                    ("put", "/api/v1/programmes/units/{id}/model-areas") => {
                        json!({"year": 2021, "kind": "vuon_mau", "achieved": 3})
                    }
                    ("post", "/api/v1/ocop/producers") => {
                        json!({"commune_id": units[&target].0, "name": "Cơ sở"})
                    }
                    ("post", "/api/v1/ocop/producers/{id}/products") => {
                        json!({"name": "Sản phẩm", "score_community": 30, "score_marketing": 15, "score_quality": 20})
                    }
                    ("post", "/api/v1/ocop/producers/{id}/payments") => {
                        json!({"paid_on": "2021-04-08", "amount_vnd": 1000000})
                    }
                    ("post", "/api/v1/period-reports") => {
                        json!({"unit_id": units[&target].0, "period": "2023Q1", "as_of": "2023-03-28"})
                    }
                    ("put", "/api/v1/period-reports/{id}") => json!({
                        "version": 1, "subject": "Báo cáo quý I (sửa)", "blocks": [],
                        "number_line": "Số:     /BC-UBND", "place": "Cẩm Thủy",
                        "authority_lines": [], "signer_name": "", "recipients": []
                    }),
                    ("post", "/api/v1/period-reports/{id}/regenerate") => json!({"version": 1}),
                    ("post", "/api/v1/extract") => {
                        json!({"text": "Giao Phòng Tài chính - Kế hoạch tổng hợp báo cáo."})
                    }
                    _ => Value::Null,
                };
                let mut req = client
                    .request(
                        method.to_uppercase().parse::<Method>().expect("method"),
                        &url,
                    )
                    .header("x-csrf-token", token);
                if !body.is_null() {
                    req = req.json(&body);
                }
                let resp = req.send().await.expect("send");
                let status = resp.status();
                let expected = expect(*rule, method, path, actor, target);
                let ok = match expected {
                    Expect::Allowed => {
                        status != StatusCode::UNAUTHORIZED
                            && status != StatusCode::FORBIDDEN
                            && !status.is_server_error()
                    }
                    Expect::Forbidden => status == StatusCode::FORBIDDEN,
                    Expect::Status(s) => status.as_u16() == s,
                };
                if !ok {
                    let body = resp.text().await.unwrap_or_default();
                    panic!(
                        "{} {path} ({url}) as {actor} on {target:?}: expected {expected:?}, got {status}: {}",
                        method.to_uppercase(),
                        body.chars().take(300).collect::<String>()
                    );
                }
                checked += 1;
            }
        }
    }
    println!(
        "access matrix: {} operations, {checked} checks",
        operations.len()
    );
    assert!(checked >= 150, "{checked} checks");
}

// ----- referenced IDs -----

/// How the record an ID in the body names stands to the actor.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Rel {
    /// The actor's own unit's record (for a unit: the actor's unit, or a commune of the district
    /// when directory changes are concerned).
    Own,
    /// A record of the other district of the same province.
    OtherDistrict,
    /// A unit of another province.
    OtherProvince,
    /// The actor's own unit's notice, issued.
    Issued,
    /// The actor's own unit's notice, still a draft (where only an issued one may be named).
    OwnDraft,
}

/// Each write that names another record in its body, with the relations it is tried with.
const REFERENCE_WRITES: &[(&str, &[Rel])] = &[
    (
        "POST /tasks conclusion_id",
        &[Rel::Own, Rel::OtherDistrict, Rel::Issued],
    ),
    ("POST /tasks meeting_id", &[Rel::Own, Rel::OtherDistrict]),
    ("POST /tasks parent_id", &[Rel::Own, Rel::OtherDistrict]),
    (
        "POST /recommendations meeting_id",
        &[Rel::Own, Rel::OtherDistrict],
    ),
    (
        "POST /recommendations addressed_to_unit_id",
        &[Rel::Own, Rel::OtherDistrict, Rel::OtherProvince],
    ),
    (
        "POST /meetings invited_unit_ids",
        &[Rel::Own, Rel::OtherDistrict, Rel::OtherProvince],
    ),
    (
        "POST /meetings participants.unit_id",
        &[Rel::Own, Rel::OtherDistrict, Rel::OtherProvince],
    ),
    (
        "PUT /meetings/{id} invited_unit_ids",
        &[Rel::Own, Rel::OtherDistrict, Rel::OtherProvince],
    ),
    (
        "POST /conclusions meeting_id",
        &[Rel::Own, Rel::OtherDistrict],
    ),
    (
        "POST /conclusions corrects_id",
        &[Rel::Issued, Rel::OwnDraft, Rel::OtherDistrict],
    ),
    (
        "PUT /conclusions/{id} corrects_id",
        &[Rel::Issued, Rel::OwnDraft, Rel::OtherDistrict],
    ),
    (
        "PUT /units/{id} merged_into",
        &[Rel::Own, Rel::OtherDistrict, Rel::OtherProvince],
    ),
    (
        "POST /extract/confirm recommendations.addressed_to_unit_id",
        &[Rel::Own, Rel::OtherDistrict, Rel::OtherProvince],
    ),
    (
        "POST /extract/confirm meeting.invited_unit_ids",
        &[Rel::Own, Rel::OtherDistrict, Rel::OtherProvince],
    ),
];

/// The rules, written out independently of the policy code:
/// - a notice, a meeting or a task named in a body is used only by who writes for its unit
///   (issuer, host, parent's parties or assigner); an issued notice takes no task (422) and is
///   the only kind that can be corrected (a draft: 422);
/// - a sub-task is assigned by a party or the assigner of its parent: never across districts;
/// - units addressed or invited: the actor's readable units or the territory above its own
///   (a commune: its district; a district body: its province); never another province;
/// - a unit merges only into one the actor manages.
fn ref_expect(write: &str, actor: &str, rel: Rel) -> Expect {
    let admin = actor == "admin";
    let allowed_if = |ok: bool| {
        if ok {
            Expect::Allowed
        } else {
            Expect::Forbidden
        }
    };
    match (write, rel) {
        (w, Rel::Issued) if w.contains("conclusion_id") => Expect::Status(422),
        (w, Rel::Issued) if w.contains("corrects_id") => Expect::Allowed,
        (w, Rel::OwnDraft) if w.contains("corrects_id") => Expect::Status(422),
        (w, rel) if w.contains("merged_into") => {
            allowed_if(admin || (actor == "office" && rel == Rel::Own))
        }
        (w, Rel::OtherDistrict) if w.contains("parent_id") => Expect::Forbidden,
        (w, rel)
            if w.contains("addressed_to")
                || w.contains("invited")
                || w.contains("participants") =>
        {
            match rel {
                Rel::Own => Expect::Allowed,
                Rel::OtherDistrict => allowed_if(actor != "camngoc"),
                _ => allowed_if(admin),
            }
        }
        (_, Rel::Own) => Expect::Allowed,
        (_, _) => allowed_if(admin),
    }
}

#[tokio::test]
async fn every_referenced_id_role_and_relation() {
    let app = TestApp::spawn().await;
    let store = &app.db.store;
    let sys = AuditActor::system("test");
    let u = &app.units;
    let unit = |kind: &str, level: &str, name: &str, parent: Option<UnitId>| {
        giaoban_domain::unit::UnitDraft::parse(&giaoban_domain::unit::UnitInput {
            kind: kind.into(),
            level: level.into(),
            name: name.into(),
            parent_id: parent,
            ..Default::default()
        })
        .expect("unit")
    };
    let other_province = store
        .create_unit(&sys, &unit("province", "tinh", "Tỉnh Nghệ An", None))
        .await
        .expect("province")
        .id;
    let far_district = store
        .create_unit(
            &sys,
            &unit("district", "huyen", "Huyện Con Cuông", Some(other_province)),
        )
        .await
        .expect("district")
        .id;
    let merged = store
        .create_unit(
            &sys,
            &unit("commune", "xa", "Xã Thử Sáp Nhập", Some(u.district)),
        )
        .await
        .expect("commune")
        .id;

    // In each unit an actor belongs to, and in the other district: a meeting, a draft notice, an
    // issued notice and a task it assigned itself.
    struct Records {
        meeting: uuid::Uuid,
        draft: uuid::Uuid,
        issued: uuid::Uuid,
        task: uuid::Uuid,
    }
    let mut records: HashMap<UnitId, Records> = HashMap::new();
    for owner in [u.ubnd, u.tckh, u.cam_ngoc, u.other_district] {
        let m = store
            .create_meeting(
                &sys,
                &MeetingDraft::parse(&meeting_input(owner)).expect("meeting"),
                None,
            )
            .await
            .expect("meeting");
        let draft = store
            .create_conclusion(
                &sys,
                &ConclusionDraft::parse(&notice_input(m.id, owner)).expect("notice"),
            )
            .await
            .expect("notice");
        let mut signed = notice_input(m.id, owner);
        signed.signer_name = Some("Phạm Viết Hoài".into());
        signed.signer_title = Some("Chủ tịch".into());
        let issued = store
            .create_conclusion(&sys, &ConclusionDraft::parse(&signed).expect("notice"))
            .await
            .expect("notice");
        store
            .issue_conclusion(&sys, issued.id, None, |_| {
                Ok(jiff::civil::date(2023, 3, 28))
            })
            .await
            .expect("issue");
        let task = store
            .create_task(
                &sys,
                &TaskDraft::parse(&task_input(owner), giaoban_web::today()).expect("task"),
            )
            .await
            .expect("task");
        records.insert(
            owner,
            Records {
                meeting: m.id,
                draft: draft.id,
                issued: issued.id,
                task: task.id.0,
            },
        );
    }
    let own_unit = |actor: &str| match actor {
        "tckh" => u.tckh,
        "camngoc" => u.cam_ngoc,
        _ => u.ubnd,
    };

    let mut sessions = HashMap::new();
    for actor in ACTORS {
        sessions.insert(actor, app.signed_in(actor).await);
    }
    let mut checked = 0;
    // Every mismatch is listed, not only the first.
    let mut failures: Vec<String> = Vec::new();
    for (write, rels) in REFERENCE_WRITES {
        for actor in ACTORS {
            let (client, token) = &sessions[actor];
            let own = own_unit(actor);
            let mine = &records[&own];
            let theirs = &records[&u.other_district];
            for &rel in *rels {
                // The record (or unit) the body names.
                let record = |r: &Records, what: &str| match what {
                    "meeting" => r.meeting,
                    "draft" => r.draft,
                    "issued" => r.issued,
                    _ => r.task,
                };
                let pick = |what: &str| match rel {
                    Rel::Own => record(mine, what),
                    Rel::OtherDistrict => record(theirs, what),
                    Rel::Issued => mine.issued,
                    Rel::OwnDraft => mine.draft,
                    Rel::OtherProvince => unreachable!("units only"),
                };
                let unit_ref = match rel {
                    Rel::OtherDistrict => u.other_district,
                    Rel::OtherProvince => far_district,
                    _ if write.contains("merged_into") => u.cam_ngoc,
                    _ => own,
                };
                let task_body = |extra: (&str, Value)| {
                    let mut b = json!({"content": "Việc", "assigner_unit_id": own.0,
                        "lead_unit_id": own.0, "deadline": "thường xuyên"});
                    b[extra.0] = extra.1;
                    b
                };
                let (method, path, body) = match *write {
                    "POST /tasks conclusion_id" => (
                        Method::POST,
                        "/api/v1/tasks".to_owned(),
                        task_body(("conclusion_id", json!(pick("draft")))),
                    ),
                    "POST /tasks meeting_id" => (
                        Method::POST,
                        "/api/v1/tasks".to_owned(),
                        task_body(("meeting_id", json!(pick("meeting")))),
                    ),
                    "POST /tasks parent_id" => (
                        Method::POST,
                        "/api/v1/tasks".to_owned(),
                        task_body(("parent_id", json!(pick("task")))),
                    ),
                    "POST /recommendations meeting_id" => (
                        Method::POST,
                        "/api/v1/recommendations".to_owned(),
                        json!({"raised_by_unit_id": own.0, "content": "Kiến nghị",
                               "meeting_id": pick("meeting")}),
                    ),
                    "POST /recommendations addressed_to_unit_id" => (
                        Method::POST,
                        "/api/v1/recommendations".to_owned(),
                        json!({"raised_by_unit_id": own.0, "content": "Kiến nghị",
                               "addressed_to_unit_id": unit_ref.0}),
                    ),
                    "POST /meetings invited_unit_ids" => {
                        let mut b = meeting_json(own);
                        b["invited_unit_ids"] = json!([unit_ref.0]);
                        (Method::POST, "/api/v1/meetings".to_owned(), b)
                    }
                    "POST /meetings participants.unit_id" => {
                        let mut b = meeting_json(own);
                        b["participants"] = json!([{"name": "Đại biểu", "unit_id": unit_ref.0}]);
                        (Method::POST, "/api/v1/meetings".to_owned(), b)
                    }
                    "PUT /meetings/{id} invited_unit_ids" => {
                        let mut b = meeting_json(own);
                        b["invited_unit_ids"] = json!([unit_ref.0]);
                        (Method::PUT, format!("/api/v1/meetings/{}", mine.meeting), b)
                    }
                    "POST /conclusions meeting_id" => (
                        Method::POST,
                        "/api/v1/conclusions".to_owned(),
                        json!({"meeting_id": pick("meeting"), "issuer_unit_id": own.0,
                               "title": "Kết luận"}),
                    ),
                    "POST /conclusions corrects_id" => (
                        Method::POST,
                        "/api/v1/conclusions".to_owned(),
                        json!({"meeting_id": mine.meeting, "issuer_unit_id": own.0,
                               "title": "Đính chính", "corrects_id": pick("issued")}),
                    ),
                    "PUT /conclusions/{id} corrects_id" => (
                        Method::PUT,
                        format!("/api/v1/conclusions/{}", mine.draft),
                        json!({"meeting_id": mine.meeting, "issuer_unit_id": own.0,
                               "title": "Kết luận (sửa)", "corrects_id": pick("issued")}),
                    ),
                    "PUT /units/{id} merged_into" => (
                        Method::PUT,
                        format!("/api/v1/units/{merged}"),
                        json!({"kind": "commune", "level": "xa", "name": "Xã Thử Sáp Nhập",
                               "parent_id": u.district.0, "active_to": "2020-01-01",
                               "merged_into": unit_ref.0}),
                    ),
                    "POST /extract/confirm recommendations.addressed_to_unit_id" => (
                        Method::POST,
                        "/api/v1/extract/confirm".to_owned(),
                        json!({"meeting": meeting_json(own), "recommendations": [
                            {"raised_by_unit_id": own.0, "content": "Kiến nghị",
                             "addressed_to_unit_id": unit_ref.0}]}),
                    ),
                    "POST /extract/confirm meeting.invited_unit_ids" => {
                        let mut m = meeting_json(own);
                        m["invited_unit_ids"] = json!([unit_ref.0]);
                        (
                            Method::POST,
                            "/api/v1/extract/confirm".to_owned(),
                            json!({"meeting": m}),
                        )
                    }
                    other => panic!("no body for {other}"),
                };
                let resp = client
                    .request(method, app.url(&path))
                    .header("x-csrf-token", token)
                    .json(&body)
                    .send()
                    .await
                    .expect("send");
                let status = resp.status();
                let expected = ref_expect(write, actor, rel);
                let ok = match expected {
                    Expect::Allowed => status.is_success(),
                    Expect::Forbidden => status == StatusCode::FORBIDDEN,
                    Expect::Status(s) => status.as_u16() == s,
                };
                if !ok {
                    let text = resp.text().await.unwrap_or_default();
                    failures.push(format!(
                        "{write} as {actor}, {rel:?} record: expected {expected:?}, got {status}: {}",
                        text.chars().take(200).collect::<String>()
                    ));
                }
                checked += 1;
            }
        }
    }
    println!(
        "access matrix, referenced IDs: {} writes × {} roles × their relations = {checked} checks",
        REFERENCE_WRITES.len(),
        ACTORS.len()
    );
    assert!(checked >= 150, "{checked} checks");
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
