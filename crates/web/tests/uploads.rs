//! Files coming in (issue 20, findings 3 and 10), on SQLite and (with GIAOBAN_TEST_DATABASE_URL)
//! PostgreSQL: an Excel bomb posted by a commune is refused at once with a Vietnamese message
//! while the server keeps answering; an upload of a template downloaded before the draft changed
//! is refused (409) unless forced.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::time::{Duration, Instant};

use calamine::{Data, DataType, Reader, Xlsx};
use common::TestApp;
use giaoban_documents::xlsx::bombs::{DATA_SHEET_PART, inline_string_bomb, with_declared_size};
use giaoban_documents::xlsx::{FormColumn, TemplateRow, TemplateSpec, form_template};
use giaoban_domain::indicator::{Figure, IndicatorCode};
use giaoban_domain::period::Period;
use giaoban_domain::report::{EnteredValue, ReportForm};
use reqwest::StatusCode;
use serde_json::{Value, json};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn setup(app: &TestApp) -> ReportForm {
    app.quarterly_commune_form(json!({
        "items": [{"code": "NN_LUA_GIEO_CAY", "required": true}, {"code": "DN_THANH_LAP_MOI"}]
    }))
    .await
}

/// The template Cẩm Ngọc downloads, as bytes.
async fn download(app: &TestApp, c: &reqwest::Client, base: &str) -> Vec<u8> {
    let r = c
        .get(app.url(&format!("{base}/template")))
        .send()
        .await
        .expect("template");
    assert_eq!(r.status(), StatusCode::OK);
    r.bytes().await.expect("bytes").to_vec()
}

async fn post(
    app: &TestApp,
    c: &reqwest::Client,
    token: &str,
    url: &str,
    file: Vec<u8>,
) -> (StatusCode, Value, Duration) {
    let start = Instant::now();
    let r = c
        .post(app.url(url))
        .header("x-csrf-token", token)
        .header("content-type", XLSX)
        .body(file)
        .send()
        .await
        .expect("upload");
    let status = r.status();
    let body = r.json().await.unwrap_or(Value::Null);
    (status, body, start.elapsed())
}

#[tokio::test]
async fn an_excel_bomb_from_a_commune_is_refused_at_once_in_vietnamese() {
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let (ngoc, token) = app.signed_in("camngoc").await;
    let base = format!("/api/v1/forms/{}/periods/2023Q1", form.id);
    let template = download(&app, &ngoc, &base).await;
    // The finding's file: 800 million characters in one inline string, under 800 KB.
    let bomb = inline_string_bomb(&template, 800_000_000).expect("bomb");
    assert!(bomb.len() < 800 * 1024, "{} bytes", bomb.len());
    let (status, body, took) = post(&app, &ngoc, &token, &format!("{base}/upload"), bomb).await;
    eprintln!("bomb refused in {took:?}: {body}");
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(message.contains("quá lớn khi giải nén"), "{body}");
    assert_eq!(body["error"]["fields"][0]["field"], "file", "{body}");
    // Refused from the zip's directory, before anything is inflated (it took 16 s and 3 GB).
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[tokio::test]
async fn three_lying_bombs_in_parallel_are_refused_while_the_server_answers() {
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let (ngoc, token) = app.signed_in("camngoc").await;
    let base = format!("/api/v1/forms/{}/periods/2023Q1", form.id);
    let template = download(&app, &ngoc, &base).await;
    // Each declares a sheet of 1 000 bytes: only inflating it finds it out.
    let liar = with_declared_size(
        &inline_string_bomb(&template, 200_000_000).expect("bomb"),
        DATA_SHEET_PART,
        1_000,
    );
    let url = format!("{base}/upload");
    let uploads: Vec<_> = (0..3)
        .map(|_| post(&app, &ngoc, &token, &url, liar.clone()))
        .collect();
    let health = async {
        let c = app.client();
        let mut answered = 0;
        for _ in 0..10 {
            let r = c.get(app.url("/healthz")).send().await.expect("healthz");
            assert_eq!(r.status(), StatusCode::OK);
            answered += 1;
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        answered
    };
    let (results, answered) = tokio::join!(futures_util::future::join_all(uploads), health);
    assert_eq!(answered, 10);
    for (status, body, took) in results {
        eprintln!("{status} in {took:?}");
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("quá lớn khi giải nén")),
            "{body}"
        );
    }
}

/// The version in the template's hidden column for the unit with this code.
fn version_in(template: &[u8], unit_code: &str) -> Option<i64> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(template.to_vec())).expect("xlsx");
    let range = wb.worksheet_range("Số liệu").expect("sheet");
    let rows: Vec<&[Data]> = range.rows().collect();
    let codes = rows
        .iter()
        .position(|r| r.first().and_then(Data::get_string) == Some("#MA_DON_VI"))?;
    let col = rows[codes]
        .iter()
        .position(|c| c.get_string() == Some("#PHIEN_BAN"))?;
    let row = rows[codes + 1..]
        .iter()
        .find(|r| r.first().and_then(Data::get_string) == Some(unit_code))?;
    row.get(col).and_then(|c| c.as_i64())
}

/// Cẩm Ngọc's file with the sown area, written from the version the template carried.
async fn filled(app: &TestApp, form: &ReportForm, area: &str, version: Option<i64>) -> Vec<u8> {
    let catalog = app.db.store.indicators().await.expect("indicators");
    let code = IndicatorCode::parse("NN_LUA_GIEO_CAY").expect("code");
    form_template(&TemplateSpec {
        form_code: form.def.code.clone(),
        form_name: form.def.name_vi.clone(),
        period: Period::quarter(2023, 1).expect("q"),
        deadline_label: String::new(),
        columns: FormColumn::of_form(&form.def, &catalog),
        rows: vec![TemplateRow {
            unit_code: "15169".into(),
            unit_name: String::new(),
            values: BTreeMap::from([(
                code,
                EnteredValue::Figure(Figure::parse(area).expect("figure")),
            )]),
            version,
        }],
    })
    .expect("file")
}

#[tokio::test]
async fn an_old_template_does_not_overwrite_a_draft_changed_since_unless_forced() {
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let (ngoc, token) = app.signed_in("camngoc").await;
    let base = format!("/api/v1/forms/{}/periods/2023Q1", form.id);
    let entry = format!("{base}/units/{}", app.units.cam_ngoc);
    let area = || async {
        let e: Value = ngoc
            .get(app.url(&entry))
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        e["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["code"] == "NN_LUA_GIEO_CAY")
            .and_then(|i| i["value"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };

    // Downloaded before any draft: the hidden column says 0.
    let before = download(&app, &ngoc, &base).await;
    assert_eq!(version_in(&before, "15169"), Some(0));
    // Then the commune types a figure on the entry page.
    let r = ngoc
        .put(app.url(&entry))
        .header("x-csrf-token", &token)
        .json(&json!({"values": {"NN_LUA_GIEO_CAY": "120"}}))
        .send()
        .await
        .expect("save");
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    // The file filled from the old template is refused, and the typed figure stays.
    let old = filled(&app, &form, "99", version_in(&before, "15169")).await;
    let upload = format!("{base}/upload");
    let (status, body, _) = post(&app, &ngoc, &token, &upload, old.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(
        body["error"]["code"], "report.upload_draft_changed",
        "{body}"
    );
    let message = body["error"]["message"].as_str().unwrap_or("");
    assert!(
        message.contains("đã được sửa sau khi tải biểu mẫu") && message.contains("Xã Cẩm Ngọc"),
        "{body}"
    );
    assert_eq!(area().await, "120,00");

    // A template downloaded now carries the draft's version and is taken.
    let now = download(&app, &ngoc, &base).await;
    let version = version_in(&now, "15169");
    assert!(version.is_some_and(|v| v > 0), "{version:?}");
    let fresh = filled(&app, &form, "130", version).await;
    let (status, body, _) = post(&app, &ngoc, &token, &upload, fresh.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(area().await, "130,00");
    // The same file again: the draft is now newer than its template.
    let (status, body, _) = post(&app, &ngoc, &token, &upload, fresh).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    // Forced, the old file overwrites.
    let (status, body, _) = post(&app, &ngoc, &token, &format!("{upload}?force=true"), old).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(area().await, "99,00");
}

/// The peak resident memory of this process so far (VmHWM), in MB: the server runs in it.
fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// The figures of issue 20, item 2 (run alone: `cargo test --workspace --test uploads -- --ignored
/// --nocapture bomb_figures`): the 787 KB bomb, then three ~200 KB ones in parallel (each lying
/// about its size, so that each is inflated to the part bound), posted by a commune while
/// `/healthz` is timed every 20 ms; the server's peak RSS (VmHWM of this process, which holds
/// the server and the client) and the slowest `/healthz` are printed and held to 150 MB and
/// 100 ms.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "prints figures; run alone so that no other test shares the process"]
async fn bomb_figures() {
    let app = TestApp::spawn().await;
    let form = setup(&app).await;
    let (ngoc, token) = app.signed_in("camngoc").await;
    let base = format!("/api/v1/forms/{}/periods/2023Q1", form.id);
    let url = format!("{base}/upload");
    let template = download(&app, &ngoc, &base).await;
    let big = inline_string_bomb(&template, 800_000_000).expect("bomb");
    let small = with_declared_size(
        &inline_string_bomb(&template, 200_000_000).expect("bomb"),
        DATA_SHEET_PART,
        1_000,
    );
    eprintln!(
        "bombs: {} KB (800 M characters), 3 × {} KB (200 M characters, declaring 1 000 bytes)",
        big.len() / 1024,
        small.len() / 1024
    );
    let before = peak_rss_mb();
    for (name, files) in [
        ("1 × 787 KB", vec![big]),
        (
            "3 × 204 KB in parallel",
            vec![small.clone(), small.clone(), small],
        ),
    ] {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let probe = {
            let done = std::sync::Arc::clone(&done);
            let c = app.client();
            let health = app.url("/healthz");
            tokio::spawn(async move {
                let mut slowest = Duration::ZERO;
                let mut n = 0;
                while !done.load(std::sync::atomic::Ordering::Relaxed) || n < 5 {
                    let t = Instant::now();
                    let r = c.get(&health).send().await.expect("healthz");
                    assert_eq!(r.status(), StatusCode::OK);
                    slowest = slowest.max(t.elapsed());
                    n += 1;
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                (n, slowest)
            })
        };
        let start = Instant::now();
        let results = futures_util::future::join_all(
            files
                .into_iter()
                .map(|f| post(&app, &ngoc, &token, &url, f)),
        )
        .await;
        let took = start.elapsed();
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let (n, slowest) = probe.await.expect("probe");
        for (status, body, _) in &results {
            assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        }
        let peak = peak_rss_mb();
        println!(
            "{name}: refused ({}) in {took:?}; peak RSS {peak} MB (before the uploads {before} MB); /healthz answered {n} times, slowest {slowest:?}",
            results[0].0
        );
        assert!(peak <= 150, "peak RSS {peak} MB");
        assert!(slowest < Duration::from_millis(100), "{slowest:?}");
    }
}
