//! The demo's Nông thôn mới picture, through the real binary and the API as a person would see it:
//! Kỳ Anh's average is computed from its communes' statuses and prints "9,8 tiêu chí/xã" (seed
//! 001); Thạch Hà's page lists the five communes aiming at nâng cao and Tượng Sơn at kiểu mẫu with
//! what each still lacks (seed 003); seed 003's OCOP counts (7 producers, 12 products).

mod common;

use common::{get, sign_in};

#[tokio::test]
async fn demo_ntm_picture_of_ky_anh_and_thach_ha() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = common::start(&dir.path().join("demo"));
    let admin = sign_in(&server, "admin").await;

    // Must-show 1: Kỳ Anh, 2017, computed from 21 communes' statuses.
    let p = get(
        &admin,
        format!("{}/api/v1/programmes/picture?unit=ky-anh", server.url),
    )
    .await;
    assert_eq!(p["year"], 2017, "{p:#}");
    assert_eq!(p["set"]["code"], "xa-ntm-2016-2020");
    assert_eq!(p["communes"], 21);
    assert_eq!(p["assessed"], 21);
    let rows = p["rows"].as_array().expect("rows");
    let summed: u64 = rows
        .iter()
        .map(|r| r["criteria_met"].as_u64().expect("count"))
        .sum();
    assert_eq!(summed, p["total_met"].as_u64().expect("total"));
    assert_eq!(p["total_met"], 206);
    assert_eq!(p["average_label"], "9,8 tiêu chí/xã");
    // Each count is the number of cells met in the row: nothing typed.
    for r in rows {
        let met = r["cells"]
            .as_array()
            .expect("cells")
            .iter()
            .filter(|c| c["met"] == "ntm" || c["met"] == "nang_cao")
            .count() as u64;
        assert_eq!(r["criteria_met"].as_u64(), Some(met), "{}", r["commune"]);
    }
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["commune"]["name"].as_str().expect("name"))
        .collect();
    for seed in [
        "Kỳ Lâm",
        "Kỳ Lạc",
        "Kỳ Văn",
        "Kỳ Châu",
        "Kỳ Tiến",
        "Kỳ Xuân",
    ] {
        assert!(names.contains(&seed), "{seed} in {names:?}");
    }
    assert!(!names.contains(&"Lâm Hợp"), "Lâm Hợp was made in 2020");
    // The HTML page prints the same figure.
    let html = admin
        .get(format!("{}/programmes?unit=ky-anh", server.url))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("9,8 tiêu chí/xã"), "page shows the average");

    // Must-show 2: Thạch Hà, 2021, under the 2021–2025 set, as its chairman sees it.
    let chair = sign_in(&server, "thachha.chutich").await;
    let p = get(&chair, format!("{}/api/v1/programmes/picture", server.url)).await;
    assert_eq!(p["unit"]["name"], "Huyện Thạch Hà", "{:#}", p["unit"]);
    assert_eq!(p["year"], 2021);
    assert_eq!(p["set"]["code"], "xa-ntm-2021-2025");
    let rows = p["rows"].as_array().expect("rows");
    let aim = |name: &str| -> (String, Vec<String>) {
        let r = rows
            .iter()
            .find(|r| r["commune"]["name"] == name)
            .unwrap_or_else(|| panic!("{name} listed"));
        (
            r["target"]["level"].as_str().unwrap_or("").to_owned(),
            r["lacking"]
                .as_array()
                .expect("lacking")
                .iter()
                .map(|i| i["item"].as_str().expect("item").to_owned())
                .collect(),
        )
    };
    for (name, lacking) in [
        ("Nam Điền", vec!["2", "17"]),
        ("Tân Lâm Hương", vec!["6", "10", "17"]),
        ("Lưu Vĩnh Sơn", vec!["2", "3", "9"]),
        ("Thạch Đài", vec!["13", "17"]),
        ("Thạch Xuân", vec!["10", "12"]),
    ] {
        let (level, items) = aim(name);
        assert_eq!(level, "nang_cao", "{name}");
        assert_eq!(items, lacking, "{name}");
    }
    let (level, items) = aim("Tượng Sơn");
    assert_eq!(level, "kieu_mau");
    assert_eq!(items, ["KM3", "KM4"]);
    let target = p["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["level"] == "nang_cao" && t["year"] == 2021)
        .expect("nâng cao 2021");
    assert_eq!(target["communes"].as_array().expect("list").len(), 5);
    let areas = p["model_areas"].as_array().expect("model areas");
    assert_eq!(areas[0]["target"], 46);
    assert_eq!(areas[1]["target"], 252);
    // The page lists the six with the names of what they lack.
    let html = chair
        .get(format!("{}/programmes", server.url))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    for name in [
        "Nam Điền",
        "Tân Lâm Hương",
        "Lưu Vĩnh Sơn",
        "Thạch Đài",
        "Thạch Xuân",
        "Tượng Sơn",
    ] {
        assert!(
            html.contains(&format!("data-commune=\"{name}\"")),
            "{name} in the list of communes aiming at a level"
        );
    }
    assert!(html.contains("17. Môi trường và an toàn thực phẩm"));
    assert!(html.contains("NTM nâng cao (2021)"));
    assert!(html.contains("NTM kiểu mẫu (2021)"));

    // A commune user sees its own row only, and not a neighbour's page.
    let dinh_ban = sign_in(&server, "dinhban").await;
    let own = get(
        &dinh_ban,
        format!("{}/api/v1/programmes/picture", server.url),
    )
    .await;
    assert_eq!(own["rows"].as_array().expect("rows").len(), 1);
    assert_eq!(own["rows"][0]["commune"]["name"], "Đỉnh Bàn");
    let neighbour = rows
        .iter()
        .find(|r| r["commune"]["name"] == "Nam Điền")
        .expect("Nam Điền")["commune"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let r = dinh_ban
        .get(format!(
            "{}/api/v1/programmes/communes/{neighbour}",
            server.url
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 403);

    // The heatmap downloads as an Excel file.
    let r = chair
        .get(format!("{}/api/v1/programmes/heatmap.xlsx", server.url))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"PK"), "an XLSX (zip) file");

    // Seed 003's OCOP: 7 producers with 12 products; the ratings ending soon are listed.
    let o = get(&chair, format!("{}/api/v1/ocop", server.url)).await;
    assert_eq!(o["producers"].as_array().expect("producers").len(), 7);
    assert_eq!(o["products"].as_array().expect("products").len(), 12);
    let expiring = o["expiring"].as_array().expect("expiring");
    assert!(
        expiring.iter().any(|p| p["validity"] == "expiring"),
        "{expiring:#?}"
    );
    assert!(
        o["products"]
            .as_array()
            .expect("products")
            .iter()
            .any(|p| p["stars"] == 4 && p["certifying_level"] == "province")
    );
    assert_eq!(o["rules_confirmed"], false);

    server.child.kill().expect("stop");
    let _ = server.child.wait();
}
