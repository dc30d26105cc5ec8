//! No double entry (issue 21): a create form carries a one-time key, so Back and re-submit or a
//! double post creates nothing twice; the API takes the same as an `Idempotency-Key` header; the
//! reading page recognises a document already read before anything is created from it.

mod common;

use common::TestApp;
use serde_json::{Value, json};

const SEED_004: &str = include_str!("../../vntext/tests/seeds/004_b6c01a3b0295957f.txt");

async fn get(c: &reqwest::Client, url: String) -> Value {
    c.get(url)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .unwrap_or(Value::Null)
}

async fn counts(app: &TestApp, c: &reqwest::Client) -> (usize, usize, u64) {
    let m = get(c, app.url("/api/v1/meetings")).await;
    let n = get(c, app.url("/api/v1/conclusions")).await;
    let t = get(c, app.url("/api/v1/tasks")).await;
    let notices = n["items"]
        .as_array()
        .or_else(|| n.as_array())
        .map_or(0, Vec::len);
    (
        m["items"].as_array().map_or(0, Vec::len),
        notices,
        t["total"].as_u64().unwrap_or(0),
    )
}

/// The reading page for seed 004: its HTML.
async fn read(app: &TestApp, c: &reqwest::Client, token: &str) -> String {
    let r = c
        .post(app.url("/extract"))
        .form(&[
            ("csrf_token", token),
            ("text", SEED_004),
            ("document_date", ""),
        ])
        .send()
        .await
        .expect("extract");
    assert_eq!(r.status(), 200);
    r.text().await.expect("html")
}

fn form_key(html: &str) -> String {
    let at = html
        .find("name=\"form_key\" value=\"")
        .expect("the confirm form carries a form_key");
    let rest = &html[at + "name=\"form_key\" value=\"".len()..];
    rest[..rest.find('"').expect("end")].to_owned()
}

/// The confirm form as the office sends it (two tasks kept).
fn confirm_form<'a>(app: &TestApp, token: &'a str, key: &'a str) -> Vec<(&'static str, String)> {
    let u = &app.units;
    vec![
        ("csrf_token", token.to_owned()),
        ("form_key", key.to_owned()),
        ("text", SEED_004.to_owned()),
        ("kind", "regular_session".into()),
        ("title", "Phiên họp thường kỳ tháng 03 năm 2023".into()),
        ("date", "2023-03-24".into()),
        ("host_unit_id", u.ubnd.0.to_string()),
        ("notice", "1".into()),
        (
            "notice_title",
            "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03 năm 2023".into(),
        ),
        ("task_0_present", "1".into()),
        ("task_0_include", "1".into()),
        (
            "task_0_content",
            "Hoàn chỉnh các dự thảo báo cáo kinh tế - xã hội Quý I".into(),
        ),
        ("task_0_lead", u.tckh.0.to_string()),
        ("task_0_deadline", "chậm nhất ngày 27/03/2023".into()),
        ("task_1_present", "1".into()),
        ("task_1_include", "1".into()),
        ("task_1_content", "Rà soát tiêu chí nông thôn mới".into()),
        ("task_1_lead", u.cam_ngoc.0.to_string()),
        ("task_1_deadline", "trong quý II/2023".into()),
    ]
}

async fn confirm(app: &TestApp, c: &reqwest::Client, form: &[(&str, String)]) -> (u16, String) {
    let r = c
        .post(app.url("/extract/confirm"))
        .form(form)
        .send()
        .await
        .expect("confirm");
    let status = r.status().as_u16();
    let loc = r
        .headers()
        .get("location")
        .map(|l| l.to_str().expect("location").to_owned());
    match loc {
        Some(l) => (status, l),
        None => (status, r.text().await.unwrap_or_default()),
    }
}

#[tokio::test]
async fn confirming_seed_004_twice_with_one_form_key_creates_one_set() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let html = read(&app, &office, &ot).await;
    let key = form_key(&html);
    assert_eq!(key.len(), 64);
    let form = confirm_form(&app, &ot, &key);
    let (s, first) = confirm(&app, &office, &form).await;
    assert_eq!(s, 303, "{first}");
    let after_first = counts(&app, &office).await;
    assert_eq!((after_first.0, after_first.1), (1, 1), "{after_first:?}");
    // Back and confirm again: nothing new, the answer points to the meeting made first.
    let (s, second) = confirm(&app, &office, &form).await;
    assert_eq!(s, 303, "{second}");
    assert_eq!(second, format!("{first}?again=1"));
    assert_eq!(counts(&app, &office).await, after_first);
    let page = office
        .get(app.url(&second))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Đã tạo trước đó"), "the page says so");
}

#[tokio::test]
async fn seed_004_read_again_names_the_existing_notice_and_goes_on_only_when_asked() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let html = read(&app, &office, &ot).await;
    assert!(!html.contains("id=\"read-before\""), "not read before");
    let (s, first) = confirm(&app, &office, &confirm_form(&app, &ot, &form_key(&html))).await;
    assert_eq!(s, 303, "{first}");
    let meeting_id = first.trim_start_matches("/meetings/").to_owned();
    let m = get(&office, app.url(&format!("/api/v1/meetings/{meeting_id}"))).await;
    let notice_id = m["conclusions"][0]["id"]
        .as_str()
        .expect("notice")
        .to_owned();
    let before = counts(&app, &office).await;

    // Pasted again, with the whitespace of another copy: named before anything is created.
    let html = read(&app, &office, &ot).await;
    assert!(html.contains("id=\"read-before\""), "recognised");
    assert!(html.contains(&format!("href=\"/conclusions/{notice_id}\"")));
    assert!(html.contains("Vẫn tạo mới"));
    let key = form_key(&html);
    let form = confirm_form(&app, &ot, &key);
    let (s, page) = confirm(&app, &office, &form).await;
    assert_eq!(s, 409, "refused without the checkbox");
    assert!(page.contains(&format!("href=\"/conclusions/{notice_id}\"")));
    assert_eq!(counts(&app, &office).await, before, "nothing created");

    let mut form = form;
    form.push(("again", "1".into()));
    let (s, second) = confirm(&app, &office, &form).await;
    assert_eq!(s, 303, "{second}");
    assert_ne!(second, first);
    let after = counts(&app, &office).await;
    assert_eq!((after.0, after.1), (2, 2), "{after:?}");
    assert_eq!(after.2, before.2 * 2, "a second set of tasks");
}

#[tokio::test]
async fn the_api_answers_a_repeated_idempotency_key_with_the_first_meeting() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let doc = json!({
        "meeting": {"kind": "regular_session", "title": "Phiên họp thường kỳ tháng 03 năm 2023",
            "date": "24/03/2023", "host_unit_id": u.ubnd.0},
        "conclusion": {"title": "Kết luận tại phiên họp thường kỳ tháng 03 năm 2023"},
        "tasks": [{"content": "Hoàn chỉnh báo cáo quý I", "assigner_unit_id": u.ubnd.0,
            "lead_unit_id": u.tckh.0, "deadline": "chậm nhất vào ngày 27/03/2023"}]
    });
    let send = || async {
        let r = office
            .post(app.url("/api/v1/extract/confirm"))
            .header("x-csrf-token", ot.as_str())
            .header("idempotency-key", "4b1f7c2e-seed-004")
            .json(&doc)
            .send()
            .await
            .expect("post");
        let s = r.status().as_u16();
        (s, r.json::<Value>().await.unwrap_or(Value::Null))
    };
    let (s1, m1) = send().await;
    assert_eq!(s1, 201, "{m1}");
    let once = counts(&app, &office).await;
    let (s2, m2) = send().await;
    assert_eq!(s2, 200, "{m2}");
    assert_eq!(m1["meeting"]["id"], m2["meeting"]["id"]);
    assert_eq!(counts(&app, &office).await, once);
    assert_eq!((once.0, once.1), (1, 1));
}
