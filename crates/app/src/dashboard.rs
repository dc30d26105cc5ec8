//! Trang chủ theo vai trò (issue 25): the numbers each role starts the day with, each with the
//! link of the list it counts. Read through the existing queries (the board, report completeness,
//! the inbox count, meetings and notices), at the app's clock.
//!
//! - Lãnh đạo (and the administrator): overdue / due-soon / on-track tasks, by lead unit; reports
//!   late and missing for each form's current period; tasks without a living owner; the last
//!   issued notices.
//! - Văn phòng (and the administrator): draft notices to issue, meetings whose notice is due
//!   (5 working days after the meeting, Decision 45/2018), the inbox.
//! - Thành viên (a department, a commune): the unit's tasks by urgency and its reports due.

use std::collections::HashSet;

use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::calendar::{WorkCalendar, local_date};
use giaoban_domain::conclusion::ConclusionStatus;
use giaoban_domain::period::Period;
use giaoban_domain::report::{ReportForm, Timeliness};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::user::Role;
use jiff::Timestamp;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::work::{self, Board, TaskQuery};
use crate::{App, Caller, Error};

/// How many units the leader's chart shows (the most overdue first).
pub const TOP_UNITS: usize = 8;
/// How many issued notices, and meetings awaiting one, are listed.
pub const LIST_ROWS: usize = 5;

/// A number and the page that lists what it counts.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct CountLink {
    pub count: usize,
    pub href: String,
}

fn figure(count: usize, href: impl Into<String>) -> CountLink {
    CountLink {
        count,
        href: href.into(),
    }
}

/// One lead unit's open tasks by urgency.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitBar {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub overdue: CountLink,
    pub due_soon: CountLink,
    pub on_track: CountLink,
}

/// One form's current period: how many expected reports are late or missing.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportGap {
    pub form_id: Uuid,
    pub form_name: String,
    pub period: String,
    pub period_label: String,
    pub due_label: String,
    pub expected: u32,
    pub late: CountLink,
    pub missing: CountLink,
}

/// An issued conclusion notice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeRow {
    pub id: Uuid,
    pub number: Option<String>,
    pub title: String,
    pub issued_on: Option<String>,
    pub href: String,
}

/// A meeting held whose conclusion notice is not issued yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingDue {
    pub meeting_id: Uuid,
    pub title: String,
    pub due_date: String,
    pub due_label: String,
    pub overdue: bool,
    pub href: String,
}

/// A report of the member's unit not sent yet.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDue {
    pub form_name: String,
    pub period: String,
    pub period_label: String,
    pub due_label: String,
    /// `missing` (deadline passed) or `pending`.
    pub state: String,
    pub state_label: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LeaderPanel {
    pub overdue: CountLink,
    pub due_soon: CountLink,
    pub on_track: CountLink,
    /// Lead units with open tasks, the most overdue first (at most [`TOP_UNITS`]).
    pub units: Vec<UnitBar>,
    pub without_living_owner: CountLink,
    pub reports: Vec<ReportGap>,
    pub reports_late: usize,
    pub reports_missing: usize,
    pub notices: Vec<NoticeRow>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OfficePanel {
    /// Draft notices the office may issue.
    pub drafts: CountLink,
    /// Meetings held whose notice is not issued (due 5 working days after the meeting).
    pub notices_due: CountLink,
    /// Of those, the ones past that day.
    pub notices_overdue: usize,
    pub meetings: Vec<MeetingDue>,
    pub inbox: CountLink,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberPanel {
    pub unit_id: Uuid,
    pub unit_name: String,
    pub overdue: CountLink,
    pub due_soon: CountLink,
    /// Open tasks neither overdue nor due soon.
    pub later: CountLink,
    pub reports: Vec<ReportDue>,
}

/// The home page's numbers for the caller's role.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub role: String,
    /// The app's day (YYYY-MM-DD).
    pub today: String,
    pub today_label: String,
    pub leader: Option<LeaderPanel>,
    pub office: Option<OfficePanel>,
    pub member: Option<MemberPanel>,
}

fn calendar() -> Result<&'static WorkCalendar, Error> {
    WorkCalendar::vietnam().map_err(|e| Error::Internal(format!("work calendar: {e}")))
}

fn count(b: &Board, code: &str) -> usize {
    b.totals.get(code).copied().unwrap_or(0)
}

/// The dashboard of `me`, at the app's clock.
pub async fn dashboard(state: &App, me: &Caller, lang: Lang) -> Result<Dashboard, Error> {
    let today = state.today();
    let role = me.user.role;
    let leader = match role {
        Role::Admin | Role::Leader => Some(leader_panel(state, me, lang).await?),
        _ => None,
    };
    let office = match role {
        Role::Admin | Role::Office => Some(office_panel(state, me, lang).await?),
        _ => None,
    };
    let member = match role {
        Role::Member => Some(member_panel(state, me, lang).await?),
        _ => None,
    };
    Ok(Dashboard {
        role: role.code().to_owned(),
        today: today.to_string(),
        today_label: giaoban_domain::calendar::format_date_vi(today),
        leader,
        office,
        member,
    })
}

async fn leader_panel(state: &App, me: &Caller, lang: Lang) -> Result<LeaderPanel, Error> {
    let b = work::board(state, me, &TaskQuery::default(), lang).await?;
    let list = |status: &str, unit: Option<Uuid>| match unit {
        Some(u) => format!("/tasks?status={status}&unit={u}"),
        None => format!("/tasks?status={status}"),
    };
    let c = |u: &work::UnitCounts, code: &str| u.counts.get(code).copied().unwrap_or(0);
    let units = b
        .units
        .iter()
        .filter(|u| c(u, "overdue") + c(u, "due_soon") + c(u, "in_progress") > 0)
        .take(TOP_UNITS)
        .map(|u| UnitBar {
            unit_id: u.unit.id,
            unit_name: u.unit.name.clone(),
            overdue: figure(c(u, "overdue"), list("overdue", Some(u.unit.id))),
            due_soon: figure(c(u, "due_soon"), list("due_soon", Some(u.unit.id))),
            on_track: figure(c(u, "in_progress"), list("in_progress", Some(u.unit.id))),
        })
        .collect();
    let reports = report_gaps(state, me, lang).await?;
    let units_all = state.store.units().await?;
    let tree = UnitTree::new(&units_all);
    let mut issued: Vec<_> = state
        .store
        .conclusions()
        .await?
        .into_iter()
        .filter(|c| {
            c.status == ConclusionStatus::Issued
                && me.may(&tree, Permission::ReadRecords, c.issuer_unit_id)
        })
        .collect();
    issued.sort_by(|a, b| {
        b.issued_on
            .cmp(&a.issued_on)
            .then(b.created_at.cmp(&a.created_at))
    });
    let notices = issued
        .into_iter()
        .take(LIST_ROWS)
        .map(|c| NoticeRow {
            id: c.id,
            number: c.number.as_ref().map(|n| n.display()),
            title: c.title,
            issued_on: c.issued_on.map(giaoban_domain::calendar::format_date_vi),
            href: format!("/conclusions/{}", c.id),
        })
        .collect();
    Ok(LeaderPanel {
        overdue: figure(count(&b, "overdue"), list("overdue", None)),
        due_soon: figure(count(&b, "due_soon"), list("due_soon", None)),
        on_track: figure(count(&b, "in_progress"), list("in_progress", None)),
        units,
        without_living_owner: figure(b.without_living_owner, "/handover"),
        reports_late: reports.iter().map(|r| r.late.count).sum(),
        reports_missing: reports.iter().map(|r| r.missing.count).sum(),
        reports,
        notices,
    })
}

/// The period a form's reports are chased for now: of the period containing today and the one
/// before, the latest whose deadline has passed (the one before when neither has).
fn chased_period(form: &ReportForm, now: Timestamp) -> Option<Period> {
    let cal = calendar().ok()?;
    let current = Period::containing(form.def.period_kind, local_date(now)).ok()?;
    let prev = current.prev().ok();
    let passed = |p: Period| {
        form.due(p, cal)
            .ok()
            .and_then(|d| d.instant().ok())
            .is_some_and(|due| due <= now)
    };
    if passed(current) {
        Some(current)
    } else {
        prev.or(Some(current))
    }
}

async fn report_gaps(state: &App, me: &Caller, lang: Lang) -> Result<Vec<ReportGap>, Error> {
    let now = state.now();
    let mut out = Vec::new();
    for form in state.store.forms().await?.into_iter().filter(|f| f.active) {
        let Some(period) = chased_period(&form, now) else {
            continue;
        };
        let v = crate::reports::completeness(state, me, form.id.0, &period.code(), None, now, lang)
            .await?;
        if v.expected == 0 {
            continue;
        }
        let href = format!("/reports/{}/{}", form.id.0, v.period);
        out.push(ReportGap {
            form_id: form.id.0,
            form_name: v.form_name,
            period: v.period,
            period_label: v.period_label,
            due_label: v.due_label,
            expected: v.expected,
            late: figure(v.late as usize, href.clone()),
            missing: figure(v.missing as usize, href),
        });
    }
    Ok(out)
}

async fn office_panel(state: &App, me: &Caller, lang: Lang) -> Result<OfficePanel, Error> {
    let today = state.today();
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let conclusions = state.store.conclusions().await?;
    let drafts = conclusions
        .iter()
        .filter(|c| {
            c.status == ConclusionStatus::Draft
                && me.may(&tree, Permission::WriteRecords, c.issuer_unit_id)
        })
        .count();
    let issued: HashSet<Uuid> = conclusions
        .iter()
        .filter(|c| c.status == ConclusionStatus::Issued)
        .map(|c| c.meeting_id)
        .collect();
    let cal = calendar()?;
    let mut awaiting: Vec<MeetingDue> = state
        .store
        .meetings()
        .await?
        .into_iter()
        .filter(|m| {
            m.date <= today
                && !issued.contains(&m.id)
                && me.may(&tree, Permission::WriteRecords, m.host_unit_id)
        })
        .filter_map(|m| {
            let due = m.notice_due(cal).ok()?;
            Some(MeetingDue {
                meeting_id: m.id,
                title: m.title,
                due_date: due.date.to_string(),
                due_label: due.label(lang),
                overdue: due.date < today,
                href: format!("/meetings/{}", m.id),
            })
        })
        .collect();
    awaiting.sort_by(|a, b| a.due_date.cmp(&b.due_date));
    let notices_overdue = awaiting.iter().filter(|m| m.overdue).count();
    let inbox = crate::inbox::inbox_count(&state.store, me).await?;
    Ok(OfficePanel {
        drafts: figure(drafts, "/meetings"),
        notices_due: figure(awaiting.len(), "/meetings"),
        notices_overdue,
        meetings: awaiting.into_iter().take(LIST_ROWS).collect(),
        inbox: figure(usize::try_from(inbox.total).unwrap_or(usize::MAX), "/inbox"),
    })
}

async fn member_panel(state: &App, me: &Caller, lang: Lang) -> Result<MemberPanel, Error> {
    let unit = me.user.unit_id;
    let q = TaskQuery {
        unit: Some(unit.0),
        ..TaskQuery::default()
    };
    let b = work::board(state, me, &q, lang).await?;
    let list = |status: &str| format!("/tasks?status={status}&unit={}", unit.0);
    let now = state.now();
    let cal = calendar()?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let mine = tree.get(unit);
    let mut reports = Vec::new();
    if let Some(u) = mine {
        for form in state
            .store
            .forms()
            .await?
            .into_iter()
            .filter(|f| f.active && f.applies_to(u.kind, &tree.ancestry(u.id)))
        {
            let Ok(current) = Period::containing(form.def.period_kind, local_date(now)) else {
                continue;
            };
            let mut periods: Vec<Period> = current.prev().into_iter().collect();
            periods.push(current);
            let subs = |p: Period| state.store.submissions_for(form.id, p);
            for period in periods {
                let (Ok(due), Ok(window)) = (form.due(period, cal), form.window(period)) else {
                    continue;
                };
                if !u.is_active_on(window.end()) {
                    continue;
                }
                let Ok(due_at) = due.instant() else { continue };
                let sent = subs(period)
                    .await?
                    .into_iter()
                    .find(|s| s.unit_id == unit)
                    .and_then(|s| s.first_sent_at)
                    .filter(|t| *t <= now);
                let t = Timeliness::assess(due_at, sent, now);
                if sent.is_some() {
                    continue;
                }
                reports.push(ReportDue {
                    form_name: form.name(lang).to_owned(),
                    period: period.code(),
                    period_label: period.label(lang),
                    due_label: due.label(lang),
                    state: t.code().to_owned(),
                    state_label: t.label(lang),
                    href: format!("/reports/{}/{}/{}", form.id.0, period.code(), unit.0),
                });
            }
        }
    }
    Ok(MemberPanel {
        unit_id: unit.0,
        unit_name: mine.map(|u| u.name.clone()).unwrap_or_default(),
        overdue: figure(count(&b, "overdue"), list("overdue")),
        due_soon: figure(count(&b, "due_soon"), list("due_soon")),
        later: figure(count(&b, "in_progress"), list("in_progress")),
        reports,
    })
}
