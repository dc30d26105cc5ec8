//! An issued notice takes no task, checked inside the write transaction (issue 21): whatever the
//! caller checked before, the store refuses it, and a task and an issue racing for the same notice
//! never leave a task added to an issued notice. On SQLite and, with GIAOBAN_TEST_DATABASE_URL,
//! on PostgreSQL.

use giaoban_domain::audit::AuditActor;
use giaoban_domain::conclusion::{ConclusionDraft, ConclusionInput};
use giaoban_domain::meeting::{MeetingDraft, MeetingInput};
use giaoban_domain::task::{TaskDraft, TaskInput};
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitInput};
use giaoban_storage::StoreError;
use giaoban_storage::tasks::TaskFilter;
use giaoban_storage::testing::TestDb;
use serde_json::json;

#[tokio::test]
async fn an_issued_notice_takes_no_task_even_in_a_race() {
    let db = TestDb::new().await;
    let store = &db.store;
    let sys = AuditActor::system("test");
    store
        .put_level(
            &sys,
            &AdminLevel::parse("huyen", 2, "Huyện", "District", None, None).expect("level"),
        )
        .await
        .expect("level");
    let ubnd = store
        .create_unit(
            &sys,
            &UnitDraft::parse(&UnitInput {
                kind: "district".into(),
                level: "huyen".into(),
                name: "Huyện Cẩm Thủy".into(),
                ..Default::default()
            })
            .expect("unit"),
        )
        .await
        .expect("unit")
        .id;
    let meeting: MeetingInput = serde_json::from_value(
        json!({"kind": "briefing", "title": "Giao ban", "date": "2023-03-24", "host_unit_id": ubnd.0}),
    )
    .expect("meeting");
    let m = store
        .create_meeting(&sys, &MeetingDraft::parse(&meeting).expect("meeting"), None)
        .await
        .expect("meeting");
    let mut rounds = 0;
    let mut added_after_issue = 0;
    for round in 0..20 {
        let notice: ConclusionInput = serde_json::from_value(json!({"meeting_id": m.id,
            "issuer_unit_id": ubnd.0, "title": format!("Kết luận {round}"),
            "signer_name": "Phạm Viết Hoài", "signer_title": "Chủ tịch"}))
        .expect("notice");
        let c = store
            .create_conclusion(&sys, &ConclusionDraft::parse(&notice).expect("notice"))
            .await
            .expect("notice");
        let input: TaskInput =
            serde_json::from_value(json!({"content": "Việc", "conclusion_id": c.id,
            "meeting_id": m.id, "assigner_unit_id": ubnd.0, "lead_unit_id": ubnd.0,
            "deadline": "thường xuyên"}))
            .expect("task");
        let draft = TaskDraft::parse(&input, jiff::civil::date(2023, 3, 24)).expect("task");
        // The task and the issue at the same time.
        let (task, issued) = tokio::join!(
            store.create_task(&sys, &draft),
            store.issue_conclusion(&sys, c.id, None, |_| Ok(jiff::civil::date(2023, 3, 28))),
        );
        assert!(issued.expect("issue").issued_on.is_some());
        let tasks = store
            .tasks(&TaskFilter {
                conclusion_id: Some(c.id),
                ..TaskFilter::default()
            })
            .await
            .expect("tasks");
        match task {
            // Added first (the issue waited for it on PostgreSQL): the notice was issued with it.
            Ok(_) => assert_eq!(tasks.len(), 1),
            Err(StoreError::Invalid(i)) => {
                assert_eq!(i.0[0].code, "conclusion.issued_frozen");
                assert!(tasks.is_empty());
            }
            Err(e) => panic!("{e}"),
        }
        // Afterwards, never.
        match store.create_task(&sys, &draft).await {
            Err(StoreError::Invalid(i)) => assert_eq!(i.0[0].code, "conclusion.issued_frozen"),
            other => {
                added_after_issue += 1;
                eprintln!("added to an issued notice: {other:?}");
            }
        }
        rounds += 1;
    }
    assert_eq!(added_after_issue, 0, "of {rounds} rounds");
}
