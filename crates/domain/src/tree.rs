//! The unit tree in memory: order, ancestry, subtrees and merger history. The directory is small
//! enough (a few thousand units for the whole country) to be walked in memory for every listing.

use std::collections::HashMap;

use giaoban_vntext::normalize::ascii_key;
use jiff::civil::Date;

use crate::unit::{Unit, UnitId, UnitKind};

pub struct UnitTree<'a> {
    by_id: HashMap<UnitId, &'a Unit>,
    children: HashMap<Option<UnitId>, Vec<&'a Unit>>,
    /// For each successor, the units that ended into it (merged whole or divided), by name.
    predecessors: HashMap<UnitId, Vec<&'a Unit>>,
}

/// Siblings: bodies before territories (a district lists its committee and departments before its
/// communes), then by kind, then by name without diacritics.
fn sibling_key(u: &Unit) -> (bool, usize, String) {
    let kind_pos = UnitKind::ALL
        .iter()
        .position(|k| *k == u.kind)
        .unwrap_or(usize::MAX);
    (u.kind.is_territorial(), kind_pos, ascii_key(&u.name))
}

/// Whether a unit is an office (Văn phòng) that drafts notices for the body it serves: a
/// department whose name, without diacritics, begins "Văn phòng".
fn is_office(u: &Unit) -> bool {
    u.kind == UnitKind::Department && ascii_key(&u.name).starts_with("van phong")
}

impl<'a> UnitTree<'a> {
    pub fn new(units: &'a [Unit]) -> Self {
        let by_id: HashMap<UnitId, &Unit> = units.iter().map(|u| (u.id, u)).collect();
        let mut children: HashMap<Option<UnitId>, Vec<&Unit>> = HashMap::new();
        for u in units {
            // A unit whose parent is missing is shown as a root rather than lost.
            let parent = u.parent_id.filter(|p| by_id.contains_key(p));
            children.entry(parent).or_default().push(u);
        }
        for list in children.values_mut() {
            list.sort_by_cached_key(|u| sibling_key(u));
        }
        let mut predecessors: HashMap<UnitId, Vec<&Unit>> = HashMap::new();
        for u in units {
            for s in u.successors() {
                predecessors.entry(s).or_default().push(u);
            }
        }
        for list in predecessors.values_mut() {
            list.sort_by_cached_key(|u| ascii_key(&u.name));
        }
        UnitTree {
            by_id,
            children,
            predecessors,
        }
    }

    pub fn get(&self, id: UnitId) -> Option<&'a Unit> {
        self.by_id.get(&id).copied()
    }

    pub fn children(&self, id: Option<UnitId>) -> &[&'a Unit] {
        self.children.get(&id).map_or(&[], Vec::as_slice)
    }

    /// The unit and its ancestors up to the root, the unit first. Empty for an unknown unit.
    pub fn ancestry(&self, id: UnitId) -> Vec<UnitId> {
        let mut out = Vec::new();
        let mut cur = self.get(id);
        while let Some(u) = cur {
            if out.contains(&u.id) {
                break; // a cycle in stored data must not hang a request
            }
            out.push(u.id);
            cur = u.parent_id.and_then(|p| self.get(p));
        }
        out
    }

    /// The units whose roll-ups count a figure reported by `id`: the unit and its ancestors, then,
    /// when the unit was merged into another, the successor and its ancestors (a figure reported by
    /// two old communes rolls up into the merged one), each once.
    pub fn rollup_targets(&self, id: UnitId) -> Vec<UnitId> {
        let mut out = self.ancestry(id);
        let mut cur = self.get(id).and_then(|u| u.merged_into);
        while let Some(next) = cur {
            if out.contains(&next) {
                break;
            }
            for a in self.ancestry(next) {
                if !out.contains(&a) {
                    out.push(a);
                }
            }
            cur = self.get(next).and_then(|u| u.merged_into);
        }
        out
    }

    /// Units in pre-order (parents before children) from `root` (all roots when `None`), with depth
    /// counted from the start.
    pub fn preorder(&self, root: Option<UnitId>) -> Vec<(&'a Unit, u32)> {
        let mut out = Vec::with_capacity(self.by_id.len());
        let mut stack: Vec<(&Unit, u32)> = match root {
            Some(r) => self.get(r).map(|u| (u, 0)).into_iter().collect(),
            None => self.children(None).iter().rev().map(|u| (*u, 0)).collect(),
        };
        while let Some((u, depth)) = stack.pop() {
            if out.len() > self.by_id.len() {
                break; // defensive: stored cycles
            }
            out.push((u, depth));
            for c in self.children(Some(u.id)).iter().rev() {
                stack.push((c, depth + 1));
            }
        }
        out
    }

    /// The units that ended into `id`: merged into it whole, or divided with a part going to it
    /// (its predecessors), by name.
    pub fn merged_from(&self, id: UnitId) -> Vec<&'a Unit> {
        self.predecessors.get(&id).cloned().unwrap_or_default()
    }

    /// The unit that carries `id` on `day`: itself when active then, else its default successor
    /// followed until one is active (the commune a merged commune's work goes to). `None` when the
    /// chain ends without one (a district body that ended without a successor).
    pub fn living_successor(&self, id: UnitId, day: Date) -> Option<&'a Unit> {
        let mut cur = self.get(id);
        let mut steps = 0;
        while let Some(u) = cur {
            if u.is_active_on(day) {
                return Some(u);
            }
            steps += 1;
            if steps > 32 {
                return None; // a cycle in stored data must not hang a request
            }
            cur = u.merged_into.and_then(|m| self.get(m));
        }
        None
    }

    /// The office (Văn phòng HĐND và UBND, Văn phòng UBND…) that drafts the notices of the body
    /// `host`: the Văn phòng among the host's units, else among its parent's (the UBND of a district
    /// has its office beside it, under the district), else the host itself (a commune's UBND,
    /// with no office beside it, drafts its own notices).
    pub fn office_of(&self, host: UnitId) -> UnitId {
        let office_under = |parent: UnitId| {
            self.children(Some(parent))
                .iter()
                .find(|u| is_office(u))
                .map(|u| u.id)
        };
        office_under(host)
            .or_else(|| {
                self.get(host)
                    .and_then(|h| h.parent_id)
                    .and_then(office_under)
            })
            .unwrap_or(host)
    }

    /// Whether `unit` matches a search (diacritics and case ignored) in any written form.
    pub fn matches(unit: &Unit, query_key: &str) -> bool {
        query_key.is_empty()
            || unit
                .written_forms()
                .any(|f| ascii_key(f).contains(query_key))
            || unit.admin_code.as_deref() == Some(query_key)
    }

    /// Whether the unit existed on `day`.
    pub fn active_on(unit: &Unit, day: Date) -> bool {
        unit.is_active_on(day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(kind: UnitKind, name: &str, parent: Option<&Unit>) -> Unit {
        crate::unit::sample_unit(kind, name, parent.map(|p| p.id))
    }

    #[test]
    fn preorder_lists_bodies_before_communes_and_sorts_by_name() {
        let p = unit(UnitKind::Province, "Tỉnh Hà Tĩnh", None);
        let d = unit(UnitKind::District, "Huyện Thạch Hà", Some(&p));
        let c1 = unit(UnitKind::Commune, "Xã Đỉnh Bàn", Some(&d));
        let c2 = unit(UnitKind::Commune, "Xã Việt Tiến", Some(&d));
        let ubnd = unit(UnitKind::PeopleCommittee, "UBND huyện Thạch Hà", Some(&d));
        let units = vec![c2.clone(), p.clone(), c1.clone(), ubnd.clone(), d.clone()];
        let tree = UnitTree::new(&units);
        let order: Vec<_> = tree
            .preorder(None)
            .into_iter()
            .map(|(u, depth)| (u.name.as_str(), depth))
            .collect();
        assert_eq!(
            order,
            [
                ("Tỉnh Hà Tĩnh", 0),
                ("Huyện Thạch Hà", 1),
                ("UBND huyện Thạch Hà", 2),
                ("Xã Đỉnh Bàn", 2),
                ("Xã Việt Tiến", 2)
            ]
        );
        assert_eq!(tree.ancestry(c1.id), vec![c1.id, d.id, p.id]);
        assert!(tree.ancestry(UnitId::new()).is_empty());
    }

    #[test]
    fn merged_units_point_to_their_successor() {
        let d = unit(UnitKind::District, "Huyện Thạch Hà", None);
        let new = unit(UnitKind::Commune, "Xã Đỉnh Bàn", Some(&d));
        let mut a = unit(UnitKind::Commune, "Xã Thạch Đỉnh", Some(&d));
        let mut b = unit(UnitKind::Commune, "Xã Thạch Bàn", Some(&d));
        a.merged_into = Some(new.id);
        b.merged_into = Some(new.id);
        let units = vec![d.clone(), new.clone(), a.clone(), b];
        let tree = UnitTree::new(&units);
        // A figure of the old commune counts for it, the district, and the merged commune.
        assert_eq!(tree.rollup_targets(a.id), vec![a.id, d.id, new.id]);
        assert_eq!(tree.rollup_targets(new.id), vec![new.id, d.id]);
        let names: Vec<_> = tree
            .merged_from(new.id)
            .iter()
            .map(|u| u.name.as_str())
            .collect();
        assert_eq!(names, ["Xã Thạch Bàn", "Xã Thạch Đỉnh"]);
    }

    #[test]
    fn a_divided_unit_is_a_predecessor_of_each_successor_and_lives_on_in_its_default() {
        let p = unit(UnitKind::Province, "Tỉnh Thanh Hóa", None);
        let mut a = unit(UnitKind::Commune, "Xã Cẩm Thủy", Some(&p));
        let mut b = unit(UnitKind::Commune, "Xã Cẩm Tân", Some(&p));
        a.active_from = Some(jiff::civil::date(2025, 7, 1));
        b.active_from = a.active_from;
        let mut old = unit(UnitKind::Commune, "Xã Cẩm Tân", Some(&p));
        old.active_to = Some(jiff::civil::date(2025, 6, 30));
        old.merged_into = Some(b.id);
        old.divided_into = vec![a.id];
        let units = vec![p.clone(), a.clone(), b.clone(), old.clone()];
        let tree = UnitTree::new(&units);
        assert_eq!(tree.merged_from(a.id).len(), 1);
        assert_eq!(tree.merged_from(b.id).len(), 1);
        // Its history goes to the default successor only.
        assert_eq!(tree.rollup_targets(old.id), vec![old.id, p.id, b.id]);
        let today = jiff::civil::date(2026, 12, 6);
        assert_eq!(
            tree.living_successor(old.id, today).map(|u| u.id),
            Some(b.id)
        );
        assert_eq!(
            tree.living_successor(old.id, jiff::civil::date(2024, 1, 1))
                .map(|u| u.id),
            Some(old.id)
        );
        let mut gone = unit(UnitKind::PeopleCommittee, "UBND huyện Cẩm Thủy", Some(&p));
        gone.active_to = old.active_to;
        let units = vec![p, gone.clone()];
        assert!(
            UnitTree::new(&units)
                .living_successor(gone.id, today)
                .is_none()
        );
    }

    #[test]
    fn a_body_drafts_through_the_office_beside_or_under_it() {
        let p = unit(UnitKind::Province, "Tỉnh Hà Tĩnh", None);
        let d = unit(UnitKind::District, "Huyện Thạch Hà", Some(&p));
        let ubnd = unit(UnitKind::PeopleCommittee, "UBND huyện Thạch Hà", Some(&d));
        let office = unit(UnitKind::Department, "Văn phòng HĐND và UBND", Some(&d));
        let finance = unit(UnitKind::Department, "Phòng Tài chính - Kế hoạch", Some(&d));
        let c = unit(UnitKind::Commune, "Xã Đỉnh Bàn", Some(&d));
        let ubnd_xa = unit(UnitKind::PeopleCommittee, "UBND xã Đỉnh Bàn", Some(&c));
        let units = vec![
            p.clone(),
            d.clone(),
            ubnd.clone(),
            finance.clone(),
            office.clone(),
            c.clone(),
            ubnd_xa.clone(),
        ];
        let tree = UnitTree::new(&units);
        // The district's UBND has its office beside it; the district has it under it.
        assert_eq!(tree.office_of(ubnd.id), office.id);
        assert_eq!(tree.office_of(d.id), office.id);
        // A province with no Văn phòng among its units drafts its own notices.
        assert_eq!(tree.office_of(p.id), p.id);
        // A department with no office of its own drafts through the one beside it.
        assert_eq!(tree.office_of(finance.id), office.id);
        // A commune's committee has no office beside it: it drafts its own notices.
        assert_eq!(tree.office_of(ubnd_xa.id), ubnd_xa.id);
        // The commune itself has none under it, so it looks to its parent, the district.
        assert_eq!(tree.office_of(c.id), office.id);
        // An unknown unit is its own office.
        let stray = UnitId::new();
        assert_eq!(tree.office_of(stray), stray);
    }

    #[test]
    fn only_a_department_named_van_phong_is_an_office() {
        let d = unit(UnitKind::District, "Huyện Thạch Hà", None);
        let ubnd = unit(UnitKind::PeopleCommittee, "UBND huyện Thạch Hà", Some(&d));
        // Named like an office, but not a department; and a department that is not one.
        let agency = unit(
            UnitKind::Agency,
            "Văn phòng Điều phối nông thôn mới",
            Some(&d),
        );
        let inspect = unit(UnitKind::Department, "Thanh tra huyện", Some(&d));
        let units = vec![d.clone(), ubnd.clone(), agency, inspect];
        let tree = UnitTree::new(&units);
        assert_eq!(tree.office_of(ubnd.id), ubnd.id);
        // Written without diacritics or in capitals it is still the office.
        let office = unit(UnitKind::Department, "VAN PHONG HDND VA UBND", Some(&d));
        let units = vec![d.clone(), ubnd.clone(), office.clone()];
        assert_eq!(UnitTree::new(&units).office_of(ubnd.id), office.id);
    }

    #[test]
    fn search_ignores_diacritics_in_every_written_form() {
        let mut u = unit(UnitKind::Department, "Phòng Tài chính - Kế hoạch", None);
        u.abbreviations = vec!["TC-KH".into()];
        assert!(UnitTree::matches(&u, &ascii_key("tai chinh")));
        assert!(UnitTree::matches(&u, &ascii_key("tc-kh")));
        assert!(!UnitTree::matches(&u, &ascii_key("tư pháp")));
    }
}
