//! Text coming in (issue 20, finding 7), on SQLite and (with GIAOBAN_TEST_DATABASE_URL)
//! PostgreSQL: a noncharacter in a task's text or a conclusion's title is refused (422) with the
//! field named, before it can reach a notice that Word would not open.

mod common;

use common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_noncharacter_in_a_task_is_refused_with_its_field_named() {
    let app = TestApp::spawn().await;
    let (office, token) = app.signed_in("office").await;
    for (field, c) in [
        ("content", '\u{FFFE}'),
        ("content", '\u{FFFF}'),
        ("source_ref", '\u{FDD0}'),
    ] {
        let mut body = json!({
            "content": "Hoàn thành báo cáo quý I",
            "assigner_unit_id": app.units.ubnd.0,
            "lead_unit_id": app.units.tckh.0,
            "deadline": "thường xuyên",
        });
        body[field] = json!(format!("Hoàn thành{c} báo cáo"));
        let r = office
            .post(app.url("/api/v1/tasks"))
            .header("x-csrf-token", &token)
            .json(&body)
            .send()
            .await
            .expect("post");
        assert_eq!(
            r.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field} {c:?}"
        );
        let e: Value = r.json().await.expect("json");
        let fields = e["error"]["fields"].as_array().expect("fields");
        assert!(
            fields
                .iter()
                .any(|f| f["field"] == field && f["code"] == "text.noncharacter"),
            "{e}"
        );
        let message = e["error"]["message"].as_str().unwrap_or("");
        assert!(message.contains("ký tự không hợp lệ"), "{e}");
    }
    // The same text without it is taken.
    let r = office
        .post(app.url("/api/v1/tasks"))
        .header("x-csrf-token", &token)
        .json(&json!({
            "content": "Hoàn thành báo cáo quý I",
            "assigner_unit_id": app.units.ubnd.0,
            "lead_unit_id": app.units.tckh.0,
            "deadline": "thường xuyên",
        }))
        .send()
        .await
        .expect("post");
    assert!(r.status().is_success(), "{:?}", r.text().await);
}
