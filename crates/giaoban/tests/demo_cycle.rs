//! The demo's meetings and tasks, built from the seeds, seen through the API as a person would:
//! as of 28/03/2023 the finance department's task from seed 004 is overdue, and seed 003's weekly
//! Thursday-17:00 obligation is tracked one occurrence per week.

use std::collections::BTreeSet;

mod common;

use common::{get, sign_in};

#[tokio::test]
async fn demo_tasks_from_the_seeds_as_of_28_march_2023() {
    let dir = tempfile::tempdir().expect("dir");
    let mut server = common::start(&dir.path().join("demo"));

    // Seed 004: the finance department sees its two assignments; the first is overdue.
    let fin = sign_in(&server, "camthuy.tckh").await;
    let list = get(
        &fin,
        format!("{}/api/v1/tasks?as_of=2023-03-28", server.url),
    )
    .await;
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "{list:#}");
    let report = items
        .iter()
        .find(|t| t["deadline_label"] == "chậm nhất ngày 27/03/2023")
        .expect("the task due 27/03/2023");
    assert_eq!(report["status"], "overdue");
    assert_eq!(report["days_late"], 1);
    assert_eq!(report["lead"]["name"], "Phòng Tài chính - Kế hoạch");
    assert_eq!(report["rights"]["report_completion"], true);
    // The day before, the same task was still within its deadline (due soon).
    let before = get(
        &fin,
        format!("{}/api/v1/tasks?as_of=2023-03-26", server.url),
    )
    .await;
    let same = before["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["id"] == report["id"])
        .expect("same task");
    assert_eq!(same["status"], "due_soon");

    // The Chairman sees every assignment of the notice, and the notice numbered 1/TB-UBND.
    let chair = sign_in(&server, "camthuy.chutich").await;
    let notice_id = report["conclusion_id"].as_str().expect("from the notice");
    let notice = get(
        &chair,
        format!("{}/api/v1/conclusions/{notice_id}", server.url),
    )
    .await;
    assert_eq!(notice["conclusion"]["number"], "1/TB-UBND");
    assert_eq!(notice["conclusion"]["status"], "issued");
    let leads: BTreeSet<&str> = notice["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| t["lead"]["name"].as_str().expect("lead"))
        .collect();
    for dept in [
        "Phòng Tài chính - Kế hoạch",
        "Phòng Kinh tế và Hạ tầng",
        "Phòng Nông nghiệp và Phát triển nông thôn",
    ] {
        assert!(leads.contains(dept), "{dept} in {leads:?}");
    }
    assert!(
        leads.iter().any(|l| l.starts_with("Công an")),
        "police in {leads:?}"
    );

    // Seed 003: the Thursday 17:00 obligation, one occurrence per week.
    let th = sign_in(&server, "thachha.chutich").await;
    let list = get(&th, format!("{}/api/v1/tasks?as_of=2023-03-28", server.url)).await;
    let weekly = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["deadline_label"] == "trước 17h00 thứ Năm hàng tuần")
        .expect("weekly Thursday obligation");
    let id = weekly["id"].as_str().expect("id");
    let detail = get(
        &th,
        format!("{}/api/v1/tasks/{id}?as_of=2023-03-28", server.url),
    )
    .await;
    let occ = detail["occurrences"].as_array().expect("occurrences");
    let periods: BTreeSet<&str> = occ
        .iter()
        .map(|o| o["period"].as_str().expect("period"))
        .collect();
    assert_eq!(periods.len(), occ.len(), "one occurrence per week");
    // From the week of 08/04/2021 to the week of 30/03/2023 (the next one due): 104 Thursdays.
    assert_eq!(occ.len(), 104);
    assert!(occ.iter().all(|o| {
        o["due_label"]
            .as_str()
            .is_some_and(|l| l.starts_with("trước 17h00 ngày"))
    }));
    let dates: Vec<jiff::civil::Date> = occ
        .iter()
        .map(|o| o["due_date"].as_str().expect("date").parse().expect("iso"))
        .collect();
    assert!(
        dates
            .iter()
            .all(|d| d.weekday() == jiff::civil::Weekday::Thursday)
    );
    assert!(
        dates
            .windows(2)
            .all(|w| (w[0] - w[1]).get_days() == 7 || (w[1] - w[0]).get_days() == 7),
        "a week apart"
    );
    let status_of = |p: &str| {
        occ.iter()
            .find(|o| o["period"] == p)
            .map(|o| o["status"].as_str().expect("status").to_owned())
    };
    assert_eq!(status_of("2021W14").as_deref(), Some("completed_on_time"));
    assert_eq!(status_of("2021W16").as_deref(), Some("completed_late"));
    assert_eq!(status_of("2023W13").as_deref(), Some("due_soon"));
    assert_eq!(status_of("2023W12").as_deref(), Some("overdue"));

    // A commune user of Cẩm Thủy sees none of Thạch Hà's tasks, and not the finance task.
    let commune = sign_in(&server, "camngoc").await;
    let r = commune
        .get(format!(
            "{}/api/v1/tasks/{}",
            server.url,
            report["id"].as_str().expect("id")
        ))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 403);

    // The notice out as files, from the command line (while the server runs).
    let demo = dir.path().join("demo");
    let export = |notice: &str, account: &str, format: &str, out: &std::path::Path| {
        std::process::Command::new(common::BIN)
            .args([
                "export", "notice", notice, "--as", account, "--format", format,
            ])
            .arg("--out")
            .arg(out)
            .env("GIAOBAN_DATA_DIR", &demo)
            .env_remove("GIAOBAN_DATABASE_URL")
            .output()
            .expect("export")
    };
    for (format, magic) in [("pdf", &b"%PDF"[..]), ("docx", &b"PK"[..])] {
        let out = dir.path().join(format!("thong-bao.{format}"));
        let done = export(notice_id, "camthuy.chutich", format, &out);
        assert!(done.status.success(), "export {format}: {done:?}");
        let bytes = std::fs::read(&out).expect("file");
        assert!(bytes.starts_with(magic), "{format}");
    }
    // The command line acts as a named person with that person's access: Thạch Hà's chair may not
    // take Cẩm Thủy's notice out, and nothing is written.
    let refused = dir.path().join("not-mine.pdf");
    let out = export(notice_id, "thachha.chutich", "pdf", &refused);
    assert!(
        !out.status.success(),
        "another district's chair exported the notice"
    );
    assert!(!refused.exists());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("không có quyền"), "{said}");
    // An unknown account is named, not taken for a missing notice.
    let out = export(
        notice_id,
        "khong.co.ai",
        "pdf",
        &dir.path().join("nobody.pdf"),
    );
    assert!(!out.status.success());
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("«khong.co.ai»"), "{said}");
    // An unknown notice: a message, not a panic.
    let unknown = "01800000-0000-7000-8000-000000000000";
    let out = export(
        unknown,
        "camthuy.chutich",
        "pdf",
        &dir.path().join("none.pdf"),
    );
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));

    let _ = server.child.kill();
    let _ = server.child.wait();
}
