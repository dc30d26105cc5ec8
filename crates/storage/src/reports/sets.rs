//! The aggregates of one unit for one period — every indicator's total in one value, the
//! `totals` of a row of `aggregate_sets` (migration 0010).
//!
//! A roll-up reads all indicators of a few units and periods together, a report sent adds its
//! figures to a few (unit, period) totals together and a rebuild writes them all: one row per unit
//! and period serves each of them with a few rows where one row per indicator took hundreds or
//! hundreds of thousands (a province's quarter: 66 rows instead of 13 200; a rebuild: 4 000 instead
//! of 800 000). The value is the list of the indicators' totals sorted by indicator, each
//! (indicator, sum, count, min, max) in scaled integers, encoded with postcard.

use giaoban_domain::indicator::{Aggregate, Figure, IndicatorId};
use giaoban_domain::period::Period;
use giaoban_domain::unit::UnitId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::AggregateRow;
use crate::convert::period_from_db;
use crate::{Result, StoreError};

/// The total of one indicator's counted figures.
///
/// The sum is an i128 so that adding one unit's figure never fails, whatever another unit sent
/// (figures are bounded when saved, `indicator::FIGURE_LIMIT`, but older data may hold any i64).
/// postcard writes every signed integer as a zigzag varint, so an i128 that fits in an i64 has
/// the same bytes as that i64: sets written before the change read back unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Total {
    pub indicator: Uuid,
    pub sum: i128,
    pub count: i64,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

impl Total {
    pub fn first(indicator: Uuid, v: i64) -> Total {
        Total {
            indicator,
            sum: i128::from(v),
            count: 1,
            min: Some(v),
            max: Some(v),
        }
    }

    /// Adds one figure. Never fails: 2^64 figures of any i64 fit in the i128 sum.
    pub fn add(&mut self, v: i64) {
        self.sum += i128::from(v);
        self.count += 1;
        self.min = Some(self.min.map_or(v, |m| m.min(v)));
        self.max = Some(self.max.map_or(v, |m| m.max(v)));
    }
}

/// The totals of one unit for one period, sorted by indicator, one per indicator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Totals(Vec<Total>);

impl Totals {
    pub fn decode(bytes: &[u8]) -> Result<Totals> {
        let totals: Vec<Total> = postcard::from_bytes(bytes)
            .map_err(|e| StoreError::Corrupt(format!("aggregate set: {e}")))?;
        if !totals.windows(2).all(|w| w[0].indicator < w[1].indicator) {
            return Err(StoreError::Corrupt(
                "aggregate set: indicators out of order".into(),
            ));
        }
        Ok(Totals(totals))
    }

    pub fn encode(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(&self.0).map_err(|e| StoreError::Corrupt(format!("aggregate set: {e}")))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Counts one more figure of `indicator`. Never fails, whatever the figures already counted.
    pub fn add(&mut self, indicator: Uuid, v: i64) {
        match self.0.binary_search_by_key(&indicator, |t| t.indicator) {
            Ok(i) => self.0[i].add(v),
            Err(i) => self.0.insert(i, Total::first(indicator, v)),
        }
    }

    /// Stops counting one figure of `indicator`; its total goes when no figure is left. The
    /// minimum and maximum are left as they were: the caller sets them from the figures still
    /// counted ([`Totals::set_bounds`]).
    pub fn take(&mut self, indicator: Uuid, v: i64) {
        if let Ok(i) = self.0.binary_search_by_key(&indicator, |t| t.indicator) {
            let t = &mut self.0[i];
            t.sum -= i128::from(v);
            t.count -= 1;
            if t.count <= 0 {
                self.0.remove(i);
            }
        }
    }

    pub fn set_bounds(&mut self, indicator: Uuid, min: i64, max: i64) {
        if let Ok(i) = self.0.binary_search_by_key(&indicator, |t| t.indicator) {
            self.0[i].min = Some(min);
            self.0[i].max = Some(max);
        }
    }

    /// The totals as aggregate rows of `unit` and `period`.
    pub fn into_rows(self, unit: UnitId, period: Period) -> impl Iterator<Item = AggregateRow> {
        self.0.into_iter().map(move |t| AggregateRow {
            indicator_id: IndicatorId(t.indicator),
            period,
            unit_id: unit,
            aggregate: Aggregate {
                sum: Figure::from_wide_sum(t.sum),
                count: t.count,
                min: t.min.map(Figure::from_scaled),
                max: t.max.map(Figure::from_scaled),
            },
        })
    }
}

/// A submission's figures (`submissions.figures`): (indicator, scaled value), sorted by indicator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Figures(Vec<(Uuid, i64)>);

impl Figures {
    /// The figures, one per indicator, in any order.
    pub fn new(mut figures: Vec<(Uuid, i64)>) -> Figures {
        figures.sort_unstable_by_key(|f| f.0);
        Figures(figures)
    }

    pub fn decode(bytes: &[u8]) -> Result<Figures> {
        let figures: Vec<(Uuid, i64)> = postcard::from_bytes(bytes)
            .map_err(|e| StoreError::Corrupt(format!("submission figures: {e}")))?;
        if !figures.windows(2).all(|w| w[0].0 < w[1].0) {
            return Err(StoreError::Corrupt(
                "submission figures: indicators out of order".into(),
            ));
        }
        Ok(Figures(figures))
    }

    /// Decodes the figures column of a submission, which only a database not yet filled since
    /// migration 0010 leaves empty.
    pub fn of_column(bytes: Option<&[u8]>) -> Result<Figures> {
        Figures::decode(
            bytes.ok_or_else(|| StoreError::Corrupt("submission figures: not filled".into()))?,
        )
    }

    pub fn encode(&self) -> Result<Vec<u8>> {
        postcard::to_stdvec(&self.0)
            .map_err(|e| StoreError::Corrupt(format!("submission figures: {e}")))
    }

    pub fn iter(&self) -> impl Iterator<Item = (Uuid, i64)> + '_ {
        self.0.iter().copied()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Stored rows of `aggregate_sets` (unit, period, totals) as aggregate rows.
pub(crate) fn rows_of(sets: Vec<(Uuid, String, Vec<u8>)>) -> Result<Vec<AggregateRow>> {
    let mut rows = Vec::new();
    for (unit, period, bytes) in sets {
        let period = period_from_db(&period)?;
        rows.extend(Totals::decode(&bytes)?.into_rows(UnitId(unit), period));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn period(code: &str) -> Period {
        Period::parse(code).expect("period")
    }

    #[test]
    fn totals_fold_figures_as_the_domain_does_and_read_back_as_written() {
        let mut t = Totals::default();
        for (ind, v) in [(3, 50), (1, -7), (3, 20), (2, 0), (3, 80), (1, 7)] {
            t.add(id(ind), v);
        }
        let back = Totals::decode(&t.encode().expect("encode")).expect("decode");
        assert_eq!(back, t);
        let rows: Vec<AggregateRow> = back.into_rows(UnitId(id(9)), period("202303")).collect();
        let order: Vec<IndicatorId> = rows.iter().map(|r| r.indicator_id).collect();
        assert_eq!(order, [1, 2, 3].map(|n| IndicatorId(id(n))));
        let of = |vs: &[i64]| Aggregate::of(vs.iter().map(|v| Figure::from_scaled(*v)));
        assert_eq!(rows[0].aggregate, of(&[-7, 7]));
        assert_eq!(rows[1].aggregate, of(&[0]));
        assert_eq!(rows[2].aggregate, of(&[50, 20, 80]));
        assert!(
            rows.iter()
                .all(|r| r.period == period("202303") && r.unit_id == UnitId(id(9)))
        );
    }

    #[test]
    fn figures_are_kept_sorted_by_indicator_and_read_back_as_written() {
        let f = Figures::new(vec![(id(3), 30), (id(1), -10), (id(2), 0)]);
        assert_eq!(
            f.iter().collect::<Vec<_>>(),
            vec![(id(1), -10), (id(2), 0), (id(3), 30)]
        );
        let bytes = f.encode().expect("encode");
        assert_eq!(Figures::of_column(Some(&bytes)).expect("decode"), f);
        assert!(matches!(
            Figures::of_column(None),
            Err(StoreError::Corrupt(_))
        ));
        let unsorted = postcard::to_stdvec(&vec![(id(2), 1_i64), (id(1), 1)]).expect("encode");
        assert!(matches!(
            Figures::decode(&unsorted),
            Err(StoreError::Corrupt(_))
        ));
    }

    #[test]
    fn sets_written_with_i64_sums_read_back_unchanged() {
        #[derive(Serialize)]
        struct OldTotal {
            indicator: Uuid,
            sum: i64,
            count: i64,
            min: Option<i64>,
            max: Option<i64>,
        }
        for sum in [0, 1, -1, 300, -70_000, i64::MAX, i64::MIN] {
            let old = vec![OldTotal {
                indicator: id(4),
                sum,
                count: 2,
                min: Some(-3),
                max: Some(sum),
            }];
            let bytes = postcard::to_stdvec(&old).expect("encode");
            let t = Totals::decode(&bytes).expect("decode");
            assert_eq!(t.0[0].sum, i128::from(sum));
            assert_eq!(t.encode().expect("encode"), bytes, "{sum}");
        }
    }

    #[test]
    fn taking_the_last_figure_drops_the_total_and_bounds_are_set_by_the_caller() {
        let mut t = Totals::default();
        t.add(id(1), 5);
        t.add(id(2), 10);
        t.add(id(2), 30);
        t.take(id(1), 5);
        t.take(id(2), 30);
        t.set_bounds(id(2), 10, 10);
        let mut only = Totals::default();
        only.add(id(2), 10);
        assert_eq!(t, only);
        t.take(id(2), 10);
        assert!(t.is_empty());
        t.take(id(7), 1); // nothing to take: nothing happens
        assert!(t.is_empty());
    }

    #[test]
    fn a_sum_beyond_a_figure_never_fails_and_a_damaged_value_is_reported_not_misread() {
        let mut t = Totals::default();
        t.add(id(1), i64::MAX - 1);
        t.add(id(1), 2);
        t.add(id(1), 5);
        let back = Totals::decode(&t.encode().expect("encode")).expect("decode");
        assert_eq!(back, t);
        let rows: Vec<AggregateRow> = back
            .clone()
            .into_rows(UnitId(id(9)), period("2023Q1"))
            .collect();
        assert_eq!(rows[0].aggregate.sum, Figure::from_scaled(i64::MAX));
        // Taking the huge figure back leaves the exact total of the others.
        let mut t = back;
        t.take(id(1), i64::MAX - 1);
        let rows: Vec<AggregateRow> = t
            .clone()
            .into_rows(UnitId(id(9)), period("2023Q1"))
            .collect();
        assert_eq!(rows[0].aggregate.sum, Figure::from_scaled(7));
        let bytes = t.encode().expect("encode");
        assert!(matches!(
            Totals::decode(&bytes[..bytes.len() - 1]),
            Err(StoreError::Corrupt(_))
        ));
        let unsorted = postcard::to_stdvec(&vec![Total::first(id(2), 1), Total::first(id(1), 1)])
            .expect("encode");
        assert!(matches!(
            Totals::decode(&unsorted),
            Err(StoreError::Corrupt(_))
        ));
    }
}
