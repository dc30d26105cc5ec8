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
    fn department_member_is_confined_to_the_department() {
        let t = tree();
        let d = t.actor(Role::Member, t.dept);
        assert!(d.may(Permission::WriteRecords, &t.ancestry(t.dept)));
        assert!(!d.may(Permission::ReadRecords, &t.ancestry(t.ubnd)));
        assert!(!d.may(Permission::ReadRecords, &t.ancestry(t.commune_a)));
    }
}
