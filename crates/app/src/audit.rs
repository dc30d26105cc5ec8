//! The audit trail as people read it: administrators all of it, leaders and office staff their
//! territory's, members none.

use giaoban_domain::user::Role;
use giaoban_storage::audit::{AuditFilter, cursor_of};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::{App, Caller, Error};

#[derive(Deserialize, IntoParams, Default)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Kind of record: unit, unit_contact, user, level, session.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Cursor from `next_before` of the previous page.
    pub before: Option<i64>,
    /// Page size, 1–500 (default 100).
    pub limit: Option<u32>,
    pub lang: Option<String>,
}

/// Reads a page of the trail the actor may see.
pub async fn page(
    state: &App,
    me: &Caller,
    q: &AuditQuery,
) -> Result<(Vec<giaoban_domain::audit::AuditEntry>, Option<i64>), Error> {
    let within = match me.user.role {
        Role::Admin => None,
        Role::Leader | Role::Office => Some(me.actor.scope_root),
        Role::Member => return Err(Error::Forbidden),
    };
    let limit = q.limit.unwrap_or(100).clamp(1, 500);
    let entries = state
        .store
        .audit_entries(&AuditFilter {
            entity: q.entity.clone(),
            entity_id: q.entity_id.clone(),
            within,
            before_micros: q.before,
            limit,
        })
        .await?;
    let next = (entries.len() == limit as usize)
        .then(|| entries.last().map(|e| cursor_of(e.at)))
        .flatten();
    Ok((entries, next))
}
