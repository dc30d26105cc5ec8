//! The pages of periodic reports over plain HTTP, on SQLite and (with GIAOBAN_TEST_DATABASE_URL)
//! PostgreSQL: every page answers for the office, a commune cannot open another commune's entry
//! page, a refused entry comes back with the rule's Vietnamese message and the figures as typed,
//! and a sent report shows on the completeness board and in the district roll-up.

mod common;

use common::TestApp;
use giaoban_domain::report::ReportForm;
use serde_json::json;

pub async fn setup(app: &TestApp) -> ReportForm {
    app.quarterly_commune_form(json!({
        "items": [{"code": "NN_LUA_GIEO_CAY", "required": true}, {"code": "NN_LUA_THU_HOACH"},
                  {"code": "DN_THANH_LAP_MOI"}],
        "sections": ["results", "shortcomings"],
        "rules": [{"left": "NN_LUA_THU_HOACH", "op": "<=", "right": {"indicator": "NN_LUA_GIEO_CAY"},
                   "message_vi": "Diện tích thu hoạch không được lớn hơn diện tích gieo cấy.",
                   "message_en": "The harvested area cannot exceed the sown area."}]
    }))
    .await
}

fn form_token(html: &str) -> String {
    html.split("name=\"csrf_token\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("token in form")
        .to_owned()
}

async fn get(c: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = c.get(app.url(path)).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

#[tokio::test]
async fn report_pages_answer_and_a_commune_sends_its_report() {
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let (office, _) = app.signed_in("office").await;
    let district = app.units.district.0;
    let ngoc = app.units.cam_ngoc.0;
    let tan = app.units.cam_tan.0;
    let board = format!("/reports/{}/2023Q1", form.id);
    let ngoc_entry = format!("{board}/{ngoc}");

    // Every page answers for the office.
    for path in [
        "/reports".to_owned(),
        board.clone(),
        format!("{board}?under={district}&as_of=28/03/2023"),
        ngoc_entry.clone(),
        format!("/rollups?unit={district}&period=2023Q1"),
        "/rollups".to_owned(),
        format!("/targets?unit={district}&year=2023"),
        "/indicators".to_owned(),
    ] {
        let (status, html) = get(&office, &app, &path).await;
        assert_eq!(status, 200, "{path}: {html}");
    }
    let (_, list) = get(&office, &app, "/reports").await;
    assert!(list.contains("Báo cáo KT-XH quý (xã)"), "{list}");
    assert!(list.contains(&format!("/reports/{}/", form.id)), "{list}");
    let (_, catalog) = get(&office, &app, "/indicators").await;
    assert!(catalog.contains("NN_LUA_GIEO_CAY"), "{catalog}");

    // A commune opens its own entry page, not its neighbour's.
    let (ngoc_c, _) = app.signed_in("camngoc").await;
    let (status, html) = get(&ngoc_c, &app, &ngoc_entry).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"value-NN_LUA_GIEO_CAY\""), "{html}");
    assert!(html.contains("id=\"section-results\""), "{html}");
    assert!(html.contains("id=\"save-draft\""), "{html}");
    let (status, _) = get(&ngoc_c, &app, &format!("{board}/{tan}")).await;
    assert_eq!(
        status, 403,
        "a commune reading another commune's entry page"
    );
    let (status, _) = get(
        &ngoc_c,
        &app,
        &format!("{board}/{}", app.units.other_district.0),
    )
    .await;
    assert!(
        status == 403 || status == 404,
        "another district's entry page: {status}"
    );

    // Harvested above sown: refused with the rule's message, the figures as typed.
    let token = form_token(&html);
    let r = ngoc_c
        .post(app.url(&ngoc_entry))
        .form(&[
            ("csrf_token", token.as_str()),
            ("v.NN_LUA_GIEO_CAY", "5.466,32"),
            ("v.NN_LUA_THU_HOACH", "6.000"),
            ("v.DN_THANH_LAP_MOI", "2"),
            ("n.results", "Gieo cấy xong vụ chiêm xuân."),
            ("op", "save"),
        ])
        .send()
        .await
        .expect("post");
    assert_ne!(r.status(), 303);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("Diện tích thu hoạch không được lớn hơn diện tích gieo cấy."),
        "{html}"
    );
    assert!(html.contains("value=\"5.466,32\""), "{html}");
    assert!(html.contains("value=\"6.000\""), "{html}");
    assert!(html.contains("Gieo cấy xong vụ chiêm xuân."), "{html}");

    // Mended and sent.
    let r = ngoc_c
        .post(app.url(&ngoc_entry))
        .form(&[
            ("csrf_token", token.as_str()),
            ("v.NN_LUA_GIEO_CAY", "5.466,32"),
            ("v.NN_LUA_THU_HOACH", "5.000"),
            ("v.DN_THANH_LAP_MOI", "2"),
            ("n.results", "Gieo cấy xong vụ chiêm xuân."),
            ("op", "submit"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, html) = get(&ngoc_c, &app, &ngoc_entry).await;
    assert!(html.contains("data-status=\"submitted\""), "{html}");
    assert!(html.contains("value=\"5.466,32\""), "{html}");
    // A commune does not review its own report.
    assert!(!html.contains("id=\"accept-report\""), "{html}");

    // The office sees Cẩm Ngọc sent and Cẩm Tân missing, and the district total.
    let (_, html) = get(&office, &app, &board).await;
    let row = |id: uuid::Uuid| {
        html.split(&format!("id=\"row-{id}\""))
            .nth(1)
            .and_then(|s| s.split("</tr>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(row(ngoc).contains("data-status=\"submitted\""), "{html}");
    assert!(row(tan).contains("data-timeliness=\"missing\""), "{html}");
    assert!(html.contains("id=\"total-expected\">2<"), "{html}");
    assert!(html.contains("id=\"total-sent\">1<"), "{html}");
    assert!(html.contains("id=\"percent-sent\">50,0%<"), "{html}");
    let (_, html) = get(
        &office,
        &app,
        &format!("/rollups?unit={district}&period=2023Q1"),
    )
    .await;
    assert!(html.contains("5.466,32"), "{html}");
    assert!(html.contains(&format!("/rollups?unit={ngoc}")), "{html}");
    // The chart of one indicator over the last periods, drawn on the server as SVG.
    let chart = html
        .split("id=\"rollup-chart\">")
        .nth(1)
        .and_then(|s| s.split("</figure>").next())
        .unwrap_or_default();
    assert!(chart.starts_with("<svg"), "{html}");
    assert!(chart.contains("viewBox"), "{chart}");
    // Its axis reads the periods as officials write them (issue 25), not their codes.
    assert!(
        chart.contains("quý I/2023") && chart.contains("quý II/2022"),
        "{chart}"
    );
    assert!(!chart.contains("2023Q1"), "{chart}");
    let (status, html) = get(
        &office,
        &app,
        &format!("/rollups?unit={district}&period=2023Q1&indicator=DN_THANH_LAP_MOI"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<option value=\"DN_THANH_LAP_MOI\" selected>"),
        "{html}"
    );

    // The office returns it with a reason; the commune sees the reason.
    let (_, html) = get(&office, &app, &ngoc_entry).await;
    assert!(html.contains("id=\"accept-report\""), "{html}");
    let r = office
        .post(app.url(&ngoc_entry))
        .form(&[
            ("csrf_token", form_token(&html).as_str()),
            ("reason", "Bổ sung số liệu thu hoạch."),
            ("op", "return"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, html) = get(&ngoc_c, &app, &ngoc_entry).await;
    assert!(html.contains("data-status=\"returned\""), "{html}");
    assert!(html.contains("Bổ sung số liệu thu hoạch."), "{html}");

    // Targets: the office sets one; a bad figure is refused with the service's message.
    let (_, html) = get(
        &office,
        &app,
        &format!("/targets?unit={district}&year=2023"),
    )
    .await;
    let token = form_token(&html);
    let r = office
        .post(app.url("/targets"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("unit", district.to_string().as_str()),
            ("year", "2023"),
            ("indicator_code", "NN_LUA_GIEO_CAY"),
            ("value", "nhiều"),
        ])
        .send()
        .await
        .expect("post");
    assert_ne!(r.status(), 303);
    let html = r.text().await.expect("html");
    assert!(html.contains("Chỉ tiêu kế hoạch phải là số"), "{html}");
    let r = office
        .post(app.url("/targets"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("unit", district.to_string().as_str()),
            ("year", "2023"),
            ("indicator_code", "NN_LUA_GIEO_CAY"),
            ("value", "6.500"),
        ])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap_or_default());
    let (_, html) = get(
        &office,
        &app,
        &format!("/targets?unit={district}&year=2023"),
    )
    .await;
    assert!(html.contains("id=\"target-NN_LUA_GIEO_CAY\""), "{html}");
    assert!(html.contains("6.500"), "{html}");

    // A commune sees the catalog without the form to add to it.
    let (status, html) = get(&ngoc_c, &app, "/indicators").await;
    assert_eq!(status, 200);
    assert!(!html.contains("id=\"indicator-form\""), "{html}");
}

#[tokio::test]
async fn the_board_takes_an_excel_file_and_lists_every_problem_of_a_bad_one() {
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let (office, token) = app.signed_in("office").await;
    let board = format!("/reports/{}/2023Q1", form.id);
    let page = office
        .get(app.url(&board))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("text");
    assert!(page.contains("id=\"download-template\"") && page.contains("id=\"upload-form\""));
    let catalog = app.db.store.indicators().await.expect("indicators");
    let file = |unit: &str, value: giaoban_domain::report::EnteredValue| {
        giaoban_documents::xlsx::form_template(&giaoban_documents::xlsx::TemplateSpec {
            form_code: form.def.code.clone(),
            form_name: form.def.name_vi.clone(),
            period: giaoban_domain::period::Period::quarter(2023, 1).expect("q"),
            deadline_label: String::new(),
            columns: giaoban_documents::xlsx::FormColumn::of_form(&form.def, &catalog),
            rows: vec![giaoban_documents::xlsx::TemplateRow {
                version: None,
                unit_code: unit.into(),
                unit_name: String::new(),
                values: [(
                    giaoban_domain::indicator::IndicatorCode::parse("NN_LUA_GIEO_CAY")
                        .expect("code"),
                    value,
                )]
                .into(),
            }],
        })
        .expect("file")
    };
    let send = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("bao-cao.xlsx");
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token.clone())
            .part("file", part);
        office
            .post(app.url(&format!("{board}/upload")))
            .multipart(form)
            .send()
    };
    let bad = file(
        "15169",
        giaoban_domain::report::EnteredValue::Text("năm nghìn".into()),
    );
    let r = send(bad).await.expect("upload");
    assert_eq!(r.status(), 422);
    let text = r.text().await.expect("text");
    assert!(
        text.contains("id=\"upload-errors\"") && text.contains("năm nghìn"),
        "{text}"
    );
    let good = file(
        "15169",
        giaoban_domain::report::EnteredValue::Figure(
            giaoban_domain::indicator::Figure::parse("5.466,32").expect("fig"),
        ),
    );
    let r = send(good).await.expect("upload");
    assert_eq!(r.status(), 303);
    assert!(
        r.headers()["location"]
            .to_str()
            .expect("loc")
            .ends_with("uploaded=1")
    );
}
