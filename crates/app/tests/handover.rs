//! Bàn giao (issue 24) against a fresh store, on SQLite or, with GIAOBAN_TEST_DATABASE_URL,
//! PostgreSQL: the fixture's district is reorganised as on 01/07/2025 (the district, its UBND and
//! its finance department end on 30/06/2025 with no successor; Cẩm Ngọc and Cẩm Tân are merged
//! into the new commune Cẩm Tú under the province); the province office hands over what they held.

mod common;

use common::{Fixture, assert_forbidden, assert_invalid, body, in_days};
use giaoban_app::handover::{self, HandoverBulk, HandoverOne, HandoverTarget};
use giaoban_app::work::{self, TaskQuery};
use giaoban_app::{Error, reports};
use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::task::TaskId;
use giaoban_domain::unit::{UnitDraft, UnitId, UnitInput};
use giaoban_domain::user::NewUser;
use giaoban_storage::{Conflict, StoreError};
use serde_json::json;
use uuid::Uuid;

/// The units the reorganisation adds.
struct Reorg {
    cam_tu: UnitId,
    so_tai_chinh: UnitId,
    other_commune: UnitId,
}

async fn new_unit(
    f: &Fixture,
    kind: &str,
    level: &str,
    name: &str,
    parent: UnitId,
    from: Option<&str>,
) -> UnitId {
    let d = UnitDraft::parse(&UnitInput {
        kind: kind.into(),
        level: level.into(),
        name: name.into(),
        parent_id: Some(parent),
        active_from: from.map(Into::into),
        ..Default::default()
    })
    .expect("draft");
    f.store()
        .create_unit(&AuditActor::system("test"), &d)
        .await
        .expect("unit")
        .id
}

/// Ends `id` on 30/06/2025, merged into `into` when given.
async fn end(f: &Fixture, id: UnitId, into: Option<UnitId>) {
    let u = f.store().unit(id).await.expect("unit");
    let d = UnitDraft::parse(&UnitInput {
        key: u.key.clone(),
        kind: u.kind.code().into(),
        level: u.level.as_str().into(),
        name: u.name.clone(),
        admin_code: u.admin_code.clone(),
        parent_id: u.parent_id,
        active_to: Some("2025-06-30".into()),
        merged_into: into,
        ..Default::default()
    })
    .expect("draft");
    f.store()
        .update_unit(&AuditActor::system("test"), id, &d, None)
        .await
        .expect("ended");
}

/// The 2025 reorganisation of the fixture, with the province office's user `office_tinh` (at the
/// Văn phòng UBND tỉnh) and another province's commune (out of its scope).
async fn reorganise(f: &Fixture) -> Reorg {
    let u = f.units;
    let cam_tu = new_unit(
        f,
        "commune",
        "xa",
        "Xã Cẩm Tú",
        u.province,
        Some("2025-07-01"),
    )
    .await;
    let so_tai_chinh = new_unit(f, "department", "tinh", "Sở Tài chính", u.province, None).await;
    let vp = new_unit(
        f,
        "department",
        "tinh",
        "Văn phòng UBND tỉnh",
        u.province,
        None,
    )
    .await;
    let d = UnitDraft::parse(&UnitInput {
        kind: "province".into(),
        level: "tinh".into(),
        name: "Tỉnh Nghệ An".into(),
        ..Default::default()
    })
    .expect("draft");
    let nghe_an = f
        .store()
        .create_unit(&AuditActor::system("test"), &d)
        .await
        .expect("province")
        .id;
    let other_commune = new_unit(f, "commune", "xa", "Xã Nghi Lộc", nghe_an, None).await;
    end(f, u.cam_ngoc, Some(cam_tu)).await;
    end(f, u.cam_tan, Some(cam_tu)).await;
    end(f, u.tckh, None).await;
    end(f, u.ubnd, None).await;
    end(f, u.district, None).await;
    let hash = giaoban_app::passwords::hash_password("Mật khẩu thử nghiệm 2023").expect("hash");
    let new = NewUser::parse("office_tinh", "Văn phòng tỉnh", None, "office", vp).expect("user");
    f.store()
        .create_user(&AuditActor::system("test"), &new, &hash, false)
        .await
        .expect("user");
    Reorg {
        cam_tu,
        so_tai_chinh,
        other_commune,
    }
}

/// The tasks the district's office assigned before the reorganisation.
struct Held {
    /// Led by Cẩm Ngọc, with the finance department coordinating.
    a: Uuid,
    /// Led by the finance department.
    b: Uuid,
    /// Recurring, led by Cẩm Tân.
    weekly: Uuid,
    /// Led by Cẩm Ngọc and completed: nothing to hand over.
    done: Uuid,
    /// The district's own report form.
    form: Uuid,
}

async fn assign(f: &Fixture, lead: UnitId, coordinating: &[UnitId], deadline: &str) -> Uuid {
    let office = f.caller("office").await;
    let coordinating: Vec<Uuid> = coordinating.iter().map(|u| u.0).collect();
    work::create_task(
        &f.app,
        &office,
        &body(json!({
            "content": format!("Rà soát hồ sơ, hạn {deadline}"),
            "assigner_unit_id": f.units.ubnd.0,
            "lead_unit_id": lead.0,
            "coordinating_unit_ids": coordinating,
            "deadline": deadline,
        })),
    )
    .await
    .expect("task")
    .id
    .0
}

async fn held(f: &Fixture) -> Held {
    let u = f.units;
    let due = in_days(30);
    let a = assign(f, u.cam_ngoc, &[u.tckh], &due).await;
    let b = assign(f, u.tckh, &[], &due).await;
    let weekly = assign(f, u.cam_tan, &[], "trước 17h thứ Năm hàng tuần").await;
    let done = assign(f, u.cam_ngoc, &[], &due).await;
    let camngoc = f.caller("camngoc").await;
    work::report_progress(
        &f.app,
        &camngoc,
        TaskId(done),
        &body(json!({"completed": true, "note": "Đã xong"})),
    )
    .await
    .expect("completed");
    f.load_catalog().await;
    let office = f.caller("office").await;
    let form = reports::create_form(
        &f.app,
        &office,
        &body(json!({
            "code": "BC_HUYEN_CAM_THUY", "name_vi": "Báo cáo NTM của huyện",
            "period_kind": "quarter", "window_rule": "decree09",
            "submission_rule": {"rule": "working_days_after_window", "days": 2},
            "reporter_kinds": ["commune"],
            "items": [{"code": "NTM_DAT_CHUAN"}],
        })),
    )
    .await
    .expect("form")
    .id
    .0;
    Held {
        a,
        b,
        weekly,
        done,
        form,
    }
}

async fn orphaned(f: &Fixture, who: &str) -> usize {
    let me = f.caller(who).await;
    work::board(&f.app, &me, &TaskQuery::default(), Lang::Vi)
        .await
        .expect("board")
        .without_living_owner
}

async fn versions(f: &Fixture) -> Vec<(Uuid, i64)> {
    let admin = f.caller("admin").await;
    let (list, _) = work::list_tasks(&f.app, &admin, &TaskQuery::default(), Lang::Vi)
        .await
        .expect("tasks");
    let mut v: Vec<(Uuid, i64)> = list.iter().map(|l| (l.view.id, l.view.version)).collect();
    v.sort();
    v
}

#[tokio::test]
async fn after_the_handover_every_task_has_a_living_owner_and_keeps_its_former_one() {
    let f = Fixture::new().await;
    let h = held(&f).await;
    assert_eq!(
        orphaned(&f, "admin").await,
        0,
        "before 01/07/2025 every lead was living"
    );
    let r = reorganise(&f).await;
    let u = f.units;
    // Led by an ended unit: a, b and the weekly task; the completed one is not counted.
    assert_eq!(orphaned(&f, "admin").await, 3);
    let office = f.caller("office_tinh").await;
    let list = handover::list(&f.app, &office, Lang::Vi)
        .await
        .expect("list");
    assert!(list.may_act);
    let group = |id: UnitId| {
        list.groups
            .iter()
            .find(|g| g.unit.id == id.0)
            .unwrap_or_else(|| panic!("group of {id}"))
    };
    assert_eq!(
        group(u.cam_ngoc).proposed.as_ref().map(|p| p.id),
        Some(r.cam_tu.0)
    );
    assert_eq!(
        group(u.cam_tan).proposed.as_ref().map(|p| p.id),
        Some(r.cam_tu.0)
    );
    assert!(
        group(u.tckh).proposed.is_none(),
        "a district department: the office chooses"
    );
    let ids = |id: UnitId| -> Vec<Uuid> { group(id).items.iter().map(|i| i.id).collect() };
    assert_eq!(
        ids(u.cam_ngoc),
        vec![h.a],
        "the completed task is not listed"
    );
    assert_eq!(ids(u.cam_tan), vec![h.weekly]);
    assert_eq!(
        group(u.cam_tan).items[0].kind,
        handover::ItemKind::Recurring
    );
    assert_eq!(ids(u.tckh).len(), 2, "lead of b, coordinating a");
    assert_eq!(ids(u.district), vec![h.form], "the district's report form");
    assert!(
        list.candidates.iter().any(|c| c.id == r.so_tai_chinh.0)
            && list.candidates.iter().any(|c| c.id == r.cam_tu.0)
            && !list.candidates.iter().any(|c| c.id == u.cam_ngoc.0),
        "living units only"
    );

    let out = handover::hand_over_bulk(&f.app, &office, &HandoverBulk::default())
        .await
        .expect("bulk");
    assert_eq!(out.moved, 2, "a and the weekly task go to Cẩm Tú");
    assert_eq!(
        out.left, 3,
        "the department's two parts and the district's form"
    );
    assert_eq!(
        orphaned(&f, "admin").await,
        1,
        "b is still led by the department"
    );

    // The office chooses for the department and the district.
    for (target, id, from) in [
        (HandoverTarget::Task, h.b, u.tckh),
        (HandoverTarget::Task, h.a, u.tckh),
        (HandoverTarget::ReportForm, h.form, u.district),
    ] {
        let version = match target {
            HandoverTarget::Task => f.store().task(TaskId(id)).await.expect("task").version,
            HandoverTarget::ReportForm => {
                f.store()
                    .form(giaoban_domain::report::FormId(id))
                    .await
                    .expect("form")
                    .version
            }
        };
        handover::hand_over_one(
            &f.app,
            &office,
            &HandoverOne {
                target,
                id,
                from_unit: from.0,
                to_unit: r.so_tai_chinh.0,
                version: Some(version),
            },
        )
        .await
        .expect("one");
    }
    assert_eq!(orphaned(&f, "admin").await, 0);
    let after = handover::list(&f.app, &office, Lang::Vi)
        .await
        .expect("list");
    assert_eq!(after.total, 0, "{:?}", after.groups);
    let a = f.store().task(TaskId(h.a)).await.expect("a");
    assert_eq!(a.lead_unit_id, r.cam_tu);
    assert_eq!(a.coordinating_unit_ids, vec![r.so_tai_chinh]);
    let form = f
        .store()
        .form(giaoban_domain::report::FormId(h.form))
        .await
        .expect("form");
    assert_eq!(form.owner_unit_id, Some(r.so_tai_chinh));

    // Each moved task keeps its former unit in its history, as the task's page shows it.
    for (task, former, new_name) in [
        (h.a, u.cam_ngoc, "xã cẩm tú"),
        (h.weekly, u.cam_tan, "xã cẩm tú"),
        (h.b, u.tckh, "sở tài chính"),
    ] {
        let detail = work::task_detail(&f.app, &office, TaskId(task), None, Lang::Vi)
            .await
            .expect("detail");
        let former_name = f
            .store()
            .unit(former)
            .await
            .expect("unit")
            .name
            .to_lowercase();
        assert!(
            detail.history.iter().any(|e| e.kind == "handed_over"
                && e.unit.id == former.0
                && e.note
                    .to_lowercase()
                    .contains(&format!("chuyển giao từ {former_name} sang {new_name}"))),
            "history of {task}: {:?}",
            detail.history
        );
    }
    // The done task was left alone.
    let done = f.store().task(TaskId(h.done)).await.expect("done");
    assert_eq!(done.lead_unit_id, u.cam_ngoc);
    // Every move is audited with the office's name.
    let audit = f
        .store()
        .audit_entries(&giaoban_storage::audit::AuditFilter {
            entity: Some("task".into()),
            entity_id: Some(h.b.to_string()),
            within: None,
            before_micros: None,
            limit: 50,
        })
        .await
        .expect("audit");
    assert!(
        audit.iter().any(|e| e.actor_name == "office_tinh"
            && e.before
                .as_ref()
                .is_some_and(|b| b["lead_unit_id"] == json!(u.tckh.0))
            && e.after
                .as_ref()
                .is_some_and(|a| a["lead_unit_id"] == json!(r.so_tai_chinh.0))),
        "{audit:?}"
    );
}

#[tokio::test]
async fn the_bulk_move_twice_changes_nothing_the_second_time() {
    let f = Fixture::new().await;
    let _h = held(&f).await;
    let _r = reorganise(&f).await;
    let office = f.caller("office_tinh").await;
    let first = handover::hand_over_bulk(&f.app, &office, &HandoverBulk::default())
        .await
        .expect("bulk");
    assert!(first.moved > 0);
    let before = versions(&f).await;
    let second = handover::hand_over_bulk(&f.app, &office, &HandoverBulk::default())
        .await
        .expect("bulk again");
    assert_eq!(second.moved, 0);
    assert_eq!(second.left, first.left);
    assert_eq!(versions(&f).await, before, "no task changed");
}

#[tokio::test]
async fn only_the_province_office_and_the_administrator_hand_over() {
    let f = Fixture::new().await;
    let h = held(&f).await;
    let r = reorganise(&f).await;
    let u = f.units;
    let one = |to: UnitId, version: Option<i64>| HandoverOne {
        target: HandoverTarget::Task,
        id: h.a,
        from_unit: u.cam_ngoc.0,
        to_unit: to.0,
        version,
    };
    // A commune member sees nothing and moves nothing.
    let camngoc = f.caller("camngoc").await;
    assert_forbidden(handover::list(&f.app, &camngoc, Lang::Vi).await);
    assert_forbidden(handover::hand_over_bulk(&f.app, &camngoc, &HandoverBulk::default()).await);
    assert_forbidden(handover::hand_over_one(&f.app, &camngoc, &one(r.cam_tu, None)).await);
    // The district's leader reads; neither they nor the district's office move.
    let leader = f.caller("leader").await;
    let seen = handover::list(&f.app, &leader, Lang::Vi)
        .await
        .expect("leader reads");
    assert!(!seen.may_act && seen.total > 0);
    for who in ["leader", "office"] {
        let me = f.caller(who).await;
        assert_forbidden(handover::hand_over_bulk(&f.app, &me, &HandoverBulk::default()).await);
    }
    assert_eq!(orphaned(&f, "admin").await, 3, "nothing moved");

    let office = f.caller("office_tinh").await;
    // A unit of another province is not the office's to use.
    assert_forbidden(handover::hand_over_one(&f.app, &office, &one(r.other_commune, None)).await);
    // An ended unit takes over nothing.
    assert_invalid(
        handover::hand_over_one(&f.app, &office, &one(u.cam_tan, None)).await,
        "handover.successor_unfit",
    );
    // A stale version is a conflict, not a silent overwrite.
    let v = f.store().task(TaskId(h.a)).await.expect("a").version;
    match handover::hand_over_one(&f.app, &office, &one(r.cam_tu, Some(v - 1))).await {
        Err(Error::Store(StoreError::Conflict(Conflict::Version))) => {}
        other => panic!("expected a version conflict, got {other:?}"),
    }
    assert_eq!(
        f.store().task(TaskId(h.a)).await.expect("a").lead_unit_id,
        u.cam_ngoc
    );
    // The administrator may.
    let admin = f.caller("admin").await;
    handover::hand_over_one(&f.app, &admin, &one(r.cam_tu, Some(v)))
        .await
        .expect("admin moves");
    // The same move again (a double click): the version has moved on.
    match handover::hand_over_one(&f.app, &admin, &one(r.cam_tu, Some(v))).await {
        Err(Error::Store(StoreError::Conflict(Conflict::Version))) => {}
        other => panic!("expected a version conflict, got {other:?}"),
    }
}

#[tokio::test]
async fn two_merged_communes_of_one_task_become_one_lead() {
    let f = Fixture::new().await;
    let u = f.units;
    // Led by Cẩm Ngọc with Cẩm Tân coordinating: both were merged into Cẩm Tú.
    let t = assign(&f, u.cam_ngoc, &[u.cam_tan], &in_days(30)).await;
    let r = reorganise(&f).await;
    let office = f.caller("office_tinh").await;
    let out = handover::hand_over_bulk(&f.app, &office, &HandoverBulk::default())
        .await
        .expect("bulk");
    assert_eq!(
        out.moved, 2,
        "the lead part and the coordinating part: {out:?}"
    );
    let task = f.store().task(TaskId(t)).await.expect("task");
    assert_eq!(task.lead_unit_id, r.cam_tu);
    assert!(
        task.coordinating_unit_ids.is_empty(),
        "the coordinating part merged into the lead: {:?}",
        task.coordinating_unit_ids
    );
    // The successor's list of tasks holds the task once.
    let camtu_tasks = f
        .store()
        .tasks(&giaoban_storage::tasks::TaskFilter {
            party: Some(r.cam_tu),
            ..Default::default()
        })
        .await
        .expect("tasks");
    assert_eq!(camtu_tasks.iter().filter(|x| x.id.0 == t).count(), 1);
    let history = f.store().task_history(TaskId(t)).await.expect("history");
    let handed: Vec<_> = history
        .iter()
        .filter(|h| h.kind == giaoban_domain::task::EventKind::HandedOver)
        .map(|h| h.unit_id)
        .collect();
    assert_eq!(handed.len(), 2);
    assert!(handed.contains(&u.cam_ngoc) && handed.contains(&u.cam_tan));
    assert_eq!(orphaned(&f, "admin").await, 0);
}
