//! A unit of work writes several records in one transaction: committed, all are there; dropped or
//! failed part-way, none is (issue 22). On SQLite and, with GIAOBAN_TEST_DATABASE_URL, on
//! PostgreSQL.

use std::collections::BTreeMap;

use giaoban_domain::audit::AuditActor;
use giaoban_domain::channel::MessageKind;
use giaoban_domain::conclusion::{ConclusionDraft, ConclusionInput};
use giaoban_domain::deadline::SubmissionRule;
use giaoban_domain::indicator::{BUNDLED_CATALOG, Figure, IndicatorCode, parse_catalog};
use giaoban_domain::meeting::{MeetingDraft, MeetingInput};
use giaoban_domain::period::{Period, PeriodKind, WindowRule};
use giaoban_domain::report::{
    EnteredValue, FormDefinition, FormInput, FormItem, SubmissionAction, SubmissionStatus,
};
use giaoban_domain::task::{TaskDraft, TaskInput};
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput, UnitKind};
use giaoban_storage::audit::AuditFilter;
use giaoban_storage::messages::NewMessage;
use giaoban_storage::tasks::TaskFilter;
use giaoban_storage::testing::TestDb;
use giaoban_storage::{Conflict, Store, StoreError};
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

/// A message of a report action to `to`.
fn report_message(to: UnitId, key: &str) -> NewMessage {
    NewMessage {
        unit_id: to,
        kind: MessageKind::ReportSubmitted,
        event_key: key.to_owned(),
        subject: "[giaoban] Báo cáo đã gửi".into(),
        body: "Xã Cẩm Tân đã gửi báo cáo.".into(),
        link: "/reports".into(),
        deliveries: Vec::new(),
    }
}

#[tokio::test]
async fn a_report_action_is_kept_only_with_its_messages() {
    let db = TestDb::new().await;
    let store = &db.store;
    let sys = AuditActor::system("test");
    let district = district(store, &sys).await;
    store
        .put_level(
            &sys,
            &AdminLevel::parse("xa", 3, "Xã", "Commune", None, None).expect("level"),
        )
        .await
        .expect("level");
    let commune = store
        .create_unit(
            &sys,
            &UnitDraft::parse(&UnitInput {
                kind: "commune".into(),
                level: "xa".into(),
                name: "Xã Cẩm Tân".into(),
                parent_id: Some(district),
                ..Default::default()
            })
            .expect("unit"),
        )
        .await
        .expect("unit")
        .id;
    let drafts = parse_catalog(BUNDLED_CATALOG).expect("catalog");
    store.load_catalog(&sys, &drafts).await.expect("catalog");
    let code = IndicatorCode::parse("DN_THANH_LAP_MOI").expect("code");
    let def = FormDefinition::parse(
        &FormInput {
            code: "KTXH_THANG_XA".into(),
            name_vi: "Báo cáo KT-XH tháng (xã)".into(),
            name_en: String::new(),
            period_kind: PeriodKind::Month,
            window_rule: WindowRule::Decree09,
            submission_rule: SubmissionRule::WorkingDaysAfterWindow {
                days: 2,
                time: None,
            },
            reporter_kinds: vec![UnitKind::Commune],
            items: vec![FormItem {
                code: code.clone(),
                required: false,
            }],
            sections: vec![],
            rules: vec![],
            reminder_days: vec![],
        },
        &store.indicators().await.expect("indicators"),
    )
    .expect("form");
    let form = store.create_form(&sys, &def).await.expect("form");
    let values: BTreeMap<IndicatorCode, EnteredValue> =
        [(code, EnteredValue::Figure(Figure::from_int(9).expect("9")))].into();
    let draft = store
        .save_submission(
            &sys,
            &form,
            commune,
            Period::month(2023, 3).expect("period"),
            &values,
            &BTreeMap::new(),
            None,
        )
        .await
        .expect("draft");
    let audits_before = audits(store).await;

    // The report is sent in the unit, then its message cannot be written (to a unit that does
    // not exist): the sending is undone with it — status, figures counted, audit.
    let mut uow = store.begin().await.expect("begin");
    let sent = uow
        .act_on_submission(
            &sys,
            draft.id,
            &SubmissionAction::Submit,
            draft.version,
            jiff::Timestamp::now(),
        )
        .await
        .expect("submit");
    assert_eq!(sent.status, SubmissionStatus::Submitted);
    let refused = uow
        .add_messages(&[report_message(
            UnitId(uuid::Uuid::now_v7()),
            "report_submitted:x:v2",
        )])
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(Conflict::InUse))),
        "{refused:?}"
    );
    drop(uow);
    let after = store.submission(draft.id).await.expect("submission");
    assert_eq!(after.status, SubmissionStatus::Draft);
    assert_eq!(after.version, draft.version);
    assert_eq!(after.first_sent_at, None);
    assert!(store.all_aggregates().await.expect("aggregates").is_empty());
    assert_eq!(audits(store).await, audits_before);
    assert!(
        store
            .messages_for(&[district, commune], 10)
            .await
            .expect("messages")
            .is_empty()
    );

    // With a message that can be written, the action and its message are kept together.
    let mut uow = store.begin().await.expect("begin");
    let sent = uow
        .act_on_submission(
            &sys,
            draft.id,
            &SubmissionAction::Submit,
            draft.version,
            jiff::Timestamp::now(),
        )
        .await
        .expect("submit");
    let written = uow
        .add_messages(&[report_message(district, "report_submitted:y:v2")])
        .await
        .expect("message");
    uow.commit().await.expect("commit");
    assert_eq!(written.len(), 1);
    let after = store.submission(draft.id).await.expect("submission");
    assert_eq!(after, sent);
    assert_eq!(after.status, SubmissionStatus::Submitted);
    assert!(!store.all_aggregates().await.expect("aggregates").is_empty());
    let told = store.messages_for(&[district], 10).await.expect("messages");
    assert_eq!(told.len(), 1);
    assert_eq!(told[0].id, written[0]);
}
