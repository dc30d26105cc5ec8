//! Việc chờ xử lý over JSON: what waits for the signed-in user's decision, and how many. The
//! decisions themselves go through the routes each item names (`actions[].api_path`).

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_app::inbox::{self, InboxCounts, InboxView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_inbox))
        .routes(routes!(get_inbox_count))
}

/// Việc chờ xử lý: extension requests to decide, reports to accept or return, notices to issue,
/// recommendations addressed to the user's unit to answer — only what the user may decide, each
/// kind longest-waiting first (at most 200 of each; the counts are whole).
#[utoipa::path(get, path = "/api/v1/inbox", tag = "inbox",
    responses((status = 200, body = InboxView), (status = 401, body = crate::api::ErrorBody)))]
async fn get_inbox(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<InboxView>, AppError> {
    Ok(Json(inbox::inbox(&state, &me, lang).await?))
}

/// How many items wait for the user, in all and by kind (what the menu shows on every page).
#[utoipa::path(get, path = "/api/v1/inbox/count", tag = "inbox",
    responses((status = 200, body = InboxCounts), (status = 401, body = crate::api::ErrorBody)))]
async fn get_inbox_count(
    State(state): State<AppState>,
    me: CurrentActor,
) -> Result<Json<InboxCounts>, AppError> {
    Ok(Json(inbox::inbox_count(&state.store, &me).await?))
}
