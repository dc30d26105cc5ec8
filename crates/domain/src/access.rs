//! Who may see and change what (phân quyền).
//!
//! The rule of the brief: a commune or department user reads and writes only its own unit's records
//! (and what is assigned to it); leaders and office staff of a level see their whole territory; the
//! administrator sees everything. The unit directory itself (names, kinds, codes) is reference data
//! every signed-in user may read — communes must be able to address a department.
//!
//! Decisions are pure functions of the actor and the target's ancestry (the target unit first, then
//! its parent, up to the root), so the web layer only has to fetch the ancestry.

use serde::Serialize;

use crate::tree::UnitTree;
use crate::unit::{UnitId, UnitKind};
use crate::user::{Role, UserId, Username};

/// What an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read a unit's records (its users, contacts history, reports, tasks…).
    ReadRecords,
    /// Create or change a unit's records, including its contact details.
    WriteRecords,
    /// Change a unit's place in the directory: names, aliases, parent, dates; create units.
    ManageUnits,
    /// Create users, reset passwords, change roles.
    ManageUsers,
    /// Read the audit trail of a unit's records.
    ReadAudit,
}

/// The signed-in user, as the access rules see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: UserId,
    pub username: Username,
    pub display_name: String,
    pub role: Role,
    pub unit_id: UnitId,
    /// The root of what the actor may see: their territory for leaders and office staff, their own
    /// unit for members, the top of the tree for administrators.
    pub scope_root: UnitId,
}

/// Finds the scope root from the actor's unit ancestry (`(id, kind)`, the actor's unit first).
pub fn scope_root(role: Role, ancestry: &[(UnitId, UnitKind)]) -> Option<UnitId> {
    let own = ancestry.first()?.0;
    Some(match role {
        Role::Admin => ancestry.last().map_or(own, |a| a.0),
        Role::Leader | Role::Office => ancestry
            .iter()
            .find(|(_, k)| k.is_territorial())
            .map_or(own, |a| a.0),
        Role::Member => own,
    })
}

impl Actor {
    /// Whether the actor may do `perm` on records of the unit whose ancestry is given (the unit
    /// first). An empty ancestry (unknown unit) is never allowed.
    pub fn may(&self, perm: Permission, target_ancestry: &[UnitId]) -> bool {
        let Some(&target) = target_ancestry.first() else {
            return false;
        };
        let in_scope = target_ancestry.contains(&self.scope_root);
        match self.role {
            Role::Admin => true,
            Role::Leader => match perm {
                Permission::ReadRecords | Permission::WriteRecords | Permission::ReadAudit => {
                    in_scope
                }
                Permission::ManageUnits | Permission::ManageUsers => false,
            },
            Role::Office => match perm {
                Permission::ReadRecords
                | Permission::WriteRecords
                | Permission::ReadAudit
                | Permission::ManageUnits => in_scope,
                Permission::ManageUsers => false,
            },
            Role::Member => match perm {
                Permission::ReadRecords | Permission::WriteRecords => target == self.unit_id,
                Permission::ReadAudit | Permission::ManageUnits | Permission::ManageUsers => false,
            },
        }
    }

    /// Whether the actor may act on things that concern no particular unit (e.g. the list of levels).
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

/// The territory an actor may reach out to when addressing or inviting other bodies: the
/// territory directly above the actor's own (a commune reaches its district, a district body its
/// province), or the actor's own territory at the top of the tree. `ancestry` is the actor's unit
/// with its kind, then its parents up to the root.
///
/// A recommendation goes to the body that can act on it, which sits at the same level or the one
/// above; a meeting invites the bodies of that area. Units beyond it (another district, another
/// province) are not the actor's to involve: their names would appear in their lists and calendar
/// feeds.
pub fn reach_root(ancestry: &[(UnitId, UnitKind)]) -> Option<UnitId> {
    let own = ancestry.first()?.0;
    let mut territories = ancestry.iter().filter(|(_, k)| k.is_territorial());
    let first = territories.next().map(|a| a.0);
    Some(territories.next().map(|a| a.0).or(first).unwrap_or(own))
}

/// Whether the actor may decide (approve or refuse) an extension of a task assigned by `assigner`
/// (its ancestry) and led by `lead`, the unit that asked for it. The assigner decides: the actor
/// writes for the assigner's records and is not a member; and the asking unit never decides its
/// own request, even when its people also write for the assigner as a superior body (a task
/// assigned by the district to its own UBND, asked for by the UBND's office). A task a unit assigned
/// to itself is decided by the level above.
pub fn may_decide_extension(actor: &Actor, assigner: &[UnitId], lead: UnitId) -> bool {
    actor.role != Role::Member
        && actor.may(Permission::WriteRecords, assigner)
        && actor.unit_id != lead
}

/// Whether the actor may change a catalogue record (a report form, and any other shared
/// definition with an owner) owned by `owner` (`None`: national, the system's). The administrator
/// changes everything; a territory's leaders and office change what their territory made, and
/// nothing else — not a national form every unit reports on, not another territory's.
pub fn may_change_catalogue(actor: &Actor, owner: Option<UnitId>) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Leader | Role::Office => owner == Some(actor.scope_root),
        Role::Member => false,
    }
}

/// The owner given to a catalogue record the actor makes: `None` (national) for the
/// administrator, the actor's territory for its leaders and office; members make none.
pub fn catalogue_owner(actor: &Actor) -> Option<Option<UnitId>> {
    match actor.role {
        Role::Admin => Some(None),
        Role::Leader | Role::Office => Some(Some(actor.scope_root)),
        Role::Member => None,
    }
}

/// What a list of tasks covers, narrowed to what its actor may read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskListScope {
    /// Only the tasks in which exactly this unit has a part (lead, coordinating, monitoring).
    pub party: Option<UnitId>,
    /// Only the tasks assigned by, or involving, a unit at or under this one.
    pub within: Option<UnitId>,
}

/// The scope of a list of tasks the actor asks for, optionally about one unit (`party`: the unit
/// and its ancestry, the unit first; an empty ancestry for a unit not in the directory). `None`
/// when the actor may not list that unit's tasks.
///
/// The administrator lists everything. A member lists only its own unit's tasks, whatever it
/// asks about. Leaders and office staff list their territory: a unit inside it is listed from
/// the unit's own parts (every task it has a part in involves the territory); a unit outside it
/// only for its tasks that also involve the territory.
pub fn task_list_scope(actor: &Actor, party: Option<(UnitId, &[UnitId])>) -> Option<TaskListScope> {
    let asked = party.map(|(id, _)| id);
    match actor.role {
        Role::Admin => Some(TaskListScope {
            party: asked,
            within: None,
        }),
        Role::Member => asked
            .is_none_or(|u| u == actor.unit_id)
            .then_some(TaskListScope {
                party: Some(actor.unit_id),
                within: None,
            }),
        Role::Leader | Role::Office => {
            let inside = party.is_some_and(|(_, ancestry)| ancestry.contains(&actor.scope_root));
            Some(TaskListScope {
                party: asked,
                within: (!inside).then_some(actor.scope_root),
            })
        }
    }
}

/// The ancestries through which the records of `unit` are read as history (issue 24): for each
/// unit of its ancestry that was merged into another or divided between several (the unit itself,
/// or the old commune a body stood under), each successor's ancestry (the default one and those
/// of a division, [`crate::unit::Unit::successors`]), then their own successors', and so on, each
/// once. Empty for a unit that never merged and stands under none that did.
pub fn successor_ancestries(tree: &UnitTree<'_>, unit: UnitId) -> Vec<Vec<UnitId>> {
    let mut out: Vec<Vec<UnitId>> = Vec::new();
    let mut seen: Vec<UnitId> = Vec::new();
    let mut pending: Vec<UnitId> = tree.ancestry(unit);
    while let Some(u) = pending.pop() {
        let Some(unit) = tree.get(u) else {
            continue;
        };
        for next in unit.successors() {
            if seen.contains(&next) {
                continue; // a cycle of successors in stored data must not hang a request
            }
            seen.push(next);
            let ancestry = tree.ancestry(next);
            pending.extend(ancestry.iter().copied());
            out.push(ancestry);
        }
    }
    out
}

/// Whether the actor may read, as history, the records of a unit that was merged into another
/// (or stood under one that was): `successors` are [`successor_ancestries`] of that unit. The
/// people of a successor read what its predecessors recorded before the merger (a commune formed
/// on 01/07/2025 reads the reports and tasks of the old communes merged into it) exactly as they
/// read their own unit's records. Reading only: writing keeps to the unit's own ancestry
/// ([`Actor::may`]), so history is never changed through a successor.
pub fn may_read_history(actor: &Actor, successors: &[Vec<UnitId>]) -> bool {
    successors
        .iter()
        .any(|anc| actor.may(Permission::ReadRecords, anc))
}

/// Whether the actor may read the records of a unit (`ancestry`, the unit first), as its own or
/// as history through the units it was merged into ([`may_read_history`]).
pub fn may_read(actor: &Actor, tree: &UnitTree<'_>, unit: UnitId) -> bool {
    let ancestry = tree.ancestry(unit);
    !ancestry.is_empty()
        && (actor.may(Permission::ReadRecords, &ancestry)
            || may_read_history(actor, &successor_ancestries(tree, unit)))
}

/// The scope of a list of tasks about a unit the actor reads only as history (see
/// [`may_read_history`]): that unit's own parts, whatever the actor's territory. `None` when the
/// actor reads the unit's records otherwise, or not at all ([`task_list_scope`] decides then).
pub fn history_task_list_scope(
    actor: &Actor,
    party: UnitId,
    ancestry: &[UnitId],
    successors: &[Vec<UnitId>],
) -> Option<TaskListScope> {
    (!actor.may(Permission::ReadRecords, ancestry) && may_read_history(actor, successors))
        .then_some(TaskListScope {
            party: Some(party),
            within: None,
        })
}

/// Rules for IDs that arrive in a request body or a form: may the actor attach to, cite, invite or
/// merge into that record? Each takes the actor and the ancestries (the unit first, then its
/// parents) of the units the referenced record belongs to, so the web layer only fetches them.
/// A reference the actor may not use is refused like the record itself (403), whatever the
/// record's state; the state (an issued notice is frozen) is checked after.
pub mod reference {
    use super::{Actor, Permission};
    use crate::task::TaskRole;
    use crate::unit::{UnitId, UnitKind};
    use crate::user::Role;

    /// A task (or a sub-task) attached to a conclusion notice (`conclusion_id`): the actor writes
    /// for the notice's issuer. The notice must also still be a draft (checked by the caller).
    pub fn may_attach_to_notice(actor: &Actor, issuer: &[UnitId]) -> bool {
        actor.may(Permission::WriteRecords, issuer)
    }

    /// A task attached to a meeting (`meeting_id`): the actor writes for the meeting's host.
    pub fn may_attach_to_meeting(actor: &Actor, host: &[UnitId]) -> bool {
        actor.may(Permission::WriteRecords, host)
    }

    /// A conclusion notice drafted for a meeting (`meeting_id`): the actor writes for the host.
    pub fn may_conclude_meeting(actor: &Actor, host: &[UnitId]) -> bool {
        actor.may(Permission::WriteRecords, host)
    }

    /// A correcting notice (`corrects_id`): the actor writes for the corrected notice's issuer.
    pub fn may_correct_notice(actor: &Actor, corrected_issuer: &[UnitId]) -> bool {
        actor.may(Permission::WriteRecords, corrected_issuer)
    }

    /// A sub-task (`parent_id`): the actor leads or coordinates the parent, or manages it (writes
    /// for its assigner); and the sub-task is assigned by one of those bodies — the parent's lead,
    /// a coordinating unit, or (for a manager) the parent's assigner. A monitor only watches.
    pub fn may_attach_to_parent_task(
        actor: &Actor,
        parent_assigner: &[UnitId],
        parent_parties: &[(TaskRole, &[UnitId])],
        child_assigner: &[UnitId],
    ) -> bool {
        let working =
            |(r, _): &&(TaskRole, &[UnitId])| matches!(r, TaskRole::Lead | TaskRole::Coordinate);
        let manages =
            actor.role != Role::Member && actor.may(Permission::WriteRecords, parent_assigner);
        let is_party = parent_parties
            .iter()
            .filter(working)
            .any(|(_, a)| a.first() == Some(&actor.unit_id));
        if !(manages || is_party) {
            return false;
        }
        let Some(child) = child_assigner.first() else {
            return false;
        };
        let by_party = parent_parties
            .iter()
            .filter(working)
            .any(|(_, a)| a.first() == Some(child));
        let by_assigner = manages && parent_assigner.first() == Some(child);
        (by_party || by_assigner) && actor.may(Permission::WriteRecords, child_assigner)
    }

    /// Whether the actor may read a meeting: it reads the host's records, or its unit is invited
    /// or sends a participant. `attendees` are the invited units and the participants' units.
    pub fn may_read_meeting(actor: &Actor, host: &[UnitId], attendees: &[UnitId]) -> bool {
        actor.may(Permission::ReadRecords, host) || attendees.contains(&actor.unit_id)
    }

    /// A recommendation raised at a meeting (`meeting_id`) by a unit (`raised_by_unit_id`): the
    /// actor may read the meeting, and writes for the raising unit (its own, or one in its scope).
    pub fn may_raise_at_meeting(
        actor: &Actor,
        host: &[UnitId],
        attendees: &[UnitId],
        raised_by: &[UnitId],
    ) -> bool {
        may_read_meeting(actor, host, attendees) && actor.may(Permission::WriteRecords, raised_by)
    }

    /// A unit addressed by a recommendation (`addressed_to_unit_id`) or invited to a meeting
    /// (`invited_unit_ids`, a participant's or the chair's `unit_id`): a unit the actor may read,
    /// one of the actor's own superior bodies (a commune addresses its province), or one inside
    /// the actor's reach ([`super::reach_root`]: the territory above the actor's own). Never a
    /// unit of another district (for a commune or a district body) or another province (for a
    /// province body); the administrator reaches everyone. `own` is the actor's unit with its
    /// kind, then its parents.
    pub fn may_involve(actor: &Actor, own: &[(UnitId, UnitKind)], unit: &[UnitId]) -> bool {
        let Some(&target) = unit.first() else {
            return false;
        };
        actor.role == Role::Admin
            || actor.may(Permission::ReadRecords, unit)
            || own.iter().any(|(u, _)| *u == target)
            || super::reach_root(own).is_some_and(|r| unit.contains(&r))
    }

    /// A unit merged into another (`merged_into`): the actor manages the directory of the unit
    /// it merges into, as of the unit merged.
    pub fn may_merge_into(actor: &Actor, target: &[UnitId]) -> bool {
        actor.may(Permission::ManageUnits, target)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Tree {
        province: UnitId,
        district: UnitId,
        ubnd: UnitId,
        dept: UnitId,
        commune_a: UnitId,
        commune_b: UnitId,
        other_district: UnitId,
    }

    fn tree() -> Tree {
        Tree {
            province: UnitId::new(),
            district: UnitId::new(),
            ubnd: UnitId::new(),
            dept: UnitId::new(),
            commune_a: UnitId::new(),
            commune_b: UnitId::new(),
            other_district: UnitId::new(),
        }
    }

    impl Tree {
        fn ancestry(&self, u: UnitId) -> Vec<UnitId> {
            if u == self.province {
                vec![self.province]
            } else if u == self.district || u == self.other_district {
                vec![u, self.province]
            } else if u == self.ubnd || u == self.commune_a || u == self.commune_b {
                vec![u, self.district, self.province]
            } else {
                vec![u, self.ubnd, self.district, self.province]
            }
        }
        fn kinds(&self, u: UnitId) -> Vec<(UnitId, UnitKind)> {
            self.ancestry(u)
                .into_iter()
                .map(|id| {
                    let k = if id == self.province {
                        UnitKind::Province
                    } else if id == self.district || id == self.other_district {
                        UnitKind::District
                    } else if id == self.commune_a || id == self.commune_b {
                        UnitKind::Commune
                    } else if id == self.ubnd {
                        UnitKind::PeopleCommittee
                    } else {
                        UnitKind::Department
                    };
                    (id, k)
                })
                .collect()
        }
        fn actor(&self, role: Role, unit: UnitId) -> Actor {
            Actor {
                user_id: UserId::new(),
                username: Username::parse("someone").expect("ok"),
                display_name: "Someone".into(),
                role,
                unit_id: unit,
                scope_root: scope_root(role, &self.kinds(unit)).expect("root"),
            }
        }
    }

    #[test]
    fn commune_member_sees_only_its_own_unit() {
        let t = tree();
        let a = t.actor(Role::Member, t.commune_a);
        assert!(a.may(Permission::ReadRecords, &t.ancestry(t.commune_a)));
        assert!(a.may(Permission::WriteRecords, &t.ancestry(t.commune_a)));
        for other in [t.commune_b, t.district, t.dept, t.province] {
            assert!(!a.may(Permission::ReadRecords, &t.ancestry(other)));
            assert!(!a.may(Permission::WriteRecords, &t.ancestry(other)));
        }
        assert!(!a.may(Permission::ManageUnits, &t.ancestry(t.commune_a)));
        assert!(!a.may(Permission::ReadAudit, &t.ancestry(t.commune_a)));
    }

    #[test]
    fn district_leader_sees_the_district_territory_only() {
        let t = tree();
        // The leader belongs to UBND huyện; the territory is the district above it.
        let l = t.actor(Role::Leader, t.ubnd);
        assert_eq!(l.scope_root, t.district);
        for inside in [t.district, t.ubnd, t.dept, t.commune_a, t.commune_b] {
            assert!(l.may(Permission::ReadRecords, &t.ancestry(inside)));
        }
        assert!(!l.may(Permission::ReadRecords, &t.ancestry(t.other_district)));
        assert!(!l.may(Permission::ReadRecords, &t.ancestry(t.province)));
        assert!(!l.may(Permission::ManageUsers, &t.ancestry(t.commune_a)));
    }

    #[test]
    fn office_may_maintain_the_directory_of_its_territory() {
        let t = tree();
        let o = t.actor(Role::Office, t.ubnd);
        assert!(o.may(Permission::ManageUnits, &t.ancestry(t.commune_b)));
        assert!(!o.may(Permission::ManageUnits, &t.ancestry(t.other_district)));
        assert!(!o.may(Permission::ManageUsers, &t.ancestry(t.commune_b)));
    }

    #[test]
    fn admin_may_do_everything_but_never_on_an_unknown_unit() {
        let t = tree();
        let a = t.actor(Role::Admin, t.dept);
        assert_eq!(a.scope_root, t.province);
        assert!(a.may(Permission::ManageUsers, &t.ancestry(t.other_district)));
        assert!(!a.may(Permission::ReadRecords, &[]));
    }

    #[test]
    fn references_are_used_only_by_who_writes_for_the_record() {
        use crate::task::TaskRole;
        let t = tree();
        let commune = t.actor(Role::Member, t.commune_a);
        let office = t.actor(Role::Office, t.ubnd);
        let admin = t.actor(Role::Admin, t.ubnd);
        // A notice or meeting of another district (or another commune) is nobody's to attach to.
        for r in [&commune, &office] {
            assert!(!reference::may_attach_to_notice(
                r,
                &t.ancestry(t.other_district)
            ));
            assert!(!reference::may_attach_to_meeting(
                r,
                &t.ancestry(t.other_district)
            ));
        }
        assert!(!reference::may_attach_to_notice(
            &commune,
            &t.ancestry(t.ubnd)
        ));
        assert!(reference::may_attach_to_notice(
            &commune,
            &t.ancestry(t.commune_a)
        ));
        assert!(reference::may_attach_to_notice(
            &office,
            &t.ancestry(t.ubnd)
        ));
        assert!(reference::may_attach_to_meeting(
            &admin,
            &t.ancestry(t.other_district)
        ));
        // A sub-task: by a working party of the parent, or its manager, assigned by one of them.
        let lead_a = t.ancestry(t.commune_a);
        let parties = [(TaskRole::Lead, lead_a.as_slice())];
        let ubnd = t.ancestry(t.ubnd);
        assert!(reference::may_attach_to_parent_task(
            &commune, &ubnd, &parties, &lead_a
        ));
        assert!(!reference::may_attach_to_parent_task(
            &commune, &ubnd, &parties, &ubnd
        ));
        assert!(reference::may_attach_to_parent_task(
            &office, &ubnd, &parties, &ubnd
        ));
        let b = t.actor(Role::Member, t.commune_b);
        let lead_b = t.ancestry(t.commune_b);
        assert!(!reference::may_attach_to_parent_task(
            &b, &ubnd, &parties, &lead_b
        ));
        let monitor = [
            (TaskRole::Lead, ubnd.as_slice()),
            (TaskRole::Monitor, lead_a.as_slice()),
        ];
        assert!(!reference::may_attach_to_parent_task(
            &commune, &ubnd, &monitor, &lead_a
        ));
    }

    #[test]
    fn a_commune_reaches_its_district_and_a_district_body_its_province() {
        let t = tree();
        let commune = t.actor(Role::Member, t.commune_a);
        let own = t.kinds(t.commune_a);
        assert_eq!(reach_root(&own), Some(t.district));
        assert!(reference::may_involve(&commune, &own, &t.ancestry(t.dept)));
        assert!(reference::may_involve(
            &commune,
            &own,
            &t.ancestry(t.province)
        ));
        assert!(!reference::may_involve(
            &commune,
            &own,
            &t.ancestry(t.other_district)
        ));
        let dept = t.actor(Role::Member, t.dept);
        let own = t.kinds(t.dept);
        assert_eq!(reach_root(&own), Some(t.province));
        assert!(reference::may_involve(
            &dept,
            &own,
            &t.ancestry(t.other_district)
        ));
        assert!(!reference::may_involve(&dept, &own, &[UnitId::new()]));
        assert!(!reference::may_involve(&dept, &own, &[]));
    }

    #[test]
    fn merging_needs_the_directory_of_the_target() {
        let t = tree();
        let office = t.actor(Role::Office, t.ubnd);
        assert!(reference::may_merge_into(&office, &t.ancestry(t.commune_b)));
        assert!(!reference::may_merge_into(
            &office,
            &t.ancestry(t.other_district)
        ));
        let leader = t.actor(Role::Leader, t.ubnd);
        assert!(!reference::may_merge_into(
            &leader,
            &t.ancestry(t.commune_b)
        ));
    }

    #[test]
    fn the_asking_unit_never_decides_its_extension() {
        let t = tree();
        let office = t.actor(Role::Office, t.ubnd);
        // Assigned by the district to the UBND: the UBND's office asked, and may not decide.
        assert!(!may_decide_extension(
            &office,
            &t.ancestry(t.district),
            t.ubnd
        ));
        // Assigned by the UBND to a department: the UBND's office decides.
        assert!(may_decide_extension(&office, &t.ancestry(t.ubnd), t.dept));
        let dept = t.actor(Role::Member, t.dept);
        assert!(!may_decide_extension(
            &dept,
            &t.ancestry(t.dept),
            t.commune_a
        ));
        let province = t.actor(Role::Office, t.province);
        assert!(may_decide_extension(
            &province,
            &t.ancestry(t.district),
            t.ubnd
        ));
    }

    #[test]
    fn catalogue_records_are_changed_by_their_owner_only() {
        let t = tree();
        let office = t.actor(Role::Office, t.ubnd);
        assert_eq!(catalogue_owner(&office), Some(Some(t.district)));
        assert!(may_change_catalogue(&office, Some(t.district)));
        assert!(!may_change_catalogue(&office, None));
        assert!(!may_change_catalogue(&office, Some(t.other_district)));
        assert!(!may_change_catalogue(&office, Some(t.province)));
        let admin = t.actor(Role::Admin, t.ubnd);
        assert_eq!(catalogue_owner(&admin), Some(None));
        assert!(may_change_catalogue(&admin, None));
        let member = t.actor(Role::Member, t.commune_a);
        assert_eq!(catalogue_owner(&member), None);
        assert!(!may_change_catalogue(&member, Some(t.commune_a)));
    }

    #[test]
    fn a_member_lists_only_its_own_units_tasks() {
        let t = tree();
        let m = t.actor(Role::Member, t.commune_a);
        let own = t.ancestry(t.commune_a);
        let mine = Some(TaskListScope {
            party: Some(t.commune_a),
            within: None,
        });
        assert_eq!(task_list_scope(&m, None), mine);
        assert_eq!(task_list_scope(&m, Some((t.commune_a, &own))), mine);
        let b = t.ancestry(t.commune_b);
        assert_eq!(task_list_scope(&m, Some((t.commune_b, &b))), None);
        assert_eq!(task_list_scope(&m, Some((UnitId::new(), &[]))), None);
    }

    #[test]
    fn a_leader_lists_its_territory_and_a_unit_outside_it_only_where_it_meets_it() {
        let t = tree();
        for role in [Role::Leader, Role::Office] {
            let l = t.actor(role, t.ubnd);
            // Everything of the district, when no unit is asked about.
            assert_eq!(
                task_list_scope(&l, None),
                Some(TaskListScope {
                    party: None,
                    within: Some(t.district),
                })
            );
            // A commune of the district: its own parts, with no narrowing.
            let a = t.ancestry(t.commune_a);
            assert_eq!(
                task_list_scope(&l, Some((t.commune_a, &a))),
                Some(TaskListScope {
                    party: Some(t.commune_a),
                    within: None,
                })
            );
            // The province or another district: only their tasks that involve the district.
            for outside in [t.province, t.other_district] {
                let o = t.ancestry(outside);
                assert_eq!(
                    task_list_scope(&l, Some((outside, &o))),
                    Some(TaskListScope {
                        party: Some(outside),
                        within: Some(t.district),
                    })
                );
            }
            // A unit not in the directory is outside too.
            let stray = UnitId::new();
            assert_eq!(
                task_list_scope(&l, Some((stray, &[]))),
                Some(TaskListScope {
                    party: Some(stray),
                    within: Some(t.district),
                })
            );
        }
    }

    #[test]
    fn the_administrator_lists_every_task() {
        let t = tree();
        let a = t.actor(Role::Admin, t.ubnd);
        assert_eq!(
            task_list_scope(&a, None),
            Some(TaskListScope {
                party: None,
                within: None,
            })
        );
        let o = t.ancestry(t.other_district);
        assert_eq!(
            task_list_scope(&a, Some((t.other_district, &o))),
            Some(TaskListScope {
                party: Some(t.other_district),
                within: None,
            })
        );
    }

    #[test]
    fn department_member_is_confined_to_the_department() {
        let t = tree();
        let d = t.actor(Role::Member, t.dept);
        assert!(d.may(Permission::WriteRecords, &t.ancestry(t.dept)));
        assert!(!d.may(Permission::ReadRecords, &t.ancestry(t.ubnd)));
        assert!(!d.may(Permission::ReadRecords, &t.ancestry(t.commune_a)));
    }

    #[test]
    fn a_successor_reads_its_predecessors_history_and_writes_none_of_it() {
        use crate::unit::sample_unit;
        let p = sample_unit(UnitKind::Province, "Tỉnh Thanh Hóa", None);
        let d = sample_unit(UnitKind::District, "Huyện Cẩm Thủy", Some(p.id));
        let mut ngoc = sample_unit(UnitKind::Commune, "Xã Cẩm Ngọc", Some(d.id));
        let ubnd_ngoc = sample_unit(UnitKind::PeopleCommittee, "UBND xã Cẩm Ngọc", Some(ngoc.id));
        let new = sample_unit(UnitKind::Commune, "Xã Cẩm Thủy", Some(p.id));
        let other = sample_unit(UnitKind::Commune, "Xã Điền Quang", Some(p.id));
        ngoc.merged_into = Some(new.id);
        let units = vec![
            p.clone(),
            d.clone(),
            ngoc.clone(),
            ubnd_ngoc.clone(),
            new.clone(),
            other.clone(),
        ];
        let tree = UnitTree::new(&units);
        let actor = |role: Role, unit: &crate::unit::Unit| {
            let kinds: Vec<(UnitId, UnitKind)> = tree
                .ancestry(unit.id)
                .into_iter()
                .filter_map(|a| tree.get(a).map(|u| (u.id, u.kind)))
                .collect();
            Actor {
                user_id: UserId::new(),
                username: Username::parse("someone").expect("ok"),
                display_name: "Someone".into(),
                role,
                unit_id: unit.id,
                scope_root: scope_root(role, &kinds).expect("root"),
            }
        };
        assert_eq!(
            successor_ancestries(&tree, ubnd_ngoc.id),
            vec![vec![new.id, p.id]]
        );
        assert!(successor_ancestries(&tree, new.id).is_empty());
        for role in [Role::Member, Role::Leader, Role::Office] {
            let a = actor(role, &new);
            // The old commune, and the body under it, read as history…
            assert!(may_read(&a, &tree, ngoc.id), "{role:?}");
            assert!(may_read(&a, &tree, ubnd_ngoc.id), "{role:?}");
            // …but never written through the successor.
            assert!(!a.may(Permission::WriteRecords, &tree.ancestry(ngoc.id)));
            let scope = history_task_list_scope(
                &a,
                ngoc.id,
                &tree.ancestry(ngoc.id),
                &successor_ancestries(&tree, ngoc.id),
            );
            assert_eq!(
                scope,
                Some(TaskListScope {
                    party: Some(ngoc.id),
                    within: None
                })
            );
        }
        // A neighbour that took no part in the merger reads none of it.
        let b = actor(Role::Leader, &other);
        assert!(!may_read(&b, &tree, ngoc.id));
        assert_eq!(
            history_task_list_scope(
                &b,
                ngoc.id,
                &tree.ancestry(ngoc.id),
                &successor_ancestries(&tree, ngoc.id)
            ),
            None
        );
        // The old district still reads its old commune as its own (no history scope needed).
        let dl = actor(Role::Leader, &d);
        assert!(may_read(&dl, &tree, ngoc.id));
        assert_eq!(
            history_task_list_scope(
                &dl,
                ngoc.id,
                &tree.ancestry(ngoc.id),
                &successor_ancestries(&tree, ngoc.id)
            ),
            None
        );
    }
}
