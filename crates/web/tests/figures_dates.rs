//! Figures and dates at the edge (issue 20, findings 6, 8 and part of 11), on SQLite and (with
//! GIAOBAN_TEST_DATABASE_URL) PostgreSQL: an absurd figure is refused when saved, naming the
//! indicator and its bound; one unit's figure, even one stored before figures were bounded, never
//! stops another unit sending; JSON `true` and negative areas are not figures; meetings outside the
//! years of the holiday table get their notice deadline; an `as_of` beyond the supported years is a
//! 422 naming `as_of`, by API and page.

mod common;

use common::{PASSWORD, TestApp};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::report::ReportForm;
use giaoban_domain::unit::{UnitDraft, UnitId, UnitInput};
use giaoban_domain::user::NewUser;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn quarterly_form(app: &TestApp) -> ReportForm {
    app.quarterly_commune_form(json!({
        "items": [{"code": "NN_LUA_GIEO_CAY"}, {"code": "DN_THANH_LAP_MOI"},
                  {"code": "NTM_DAT_CHUAN"}]
    }))
    .await
}

/// A third commune of the district with its own account `camtu`.
async fn cam_tu(app: &TestApp) -> UnitId {
    let s = &app.db.store;
    let actor = AuditActor::system("test");
    let d = UnitDraft::parse(&UnitInput {
        kind: "commune".into(),
        level: "xa".into(),
        name: "Xã Cẩm Tú".into(),
        parent_id: Some(app.units.district),
        admin_code: Some("15187".into()),
        ..Default::default()
    })
    .expect("draft");
    let id = s.create_unit(&actor, &d).await.expect("unit").id;
    let hash = giaoban_web::auth::hash_password(PASSWORD).expect("hash");
    let new = NewUser::parse("camtu", "Người dùng camtu", None, "member", id).expect("user");
    s.create_user(&actor, &new, &hash, false)
        .await
        .expect("user");
    id
}

/// Saves a draft of `unit` as `who`; the status and the answer.
async fn save(
    app: &TestApp,
    form: &ReportForm,
    who: &str,
    unit: UnitId,
    values: Value,
) -> (StatusCode, Value) {
    let (c, token) = app.signed_in(who).await;
    let r = c
        .put(app.url(&format!(
            "/api/v1/forms/{}/periods/2023Q1/units/{unit}",
            form.id
        )))
        .header("x-csrf-token", &token)
        .json(&json!({ "values": values }))
        .send()
        .await
        .expect("save");
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Sends the saved draft of `unit` as `who`.
async fn send(app: &TestApp, form: &ReportForm, who: &str, unit: UnitId) -> (StatusCode, String) {
    let (c, token) = app.signed_in(who).await;
    let e: Value = c
        .get(app.url(&format!(
            "/api/v1/forms/{}/periods/2023Q1/units/{unit}",
            form.id
        )))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let r = c
        .post(app.url(&format!(
            "/api/v1/submissions/{}/action",
            e["submission_id"].as_str().expect("submission id")
        )))
        .header("x-csrf-token", &token)
        .json(&json!({"action": "submit", "version": e["version"]}))
        .send()
        .await
        .expect("submit");
    let status = r.status();
    (status, r.text().await.unwrap_or_default())
}

#[tokio::test]
async fn an_absurd_figure_is_refused_on_save_naming_the_indicator_and_the_bound() {
    let app = TestApp::spawn().await;
    let form = quarterly_form(&app).await;
    let ngoc = app.units.cam_ngoc;
    // The figure of the attack, as a JSON number and as typed.
    for v in [json!(922_337_203_685_477_i64), json!("922.337.203.685.477")] {
        let (s, body) = save(&app, &form, "camngoc", ngoc, json!({"NN_LUA_GIEO_CAY": v})).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        let text = body.to_string();
        assert!(text.contains("\"values\""), "{text}");
        assert!(text.contains("NN_LUA_GIEO_CAY"), "{text}");
        assert!(text.contains("tối đa 40.000.000 ha"), "{text}");
    }
    // The largest plausible area is taken.
    let (s, body) = save(
        &app,
        &form,
        "camngoc",
        ngoc,
        json!({"NN_LUA_GIEO_CAY": "40.000.000"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn json_true_and_negative_areas_are_not_figures() {
    let app = TestApp::spawn().await;
    let form = quarterly_form(&app).await;
    let ngoc = app.units.cam_ngoc;
    for values in [
        json!({"NN_LUA_GIEO_CAY": true}),
        json!({"NN_LUA_GIEO_CAY": false}),
        json!({"DN_THANH_LAP_MOI": true}),
        json!({"NN_LUA_GIEO_CAY": -5}),
        json!({"NN_LUA_GIEO_CAY": "-5,5"}),
    ] {
        let (s, body) = save(&app, &form, "camngoc", ngoc, values.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{values} → {body}");
        assert!(
            body.to_string().contains("NN_LUA_GIEO_CAY")
                || body.to_string().contains("DN_THANH_LAP_MOI"),
            "{body}"
        );
    }
    // `true` still answers a yes/no indicator.
    let (s, body) = save(&app, &form, "camngoc", ngoc, json!({"NTM_DAT_CHUAN": true})).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let item = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["code"] == "NTM_DAT_CHUAN")
        .cloned()
        .expect("item");
    assert_eq!(item["value"], "có", "{item}");
}

#[tokio::test]
async fn one_communes_figure_never_stops_another_commune_sending() {
    let app = TestApp::spawn().await;
    let form = quarterly_form(&app).await;
    let tu = cam_tu(&app).await;
    // Cẩm Tú sends the largest plausible area…
    let (s, body) = save(
        &app,
        &form,
        "camtu",
        tu,
        json!({"NN_LUA_GIEO_CAY": "40.000.000"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (s, text) = send(&app, &form, "camtu", tu).await;
    assert_eq!(s, StatusCode::OK, "{text}");
    // …and, as a database written before figures were bounded may hold, its sent figure is then
    // 922 337 203 685 477 ha; the totals are rebuilt from it.
    let sub = body["submission_id"].as_str().expect("submission id");
    let store = &app.db.store;
    let rice = store
        .indicators()
        .await
        .expect("indicators")
        .into_iter()
        .find(|i| i.code.as_str() == "NN_LUA_GIEO_CAY")
        .expect("indicator");
    app.db
        .put_figure_unchecked(
            sub.parse().expect("uuid"),
            rice.id.0,
            9_223_372_036_854_770_000,
        )
        .await;
    store
        .rebuild_aggregates(&AuditActor::system("test"))
        .await
        .expect("rebuild");
    // The two other communes send normal figures: neither is refused.
    for (who, unit) in [
        ("camngoc", app.units.cam_ngoc),
        ("camtan", app.units.cam_tan),
    ] {
        let (s, body) = save(
            &app,
            &form,
            who,
            unit,
            json!({"NN_LUA_GIEO_CAY": "1.101,4"}),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{who}: {body}");
        let (s, text) = send(&app, &form, who, unit).await;
        assert_eq!(s, StatusCode::OK, "{who}: {text}");
    }
    // A rebuild over all three figures does not fail either.
    let r = store
        .rebuild_aggregates(&AuditActor::system("test"))
        .await
        .expect("rebuild");
    assert_eq!(r.figures, 3);
}

/// A meeting of the district's People's Committee on `date`, as the office posts it.
fn meeting(app: &TestApp, date: &str) -> Value {
    json!({
        "kind": "regular_session",
        "title": format!("Phiên họp ngày {date}"),
        "date": date,
        "time": "8h",
        "place": "Hội trường UBND huyện",
        "host_unit_id": app.units.ubnd.0,
        "chair": {"name": "Phạm Viết Hoài", "title": "Chủ tịch UBND huyện"},
        "agenda": ["Báo cáo kinh tế - xã hội"]
    })
}

#[tokio::test]
async fn meetings_outside_the_holiday_tables_years_get_their_notice_deadline() {
    let app = TestApp::spawn().await;
    let (office, token) = app.signed_in("office").await;
    for (date, due) in [
        // Tuesday 10/05/2016: five working days later is Tuesday 17/05/2016.
        ("2016-05-10", "chậm nhất ngày 17/05/2016"),
        // Saturday 28/12/2030: the five working days run into 2031 (1/1 a holiday) → 06/01/2031.
        ("2030-12-28", "chậm nhất ngày 06/01/2031"),
    ] {
        let r = office
            .post(app.url("/api/v1/meetings"))
            .header("x-csrf-token", &token)
            .json(&meeting(&app, date))
            .send()
            .await
            .expect("meeting");
        let status = r.status();
        let body: Value = r.json().await.unwrap_or(Value::Null);
        assert_eq!(status, StatusCode::CREATED, "{date}: {body}");
        assert_eq!(body["meeting"]["notice_due"], due, "{date}: {body}");
        let id = body["meeting"]["id"].as_str().expect("id");
        let r = office
            .get(app.url(&format!("/api/v1/meetings/{id}")))
            .send()
            .await
            .expect("read");
        assert_eq!(r.status(), StatusCode::OK, "{date}");
        let r = office
            .get(app.url(&format!("/meetings/{id}")))
            .send()
            .await
            .expect("page");
        assert_eq!(r.status(), StatusCode::OK, "{date}");
    }
    // Beyond the supported years: a 422 naming the date, never a 500.
    for date in ["9999-12-31", "1800-01-01"] {
        let r = office
            .post(app.url("/api/v1/meetings"))
            .header("x-csrf-token", &token)
            .json(&meeting(&app, date))
            .send()
            .await
            .expect("meeting");
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{date}: {text}");
        assert!(text.contains("date.out_of_range"), "{text}");
    }
}

#[tokio::test]
async fn an_as_of_beyond_the_supported_years_is_a_422_naming_as_of() {
    let app = TestApp::spawn().await;
    let (office, _) = app.signed_in("office").await;
    for path in ["/api/v1/board", "/api/v1/tasks"] {
        for as_of in ["9999-12-31", "1800-01-01", "9999-12-31T00:00:00Z"] {
            let r = office
                .get(app.url(&format!("{path}?as_of={as_of}")))
                .send()
                .await
                .expect("get");
            let status = r.status();
            let text = r.text().await.unwrap_or_default();
            assert_eq!(
                status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {as_of}: {text}"
            );
            assert!(text.contains("\"as_of\""), "{path} {as_of}: {text}");
        }
        // The last supported day still answers.
        let r = office
            .get(app.url(&format!("{path}?as_of=2199-12-31")))
            .send()
            .await
            .expect("get");
        assert_eq!(r.status(), StatusCode::OK, "{path}");
    }
    for path in ["/board", "/tasks"] {
        let r = office
            .get(app.url(&format!("{path}?as_of=9999-12-31")))
            .send()
            .await
            .expect("page");
        let status = r.status();
        let text = r.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        assert!(
            text.contains("<html") || text.contains("<!DOCTYPE"),
            "{path}: not a page"
        );
        assert!(text.contains("nằm ngoài phạm vi"), "{path}");
    }
}
