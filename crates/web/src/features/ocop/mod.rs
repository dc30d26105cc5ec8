//! OCOP (mỗi xã một sản phẩm): producers, products and their stars, expiring certificates,
//! support payments.
mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/ocop", get(pages::ocop_page))
        .route("/ocop/producers", post(pages::producer_submit))
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
