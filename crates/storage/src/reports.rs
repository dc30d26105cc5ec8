//! Indicators, plan targets, report forms, submissions and the roll-up aggregates.
//!
//! Aggregates are kept current on write: when a submission starts to count (sent) its figures are
//! added to the totals of its unit, every ancestor and, for a merged unit, its successor; when it
//! stops counting (returned, reopened) they are taken away, and the minimum and maximum of the
//! touched totals are recomputed from the counted figures. Figures are scaled integers, so the
//! running totals equal [`Store::rebuild_aggregates`] exactly; a property test holds both to that.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::indicator::{
    Aggregate, Figure, Indicator, IndicatorCode, IndicatorDraft, IndicatorId, PlanTarget,
};
use giaoban_domain::period::Period;
use giaoban_domain::report::{
    EnteredValue, FormDefinition, FormId, ReportForm, SectionKind, Submission, SubmissionAction,
    SubmissionError, SubmissionId, SubmissionStatus, transition,
};
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Invalid, UnitId};
use jiff::Timestamp;
use serde::Serialize;
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{now_micros, ts_from_db, ts_to_db};
use crate::unit_of_work::in_tx;
use crate::{Conflict, Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

const COUNTED: &str = "('submitted', 'accepted')";

#[derive(sqlx::FromRow)]
struct IndicatorRow {
    id: Uuid,
    code: String,
    name_vi: String,
    name_en: String,
    measure: String,
    value_type: String,
    rollup: Json<giaoban_domain::indicator::Rollup>,
    accumulation: String,
    direction: String,
    sector: String,
    decimals: i64,
    active: bool,
    version: i64,
}

const INDICATOR_COLUMNS: &str = "SELECT id, code, name_vi, name_en, measure, value_type, rollup, \
    accumulation, direction, sector, decimals, active, version FROM indicators";

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: {v}"))
}

fn indicator_from_row(r: IndicatorRow) -> Result<Indicator> {
    use giaoban_domain::indicator::{Accumulation, Direction, Sector, ValueType};
    Ok(Indicator {
        id: IndicatorId(r.id),
        code: IndicatorCode::parse(&r.code).map_err(|_| corrupt("indicator code", &r.code))?,
        name_vi: r.name_vi,
        name_en: r.name_en,
        measure: r.measure,
        value_type: ValueType::parse(&r.value_type)
            .ok_or_else(|| corrupt("value type", &r.value_type))?,
        rollup: r.rollup.0,
        accumulation: Accumulation::parse(&r.accumulation)
            .ok_or_else(|| corrupt("accumulation", &r.accumulation))?,
        direction: Direction::parse(&r.direction)
            .ok_or_else(|| corrupt("direction", &r.direction))?,
        sector: Sector::parse(&r.sector).ok_or_else(|| corrupt("sector", &r.sector))?,
        decimals: u8::try_from(r.decimals).unwrap_or(2),
        active: r.active,
        version: r.version,
    })
}

#[derive(sqlx::FromRow)]
struct FormRow {
    id: Uuid,
    definition: Json<FormDefinition>,
    active: bool,
    version: i64,
    owner_unit_id: Option<Uuid>,
}

const FORM_COLUMNS: &str =
    "SELECT id, definition, active, version, owner_unit_id FROM report_forms";

fn form_from_row(r: FormRow) -> ReportForm {
    ReportForm {
        id: FormId(r.id),
        def: r.definition.0,
        active: r.active,
        version: r.version,
        owner_unit_id: r.owner_unit_id.map(UnitId),
    }
}

#[derive(sqlx::FromRow)]
struct SubmissionRow {
    id: Uuid,
    form_id: Uuid,
    unit_id: Uuid,
    period: String,
    status: String,
    first_sent_at: Option<i64>,
    sent_at: Option<i64>,
    decided_at: Option<i64>,
    decided_by: Option<String>,
    reason: Option<String>,
    narrative: Json<BTreeMap<SectionKind, String>>,
    created_at: i64,
    updated_at: i64,
    version: i64,
}

const SUBMISSION_COLUMNS: &str = "SELECT id, form_id, unit_id, period, status, first_sent_at, \
    sent_at, decided_at, decided_by, reason, narrative, created_at, updated_at, version \
    FROM submissions";

#[derive(sqlx::FromRow)]
struct ValueRow {
    code: String,
    value: Option<i64>,
    text_value: Option<String>,
}

const VALUE_COLUMNS: &str = "SELECT i.code, v.value, v.text_value \
    FROM submission_values v JOIN indicators i ON i.id = v.indicator_id";

fn submission_from_row(r: SubmissionRow, values: Vec<ValueRow>) -> Result<Submission> {
    let mut map = BTreeMap::new();
    for v in values {
        let code = IndicatorCode::parse(&v.code).map_err(|_| corrupt("indicator code", &v.code))?;
        let value = match (v.value, v.text_value) {
            (Some(x), _) => EnteredValue::Figure(Figure::from_scaled(x)),
            (None, Some(t)) => EnteredValue::Text(t),
            (None, None) => continue,
        };
        map.insert(code, value);
    }
    Ok(Submission {
        id: SubmissionId(r.id),
        form_id: FormId(r.form_id),
        unit_id: UnitId(r.unit_id),
        period: Period::parse(&r.period).map_err(|_| corrupt("period", &r.period))?,
        status: SubmissionStatus::parse(&r.status).ok_or_else(|| corrupt("status", &r.status))?,
        values: map,
        narrative: r.narrative.0,
        first_sent_at: r.first_sent_at.map(ts_from_db).transpose()?,
        sent_at: r.sent_at.map(ts_from_db).transpose()?,
        decided_at: r.decided_at.map(ts_from_db).transpose()?,
        decided_by: r.decided_by,
        reason: r.reason,
        created_at: ts_from_db(r.created_at)?,
        updated_at: ts_from_db(r.updated_at)?,
        version: r.version,
    })
}

type SummaryRow = (Uuid, Uuid, String, Option<i64>, Option<i64>, Option<String>);

/// A submission's place on the completeness board (no figures).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionSummary {
    pub id: SubmissionId,
    pub unit_id: UnitId,
    pub status: SubmissionStatus,
    pub first_sent_at: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    pub reason: Option<String>,
}

/// One unit's draft to save with [`Store::save_submissions`].
pub struct SubmissionEntry<'a> {
    pub unit: UnitId,
    pub values: &'a BTreeMap<IndicatorCode, EnteredValue>,
    pub narrative: &'a BTreeMap<SectionKind, String>,
    pub expected_version: Option<i64>,
}

/// One stored aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AggregateRow {
    pub indicator_id: IndicatorId,
    pub period: Period,
    pub unit_id: UnitId,
    pub aggregate: Aggregate,
}

/// What a rebuild did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RebuildSummary {
    pub figures: u64,
    pub aggregates: u64,
}

/// One counted figure, as [`Store::counted_figures`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedFigure {
    pub unit_id: UnitId,
    pub period: Period,
    pub indicator_id: IndicatorId,
    pub value: Figure,
}

/// The unit and figures of each counted submission of the period `$1`.
fn counted_of_period() -> String {
    format!("SELECT unit_id, figures FROM submissions WHERE period = $1 AND status IN {COUNTED}")
}

fn invalid(field: &'static str, code: &'static str, vi: String, en: String) -> StoreError {
    StoreError::Invalid(Invalid::new(field, code, vi, en).into())
}

/// A figure its indicator does not take (out of its plausible bounds, or not of its value type).
fn implausible(
    ind: &Indicator,
    f: Figure,
    err: giaoban_domain::indicator::IndicatorRuleError,
) -> StoreError {
    use giaoban_domain::Lang;
    let measure = if ind.measure.is_empty() {
        String::new()
    } else {
        format!(" {}", ind.measure)
    };
    invalid(
        "values",
        "report.value_out_of_range",
        format!(
            "{} ({}) «{}»: {}{measure}",
            ind.name_vi,
            ind.code,
            f.format_vi(4).trim_end_matches('0').trim_end_matches(','),
            err.message(Lang::Vi)
        ),
        format!(
            "{} ({}) «{}»: {}{measure}",
            ind.name_en,
            ind.code,
            f,
            err.message(Lang::En)
        ),
    )
}

/// Turns a refused submission change into the storage error the web layer explains.
pub fn submission_error(e: SubmissionError) -> StoreError {
    use giaoban_domain::Localized;
    let code = e.code();
    StoreError::Invalid(
        Invalid::new(
            "status",
            code,
            e.message(giaoban_domain::Lang::Vi),
            e.message(giaoban_domain::Lang::En),
        )
        .into(),
    )
}

/// Bumps the revision `rollups` in the transaction `conn` that changes the aggregates or the plan
/// targets, and records what it changed (`changes`, [`RollupChange`]s) at the new revision; the
/// changes of revisions older than the last [`rollups::CHANGES_KEPT`] are dropped (see
/// [`rollups`]).
async fn bump_rollups<'c>(
    conn: impl Into<Conn<'c>>,
    changes: impl IntoIterator<Item = RollupChange>,
) -> Result<()> {
    on_conn!(conn.into(), ex => {
        let (revision,): (i64,) = sqlx::query_as(
            "UPDATE revisions SET value = value + 1 WHERE name = 'rollups' RETURNING value",
        )
        .fetch_one(&mut *ex)
        .await?;
        for change in changes {
            let (kind, unit, scope) = RollupChange::columns(&change);
            sqlx::query(
                "INSERT INTO rollup_changes (revision, kind, unit_id, scope) VALUES ($1, $2, $3, $4)",
            )
            .bind(revision)
            .bind(kind)
            .bind(unit)
            .bind(scope)
            .execute(&mut *ex)
            .await?;
        }
        sqlx::query("DELETE FROM rollup_changes WHERE revision <= $1")
            .bind(revision - rollups::CHANGES_KEPT)
            .execute(&mut *ex)
            .await?;
    });
    Ok(())
}

mod rollups;
pub(crate) mod sets;
pub use rollups::RollupCache;
use rollups::RollupChange;
use sets::{Figures, Totals};

/// The aggregate items grouped by (target, period): each touched set once, with its figures.
fn items_by_set<'a>(
    items: impl IntoIterator<Item = &'a (IndicatorId, String, UnitId, Figure)>,
) -> BTreeMap<(UnitId, String), Vec<(Uuid, i64)>> {
    let mut sets: BTreeMap<(UnitId, String), Vec<(Uuid, i64)>> = BTreeMap::new();
    for (ind, period, target, fig) in items {
        sets.entry((*target, period.clone()))
            .or_default()
            .push((ind.0, fig.scaled()));
    }
    sets
}

/// Reads the aggregate set of unit `unit` for `period` through `conn`: empty when the unit has
/// no counted figure in the period.
async fn read_set<'c>(conn: impl Into<Conn<'c>>, unit: Uuid, period: &str) -> Result<Totals> {
    let row: Option<(Vec<u8>,)> = on_conn!(conn.into(), ex => {
        sqlx::query_as("SELECT totals FROM aggregate_sets WHERE unit_id = $1 AND period = $2")
            .bind(unit)
            .bind(period)
            .fetch_optional(ex)
            .await?
    });
    Ok(match row {
        Some((bytes,)) => Totals::decode(&bytes)?,
        None => Totals::default(),
    })
}

/// Writes the aggregate set of unit `unit` for `period` through `conn`, or removes it when empty.
async fn write_set<'c>(
    conn: impl Into<Conn<'c>>,
    unit: Uuid,
    period: &str,
    totals: &Totals,
) -> Result<()> {
    if totals.is_empty() {
        on_conn!(conn.into(), ex => {
            sqlx::query("DELETE FROM aggregate_sets WHERE unit_id = $1 AND period = $2")
                .bind(unit)
                .bind(period)
                .execute(ex)
                .await?;
        });
    } else {
        let encoded = totals.encode()?;
        on_conn!(conn.into(), ex => {
            sqlx::query(
                "INSERT INTO aggregate_sets (unit_id, period, totals) VALUES ($1, $2, $3) \
                 ON CONFLICT (unit_id, period) DO UPDATE SET totals = excluded.totals",
            )
            .bind(unit)
            .bind(period)
            .bind(encoded)
            .execute(ex)
            .await?;
        });
    }
    Ok(())
}

/// Adds figures to the aggregates of their targets. `items` is a slice of `(IndicatorId, period
/// code, target unit, figure)`.
async fn add_to_aggregates<'c>(
    conn: impl Into<Conn<'c>>,
    items: &[(IndicatorId, String, UnitId, Figure)],
) -> Result<()> {
    let mut conn = conn.into();
    let sets = items_by_set(items);
    for ((target, period), figures) in &sets {
        let mut totals = read_set(&mut conn, target.0, period.as_str()).await?;
        for (ind, v) in figures {
            totals.add(*ind, *v);
        }
        write_set(&mut conn, target.0, period.as_str(), &totals).await?;
    }
    if !sets.is_empty() {
        bump_rollups(
            &mut conn,
            sets.into_keys()
                .map(|(unit, period)| RollupChange::Aggregates(unit, period)),
        )
        .await?;
    }
    Ok(())
}

/// Takes figures of a submission no longer counted away from the aggregates of their targets,
/// drops emptied totals and sets the minimum and maximum of the others from the figures still
/// counted (read from the counted submissions of the period).
async fn remove_from_aggregates<'c>(
    conn: impl Into<Conn<'c>>,
    items: &[(IndicatorId, String, UnitId, Figure)],
    tree: &UnitTree<'_>,
) -> Result<()> {
    let mut conn = conn.into();
    let sets = items_by_set(items);
    let periods: BTreeSet<&str> = sets.keys().map(|(_, p)| p.as_str()).collect();
    for period in periods {
        let targets: HashSet<UnitId> = sets
            .keys()
            .filter(|(_, p)| p == period)
            .map(|(t, _)| *t)
            .collect();
        let taken: HashSet<Uuid> = sets
            .iter()
            .filter(|((_, p), _)| p == period)
            .flat_map(|(_, figures)| figures.iter().map(|(ind, _)| *ind))
            .collect();
        let counted: Vec<(Uuid, Option<Vec<u8>>)> = on_conn!(&mut conn, ex => {
            let sql = sqlx::AssertSqlSafe(counted_of_period());
            sqlx::query_as(sql).bind(period).fetch_all(&mut **ex).await?
        });
        let mut bounds: HashMap<(UnitId, Uuid), (i64, i64)> = HashMap::new();
        for (unit, figures) in counted {
            let figures = Figures::of_column(figures.as_deref())?;
            for t in tree.rollup_targets(UnitId(unit)) {
                if !targets.contains(&t) {
                    continue;
                }
                for (ind, v) in figures.iter().filter(|(ind, _)| taken.contains(ind)) {
                    let e = bounds.entry((t, ind)).or_insert((v, v));
                    e.0 = e.0.min(v);
                    e.1 = e.1.max(v);
                }
            }
        }
        for ((target, _), figures) in sets.iter().filter(|((_, p), _)| p == period) {
            let mut totals = read_set(&mut conn, target.0, period).await?;
            for (ind, v) in figures {
                totals.take(*ind, *v);
            }
            for (ind, _) in figures {
                if let Some((lo, hi)) = bounds.get(&(*target, *ind)) {
                    totals.set_bounds(*ind, *lo, *hi);
                }
            }
            write_set(&mut conn, target.0, period, &totals).await?;
        }
    }
    if !sets.is_empty() {
        bump_rollups(
            &mut conn,
            sets.into_keys()
                .map(|(unit, period)| RollupChange::Aggregates(unit, period)),
        )
        .await?;
    }
    Ok(())
}

/// Loads one submission with its values through `conn`.
async fn load_submission<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Option<Submission>> {
    let found = on_conn!(conn.into(), ex => {
        let sql = sqlx::AssertSqlSafe(format!("{SUBMISSION_COLUMNS} WHERE id = $1"));
        let row: Option<SubmissionRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(&mut *ex)
            .await?;
        match row {
            None => None,
            Some(row) => {
                let sql =
                    sqlx::AssertSqlSafe(format!("{VALUE_COLUMNS} WHERE v.submission_id = $1"));
                let values: Vec<ValueRow> =
                    sqlx::query_as(sql).bind(id).fetch_all(&mut *ex).await?;
                Some((row, values))
            }
        }
    });
    found
        .map(|(row, values)| submission_from_row(row, values))
        .transpose()
}

/// Aggregate sets a rebuild writes per statement (three parameters each): far below either
/// engine's limit on parameters.
const REBUILD_BATCH: usize = 500;

fn snapshot<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// The figures of a submission as aggregate items for every roll-up target of its unit.
fn items_of(
    s: &Submission,
    ids: &HashMap<&IndicatorCode, IndicatorId>,
    tree: &UnitTree,
) -> Vec<(IndicatorId, String, UnitId, Figure)> {
    let targets = tree.rollup_targets(s.unit_id);
    let period = s.period.code();
    let mut out = Vec::new();
    for (code, v) in &s.values {
        let (EnteredValue::Figure(f), Some(id)) = (v, ids.get(code)) else {
            continue;
        };
        for t in &targets {
            out.push((*id, period.clone(), *t, *f));
        }
    }
    out
}

/// Rewrites every aggregate set of `period` from the period's counted submissions (one value
/// each, `submissions.figures`): drops the period's sets, folds each figure into the set of every
/// roll-up target of its unit (`targets`: the unit, its ancestors and, for a merged unit, its
/// successors) and writes the sets, [`REBUILD_BATCH`] per statement. Returns the figures read and
/// the totals written. The caller bumps the revision `rollups`.
async fn rebuild_period<'c>(
    conn: impl Into<Conn<'c>>,
    period: &str,
    targets: &HashMap<Uuid, Vec<UnitId>>,
) -> Result<(u64, u64)> {
    let mut conn = conn.into();
    let counted: Vec<(Uuid, Option<Vec<u8>>)> = on_conn!(&mut conn, ex => {
        let sql = sqlx::AssertSqlSafe(counted_of_period());
        sqlx::query_as(sql).bind(period).fetch_all(&mut **ex).await?
    });
    on_conn!(&mut conn, ex => {
        sqlx::query("DELETE FROM aggregate_sets WHERE period = $1")
            .bind(period)
            .execute(&mut **ex)
            .await?;
    });
    let (mut figures, mut aggregates) = (0_u64, 0_u64);
    let mut sets: BTreeMap<UnitId, Totals> = BTreeMap::new();
    for (unit, column) in counted {
        let of_unit = Figures::of_column(column.as_deref())?;
        figures += of_unit.len() as u64;
        for t in targets.get(&unit).map_or(&[][..], Vec::as_slice) {
            let set = sets.entry(*t).or_default();
            for (ind, v) in of_unit.iter() {
                set.add(ind, v);
            }
        }
    }
    let sets: Vec<(UnitId, Vec<u8>, u64)> = sets
        .into_iter()
        .filter(|(_, t)| !t.is_empty())
        .map(|(u, t)| Ok((u, t.encode()?, t.len() as u64)))
        .collect::<Result<_>>()?;
    for chunk in sets.chunks(REBUILD_BATCH) {
        let rows = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO aggregate_sets (unit_id, period, totals) VALUES {rows} \
             ON CONFLICT (unit_id, period) DO UPDATE SET totals = excluded.totals"
        );
        on_conn!(&mut conn, ex => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (unit, encoded, _) in chunk {
                q = q.bind(unit.0).bind(period).bind(encoded.as_slice());
            }
            q.execute(&mut **ex).await?;
        });
        aggregates += chunk.iter().map(|c| c.2).sum::<u64>();
    }
    Ok((figures, aggregates))
}

/// The units whose figures roll up differently when the place or lineage of `changed` changes:
/// each of them, every unit under one of them and every unit merged into one of those, at any
/// remove (a commune merged into a commune that was merged in turn), each once.
fn lineage_sources(units: &[giaoban_domain::unit::Unit], changed: &[UnitId]) -> HashSet<UnitId> {
    let mut next: HashMap<UnitId, Vec<UnitId>> = HashMap::new();
    for u in units {
        if let Some(p) = u.parent_id {
            next.entry(p).or_default().push(u.id);
        }
        if let Some(m) = u.merged_into {
            next.entry(m).or_default().push(u.id);
        }
    }
    let mut seen: HashSet<UnitId> = HashSet::new();
    let mut stack: Vec<UnitId> = changed.to_vec();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            stack.extend(next.get(&id).into_iter().flatten().copied());
        }
    }
    seen
}

/// The roll-up targets of every unit of the directory, by unit.
fn rollup_targets_of(units: &[giaoban_domain::unit::Unit]) -> HashMap<Uuid, Vec<UnitId>> {
    let tree = UnitTree::new(units);
    units
        .iter()
        .map(|u| (u.id.0, tree.rollup_targets(u.id)))
        .collect()
}

impl Store {
    // ── Indicators ──────────────────────────────────────────────────────────────────────────

    /// The whole catalog, by code.
    pub async fn indicators(&self) -> Result<Vec<Indicator>> {
        let sql = sqlx::AssertSqlSafe(format!("{INDICATOR_COLUMNS} ORDER BY code"));
        let rows: Vec<IndicatorRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        rows.into_iter().map(indicator_from_row).collect()
    }

    pub async fn indicator(&self, id: IndicatorId) -> Result<Indicator> {
        let sql = sqlx::AssertSqlSafe(format!("{INDICATOR_COLUMNS} WHERE id = $1"));
        let row: Option<IndicatorRow> =
            with_pool!(self, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await)?;
        indicator_from_row(row.ok_or(StoreError::NotFound)?)
    }

    /// Checks that the parts of a ratio exist in the catalog.
    async fn check_ratio_parts(&self, draft: &IndicatorDraft) -> Result<()> {
        let codes: HashSet<IndicatorCode> = self
            .indicators()
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        for part in [&draft.rollup.numerator, &draft.rollup.denominator]
            .into_iter()
            .flatten()
        {
            if !codes.contains(part) {
                return Err(invalid(
                    "numerator",
                    "indicator.ratio_part_unknown",
                    format!("Không có chỉ tiêu mã {part} để tính tỷ số."),
                    format!("No indicator with code {part} to compute the ratio from."),
                ));
            }
        }
        Ok(())
    }

    pub async fn create_indicator(
        &self,
        actor: &AuditActor,
        draft: &IndicatorDraft,
    ) -> Result<Indicator> {
        self.check_ratio_parts(draft).await?;
        let id = IndicatorId::new();
        let now = now_micros();
        write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO indicators (id, code, name_vi, name_en, measure, value_type, rollup, \
                 accumulation, direction, sector, decimals, active, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
            )
            .bind(id.0)
            .bind(draft.code.as_str())
            .bind(draft.name_vi.as_str())
            .bind(draft.name_en.as_str())
            .bind(draft.measure.as_str())
            .bind(draft.value_type.code())
            .bind(Json(&draft.rollup))
            .bind(draft.accumulation.code())
            .bind(draft.direction.code())
            .bind(draft.sector.code())
            .bind(i64::from(draft.decimals))
            .bind(draft.active)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "indicator",
                entity_id: id.to_string(),
                unit_id: None,
                before: None,
                after: snapshot(draft),
            }).await?;
        });
        self.indicator(id).await
    }

    /// Changes an indicator. The value type and roll-up rule cannot change once figures exist
    /// (the totals would no longer mean what they say): create a new indicator instead.
    pub async fn update_indicator(
        &self,
        actor: &AuditActor,
        id: IndicatorId,
        draft: &IndicatorDraft,
        expected_version: i64,
    ) -> Result<Indicator> {
        let before = self.indicator(id).await?;
        self.check_ratio_parts(draft).await?;
        if before.value_type != draft.value_type || before.rollup != draft.rollup {
            let (n,): (i64,) = with_pool!(self, pool => sqlx::query_as(
                "SELECT COUNT(*) FROM submission_values WHERE indicator_id = $1")
                .bind(id.0).fetch_one(pool).await)?;
            if n > 0 {
                return Err(invalid(
                    "value_type",
                    "indicator.type_locked",
                    format!(
                        "Chỉ tiêu đã có {n} số liệu: không đổi được kiểu số liệu hay cách tổng hợp; hãy tạo chỉ tiêu mới."
                    ),
                    format!(
                        "The indicator has {n} figures: its value type and roll-up cannot change; create a new indicator."
                    ),
                ));
            }
        }
        let updated = write_tx!(self, tx => {
            let updated = sqlx::query(
                "UPDATE indicators SET code = $3, name_vi = $4, name_en = $5, measure = $6, \
                 value_type = $7, rollup = $8, accumulation = $9, direction = $10, sector = $11, \
                 decimals = $12, active = $13, updated_at = $14, version = version + 1 \
                 WHERE id = $1 AND version = $2",
            )
            .bind(id.0)
            .bind(expected_version)
            .bind(draft.code.as_str())
            .bind(draft.name_vi.as_str())
            .bind(draft.name_en.as_str())
            .bind(draft.measure.as_str())
            .bind(draft.value_type.code())
            .bind(Json(&draft.rollup))
            .bind(draft.accumulation.code())
            .bind(draft.direction.code())
            .bind(draft.sector.code())
            .bind(i64::from(draft.decimals))
            .bind(draft.active)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if updated == 1 {
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: AuditAction::Update,
                    entity: "indicator",
                    entity_id: id.to_string(),
                    unit_id: None,
                    before: snapshot(&before),
                    after: snapshot(draft),
                }).await?;
            }
            updated
        });
        if updated == 0 {
            return Err(StoreError::Conflict(Conflict::Version));
        }
        self.indicator(id).await
    }

    /// Adds the catalog entries whose codes are not stored yet (ratios after their parts); returns
    /// how many were added. Existing indicators are left as the admins edited them.
    pub async fn load_catalog(
        &self,
        actor: &AuditActor,
        drafts: &[IndicatorDraft],
    ) -> Result<usize> {
        let existing: HashSet<IndicatorCode> = self
            .indicators()
            .await?
            .into_iter()
            .map(|i| i.code)
            .collect();
        let mut added = 0;
        let (plain, ratios): (Vec<_>, Vec<_>) =
            drafts.iter().partition(|d| d.rollup.numerator.is_none());
        for d in plain.into_iter().chain(ratios) {
            if !existing.contains(&d.code) {
                self.create_indicator(actor, d).await?;
                added += 1;
            }
        }
        Ok(added)
    }

    // ── Plan targets ────────────────────────────────────────────────────────────────────────

    /// Sets (or replaces) a unit's target for a year.
    pub async fn set_target(&self, actor: &AuditActor, target: &PlanTarget) -> Result<PlanTarget> {
        let before = self
            .targets(target.year, &[target.unit_id])
            .await?
            .into_iter()
            .find(|t| t.indicator_id == target.indicator_id);
        write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO plan_targets (year, unit_id, indicator_id, value, note, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (year, unit_id, indicator_id) DO UPDATE SET \
                 value = excluded.value, note = excluded.note, updated_at = excluded.updated_at",
            )
            .bind(i64::from(target.year))
            .bind(target.unit_id.0)
            .bind(target.indicator_id.0)
            .bind(target.value.scaled())
            .bind(target.note.as_deref())
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            bump_rollups(&mut *tx, [RollupChange::Targets(target.unit_id, target.year)]).await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: if before.is_some() { AuditAction::Update } else { AuditAction::Create },
                entity: "plan_target",
                entity_id: format!("{}/{}/{}", target.year, target.unit_id, target.indicator_id),
                unit_id: Some(target.unit_id),
                before: before.as_ref().and_then(snapshot),
                after: snapshot(target),
            }).await?;
        });
        Ok(target.clone())
    }

    /// Removes a target.
    pub async fn delete_target(
        &self,
        actor: &AuditActor,
        year: i16,
        unit: UnitId,
        indicator: IndicatorId,
    ) -> Result<()> {
        let before = self
            .targets(year, &[unit])
            .await?
            .into_iter()
            .find(|t| t.indicator_id == indicator)
            .ok_or(StoreError::NotFound)?;
        write_tx!(self, tx => {
            sqlx::query("DELETE FROM plan_targets WHERE year = $1 AND unit_id = $2 AND indicator_id = $3")
                .bind(i64::from(year))
                .bind(unit.0)
                .bind(indicator.0)
                .execute(&mut *tx)
                .await?;
            bump_rollups(&mut *tx, [RollupChange::Targets(unit, year)]).await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Delete,
                entity: "plan_target",
                entity_id: format!("{year}/{unit}/{indicator}"),
                unit_id: Some(unit),
                before: snapshot(&before),
                after: None,
            }).await?;
        });
        Ok(())
    }

    // ── Forms ───────────────────────────────────────────────────────────────────────────────

    pub async fn forms(&self) -> Result<Vec<ReportForm>> {
        let sql = sqlx::AssertSqlSafe(format!("{FORM_COLUMNS} ORDER BY code"));
        let rows: Vec<FormRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(form_from_row).collect())
    }

    pub async fn form(&self, id: FormId) -> Result<ReportForm> {
        let sql = sqlx::AssertSqlSafe(format!("{FORM_COLUMNS} WHERE id = $1"));
        let row: Option<FormRow> =
            with_pool!(self, pool => sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await)?;
        Ok(form_from_row(row.ok_or(StoreError::NotFound)?))
    }

    pub async fn form_by_code(&self, code: &str) -> Result<ReportForm> {
        let sql = sqlx::AssertSqlSafe(format!("{FORM_COLUMNS} WHERE code = $1"));
        let row: Option<FormRow> = with_pool!(self, pool =>
            sqlx::query_as(sql).bind(code.trim().to_ascii_uppercase()).fetch_optional(pool).await)?;
        Ok(form_from_row(row.ok_or(StoreError::NotFound)?))
    }

    /// A figure must be counted once per unit and period: two active forms of the same period kind
    /// may not share an indicator.
    async fn check_form_overlap(&self, def: &FormDefinition, except: Option<FormId>) -> Result<()> {
        let mine: HashSet<&IndicatorCode> = def.items.iter().map(|i| &i.code).collect();
        for other in self.forms().await? {
            if Some(other.id) == except || !other.active || other.def.period_kind != def.period_kind
            {
                continue;
            }
            if let Some(shared) = other.def.items.iter().find(|i| mine.contains(&i.code)) {
                return Err(invalid(
                    "items",
                    "form.indicator_on_other_form",
                    format!(
                        "Chỉ tiêu {} đã có trên biểu mẫu {} cùng kỳ báo cáo: mỗi số liệu chỉ được báo cáo một lần.",
                        shared.code, other.def.code
                    ),
                    format!(
                        "Indicator {} is already on form {} of the same period kind: each figure is reported once.",
                        shared.code, other.def.code
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A national form (no owner: changed by the administrator only).
    pub async fn create_form(
        &self,
        actor: &AuditActor,
        def: &FormDefinition,
    ) -> Result<ReportForm> {
        self.create_owned_form(actor, def, None).await
    }

    /// A form owned by the territory `owner` (`None`: national).
    pub async fn create_owned_form(
        &self,
        actor: &AuditActor,
        def: &FormDefinition,
        owner: Option<UnitId>,
    ) -> Result<ReportForm> {
        self.check_form_overlap(def, None).await?;
        let id = FormId::new();
        let now = now_micros();
        write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO report_forms (id, code, definition, active, created_at, updated_at, \
                 owner_unit_id) VALUES ($1, $2, $3, $4, $5, $5, $6)",
            )
            .bind(id.0)
            .bind(def.code.as_str())
            .bind(Json(def))
            .bind(true)
            .bind(now)
            .bind(owner.map(|o| o.0))
            .execute(&mut *tx)
            .await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "report_form",
                entity_id: id.to_string(),
                unit_id: owner,
                before: None,
                after: snapshot(def),
            }).await?;
        });
        self.form(id).await
    }

    pub async fn update_form(
        &self,
        actor: &AuditActor,
        id: FormId,
        def: &FormDefinition,
        active: bool,
        expected_version: i64,
    ) -> Result<ReportForm> {
        let before = self.form(id).await?;
        if active {
            self.check_form_overlap(def, Some(id)).await?;
        }
        let updated = write_tx!(self, tx => {
            let n = sqlx::query(
                "UPDATE report_forms SET code = $3, definition = $4, active = $5, updated_at = $6, \
                 version = version + 1 WHERE id = $1 AND version = $2",
            )
            .bind(id.0)
            .bind(expected_version)
            .bind(def.code.as_str())
            .bind(Json(def))
            .bind(active)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: AuditAction::Update,
                    entity: "report_form",
                    entity_id: id.to_string(),
                    unit_id: before.owner_unit_id,
                    before: snapshot(&before),
                    after: snapshot(def),
                }).await?;
            }
            n
        });
        if updated == 0 {
            return Err(StoreError::Conflict(Conflict::Version));
        }
        self.form(id).await
    }

    // ── Submissions ─────────────────────────────────────────────────────────────────────────

    pub async fn submission(&self, id: SubmissionId) -> Result<Submission> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_submission(&mut *conn, id.0).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    /// The unit's submission for a form and period, if it has started one.
    pub async fn find_submission(
        &self,
        form: FormId,
        unit: UnitId,
        period: Period,
    ) -> Result<Option<Submission>> {
        let id: Option<(Uuid,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id FROM submissions WHERE form_id = $1 AND unit_id = $2 AND period = $3")
            .bind(form.0).bind(unit.0).bind(period.code()).fetch_optional(pool).await)?;
        match id {
            None => Ok(None),
            Some((id,)) => self.submission(SubmissionId(id)).await.map(Some),
        }
    }

    /// Every submission of a form for a period (for the completeness board).
    pub async fn submissions_for(
        &self,
        form: FormId,
        period: Period,
    ) -> Result<Vec<SubmissionSummary>> {
        let rows: Vec<SummaryRow> = with_pool!(self, pool => sqlx::query_as(
                "SELECT id, unit_id, status, first_sent_at, sent_at, reason FROM submissions \
                 WHERE form_id = $1 AND period = $2")
                .bind(form.0).bind(period.code()).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|(id, unit, status, first, sent, reason)| {
                Ok(SubmissionSummary {
                    id: SubmissionId(id),
                    unit_id: UnitId(unit),
                    status: SubmissionStatus::parse(&status)
                        .ok_or_else(|| corrupt("status", &status))?,
                    first_sent_at: first.map(ts_from_db).transpose()?,
                    sent_at: sent.map(ts_from_db).transpose()?,
                    reason,
                })
            })
            .collect()
    }

    /// Saves a unit's figures and narrative for a form and period as a draft (creating the
    /// submission when needed). Refused while the report is sent or accepted: its figures count
    /// and are locked. The values replace the previous ones as a whole.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_submission(
        &self,
        actor: &AuditActor,
        form: &ReportForm,
        unit: UnitId,
        period: Period,
        values: &BTreeMap<IndicatorCode, EnteredValue>,
        narrative: &BTreeMap<SectionKind, String>,
        expected_version: Option<i64>,
    ) -> Result<Submission> {
        let ids = self
            .save_submissions(
                actor,
                form,
                period,
                &[SubmissionEntry {
                    unit,
                    values,
                    narrative,
                    expected_version,
                }],
            )
            .await?;
        self.submission(ids[0]).await
    }

    /// Saves the drafts of several units (an Excel file of a district office) in one transaction:
    /// all of them or none. Every entry is checked before the first write.
    pub async fn save_submissions(
        &self,
        actor: &AuditActor,
        form: &ReportForm,
        period: Period,
        entries: &[SubmissionEntry<'_>],
    ) -> Result<Vec<SubmissionId>> {
        giaoban_domain::report::check_period(&form.def, period).map_err(submission_error)?;
        let catalog = self.indicators().await?;
        // Plausibility before aggregation, whoever calls: no figure outside its indicator's bounds
        // is stored, so none can reach a roll-up (the web layer checks the same when parsing).
        for e in entries {
            for (code, v) in e.values {
                if let (EnteredValue::Figure(f), Some(ind)) =
                    (v, catalog.iter().find(|i| &i.code == code))
                {
                    ind.check_bounds(*f)
                        .map_err(|err| implausible(ind, *f, err))?;
                }
            }
        }
        let ids: HashMap<IndicatorCode, IndicatorId> =
            catalog.into_iter().map(|i| (i.code, i.id)).collect();
        let mut prepared = Vec::with_capacity(entries.len());
        for e in entries {
            let existing = self.find_submission(form.id, e.unit, period).await?;
            if let Some(s) = &existing {
                if !s.status.is_editable() {
                    return Err(submission_error(SubmissionError::Locked(s.status)));
                }
                if e.expected_version.is_some_and(|v| v != s.version) {
                    return Err(StoreError::Conflict(Conflict::Version));
                }
            }
            let id = existing.as_ref().map_or_else(SubmissionId::new, |s| s.id);
            prepared.push((e, existing, id));
        }
        let now = now_micros();
        write_tx!(self, tx => {
            for (e, existing, id) in &prepared {
                let (unit, values, narrative, id) = (e.unit, e.values, e.narrative, *id);
                // The figures in one value, written with the submission (an unknown indicator
                // code is refused below, with the values).
                let figures = Figures::new(
                    values
                        .iter()
                        .filter_map(|(code, v)| match (v, ids.get(code)) {
                            (EnteredValue::Figure(f), Some(ind)) => Some((ind.0, f.scaled())),
                            _ => None,
                        })
                        .collect(),
                )
                .encode()?;
                match existing {
                    None => {
                        sqlx::query(
                            "INSERT INTO submissions (id, form_id, unit_id, period, status, narrative, created_at, updated_at, figures) \
                             VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6, $7)",
                        )
                        .bind(id.0)
                        .bind(form.id.0)
                        .bind(unit.0)
                        .bind(period.code())
                        .bind(Json(narrative))
                        .bind(now)
                        .bind(&figures)
                        .execute(&mut *tx)
                        .await?;
                    }
                    Some(s) => {
                        let n = sqlx::query(
                            "UPDATE submissions SET narrative = $3, updated_at = $4, figures = $5, \
                             version = version + 1 \
                             WHERE id = $1 AND version = $2 AND status IN ('draft', 'returned')",
                        )
                        .bind(id.0)
                        .bind(s.version)
                        .bind(Json(narrative))
                        .bind(now)
                        .bind(&figures)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        if n == 0 {
                            return Err(StoreError::Conflict(Conflict::Version));
                        }
                        sqlx::query("DELETE FROM submission_values WHERE submission_id = $1")
                            .bind(id.0)
                            .execute(&mut *tx)
                            .await?;
                    }
                }
                for (code, v) in values {
                    let ind = ids.get(code).ok_or_else(|| invalid(
                        "values",
                        "submission.unknown_indicator",
                        format!("Không có chỉ tiêu mã {code}."),
                        format!("No indicator with code {code}."),
                    ))?;
                    let (num, text) = match v {
                        EnteredValue::Figure(f) => (Some(f.scaled()), None),
                        EnteredValue::Text(t) => (None, Some(t.as_str())),
                    };
                    sqlx::query(
                        "INSERT INTO submission_values (submission_id, indicator_id, value, text_value) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id.0)
                    .bind(ind.0)
                    .bind(num)
                    .bind(text)
                    .execute(&mut *tx)
                    .await?;
                }
                let after = load_submission(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: if existing.is_some() { AuditAction::Update } else { AuditAction::Create },
                    entity: "submission",
                    entity_id: id.to_string(),
                    unit_id: Some(unit),
                    before: existing.as_ref().and_then(snapshot),
                    after: snapshot(&after),
                }).await?;
            }
        });
        Ok(prepared.iter().map(|(_, _, id)| *id).collect())
    }

    /// Sends, returns, accepts or reopens a submission at `at`, keeping the aggregates current in
    /// the same transaction (a unit of work of one action; see
    /// [`crate::unit_of_work::UnitOfWork::act_on_submission`]).
    pub async fn act_on_submission(
        &self,
        actor: &AuditActor,
        id: SubmissionId,
        action: &SubmissionAction,
        expected_version: i64,
        at: Timestamp,
    ) -> Result<Submission> {
        let mut uow = self.begin().await?;
        let after = uow
            .act_on_submission(actor, id, action, expected_version, at)
            .await?;
        uow.commit().await?;
        Ok(after)
    }

    // ── Aggregates ──────────────────────────────────────────────────────────────────────────

    /// Every aggregate, ordered by indicator, period and unit (for comparing with a rebuild).
    pub async fn all_aggregates(&self) -> Result<Vec<AggregateRow>> {
        let stored: Vec<(Uuid, String, Vec<u8>)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT unit_id, period, totals FROM aggregate_sets").fetch_all(pool).await)?;
        let mut rows = sets::rows_of(stored)?;
        rows.sort_by(|a, b| {
            (a.indicator_id.0, &a.period, a.unit_id.0).cmp(&(
                b.indicator_id.0,
                &b.period,
                b.unit_id.0,
            ))
        });
        Ok(rows)
    }

    /// Every counted figure (of a sent or accepted report): its unit, period, indicator and value,
    /// for exports and the benchmarks that compare the roll-ups with other tools.
    pub async fn counted_figures(&self) -> Result<Vec<CountedFigure>> {
        // One row per submission: its figures are kept in one value (`submissions.figures`).
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT unit_id, period, figures FROM submissions WHERE status IN {COUNTED}"
        ));
        let rows: Vec<(Uuid, String, Option<Vec<u8>>)> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        let mut out = Vec::new();
        for (unit, period, column) in rows {
            let period = crate::convert::period_from_db(&period)?;
            let figures = Figures::of_column(column.as_deref())?;
            out.extend(figures.iter().map(|(ind, v)| CountedFigure {
                unit_id: UnitId(unit),
                period,
                indicator_id: IndicatorId(ind),
                value: Figure::from_scaled(v),
            }));
        }
        Ok(out)
    }

    /// Recomputes every aggregate from the counted figures, in one transaction.
    ///
    /// Period by period (only one period's sets are held at a time): reads the figures of the
    /// period's counted submissions (one value each, `submissions.figures`), folds each figure into
    /// the set of every roll-up target of its unit (the unit, its ancestors and, for a merged unit,
    /// its successor), and writes the period's sets, [`REBUILD_BATCH`] per statement.
    pub async fn rebuild_aggregates(&self, actor: &AuditActor) -> Result<RebuildSummary> {
        let units = self.units().await?;
        let targets = rollup_targets_of(&units);
        let summary = write_tx!(self, tx => {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT DISTINCT period FROM submissions WHERE status IN {COUNTED}"
            ));
            let periods: Vec<(String,)> = sqlx::query_as(sql).fetch_all(&mut *tx).await?;
            sqlx::query("DELETE FROM aggregate_sets").execute(&mut *tx).await?;
            bump_rollups(&mut *tx, [RollupChange::All]).await?;
            let (mut figures, mut aggregates) = (0_u64, 0_u64);
            for (period,) in &periods {
                let (f, a) = rebuild_period(&mut *tx, period, &targets).await?;
                figures += f;
                aggregates += a;
            }
            let summary = RebuildSummary { figures, aggregates };
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "aggregates",
                entity_id: "rebuild".into(),
                unit_id: None,
                before: None,
                after: snapshot(&summary),
            }).await?;
            summary
        });
        Ok(summary)
    }

    /// Brings the roll-ups up to date after the place or lineage of `changed` units changed (a
    /// parent, a `merged_into`, successors loaded for a reorganisation), in one transaction.
    ///
    /// Aggregates are kept on write, so a unit given a successor after it reported (the 2025
    /// reorganisation loaded onto years of history) leaves the successor's past roll-ups without
    /// its figures until they are rebuilt. This rebuilds, from the counted figures and the
    /// directory as it is now, every period in which one of the units concerned has a counted
    /// figure: the `changed` units, every unit under them and every unit merged into one of those,
    /// at any remove ([`lineage_sources`]). A period is rebuilt whole, so the sets of a former
    /// parent or successor are put right too (a successor taken away loses the figures). Periods
    /// in which none of them reported are left as they are. Records one audit entry (the units and
    /// the periods rebuilt) when it rebuilt anything.
    ///
    /// The reorganisation loader calls it once after loading, with every unit it changed.
    pub async fn rebuild_rollups_for_units(
        &self,
        actor: &AuditActor,
        changed: &[UnitId],
    ) -> Result<RebuildSummary> {
        let units = self.units().await?;
        let sources: HashSet<Uuid> = lineage_sources(&units, changed)
            .into_iter()
            .map(|u| u.0)
            .collect();
        let targets = rollup_targets_of(&units);
        let summary = write_tx!(self, tx => {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT DISTINCT unit_id, period FROM submissions WHERE status IN {COUNTED}"
            ));
            let reported: Vec<(Uuid, String)> = sqlx::query_as(sql).fetch_all(&mut *tx).await?;
            let periods: BTreeSet<String> = reported
                .into_iter()
                .filter(|(u, _)| sources.contains(u))
                .map(|(_, p)| p)
                .collect();
            let (mut figures, mut aggregates) = (0_u64, 0_u64);
            if !periods.is_empty() {
                for period in &periods {
                    let (f, a) = rebuild_period(&mut *tx, period, &targets).await?;
                    figures += f;
                    aggregates += a;
                }
                bump_rollups(&mut *tx, [RollupChange::All]).await?;
                let summary = RebuildSummary { figures, aggregates };
                let mut ids: Vec<String> = changed.iter().map(ToString::to_string).collect();
                ids.sort();
                ids.dedup();
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: AuditAction::Update,
                    entity: "aggregates",
                    entity_id: "rebuild_lineage".into(),
                    unit_id: None,
                    before: None,
                    after: Some(serde_json::json!({
                        "units": ids,
                        "periods": periods,
                        "figures": summary.figures,
                        "aggregates": summary.aggregates,
                    })),
                }).await?;
            }
            RebuildSummary { figures, aggregates }
        });
        Ok(summary)
    }

    /// Fills the figures column of submissions written before migration 0010 from their
    /// `submission_values`, a batch per transaction. Returns how many were filled.
    pub(crate) async fn fill_submission_figures(&self) -> Result<usize> {
        let mut filled = 0;
        loop {
            let n = write_tx!(self, tx => {
                let batch: Vec<(Uuid,)> = sqlx::query_as(
                    "SELECT id FROM submissions WHERE figures IS NULL ORDER BY id LIMIT 500",
                )
                .fetch_all(&mut *tx)
                .await?;
                for (id,) in &batch {
                    let values: Vec<(Uuid, i64)> = sqlx::query_as(
                        "SELECT indicator_id, value FROM submission_values \
                         WHERE submission_id = $1 AND value IS NOT NULL",
                    )
                    .bind(*id)
                    .fetch_all(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE submissions SET figures = $2 WHERE id = $1")
                        .bind(*id)
                        .bind(Figures::new(values).encode()?)
                        .execute(&mut *tx)
                        .await?;
                }
                batch.len()
            });
            if n == 0 {
                return Ok(filled);
            }
            filled += n;
        }
    }

    /// Rebuilds the aggregates of a database that has counted figures and no aggregate set
    /// (written before migration 0010, which does not copy the totals of the old table). Returns
    /// whether it did.
    pub(crate) async fn fill_aggregate_sets(&self) -> Result<bool> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT NOT EXISTS (SELECT 1 FROM aggregate_sets) \
             AND EXISTS (SELECT 1 FROM submissions s JOIN submission_values v ON v.submission_id = s.id \
             WHERE s.status IN {COUNTED} AND v.value IS NOT NULL)"
        ));
        let (missing,): (bool,) =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_one(pool).await)?;
        if missing {
            self.rebuild_aggregates(&AuditActor::system("migrate"))
                .await?;
        }
        Ok(missing)
    }

    /// Records a reminder about a report unless the same one was recorded before; true when new.
    pub async fn add_report_reminder(
        &self,
        form: FormId,
        unit: UnitId,
        period: Period,
        kind: &str,
    ) -> Result<bool> {
        let n = write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO report_reminders (form_id, unit_id, period, kind, created_at) \
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (form_id, unit_id, period, kind) DO NOTHING",
            )
            .bind(form.0)
            .bind(unit.0)
            .bind(period.code())
            .bind(kind)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?
            .rows_affected()
        });
        Ok(n == 1)
    }

    /// The report reminders of a unit, newest first: (form, period, kind, when).
    pub async fn report_reminders(
        &self,
        unit: UnitId,
        limit: u32,
    ) -> Result<Vec<(FormId, Period, String, Timestamp)>> {
        let rows: Vec<(Uuid, String, String, i64)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT form_id, period, kind, created_at FROM report_reminders WHERE unit_id = $1 \
             ORDER BY created_at DESC LIMIT $2")
            .bind(unit.0).bind(i64::from(limit)).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|(f, p, k, at)| {
                Ok((
                    FormId(f),
                    crate::convert::period_from_db(&p)?,
                    k,
                    ts_from_db(at)?,
                ))
            })
            .collect()
    }
}

impl crate::unit_of_work::UnitOfWork<'_> {
    /// Sends, returns, accepts or reopens a submission at `at` in the unit's transaction, keeping
    /// the aggregates current in it.
    pub async fn act_on_submission(
        &mut self,
        actor: &AuditActor,
        id: SubmissionId,
        action: &SubmissionAction,
        expected_version: i64,
        at: Timestamp,
    ) -> Result<Submission> {
        // The submission as this transaction sees it (after the unit's earlier writes); the unit
        // directory and the catalog are read from the store.
        let before = in_tx!(self, tx => load_submission(&mut *tx, id.0).await?)
            .ok_or(StoreError::NotFound)?;
        let store = self.store;
        if before.version != expected_version {
            return Err(StoreError::Conflict(Conflict::Version));
        }
        let next = transition(before.status, action).map_err(submission_error)?;
        let units = store.units().await?;
        let tree = UnitTree::new(&units);
        let indicators = store.indicators().await?;
        let ids: HashMap<&IndicatorCode, IndicatorId> =
            indicators.iter().map(|i| (&i.code, i.id)).collect();
        let items = items_of(&before, &ids, &tree);
        let counts_now = next.is_counted();
        let counted_before = before.status.is_counted();
        if counts_now && !counted_before {
            // A draft saved before figures were bounded may hold an absurd one: it is not sent.
            for (code, v) in &before.values {
                if let (EnteredValue::Figure(f), Some(ind)) =
                    (v, indicators.iter().find(|i| &i.code == code))
                {
                    ind.check_bounds(*f)
                        .map_err(|err| implausible(ind, *f, err))?;
                }
            }
        }
        let at = ts_to_db(at);
        let reason = match action {
            SubmissionAction::Return { reason } | SubmissionAction::Reopen { reason } => {
                Some(reason.trim().to_owned())
            }
            _ => None,
        };
        let after = in_tx!(self, tx => {
            if counts_now && !counted_before {
                // The same figure must not count twice through another form of the unit.
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM submission_values v JOIN submissions s ON s.id = v.submission_id \
                     WHERE s.unit_id = $1 AND s.period = $2 AND s.id <> $3 AND s.status IN {COUNTED} \
                     AND v.indicator_id IN (SELECT indicator_id FROM submission_values WHERE submission_id = $3)"
                ));
                let (dup,): (i64,) = sqlx::query_as(sql)
                    .bind(before.unit_id.0)
                    .bind(before.period.code())
                    .bind(id.0)
                    .fetch_one(&mut *tx)
                    .await?;
                if dup > 0 {
                    return Err(invalid(
                        "values",
                        "submission.counted_twice",
                        "Đơn vị đã gửi số liệu của chỉ tiêu này cho cùng kỳ qua biểu mẫu khác.".into(),
                        "The unit already sent figures of these indicators for the period on another form.".into(),
                    ));
                }
            }
            let n = match action {
                SubmissionAction::Submit => sqlx::query(
                    "UPDATE submissions SET status = $3, sent_at = $4, \
                     first_sent_at = COALESCE(first_sent_at, $4), updated_at = $5, version = version + 1 \
                     WHERE id = $1 AND version = $2",
                )
                .bind(id.0)
                .bind(expected_version)
                .bind(next.code())
                .bind(at)
                .bind(now_micros())
                .execute(&mut *tx)
                .await?
                .rows_affected(),
                _ => sqlx::query(
                    "UPDATE submissions SET status = $3, decided_at = $4, decided_by = $5, reason = $6, \
                     updated_at = $7, version = version + 1 WHERE id = $1 AND version = $2",
                )
                .bind(id.0)
                .bind(expected_version)
                .bind(next.code())
                .bind(at)
                .bind(actor.name.as_str())
                .bind(reason.as_deref())
                .bind(now_micros())
                .execute(&mut *tx)
                .await?
                .rows_affected(),
            };
            if n == 0 {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            if counts_now && !counted_before {
                add_to_aggregates(&mut *tx, &items).await?;
            } else if counted_before && !counts_now {
                remove_from_aggregates(&mut *tx, &items, &tree).await?;
            }
            let after = load_submission(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "submission",
                entity_id: id.to_string(),
                unit_id: Some(before.unit_id),
                before: snapshot(&before),
                after: snapshot(&after),
            }).await?;
            after
        });
        Ok(after)
    }
}
