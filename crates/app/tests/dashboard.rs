//! The home page's numbers per role (`giaoban_app::dashboard`, issue 25) against a fresh store, on
//! SQLite or, with GIAOBAN_TEST_DATABASE_URL, PostgreSQL, at a fixed clock (Monday 12/05/2025):
//! the leader's tasks by unit and reports late and missing, the office's notices to issue, a
//! member's own unit's tasks and reports only.

mod common;

use common::{Fixture, body};
use giaoban_app::dashboard::{self, Dashboard};
use giaoban_app::reports::{self, EntryWrite, SubmissionActionWrite};
use giaoban_app::{Clock, work};
use giaoban_domain::Lang;
use giaoban_domain::unit::UnitId;
use serde_json::json;

/// 09:00 in Vietnam on `day`.
fn at(day: &str) -> Clock {
    let ts: jiff::Timestamp = format!("{day}T09:00:00+07:00").parse().expect("instant");
    Clock::Fixed(ts)
}

async fn task(f: &Fixture, lead: UnitId, deadline: &str) {
    let office = f.caller("office").await;
    work::create_task(
        &f.app,
        &office,
        &body(json!({
            "content": format!("Nhiệm vụ hạn {deadline}"),
            "assigner_unit_id": f.units.ubnd.0,
            "lead_unit_id": lead.0,
            "deadline": deadline,
        })),
    )
    .await
    .expect("task");
}

async fn board_of(f: &Fixture, who: &str) -> Dashboard {
    let me = f.caller(who).await;
    dashboard::dashboard(&f.app, &me, Lang::Vi)
        .await
        .expect("dashboard")
}

/// Tasks assigned on 01/04/2025 (and, by each meeting, the UBND's task of issuing its notice); then the clock moves to Monday 12/05/2025: Cẩm Tân has two
/// overdue tasks, Cẩm Ngọc one overdue, one due on Wednesday and one for June, the finance
/// department one for July. The quarterly commune report of 2025Q1 (due in March): Cẩm Ngọc sends
/// it today (late), Cẩm Tân has not (missing). Two meetings of the UBND held without an issued
/// notice, one of them past its 5 working days, one draft notice.
async fn seeded() -> Fixture {
    let mut f = Fixture::new().await;
    let u = f.units;
    f.app = f.app.clone().with_clock(at("2025-04-01"));
    for (lead, due) in [
        (u.cam_tan, "2025-05-01"),
        (u.cam_tan, "2025-05-02"),
        (u.cam_ngoc, "2025-05-05"),
        (u.cam_ngoc, "2025-05-14"),
        (u.cam_ngoc, "2025-06-30"),
        (u.tckh, "2025-07-01"),
    ] {
        task(&f, lead, due).await;
    }
    f.app = f.app.clone().with_clock(at("2025-05-12"));
    f.load_catalog().await;
    let admin = f.caller("admin").await;
    let form = reports::create_form(
        &f.app,
        &admin,
        &body(json!({
            "code": "KTXH_QUY_XA", "name_vi": "Báo cáo KT-XH quý (xã)", "period_kind": "quarter",
            "window_rule": "decree09",
            "submission_rule": {"rule": "working_days_after_window", "days": 2},
            "reporter_kinds": ["commune", "township"],
            "items": [{"code": "NN_LUA_GIEO_CAY", "required": true}],
        })),
    )
    .await
    .expect("form");
    let camngoc = f.caller("camngoc").await;
    let w: EntryWrite = body(json!({"values": {"NN_LUA_GIEO_CAY": "3.200,5"}}));
    let s = reports::save_entry(&f.app, &camngoc, form.id.0, "2025Q1", u.cam_ngoc.0, &w)
        .await
        .expect("entry");
    let a: SubmissionActionWrite = body(json!({"action": "submit", "version": s.version}));
    reports::act(&f.app, &camngoc, s.id.0, &a)
        .await
        .expect("sent");
    let office = f.caller("office").await;
    for (title, date) in [
        ("Giao ban tuần 18", "2025-05-02"),
        ("Giao ban tuần 19", "2025-05-09"),
    ] {
        let m = work::create_meeting(
            &f.app,
            &office,
            &body(json!({"kind": "briefing", "title": title, "date": date,
                         "host_unit_id": u.ubnd.0})),
        )
        .await
        .expect("meeting");
        if date == "2025-05-02" {
            work::create_conclusion(
                &f.app,
                &office,
                &body(json!({"meeting_id": m.id, "issuer_unit_id": u.ubnd.0,
                             "title": "Kết luận giao ban tuần 18"})),
            )
            .await
            .expect("draft notice");
        }
    }
    f
}

#[tokio::test]
async fn the_leader_sees_tasks_by_unit_reports_behind_and_the_day_of_the_clock() {
    let f = seeded().await;
    let d = board_of(&f, "leader").await;
    assert_eq!(d.today, "2025-05-12");
    assert!(d.office.is_none() && d.member.is_none());
    let l = d.leader.expect("leader panel");
    // Six tasks, and the UBND's own task of issuing each meeting's notice (5 working days).
    assert_eq!(
        (l.overdue.count, l.due_soon.count, l.on_track.count),
        (4, 1, 3)
    );
    assert_eq!(l.overdue.href, "/tasks?status=overdue");
    // The most overdue unit first, each number linking to that unit's list.
    let rows: Vec<(&str, usize, usize, usize)> = l
        .units
        .iter()
        .map(|u| {
            (
                u.unit_name.as_str(),
                u.overdue.count,
                u.due_soon.count,
                u.on_track.count,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Xã Cẩm Tân", 2, 0, 0),
            ("UBND huyện Cẩm Thủy", 1, 0, 1),
            ("Xã Cẩm Ngọc", 1, 1, 1),
            ("Phòng Tài chính - Kế hoạch", 0, 0, 1)
        ]
    );
    assert_eq!(
        l.units[0].overdue.href,
        format!("/tasks?status=overdue&unit={}", f.units.cam_tan.0)
    );
    assert_eq!(l.without_living_owner.count, 0);
    // 2025Q1 (due in March): Cẩm Ngọc sent late, Cẩm Tân missing; Điền Quang is not the leader's.
    assert_eq!(l.reports.len(), 1);
    let r = &l.reports[0];
    assert_eq!((r.period.as_str(), r.expected), ("2025Q1", 2));
    assert_eq!((l.reports_late, l.reports_missing), (1, 1));
    assert!(r.missing.href.ends_with("/2025Q1"), "{}", r.missing.href);
    assert!(l.notices.is_empty());
}

#[tokio::test]
async fn the_office_sees_drafts_notices_due_and_its_inbox() {
    let f = seeded().await;
    let d = board_of(&f, "office").await;
    assert!(d.leader.is_none() && d.member.is_none());
    let o = d.office.expect("office panel");
    assert_eq!(o.drafts.count, 1);
    assert_eq!((o.notices_due.count, o.notices_overdue), (2, 1));
    assert_eq!(o.meetings[0].title, "Giao ban tuần 18");
    assert!(o.meetings[0].overdue && !o.meetings[1].overdue);
    let office = f.caller("office").await;
    let inbox = giaoban_app::inbox::inbox_count(f.store(), &office)
        .await
        .expect("inbox");
    assert_eq!(o.inbox.count as u64, inbox.total);
    assert!(o.inbox.count >= 1, "Cẩm Ngọc's report waits for the office");
}

#[tokio::test]
async fn a_member_sees_only_their_units_numbers() {
    let f = seeded().await;
    let mine = |d: Dashboard| {
        assert!(d.leader.is_none() && d.office.is_none());
        let m = d.member.expect("member panel");
        let reports: Vec<(String, String)> = m
            .reports
            .iter()
            .map(|r| (r.period.clone(), r.state.clone()))
            .collect();
        (
            m.unit_name,
            (m.overdue.count, m.due_soon.count, m.later.count),
            reports,
        )
    };
    let pending = ("2025Q2".to_owned(), "pending".to_owned());
    let missing = ("2025Q1".to_owned(), "missing".to_owned());
    assert_eq!(
        mine(board_of(&f, "camngoc").await),
        ("Xã Cẩm Ngọc".to_owned(), (1, 1, 1), vec![pending.clone()])
    );
    assert_eq!(
        mine(board_of(&f, "camtan").await),
        ("Xã Cẩm Tân".to_owned(), (2, 0, 0), vec![missing, pending])
    );
    let tckh = mine(board_of(&f, "tckh").await);
    assert_eq!(tckh.1, (0, 0, 1));
    assert!(tckh.2.is_empty(), "a department sends no commune report");
    let camngoc = board_of(&f, "camngoc").await.member.expect("member");
    assert_eq!(
        camngoc.overdue.href,
        format!("/tasks?status=overdue&unit={}", f.units.cam_ngoc.0)
    );
}
