//! Bàn giao over JSON: the list of what ended units hold, one move, the bulk move.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::ApiJson;
use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_app::handover::{self, HandoverBulk, HandoverOne, HandoverOutcome, HandoverView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_handover))
        .routes(routes!(post_handover_one))
        .routes(routes!(post_handover_bulk))
}

/// What the units that ended (district bodies on 30/06/2025, merged communes) still hold in the
/// caller's scope — open tasks they lead or coordinate, recurring obligations, report forms they
/// own — grouped by unit with the proposed successor. Leaders, office staff, administrator.
#[utoipa::path(get, path = "/api/v1/handover", tag = "handover",
    responses((status = 200, body = HandoverView), (status = 401, body = crate::api::ErrorBody), (status = 403, body = crate::api::ErrorBody)))]
async fn get_handover(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<HandoverView>, AppError> {
    Ok(Json(handover::list(&state, &me, lang).await?))
}

/// Hands one item over to a chosen unit (living, in the caller's scope: another territory's unit
/// is 403). Province office and administrator only. A stale `version` is 409.
#[utoipa::path(post, path = "/api/v1/handover/one", tag = "handover", request_body = HandoverOne,
    responses((status = 200, body = HandoverOutcome), (status = 403, body = crate::api::ErrorBody), (status = 404, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn post_handover_one(
    State(state): State<AppState>,
    me: CurrentActor,
    ApiJson(body): ApiJson<HandoverOne>,
) -> Result<Json<HandoverOutcome>, AppError> {
    Ok(Json(handover::hand_over_one(&state, &me, &body).await?))
}

/// Applies the obvious rule (a merged commune's items go to its successor) for one ended unit or
/// all: items of units with no obvious successor stay. Run again, it moves nothing (`moved` 0).
#[utoipa::path(post, path = "/api/v1/handover/bulk", tag = "handover", request_body = HandoverBulk,
    responses((status = 200, body = HandoverOutcome), (status = 403, body = crate::api::ErrorBody), (status = 409, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn post_handover_bulk(
    State(state): State<AppState>,
    me: CurrentActor,
    ApiJson(body): ApiJson<HandoverBulk>,
) -> Result<Json<HandoverOutcome>, AppError> {
    Ok(Json(handover::hand_over_bulk(&state, &me, &body).await?))
}
