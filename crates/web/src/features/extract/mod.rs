//! Reading pasted text: a notice or report read into proposed meeting details, tasks, figures and
//! recommendations, reviewed by a person and then confirmed.
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
            "/extract",
            get(pages::extract_page).post(pages::extract_submit),
        )
        .route("/extract/confirm", post(pages::confirm_submit))
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
