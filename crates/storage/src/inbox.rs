//! What waits for a person's decision, read from the state of the records themselves (no table of
//! its own): extension requests not yet decided, reports sent and not yet accepted or returned,
//! notices still drafts, recommendations awaiting an answer.
//!
//! The caller turns the access rules into an [`InboxQuery`] (which units' records each kind
//! covers); this module only counts and lists what the query selects, with one statement for the
//! counts of the four kinds (the menu shows them on every page) through the partial indexes of
//! migration 0013.

use giaoban_domain::period::Period;
use giaoban_domain::task::TaskId;
use giaoban_domain::unit::UnitId;
use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

use crate::convert::{date_from_db, period_from_db, ts_from_db};
use crate::{Binds, Result, Store, with_pool};

/// The units whose records a kind of the inbox covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitSet {
    /// Every unit.
    All,
    /// This unit and every unit under it.
    Under(UnitId),
    /// This unit alone.
    Only(UnitId),
}

/// The records of one kind the inbox covers: those of `units`, less those of `except`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub units: UnitSet,
    pub except: Option<UnitId>,
}

/// What one person's inbox holds, kind by kind; `None` (or no unit) leaves a kind out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxQuery {
    /// Extension requests awaiting a decision on tasks assigned by `units`, except those whose
    /// lead unit (the unit that asked) is `except`.
    pub extensions: Option<Reach>,
    /// Reports sent and awaiting review (status `submitted`) of units whose parent is among
    /// `units` (any unit, parent or not, for [`UnitSet::All`]), except `except`'s own.
    pub reports: Option<Reach>,
    /// Draft notices issued by `units`.
    pub notices: Option<UnitSet>,
    /// Recommendations awaiting an answer addressed to one of these units.
    pub recommendations: Vec<UnitId>,
}

/// How many records of each kind wait.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxTally {
    pub extensions: u64,
    pub reports: u64,
    pub notices: u64,
    pub recommendations: u64,
}

impl InboxTally {
    pub fn total(&self) -> u64 {
        self.extensions + self.reports + self.notices + self.recommendations
    }
}

/// A report sent and awaiting review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentReport {
    pub id: Uuid,
    pub form_id: Uuid,
    pub unit_id: UnitId,
    pub period: Period,
    pub sent_at: Option<Timestamp>,
    pub first_sent_at: Option<Timestamp>,
    pub version: i64,
}

/// A notice still a draft, with its meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftNotice {
    pub id: Uuid,
    pub issuer_unit_id: UnitId,
    pub symbol: String,
    pub title: String,
    pub created_at: Timestamp,
    pub version: i64,
    pub meeting_id: Uuid,
    pub meeting_title: String,
    pub meeting_date: Date,
}

/// A recommendation awaiting an answer, with the title of the meeting it was raised at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwaitingRecommendation {
    pub id: Uuid,
    pub raised_by_unit_id: UnitId,
    pub addressed_to_unit_id: Option<UnitId>,
    pub content: String,
    pub raised_on: Date,
    pub created_at: Timestamp,
    pub version: i64,
    pub meeting_id: Option<Uuid>,
    pub meeting_title: Option<String>,
}

/// The items of an inbox, oldest first within each kind, at most `limit` of each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxItems {
    /// The tasks with an extension request awaiting a decision, oldest request first.
    pub extension_tasks: Vec<TaskId>,
    pub reports: Vec<SentReport>,
    pub notices: Vec<DraftNotice>,
    pub recommendations: Vec<AwaitingRecommendation>,
}

/// A statement being written: its text and its parameters (all unit ids), numbered as added.
#[derive(Default)]
struct Sql {
    binds: Vec<Uuid>,
    /// The roots of the subtrees used, each read by a recursive CTE `scopeN` (N its position).
    roots: Vec<UnitId>,
}

impl Sql {
    fn bind(&mut self, id: UnitId) -> String {
        self.binds.push(id.0);
        format!("${}", self.binds.len())
    }

    /// The condition "`col` is one of `units`".
    fn among(&mut self, col: &str, units: UnitSet) -> String {
        match units {
            UnitSet::All => "TRUE".to_owned(),
            UnitSet::Only(u) => format!("{col} = {}", self.bind(u)),
            UnitSet::Under(u) => {
                let n = match self.roots.iter().position(|r| *r == u) {
                    Some(i) => i + 1,
                    None => {
                        self.roots.push(u);
                        self.roots.len()
                    }
                };
                format!("{col} IN (SELECT id FROM scope{n})")
            }
        }
    }

    fn except(&mut self, col: &str, except: Option<UnitId>) -> String {
        match except {
            Some(u) => format!(" AND {col} <> {}", self.bind(u)),
            None => String::new(),
        }
    }

    /// The FROM and WHERE of the pending extension requests (`e`) and their tasks (`t`).
    fn extensions(&mut self, r: Reach) -> String {
        let among = self.among("t.assigner_unit_id", r.units);
        let except = self.except("t.lead_unit_id", r.except);
        format!(
            "FROM task_extensions e JOIN tasks t ON t.id = e.task_id \
             WHERE e.decided_at IS NULL AND {among}{except}"
        )
    }

    /// The FROM and WHERE of the reports awaiting review (`s`).
    fn reports(&mut self, r: Reach) -> String {
        let except = self.except("s.unit_id", r.except);
        match r.units {
            UnitSet::All => format!("FROM submissions s WHERE s.status = 'submitted'{except}"),
            units => {
                let among = self.among("su.parent_id", units);
                format!(
                    "FROM submissions s JOIN units su ON su.id = s.unit_id \
                     WHERE s.status = 'submitted' AND {among}{except}"
                )
            }
        }
    }

    /// The FROM and WHERE of the draft notices (`c`).
    fn notices(&mut self, units: UnitSet) -> String {
        let among = self.among("c.issuer_unit_id", units);
        format!("FROM conclusions c WHERE c.status = 'draft' AND {among}")
    }

    /// The FROM and WHERE of the recommendations awaiting an answer (`r`).
    fn recommendations(&mut self, to: &[UnitId]) -> String {
        let marks: Vec<String> = to.iter().map(|u| self.bind(*u)).collect();
        format!(
            "FROM recommendations r WHERE r.status = 'awaiting' AND r.addressed_to_unit_id IN ({})",
            marks.join(", ")
        )
    }

    /// `body` preceded by the CTEs of the subtrees it uses.
    fn finish(&mut self, body: &str) -> String {
        if self.roots.is_empty() {
            return body.to_owned();
        }
        let roots = self.roots.clone();
        let ctes: Vec<String> = roots
            .iter()
            .enumerate()
            .map(|(i, root)| {
                let n = i + 1;
                let mark = self.bind(*root);
                format!(
                    "scope{n}(id) AS (SELECT id FROM units WHERE id = {mark} \
                     UNION ALL SELECT u.id FROM units u JOIN scope{n} s ON u.parent_id = s.id)"
                )
            })
            .collect();
        format!("WITH RECURSIVE {} {body}", ctes.join(", "))
    }
}

#[derive(sqlx::FromRow)]
struct TallyRow {
    extensions: i64,
    reports: i64,
    notices: i64,
    recommendations: i64,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: Uuid,
    form_id: Uuid,
    unit_id: Uuid,
    period: String,
    sent_at: Option<i64>,
    first_sent_at: Option<i64>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct NoticeRow {
    id: Uuid,
    issuer_unit_id: Uuid,
    symbol: String,
    title: String,
    created_at: i64,
    version: i64,
    meeting_id: Uuid,
    meeting_title: String,
    meeting_date: time::Date,
}

#[derive(sqlx::FromRow)]
struct RecommendationRow {
    id: Uuid,
    raised_by_unit_id: Uuid,
    addressed_to_unit_id: Option<Uuid>,
    content: String,
    raised_on: time::Date,
    created_at: i64,
    version: i64,
    meeting_id: Option<Uuid>,
    meeting_title: Option<String>,
}

/// Binds the unit ids `binds` to `q` in order, for a query of [`Sql::finish`] run with the
/// store's pool.
fn bind_ids<'q, Q: Binds<'q>>(q: Q, binds: &[Uuid]) -> Q {
    binds.iter().fold(q, |q, b| q.bind(*b))
}

impl Store {
    /// How many records of each kind the query selects, in one statement.
    pub async fn inbox_tally(&self, q: &InboxQuery) -> Result<InboxTally> {
        const NONE: &str = "CAST(0 AS BIGINT)";
        let mut s = Sql::default();
        let count = |from: String| format!("(SELECT COUNT(*) {from})");
        let extensions = match q.extensions {
            Some(r) => count(s.extensions(r)),
            None => NONE.to_owned(),
        };
        let reports = match q.reports {
            Some(r) => count(s.reports(r)),
            None => NONE.to_owned(),
        };
        let notices = match q.notices {
            Some(u) => count(s.notices(u)),
            None => NONE.to_owned(),
        };
        let recommendations = if q.recommendations.is_empty() {
            NONE.to_owned()
        } else {
            count(s.recommendations(&q.recommendations))
        };
        if [&extensions, &reports, &notices, &recommendations]
            .iter()
            .all(|c| c.as_str() == NONE)
        {
            return Ok(InboxTally::default());
        }
        let sql = s.finish(&format!(
            "SELECT CAST({extensions} AS BIGINT) AS extensions, CAST({reports} AS BIGINT) AS reports, \
             CAST({notices} AS BIGINT) AS notices, \
             CAST({recommendations} AS BIGINT) AS recommendations"
        ));
        let row: TallyRow = with_pool!(self, pool => {
            bind_ids(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &s.binds).fetch_one(pool).await?
        });
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok(InboxTally {
            extensions: n(row.extensions),
            reports: n(row.reports),
            notices: n(row.notices),
            recommendations: n(row.recommendations),
        })
    }

    /// The records the query selects, oldest first within each kind, at most `limit` of each.
    pub async fn inbox_items(&self, q: &InboxQuery, limit: u32) -> Result<InboxItems> {
        let mut out = InboxItems::default();
        if let Some(r) = q.extensions {
            let mut s = Sql::default();
            let from = s.extensions(r);
            let sql = s.finish(&format!(
                "SELECT t.id {from} ORDER BY e.requested_at, t.id LIMIT {limit}"
            ));
            let ids: Vec<Uuid> = with_pool!(self, pool => {
                bind_ids(sqlx::query_scalar(sqlx::AssertSqlSafe(sql)), &s.binds).fetch_all(pool).await?
            });
            out.extension_tasks = ids.into_iter().map(TaskId).collect();
        }
        if let Some(r) = q.reports {
            let mut s = Sql::default();
            let from = s.reports(r);
            let sql = s.finish(&format!(
                "SELECT s.id, s.form_id, s.unit_id, s.period, s.sent_at, s.first_sent_at, s.version \
                 {from} ORDER BY s.sent_at, s.id LIMIT {limit}"
            ));
            let rows: Vec<ReportRow> = with_pool!(self, pool => {
                bind_ids(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &s.binds).fetch_all(pool).await?
            });
            out.reports = rows
                .into_iter()
                .map(|r| {
                    Ok(SentReport {
                        id: r.id,
                        form_id: r.form_id,
                        unit_id: UnitId(r.unit_id),
                        period: period_from_db(&r.period)?,
                        sent_at: r.sent_at.map(ts_from_db).transpose()?,
                        first_sent_at: r.first_sent_at.map(ts_from_db).transpose()?,
                        version: r.version,
                    })
                })
                .collect::<Result<_>>()?;
        }
        if let Some(u) = q.notices {
            let mut s = Sql::default();
            let from = s.notices(u);
            let sql = s.finish(&format!(
                "SELECT c.id, c.issuer_unit_id, c.symbol, c.title, c.created_at, c.version, \
                 c.meeting_id, m.title AS meeting_title, m.date AS meeting_date \
                 {} ORDER BY c.created_at, c.id LIMIT {limit}",
                from.replacen(
                    "FROM conclusions c",
                    "FROM conclusions c JOIN meetings m ON m.id = c.meeting_id",
                    1
                )
            ));
            let rows: Vec<NoticeRow> = with_pool!(self, pool => {
                bind_ids(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &s.binds).fetch_all(pool).await?
            });
            out.notices = rows
                .into_iter()
                .map(|r| {
                    Ok(DraftNotice {
                        id: r.id,
                        issuer_unit_id: UnitId(r.issuer_unit_id),
                        symbol: r.symbol,
                        title: r.title,
                        created_at: ts_from_db(r.created_at)?,
                        version: r.version,
                        meeting_id: r.meeting_id,
                        meeting_title: r.meeting_title,
                        meeting_date: date_from_db(r.meeting_date)?,
                    })
                })
                .collect::<Result<_>>()?;
        }
        if !q.recommendations.is_empty() {
            let mut s = Sql::default();
            let from = s.recommendations(&q.recommendations);
            let sql = s.finish(&format!(
                "SELECT r.id, r.raised_by_unit_id, r.addressed_to_unit_id, r.content, r.raised_on, \
                 r.created_at, r.version, r.meeting_id, m.title AS meeting_title {} \
                 ORDER BY r.created_at, r.id LIMIT {limit}",
                from.replacen(
                    "FROM recommendations r",
                    "FROM recommendations r LEFT JOIN meetings m ON m.id = r.meeting_id",
                    1
                )
            ));
            let rows: Vec<RecommendationRow> = with_pool!(self, pool => {
                bind_ids(sqlx::query_as(sqlx::AssertSqlSafe(sql)), &s.binds).fetch_all(pool).await?
            });
            out.recommendations = rows
                .into_iter()
                .map(|r| {
                    Ok(AwaitingRecommendation {
                        id: r.id,
                        raised_by_unit_id: UnitId(r.raised_by_unit_id),
                        addressed_to_unit_id: r.addressed_to_unit_id.map(UnitId),
                        content: r.content,
                        raised_on: date_from_db(r.raised_on)?,
                        created_at: ts_from_db(r.created_at)?,
                        version: r.version,
                        meeting_id: r.meeting_id,
                        meeting_title: r.meeting_title,
                    })
                })
                .collect::<Result<_>>()?;
        }
        Ok(out)
    }
}
