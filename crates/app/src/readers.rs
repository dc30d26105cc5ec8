//! Readers of pasted documents, kept between requests: building one (the registries of every
//! written form of the units a person may see) costs more than reading a page of text, and it
//! changes only when the directory does.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use giaoban_domain::access::{Actor, Permission};
use giaoban_domain::reading::Reader;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Unit, UnitId};
use giaoban_domain::user::Role;

/// What decides which units a person sees: their role, their unit and the root of their scope.
type Visibility = (Role, UnitId, UnitId);

/// One [`Reader`] per visibility, for the directory the store last handed out. A directory read
/// anew (another `Arc`) drops them all: a reader never matches against units that changed.
#[derive(Default)]
pub struct ReaderCache {
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    directory: Option<Arc<Vec<Unit>>>,
    readers: HashMap<Visibility, Arc<Reader>>,
}

impl ReaderCache {
    /// The reader for `actor` over `units` (as [`giaoban_storage::Store::units`] returned them),
    /// built on first use. CPU work: call it off the async workers.
    pub fn reader(&self, units: &Arc<Vec<Unit>>, actor: &Actor) -> Arc<Reader> {
        let key = (actor.role, actor.unit_id, actor.scope_root);
        {
            let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
            if !kept
                .directory
                .as_ref()
                .is_some_and(|d| Arc::ptr_eq(d, units))
            {
                kept.directory = Some(Arc::clone(units));
                kept.readers.clear();
            }
            if let Some(r) = kept.readers.get(&key) {
                return Arc::clone(r);
            }
        }
        let tree = UnitTree::new(units);
        // Assignees are matched among the units of the person's own territory.
        let reader = Arc::new(Reader::new(units, |u| {
            actor.is_admin() || actor.may(Permission::ReadRecords, &tree.ancestry(u.id))
        }));
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept
            .directory
            .as_ref()
            .is_some_and(|d| Arc::ptr_eq(d, units))
        {
            kept.readers.insert(key, Arc::clone(&reader));
        }
        reader
    }
}
