//! Pages of the review-and-direction cycle: meetings and their recommendations, conclusion notices,
//! tasks and their follow-up, the leaders' board, reminders and the calendar feed.
//!
//! Every rule lives in [`giaoban_app::work`] (the API calls the same functions); these handlers read the
//! forms, call it, and render. A form refused for its content is shown again as typed, with the
//! messages next to the fields.

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use giaoban_documents::dateline;
use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::calendar::format_date_vi;
use giaoban_domain::conclusion::{ConclusionDraft, ConclusionInput, IssueInput};
use giaoban_domain::meeting::{
    AnswerInput, MeetingDraft, MeetingInput, MeetingKind, PersonInput, RecommendationInput,
    RecommendationStatus,
};
use giaoban_domain::task::{
    DeadlineInput, ProgressInput, SourceKind, TaskDraft, TaskId, TaskInput,
};
use giaoban_domain::task_status::{OfficialCategory, TaskStatus};
use giaoban_domain::unit::{Invalid, Invalids, Unit};
use jiff::civil::Date;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::form::{
    Fields, FormErrors, Opt, code_choices, lines, mark, mark_one, opt, or_again, see_other,
    unit_choices,
};
use crate::frame::Chrome;
use crate::i18n::ReqLang;
use crate::layout::{correctable, render};
use crate::state::AppState;
use giaoban_app::work::{
    self, ActionWrite, ConclusionProgress, ConclusionView, DecisionWrite, ExtensionWrite,
    MeetingDetail, MeetingView, NotificationView, RecommendationView, TaskDetail, TaskQuery,
    TaskView,
};

// ----- form helpers of these pages (the shared ones are in `crate::form`) -----

fn unknown_unit(field: &'static str) -> Invalid {
    Invalid::new(
        field,
        "unit.unknown",
        "Đơn vị không tồn tại.",
        "The unit does not exist.",
    )
}

/// An optional identifier from a form; a malformed one is recorded against its field.
fn opt_uuid(field: &'static str, raw: &str, errors: &mut Invalids) -> Option<Uuid> {
    let s = raw.trim();
    if s.is_empty() {
        return None;
    }
    match Uuid::parse_str(s) {
        Ok(u) => Some(u),
        Err(_) => {
            errors.push(unknown_unit(field));
            None
        }
    }
}

/// A unit the form must name (the nil identifier stands in while the error is reported).
fn req_unit(field: &'static str, raw: &str, errors: &mut Invalids) -> Uuid {
    if raw.trim().is_empty() {
        errors.push(Invalid::new(
            field,
            "unit.required",
            "Cần chọn đơn vị.",
            "Choose a unit.",
        ));
        return Uuid::nil();
    }
    opt_uuid(field, raw, errors).unwrap_or_else(Uuid::nil)
}

/// When the form itself was incomplete, report that together with what the domain says of the rest.
fn merge_local<T>(mut local: Invalids, domain: Result<T, Invalids>) -> Result<(), AppError> {
    if local.0.is_empty() {
        return Ok(());
    }
    if let Err(d) = domain {
        for e in d.0 {
            if !local.0.iter().any(|l| l.field == e.field) {
                local.push(e);
            }
        }
    }
    Err(AppError::Invalid(local))
}

/// "2023-03-27" → "27/03/2023"; anything else unchanged.
fn dmy(iso: &str) -> String {
    iso.parse::<Date>()
        .map(format_date_vi)
        .unwrap_or_else(|_| iso.to_owned())
}

/// Dates as people read them.
fn tidy_task(mut v: TaskView) -> TaskView {
    v.assigned_on = dmy(&v.assigned_on);
    v.due_date = v.due_date.as_deref().map(dmy);
    v
}

fn tidy_rec(mut r: RecommendationView) -> RecommendationView {
    r.raised_on = dmy(&r.raised_on);
    r.answered_on = r.answered_on.as_deref().map(dmy);
    r.resolved_on = r.resolved_on.as_deref().map(dmy);
    r
}

fn tidy_conclusion(mut c: ConclusionView) -> ConclusionView {
    c.issued_on = c.issued_on.as_deref().map(dmy);
    c
}

// ----- task filters -----

/// The filters of `/tasks` and `/board` as typed: the names of [`TaskQuery`], every one optional
/// and possibly empty (a select's "all").
#[derive(Debug, Clone, Default, Deserialize)]
pub struct FilterForm {
    #[serde(default)]
    unit: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    conclusion: String,
    #[serde(default)]
    meeting: String,
    #[serde(default)]
    as_of: String,
    /// The page of `/tasks` (from 1); the board shows every task it counts.
    #[serde(default)]
    page: String,
}

impl FilterForm {
    fn query(&self) -> Result<TaskQuery, AppError> {
        let mut errors = Invalids::default();
        let mut q = TaskQuery {
            unit: opt_uuid("unit", &self.unit, &mut errors),
            status: opt(&self.status),
            period: opt(&self.period),
            source: opt(&self.source),
            conclusion: opt_uuid("conclusion", &self.conclusion, &mut errors),
            meeting: opt_uuid("meeting", &self.meeting, &mut errors),
            as_of: opt(&self.as_of),
            lang: None,
            page: None,
            per_page: None,
        };
        if let Some(page) = opt(&self.page) {
            match page.parse::<usize>() {
                Ok(n) if n >= 1 => q.page = Some(n),
                _ => errors.push(work::page_out_of_range()),
            }
        }
        errors.into_result()?;
        Ok(q)
    }

    /// The address of `/tasks` with these filters, on another page.
    fn href_of_page(&self, page: usize) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (name, value) in [
            ("unit", &self.unit),
            ("status", &self.status),
            ("period", &self.period),
            ("source", &self.source),
            ("conclusion", &self.conclusion),
            ("meeting", &self.meeting),
            ("as_of", &self.as_of),
        ] {
            if !value.trim().is_empty() {
                query.append_pair(name, value.trim());
            }
        }
        query.append_pair("page", &page.to_string());
        format!("/tasks?{}", query.finish())
    }
}

/// Rows of one page of `/tasks`: a province has tens of thousands of tasks, a page is read on a
/// phone too.
pub const TASKS_PER_PAGE: usize = 100;

/// Where the rows of a page of `/tasks` stand among all the tasks the filters select.
pub struct Pager {
    pub total: usize,
    pub page: usize,
    pub pages: usize,
    /// The number shown before the page's first row (0 on page 1).
    pub before: usize,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    fn new(f: &FilterForm, page: usize, total: usize) -> Pager {
        let pages = total.div_ceil(TASKS_PER_PAGE).max(1);
        Pager {
            total,
            page,
            pages,
            before: (page - 1) * TASKS_PER_PAGE,
            prev: (page > 1).then(|| f.href_of_page((page - 1).min(pages))),
            next: (page < pages).then(|| f.href_of_page(page + 1)),
        }
    }
}

/// The filter form as the templates show it.
pub struct FilterView {
    pub units: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub sources: Vec<Opt>,
    pub period: String,
    pub as_of: String,
    pub conclusion: String,
    pub meeting: String,
}

fn filter_view(lang: Lang, me: &CurrentActor, units: &[Unit], f: &FilterForm) -> FilterView {
    let t = crate::i18n::texts(lang);
    let mut statuses = vec![
        (String::new(), t.any.to_owned()),
        ("open".to_owned(), t.open_tasks.to_owned()),
    ];
    statuses.extend(code_choices(&TaskStatus::ALL, work::status_code, |s| {
        s.label(lang)
    }));
    let mut sources = vec![(String::new(), t.any.to_owned())];
    sources.extend(code_choices(&SourceKind::ALL, SourceKind::code, |s| {
        s.label(lang)
    }));
    let mut unit_list = vec![(String::new(), t.any.to_owned())];
    unit_list.extend(unit_choices(me, units, Some(Permission::ReadRecords)));
    FilterView {
        units: mark_one(&unit_list, f.unit.trim()),
        statuses: mark_one(&statuses, f.status.trim()),
        sources: mark_one(&sources, f.source.trim()),
        // A period typed or linked as a code shows as its label, which the field reads back.
        period: giaoban_domain::period::Period::parse_input(&f.period)
            .map_or_else(|_| f.period.clone(), |p| p.label(lang)),
        // An ISO date from a link shows as dd/mm/yyyy, which the field reads back.
        as_of: f
            .as_of
            .trim()
            .parse::<jiff::civil::Date>()
            .map_or_else(|_| f.as_of.clone(), format_date_vi),
        conclusion: f.conclusion.clone(),
        meeting: f.meeting.clone(),
    }
}

// ----- tasks -----

#[derive(Template)]
#[template(path = "work/tasks.html")]
struct TasksPage {
    c: Chrome,
    rows: Vec<TaskView>,
    pager: Pager,
    filters: FilterView,
    as_of: String,
    can_create: bool,
    error: Option<String>,
}

pub async fn tasks_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(f): Query<FilterForm>,
) -> Result<Response, AppError> {
    let units = state.store.units().await?;
    let result = match f.query() {
        Ok(mut q) => {
            q.page = Some(q.page.unwrap_or(1));
            q.per_page = Some(TASKS_PER_PAGE);
            work::list_task_page(&state, &me, &q, lang)
                .await
                .map_err(AppError::from)
                .map(|(views, total, as_of)| (views, total, as_of, q.page.unwrap_or(1)))
        }
        Err(e) => Err(e),
    };
    let (rows, pager, as_of, error, status) = match result {
        Ok((views, total, as_of, page)) => (
            views.into_iter().map(tidy_task).collect(),
            Pager::new(&f, page, total),
            ts_label_of(as_of),
            None,
            StatusCode::OK,
        ),
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => (
                vec![],
                Pager::new(&f, 1, 0),
                String::new(),
                Some(msg),
                status,
            ),
            None => return Err(e),
        },
    };
    let page = render(&TasksPage {
        c: Chrome::new(lang, Some(&me), &session, "/tasks").await?,
        rows,
        pager,
        filters: filter_view(lang, &me, &units, &f),
        as_of,
        can_create: !unit_choices(&me, &units, Some(Permission::WriteRecords)).is_empty(),
        error,
    })?;
    Ok((status, page).into_response())
}

/// "28/03/2023 23:59".
fn ts_label_of(ts: jiff::Timestamp) -> String {
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

/// The progress form as typed.
#[derive(Default)]
pub struct ProgressEcho {
    pub percent: String,
    pub note: String,
    pub evidence: String,
    pub completed: bool,
    pub occurrence: String,
}

/// The extension form as typed.
#[derive(Default)]
pub struct ExtensionEcho {
    pub new_due: String,
    pub new_time: String,
    pub reason: String,
}

/// Which form on the task page a refusal belongs to.
#[derive(Default, PartialEq, Eq, Clone, Copy)]
enum TaskForm {
    #[default]
    None,
    Progress,
    Extension,
    Decision,
    Action,
}

#[derive(Default)]
struct TaskPageState {
    form: TaskForm,
    errs: FormErrors,
    progress: ProgressEcho,
    extension: ExtensionEcho,
    /// Reached by a form sent twice (issue 21): "Đã tạo trước đó".
    again: bool,
}

#[derive(Template)]
#[template(path = "work/task.html")]
struct TaskPage {
    c: Chrome,
    d: TaskDetail,
    t: TaskView,
    occurrence_opts: Vec<Opt>,
    actions: Vec<(&'static str, &'static str)>,
    progress_errs: FormErrors,
    extension_errs: FormErrors,
    decision_errs: FormErrors,
    action_errs: FormErrors,
    pf: ProgressEcho,
    ef: ExtensionEcho,
    can_assign_sub: bool,
    /// Whether progress and extensions can still be reported.
    open: bool,
    /// Reached by a form sent twice (issue 21): "Đã tạo trước đó".
    again: bool,
}

async fn task_page_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    id: Uuid,
    as_of: Option<&str>,
    st: TaskPageState,
) -> Result<Html<String>, AppError> {
    let mut d = work::task_detail(state, me, TaskId(id), as_of, lang).await?;
    let t = crate::i18n::texts(lang);
    d.task = tidy_task(d.task);
    d.task.official_category = d.task.official_category.take().map(|code| {
        serde_json::from_value::<OfficialCategory>(serde_json::Value::String(code.clone()))
            .map(|c| c.label(lang).to_owned())
            .unwrap_or(code)
    });
    d.subtasks = d.subtasks.into_iter().map(tidy_task).collect();
    for o in &mut d.occurrences {
        o.due_date = dmy(&o.due_date);
    }
    let task = d.task.clone();
    let occ_choices: Vec<(String, String)> = d
        .occurrences
        .iter()
        .map(|o| {
            (
                o.period.clone(),
                format!("{} — {}", o.period_label, o.due_label),
            )
        })
        .collect();
    let chosen = if st.progress.occurrence.is_empty() {
        task.occurrence.clone().unwrap_or_default()
    } else {
        st.progress.occurrence.clone()
    };
    let actions = match task.status.as_str() {
        "paused" => vec![("resume", t.resume), ("cancel", t.cancel_task)],
        "cancelled" | "completed_on_time" | "completed_late" => vec![("reopen", t.reopen)],
        _ => vec![("pause", t.pause), ("cancel", t.cancel_task)],
    };
    // A finished or cancelled task takes no more reports (a recurring one goes on, occurrence by
    // occurrence).
    let open = !d.occurrences.is_empty()
        || !matches!(
            task.status.as_str(),
            "cancelled" | "completed_on_time" | "completed_late"
        );
    let units = state.store.units().await?;
    let can_assign_sub = !unit_choices(me, &units, Some(Permission::WriteRecords)).is_empty();
    let (mut p, mut e, mut dec, mut a) = Default::default();
    match st.form {
        TaskForm::Progress => p = st.errs,
        TaskForm::Extension => e = st.errs,
        TaskForm::Decision => dec = st.errs,
        TaskForm::Action => a = st.errs,
        TaskForm::None => {}
    }
    let pf = if st.form == TaskForm::Progress {
        st.progress
    } else {
        ProgressEcho {
            percent: task.percent.map(|p| p.to_string()).unwrap_or_default(),
            ..ProgressEcho::default()
        }
    };
    render(&TaskPage {
        c: Chrome::new(lang, Some(me), session, &format!("/tasks/{id}")).await?,
        occurrence_opts: mark_one(&occ_choices, &chosen),
        t: task,
        d,
        actions,
        progress_errs: p,
        extension_errs: e,
        decision_errs: dec,
        action_errs: a,
        pf,
        ef: st.extension,
        can_assign_sub,
        open,
        again: st.again,
    })
}

#[derive(Deserialize)]
pub struct AsOfQuery {
    as_of: Option<String>,
    /// Reached by a form sent twice (issue 21).
    #[serde(default)]
    again: Option<String>,
}

pub async fn task_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Query(q): Query<AsOfQuery>,
) -> Result<Html<String>, AppError> {
    task_page_inner(
        &state,
        lang,
        &me,
        &session,
        id,
        q.as_of.as_deref(),
        TaskPageState {
            again: q.again.is_some(),
            ..TaskPageState::default()
        },
    )
    .await
}

pub async fn progress_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let echo = ProgressEcho {
        percent: f.get("percent"),
        note: f.get("note"),
        evidence: f.get("evidence"),
        completed: f.has("completed"),
        occurrence: f.get("occurrence"),
    };
    let input = ProgressInput {
        percent: opt(&echo.percent),
        note: echo.note.clone(),
        completed: echo.completed,
        evidence: opt(&echo.evidence),
        occurrence: opt(&echo.occurrence),
        version: f.version(),
    };
    match work::report_progress(&state, &me, TaskId(id), &input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/tasks/{id}"))),
        Err(e) => {
            or_again(e, lang, |errs| {
                task_page_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    id,
                    None,
                    TaskPageState {
                        form: TaskForm::Progress,
                        errs,
                        progress: echo,
                        ..TaskPageState::default()
                    },
                )
            })
            .await
        }
    }
}

pub async fn extension_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let echo = ExtensionEcho {
        new_due: f.get("new_due"),
        new_time: f.get("new_time"),
        reason: f.get("reason"),
    };
    let write = ExtensionWrite {
        new_due: echo.new_due.clone(),
        new_time: opt(&echo.new_time),
        reason: echo.reason.clone(),
    };
    match work::request_extension(&state, &me, TaskId(id), &write)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/tasks/{id}"))),
        Err(e) => {
            or_again(e, lang, |errs| {
                task_page_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    id,
                    None,
                    TaskPageState {
                        form: TaskForm::Extension,
                        errs,
                        extension: echo,
                        ..TaskPageState::default()
                    },
                )
            })
            .await
        }
    }
}

pub async fn decision_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let write = DecisionWrite {
        approve: f.get("approve").trim() == "true",
        note: opt(&f.get("note")),
    };
    match work::decide_extension(&state, &me, TaskId(id), &write)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/tasks/{id}"))),
        Err(e) => {
            or_again(e, lang, |errs| {
                task_page_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    id,
                    None,
                    TaskPageState {
                        form: TaskForm::Decision,
                        errs,
                        ..TaskPageState::default()
                    },
                )
            })
            .await
        }
    }
}

pub async fn action_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let write = ActionWrite {
        action: f.get("action"),
        note: opt(&f.get("note")),
        version: f.version(),
    };
    match work::act_on_task(&state, &me, TaskId(id), &write)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/tasks/{id}"))),
        Err(e) => {
            or_again(e, lang, |errs| {
                task_page_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    id,
                    None,
                    TaskPageState {
                        form: TaskForm::Action,
                        errs,
                        ..TaskPageState::default()
                    },
                )
            })
            .await
        }
    }
}

/// The task form as typed.
#[derive(Default, Clone)]
pub struct TaskFormEcho {
    pub content: String,
    pub source_kind: String,
    pub conclusion_id: String,
    pub meeting_id: String,
    pub parent_id: String,
    pub source_ref: String,
    pub assigner_unit_id: String,
    pub assigner_name: String,
    pub lead_unit_id: String,
    pub coordinating: Vec<String>,
    pub monitor_unit_id: String,
    pub deadline: String,
    pub assigned_on: String,
    /// Where to go once saved (a local path), e.g. back to the notice.
    pub return_to: String,
    /// The form's one-time key (issue 21).
    pub form_key: String,
}

impl TaskFormEcho {
    fn read(f: &Fields) -> TaskFormEcho {
        TaskFormEcho {
            content: f.get("content"),
            source_kind: f.get("source_kind"),
            conclusion_id: f.get("conclusion_id"),
            meeting_id: f.get("meeting_id"),
            parent_id: f.get("parent_id"),
            source_ref: f.get("source_ref"),
            assigner_unit_id: f.get("assigner_unit_id"),
            assigner_name: f.get("assigner_name"),
            lead_unit_id: f.get("lead_unit_id"),
            coordinating: f.all("coordinating_unit_ids"),
            monitor_unit_id: f.get("monitor_unit_id"),
            deadline: f.get("deadline"),
            assigned_on: f.get("assigned_on"),
            return_to: f.get("return_to"),
            form_key: f.get("form_key"),
        }
    }

    /// The task the form describes, checked as the app would on `today` (the app's day).
    fn input(&self, today: Date) -> Result<TaskInput, AppError> {
        let mut errors = Invalids::default();
        let mut coordinating = Vec::new();
        for c in &self.coordinating {
            if let Some(u) = opt_uuid("coordinating_unit_ids", c, &mut errors) {
                coordinating.push(u);
            }
        }
        let input = TaskInput {
            content: self.content.clone(),
            source_kind: opt(&self.source_kind),
            conclusion_id: opt_uuid("conclusion_id", &self.conclusion_id, &mut errors),
            meeting_id: opt_uuid("meeting_id", &self.meeting_id, &mut errors),
            source_ref: opt(&self.source_ref),
            assigner_unit_id: req_unit("assigner_unit_id", &self.assigner_unit_id, &mut errors),
            assigner_name: opt(&self.assigner_name),
            lead_unit_id: req_unit("lead_unit_id", &self.lead_unit_id, &mut errors),
            coordinating_unit_ids: coordinating,
            monitor_unit_id: opt_uuid("monitor_unit_id", &self.monitor_unit_id, &mut errors),
            parent_id: opt_uuid("parent_id", &self.parent_id, &mut errors),
            deadline: DeadlineInput::Text(self.deadline.clone()),
            assigned_on: opt(&self.assigned_on),
        };
        merge_local(errors, TaskDraft::parse(&input, today))?;
        Ok(input)
    }
}

/// Only local paths are followed after saving.
fn local_path(p: &str) -> Option<&str> {
    (p.starts_with('/') && !p.starts_with("//") && !p.contains('\\')).then_some(p)
}

#[derive(Template)]
#[template(path = "work/task_form.html")]
struct TaskFormPage {
    c: Chrome,
    f: TaskFormEcho,
    errs: FormErrors,
    sources: Vec<Opt>,
    assigners: Vec<Opt>,
    leads: Vec<Opt>,
    coordinating: Vec<Opt>,
    monitors: Vec<Opt>,
    /// The notice, meeting or parent task the new task comes from: link and name.
    context: Option<(String, String)>,
}

async fn task_form_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    f: TaskFormEcho,
    errs: FormErrors,
) -> Result<Html<String>, AppError> {
    let t = crate::i18n::texts(lang);
    let units = state.store.units().await?;
    let writable = unit_choices(me, &units, Some(Permission::WriteRecords));
    if writable.is_empty() {
        return Err(AppError::Forbidden);
    }
    let readable = unit_choices(me, &units, Some(Permission::ReadRecords));
    let mut sources = vec![(String::new(), t.source_auto.to_owned())];
    sources.extend(code_choices(&SourceKind::ALL, SourceKind::code, |s| {
        s.label(lang)
    }));
    let mut optional = vec![(String::new(), "—".to_owned())];
    optional.extend(readable.iter().cloned());
    // Where the task comes from, named and linked (unreadable or malformed: not shown).
    let id_of = |s: &str| Uuid::parse_str(s.trim()).ok();
    let context = if let Some(cid) = id_of(&f.conclusion_id) {
        work::conclusion_detail(state, me, cid, lang)
            .await
            .ok()
            .map(|d| {
                let n = d.conclusion;
                let number = n.number.unwrap_or_else(|| t.draft.to_owned());
                (
                    format!("/conclusions/{cid}"),
                    format!("{}: {number} — {}", t.conclusion, n.title),
                )
            })
    } else if let Some(mid) = id_of(&f.meeting_id) {
        work::meeting_detail(state, me, mid, lang)
            .await
            .ok()
            .map(|d| {
                let m = d.meeting;
                (
                    format!("/meetings/{mid}"),
                    format!("{}: {} ({})", t.meeting, m.title, m.date_label),
                )
            })
    } else if let Some(pid) = id_of(&f.parent_id) {
        work::task_detail(state, me, TaskId(pid), None, lang)
            .await
            .ok()
            .map(|d| {
                (
                    format!("/tasks/{pid}"),
                    format!("{}: {}", t.parent_task, d.task.content),
                )
            })
    } else {
        None
    };
    render(&TaskFormPage {
        c: Chrome::new(lang, Some(me), session, "/tasks/new").await?,
        sources: mark_one(&sources, &f.source_kind),
        assigners: mark_one(&writable, &f.assigner_unit_id),
        leads: mark_one(&readable, &f.lead_unit_id),
        coordinating: mark(&readable, &f.coordinating),
        monitors: mark_one(&optional, &f.monitor_unit_id),
        context,
        f,
        errs,
    })
}

#[derive(Deserialize, Default)]
pub struct NewTaskQuery {
    conclusion: Option<Uuid>,
    meeting: Option<Uuid>,
    parent: Option<Uuid>,
}

pub async fn new_task_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<NewTaskQuery>,
) -> Result<Html<String>, AppError> {
    let mut f = TaskFormEcho {
        assigner_unit_id: me.actor.unit_id.to_string(),
        form_key: crate::once::new_form_key()?,
        ..TaskFormEcho::default()
    };
    if let Some(cid) = q.conclusion {
        let d = work::conclusion_detail(&state, &me, cid, lang).await?;
        f.conclusion_id = cid.to_string();
        f.meeting_id = d.meeting.id.to_string();
        f.assigner_unit_id = d.conclusion.issuer.id.to_string();
        f.source_kind = SourceKind::Conclusion.code().into();
        f.return_to = format!("/conclusions/{cid}");
    } else if let Some(mid) = q.meeting {
        let d = work::meeting_detail(&state, &me, mid, lang).await?;
        f.meeting_id = mid.to_string();
        f.assigner_unit_id = d.meeting.host.id.to_string();
        f.assigner_name = d.meeting.chair.clone().unwrap_or_default();
        f.source_kind = SourceKind::Meeting.code().into();
        f.return_to = format!("/meetings/{mid}");
    }
    if let Some(pid) = q.parent {
        let d = work::task_detail(&state, &me, TaskId(pid), None, lang).await?;
        f.parent_id = pid.to_string();
        f.assigner_unit_id = d.task.lead.id.to_string();
        f.return_to = format!("/tasks/{pid}");
    }
    task_form_inner(&state, lang, &me, &session, f, FormErrors::default()).await
}

pub async fn new_task_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = TaskFormEcho::read(&Fields::parse(&body));
    let key = crate::once::form_key(&f.form_key)?;
    let result = match f.input(state.today()) {
        Ok(input) => {
            crate::once::once(
                &state,
                &me,
                key.as_deref(),
                "task",
                |t: &giaoban_domain::task::Task| t.id.0,
                || work::create_task(&state, &me, &input),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(crate::once::Made::Before(id)) => Ok(see_other(&format!("/tasks/{id}?again=1"))),
        Ok(crate::once::Made::New(task)) => Ok(see_other(
            local_path(&f.return_to).unwrap_or(&format!("/tasks/{}", task.id.0)),
        )),
        Err(e) => {
            or_again(e, lang, |errs| {
                task_form_inner(&state, lang, &me, &session, f, errs)
            })
            .await
        }
    }
}

// ----- board -----

pub struct BoardUnit {
    pub id: Uuid,
    pub name: String,
    /// Per status in [`TaskStatus::ALL`] order; empty for none.
    pub counts: Vec<String>,
    pub total: usize,
}

#[derive(Template)]
#[template(path = "work/board.html")]
struct BoardPage {
    c: Chrome,
    filters: FilterView,
    as_of: String,
    statuses: Vec<(&'static str, &'static str)>,
    totals: Vec<(&'static str, &'static str, usize)>,
    total: usize,
    units: Vec<BoardUnit>,
    overdue: Vec<TaskView>,
    /// When more tasks are overdue than the board lists: how many it shows of how many.
    overdue_note: Option<String>,
    conclusions: Vec<ConclusionProgress>,
    /// Unfinished tasks whose lead unit has ended (until handed over).
    without_living_owner: usize,
    /// Whether the viewer may open the handover page (leaders, office, administrator).
    may_see_handover: bool,
    error: Option<String>,
}

pub async fn board_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(f): Query<FilterForm>,
) -> Result<Response, AppError> {
    let units = state.store.units().await?;
    let statuses: Vec<(&'static str, &'static str)> = TaskStatus::ALL
        .iter()
        .map(|s| (work::status_code(*s), s.label(lang)))
        .collect();
    let result = match f.query() {
        Ok(q) => work::board(&state, &me, &q, lang)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    let mut page = BoardPage {
        c: Chrome::new(lang, Some(&me), &session, "/board").await?,
        filters: filter_view(lang, &me, &units, &f),
        as_of: String::new(),
        statuses: statuses.clone(),
        totals: vec![],
        total: 0,
        units: vec![],
        overdue: vec![],
        overdue_note: None,
        conclusions: vec![],
        without_living_owner: 0,
        may_see_handover: giaoban_domain::handover::may_see_handover(&me.actor),
        error: None,
    };
    let status = match result {
        Ok(b) => {
            let count = |m: &HashMap<String, usize>, code: &str| m.get(code).copied().unwrap_or(0);
            page.as_of = b.as_of;
            page.without_living_owner = b.without_living_owner;
            page.totals = statuses
                .iter()
                .map(|(code, label)| (*code, *label, count(&b.totals, code)))
                .collect();
            page.total = b.totals.values().sum();
            page.units = b
                .units
                .into_iter()
                .map(|u| BoardUnit {
                    id: u.unit.id,
                    name: u.unit.name,
                    counts: statuses
                        .iter()
                        .map(|(c, _)| match count(&u.counts, c) {
                            0 => String::new(),
                            n => n.to_string(),
                        })
                        .collect(),
                    total: u.total,
                })
                .collect();
            if b.overdue_total > b.overdue.len() {
                page.overdue_note = Some(match lang {
                    Lang::Vi => format!(
                        "{} nhiệm vụ quá hạn lâu nhất trong tổng số {}.",
                        b.overdue.len(),
                        b.overdue_total
                    ),
                    Lang::En => format!(
                        "The {} most overdue of {} overdue tasks.",
                        b.overdue.len(),
                        b.overdue_total
                    ),
                });
            }
            page.overdue = b.overdue.into_iter().map(tidy_task).collect();
            page.conclusions = b.conclusions;
            StatusCode::OK
        }
        Err(e) => match correctable(&e, lang) {
            Some((status, msg)) => {
                page.error = Some(msg);
                status
            }
            None => return Err(e),
        },
    };
    Ok((status, render(&page)?).into_response())
}

// ----- meetings -----

#[derive(Template)]
#[template(path = "work/meetings.html")]
struct MeetingsPage {
    c: Chrome,
    rows: Vec<MeetingView>,
    /// Every notice the user may read, newest first.
    notices: Vec<ConclusionView>,
    can_create: bool,
}

pub async fn meetings_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    let mut rows = work::list_meetings(&state, &me, lang).await?;
    rows.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| b.time.cmp(&a.time)));
    let units = state.store.units().await?;
    let notices = work::list_conclusions(&state, &me, lang)
        .await?
        .into_iter()
        .map(tidy_conclusion)
        .collect();
    render(&MeetingsPage {
        c: Chrome::new(lang, Some(&me), &session, "/meetings").await?,
        rows,
        notices,
        can_create: !unit_choices(&me, &units, Some(Permission::WriteRecords)).is_empty(),
    })
}

/// "Lê Văn Hoa - Chủ tịch UBND huyện" → name and title.
fn split_person(line: &str) -> (String, String) {
    let line = line.trim();
    for sep in [" - ", " – ", " — "] {
        if let Some((n, t)) = line.split_once(sep) {
            return (n.trim().to_owned(), t.trim().to_owned());
        }
    }
    (line.to_owned(), String::new())
}

/// The meeting form as typed.
#[derive(Default, Clone)]
pub struct MeetingFormEcho {
    pub kind: String,
    pub title: String,
    pub date: String,
    pub time: String,
    pub place: String,
    pub host_unit_id: String,
    pub chair_name: String,
    pub chair_title: String,
    pub participants: String,
    pub invited: Vec<String>,
    pub agenda: String,
    pub minutes: String,
    pub period: String,
    pub version: Option<i64>,
    /// The new-meeting form's one-time key (issue 21); empty when editing.
    pub form_key: String,
}

impl MeetingFormEcho {
    fn read(f: &Fields) -> MeetingFormEcho {
        MeetingFormEcho {
            form_key: f.get("form_key"),
            kind: f.get("kind"),
            title: f.get("title"),
            date: f.get("date"),
            time: f.get("time"),
            place: f.get("place"),
            host_unit_id: f.get("host_unit_id"),
            chair_name: f.get("chair_name"),
            chair_title: f.get("chair_title"),
            participants: f.get("participants"),
            invited: f.all("invited_unit_ids"),
            agenda: f.get("agenda"),
            minutes: f.get("minutes"),
            period: f.get("period"),
            version: f.version(),
        }
    }

    fn of(m: &MeetingView) -> MeetingFormEcho {
        let (chair_name, chair_title) = m.chair.as_deref().map(split_person).unwrap_or_default();
        MeetingFormEcho {
            form_key: String::new(),
            kind: m.kind.clone(),
            title: m.title.clone(),
            date: m.date_label.clone(),
            time: m.time.clone().unwrap_or_default(),
            place: m.place.clone().unwrap_or_default(),
            host_unit_id: m.host.id.to_string(),
            chair_name,
            chair_title,
            participants: m
                .participants
                .iter()
                .map(|p| p.display())
                .collect::<Vec<_>>()
                .join("\n"),
            invited: m.invited.iter().map(|u| u.id.to_string()).collect(),
            agenda: m.agenda.join("\n"),
            minutes: m.minutes.clone().unwrap_or_default(),
            // The label ("quý I/2023"), which the field reads back.
            period: m
                .period
                .as_deref()
                .map(|code| {
                    giaoban_domain::period::Period::parse_input(code)
                        .map_or_else(|_| code.to_string(), |p| p.label(Lang::Vi))
                })
                .unwrap_or_default(),
            version: Some(m.version),
        }
    }

    fn input(&self) -> Result<MeetingInput, AppError> {
        let mut errors = Invalids::default();
        let person = |line: &str| {
            let (name, title) = split_person(line);
            PersonInput {
                name,
                title: opt(&title),
                unit_id: None,
            }
        };
        let mut invited = Vec::new();
        for u in &self.invited {
            if let Some(u) = opt_uuid("invited_unit_ids", u, &mut errors) {
                invited.push(u);
            }
        }
        let input = MeetingInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            date: self.date.clone(),
            time: opt(&self.time),
            place: opt(&self.place),
            host_unit_id: req_unit("host_unit_id", &self.host_unit_id, &mut errors),
            chair: opt(&self.chair_name).map(|name| PersonInput {
                name,
                title: opt(&self.chair_title),
                unit_id: None,
            }),
            participants: lines(&self.participants)
                .iter()
                .map(|l| person(l))
                .collect(),
            invited_unit_ids: invited,
            agenda: lines(&self.agenda),
            minutes: opt(&self.minutes),
            period: opt(&self.period),
            version: self.version,
        };
        merge_local(errors, MeetingDraft::parse(&input))?;
        Ok(input)
    }
}

#[derive(Template)]
#[template(path = "work/meeting_form.html")]
struct MeetingFormPage {
    c: Chrome,
    heading: &'static str,
    action: String,
    f: MeetingFormEcho,
    errs: FormErrors,
    kinds: Vec<Opt>,
    hosts: Vec<Opt>,
    invited: Vec<Opt>,
}

async fn meeting_form_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    editing: Option<Uuid>,
    f: MeetingFormEcho,
    errs: FormErrors,
) -> Result<Html<String>, AppError> {
    let t = crate::i18n::texts(lang);
    let units = state.store.units().await?;
    let mut hosts = unit_choices(me, &units, Some(Permission::WriteRecords));
    if hosts.is_empty() {
        return Err(AppError::Forbidden);
    }
    if editing.is_some() {
        // The host cannot change: offer only the current one.
        hosts.retain(|(id, _)| *id == f.host_unit_id);
    }
    let all = unit_choices(me, &units, None);
    let kinds = code_choices(&MeetingKind::ALL, MeetingKind::code, |k| k.label(lang));
    let (heading, action) = match editing {
        Some(id) => (t.edit_meeting, format!("/meetings/{id}/edit")),
        None => (t.new_meeting, "/meetings/new".to_owned()),
    };
    render(&MeetingFormPage {
        c: Chrome::new(lang, Some(me), session, &action).await?,
        heading,
        action,
        kinds: mark_one(&kinds, &f.kind),
        hosts: mark_one(&hosts, &f.host_unit_id),
        invited: mark(&all, &f.invited),
        f,
        errs,
    })
}

pub async fn new_meeting_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    let f = MeetingFormEcho {
        kind: MeetingKind::Briefing.code().into(),
        date: format_date_vi(state.today()),
        host_unit_id: me.actor.unit_id.to_string(),
        form_key: crate::once::new_form_key()?,
        ..MeetingFormEcho::default()
    };
    meeting_form_inner(&state, lang, &me, &session, None, f, FormErrors::default()).await
}

pub async fn new_meeting_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = MeetingFormEcho::read(&Fields::parse(&body));
    let key = crate::once::form_key(&f.form_key)?;
    let result = match f.input() {
        Ok(input) => {
            crate::once::once(
                &state,
                &me,
                key.as_deref(),
                "meeting",
                |m: &giaoban_domain::meeting::Meeting| m.id,
                || work::create_meeting(&state, &me, &input),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(crate::once::Made::Before(id)) => Ok(see_other(&format!("/meetings/{id}?again=1"))),
        Ok(crate::once::Made::New(m)) => Ok(see_other(&format!("/meetings/{}", m.id))),
        Err(e) => {
            or_again(e, lang, |errs| {
                meeting_form_inner(&state, lang, &me, &session, None, f, errs)
            })
            .await
        }
    }
}

pub async fn edit_meeting_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, AppError> {
    let d = work::meeting_detail(&state, &me, id, lang).await?;
    if !d.meeting.can_edit {
        return Err(AppError::Forbidden);
    }
    let f = MeetingFormEcho::of(&d.meeting);
    meeting_form_inner(
        &state,
        lang,
        &me,
        &session,
        Some(id),
        f,
        FormErrors::default(),
    )
    .await
}

pub async fn edit_meeting_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = MeetingFormEcho::read(&Fields::parse(&body));
    let result = match f.input() {
        Ok(input) => work::update_meeting(&state, &me, id, &input)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/meetings/{id}"))),
        Err(e) => {
            or_again(e, lang, |errs| {
                meeting_form_inner(&state, lang, &me, &session, Some(id), f, errs)
            })
            .await
        }
    }
}

/// The recommendation form as typed.
#[derive(Default, Clone)]
pub struct RecEcho {
    pub raised_by: String,
    pub addressed_to: String,
    pub content: String,
    /// The form's one-time key (issue 21).
    pub form_key: String,
}

/// The forms on a page listing recommendations: the new one and, when an answer was refused, which
/// recommendation it was for and what was typed.
#[derive(Default)]
struct RecForms {
    new: RecEcho,
    new_errs: FormErrors,
    answer_for: Option<Uuid>,
    answer_errs: FormErrors,
    answer_text: String,
    answer_status: String,
    /// The meeting page reached by a form sent twice (issue 21).
    again: bool,
}

/// A recommendation with its answer form ready.
pub struct RecRow {
    pub r: RecommendationView,
    pub statuses: Vec<Opt>,
    pub answer_text: String,
    pub errs: Option<FormErrors>,
}

fn rec_rows(lang: Lang, list: Vec<RecommendationView>, forms: &mut RecForms) -> Vec<RecRow> {
    let statuses = code_choices(
        &RecommendationStatus::ALL,
        RecommendationStatus::code,
        |s| s.label(lang),
    );
    list.into_iter()
        .map(|r| {
            let refused = forms.answer_for == Some(r.id);
            let (text, status, errs) = if refused {
                (
                    forms.answer_text.clone(),
                    forms.answer_status.clone(),
                    Some(std::mem::take(&mut forms.answer_errs)),
                )
            } else {
                let next = if r.status == "awaiting" {
                    "answered".to_owned()
                } else {
                    r.status.clone()
                };
                (r.answer.clone().unwrap_or_default(), next, None)
            };
            RecRow {
                statuses: mark_one(&statuses, &status),
                answer_text: text,
                errs,
                r: tidy_rec(r),
            }
        })
        .collect()
}

/// The choices of the new-recommendation form.
pub struct RecChoices {
    pub raised_by: Vec<Opt>,
    pub addressed_to: Vec<Opt>,
}

fn rec_choices(me: &CurrentActor, units: &[Unit], echo: &RecEcho) -> Option<RecChoices> {
    let writable = unit_choices(me, units, Some(Permission::WriteRecords));
    if writable.is_empty() {
        return None;
    }
    let mut to = vec![(String::new(), "—".to_owned())];
    to.extend(unit_choices(me, units, None));
    let raised = if echo.raised_by.is_empty() {
        me.actor.unit_id.to_string()
    } else {
        echo.raised_by.clone()
    };
    Some(RecChoices {
        raised_by: mark_one(&writable, &raised),
        addressed_to: mark_one(&to, &echo.addressed_to),
    })
}

#[derive(Template)]
#[template(path = "work/meeting.html")]
struct MeetingPage {
    c: Chrome,
    d: MeetingDetail,
    m: MeetingView,
    recs: Vec<RecRow>,
    rec_new: RecEcho,
    rec_errs: FormErrors,
    rec_choices: Option<RecChoices>,
    can_assign: bool,
    /// Reached by a form sent twice (issue 21): "Đã tạo trước đó".
    again: bool,
}

async fn meeting_page_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    id: Uuid,
    mut forms: RecForms,
) -> Result<Html<String>, AppError> {
    let mut d = work::meeting_detail(state, me, id, lang).await?;
    d.review = std::mem::take(&mut d.review)
        .into_iter()
        .map(tidy_task)
        .collect();
    d.tasks = std::mem::take(&mut d.tasks)
        .into_iter()
        .map(tidy_task)
        .collect();
    d.conclusions = std::mem::take(&mut d.conclusions)
        .into_iter()
        .map(tidy_conclusion)
        .collect();
    let recs = rec_rows(lang, std::mem::take(&mut d.recommendations), &mut forms);
    if forms.new.form_key.is_empty() {
        forms.new.form_key = crate::once::new_form_key()?;
    }
    let units = state.store.units().await?;
    let can_assign = !unit_choices(me, &units, Some(Permission::WriteRecords)).is_empty();
    render(&MeetingPage {
        c: Chrome::new(lang, Some(me), session, &format!("/meetings/{id}")).await?,
        m: d.meeting.clone(),
        d,
        recs,
        rec_choices: rec_choices(me, &units, &forms.new),
        rec_new: forms.new,
        rec_errs: forms.new_errs,
        can_assign,
        again: forms.again,
    })
}

#[derive(Deserialize)]
pub struct AgainQuery {
    #[serde(default)]
    again: Option<String>,
}

pub async fn meeting_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Query(q): Query<AgainQuery>,
) -> Result<Html<String>, AppError> {
    let forms = RecForms {
        again: q.again.is_some(),
        ..RecForms::default()
    };
    meeting_page_inner(&state, lang, &me, &session, id, forms).await
}

// ----- recommendations -----

#[derive(Template)]
#[template(path = "work/recommendations.html")]
struct RecommendationsPage {
    c: Chrome,
    recs: Vec<RecRow>,
    rec_new: RecEcho,
    rec_errs: FormErrors,
    rec_choices: Option<RecChoices>,
    /// Reached by a form sent twice (issue 21): "Đã tạo trước đó".
    again: bool,
}

async fn recommendations_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    mut forms: RecForms,
) -> Result<Html<String>, AppError> {
    let mut list = work::list_recommendations(state, me, lang).await?;
    list.sort_by(|a, b| b.raised_on.cmp(&a.raised_on));
    let recs = rec_rows(lang, list, &mut forms);
    if forms.new.form_key.is_empty() {
        forms.new.form_key = crate::once::new_form_key()?;
    }
    let units = state.store.units().await?;
    render(&RecommendationsPage {
        c: Chrome::new(lang, Some(me), session, "/recommendations").await?,
        recs,
        rec_choices: rec_choices(me, &units, &forms.new),
        rec_new: forms.new,
        rec_errs: forms.new_errs,
        again: forms.again,
    })
}

pub async fn recommendations_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<AgainQuery>,
) -> Result<Html<String>, AppError> {
    let forms = RecForms {
        again: q.again.is_some(),
        ..RecForms::default()
    };
    recommendations_inner(&state, lang, &me, &session, forms).await
}

/// Back to the meeting the form was on, or to the list.
async fn rec_page_again(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    meeting: Option<Uuid>,
    forms: RecForms,
) -> Result<Html<String>, AppError> {
    match meeting {
        Some(m) => meeting_page_inner(state, lang, me, session, m, forms).await,
        None => recommendations_inner(state, lang, me, session, forms).await,
    }
}

pub async fn recommendation_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let echo = RecEcho {
        raised_by: f.get("raised_by_unit_id"),
        addressed_to: f.get("addressed_to_unit_id"),
        content: f.get("content"),
        form_key: f.get("form_key"),
    };
    let key = crate::once::form_key(&echo.form_key)?;
    let meeting = Uuid::parse_str(f.get("meeting_id").trim()).ok();
    let mut errors = Invalids::default();
    let input = RecommendationInput {
        meeting_id: meeting,
        raised_by_unit_id: req_unit("raised_by_unit_id", &echo.raised_by, &mut errors),
        addressed_to_unit_id: opt_uuid("addressed_to_unit_id", &echo.addressed_to, &mut errors),
        content: echo.content.clone(),
        raised_on: None,
    };
    let result = match errors.into_result() {
        Ok(()) => {
            crate::once::once(
                &state,
                &me,
                key.as_deref(),
                "recommendation",
                |r: &giaoban_domain::meeting::Recommendation| r.id,
                || work::create_recommendation(&state, &me, &input),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(crate::once::Made::Before(_)) => Ok(see_other(&match meeting {
            Some(m) => format!("/meetings/{m}?again=1#recommendations"),
            None => "/recommendations?again=1".to_owned(),
        })),
        Ok(crate::once::Made::New(_)) => Ok(see_other(&match meeting {
            Some(m) => format!("/meetings/{m}#recommendations"),
            None => "/recommendations".to_owned(),
        })),
        Err(e) => {
            or_again(e, lang, |errs| {
                rec_page_again(
                    &state,
                    lang,
                    &me,
                    &session,
                    meeting,
                    RecForms {
                        new: echo,
                        new_errs: errs,
                        ..RecForms::default()
                    },
                )
            })
            .await
        }
    }
}

pub async fn answer_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let input = AnswerInput {
        answer: opt(&f.get("answer")),
        status: f.get("status"),
        version: f.version(),
    };
    match work::answer_recommendation(&state, &me, id, &input)
        .await
        .map_err(AppError::from)
    {
        Ok(r) => Ok(see_other(&match r.meeting_id {
            Some(m) => format!("/meetings/{m}#rec-{id}"),
            None => format!("/recommendations#rec-{id}"),
        })),
        Err(e) => {
            let meeting = Uuid::parse_str(f.get("meeting_id").trim()).ok();
            or_again(e, lang, |errs| {
                rec_page_again(
                    &state,
                    lang,
                    &me,
                    &session,
                    meeting,
                    RecForms {
                        answer_for: Some(id),
                        answer_errs: errs,
                        answer_text: f.get("answer"),
                        answer_status: f.get("status"),
                        ..RecForms::default()
                    },
                )
            })
            .await
        }
    }
}

// ----- conclusions -----

/// The conclusion form as typed.
#[derive(Default, Clone)]
pub struct ConclusionFormEcho {
    pub issuer_unit_id: String,
    pub symbol: String,
    pub place: String,
    pub title: String,
    pub signer_name: String,
    pub signer_title: String,
    pub authority: String,
    pub results: String,
    pub shortcomings: String,
    pub directions: String,
    pub recipients: String,
    /// The issued notice this one corrects (đính chính), if any.
    pub corrects_id: String,
    pub version: Option<i64>,
    /// The new-notice form's one-time key (issue 21); empty when editing.
    pub form_key: String,
}

impl ConclusionFormEcho {
    fn read(f: &Fields) -> ConclusionFormEcho {
        ConclusionFormEcho {
            issuer_unit_id: f.get("issuer_unit_id"),
            symbol: f.get("symbol"),
            place: f.get("place"),
            title: f.get("title"),
            signer_name: f.get("signer_name"),
            signer_title: f.get("signer_title"),
            authority: f.get("authority"),
            results: f.get("results"),
            shortcomings: f.get("shortcomings"),
            directions: f.get("directions"),
            recipients: f.get("recipients"),
            corrects_id: f.get("corrects_id"),
            version: f.version(),
            form_key: f.get("form_key"),
        }
    }

    pub(super) fn of(c: &ConclusionView) -> ConclusionFormEcho {
        ConclusionFormEcho {
            form_key: String::new(),
            issuer_unit_id: c.issuer.id.to_string(),
            symbol: c.symbol.clone(),
            place: c.place.clone().unwrap_or_default(),
            title: c.title.clone(),
            signer_name: c.signer_name.clone().unwrap_or_default(),
            signer_title: c.signer_title.clone().unwrap_or_default(),
            authority: c.authority.clone(),
            results: c.results.clone().unwrap_or_default(),
            shortcomings: c.shortcomings.clone().unwrap_or_default(),
            directions: c.directions.clone().unwrap_or_default(),
            recipients: c.recipients.join("\n"),
            corrects_id: c.corrects_id.map(|u| u.to_string()).unwrap_or_default(),
            version: Some(c.version),
        }
    }

    pub(super) fn input(&self, meeting_id: Uuid) -> Result<ConclusionInput, AppError> {
        let mut errors = Invalids::default();
        let input = ConclusionInput {
            meeting_id,
            issuer_unit_id: req_unit("issuer_unit_id", &self.issuer_unit_id, &mut errors),
            symbol: opt(&self.symbol),
            place: opt(&self.place),
            title: self.title.clone(),
            signer_name: opt(&self.signer_name),
            signer_title: opt(&self.signer_title),
            authority: opt(&self.authority),
            results: opt(&self.results),
            shortcomings: opt(&self.shortcomings),
            directions: opt(&self.directions),
            recipients: lines(&self.recipients),
            corrects_id: opt_uuid("corrects_id", &self.corrects_id, &mut errors),
            version: self.version,
        };
        merge_local(errors, ConclusionDraft::parse(&input))?;
        Ok(input)
    }
}

#[derive(Template)]
#[template(path = "work/conclusion_form.html")]
struct ConclusionFormPage {
    c: Chrome,
    heading: &'static str,
    action: String,
    meeting: MeetingView,
    f: ConclusionFormEcho,
    errs: FormErrors,
    issuers: Vec<Opt>,
    authorities: Vec<Opt>,
}

#[allow(clippy::too_many_arguments)]
async fn conclusion_form_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    meeting: MeetingView,
    editing: Option<Uuid>,
    f: ConclusionFormEcho,
    errs: FormErrors,
) -> Result<Html<String>, AppError> {
    let t = crate::i18n::texts(lang);
    let units = state.store.units().await?;
    let mut issuers = unit_choices(me, &units, Some(Permission::WriteRecords));
    if editing.is_some() {
        issuers.retain(|(id, _)| *id == f.issuer_unit_id);
    }
    if issuers.is_empty() {
        return Err(AppError::Forbidden);
    }
    let authorities = vec![
        ("by_order".to_owned(), t.authority_by_order.to_owned()),
        ("deputy".to_owned(), t.authority_deputy.to_owned()),
        (
            "on_behalf_of_body".to_owned(),
            t.authority_on_behalf.to_owned(),
        ),
    ];
    let (heading, action) = match editing {
        Some(id) => (t.edit_conclusion, format!("/conclusions/{id}/edit")),
        None => (
            t.new_conclusion,
            format!("/meetings/{}/conclusions/new", meeting.id),
        ),
    };
    render(&ConclusionFormPage {
        c: Chrome::new(lang, Some(me), session, &action).await?,
        heading,
        action,
        meeting,
        issuers: mark_one(&issuers, &f.issuer_unit_id),
        authorities: mark_one(&authorities, &f.authority),
        f,
        errs,
    })
}

#[derive(Debug, Deserialize, Default)]
pub struct NewConclusionQuery {
    /// An issued notice to correct: the new draft starts as its copy and refers to it.
    #[serde(default)]
    corrects: Option<Uuid>,
    #[serde(default)]
    #[allow(dead_code)]
    lang: Option<String>,
}

pub async fn new_conclusion_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Query(q): Query<NewConclusionQuery>,
) -> Result<Html<String>, AppError> {
    let d = work::meeting_detail(&state, &me, id, lang).await?;
    if !d.meeting.can_edit {
        return Err(AppError::Forbidden);
    }
    if let Some(cid) = q.corrects {
        let corrected = work::conclusion_detail(&state, &me, cid, lang)
            .await?
            .conclusion;
        if corrected.meeting_id != id {
            return Err(AppError::NotFound);
        }
        let mut f = ConclusionFormEcho::of(&corrected);
        f.corrects_id = cid.to_string();
        f.version = None;
        f.title = format!("Đính chính: {}", corrected.title);
        f.form_key = crate::once::new_form_key()?;
        return conclusion_form_inner(
            &state,
            lang,
            &me,
            &session,
            d.meeting,
            None,
            f,
            FormErrors::default(),
        )
        .await;
    }
    let m = d.meeting;
    // The customary subject line: "Kết luận của đồng chí …, Chủ tịch … tại …".
    let title = match m.chair.as_deref().map(split_person) {
        Some((name, title)) if !title.is_empty() => {
            format!("Kết luận của đồng chí {name}, {title} tại {}", m.title)
        }
        Some((name, _)) => format!("Kết luận của đồng chí {name} tại {}", m.title),
        None => format!("Kết luận tại {}", m.title),
    };
    let f = ConclusionFormEcho {
        issuer_unit_id: m.host.id.to_string(),
        symbol: "TB-UBND".into(),
        title,
        authority: "by_order".into(),
        form_key: crate::once::new_form_key()?,
        ..ConclusionFormEcho::default()
    };
    conclusion_form_inner(
        &state,
        lang,
        &me,
        &session,
        m,
        None,
        f,
        FormErrors::default(),
    )
    .await
}

pub async fn new_conclusion_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = ConclusionFormEcho::read(&Fields::parse(&body));
    let key = crate::once::form_key(&f.form_key)?;
    let result = match f.input(id) {
        Ok(input) => {
            crate::once::once(
                &state,
                &me,
                key.as_deref(),
                "conclusion",
                |c: &giaoban_domain::conclusion::Conclusion| c.id,
                || work::create_conclusion(&state, &me, &input),
            )
            .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(crate::once::Made::Before(c)) => Ok(see_other(&format!("/conclusions/{c}?again=1"))),
        Ok(crate::once::Made::New(c)) => Ok(see_other(&format!("/conclusions/{}", c.id))),
        Err(e) => {
            let m = work::meeting_detail(&state, &me, id, lang).await?.meeting;
            or_again(e, lang, |errs| {
                conclusion_form_inner(&state, lang, &me, &session, m, None, f, errs)
            })
            .await
        }
    }
}

pub async fn edit_conclusion_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Html<String>, AppError> {
    let d = work::conclusion_detail(&state, &me, id, lang).await?;
    if !d.conclusion.can_edit {
        return Err(AppError::Forbidden);
    }
    let f = ConclusionFormEcho::of(&d.conclusion);
    conclusion_form_inner(
        &state,
        lang,
        &me,
        &session,
        d.meeting,
        Some(id),
        f,
        FormErrors::default(),
    )
    .await
}

pub async fn edit_conclusion_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let d = work::conclusion_detail(&state, &me, id, lang).await?;
    let mut f = ConclusionFormEcho::read(&Fields::parse(&body));
    // Neither the meeting nor the issuer moves: take them from the stored notice.
    f.issuer_unit_id = d.conclusion.issuer.id.to_string();
    let result = match f.input(d.meeting.id) {
        Ok(input) => work::update_conclusion(&state, &me, id, &input)
            .await
            .map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(see_other(&format!("/conclusions/{id}"))),
        Err(e) => {
            or_again(e, lang, |errs| {
                conclusion_form_inner(&state, lang, &me, &session, d.meeting, Some(id), f, errs)
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "work/conclusion.html")]
struct ConclusionPage {
    c: Chrome,
    n: ConclusionView,
    meeting: MeetingView,
    tasks: Vec<TaskView>,
    can_assign: bool,
    can_correct: bool,
    number_line: String,
    place_date: String,
    issued_on_default: String,
    issue_errs: FormErrors,
    issue_date: String,
    assigners: Vec<Opt>,
    assigner_name: String,
    task_units: Vec<Opt>,
    /// The one-time key of the "Giao nhiệm vụ" form (issue 21).
    task_form_key: String,
    /// Reached by a form sent twice (issue 21): "Đã tạo trước đó".
    again: bool,
    /// Misspelt words of a draft the viewer may edit, each with its one-click fixes.
    spelling: Vec<super::spelling::Flag>,
}

#[allow(clippy::too_many_arguments)]
async fn conclusion_page_inner(
    state: &AppState,
    lang: Lang,
    me: &CurrentActor,
    session: &Session,
    id: Uuid,
    issue_errs: FormErrors,
    issue_date: Option<String>,
    again: bool,
) -> Result<Html<String>, AppError> {
    let d = work::conclusion_detail(state, me, id, lang).await?;
    let n = d.conclusion;
    let spelling = super::spelling::notice_flags(&n, &d.tasks, lang);
    let issued: Option<Date> = n.issued_on.as_deref().and_then(|s| s.parse().ok());
    let number_line = match &n.number {
        Some(num) => format!("Số: {num}"),
        None => dateline::number_line(None, &n.symbol),
    };
    let place = n.place.clone().unwrap_or_default();
    let place_date = match issued {
        Some(date) if !place.trim().is_empty() => {
            dateline::place_date_line(&place, date, dateline::MonthStyle::default())
        }
        Some(date) => dateline::date_words(date, dateline::MonthStyle::default()),
        None if !place.trim().is_empty() => format!("{place}, ngày    tháng    năm"),
        None => "ngày    tháng    năm".to_owned(),
    };
    let (assigners, task_units) = if d.can_assign {
        let units = state.store.units().await?;
        (
            mark_one(
                &unit_choices(me, &units, Some(Permission::WriteRecords)),
                &n.issuer.id.to_string(),
            ),
            mark(
                &unit_choices(me, &units, Some(Permission::ReadRecords)),
                &[],
            ),
        )
    } else {
        (vec![], vec![])
    };
    render(&ConclusionPage {
        c: Chrome::new(lang, Some(me), session, &format!("/conclusions/{id}")).await?,
        assigners,
        assigner_name: d.meeting.chair.clone().unwrap_or_default(),
        task_units,
        n: tidy_conclusion(n),
        meeting: d.meeting,
        tasks: d.tasks.into_iter().map(tidy_task).collect(),
        can_assign: d.can_assign,
        can_correct: d.can_correct,
        number_line,
        place_date,
        issued_on_default: format_date_vi(state.today()),
        issue_errs,
        issue_date: issue_date.unwrap_or_default(),
        task_form_key: if d.can_assign {
            crate::once::new_form_key()?
        } else {
            String::new()
        },
        again,
        spelling,
    })
}

pub async fn conclusion_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    Query(q): Query<AgainQuery>,
) -> Result<Html<String>, AppError> {
    conclusion_page_inner(
        &state,
        lang,
        &me,
        &session,
        id,
        FormErrors::default(),
        None,
        q.again.is_some(),
    )
    .await
}

pub async fn issue_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<Response, AppError> {
    let f = Fields::parse(&body);
    let input = IssueInput {
        issued_on: opt(&f.get("issued_on")),
        version: f.version(),
    };
    match work::issue_conclusion(&state, &me, id, &input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(see_other(&format!("/conclusions/{id}"))),
        Err(e) => {
            or_again(e, lang, |errs| {
                conclusion_page_inner(
                    &state,
                    lang,
                    &me,
                    &session,
                    id,
                    errs,
                    Some(f.get("issued_on")),
                    false,
                )
            })
            .await
        }
    }
}

// ----- reminders and calendar -----

#[derive(Template)]
#[template(path = "work/notifications.html")]
struct NotificationsPage {
    c: Chrome,
    rows: Vec<NotificationView>,
    /// The office messages to the unit, with their deliveries (see [`giaoban_app::channels`]).
    messages: Vec<giaoban_app::channels::MessageView>,
    unread: u64,
    report_reminders: Vec<giaoban_app::channels::ReportReminderView>,
    /// A delivery was just queued again ("Gửi lại").
    retried: bool,
    tx: &'static giaoban_app::channels::ChannelTexts,
}

#[derive(Deserialize)]
pub struct NotificationsQuery {
    retried: Option<String>,
}

pub async fn notifications_page(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    Query(q): Query<NotificationsQuery>,
) -> Result<Html<String>, AppError> {
    let rows = work::notifications(&state, &me, lang).await?;
    render(&NotificationsPage {
        c: Chrome::new(lang, Some(&me), &session, "/notifications").await?,
        rows,
        messages: giaoban_app::channels::messages(&state, &me, lang).await?,
        unread: giaoban_app::channels::unread_count(&state, &me).await?,
        report_reminders: giaoban_app::channels::report_reminders(&state, &me, lang).await?,
        retried: q.retried.is_some(),
        tx: giaoban_app::channels::channel_texts(lang),
    })
}

/// "Gửi lại" on the notifications page: the failed delivery goes back in the queue.
pub async fn delivery_retry_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    giaoban_app::channels::retry(&state, &me, id, lang).await?;
    Ok(Redirect::to("/notifications?retried=1").into_response())
}

/// "Đánh dấu đã đọc tất cả" on the notifications page.
pub async fn messages_read_submit(
    State(state): State<AppState>,
    me: CurrentActor,
) -> Result<Response, AppError> {
    giaoban_app::channels::mark_read(&state, &me).await?;
    Ok(Redirect::to("/notifications").into_response())
}

#[derive(Template)]
#[template(path = "work/calendar.html")]
struct CalendarPage {
    c: Chrome,
    feed_url: Option<String>,
}

pub async fn calendar_page(
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
) -> Result<Html<String>, AppError> {
    render(&CalendarPage {
        c: Chrome::new(lang, Some(&me), &session, "/calendar").await?,
        feed_url: None,
    })
}

/// The address the browser used, when it is a plain host name (with its port).
fn request_host(headers: &HeaderMap) -> String {
    headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost")
        .to_owned()
}

pub async fn calendar_token_submit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    session: Session,
    headers: HeaderMap,
) -> Result<Html<String>, AppError> {
    let token = work::new_calendar_token(&state, &me).await?;
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    render(&CalendarPage {
        c: Chrome::new(lang, Some(&me), &session, "/calendar").await?,
        feed_url: Some(format!(
            "{scheme}://{}/calendar/{token}.ics",
            request_host(&headers)
        )),
    })
}

/// The iCalendar feed behind a user's secret (no session: calendar applications fetch it alone).
pub(super) async fn calendar_feed(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Result<impl axum::response::IntoResponse, AppError> {
    let body = giaoban_app::work::calendar_feed(&state, &token).await?;
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                giaoban_documents::ics::CONTENT_TYPE,
            ),
            (axum::http::header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_split_on_the_dash() {
        assert_eq!(
            split_person("Lê Văn Hoa - Chủ tịch UBND huyện"),
            ("Lê Văn Hoa".to_owned(), "Chủ tịch UBND huyện".to_owned())
        );
        assert_eq!(
            split_person("  Trần Thị B  "),
            ("Trần Thị B".to_owned(), String::new())
        );
    }

    #[test]
    fn repeated_keys_are_all_kept() {
        let f =
            Fields::parse(b"coordinating_unit_ids=a&coordinating_unit_ids=b&x=&note=h%E1%BB%8Dp");
        assert_eq!(f.all("coordinating_unit_ids"), vec!["a", "b"]);
        assert_eq!(f.get("note"), "họp");
        assert!(!f.has("x"));
    }

    #[test]
    fn iso_dates_read_day_first() {
        assert_eq!(dmy("2023-03-27"), "27/03/2023");
        assert_eq!(dmy("soon"), "soon");
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(local_path("/conclusions/1"), Some("/conclusions/1"));
        assert_eq!(local_path("//evil.example"), None);
        assert_eq!(local_path("https://evil.example"), None);
    }
}
