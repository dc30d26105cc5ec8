//! Period reports (báo cáo định kỳ): drafted from the data, edited, drafted again, downloaded.
mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/period-reports",
            get(pages::list_page).post(pages::create_submit),
        )
        .route(
            "/period-reports/{id}",
            get(pages::report_page).post(pages::edit_submit),
        )
        .route(
            "/period-reports/{id}/regenerate",
            post(pages::regenerate_submit),
        )
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
