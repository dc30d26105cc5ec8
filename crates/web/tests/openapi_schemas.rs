//! The OpenAPI document against what the API reads and answers.
//!
//! - Every request body describes its fields: no `{"type": "object"}` without `properties`,
//!   `additionalProperties` or a combination, wherever it is reached from a request body (through
//!   `$ref`, properties, items and combinations). A bare object tells clients and schemathesis
//!   nothing about what the API reads.
//! - Answers match their schemas (SQLite, or PostgreSQL with GIAOBAN_TEST_DATABASE_URL): the typed
//!   deadline of a task, a meeting's participants, a form's definition, and the commune programme
//!   view, whose criterion indicators once took the catalog's `IndicatorView` schema (two types of
//!   that name, one schema).

mod common;

use common::TestApp;
use serde_json::{Value, json};

fn resolve<'a>(doc: &'a Value, reference: &str) -> &'a Value {
    reference
        .trim_start_matches("#/")
        .split('/')
        .fold(doc, |node, part| &node[part])
}

fn is_bare_object(schema: &Value) -> bool {
    let object = match &schema["type"] {
        Value::String(t) => t == "object",
        Value::Array(ts) => ts.iter().any(|t| t == "object"),
        _ => false,
    };
    object
        && [
            "properties",
            "additionalProperties",
            "oneOf",
            "anyOf",
            "allOf",
        ]
        .iter()
        .all(|k| schema.get(k).is_none())
}

fn walk(doc: &Value, schema: &Value, at: String, seen: &mut Vec<String>, bare: &mut Vec<String>) {
    if let Some(reference) = schema["$ref"].as_str() {
        if !seen.iter().any(|s| s == reference) {
            seen.push(reference.to_owned());
            let name = reference.rsplit('/').next().unwrap_or(reference).to_owned();
            walk(doc, resolve(doc, reference), name, seen, bare);
        }
        return;
    }
    if is_bare_object(schema) {
        bare.push(at.clone());
    }
    if let Some(props) = schema["properties"].as_object() {
        for (name, p) in props {
            walk(doc, p, format!("{at}.{name}"), seen, bare);
        }
    }
    if schema["items"].is_object() {
        walk(doc, &schema["items"], format!("{at}[]"), seen, bare);
    }
    if schema["additionalProperties"].is_object() {
        walk(
            doc,
            &schema["additionalProperties"],
            format!("{at}{{}}"),
            seen,
            bare,
        );
    }
    for combination in ["oneOf", "anyOf", "allOf"] {
        for (i, s) in schema[combination]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            walk(doc, s, format!("{at}/{combination}[{i}]"), seen, bare);
        }
    }
}

#[test]
fn every_request_body_describes_its_fields() {
    let (_, doc) = giaoban_web::api_router().split_for_parts();
    let doc = serde_json::to_value(&doc).expect("serialize");
    let mut bare = Vec::new();
    let mut bodies = 0;
    let mut seen = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            let Some(content) = op["requestBody"]["content"].as_object() else {
                continue;
            };
            for (media, c) in content {
                bodies += 1;
                let at = format!("{} {path} ({media})", method.to_uppercase());
                walk(&doc, &c["schema"], at, &mut seen, &mut bare);
            }
        }
    }
    assert!(bodies > 30, "only {bodies} request bodies found");
    assert!(
        bare.is_empty(),
        "request bodies with objects that describe no field: {bare:#?}"
    );
}

/// The task's deadline is described as what the API reads: the words, or the typed value.
#[test]
fn a_task_deadline_is_the_words_or_the_typed_value() {
    let (_, doc) = giaoban_web::api_router().split_for_parts();
    let doc = serde_json::to_value(&doc).expect("serialize");
    let schemas = &doc["components"]["schemas"];
    let task = &schemas["TaskInput"];
    assert_eq!(task["additionalProperties"], Value::Bool(false));
    assert_eq!(
        task["properties"]["deadline"]["$ref"],
        "#/components/schemas/DeadlineInput"
    );
    let shapes = schemas["DeadlineInput"]["oneOf"].as_array().expect("oneOf");
    assert!(
        shapes
            .iter()
            .any(|s| s["$ref"] == "#/components/schemas/Deadline"),
        "{shapes:?}"
    );
    let words = shapes
        .iter()
        .find(|s| s["type"] == "string")
        .expect("the words");
    assert!(
        words["examples"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e == "chậm nhất ngày 27/03/2023")),
        "{words}"
    );
    let kinds: Vec<&Value> = schemas["Deadline"]["oneOf"]
        .as_array()
        .expect("oneOf")
        .iter()
        .map(|v| &v["properties"]["kind"]["enum"][0])
        .collect();
    assert_eq!(kinds, ["at", "recurring", "within_period", "standing"]);
}

/// The ways `value` breaks `schema` (types, `required`, `properties`, closed objects, `items`,
/// `enum`, `$ref` and the combinations; formats and patterns are not checked).
fn violations(doc: &Value, schema: &Value, value: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        return violations(doc, resolve(doc, reference), value, at);
    }
    let mut out = Vec::new();
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            out.extend(violations(doc, s, value, at));
        }
    }
    for (combination, exactly_one) in [("oneOf", true), ("anyOf", false)] {
        if let Some(choices) = schema[combination].as_array() {
            let fits = choices
                .iter()
                .filter(|s| violations(doc, s, value, at).is_empty())
                .count();
            if fits == 0 || (exactly_one && fits > 1) {
                out.push(format!(
                    "{at}: fits {fits} of the {combination} choices: {value}"
                ));
            }
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let is = |t: &str| match t {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().any(|t| is(t)) {
        out.push(format!("{at}: {value} is not {types:?}"));
        return out;
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        out.push(format!("{at}: {value} is not one of {allowed:?}"));
    }
    if let Some(object) = value.as_object() {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !object.contains_key(name) {
                out.push(format!("{at}: «{name}» is required"));
            }
        }
        let props = schema["properties"].as_object();
        for (name, v) in object {
            match props.and_then(|p| p.get(name)) {
                Some(p) => out.extend(violations(doc, p, v, &format!("{at}.{name}"))),
                None => match &schema["additionalProperties"] {
                    Value::Bool(false) => out.push(format!("{at}: «{name}» is not allowed")),
                    extra @ Value::Object(_) => {
                        out.extend(violations(doc, extra, v, &format!("{at}.{name}")));
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            out.extend(violations(doc, items, v, &format!("{at}[{i}]")));
        }
    }
    out
}

/// Checks a 200 answer of `GET path` (as written in the document) against its schema.
async fn answer_fits(
    doc: &Value,
    client: &reqwest::Client,
    app: &TestApp,
    template: &str,
    path: &str,
) -> Value {
    let r = client.get(app.url(path)).send().await.expect("get");
    assert_eq!(r.status(), 200, "GET {path}");
    let body: Value = r.json().await.expect("json");
    let schema =
        &doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert!(schema.is_object(), "no schema for GET {template}");
    let wrong = violations(doc, schema, &body, template);
    assert!(
        wrong.is_empty(),
        "GET {path} answers outside its schema: {wrong:#?}"
    );
    body
}

#[tokio::test]
async fn answers_match_their_schemas() {
    let (_, doc) = giaoban_web::api_router().split_for_parts();
    let doc = serde_json::to_value(&doc).expect("serialize");
    let app = TestApp::spawn().await;
    let (admin, token) = app.signed_in("admin").await;
    let u = &app.units;

    // A meeting with its participants, and tasks with a typed and a written deadline.
    let r = admin
        .post(app.url("/api/v1/meetings"))
        .header("x-csrf-token", &token)
        .json(&json!({"kind": "briefing", "title": "Giao ban tháng 3/2023", "date": "24/03/2023",
            "time": "8h", "host_unit_id": u.ubnd.0,
            "chair": {"name": "Lê Văn Hoa", "title": "Chủ tịch UBND huyện"},
            "participants": [{"name": "Nguyễn Thị Lan", "title": "Trưởng phòng", "unit_id": u.tckh.0},
                             {"name": "Trần Văn Nam"}]}))
        .send()
        .await
        .expect("meeting");
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    let deadlines = [
        json!("chậm nhất ngày 27/03/2023"),
        json!({"kind": "at", "value": {"date": "2023-03-27", "time": "17:00"}}),
        json!({"kind": "recurring", "value": {"every": "week", "weekday": "thursday", "time": "17:00"}}),
        json!({"kind": "recurring", "value": {"every": "quarter", "anchor": "days_after_end", "days": 10}}),
        json!({"kind": "within_period", "value": "2023Q2"}),
        json!({"kind": "standing"}),
    ];
    for deadline in deadlines {
        let r = admin
            .post(app.url("/api/v1/tasks"))
            .header("x-csrf-token", &token)
            .json(
                &json!({"content": "Nạo vét kênh mương nội đồng", "assigner_unit_id": u.ubnd.0,
                "lead_unit_id": u.tckh.0, "deadline": deadline, "assigned_on": "24/03/2023"}),
            )
            .send()
            .await
            .expect("task");
        assert_eq!(
            r.status(),
            201,
            "{deadline}: {}",
            r.text().await.unwrap_or_default()
        );
    }
    app.quarterly_commune_form(
        json!({"items": [{"code": "NN_LUA_GIEO_CAY", "required": true}],
        "rules": [{"left": "NN_LUA_GIEO_CAY", "op": ">=", "right": {"constant": 0},
                   "message_vi": "Không âm."}]}),
    )
    .await;
    // A criterion with an indicator value, for the commune's programme view.
    let (ngoc, ngoc_token) = app.signed_in("camngoc").await;
    let commune = u.cam_ngoc.0;
    let r = ngoc
        .post(app.url(&format!("/api/v1/programmes/communes/{commune}/statuses")))
        .header("x-csrf-token", &ngoc_token)
        .json(&json!({"year": 2021, "item": "15", "met": "no", "values": {"15.2": 88.5}}))
        .send()
        .await
        .expect("status");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());

    let tasks = answer_fits(&doc, &admin, &app, "/api/v1/tasks", "/api/v1/tasks").await;
    let ours = tasks["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|t| t["content"] == "Nạo vét kênh mương nội đồng")
        .count();
    // (The meeting itself made one more: its notice is due.)
    assert_eq!(ours, 6, "{tasks}");
    let meetings = answer_fits(&doc, &admin, &app, "/api/v1/meetings", "/api/v1/meetings").await;
    assert_eq!(
        meetings["items"][0]["participants"][0]["name"],
        "Nguyễn Thị Lan"
    );
    // The administrator's home numbers: the leader's and the office's panels (issue 25).
    let home = answer_fits(&doc, &admin, &app, "/api/v1/dashboard", "/api/v1/dashboard").await;
    assert!(
        home["leader"]["overdue"]["count"].as_u64() > Some(0),
        "{home}"
    );
    let forms = answer_fits(&doc, &admin, &app, "/api/v1/forms", "/api/v1/forms").await;
    assert_eq!(forms["items"][0]["definition"]["rules"][0]["op"], ">=");
    let view = answer_fits(
        &doc,
        &admin,
        &app,
        "/api/v1/programmes/communes/{id}",
        &format!("/api/v1/programmes/communes/{commune}?year=2021"),
    )
    .await;
    assert!(
        view["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|i| !i["indicators"].as_array().expect("indicators").is_empty()),
        "no criterion with indicators: {view}"
    );
}

/// Two types with one schema name make one component in the document, and the answers of one
/// are checked against the other (the commune programme view's indicators once were). Every type
/// deriving `ToSchema` in the web, app and domain crates has a name of its own, or an `as = …` one.
#[test]
fn schema_names_are_unique() {
    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&crates.join("web/src"), &mut files);
    rust_files(&crates.join("app/src"), &mut files);
    rust_files(&crates.join("domain/src"), &mut files);
    let mut names: Vec<(String, String)> = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            if !(line.trim_start().starts_with("#[") && line.contains("ToSchema")) {
                continue;
            }
            let mut schema_as = None;
            for next in lines.iter().skip(i + 1).take(8) {
                let next = next.trim();
                if let Some(rest) = next.strip_prefix("#[schema(as = ") {
                    schema_as = rest.split([')', ',']).next().map(str::to_owned);
                }
                let item = next
                    .strip_prefix("pub struct ")
                    .or_else(|| next.strip_prefix("pub enum "));
                if let Some(item) = item {
                    let name: String = item
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let at = format!("{}:{}", file.display(), i + 1);
                    names.push((schema_as.unwrap_or(name), at));
                    break;
                }
            }
        }
    }
    assert!(names.len() > 100, "only {} schemas found", names.len());
    names.sort();
    let twice: Vec<_> = names
        .windows(2)
        .filter(|w| w[0].0 == w[1].0)
        .map(|w| format!("{} at {} and {}", w[0].0, w[0].1, w[1].1))
        .collect();
    assert!(twice.is_empty(), "schema names used twice: {twice:#?}");
}

/// A typed deadline the API cannot read is refused with the reason (the period code, the kind), not
/// with "did not match any variant": the words and the typed value are told apart by their JSON
/// type, so the typed value's own error is the one to show.
#[tokio::test]
async fn a_typed_deadline_that_cannot_be_read_says_why() {
    let app = TestApp::spawn().await;
    let (office, token) = app.signed_in("office").await;
    for (deadline, reason) in [
        (
            json!({"kind": "within_period", "value": "2023Q5"}),
            "Quarter number 5",
        ),
        (
            json!({"kind": "within_period", "value": "9999"}),
            "year 9999 is outside",
        ),
        (json!({"kind": "someday"}), "someday"),
        (
            json!({"kind": "recurring", "value": {"every": "month", "day": 40}}),
            "day of month 40",
        ),
        (
            json!({"kind": "at", "value": {"date": "27/03/2023"}}),
            "as year",
        ),
    ] {
        let r = office
            .post(app.url("/api/v1/tasks"))
            .header("x-csrf-token", &token)
            .json(&json!({"content": "Hoàn thành báo cáo quý I",
                "assigner_unit_id": app.units.ubnd.0, "lead_unit_id": app.units.tckh.0,
                "deadline": deadline}))
            .send()
            .await
            .expect("task");
        assert_eq!(r.status(), 400, "{deadline}");
        let e: Value = r.json().await.expect("json");
        let message = e["error"]["message"].as_str().expect("message");
        assert!(
            message.starts_with("Dữ liệu không hợp lệ (trường «deadline»)"),
            "{deadline}: {e}"
        );
        assert!(
            message.contains(reason) && !message.contains("untagged"),
            "{deadline}: {e}"
        );
    }
}
