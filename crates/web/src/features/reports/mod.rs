//! Periodic reporting: indicators, plan targets, report forms, data entry and uploads,
//! completeness boards and roll-ups.
mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(pages::reports_page))
        .route("/reports/{form}", get(pages::pick_period))
        .route("/reports/{form}/{period}", get(pages::board_page))
        .route(
            "/reports/{form}/{period}/upload",
            post(pages::upload_submit),
        )
        .route(
            "/reports/{form}/{period}/{unit}",
            get(pages::entry_page).post(pages::entry_submit),
        )
        .route("/rollups", get(pages::rollups_page))
        .route(
            "/targets",
            get(pages::targets_page).post(pages::targets_submit),
        )
        .route(
            "/indicators",
            get(pages::indicators_page).post(pages::indicators_submit),
        )
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
