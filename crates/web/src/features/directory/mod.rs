//! Directory: units (list, page, contacts, creating and editing), administrative levels, users and
//! the audit trail.
mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(pages::units_page))
        .route(
            "/units/new",
            get(pages::new_unit_page).post(pages::new_unit_submit),
        )
        .route("/units/{id}", get(pages::unit_page))
        .route(
            "/units/{id}/edit",
            get(pages::edit_unit_page).post(pages::edit_unit_submit),
        )
        .route(
            "/levels",
            get(pages::levels_page).post(pages::levels_submit),
        )
        .route("/units/{id}/contact", post(pages::contact_submit))
        .route("/users", get(pages::users_page).post(pages::users_create))
        .route("/users/{id}/reset-password", post(pages::users_reset))
        .route("/audit", get(pages::audit_page))
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
