//! Việc chờ xử lý (issue 21), on SQLite and (with GIAOBAN_TEST_DATABASE_URL) PostgreSQL: what waits
//! for a person is exactly what that person may decide — an extension for the assigner's leaders
//! and office, a commune's report for the district, a draft notice for who may issue it, a
//! recommendation for the unit it is addressed to — counted in the menu and on the home page,
//! listed at `/inbox` and `GET /api/v1/inbox`, and decided from the inbox through the same rules.
//! A decision made twice (a double click, a re-submit) says so and changes nothing the second time.

mod common;

use common::{TestApp, get, post, put};
use serde_json::{Value, json};

async fn html(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

/// Posts a page form (with the session's CSRF token): the status, the redirect and the page.
async fn form(
    c: &reqwest::Client,
    token: &str,
    url: String,
    fields: &[(&str, &str)],
) -> (u16, Option<String>, String) {
    let mut all = vec![("csrf_token", token)];
    all.extend_from_slice(fields);
    let r = c.post(url).form(&all).send().await.expect("post");
    let status = r.status().as_u16();
    let location = r
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    (status, location, r.text().await.expect("body"))
}

/// The user's inbox over the API, and the count the menu shows (they must agree).
async fn inbox(app: &TestApp, c: &reqwest::Client) -> Value {
    let (s, v) = get(c, app.url("/api/v1/inbox")).await;
    assert_eq!(s, 200, "{v}");
    let (s, n) = get(c, app.url("/api/v1/inbox/count")).await;
    assert_eq!(s, 200, "{n}");
    assert_eq!(
        v["counts"], n,
        "the list's counts and the menu's count agree"
    );
    assert_eq!(v["total"], n["total"]);
    // The count (one query, for the menu) is the number of items listed, each of which was
    // checked again against the rule of its decision.
    for (kind, key) in [
        ("extension", "extensions"),
        ("report", "reports"),
        ("notice", "notices"),
        ("recommendation", "recommendations"),
    ] {
        assert_eq!(
            n[key].as_u64(),
            Some(items(&v, kind).len() as u64),
            "{kind}: {v}"
        );
    }
    v
}

fn items<'a>(v: &'a Value, kind: &str) -> Vec<&'a Value> {
    v["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter(|i| i["kind"] == kind)
        .collect()
}

/// The menu's badge on a page: its number, and whether it is hidden.
fn nav_count(page: &str) -> (String, bool) {
    let at = page
        .find("id=\"nav-inbox-count\"")
        .expect("the menu has the inbox count");
    let rest = &page[at..];
    let tag_end = rest.find('>').expect("tag");
    let hidden = rest[..tag_end].contains("hidden");
    let text = rest[tag_end + 1..]
        .split('<')
        .next()
        .unwrap_or("")
        .to_owned();
    (text, hidden)
}

/// The text of the element with `id` (up to its first child tag).
fn text_of(page: &str, id: &str) -> String {
    let at = page
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {page}"));
    let rest = &page[at..];
    let tag_end = rest.find('>').expect("tag");
    rest[tag_end + 1..]
        .split('<')
        .next()
        .unwrap_or("")
        .to_owned()
}

/// A task assigned by the district's People's Committee to the finance department, due
/// 27/03/2023, with an extension to `new_due` asked by the department. Returns the task id.
async fn task_with_extension(app: &TestApp, new_due: &str) -> String {
    let (office, ot) = app.signed_in("office").await;
    let (s, t) = post(
        &office,
        &ot,
        app.url("/api/v1/tasks"),
        json!({"content": "Tổng hợp báo cáo quyết toán ngân sách năm 2022",
               "assigner_unit_id": app.units.ubnd.0, "lead_unit_id": app.units.tckh.0,
               "deadline": "chậm nhất vào ngày 27/03/2023", "assigned_on": "24/03/2023"}),
    )
    .await;
    assert_eq!(s, 201, "{t}");
    let id = t["task"]["id"].as_str().expect("id").to_owned();
    let (fin, ft) = app.signed_in("tckh").await;
    let (s, e) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{id}/extension")),
        json!({"new_due": new_due, "reason": "Chờ số liệu của Kho bạc Nhà nước huyện"}),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    id
}

fn history_count(detail: &Value, kind: &str) -> usize {
    detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .filter(|h| h["kind"] == kind)
        .count()
}

#[tokio::test]
async fn an_extension_waits_for_the_leader_and_is_decided_from_the_inbox() {
    let app = TestApp::spawn().await;
    let id = task_with_extension(&app, "05/04/2023").await;
    let (leader, lt) = app.signed_in("leader").await;

    // The leader's inbox: one extension, with who asked, the current and the asked deadline.
    let v = inbox(&app, &leader).await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["counts"]["extensions"], 1);
    let ext = items(&v, "extension");
    assert_eq!(ext.len(), 1, "{v}");
    let e = ext[0];
    assert_eq!(e["id"], id.as_str());
    assert_eq!(e["anchor"], format!("inbox-extension-{id}"));
    assert_eq!(e["link"], format!("/tasks/{id}"));
    assert_eq!(e["extension"]["lead"]["id"], app.units.tckh.0.to_string());
    assert_eq!(e["extension"]["requested_by"], "tckh");
    assert_eq!(e["extension"]["current_due_date"], "2023-03-27");
    assert_eq!(e["extension"]["asked_due_date"], "2023-04-05");
    assert_eq!(
        e["extension"]["reason"],
        "Chờ số liệu của Kho bạc Nhà nước huyện"
    );
    let facts = e["details"].to_string();
    assert!(facts.contains("Phòng Tài chính - Kế hoạch"), "{facts}");
    assert!(facts.contains("05/04/2023"), "{facts}");
    let codes: Vec<&str> = e["actions"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["code"].as_str())
        .collect();
    assert_eq!(codes, ["approve", "refuse"]);
    assert_eq!(
        e["actions"][0]["api_path"],
        format!("/api/v1/tasks/{id}/extension/decision")
    );

    // The menu on every page and the home page say 1; the inbox page has the card.
    let (s, home) = html(&leader, app.url("/")).await;
    assert_eq!(s, 200);
    assert_eq!(nav_count(&home), ("1".to_owned(), false));
    assert!(home.contains("id=\"home-inbox\""), "{home}");
    assert_eq!(text_of(&home, "home-inbox-count"), "1");
    assert!(home.contains("href=\"/inbox\""));
    let (_, tasks_page) = html(&leader, app.url("/tasks")).await;
    assert_eq!(nav_count(&tasks_page), ("1".to_owned(), false));
    let (s, page) = html(&leader, app.url("/inbox")).await;
    assert_eq!(s, 200, "{page}");
    assert!(
        page.contains(&format!("id=\"inbox-extension-{id}\"")),
        "{page}"
    );
    assert!(page.contains(&format!("id=\"inbox-extension-{id}-approve\"")));
    assert!(page.contains(&format!("action=\"/inbox/extensions/{id}\"")));
    assert!(page.contains("Việc chờ xử lý"));
    let r = leader
        .get(app.url("/inbox"))
        .header("accept-language", "en")
        .send()
        .await
        .expect("get");
    let en = r.text().await.expect("html");
    assert!(
        en.contains("Waiting for me") && en.contains("Approve"),
        "{en}"
    );

    // The department that asked sees nothing to decide, and may not decide it from the inbox.
    let (fin, ft) = app.signed_in("tckh").await;
    let v = inbox(&app, &fin).await;
    assert_eq!(v["total"], 0, "{v}");
    assert!(items(&v, "extension").is_empty());
    let (_, fin_home) = html(&fin, app.url("/")).await;
    assert_eq!(nav_count(&fin_home), ("0".to_owned(), true));
    assert_eq!(text_of(&fin_home, "home-inbox-count"), "0");
    let (s, _, _) = form(
        &fin,
        &ft,
        app.url(&format!("/inbox/extensions/{id}")),
        &[("decision", "approve")],
    )
    .await;
    assert_eq!(s, 403, "the asking unit never decides its own request");

    // Approved from the inbox: back to the inbox with a confirmation, the count 0 and the
    // task's deadline the new one.
    let request = e["extension"]["request_id"]
        .as_str()
        .expect("request id")
        .to_owned();
    let (s, to, _) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/extensions/{id}")),
        &[
            ("decision", "approve"),
            ("note", "Đồng ý, lần cuối"),
            ("request_id", request.as_str()),
        ],
    )
    .await;
    assert_eq!(s, 303);
    assert_eq!(to.as_deref(), Some("/inbox?done=approved"));
    let (_, after) = html(&leader, app.url("/inbox?done=approved")).await;
    assert_eq!(text_of(&after, "inbox-done"), "Đã đồng ý gia hạn.");
    assert_eq!(nav_count(&after), ("0".to_owned(), true));
    assert!(after.contains("id=\"inbox-empty\""), "{after}");
    assert_eq!(inbox(&app, &leader).await["total"], 0);
    let (_, detail) = get(&leader, app.url(&format!("/api/v1/tasks/{id}"))).await;
    assert_eq!(detail["task"]["due_date"], "2023-04-05", "{detail}");
    assert_eq!(detail["task"]["extended"], true);
    assert_eq!(history_count(&detail, "extension_approved"), 1);

    // The same click again (a double click, Back and re-submit): said clearly, nothing twice.
    let (s, _, page) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/extensions/{id}")),
        &[("decision", "approve"), ("request_id", request.as_str())],
    )
    .await;
    assert_eq!(s, 409, "{page}");
    assert!(text_of(&page, "inbox-error").contains("đã được xử lý trước đó"));
    let (s, _, page) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/extensions/{id}")),
        &[("decision", "refuse")],
    )
    .await;
    assert_eq!(s, 409, "without the request's id too: {page}");
    assert!(
        page.contains("Không có đề nghị gia hạn nào đang chờ."),
        "{page}"
    );
    let (_, detail) = get(&leader, app.url(&format!("/api/v1/tasks/{id}"))).await;
    assert_eq!(history_count(&detail, "extension_approved"), 1);
    assert_eq!(history_count(&detail, "extension_rejected"), 0);
    assert_eq!(detail["task"]["due_date"], "2023-04-05");

    // A second request, refused from the inbox: the deadline stays.
    let (s, e2) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{id}/extension")),
        json!({"new_due": "20/04/2023", "reason": "Thêm số liệu của các xã"}),
    )
    .await;
    assert_eq!(s, 200, "{e2}");
    let v = inbox(&app, &leader).await;
    assert_eq!(v["counts"]["extensions"], 1);
    let second = items(&v, "extension")[0]["extension"]["request_id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_ne!(second, request);
    // A click on the card of the first request never decides the second.
    let (s, _, _) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/extensions/{id}")),
        &[("decision", "refuse"), ("request_id", request.as_str())],
    )
    .await;
    assert_eq!(s, 409);
    assert_eq!(inbox(&app, &leader).await["counts"]["extensions"], 1);
    // A form with no decision chosen: said on the card, nothing decided.
    let (s, _, page) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/extensions/{id}")),
        &[("decision", "maybe"), ("request_id", second.as_str())],
    )
    .await;
    assert_eq!(s, 422, "{page}");
    assert!(
        page.contains(&format!("id=\"inbox-extension-{id}-error\"")),
        "{page}"
    );
    let (s, to, _) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/extensions/{id}")),
        &[
            ("decision", "refuse"),
            ("note", "Đề nghị hoàn thành đúng hạn đã gia hạn"),
            ("request_id", second.as_str()),
        ],
    )
    .await;
    assert_eq!((s, to.as_deref()), (303, Some("/inbox?done=refused")));
    assert_eq!(inbox(&app, &leader).await["total"], 0);
    let (_, detail) = get(&leader, app.url(&format!("/api/v1/tasks/{id}"))).await;
    assert_eq!(detail["task"]["due_date"], "2023-04-05");
    assert_eq!(history_count(&detail, "extension_rejected"), 1);

    // The office decides for the same body, so the item waits in its inbox too; an
    // administrator's as well. Communes never see it.
    let (s, e3) = post(
        &fin,
        &ft,
        app.url(&format!("/api/v1/tasks/{id}/extension")),
        json!({"new_due": "28/04/2023", "reason": "Lần cuối"}),
    )
    .await;
    assert_eq!(s, 200, "{e3}");
    for who in ["office", "admin"] {
        let (c, _) = app.signed_in(who).await;
        assert_eq!(inbox(&app, &c).await["counts"]["extensions"], 1, "{who}");
    }
    for who in ["camngoc", "camtan"] {
        let (c, _) = app.signed_in(who).await;
        assert_eq!(inbox(&app, &c).await["total"], 0, "{who}");
    }
}

/// A quarterly report of a commune, saved and sent. Returns the submission's id and version.
async fn send_report(
    app: &TestApp,
    form: uuid::Uuid,
    who: &str,
    unit: uuid::Uuid,
) -> (String, i64) {
    let (c, t) = app.signed_in(who).await;
    let base = format!("/api/v1/forms/{form}/periods/2023Q1/units/{unit}");
    let (s, e) = put(
        &c,
        &t,
        app.url(&base),
        json!({"values": {"NN_LUA_GIEO_CAY": "5.466,32"}}),
    )
    .await;
    assert_eq!(s, 200, "{e}");
    let id = e["submission_id"].as_str().expect("id").to_owned();
    let (s, sent) = post(
        &c,
        &t,
        app.url(&format!("/api/v1/submissions/{id}/action")),
        json!({"action": "submit", "version": e["version"]}),
    )
    .await;
    assert_eq!(s, 200, "{sent}");
    let (_, now) = get(&c, app.url(&base)).await;
    assert_eq!(now["status"], "submitted");
    (id, now["version"].as_i64().expect("version"))
}

#[tokio::test]
async fn reports_wait_for_the_district_and_are_accepted_or_returned_from_the_inbox() {
    let app = TestApp::spawn().await;
    let report_form = app
        .quarterly_commune_form(json!({"items": [{"code": "NN_LUA_GIEO_CAY", "required": true}]}))
        .await;
    let (ngoc_id, ngoc_v) =
        send_report(&app, report_form.id.0, "camngoc", app.units.cam_ngoc.0).await;
    let (tan_id, tan_v) = send_report(&app, report_form.id.0, "camtan", app.units.cam_tan.0).await;

    // The district's leader reviews both; each commune sees neither its own nor its neighbour's.
    let (leader, lt) = app.signed_in("leader").await;
    let v = inbox(&app, &leader).await;
    assert_eq!(v["counts"]["reports"], 2, "{v}");
    let reports = items(&v, "report");
    let ngoc_item = reports
        .iter()
        .find(|r| r["id"] == ngoc_id.as_str())
        .expect("Cẩm Ngọc's report");
    assert_eq!(ngoc_item["report"]["unit"]["name"], "Xã Cẩm Ngọc");
    assert_eq!(ngoc_item["report"]["period"], "2023Q1");
    assert_eq!(ngoc_item["report"]["form_name"], "Báo cáo KT-XH quý (xã)");
    assert_eq!(ngoc_item["report"]["version"], ngoc_v);
    assert_eq!(
        ngoc_item["link"],
        format!("/reports/{}/2023Q1/{}", report_form.id, app.units.cam_ngoc)
    );
    let actions = ngoc_item["actions"].to_string();
    assert!(
        actions.contains("\"accept\"") && actions.contains("\"reason\""),
        "{actions}"
    );
    for who in ["camngoc", "camtan", "tckh"] {
        let (c, _) = app.signed_in(who).await;
        let v = inbox(&app, &c).await;
        assert_eq!(v["total"], 0, "{who}: {v}");
    }
    let (_, page) = html(&leader, app.url("/inbox")).await;
    assert!(
        page.contains(&format!("id=\"inbox-report-{ngoc_id}-accept\"")),
        "{page}"
    );
    assert!(page.contains(&format!("id=\"inbox-report-{tan_id}-return-form\"")));

    // Accepted from the inbox.
    let v = ngoc_v.to_string();
    let (s, to, _) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/reports/{ngoc_id}")),
        &[("op", "accept"), ("version", v.as_str())],
    )
    .await;
    assert_eq!((s, to.as_deref()), (303, Some("/inbox?done=accepted")));
    let (_, ngoc_entry) = get(
        &leader,
        app.url(&format!(
            "/api/v1/forms/{}/periods/2023Q1/units/{}",
            report_form.id, app.units.cam_ngoc
        )),
    )
    .await;
    assert_eq!(ngoc_entry["status"], "accepted");
    assert_eq!(inbox(&app, &leader).await["counts"]["reports"], 1);
    // Accepted again (the same form re-sent): said, and nothing changes.
    let (s, _, page) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/reports/{ngoc_id}")),
        &[("op", "accept"), ("version", v.as_str())],
    )
    .await;
    assert_eq!(s, 409, "{page}");
    assert!(text_of(&page, "inbox-error").contains("đã được xử lý trước đó"));
    let (_, again) = get(
        &leader,
        app.url(&format!(
            "/api/v1/forms/{}/periods/2023Q1/units/{}",
            report_form.id, app.units.cam_ngoc
        )),
    )
    .await;
    assert_eq!(again["status"], "accepted");
    assert_eq!(again["version"], ngoc_entry["version"]);

    // Returned: a reason is needed (said on the card, which stays), then it goes back.
    let tv = tan_v.to_string();
    let (s, _, page) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/reports/{tan_id}")),
        &[("op", "return"), ("version", tv.as_str()), ("reason", "  ")],
    )
    .await;
    assert_eq!(s, 422, "{page}");
    assert!(
        page.contains(&format!("id=\"inbox-report-{tan_id}-error\"")),
        "{page}"
    );
    assert!(page.contains(&format!("id=\"inbox-report-{tan_id}\"")));
    assert_eq!(inbox(&app, &leader).await["counts"]["reports"], 1);
    let (s, to, _) = form(
        &leader,
        &lt,
        app.url(&format!("/inbox/reports/{tan_id}")),
        &[
            ("op", "return"),
            ("version", tv.as_str()),
            ("reason", "Thiếu số liệu diện tích thu hoạch"),
        ],
    )
    .await;
    assert_eq!((s, to.as_deref()), (303, Some("/inbox?done=returned")));
    let (camtan, ctok) = app.signed_in("camtan").await;
    let (_, tan_entry) = get(
        &camtan,
        app.url(&format!(
            "/api/v1/forms/{}/periods/2023Q1/units/{}",
            report_form.id, app.units.cam_tan
        )),
    )
    .await;
    assert_eq!(tan_entry["status"], "returned", "{tan_entry}");
    assert_eq!(tan_entry["reason"], "Thiếu số liệu diện tích thu hoạch");
    assert_eq!(inbox(&app, &leader).await["total"], 0);

    // A commune may not accept a report from the inbox route, its own or its neighbour's.
    let (s, again) = post(
        &camtan,
        &ctok,
        app.url(&format!("/api/v1/submissions/{tan_id}/action")),
        json!({"action": "submit", "version": tan_entry["version"]}),
    )
    .await;
    assert_eq!(s, 200, "{again}");
    let (ngoc, nt) = app.signed_in("camngoc").await;
    let (s, _, _) = form(
        &ngoc,
        &nt,
        app.url(&format!("/inbox/reports/{tan_id}")),
        &[("op", "accept"), ("version", "99")],
    )
    .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_draft_notice_waits_for_who_may_issue_it() {
    let app = TestApp::spawn().await;
    let (office, ot) = app.signed_in("office").await;
    let (s, m) = post(
        &office,
        &ot,
        app.url("/api/v1/meetings"),
        json!({"kind": "regular_session", "title": "Phiên họp thường kỳ tháng 03/2023",
               "date": "24/03/2023", "host_unit_id": app.units.ubnd.0, "period": "2023Q1"}),
    )
    .await;
    assert_eq!(s, 201, "{m}");
    let meeting = m["meeting"]["id"].as_str().expect("id").to_owned();
    let (s, c) = post(
        &office,
        &ot,
        app.url("/api/v1/conclusions"),
        json!({"meeting_id": meeting, "issuer_unit_id": app.units.ubnd.0,
               "title": "Kết luận của Chủ tịch UBND huyện tại phiên họp thường kỳ tháng 03/2023",
               "signer_name": "Nguyễn Đình Hùng", "signer_title": "Chánh Văn phòng",
               "authority": "by_order", "recipients": ["Lưu: VT."]}),
    )
    .await;
    assert_eq!(s, 201, "{c}");
    let cid = c["conclusion"]["id"].as_str().expect("id").to_owned();

    for who in ["office", "leader"] {
        let (u, _) = app.signed_in(who).await;
        let v = inbox(&app, &u).await;
        let notices = items(&v, "notice");
        assert_eq!(notices.len(), 1, "{who}: {v}");
        let n = notices[0];
        assert_eq!(n["id"], cid.as_str());
        assert_eq!(n["link"], format!("/conclusions/{cid}#issue"));
        assert_eq!(n["notice"]["symbol"], "TB-UBND");
        assert_eq!(
            n["notice"]["meeting_title"],
            "Phiên họp thường kỳ tháng 03/2023"
        );
        assert_eq!(n["notice"]["meeting_date"], "24/03/2023");
        assert_eq!(n["actions"][0]["code"], "issue");
        assert_eq!(
            n["actions"][0]["api_path"],
            format!("/api/v1/conclusions/{cid}/issue")
        );
    }
    // The issue keeps its confirmation on the notice's page: the card links there.
    let (_, page) = html(&office, app.url("/inbox")).await;
    assert!(
        page.contains(&format!(
            "href=\"/conclusions/{cid}#issue\" id=\"inbox-notice-{cid}-issue\""
        )),
        "{page}"
    );
    for who in ["tckh", "camngoc", "camtan"] {
        let (u, _) = app.signed_in(who).await;
        assert!(items(&inbox(&app, &u).await, "notice").is_empty(), "{who}");
    }

    // Issued: it waits no more.
    let (s, issued) = post(
        &office,
        &ot,
        app.url(&format!("/api/v1/conclusions/{cid}/issue")),
        json!({"issued_on": "27/03/2023"}),
    )
    .await;
    assert_eq!(s, 200, "{issued}");
    assert_eq!(inbox(&app, &office).await["counts"]["notices"], 0);
}

#[tokio::test]
async fn a_recommendation_waits_for_the_unit_it_is_addressed_to_and_no_other() {
    let app = TestApp::spawn().await;
    let u = &app.units;
    let (office, ot) = app.signed_in("office").await;
    let raise = |by: uuid::Uuid, to: uuid::Uuid, content: &str| json!({"raised_by_unit_id": by, "addressed_to_unit_id": to, "content": content});
    // To the finance department (from Cẩm Ngọc), to the district (from Cẩm Tân), and from the
    // People's Committee to each commune.
    let (ngoc, nt) = app.signed_in("camngoc").await;
    let (s, to_fin) = post(
        &ngoc,
        &nt,
        app.url("/api/v1/recommendations"),
        raise(
            u.cam_ngoc.0,
            u.tckh.0,
            "Đề nghị hướng dẫn thanh quyết toán công trình rãnh thoát nước",
        ),
    )
    .await;
    assert_eq!(s, 201, "{to_fin}");
    let to_fin = to_fin["id"].as_str().expect("id").to_owned();
    let (tan, tt) = app.signed_in("camtan").await;
    let (s, to_district) = post(
        &tan,
        &tt,
        app.url("/api/v1/recommendations"),
        raise(
            u.cam_tan.0,
            u.district.0,
            "Đề nghị hỗ trợ kinh phí sửa chữa trường mầm non",
        ),
    )
    .await;
    assert_eq!(s, 201, "{to_district}");
    let to_district = to_district["id"].as_str().expect("id").to_owned();
    let mut to_commune = Vec::new();
    for commune in [u.cam_ngoc.0, u.cam_tan.0] {
        let (s, r) = post(
            &office,
            &ot,
            app.url("/api/v1/recommendations"),
            raise(
                u.ubnd.0,
                commune,
                "Đề nghị xã báo cáo tiến độ giải phóng mặt bằng",
            ),
        )
        .await;
        assert_eq!(s, 201, "{r}");
        to_commune.push(r["id"].as_str().expect("id").to_owned());
    }

    let recs = |v: &Value| -> Vec<String> {
        items(v, "recommendation")
            .iter()
            .map(|i| i["id"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // Each commune: the one addressed to it, never its neighbour's.
    let v = inbox(&app, &ngoc).await;
    assert_eq!(recs(&v), [to_commune[0].clone()], "{v}");
    assert_eq!(v["total"], 1);
    let v = inbox(&app, &tan).await;
    assert_eq!(recs(&v), [to_commune[1].clone()], "{v}");
    let (_, page) = html(&ngoc, app.url("/inbox")).await;
    assert!(
        page.contains(&to_commune[0]) && !page.contains(&to_commune[1]),
        "{page}"
    );
    assert!(
        !page.contains(&to_fin),
        "raised by the commune: not its to answer"
    );
    // The district's leader: the one addressed to the district; the department's is its own.
    let (leader, _) = app.signed_in("leader").await;
    let v = inbox(&app, &leader).await;
    assert_eq!(recs(&v), [to_district.as_str()], "{v}");
    let (fin, ft) = app.signed_in("tckh").await;
    let v = inbox(&app, &fin).await;
    assert_eq!(recs(&v), [to_fin.as_str()], "{v}");
    let item = items(&v, "recommendation")[0];
    assert_eq!(item["recommendation"]["raised_by"]["name"], "Xã Cẩm Ngọc");
    assert_eq!(
        item["actions"][0]["page_path"],
        format!("/inbox/recommendations/{to_fin}/answer")
    );
    let version = item["recommendation"]["version"].to_string();

    // Answered from the inbox: an empty answer is said on the card; then it is gone.
    let url = app.url(&format!("/inbox/recommendations/{to_fin}/answer"));
    let (s, _, page) = form(
        &fin,
        &ft,
        url.clone(),
        &[("answer", ""), ("version", version.as_str())],
    )
    .await;
    assert_eq!(s, 422, "{page}");
    assert!(
        page.contains(&format!("id=\"inbox-recommendation-{to_fin}-error\"")),
        "{page}"
    );
    let answer = "Phòng sẽ hướng dẫn tại hội nghị ngày 05/04/2023";
    let (s, to, _) = form(
        &fin,
        &ft,
        url.clone(),
        &[("answer", answer), ("version", version.as_str())],
    )
    .await;
    assert_eq!((s, to.as_deref()), (303, Some("/inbox?done=answered")));
    let (_, done) = html(&fin, app.url("/inbox?done=answered")).await;
    assert_eq!(text_of(&done, "inbox-done"), "Đã trả lời kiến nghị.");
    assert_eq!(inbox(&app, &fin).await["total"], 0);
    // Sent again: said, and the answer is not replaced.
    let (s, _, page) = form(
        &fin,
        &ft,
        url.clone(),
        &[("answer", "Trả lời lần hai"), ("version", version.as_str())],
    )
    .await;
    assert_eq!(s, 409, "{page}");
    assert!(text_of(&page, "inbox-error").contains("đã được xử lý trước đó"));
    let (s, _, _) = form(&fin, &ft, url, &[("answer", "Trả lời lần ba")]).await;
    assert_eq!(s, 409, "without a version too");
    let (_, all) = get(&fin, app.url("/api/v1/recommendations")).await;
    let answered = all["items"]
        .as_array()
        .expect("list")
        .iter()
        .find(|r| r["id"] == to_fin.as_str())
        .expect("listed");
    assert_eq!(answered["status"], "answered");
    assert_eq!(answered["answer"], answer);
    // A commune may not answer its neighbour's from the inbox route.
    let (s, _, _) = form(
        &ngoc,
        &nt,
        app.url(&format!("/inbox/recommendations/{}/answer", to_commune[1])),
        &[("answer", "Không phải của xã"), ("version", "1")],
    )
    .await;
    assert_eq!(s, 403);
    assert_eq!(recs(&inbox(&app, &tan).await), [to_commune[1].clone()]);
}
