//! What roll-ups are read from — the aggregates of units and periods, the plan targets of units for
//! a year — kept by the store between requests and brought up to date by reading again only what
//! changed.
//!
//! Every transaction that writes aggregates or targets bumps the revision `rollups` and records, at
//! the new revision, what it changed (`rollup_changes`: a unit's aggregates for a period, a unit's
//! targets for a year, or everything for a rebuild). A read first compares the revision with the
//! one its kept copy was read at: equal, the copy is served. Otherwise, in one snapshot (a read
//! transaction), it reads the revision, the changes recorded since the copy's revision and the rows
//! of the changed (unit, period) or (unit, year) pairs that the read covers, and replaces those in
//! the copy. Without a copy, with more changes than [`PAIRS_READ_AGAIN`] or when some revision's
//! changes are no longer recorded (the last [`CHANGES_KEPT`] are) or were a rebuild, it reads
//! everything again. Because the revision, the changes and the rows come from one snapshot, a copy
//! is exactly the data of its revision, and a write committed after it is always seen by the next
//! read: a roll-up is never served stale, on any server sharing the database.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use giaoban_domain::indicator::{Figure, IndicatorId, PlanTarget};
use giaoban_domain::period::Period;
use giaoban_domain::unit::UnitId;
use uuid::Uuid;

use super::AggregateRow;
use super::sets::rows_of;
use crate::{Conn, Result, Store, on_conn, read_tx, with_pool};

/// Revisions whose changes stay recorded; a kept copy older than that is read again whole.
pub(crate) const CHANGES_KEPT: i64 = 1024;

/// Most changed pairs read again to bring one kept copy up to date; past it, all is read again.
const PAIRS_READ_AGAIN: usize = 64;

/// Most reads of each kind kept, and most rows in them (about 110 bytes each: 400 000 aggregate
/// rows take some 44 MB); past either, the reads used least recently are dropped. A province's
/// pages read a few thousand rows each; the rows bound keeps the whole nation's roll-up of a
/// quarter (331 units × 3 months × 200 indicators) beside the pages of a few hundred units.
const ROLLUP_READS_KEPT: usize = 512;
const ROLLUP_ROWS_KEPT: usize = 400_000;

const REVISION_SQL: &str = "SELECT value FROM revisions WHERE name = 'rollups'";

/// What one write changed, recorded with its bump of the revision `rollups`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum RollupChange {
    /// The aggregates of a unit for a period (its code).
    Aggregates(UnitId, String),
    /// The plan targets of a unit for a year.
    Targets(UnitId, i16),
    /// Everything (a rebuild).
    All,
}

impl RollupChange {
    /// The `rollup_changes` columns kind, unit and scope.
    pub(crate) fn columns(&self) -> (&'static str, Option<Uuid>, Option<String>) {
        match self {
            RollupChange::Aggregates(u, p) => ("aggregates", Some(u.0), Some(p.clone())),
            RollupChange::Targets(u, y) => ("targets", Some(u.0), Some(y.to_string())),
            RollupChange::All => ("all", None, None),
        }
    }

    fn from_columns(kind: &str, unit: Option<Uuid>, scope: Option<String>) -> Option<Self> {
        match (kind, unit, scope) {
            ("aggregates", Some(u), Some(p)) => Some(RollupChange::Aggregates(UnitId(u), p)),
            ("targets", Some(u), Some(y)) => {
                Some(RollupChange::Targets(UnitId(u), y.parse().ok()?))
            }
            ("all", _, _) => Some(RollupChange::All),
            _ => None,
        }
    }
}

/// The changes of the revisions after `from` up to `to`, from their `rollup_changes` rows, if
/// every one of those revisions is still recorded, none of them was a rebuild and every row reads.
fn changes_between(
    rows: Vec<(i64, String, Option<Uuid>, Option<String>)>,
    from: i64,
    to: i64,
) -> Option<Vec<RollupChange>> {
    let revisions: HashSet<i64> = rows.iter().map(|r| r.0).collect();
    if i64::try_from(revisions.len()).ok()? != to - from {
        return None;
    }
    rows.into_iter()
        .map(|(_, kind, unit, scope)| {
            RollupChange::from_columns(&kind, unit, scope).filter(|c| *c != RollupChange::All)
        })
        .collect()
}

/// Reads the changes recorded after revision `from` up to `to` through `conn` (see
/// [`changes_between`]).
async fn changes_since<'c>(
    conn: impl Into<Conn<'c>>,
    from: i64,
    to: i64,
) -> Result<Option<Vec<RollupChange>>> {
    let rows: Vec<(i64, String, Option<Uuid>, Option<String>)> = on_conn!(conn.into(), ex => {
        sqlx::query_as(
            "SELECT revision, kind, unit_id, scope FROM rollup_changes \
             WHERE revision > $1 AND revision <= $2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(ex)
        .await?
    });
    Ok(changes_between(rows, from, to))
}

/// Reads the aggregates of `units` × `periods` through `conn`.
async fn read_aggregates<'c>(
    conn: impl Into<Conn<'c>>,
    units: &[UnitId],
    periods: &[String],
) -> Result<Vec<AggregateRow>> {
    let up = (0..units.len())
        .map(|i| format!("${}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let pp = (0..periods.len())
        .map(|i| format!("${}", i + 1 + units.len()))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT unit_id, period, totals FROM aggregate_sets \
         WHERE unit_id IN ({up}) AND period IN ({pp})"
    );
    let sets: Vec<(Uuid, String, Vec<u8>)> = on_conn!(conn.into(), ex => {
        let q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        let q = units.iter().fold(q, |q, u| q.bind(u.0));
        let q = periods.iter().fold(q, |q, p| q.bind(p.as_str()));
        q.fetch_all(ex).await?
    });
    rows_of(sets)
}

/// Reads the targets of `units` for the year `year` through `conn`.
async fn read_targets<'c>(
    conn: impl Into<Conn<'c>>,
    year: i16,
    units: &[UnitId],
) -> Result<Vec<PlanTarget>> {
    let placeholders = (0..units.len())
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT year, unit_id, indicator_id, value, note FROM plan_targets \
         WHERE year = $1 AND unit_id IN ({placeholders})"
    );
    let rows: Vec<(i64, Uuid, Uuid, i64, Option<String>)> = on_conn!(conn.into(), ex => {
        let q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(i64::from(year));
        let q = units.iter().fold(q, |q, u| q.bind(u.0));
        q.fetch_all(ex).await?
    });
    Ok(rows
        .into_iter()
        .map(|(y, u, i, v, note)| PlanTarget {
            year: i16::try_from(y).unwrap_or(year),
            unit_id: UnitId(u),
            indicator_id: IndicatorId(i),
            value: Figure::from_scaled(v),
            note,
        })
        .collect())
}

/// The kept roll-up reads of a store (see the module's documentation).
#[derive(Default)]
pub struct RollupCache {
    kept: Mutex<KeptRollups>,
}

type AggregateKey = (Vec<Uuid>, Vec<String>);
type TargetKey = (i16, Vec<Uuid>);

#[derive(Default)]
struct KeptRollups {
    aggregates: KeptReads<AggregateKey, AggregateRow>,
    targets: KeptReads<TargetKey, PlanTarget>,
}

/// One kept read: its rows, the revision they are the data of, and when it was last used.
struct Kept<V> {
    revision: i64,
    rows: Arc<Vec<V>>,
    used: u64,
}

/// Reads of one kind.
struct KeptReads<K, V> {
    reads: HashMap<K, Kept<V>>,
    clock: u64,
}

impl<K, V> Default for KeptReads<K, V> {
    fn default() -> Self {
        KeptReads {
            reads: HashMap::new(),
            clock: 0,
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone, V> KeptReads<K, V> {
    /// The kept read of `key` with its revision, marked as used.
    fn latest(&mut self, key: &K) -> Option<(i64, Arc<Vec<V>>)> {
        self.clock += 1;
        let clock = self.clock;
        self.reads.get_mut(key).map(|k| {
            k.used = clock;
            (k.revision, Arc::clone(&k.rows))
        })
    }

    /// Keeps the rows of `key` as of `revision`, unless a later revision's are kept already;
    /// drops the reads used least recently while more than [`ROLLUP_READS_KEPT`] reads or
    /// [`ROLLUP_ROWS_KEPT`] rows would be kept (a read larger than that alone is not kept).
    fn keep(&mut self, key: K, revision: i64, rows: Arc<Vec<V>>) {
        if self.reads.get(&key).is_some_and(|k| k.revision > revision) {
            return;
        }
        self.reads.remove(&key);
        if rows.len() > ROLLUP_ROWS_KEPT {
            return;
        }
        let mut held: usize = self.reads.values().map(|k| k.rows.len()).sum();
        while self.reads.len() >= ROLLUP_READS_KEPT || held + rows.len() > ROLLUP_ROWS_KEPT {
            let Some(oldest) = self
                .reads
                .iter()
                .min_by_key(|(_, k)| k.used)
                .map(|(key, _)| key.clone())
            else {
                break;
            };
            if let Some(dropped) = self.reads.remove(&oldest) {
                held -= dropped.rows.len();
            }
        }
        self.clock += 1;
        let used = self.clock;
        self.reads.insert(
            key,
            Kept {
                revision,
                rows,
                used,
            },
        );
    }
}

impl RollupCache {
    fn lock(&self) -> std::sync::MutexGuard<'_, KeptRollups> {
        self.kept
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// `kept` without the rows `stale` picks, followed by `fresh`.
fn patched<V: Clone>(kept: &[V], stale: impl Fn(&V) -> bool, fresh: Vec<V>) -> Vec<V> {
    kept.iter()
        .filter(|v| !stale(v))
        .cloned()
        .chain(fresh)
        .collect()
}

/// One kind of kept reads, picked out of the store's.
type Pick<K, V> = fn(&mut KeptRollups) -> &mut KeptReads<K, V>;

impl Store {
    /// The revision of what roll-ups are read from.
    async fn rollup_revision(&self) -> Result<i64> {
        let (revision,): (i64,) =
            with_pool!(self, pool => sqlx::query_as(REVISION_SQL).fetch_one(pool).await)?;
        Ok(revision)
    }

    /// The kept read of `key`: `Ok` with its rows when it is of the current revision, else `Err`
    /// with the copy to bring up to date, if there is one.
    async fn kept_read<K: std::hash::Hash + Eq + Clone, V: Clone>(
        &self,
        pick: Pick<K, V>,
        key: &K,
    ) -> Result<std::result::Result<Vec<V>, Option<(i64, Arc<Vec<V>>)>>> {
        let kept = pick(&mut self.rollups.lock()).latest(key);
        let revision = self.rollup_revision().await?;
        Ok(match kept {
            Some((r, rows)) if r == revision => Ok(rows.as_ref().clone()),
            kept => Err(kept),
        })
    }

    /// Keeps the rows of `key` read at `revision` and hands them out.
    fn keep_read<K: std::hash::Hash + Eq + Clone, V: Clone>(
        &self,
        pick: Pick<K, V>,
        key: K,
        revision: i64,
        rows: Arc<Vec<V>>,
    ) -> Vec<V> {
        pick(&mut self.rollups.lock()).keep(key, revision, Arc::clone(&rows));
        Arc::unwrap_or_clone(rows)
    }

    /// The aggregates of the given units and periods (every indicator), from the kept copy
    /// brought up to date (see the module's documentation).
    pub async fn aggregates(
        &self,
        units: &[UnitId],
        periods: &[Period],
    ) -> Result<Vec<AggregateRow>> {
        if units.is_empty() || periods.is_empty() {
            return Ok(Vec::new());
        }
        // The stored text of each period: the key of the kept copy and of the changes.
        let periods: Vec<String> = periods.iter().map(Period::code).collect();
        let periods = periods.as_slice();
        let key: AggregateKey = (units.iter().map(|u| u.0).collect(), periods.to_vec());
        let kept = match self.kept_read(|k| &mut k.aggregates, &key).await? {
            Ok(rows) => return Ok(rows),
            Err(kept) => kept,
        };
        let (revision, rows) = read_tx!(self, tx => {
            let (revision,): (i64,) = sqlx::query_as(REVISION_SQL).fetch_one(&mut *tx).await?;
            let mut rows = None;
            if let Some((r, kept_rows)) = &kept
                && (1..=CHANGES_KEPT).contains(&(revision - r))
                && let Some(changes) = changes_since(&mut *tx, *r, revision).await?
            {
                let pairs: HashSet<(UnitId, &str)> = changes
                    .iter()
                    .filter_map(|c| match c {
                        RollupChange::Aggregates(u, p)
                            if units.contains(u) && periods.contains(p) =>
                        {
                            Some((*u, p.as_str()))
                        }
                        _ => None,
                    })
                    .collect();
                if pairs.is_empty() {
                    rows = Some(Arc::clone(kept_rows));
                } else if pairs.len() <= PAIRS_READ_AGAIN {
                    let mut fresh = Vec::new();
                    for (u, p) in &pairs {
                        let got: Vec<(Uuid, String, Vec<u8>)> = sqlx::query_as(
                            "SELECT unit_id, period, totals FROM aggregate_sets \
                             WHERE unit_id = $1 AND period = $2",
                        )
                        .bind(u.0)
                        .bind(*p)
                        .fetch_all(&mut *tx)
                        .await?;
                        fresh.extend(rows_of(got)?);
                    }
                    rows = Some(Arc::new(patched(
                        kept_rows,
                        |a| pairs.contains(&(a.unit_id, a.period.code().as_str())),
                        fresh,
                    )));
                }
            }
            let rows = match rows {
                Some(rows) => rows,
                None => Arc::new(read_aggregates(&mut *tx, units, periods).await?),
            };
            (revision, rows)
        });
        Ok(self.keep_read(|k| &mut k.aggregates, key, revision, rows))
    }

    /// The targets of a year for the given units, from the kept copy brought up to date (see the
    /// module's documentation).
    pub async fn targets(&self, year: i16, units: &[UnitId]) -> Result<Vec<PlanTarget>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let key: TargetKey = (year, units.iter().map(|u| u.0).collect());
        let kept = match self.kept_read(|k| &mut k.targets, &key).await? {
            Ok(rows) => return Ok(rows),
            Err(kept) => kept,
        };
        let (revision, rows) = read_tx!(self, tx => {
            let (revision,): (i64,) = sqlx::query_as(REVISION_SQL).fetch_one(&mut *tx).await?;
            let mut rows = None;
            if let Some((r, kept_rows)) = &kept
                && (1..=CHANGES_KEPT).contains(&(revision - r))
                && let Some(changes) = changes_since(&mut *tx, *r, revision).await?
            {
                let touched: Vec<UnitId> = changes
                    .iter()
                    .filter_map(|c| match c {
                        RollupChange::Targets(u, y) if *y == year && units.contains(u) => Some(*u),
                        _ => None,
                    })
                    .collect::<HashSet<_>>()
                    .into_iter()
                    .collect();
                if touched.is_empty() {
                    rows = Some(Arc::clone(kept_rows));
                } else if touched.len() <= PAIRS_READ_AGAIN {
                    let fresh = read_targets(&mut *tx, year, &touched).await?;
                    rows = Some(Arc::new(patched(
                        kept_rows,
                        |t| touched.contains(&t.unit_id),
                        fresh,
                    )));
                }
            }
            let rows = match rows {
                Some(rows) => rows,
                None => Arc::new(read_targets(&mut *tx, year, units).await?),
            };
            (revision, rows)
        });
        Ok(self.keep_read(|k| &mut k.targets, key, revision, rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(revision: i64, change: &RollupChange) -> (i64, String, Option<Uuid>, Option<String>) {
        let (kind, unit, scope) = change.columns();
        (revision, kind.to_owned(), unit, scope)
    }

    #[test]
    fn changes_are_used_only_when_every_revision_is_recorded_and_none_is_a_rebuild() {
        let u = UnitId(Uuid::from_u128(7));
        let a = RollupChange::Aggregates(u, "202303".into());
        let t = RollupChange::Targets(u, 2023);
        // Revisions 4 and 5 after 3: both recorded.
        let got = changes_between(vec![row(4, &a), row(5, &t), row(5, &a)], 3, 5);
        assert_eq!(got, Some(vec![a.clone(), t.clone(), a.clone()]));
        // Revision 5's changes pruned.
        assert_eq!(changes_between(vec![row(4, &a)], 3, 5), None);
        // A rebuild among them.
        assert_eq!(
            changes_between(vec![row(4, &a), row(5, &RollupChange::All)], 3, 5),
            None
        );
        // A row that does not read (a year that is not a number).
        let bad = (4, "targets".to_owned(), Some(u.0), Some("năm".to_owned()));
        assert_eq!(changes_between(vec![bad], 3, 4), None);
        // Every kind reads back as written.
        for c in [a, t, RollupChange::All] {
            let (kind, unit, scope) = c.columns();
            assert_eq!(RollupChange::from_columns(kind, unit, scope), Some(c));
        }
    }

    #[test]
    fn a_full_cache_drops_the_read_used_least_recently_and_never_an_older_revision_over_a_newer() {
        let mut kept: KeptReads<u32, u8> = KeptReads::default();
        for k in 0..ROLLUP_READS_KEPT as u32 {
            kept.keep(k, 1, Arc::new(vec![1]));
        }
        assert!(kept.latest(&0).is_some()); // 0 used again: 1 is now the least recent
        kept.keep(1000, 1, Arc::new(vec![2]));
        assert_eq!(kept.reads.len(), ROLLUP_READS_KEPT);
        assert!(kept.latest(&1).is_none());
        assert!(kept.latest(&0).is_some());
        kept.keep(0, 5, Arc::new(vec![5]));
        kept.keep(0, 4, Arc::new(vec![4]));
        assert_eq!(kept.latest(&0).map(|(r, rows)| (r, rows[0])), Some((5, 5)));
    }

    #[test]
    fn the_rows_kept_stay_within_the_bound_dropping_the_reads_used_least_recently() {
        let mut kept: KeptReads<u32, u8> = KeptReads::default();
        let quarter = ROLLUP_ROWS_KEPT / 4;
        for k in 0..3 {
            kept.keep(k, 1, Arc::new(vec![0; quarter]));
        }
        assert!(kept.latest(&0).is_some()); // 1 is now the least recent
        kept.keep(10, 1, Arc::new(vec![0; 2 * quarter]));
        let held: usize = kept.reads.values().map(|k| k.rows.len()).sum();
        assert!(held <= ROLLUP_ROWS_KEPT, "{held} rows kept");
        assert!(
            kept.latest(&1).is_none(),
            "the least recent read is dropped"
        );
        assert!(kept.latest(&0).is_some() && kept.latest(&10).is_some());
        // A read larger than the bound is served but not kept, and drops nothing.
        kept.keep(11, 1, Arc::new(vec![0; ROLLUP_ROWS_KEPT + 1]));
        assert!(kept.latest(&11).is_none());
        assert!(kept.latest(&0).is_some());
    }
}
