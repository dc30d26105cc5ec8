//! Who owns what (issue 20, findings 2 and 10): report forms belong to the level that made them;
//! an extension is decided by the assigner, never by the unit that asked; the programme overview
//! shows a territory's own figures only to those who may read them.

mod common;

use common::{PASSWORD, TestApp};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::user::NewUser;
use serde_json::{Value, json};

async fn send(
    c: &reqwest::Client,
    token: &str,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> (u16, Value) {
    let r = c
        .request(method, url)
        .header("x-csrf-token", token)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn form(code: &str, period_kind: &str, indicator: &str) -> Value {
    json!({
        "code": code, "name_vi": format!("Biểu {code}"), "period_kind": period_kind,
        "window_rule": "decree09",
        "submission_rule": {"rule": "working_days_after_window", "days": 2},
        "reporter_kinds": ["commune"], "items": [{"code": indicator}]
    })
}

#[tokio::test]
async fn a_district_changes_only_its_own_forms() {
    let app = TestApp::spawn().await;
    let store = &app.db.store;
    let sys = AuditActor::system("test");
    store
        .load_catalog(
            &sys,
            &giaoban_domain::indicator::parse_catalog(giaoban_domain::indicator::BUNDLED_CATALOG)
                .expect("catalog"),
        )
        .await
        .expect("catalog");
    let catalog = store.indicators().await.expect("indicators");
    let def = |v: &Value| {
        giaoban_domain::report::FormDefinition::parse(
            &serde_json::from_value(v.clone()).expect("input"),
            &catalog,
        )
        .expect("form")
    };
    // A national form (as every existing form after the migration) and Bá Thước's own form.
    let national_json = form("KTXH_QUY", "quarter", "DN_THANH_LAP_MOI");
    let national = store
        .create_form(&sys, &def(&national_json))
        .await
        .expect("national");
    assert_eq!(national.owner_unit_id, None);
    let theirs_json = form("BT_NAM", "year", "NS_THU_NOI_DIA");
    let theirs = store
        .create_owned_form(&sys, &def(&theirs_json), Some(app.units.other_district))
        .await
        .expect("theirs");

    let (office, ot) = app.signed_in("office").await;
    let (leader, lt) = app.signed_in("leader").await;
    let (admin, at) = app.signed_in("admin").await;
    let put = reqwest::Method::PUT;
    let post = reqwest::Method::POST;
    let with = |v: &Value, version: i64, active: bool| {
        let mut v = v.clone();
        v["version"] = json!(version);
        v["active"] = json!(active);
        v
    };
    // Cẩm Thủy's office and leader: neither the national form nor Bá Thước's, in any way
    // (repurposed, renamed or retired).
    for (c, tok) in [(&office, &ot), (&leader, &lt)] {
        let mut repurposed = with(&national_json, 1, true);
        repurposed["reporter_kinds"] = json!(["district"]);
        for body in [repurposed, with(&national_json, 1, false)] {
            let (s, b) = send(
                c,
                tok,
                put.clone(),
                app.url(&format!("/api/v1/forms/{}", national.id)),
                body,
            )
            .await;
            assert_eq!(s, 403, "a national form: {b}");
        }
        let (s, b) = send(
            c,
            tok,
            put.clone(),
            app.url(&format!("/api/v1/forms/{}", theirs.id)),
            with(&theirs_json, 1, false),
        )
        .await;
        assert_eq!(s, 403, "another district's form: {b}");
    }
    let after = store.form(national.id).await.expect("form");
    assert_eq!(after.version, 1, "the national form is untouched");
    assert!(after.active);

    // Its own form: made by the office, owned by the district, changed by its office and leader.
    let own_json = form("CT_THANG", "month", "NN_LUA_GIEO_CAY");
    let (s, own) = send(
        &office,
        &ot,
        post,
        app.url("/api/v1/forms"),
        own_json.clone(),
    )
    .await;
    assert_eq!(s, 201, "{own}");
    let own_id = own["id"].as_str().expect("id").to_owned();
    assert_eq!(own["owner_unit_id"], json!(app.units.district.0));
    let mut renamed = with(&own_json, 1, true);
    renamed["name_vi"] = json!("Biểu tháng của huyện");
    let (s, b) = send(
        &office,
        &ot,
        put.clone(),
        app.url(&format!("/api/v1/forms/{own_id}")),
        renamed,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, b) = send(
        &leader,
        &lt,
        put.clone(),
        app.url(&format!("/api/v1/forms/{own_id}")),
        with(&own_json, 2, true),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    // Its communes report on it; Bá Thước's units do not.
    let r = admin
        .get(app.url(&format!(
            "/api/v1/forms/{own_id}/periods/202303/units/{}",
            app.units.cam_ngoc
        )))
        .send()
        .await
        .expect("entry");
    assert_eq!(r.status(), 200);
    let far = store
        .create_unit(
            &sys,
            &giaoban_domain::unit::UnitDraft::parse(&giaoban_domain::unit::UnitInput {
                kind: "commune".into(),
                level: "xa".into(),
                name: "Xã Lũng Niêm".into(),
                parent_id: Some(app.units.other_district),
                ..Default::default()
            })
            .expect("unit"),
        )
        .await
        .expect("unit")
        .id;
    let r = admin
        .get(app.url(&format!(
            "/api/v1/forms/{own_id}/periods/202303/units/{far}"
        )))
        .send()
        .await
        .expect("entry");
    assert_eq!(
        r.status(),
        422,
        "a commune of another district does not report on it"
    );
    // The administrator still keeps the national form.
    let (s, b) = send(
        &admin,
        &at,
        put,
        app.url(&format!("/api/v1/forms/{}", national.id)),
        with(&national_json, 1, true),
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

#[tokio::test]
async fn the_unit_that_asked_for_an_extension_never_decides_it() {
    let app = TestApp::spawn().await;
    let store = &app.db.store;
    let sys = AuditActor::system("test");
    let u = &app.units;
    // A province office, above the district.
    let hash = giaoban_web::auth::hash_password(PASSWORD).expect("hash");
    let new = NewUser::parse("tinh", "Văn phòng tỉnh", None, "office", u.province).expect("user");
    store
        .create_user(&sys, &new, &hash, false)
        .await
        .expect("user");
    let (office, ot) = app.signed_in("office").await;
    let (leader, lt) = app.signed_in("leader").await;
    let (admin, at) = app.signed_in("admin").await;
    let (province, pt) = app.signed_in("tinh").await;
    let (fin, ft) = app.signed_in("tckh").await;
    let post = reqwest::Method::POST;
    let task = |assigner: giaoban_domain::unit::UnitId, lead: giaoban_domain::unit::UnitId| {
        giaoban_domain::task::TaskDraft::parse(
            &serde_json::from_value(
                json!({"content": "Tham mưu báo cáo", "assigner_unit_id": assigner.0,
                "lead_unit_id": lead.0, "deadline": "chậm nhất ngày 30/06/2099"}),
            )
            .expect("input"),
            giaoban_web::today(),
        )
        .expect("task")
    };
    let ask = json!({"new_due": "2099-09-30", "reason": "Chờ số liệu"});
    let decide = json!({"approve": true});

    // A task the district assigned to its UBND: the UBND's office asks; neither it, nor the
    // leader, nor an administrator of the UBND decides; the province does.
    let own = store
        .create_task(&sys, &task(u.district, u.ubnd))
        .await
        .expect("task")
        .id;
    let (s, b) = send(
        &office,
        &ot,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{own}/extension")),
        ask.clone(),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let rights = b["task"]["rights"].clone();
    for (who, c, tok) in [
        ("office", &office, &ot),
        ("leader", &leader, &lt),
        ("admin", &admin, &at),
    ] {
        let (s, b) = send(
            c,
            tok,
            post.clone(),
            app.url(&format!("/api/v1/tasks/{own}/extension/decision")),
            decide.clone(),
        )
        .await;
        assert_eq!(s, 403, "{who} of the asking unit: {b}");
    }
    assert_eq!(rights["decide_extension"], false, "{rights}");
    let page = office
        .get(app.url(&format!("/tasks/{own}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("pending-extension") && !page.contains("decision-form"));
    let (s, b) = send(
        &province,
        &pt,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{own}/extension/decision")),
        decide.clone(),
    )
    .await;
    assert_eq!(s, 200, "the province, above the assigner, decides: {b}");
    assert_eq!(b["task"]["extended"], true);

    // A task the UBND assigned to its finance department: the department asks and cannot decide;
    // the UBND's office (the assigner's) decides.
    let dept = store
        .create_task(&sys, &task(u.ubnd, u.tckh))
        .await
        .expect("task")
        .id;
    let (s, b) = send(
        &fin,
        &ft,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{dept}/extension")),
        ask,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, _) = send(
        &fin,
        &ft,
        post.clone(),
        app.url(&format!("/api/v1/tasks/{dept}/extension/decision")),
        decide.clone(),
    )
    .await;
    assert_eq!(s, 403);
    let (s, b) = send(
        &office,
        &ot,
        post,
        app.url(&format!("/api/v1/tasks/{dept}/extension/decision")),
        decide,
    )
    .await;
    assert_eq!(s, 200, "{b}");
}

#[tokio::test]
async fn the_programme_overview_keeps_another_districts_target() {
    let app = TestApp::spawn().await;
    let (admin, at) = app.signed_in("admin").await;
    let (office, ot) = app.signed_in("office").await;
    let put = reqwest::Method::PUT;
    let other = app.units.other_district.0;
    let own = app.units.district.0;
    // The list of sets is loaded on first use.
    admin
        .get(app.url("/api/v1/programmes/criteria-sets"))
        .send()
        .await
        .expect("sets");
    let (s, b) = send(
        &admin,
        &at,
        put.clone(),
        app.url(&format!("/api/v1/programmes/units/{other}/model-areas")),
        json!({"year": 2021, "kind": "vuon_mau", "target": 300}),
    )
    .await;
    assert_eq!(s, 204, "{b}");
    let (s, b) = send(
        &office,
        &ot,
        put,
        app.url(&format!("/api/v1/programmes/units/{own}/model-areas")),
        json!({"year": 2021, "kind": "vuon_mau", "target": 252}),
    )
    .await;
    assert_eq!(s, 204, "{b}");
    let picture = |c: reqwest::Client, unit: uuid::Uuid| {
        let url = app.url(&format!(
            "/api/v1/programmes/picture?year=2021&set=xa-ntm-2021-2025&unit={unit}"
        ));
        async move {
            let r = c.get(url).send().await.expect("picture");
            assert_eq!(r.status(), 200);
            r.json::<Value>().await.expect("json")
        }
    };
    // Cẩm Thủy's office naming Bá Thước: nothing of Bá Thước's target.
    let p = picture(office.clone(), other).await;
    let shown = p["model_areas"].to_string();
    assert!(!shown.contains("300"), "another district's target: {shown}");
    // Its own, and the administrator's view of Bá Thước, still show.
    let p = picture(office, own).await;
    assert_eq!(p["model_areas"][0]["target"], 252, "{p}");
    let p = picture(admin, other).await;
    assert_eq!(p["model_areas"][0]["target"], 300, "{p}");
}
