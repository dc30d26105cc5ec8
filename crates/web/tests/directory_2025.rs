//! The directory after the reorganisation of 1 July 2025 through the API (issue 24's first
//! must-show): `GET /api/v1/units` gives Thanh Hóa's 166 communes and wards active today, each old
//! Cẩm Thủy commune with its successor, the five new Cẩm Thủy-area communes with their
//! predecessors; the unit page names them; a commune's member cannot load the data.

mod common;

use std::collections::{BTreeSet, HashMap};

use common::{TestApp, get, post};
use giaoban_domain::audit::AuditActor;
use serde_json::Value;

async fn load_thanh_hoa(app: &TestApp) {
    let state = giaoban_app::App::new(app.db.store.clone(), Default::default());
    let data = giaoban_app::reorganisation::bundled().expect("bundled");
    giaoban_app::reorganisation::load(&state, &AuditActor::system("test"), &data, &["38".into()])
        .await
        .expect("loads Thanh Hóa");
}

#[tokio::test]
async fn the_units_api_gives_todays_communes_with_their_lineage() {
    let app = TestApp::spawn().await;
    load_thanh_hoa(&app).await;
    let (c, _) = app.signed_in("leader").await;
    let (status, today) = get(
        &c,
        app.url(&format!(
            "/api/v1/units?as_of=06/12/2026&under={}",
            app.units.province
        )),
    )
    .await;
    assert_eq!(status, 200, "{today}");
    let items = today["items"].as_array().expect("items");
    let communes: Vec<&Value> = items
        .iter()
        .filter(|u| matches!(u["kind"].as_str(), Some("commune" | "ward")))
        .collect();
    assert_eq!(communes.len(), 166);
    assert!(communes.iter().all(|u| u["active"] == true));

    let (status, all) = get(&c, app.url("/api/v1/units")).await;
    assert_eq!(status, 200);
    let items = all["items"].as_array().expect("items");
    let by_id: HashMap<&str, &Value> = items
        .iter()
        .map(|u| (u["id"].as_str().unwrap_or_default(), u))
        .collect();
    let name_of = |id: &Value| {
        by_id
            .get(id.as_str().unwrap_or_default())
            .and_then(|u| u["name"].as_str())
            .unwrap_or("?")
            .to_owned()
    };
    // Each of the 17 old communes of Cẩm Thủy district names its successor.
    let old: Vec<&Value> = items
        .iter()
        .filter(|u| {
            u["active_to"] == "2025-06-30"
                && matches!(u["kind"].as_str(), Some("commune" | "township"))
                && u["admin_code"]
                    .as_str()
                    .is_some_and(|c| ("15127".."15185").contains(&c))
        })
        .collect();
    assert_eq!(old.len(), 17, "{old:?}");
    for u in &old {
        assert!(u["merged_into"].is_string(), "{}", u["name"]);
    }
    let cam_ngoc = by_id[app.units.cam_ngoc.to_string().as_str()];
    assert_eq!(name_of(&cam_ngoc["merged_into"]), "Xã Cẩm Thủy");
    // The five new ones list what they were formed from.
    let mut formed = BTreeSet::new();
    for name in [
        "Xã Cẩm Thủy",
        "Xã Cẩm Tân",
        "Xã Cẩm Thạch",
        "Xã Cẩm Tú",
        "Xã Cẩm Vân",
    ] {
        let new = items
            .iter()
            .find(|u| u["name"] == name && u["active_from"] == "2025-07-01")
            .unwrap_or_else(|| panic!("{name}"));
        let preds = new["predecessors"].as_array().expect("predecessors");
        assert!(preds.len() >= 2, "{name}: {preds:?}");
        for p in preds {
            formed.insert(name_of(p));
        }
    }
    assert_eq!(
        formed.len(),
        17,
        "every old commune under one of the five: {formed:?}"
    );

    // The page of the new Xã Cẩm Thủy names its predecessors; the old commune names its successor.
    let new_ct = name_of(&cam_ngoc["merged_into"]);
    assert_eq!(new_ct, "Xã Cẩm Thủy");
    let page = c
        .get(app.url(&format!("/units/{}", app.units.cam_ngoc)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("id=\"merged-into\""), "{page}");
    let new_id = cam_ngoc["merged_into"].as_str().expect("id");
    let page = c
        .get(app.url(&format!("/units/{new_id}")))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    assert!(page.contains("Thị trấn Phong Sơn") && page.contains("Xã Cẩm Ngọc"));

    // The directory page shows today's units; the ended ones on asking.
    let page_of = |path: &'static str| {
        let c = c.clone();
        let url = app.url(path);
        async move {
            c.get(url)
                .send()
                .await
                .expect("page")
                .text()
                .await
                .expect("text")
        }
    };
    let today_page = page_of("/units").await;
    assert!(today_page.contains("Xã Cẩm Vân") && !today_page.contains("Xã Cẩm Ngọc"));
    let history = page_of("/units?history=1").await;
    assert!(history.contains("Xã Cẩm Ngọc") && history.contains("Huyện Cẩm Thủy"));
}

#[tokio::test]
async fn a_commune_member_cannot_load_the_reorganisation() {
    let app = TestApp::spawn().await;
    let (c, token) = app.signed_in("camngoc").await;
    let (status, body) = post(
        &c,
        &token,
        app.url("/api/v1/units/reorganisation"),
        serde_json::json!({"provinces": ["38"]}),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (c, token) = app.signed_in("admin").await;
    let (status, body) = post(
        &c,
        &token,
        app.url("/api/v1/units/reorganisation"),
        serde_json::json!({"provinces": ["99"]}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = post(
        &c,
        &token,
        app.url("/api/v1/units/reorganisation"),
        serde_json::json!({"provinces": ["42"]}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["active_communes"], 69);
}
