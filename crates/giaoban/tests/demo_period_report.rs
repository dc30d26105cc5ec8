//! Issue 7, must-show 3: the quarterly report of Cẩm Thủy for Q1/2023 drafted from the demo's data
//! reads as seed 004 reads ("diện tích gieo trồng bằng 101,2% kế hoạch … thành lập mới 09 doanh
//! nghiệp đạt 20% kế hoạch"), and every number in it traces to a record: each figure to the roll-up
//! the API serves, each count to the tasks it counts, each line to its task or recommendation. Then
//! the office edits it (a stale edit is refused and loses nothing) and downloads it.

use std::collections::HashMap;

use serde_json::{Value, json};

mod common;

use common::{get, sign_in_for_writes};

/// Every number written in `text` ("6.578,00", "101,2", "09", "2023"), as written.
fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars().chain([' ']) {
        if c.is_ascii_digit() || (!cur.is_empty() && (c == '.' || c == ',')) {
            cur.push(c);
        } else if !cur.is_empty() {
            out.push(cur.trim_end_matches(['.', ',']).to_owned());
            cur.clear();
        }
    }
    out
}

/// A Vietnamese-written number as a value: "6.578,00" → 6578.0, "09" → 9.0.
fn value(s: &str) -> f64 {
    s.replace('.', "")
        .replace(',', ".")
        .parse()
        .unwrap_or(f64::NAN)
}

#[tokio::test]
async fn cam_thuy_q1_2023_report_reads_as_the_seed_and_every_number_traces_to_a_record() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = common::start(&dir.path().join("demo"));
    let url = server.url.clone();
    let (http, token) = sign_in_for_writes(&server, "camthuy.chutich").await;

    let units = get(&http, format!("{url}/api/v1/units")).await;
    let list = units["items"]
        .as_array()
        .or(units.as_array())
        .expect("units");
    let cam_thuy = list
        .iter()
        .find(|u| u["key"] == "cam-thuy")
        .and_then(|u| u["id"].as_str())
        .expect("Cẩm Thủy")
        .to_owned();

    let r = http
        .post(format!("{url}/api/v1/period-reports"))
        .header("X-CSRF-Token", &token)
        .json(&json!({"unit_id": cam_thuy, "period": "2023Q1", "as_of": "2023-03-28"}))
        .send()
        .await
        .expect("create");
    assert_eq!(r.status(), 201);
    let report: Value = r.json().await.expect("json");
    let id = report["id"].as_str().expect("id").to_owned();
    assert_eq!(
        report["subject"],
        "Tình hình kinh tế - xã hội quý I, nhiệm vụ trọng tâm quý II năm 2023"
    );
    let blocks = report["blocks"].as_array().expect("blocks");
    let texts: Vec<&str> = blocks
        .iter()
        .map(|b| b["text"].as_str().expect("text"))
        .collect();
    let all = texts.join("\n");
    println!("{all}");

    // The seed's sentences, now from the data.
    assert!(
        all.contains("Toàn huyện gieo trồng 6.578,00 ha cây hằng năm, đạt 101,2% kế hoạch, tăng 3,1% so với cùng kỳ năm trước."),
        "{all}"
    );
    assert!(
        all.contains("Toàn huyện thành lập mới 09 doanh nghiệp, đạt 20% kế hoạch"),
        "{all}"
    );
    assert!(
        all.contains("Giá trị xuất khẩu đạt 3,05 triệu USD"),
        "{all}"
    );
    for heading in [
        "I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ PHÁT TRIỂN KINH TẾ - XÃ HỘI QUÝ I NĂM 2023",
        "II. KẾT QUẢ THỰC HIỆN CÁC NHIỆM VỤ ĐƯỢC GIAO",
        "III. KHÓ KHĂN, VƯỚNG MẮC VÀ KIẾN NGHỊ, ĐỀ XUẤT",
        "IV. NHIỆM VỤ TRỌNG TÂM QUÝ II NĂM 2023",
    ] {
        assert!(texts.contains(&heading), "{heading} in {all}");
    }

    // Every figure source equals what the roll-up serves for that indicator and figure.
    let rollup = get(
        &http,
        format!("{url}/api/v1/rollups?unit={cam_thuy}&period=2023Q1"),
    )
    .await;
    let rows: HashMap<&str, &Value> = rollup["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["code"].as_str().expect("code"), r))
        .collect();
    let tasks = get(&http, format!("{url}/api/v1/tasks?as_of=2023-03-28")).await;
    let task_ids: Vec<&str> = tasks["items"]
        .as_array()
        .or(tasks.as_array())
        .expect("tasks")
        .iter()
        .filter_map(|t| t["id"].as_str())
        .collect();
    let recs = get(&http, format!("{url}/api/v1/recommendations")).await;
    let rec_ids: Vec<&str> = recs["items"]
        .as_array()
        .or(recs.as_array())
        .expect("recommendations")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();

    let mut traced = 0;
    let mut figures = 0;
    for b in blocks {
        let text = b["text"].as_str().expect("text");
        let sources = b["sources"].as_array().expect("sources");
        let mut printed: Vec<f64> = Vec::new();
        for s in sources {
            let href = s["href"].as_str().expect("href");
            if let Some(code) = href.split("indicator=").nth(1) {
                // "Diện tích … — % kế hoạch: 101,2"
                let label = s["label"].as_str().expect("label");
                let (kind, number) = label.rsplit_once(": ").expect("label with a number");
                let row = rows
                    .get(code)
                    .unwrap_or_else(|| panic!("{code} in the roll-up"));
                let field = match kind.rsplit(" — ").next().expect("kind") {
                    "số kỳ này" => "value",
                    "lũy kế từ đầu năm" => "ytd",
                    "kế hoạch năm" => "target",
                    "% kế hoạch" => "percent_of_plan",
                    "cùng kỳ năm trước" => "last_year",
                    "% so với cùng kỳ" => "change",
                    other => panic!("unknown figure kind {other}"),
                };
                let served = row[field]
                    .as_f64()
                    .unwrap_or_else(|| panic!("{code}.{field}"));
                let shown = value(number);
                let tolerance = if field.contains("percent") || field == "change" {
                    0.05
                } else {
                    1e-9
                };
                assert!(
                    (served.abs() - shown).abs() <= tolerance,
                    "{code}.{field}: draft {shown}, roll-up {served}"
                );
                printed.push(shown);
                figures += 1;
            } else if let Some(tid) = href.strip_prefix("/tasks/") {
                assert!(task_ids.contains(&tid), "task {tid} is a record");
            } else if let Some(rid) = href.strip_prefix("/recommendations#rec-") {
                assert!(rec_ids.contains(&rid), "recommendation {rid} is a record");
            } else if href.starts_with("/tasks?") {
                // "03 nhiệm vụ (3 bản ghi)": the count is the number of task records counted.
                let label = s["label"].as_str().expect("label");
                let n = value(label.split(' ').next().expect("count"));
                let records: f64 = label
                    .split('(')
                    .nth(1)
                    .and_then(|x| x.split(' ').next())
                    .map(value)
                    .expect("records");
                assert_eq!(n, records, "{label}");
                printed.push(n);
            }
        }
        if b["kind"] == "table" {
            for row in b["rows"].as_array().expect("rows") {
                let cells: Vec<&str> = row
                    .as_array()
                    .expect("cells")
                    .iter()
                    .map(|c| c.as_str().expect("cell"))
                    .collect();
                for cell in &cells[3..] {
                    if !cell.is_empty() {
                        assert!(
                            printed.iter().any(|p| (p - value(cell)).abs() < 1e-9),
                            "table cell {cell} of {} has a source",
                            cells[1]
                        );
                        traced += 1;
                    }
                }
            }
            continue;
        }
        // Every number in the words comes from a source of the block, or is part of the period's
        // name, a date or a deadline written in a task or recommendation record the block cites.
        let cites_record = sources.iter().any(|s| {
            let h = s["href"].as_str().unwrap_or("");
            h.starts_with("/tasks/") || h.starts_with("/recommendations")
        });
        // A heading's own number ("1. Nông, lâm, thủy sản") is the outline, not a figure.
        let words = if b["kind"] == "heading" {
            text.split_once(". ").map_or(text, |(_, rest)| rest)
        } else {
            text
        };
        for n in numbers(words) {
            let v = value(&n);
            if printed.iter().any(|p| (p - v).abs() < 1e-9) {
                traced += 1;
            } else {
                assert!(
                    n == "2023" || cites_record,
                    "«{n}» in «{text}» traces to no record"
                );
            }
        }
    }
    assert!(figures >= 10, "{figures} figures traced");
    assert!(traced >= 20, "{traced} numbers traced");

    // The office edits a paragraph; an edit on a stale version is refused and changes nothing.
    let v = report["version"].as_i64().expect("version");
    let mut edited: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
    edited[0] = "UBND huyện Cẩm Thủy báo cáo kết quả quý I năm 2023 như sau:".into();
    let edit = |version: i64, blocks: &Vec<String>| {
        json!({
            "version": version, "subject": report["subject"], "blocks": blocks,
            "number_line": "Số:     /BC-UBND", "place": "Cẩm Thủy",
            "authority_lines": ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], "signer_name": "Phạm Viết Hoài",
            "recipients": ["UBND tỉnh (b/c)", "Lưu: VT."]
        })
    };
    let r = http
        .put(format!("{url}/api/v1/period-reports/{id}"))
        .header("X-CSRF-Token", &token)
        .json(&edit(v, &edited))
        .send()
        .await
        .expect("edit");
    assert_eq!(r.status(), 200);
    let after: Value = r.json().await.expect("json");
    assert_eq!(after["blocks"][0]["edited"], true);
    assert_eq!(after["signer_name"], "Phạm Viết Hoài");
    let mut stale = edited.clone();
    stale[0] = "Bản sửa trên phiên bản cũ".into();
    let r = http
        .put(format!("{url}/api/v1/period-reports/{id}"))
        .header("X-CSRF-Token", &token)
        .json(&edit(v, &stale))
        .send()
        .await
        .expect("stale edit");
    assert_eq!(r.status(), 409);
    let now = get(&http, format!("{url}/api/v1/period-reports/{id}")).await;
    assert_eq!(now["blocks"][0]["text"], edited[0].as_str());
    let audit = get(&http, format!("{url}/api/v1/audit?entity=period_report")).await;
    assert!(audit.to_string().contains(&id), "the edit is audited");

    // Downloads: Word, PDF and Excel with Vietnamese file names.
    for (format, media, magic) in [
        ("docx", "wordprocessingml", b"PK".as_slice()),
        ("pdf", "application/pdf", b"%PDF".as_slice()),
        ("xlsx", "spreadsheetml", b"PK".as_slice()),
    ] {
        let r = http
            .get(format!(
                "{url}/api/v1/period-reports/{id}/document?format={format}"
            ))
            .send()
            .await
            .expect("download");
        assert_eq!(r.status(), 200, "{format}");
        let ct = r.headers()["content-type"].to_str().expect("ct").to_owned();
        assert!(ct.contains(media), "{format}: {ct}");
        let cd = r.headers()["content-disposition"]
            .to_str()
            .expect("cd")
            .to_owned();
        assert!(cd.contains("bao-cao-2023Q1"), "{cd}");
        assert!(cd.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o"), "{cd}");
        let bytes = r.bytes().await.expect("bytes");
        assert!(bytes.starts_with(magic), "{format}");
    }

    server.child.kill().ok();
}
