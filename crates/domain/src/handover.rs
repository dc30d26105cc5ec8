//! Handover (bàn giao) of what ended units held.
//!
//! Since 01/07/2025 local government has two levels (province, commune): the districts and their
//! bodies (UBND huyện, phòng…) ended on 30/06/2025 and most communes were merged. A task whose lead
//! (or a coordinating) unit has ended has no living owner: somebody must take it over. These rules
//! say who is living on a day, who the obvious successor of an ended unit is (when there is one),
//! which units may be chosen instead, and who may hand things over. Pure: the app reads the tree
//! and the records, these rules decide.

use jiff::civil::Date;

use crate::access::Actor;
use crate::task::{Task, TaskRole};
use crate::tree::UnitTree;
use crate::unit::{Unit, UnitId, UnitKind};
use crate::user::Role;

/// Whether unit `id` is living on `day`: known to the directory and active that day. A unit the
/// directory does not know owns nothing.
pub fn is_living(tree: &UnitTree<'_>, id: UnitId, day: Date) -> bool {
    tree.get(id).is_some_and(|u| u.is_active_on(day))
}

/// Whether the task's lead unit (chủ trì) is living on `day`.
pub fn has_living_lead(task: &Task, tree: &UnitTree<'_>, day: Date) -> bool {
    is_living(tree, task.lead_unit_id, day)
}

/// The parties of a task that must be handed over on `day`: the lead and the coordinating units
/// that are no longer living (a monitoring unit follows the task and is not an owner).
pub fn ended_parties(task: &Task, tree: &UnitTree<'_>, day: Date) -> Vec<(UnitId, TaskRole)> {
    task.parties()
        .into_iter()
        .filter(|(_, r)| matches!(r, TaskRole::Lead | TaskRole::Coordinate))
        .filter(|(u, _)| !is_living(tree, *u, day))
        .collect()
}

/// The living unit at the end of `id`'s `merged_into` chain on `day` (the first one living after
/// `id` itself), or `None` when the chain ends at a unit that has ended too (or loops).
fn merged_chain(tree: &UnitTree<'_>, id: UnitId, day: Date) -> Option<UnitId> {
    let next = tree.get(id)?.merged_into?;
    tree.living_successor(next, day).map(|u| u.id)
}

fn territory_of<'a>(tree: &UnitTree<'a>, body: &Unit) -> Option<&'a Unit> {
    tree.ancestry(body.id)
        .into_iter()
        .skip(1)
        .filter_map(|a| tree.get(a))
        .find(|u| u.kind.is_territorial())
}

/// The obvious successor of unit `id` on `day`, when there is one:
///
/// - a unit still living needs none (`None`);
/// - a unit merged into another (a commune into the new commune) goes to the first unit living
///   along its `merged_into` chain;
/// - a body of a merged commune (its UBND, say) with no successor of its own goes to the body of
///   the same kind of the successor commune when there is exactly one, else to the successor
///   commune itself;
/// - anything else — an ended district body (UBND huyện, a phòng) with no `merged_into` — has no
///   obvious successor: the office must choose (a new commune or a province department).
pub fn proposed_successor(tree: &UnitTree<'_>, id: UnitId, day: Date) -> Option<UnitId> {
    let unit = tree.get(id)?;
    if unit.is_active_on(day) {
        return None;
    }
    if unit.merged_into.is_some() {
        return merged_chain(tree, id, day);
    }
    if unit.kind.is_territorial() {
        return None;
    }
    let territory = territory_of(tree, unit)?;
    if !territory.kind.is_commune_level() {
        return None;
    }
    let successor = merged_chain(tree, territory.id, day)?;
    let same_kind: Vec<UnitId> = tree
        .children(Some(successor))
        .iter()
        .filter(|c| c.kind == unit.kind && c.is_active_on(day))
        .map(|c| c.id)
        .collect();
    match same_kind.as_slice() {
        [one] => Some(*one),
        _ => Some(successor),
    }
}

/// Whether `unit` may take over what an ended unit held, on `day`: it is living, and it is a
/// commune-level territory (xã, phường, thị trấn), a body standing directly under a commune or a
/// province (a commune's UBND, a province department), or the province itself.
pub fn may_take_over(tree: &UnitTree<'_>, unit: &Unit, day: Date) -> bool {
    if !unit.is_active_on(day) {
        return false;
    }
    if unit.kind.is_territorial() {
        return unit.kind.is_commune_level() || unit.kind == UnitKind::Province;
    }
    unit.parent_id
        .and_then(|p| tree.get(p))
        .is_some_and(|p| p.kind.is_commune_level() || p.kind == UnitKind::Province)
}

/// Whether the actor may see the handover list (of the units in their scope): leaders, office
/// staff and the administrator.
pub fn may_see_handover(actor: &Actor) -> bool {
    actor.role != Role::Member
}

/// Whether the actor may hand things over: the administrator, and the office staff of a province
/// (`scope_kind`: the kind of the actor's scope root). A district's office, whose district ended,
/// does not; leaders read the list and the office acts.
pub fn may_hand_over(actor: &Actor, scope_kind: Option<UnitKind>) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Office => scope_kind == Some(UnitKind::Province),
        Role::Leader | Role::Member => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::Deadline;
    use crate::task::{SourceKind, TaskId};
    use crate::user::{UserId, Username};

    fn day(y: i16, m: i8, d: i8) -> Date {
        Date::new(y, m, d).expect("date")
    }

    fn unit(kind: UnitKind, name: &str, parent: Option<UnitId>) -> Unit {
        crate::unit::sample_unit(kind, name, parent)
    }

    fn ended(mut u: Unit, into: Option<UnitId>) -> Unit {
        u.active_to = Some(day(2025, 6, 30));
        u.merged_into = into;
        u
    }

    fn born(mut u: Unit) -> Unit {
        u.active_from = Some(day(2025, 7, 1));
        u
    }

    /// Tỉnh — Huyện (ended) — UBND huyện (ended) — Phòng TC-KH (ended); Xã A and Xã B (ended,
    /// merged into Xã C, new, under the province, with its UBND); UBND xã A (ended, no successor
    /// of its own); Sở Tài chính under the province.
    struct World {
        units: Vec<Unit>,
        province: UnitId,
        ubnd_huyen: UnitId,
        phong: UnitId,
        xa_a: UnitId,
        xa_b: UnitId,
        xa_c: UnitId,
        ubnd_a: UnitId,
        ubnd_c: UnitId,
        so: UnitId,
        district: UnitId,
    }

    fn world() -> World {
        let province = unit(UnitKind::Province, "Tỉnh Thanh Hóa", None);
        let so = unit(UnitKind::Department, "Sở Tài chính", Some(province.id));
        let xa_c = born(unit(UnitKind::Commune, "Xã Cẩm Tú", Some(province.id)));
        let ubnd_c = born(unit(
            UnitKind::PeopleCommittee,
            "UBND xã Cẩm Tú",
            Some(xa_c.id),
        ));
        let district = ended(
            unit(UnitKind::District, "Huyện Cẩm Thủy", Some(province.id)),
            None,
        );
        let ubnd_huyen = ended(
            unit(UnitKind::PeopleCommittee, "UBND huyện", Some(district.id)),
            None,
        );
        let phong = ended(
            unit(UnitKind::Department, "Phòng TC-KH", Some(ubnd_huyen.id)),
            None,
        );
        let xa_a = ended(
            unit(UnitKind::Commune, "Xã Cẩm Ngọc", Some(district.id)),
            Some(xa_c.id),
        );
        let xa_b = ended(
            unit(UnitKind::Commune, "Xã Cẩm Tân", Some(district.id)),
            Some(xa_a.id),
        );
        let ubnd_a = ended(
            unit(UnitKind::PeopleCommittee, "UBND xã Cẩm Ngọc", Some(xa_a.id)),
            None,
        );
        World {
            province: province.id,
            ubnd_huyen: ubnd_huyen.id,
            phong: phong.id,
            xa_a: xa_a.id,
            xa_b: xa_b.id,
            xa_c: xa_c.id,
            ubnd_a: ubnd_a.id,
            ubnd_c: ubnd_c.id,
            so: so.id,
            district: district.id,
            units: vec![
                province, so, xa_c, ubnd_c, district, ubnd_huyen, phong, xa_a, xa_b, ubnd_a,
            ],
        }
    }

    fn task(lead: UnitId, coordinating: Vec<UnitId>) -> Task {
        Task {
            id: TaskId(uuid::Uuid::now_v7()),
            content: "Rà soát".into(),
            source_kind: SourceKind::Instruction,
            conclusion_id: None,
            meeting_id: None,
            source_ref: None,
            assigner_unit_id: lead,
            assigner_name: None,
            lead_unit_id: lead,
            coordinating_unit_ids: coordinating,
            monitor_unit_id: None,
            parent_id: None,
            deadline: Deadline::Standing,
            assigned_on: day(2025, 1, 1),
            percent: None,
            completed_at: None,
            completion_note: None,
            paused: false,
            cancelled: false,
            extension: None,
            pending_extension: None,
            occurrence_records: vec![],
            created_at: jiff::Timestamp::UNIX_EPOCH,
            version: 1,
        }
    }

    const TODAY: (i16, i8, i8) = (2025, 12, 1);

    fn today() -> Date {
        day(TODAY.0, TODAY.1, TODAY.2)
    }

    #[test]
    fn a_merged_commune_goes_to_its_successor_commune() {
        let w = world();
        let tree = UnitTree::new(&w.units);
        assert_eq!(proposed_successor(&tree, w.xa_a, today()), Some(w.xa_c));
        // Two steps: B was merged into A, which was merged into C.
        assert_eq!(proposed_successor(&tree, w.xa_b, today()), Some(w.xa_c));
    }

    #[test]
    fn an_ended_district_body_has_no_obvious_successor() {
        let w = world();
        let tree = UnitTree::new(&w.units);
        assert_eq!(proposed_successor(&tree, w.ubnd_huyen, today()), None);
        assert_eq!(proposed_successor(&tree, w.phong, today()), None);
        assert_eq!(proposed_successor(&tree, w.district, today()), None);
    }

    #[test]
    fn a_commune_body_follows_its_commune_to_the_body_of_the_same_kind() {
        let w = world();
        let tree = UnitTree::new(&w.units);
        assert_eq!(proposed_successor(&tree, w.ubnd_a, today()), Some(w.ubnd_c));
    }

    #[test]
    fn a_living_unit_needs_no_successor_and_before_the_end_nothing_is_ended() {
        let w = world();
        let tree = UnitTree::new(&w.units);
        assert_eq!(proposed_successor(&tree, w.xa_c, today()), None);
        assert_eq!(proposed_successor(&tree, w.xa_a, day(2025, 6, 30)), None);
        assert!(is_living(&tree, w.xa_a, day(2025, 6, 30)));
        assert!(!is_living(&tree, w.xa_a, day(2025, 7, 1)));
        assert!(!is_living(&tree, UnitId::new(), today()));
    }

    #[test]
    fn a_loop_of_mergers_proposes_nothing() {
        let mut w = world();
        for u in &mut w.units {
            if u.id == w.xa_a {
                u.merged_into = Some(w.xa_b);
            }
        }
        let tree = UnitTree::new(&w.units);
        assert_eq!(proposed_successor(&tree, w.xa_a, today()), None);
        assert_eq!(proposed_successor(&tree, w.xa_b, today()), None);
    }

    #[test]
    fn living_owner_and_the_ended_parties_of_a_task() {
        let w = world();
        let tree = UnitTree::new(&w.units);
        let t = task(w.xa_a, vec![w.so, w.phong]);
        assert!(!has_living_lead(&t, &tree, today()));
        assert!(has_living_lead(&t, &tree, day(2025, 6, 30)));
        assert_eq!(
            ended_parties(&t, &tree, today()),
            vec![(w.xa_a, TaskRole::Lead), (w.phong, TaskRole::Coordinate)]
        );
        let mut monitored = task(w.xa_c, vec![]);
        monitored.monitor_unit_id = Some(w.ubnd_huyen);
        assert!(has_living_lead(&monitored, &tree, today()));
        assert!(ended_parties(&monitored, &tree, today()).is_empty());
    }

    #[test]
    fn who_may_take_over() {
        let w = world();
        let tree = UnitTree::new(&w.units);
        let may = |id| may_take_over(&tree, tree.get(id).expect("unit"), today());
        assert!(may(w.xa_c));
        assert!(may(w.ubnd_c));
        assert!(may(w.so));
        assert!(may(w.province));
        assert!(!may(w.xa_a), "an ended commune takes over nothing");
        assert!(!may(w.phong));
    }

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: UserId::new(),
            username: Username::parse("vanphong").expect("name"),
            display_name: "Văn phòng".into(),
            role,
            unit_id: UnitId::new(),
            scope_root: UnitId::new(),
        }
    }

    #[test]
    fn only_the_administrator_and_a_province_office_hand_over() {
        assert!(may_hand_over(&actor(Role::Admin), Some(UnitKind::District)));
        assert!(may_hand_over(
            &actor(Role::Office),
            Some(UnitKind::Province)
        ));
        assert!(!may_hand_over(
            &actor(Role::Office),
            Some(UnitKind::District)
        ));
        assert!(!may_hand_over(
            &actor(Role::Leader),
            Some(UnitKind::Province)
        ));
        assert!(!may_hand_over(
            &actor(Role::Member),
            Some(UnitKind::Province)
        ));
        assert!(may_see_handover(&actor(Role::Leader)));
        assert!(!may_see_handover(&actor(Role::Member)));
    }
}
