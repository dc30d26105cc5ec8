//! History through lineage on the pages (issue 24; SQLite, or PostgreSQL with
//! GIAOBAN_TEST_DATABASE_URL): after the 2025 reorganisation, the NTM picture of the province
//! shows the new Xã Cẩm Tú with the status of the old Xã Cẩm Ngọc and says so, with the rule; the
//! OCOP page shows Cẩm Ngọc's product under Cẩm Tú with its source.

mod common;

use common::TestApp;
use serde_json::{Value, json};

#[tokio::test]
async fn the_ntm_picture_and_the_ocop_page_show_the_old_communes_under_the_new_one() {
    let app = TestApp::spawn().await;
    let ngoc_id = app.units.cam_ngoc.0;
    let (ngoc, token) = app.signed_in("camngoc").await;
    for item in 1..=19 {
        let r = ngoc
            .post(app.url(&format!("/api/v1/programmes/communes/{ngoc_id}/statuses")))
            .header("x-csrf-token", &token)
            .json(&json!({"year": 2023, "item": item.to_string(),
                           "met": if item <= 14 { "ntm" } else { "no" },
                           "evaluated_on": "15/12/2023", "assessor": "UBND xã"}))
            .send()
            .await
            .expect("status");
        assert_eq!(r.status(), 200);
    }
    let r = ngoc
        .post(app.url("/api/v1/ocop/producers"))
        .header("x-csrf-token", &token)
        .json(&json!({"commune_id": ngoc_id, "name": "HTX Cẩm Ngọc", "kind": "hop_tac_xa"}))
        .send()
        .await
        .expect("producer");
    assert_eq!(r.status(), 201);
    let producer: Value = r.json().await.expect("json");
    let producer = producer["id"].as_str().expect("id").to_owned();
    let r = ngoc
        .post(app.url(&format!("/api/v1/ocop/producers/{producer}/products")))
        .header("x-csrf-token", &token)
        .json(
            &json!({"name": "Bưởi Cẩm Ngọc", "score_community": 30, "score_marketing": 15,
                       "score_quality": 20, "certifying_level": "district",
                       "certified_on": "15/12/2024"}),
        )
        .send()
        .await
        .expect("product");
    assert_eq!(r.status(), 201);

    let reorg = app.reorganise_2025().await;
    let (admin, _) = app.signed_in("admin").await;
    let province = app.units.province.0;
    let query = format!("unit={province}&set=xa-ntm-2021-2025&year=2025");
    let picture: Value = admin
        .get(app.url(&format!("/api/v1/programmes/picture?{query}")))
        .send()
        .await
        .expect("picture")
        .json()
        .await
        .expect("json");
    let rows = picture["rows"].as_array().expect("rows");
    let tu = rows
        .iter()
        .find(|r| r["commune"]["id"] == json!(reorg.cam_tu.0))
        .expect("Cẩm Tú's row");
    assert_eq!(tu["criteria_met"], 14);
    assert_eq!(tu["inherited"]["label"], "theo xã Cẩm Ngọc cũ, 2023");
    assert!(rows.iter().all(|r| r["commune"]["id"] != json!(ngoc_id)));
    let page = admin
        .get(app.url(&format!("/programmes?{query}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("(theo xã Cẩm Ngọc cũ, 2023)"), "{page}");
    assert!(page.contains("id=\"ntm-inherited-rule\""));

    let ocop = admin
        .get(app.url("/ocop"))
        .send()
        .await
        .expect("ocop")
        .text()
        .await
        .expect("html");
    assert!(
        ocop.contains("Xã Cẩm Tú <small class=\"muted ocop-source\">(theo xã Cẩm Ngọc cũ)</small>"),
        "{ocop}"
    );
}
