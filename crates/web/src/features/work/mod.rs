//! The review-and-direction cycle: meetings and their recommendations, conclusion notices (with
//! their spelling fixes), tasks and their follow-up, the leaders' board, notifications and the
//! calendar.
mod api;
mod pages;
pub mod spelling;

use axum::Router;
use axum::routing::{get, post};
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// The pages of this feature (behind the session and CSRF layers).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(pages::meetings_page))
        .route(
            "/meetings/new",
            get(pages::new_meeting_page).post(pages::new_meeting_submit),
        )
        .route("/meetings/{id}", get(pages::meeting_page))
        .route(
            "/meetings/{id}/edit",
            get(pages::edit_meeting_page).post(pages::edit_meeting_submit),
        )
        .route(
            "/meetings/{id}/conclusions/new",
            get(pages::new_conclusion_page).post(pages::new_conclusion_submit),
        )
        .route(
            "/recommendations",
            get(pages::recommendations_page).post(pages::recommendation_submit),
        )
        .route("/recommendations/{id}/answer", post(pages::answer_submit))
        .route("/conclusions/{id}", get(pages::conclusion_page))
        .route(
            "/conclusions/{id}/edit",
            get(pages::edit_conclusion_page).post(pages::edit_conclusion_submit),
        )
        .route("/conclusions/{id}/issue", post(pages::issue_submit))
        .route(
            "/conclusions/{id}/spelling",
            post(spelling::notice_fix_submit),
        )
        .route(
            "/tasks",
            get(pages::tasks_page).post(pages::new_task_submit),
        )
        .route(
            "/tasks/new",
            get(pages::new_task_page).post(pages::new_task_submit),
        )
        .route("/tasks/{id}", get(pages::task_page))
        .route("/tasks/{id}/progress", post(pages::progress_submit))
        .route("/tasks/{id}/extension", post(pages::extension_submit))
        .route(
            "/tasks/{id}/extension/decision",
            post(pages::decision_submit),
        )
        .route("/tasks/{id}/action", post(pages::action_submit))
        .route("/board", get(pages::board_page))
        .route("/notifications", get(pages::notifications_page))
        .route("/notifications/read", post(pages::messages_read_submit))
        .route("/deliveries/{id}/retry", post(pages::delivery_retry_submit))
        .route("/calendar", get(pages::calendar_page))
        .route("/calendar/token", post(pages::calendar_token_submit))
}

/// The JSON routes of this feature, documented in the OpenAPI document.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}

/// The iCalendar feed behind a user's secret: no session (calendar applications fetch it alone),
/// so it sits outside the session and CSRF layers.
pub fn public() -> Router<AppState> {
    Router::new().route("/calendar/{token}", get(pages::calendar_feed))
}
