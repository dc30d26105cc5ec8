//! Bàn giao (issue 24) over HTTP, on SQLite and (with GIAOBAN_TEST_DATABASE_URL) PostgreSQL: the
//! page `/handover` and `GET/POST /api/v1/handover…` after the 2025 reorganisation of the test
//! tree. A form or request without the CSRF token is refused and moves nothing; a unit of another
//! province named in a body is 403; a stale version 409; a commune's user sees nothing; after the
//! moves the board counts no task without a living lead unit, and the task's page shows where it
//! came from.

mod common;

use common::{TestApp, get, post};
use serde_json::{Value, json};

async fn html(c: &reqwest::Client, url: String, lang: &str) -> (u16, String) {
    let r = c
        .get(url)
        .header("accept-language", lang)
        .send()
        .await
        .expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

/// Posts a page form: the status, the redirect and the page.
async fn form(
    c: &reqwest::Client,
    url: String,
    fields: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let r = c.post(url).form(fields).send().await.expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, location, r.text().await.expect("body"))
}

async fn task(app: &TestApp, c: &reqwest::Client, token: &str, body: Value) -> String {
    let (s, v) = post(c, token, app.url("/api/v1/tasks"), body).await;
    assert_eq!(s, 201, "{v}");
    v["id"]
        .as_str()
        .or(v["task"]["id"].as_str())
        .expect("id")
        .to_owned()
}

async fn orphaned(app: &TestApp, c: &reqwest::Client) -> u64 {
    let (s, b) = get(c, app.url("/api/v1/board")).await;
    assert_eq!(s, 200, "{b}");
    b["without_living_owner"].as_u64().expect("count")
}

#[tokio::test]
async fn the_office_hands_over_from_the_page_and_the_api() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, t) = app.signed_in("office").await;
    let due = giaoban_app::Clock::System
        .today()
        .checked_add(jiff::Span::new().days(30))
        .expect("date")
        .to_string();
    let a = task(
        &app,
        &office,
        &t,
        json!({"content": "Rà soát hộ nghèo", "assigner_unit_id": u.ubnd.0,
               "lead_unit_id": u.cam_ngoc.0, "coordinating_unit_ids": [u.tckh.0], "deadline": due}),
    )
    .await;
    let b = task(
        &app,
        &office,
        &t,
        json!({"content": "Quyết toán ngân sách", "assigner_unit_id": u.ubnd.0,
               "lead_unit_id": u.tckh.0, "deadline": due}),
    )
    .await;
    let r = app.reorganise_2025().await;
    let (c, token) = app.signed_in("office_tinh").await;
    assert_eq!(orphaned(&app, &c).await, 2);

    // The page, in Vietnamese and in English, with the menu's entry.
    let (s, page) = html(&c, app.url("/handover"), "vi").await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Bàn giao nhiệm vụ của đơn vị đã kết thúc"),
        "{page}"
    );
    assert!(page.contains("id=\"nav-handover\""));
    assert!(page.contains(&format!("id=\"group-{}\"", u.cam_ngoc.0)));
    assert!(page.contains(&format!("id=\"group-{}-no-proposal\"", u.tckh.0)));
    assert!(page.contains("id=\"handover-bulk-all\""));
    let (s, en) = html(&c, app.url("/handover"), "en").await;
    assert_eq!(s, 200);
    assert!(en.contains("Handover of what ended units held"), "{en}");

    let (s, list) = get(&c, app.url("/api/v1/handover")).await;
    assert_eq!(s, 200, "{list}");
    assert_eq!(list["total"], 3, "a (lead and coordinating), b: {list}");
    assert_eq!(list["obvious"], 1);
    assert_eq!(list["may_act"], true);

    // Without the CSRF token: refused, nothing moved.
    let (s, _, _) = form(&c, app.url("/handover/bulk"), &[]).await;
    assert_eq!(s, 403);
    let r0 = c
        .post(app.url("/api/v1/handover/bulk"))
        .json(&json!({}))
        .send()
        .await
        .expect("post");
    assert_eq!(r0.status().as_u16(), 403);
    assert_eq!(orphaned(&app, &c).await, 2);

    // A unit of another province named in the body is not the office's to use; an unknown one is
    // a mistake in that field (422); an unknown field is refused (400).
    let one = |to: uuid::Uuid, version: Value| json!({"target": "task", "id": b, "from_unit": u.tckh.0, "to_unit": to, "version": version});
    let (s, v) = post(
        &c,
        &token,
        app.url("/api/v1/handover/one"),
        one(r.other_commune.0, Value::Null),
    )
    .await;
    assert_eq!(s, 403, "{v}");
    let (s, v) = post(
        &c,
        &token,
        app.url("/api/v1/handover/one"),
        one(uuid::Uuid::now_v7(), Value::Null),
    )
    .await;
    assert_eq!(s, 422, "{v}");
    let (s, v) = post(
        &c,
        &token,
        app.url("/api/v1/handover/bulk"),
        json!({"units": []}),
    )
    .await;
    assert_eq!(s, 400, "{v}");
    assert_eq!(v["error"]["code"], "json.unknown_field");

    // The bulk from the page: a goes to Cẩm Tú.
    let (s, to, _) = form(&c, app.url("/handover/bulk"), &[("csrf_token", &token)]).await;
    assert_eq!(s, 303);
    assert_eq!(to.as_deref(), Some("/handover?moved=1&left=2"));
    let (s, again) = post(&c, &token, app.url("/api/v1/handover/bulk"), json!({})).await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["moved"], 0, "the second bulk moves nothing");
    assert_eq!(orphaned(&app, &c).await, 1);

    // b to the province's finance department, with its version; the same again is stale.
    let (_, detail) = get(&c, app.url(&format!("/api/v1/tasks/{b}"))).await;
    let version = detail["task"]["version"].clone();
    let (s, v) = post(
        &c,
        &token,
        app.url("/api/v1/handover/one"),
        one(r.so_tai_chinh.0, version.clone()),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["moved"], 1);
    let (s, v) = post(
        &c,
        &token,
        app.url("/api/v1/handover/one"),
        one(r.so_tai_chinh.0, version),
    )
    .await;
    assert_eq!(s, 409, "{v}");
    assert_eq!(orphaned(&app, &c).await, 0);

    // The task's page shows where it came from.
    let (s, page) = html(&c, app.url(&format!("/tasks/{a}")), "vi").await;
    assert_eq!(s, 200);
    assert!(
        page.contains("Chuyển giao từ Xã Cẩm Ngọc sang Xã Cẩm Tú"),
        "{page}"
    );

    // A commune's user sees no handover; a district leader reads without the buttons.
    let (m, _) = app.signed_in("camtan").await;
    let (s, _) = html(&m, app.url("/handover"), "vi").await;
    assert_eq!(s, 403);
    let (s, _) = get(&m, app.url("/api/v1/handover")).await;
    assert_eq!(s, 403);
    let (l, lt) = app.signed_in("leader").await;
    let (s, page) = html(&l, app.url("/handover"), "vi").await;
    assert_eq!(s, 200);
    assert!(page.contains("id=\"handover-read-only\""));
    let (s, _) = post(&l, &lt, app.url("/api/v1/handover/bulk"), json!({})).await;
    assert_eq!(s, 403);
}
