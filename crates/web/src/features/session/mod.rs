//! Session: signing in and out, the home page, changing one's own password; and the public pages
//! (probes, static files, the language switch).
mod api;
mod chart;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_page).post(pages::login_submit))
        .route("/logout", post(pages::logout))
        .route(
            "/account/password",
            get(pages::password_page).post(pages::password_submit),
        )
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// Pages and probes that need no session (outside the session and CSRF layers).
pub fn public() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(pages::readyz))
        .route("/static/app.css", get(pages::stylesheet))
        .route("/static/app.js", get(pages::script))
        .route("/lang/{code}", get(pages::switch_lang))
}
