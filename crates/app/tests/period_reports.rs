//! The periodic reports' use cases (`giaoban_app::period_reports`) against a fresh store, on SQLite
//! or, with GIAOBAN_TEST_DATABASE_URL, PostgreSQL: a district drafts its quarter's report from its
//! tasks, edits it and exports it (Word, Excel); a commune or another district may neither draft
//! it nor read it.

mod common;

use common::{Fixture, assert_forbidden, assert_invalid, body};
use giaoban_app::period_reports::{self, ReportCreate, ReportEdit, ReportFormat};
use giaoban_app::work;
use serde_json::json;

/// A task of the district's UBND for its finance department, due in the first quarter of 2023.
async fn a_task_of_the_quarter(f: &Fixture) {
    let office = f.caller("office").await;
    work::create_task(
        &f.app,
        &office,
        &body(
            json!({"content": "Hoàn chỉnh dự thảo báo cáo kinh tế - xã hội Quý I",
                     "assigner_unit_id": f.units.ubnd.0, "lead_unit_id": f.units.tckh.0,
                     "deadline": "chậm nhất ngày 27/03/2023", "assigned_on": "2023-03-01"}),
        ),
    )
    .await
    .expect("task");
}

#[tokio::test]
async fn the_district_drafts_edits_and_exports_its_quarterly_report() {
    let f = Fixture::new().await;
    a_task_of_the_quarter(&f).await;
    let leader = f.caller("leader").await;
    let create: ReportCreate = body(json!({"period": "2023Q1", "as_of": "2023-03-31"}));
    let r = period_reports::create(&f.app, &leader, &create)
        .await
        .expect("draft");
    // With no unit named, the report is the leader's territory's.
    assert_eq!(r.unit_id, f.units.district.0);
    assert_eq!(r.period, "2023Q1");
    assert_eq!(r.place, "Cẩm Thủy");
    assert!(r.can_edit);
    assert!(!r.blocks.is_empty());

    // An edit that drops a block is refused; a whole one is kept.
    let mut edit = ReportEdit {
        version: r.version,
        subject: "Báo cáo tình hình kinh tế - xã hội quý I năm 2023".into(),
        blocks: r.blocks.iter().map(|b| b.text.clone()).collect(),
        number_line: "Số: 15/BC-UBND".into(),
        place: r.place.clone(),
        authority_lines: r.authority_lines.clone(),
        signer_name: "Lê Văn Hoa".into(),
        recipients: r.recipients.clone(),
    };
    let whole = edit.blocks.clone();
    edit.blocks.pop();
    assert_invalid(
        period_reports::edit(&f.app, &leader, r.id, &edit).await,
        "blocks.count",
    );
    edit.blocks = whole;
    let edited = period_reports::edit(&f.app, &leader, r.id, &edit)
        .await
        .expect("edit");
    assert_eq!(edited.number_line, "Số: 15/BC-UBND");
    assert_eq!(edited.version, r.version + 1);

    let docx = period_reports::file(&f.app, &leader, r.id, ReportFormat::Docx)
        .await
        .expect("docx");
    assert!(docx.bytes.starts_with(b"PK"), "a DOCX is a zip");
    assert_eq!(docx.ascii_name, "bao-cao-2023Q1-huyen-cam-thuy.docx");
    let xlsx = period_reports::file(&f.app, &leader, r.id, ReportFormat::Xlsx)
        .await
        .expect("xlsx");
    assert!(xlsx.bytes.starts_with(b"PK"), "an XLSX is a zip");
    assert!(xlsx.name.ends_with(".xlsx"), "{}", xlsx.name);

    // The office of the same district lists it; the other district does not.
    let office = f.caller("office").await;
    let listed = period_reports::list(&f.app, &office).await.expect("list");
    assert_eq!(listed.iter().map(|x| x.id).collect::<Vec<_>>(), [r.id]);
    let leader_bt = f.caller("leader_bt").await;
    assert!(
        period_reports::list(&f.app, &leader_bt)
            .await
            .expect("list")
            .is_empty()
    );
}

#[tokio::test]
async fn a_commune_neither_drafts_nor_reads_the_districts_report() {
    let f = Fixture::new().await;
    let leader = f.caller("leader").await;
    let r = period_reports::create(
        &f.app,
        &leader,
        &body(json!({"period": "2023Q1", "as_of": "2023-03-31"})),
    )
    .await
    .expect("draft");
    let camngoc = f.caller("camngoc").await;
    assert_forbidden(
        period_reports::create(
            &f.app,
            &camngoc,
            &body(json!({"unit_id": f.units.district.0, "period": "2023Q1"})),
        )
        .await,
    );
    assert_forbidden(period_reports::get(&f.app, &camngoc, r.id).await);
    assert_forbidden(period_reports::file(&f.app, &camngoc, r.id, ReportFormat::Docx).await);
    let leader_bt = f.caller("leader_bt").await;
    assert_forbidden(period_reports::get(&f.app, &leader_bt, r.id).await);
    // A commune drafts its own.
    let own = period_reports::create(
        &f.app,
        &camngoc,
        &body(json!({"period": "2023Q1", "as_of": "2023-03-31"})),
    )
    .await
    .expect("the commune's own report");
    assert_eq!(own.unit_id, f.units.cam_ngoc.0);
    // A period that is not one is refused with its field named.
    assert_invalid(
        period_reports::create(&f.app, &leader, &body(json!({"period": "2023Q5"}))).await,
        "period.invalid",
    );
}
