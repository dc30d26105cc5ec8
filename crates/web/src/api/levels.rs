//! Administrative levels: the configured hierarchy, readable by all, changed by administrators.

use axum::Json;
use axum::extract::{Path, State};
use giaoban_domain::unit::{AdminLevel, parse_date};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{ApiJson, LevelDto, LevelWrite, require_admin};
use crate::AppState;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_levels))
        .routes(routes!(put_level))
}

/// Các cấp hành chính. The configured levels, highest first.
#[utoipa::path(get, path = "/api/v1/levels", tag = "units",
    responses((status = 200, body = Vec<LevelDto>), (status = 401, body = super::ErrorBody)))]
async fn list_levels(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    _me: CurrentActor,
) -> Result<Json<Vec<LevelDto>>, AppError> {
    let levels = state.store.levels().await?;
    Ok(Json(
        levels.iter().map(|l| LevelDto::new(l, lang)).collect(),
    ))
}

/// Creates or changes a level for an administrator.
pub async fn save_level(
    state: &AppState,
    me: &CurrentActor,
    code: &str,
    body: &LevelWrite,
) -> Result<AdminLevel, AppError> {
    require_admin(me.user.role)?;
    let mut errs = giaoban_domain::unit::Invalids::default();
    let from = errs
        .take(parse_date(
            "active_from",
            body.active_from.as_deref().unwrap_or(""),
        ))
        .flatten();
    let to = errs
        .take(parse_date(
            "active_to",
            body.active_to.as_deref().unwrap_or(""),
        ))
        .flatten();
    errs.into_result()?;
    let level = AdminLevel::parse(code, body.rank, &body.name_vi, &body.name_en, from, to)?;
    Ok(state.store.put_level(&me.audit(), &level).await?)
}

/// Khai báo cấp hành chính. Creates or changes a level (administrators).
#[utoipa::path(put, path = "/api/v1/levels/{code}", tag = "units", request_body = LevelWrite,
    params(("code" = String, Path, description = "Level code, e.g. xa")),
    responses((status = 200, body = LevelDto), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
async fn put_level(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<LevelWrite>,
) -> Result<Json<LevelDto>, AppError> {
    let saved = save_level(&state, &me, &code, &body).await?;
    Ok(Json(LevelDto::new(&saved, lang)))
}
