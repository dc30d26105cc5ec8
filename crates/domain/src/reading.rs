//! Reading a document against the unit directory: which units its names can mean.
//!
//! A district's conclusion notice names "Phòng Tài chính - Kế hoạch" without saying which district:
//! the document's own territory does. The territory is taken from the place of issue ("Cẩm Thủy,
//! ngày …") or, failing that, from the territory the text names most often; assignees are then
//! matched within it, and against the whole directory only when the text says nothing of where it is.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

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

/// "Cẩm Thủy" for "Huyện Cẩm Thủy": the short name, or the name without its kind word, folded.
fn short_key(u: &Unit) -> String {
    match u.short_name.as_deref() {
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
    }
}

/// The territorial units above commune level, each with its folded short name.
fn territories(units: &[Unit]) -> Vec<(UnitId, String)> {
    units
        .iter()
        .filter(|u| u.kind.is_territorial() && !u.kind.is_commune_level())
        .map(|u| (u.id, short_key(u)))
        .collect()
}

/// The territory a document speaks for: the territorial unit (above commune level) named as its
/// place of issue, else the one whose name occurs most often in the text, if one clearly leads.
pub fn document_territory(text: &str, document: &DocumentInfo, units: &[Unit]) -> Option<UnitId> {
    territory_among(text, document, &territories(units))
}

fn territory_among(
    text: &str,
    document: &DocumentInfo,
    territories: &[(UnitId, String)],
) -> Option<UnitId> {
    if let Some(place) = &document.place {
        let key = match_key(&place.text);
        let mut hits = territories.iter().filter(|(_, short)| *short == key);
        if let (Some((one, _)), None) = (hits.next(), hits.next()) {
            return Some(*one);
        }
    }
    let folded = match_key(text);
    let mut counts: Vec<(usize, UnitId)> = territories
        .iter()
        // Short names of one word ("Hà") would match everywhere: require two words.
        .filter(|(_, k)| k.contains(' '))
        .map(|(id, k)| (folded.matches(k.as_str()).count(), *id))
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

/// The directory made ready for reading documents by one reader: the territories' keys and the
/// registry of the units the reader may see are built once, and the registry of each territory the
/// first time a document speaks for it. Build one per directory revision and reader's visibility
/// and share it; each document then costs only its own reading.
pub struct Reader {
    territories: Vec<(UnitId, String)>,
    /// For each territory, the visible units within it.
    within: HashMap<UnitId, Vec<usize>>,
    visible: UnitRegistry,
    units: Vec<(UnitId, Vec<String>)>,
    by_territory: Mutex<HashMap<UnitId, Arc<UnitRegistry>>>,
}

impl Reader {
    /// Ready to read for someone who may see the units `allowed` lets through.
    pub fn new(units: &[Unit], allowed: impl Fn(&Unit) -> bool) -> Reader {
        let tree = UnitTree::new(units);
        let territories = territories(units);
        let visible_units: Vec<&Unit> = units.iter().filter(|u| allowed(u)).collect();
        let mut within: HashMap<UnitId, Vec<usize>> = HashMap::new();
        for (i, u) in visible_units.iter().enumerate() {
            for a in tree.ancestry(u.id) {
                within.entry(a).or_default().push(i);
            }
        }
        let forms: Vec<(UnitId, Vec<String>)> = visible_units
            .iter()
            .map(|u| (u.id, u.written_forms().map(str::to_owned).collect()))
            .collect();
        Reader {
            territories,
            within,
            visible: registry(visible_units.iter().copied()),
            units: forms,
            by_territory: Mutex::new(HashMap::new()),
        }
    }

    /// The registry of the visible units within a territory, if it has any.
    fn registry_within(&self, territory: UnitId) -> Option<Arc<UnitRegistry>> {
        let members = self.within.get(&territory)?;
        let mut cache = self
            .by_territory
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let made = cache.entry(territory).or_insert_with(|| {
            let entries: Vec<(String, Vec<String>)> = members
                .iter()
                .filter_map(|i| self.units.get(*i))
                .map(|(id, forms)| (id.to_string(), forms.clone()))
                .collect();
            Arc::new(UnitRegistry::new(&entries))
        });
        Some(Arc::clone(made))
    }

    /// Extracts from a document, matching assignees within the document's territory when it can
    /// tell which (and the reader sees units there), else among every unit the reader sees.
    pub fn read(&self, text: &str, document_date: Option<Date>) -> (Extraction, Option<UnitId>) {
        let mut territory = None;
        let mut chosen: Option<Arc<UnitRegistry>> = None;
        let x = extract_choosing(text, document_date, |document| {
            let found = territory_among(text, document, &self.territories)
                .and_then(|t| self.registry_within(t).map(|r| (t, r)));
            match found {
                Some((t, r)) => {
                    territory = Some(t);
                    let kept: &mut Arc<UnitRegistry> = chosen.insert(r);
                    &**kept
                }
                None => &self.visible,
            }
        });
        (x, territory)
    }
}

/// Extracts from a document, matching assignees within the document's territory when it can tell
/// which, among the units `allowed` lets through. For many documents, build a [`Reader`] once.
pub fn read_document(
    text: &str,
    units: &[Unit],
    allowed: impl Fn(&Unit) -> bool,
    document_date: Option<Date>,
) -> (Extraction, Option<UnitId>) {
    Reader::new(units, allowed).read(text, document_date)
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

    /// One reader serves many documents: each finds its own territory's department, whichever
    /// territory came first, and a reader that may not see a territory's units matches among
    /// the units it sees.
    #[test]
    fn a_reader_kept_between_documents_reads_each_in_its_territory() {
        use giaoban_vntext::extract::Resolution;
        let units = two_districts();
        let reader = Reader::new(&units, |_| true);
        let task = "Giao Phòng Tài chính - Kế hoạch tổng hợp báo cáo chậm nhất ngày 27/03/2023.";
        let lead = |x: &Extraction| x.tasks[0].lead[0].resolution.clone();
        for _ in 0..2 {
            for (place, district, department) in [("Can Lộc", 2, 4), ("Thạch Hà", 1, 3)] {
                let text = format!("{place}, ngày 24 tháng 3 năm 2023\n{task}");
                let (x, territory) = reader.read(&text, None);
                assert_eq!(territory, Some(units[district].id), "{place}");
                assert_eq!(
                    lead(&x),
                    Resolution::Exact {
                        id: units[department].id.to_string()
                    },
                    "{place}"
                );
                assert_eq!((x, territory), read_document(&text, &units, |_| true, None));
            }
        }
        // Someone who sees only Thạch Hà's department: a Can Lộc document is read among it.
        let narrow = Reader::new(&units, |u| u.id == units[3].id);
        let (x, territory) =
            narrow.read(&format!("Can Lộc, ngày 24 tháng 3 năm 2023\n{task}"), None);
        assert_eq!(territory, None);
        assert_eq!(
            lead(&x),
            Resolution::Exact {
                id: units[3].id.to_string()
            }
        );
    }
}
