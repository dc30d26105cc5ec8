//! Tin nhắn over JSON: the office messages to the user's units with the state of each delivery
//! (e-mail, Telegram), the unread count, marking them read, and sending a failed delivery again.
//! The reminders with their deliveries are at `GET /api/v1/notifications`.

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::i18n::ReqLang;
use crate::state::AppState;
use giaoban_app::channels::{self, DeliveryView, MessageView};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_messages))
        .routes(routes!(unread_messages))
        .routes(routes!(read_messages))
        .routes(routes!(retry_delivery))
}

#[derive(Serialize, ToSchema)]
pub struct MessageList {
    /// Newest first, at most 100.
    pub items: Vec<MessageView>,
    /// Unread messages in all.
    pub unread: u64,
}

#[derive(Serialize, ToSchema)]
pub struct UnreadCount {
    pub unread: u64,
}

#[derive(Serialize, ToSchema)]
pub struct MarkedRead {
    /// How many were unread and are now read.
    pub marked: u64,
}

/// Tin nhắn: what the user's unit (and, for leaders and office staff, their territory) was told
/// — extensions asked for or decided, reports sent, accepted or returned, recommendations raised
/// or answered — with each delivery's state by e-mail and Telegram.
#[utoipa::path(get, path = "/api/v1/messages", tag = "tasks",
    responses((status = 200, body = MessageList), (status = 401, body = crate::api::ErrorBody)))]
async fn list_messages(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
) -> Result<Json<MessageList>, AppError> {
    Ok(Json(MessageList {
        items: channels::messages(&state, &me, lang).await?,
        unread: channels::unread_count(&state, &me).await?,
    }))
}

/// How many messages to the user's units are unread.
#[utoipa::path(get, path = "/api/v1/messages/unread", tag = "tasks",
    responses((status = 200, body = UnreadCount), (status = 401, body = crate::api::ErrorBody)))]
async fn unread_messages(
    State(state): State<AppState>,
    me: CurrentActor,
) -> Result<Json<UnreadCount>, AppError> {
    Ok(Json(UnreadCount {
        unread: channels::unread_count(&state, &me).await?,
    }))
}

/// Marks every message to the user's units read.
#[utoipa::path(post, path = "/api/v1/messages/read", tag = "tasks",
    responses((status = 200, body = MarkedRead), (status = 401, body = crate::api::ErrorBody)))]
async fn read_messages(
    State(state): State<AppState>,
    me: CurrentActor,
) -> Result<Json<MarkedRead>, AppError> {
    Ok(Json(MarkedRead {
        marked: channels::mark_read(&state, &me).await?,
    }))
}

/// Gửi lại: a failed delivery goes back in the queue, to the unit's address or chat as it is now.
/// The unit's own people (or an administrator) only; another unit's delivery answers 404.
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/retry", tag = "tasks",
    params(("id" = Uuid, Path, description = "Delivery id")),
    responses((status = 200, body = DeliveryView), (status = 403, body = crate::api::ErrorBody),
        (status = 404, body = crate::api::ErrorBody), (status = 422, body = crate::api::ErrorBody)))]
async fn retry_delivery(
    State(state): State<AppState>,
    ReqLang(lang): ReqLang,
    me: CurrentActor,
    Path(id): Path<Uuid>,
) -> Result<Json<DeliveryView>, AppError> {
    Ok(Json(channels::retry(&state, &me, id, lang).await?))
}
