//! The NTM programme over HTTP (SQLite, or PostgreSQL with GIAOBAN_TEST_DATABASE_URL): an
//! administrator's criteria-set file is refused with located messages (API and upload form), a
//! valid new version loads while the commune's earlier assessment keeps its version, a status is
//! recorded by the commune itself, and a lagging criterion becomes a task.

mod common;

use common::TestApp;
use giaoban_domain::programme::BUNDLED_SETS;
use serde_json::{Value, json};

#[tokio::test]
async fn criteria_sets_statuses_and_a_task_from_a_lagging_criterion() {
    let app = TestApp::spawn().await;
    let (admin, admin_token) = app.signed_in("admin").await;
    let commune = app.units.cam_ngoc.0;

    // The bundled sets are there on first use.
    let sets: Value = admin
        .get(app.url("/api/v1/programmes/criteria-sets"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let codes: Vec<&str> = sets["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|s| s["code"].as_str().expect("code"))
        .collect();
    assert_eq!(codes, ["xa-ntm-2016-2020", "xa-ntm-2021-2025"]);

    // The commune records a status against version 1.
    let (ngoc, ngoc_token) = app.signed_in("camngoc").await;
    let r = ngoc
        .post(app.url(&format!("/api/v1/programmes/communes/{commune}/statuses")))
        .header("x-csrf-token", &ngoc_token)
        .json(
            &json!({"year": 2021, "item": "15", "met": "no", "evaluated_on": "31/03/2021",
                      "assessor": "UBND xã", "planned_year": 2022, "values": {"15.2": 88.5}}),
        )
        .send()
        .await
        .expect("status");
    assert_eq!(r.status(), 200);
    // A wrong value comes back as a Vietnamese message naming the field, never a 500.
    let r = ngoc
        .post(app.url(&format!("/api/v1/programmes/communes/{commune}/statuses")))
        .header("x-csrf-token", &ngoc_token)
        .json(&json!({"year": 2021, "item": "15", "met": "maybe"}))
        .send()
        .await
        .expect("status");
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.expect("json");
    assert!(
        e["error"]["message"]
            .as_str()
            .expect("message")
            .contains("Kết quả «maybe» không hợp lệ"),
        "{e}"
    );

    // A broken threshold and a duplicate number: refused with line and criterion.
    let text = BUNDLED_SETS[1].1;
    let broken = text.replacen("version = 1", "version = 2", 1).replacen(
        "threshold.ntm = 90",
        "threshold.ntm = \"chín mươi\"",
        1,
    );
    let line = broken
        .lines()
        .position(|l| l.contains("chín mươi"))
        .expect("line")
        + 1;
    let r = admin
        .post(app.url("/api/v1/programmes/criteria-sets"))
        .header("x-csrf-token", &admin_token)
        .header("content-type", "text/plain; charset=utf-8")
        .body(broken)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 422);
    let e: Value = r.json().await.expect("json");
    let msg = e["error"]["message"].as_str().expect("message");
    assert!(
        msg.contains(&format!("Dòng {line}, tiêu chí 15: ngưỡng hỏng")),
        "{msg}"
    );
    let duplicate =
        text.replacen("version = 1", "version = 2", 1)
            .replacen("number = 4\n", "number = 3\n", 1);
    // Through the upload form (multipart, CSRF field), in English.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", admin_token.clone())
        .part(
            "file",
            reqwest::multipart::Part::text(duplicate).file_name("bo-tieu-chi.toml"),
        );
    let r = admin
        .post(app.url("/programmes/criteria-sets"))
        .header("accept-language", "en")
        .multipart(form)
        .send()
        .await
        .expect("form");
    assert_eq!(r.status(), 422);
    let html = r.text().await.expect("html");
    assert!(
        html.contains("criterion number 3 is duplicated"),
        "the page lists the located error"
    );
    // A member may not load a set.
    let r = ngoc
        .post(app.url("/api/v1/programmes/criteria-sets"))
        .header("x-csrf-token", &ngoc_token)
        .body(text.to_owned())
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 403);

    // A valid version 2 loads through the form.
    let v2 = text.replacen("version = 1", "version = 2", 1).replacen(
        "threshold.ntm = 90",
        "threshold.ntm = 92",
        1,
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", admin_token.clone())
        .part(
            "file",
            reqwest::multipart::Part::text(v2).file_name("bo-tieu-chi.toml"),
        );
    let r = admin
        .post(app.url("/programmes/criteria-sets"))
        .multipart(form)
        .send()
        .await
        .expect("form");
    assert_eq!(r.status(), 303, "{:?}", r.text().await);

    // The commune's 2021 assessment still reads against version 1 (its own), with its value.
    let v: Value = ngoc
        .get(app.url(&format!("/api/v1/programmes/communes/{commune}?year=2021")))
        .send()
        .await
        .expect("commune")
        .json()
        .await
        .expect("json");
    assert_eq!(v["set"]["version"], 1, "{:#}", v["set"]);
    let c15 = v["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["item"] == "15")
        .expect("15");
    assert_eq!(c15["met"], "no");
    assert_eq!(c15["planned_year"], 2022);
    assert_eq!(c15["indicators"][0]["value"], "88,5");
    assert_eq!(c15["indicators"][0]["ntm"], "≥ 90");
    // Asked for the newest version explicitly, the commune has no assessment there yet.
    let v2: Value = ngoc
        .get(app.url(&format!(
            "/api/v1/programmes/communes/{commune}?year=2021&set=xa-ntm-2021-2025"
        )))
        .send()
        .await
        .expect("commune")
        .json()
        .await
        .expect("json");
    assert_eq!(v2["set"]["version"], 2);
    assert_eq!(v2["items"][14]["indicators"][0]["ntm"], "≥ 92");
    assert!(v2["items"][14]["met"].is_null());

    // The district office turns the lagging criterion into a task led by the commune.
    let (office, office_token) = app.signed_in("office").await;
    let r = office
        .post(app.url(&format!("/api/v1/programmes/communes/{commune}/task")))
        .header("x-csrf-token", &office_token)
        .json(&json!({"year": 2021, "item": "15", "set": v["set"]["id"]}))
        .send()
        .await
        .expect("task");
    assert_eq!(r.status(), 201);
    let t: Value = r.json().await.expect("json");
    assert_eq!(t["lead"]["id"], json!(commune));
    // Planned for 2022, which has passed: due at the end of this year.
    let year = giaoban_web::today().year().max(2022);
    assert_eq!(t["deadline_label"], format!("chậm nhất ngày 31/12/{year}"));
    assert!(
        t["content"]
            .as_str()
            .expect("content")
            .starts_with("Hoàn thành tiêu chí số 15 «Y tế»"),
        "{t}"
    );
    // Model gardens: the district's target and the commune's count show in the picture.
    let district = app.units.district.0;
    let r = office
        .put(app.url(&format!("/api/v1/programmes/units/{district}/model-areas")))
        .header("x-csrf-token", &office_token)
        .json(&json!({"year": 2021, "kind": "vuon_mau", "target": 252}))
        .send()
        .await
        .expect("target");
    assert_eq!(r.status(), 204);
    let r = ngoc
        .put(app.url(&format!("/api/v1/programmes/units/{commune}/model-areas")))
        .header("x-csrf-token", &ngoc_token)
        .json(&json!({"year": 2021, "kind": "vuon_mau", "achieved": 12}))
        .send()
        .await
        .expect("count");
    assert_eq!(r.status(), 204);
    let p: Value = office
        .get(app.url("/api/v1/programmes/picture?year=2021&set=xa-ntm-2021-2025"))
        .send()
        .await
        .expect("picture")
        .json()
        .await
        .expect("json");
    assert_eq!(p["model_areas"][0]["kind"], "vuon_mau", "{p:#}");
    assert_eq!(p["model_areas"][0]["target"], 252);
    assert_eq!(p["model_areas"][0]["achieved"], 12);

    // The commune records its target year and a recognition through its page.
    let form = [
        ("csrf_token", ngoc_token.as_str()),
        ("region", "bac-trung-bo"),
        ("target_nang_cao", "2023"),
        ("rec_level", "ntm"),
        ("rec_decision", "12/QĐ-UBND"),
        ("rec_date", "20/12/2020"),
    ];
    let r = ngoc
        .post(app.url(&format!("/programmes/communes/{commune}?year=2021")))
        .form(&form)
        .send()
        .await
        .expect("form");
    assert_eq!(r.status(), 303);
    let bad = [
        ("csrf_token", ngoc_token.as_str()),
        ("rec_level", "ntm"),
        ("rec_decision", "13/QĐ-UBND"),
        ("rec_date", "31/02/2021"),
    ];
    let r = ngoc
        .post(app.url(&format!("/programmes/communes/{commune}?year=2021")))
        .form(&bad)
        .send()
        .await
        .expect("form");
    assert_eq!(r.status(), 422, "a wrong date comes back on the form");
    let v: Value = ngoc
        .get(app.url(&format!("/api/v1/programmes/communes/{commune}?year=2021")))
        .send()
        .await
        .expect("commune")
        .json()
        .await
        .expect("json");
    assert_eq!(v["targets"][0]["level"], "nang_cao");
    assert_eq!(v["targets"][0]["year"], 2023);
    assert_eq!(v["recognitions"].as_array().expect("list").len(), 1);
    assert_eq!(v["level"]["level"], "ntm");
    // A neighbour's page form is refused.
    let r = ngoc
        .post(app.url(&format!(
            "/programmes/communes/{}?year=2021",
            app.units.cam_tan.0
        )))
        .form(&form)
        .send()
        .await
        .expect("form");
    assert_eq!(r.status(), 403);

    // The commune sees it among its tasks.
    let list: Value = ngoc
        .get(app.url("/api/v1/tasks"))
        .send()
        .await
        .expect("tasks")
        .json()
        .await
        .expect("json");
    assert!(
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|x| x["id"] == t["id"])
    );
}
