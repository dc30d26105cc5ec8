//! Nông thôn mới: criteria sets, a commune's assessment, the district's picture, and a lagging
//! criterion turned into a task.
mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/programmes", get(pages::picture_page))
        .route(
            "/programmes/criteria-sets",
            get(pages::sets_page).post(pages::sets_upload),
        )
        .route(
            "/programmes/communes/{id}",
            get(pages::commune_page).post(pages::programme_submit),
        )
        .route(
            "/programmes/communes/{id}/criteria/{item}",
            get(pages::criterion_page).post(pages::criterion_submit),
        )
        .route(
            "/programmes/communes/{id}/criteria/{item}/task",
            post(pages::criterion_task_submit),
        )
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
