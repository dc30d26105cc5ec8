//! Bàn giao nhiệm vụ của đơn vị đã kết thúc (`/handover`, issue 24): what the ended units (district
//! bodies, merged communes) still hold, grouped by unit with the proposed successor, and the moves
//! (one item, or the obvious rule for a unit or for all). The rules live in
//! [`giaoban_app::handover`], shared by the page and the API.
mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/handover", get(pages::handover_page))
        .route("/handover/one", post(pages::one_submit))
        .route("/handover/bulk", post(pages::bulk_submit))
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
