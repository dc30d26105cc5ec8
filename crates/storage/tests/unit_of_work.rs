//! A unit of work writes several records in one transaction: committed, all are there; dropped or
//! failed part-way, none is (issue 22). On SQLite and, with GIAOBAN_TEST_DATABASE_URL, on
//! PostgreSQL.

use giaoban_domain::audit::AuditActor;
use giaoban_domain::conclusion::{ConclusionDraft, ConclusionInput};
use giaoban_domain::meeting::{MeetingDraft, MeetingInput};
use giaoban_domain::task::{TaskDraft, TaskInput};
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput};
use giaoban_storage::audit::AuditFilter;
use giaoban_storage::tasks::TaskFilter;
use giaoban_storage::testing::TestDb;
use giaoban_storage::{Store, StoreError};
use serde_json::json;

async fn district(store: &Store, sys: &AuditActor) -> UnitId {
    store
        .put_level(
            sys,
            &AdminLevel::parse("huyen", 2, "Huyện", "District", None, None).expect("level"),
        )
        .await
        .expect("level");
    store
        .create_unit(
            sys,
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
        .id
}

fn meeting(ubnd: UnitId) -> MeetingDraft {
    let input: MeetingInput = serde_json::from_value(
        json!({"kind": "briefing", "title": "Giao ban", "date": "2023-03-24", "host_unit_id": ubnd.0}),
    )
    .expect("meeting");
    MeetingDraft::parse(&input).expect("meeting")
}

fn task(ubnd: UnitId, meeting_id: uuid::Uuid, parent: Option<uuid::Uuid>) -> TaskDraft {
    let input: TaskInput = serde_json::from_value(json!({"content": "Rà soát tiêu chí",
        "assigner_unit_id": ubnd.0, "lead_unit_id": ubnd.0, "meeting_id": meeting_id,
        "parent_id": parent, "deadline": "chậm nhất ngày 31/03/2023"}))
    .expect("task");
    TaskDraft::parse(&input, jiff::civil::date(2023, 3, 24)).expect("task")
}

async fn audits(store: &Store) -> usize {
    store
        .audit_entries(&AuditFilter {
            limit: 500,
            ..AuditFilter::default()
        })
        .await
        .expect("audit")
        .len()
}

async fn counts(store: &Store) -> (usize, usize, usize) {
    let meetings = store.meetings().await.expect("meetings").len();
    let notices = store.conclusions().await.expect("notices").len();
    let tasks = store
        .tasks(&TaskFilter::default())
        .await
        .expect("tasks")
        .len();
    (meetings, notices, tasks)
}

#[tokio::test]
async fn a_unit_of_work_is_all_or_nothing() {
    let db = TestDb::new().await;
    let store = &db.store;
    let sys = AuditActor::system("test");
    let ubnd = district(store, &sys).await;
    let audits_before = audits(store).await;

    // Failed part-way: the meeting, its notice and the first task were written in the unit, the
    // second task is refused by the store (unknown parent) — nothing stays, not even the audit.
    let mut uow = store.begin().await.expect("begin");
    let m = uow
        .create_meeting(&sys, &meeting(ubnd), None)
        .await
        .expect("meeting");
    let notice: ConclusionInput = serde_json::from_value(json!({"meeting_id": m.id,
        "issuer_unit_id": ubnd.0, "title": "Kết luận", "signer_name": "Phạm Viết Hoài",
        "signer_title": "Chủ tịch"}))
    .expect("notice");
    uow.create_conclusion(&sys, &ConclusionDraft::parse(&notice).expect("notice"))
        .await
        .expect("notice");
    uow.create_task(&sys, &task(ubnd, m.id, None))
        .await
        .expect("first task");
    let refused = uow
        .create_task(&sys, &task(ubnd, m.id, Some(uuid::Uuid::now_v7())))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    drop(uow);
    assert_eq!(counts(store).await, (0, 0, 0));
    assert_eq!(audits(store).await, audits_before);

    // The store answers writes after a dropped unit (SQLite: the writers' turn was given back).
    let one = store
        .create_meeting(&sys, &meeting(ubnd), None)
        .await
        .expect("a single write after a dropped unit");
    assert_eq!(counts(store).await, (1, 0, 0));

    // Committed: all of it.
    let mut uow = store.begin().await.expect("begin");
    let m = uow
        .create_meeting(&sys, &meeting(ubnd), None)
        .await
        .expect("meeting");
    for _ in 0..3 {
        uow.create_task(&sys, &task(ubnd, m.id, None))
            .await
            .expect("task");
    }
    uow.commit().await.expect("commit");
    assert_eq!(counts(store).await, (2, 0, 3));
    assert_ne!(one.id, m.id);
}
