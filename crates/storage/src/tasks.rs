//! Tasks and their follow-up: parties, progress history, occurrences of recurring tasks, extension
//! requests and decisions, pauses and cancellations.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::calendar::day_number;
use giaoban_domain::deadline::{Deadline, DueMoment};
use giaoban_domain::period::Period;
use giaoban_domain::task::{
    EventKind, ExtensionRequest, OccurrenceRecord, Progress, ProgressUpdate, SourceKind, Task,
    TaskDraft, TaskId, TaskRole,
};
use giaoban_domain::unit::{Invalid, UnitId};
use jiff::Timestamp;
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{date_from_db, date_to_db, now_micros, opt_date_to_db, ts_from_db};
use crate::unit_of_work::in_tx;
use crate::{Binds, Conflict, Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

/// Which tasks to list. Every field narrows the list; the default lists every task.
#[derive(Debug, Clone, Default)]
pub struct TaskFilter {
    /// Tasks assigned by, or involving, a unit at or under this one.
    pub within: Option<UnitId>,
    /// Tasks in which exactly this unit has a part (lead, coordinating, monitoring).
    pub party: Option<UnitId>,
    pub conclusion_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub source_kind: Option<SourceKind>,
    pub lead: Option<UnitId>,
    /// Sub-tasks of this task.
    pub parent: Option<TaskId>,
    /// Leaves out the tasks that cannot be open at this moment: cancelled ones, and those (not
    /// recurring) completed at or before it. What is left may still be closed (a recurring task
    /// whose occurrence is done): the caller computes the status.
    pub maybe_open_at: Option<Timestamp>,
}

/// The filter as a query of task ids over `tasks t`, with `scope` the units under `$1`. Only the
/// conditions of the fields set are written, so that each can use its index (a unit's parts, a
/// task's sub-tasks); an unset field's parameter is NULL and only tested as such.
fn filter_sql(f: &TaskFilter) -> String {
    filter_select(f, "t.id", Reads::Carried)
}

/// What the selected columns of a query read of each task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reads {
    /// Only the id and the columns a task's parts carry ([`CARRIED`]).
    Carried,
    /// Other columns of the task row.
    Row,
}

/// The columns of a task that its parts carry (migration 0009), kept equal to the task's by
/// triggers: what classifies a task and orders a list.
const CARRIED: &str = "created_at, deadline_kind, assigned_on, completed_at, paused, cancelled, \
                       due_at, due_day, ext_due_at, ext_due_day, ext_from";

/// Like [`filter_sql`], selecting `cols` (of `tasks t`) instead of the ids. A unit's tasks are read
/// from its parts alone when neither `cols` nor the filter's conditions need more than the parts
/// carry (one range of an index); otherwise the unit's parts drive the query through the same
/// index and each task row is read.
fn filter_select(f: &TaskFilter, cols: &str, reads: Reads) -> String {
    let mut sql = String::from(
        "WITH RECURSIVE scope(id) AS ( \
            SELECT id FROM units WHERE id = $1 \
            UNION ALL SELECT u.id FROM units u JOIN scope s ON u.parent_id = s.id) ",
    );
    let carried_enough = reads == Reads::Carried
        && f.within.is_none()
        && f.conclusion_id.is_none()
        && f.meeting_id.is_none()
        && f.source_kind.is_none()
        && f.lead.is_none()
        && f.parent.is_none();
    if f.party.is_some() && carried_enough {
        sql.push_str(&format!(
            "SELECT {cols} FROM (SELECT tp.task_id AS id, {CARRIED} FROM task_units tp \
             WHERE tp.unit_id = $2) t WHERE TRUE"
        ));
    } else if f.party.is_some() {
        sql.push_str(&format!(
            "SELECT {cols} FROM task_units tp CROSS JOIN tasks t \
             WHERE tp.unit_id = $2 AND t.id = tp.task_id"
        ));
    } else {
        sql.push_str(&format!("SELECT {cols} FROM tasks t WHERE $2 IS NULL"));
    }
    sql.push_str(if f.within.is_some() {
        " AND (t.assigner_unit_id IN (SELECT id FROM scope) \
            OR EXISTS (SELECT 1 FROM task_units tu WHERE tu.task_id = t.id AND tu.unit_id IN (SELECT id FROM scope)))"
    } else {
        " AND $1 IS NULL"
    });
    let mut cond = |set: bool, when_set: &str, param: &str| {
        sql.push_str(" AND ");
        if set {
            sql.push_str(when_set);
        } else {
            sql.push_str(param);
            sql.push_str(" IS NULL");
        }
    };
    cond(f.conclusion_id.is_some(), "t.conclusion_id = $3", "$3");
    cond(f.meeting_id.is_some(), "t.meeting_id = $4", "$4");
    cond(f.source_kind.is_some(), "t.source_kind = $5", "$5");
    cond(f.lead.is_some(), "t.lead_unit_id = $6", "$6");
    cond(f.parent.is_some(), "t.parent_id = $7", "$7");
    cond(
        f.maybe_open_at.is_some(),
        "NOT t.cancelled AND (t.completed_at IS NULL OR t.completed_at > $8 OR t.deadline_kind = 'recurring')",
        "$8",
    );
    sql
}

/// Binds `$1`–`$8` of [`filter_sql`] (and [`filter_select`]).
fn bind_filter<'q, Q: Binds<'q>>(q: Q, f: &TaskFilter) -> Q {
    q.bind(f.within.map(|u| u.0))
        .bind(f.party.map(|u| u.0))
        .bind(f.conclusion_id)
        .bind(f.meeting_id)
        .bind(f.source_kind.map(|k| k.code()))
        .bind(f.lead.map(|u| u.0))
        .bind(f.parent.map(|t| t.0))
        .bind(f.maybe_open_at.map(crate::convert::ts_to_db))
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: Uuid,
    parent_id: Option<Uuid>,
    content: String,
    source_kind: String,
    conclusion_id: Option<Uuid>,
    meeting_id: Option<Uuid>,
    source_ref: Option<String>,
    assigner_unit_id: Uuid,
    assigner_name: Option<String>,
    lead_unit_id: Uuid,
    monitor_unit_id: Option<Uuid>,
    deadline: Json<Deadline>,
    assigned_on: time::Date,
    percent: Option<i64>,
    completed_at: Option<i64>,
    completion_note: Option<String>,
    paused: bool,
    cancelled: bool,
    created_at: i64,
    version: i64,
}

const TASK_COLUMNS: &str = "SELECT id, parent_id, content, source_kind, conclusion_id, meeting_id, \
    source_ref, assigner_unit_id, assigner_name, lead_unit_id, monitor_unit_id, deadline, assigned_on, \
    percent, completed_at, completion_note, paused, cancelled, created_at, version FROM tasks";

/// One part of a task, as [`PARTS`] reads it: a coordinating unit (`kind` 0: `ref_id` the
/// unit, `label` the role), an occurrence done (1: `label` the period, `at` its completion) or an
/// extension request (2: `ref_id` its id, `label` the new due moment as JSON, `at` the request,
/// the rest the decision).
#[derive(sqlx::FromRow)]
struct PartRow {
    kind: i64,
    task_id: Uuid,
    ref_id: Option<Uuid>,
    label: String,
    at: Option<i64>,
    reason: Option<String>,
    requested_by: Option<String>,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    approved: Option<bool>,
}

/// The parts of the tasks in the CTE `picked`, in one statement (was three): coordinating units
/// (the lead and the monitor are columns of the task row), occurrences done and extension
/// requests, each task's in the order of their keys (unit, period, request time and id). The
/// first arm's typed NULLs give PostgreSQL the columns' types.
const PARTS: &str = "SELECT * FROM (SELECT CAST(0 AS BIGINT) AS kind, task_id, unit_id AS ref_id, role AS label, \
    CAST(NULL AS BIGINT) AS at, CAST(NULL AS TEXT) AS reason, CAST(NULL AS TEXT) AS requested_by, \
    CAST(NULL AS BIGINT) AS decided_at, CAST(NULL AS TEXT) AS decided_by, \
    CAST(NULL AS BOOLEAN) AS approved \
    FROM task_units WHERE role = 'coordinate' AND task_id IN (SELECT id FROM picked) \
    UNION ALL SELECT 1, task_id, NULL, period, completed_at, NULL, NULL, NULL, NULL, NULL \
    FROM task_occurrences WHERE task_id IN (SELECT id FROM picked) \
    UNION ALL SELECT 2, task_id, id, CAST(new_due AS TEXT), requested_at, reason, requested_by, \
    decided_at, decided_by, approved FROM task_extensions WHERE task_id IN (SELECT id FROM picked)) p \
    ORDER BY kind, task_id, CASE WHEN kind = 1 THEN label END, at, ref_id";

#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: Uuid,
    at: i64,
    kind: String,
    by_name: String,
    unit_id: Uuid,
    percent: Option<i64>,
    note: String,
    occurrence: Option<String>,
}

fn extension_from_row(r: &PartRow) -> Result<ExtensionRequest> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("task {} extension {what}", r.task_id));
    Ok(ExtensionRequest {
        id: r.ref_id.ok_or_else(|| corrupt("id"))?,
        new_due: serde_json::from_str(&r.label).map_err(|e| corrupt(&e.to_string()))?,
        reason: r.reason.clone().ok_or_else(|| corrupt("reason"))?,
        requested_at: ts_from_db(r.at.ok_or_else(|| corrupt("requested_at"))?)?,
        requested_by: r
            .requested_by
            .clone()
            .ok_or_else(|| corrupt("requested_by"))?,
        decided_at: r.decided_at.map(ts_from_db).transpose()?,
        decided_by: r.decided_by.clone(),
        approved: r.approved,
    })
}

fn assemble(rows: Vec<TaskRow>, parts: Vec<PartRow>) -> Result<Vec<Task>> {
    use std::collections::HashMap;
    let mut coordinating: HashMap<Uuid, Vec<UnitId>> = HashMap::new();
    let mut records: HashMap<Uuid, Vec<OccurrenceRecord>> = HashMap::new();
    // Extensions come ordered by request time: the last approved one is in force, an undecided
    // one is pending.
    let mut approved: HashMap<Uuid, ExtensionRequest> = HashMap::new();
    let mut pending: HashMap<Uuid, ExtensionRequest> = HashMap::new();
    for p in &parts {
        let corrupt = |what: &str| StoreError::Corrupt(format!("task {} {what}", p.task_id));
        match p.kind {
            // Only coordinating parties are read (PARTS): any other role is not one.
            0 => match (TaskRole::parse(&p.label), p.ref_id) {
                (Some(TaskRole::Coordinate), Some(unit)) => coordinating
                    .entry(p.task_id)
                    .or_default()
                    .push(UnitId(unit)),
                _ => return Err(corrupt(&format!("coordinating party {}", p.label))),
            },
            1 => {
                let period =
                    Period::parse(&p.label).map_err(|e| corrupt(&format!("occurrence: {e}")))?;
                let at =
                    p.at.ok_or_else(|| corrupt("occurrence without completion"))?;
                records
                    .entry(p.task_id)
                    .or_default()
                    .push(OccurrenceRecord {
                        period,
                        completed_at: Some(ts_from_db(at)?),
                    });
            }
            2 => {
                let ext = extension_from_row(p)?;
                match p.approved {
                    Some(true) => {
                        approved.insert(p.task_id, ext);
                    }
                    None => {
                        pending.insert(p.task_id, ext);
                    }
                    Some(false) => {}
                }
            }
            other => return Err(corrupt(&format!("part of kind {other}"))),
        }
    }
    rows.into_iter()
        .map(|r| {
            let corrupt = |what: &str| StoreError::Corrupt(format!("task {} {what}", r.id));
            Ok(Task {
                id: TaskId(r.id),
                content: r.content,
                source_kind: SourceKind::parse(&r.source_kind)
                    .map_err(|_| corrupt("source_kind"))?,
                conclusion_id: r.conclusion_id,
                meeting_id: r.meeting_id,
                source_ref: r.source_ref,
                assigner_unit_id: UnitId(r.assigner_unit_id),
                assigner_name: r.assigner_name,
                lead_unit_id: UnitId(r.lead_unit_id),
                coordinating_unit_ids: coordinating.remove(&r.id).unwrap_or_default(),
                monitor_unit_id: r.monitor_unit_id.map(UnitId),
                parent_id: r.parent_id.map(TaskId),
                deadline: r.deadline.0,
                assigned_on: date_from_db(r.assigned_on)?,
                percent: r
                    .percent
                    .map(|p| u8::try_from(p.clamp(0, 100)).unwrap_or(0)),
                completed_at: r.completed_at.map(ts_from_db).transpose()?,
                completion_note: r.completion_note,
                paused: r.paused,
                cancelled: r.cancelled,
                extension: approved.remove(&r.id),
                pending_extension: pending.remove(&r.id),
                occurrence_records: records.remove(&r.id).unwrap_or_default(),
                created_at: ts_from_db(r.created_at)?,
                version: r.version,
            })
        })
        .collect()
}

/// The parameters of a subquery of task ids given to [`load_tasks`].
#[derive(Clone, Copy)]
enum Picked<'a> {
    /// The filter's, as [`bind_filter`] binds them.
    Filter(&'a TaskFilter),
    /// These ids, as `$1`, `$2`, …
    Ids(&'a [TaskId]),
    /// None.
    Unbound,
}

/// Binds a [`Picked`]'s parameters to `q`.
fn bind_picked<'q, Q: Binds<'q>>(q: Q, picked: Picked<'_>) -> Q {
    match picked {
        Picked::Filter(f) => bind_filter(q, f),
        Picked::Ids(ids) => ids.iter().fold(q, |q, id| q.bind(id.0)),
        Picked::Unbound => q,
    }
}

/// Loads tasks by a subquery of ids `sub` (with its binds `picked`) through `conn`.
async fn load_tasks<'c>(
    conn: impl Into<Conn<'c>>,
    sub: &str,
    picked: Picked<'_>,
) -> Result<Vec<Task>> {
    let (rows, parts) = on_conn!(conn.into(), ex => {
        let q = sqlx::AssertSqlSafe(format!(
            "{sub_with} {TASK_COLUMNS} WHERE id IN (SELECT id FROM picked) ORDER BY created_at, id",
            sub_with = with_picked(sub)
        ));
        let rows: Vec<TaskRow> = bind_picked(sqlx::query_as(q), picked).fetch_all(&mut *ex).await?;
        let q = sqlx::AssertSqlSafe(format!("{} {PARTS}", with_picked(sub)));
        let parts: Vec<PartRow> = bind_picked(sqlx::query_as(q), picked).fetch_all(&mut *ex).await?;
        (rows, parts)
    });
    assemble(rows, parts)
}

/// Wraps a selection of task ids as the CTE `picked`. A selection that starts with its own
/// `WITH RECURSIVE …` keeps it, with `picked` appended to it.
fn with_picked(sub: &str) -> String {
    match sub.strip_prefix("WITH RECURSIVE ") {
        Some(rest) => {
            // "scope(…) AS (…) SELECT …": split the CTE list from the final SELECT.
            let select_at = rest.find(") SELECT ").map(|i| i + 2).unwrap_or(0);
            let (ctes, select) = rest.split_at(select_at);
            format!("WITH RECURSIVE {ctes}, picked(id) AS ({select})")
        }
        None => format!("WITH picked(id) AS ({sub})"),
    }
}

const ONE_TASK: &str = "SELECT t.id FROM tasks t WHERE t.id = $1";

/// Loads one task through `conn`, `None` when there is no such task.
async fn load_task<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Option<Task>> {
    let mut tasks = load_tasks(conn, ONE_TASK, Picked::Ids(&[TaskId(id)])).await?;
    Ok(tasks.pop())
}

/// The columns by which the database classifies a dated task (migration 0007): the due moment as
/// written and its local day, and the last approved extension with the moment it was approved.
/// All empty for standing and recurring tasks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DueColumns {
    pub(crate) due_at: Option<i64>,
    pub(crate) due_day: Option<i64>,
    pub(crate) ext_due_at: Option<i64>,
    pub(crate) ext_due_day: Option<i64>,
    pub(crate) ext_from: Option<i64>,
}

/// Writes a task's [`DueColumns`]: `$1` the task, `$2`–`$6` the columns in their order.
pub(crate) const SET_DUE_COLUMNS: &str = "UPDATE tasks SET due_at = $2, due_day = $3, \
    ext_due_at = $4, ext_due_day = $5, ext_from = $6, due_filled = TRUE WHERE id = $1";

impl DueColumns {
    pub(crate) fn of(
        deadline: &Deadline,
        extension: Option<&ExtensionRequest>,
    ) -> Result<DueColumns> {
        let due = match deadline {
            Deadline::Recurring(_) => None,
            dated => dated.due(),
        };
        let Some(due) = due else {
            return Ok(DueColumns::default());
        };
        let instant = |m: DueMoment| {
            m.instant()
                .map(crate::convert::ts_to_db)
                .map_err(|e| StoreError::Corrupt(format!("due moment {m:?}: {e}")))
        };
        let approved = extension.and_then(|e| match (e.approved, e.decided_at) {
            (Some(true), Some(at)) => Some((e.new_due, at)),
            _ => None,
        });
        Ok(DueColumns {
            due_at: Some(instant(due)?),
            due_day: Some(day_number(due.date)),
            ext_due_at: approved.map(|(m, _)| instant(m)).transpose()?,
            ext_due_day: approved.map(|(m, _)| day_number(m.date)),
            ext_from: approved.map(|(_, at)| crate::convert::ts_to_db(at)),
        })
    }
}

/// Binds `$2`–`$6` of [`SET_DUE_COLUMNS`].
pub(crate) fn bind_due<'q, Q: Binds<'q>>(q: Q, c: DueColumns) -> Q {
    q.bind(c.due_at)
        .bind(c.due_day)
        .bind(c.ext_due_at)
        .bind(c.ext_due_day)
        .bind(c.ext_from)
}

/// Brings a task's [`DueColumns`] up to date through `conn`, after any change that may move them
/// (creation, an extension decided).
async fn refresh_due<'c>(conn: impl Into<Conn<'c>>, task: &Task) -> Result<()> {
    let cols = DueColumns::of(&task.deadline, task.extension.as_ref())?;
    on_conn!(conn.into(), ex => {
        bind_due(sqlx::query(SET_DUE_COLUMNS).bind(task.id.0), cols)
            .execute(ex)
            .await?;
    });
    Ok(())
}

fn snapshot(t: &Task) -> Option<serde_json::Value> {
    serde_json::to_value(t).ok()
}

fn not_involved() -> StoreError {
    StoreError::Invalid(
        Invalid::new(
            "unit_id",
            "task.unit_not_party",
            "Đơn vị không có phần trong nhiệm vụ này.",
            "The unit has no part in this task.",
        )
        .into(),
    )
}

/// One entry of a task's history, as [`record_event`] inserts it.
struct Event<'a> {
    task: Uuid,
    actor: &'a AuditActor,
    unit: Uuid,
    kind: EventKind,
    percent: Option<u8>,
    note: &'a str,
    occurrence: Option<Period>,
}

/// Inserts a history entry through `conn`.
async fn record_event<'c>(conn: impl Into<Conn<'c>>, e: Event<'_>) -> Result<()> {
    on_conn!(conn.into(), ex => {
        sqlx::query(
            "INSERT INTO task_updates (id, task_id, at, user_id, by_name, unit_id, kind, percent, note, occurrence) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(Uuid::now_v7())
        .bind(e.task)
        .bind(now_micros())
        .bind(e.actor.user_id.map(|u| u.0))
        .bind(e.actor.name.as_str())
        .bind(e.unit)
        .bind(e.kind.code())
        .bind(e.percent.map(i64::from))
        .bind(e.note)
        .bind(e.occurrence.map(|p| p.code()))
        .execute(ex)
        .await?;
    });
    Ok(())
}

/// Reads a task back after a change through `conn` and records the audit entry of the change (its
/// state before and after), returning the task as it now is.
async fn updated<'c>(
    conn: impl Into<Conn<'c>>,
    actor: &AuditActor,
    id: TaskId,
    before: &Task,
    unit: UnitId,
) -> Result<Task> {
    let mut conn = conn.into();
    let after = load_task(&mut conn, id.0)
        .await?
        .ok_or(StoreError::NotFound)?;
    refresh_due(&mut conn, &after).await?;
    record_audit(
        &mut conn,
        &NewAudit {
            actor,
            action: AuditAction::Update,
            entity: "task",
            entity_id: id.to_string(),
            unit_id: Some(unit),
            before: snapshot(before),
            after: snapshot(&after),
        },
    )
    .await?;
    Ok(after)
}

fn deadline_kind(d: &Deadline) -> &'static str {
    match d {
        Deadline::At { .. } => "at",
        Deadline::Recurring(_) => "recurring",
        Deadline::WithinPeriod(_) => "within_period",
        Deadline::Standing => "standing",
    }
}

/// What a manager does to a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskAction {
    Pause,
    Resume,
    Cancel,
    /// Reopen a completed (or cancelled) task: the completion is withdrawn.
    Reopen,
}

impl Store {
    pub async fn create_task(&self, actor: &AuditActor, draft: &TaskDraft) -> Result<Task> {
        let mut uow = self.begin().await?;
        let out = uow.create_task(actor, draft).await?;
        uow.commit().await?;
        Ok(out)
    }

    pub async fn task(&self, id: TaskId) -> Result<Task> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_task(&mut *conn, id.0).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    /// The tasks the filter selects, oldest first.
    pub async fn tasks(&self, filter: &TaskFilter) -> Result<Vec<Task>> {
        with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_tasks(&mut *conn, &filter_sql(filter), Picked::Filter(filter)).await
        })
    }

    /// A task's history, oldest first.
    pub async fn task_history(&self, id: TaskId) -> Result<Vec<ProgressUpdate>> {
        let rows: Vec<UpdateRow> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, at, kind, by_name, unit_id, percent, note, occurrence FROM task_updates \
             WHERE task_id = $1 ORDER BY at, id",
        )
        .bind(id.0)
        .fetch_all(pool)
        .await)?;
        rows.into_iter()
            .map(|r| {
                Ok(ProgressUpdate {
                    id: r.id,
                    at: ts_from_db(r.at)?,
                    kind: EventKind::parse(&r.kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("task event {} kind", r.id)))?,
                    by_name: r.by_name,
                    unit_id: UnitId(r.unit_id),
                    percent: r
                        .percent
                        .map(|p| u8::try_from(p.clamp(0, 100)).unwrap_or(0)),
                    note: r.note,
                    occurrence: r
                        .occurrence
                        .as_deref()
                        .map(Period::parse)
                        .transpose()
                        .map_err(|e| StoreError::Corrupt(format!("task event {}: {e}", r.id)))?,
                })
            })
            .collect()
    }

    /// Records progress (or completion) reported by `unit` on the task. For a recurring task,
    /// `occurrence` is the occurrence concerned (the caller picks the current one by default) and a
    /// completion closes that occurrence only.
    pub async fn report_progress(
        &self,
        actor: &AuditActor,
        id: TaskId,
        unit: UnitId,
        progress: &Progress,
        occurrence: Option<Period>,
    ) -> Result<Task> {
        write_tx!(self, tx => {
            let before = load_task(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if progress.version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            if !before.parties().iter().any(|(u, _)| *u == unit) {
                return Err(not_involved());
            }
            let now = now_micros();
            let recurring = matches!(before.deadline, Deadline::Recurring(_));
            let kind = if progress.completed { EventKind::Completion } else { EventKind::Progress };
            let note = match (&progress.evidence, progress.note.is_empty()) {
                (Some(ev), true) => ev.clone(),
                (Some(ev), false) => format!("{}\n{ev}", progress.note),
                (None, _) => progress.note.clone(),
            };
            record_event(&mut *tx, Event { task: id.0, actor, unit: unit.0, kind, percent: progress.percent, note: note.as_str(), occurrence }).await?;
            if progress.completed && recurring {
                let Some(period) = occurrence else {
                    return Err(StoreError::Invalid(Invalid::new(
                        "occurrence",
                        "task.occurrence_required",
                        "Cần chỉ rõ lần thực hiện (kỳ) được báo cáo hoàn thành.",
                        "Name the occurrence being reported done.",
                    ).into()));
                };
                sqlx::query(
                    "INSERT INTO task_occurrences (task_id, period, completed_at, note) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (task_id, period) DO NOTHING",
                )
                .bind(id.0)
                .bind(period.code())
                .bind(now)
                .bind(note.as_str())
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE tasks SET updated_at = $2, version = version + 1 WHERE id = $1")
                    .bind(id.0)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            } else if progress.completed {
                sqlx::query(
                    "UPDATE tasks SET completed_at = COALESCE(completed_at, $2), completion_note = $3, \
                     percent = 100, updated_at = $2, version = version + 1 WHERE id = $1",
                )
                .bind(id.0)
                .bind(now)
                .bind(note.as_str())
                .execute(&mut *tx)
                .await?;
            } else {
                sqlx::query(
                    "UPDATE tasks SET percent = COALESCE($2, percent), updated_at = $3, \
                     version = version + 1 WHERE id = $1",
                )
                .bind(id.0)
                .bind(progress.percent.filter(|_| !recurring).map(i64::from))
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            updated(&mut *tx, actor, id, &before, unit).await
        })
    }

    /// The lead unit asks for a later deadline. One request may be pending at a time.
    pub async fn request_extension(
        &self,
        actor: &AuditActor,
        id: TaskId,
        unit: UnitId,
        new_due: DueMoment,
        reason: &str,
    ) -> Result<Task> {
        let mut uow = self.begin().await?;
        let out = uow
            .request_extension(actor, id, unit, new_due, reason)
            .await?;
        uow.commit().await?;
        Ok(out)
    }

    /// The assigner decides the pending extension request.
    pub async fn decide_extension(
        &self,
        actor: &AuditActor,
        id: TaskId,
        unit: UnitId,
        approve: bool,
        note: &str,
    ) -> Result<Task> {
        let mut uow = self.begin().await?;
        let out = uow.decide_extension(actor, id, unit, approve, note).await?;
        uow.commit().await?;
        Ok(out)
    }

    /// Pauses, resumes, cancels or reopens a task.
    pub async fn act_on_task(
        &self,
        actor: &AuditActor,
        id: TaskId,
        unit: UnitId,
        action: TaskAction,
        note: &str,
        expected_version: Option<i64>,
    ) -> Result<Task> {
        write_tx!(self, tx => {
            let before = load_task(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            let (sql, kind) = match action {
                TaskAction::Pause => ("UPDATE tasks SET paused = TRUE, updated_at = $2, version = version + 1 WHERE id = $1", EventKind::Paused),
                TaskAction::Resume => ("UPDATE tasks SET paused = FALSE, updated_at = $2, version = version + 1 WHERE id = $1", EventKind::Resumed),
                TaskAction::Cancel => ("UPDATE tasks SET cancelled = TRUE, updated_at = $2, version = version + 1 WHERE id = $1", EventKind::Cancelled),
                TaskAction::Reopen => ("UPDATE tasks SET cancelled = FALSE, completed_at = NULL, completion_note = NULL, updated_at = $2, version = version + 1 WHERE id = $1", EventKind::Reopened),
            };
            sqlx::query(sql).bind(id.0).bind(now_micros()).execute(&mut *tx).await?;
            record_event(&mut *tx, Event { task: id.0, actor, unit: unit.0, kind, percent: None, note, occurrence: None }).await?;
            updated(&mut *tx, actor, id, &before, before.lead_unit_id).await
        })
    }

    /// Sets the moment a task was completed, for imports and the demo (history as it happened).
    pub async fn record_completion_at(
        &self,
        actor: &AuditActor,
        id: TaskId,
        at: Timestamp,
        occurrence: Option<Period>,
        note: &str,
    ) -> Result<()> {
        write_tx!(self, tx => {
            let micros = crate::convert::ts_to_db(at);
            match occurrence {
                Some(p) => {
                    sqlx::query(
                        "INSERT INTO task_occurrences (task_id, period, completed_at, note) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (task_id, period) DO UPDATE SET completed_at = $3, note = $4",
                    )
                    .bind(id.0)
                    .bind(p.code())
                    .bind(micros)
                    .bind(note)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query(
                        "UPDATE tasks SET completed_at = $2, completion_note = $3, percent = 100, \
                         version = version + 1 WHERE id = $1",
                    )
                    .bind(id.0)
                    .bind(micros)
                    .bind(note)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "task",
                entity_id: id.to_string(),
                unit_id: None,
                before: None,
                after: Some(serde_json::json!({
                    "completed_at": at.to_string(),
                    "occurrence": occurrence.map(|p| p.code()),
                    "note": note,
                })),
            }).await?;
            Ok(())
        })
    }
}

mod classified;
mod handover;
pub use classified::{
    BoardCounts, ClassifiedKey, KeyOrder, StatusClock, StatusTally, StatusWanted, TaskSelection,
};

impl crate::unit_of_work::UnitOfWork<'_> {
    /// The assigner decides the pending extension request.
    pub async fn decide_extension(
        &mut self,
        actor: &AuditActor,
        id: TaskId,
        unit: UnitId,
        approve: bool,
        note: &str,
    ) -> Result<Task> {
        in_tx!(self, tx => {
            let before = load_task(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            let Some(pending) = before.pending_extension.clone() else {
                return Err(StoreError::Invalid(Invalid::new(
                    "approve",
                    "task.no_extension_pending",
                    "Không có đề nghị gia hạn nào đang chờ.",
                    "No extension request is awaiting a decision.",
                ).into()));
            };
            let now = now_micros();
            sqlx::query(
                "UPDATE task_extensions SET decided_at = $2, decided_by = $3, approved = $4 WHERE id = $1",
            )
            .bind(pending.id)
            .bind(now)
            .bind(actor.name.as_str())
            .bind(approve)
            .execute(&mut *tx)
            .await?;
            if approve {
                sqlx::query("UPDATE tasks SET due_date = $2 WHERE id = $1")
                    .bind(id.0)
                    .bind(date_to_db(pending.new_due.date)?)
                    .execute(&mut *tx)
                    .await?;
            }
            let kind = if approve { EventKind::ExtensionApproved } else { EventKind::ExtensionRejected };
            let text = format!("{} {note}", pending.new_due.label(giaoban_domain::Lang::Vi));
            record_event(&mut *tx, Event { task: id.0, actor, unit: unit.0, kind, percent: None, note: text.trim(), occurrence: None }).await?;
            sqlx::query("UPDATE tasks SET updated_at = $2, version = version + 1 WHERE id = $1")
                .bind(id.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            updated(&mut *tx, actor, id, &before, before.lead_unit_id).await
        })
    }

    /// The lead unit asks for a later deadline. One request may be pending at a time.
    pub async fn request_extension(
        &mut self,
        actor: &AuditActor,
        id: TaskId,
        unit: UnitId,
        new_due: DueMoment,
        reason: &str,
    ) -> Result<Task> {
        in_tx!(self, tx => {
            let before = load_task(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if before.pending_extension.is_some() {
                return Err(StoreError::Invalid(Invalid::new(
                    "new_due",
                    "task.extension_pending",
                    "Đã có một đề nghị gia hạn đang chờ quyết định.",
                    "An extension request is already awaiting a decision.",
                ).into()));
            }
            let now = now_micros();
            sqlx::query(
                "INSERT INTO task_extensions (id, task_id, new_due, reason, requested_at, requested_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(Uuid::now_v7())
            .bind(id.0)
            .bind(Json(new_due))
            .bind(reason)
            .bind(now)
            .bind(actor.name.as_str())
            .execute(&mut *tx)
            .await?;
            let note = format!("{} — {reason}", new_due.label(giaoban_domain::Lang::Vi));
            record_event(&mut *tx, Event { task: id.0, actor, unit: unit.0, kind: EventKind::ExtensionRequested, percent: None, note: note.as_str(), occurrence: None }).await?;
            sqlx::query("UPDATE tasks SET updated_at = $2, version = version + 1 WHERE id = $1")
                .bind(id.0)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            updated(&mut *tx, actor, id, &before, before.lead_unit_id).await
        })
    }

    pub async fn create_task(&mut self, actor: &AuditActor, draft: &TaskDraft) -> Result<Task> {
        let id = Uuid::now_v7();
        in_tx!(self, tx => {
            if let Some(parent) = draft.parent_id {
                let found: Option<(Uuid,)> = sqlx::query_as("SELECT id FROM tasks WHERE id = $1")
                    .bind(parent.0)
                    .fetch_optional(&mut *tx)
                    .await?;
                if found.is_none() {
                    return Err(StoreError::Invalid(Invalid::new(
                        "parent_id",
                        "task.parent_unknown",
                        "Nhiệm vụ cha không tồn tại.",
                        "The parent task does not exist.",
                    ).into()));
                }
            }
            if let Some(conclusion) = draft.conclusion_id {
                // An issued notice is frozen. The row is locked (PostgreSQL) for the rest of the
                // transaction, so an issue running at the same time waits for this task or makes
                // it fail here: a race cannot add a task to an issued notice.
                let draft_row = sqlx::query(
                    "UPDATE conclusions SET status = status WHERE id = $1 AND status = 'draft'",
                )
                .bind(conclusion)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if draft_row == 0 {
                    return Err(StoreError::Invalid(Invalid::new(
                        "conclusion_id",
                        "conclusion.issued_frozen",
                        "Thông báo kết luận không tồn tại hoặc đã ban hành: không thể thêm nhiệm vụ.",
                        "The notice does not exist or is issued: no task can be added to it.",
                    ).into()));
                }
            }
            let now = now_micros();
            sqlx::query(
                "INSERT INTO tasks (id, parent_id, content, source_kind, conclusion_id, meeting_id, \
                 source_ref, assigner_unit_id, assigner_name, lead_unit_id, monitor_unit_id, deadline, \
                 deadline_kind, due_date, assigned_on, created_by, created_at, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, 1)",
            )
            .bind(id)
            .bind(draft.parent_id.map(|p| p.0))
            .bind(draft.content.as_str())
            .bind(draft.source_kind.code())
            .bind(draft.conclusion_id)
            .bind(draft.meeting_id)
            .bind(draft.source_ref.as_deref())
            .bind(draft.assigner_unit_id.0)
            .bind(draft.assigner_name.as_deref())
            .bind(draft.lead_unit_id.0)
            .bind(draft.monitor_unit_id.map(|u| u.0))
            .bind(Json(draft.deadline))
            .bind(deadline_kind(&draft.deadline))
            .bind(opt_date_to_db(draft.deadline.due().map(|d| d.date))?)
            .bind(date_to_db(draft.assigned_on)?)
            .bind(actor.user_id.map(|u| u.0))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let mut parties = vec![(draft.lead_unit_id, TaskRole::Lead)];
            parties.extend(draft.coordinating_unit_ids.iter().map(|u| (*u, TaskRole::Coordinate)));
            if let Some(m) = draft.monitor_unit_id
                && !parties.iter().any(|(u, _)| *u == m)
            {
                parties.push((m, TaskRole::Monitor));
            }
            for (unit, role) in parties {
                sqlx::query("INSERT INTO task_units (task_id, unit_id, role) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(unit.0)
                    .bind(role.code())
                    .execute(&mut *tx)
                    .await?;
            }
            let task = load_task(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            refresh_due(&mut *tx, &task).await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "task",
                entity_id: id.to_string(),
                unit_id: Some(draft.lead_unit_id),
                before: None,
                after: snapshot(&task),
            }).await?;
            Ok(task)
        })
    }
}

impl Store {
    /// Changes what a task says while the notice that assigned it is a draft (a task of no notice
    /// may always be corrected): one audited update. A task of an issued notice is refused, in
    /// the same transaction as the change, so an issue running at the same time cannot let it
    /// slip in.
    pub async fn update_task_content(
        &self,
        actor: &AuditActor,
        id: TaskId,
        content: &str,
        expected_version: Option<i64>,
    ) -> Result<Task> {
        let content = giaoban_domain::unit::required_text(
            "content",
            content,
            giaoban_domain::task::MAX_CONTENT_CHARS,
        )
        .map_err(|e| StoreError::Invalid(e.into()))?;
        write_tx!(self, tx => {
            let before = load_task(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if let Some(conclusion) = before.conclusion_id {
                // Locks the notice's row (PostgreSQL) as adding a task to it does.
                let draft_row = sqlx::query(
                    "UPDATE conclusions SET status = status WHERE id = $1 AND status = 'draft'",
                )
                .bind(conclusion)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if draft_row == 0 {
                    return Err(StoreError::Invalid(Invalid::new(
                        "content",
                        "conclusion.issued_frozen",
                        "Thông báo đã ban hành: không thể thêm, sửa hay bỏ nhiệm vụ của thông báo \
                         này; hãy ban hành thông báo đính chính.",
                        "The notice is issued: its tasks cannot be added, changed or removed; \
                         issue a correcting notice instead.",
                    ).into()));
                }
            }
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            sqlx::query(
                "UPDATE tasks SET content = $2, updated_at = $3, version = version + 1 WHERE id = $1",
            )
            .bind(id.0)
            .bind(content.as_str())
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            updated(&mut *tx, actor, id, &before, before.lead_unit_id).await
        })
    }
}
