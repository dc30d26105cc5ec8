//! The audit trail, for administrators (everything) and leaders and office staff (their territory).

use axum::Json;
use axum::extract::{Query, State};
use giaoban_domain::user::Role;
use giaoban_storage::audit::{AuditFilter, cursor_of};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{AuditEntryDto, AuditPage};
use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

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
    state: &AppState,
    me: &CurrentActor,
    q: &AuditQuery,
) -> Result<(Vec<giaoban_domain::audit::AuditEntry>, Option<i64>), AppError> {
    let within = match me.user.role {
        Role::Admin => None,
        Role::Leader | Role::Office => Some(me.actor.scope_root),
        Role::Member => return Err(AppError::Forbidden),
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

/// Nhật ký thay đổi. Newest first, keyset-paginated.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = super::ErrorBody)))]
async fn list_audit(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Query(q): Query<AuditQuery>,
) -> Result<Json<AuditPage>, AppError> {
    let (entries, next_before) = page(&state, &me, &q).await?;
    Ok(Json(AuditPage {
        items: entries
            .iter()
            .map(|e| AuditEntryDto::new(e, lang))
            .collect(),
        next_before,
    }))
}
