//! The review-and-direction cycle's use cases (`giaoban_app::work`) against a fresh store, on
//! SQLite or, with GIAOBAN_TEST_DATABASE_URL, PostgreSQL: who may assign a task to whom, a
//! meeting's notice and tasks on the board, an issued notice frozen and exported, an extension
//! asked and decided, and reminders recorded once.

mod common;

use common::{Fixture, assert_forbidden, assert_invalid, assert_not_found, body, in_days};
use giaoban_app::work::{self, DecisionWrite, ExtensionWrite, NoticeFormat, TaskQuery};
use giaoban_domain::Lang;
use giaoban_domain::conclusion::ConclusionStatus;
use giaoban_domain::task::{Task, TaskId};
use giaoban_domain::unit::UnitId;
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

/// A task assigned by `assigner`, led by `lead`, due as `deadline` says, by `who`.
async fn task(
    f: &Fixture,
    who: &str,
    assigner: UnitId,
    lead: UnitId,
    deadline: &str,
) -> Result<Task, giaoban_app::Error> {
    let me = f.caller(who).await;
    work::create_task(
        &f.app,
        &me,
        &body(json!({
            "content": format!("Nhiệm vụ của {who} hạn {deadline}"),
            "assigner_unit_id": assigner.0,
            "lead_unit_id": lead.0,
            "deadline": deadline,
        })),
    )
    .await
}

async fn listed_ids(f: &Fixture, who: &str) -> Vec<Uuid> {
    let me = f.caller(who).await;
    let (list, _) = work::list_tasks(&f.app, &me, &TaskQuery::default(), Lang::Vi)
        .await
        .expect("list");
    list.iter().map(|l| l.task.id.0).collect()
}

#[tokio::test]
async fn a_commune_assigns_to_itself_and_never_to_another_commune() {
    let f = Fixture::new().await;
    let u = f.units;
    let due = in_days(20);
    let own = task(&f, "camngoc", u.cam_ngoc, u.cam_ngoc, &due)
        .await
        .expect("a commune's own task");
    assert_eq!(own.lead_unit_id, u.cam_ngoc);
    // Led by the neighbour, or assigned in the district's name: both refused.
    assert_forbidden(task(&f, "camngoc", u.cam_ngoc, u.cam_tan, &due).await);
    assert_forbidden(task(&f, "camngoc", u.ubnd, u.cam_ngoc, &due).await);
    // The district's office assigns to either commune.
    let theirs = task(&f, "office", u.ubnd, u.cam_tan, &due)
        .await
        .expect("the district assigns");
    // Each commune reads its own task only.
    assert_eq!(listed_ids(&f, "camngoc").await, vec![own.id.0]);
    assert_eq!(listed_ids(&f, "camtan").await, vec![theirs.id.0]);
    let camtan = f.caller("camtan").await;
    assert_forbidden(work::readable_task(&f.app, &camtan, own.id).await);
    // The other district's leader sees neither.
    assert!(listed_ids(&f, "leader_bt").await.is_empty());
}

/// The office's meeting of 24/03/2023 (the commune of Cẩm Ngọc invited) and its draft notice.
async fn meeting_and_notice(f: &Fixture) -> (Uuid, Uuid) {
    let office = f.caller("office").await;
    let m = work::create_meeting(
        &f.app,
        &office,
        &body(json!({
            "kind": "briefing", "title": "Giao ban tháng 3/2023", "date": "2023-03-24",
            "host_unit_id": f.units.ubnd.0, "invited_unit_ids": [f.units.cam_ngoc.0],
        })),
    )
    .await
    .expect("meeting");
    let c = work::create_conclusion(
        &f.app,
        &office,
        &body(json!({
            "meeting_id": m.id, "issuer_unit_id": f.units.ubnd.0,
            "title": "Kết luận của Chủ tịch UBND huyện tại cuộc họp giao ban tháng 3/2023",
            "signer_name": "Lê Văn Hoa", "signer_title": "Chánh Văn phòng",
        })),
    )
    .await
    .expect("notice");
    (m.id, c.id)
}

async fn notice_task(f: &Fixture, notice: Uuid, lead: UnitId, deadline: &str) -> Task {
    let office = f.caller("office").await;
    work::create_task(
        &f.app,
        &office,
        &body(json!({
            "content": format!("Nhiệm vụ theo thông báo, hạn {deadline}"),
            "conclusion_id": notice, "assigner_unit_id": f.units.ubnd.0,
            "lead_unit_id": lead.0, "deadline": deadline, "assigned_on": "24/03/2023",
        })),
    )
    .await
    .expect("task of the notice")
}

#[tokio::test]
async fn a_meetings_notice_and_tasks_show_on_the_board() {
    let f = Fixture::new().await;
    let u = f.units;
    let (meeting, notice) = meeting_and_notice(&f).await;
    // A commune neither holds the district's meeting nor concludes it.
    let camngoc = f.caller("camngoc").await;
    assert_forbidden(
        work::create_meeting(
            &f.app,
            &camngoc,
            &body(
                json!({"kind": "briefing", "title": "Họp", "date": "2023-03-24",
                         "host_unit_id": u.ubnd.0}),
            ),
        )
        .await,
    );
    assert_forbidden(
        work::create_conclusion(
            &f.app,
            &camngoc,
            &body(json!({"meeting_id": meeting, "issuer_unit_id": u.ubnd.0,
                         "title": "Kết luận"})),
        )
        .await,
    );
    // The invited commune reads the meeting; the other commune does not.
    let listed = |v: Vec<work::MeetingView>| v.iter().any(|m| m.id == meeting);
    assert!(listed(
        work::list_meetings(&f.app, &camngoc, Lang::Vi)
            .await
            .expect("meetings")
    ));
    let camtan = f.caller("camtan").await;
    assert!(!listed(
        work::list_meetings(&f.app, &camtan, Lang::Vi)
            .await
            .expect("meetings")
    ));

    let late = notice_task(&f, notice, u.tckh, "chậm nhất ngày 27/03/2023").await;
    let done = notice_task(&f, notice, u.cam_ngoc, "chậm nhất ngày 30/04/2023").await;
    assert_eq!(
        late.meeting_id,
        Some(meeting),
        "a notice's task takes its meeting"
    );
    // Only the lead reports on a task: the commune's report on finance's task is refused.
    let report = body(json!({"note": "Đã hoàn thành", "completed": true}));
    assert_forbidden(work::report_progress(&f.app, &camngoc, late.id, &report).await);
    work::report_progress(&f.app, &camngoc, done.id, &report)
        .await
        .expect("the commune completes its task");

    let leader = f.caller("leader").await;
    let q = TaskQuery {
        conclusion: Some(notice),
        ..TaskQuery::default()
    };
    let board = work::board(&f.app, &leader, &q, Lang::Vi)
        .await
        .expect("board");
    let progress = board
        .conclusions
        .iter()
        .find(|c| c.conclusion_id == notice)
        .expect("the notice's line");
    assert_eq!(
        (
            progress.total,
            progress.completed,
            progress.overdue,
            progress.percent_done
        ),
        (2, 1, 1, 50)
    );
    assert_eq!(board.overdue_total, 1);
    assert_eq!(board.overdue[0].id, late.id.0);
    assert_eq!(
        board.totals.get("completed_late"),
        Some(&1),
        "{:?}",
        board.totals
    );
    // The other commune's board has nothing of the notice.
    let theirs = work::board(&f.app, &camtan, &q, Lang::Vi)
        .await
        .expect("board");
    assert!(theirs.conclusions.is_empty(), "{:?}", theirs.conclusions);
    assert_eq!(theirs.overdue_total, 0);
}

#[tokio::test]
async fn an_issued_notice_is_frozen_and_exported_to_those_it_concerns() {
    let f = Fixture::new().await;
    let u = f.units;
    let (_, notice) = meeting_and_notice(&f).await;
    notice_task(&f, notice, u.tckh, "chậm nhất ngày 27/03/2023").await;
    let office = f.caller("office").await;
    let camngoc = f.caller("camngoc").await;
    // Only the issuer's people issue it.
    assert_forbidden(
        work::issue_conclusion(
            &f.app,
            &camngoc,
            notice,
            &body(json!({"issued_on": "2023-03-28"})),
        )
        .await,
    );
    let issued = work::issue_conclusion(
        &f.app,
        &office,
        notice,
        &body(json!({"issued_on": "2023-03-28"})),
    )
    .await
    .expect("issue");
    assert_eq!(issued.status, ConclusionStatus::Issued);
    assert_eq!(
        issued.number.as_ref().map(|n| n.display()).as_deref(),
        Some("1/TB-UBND")
    );
    // Nothing is added to an issued notice.
    let more = work::create_task(
        &f.app,
        &office,
        &body(json!({
            "content": "Thêm nhiệm vụ", "conclusion_id": notice,
            "assigner_unit_id": u.ubnd.0, "lead_unit_id": u.tckh.0,
            "deadline": "chậm nhất ngày 30/04/2023",
        })),
    )
    .await;
    assert_invalid(more, "conclusion.issued_frozen");
    // The notice as Word; a commune with no part in it may not have it.
    let file = work::notice_file(&f.app, &office, notice, NoticeFormat::Docx)
        .await
        .expect("docx");
    assert!(file.bytes.starts_with(b"PK"), "a DOCX is a zip");
    assert_eq!(file.ascii_name, "thong-bao-1-TB-UBND.docx");
    let tckh = f.caller("tckh").await;
    work::notice_file(&f.app, &tckh, notice, NoticeFormat::Docx)
        .await
        .expect("the lead of one of its tasks reads it");
    let camtan = f.caller("camtan").await;
    assert_forbidden(work::notice_file(&f.app, &camtan, notice, NoticeFormat::Docx).await);
}

#[tokio::test]
async fn an_extension_is_asked_by_the_lead_and_decided_by_the_assigner() {
    let f = Fixture::new().await;
    let u = f.units;
    let t = task(&f, "office", u.ubnd, u.tckh, &in_days(10))
        .await
        .expect("task");
    let ask: ExtensionWrite = body(json!({
        "new_due": in_days(30), "reason": "Chờ số liệu quyết toán của Kho bạc"
    }));
    let camngoc = f.caller("camngoc").await;
    assert_forbidden(work::request_extension(&f.app, &camngoc, t.id, &ask).await);
    let tckh = f.caller("tckh").await;
    let asked = work::request_extension(&f.app, &tckh, t.id, &ask)
        .await
        .expect("the lead asks");
    assert!(asked.pending_extension.is_some());

    let approve: DecisionWrite = body(json!({"approve": true, "note": "Đồng ý"}));
    // The unit that asked never decides; nor does another district's leader.
    assert_forbidden(work::decide_extension(&f.app, &tckh, t.id, &approve).await);
    let leader_bt = f.caller("leader_bt").await;
    assert_forbidden(work::decide_extension(&f.app, &leader_bt, t.id, &approve).await);
    let leader = f.caller("leader").await;
    let decided = work::decide_extension(&f.app, &leader, t.id, &approve)
        .await
        .expect("the assigner's leader decides");
    assert!(decided.pending_extension.is_none());
    assert_eq!(decided.extension.and_then(|e| e.approved), Some(true));
    let detail = work::task_detail(&f.app, &tckh, t.id, None, Lang::Vi)
        .await
        .expect("detail");
    assert_eq!(detail.task.due_date.as_deref(), Some(in_days(30).as_str()));
    assert!(detail.task.extended);
}

#[tokio::test]
async fn reminders_are_recorded_once_for_the_lead_unit() {
    let f = Fixture::new().await;
    let u = f.units;
    let t = task(&f, "office", u.ubnd, u.tckh, &in_days(3))
        .await
        .expect("task");
    let now = Timestamp::now();
    let first = work::send_reminders(f.store(), &f.app.channels, now)
        .await
        .expect("sweep");
    assert_eq!((first.tasks_checked, first.notifications), (1, 1));
    assert_eq!(first.deliveries, 0, "no channel: kept in the app");
    let again = work::send_reminders(f.store(), &f.app.channels, now)
        .await
        .expect("sweep");
    assert_eq!(again.notifications, 0, "a reminder is recorded once");

    let tckh = f.caller("tckh").await;
    let mine = work::notifications(&f.app, &tckh, Lang::Vi)
        .await
        .expect("notifications");
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].task_id, t.id.0);
    assert_eq!(mine[0].kind, "days_before3");
    let camngoc = f.caller("camngoc").await;
    assert!(
        work::notifications(&f.app, &camngoc, Lang::Vi)
            .await
            .expect("notifications")
            .is_empty()
    );
    // A task unknown is not found, not forbidden.
    assert_not_found(work::readable_task(&f.app, &tckh, TaskId(Uuid::now_v7())).await);
}
