//! Periodic reports over the API, on SQLite and (with GIAOBAN_TEST_DATABASE_URL) PostgreSQL:
//! the Excel round trip (download the template, fill it, upload it: the same figures), a bad file
//! refused whole with located messages and nothing saved, a commune confined to its own rows,
//! validation rules, sending, completeness and the district roll-up with % of plan.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::TestApp;
use giaoban_documents::xlsx::{FormColumn, TemplateRow, TemplateSpec, form_template};
use giaoban_domain::audit::AuditActor;
use giaoban_domain::indicator::{Figure, IndicatorCode};
use giaoban_domain::period::Period;
use giaoban_domain::report::{EnteredValue, ReportForm};
use reqwest::StatusCode;
use serde_json::{Value, json};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn setup(app: &TestApp) -> ReportForm {
    app.quarterly_commune_form(json!({
        "items": [{"code": "NN_LUA_GIEO_CAY", "required": true}, {"code": "NN_LUA_THU_HOACH"},
                  {"code": "DN_THANH_LAP_MOI"}, {"code": "NTM_DAT_CHUAN"}, {"code": "GHI_CHU_KHO_KHAN"}],
        "rules": [{"left": "NN_LUA_THU_HOACH", "op": "<=", "right": {"indicator": "NN_LUA_GIEO_CAY"},
                   "message_vi": "Diện tích thu hoạch không được lớn hơn diện tích gieo cấy.",
                   "message_en": "The harvested area cannot exceed the sown area."}]
    }))
    .await
}

fn code(c: &str) -> IndicatorCode {
    IndicatorCode::parse(c).expect("code")
}

fn fig(s: &str) -> EnteredValue {
    EnteredValue::Figure(Figure::parse(s).expect("figure"))
}

/// The unit codes of a downloaded template, row by row (column A under the codes header).
fn template_units(bytes: &[u8]) -> Vec<(String, String)> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("xlsx");
    let range = wb.worksheet_range("Số liệu").expect("sheet");
    let mut out = Vec::new();
    let mut after_header = false;
    for row in range.rows() {
        let first = row.first().map(|c| c.to_string()).unwrap_or_default();
        if first == "#MA_DON_VI" {
            after_header = true;
        } else if after_header && !first.is_empty() {
            let name = row.get(1).map(|c| c.to_string()).unwrap_or_default();
            out.push((first, name));
        }
    }
    out
}

async fn filled(app: &TestApp, form: &ReportForm, rows: Vec<TemplateRow>) -> Vec<u8> {
    let catalog = app.db.store.indicators().await.expect("indicators");
    form_template(&TemplateSpec {
        form_code: form.def.code.clone(),
        form_name: form.def.name_vi.clone(),
        period: Period::quarter(2023, 1).expect("q"),
        deadline_label: String::new(),
        columns: FormColumn::of_form(&form.def, &catalog),
        rows,
    })
    .expect("file")
}

fn row(code: &str, values: &[(&str, EnteredValue)]) -> TemplateRow {
    TemplateRow {
        version: None,
        unit_code: code.into(),
        unit_name: String::new(),
        values: values
            .iter()
            .map(|(c, v)| (self::code(c), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[tokio::test]
async fn excel_round_trip_bad_files_refused_whole_and_the_district_total() {
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let (office, token) = app.signed_in("office").await;
    let base = format!("/api/v1/forms/{}/periods/2023Q1", form.id);

    // 1. The office downloads the template: one row per commune it enters figures for.
    let r = office
        .get(app.url(&format!("{base}/template")))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], XLSX);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(disposition.contains("filename*=UTF-8''"), "{disposition}");
    let template = r.bytes().await.expect("bytes");
    let units = template_units(&template);
    let codes: Vec<&str> = units.iter().map(|(c, _)| c.as_str()).collect();
    assert!(
        codes.contains(&"15169") && codes.contains(&"15178"),
        "{units:?}"
    );

    // 2. Filled and uploaded: the same figures come back on the entry pages.
    let good = filled(
        &app,
        &form,
        vec![
            row(
                "15169",
                &[
                    ("NN_LUA_GIEO_CAY", fig("5.466,32")),
                    ("NN_LUA_THU_HOACH", fig("1.200,5")),
                    ("DN_THANH_LAP_MOI", fig("9")),
                    ("NTM_DAT_CHUAN", fig("1")),
                    (
                        "GHI_CHU_KHO_KHAN",
                        EnteredValue::Text("Thiếu nước tưới vụ Xuân".into()),
                    ),
                ],
            ),
            row(
                "15178",
                &[
                    ("NN_LUA_GIEO_CAY", fig("1.101,4")),
                    ("DN_THANH_LAP_MOI", fig("0")),
                ],
            ),
        ],
    )
    .await;
    let r = office
        .post(app.url(&format!("{base}/upload")))
        .header("x-csrf-token", &token)
        .header("content-type", XLSX)
        .body(good)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let saved: Value = r.json().await.expect("json");
    assert_eq!(saved["saved"], 2);
    let entry = |unit: giaoban_domain::unit::UnitId| {
        let office = office.clone();
        let url = app.url(&format!("{base}/units/{unit}"));
        async move {
            office
                .get(url)
                .send()
                .await
                .expect("get")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let e = entry(app.units.cam_ngoc).await;
    let value = |e: &Value, c: &str| {
        e["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["code"] == c)
            .map(|i| i["value"].as_str().unwrap_or("").to_owned())
            .expect("item")
    };
    assert_eq!(value(&e, "NN_LUA_GIEO_CAY"), "5.466,32");
    assert_eq!(value(&e, "NN_LUA_THU_HOACH"), "1.200,50");
    assert_eq!(value(&e, "DN_THANH_LAP_MOI"), "9");
    assert_eq!(value(&e, "NTM_DAT_CHUAN"), "có");
    assert_eq!(value(&e, "GHI_CHU_KHO_KHAN"), "Thiếu nước tưới vụ Xuân");
    assert_eq!(e["status"], "draft");

    // 3. A text in a number cell, a row without a unit and a duplicate row: refused whole, three
    //    located messages, and nothing saved (Cẩm Tân keeps 1.101,4).
    let bad = filled(
        &app,
        &form,
        vec![
            row(
                "15178",
                &[("NN_LUA_GIEO_CAY", EnteredValue::Text("năm nghìn".into()))],
            ),
            row("", &[("NN_LUA_GIEO_CAY", fig("10"))]),
            row("15169", &[("NN_LUA_GIEO_CAY", fig("11"))]),
            row("15169", &[("NN_LUA_GIEO_CAY", fig("12"))]),
        ],
    )
    .await;
    let r = office
        .post(app.url(&format!("{base}/upload")))
        .header("x-csrf-token", &token)
        .body(bad)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = r.json().await.expect("json");
    let fields = err["error"]["fields"].as_array().expect("fields");
    assert_eq!(fields.len(), 3, "{err}");
    let text = err.to_string();
    assert!(text.contains("năm nghìn") && text.contains("Ô C"), "{text}");
    assert_eq!(
        value(&entry(app.units.cam_tan).await, "NN_LUA_GIEO_CAY"),
        "1.101,40"
    );
    assert_eq!(
        value(&entry(app.units.cam_ngoc).await, "NN_LUA_GIEO_CAY"),
        "5.466,32"
    );

    // 4. A rule broken in one row refuses the whole file: the good row is not saved either.
    let ruled = filled(
        &app,
        &form,
        vec![
            row("15178", &[("NN_LUA_GIEO_CAY", fig("2.000"))]),
            row(
                "15169",
                &[
                    ("NN_LUA_GIEO_CAY", fig("100")),
                    ("NN_LUA_THU_HOACH", fig("200")),
                ],
            ),
        ],
    )
    .await;
    let r = office
        .post(app.url(&format!("{base}/upload")))
        .header("x-csrf-token", &token)
        .body(ruled)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.expect("text");
    assert!(
        text.contains("không được lớn hơn diện tích gieo cấy"),
        "{text}"
    );
    assert_eq!(
        value(&entry(app.units.cam_tan).await, "NN_LUA_GIEO_CAY"),
        "1.101,40"
    );

    // 5. A commune's file may hold only its own row: Cẩm Tân's row is an unknown unit to Cẩm Ngọc.
    let (ngoc, ngoc_token) = app.signed_in("camngoc").await;
    let r = ngoc
        .get(app.url(&format!("{base}/template")))
        .send()
        .await
        .expect("template");
    let own = template_units(&r.bytes().await.expect("bytes"));
    assert_eq!(own.len(), 1, "{own:?}");
    let foreign = filled(
        &app,
        &form,
        vec![row("15178", &[("NN_LUA_GIEO_CAY", fig("1"))])],
    )
    .await;
    let r = ngoc
        .post(app.url(&format!("{base}/upload")))
        .header("x-csrf-token", &ngoc_token)
        .body(foreign)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = ngoc
        .get(app.url(&format!("{base}/units/{}", app.units.cam_tan)))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), StatusCode::FORBIDDEN);

    // 6. Cẩm Ngọc sends its report; the district sees it sent and Cẩm Tân missing after the
    //    deadline (16/03/2023), and the district total with % of plan.
    let e = entry(app.units.cam_ngoc).await;
    let r = ngoc
        .post(app.url(&format!(
            "/api/v1/submissions/{}/action",
            e["submission_id"].as_str().expect("id")
        )))
        .header("x-csrf-token", &ngoc_token)
        .json(&json!({"action": "submit", "version": e["version"]}))
        .send()
        .await
        .expect("submit");
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let c: Value = office
        .get(app.url(&format!("{base}/completeness?as_of=2099-01-01")))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let state = |name: &str| {
        c["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["unit_name"] == name)
            .map(|r| r["timeliness"].as_str().unwrap_or("").to_owned())
            .expect("row")
    };
    assert_eq!(state("Xã Cẩm Ngọc"), "late");
    assert_eq!(state("Xã Cẩm Tân"), "missing");
    assert_eq!(
        (c["expected"].as_u64(), c["sent"].as_u64()),
        (Some(2), Some(1))
    );
    let r = office
        .put(app.url("/api/v1/targets"))
        .header("x-csrf-token", &token)
        .json(&json!({"year": 2023, "unit_id": app.units.district.0, "indicator_code": "DN_THANH_LAP_MOI", "value": "45"}))
        .send()
        .await
        .expect("target");
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let roll: Value = office
        .get(app.url(&format!(
            "/api/v1/rollups?unit={}&period=2023Q1",
            app.units.district
        )))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let line = roll["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == "DN_THANH_LAP_MOI")
        .cloned()
        .expect("row");
    assert_eq!(line["value_label"], "9");
    assert_eq!(line["percent_of_plan_label"], "20");
    let sown = roll["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == "NN_LUA_GIEO_CAY")
        .cloned()
        .expect("row");
    // Only the sent report counts: Cẩm Tân's draft is not in the total.
    assert_eq!(sown["value_label"], "5.466,32");
    let r = office
        .get(app.url(&format!(
            "/api/v1/rollups/xlsx?unit={}&period=2023Q1",
            app.units.district
        )))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(r.status(), StatusCode::OK);
    let mut wb: Xlsx<_> =
        Xlsx::new(Cursor::new(r.bytes().await.expect("bytes").to_vec())).expect("xlsx");
    let sheet = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&sheet).expect("sheet");
    let has_sown = range.rows().any(|r| {
        r.iter()
            .any(|c| *c == Data::String("NN_LUA_GIEO_CAY".into()))
            && r.iter()
                .any(|c| matches!(c, Data::Float(f) if (*f - 5466.32).abs() < 1e-9))
    });
    assert!(has_sown, "the roll-up file holds 5466.32 for the sown area");
}

#[tokio::test]
async fn report_reminders_go_once_before_the_deadline_and_once_when_missed() {
    use giaoban_domain::calendar::local_timestamp;
    use giaoban_domain::report::SubmissionAction;
    use giaoban_web::channels::Channels;
    use giaoban_web::reports::send_report_reminders;
    use jiff::civil::{date, time};
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let s = &app.db.store;
    let at = |d, h| local_timestamp(d, time(h, 0, 0, 0)).expect("time");
    // Q1/2023 is due on 16/03/2023: on 14/03 both communes are reminded, once.
    let r = send_report_reminders(s, &Channels::none(), at(date(2023, 3, 14), 10))
        .await
        .expect("sweep");
    assert_eq!(r.reminders, 2, "{r:?}");
    let r = send_report_reminders(s, &Channels::none(), at(date(2023, 3, 14), 11))
        .await
        .expect("sweep");
    assert_eq!(r.reminders, 0, "recorded once");
    // Cẩm Ngọc sends on 15/03; after the deadline only Cẩm Tân is reminded that it missed it.
    let sys = AuditActor::system("test");
    let values = BTreeMap::from([(code("NN_LUA_GIEO_CAY"), fig("10"))]);
    let sub = s
        .save_submission(
            &sys,
            &form,
            app.units.cam_ngoc,
            Period::quarter(2023, 1).expect("q"),
            &values,
            &BTreeMap::new(),
            None,
        )
        .await
        .expect("save");
    s.act_on_submission(
        &sys,
        sub.id,
        &SubmissionAction::Submit,
        sub.version,
        at(date(2023, 3, 15), 9),
    )
    .await
    .expect("submit");
    let r = send_report_reminders(s, &Channels::none(), at(date(2023, 3, 17), 9))
        .await
        .expect("sweep");
    assert_eq!(r.reminders, 1, "{r:?}");
    let tan = s
        .report_reminders(app.units.cam_tan, 10)
        .await
        .expect("reminders");
    let kinds: Vec<&str> = tan.iter().map(|(_, _, k, _)| k.as_str()).collect();
    assert!(
        kinds.contains(&"missed") && kinds.contains(&"days_before_3"),
        "{kinds:?}"
    );
    let ngoc = s
        .report_reminders(app.units.cam_ngoc, 10)
        .await
        .expect("reminders");
    assert!(ngoc.iter().all(|(_, _, k, _)| k != "missed"));
}
