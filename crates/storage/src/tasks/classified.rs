//! Tasks classified by the database. The status of every dated or standing task at a moment is
//! computed in SQL from the columns of migration 0007, by the same rules as
//! [`Task::assess`](giaoban_domain::task::Task::assess), so that lists are paged, counted and
//! tallied without reading every task into memory. Recurring tasks are classified by the
//! application, occurrence by occurrence: [`Store::recurring_tasks`] hands them over whole.
//!
//! The agreement of the two classifications is tested on both engines
//! (`the_database_classifies_tasks_as_the_domain_does` in `tests/contract.rs`).
//!
//! The board of every task is read from counts kept on write instead ([`Store::board_counts`],
//! migration 0017), held equal to the classified board by `crates/app/tests/board.rs`.

use giaoban_domain::Localized;
use giaoban_domain::calendar::{day_number, local_date};
use giaoban_domain::period::Period;
use giaoban_domain::task::{Task, TaskId, parse_status};
use giaoban_domain::task_status::{StatusPolicy, TaskStatus};
use giaoban_domain::unit::UnitId;
use jiff::Timestamp;
use uuid::Uuid;

use super::{
    Picked, Reads, TaskFilter, bind_filter, filter_select, filter_sql, load_tasks, refresh_due,
};
use crate::convert::{date_to_db, ts_from_db, ts_to_db};
use crate::{Binds, Result, Store, StoreError, read_tx, with_pool, write_tx};

/// The moment tasks are classified at, with the day from which a deadline counts as "due soon".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusClock {
    as_of: Timestamp,
    soon_day: i64,
}

impl StatusClock {
    /// `as_of` is taken to the microsecond, the precision of every stored moment, so that the
    /// database and [`Task::assess`] compare the same instants.
    pub fn new(as_of: Timestamp, policy: &StatusPolicy) -> StatusClock {
        let as_of = Timestamp::from_microsecond(as_of.as_microsecond()).unwrap_or(as_of);
        StatusClock {
            as_of,
            soon_day: day_number(local_date(as_of)) + i64::from(policy.due_soon_days()),
        }
    }

    pub fn as_of(&self) -> Timestamp {
        self.as_of
    }
}

/// Which statuses a selection keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusWanted {
    #[default]
    Any,
    /// Every unfinished status ([`TaskStatus::is_open`]).
    Open,
    Is(TaskStatus),
}

impl StatusWanted {
    pub fn admits(self, status: TaskStatus) -> bool {
        match self {
            StatusWanted::Any => true,
            StatusWanted::Open => status.is_open(),
            StatusWanted::Is(want) => want == status,
        }
    }
}

/// Tasks selected by a filter, their status at a moment and the period their deadline in force
/// falls in (standing tasks: assigned by the period's end).
#[derive(Debug, Clone)]
pub struct TaskSelection {
    pub filter: TaskFilter,
    pub clock: StatusClock,
    pub status: StatusWanted,
    pub period: Option<Period>,
}

/// A task as the database classified it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassifiedKey {
    pub id: TaskId,
    pub created_at: Timestamp,
    pub status: TaskStatus,
}

/// How many tasks of a lead unit and a conclusion notice have a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatusTally {
    pub lead_unit_id: UnitId,
    pub conclusion_id: Option<Uuid>,
    pub status: TaskStatus,
    pub count: u64,
}

/// The order of [`Store::classified_keys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrder {
    /// Oldest first, as every list reads.
    Created,
    /// Earliest deadline in force first: for overdue tasks, the most days late first.
    MostLate,
}

/// `$col_ext` while the approved extension is in force at `$9`, `$col` otherwise.
fn in_force(col_ext: &str, col: &str) -> String {
    format!(
        "(CASE WHEN t.ext_from IS NOT NULL AND t.ext_from <= $9 THEN t.{col_ext} ELSE t.{col} END)"
    )
}

/// The status code of `tasks t` at `$9` (microseconds), with `$10` the last day that counts as due
/// soon; `recurring` for recurring tasks. Mirrors `task_status::assess`: cancelled first; a task
/// without a due moment is completed (on time), paused or standing; completion known at `$9`
/// decides on time or late against the deadline in force; then paused, overdue, due soon.
fn status_sql() -> String {
    use TaskStatus::*;
    let due = in_force("ext_due_at", "due_at");
    let day = in_force("ext_due_day", "due_day");
    format!(
        "(CASE WHEN t.deadline_kind = 'recurring' THEN 'recurring' \
         WHEN t.cancelled THEN '{cancelled}' \
         WHEN t.due_at IS NULL THEN \
           (CASE WHEN t.completed_at <= $9 THEN '{on_time}' WHEN t.paused THEN '{paused}' ELSE '{standing}' END) \
         WHEN t.completed_at <= $9 THEN \
           (CASE WHEN t.completed_at <= {due} THEN '{on_time}' ELSE '{late}' END) \
         WHEN t.paused THEN '{paused}' \
         WHEN $9 > {due} THEN '{overdue}' \
         WHEN {day} <= $10 THEN '{soon}' \
         ELSE '{in_progress}' END)",
        cancelled = Cancelled.code(),
        on_time = CompletedOnTime.code(),
        late = CompletedLate.code(),
        paused = Paused.code(),
        standing = Standing.code(),
        overdue = Overdue.code(),
        soon = DueSoon.code(),
        in_progress = InProgress.code(),
    )
}

/// The selection's query over `tasks t`, selecting `cols` (where `{status}` is the status code and
/// `{due}` the due moment in force). Binds: the filter's `$1`–`$8`, the clock's `$9`–`$10`, the
/// period's first and last day numbers and last date `$11`–`$13`. Recurring tasks are left out.
/// `reads` says whether `cols` read more of a task than its parts carry.
fn selection_sql(sel: &TaskSelection, cols: &str, reads: Reads) -> String {
    let status = status_sql();
    let cols = cols
        .replace("{status}", &status)
        .replace("{due}", &in_force("ext_due_at", "due_at"));
    let mut sql = filter_select(&sel.filter, &cols, reads);
    sql.push_str(" AND t.deadline_kind <> 'recurring' AND $9 IS NOT NULL AND $10 IS NOT NULL");
    let codes = |keep: &dyn Fn(TaskStatus) -> bool| {
        TaskStatus::ALL
            .into_iter()
            .filter(|s| keep(*s))
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match sel.status {
        StatusWanted::Any => {}
        // The open statuses are every status but cancelled, completed (on time or late) and
        // recurring, which the query leaves out: the two columns say it without the status's
        // CASE for each of the unit's tasks.
        StatusWanted::Open => {
            sql.push_str(
                " AND NOT t.cancelled AND (t.completed_at IS NULL OR t.completed_at > $9)",
            );
        }
        StatusWanted::Is(want) => {
            sql.push_str(&format!(" AND {status} IN ({})", codes(&|s| s == want)));
        }
    }
    if sel.period.is_some() {
        let day = in_force("ext_due_day", "due_day");
        sql.push_str(&format!(
            " AND ((t.due_at IS NOT NULL AND {day} BETWEEN $11 AND $12) \
             OR (t.due_at IS NULL AND t.assigned_on <= $13))"
        ));
    } else {
        sql.push_str(" AND $11 IS NULL AND $12 IS NULL AND $13 IS NULL");
    }
    sql
}

/// Binds a selection's parameters (see [`selection_sql`]) to `q`.
fn bind_selection<'q, Q: Binds<'q>>(q: Q, sel: &TaskSelection, period: &PeriodBinds) -> Q {
    bind_filter(q, &sel.filter)
        .bind(ts_to_db(sel.clock.as_of))
        .bind(sel.clock.soon_day)
        .bind(period.first_day)
        .bind(period.last_day)
        .bind(period.last_date)
}

struct PeriodBinds {
    first_day: Option<i64>,
    last_day: Option<i64>,
    last_date: Option<time::Date>,
}

impl PeriodBinds {
    fn of(sel: &TaskSelection) -> Result<PeriodBinds> {
        Ok(match sel.period {
            Some(p) => PeriodBinds {
                first_day: Some(day_number(p.start())),
                last_day: Some(day_number(p.end())),
                last_date: Some(date_to_db(p.end())?),
            },
            None => PeriodBinds {
                first_day: None,
                last_day: None,
                last_date: None,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct KeyRow {
    id: Uuid,
    created_at: i64,
    st: String,
    total: i64,
}

#[derive(sqlx::FromRow)]
struct TallyRow {
    lead_unit_id: Uuid,
    conclusion_id: Option<Uuid>,
    st: String,
    n: i64,
}

fn status_of(code: &str) -> Result<TaskStatus> {
    parse_status(code).ok_or_else(|| StoreError::Corrupt(format!("task status {code}")))
}

/// Most ids bound to one query.
const IDS_PER_QUERY: usize = 500;

/// The board of every task at a moment, from the counts kept on write (migration 0017): the
/// tally of [`Store::status_tally`] over the whole set (recurring tasks left out) and the first
/// overdue tasks in the order of [`KeyOrder::MostLate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardCounts {
    pub tally: Vec<StatusTally>,
    pub most_overdue: Vec<ClassifiedKey>,
}

/// A bucket of `task_board_counts`: a status that does not move with time, `open` (overdue, due
/// soon or in progress, by the moment) or `recurring` (classified by the application).
fn bucket_status(bucket: &str) -> Result<Option<TaskStatus>> {
    Ok(Some(match bucket {
        "cancelled" => TaskStatus::Cancelled,
        "on_time" => TaskStatus::CompletedOnTime,
        "late" => TaskStatus::CompletedLate,
        "paused" => TaskStatus::Paused,
        "standing" => TaskStatus::Standing,
        "open" => TaskStatus::InProgress,
        "recurring" => return Ok(None),
        other => return Err(StoreError::Corrupt(format!("board bucket {other}"))),
    }))
}

/// The conclusion notice of a count's key: the nil UUID stands for none.
fn conclusion_of(key: Uuid) -> Option<Uuid> {
    (!key.is_nil()).then_some(key)
}

#[derive(sqlx::FromRow)]
struct CountRow {
    lead_unit_id: Uuid,
    conclusion_key: Uuid,
    bucket: String,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct OpenRow {
    lead_unit_id: Uuid,
    conclusion_id: Option<Uuid>,
    n: i64,
}

#[derive(sqlx::FromRow)]
struct LateRow {
    id: Uuid,
    created_at: i64,
}

/// How many tasks were completed, or had an extension approved, after `$1`: the counts kept on
/// write take both as known, so they are the board at `$1` only when there are none.
const LATER_THAN_CLOCK: &str = "SELECT \
    (SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE completed_at > $1 LIMIT 1) c) + \
    (SELECT COUNT(*) FROM (SELECT 1 FROM tasks WHERE ext_from > $1 LIMIT 1) e)";
const BOARD_COUNTS: &str =
    "SELECT lead_unit_id, conclusion_key, bucket, n FROM task_board_counts WHERE n <> 0";
/// Open tasks whose due moment in force is past `$1`: overdue (one range of `tasks_open_due`).
const OPEN_OVERDUE: &str = "SELECT lead_unit_id, conclusion_id, COUNT(*) AS n FROM tasks \
    WHERE open_due < $1 GROUP BY lead_unit_id, conclusion_id";
/// Open tasks not overdue at `$1` whose day in force is at most `$2`: due soon (one range of
/// `tasks_open_day`). A due moment not past `$1` falls on `$1`'s local day or later (a task's day
/// is its due moment's local date), so the range starts at the day before `$1`'s (`$3`), which
/// leaves the overdue tasks out of the scan; `open_due >= $1` still decides.
const OPEN_DUE_SOON: &str = "SELECT lead_unit_id, conclusion_id, COUNT(*) AS n FROM tasks \
    WHERE open_day <= $2 AND open_day >= $3 AND open_due >= $1 \
    GROUP BY lead_unit_id, conclusion_id";
const MOST_OVERDUE: &str = "SELECT id, created_at FROM tasks WHERE open_due < $1 \
    ORDER BY open_due, created_at, id LIMIT $2";

/// Merges the counts kept on write with the open tasks overdue and due soon at the clock: the
/// open ones neither are in progress.
fn board_tally(
    counts: Vec<CountRow>,
    overdue: Vec<OpenRow>,
    soon: Vec<OpenRow>,
) -> Result<Vec<StatusTally>> {
    use std::collections::BTreeMap;
    let count =
        |n: i64| u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("board count {n}")));
    let mut out: BTreeMap<(Uuid, Option<Uuid>, TaskStatus), u64> = BTreeMap::new();
    for r in counts {
        if let Some(status) = bucket_status(&r.bucket)? {
            let key = (r.lead_unit_id, conclusion_of(r.conclusion_key), status);
            *out.entry(key).or_default() += count(r.n)?;
        }
    }
    for (rows, status) in [(overdue, TaskStatus::Overdue), (soon, TaskStatus::DueSoon)] {
        for r in rows {
            let n = count(r.n)?;
            let open = out
                .get_mut(&(r.lead_unit_id, r.conclusion_id, TaskStatus::InProgress))
                .filter(|open| **open >= n)
                .ok_or_else(|| {
                    StoreError::Corrupt(format!(
                        "board counts of unit {} below its open tasks",
                        r.lead_unit_id
                    ))
                })?;
            *open -= n;
            *out.entry((r.lead_unit_id, r.conclusion_id, status))
                .or_default() += n;
        }
    }
    Ok(out
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|((lead, conclusion_id, status), count)| StatusTally {
            lead_unit_id: UnitId(lead),
            conclusion_id,
            status,
            count,
        })
        .collect())
}

impl Store {
    /// The selected tasks (recurring ones left out), in `order`, at most `limit`.
    pub async fn classified_keys(
        &self,
        sel: &TaskSelection,
        order: KeyOrder,
        limit: usize,
    ) -> Result<Vec<ClassifiedKey>> {
        Ok(self.classified_page(sel, order, limit).await?.0)
    }

    /// The first `limit` selected tasks (recurring ones left out) in `order`, and how many the
    /// selection holds: one pass over the selection.
    pub async fn classified_page(
        &self,
        sel: &TaskSelection,
        order: KeyOrder,
        limit: usize,
    ) -> Result<(Vec<ClassifiedKey>, u64)> {
        if limit == 0 {
            return Ok((Vec::new(), self.classified_count(sel).await?));
        }
        let order = match order {
            KeyOrder::Created => "t.created_at, t.id",
            KeyOrder::MostLate => "eff_due, t.created_at, t.id",
        };
        let sql = format!(
            "{} ORDER BY {order} LIMIT $14",
            selection_sql(
                sel,
                "t.id, t.created_at, {status} AS st, {due} AS eff_due, COUNT(*) OVER () AS total",
                Reads::Carried,
            )
        );
        let period = PeriodBinds::of(sel)?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows: Vec<KeyRow> = with_pool!(self, pool => {
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            bind_selection(q, sel, &period).bind(limit).fetch_all(pool).await?
        });
        // No row: the selection is empty (the limit is at least 1).
        let total = rows
            .first()
            .map_or(0, |r| u64::try_from(r.total).unwrap_or(0));
        let keys = rows
            .into_iter()
            .map(|r| {
                Ok(ClassifiedKey {
                    id: TaskId(r.id),
                    created_at: ts_from_db(r.created_at)?,
                    status: status_of(&r.st)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((keys, total))
    }

    /// How many tasks the selection holds (recurring ones left out).
    pub async fn classified_count(&self, sel: &TaskSelection) -> Result<u64> {
        let sql = selection_sql(sel, "COUNT(*)", Reads::Carried);
        let period = PeriodBinds::of(sel)?;
        let n: i64 = with_pool!(self, pool => {
            let q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
            bind_selection(q, sel, &period).fetch_one(pool).await?
        });
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// The selection's tasks (recurring ones left out) counted by lead unit, conclusion notice and
    /// status.
    pub async fn status_tally(&self, sel: &TaskSelection) -> Result<Vec<StatusTally>> {
        let sql = format!(
            "{} GROUP BY t.lead_unit_id, t.conclusion_id, st",
            selection_sql(
                sel,
                "t.lead_unit_id, t.conclusion_id, {status} AS st, COUNT(*) AS n",
                Reads::Row,
            )
        );
        let period = PeriodBinds::of(sel)?;
        let rows: Vec<TallyRow> = with_pool!(self, pool => {
            let q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            bind_selection(q, sel, &period).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(StatusTally {
                    lead_unit_id: UnitId(r.lead_unit_id),
                    conclusion_id: r.conclusion_id,
                    status: status_of(&r.st)?,
                    count: u64::try_from(r.n).unwrap_or(0),
                })
            })
            .collect()
    }

    /// The board of every task (recurring ones left out) at the clock's moment from the counts
    /// kept on write and the open tasks' due moments, in one snapshot, with the first
    /// `overdue_rows` overdue tasks, most days late first. `None` when a task was completed or had
    /// an extension approved after that moment: the counts do not tell the board of before
    /// (ask [`Store::status_tally`]).
    pub async fn board_counts(
        &self,
        clock: &StatusClock,
        overdue_rows: usize,
    ) -> Result<Option<BoardCounts>> {
        let as_of = ts_to_db(clock.as_of);
        let limit = i64::try_from(overdue_rows).unwrap_or(i64::MAX);
        let read = read_tx!(self, tx => {
            let later: i64 = sqlx::query_scalar(LATER_THAN_CLOCK)
                .bind(as_of)
                .fetch_one(&mut *tx)
                .await?;
            if later > 0 {
                None
            } else {
                let counts: Vec<CountRow> =
                    sqlx::query_as(BOARD_COUNTS).fetch_all(&mut *tx).await?;
                let overdue: Vec<OpenRow> = sqlx::query_as(OPEN_OVERDUE)
                    .bind(as_of)
                    .fetch_all(&mut *tx)
                    .await?;
                let soon: Vec<OpenRow> = sqlx::query_as(OPEN_DUE_SOON)
                    .bind(as_of)
                    .bind(clock.soon_day)
                    .bind(day_number(local_date(clock.as_of)) - 1)
                    .fetch_all(&mut *tx)
                    .await?;
                let late: Vec<LateRow> = if limit > 0 {
                    sqlx::query_as(MOST_OVERDUE)
                        .bind(as_of)
                        .bind(limit)
                        .fetch_all(&mut *tx)
                        .await?
                } else {
                    Vec::new()
                };
                Some((counts, overdue, soon, late))
            }
        });
        let Some((counts, overdue, soon, late)) = read else {
            return Ok(None);
        };
        let most_overdue = late
            .into_iter()
            .map(|r| {
                Ok(ClassifiedKey {
                    id: TaskId(r.id),
                    created_at: ts_from_db(r.created_at)?,
                    status: TaskStatus::Overdue,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(BoardCounts {
            tally: board_tally(counts, overdue, soon)?,
            most_overdue,
        }))
    }

    /// The tasks of these ids that exist, oldest first.
    pub async fn tasks_by_ids(&self, ids: &[TaskId]) -> Result<Vec<Task>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sub = format!(
                "SELECT t.id FROM tasks t WHERE t.id IN ({})",
                marks.join(", ")
            );
            let found = with_pool!(self, pool => {
                let mut conn = pool.acquire().await?;
                load_tasks(&mut *conn, &sub, Picked::Ids(chunk)).await?
            });
            out.extend(found);
        }
        out.sort_by_key(|t| (t.created_at, t.id.0));
        Ok(out)
    }

    /// The recurring tasks the filter selects, oldest first, whole (with their occurrences). Their
    /// ids are selected first (through the filter's index or the recurring tasks' own), then read
    /// by id.
    pub async fn recurring_tasks(&self, filter: &TaskFilter) -> Result<Vec<Task>> {
        let ids = self.recurring_task_ids(filter).await?;
        self.tasks_by_ids(&ids).await
    }

    /// The ids of the recurring tasks the filter selects, oldest first.
    pub async fn recurring_task_ids(&self, filter: &TaskFilter) -> Result<Vec<TaskId>> {
        let sql = format!(
            "{} AND t.deadline_kind = 'recurring' ORDER BY t.created_at, t.id",
            filter_sql(filter)
        );
        let ids: Vec<Uuid> = with_pool!(self, pool => {
            let q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql));
            bind_filter(q, filter).fetch_all(pool).await?
        });
        Ok(ids.into_iter().map(TaskId).collect())
    }

    /// Fills the [`DueColumns`] of tasks written before they existed (migration 0007), a batch per
    /// transaction. Returns how many were filled.
    pub(crate) async fn fill_due_columns(&self) -> Result<usize> {
        const BATCH: &str =
            "SELECT t.id FROM tasks t WHERE t.due_filled = FALSE ORDER BY t.id LIMIT 500";
        let mut filled = 0;
        loop {
            let n = write_tx!(self, tx => {
                let batch = load_tasks(&mut *tx, BATCH, Picked::Unbound).await?;
                for task in &batch {
                    refresh_due(&mut *tx, task).await?;
                }
                batch.len()
            });
            if n == 0 {
                return Ok(filled);
            }
            filled += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use giaoban_domain::audit::AuditActor;
    use giaoban_domain::deadline::{Deadline, DueMoment};
    use giaoban_domain::task::{DeadlineInput, TaskDraft, TaskInput};
    use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitInput};
    use jiff::civil::date;

    use crate::testing::TestDb;
    use crate::with_pool;

    type Columns = (
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
        bool,
    );

    /// A database written before migration 0007 has its tasks' columns filled when the store
    /// opens, with the values a new write gives them.
    #[tokio::test]
    async fn columns_missing_from_older_rows_are_filled_on_open() {
        let db = TestDb::new().await;
        let store = &db.store;
        let actor = AuditActor::system("test");
        let level = AdminLevel::parse("huyen", 2, "Huyện", "District", None, None).expect("level");
        store.put_level(&actor, &level).await.expect("level");
        let unit = |name: &str| {
            UnitDraft::parse(&UnitInput {
                kind: "district".into(),
                level: "huyen".into(),
                name: name.into(),
                ..Default::default()
            })
            .expect("unit")
        };
        let a = store
            .create_unit(&actor, &unit("Huyện A"))
            .await
            .expect("a")
            .id;
        let b = store
            .create_unit(&actor, &unit("Huyện B"))
            .await
            .expect("b")
            .id;
        let due = date(2023, 3, 27);
        for (i, deadline) in [
            Deadline::At {
                date: due,
                time: None,
            },
            Deadline::Standing,
            Deadline::At {
                date: due,
                time: None,
            },
        ]
        .into_iter()
        .enumerate()
        {
            let draft = TaskDraft::parse(
                &TaskInput {
                    content: format!("Nhiệm vụ {i}"),
                    source_kind: None,
                    conclusion_id: None,
                    meeting_id: None,
                    source_ref: None,
                    assigner_unit_id: a.0,
                    assigner_name: None,
                    lead_unit_id: b.0,
                    coordinating_unit_ids: vec![],
                    monitor_unit_id: None,
                    parent_id: None,
                    deadline: DeadlineInput::Typed(deadline),
                    assigned_on: Some("2023-03-01".into()),
                },
                date(2023, 3, 1),
            )
            .expect("draft");
            let task = store.create_task(&actor, &draft).await.expect("task");
            if i == 2 {
                let new_due = DueMoment::new(date(2023, 4, 30), None);
                store
                    .request_extension(&actor, task.id, b, new_due, "lý do")
                    .await
                    .expect("request");
                store
                    .decide_extension(&actor, task.id, a, true, "")
                    .await
                    .expect("approve");
            }
        }
        const READ: &str = "SELECT due_at, due_day, ext_due_at, ext_due_day, ext_from, due_filled \
                            FROM tasks ORDER BY created_at";
        let written: Vec<Columns> = with_pool!(store, pool => {
            sqlx::query_as(READ).fetch_all(pool).await.expect("read")
        });
        assert_eq!(written.len(), 3);
        assert!(written.iter().all(|c| c.5), "{written:?}");
        assert_eq!(written[0].1, Some(19_443), "27/03/2023");
        assert_eq!(written[1].0, None, "standing");
        assert!(
            written[2].2.is_some() && written[2].4.is_some(),
            "{:?}",
            written[2]
        );
        // As an older version left them.
        with_pool!(store, pool => {
            sqlx::query(
                "UPDATE tasks SET due_at = NULL, due_day = NULL, ext_due_at = NULL, \
                 ext_due_day = NULL, ext_from = NULL, due_filled = FALSE",
            )
            .execute(pool)
            .await
            .map(|done| done.rows_affected())
            .expect("forget")
        });
        assert_eq!(store.fill_due_columns().await.expect("fill"), 3);
        let filled: Vec<Columns> = with_pool!(store, pool => {
            sqlx::query_as(READ).fetch_all(pool).await.expect("read")
        });
        assert_eq!(filled, written);
        assert_eq!(store.fill_due_columns().await.expect("again"), 0);
    }
}
