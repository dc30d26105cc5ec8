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

/// Reads seed 004 on the reading page: the POST keeps the reading and redirects to the page that
/// shows it (Post/Redirect/Get); its address.
async fn read_at(app: &TestApp, c: &reqwest::Client, token: &str) -> String {
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
    assert_eq!(
        r.status(),
        303,
        "a reading is shown by a page got, not posted"
    );
    let to = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(to.starts_with("/extract?reading="), "{to}");
    to
}

/// The reading page for seed 004: its HTML.
async fn read(app: &TestApp, c: &reqwest::Client, token: &str) -> String {
    let at = read_at(app, c, token).await;
    let r = c.get(app.url(&at)).send().await.expect("reading");
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

/// What Chromium's Back does after the confirm (issue 21): it gets the reading page again (it was
/// got, not posted, so the browser neither asks to post again nor shows a stale copy). The page
/// comes back with the same form key, names the meeting already made, and sending it again
/// creates nothing and lands on that meeting. Another person cannot open the reading.
#[tokio::test]
async fn back_to_the_reading_after_confirming_brings_the_same_form_and_creates_nothing() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let at = read_at(&app, &office, &ot).await;
    let page = |c: reqwest::Client| {
        let url = app.url(&at);
        async move {
            let r = c.get(url).send().await.expect("reading");
            (r.status().as_u16(), r.text().await.expect("html"))
        }
    };
    let (s, html) = page(office.clone()).await;
    assert_eq!(s, 200);
    let key = form_key(&html);
    assert!(html.contains(&format!(
        "name=\"reading\" value=\"{}\"",
        &at["/extract?reading=".len()..]
    )));
    let form = confirm_form(&app, &ot, &key);
    let (s, first) = confirm(&app, &office, &form).await;
    assert_eq!(s, 303, "{first}");
    let after_first = counts(&app, &office).await;

    // Back: the same page, the same key, and the meeting made from it named.
    let (s, html) = page(office.clone()).await;
    assert_eq!(s, 200);
    assert_eq!(form_key(&html), key, "the form as it was");
    assert!(
        html.contains("id=\"read-before\""),
        "the meeting already made is named"
    );
    assert!(html.contains(&format!("href=\"{first}\"")), "{first}");
    let (s, second) = confirm(&app, &office, &confirm_form(&app, &ot, &form_key(&html))).await;
    assert_eq!((s, second), (303, format!("{first}?again=1")));
    assert_eq!(
        counts(&app, &office).await,
        after_first,
        "nothing created twice"
    );

    // Not another person's, and not a made-up one.
    let (other, _) = app.signed_in("tckh").await;
    let (s, html) = page(other).await;
    assert_eq!(s, 404);
    assert!(
        !html.contains(&key),
        "another person's reading is not shown"
    );
    let r = office
        .get(app.url("/extract?reading=not-a-reading"))
        .send()
        .await
        .expect("page");
    assert_eq!(r.status(), 404);
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

// ----- the other create forms (task, meeting, notice, recommendation) -----

/// The `form_key` of the form with this id on a page.
fn key_in(html: &str, form_id: &str) -> String {
    let at = html
        .find(&format!("id=\"{form_id}\""))
        .unwrap_or_else(|| panic!("form {form_id} on the page"));
    form_key(&html[at..])
}

async fn page(c: &reqwest::Client, url: String) -> String {
    let r = c.get(url).send().await.expect("get");
    assert_eq!(r.status(), 200);
    r.text().await.expect("html")
}

/// Posts a form twice; returns both answers' status and Location.
async fn post_twice(
    c: &reqwest::Client,
    url: String,
    form: &[(&str, String)],
) -> ((u16, String), (u16, String)) {
    let mut out = Vec::new();
    for _ in 0..2 {
        let r = c.post(url.clone()).form(form).send().await.expect("post");
        let s = r.status().as_u16();
        let loc = r
            .headers()
            .get("location")
            .map(|l| l.to_str().expect("location").to_owned());
        out.push(match loc {
            Some(l) => (s, l),
            None => (s, r.text().await.unwrap_or_default()),
        });
    }
    let second = out.pop().expect("second");
    (out.pop().expect("first"), second)
}

async fn meeting_via_api(app: &TestApp, c: &reqwest::Client, token: &str) -> String {
    let r = c
        .post(app.url("/api/v1/meetings"))
        .header("x-csrf-token", token)
        .json(
            &json!({"kind": "briefing", "title": "Giao ban tuần 12", "date": "24/03/2023",
            "host_unit_id": app.units.ubnd.0}),
        )
        .send()
        .await
        .expect("meeting");
    assert_eq!(r.status(), 201);
    let m: Value = r.json().await.expect("json");
    m["meeting"]["id"].as_str().expect("id").to_owned()
}

#[tokio::test]
async fn the_meeting_form_sent_twice_with_one_key_creates_one_meeting() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let html = page(&office, app.url("/meetings/new")).await;
    let key = form_key(&html);
    let form = vec![
        ("csrf_token", ot.clone()),
        ("form_key", key),
        ("kind", "briefing".into()),
        ("title", "Giao ban tuần 12".into()),
        ("date", "24/03/2023".into()),
        ("host_unit_id", app.units.ubnd.0.to_string()),
    ];
    let ((s1, l1), (s2, l2)) = post_twice(&office, app.url("/meetings/new"), &form).await;
    assert_eq!(s1, 303, "{l1}");
    assert_eq!(s2, 303, "{l2}");
    assert_eq!(l2, format!("{l1}?again=1"));
    assert_eq!(counts(&app, &office).await.0, 1);
    assert!(
        page(&office, app.url(&l2))
            .await
            .contains("Đã tạo trước đó")
    );
}

#[tokio::test]
async fn the_task_form_sent_twice_with_one_key_creates_one_task() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let before = counts(&app, &office).await.2;
    let html = page(&office, app.url("/tasks/new")).await;
    let key = form_key(&html);
    let form = vec![
        ("csrf_token", ot.clone()),
        ("form_key", key),
        ("content", "Rà soát tiêu chí nông thôn mới".into()),
        ("assigner_unit_id", app.units.ubnd.0.to_string()),
        ("lead_unit_id", app.units.tckh.0.to_string()),
        ("deadline", "chậm nhất ngày 27/03/2023".into()),
    ];
    let ((s1, l1), (s2, l2)) = post_twice(&office, app.url("/tasks"), &form).await;
    assert_eq!(s1, 303, "{l1}");
    assert_eq!(s2, 303, "{l2}");
    assert_eq!(l2, format!("{l1}?again=1"));
    assert_eq!(counts(&app, &office).await.2, before + 1);
    assert!(
        page(&office, app.url(&l2))
            .await
            .contains("Đã tạo trước đó")
    );
}

#[tokio::test]
async fn the_notice_pages_task_form_sent_twice_with_one_key_adds_one_task() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let mid = meeting_via_api(&app, &office, &ot).await;
    let r = office
        .post(app.url("/api/v1/conclusions"))
        .header("x-csrf-token", ot.as_str())
        .json(
            &json!({"meeting_id": mid, "issuer_unit_id": app.units.ubnd.0,
            "title": "Kết luận tại giao ban tuần 12", "signer_name": "Nguyễn Đình Hùng",
            "signer_title": "Chánh Văn phòng", "authority": "by_order"}),
        )
        .send()
        .await
        .expect("notice");
    assert_eq!(r.status(), 201);
    let cid = r.json::<Value>().await.expect("json")["conclusion"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let html = page(&office, app.url(&format!("/conclusions/{cid}"))).await;
    let key = key_in(&html, "notice-task-form");
    let form = vec![
        ("csrf_token", ot.clone()),
        ("form_key", key),
        ("conclusion_id", cid.clone()),
        ("source_kind", "conclusion".into()),
        ("return_to", format!("/conclusions/{cid}")),
        ("content", "Rà soát tiêu chí nông thôn mới".into()),
        ("assigner_unit_id", app.units.ubnd.0.to_string()),
        ("lead_unit_id", app.units.tckh.0.to_string()),
        ("deadline", "chậm nhất ngày 27/03/2023".into()),
    ];
    let ((s1, l1), (s2, l2)) = post_twice(&office, app.url("/tasks"), &form).await;
    assert_eq!(s1, 303, "{l1}");
    assert_eq!(l1, format!("/conclusions/{cid}"));
    assert_eq!(s2, 303, "{l2}");
    let d = get(&office, app.url(&format!("/api/v1/conclusions/{cid}"))).await;
    let tasks = d["tasks"].as_array().expect("tasks");
    assert_eq!(tasks.len(), 1, "{d}");
    let tid = tasks[0]["id"].as_str().expect("id");
    assert_eq!(l2, format!("/tasks/{tid}?again=1"));
}

#[tokio::test]
async fn the_notice_form_sent_twice_with_one_key_creates_one_notice() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let mid = meeting_via_api(&app, &office, &ot).await;
    let url = app.url(&format!("/meetings/{mid}/conclusions/new"));
    let key = form_key(&page(&office, url.clone()).await);
    let form = vec![
        ("csrf_token", ot.clone()),
        ("form_key", key),
        ("issuer_unit_id", app.units.ubnd.0.to_string()),
        ("symbol", "TB-UBND".into()),
        ("title", "Kết luận tại giao ban tuần 12".into()),
        ("signer_name", "Nguyễn Đình Hùng".into()),
        ("signer_title", "Chánh Văn phòng".into()),
        ("authority", "by_order".into()),
    ];
    let ((s1, l1), (s2, l2)) = post_twice(&office, url, &form).await;
    assert_eq!(s1, 303, "{l1}");
    assert_eq!(s2, 303, "{l2}");
    assert_eq!(l2, format!("{l1}?again=1"));
    assert_eq!(counts(&app, &office).await.1, 1);
    assert!(
        page(&office, app.url(&l2))
            .await
            .contains("Đã tạo trước đó")
    );
}

#[tokio::test]
async fn the_recommendation_form_sent_twice_with_one_key_creates_one() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let mid = meeting_via_api(&app, &office, &ot).await;
    let html = page(&office, app.url(&format!("/meetings/{mid}"))).await;
    let key = key_in(&html, "rec-form");
    let form = vec![
        ("csrf_token", ot.clone()),
        ("form_key", key),
        ("meeting_id", mid.clone()),
        ("raised_by_unit_id", app.units.ubnd.0.to_string()),
        ("content", "Đề nghị hướng dẫn thanh quyết toán".into()),
    ];
    let ((s1, l1), (s2, l2)) = post_twice(&office, app.url("/recommendations"), &form).await;
    assert_eq!(s1, 303, "{l1}");
    assert_eq!(s2, 303, "{l2}");
    assert_eq!(l2, format!("/meetings/{mid}?again=1#recommendations"));
    let recs = get(&office, app.url("/api/v1/recommendations")).await;
    assert_eq!(recs["items"].as_array().map_or(0, Vec::len), 1, "{recs}");
    assert!(
        page(&office, app.url(&format!("/meetings/{mid}?again=1")))
            .await
            .contains("Đã tạo trước đó")
    );
}

#[tokio::test]
async fn a_refused_form_keeps_its_key_and_can_be_sent_again() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let key = form_key(&page(&office, app.url("/meetings/new")).await);
    let mut form = vec![
        ("csrf_token", ot.clone()),
        ("form_key", key.clone()),
        ("kind", "briefing".into()),
        ("title", "".into()),
        ("date", "24/03/2023".into()),
        ("host_unit_id", app.units.ubnd.0.to_string()),
    ];
    let r = office
        .post(app.url("/meetings/new"))
        .form(&form)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert_eq!(form_key(&r.text().await.expect("html")), key);
    form[3].1 = "Giao ban tuần 12".into();
    let ((s1, _), (_, l2)) = post_twice(&office, app.url("/meetings/new"), &form).await;
    assert_eq!(s1, 303);
    assert!(l2.ends_with("?again=1"), "{l2}");
    assert_eq!(counts(&app, &office).await.0, 1);
}

#[tokio::test]
async fn the_create_apis_answer_a_repeated_idempotency_key_with_the_first_record() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let send = |path: &'static str, key: &'static str, body: Value| {
        let (office, ot, url) = (office.clone(), ot.clone(), app.url(path));
        async move {
            let r = office
                .post(url)
                .header("x-csrf-token", ot.as_str())
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .expect("post");
            let s = r.status().as_u16();
            (s, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let meeting = json!({"kind": "briefing", "title": "Giao ban tuần 12", "date": "24/03/2023",
        "host_unit_id": u.ubnd.0});
    let (s1, m1) = send("/api/v1/meetings", "k-meeting", meeting.clone()).await;
    let (s2, m2) = send("/api/v1/meetings", "k-meeting", meeting).await;
    assert_eq!((s1, s2), (201, 200), "{m1} {m2}");
    assert_eq!(m1["meeting"]["id"], m2["meeting"]["id"]);
    let mid = m1["meeting"]["id"].as_str().expect("id").to_owned();
    let tasks_before = counts(&app, &office).await.2;

    let notice = json!({"meeting_id": mid, "issuer_unit_id": u.ubnd.0,
        "title": "Kết luận tại giao ban tuần 12", "signer_name": "Nguyễn Đình Hùng",
        "signer_title": "Chánh Văn phòng", "authority": "by_order"});
    let (s1, c1) = send("/api/v1/conclusions", "k-notice", notice.clone()).await;
    let (s2, c2) = send("/api/v1/conclusions", "k-notice", notice).await;
    assert_eq!((s1, s2), (201, 200), "{c1} {c2}");
    assert_eq!(c1["conclusion"]["id"], c2["conclusion"]["id"]);

    let task = json!({"content": "Rà soát tiêu chí nông thôn mới", "assigner_unit_id": u.ubnd.0,
        "lead_unit_id": u.tckh.0, "deadline": "chậm nhất ngày 27/03/2023"});
    let (s1, t1) = send("/api/v1/tasks", "k-task", task.clone()).await;
    let (s2, t2) = send("/api/v1/tasks", "k-task", task).await;
    assert_eq!((s1, s2), (201, 200), "{t1} {t2}");
    assert_eq!(t1["task"]["id"], t2["task"]["id"]);

    let rec = json!({"meeting_id": mid, "raised_by_unit_id": u.ubnd.0,
        "content": "Đề nghị hướng dẫn thanh quyết toán"});
    let (s1, r1) = send("/api/v1/recommendations", "k-rec", rec.clone()).await;
    let (s2, r2) = send("/api/v1/recommendations", "k-rec", rec).await;
    assert_eq!((s1, s2), (201, 200), "{r1} {r2}");
    assert_eq!(r1["id"], r2["id"]);

    let (m, n, t) = counts(&app, &office).await;
    assert_eq!((m, n, t), (1, 1, tasks_before + 1));
    let recs = get(&office, app.url("/api/v1/recommendations")).await;
    assert_eq!(recs["items"].as_array().map_or(0, Vec::len), 1);
}

/// The value of the input named `name` on the page, unescaped.
fn input_value(html: &str, name: &str) -> String {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("the page has {name}"));
    let rest = &html[at..];
    let v = &rest[rest.find("value=\"").expect("value") + "value=\"".len()..];
    v[..v.find('"').expect("end")]
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Issue 22: the deadline stored from confirming seed 004's proposals is the reading's typed value,
/// carried by the form, not its label read again; words the office edited are read once instead.
#[tokio::test]
async fn confirmed_deadline_is_the_readings_typed_value() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let html = read(&app, &office, &ot).await;
    let key = form_key(&html);
    let typed = input_value(&html, "task_0_deadline_typed");
    let label = input_value(&html, "task_0_deadline");
    let typed_value: Value =
        serde_json::from_str(&typed).expect("the proposal carries a typed deadline");
    let mut form = confirm_form(&app, &ot, &key);
    for (k, v) in form.iter_mut() {
        if *k == "task_0_deadline" {
            *v = label.clone();
        }
    }
    form.push(("task_0_deadline_typed", typed.clone()));
    // Task 1: the office edits the words; the typed value posted with them is then ignored.
    form.push(("task_1_deadline_typed", typed.clone()));
    let (s, loc) = confirm(&app, &office, &form).await;
    assert_eq!(s, 303, "{loc}");
    let tasks = get(&office, app.url("/api/v1/tasks")).await;
    let items = tasks["items"].as_array().expect("items");
    let deadline_of = |content: &str| {
        items
            .iter()
            .find(|t| {
                t["content"]
                    .as_str()
                    .is_some_and(|c| c.starts_with(content))
            })
            .map(|t| t["deadline"].clone())
            .unwrap_or_else(|| panic!("task {content} in {tasks}"))
    };
    assert_eq!(deadline_of("Hoàn chỉnh"), typed_value);
    assert_eq!(
        deadline_of("Rà soát"),
        serde_json::json!({"kind": "within_period", "value": "2023Q2"})
    );
}
