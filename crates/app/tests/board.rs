//! The leader's board from the counts kept on write (issue 26, migration 0017) against the board
//! as it was computed before — every task classified by the database at each request
//! (`work::board_classified`, kept as the oracle) — and against the domain's classification of
//! each task, on a varied set: several units and notices, deadlines of every kind (dated with and
//! without a time, within a period, standing, recurring), overdue, due soon, in progress, completed
//! on time and late, paused, cancelled, extensions approved and pending. Each board is seen by
//! callers of every scope (the whole province, a district, a member unit). Runs on PostgreSQL too
//! with GIAOBAN_TEST_DATABASE_URL.

mod common;

use std::collections::HashMap;

use common::Fixture;
use giaoban_app::work::{self, Board, TaskQuery};
use giaoban_app::{App, Caller, Clock};
use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::deadline::{Deadline, DueMoment, RecurrenceRule};
use giaoban_domain::period::Period;
use giaoban_domain::task::{DeadlineInput, Progress, Task, TaskDraft, TaskId, TaskInput};
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::NewUser;
use giaoban_storage::tasks::{
    KeyOrder, StatusClock, StatusWanted, TaskAction, TaskFilter, TaskSelection,
};
use jiff::civil::{Date, Time};
use jiff::{Span, Timestamp};
use uuid::Uuid;

fn day(today: Date, days: i64) -> Date {
    today.checked_add(Span::new().days(days)).expect("date")
}

/// What is done to a task after it is written.
#[derive(Debug, Clone, Copy)]
enum Then {
    Nothing,
    /// Completed `days` after today (negative: before), by the moment recorded.
    CompletedAt(i64),
    /// Completed now by the lead's report.
    Reported,
    Paused,
    Cancelled,
    /// An extension to `days` after the deadline, approved.
    Extended(i64),
    /// An extension asked, not decided.
    Asked(i64),
}

struct World {
    f: Fixture,
    tasks: Vec<Task>,
    notices: Vec<Uuid>,
}

async fn notice(f: &Fixture, title: &str) -> Uuid {
    let office = f.caller("office").await;
    let m = work::create_meeting(
        &f.app,
        &office,
        &common::body(serde_json::json!({
            "kind": "briefing", "title": format!("Giao ban: {title}"), "date": "2023-03-24",
            "host_unit_id": f.units.ubnd.0,
        })),
    )
    .await
    .expect("meeting");
    work::create_conclusion(
        &f.app,
        &office,
        &common::body(serde_json::json!({
            "meeting_id": m.id, "issuer_unit_id": f.units.ubnd.0, "title": title,
            "signer_name": "Lê Văn Hoa", "signer_title": "Chánh Văn phòng",
        })),
    )
    .await
    .expect("notice")
    .id
}

/// The varied set: every deadline of `deadlines` given to each lead unit in turn, with each
/// of the `then`s in turn, under one of two notices or none.
async fn world() -> World {
    let f = Fixture::new().await;
    let u = f.units;
    let s = f.store().clone();
    let actor = AuditActor::system("test");
    // A leader of the whole province.
    let hash = giaoban_app::passwords::hash_password("Mật khẩu thử nghiệm 2023").expect("hash");
    let new =
        NewUser::parse("leader_tinh", "Lãnh đạo tỉnh", None, "leader", u.province).expect("user");
    s.create_user(&actor, &new, &hash, false)
        .await
        .expect("user");
    let notices = vec![
        notice(&f, "Kết luận giao ban tháng 3").await,
        notice(&f, "Kết luận giao ban tháng 4").await,
    ];
    let today = Clock::System.today();
    let at = |days: i64, time: Option<Time>| Deadline::At {
        date: day(today, days),
        time,
    };
    let this_month =
        Period::parse(&format!("{:04}{:02}", today.year(), today.month())).expect("month");
    let deadlines = vec![
        at(-40, None),
        at(-3, Some(Time::constant(9, 0, 0, 0))),
        at(-1, None),
        at(0, Some(Time::constant(0, 0, 1, 0))),
        at(0, None),
        at(1, Some(Time::constant(17, 0, 0, 0))),
        at(2, None),
        at(3, None),
        at(7, None),
        at(30, None),
        Deadline::WithinPeriod(this_month),
        Deadline::Standing,
        Deadline::Recurring(RecurrenceRule::weekly(
            giaoban_domain::calendar::DayOfWeek::ALL[2],
            None,
        )),
        Deadline::Recurring(RecurrenceRule::monthly(5, None).expect("rule")),
    ];
    let thens = [
        Then::Nothing,
        Then::CompletedAt(-2),
        Then::Reported,
        Then::Paused,
        Then::Nothing,
        Then::Cancelled,
        Then::Extended(20),
        Then::CompletedAt(-60),
        Then::Asked(10),
        Then::Nothing,
        Then::Extended(1),
    ];
    // Lead, assigner: the district's units by the UBND, the other district's commune by the
    // province.
    let parties = [
        (u.tckh, u.ubnd),
        (u.cam_ngoc, u.ubnd),
        (u.cam_tan, u.ubnd),
        (u.ubnd, u.district),
        (u.dien_quang, u.province),
        (u.other_district, u.province),
    ];
    let mut tasks = Vec::new();
    let mut n = 0usize;
    for (d, deadline) in deadlines.iter().enumerate() {
        for (p, (lead, assigner)) in parties.iter().enumerate() {
            n += 1;
            let then = thens[(d * 7 + p) % thens.len()];
            let conclusion = match n % 3 {
                0 => None,
                k => Some(notices[k - 1]),
            };
            // Notices are the district's: the other district's tasks stand alone.
            let conclusion = conclusion.filter(|_| *assigner == u.ubnd);
            let draft = TaskDraft::parse(
                &TaskInput {
                    content: format!("Nhiệm vụ {n}: {deadline:?}, {then:?}"),
                    source_kind: None,
                    conclusion_id: conclusion,
                    meeting_id: None,
                    source_ref: None,
                    assigner_unit_id: assigner.0,
                    assigner_name: None,
                    lead_unit_id: lead.0,
                    coordinating_unit_ids: if p == 0 { vec![u.cam_tan.0] } else { vec![] },
                    monitor_unit_id: None,
                    parent_id: None,
                    deadline: DeadlineInput::Typed(*deadline),
                    assigned_on: Some(day(today, -70).to_string()),
                },
                today,
            )
            .expect("draft");
            let task = s.create_task(&actor, &draft).await.expect("task");
            let recurring = matches!(deadline, Deadline::Recurring(_));
            let dated = deadline.due().is_some();
            match then {
                Then::Nothing => {}
                Then::CompletedAt(days) if !recurring => {
                    let at = Timestamp::now() + Span::new().hours(24 * days);
                    s.record_completion_at(&actor, task.id, at, None, "xong")
                        .await
                        .expect("completion");
                }
                Then::CompletedAt(_) => {}
                Then::Reported if !recurring => {
                    let progress = Progress {
                        percent: Some(100),
                        note: "Đã hoàn thành".into(),
                        completed: true,
                        evidence: None,
                        occurrence: None,
                        version: None,
                    };
                    s.report_progress(&actor, task.id, *lead, &progress, None)
                        .await
                        .expect("report");
                }
                Then::Reported => {}
                Then::Paused => {
                    s.act_on_task(&actor, task.id, *assigner, TaskAction::Pause, "", None)
                        .await
                        .expect("pause");
                }
                Then::Cancelled => {
                    s.act_on_task(&actor, task.id, *assigner, TaskAction::Cancel, "", None)
                        .await
                        .expect("cancel");
                }
                Then::Extended(days) | Then::Asked(days) if dated => {
                    // Always later than the deadline: `days` after it.
                    let due = deadline.due().expect("dated");
                    let new_due = DueMoment::new(day(due.date, days), None);
                    s.request_extension(&actor, task.id, *lead, new_due, "chờ số liệu")
                        .await
                        .expect("ask");
                    if matches!(then, Then::Extended(_)) {
                        s.decide_extension(&actor, task.id, *assigner, true, "")
                            .await
                            .expect("approve");
                    }
                }
                Then::Extended(_) | Then::Asked(_) => {}
            }
            tasks.push(s.task(task.id).await.expect("read back"));
        }
    }
    // Every task of the database, the meetings' own (the office issues their notices) included.
    let every = TaskSelection {
        filter: TaskFilter::default(),
        clock: StatusClock::new(Timestamp::now(), &work::policy()),
        status: StatusWanted::Any,
        period: None,
    };
    let mut ids: Vec<TaskId> = s
        .classified_keys(&every, KeyOrder::Created, 100_000)
        .await
        .expect("keys")
        .into_iter()
        .map(|k| k.id)
        .collect();
    ids.extend(
        s.recurring_task_ids(&TaskFilter::default())
            .await
            .expect("recurring"),
    );
    let all = s.tasks_by_ids(&ids).await.expect("every task");
    assert!(all.len() > tasks.len(), "the meetings' own tasks");
    assert!(tasks.iter().all(|t| all.contains(t)));
    World {
        f,
        tasks: all,
        notices,
    }
}

/// The app acting at one moment, so that both boards are drawn at it.
fn at(app: &App, moment: Timestamp) -> App {
    app.clone().with_clock(Clock::Fixed(moment))
}

async fn both(app: &App, me: &Caller, q: &TaskQuery) -> (Board, Board) {
    let kept = work::board(app, me, q, Lang::Vi).await.expect("board");
    let classified = work::board_classified(app, me, q, Lang::Vi)
        .await
        .expect("classified board");
    (kept, classified)
}

fn assert_same(kept: &Board, classified: &Board, who: &str) {
    let kept = serde_json::to_value(kept).expect("json");
    let classified = serde_json::to_value(classified).expect("json");
    assert_eq!(
        kept, classified,
        "{who}: kept (left) and classified (right)"
    );
}

/// The totals the domain gives the tasks `seen` at `as_of`.
fn domain_totals<'a>(
    tasks: impl IntoIterator<Item = &'a Task>,
    as_of: Timestamp,
) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for t in tasks {
        let s = t.assess(as_of, &work::policy()).expect("assess");
        *out.entry(work::status_code(s.assessment.status).to_string())
            .or_default() += 1;
    }
    out
}

#[tokio::test]
async fn the_board_from_counts_kept_on_write_is_the_classified_board() {
    let w = world().await;
    let f = &w.f;
    let u = f.units;
    let now = Timestamp::now();
    let app = at(&f.app, now);
    // The set has every status, or the comparison proves little.
    let all = domain_totals(&w.tasks, now);
    for s in giaoban_domain::task_status::TaskStatus::ALL {
        assert!(
            all.get(work::status_code(s)).copied().unwrap_or(0) > 0,
            "no task is {s:?}: {all:?}"
        );
    }
    // The counts are read from the store (not the classified fallback) at this moment, and give
    // the same tally as classifying every task.
    let clock = StatusClock::new(now, &work::policy());
    let counts = f
        .store()
        .board_counts(&clock, work::BOARD_OVERDUE_ROWS)
        .await
        .expect("counts")
        .expect("no completion after now: the counts tell the board");
    let mut tally = f
        .store()
        .status_tally(&TaskSelection {
            filter: TaskFilter::default(),
            clock,
            status: StatusWanted::Any,
            period: None,
        })
        .await
        .expect("tally");
    let key =
        |t: &giaoban_storage::tasks::StatusTally| (t.lead_unit_id.0, t.conclusion_id, t.status);
    tally.sort_by_key(key);
    let mut kept_tally = counts.tally.clone();
    kept_tally.sort_by_key(key);
    assert_eq!(kept_tally, tally);
    assert!(!counts.most_overdue.is_empty());

    // Every scope: the whole province (administrator, province leader), a district's leader, the
    // other district's, member units.
    for who in [
        "admin",
        "leader_tinh",
        "leader",
        "leader_bt",
        "camngoc",
        "tckh",
    ] {
        let me = f.caller(who).await;
        let (kept, classified) = both(&app, &me, &TaskQuery::default()).await;
        assert_same(&kept, &classified, who);
    }
    // The whole set's board is the domain's classification of every task.
    let admin = f.caller("admin").await;
    let (board, _) = both(&app, &admin, &TaskQuery::default()).await;
    assert_eq!(board.totals, all);
    let overdue = all.get("overdue").copied().unwrap_or(0);
    assert_eq!(board.overdue_total, overdue);
    assert_eq!(board.overdue.len(), overdue.min(work::BOARD_OVERDUE_ROWS));
    let per_notice: usize = board.conclusions.iter().map(|c| c.total).sum();
    let with_notice = w
        .tasks
        .iter()
        .filter(|t| t.conclusion_id.is_some_and(|c| w.notices.contains(&c)))
        .count();
    assert_eq!(per_notice, with_notice);
    // The other district's leader sees the other district's tasks and none of Cẩm Thủy's.
    let leader_bt = f.caller("leader_bt").await;
    let (theirs, _) = both(&app, &leader_bt, &TaskQuery::default()).await;
    let leads: Vec<Uuid> = theirs.units.iter().map(|c| c.unit.id).collect();
    assert!(!leads.is_empty());
    for lead in &leads {
        assert!(
            [u.dien_quang.0, u.other_district.0].contains(lead),
            "{lead} is not of Bá Thước"
        );
    }
    let mine = w
        .tasks
        .iter()
        .filter(|t| [u.dien_quang, u.other_district].contains(&t.lead_unit_id));
    assert_eq!(theirs.totals, domain_totals(mine, now));
    // A member unit sees the tasks it has a part in.
    let camngoc = f.caller("camngoc").await;
    let (its, _) = both(&app, &camngoc, &TaskQuery::default()).await;
    let parts = w.tasks.iter().filter(|t| {
        t.lead_unit_id == u.cam_ngoc
            || t.coordinating_unit_ids.contains(&u.cam_ngoc)
            || t.monitor_unit_id == Some(u.cam_ngoc)
    });
    assert_eq!(its.totals, domain_totals(parts, now));

    // Filters, past moments and later moments: the same boards.
    let admin_q = [
        TaskQuery {
            conclusion: Some(w.notices[0]),
            ..TaskQuery::default()
        },
        TaskQuery {
            unit: Some(u.cam_tan.0),
            ..TaskQuery::default()
        },
        TaskQuery {
            as_of: Some(day(Clock::System.today(), -5).to_string()),
            ..TaskQuery::default()
        },
    ];
    for q in &admin_q {
        let (kept, classified) = both(&app, &admin, q).await;
        assert_same(&kept, &classified, &format!("admin, {q:?}"));
    }
    for days in [-50, -2, 1, 2, 3, 5, 40] {
        let later = at(&f.app, now + Span::new().hours(24 * days));
        for who in ["admin", "leader_tinh", "leader"] {
            let me = f.caller(who).await;
            let (kept, classified) = both(&later, &me, &TaskQuery::default()).await;
            assert_same(&kept, &classified, &format!("{who}, {days} days on"));
        }
    }
}

#[tokio::test]
async fn the_counts_follow_every_write_and_step_aside_for_later_completions() {
    let w = world().await;
    let f = &w.f;
    let u = f.units;
    let s = f.store().clone();
    let actor = AuditActor::system("test");
    let admin = f.caller("admin").await;
    let open: Vec<&Task> = w
        .tasks
        .iter()
        .filter(|t| {
            t.deadline.due().is_some() && t.completed_at.is_none() && !t.cancelled && !t.paused
        })
        .collect();
    assert!(open.len() >= 4, "{}", open.len());
    // Resume a paused task, reopen a completed one, hand a task to another lead, move one to the
    // other notice: each changes the counts in its own transaction.
    let paused = w.tasks.iter().find(|t| t.paused).expect("a paused task");
    s.act_on_task(
        &actor,
        paused.id,
        paused.assigner_unit_id,
        TaskAction::Resume,
        "",
        None,
    )
    .await
    .expect("resume");
    let done = w
        .tasks
        .iter()
        .find(|t| t.completed_at.is_some() && t.deadline.due().is_some())
        .expect("a completed task");
    s.act_on_task(
        &actor,
        done.id,
        done.assigner_unit_id,
        TaskAction::Reopen,
        "",
        None,
    )
    .await
    .expect("reopen");
    s.act_on_task(
        &actor,
        open[0].id,
        open[0].assigner_unit_id,
        TaskAction::Cancel,
        "",
        None,
    )
    .await
    .expect("cancel");
    let progress = Progress {
        percent: Some(40),
        note: "Đang làm".into(),
        completed: false,
        evidence: None,
        occurrence: None,
        version: None,
    };
    s.report_progress(&actor, open[1].id, open[1].lead_unit_id, &progress, None)
        .await
        .expect("progress");
    let now = Timestamp::now();
    let app = at(&f.app, now);
    for who in ["admin", "leader_tinh", "leader", "leader_bt"] {
        let me = f.caller(who).await;
        let (kept, classified) = both(&app, &me, &TaskQuery::default()).await;
        assert_same(&kept, &classified, &format!("{who}, after the writes"));
    }
    let before = work::board(&app, &admin, &TaskQuery::default(), Lang::Vi)
        .await
        .expect("board");
    let cancelled = |b: &Board| b.totals.get("cancelled").copied().unwrap_or(0);
    // A completion recorded after the board's moment: the counts take it as known, so the board
    // at that moment is classified instead, and still counts the task as open.
    let clock = StatusClock::new(now, &work::policy());
    s.record_completion_at(
        &actor,
        open[2].id,
        now + Span::new().hours(1),
        None,
        "xong sau",
    )
    .await
    .expect("completion");
    assert!(
        s.board_counts(&clock, 10).await.expect("counts").is_none(),
        "a completion after the clock"
    );
    let (kept, classified) = both(&app, &admin, &TaskQuery::default()).await;
    assert_same(&kept, &classified, "a completion after the board's moment");
    assert_eq!(kept.totals, before.totals);
    let later = at(&f.app, now + Span::new().hours(2));
    let (kept, classified) = both(&later, &admin, &TaskQuery::default()).await;
    assert_same(&kept, &classified, "after the completion");
    assert_eq!(cancelled(&kept), cancelled(&before));
    // The other district's board did not move with Cẩm Thủy's writes.
    let leader_bt = f.caller("leader_bt").await;
    let (theirs, classified) = both(&later, &leader_bt, &TaskQuery::default()).await;
    assert_same(&theirs, &classified, "the other district");
    let leads: Vec<UnitId> = theirs.units.iter().map(|c| UnitId(c.unit.id)).collect();
    assert!(
        leads
            .iter()
            .all(|l| [u.dien_quang, u.other_district].contains(l))
    );
}

/// Not a test: the board timed on a set of the province's size (20 000 tasks with the shape of
/// `giaoban-bench data`: 5 % recurring, 5 % standing, 10 % within a quarter, the rest dated,
/// 45 % of the dated ones completed around their due day, 2 % of the rest cancelled), from the
/// counts kept on write and classified, alternately. `GIAOBAN_BOARD_TASKS` sets the size.
/// `cargo test --release --workspace --locked --test board -- --ignored --nocapture`
#[tokio::test]
#[ignore]
async fn time_the_board_on_a_province_sized_set() {
    let f = Fixture::new().await;
    let u = f.units;
    let s = f.store().clone();
    let actor = AuditActor::system("bench");
    let total: usize = std::env::var("GIAOBAN_BOARD_TASKS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let leads = [
        u.tckh,
        u.cam_ngoc,
        u.cam_tan,
        u.ubnd,
        u.dien_quang,
        u.other_district,
    ];
    let today = Clock::System.today();
    let start = jiff::civil::date(2023, 1, 1);
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut r = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let built = std::time::Instant::now();
    for i in 0..total {
        let lead = leads[(r() % leads.len() as u64) as usize];
        let assigned_on = day(start, (r() % 1_095) as i64);
        let deadline = match r() % 20 {
            0 => Deadline::Standing,
            1 => Deadline::Recurring(RecurrenceRule::monthly(25, None).expect("rule")),
            2 | 3 => {
                let d = day(assigned_on, 90);
                Deadline::WithinPeriod(
                    Period::quarter(d.year(), (d.month() - 1) / 3 + 1).expect("quarter"),
                )
            }
            _ => Deadline::At {
                date: day(assigned_on, (15 + r() % 165) as i64),
                time: None,
            },
        };
        let draft = TaskDraft::parse(
            &TaskInput {
                content: format!("Nhiệm vụ thử số {i}"),
                source_kind: None,
                conclusion_id: None,
                meeting_id: None,
                source_ref: None,
                assigner_unit_id: u.ubnd.0,
                assigner_name: None,
                lead_unit_id: lead.0,
                coordinating_unit_ids: vec![],
                monitor_unit_id: None,
                parent_id: None,
                deadline: DeadlineInput::Typed(deadline),
                assigned_on: Some(assigned_on.to_string()),
            },
            today,
        )
        .expect("draft");
        let task = s.create_task(&actor, &draft).await.expect("task");
        let completed = deadline.due().filter(|_| r() % 100 < 45);
        if let Some(due) = completed {
            let on = day(due.date, (r() % 40) as i64 - 25);
            let at = giaoban_domain::calendar::local_timestamp(on, Time::constant(16, 0, 0, 0))
                .expect("moment")
                .min(Timestamp::now());
            s.record_completion_at(&actor, task.id, at, None, "xong")
                .await
                .expect("completion");
        } else if r() % 50 == 0 {
            s.act_on_task(&actor, task.id, u.ubnd, TaskAction::Cancel, "", None)
                .await
                .expect("cancel");
        }
    }
    println!(
        "{total} tasks written in {:.1} s",
        built.elapsed().as_secs_f64()
    );
    let admin = f.caller("admin").await;
    let q = TaskQuery::default();
    let fixed = at(&f.app, Timestamp::now());
    let (kept, classified) = both(&fixed, &admin, &q).await;
    assert_same(&kept, &classified, "the province-sized set");
    let runs = 21;
    let mut times = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = std::time::Instant::now();
        work::board(&f.app, &admin, &q, Lang::Vi)
            .await
            .expect("board");
        times.0.push(t.elapsed().as_secs_f64() * 1e3);
        let t = std::time::Instant::now();
        work::board_classified(&f.app, &admin, &q, Lang::Vi)
            .await
            .expect("board");
        times.1.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let clock = StatusClock::new(Timestamp::now(), &work::policy());
    let mut parts = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t = std::time::Instant::now();
        s.board_counts(&clock, work::BOARD_OVERDUE_ROWS)
            .await
            .expect("counts");
        parts.0.push(t.elapsed().as_secs_f64() * 1e3);
        let t = std::time::Instant::now();
        s.status_tally(&TaskSelection {
            filter: TaskFilter::default(),
            clock,
            status: StatusWanted::Any,
            period: None,
        })
        .await
        .expect("tally");
        parts.1.push(t.elapsed().as_secs_f64() * 1e3);
        let t = std::time::Instant::now();
        s.recurring_tasks(&TaskFilter::default())
            .await
            .expect("recurring");
        parts.2.push(t.elapsed().as_secs_f64() * 1e3);
    }
    for (name, v) in [
        ("board, counts kept on write", &mut times.0),
        ("board, classified (before)", &mut times.1),
        ("  store: board_counts + most overdue", &mut parts.0),
        ("  store: status_tally", &mut parts.1),
        ("  store: recurring tasks whole", &mut parts.2),
    ] {
        v.sort_by(f64::total_cmp);
        println!(
            "{name}: median {:.2} ms, p90 {:.2} ms, min {:.2} ms ({runs} runs)",
            v[v.len() / 2],
            v[v.len() * 9 / 10],
            v[0]
        );
    }
}
