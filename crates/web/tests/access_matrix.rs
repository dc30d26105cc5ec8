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

mod common;

use std::collections::HashMap;

use common::{PASSWORD, TestApp};
use giaoban_domain::audit::AuditActor;
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
    ("get", "/api/v1/levels", Rule::Anyone),
    ("put", "/api/v1/levels/{code}", Rule::AdminOnly),
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
];

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

fn expect(rule: Rule, path: &str, actor: &str, target: Target) -> Expect {
    let targeted = path.contains("{id}");
    let unknown = targeted && target == Target::Unknown;
    match rule {
        Rule::Skip(_) => unreachable!("skipped rules are not run"),
        Rule::Anyone if unknown => Expect::Status(404),
        Rule::Anyone => Expect::Allowed,
        Rule::AdminOnly if actor != "admin" => Expect::Forbidden,
        Rule::AdminOnly if unknown => Expect::Status(404),
        Rule::AdminOnly => Expect::Allowed,
        Rule::NotMembers if ["tckh", "camngoc"].contains(&actor) => Expect::Forbidden,
        Rule::NotMembers => Expect::Allowed,
        // A new unit under an unknown parent is a validation error for everyone.
        Rule::ManageUnits if !targeted && target == Target::Unknown => Expect::Status(422),
        Rule::ManageUnits | Rule::UnitRecords | Rule::UserRecord if unknown => Expect::Status(404),
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
            if path.contains("{id}") || (*method == "post" && path == "/api/v1/units") {
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
                } else {
                    units[&target].to_string()
                };
                let url = app.url(&path.replace("{id}", &id).replace("{code}", "thon"));
                let body = match (*method, path.as_str()) {
                    ("put", "/api/v1/me/password") => {
                        json!({"current_password": "not the password", "new_password": "Giao ban thứ Năm 17h"})
                    }
                    ("put", "/api/v1/levels/{code}") => {
                        json!({"rank": 4, "name_vi": "Thôn", "name_en": "Village"})
                    }
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
                let status = req.send().await.expect("send").status();
                let expected = expect(*rule, path, actor, target);
                let ok = match expected {
                    Expect::Allowed => {
                        status != StatusCode::UNAUTHORIZED
                            && status != StatusCode::FORBIDDEN
                            && !status.is_server_error()
                    }
                    Expect::Forbidden => status == StatusCode::FORBIDDEN,
                    Expect::Status(s) => status.as_u16() == s,
                };
                assert!(
                    ok,
                    "{} {path} as {actor} on {target:?}: expected {expected:?}, got {status}",
                    method.to_uppercase()
                );
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
