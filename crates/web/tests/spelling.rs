//! A misspelt word flagged on the reading page or on a draft notice is offered as a one-click fix
//! ("Sửa thành «Việt»"): the text goes out as written unless a person presses it; on the reading
//! page the fix changes the confirm form (here without JavaScript: the form is posted and comes
//! back fixed), on a draft notice's page it is an audited edit of the task or the field, refused
//! (422) once the notice is issued.

mod common;

use common::TestApp;
use giaoban_storage::audit::AuditFilter;
use serde_json::{Value, json};

/// A notice whose one task has "Viêt" for "Việt".
const TEXT: &str = "UBND HUYỆN CẨM THỦY\nSố: /TB-UBND\nCẩm Thủy, ngày 27 tháng 3 năm 2023\n\
    THÔNG BÁO\nKết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm 2023\n\
    Ngày 24/03/2023, UBND huyện đã tổ chức phiên họp thường kỳ tháng 03.\n\
    Giao Phòng Tài chính - Kế hoạch tham mưu triển khai Chương trình mục tiêu quốc gia xây dựng \
    nông thôn mới tại Viêt Nam trên địa bàn huyện chậm nhất vào ngày 27/03/2023.\n";

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

/// The text of the element whose opening tag contains `marker`, up to the next `<`.
fn inner(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} on the page"));
    let rest = &html[at..];
    let start = rest.find('>').expect("tag end") + 1;
    let end = rest[start..].find('<').expect("next tag");
    rest[start..start + end].to_owned()
}

/// The value of the input named `name`.
fn value_of(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("{name}"));
    let tag = &html[at..at + html[at..].find('>').expect("tag end")];
    let rest = &tag[tag.find("value=\"").expect("value") + "value=\"".len()..];
    rest[..rest.find('"').expect("end")].to_owned()
}

#[tokio::test]
async fn a_reading_with_viet_flags_it_and_the_fix_stores_viet() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let r = office
        .post(app.url("/extract"))
        .form(&[
            ("csrf_token", ot.as_str()),
            ("text", TEXT),
            ("document_date", ""),
        ])
        .send()
        .await
        .expect("read");
    assert_eq!(r.status(), 303);
    let reading = location(&r);
    let html = office
        .get(app.url(&reading))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    // Flagged, with the fix, and the form's task as read: unchanged until the fix is pressed.
    assert!(html.contains("id=\"spelling\""), "flagged");
    let fix = "task_0_content|0|Viêt|Việt";
    assert!(
        html.contains(&format!("value=\"{fix}\"")),
        "the fix is offered"
    );
    assert!(html.contains("Sửa thành «Việt»"));
    assert!(inner(&html, "id=\"task-0-content\"").contains("tại Viêt Nam"));
    // The warnings list names it too.
    assert!(
        html.contains("Có thể sai chính tả: «Viêt»"),
        "warning shown"
    );

    // Without JavaScript the button posts the confirm form: it comes back fixed, nothing created.
    let u = &app.units;
    let host = u.ubnd.0.to_string();
    let lead = u.tckh.0.to_string();
    let key = value_of(&html, "form_key");
    let reading_id = value_of(&html, "reading");
    let task = inner(&html, "id=\"task-0-content\"");
    let form = |content: &str, extra: Option<(&'static str, &'static str)>| {
        let mut f: Vec<(&str, String)> = vec![
            ("csrf_token", ot.clone()),
            ("form_key", key.clone()),
            ("reading", reading_id.clone()),
            ("text", TEXT.to_owned()),
            ("kind", "regular_session".into()),
            ("title", "Phiên họp thường kỳ tháng 03 năm 2023".into()),
            ("date", "2023-03-24".into()),
            ("host_unit_id", host.clone()),
            ("notice", "1".into()),
            (
                "notice_title",
                "Kết luận tại phiên họp thường kỳ tháng 03".into(),
            ),
            ("task_0_present", "1".into()),
            ("task_0_include", "1".into()),
            ("task_0_content", content.to_owned()),
            ("task_0_lead", lead.clone()),
            ("task_0_deadline", "chậm nhất ngày 27/03/2023".into()),
        ];
        if let Some((k, v)) = extra {
            f.push((k, v.to_owned()));
        }
        f
    };
    let r = office
        .post(app.url("/extract/confirm"))
        .form(&form(&task, Some(("fix", "task_0_content|0|Viêt|Việt"))))
        .send()
        .await
        .expect("fix");
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("{reading}#confirm"));
    let meetings: Value = office
        .get(app.url("/api/v1/meetings"))
        .send()
        .await
        .expect("meetings")
        .json()
        .await
        .expect("json");
    assert_eq!(
        meetings["items"].as_array().map(Vec::len),
        Some(0),
        "nothing created"
    );
    let html = office
        .get(app.url(&reading))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let fixed = inner(&html, "id=\"task-0-content\"");
    assert!(
        fixed.contains("tại Việt Nam") && !fixed.contains("Viêt"),
        "{fixed}"
    );
    assert!(!html.contains("id=\"spelling\""), "nothing left to flag");
    assert_eq!(value_of(&html, "form_key"), key, "the same form");

    // Confirmed: the stored task says "Việt".
    let r = office
        .post(app.url("/extract/confirm"))
        .form(&form(&fixed, None))
        .send()
        .await
        .expect("confirm");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let tasks: Value = office
        .get(app.url(&format!("/api/v1/tasks?unit={}", u.tckh.0)))
        .send()
        .await
        .expect("tasks")
        .json()
        .await
        .expect("json");
    let content = tasks["items"][0]["content"].as_str().expect("a task");
    assert!(
        content.contains("Việt Nam") && !content.contains("Viêt"),
        "{content}"
    );
}

#[tokio::test]
async fn a_fix_offered_nowhere_changes_nothing_and_fix_all_takes_each_first_fix() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let base = vec![
        ("csrf_token", ot.clone()),
        ("text", TEXT.to_owned()),
        ("kind", "regular_session".to_owned()),
        ("title", "Phạm Viêt Hoài chủ trì; đươc giao".to_owned()),
        ("date", "2023-03-24".to_owned()),
    ];
    let post = |extra: (&'static str, &'static str)| {
        let mut f = base.clone();
        f.push((extra.0, extra.1.to_owned()));
        let office = office.clone();
        let url = app.url("/extract/confirm");
        async move {
            // No reading kept: the page comes back at once, as posted.
            let r = office.post(url).form(&f).send().await.expect("post");
            assert_eq!(r.status(), 200);
            value_of(&r.text().await.expect("html"), "title")
        }
    };
    // A "fix" the check does not offer is not made.
    assert_eq!(
        post(("fix", "title|0|Phạm|Phạn")).await,
        "Phạm Viêt Hoài chủ trì; đươc giao"
    );
    assert_eq!(
        post(("fix_all", "1")).await,
        "Phạm Việt Hoài chủ trì; được giao"
    );
}

async fn send(c: &reqwest::Client, token: &str, url: String, body: Value) -> (u16, Value) {
    let r = c
        .post(url)
        .header("x-csrf-token", token)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn id_of(v: &Value, key: &str) -> String {
    v[key]["id"]
        .as_str()
        .or(v["id"].as_str())
        .expect("id")
        .to_owned()
}

#[tokio::test]
async fn a_fix_on_a_draft_notice_is_an_audited_edit_and_is_refused_once_issued() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let (s, m) = send(
        &office,
        &ot,
        app.url("/api/v1/meetings"),
        json!({"kind": "regular_session", "title": "Phiên họp thường kỳ tháng 3",
            "date": "2023-03-24", "host_unit_id": u.ubnd.0}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let meeting = id_of(&m, "meeting");
    let (s, c) = send(
        &office,
        &ot,
        app.url("/api/v1/conclusions"),
        json!({"meeting_id": meeting, "issuer_unit_id": u.ubnd.0,
            "title": "Kết luận về nông thôn mới tại Viêt Nam", "signer_name": "Phạm Việt Hoài",
            "signer_title": "Chủ tịch",
            "directions": "Tập trung xây dựng nông thôn mới tại Viêt Nam."}),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let cid = id_of(&c, "conclusion");
    let (s, t) = send(
        &office,
        &ot,
        app.url("/api/v1/tasks"),
        json!({"content": "Triển khai chương trình tại Viêt Nam; báo cáo kết quả tại Viêt Nam",
            "conclusion_id": cid, "assigner_unit_id": u.ubnd.0, "lead_unit_id": u.tckh.0,
            "deadline": "chậm nhất ngày 30/06/2099"}),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let tid = id_of(&t, "task");
    let task_version = t["version"]
        .as_i64()
        .or(t["task"]["version"].as_i64())
        .unwrap_or(1);

    let page = office
        .get(app.url(&format!("/conclusions/{cid}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("id=\"notice-spelling\""),
        "flags on the draft"
    );
    assert!(page.contains(&format!("name=\"target\" value=\"task:{tid}\"")));
    assert!(page.contains("name=\"target\" value=\"title\""));
    assert!(page.contains("Sửa thành «Việt»"));

    let fix = |target: String, occurrence: &'static str, version: String| {
        let office = office.clone();
        let url = app.url(&format!("/conclusions/{cid}/spelling"));
        let token = ot.clone();
        async move {
            let r = office
                .post(url)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("target", target.as_str()),
                    ("occurrence", occurrence),
                    ("word", "Viêt"),
                    ("fix", "Việt"),
                    ("version", version.as_str()),
                ])
                .send()
                .await
                .expect("fix");
            (r.status().as_u16(), r.text().await.unwrap_or_default())
        }
    };
    let task = |app: &TestApp| {
        let office = office.clone();
        let url = app.url(&format!("/api/v1/tasks/{tid}"));
        async move {
            let v: Value = office
                .get(url)
                .send()
                .await
                .expect("task")
                .json()
                .await
                .expect("json");
            let t = if v["task"].is_object() {
                v["task"].clone()
            } else {
                v
            };
            (
                t["content"].as_str().expect("content").to_owned(),
                t["version"].as_i64().expect("version"),
            )
        }
    };

    // The second "Viêt" of the task: that one only, audited.
    let (s, _) = fix(format!("task:{tid}"), "1", task_version.to_string()).await;
    assert_eq!(s, 303);
    let (content, version) = task(&app).await;
    assert_eq!(
        content,
        "Triển khai chương trình tại Viêt Nam; báo cáo kết quả tại Việt Nam"
    );
    let trail = app
        .db
        .store
        .audit_entries(&AuditFilter {
            entity: Some("task".into()),
            entity_id: Some(tid.clone()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .expect("audit");
    let edit = trail
        .iter()
        .find(|e| {
            e.after
                .as_ref()
                .is_some_and(|a| a["content"] == content.as_str())
        })
        .expect("the fix is in the audit trail");
    assert_eq!(edit.actor_name, "office");
    assert!(edit.before.as_ref().is_some_and(|b| {
        b["content"]
            .as_str()
            .is_some_and(|c| c.ends_with("tại Viêt Nam"))
    }));
    // The same fix again: it is not offered any more.
    let (s, _) = fix(format!("task:{tid}"), "1", version.to_string()).await;
    assert_eq!(s, 409);

    // The notice's subject.
    let n: Value = office
        .get(app.url(&format!("/api/v1/conclusions/{cid}")))
        .send()
        .await
        .expect("notice")
        .json()
        .await
        .expect("json");
    let n = if n["conclusion"].is_object() {
        n["conclusion"].clone()
    } else {
        n
    };
    let (s, _) = fix("title".into(), "0", n["version"].to_string()).await;
    assert_eq!(s, 303);
    let n: Value = office
        .get(app.url(&format!("/api/v1/conclusions/{cid}")))
        .send()
        .await
        .expect("notice")
        .json()
        .await
        .expect("json");
    let n = if n["conclusion"].is_object() {
        n["conclusion"].clone()
    } else {
        n
    };
    assert_eq!(n["title"], "Kết luận về nông thôn mới tại Việt Nam");
    assert_eq!(
        n["directions"], "Tập trung xây dựng nông thôn mới tại Viêt Nam.",
        "the other field unchanged"
    );

    // Issued: no fix is made any more, of a task or of the notice.
    let (s, i) = send(
        &office,
        &ot,
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({"issued_on": "2023-03-28"}),
    )
    .await;
    assert_eq!(s, 200, "{i}");
    let (s, body) = fix(format!("task:{tid}"), "0", version.to_string()).await;
    assert_eq!(s, 422, "{body}");
    assert!(body.contains("Thông báo đã ban hành"), "{body}");
    assert_eq!(task(&app).await.0, content, "the task as issued");
    let (s, body) = fix("directions".into(), "0", n["version"].to_string()).await;
    assert_eq!(s, 422, "{body}");
    let page = office
        .get(app.url(&format!("/conclusions/{cid}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        !page.contains("id=\"notice-spelling\""),
        "no fix offered once issued"
    );
}
