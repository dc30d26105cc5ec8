//! Việc chờ xử lý: what waits for the signed-in user's decision, decided from one page.
mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inbox", get(pages::inbox_page))
        .route("/inbox/extensions/{id}", post(pages::extension_submit))
        .route("/inbox/reports/{id}", post(pages::report_submit))
        .route(
            "/inbox/recommendations/{id}/answer",
            post(pages::answer_submit),
        )
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
