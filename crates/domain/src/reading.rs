//! Reading a document against the unit directory: which units its names can mean.
//!
//! A district's conclusion notice names "Phòng Tài chính - Kế hoạch" without saying which district:
//! the document's own territory does. The territory is taken from the place of issue ("Cẩm Thủy,
//! ngày …") or, failing that, from the territory the text names most often; assignees are then
//! matched within it, and against the whole directory only when the text says nothing of where it is.

use giaoban_vntext::extract::{DocumentInfo, Extraction, UnitRegistry, extract_choosing};
use giaoban_vntext::normalize::match_key;
use jiff::civil::Date;

use crate::tree::UnitTree;
use crate::unit::{Unit, UnitId};

/// The registry of the given units with every written form, keyed by unit id.
pub fn registry<'a>(units: impl IntoIterator<Item = &'a Unit>) -> UnitRegistry {
    let entries: Vec<(String, Vec<String>)> = units
        .into_iter()
        .map(|u| {
            (
                u.id.to_string(),
                u.written_forms().map(str::to_owned).collect(),
            )
        })
        .collect();
    UnitRegistry::new(&entries)
}

/// The territory a document speaks for: the territorial unit (above commune level) named as its
/// place of issue, else the one whose name occurs most often in the text, if one clearly leads.
pub fn document_territory(text: &str, document: &DocumentInfo, units: &[Unit]) -> Option<UnitId> {
    let territories: Vec<&Unit> = units
        .iter()
        .filter(|u| u.kind.is_territorial() && !u.kind.is_commune_level())
        .collect();
    // "Cẩm Thủy" for "Huyện Cẩm Thủy": the short name, or the name without its kind word.
    let short = |u: &Unit| match u.short_name.as_deref() {
        Some(s) => match_key(s),
        None => {
            let key = match_key(&u.name);
            ["tỉnh ", "thành phố ", "huyện ", "thị xã ", "quận "]
                .iter()
                .find_map(|p| {
                    key.strip_prefix(&match_key(p))
                        .map(|rest| rest.trim().to_owned())
                })
                .unwrap_or(key)
        }
    };
    if let Some(place) = &document.place {
        let key = match_key(&place.text);
        let hits: Vec<&Unit> = territories
            .iter()
            .copied()
            .filter(|u| short(u) == key)
            .collect();
        if let [one] = hits.as_slice() {
            return Some(one.id);
        }
    }
    let folded = match_key(text);
    let mut counts: Vec<(usize, UnitId)> = territories
        .iter()
        .filter_map(|u| {
            let k = short(u);
            // Short names of one word ("Hà") would match everywhere: require two words.
            (k.contains(' ')).then(|| (folded.matches(k.as_str()).count(), u.id))
        })
        .filter(|(n, _)| *n > 0)
        .collect();
    counts.sort_by_key(|c| std::cmp::Reverse(c.0));
    match counts.as_slice() {
        [] => None,
        [(_, only)] => Some(*only),
        [(a, first), (b, _), ..] if a > b => Some(*first),
        _ => None,
    }
}

/// Extracts from a document, matching assignees within the document's territory when it can tell
/// which, among the units `allowed` lets through.
pub fn read_document(
    text: &str,
    units: &[Unit],
    allowed: impl Fn(&Unit) -> bool,
    document_date: Option<Date>,
) -> (Extraction, Option<UnitId>) {
    let visible: Vec<&Unit> = units.iter().filter(|u| allowed(u)).collect();
    // The place of issue is read first, then the names are matched once, within the territory
    // when it can tell which (and has units the reader may see), else against every visible unit.
    let mut territory = None;
    let mut chosen = None;
    let x = extract_choosing(text, document_date, |document| {
        let within: Vec<&Unit> = match document_territory(text, document, units) {
            Some(t) => {
                let tree = UnitTree::new(units);
                let within: Vec<&Unit> = visible
                    .iter()
                    .copied()
                    .filter(|u| tree.ancestry(u.id).contains(&t))
                    .collect();
                if !within.is_empty() {
                    territory = Some(t);
                }
                within
            }
            None => Vec::new(),
        };
        let units = if territory.is_some() { within } else { visible };
        chosen.insert(registry(units))
    });
    (x, territory)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::UnitKind;

    fn unit(kind: UnitKind, name: &str, parent: Option<UnitId>) -> Unit {
        crate::unit::sample_unit(kind, name, parent)
    }

    fn two_districts() -> Vec<Unit> {
        let p = unit(UnitKind::Province, "Tỉnh Hà Tĩnh", None);
        let a = unit(UnitKind::District, "Huyện Thạch Hà", Some(p.id));
        let b = unit(UnitKind::District, "Huyện Can Lộc", Some(p.id));
        let fa = unit(
            UnitKind::Department,
            "Phòng Tài chính - Kế hoạch",
            Some(a.id),
        );
        let fb = unit(
            UnitKind::Department,
            "Phòng Tài chính - Kế hoạch",
            Some(b.id),
        );
        vec![p, a, b, fa, fb]
    }

    #[test]
    fn the_named_territory_decides_which_department_is_meant() {
        let units = two_districts();
        let text = "Huyện Can Lộc tổ chức giao ban. Giao Phòng Tài chính - Kế hoạch tổng hợp báo cáo \
                    chậm nhất ngày 27/03/2023. Can Lộc phấn đấu hoàn thành.";
        let (x, territory) = read_document(text, &units, |_| true, None);
        assert_eq!(territory, Some(units[2].id));
        let lead = &x.tasks[0].lead[0].resolution;
        assert_eq!(
            *lead,
            giaoban_vntext::extract::Resolution::Exact {
                id: units[4].id.to_string()
            }
        );
    }

    #[test]
    fn without_a_territory_the_name_stays_ambiguous() {
        let units = two_districts();
        let text = "Giao Phòng Tài chính - Kế hoạch tổng hợp báo cáo chậm nhất ngày 27/03/2023.";
        let (x, territory) = read_document(text, &units, |_| true, None);
        assert_eq!(territory, None);
        assert!(matches!(
            x.tasks[0].lead[0].resolution,
            giaoban_vntext::extract::Resolution::Ambiguous { .. }
        ));
        // A tie between two territories decides nothing either.
        let tie = "Thạch Hà và Can Lộc. Giao Phòng Tài chính - Kế hoạch tổng hợp.";
        assert_eq!(read_document(tie, &units, |_| true, None).1, None);
    }
}
