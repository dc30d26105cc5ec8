//! The demo's periodic reports, seen through the API as the district would see them: Cẩm Thủy's
//! "101,2%" and "20%" of plan computed from targets and the communes' reports (seed 004), the two
//! communes behind on Q1/2023, and the seeds' district totals for Kỳ Anh (001) and Thạch Hà (003).

use serde_json::Value;

mod common;

use common::{get, sign_in};

fn row<'a>(rollup: &'a Value, code: &str) -> &'a Value {
    rollup["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["code"] == code)
        .unwrap_or_else(|| panic!("{code} in {rollup:#}"))
}

async fn unit_id(http: &reqwest::Client, url: &str, key: &str) -> String {
    let units = get(http, format!("{url}/api/v1/units")).await;
    let list = units["items"]
        .as_array()
        .or(units.as_array())
        .expect("units");
    list.iter()
        .find(|u| u["key"] == key)
        .and_then(|u| u["id"].as_str())
        .unwrap_or_else(|| panic!("unit {key}"))
        .to_owned()
}

#[tokio::test]
async fn demo_reports_from_the_seeds() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = common::start(&dir.path().join("demo"));
    let url = server.url.clone();

    // Seed 004: the Chairman of Cẩm Thủy sees the district's Q1/2023 roll-up.
    let chair = sign_in(&server, "camthuy.chutich").await;
    let cam_thuy = unit_id(&chair, &url, "cam-thuy").await;
    let q1 = get(
        &chair,
        format!("{url}/api/v1/rollups?unit={cam_thuy}&period=2023Q1"),
    )
    .await;
    let sown = row(&q1, "NN_GIEO_TRONG");
    assert_eq!(sown["percent_of_plan_label"], "101,2", "{sown:#}");
    assert_eq!(sown["value_label"], "6.578,00");
    assert_eq!(sown["target_label"], "6.500,00");
    assert_eq!(sown["change_label"], "3,1", "against Q1/2022");
    let firms = row(&q1, "DN_THANH_LAP_MOI");
    assert_eq!(firms["value_label"], "9");
    assert_eq!(firms["percent_of_plan_label"], "20");
    assert_eq!(row(&q1, "TM_XUAT_KHAU")["value_label"], "3,05");

    // Completeness of the communes' Q1/2023 reports as of 28/03/2023: two communes behind.
    let forms = get(&chair, format!("{url}/api/v1/forms")).await;
    let form = forms["items"]
        .as_array()
        .expect("forms")
        .iter()
        .find(|f| f["code"] == "KTXH_QUY_XA")
        .expect("commune form")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let c = get(
        &chair,
        format!("{url}/api/v1/forms/{form}/periods/2023Q1/completeness?under={cam_thuy}&as_of=2023-03-28"),
    )
    .await;
    assert_eq!(c["late"], 1, "{c:#}");
    assert_eq!(c["missing"], 1, "{c:#}");
    assert_eq!(
        c["sent"].as_u64().expect("sent") + 1,
        c["expected"].as_u64().expect("expected")
    );
    let behind: Vec<&str> = c["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|r| r["timeliness"] == "late" || r["timeliness"] == "missing")
        .map(|r| r["timeliness_label"].as_str().expect("label"))
        .collect();
    assert_eq!(behind.len(), 2, "{behind:?}");
    assert!(behind.contains(&"Trễ 4 ngày"), "{behind:?}");

    // Seeds 001 and 003: the district totals are the seeds' own figures.
    let admin = sign_in(&server, "admin").await;
    let ky_anh = unit_id(&admin, &url, "ky-anh").await;
    let q = get(
        &admin,
        format!("{url}/api/v1/rollups?unit={ky_anh}&period=2017Q1"),
    )
    .await;
    assert_eq!(row(&q, "NN_LUA_GIEO_CAY")["value_label"], "5.466,32");
    assert_eq!(row(&q, "NN_SAN")["value_label"], "1.101,40");
    assert_eq!(row(&q, "TS_SAN_LUONG_KHAI_THAC")["value_label"], "371,6");
    assert_eq!(row(&q, "TM_TONG_GIA_TRI")["value_label"], "294,98");
    assert_eq!(row(&q, "XH_DOI_TUONG_CHI_TRA")["value_label"], "3.089");
    assert_eq!(row(&q, "XH_TIEN_CHI_TRA")["value_label"], "122,072");
    let thach_ha = unit_id(&admin, &url, "thach-ha").await;
    let q = get(
        &admin,
        format!("{url}/api/v1/rollups?unit={thach_ha}&period=2021Q1"),
    )
    .await;
    assert_eq!(row(&q, "GT_CAP_PHOI_NANG_CAP")["value_label"], "29,68");
    assert_eq!(row(&q, "MT_CAY_BONG_MAT")["value_label"], "16.850");
    assert_eq!(row(&q, "NN_VUON_HO_CAI_TAO")["value_label"], "590");
    assert_eq!(row(&q, "DN_THANH_LAP_MOI")["value_label"], "21");

    // A full rebuild gives the same numbers as the totals kept on every write.
    let r = admin
        .post(format!("{url}/api/v1/aggregates/rebuild"))
        .header("x-csrf-token", csrf(&admin, &url).await)
        .send()
        .await
        .expect("rebuild");
    assert_eq!(r.status(), 200);
    let again = get(
        &admin,
        format!("{url}/api/v1/rollups?unit={thach_ha}&period=2021Q1"),
    )
    .await;
    assert_eq!(again, q);
    let _ = server.child.kill();
    let _ = server.child.wait();
}

async fn csrf(http: &reqwest::Client, url: &str) -> String {
    let s = get(http, format!("{url}/api/v1/session")).await;
    s["csrf_token"].as_str().expect("csrf token").to_owned()
}
