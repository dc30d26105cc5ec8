//! Tin nhắn: the office messages to the user's units and their deliveries (e-mail, Telegram), over
//! JSON. Their page is the work feature's notifications page.

mod api;

use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
