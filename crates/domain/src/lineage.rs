//! History through lineage (issue 24): what a unit formed by a merger shows of the units merged
//! into it. Figures roll up to the default successor (`UnitTree::rollup_targets`); people of a
//! successor read their predecessors' records (`access::may_read_history`); this module holds the
//! rest: who a unit's predecessors are, and which of their NTM statuses a new commune shows while
//! it has none of its own.

use giaoban_vntext::normalize::ascii_key;

use crate::Lang;
use crate::programme::Level;
use crate::unit::{Unit, UnitId};

/// The units whose history `id` carries: those whose default successor (`merged_into`) is `id`,
/// then theirs, at any remove (a commune merged into one that was merged in turn), nearest first,
/// each once. A division's other successors (`divided_into`) carry none of it: the history of a
/// divided commune goes to its default successor only, as its figures do.
pub fn predecessors(units: &[Unit], id: UnitId) -> Vec<UnitId> {
    let mut out: Vec<UnitId> = Vec::new();
    let mut frontier = vec![id];
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for u in units {
            if let Some(m) = u.merged_into
                && frontier.contains(&m)
                && u.id != id
                && !out.contains(&u.id)
            {
                out.push(u.id);
                next.push(u.id);
            }
        }
        frontier = next;
    }
    out
}

/// A predecessor's NTM status as of a year: the level recognised by then and its latest
/// assessment up to that year (criteria met, and the year assessed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PredecessorStatus<'a> {
    pub unit: &'a Unit,
    pub level: Option<Level>,
    pub criteria_met: usize,
    pub assessed_year: Option<i16>,
}

/// The NTM status a commune with no assessment of its own for the year shows, from its
/// predecessors (the rule of the picture, stated on its page):
///
/// the status of **one** predecessor, the best placed — the highest level recognised by the
/// year, then the most criteria met in its latest assessment up to the year, then the later
/// assessment, then the name — shown whole (its criteria, its level), never a mix of several,
/// so that every cell can be traced to one commune's record. A predecessor with neither a level
/// nor an assessment is not a candidate; `None` when no predecessor is.
pub fn inherited_status<'a, 'u>(
    candidates: &'a [PredecessorStatus<'u>],
) -> Option<&'a PredecessorStatus<'u>> {
    candidates
        .iter()
        .filter(|c| c.level.is_some() || c.assessed_year.is_some())
        .max_by(|a, b| {
            (a.level, a.criteria_met, a.assessed_year)
                .cmp(&(b.level, b.criteria_met, b.assessed_year))
                // The earlier name in the alphabet wins a tie (max_by keeps the last maximum).
                .then_with(|| ascii_key(&b.unit.name).cmp(&ascii_key(&a.unit.name)))
        })
}

/// Where an inherited status comes from, as the picture says it: "theo xã Cẩm Ngọc cũ, 2023"
/// ("from the former Xã Cẩm Ngọc, 2023"); without the year when the predecessor was recognised
/// but never assessed.
pub fn source_label(unit: &Unit, year: Option<i16>, lang: Lang) -> String {
    let name = match lang {
        Lang::Vi => lower_first(&unit.name),
        Lang::En => unit.name.clone(),
    };
    let year = year.map(|y| format!(", {y}")).unwrap_or_default();
    match lang {
        Lang::Vi => format!("theo {name} cũ{year}"),
        Lang::En => format!("from the former {name}{year}"),
    }
}

/// "Xã Cẩm Ngọc" → "xã Cẩm Ngọc": the kind of unit is written in lower case inside a sentence.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::{UnitKind, sample_unit};

    #[test]
    fn predecessors_follow_default_successors_at_any_remove() {
        let p = sample_unit(UnitKind::Province, "Tỉnh Thanh Hóa", None);
        let new = sample_unit(UnitKind::Commune, "Xã Cẩm Thủy", Some(p.id));
        let mut a = sample_unit(UnitKind::Commune, "Xã Cẩm Ngọc", Some(p.id));
        let mut b = sample_unit(UnitKind::Commune, "Thị trấn Phong Sơn", Some(p.id));
        let mut older = sample_unit(UnitKind::Commune, "Xã Cẩm Sơn", Some(p.id));
        let mut divided = sample_unit(UnitKind::Commune, "Xã Cẩm Phong", Some(p.id));
        let other = sample_unit(UnitKind::Commune, "Xã Điền Quang", Some(p.id));
        a.merged_into = Some(new.id);
        b.merged_into = Some(new.id);
        older.merged_into = Some(b.id);
        // Divided: its default successor is another commune; Cẩm Thủy only got part of it.
        divided.merged_into = Some(other.id);
        divided.divided_into = vec![new.id];
        let units = vec![
            p,
            new.clone(),
            a.clone(),
            b.clone(),
            older.clone(),
            divided,
            other,
        ];
        let mut got = predecessors(&units, new.id);
        got[..2].sort();
        let mut first = [a.id, b.id];
        first.sort();
        assert_eq!(got, [first[0], first[1], older.id]);
        assert!(predecessors(&units, a.id).is_empty());
    }

    #[test]
    fn the_best_placed_predecessor_is_shown_whole() {
        let a = sample_unit(UnitKind::Commune, "Xã Cẩm Ngọc", None);
        let b = sample_unit(UnitKind::Commune, "Thị trấn Phong Sơn", None);
        let c = sample_unit(UnitKind::Commune, "Xã Cẩm Tân", None);
        let st = |unit, level, criteria_met, assessed_year| PredecessorStatus {
            unit,
            level,
            criteria_met,
            assessed_year,
        };
        // More criteria met wins among communes of one level…
        let v = [st(&a, None, 17, Some(2023)), st(&b, None, 12, Some(2024))];
        assert_eq!(inherited_status(&v).map(|s| s.unit.id), Some(a.id));
        // …but a level recognised comes first.
        let v = [
            st(&a, None, 18, Some(2023)),
            st(&b, Some(Level::Ntm), 15, Some(2022)),
        ];
        assert_eq!(inherited_status(&v).map(|s| s.unit.id), Some(b.id));
        // A tie goes to the later assessment, then to the name.
        let v = [st(&a, None, 15, Some(2022)), st(&c, None, 15, Some(2023))];
        assert_eq!(inherited_status(&v).map(|s| s.unit.id), Some(c.id));
        let v = [st(&c, None, 15, Some(2023)), st(&a, None, 15, Some(2023))];
        assert_eq!(inherited_status(&v).map(|s| s.unit.id), Some(a.id));
        // Nothing to inherit.
        assert_eq!(inherited_status(&[st(&a, None, 0, None)]), None);
        assert_eq!(
            source_label(&a, Some(2023), Lang::Vi),
            "theo xã Cẩm Ngọc cũ, 2023"
        );
        assert_eq!(
            source_label(&b, None, Lang::En),
            "from the former Thị trấn Phong Sơn"
        );
    }
}
