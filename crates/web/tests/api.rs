//! The application over HTTP: access rules, CSRF, sign-in, bad input, OpenAPI, audit.

mod common;

use common::{PASSWORD, TestApp};
use serde_json::{Value, json};

async fn json_of(r: reqwest::Response) -> Value {
    r.json().await.expect("json body")
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.get(app.url("/healthz")).send().await.expect("healthz");
    assert_eq!(r.status(), 200);
    let r = c.get(app.url("/readyz")).send().await.expect("readyz");
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.expect("text"), "ready");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let wrong_pw = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "camngoc", "password": "sai mật khẩu rồi"}))
        .send()
        .await
        .expect("send");
    assert_eq!(wrong_pw.status(), 401);
    let a = json_of(wrong_pw).await;
    let unknown = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "khongco", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(unknown.status(), 401);
    let b = json_of(unknown).await;
    assert_eq!(a, b, "the answer does not say which half was wrong");
    assert_eq!(a["error"]["code"], "auth.bad_credentials");
    assert_eq!(
        a["error"]["message"],
        "Tên đăng nhập hoặc mật khẩu không đúng."
    );
    // And nobody is signed in afterwards.
    let r = c
        .get(app.url("/api/v1/session"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn repeated_failures_lock_the_username() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for _ in 0..5 {
        let r = c
            .post(app.url("/api/v1/session"))
            .json(&json!({"username": "camtan", "password": "không đúng đâu"}))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 401);
    }
    // Now even the right password is refused until the lock ends.
    let r = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "camtan", "password": PASSWORD}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 429);
    let body = json_of(r).await;
    assert_eq!(body["error"]["code"], "auth.locked");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("phút")
    );
}

#[tokio::test]
async fn commune_user_sees_only_its_own_records() {
    let app = TestApp::spawn().await;
    let (c, token) = app.signed_in("camngoc").await;
    let own = app.units.cam_ngoc.0;
    let other = app.units.cam_tan.0;
    // Reading records: own unit yes, the neighbour no.
    let r = c
        .get(app.url(&format!("/api/v1/units/{own}/users")))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let r = c
        .get(app.url(&format!("/api/v1/units/{other}/users")))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    let body = json_of(r).await;
    assert_eq!(body["error"]["code"], "auth.forbidden");
    // The directory entry of the neighbour is visible, its contact details are not.
    let detail = json_of(
        c.get(app.url(&format!("/api/v1/units/{other}")))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(detail["name"], "Xã Cẩm Tân");
    assert!(detail["contact"].is_null());
    let mine = json_of(
        c.get(app.url(&format!("/api/v1/units/{own}")))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert!(mine["contact"].is_object());
    // Writing: own contact yes, the neighbour's no.
    let r = c
        .put(app.url(&format!("/api/v1/units/{own}/contact")))
        .header("x-csrf-token", &token)
        .json(&json!({"phone": "0237 3876 123", "address": "Xã Cẩm Ngọc"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let r = c
        .put(app.url(&format!("/api/v1/units/{other}/contact")))
        .header("x-csrf-token", &token)
        .json(&json!({"phone": "0000"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    // Users of other units stay hidden; unknown units are 404, not 403.
    let r = c
        .get(app.url(&format!("/api/v1/units/{}/users", uuid::Uuid::now_v7())))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    let users = json_of(c.get(app.url("/api/v1/users")).send().await.expect("send")).await;
    assert_eq!(users["items"].as_array().expect("items").len(), 1);
    // Members do not read the audit trail and do not manage units.
    assert_eq!(
        c.get(app.url("/api/v1/audit"))
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
    let r = c
        .post(app.url("/api/v1/units"))
        .header("x-csrf-token", &token)
        .json(&json!({"kind": "commune", "level": "xa", "name": "Xã Mới", "parent_id": app.units.district.0}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn leader_sees_the_district_and_the_audit_of_changes() {
    let app = TestApp::spawn().await;
    let (member, token) = app.signed_in("tckh").await;
    let tckh = app.units.tckh.0;
    let r = member
        .put(app.url(&format!("/api/v1/units/{tckh}/contact")))
        .header("x-csrf-token", &token)
        .json(&json!({"email": "tckh@camthuy.gov.vn"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let (leader, _) = app.signed_in("leader").await;
    for u in [app.units.cam_ngoc.0, app.units.cam_tan.0, tckh] {
        let r = leader
            .get(app.url(&format!("/api/v1/units/{u}/users")))
            .send()
            .await
            .expect("send");
        assert_eq!(r.status(), 200);
    }
    let r = leader
        .get(app.url(&format!(
            "/api/v1/units/{}/users",
            app.units.other_district.0
        )))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    let trail = json_of(
        leader
            .get(app.url("/api/v1/audit?entity=unit_contact"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    let first = &trail["items"][0];
    assert_eq!(first["actor_name"], "tckh");
    assert_eq!(first["after"]["email"], "tckh@camthuy.gov.vn");
    assert!(first["before"]["email"].is_null());
}

#[tokio::test]
async fn state_changes_without_the_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    let (c, token) = app.signed_in("camngoc").await;
    let own = app.units.cam_ngoc.0;
    let url = app.url(&format!("/api/v1/units/{own}/contact"));
    let r = c
        .put(&url)
        .json(&json!({"phone": "1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    assert_eq!(json_of(r).await["error"]["code"], "csrf");
    let r = c
        .put(&url)
        .header("x-csrf-token", "deadbeef")
        .json(&json!({"phone": "1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    // A form post without the token, and one from a foreign origin with it.
    let form_url = app.url(&format!("/units/{own}/contact"));
    let r = c
        .post(&form_url)
        .form(&[("phone", "1")])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    assert!(
        r.text()
            .await
            .expect("html")
            .contains("Phiên làm việc của biểu mẫu")
    );
    let r = c
        .post(&form_url)
        .header("origin", "http://evil.example")
        .form(&[("phone", "1"), ("csrf_token", token.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
    // With the token the same form is accepted.
    let r = c
        .post(&form_url)
        .form(&[("phone", "0237 1"), ("csrf_token", token.as_str())])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 303);
    // Nothing of the refused posts was saved.
    let mine = json_of(
        c.get(app.url(&format!("/api/v1/units/{own}")))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(mine["contact"]["phone"], "0237 1");
}

#[tokio::test]
async fn bad_input_gets_a_clear_error_body() {
    let app = TestApp::spawn().await;
    let (c, token) = app.signed_in("admin").await;
    let post = |body: String, lang: &'static str| {
        c.post(app.url("/api/v1/units"))
            .header("x-csrf-token", &token)
            .header("content-type", "application/json")
            .header("accept-language", lang)
            .body(body)
            .send()
    };
    let r = post("{\"kind\": \"commune\",".into(), "vi")
        .await
        .expect("send");
    assert_eq!(r.status(), 400);
    let b = json_of(r).await;
    assert_eq!(b["error"]["code"], "json.syntax");
    assert!(
        b["error"]["message"]
            .as_str()
            .expect("msg")
            .starts_with("JSON sai cú pháp")
    );

    let r = post(
        json!({"kind": "commune", "level": "xa", "name": "X", "colour": "red"}).to_string(),
        "vi",
    )
    .await
    .expect("send");
    assert_eq!(r.status(), 400);
    let b = json_of(r).await;
    assert_eq!(b["error"]["code"], "json.unknown_field");
    assert!(
        b["error"]["message"]
            .as_str()
            .expect("msg")
            .contains("colour")
    );

    let r = post(
        json!({"kind": "commune", "level": "xa", "name": 42}).to_string(),
        "vi",
    )
    .await
    .expect("send");
    assert_eq!(r.status(), 400);
    assert_eq!(json_of(r).await["error"]["code"], "json.wrong_type");

    let r = post(
        json!({"kind": "commune", "level": "xa", "name": 42}).to_string(),
        "en",
    )
    .await
    .expect("send");
    let b = json_of(r).await;
    assert!(
        b["error"]["message"]
            .as_str()
            .expect("msg")
            .starts_with("Wrong type")
    );

    let r = post(
        json!({"kind": "planet", "level": "xa", "name": " ", "parent_id": app.units.district.0})
            .to_string(),
        "vi",
    )
    .await
    .expect("send");
    assert_eq!(r.status(), 422);
    let b = json_of(r).await;
    let fields: Vec<&str> = b["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().expect("f"))
        .collect();
    assert_eq!(fields, ["kind", "name"]);

    let big = format!(
        "{{\"kind\": \"commune\", \"level\": \"xa\", \"name\": \"{}\"}}",
        "a".repeat(3 * 1024 * 1024)
    );
    let r = post(big, "vi").await.expect("send");
    assert_eq!(r.status(), 413);
    assert_eq!(json_of(r).await["error"]["code"], "body.too_large");

    let r = c
        .post(app.url("/api/v1/units"))
        .header("x-csrf-token", &token)
        .body("kind=commune")
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 415);
    assert_eq!(json_of(r).await["error"]["code"], "body.media_type");

    let r = c
        .get(app.url("/api/v1/units?as_of=31/02/2023"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    assert_eq!(json_of(r).await["error"]["code"], "date.invalid");

    let r = c
        .get(app.url("/api/v1/nothing-here"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 404);
    assert_eq!(json_of(r).await["error"]["code"], "not_found");
}

#[tokio::test]
async fn the_unit_tree_comes_back_in_order() {
    let app = TestApp::spawn().await;
    let (c, _) = app.signed_in("camngoc").await;
    let list = json_of(c.get(app.url("/api/v1/units")).send().await.expect("send")).await;
    let names: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        names,
        [
            "Tỉnh Thanh Hóa",
            "Huyện Bá Thước",
            "Huyện Cẩm Thủy",
            "UBND huyện Cẩm Thủy",
            "Phòng Tài chính - Kế hoạch",
            "Xã Cẩm Ngọc",
            "Xã Cẩm Tân"
        ]
    );
    let tree = json_of(
        c.get(app.url("/api/v1/units/tree"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(
        tree[0]["children"][1]["children"][0]["name"],
        "UBND huyện Cẩm Thủy"
    );
    let found = json_of(
        c.get(app.url("/api/v1/units?q=cam%20ngoc"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["admin_code"], "15169");
}

#[tokio::test]
async fn admin_creates_users_and_units_and_passwords_can_be_changed() {
    let app = TestApp::spawn().await;
    let (admin, token) = app.signed_in("admin").await;
    let r = admin
        .post(app.url("/api/v1/users"))
        .header("x-csrf-token", &token)
        .json(&json!({"username": "camtan2", "display_name": "Cán bộ xã Cẩm Tân", "role": "member", "unit_id": app.units.cam_tan.0}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
    let created = json_of(r).await;
    let otp = created["one_time_password"]
        .as_str()
        .expect("otp")
        .to_owned();
    assert_eq!(created["user"]["must_change_password"], true);
    let r = admin
        .post(app.url("/api/v1/users"))
        .header("x-csrf-token", &token)
        .json(&json!({"username": "camtan2", "display_name": "Trùng tên", "role": "member", "unit_id": app.units.cam_tan.0}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 409);
    assert_eq!(
        json_of(r).await["error"]["message"],
        "Tên đăng nhập đã được sử dụng."
    );

    // The new user signs in with the one-time password and chooses their own.
    let c = app.client();
    let r = c
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "camtan2", "password": otp}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let t = json_of(r).await["csrf_token"]
        .as_str()
        .expect("token")
        .to_owned();
    let r = c
        .put(app.url("/api/v1/me/password"))
        .header("x-csrf-token", &t)
        .json(&json!({"current_password": "wrong", "new_password": "Giao ban thứ Năm 17h"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    let r = c
        .put(app.url("/api/v1/me/password"))
        .header("x-csrf-token", &t)
        .json(&json!({"current_password": otp, "new_password": "Giao ban thứ Năm 17h"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    // Still signed in after the change; the old password no longer works.
    assert_eq!(
        c.get(app.url("/api/v1/session"))
            .send()
            .await
            .expect("send")
            .status(),
        200
    );
    let r = app
        .client()
        .post(app.url("/api/v1/session"))
        .json(&json!({"username": "camtan2", "password": otp}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);

    // Units: the admin adds a commune; office staff may not add one elsewhere.
    let r = admin
        .post(app.url("/api/v1/units"))
        .header("x-csrf-token", &token)
        .json(&json!({"kind": "commune", "level": "xa", "name": "Xã Cẩm Phú", "admin_code": "15181", "parent_id": app.units.district.0}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 201);
    let (office, ot) = app.signed_in("office").await;
    let r = office
        .post(app.url("/api/v1/units"))
        .header("x-csrf-token", &ot)
        .json(&json!({"kind": "commune", "level": "xa", "name": "Xã Lạ", "parent_id": app.units.other_district.0}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let app = TestApp::spawn().await;
    let (c, token) = app.signed_in("leader").await;
    let r = c
        .delete(app.url("/api/v1/session"))
        .header("x-csrf-token", &token)
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 204);
    assert_eq!(
        c.get(app.url("/api/v1/session"))
            .send()
            .await
            .expect("send")
            .status(),
        401
    );
}

#[tokio::test]
async fn openapi_document_parses_and_every_operation_is_served() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let doc: Value = json_of(
        c.get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 10, "{} paths", paths.len());
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path
            .replace("{id}", &uuid::Uuid::now_v7().to_string())
            .replace("{code}", "xa");
        for method in ["get", "post", "put", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            operations += 1;
            let req = c.request(
                method.to_uppercase().parse().expect("method"),
                app.url(&concrete),
            );
            let r = req.send().await.expect("send");
            // Not signed in: every documented operation exists (no 404/405), and refuses politely.
            assert!(
                [400, 401, 403].contains(&r.status().as_u16()),
                "{method} {path}: {}",
                r.status()
            );
            let body: Value = r.json().await.expect("error body is JSON");
            assert!(body["error"]["code"].is_string(), "{method} {path}");
        }
    }
    assert!(operations >= 15, "{operations} operations");
}

#[tokio::test]
async fn pages_redirect_to_sign_in_and_render_in_both_languages() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.get(app.url("/units")).send().await.expect("send");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/login?next=%2Funits");
    let page = c.get(app.url("/login")).send().await.expect("send");
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .expect("csp")
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("script-src 'self'"));
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let html = page.text().await.expect("html");
    assert!(html.contains("Đăng nhập"));
    let token = html
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("token in form")
        .to_owned();
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("username", "camngoc"),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
            ("next", "/units"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/units");
    let set_cookie: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().expect("cookie").to_owned())
        .collect();
    assert!(set_cookie.iter().any(|c| c.starts_with("giaoban_session=")
        && c.contains("HttpOnly")
        && c.contains("SameSite=Lax")));
    let html = c
        .get(app.url("/units"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Xã Cẩm Ngọc") && html.contains("Cây đơn vị"));
    let html = c
        .get(app.url("/units?lang=en"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Unit tree"));
    // An unknown page is a friendly page, not a bare status.
    let r = c.get(app.url("/khong-co")).send().await.expect("send");
    assert_eq!(r.status(), 404);
    assert!(r.text().await.expect("html").contains("Không tìm thấy"));
}

#[tokio::test]
async fn user_text_is_escaped_in_pages() {
    let app = TestApp::spawn().await;
    let (c, token) = app.signed_in("camngoc").await;
    let own = app.units.cam_ngoc.0;
    let r = c
        .put(app.url(&format!("/api/v1/units/{own}/contact")))
        .header("x-csrf-token", &token)
        .json(&json!({"address": "<script>alert(1)</script>"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let html = c
        .get(app.url(&format!("/units/{own}")))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(!html.contains("<script>alert(1)</script>"));
    assert!(html.contains("&#60;script&#62;") || html.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn pasted_notice_becomes_proposals_matched_within_its_district() {
    let app = TestApp::spawn().await;
    let (c, token) = app.signed_in("office").await;
    let text = "Cẩm Thủy, ngày 28 tháng 3 năm 2023\n\nTHÔNG BÁO\n\
        Ngày 24/03/2023, UBND huyện đã tổ chức phiên họp thường kỳ tháng 03, dưới sự chủ trì của Chủ tịch UBND huyện.\n\
        Giao Phòng Tài chính Kế tiếp thu ý kiến của các đại biểu để hoàn chỉnh các dự thảo báo cáo kinh tế xã hội Quý I chậm nhất vào ngày 27/03/2023 trình Ban Thường Vụ.\n\
        Toàn huyện gieo cấy 5.466,32ha lúa.";
    let r = c
        .post(app.url("/api/v1/extract"))
        .header("x-csrf-token", &token)
        .json(&json!({"text": text}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 200);
    let body = json_of(r).await;
    assert_eq!(body["territory"], app.units.district.0.to_string());
    let task = &body["extraction"]["tasks"][0];
    assert_eq!(
        task["lead"][0]["resolution"]["id"],
        app.units.tckh.0.to_string()
    );
    assert_eq!(task["deadline"]["value"]["date"]["date"], "2023-03-27");
    let figure = &body["extraction"]["figures"][0]["quantity"];
    let span = (
        figure["span"]["start"].as_u64().expect("start") as usize,
        figure["span"]["end"].as_u64().expect("end") as usize,
    );
    assert!(text[span.0..span.1].contains("5.466,32"));

    let r = c
        .post(app.url("/api/v1/extract"))
        .header("x-csrf-token", &token)
        .json(&json!({"text": "   "}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    assert_eq!(json_of(r).await["error"]["code"], "extract.empty");
    let r = c
        .post(app.url("/api/v1/extract"))
        .header("x-csrf-token", &token)
        .json(&json!({"text": "Giao xã", "document_date": "32/13/2023"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 422);
    // The page shows the same proposals, highlighted, and saves nothing.
    let page = c
        .get(app.url("/extract"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    let form_token = page
        .split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("token")
        .to_owned();
    let r = c
        .post(app.url("/extract"))
        .form(&[
            ("text", text),
            ("document_date", ""),
            ("csrf_token", form_token.as_str()),
        ])
        .send()
        .await
        .expect("send");
    // Kept and shown at the page it redirects to (Post/Redirect/Get, issue 21).
    assert_eq!(r.status(), 303);
    let at = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let r = c.get(app.url(&at)).send().await.expect("reading");
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("Phòng Tài chính - Kế hoạch"),
        "resolved unit name shown"
    );
    assert!(html.contains("27/03/2023"));
    assert!(html.contains("<mark class=\"task\">"));
}

fn form_token(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("token in form")
        .to_owned()
}

#[tokio::test]
async fn office_maintains_the_directory_through_the_pages() {
    let app = TestApp::spawn().await;
    let (c, _) = app.signed_in("office").await;
    let district = app.units.district.0.to_string();
    let page = c
        .get(app.url(&format!("/units/new?parent={district}")))
        .send()
        .await
        .expect("send");
    assert_eq!(page.status(), 200);
    let token = form_token(&page.text().await.expect("html"));
    let r = c
        .post(app.url("/units/new"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("kind", "commune"),
            ("level", "xa"),
            ("name", "Xã Cẩm Phú"),
            ("aliases", "Cẩm Phú\n\nCam Phu"),
            ("admin_code", "15181"),
            ("parent_id", district.as_str()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    let id = location
        .trim_start_matches("/units/")
        .trim_end_matches("?saved=1")
        .to_owned();
    let unit = json_of(
        c.get(app.url(&format!("/api/v1/units/{id}")))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(unit["aliases"], json!(["Cẩm Phú", "Cam Phu"]));
    let version = unit["version"].as_i64().expect("version");

    // Two people edit at once: the second, stale form is refused and shown again with the reason.
    let edit = c
        .get(app.url(&format!("/units/{id}/edit")))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    let token = form_token(&edit);
    let submit = |name: &'static str, v: i64| {
        let token = token.clone();
        let district = district.clone();
        let url = app.url(&format!("/units/{id}/edit"));
        let c = c.clone();
        async move {
            c.post(url)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("kind", "commune"),
                    ("level", "xa"),
                    ("name", name),
                    ("admin_code", "15181"),
                    ("parent_id", district.as_str()),
                    ("version", &v.to_string()),
                ])
                .send()
                .await
                .expect("send")
        }
    };
    assert_eq!(submit("Xã Cẩm Phú (mới)", version).await.status(), 303);
    let stale = submit("Xã Cẩm Phú (cũ)", version).await;
    assert_eq!(stale.status(), 409);
    assert!(
        stale
            .text()
            .await
            .expect("html")
            .contains("vừa được người khác thay đổi")
    );
    let unit = json_of(
        c.get(app.url(&format!("/api/v1/units/{id}")))
            .send()
            .await
            .expect("send"),
    )
    .await;
    assert_eq!(unit["name"], "Xã Cẩm Phú (mới)", "the first save is kept");

    // Office staff cannot place units outside their territory, nor edit levels.
    let other = app.units.other_district.0;
    assert_eq!(
        c.get(app.url(&format!("/units/new?parent={other}")))
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
    let levels = c
        .get(app.url("/levels"))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(levels.contains("Huyện") && !levels.contains("level-form"));
    let r = c
        .post(app.url("/levels"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("code", "thon"),
            ("rank", "4"),
            ("name_vi", "Thôn"),
            ("name_en", "Village"),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);

    // A commune member sees no editing links and is refused the form.
    let (m, _) = app.signed_in("camngoc").await;
    let own = m
        .get(app.url(&format!("/units/{}", app.units.cam_ngoc.0)))
        .send()
        .await
        .expect("send")
        .text()
        .await
        .expect("html");
    assert!(!own.contains("edit-unit"));
    assert_eq!(
        m.get(app.url(&format!("/units/{}/edit", app.units.cam_ngoc.0)))
            .send()
            .await
            .expect("send")
            .status(),
        403
    );
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let session_cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.strip_prefix("giaoban_session=")
                    .map(|rest| rest.split(';').next().unwrap_or("").to_owned())
            })
    };
    let page = c.get(app.url("/login")).send().await.expect("send");
    let before = session_cookie(&page).expect("an anonymous session carries the form token");
    let token = form_token(&page.text().await.expect("html"));
    let r = c
        .post(app.url("/login"))
        .form(&[
            ("username", "camngoc"),
            ("password", PASSWORD),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 303);
    let after = session_cookie(&r).expect("a new session cookie at sign-in");
    assert_ne!(
        before, after,
        "the pre-sign-in session id is not reused (session fixation)"
    );
    // The old id is worthless: a client holding only it is not signed in.
    let stale = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let r = stale
        .get(app.url("/api/v1/session"))
        .header("cookie", format!("giaoban_session={before}"))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 401);
    // The CSRF token changed too: the one from the sign-in form no longer works.
    let r = c
        .put(app.url(&format!("/api/v1/units/{}/contact", app.units.cam_ngoc.0)))
        .header("x-csrf-token", &token)
        .json(&json!({"phone": "1"}))
        .send()
        .await
        .expect("send");
    assert_eq!(r.status(), 403);
}

/// An active user's session is renewed: a signed-in request whose session was last renewed
/// `session_renew` ago or more stores it again and sends its cookie again (with a new expiry); a
/// request soon after a renewal writes nothing. Without the renewal a session ended
/// `session_idle` after sign-in, however active the user.
#[tokio::test]
async fn activity_renews_the_session_and_its_cookie() {
    let renews_cookie = |r: &reqwest::Response| {
        r.headers()
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .any(|v| v.to_str().unwrap_or("").starts_with("giaoban_session="))
    };
    for (every, renewed) in [
        (std::time::Duration::ZERO, true),
        (std::time::Duration::from_secs(3600), false),
    ] {
        let app = TestApp::spawn_with(giaoban_web::WebConfig {
            session_renew: every,
            ..giaoban_web::WebConfig::default()
        })
        .await;
        let (c, _) = app.signed_in("admin").await;
        // The first request after sign-in renews (no renewal recorded yet); the second one only
        // when a renewal is due.
        for (i, want) in [true, renewed].into_iter().enumerate() {
            let r = c.get(app.url("/api/v1/units")).send().await.expect("units");
            assert_eq!(r.status(), 200);
            assert_eq!(
                renews_cookie(&r),
                want,
                "request {i} with renewal every {every:?}"
            );
        }
    }
}
