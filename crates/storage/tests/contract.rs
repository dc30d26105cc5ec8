//! The storage contract: the same suite on SQLite and, with GIAOBAN_TEST_DATABASE_URL, on PostgreSQL.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::unit::{AdminLevel, Contact, UnitDraft, UnitId, UnitInput};
use giaoban_domain::user::{NewUser, Username};
use giaoban_storage::audit::AuditFilter;
use giaoban_storage::testing::TestDb;
use giaoban_storage::{Conflict, Store, StoreError};

fn actor() -> AuditActor {
    AuditActor::system("test")
}

async fn levels(store: &Store) {
    for (code, rank, vi, en) in [
        ("tinh", 1, "Tỉnh", "Province"),
        ("huyen", 2, "Huyện", "District"),
        ("xa", 3, "Xã", "Commune"),
    ] {
        let l = AdminLevel::parse(code, rank, vi, en, None, None).expect("level");
        store.put_level(&actor(), &l).await.expect("put level");
    }
}

fn draft(kind: &str, level: &str, name: &str, parent: Option<UnitId>) -> UnitDraft {
    UnitDraft::parse(&UnitInput {
        kind: kind.into(),
        level: level.into(),
        name: name.into(),
        parent_id: parent,
        ..Default::default()
    })
    .expect("valid draft")
}

struct Tree {
    province: UnitId,
    district: UnitId,
    ubnd: UnitId,
    commune: UnitId,
}

async fn tree(store: &Store) -> Tree {
    levels(store).await;
    let province = store
        .create_unit(&actor(), &draft("province", "tinh", "Tỉnh Thanh Hóa", None))
        .await
        .expect("province")
        .id;
    let district = store
        .create_unit(
            &actor(),
            &draft("district", "huyen", "Huyện Cẩm Thủy", Some(province)),
        )
        .await
        .expect("district")
        .id;
    let ubnd = store
        .create_unit(
            &actor(),
            &draft(
                "people_committee",
                "huyen",
                "UBND huyện Cẩm Thủy",
                Some(district),
            ),
        )
        .await
        .expect("ubnd")
        .id;
    let mut d = draft("commune", "xa", "Xã Cẩm Ngọc", Some(district));
    d.admin_code = Some("15169".into());
    d.aliases = vec!["Cẩm Ngọc".into()];
    let commune = store.create_unit(&actor(), &d).await.expect("commune").id;
    Tree {
        province,
        district,
        ubnd,
        commune,
    }
}

#[tokio::test]
async fn units_round_trip_with_names_ancestry_and_audit() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tree(s).await;
    let c = s.unit(t.commune).await.expect("commune");
    assert_eq!(c.name, "Xã Cẩm Ngọc");
    assert_eq!(c.admin_code.as_deref(), Some("15169"));
    assert_eq!(c.aliases, vec!["Cẩm Ngọc".to_owned()]);
    assert_eq!(c.parent_id, Some(t.district));
    let chain: Vec<UnitId> = s
        .ancestry(t.commune)
        .await
        .expect("ancestry")
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert_eq!(chain, vec![t.commune, t.district, t.province]);
    assert!(s.ancestry(UnitId::new()).await.expect("unknown").is_empty());
    assert_eq!(s.units().await.expect("all").len(), 4);
    assert_eq!(s.unit_by_key("nope").await.expect("by key"), None);
    let trail = s
        .audit_entries(&AuditFilter {
            entity: Some("unit".into()),
            entity_id: Some(t.commune.to_string()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, AuditAction::Create);
    assert_eq!(
        trail[0].after.as_ref().and_then(|a| a["name"].as_str()),
        Some("Xã Cẩm Ngọc")
    );
    assert_eq!(trail[0].actor_name, "system:test");
}

#[tokio::test]
async fn tree_rules_are_enforced_with_stored_data() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tree(s).await;
    let code = |e: StoreError| match e {
        StoreError::Invalid(i) => i.0[0].code,
        other => panic!("expected a validation error, got {other:?}"),
    };
    // A commune under a body, an unknown level, an unknown parent.
    let e = s
        .create_unit(&actor(), &draft("commune", "xa", "Xã Lạ", Some(t.ubnd)))
        .await
        .expect_err("refused");
    assert_eq!(code(e), "unit.territory_under_body");
    let e = s
        .create_unit(
            &actor(),
            &draft("commune", "thon", "Thôn A", Some(t.district)),
        )
        .await
        .expect_err("refused");
    assert_eq!(code(e), "unit.level_unknown");
    let e = s
        .create_unit(
            &actor(),
            &draft("commune", "xa", "Xã B", Some(UnitId::new())),
        )
        .await
        .expect_err("refused");
    assert_eq!(code(e), "unit.parent_unknown");
    // Moving the district under its own commune would make a cycle.
    let mut moved = draft("district", "huyen", "Huyện Cẩm Thủy", Some(t.commune));
    moved.level = giaoban_domain::unit::LevelCode::parse("xa").expect("code");
    let e = s
        .update_unit(&actor(), t.district, &moved, None)
        .await
        .expect_err("refused");
    assert_eq!(code(e), "unit.parent_cycle");
    // Nothing of the refused writes was kept.
    assert_eq!(s.units().await.expect("all").len(), 4);
}

#[tokio::test]
async fn duplicates_and_stale_versions_are_conflicts_and_lose_nothing() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tree(s).await;
    let mut dup = draft("commune", "xa", "Xã Cẩm Ngọc (bản sao)", Some(t.district));
    dup.admin_code = Some("15169".into());
    let e = s
        .create_unit(&actor(), &dup)
        .await
        .expect_err("duplicate code");
    assert!(
        matches!(
            e,
            StoreError::Conflict(Conflict::Duplicate { what: "admin_code" })
        ),
        "{e:?}"
    );

    let before = s.unit(t.commune).await.expect("commune");
    let contact =
        Contact::parse("Cẩm Ngọc, Cẩm Thủy", "0237 3876 123", "", "", "").expect("contact");
    let saved = s
        .set_unit_contact(&actor(), t.commune, &contact, Some(before.version))
        .await
        .expect("first writer");
    assert_eq!(saved.version, before.version + 1);
    let other = Contact::parse("Somewhere else", "", "", "", "").expect("contact");
    let e = s
        .set_unit_contact(&actor(), t.commune, &other, Some(before.version))
        .await
        .expect_err("stale");
    assert!(matches!(e, StoreError::Conflict(Conflict::Version)));
    let now = s.unit(t.commune).await.expect("commune");
    assert_eq!(now.contact, contact, "the first writer's change is kept");
    let trail = s
        .audit_entries(&AuditFilter {
            entity: Some("unit_contact".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(trail.len(), 1, "a refused write leaves no audit entry");
    assert_eq!(
        trail[0].after.as_ref().and_then(|a| a["phone"].as_str()),
        Some("0237 3876 123")
    );
}

#[tokio::test]
async fn audit_can_be_scoped_to_a_subtree() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tree(s).await;
    let other = s
        .create_unit(
            &actor(),
            &draft("district", "huyen", "Huyện Bá Thước", Some(t.province)),
        )
        .await
        .expect("other")
        .id;
    let within = s
        .audit_entries(&AuditFilter {
            within: Some(t.district),
            limit: 100,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert!(
        within
            .iter()
            .all(|e| e.unit_id != Some(other) && e.unit_id != Some(t.province))
    );
    assert_eq!(within.len(), 3, "district, UBND, commune");
    let page1 = s
        .audit_entries(&AuditFilter {
            limit: 2,
            ..Default::default()
        })
        .await
        .expect("page");
    let cursor = giaoban_storage::audit::cursor_of(page1[1].at);
    let page2 = s
        .audit_entries(&AuditFilter {
            limit: 100,
            before_micros: Some(cursor),
            ..Default::default()
        })
        .await
        .expect("page");
    assert!(page2.iter().all(|e| e.at < page1[1].at));
}

#[tokio::test]
async fn users_credentials_and_password_changes() {
    let db = TestDb::new().await;
    let s = &db.store;
    let t = tree(s).await;
    let new = NewUser::parse("camngoc", "Cán bộ xã", None, "member", t.commune).expect("user");
    let u = s
        .create_user(&actor(), &new, "$argon2id$fake", true)
        .await
        .expect("create");
    assert!(u.must_change_password);
    let e = s
        .create_user(&actor(), &new, "$argon2id$other", true)
        .await
        .expect_err("duplicate");
    assert!(
        matches!(
            e,
            StoreError::Conflict(Conflict::Duplicate { what: "username" })
        ),
        "{e:?}"
    );
    let c = s
        .credentials(&Username::parse("CAMNGOC").expect("name"))
        .await
        .expect("creds")
        .expect("found");
    assert_eq!(c.password_hash, "$argon2id$fake");
    let after = s
        .set_password(&actor(), u.id, "$argon2id$new", false)
        .await
        .expect("change");
    assert!(!after.must_change_password);
    assert_eq!(s.password_hash(u.id).await.expect("hash"), "$argon2id$new");
    let trail = s
        .audit_entries(&AuditFilter {
            entity: Some("user".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .expect("audit");
    assert_eq!(trail[0].action, AuditAction::PasswordChange);
    let text = serde_json::to_string(&trail).expect("json");
    assert!(
        !text.contains("argon2"),
        "no password hash in the audit trail"
    );
    assert_eq!(s.users(Some(&[t.commune])).await.expect("users").len(), 1);
    assert_eq!(s.users(Some(&[t.district])).await.expect("users").len(), 0);
}

#[tokio::test]
async fn sessions_expire_and_ids_do_not_collide() {
    let db = TestDb::new().await;
    let s = &db.store;
    let future = jiff::Timestamp::now().as_microsecond() + 60_000_000;
    let past = jiff::Timestamp::now().as_microsecond() - 1;
    assert!(
        s.session_create("a", "{\"x\":1}", future)
            .await
            .expect("create")
    );
    assert!(
        !s.session_create("a", "{\"x\":2}", future)
            .await
            .expect("collision")
    );
    assert_eq!(
        s.session_load("a").await.expect("load").as_deref(),
        Some("{\"x\":1}")
    );
    s.session_save("a", "{\"x\":3}", future)
        .await
        .expect("save");
    assert_eq!(
        s.session_load("a").await.expect("load").as_deref(),
        Some("{\"x\":3}")
    );
    assert!(s.session_create("old", "{}", past).await.expect("create"));
    assert_eq!(
        s.session_load("old").await.expect("load"),
        None,
        "expired sessions are absent"
    );
    assert_eq!(s.sessions_purge_expired().await.expect("purge"), 1);
    s.session_delete("a").await.expect("delete");
    assert_eq!(s.session_load("a").await.expect("load"), None);
    // A save after the delete (a request in flight at sign-out) does not bring it back.
    s.session_save("a", "{\"x\":4}", future)
        .await
        .expect("save");
    assert_eq!(
        s.session_load("a").await.expect("load"),
        None,
        "a deleted session stays deleted"
    );
}

#[tokio::test]
async fn backup_during_writes_is_consistent_and_restores() {
    let db = TestDb::new().await;
    let s = db.store.clone();
    let t = tree(&s).await;
    let Some(path) = db.sqlite_path() else {
        // PostgreSQL: the engine says plainly that backups are pg_dump's job.
        let e = s
            .backup_to(std::path::Path::new("/tmp/x.sqlite3"))
            .await
            .expect_err("unsupported");
        assert!(matches!(e, StoreError::Unsupported(_)));
        return;
    };
    // Writers keep adding communes while the backup is taken.
    let writer = {
        let s = s.clone();
        tokio::spawn(async move {
            for i in 0..60 {
                let d = draft("commune", "xa", &format!("Xã Thử {i}"), Some(t.district));
                s.create_unit(&actor(), &d)
                    .await
                    .expect("write during backup");
            }
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let dir = tempfile::tempdir().expect("dir");
    let backup = dir.path().join("backup.sqlite3");
    let info = s.backup_to(&backup).await.expect("backup");
    writer.await.expect("writer");
    // Every unit in the copy has exactly its one creation entry: no half-written transaction.
    assert!(info.units >= 4);
    assert_eq!(
        info.audit_entries,
        info.units + 3,
        "units + 3 levels, each with its audit entry"
    );
    let total = s.units().await.expect("all").len() as i64;
    assert_eq!(total, 64);
    // Restore into a new place and read it back through a store.
    let restored = dir.path().join("restored/giaoban.sqlite3");
    let again = giaoban_storage::backup::restore_sqlite_file(&backup, &restored)
        .await
        .expect("restore");
    assert_eq!(again, info);
    let r = Store::open(&giaoban_storage::StoreConfig::Sqlite { path: restored })
        .await
        .expect("open restored");
    assert_eq!(r.units().await.expect("units").len() as i64, info.units);
    // A file that is not a database is refused with a clear error, and nothing is replaced.
    let junk = dir.path().join("junk.sqlite3");
    std::fs::write(&junk, b"not a database").expect("write");
    assert!(
        giaoban_storage::backup::restore_sqlite_file(&junk, &path)
            .await
            .is_err()
    );
    assert_eq!(s.units().await.expect("still there").len() as i64, total);
}

#[tokio::test]
async fn the_cached_directory_is_never_stale_across_servers() {
    let db = TestDb::new().await;
    let a = &db.store;
    let t = tree(a).await;
    // A second server on the same database.
    let b = Store::open(&db.config).await.expect("second store");
    let first = a.units().await.expect("units");
    assert_eq!(first.len(), 4);
    let again = a.units().await.expect("units");
    assert!(
        std::sync::Arc::ptr_eq(&first, &again),
        "unchanged directory is served from the cache"
    );
    b.create_unit(
        &actor(),
        &draft("commune", "xa", "Xã Cẩm Tân", Some(t.district)),
    )
    .await
    .expect("written by the other server");
    assert_eq!(
        a.units().await.expect("units").len(),
        5,
        "a write elsewhere is seen at once"
    );
    let contact = Contact::parse("", "0237 3876 999", "", "", "").expect("contact");
    b.set_unit_contact(&actor(), t.commune, &contact, None)
        .await
        .expect("contact");
    let seen = a.units().await.expect("units");
    let commune = seen.iter().find(|u| u.id == t.commune).expect("commune");
    assert_eq!(commune.contact.phone.as_deref(), Some("0237 3876 999"));
    b.close().await;
}

#[tokio::test]
async fn task_filters_select_by_unit_parent_and_possible_openness() {
    use giaoban_domain::deadline::{Deadline, RecurrenceRule};
    use giaoban_domain::task::{DeadlineInput, Progress, ProgressInput, TaskDraft, TaskInput};
    use giaoban_storage::tasks::{TaskAction, TaskFilter};
    let db = TestDb::new().await;
    let store = &db.store;
    let t = tree(store).await;
    let today = jiff::civil::date(2026, 11, 23);
    let task = |content: &str, lead: UnitId, coord: Vec<UnitId>, deadline: Deadline| {
        TaskDraft::parse(
            &TaskInput {
                content: content.into(),
                source_kind: None,
                conclusion_id: None,
                meeting_id: None,
                source_ref: None,
                assigner_unit_id: t.ubnd.0,
                assigner_name: None,
                lead_unit_id: lead.0,
                coordinating_unit_ids: coord.into_iter().map(|u| u.0).collect(),
                monitor_unit_id: None,
                parent_id: None,
                deadline: DeadlineInput::Typed(deadline),
                assigned_on: Some("2023-03-01".into()),
            },
            today,
        )
        .expect("task")
    };
    let due = Deadline::At {
        date: jiff::civil::date(2023, 6, 30),
        time: None,
    };
    let a = store
        .create_task(&actor(), &task("A", t.commune, vec![t.district], due))
        .await
        .expect("a");
    let b = store
        .create_task(&actor(), &task("B", t.district, vec![], due))
        .await
        .expect("b");
    let mut sub = task("A.1", t.commune, vec![], due);
    sub.parent_id = Some(a.id);
    let a1 = store.create_task(&actor(), &sub).await.expect("a.1");
    let monthly = Deadline::Recurring(RecurrenceRule::monthly(25, None).expect("rule"));
    let r = store
        .create_task(&actor(), &task("R", t.commune, vec![], monthly))
        .await
        .expect("recurring");
    let c = store
        .create_task(&actor(), &task("C", t.commune, vec![], due))
        .await
        .expect("c");
    // B completed now, C cancelled.
    let done = Progress::parse(
        &ProgressInput {
            percent: None,
            note: "xong".into(),
            completed: true,
            evidence: None,
            occurrence: None,
            version: None,
        },
        &due,
    )
    .expect("progress");
    store
        .report_progress(&actor(), b.id, t.district, &done, None)
        .await
        .expect("complete b");
    store
        .act_on_task(&actor(), c.id, t.ubnd, TaskAction::Cancel, "", None)
        .await
        .expect("cancel c");
    let names =
        |v: Vec<giaoban_domain::task::Task>| v.into_iter().map(|t| t.content).collect::<Vec<_>>();
    let list = |f: TaskFilter| async move { names(store.tasks(&f).await.expect("list")) };
    assert_eq!(
        list(TaskFilter::default()).await,
        ["A", "B", "A.1", "R", "C"]
    );
    // The district leads B and coordinates A.
    let district = TaskFilter {
        party: Some(t.district),
        ..TaskFilter::default()
    };
    assert_eq!(list(district.clone()).await, ["A", "B"]);
    assert_eq!(
        list(TaskFilter {
            lead: Some(t.district),
            ..district.clone()
        })
        .await,
        ["B"]
    );
    assert_eq!(
        list(TaskFilter {
            parent: Some(a.id),
            ..TaskFilter::default()
        })
        .await,
        ["A.1"]
    );
    assert!(
        list(TaskFilter {
            parent: Some(a1.id),
            ..TaskFilter::default()
        })
        .await
        .is_empty()
    );
    // Possibly open now: neither the completed B nor the cancelled C; the recurring R stays.
    let now = jiff::Timestamp::now();
    assert_eq!(
        list(TaskFilter {
            party: Some(t.commune),
            maybe_open_at: Some(now),
            ..TaskFilter::default()
        })
        .await,
        ["A", "A.1", "R"]
    );
    assert_eq!(
        list(TaskFilter {
            maybe_open_at: Some(now),
            ..TaskFilter::default()
        })
        .await,
        ["A", "A.1", "R"]
    );
    // Before B's completion, B could still be open.
    let before = jiff::Timestamp::from_second(1_700_000_000).expect("2023");
    assert_eq!(
        list(TaskFilter {
            maybe_open_at: Some(before),
            ..district
        })
        .await,
        ["A", "B"]
    );
    assert_eq!(r.content, "R");
    // A unit's list is read from its parts alone: what they carry follows every write to the task.
    assert_eq!(db.parts_out_of_step().await, []);
    store
        .act_on_task(&actor(), c.id, t.ubnd, TaskAction::Reopen, "", None)
        .await
        .expect("reopen c");
    store
        .act_on_task(&actor(), a.id, t.ubnd, TaskAction::Pause, "", None)
        .await
        .expect("pause a");
    let later = giaoban_domain::deadline::DueMoment::new(jiff::civil::date(2023, 9, 30), None);
    store
        .request_extension(&actor(), a1.id, t.commune, later, "thiếu kinh phí")
        .await
        .expect("request");
    store
        .decide_extension(&actor(), a1.id, t.ubnd, true, "")
        .await
        .expect("approve");
    assert_eq!(db.parts_out_of_step().await, []);
    let open_now = || TaskFilter {
        party: Some(t.commune),
        maybe_open_at: Some(jiff::Timestamp::now()),
        ..TaskFilter::default()
    };
    assert_eq!(list(open_now()).await, ["A", "A.1", "R", "C"]);
    store
        .act_on_task(&actor(), a.id, t.ubnd, TaskAction::Resume, "", None)
        .await
        .expect("resume a");
    store
        .report_progress(&actor(), a.id, t.commune, &done, None)
        .await
        .expect("complete a");
    assert_eq!(db.parts_out_of_step().await, []);
    // A is done for both its parts: gone from the commune's and the district's open lists.
    assert_eq!(list(open_now()).await, ["A.1", "R", "C"]);
    assert_eq!(
        list(TaskFilter {
            party: Some(t.district),
            maybe_open_at: Some(jiff::Timestamp::now()),
            ..TaskFilter::default()
        })
        .await,
        Vec::<String>::new()
    );
}

/// The database's classification of tasks (the columns of migration 0007 and the status written in
/// SQL) agrees with the domain's `Task::assess` for every task, at every moment tried: before and
/// after each due moment to the microsecond, at the first day of "due soon", before and after an
/// extension is approved, completions on time and late, paused, cancelled and standing tasks. The
/// counts, the period filter and the tally agree with counting the domain's statuses.
#[tokio::test]
async fn the_database_classifies_tasks_as_the_domain_does() {
    use giaoban_domain::calendar::{local_date, local_timestamp};
    use giaoban_domain::deadline::{Deadline, DueMoment, RecurrenceRule};
    use giaoban_domain::period::Period;
    use giaoban_domain::task::{DeadlineInput, Task, TaskDraft, TaskInput};
    use giaoban_domain::task_status::{StatusPolicy, TaskStatus};
    use giaoban_storage::tasks::{
        KeyOrder, StatusClock, StatusWanted, TaskAction, TaskFilter, TaskSelection,
    };
    use jiff::civil::{date, time};
    use jiff::{Timestamp, ToSpan};
    use std::collections::HashMap;

    let db = TestDb::new().await;
    let store = &db.store;
    let t = tree(store).await;
    let policy = StatusPolicy::default();
    let today = jiff::civil::date(2026, 11, 23);
    let draft = |i: usize, deadline: Deadline, assigned: jiff::civil::Date| {
        TaskDraft::parse(
            &TaskInput {
                content: format!("Nhiệm vụ {i}"),
                source_kind: None,
                conclusion_id: None,
                meeting_id: None,
                source_ref: None,
                assigner_unit_id: t.ubnd.0,
                assigner_name: None,
                lead_unit_id: if i.is_multiple_of(3) {
                    t.district.0
                } else {
                    t.commune.0
                },
                coordinating_unit_ids: vec![],
                monitor_unit_id: None,
                parent_id: None,
                deadline: DeadlineInput::Typed(deadline),
                assigned_on: Some(assigned.to_string()),
            },
            today,
        )
        .expect("task")
    };
    let at = |d: jiff::civil::Date, h: i8| local_timestamp(d, time(h, 0, 0, 0)).expect("moment");
    let mut moments: Vec<Timestamp> = vec![Timestamp::now(), at(date(2022, 12, 1), 8)];
    for i in 0..48usize {
        let assigned = date(2023, 1, 10)
            .checked_add(((i * 37) as i64).days())
            .expect("date");
        let due_date = assigned
            .checked_add(((20 + i * 11 % 90) as i64).days())
            .expect("due");
        let deadline = match i % 8 {
            0 => Deadline::Standing,
            1 => Deadline::WithinPeriod(
                Period::quarter(due_date.year(), (due_date.month() - 1) / 3 + 1).expect("quarter"),
            ),
            2 => Deadline::At {
                date: due_date,
                time: Some(time(17, 0, 0, 0)),
            },
            7 if i % 16 == 7 => {
                Deadline::Recurring(RecurrenceRule::monthly(25, None).expect("rule"))
            }
            _ => Deadline::At {
                date: due_date,
                time: None,
            },
        };
        let task = store
            .create_task(&actor(), &draft(i, deadline, assigned))
            .await
            .expect("create");
        if let Some(due) = deadline.due() {
            let instant = due.instant().expect("instant");
            let soon =
                local_timestamp(due.date.checked_sub(3.days()).expect("d"), time(0, 0, 0, 0))
                    .expect("soon");
            moments.extend([
                instant,
                instant.checked_add(1.microsecond()).expect("+1µs"),
                instant.checked_add((40 * 24).hours()).expect("+40 days"),
                soon,
                soon.checked_sub(1.microsecond()).expect("-1µs"),
            ]);
            // Completions: on time, late, exactly at the due moment.
            let done = match i % 5 {
                1 => Some(instant.checked_sub(48.hours()).expect("early")),
                2 => Some(instant.checked_add((5 * 24).hours()).expect("late")),
                3 if i % 10 == 3 => Some(instant),
                _ => None,
            };
            if let Some(done) = done {
                store
                    .record_completion_at(&actor(), task.id, done, None, "xong")
                    .await
                    .expect("complete");
                moments.extend([done, done.checked_sub(1.microsecond()).expect("-1µs")]);
            }
            // Extensions: approved (now, so in force only from now on), rejected, pending.
            if done.is_none() && i % 4 != 0 {
                // Half the extensions move a past deadline into the future: overdue until the
                // approval, in progress after it.
                let later = due
                    .date
                    .checked_add(((30 + i) as i64).days())
                    .expect("new due");
                let future = local_date(Timestamp::now())
                    .checked_add(((20 + i) as i64).days())
                    .expect("future");
                let new_due =
                    DueMoment::new(if i % 2 == 1 { later.max(future) } else { later }, None);
                store
                    .request_extension(&actor(), task.id, t.commune, new_due, "thiếu kinh phí")
                    .await
                    .expect("request");
                if i % 4 != 3 {
                    store
                        .decide_extension(&actor(), task.id, t.ubnd, i % 4 == 1, "")
                        .await
                        .expect("decide");
                }
                let new_instant = new_due.instant().expect("instant");
                moments.extend([
                    new_instant,
                    new_instant.checked_add(1.microsecond()).expect("+"),
                ]);
            }
        }
        match i % 13 {
            5 => {
                store
                    .act_on_task(&actor(), task.id, t.ubnd, TaskAction::Pause, "", None)
                    .await
                    .expect("pause");
            }
            9 => {
                store
                    .act_on_task(&actor(), task.id, t.ubnd, TaskAction::Cancel, "", None)
                    .await
                    .expect("cancel");
            }
            _ => {}
        }
    }
    assert_eq!(db.parts_out_of_step().await, []);
    // A moment after the approvals, when the extensions are in force.
    moments.push(Timestamp::now().checked_add(1.second()).expect("later"));
    moments.sort();
    moments.dedup();

    let all: Vec<Task> = store.tasks(&TaskFilter::default()).await.expect("tasks");
    assert_eq!(all.len(), 48);
    let dated: Vec<&Task> = all
        .iter()
        .filter(|t| !matches!(t.deadline, Deadline::Recurring(_)))
        .collect();
    assert!(dated.len() >= 44, "{} dated or standing", dated.len());
    let mut seen: HashMap<TaskStatus, usize> = HashMap::new();
    let q2 = Period::quarter(2023, 2).expect("q2");
    for as_of in &moments {
        let clock = StatusClock::new(*as_of, &policy);
        let sel = |status: StatusWanted, period: Option<Period>| TaskSelection {
            filter: TaskFilter::default(),
            clock,
            status,
            period,
        };
        let keys = store
            .classified_keys(&sel(StatusWanted::Any, None), KeyOrder::Created, usize::MAX)
            .await
            .expect("keys");
        assert_eq!(
            keys.len(),
            dated.len(),
            "recurring tasks are left to the domain"
        );
        let mut expected: HashMap<TaskStatus, u64> = HashMap::new();
        let mut open = 0u64;
        let mut in_q2 = 0u64;
        for (task, key) in dated.iter().zip(&keys) {
            assert_eq!(task.id, key.id, "oldest first");
            let a = task
                .assess(clock.as_of(), &policy)
                .expect("assess")
                .assessment;
            assert_eq!(
                key.status, a.status,
                "task {} ({:?}) at {as_of}: database {:?}, domain {:?}",
                task.content, task.deadline, key.status, a.status
            );
            *seen.entry(a.status).or_default() += 1;
            *expected.entry(a.status).or_default() += 1;
            open += u64::from(a.status.is_open());
            let due_in_q2 = match a.effective_due {
                Some(d) => q2.contains(d.date),
                None => task.assigned_on <= q2.end(),
            };
            in_q2 += u64::from(due_in_q2);
        }
        let count = |s: StatusWanted, p: Option<Period>| {
            let selection = sel(s, p);
            async move { store.classified_count(&selection).await }
        };
        assert_eq!(count(StatusWanted::Open, None).await.expect("open"), open);
        let (first, total) = store
            .classified_page(&sel(StatusWanted::Open, None), KeyOrder::Created, 5)
            .await
            .expect("page");
        assert_eq!((first.len() as u64, total), (open.min(5), open));
        assert_eq!(count(StatusWanted::Any, Some(q2)).await.expect("q2"), in_q2);
        // The commune's tasks, read from its parts alone and through the task rows (a filter its
        // parts do not carry): both as the domain classifies them.
        let commune = |lead: Option<UnitId>, status: StatusWanted| TaskSelection {
            filter: TaskFilter {
                party: Some(t.commune),
                lead,
                ..TaskFilter::default()
            },
            clock,
            status,
            period: None,
        };
        let want: Vec<_> = dated
            .iter()
            .zip(&keys)
            .filter(|(task, _)| task.lead_unit_id == t.commune)
            .map(|(task, key)| (task.id, key.status))
            .collect();
        let want_open = want.iter().filter(|(_, s)| s.is_open()).count() as u64;
        for lead in [None, Some(t.commune)] {
            let got = store
                .classified_keys(
                    &commune(lead, StatusWanted::Any),
                    KeyOrder::Created,
                    usize::MAX,
                )
                .await
                .expect("commune");
            let got: Vec<_> = got.iter().map(|k| (k.id, k.status)).collect();
            assert_eq!(got, want, "lead filter {lead:?} at {as_of}");
            let open_count = store
                .classified_count(&commune(lead, StatusWanted::Open))
                .await
                .expect("open");
            assert_eq!(open_count, want_open, "lead filter {lead:?} at {as_of}");
        }
        for (status, n) in &expected {
            assert_eq!(
                count(StatusWanted::Is(*status), None).await.expect("one"),
                *n
            );
        }
        let tally = store
            .status_tally(&sel(StatusWanted::Any, None))
            .await
            .expect("tally");
        let mut tallied: HashMap<TaskStatus, u64> = HashMap::new();
        for row in tally {
            *tallied.entry(row.status).or_default() += row.count;
        }
        assert_eq!(tallied, expected, "tally at {as_of}");
        // The most late first: overdue keys by deadline in force.
        let late = store
            .classified_keys(
                &sel(StatusWanted::Is(TaskStatus::Overdue), None),
                KeyOrder::MostLate,
                3,
            )
            .await
            .expect("late");
        let days: Vec<i64> = late
            .iter()
            .map(|k| {
                let task = dated.iter().find(|t| t.id == k.id).expect("known");
                let a = task
                    .assess(clock.as_of(), &policy)
                    .expect("assess")
                    .assessment;
                i64::from(a.days_late.expect("overdue has days late"))
            })
            .collect();
        assert!(days.windows(2).all(|w| w[0] >= w[1]), "{days:?}");
        assert_eq!(
            late.len() as u64,
            expected
                .get(&TaskStatus::Overdue)
                .copied()
                .unwrap_or(0)
                .min(3)
        );
    }
    // Every status was met, so each branch of the SQL was compared.
    for s in TaskStatus::ALL {
        assert!(
            seen.get(&s).copied().unwrap_or(0) > 0,
            "{s:?} never seen: {seen:?}"
        );
    }
}
