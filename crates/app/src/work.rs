//! The review-and-direction cycle as the pages and the API share it: meetings, recommendations,
//! conclusion notices, tasks and their follow-up, boards, reminders and calendar feeds.
//!
//! Every function takes the signed-in actor and checks access itself, so a page and its API route
//! cannot disagree about who may do what.

use std::collections::HashMap;

use giaoban_domain::Lang;
use giaoban_domain::access::{
    Permission, history_task_list_scope, may_read_history, reference, successor_ancestries,
    task_list_scope,
};
use giaoban_domain::calendar::{WorkCalendar, local_date, local_timestamp};
use giaoban_domain::conclusion::{Conclusion, ConclusionDraft, ConclusionInput, check_issue};
use giaoban_domain::deadline::{Deadline, DueMoment};
use giaoban_domain::meeting::{
    Answer, AnswerInput, Meeting, MeetingDraft, MeetingInput, Recommendation, RecommendationDraft,
    RecommendationInput,
};
use giaoban_domain::reminder::due_reminders;
use giaoban_domain::task::{
    OccurrenceStatus, Progress, ProgressInput, ProgressUpdate, Task, TaskDraft, TaskId, TaskInput,
    TaskRights, TaskRole, parse_extension, task_rights,
};
use giaoban_domain::task_status::{StatusPolicy, TaskStatus};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Invalid, Invalids, Unit, UnitId, UnitKind};
use giaoban_domain::user::Role;
use giaoban_storage::meetings::NoticeTask;
use giaoban_storage::tasks::{
    ClassifiedKey, KeyOrder, StatusClock, StatusWanted, TaskAction, TaskFilter, TaskSelection,
};
use giaoban_storage::{Store, StoreError};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::App;
use crate::Caller;
use crate::Error;

/// The classification settings used everywhere (due soon from 3 days before).
pub fn policy() -> StatusPolicy {
    StatusPolicy::default()
}

fn calendar() -> Result<&'static WorkCalendar, Error> {
    WorkCalendar::vietnam().map_err(|e| Error::Internal(format!("work calendar: {e}")))
}

/// Reads an `as_of` parameter: a date (its end: 23:59:59 local) or an RFC 3339 instant; empty =
/// `now` (the app's clock: [`App::now`], never the system's, so that an app run "as of" a day
/// answers as of that day). Lets a board be seen as it stood on a past day. A day outside the
/// years the work calendar answers for (`unit::FIRST_DATE_YEAR`–`LAST_DATE_YEAR`) is a 422 naming
/// `as_of`.
pub fn parse_as_of_at(raw: Option<&str>, now: Timestamp) -> Result<Timestamp, Error> {
    let s = raw.unwrap_or("").trim();
    if s.is_empty() {
        return Ok(now);
    }
    if let Ok(ts) = s.parse::<Timestamp>() {
        if !giaoban_domain::unit::date_supported(giaoban_domain::calendar::local_date(ts)) {
            return Err(giaoban_domain::unit::date_out_of_range("as_of", s).into());
        }
        return Ok(ts);
    }
    match giaoban_domain::unit::parse_date("as_of", s)? {
        Some(d) => giaoban_domain::calendar::end_of_day(d)
            .map_err(|_| giaoban_domain::unit::date_out_of_range("as_of", s).into()),
        None => Ok(now),
    }
}

/// A date the work calendar cannot count from (outside the years it answers for) as a 422 naming
/// `field`; a broken holiday table stays a fault of ours.
fn date_refused(field: &'static str, e: giaoban_domain::calendar::CalendarError) -> Error {
    use giaoban_domain::calendar::CalendarError;
    use giaoban_domain::{Lang, Localized};
    match e {
        CalendarError::OutOfRange { .. } | CalendarError::TimeConversion(_) => Invalid::new(
            field,
            "date.out_of_range",
            e.message(Lang::Vi),
            e.message(Lang::En),
        )
        .into(),
        CalendarError::InvalidData(_) => Error::Internal(e.to_string()),
    }
}

// ----- unit helpers -----

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct UnitName {
    pub id: Uuid,
    pub name: String,
}

fn unit_name(tree: &UnitTree<'_>, id: UnitId) -> UnitName {
    UnitName {
        id: id.0,
        name: tree
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_else(|| id.to_string()),
    }
}

/// A record named by an id in a body or form that does not exist is a mistake in that field (422
/// naming it), not a missing page; any other store failure passes on.
fn unknown_in(
    field: &'static str,
    code: &'static str,
    vi: &'static str,
    en: &'static str,
) -> impl FnOnce(giaoban_storage::StoreError) -> Error {
    move |e| match e {
        giaoban_storage::StoreError::NotFound => Invalid::new(field, code, vi, en).into(),
        other => other.into(),
    }
}

fn require_unit(tree: &UnitTree<'_>, id: UnitId, field: &'static str) -> Result<(), Error> {
    if tree.get(id).is_some() {
        Ok(())
    } else {
        Err(Invalid::new(
            field,
            "unit.unknown",
            "Đơn vị không tồn tại.",
            "The unit does not exist.",
        )
        .into())
    }
}

// ----- tasks -----

/// A task as the pages and the API show it: the facts, the status as of a moment and what the
/// viewer may do with it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskView {
    pub id: Uuid,
    pub content: String,
    pub source_kind: String,
    pub source_label: String,
    pub conclusion_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub source_ref: Option<String>,
    pub assigner: UnitName,
    pub assigner_name: Option<String>,
    pub lead: UnitName,
    pub coordinating: Vec<UnitName>,
    pub monitor: Option<UnitName>,
    pub parent_id: Option<Uuid>,
    /// The deadline as stored (`{"kind":"at","value":{…}}`, `recurring`, `within_period`, `standing`).
    pub deadline: Deadline,
    /// How officials write it.
    pub deadline_label: String,
    pub assigned_on: String,
    pub percent: Option<u8>,
    /// `completed_on_time`, `completed_late`, `in_progress`, `due_soon`, `overdue`, `standing`,
    /// `paused`, `cancelled`.
    pub status: String,
    pub status_label: String,
    /// The official category (1270/BC-TCTTTg) when the status counts under one.
    pub official_category: Option<String>,
    /// The deadline in force (after an approved extension), as written; for a recurring task the
    /// occurrence's.
    pub due_label: Option<String>,
    pub due_date: Option<String>,
    pub original_due_label: Option<String>,
    pub extended: bool,
    pub days_late: Option<i32>,
    /// For a recurring task: the occurrence shown (period code).
    pub occurrence: Option<String>,
    pub completed_at: Option<String>,
    pub completion_note: Option<String>,
    pub pending_extension: Option<String>,
    pub version: i64,
    pub rights: RightsView,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema, Default)]
pub struct RightsView {
    pub report_progress: bool,
    pub report_completion: bool,
    pub manage: bool,
    /// Approve or refuse an extension asked for: the assigner's leaders and office, never the unit
    /// that asked.
    pub decide_extension: bool,
}

impl From<TaskRights> for RightsView {
    fn from(r: TaskRights) -> Self {
        RightsView {
            report_progress: r.report_progress,
            report_completion: r.report_completion,
            manage: r.manage,
            decide_extension: r.decide_extension,
        }
    }
}

fn rights_of(me: &Caller, tree: &UnitTree<'_>, task: &Task) -> TaskRights {
    let assigner = tree.ancestry(task.assigner_unit_id);
    let ancestries: Vec<(TaskRole, Vec<UnitId>)> = task
        .parties()
        .into_iter()
        .map(|(u, r)| (r, tree.ancestry(u)))
        .collect();
    let parties: Vec<(TaskRole, &[UnitId])> =
        ancestries.iter().map(|(r, a)| (*r, a.as_slice())).collect();
    let mut rights = task_rights(&me.actor, &assigner, &parties);
    // The tasks of a unit merged into the caller's are its history: read, never acted on.
    if !rights.read {
        rights.read = task
            .parties()
            .into_iter()
            .map(|(u, _)| u)
            .chain([task.assigner_unit_id])
            .any(|u| may_read_history(&me.actor, &successor_ancestries(tree, u)));
    }
    rights
}

fn ts_label(ts: Timestamp) -> String {
    let dt = giaoban_domain::calendar::local_datetime(ts);
    format!(
        "{:02}/{:02}/{} {:02}:{:02}",
        dt.day(),
        dt.month(),
        dt.year(),
        dt.hour(),
        dt.minute()
    )
}

pub fn view_task(
    task: &Task,
    status: &OccurrenceStatus,
    rights: TaskRights,
    tree: &UnitTree<'_>,
    lang: Lang,
) -> TaskView {
    let a = &status.assessment;
    TaskView {
        id: task.id.0,
        content: task.content.clone(),
        source_kind: task.source_kind.code().into(),
        source_label: task.source_kind.label(lang).into(),
        conclusion_id: task.conclusion_id,
        meeting_id: task.meeting_id,
        source_ref: task.source_ref.clone(),
        assigner: unit_name(tree, task.assigner_unit_id),
        assigner_name: task.assigner_name.clone(),
        lead: unit_name(tree, task.lead_unit_id),
        coordinating: task
            .coordinating_unit_ids
            .iter()
            .map(|u| unit_name(tree, *u))
            .collect(),
        monitor: task.monitor_unit_id.map(|u| unit_name(tree, u)),
        parent_id: task.parent_id.map(|p| p.0),
        deadline: task.deadline,
        deadline_label: task.deadline.label(lang),
        assigned_on: task.assigned_on.to_string(),
        percent: task.percent,
        status: status_code(a.status).into(),
        status_label: a.status.label(lang).into(),
        official_category: a
            .status
            .official_category()
            .and_then(|c| serde_json::to_value(c).ok())
            .and_then(|v| v.as_str().map(str::to_owned)),
        due_label: a.effective_due.map(|d| d.label(lang)),
        due_date: a.effective_due.map(|d| d.date.to_string()),
        original_due_label: a.original_due.filter(|_| a.extended).map(|d| d.label(lang)),
        extended: a.extended,
        days_late: a.days_late,
        occurrence: status.occurrence.map(|o| o.period.code()),
        completed_at: task.completed_at.map(ts_label),
        completion_note: task.completion_note.clone(),
        pending_extension: task
            .pending_extension
            .as_ref()
            .map(|e| format!("{} — {}", e.new_due.label(lang), e.reason)),
        version: task.version,
        rights: rights.into(),
    }
}

/// The status's code (`overdue`, `due_soon`…), as the domain names it.
pub fn status_code(s: TaskStatus) -> &'static str {
    giaoban_domain::Localized::code(&s)
}

pub fn parse_status_filter(raw: &str) -> Result<TaskStatus, Error> {
    giaoban_domain::task::parse_status(raw.trim()).ok_or_else(|| {
        Invalid::new(
            "status",
            "task.status_unknown",
            format!("Trạng thái «{raw}» không hợp lệ."),
            format!("Unknown status «{raw}»."),
        )
        .into()
    })
}

/// Filters of the task lists.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// Tasks in which this unit has a part.
    pub unit: Option<Uuid>,
    /// Status code (`overdue`, `due_soon`, `in_progress`, `completed_on_time`, `completed_late`,
    /// `standing`, `paused`, `cancelled`) or `open` for every unfinished one.
    pub status: Option<String>,
    /// Period ("quý I/2023", "tháng 3/2023", or a code `2023Q1`, `202303`, `2023`): tasks whose
    /// deadline in force falls in it.
    pub period: Option<String>,
    /// `conclusion`, `meeting`, `document`, `instruction`.
    pub source: Option<String>,
    pub conclusion: Option<Uuid>,
    pub meeting: Option<Uuid>,
    /// The moment the statuses are computed at: a date (its end) or an RFC 3339 instant.
    pub as_of: Option<String>,
    /// Sent by the language switch of the pages; ignored here.
    pub lang: Option<String>,
    /// The API list only: the page wanted (from 1; default 1 when `per_page` is given).
    pub page: Option<usize>,
    /// The API list only: tasks per page (1–500); without it, every task in one answer.
    pub per_page: Option<usize>,
}

/// One task with its computed status, ready for lists and boards.
pub struct Listed {
    pub task: Task,
    pub status: OccurrenceStatus,
    pub view: TaskView,
}

/// The tasks the actor may read, filtered, each classified as of `as_of`.
pub async fn list_tasks(
    state: &App,
    me: &Caller,
    q: &TaskQuery,
    lang: Lang,
) -> Result<(Vec<Listed>, Timestamp), Error> {
    let page = select_page(state, me, q, 0, usize::MAX).await?;
    let tree = UnitTree::new(&page.units);
    let out = page
        .tasks
        .into_iter()
        .map(|(task, status, rights)| {
            let view = view_task(&task, &status, rights, &tree, lang);
            Listed { task, status, view }
        })
        .collect();
    Ok((out, page.as_of))
}

/// A page number below 1 (or not a number, on the pages).
pub fn page_out_of_range() -> Invalid {
    Invalid::new(
        "page",
        "list.page_out_of_range",
        "Số trang bắt đầu từ 1.",
        "Pages are numbered from 1.",
    )
}

/// Most tasks one page of the API list carries.
pub const MAX_PER_PAGE: usize = 500;

/// One page of the list (`page`, `per_page` of the query; every task without them) and the
/// number of tasks the filters select. Only the page's tasks are read whole and turned into views.
pub async fn list_task_page(
    state: &App,
    me: &Caller,
    q: &TaskQuery,
    lang: Lang,
) -> Result<(Vec<TaskView>, usize, Timestamp), Error> {
    let (offset, limit) = match (q.page, q.per_page) {
        (None, None) => (0, usize::MAX),
        (page, per_page) => {
            let per_page = per_page.unwrap_or(25);
            if !(1..=MAX_PER_PAGE).contains(&per_page) {
                return Err(Invalid::new(
                    "per_page",
                    "list.per_page_out_of_range",
                    format!("Số nhiệm vụ mỗi trang phải từ 1 đến {MAX_PER_PAGE}."),
                    format!("Tasks per page must be between 1 and {MAX_PER_PAGE}."),
                )
                .into());
            }
            let page = page.unwrap_or(1);
            if page == 0 {
                return Err(page_out_of_range().into());
            }
            ((page - 1).saturating_mul(per_page), per_page)
        }
    };
    let page = select_page(state, me, q, offset, limit).await?;
    let tree = UnitTree::new(&page.units);
    let views = page
        .tasks
        .iter()
        .map(|(task, status, rights)| view_task(task, status, *rights, &tree, lang))
        .collect();
    Ok((views, page.total, page.as_of))
}

type Selected = (Task, OccurrenceStatus, TaskRights);

/// What a task query selects, in the terms of the database: the filter (narrowed to what the actor
/// may read), the moment, the statuses and the period.
fn selection(
    me: &Caller,
    q: &TaskQuery,
    now: Timestamp,
) -> Result<(TaskSelection, std::sync::Arc<Vec<Unit>>), Error> {
    let as_of = parse_as_of_at(q.as_of.as_deref(), now)?;
    let units = std::sync::Arc::clone(&me.units);
    let mut filter = TaskFilter {
        conclusion_id: q.conclusion,
        meeting_id: q.meeting,
        party: q.unit.map(UnitId),
        ..TaskFilter::default()
    };
    if let Some(src) = q.source.as_deref().filter(|s| !s.is_empty()) {
        filter.source_kind = Some(giaoban_domain::task::SourceKind::parse(src)?);
    }
    let tree = UnitTree::new(&units);
    let asked = filter.party.map(|p| (p, tree.ancestry(p)));
    // A unit merged into the caller's is listed from its own parts, as history.
    let history = asked.as_ref().and_then(|(p, a)| {
        history_task_list_scope(&me.actor, *p, a, &successor_ancestries(&tree, *p))
    });
    let scope = history
        .or_else(|| task_list_scope(&me.actor, asked.as_ref().map(|(p, a)| (*p, a.as_slice()))))
        .ok_or(Error::Forbidden)?;
    filter.party = scope.party;
    filter.within = scope.within;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => StatusWanted::Any,
        Some("open") => StatusWanted::Open,
        Some(s) => StatusWanted::Is(parse_status_filter(s)?),
    };
    let period = match q.period.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(code) => Some(crate::reports::parse_period(code)?),
    };
    let sel = TaskSelection {
        filter,
        clock: StatusClock::new(as_of, &policy()),
        status,
        period,
    };
    Ok((sel, units))
}

/// Whether a task classified here belongs to the selection (its status and period).
fn admits(sel: &TaskSelection, task: &Task, status: &OccurrenceStatus) -> bool {
    if !sel.status.admits(status.assessment.status) {
        return false;
    }
    match sel.period {
        None => true,
        Some(p) => match status.assessment.effective_due {
            Some(d) => p.contains(d.date),
            // Standing tasks are reviewed every period they were assigned by.
            None => task.assigned_on <= p.end(),
        },
    }
}

/// A task read whole, classified here, if the actor may read it.
fn classify(
    me: &Caller,
    tree: &UnitTree<'_>,
    task: Task,
    as_of: Timestamp,
) -> Result<Option<Selected>, Error> {
    let rights = rights_of(me, tree, &task);
    if !rights.read {
        return Ok(None);
    }
    let status = task
        .assess(as_of, &policy())
        .map_err(|e| Error::Internal(format!("task {}: {e}", task.id)))?;
    Ok(Some((task, status, rights)))
}

/// The filter of the selection's recurring tasks: cancelled ones left out unless asked for.
fn recurring_filter(sel: &TaskSelection) -> TaskFilter {
    let mut filter = sel.filter.clone();
    if !sel.status.admits(TaskStatus::Cancelled) {
        filter.maybe_open_at = Some(sel.clock.as_of());
    }
    filter
}

/// The selection's recurring tasks among `tasks` (in that order), classified here occurrence by
/// occurrence.
fn admitted(
    me: &Caller,
    tree: &UnitTree<'_>,
    sel: &TaskSelection,
    tasks: impl IntoIterator<Item = Task>,
) -> Result<Vec<Selected>, Error> {
    let mut out = Vec::new();
    for task in tasks {
        if let Some(s) = classify(me, tree, task, sel.clock.as_of())?
            && admits(sel, &s.0, &s.1)
        {
            out.push(s);
        }
    }
    Ok(out)
}

/// The selection's recurring tasks, classified here occurrence by occurrence, oldest first.
async fn recurring_selected(
    state: &App,
    me: &Caller,
    tree: &UnitTree<'_>,
    sel: &TaskSelection,
) -> Result<Vec<Selected>, Error> {
    let tasks = state.store.recurring_tasks(&recurring_filter(sel)).await?;
    admitted(me, tree, sel, tasks)
}

/// The tasks of these keys among `tasks`, classified here, by id. A key whose task is gone
/// (deleted in between) is skipped.
fn classify_keys(
    me: &Caller,
    tree: &UnitTree<'_>,
    keys: &[ClassifiedKey],
    tasks: impl IntoIterator<Item = Task>,
    as_of: Timestamp,
) -> Result<HashMap<Uuid, Selected>, Error> {
    let classified: HashMap<Uuid, TaskStatus> = keys.iter().map(|k| (k.id.0, k.status)).collect();
    let mut out = HashMap::with_capacity(keys.len());
    for task in tasks {
        let Some(there) = classified.get(&task.id.0).copied() else {
            continue;
        };
        if let Some(s) = classify(me, tree, task, as_of)? {
            let here = s.1.assessment.status;
            if there != here {
                tracing::warn!(task = %s.0.id, database = ?there, application = ?here,
                    "the database classified a task otherwise than the domain");
            }
            out.insert(s.0.id.0, s);
        }
    }
    Ok(out)
}

/// Reads whole the tasks of these keys, classified here. A key whose task is gone (deleted in
/// between) is skipped.
async fn read_keys(
    state: &App,
    me: &Caller,
    tree: &UnitTree<'_>,
    keys: &[ClassifiedKey],
    as_of: Timestamp,
) -> Result<HashMap<Uuid, Selected>, Error> {
    let ids: Vec<TaskId> = keys.iter().map(|k| k.id).collect();
    let tasks = state.store.tasks_by_ids(&ids).await?;
    classify_keys(me, tree, keys, tasks, as_of)
}

/// One page of a query's tasks.
struct TaskPage {
    tasks: Vec<Selected>,
    /// How many the query selects in all.
    total: usize,
    units: std::sync::Arc<Vec<Unit>>,
    as_of: Timestamp,
}

/// The tasks of a query at positions `offset..offset + limit`, oldest first. The database selects,
/// counts and orders the dated and standing tasks, classified by its columns; only the page's
/// tasks are read whole. Recurring tasks (a few per unit) are read whole and classified here, and
/// merged into the order.
async fn select_page(
    state: &App,
    me: &Caller,
    q: &TaskQuery,
    offset: usize,
    limit: usize,
) -> Result<TaskPage, Error> {
    let (sel, units) = selection(me, q, state.now())?;
    let tree = UnitTree::new(&units);
    let as_of = sel.clock.as_of();
    let recurring_ids = state
        .store
        .recurring_task_ids(&recurring_filter(&sel))
        .await?;
    let end = offset.saturating_add(limit);
    let (keys, counted) = state
        .store
        .classified_page(&sel, KeyOrder::Created, end)
        .await?;
    // The page's dated and standing tasks are among the keys from `offset` less the recurring
    // tasks that may come before: those keys and the recurring tasks are read whole at once.
    let candidates = &keys[offset.saturating_sub(recurring_ids.len()).min(keys.len())..];
    let mut ids = recurring_ids;
    ids.extend(candidates.iter().map(|k| k.id));
    let (recurring, dated): (Vec<Task>, Vec<Task>) = state
        .store
        .tasks_by_ids(&ids)
        .await?
        .into_iter()
        .partition(|t| matches!(t.deadline, Deadline::Recurring(_)));
    let recurring = admitted(me, &tree, &sel, recurring)?;
    let mut read = classify_keys(me, &tree, candidates, dated, as_of)?;
    // Merge the two oldest-first lists, keeping the positions of the page.
    enum Pick {
        Recurring(usize),
        Key(usize),
    }
    let (mut i, mut j, mut pos) = (0, 0, 0);
    let mut picks = Vec::new();
    while pos < end {
        let take_recurring = match (recurring.get(i), keys.get(j)) {
            (Some((r, _, _)), Some(k)) => (r.created_at, r.id.0) <= (k.created_at, k.id.0),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        if pos >= offset {
            picks.push(if take_recurring {
                Pick::Recurring(i)
            } else {
                Pick::Key(j)
            });
        }
        if take_recurring {
            i += 1;
        } else {
            j += 1;
        }
        pos += 1;
    }
    let total = usize::try_from(counted)
        .unwrap_or(usize::MAX)
        .saturating_add(recurring.len());
    let mut recurring: Vec<Option<Selected>> = recurring.into_iter().map(Some).collect();
    let tasks = picks
        .into_iter()
        .filter_map(|p| match p {
            Pick::Recurring(i) => recurring.get_mut(i).and_then(Option::take),
            Pick::Key(j) => keys.get(j).and_then(|k| read.remove(&k.id.0)),
        })
        .collect();
    Ok(TaskPage {
        tasks,
        total,
        units,
        as_of,
    })
}

/// A task with everything its page shows.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TaskDetail {
    pub task: TaskView,
    pub history: Vec<HistoryEntry>,
    /// For a recurring task: each occurrence from the assignment to the next one due.
    pub occurrences: Vec<OccurrenceView>,
    pub subtasks: Vec<TaskView>,
    pub as_of: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub at: String,
    pub kind: String,
    pub kind_label: String,
    /// The person's display name ("Nguyễn Văn An"); their login when no user has it any more.
    pub by: String,
    /// The login the entry was recorded under ("camthuy.tckh"), shown second.
    pub by_login: String,
    pub unit: UnitName,
    pub percent: Option<u8>,
    pub note: String,
    pub occurrence: Option<String>,
    /// The occurrence as officials write it ("quý I/2023").
    pub occurrence_label: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OccurrenceView {
    pub period: String,
    pub period_label: String,
    pub due_label: String,
    pub due_date: String,
    pub status: String,
    pub status_label: String,
}

fn history_view(
    h: &ProgressUpdate,
    tree: &UnitTree<'_>,
    names: &HashMap<String, String>,
    lang: Lang,
) -> HistoryEntry {
    HistoryEntry {
        at: ts_label(h.at),
        kind: h.kind.code().into(),
        kind_label: h.kind.label(lang).into(),
        by: names
            .get(&h.by_name)
            .cloned()
            .unwrap_or_else(|| h.by_name.clone()),
        by_login: h.by_name.clone(),
        unit: unit_name(tree, h.unit_id),
        percent: h.percent,
        note: h.note.clone(),
        occurrence: h.occurrence.map(|p| p.code()),
        occurrence_label: h.occurrence.map(|p| p.label(lang)),
    }
}

/// Display names by login, for the history and audit pages (people, not logins).
pub async fn display_names(state: &App) -> Result<HashMap<String, String>, Error> {
    Ok(state
        .store
        .users(None)
        .await?
        .into_iter()
        .map(|u| (u.username.as_str().to_owned(), u.display_name))
        .collect())
}

/// Loads a task the actor may read (404 when unknown, 403 when not theirs).
pub async fn readable_task(
    state: &App,
    me: &Caller,
    id: TaskId,
) -> Result<(Task, TaskRights, std::sync::Arc<Vec<Unit>>), Error> {
    let task = state.store.task(id).await?;
    let units = state.store.units().await?;
    let rights = rights_of(me, &UnitTree::new(&units), &task);
    if !rights.read {
        return Err(Error::Forbidden);
    }
    Ok((task, rights, units))
}

pub async fn task_detail(
    state: &App,
    me: &Caller,
    id: TaskId,
    as_of: Option<&str>,
    lang: Lang,
) -> Result<TaskDetail, Error> {
    let as_of = parse_as_of_at(as_of, state.now())?;
    let (task, rights, units) = readable_task(state, me, id).await?;
    let tree = UnitTree::new(&units);
    let status = task
        .assess(as_of, &policy())
        .map_err(|e| Error::Internal(e.to_string()))?;
    let history = state.store.task_history(id).await?;
    let names = display_names(state).await?;
    let occurrences = task
        .occurrences(as_of, &policy())
        .map_err(|e| Error::Internal(e.to_string()))?
        .into_iter()
        .rev()
        .filter_map(|o| {
            let occ = o.occurrence?;
            Some(OccurrenceView {
                period: occ.period.code(),
                period_label: occ.period.label(lang),
                due_label: occ.due.label(lang),
                due_date: occ.due.date.to_string(),
                status: status_code(o.assessment.status).into(),
                status_label: o.assessment.status.label(lang).into(),
            })
        })
        .collect();
    let subtasks = state
        .store
        .tasks(&TaskFilter {
            parent: Some(id),
            ..TaskFilter::default()
        })
        .await?
        .into_iter()
        .filter_map(|t| {
            let r = rights_of(me, &tree, &t);
            let s = t.assess(as_of, &policy()).ok()?;
            r.read.then(|| view_task(&t, &s, r, &tree, lang))
        })
        .collect();
    Ok(TaskDetail {
        task: view_task(&task, &status, rights, &tree, lang),
        history: history
            .iter()
            .rev()
            .map(|h| history_view(h, &tree, &names, lang))
            .collect(),
        occurrences,
        subtasks,
        as_of: ts_label(as_of),
    })
}

/// A new task. The assigner must be a body the actor writes for; the units it names must be ones
/// the actor can see. A task from a notice takes the notice's meeting.
pub async fn create_task(state: &App, me: &Caller, input: &TaskInput) -> Result<Task, Error> {
    let mut draft = TaskDraft::parse(input, state.today())?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    check_task_parties(me, &tree, &draft)?;
    if let Some(cid) = draft.conclusion_id {
        let c = state.store.conclusion(cid).await.map_err(unknown_in(
            "conclusion_id",
            "task.conclusion_unknown",
            "Thông báo kết luận không tồn tại.",
            "The conclusion notice does not exist.",
        ))?;
        if !reference::may_attach_to_notice(&me.actor, &tree.ancestry(c.issuer_unit_id)) {
            return Err(Error::Forbidden);
        }
        if c.status == giaoban_domain::conclusion::ConclusionStatus::Issued {
            return Err(notice_frozen("conclusion_id").into());
        }
        draft.meeting_id = Some(c.meeting_id);
    }
    if let Some(mid) = draft.meeting_id {
        let m = state.store.meeting(mid).await.map_err(unknown_in(
            "meeting_id",
            "task.meeting_unknown",
            "Cuộc họp không tồn tại.",
            "The meeting does not exist.",
        ))?;
        if !reference::may_attach_to_meeting(&me.actor, &tree.ancestry(m.host_unit_id)) {
            return Err(Error::Forbidden);
        }
    }
    if let Some(pid) = draft.parent_id {
        let parent = state.store.task(pid).await.map_err(unknown_in(
            "parent_id",
            "task.parent_unknown",
            "Nhiệm vụ cha không tồn tại.",
            "The parent task does not exist.",
        ))?;
        let ancestries: Vec<(TaskRole, Vec<UnitId>)> = parent
            .parties()
            .into_iter()
            .map(|(u, r)| (r, tree.ancestry(u)))
            .collect();
        let parties: Vec<(TaskRole, &[UnitId])> =
            ancestries.iter().map(|(r, a)| (*r, a.as_slice())).collect();
        if !reference::may_attach_to_parent_task(
            &me.actor,
            &tree.ancestry(parent.assigner_unit_id),
            &parties,
            &tree.ancestry(draft.assigner_unit_id),
        ) {
            return Err(Error::Forbidden);
        }
    }
    Ok(state.store.create_task(&me.audit(), &draft).await?)
}

/// The refusal of any change to an issued notice or to the tasks it assigned (what it says is
/// frozen; a correcting notice changes it).
pub fn notice_frozen(field: &'static str) -> Invalid {
    Invalid::new(
        field,
        "conclusion.issued_frozen",
        "Thông báo đã ban hành: không thể thêm, sửa hay bỏ nhiệm vụ của thông báo này; \
         hãy ban hành thông báo đính chính.",
        "The notice is issued: its tasks cannot be added, changed or removed; issue a \
         correcting notice instead.",
    )
}

/// The actor's unit with its kind, then its parents: what the access rules need to know how far
/// the actor reaches out (see [`giaoban_domain::access::reach_root`]).
fn own_ancestry(me: &Caller, tree: &UnitTree<'_>) -> Vec<(UnitId, UnitKind)> {
    tree.ancestry(me.actor.unit_id)
        .into_iter()
        .filter_map(|u| tree.get(u).map(|x| (u, x.kind)))
        .collect()
}

/// Checks that every unit a meeting involves (invited, sending a participant or the chair) exists
/// and is one the actor may involve.
fn check_meeting_units(
    me: &Caller,
    tree: &UnitTree<'_>,
    draft: &MeetingDraft,
) -> Result<(), Error> {
    for u in &draft.invited_unit_ids {
        require_unit(tree, *u, "invited_unit_ids")?;
    }
    for u in draft.participants.iter().filter_map(|p| p.unit_id) {
        require_unit(tree, u, "participants")?;
    }
    if let Some(u) = draft.chair.as_ref().and_then(|c| c.unit_id) {
        require_unit(tree, u, "chair")?;
    }
    let own = own_ancestry(me, tree);
    let all = draft
        .invited_unit_ids
        .iter()
        .copied()
        .chain(draft.participants.iter().filter_map(|p| p.unit_id))
        .chain(draft.chair.as_ref().and_then(|c| c.unit_id));
    for u in all {
        if !reference::may_involve(&me.actor, &own, &tree.ancestry(u)) {
            return Err(Error::Forbidden);
        }
    }
    Ok(())
}

/// The units a meeting lets read it besides the host's people: the invited and the participants'.
fn attendees(m: &Meeting) -> Vec<UnitId> {
    m.invited_unit_ids
        .iter()
        .copied()
        .chain(m.participants.iter().filter_map(|p| p.unit_id))
        .collect()
}

/// Checks that the units a task names exist, that the actor writes for its assigner, and that the
/// actor can see every unit it involves.
fn check_task_parties(me: &Caller, tree: &UnitTree<'_>, draft: &TaskDraft) -> Result<(), Error> {
    require_unit(tree, draft.assigner_unit_id, "assigner_unit_id")?;
    if !me.may(tree, Permission::WriteRecords, draft.assigner_unit_id) {
        return Err(Error::Forbidden);
    }
    require_unit(tree, draft.lead_unit_id, "lead_unit_id")?;
    for u in &draft.coordinating_unit_ids {
        require_unit(tree, *u, "coordinating_unit_ids")?;
    }
    if let Some(m) = draft.monitor_unit_id {
        require_unit(tree, m, "monitor_unit_id")?;
    }
    for u in std::iter::once(draft.lead_unit_id)
        .chain(draft.coordinating_unit_ids.iter().copied())
        .chain(draft.monitor_unit_id)
    {
        if !me.may(tree, Permission::ReadRecords, u) {
            return Err(Error::Forbidden);
        }
    }
    Ok(())
}

// ----- a read document, confirmed -----

/// The notice part of a confirmed document (its meeting is the one being created).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeFields {
    /// Default: the meeting's host.
    #[serde(default)]
    pub issuer_unit_id: Option<Uuid>,
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    pub title: String,
    #[serde(default)]
    pub signer_name: Option<String>,
    #[serde(default)]
    pub signer_title: Option<String>,
    /// Thẩm quyền ký, as for `POST /api/v1/conclusions` (default `by_order`).
    #[serde(default)]
    #[schema(value_type = Option<giaoban_domain::conclusion::Authority>)]
    pub authority: Option<String>,
    #[serde(default)]
    pub results: Option<String>,
    #[serde(default)]
    pub shortcomings: Option<String>,
    #[serde(default)]
    pub directions: Option<String>,
    #[serde(default)]
    pub recipients: Vec<String>,
}

impl NoticeFields {
    fn input(&self, meeting_id: Uuid, host: Uuid) -> ConclusionInput {
        ConclusionInput {
            meeting_id,
            issuer_unit_id: self.issuer_unit_id.unwrap_or(host),
            symbol: self.symbol.clone(),
            place: self.place.clone(),
            title: self.title.clone(),
            signer_name: self.signer_name.clone(),
            signer_title: self.signer_title.clone(),
            authority: self.authority.clone(),
            results: self.results.clone(),
            shortcomings: self.shortcomings.clone(),
            directions: self.directions.clone(),
            recipients: self.recipients.clone(),
            corrects_id: None,
            version: None,
        }
    }
}

/// What a person confirms after reading a pasted notice: the meeting, its notice (as a draft) and
/// the tasks and recommendations, as corrected on the review page.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentConfirm {
    /// The meeting, as for `POST /api/v1/meetings`.
    pub meeting: MeetingInput,
    #[serde(default)]
    pub conclusion: Option<NoticeFields>,
    /// Each task as for `POST /api/v1/tasks`; its meeting and notice are the ones created here.
    #[serde(default)]
    pub tasks: Vec<TaskInput>,
    /// Each recommendation as for `POST /api/v1/recommendations`, raised at the meeting.
    #[serde(default)]
    pub recommendations: Vec<RecommendationInput>,
}

/// Prefixes every message of a validation error with the item it is about ("Nhiệm vụ 3: …").
fn in_item(e: Error, vi: &str, en: &str, n: usize) -> Error {
    match e {
        Error::Invalid(mut list) | Error::Store(StoreError::Invalid(mut list)) => {
            for i in &mut list.0 {
                i.vi = format!("{vi} {n}: {}", i.vi);
                i.en = format!("{en} {n}: {}", i.en);
            }
            Error::Invalid(list)
        }
        other => other,
    }
}

/// Creates the meeting, the draft notice, the tasks and the recommendations of a confirmed
/// document. Everything is validated (fields, units, access) before the first write, and all is
/// written in one transaction, so a mistake anywhere saves nothing; the notice stays a draft for
/// the office to check and issue.
pub async fn confirm_document(
    state: &App,
    me: &Caller,
    doc: &DocumentConfirm,
) -> Result<Meeting, Error> {
    confirm_read_document(state, me, doc, None).await
}

/// The hash a read document is recognised by: SHA-256 of its text in NFC with every run of
/// whitespace made one space and the ends trimmed.
pub fn text_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    use unicode_normalization::UnicodeNormalization;
    let nfc: String = text.nfc().collect();
    let collapsed = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    Sha256::digest(collapsed.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A document number as it is compared: "2/TB-UBND", upper case, no spaces; none without a number.
pub fn number_key(x: &giaoban_vntext::extract::Extraction) -> Option<String> {
    let n = x.document.number.as_ref()?;
    let num = n.number?;
    let symbol: String = n
        .symbol
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    Some(format!("{num}/{symbol}"))
}

/// What a confirmed document was read from, kept with its meeting so that the same document read
/// again is recognised.
pub struct ReadSource {
    /// [`text_hash`] of the text.
    pub text_hash: String,
    /// [`number_key`] of the text.
    pub number: Option<String>,
}

/// [`confirm_document`], recording the document's text hash and number with the new meeting.
pub async fn confirm_read_document(
    state: &App,
    me: &Caller,
    doc: &DocumentConfirm,
    source: Option<&ReadSource>,
) -> Result<Meeting, Error> {
    let meeting = MeetingDraft::parse(&doc.meeting)?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    require_unit(&tree, meeting.host_unit_id, "host_unit_id")?;
    if !me.may(&tree, Permission::WriteRecords, meeting.host_unit_id) {
        return Err(Error::Forbidden);
    }
    check_meeting_units(me, &tree, &meeting)?;
    let placeholder = Uuid::nil();
    let notice = match &doc.conclusion {
        Some(n) => {
            let d = ConclusionDraft::parse(&n.input(placeholder, meeting.host_unit_id.0))?;
            require_unit(&tree, d.issuer_unit_id, "issuer_unit_id")?;
            if !me.may(&tree, Permission::WriteRecords, d.issuer_unit_id) {
                return Err(Error::Forbidden);
            }
            Some(n)
        }
        None => None,
    };
    // Every item's mistakes in one answer (issue 23): a person correcting three tasks without a
    // deadline sees all three at once, not one per submit. Other refusals (access) stop at once.
    let mut invalid = Invalids::default();
    let mut collect = |e: Error| match e {
        Error::Invalid(list) => {
            invalid.0.extend(list.0);
            Ok(())
        }
        other => Err(other),
    };
    let mut tasks = Vec::new();
    for (i, input) in doc.tasks.iter().enumerate() {
        let mut input = input.clone();
        input.conclusion_id = None;
        input.meeting_id = Some(placeholder);
        input.source_kind = None;
        if input.assigned_on.is_none() {
            input.assigned_on = Some(meeting.date.to_string());
        }
        match TaskDraft::parse(&input, meeting.date)
            .map_err(Error::from)
            .and_then(|d| check_task_parties(me, &tree, &d).map(|()| d))
            .map_err(|e| in_item(e, "Nhiệm vụ", "Task", i + 1))
        {
            Ok(draft) => tasks.push(draft),
            Err(e) => collect(e)?,
        }
    }
    let mut recs = Vec::new();
    for (i, input) in doc.recommendations.iter().enumerate() {
        let d = match RecommendationDraft::parse(input, meeting.date)
            .map_err(|e| in_item(e.into(), "Kiến nghị", "Recommendation", i + 1))
        {
            Ok(d) => d,
            Err(e) => {
                collect(e)?;
                continue;
            }
        };
        if let Err(e) = require_unit(&tree, d.raised_by_unit_id, "raised_by_unit_id")
            .map_err(|e| in_item(e, "Kiến nghị", "Recommendation", i + 1))
        {
            collect(e)?;
            continue;
        }
        if !me.may(&tree, Permission::ReadRecords, d.raised_by_unit_id) {
            return Err(Error::Forbidden);
        }
        if let Err(e) = check_addressee(me, &tree, d.addressed_to_unit_id)
            .map_err(|e| in_item(e, "Kiến nghị", "Recommendation", i + 1))
        {
            collect(e)?;
            continue;
        }
        recs.push(d);
    }
    if !invalid.0.is_empty() {
        return Err(Error::Invalid(invalid));
    }

    let due = calendar()?
        .add_working_days(
            meeting.date,
            giaoban_domain::deadline::CONCLUSION_NOTICE_WORKING_DAYS,
        )
        .map_err(|e| date_refused("date", e))?;
    let audit = me.audit();
    // One transaction: a write refused anywhere (a parent task gone meanwhile, a notice issued
    // under it, a full disk) leaves no meeting, notice, task or recommendation behind.
    let mut uow = state.store.begin().await?;
    let created = uow
        .create_meeting(
            &audit,
            &meeting,
            Some(NoticeTask {
                office_unit_id: tree.office_of(meeting.host_unit_id),
                due: DueMoment::end_of(due),
            }),
        )
        .await?;
    if let Some(src) = source {
        uow.record_read_document(
            created.id,
            &src.text_hash,
            src.number.as_deref(),
            meeting.host_unit_id,
        )
        .await?;
    }
    let conclusion_id = match notice {
        Some(n) => {
            let d = ConclusionDraft::parse(&n.input(created.id, meeting.host_unit_id.0))?;
            Some(uow.create_conclusion(&audit, &d).await?.id)
        }
        None => None,
    };
    for (i, mut t) in tasks.into_iter().enumerate() {
        t.meeting_id = Some(created.id);
        if let Some(c) = conclusion_id {
            t.conclusion_id = Some(c);
            t.source_kind = giaoban_domain::task::SourceKind::Conclusion;
        }
        uow.create_task(&audit, &t)
            .await
            .map_err(|e| in_item(e.into(), "Nhiệm vụ", "Task", i + 1))?;
    }
    let mut raised = Vec::new();
    for (i, mut r) in recs.into_iter().enumerate() {
        r.meeting_id = Some(created.id);
        raised.push(
            uow.create_recommendation(&audit, &r)
                .await
                .map_err(|e| in_item(e.into(), "Kiến nghị", "Recommendation", i + 1))?,
        );
    }
    // The addressed units are told in the same transaction.
    let told = crate::channels::raised_messages(state, &raised).await?;
    uow.add_messages(&told).await?;
    uow.commit().await?;
    if !told.is_empty() {
        state.channels.wake();
    }
    Ok(created)
}

/// Progress or completion reported on a task by the actor's unit (or, for a manager, on behalf of
/// the lead unit).
pub async fn report_progress(
    state: &App,
    me: &Caller,
    id: TaskId,
    input: &ProgressInput,
) -> Result<Task, Error> {
    let (task, rights, _) = readable_task(state, me, id).await?;
    if !rights.report_progress || (input.completed && !rights.report_completion) {
        return Err(Error::Forbidden);
    }
    let progress = Progress::parse(input, &task.deadline)?;
    let occurrence = match (&task.deadline, progress.occurrence) {
        (Deadline::Recurring(_), Some(p)) => Some(p),
        (Deadline::Recurring(_), None) => task
            .current_occurrence(state.now(), &policy())
            .map_err(|e| Error::Internal(e.to_string()))?
            .map(|o| o.period),
        _ => None,
    };
    let unit = if task.parties().iter().any(|(u, _)| *u == me.actor.unit_id) {
        me.actor.unit_id
    } else {
        task.lead_unit_id
    };
    Ok(state
        .store
        .report_progress(&me.audit(), id, unit, &progress, occurrence)
        .await?)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionWrite {
    /// The new deadline: a date (ISO or dd/mm/yyyy) or words ("chậm nhất ngày 15/4", "trong quý
    /// II"); a year the words leave out is the current one.
    pub new_due: String,
    /// Optional time ("17:00", "17h").
    #[serde(default)]
    pub new_time: Option<String>,
    pub reason: String,
}

pub async fn request_extension(
    state: &App,
    me: &Caller,
    id: TaskId,
    body: &ExtensionWrite,
) -> Result<Task, Error> {
    let (task, rights, _) = readable_task(state, me, id).await?;
    if !rights.report_completion {
        return Err(Error::Forbidden);
    }
    let status = task
        .assess(state.now(), &policy())
        .map_err(|e| Error::Internal(e.to_string()))?;
    let current = match task.deadline {
        Deadline::Recurring(_) | Deadline::Standing => None,
        _ => status.assessment.effective_due,
    };
    let (due, reason) = parse_extension(
        &body.new_due,
        body.new_time.as_deref(),
        &body.reason,
        current,
        state.today(),
    )?;
    // The request and the messages telling the deciders are one transaction: neither is kept
    // without the other.
    let mut uow = state.store.begin().await?;
    let after = uow
        .request_extension(&me.audit(), id, task.lead_unit_id, due, &reason)
        .await?;
    let messages = crate::channels::extension_requested(state, &after).await?;
    uow.add_messages(&messages).await?;
    uow.commit().await?;
    state.channels.wake();
    Ok(after)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionWrite {
    pub approve: bool,
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn decide_extension(
    state: &App,
    me: &Caller,
    id: TaskId,
    body: &DecisionWrite,
) -> Result<Task, Error> {
    let (task, _, units) = readable_task(state, me, id).await?;
    let tree = UnitTree::new(&units);
    if !giaoban_domain::access::may_decide_extension(
        &me.actor,
        &tree.ancestry(task.assigner_unit_id),
        task.lead_unit_id,
    ) {
        return Err(Error::Forbidden);
    }
    let note = body.note.as_deref().unwrap_or("").trim();
    // The decision and the message telling the lead unit are one transaction.
    let mut uow = state.store.begin().await?;
    let after = uow
        .decide_extension(&me.audit(), id, task.assigner_unit_id, body.approve, note)
        .await?;
    let messages =
        crate::channels::extension_decided(state, &task, me.actor.unit_id, body.approve, note)
            .await?;
    uow.add_messages(&messages).await?;
    uow.commit().await?;
    state.channels.wake();
    Ok(after)
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionWrite {
    /// `pause`, `resume`, `cancel`, `reopen`.
    pub action: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub version: Option<i64>,
}

pub async fn act_on_task(
    state: &App,
    me: &Caller,
    id: TaskId,
    body: &ActionWrite,
) -> Result<Task, Error> {
    let (task, rights, _) = readable_task(state, me, id).await?;
    if !rights.manage {
        return Err(Error::Forbidden);
    }
    let action = match body.action.trim() {
        "pause" => TaskAction::Pause,
        "resume" => TaskAction::Resume,
        "cancel" => TaskAction::Cancel,
        "reopen" => TaskAction::Reopen,
        other => {
            return Err(Invalid::new(
                "action",
                "task.action_unknown",
                format!("Thao tác «{other}» không hợp lệ."),
                format!("Unknown action «{other}»."),
            )
            .into());
        }
    };
    // Cancelling a task an issued notice assigned removes it from what the notice ordered: only a
    // correcting notice may do that. Pausing and resuming are follow-up, as progress is.
    if action == TaskAction::Cancel
        && let Some(cid) = task.conclusion_id
        && state.store.conclusion(cid).await?.status
            == giaoban_domain::conclusion::ConclusionStatus::Issued
    {
        return Err(notice_frozen("action").into());
    }
    Ok(state
        .store
        .act_on_task(
            &me.audit(),
            id,
            task.assigner_unit_id,
            action,
            body.note.as_deref().unwrap_or("").trim(),
            body.version,
        )
        .await?)
}

/// Corrects what a task says (a misspelt word fixed from the notice's page) while the notice that
/// assigned it is a draft: those who manage the task (its assigner's side) may; an issued notice's
/// task is refused with `conclusion.issued_frozen` (422), as every change to it is. Audited.
pub async fn update_task_content(
    state: &App,
    me: &Caller,
    id: TaskId,
    content: &str,
    version: Option<i64>,
) -> Result<Task, Error> {
    let (task, rights, _) = readable_task(state, me, id).await?;
    if !rights.manage {
        return Err(Error::Forbidden);
    }
    if let Some(cid) = task.conclusion_id
        && state.store.conclusion(cid).await?.status
            == giaoban_domain::conclusion::ConclusionStatus::Issued
    {
        return Err(notice_frozen("content").into());
    }
    Ok(state
        .store
        .update_task_content(&me.audit(), id, content, version)
        .await?)
}

// ----- boards -----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Board {
    pub as_of: String,
    /// Totals by status code.
    pub totals: HashMap<String, usize>,
    /// Per unit (lead), counts by status code, units with the most overdue first.
    pub units: Vec<UnitCounts>,
    /// The overdue tasks with the most days overdue, most first (at most
    /// [`BOARD_OVERDUE_ROWS`]).
    pub overdue: Vec<TaskView>,
    /// How many tasks are overdue in all.
    pub overdue_total: usize,
    /// Per conclusion notice: how far its tasks are.
    pub conclusions: Vec<ConclusionProgress>,
    /// Nhiệm vụ không còn đơn vị chủ trì: unfinished tasks (neither completed nor cancelled) whose
    /// lead unit is no longer active on the board's day (a district body ended on 30/06/2025, a
    /// merged commune), until the office hands them over (`/handover`).
    pub without_living_owner: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnitCounts {
    pub unit: UnitName,
    pub counts: HashMap<String, usize>,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConclusionProgress {
    pub conclusion_id: Uuid,
    pub title: String,
    pub number: Option<String>,
    pub total: usize,
    pub completed: usize,
    pub overdue: usize,
    /// Completed share, 0–100.
    pub percent_done: u8,
}

/// How many overdue tasks the board lists (the most days late first); the rest are counted and
/// listed by the task list's "overdue" filter.
pub const BOARD_OVERDUE_ROWS: usize = 50;

pub async fn board(state: &App, me: &Caller, q: &TaskQuery, lang: Lang) -> Result<Board, Error> {
    board_by(state, me, q, lang, Counted::Kept).await
}

/// The board as it was computed before its counts were kept on write (issue 26): the database
/// classifies every selected task at each request. Kept as the oracle of the tests and the
/// benchmark (`giaoban-bench board`).
pub async fn board_classified(
    state: &App,
    me: &Caller,
    q: &TaskQuery,
    lang: Lang,
) -> Result<Board, Error> {
    board_by(state, me, q, lang, Counted::Classified).await
}

/// How the board counts its dated and standing tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counted {
    /// From the counts kept on write when the selection is every task (see [`whole_set`]),
    /// classified otherwise.
    Kept,
    /// Every selected task classified by the database at the board's moment.
    Classified,
}

/// Whether the selection is every task there is, of any status and period: no filter, or only
/// the caller's scope when every unit of the directory stands under its root (a province's
/// leader in a province's directory). The board of such a selection is read from the counts
/// kept on write.
fn whole_set(sel: &TaskSelection, units: &[Unit], tree: &UnitTree<'_>) -> bool {
    let f = &sel.filter;
    let everywhere = match f.within {
        None => true,
        Some(root) => units.iter().all(|u| tree.ancestry(u.id).contains(&root)),
    };
    everywhere
        && f.party.is_none()
        && f.conclusion_id.is_none()
        && f.meeting_id.is_none()
        && f.source_kind.is_none()
        && f.lead.is_none()
        && f.parent.is_none()
        && f.maybe_open_at.is_none()
        && sel.status == StatusWanted::Any
        && sel.period.is_none()
}

async fn board_by(
    state: &App,
    me: &Caller,
    q: &TaskQuery,
    lang: Lang,
    counted: Counted,
) -> Result<Board, Error> {
    let (sel, units) = selection(me, q, state.now())?;
    let tree = UnitTree::new(&units);
    let as_of = sel.clock.as_of();
    // Dated and standing tasks are counted by the database (from the counts kept on write when
    // they tell the board of the whole set at this moment); recurring ones are classified here.
    let kept = if counted == Counted::Kept && whole_set(&sel, &units, &tree) {
        state
            .store
            .board_counts(&sel.clock, BOARD_OVERDUE_ROWS)
            .await?
    } else {
        None
    };
    let (counts, most_overdue) = match kept {
        Some(k) => (k.tally, Some(k.most_overdue)),
        None => (state.store.status_tally(&sel).await?, None),
    };
    let mut tally: Vec<(UnitId, Option<Uuid>, TaskStatus, usize)> = counts
        .into_iter()
        .map(|t| {
            let n = usize::try_from(t.count).unwrap_or(usize::MAX);
            (t.lead_unit_id, t.conclusion_id, t.status, n)
        })
        .collect();
    let recurring = recurring_selected(state, me, &tree, &sel).await?;
    tally.extend(
        recurring
            .iter()
            .map(|(t, s, _)| (t.lead_unit_id, t.conclusion_id, s.assessment.status, 1)),
    );
    let mut totals: HashMap<String, usize> = HashMap::new();
    let mut per_unit: HashMap<UnitId, UnitCounts> = HashMap::new();
    let mut per_conclusion: HashMap<Uuid, (usize, usize, usize)> = HashMap::new();
    let day = local_date(as_of);
    let mut without_living_owner = 0;
    for (lead, conclusion, status, n) in tally {
        if !status.is_completed()
            && status != TaskStatus::Cancelled
            && !giaoban_domain::handover::is_living(&tree, lead, day)
        {
            without_living_owner += n;
        }
        let code = status_code(status).to_string();
        *totals.entry(code.clone()).or_default() += n;
        let entry = per_unit.entry(lead).or_insert_with(|| UnitCounts {
            unit: unit_name(&tree, lead),
            counts: HashMap::new(),
            total: 0,
        });
        *entry.counts.entry(code).or_default() += n;
        entry.total += n;
        if let Some(c) = conclusion {
            let e = per_conclusion.entry(c).or_default();
            e.0 += n;
            if status.is_completed() {
                e.1 += n;
            }
            if status == TaskStatus::Overdue {
                e.2 += n;
            }
        }
    }
    let mut units: Vec<UnitCounts> = per_unit.into_values().collect();
    units.sort_by(|a, b| {
        let od = |u: &UnitCounts| u.counts.get("overdue").copied().unwrap_or(0);
        od(b)
            .cmp(&od(a))
            .then_with(|| a.unit.name.cmp(&b.unit.name))
    });
    let overdue_total = totals
        .get(status_code(TaskStatus::Overdue))
        .copied()
        .unwrap_or(0);
    let mut overdue: Vec<(i32, TaskView)> = Vec::new();
    if overdue_total > 0 {
        let late = TaskSelection {
            status: StatusWanted::Is(TaskStatus::Overdue),
            ..sel.clone()
        };
        let keys = match most_overdue {
            Some(keys) => keys,
            None => {
                state
                    .store
                    .classified_keys(&late, KeyOrder::MostLate, BOARD_OVERDUE_ROWS)
                    .await?
            }
        };
        let mut read = read_keys(state, me, &tree, &keys, as_of).await?;
        let found = keys.iter().filter_map(|k| read.remove(&k.id.0));
        let recurring_late = recurring
            .into_iter()
            .filter(|(_, s, _)| s.assessment.status == TaskStatus::Overdue);
        for (task, status, rights) in found.chain(recurring_late) {
            let view = view_task(&task, &status, rights, &tree, lang);
            overdue.push((status.assessment.days_late.unwrap_or(0), view));
        }
        overdue.sort_by_key(|(days, _)| std::cmp::Reverse(*days));
        overdue.truncate(BOARD_OVERDUE_ROWS);
    }
    let notices = state.store.conclusions().await?;
    let mut conclusions: Vec<ConclusionProgress> = per_conclusion
        .into_iter()
        .map(|(id, (total, done, late))| {
            let c = notices.iter().find(|c| c.id == id);
            ConclusionProgress {
                conclusion_id: id,
                title: c.map(|c| c.title.clone()).unwrap_or_default(),
                number: c.and_then(|c| c.number.as_ref()).map(|n| n.display()),
                total,
                completed: done,
                overdue: late,
                percent_done: u8::try_from(done * 100 / total.max(1)).unwrap_or(100),
            }
        })
        .collect();
    conclusions.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(Board {
        as_of: ts_label(as_of),
        totals,
        units,
        overdue: overdue.into_iter().map(|(_, v)| v).collect(),
        overdue_total,
        conclusions,
        without_living_owner,
    })
}

// ----- meetings -----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingView {
    pub id: Uuid,
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    pub date: String,
    pub date_label: String,
    pub time: Option<String>,
    pub place: Option<String>,
    pub host: UnitName,
    pub chair: Option<String>,
    pub participants: Vec<giaoban_domain::meeting::Person>,
    pub invited: Vec<UnitName>,
    pub agenda: Vec<String>,
    pub minutes: Option<String>,
    pub period: Option<String>,
    pub period_label: Option<String>,
    /// When the conclusion notice is due (5 working days after, Decision 45/2018).
    pub notice_due: Option<String>,
    pub version: i64,
    pub can_edit: bool,
}

fn view_meeting(m: &Meeting, tree: &UnitTree<'_>, lang: Lang, can_edit: bool) -> MeetingView {
    MeetingView {
        id: m.id,
        kind: m.kind.code().into(),
        kind_label: m.kind.label(lang).into(),
        title: m.title.clone(),
        date: m.date.to_string(),
        date_label: giaoban_domain::calendar::format_date_vi(m.date),
        time: m.time.map(|t| format!("{:02}:{:02}", t.hour(), t.minute())),
        place: m.place.clone(),
        host: unit_name(tree, m.host_unit_id),
        chair: m.chair.as_ref().map(|c| c.display()),
        participants: m.participants.clone(),
        invited: m
            .invited_unit_ids
            .iter()
            .map(|u| unit_name(tree, *u))
            .collect(),
        agenda: m.agenda.clone(),
        minutes: m.minutes.clone(),
        period: m.period.map(|p| p.code()),
        period_label: m.period.map(|p| p.label(lang)),
        notice_due: calendar()
            .ok()
            .and_then(|c| m.notice_due(c).ok())
            .map(|d| d.label(lang)),
        version: m.version,
        can_edit,
    }
}

fn may_read_meeting(me: &Caller, tree: &UnitTree<'_>, m: &Meeting) -> bool {
    reference::may_read_meeting(&me.actor, &tree.ancestry(m.host_unit_id), &attendees(m))
}

pub async fn list_meetings(
    state: &App,
    me: &Caller,
    lang: Lang,
) -> Result<Vec<MeetingView>, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    Ok(state
        .store
        .meetings()
        .await?
        .iter()
        .filter(|m| may_read_meeting(me, &tree, m))
        .map(|m| {
            let edit = me.may(&tree, Permission::WriteRecords, m.host_unit_id);
            view_meeting(m, &tree, lang, edit)
        })
        .collect())
}

pub async fn create_meeting(
    state: &App,
    me: &Caller,
    input: &MeetingInput,
) -> Result<Meeting, Error> {
    let draft = MeetingDraft::parse(input)?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    require_unit(&tree, draft.host_unit_id, "host_unit_id")?;
    if !me.may(&tree, Permission::WriteRecords, draft.host_unit_id) {
        return Err(Error::Forbidden);
    }
    check_meeting_units(me, &tree, &draft)?;
    let due = calendar()?
        .add_working_days(
            draft.date,
            giaoban_domain::deadline::CONCLUSION_NOTICE_WORKING_DAYS,
        )
        .map_err(|e| date_refused("date", e))?;
    let notice = NoticeTask {
        office_unit_id: tree.office_of(draft.host_unit_id),
        due: DueMoment::end_of(due),
    };
    Ok(state
        .store
        .create_meeting(&me.audit(), &draft, Some(notice))
        .await?)
}

pub async fn update_meeting(
    state: &App,
    me: &Caller,
    id: Uuid,
    input: &MeetingInput,
) -> Result<Meeting, Error> {
    let draft = MeetingDraft::parse(input)?;
    let before = state.store.meeting(id).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if !me.may(&tree, Permission::WriteRecords, before.host_unit_id) {
        return Err(Error::Forbidden);
    }
    if draft.host_unit_id != before.host_unit_id {
        return Err(Invalid::new(
            "host_unit_id",
            "meeting.host_fixed",
            "Không thể đổi đơn vị chủ trì cuộc họp.",
            "The host of a meeting cannot change.",
        )
        .into());
    }
    check_meeting_units(me, &tree, &draft)?;
    // An issued notice quotes the meeting's date, name, place and chair: they are frozen with it.
    let quoted_changes = draft.date != before.date
        || draft.title != before.title
        || draft.place != before.place
        || draft.chair != before.chair;
    if quoted_changes
        && state.store.conclusions().await?.iter().any(|c| {
            c.meeting_id == id && c.status == giaoban_domain::conclusion::ConclusionStatus::Issued
        })
    {
        return Err(Invalid::new(
            "title",
            "meeting.quoted_by_issued_notice",
            "Thông báo kết luận của cuộc họp đã ban hành: không thể đổi ngày, tên, địa điểm hay \
             người chủ trì cuộc họp mà thông báo đã ghi; hãy ban hành thông báo đính chính.",
            "The meeting's notice is issued: the date, name, place and chair it quotes cannot \
             change; issue a correcting notice instead.",
        )
        .into());
    }
    Ok(state
        .store
        .update_meeting(&me.audit(), id, &draft, input.version)
        .await?)
}

/// A meeting with what it reviews and what came of it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MeetingDetail {
    pub meeting: MeetingView,
    /// Tasks from earlier meetings of the same host still open at this meeting, or finished since
    /// the host's previous meeting.
    pub review: Vec<TaskView>,
    pub previous_meeting: Option<UnitName>,
    pub recommendations: Vec<RecommendationView>,
    pub conclusions: Vec<ConclusionView>,
    /// Tasks assigned at this meeting (or by its notices).
    pub tasks: Vec<TaskView>,
}

pub async fn meeting_detail(
    state: &App,
    me: &Caller,
    id: Uuid,
    lang: Lang,
) -> Result<MeetingDetail, Error> {
    let m = state.store.meeting(id).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if !may_read_meeting(me, &tree, &m) {
        return Err(Error::Forbidden);
    }
    let can_edit = me.may(&tree, Permission::WriteRecords, m.host_unit_id);
    let meetings = state.store.meetings().await?;
    let earlier: Vec<&Meeting> = meetings
        .iter()
        .filter(|o| o.host_unit_id == m.host_unit_id && o.id != m.id && o.date < m.date)
        .collect();
    let previous = earlier.iter().max_by_key(|o| (o.date, o.created_at));
    let at = m
        .time
        .map_or_else(
            || local_timestamp(m.date, jiff::civil::Time::midnight()),
            |t| local_timestamp(m.date, t),
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
    let since = match previous {
        Some(p) => local_timestamp(p.date, jiff::civil::Time::midnight())
            .map_err(|e| Error::Internal(e.to_string()))?,
        None => Timestamp::MIN,
    };
    let all = state.store.tasks(&TaskFilter::default()).await?;
    let mut review = Vec::new();
    let mut tasks = Vec::new();
    for t in &all {
        let rights = rights_of(me, &tree, t);
        if !rights.read {
            continue;
        }
        if t.meeting_id == Some(m.id) {
            let s = t
                .assess(state.now(), &policy())
                .map_err(|e| Error::Internal(e.to_string()))?;
            tasks.push(view_task(t, &s, rights, &tree, lang));
        } else if t
            .meeting_id
            .is_some_and(|mid| earlier.iter().any(|e| e.id == mid))
        {
            let s = t
                .assess(at, &policy())
                .map_err(|e| Error::Internal(e.to_string()))?;
            let finished_since = t.completed_at.is_some_and(|c| c >= since && c <= at)
                || t.occurrence_records
                    .iter()
                    .any(|r| r.completed_at.is_some_and(|c| c >= since && c <= at));
            if s.assessment.status.is_open() || finished_since {
                review.push(view_task(t, &s, rights, &tree, lang));
            }
        }
    }
    let recommendations = state
        .store
        .recommendations()
        .await?
        .into_iter()
        .filter(|r| r.meeting_id == Some(m.id))
        .map(|r| view_recommendation(&r, &tree, lang, me))
        .collect();
    let conclusions = state
        .store
        .conclusions()
        .await?
        .into_iter()
        .filter(|c| c.meeting_id == m.id)
        .map(|c| view_conclusion(&c, &tree, lang, can_edit))
        .collect();
    Ok(MeetingDetail {
        meeting: view_meeting(&m, &tree, lang, can_edit),
        review,
        previous_meeting: previous.map(|p| UnitName {
            id: p.id,
            name: format!(
                "{} ({})",
                p.title,
                giaoban_domain::calendar::format_date_vi(p.date)
            ),
        }),
        recommendations,
        conclusions,
        tasks,
    })
}

// ----- recommendations -----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecommendationView {
    pub id: Uuid,
    pub meeting_id: Option<Uuid>,
    pub raised_by: UnitName,
    pub addressed_to: Option<UnitName>,
    pub content: String,
    pub raised_on: String,
    pub answer: Option<String>,
    pub answered_on: Option<String>,
    pub status: String,
    pub status_label: String,
    pub resolved_on: Option<String>,
    pub version: i64,
    pub can_answer: bool,
}

fn may_answer(me: &Caller, tree: &UnitTree<'_>, r: &Recommendation) -> bool {
    r.addressed_to_unit_id
        .is_some_and(|u| me.may(tree, Permission::WriteRecords, u))
        || (me.actor.role != Role::Member
            && me.may(tree, Permission::WriteRecords, r.raised_by_unit_id))
}

fn view_recommendation(
    r: &Recommendation,
    tree: &UnitTree<'_>,
    lang: Lang,
    me: &Caller,
) -> RecommendationView {
    RecommendationView {
        id: r.id,
        meeting_id: r.meeting_id,
        raised_by: unit_name(tree, r.raised_by_unit_id),
        addressed_to: r.addressed_to_unit_id.map(|u| unit_name(tree, u)),
        content: r.content.clone(),
        raised_on: r.raised_on.to_string(),
        answer: r.answer.clone(),
        answered_on: r.answered_on.map(|d| d.to_string()),
        status: r.status.code().into(),
        status_label: r.status.label(lang).into(),
        resolved_on: r.resolved_on.map(|d| d.to_string()),
        version: r.version,
        can_answer: may_answer(me, tree, r),
    }
}

pub async fn list_recommendations(
    state: &App,
    me: &Caller,
    lang: Lang,
) -> Result<Vec<RecommendationView>, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    Ok(state
        .store
        .recommendations()
        .await?
        .iter()
        .filter(|r| {
            me.may(&tree, Permission::ReadRecords, r.raised_by_unit_id)
                || r.addressed_to_unit_id
                    .is_some_and(|u| me.may(&tree, Permission::ReadRecords, u))
        })
        .map(|r| view_recommendation(r, &tree, lang, me))
        .collect())
}

pub async fn create_recommendation(
    state: &App,
    me: &Caller,
    input: &RecommendationInput,
) -> Result<Recommendation, Error> {
    let draft = RecommendationDraft::parse(input, state.today())?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    require_unit(&tree, draft.raised_by_unit_id, "raised_by_unit_id")?;
    if let Some(u) = draft.addressed_to_unit_id {
        require_unit(&tree, u, "addressed_to_unit_id")?;
    }
    if !me.may(&tree, Permission::WriteRecords, draft.raised_by_unit_id) {
        return Err(Error::Forbidden);
    }
    check_addressee(me, &tree, draft.addressed_to_unit_id)?;
    if let Some(mid) = draft.meeting_id {
        let m = state.store.meeting(mid).await.map_err(unknown_in(
            "meeting_id",
            "recommendation.meeting_unknown",
            "Cuộc họp không tồn tại.",
            "The meeting does not exist.",
        ))?;
        if !reference::may_raise_at_meeting(
            &me.actor,
            &tree.ancestry(m.host_unit_id),
            &attendees(&m),
            &tree.ancestry(draft.raised_by_unit_id),
        ) {
            return Err(Error::Forbidden);
        }
    }
    // The recommendation and the message to the unit it is addressed to: one transaction.
    let mut uow = state.store.begin().await?;
    let created = uow.create_recommendation(&me.audit(), &draft).await?;
    let told = crate::channels::raised_messages(state, std::slice::from_ref(&created)).await?;
    uow.add_messages(&told).await?;
    uow.commit().await?;
    if !told.is_empty() {
        state.channels.wake();
    }
    Ok(created)
}

/// The unit a recommendation is addressed to must be one the actor may involve.
fn check_addressee(
    me: &Caller,
    tree: &UnitTree<'_>,
    addressee: Option<UnitId>,
) -> Result<(), Error> {
    let Some(u) = addressee else {
        return Ok(());
    };
    require_unit(tree, u, "addressed_to_unit_id")?;
    if reference::may_involve(&me.actor, &own_ancestry(me, tree), &tree.ancestry(u)) {
        Ok(())
    } else {
        Err(Error::Forbidden)
    }
}

pub async fn answer_recommendation(
    state: &App,
    me: &Caller,
    id: Uuid,
    input: &AnswerInput,
) -> Result<Recommendation, Error> {
    let answer = Answer::parse(input)?;
    let r = state.store.recommendation(id).await?;
    let units = state.store.units().await?;
    if !may_answer(me, &UnitTree::new(&units), &r) {
        return Err(Error::Forbidden);
    }
    // The answer and the message telling the raising unit are one transaction.
    let mut uow = state.store.begin().await?;
    let after = uow
        .answer_recommendation(&me.audit(), id, &answer, state.today())
        .await?;
    let messages =
        crate::channels::recommendation_answered(state, &after, me.actor.unit_id).await?;
    uow.add_messages(&messages).await?;
    uow.commit().await?;
    state.channels.wake();
    Ok(after)
}

// ----- conclusions -----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConclusionView {
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub issuer: UnitName,
    pub status: String,
    pub status_label: String,
    /// "45/TB-UBND" once issued.
    pub number: Option<String>,
    pub symbol: String,
    pub issued_on: Option<String>,
    pub place: Option<String>,
    pub title: String,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub authority: String,
    /// The two lines above the signature.
    pub authority_lines: Vec<String>,
    pub results: Option<String>,
    pub shortcomings: Option<String>,
    pub directions: Option<String>,
    pub recipients: Vec<String>,
    pub corrects_id: Option<Uuid>,
    pub version: i64,
    pub can_edit: bool,
    /// The notice as its DOCX and PDF print it (filled in by [`conclusion_detail`]), for the page's
    /// preview; the API gives the files themselves.
    #[serde(skip)]
    pub document: Option<NoticePreview>,
}

/// The notice's text as the documents print it ([`giaoban_documents::NoticeDoc`]): the page shows
/// these paragraphs, so the office issues what it read.
#[derive(Debug, Clone, Default)]
pub struct NoticePreview {
    /// The title the notice goes out under ("Thông báo kết luận của …").
    pub title: String,
    pub superior_body: Option<String>,
    pub issuer_lines: Vec<String>,
    pub number_line: String,
    pub national_title: String,
    pub motto: String,
    pub place_date: String,
    /// "THÔNG BÁO".
    pub doc_type: String,
    pub subject: String,
    pub parts: Vec<PreviewPart>,
    pub recipients_label: String,
    pub recipients: Vec<String>,
    pub authority_lines: Vec<String>,
    pub signer_name: String,
}

/// A paragraph (or table) of the notice's body: `kind` is "heading", "paragraph", "assignment" or
/// "table" (then `columns` and `rows` hold it).
#[derive(Debug, Clone, Default)]
pub struct PreviewPart {
    pub kind: &'static str,
    pub text: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl NoticePreview {
    fn of(doc: &giaoban_documents::NoticeDoc, title: String) -> NoticePreview {
        use giaoban_documents::notice::{MOTTO, NATIONAL_TITLE, Printed, RECIPIENTS_LABEL};
        let parts = doc
            .body_parts()
            .into_iter()
            .map(|p| match p {
                Printed::Heading(text) => PreviewPart {
                    kind: "heading",
                    text,
                    ..PreviewPart::default()
                },
                Printed::Paragraph(text) => PreviewPart {
                    kind: "paragraph",
                    text,
                    ..PreviewPart::default()
                },
                Printed::Assignment(text) => PreviewPart {
                    kind: "assignment",
                    text,
                    ..PreviewPart::default()
                },
                Printed::Table(t) => PreviewPart {
                    kind: "table",
                    text: String::new(),
                    columns: t.columns.iter().map(|c| c.heading.clone()).collect(),
                    rows: (0..t.rows.len())
                        .map(|r| {
                            (0..t.columns.len())
                                .map(|c| t.cell(r, c).to_string())
                                .collect()
                        })
                        .collect(),
                },
            })
            .collect();
        NoticePreview {
            title,
            superior_body: doc.superior_body.clone().filter(|s| !s.trim().is_empty()),
            issuer_lines: doc.issuer_lines.clone(),
            number_line: doc.number_line.clone(),
            national_title: NATIONAL_TITLE.into(),
            motto: MOTTO.into(),
            place_date: doc.place_date_line(),
            doc_type: doc.title.clone(),
            subject: doc.subject.clone(),
            parts,
            recipients_label: RECIPIENTS_LABEL.into(),
            recipients: doc.recipient_lines(),
            authority_lines: doc.authority_lines.clone(),
            signer_name: doc.signer_name.clone(),
        }
    }
}

fn view_conclusion(
    c: &Conclusion,
    tree: &UnitTree<'_>,
    lang: Lang,
    can_write: bool,
) -> ConclusionView {
    ConclusionView {
        id: c.id,
        meeting_id: c.meeting_id,
        issuer: unit_name(tree, c.issuer_unit_id),
        status: c.status.code().into(),
        status_label: c.status.label(lang).into(),
        number: c.number.as_ref().map(|n| n.display()),
        symbol: c.symbol.clone(),
        issued_on: c.issued_on.map(|d| d.to_string()),
        place: c.place.clone(),
        title: c.title.clone(),
        signer_name: c.signer_name.clone(),
        signer_title: c.signer_title.clone(),
        authority: c.authority.code().into(),
        authority_lines: c
            .authority
            .lines(c.signer_title.as_deref().unwrap_or(""))
            .to_vec(),
        results: c.results.clone(),
        shortcomings: c.shortcomings.clone(),
        directions: c.directions.clone(),
        recipients: c.recipients.clone(),
        corrects_id: c.corrects_id,
        version: c.version,
        can_edit: can_write && c.status == giaoban_domain::conclusion::ConclusionStatus::Draft,
        document: None,
    }
}

/// A notice with its tasks.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConclusionDetail {
    pub conclusion: ConclusionView,
    pub meeting: MeetingView,
    pub tasks: Vec<TaskView>,
    /// Whether the viewer may add tasks to it (its issuer's people, while it is a draft: an
    /// issued notice is frozen).
    pub can_assign: bool,
    /// Whether the viewer may draft a correcting notice (its issuer's people, once issued).
    pub can_correct: bool,
}

pub async fn conclusion_detail(
    state: &App,
    me: &Caller,
    id: Uuid,
    lang: Lang,
) -> Result<ConclusionDetail, Error> {
    let c = state.store.conclusion(id).await?;
    let m = state.store.meeting(c.meeting_id).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let writes = me.may(&tree, Permission::WriteRecords, c.issuer_unit_id);
    let issued = c.status == giaoban_domain::conclusion::ConclusionStatus::Issued;
    // Units with tasks in the notice read it too: it is addressed to them.
    let tasks = state
        .store
        .tasks(&TaskFilter {
            conclusion_id: Some(id),
            ..TaskFilter::default()
        })
        .await?;
    let involved = tasks.iter().any(|t| rights_of(me, &tree, t).read);
    if !writes && !involved && !may_read_meeting(me, &tree, &m) {
        return Err(Error::Forbidden);
    }
    let now = state.now();
    let views = tasks
        .iter()
        .filter_map(|t| {
            let r = rights_of(me, &tree, t);
            let s = t.assess(now, &policy()).ok()?;
            r.read.then(|| view_task(t, &s, r, &tree, lang))
        })
        .collect();
    // The preview is the document: built as the DOCX and PDF are (see `render_notice_file`).
    let issuer = tree
        .get(c.issuer_unit_id)
        .map_or_else(String::new, |u| u.name.clone());
    let doc = giaoban_documents::NoticeDoc::from_records(
        &c,
        &m,
        &tasks,
        |u| tree.get(u).map(|x| x.name.clone()),
        &issuer,
    );
    let mut conclusion = view_conclusion(&c, &tree, lang, writes);
    conclusion.document = Some(NoticePreview::of(
        &doc,
        giaoban_documents::notice::notice_title(&c, &m),
    ));
    Ok(ConclusionDetail {
        conclusion,
        meeting: view_meeting(&m, &tree, lang, writes),
        tasks: views,
        can_assign: writes && !issued,
        can_correct: writes && issued,
    })
}

pub async fn create_conclusion(
    state: &App,
    me: &Caller,
    input: &ConclusionInput,
) -> Result<Conclusion, Error> {
    let draft = ConclusionDraft::parse(input)?;
    let m = state
        .store
        .meeting(draft.meeting_id)
        .await
        .map_err(unknown_in(
            "meeting_id",
            "conclusion.meeting_unknown",
            "Cuộc họp không tồn tại.",
            "The meeting does not exist.",
        ))?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    require_unit(&tree, draft.issuer_unit_id, "issuer_unit_id")?;
    if !me.may(&tree, Permission::WriteRecords, draft.issuer_unit_id)
        || !reference::may_conclude_meeting(&me.actor, &tree.ancestry(m.host_unit_id))
    {
        return Err(Error::Forbidden);
    }
    check_corrects(state, me, &tree, draft.corrects_id).await?;
    Ok(state.store.create_conclusion(&me.audit(), &draft).await?)
}

/// The notice a correcting notice names (`corrects_id`) must exist, be one the actor writes for
/// (its issuer's), and be issued.
async fn check_corrects(
    state: &App,
    me: &Caller,
    tree: &UnitTree<'_>,
    corrects: Option<Uuid>,
) -> Result<(), Error> {
    if let Some(c) = corrects {
        let corrected = state.store.conclusion(c).await.map_err(unknown_in(
            "corrects_id",
            "conclusion.corrects_unknown",
            "Thông báo được đính chính không tồn tại.",
            "The notice to correct does not exist.",
        ))?;
        if !reference::may_correct_notice(&me.actor, &tree.ancestry(corrected.issuer_unit_id)) {
            return Err(Error::Forbidden);
        }
        if corrected.status != giaoban_domain::conclusion::ConclusionStatus::Issued {
            return Err(Invalid::new(
                "corrects_id",
                "conclusion.corrects_draft",
                "Chỉ đính chính một thông báo đã ban hành.",
                "Only an issued notice can be corrected.",
            )
            .into());
        }
    }
    Ok(())
}

pub async fn update_conclusion(
    state: &App,
    me: &Caller,
    id: Uuid,
    input: &ConclusionInput,
) -> Result<Conclusion, Error> {
    let draft = ConclusionDraft::parse(input)?;
    let before = state.store.conclusion(id).await?;
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    if !me.may(&tree, Permission::WriteRecords, before.issuer_unit_id) {
        return Err(Error::Forbidden);
    }
    if draft.corrects_id != before.corrects_id {
        check_corrects(state, me, &tree, draft.corrects_id).await?;
    }
    if draft.meeting_id != before.meeting_id || draft.issuer_unit_id != before.issuer_unit_id {
        return Err(Invalid::new(
            "meeting_id",
            "conclusion.meeting_fixed",
            "Không thể chuyển thông báo sang cuộc họp hoặc cơ quan khác.",
            "A notice cannot move to another meeting or issuer.",
        )
        .into());
    }
    Ok(state
        .store
        .update_conclusion(&me.audit(), id, &draft, input.version)
        .await?)
}

pub async fn issue_conclusion(
    state: &App,
    me: &Caller,
    id: Uuid,
    input: &giaoban_domain::conclusion::IssueInput,
) -> Result<Conclusion, Error> {
    let before = state.store.conclusion(id).await?;
    let m = state.store.meeting(before.meeting_id).await?;
    let units = state.store.units().await?;
    if !me.may(
        &UnitTree::new(&units),
        Permission::WriteRecords,
        before.issuer_unit_id,
    ) {
        return Err(Error::Forbidden);
    }
    let today = state.today();
    let raw = input.issued_on.clone();
    Ok(state
        .store
        .issue_conclusion(&me.audit(), id, input.version, move |c| {
            check_issue(c, raw.as_deref(), m.date, today)
                .map_err(giaoban_storage::StoreError::Invalid)
        })
        .await?)
}

pub async fn list_conclusions(
    state: &App,
    me: &Caller,
    lang: Lang,
) -> Result<Vec<ConclusionView>, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    Ok(state
        .store
        .conclusions()
        .await?
        .iter()
        .filter(|c| me.may(&tree, Permission::ReadRecords, c.issuer_unit_id))
        .map(|c| {
            let w = me.may(&tree, Permission::WriteRecords, c.issuer_unit_id);
            view_conclusion(c, &tree, lang, w)
        })
        .collect())
}

// ----- documents out -----

/// A file to send: bytes, media type, and the file name (ASCII and Vietnamese).
pub struct FileOut {
    pub bytes: Vec<u8>,
    pub content_type: &'static str,
    pub ascii_name: String,
    pub name: String,
}

/// The format of an exported notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum NoticeFormat {
    Docx,
    Pdf,
}

/// The conclusion notice as a Word or PDF file, laid out as Decree 30/2020 asks, for anyone who may
/// read the notice.
pub async fn notice_file(
    state: &App,
    me: &Caller,
    id: Uuid,
    format: NoticeFormat,
) -> Result<FileOut, Error> {
    // The same access as the notice's page.
    conclusion_detail(state, me, id, Lang::Vi).await?;
    render_notice_file(&state.store, id, format).await
}

/// The notice file, once [`notice_file`] has checked the caller may open it.
async fn render_notice_file(
    store: &Store,
    id: Uuid,
    format: NoticeFormat,
) -> Result<FileOut, Error> {
    let c = store.conclusion(id).await?;
    let m = store.meeting(c.meeting_id).await?;
    let units = store.units().await?;
    let tree = UnitTree::new(&units);
    let tasks = store
        .tasks(&TaskFilter {
            conclusion_id: Some(id),
            ..TaskFilter::default()
        })
        .await?;
    let issuer = tree
        .get(c.issuer_unit_id)
        .map_or_else(String::new, |u| u.name.clone());
    let doc = giaoban_documents::NoticeDoc::from_records(
        &c,
        &m,
        &tasks,
        |u| tree.get(u).map(|x| x.name.clone()),
        &issuer,
    );
    let (bytes, content_type, ext) = match format {
        NoticeFormat::Docx => (
            doc.to_docx(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        NoticeFormat::Pdf => (doc.to_pdf(), "application/pdf", "pdf"),
    };
    let bytes = bytes.map_err(|e| Error::Internal(format!("notice {id}: {e}")))?;
    let number = c.number.as_ref().map_or_else(
        || format!("du-thao-{}", c.symbol),
        |n| format!("{}-{}", n.number, n.symbol),
    );
    let name = match &c.number {
        Some(n) => format!("Thông báo {}-{}.{ext}", n.number, n.symbol),
        None => format!("Dự thảo thông báo {}.{ext}", c.symbol),
    };
    Ok(FileOut {
        bytes,
        content_type,
        ascii_name: format!("thong-bao-{number}.{ext}"),
        name,
    })
}

// ----- reminders -----

/// What one reminder sweep did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub tasks_checked: usize,
    pub notifications: usize,
    /// Deliveries (e-mail, Telegram) enqueued with the new reminders; [`crate::channels::
    /// deliver_pending`] sends them.
    pub deliveries: usize,
}

/// Records the reminders due at `now` (7, 3 and 1 days before a deadline, and on missing it) for the
/// lead unit of every open task, once each, and with each new one, in the same transaction, its
/// deliveries on the `channels` the unit has (e-mail to its address, Telegram to its chat). Sends
/// nothing itself: the sender delivers what is enqueued. Safe to run as often as wanted: a reminder
/// already recorded is skipped, and nothing is enqueued for it again.
pub async fn send_reminders(
    store: &Store,
    channels: &crate::channels::Channels,
    now: Timestamp,
) -> Result<SweepReport, Error> {
    let units = store.units().await?;
    let tree = UnitTree::new(&units);
    let own_bots = store.units_with_bot_token().await?;
    // Only open tasks are reminded of: the database leaves out the cancelled and completed.
    let tasks = store
        .tasks(&TaskFilter {
            maybe_open_at: Some(now),
            ..TaskFilter::default()
        })
        .await?;
    let mut report = SweepReport::default();
    for t in &tasks {
        let status = t
            .assess(now, &policy())
            .map_err(|e| Error::Internal(e.to_string()))?;
        let a = status.assessment;
        if !matches!(
            a.status,
            TaskStatus::InProgress | TaskStatus::DueSoon | TaskStatus::Overdue
        ) {
            continue;
        }
        let Some(due) = a.effective_due else { continue };
        report.tasks_checked += 1;
        let occurrence = status
            .occurrence
            .map(|o| o.period.code())
            .unwrap_or_default();
        for kind in due_reminders(due, now, &[]) {
            let label = due.label(Lang::Vi);
            let deliveries = match tree.get(t.lead_unit_id) {
                Some(unit) => {
                    let subject = format!(
                        "[giaoban] {}: {}",
                        kind.label(Lang::Vi),
                        short(&t.content, 80)
                    );
                    let body = format!(
                        "Kính gửi: {unit}\n\nNhiệm vụ: {content}\nThời hạn: {label}\nNhắc việc: {kind}\n\n\
                         Đề nghị đơn vị cập nhật tiến độ hoặc báo cáo hoàn thành trên hệ thống giaoban.\n\
                         Xem: {link}\n\n\
                         ---\nTask: {content}\nDeadline: {en}\nReminder: {kind_en}\n",
                        unit = unit.name,
                        content = t.content,
                        kind = kind.label(Lang::Vi),
                        en = due.label(Lang::En),
                        kind_en = kind.label(Lang::En),
                        link = channels.link(&format!("/tasks/{}", t.id)),
                    );
                    channels.deliveries_for(unit, own_bots.contains(&unit.id), &subject, &body)
                }
                None => Vec::new(),
            };
            if store
                .add_notification_with_deliveries(
                    t.lead_unit_id,
                    t.id,
                    &occurrence,
                    kind.code(),
                    &label,
                    &deliveries,
                )
                .await?
                .is_some()
            {
                report.notifications += 1;
                report.deliveries += deliveries.len();
            }
        }
    }
    if report.deliveries > 0 {
        channels.wake();
    }
    Ok(report)
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let cut: String = s.chars().take(max).collect();
        format!("{cut}…")
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NotificationView {
    pub id: Uuid,
    pub task_id: Uuid,
    pub task: String,
    pub kind: String,
    pub kind_label: String,
    pub due_label: String,
    pub occurrence: Option<String>,
    pub created_at: String,
    /// Whether it went out by e-mail (a sent e-mail delivery, or one sent before the outbox).
    pub emailed: bool,
    /// Its deliveries by e-mail and Telegram, with their state.
    pub deliveries: Vec<crate::channels::DeliveryView>,
}

pub async fn notifications(
    state: &App,
    me: &Caller,
    lang: Lang,
) -> Result<Vec<NotificationView>, Error> {
    let list = state.store.notifications(me.actor.unit_id, 100).await?;
    let ids: Vec<String> = list.iter().map(|n| n.id.to_string()).collect();
    let mut deliveries = crate::channels::deliveries_by_source(
        state,
        me,
        giaoban_storage::deliveries::SOURCE_NOTIFICATION,
        &ids,
        lang,
    )
    .await?;
    let mut out = Vec::new();
    for n in list {
        let deliveries = deliveries.remove(&n.id.to_string()).unwrap_or_default();
        let task = state.store.task(n.task_id).await.ok();
        out.push(NotificationView {
            id: n.id,
            task_id: n.task_id.0,
            task: task.map(|t| short(&t.content, 160)).unwrap_or_default(),
            kind_label: giaoban_domain::reminder::ReminderKind::parse(&n.kind)
                .map(|k| k.label(lang).to_owned())
                .unwrap_or_else(|| n.kind.clone()),
            kind: n.kind,
            due_label: n.due_label,
            occurrence: Some(n.occurrence).filter(|o| !o.is_empty()),
            created_at: ts_label(n.created_at),
            emailed: n.emailed_at.is_some()
                || deliveries
                    .iter()
                    .any(|d| d.channel == "email" && d.status == "sent"),
            deliveries,
        })
    }
    Ok(out)
}

// ----- calendar feed -----

/// A new calendar secret for the user: 32 random bytes, hex; only its SHA-256 is stored.
pub async fn new_calendar_token(state: &App, me: &Caller) -> Result<String, Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| Error::Internal(format!("random: {e}")))?;
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    state
        .store
        .set_calendar_token(&me.audit(), me.user.id, &token_hash(&token))
        .await?;
    Ok(token)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    use sha2::Digest;
    sha2::Sha256::digest(token.as_bytes()).to_vec()
}

/// The iCalendar feed of a user's unit: the deadlines of its tasks (each occurrence of a recurring
/// one, from 30 days back to 90 ahead) and the meetings it hosts or is invited to.
pub async fn calendar_feed(state: &App, token: &str) -> Result<String, Error> {
    use giaoban_documents::ics::{CalendarFeed, FeedEvent, FeedWhen};
    let token = token.trim_end_matches(".ics");
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::NotFound);
    }
    let Some(user_id) = state
        .store
        .user_by_calendar_token(&token_hash(token))
        .await?
    else {
        return Err(Error::NotFound);
    };
    let user = state.store.user(user_id).await?;
    if !user.active {
        return Err(Error::NotFound);
    }
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let unit = user.unit_id;
    let unit_name = tree.get(unit).map_or_else(String::new, |u| u.name.clone());
    let now = state.now();
    let today = local_date(now);
    let from = today.saturating_sub(jiff::Span::new().days(30));
    let to = today.saturating_add(jiff::Span::new().days(90));
    let tasks = state
        .store
        .tasks(&TaskFilter {
            party: Some(unit),
            ..TaskFilter::default()
        })
        .await?;
    let mut events = Vec::new();
    let when = |due: DueMoment| -> Result<FeedWhen, Error> {
        Ok(match due.time {
            None => FeedWhen::AllDay(due.date),
            Some(t) => FeedWhen::At {
                start: local_timestamp(due.date, t).map_err(|e| Error::Internal(e.to_string()))?,
                minutes: 0,
            },
        })
    };
    let updated = |t: &Task| t.created_at;
    for t in &tasks {
        if t.cancelled {
            continue;
        }
        let summary = format!("Hạn: {}", short(&t.content, 120));
        match t.deadline {
            Deadline::Recurring(rule) => {
                for occ in rule.occurrences(from.max(t.assigned_on), to) {
                    events.push(FeedEvent {
                        uid: format!("task-{}-{}@giaoban", t.id, occ.period.code()),
                        summary: summary.clone(),
                        description: Some(format!("{}\n{}", t.deadline.label(Lang::Vi), t.content)),
                        when: when(occ.due)?,
                        url: None,
                        updated: updated(t),
                    });
                }
            }
            _ => {
                let s = t
                    .assess(now, &policy())
                    .map_err(|e| Error::Internal(e.to_string()))?;
                let Some(due) = s.assessment.effective_due else {
                    continue;
                };
                events.push(FeedEvent {
                    uid: format!("task-{}@giaoban", t.id),
                    summary,
                    description: Some(format!("{}\n{}", due.label(Lang::Vi), t.content)),
                    when: when(due)?,
                    url: None,
                    updated: updated(t),
                });
            }
        }
    }
    for m in state.store.meetings().await? {
        let concerned = m.host_unit_id == unit
            || m.invited_unit_ids.contains(&unit)
            || m.participants.iter().any(|p| p.unit_id == Some(unit));
        if !concerned {
            continue;
        }
        events.push(FeedEvent {
            uid: format!("meeting-{}@giaoban", m.id),
            summary: format!("{}: {}", m.kind.label(Lang::Vi), m.title),
            description: m.place.clone(),
            when: match m.time {
                None => FeedWhen::AllDay(m.date),
                Some(t) => FeedWhen::At {
                    start: local_timestamp(m.date, t)
                        .map_err(|e| Error::Internal(e.to_string()))?,
                    minutes: 120,
                },
            },
            url: None,
            updated: m.created_at,
        });
    }
    Ok(CalendarFeed {
        name: format!("giaoban — {unit_name}"),
        events,
    }
    .to_ics())
}

/// Parses a list of UUIDs from a form field (one per value).
pub fn uuids(values: &[String]) -> Result<Vec<Uuid>, Error> {
    values
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            Uuid::parse_str(s).map_err(|_| {
                Error::from(Invalid::new(
                    "unit",
                    "unit.unknown",
                    "Đơn vị không tồn tại.",
                    "The unit does not exist.",
                ))
            })
        })
        .collect()
}
