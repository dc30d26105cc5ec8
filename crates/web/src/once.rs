//! No double entry (issue 21): one-time keys of create forms and API requests, and the
//! recognition of a document already read.
//!
//! Every create form carries a hidden `form_key` drawn when the form is rendered; the API takes
//! the same as an optional `Idempotency-Key` header. The first POST with a key claims it before it
//! writes (see `giaoban_storage::form_keys`); a second POST with the same key creates nothing and
//! is answered with the record the first made: pages redirect to it with "Đã tạo trước đó", the
//! API answers 200 with the same body the first got (201). A POST whose twin is still creating
//! gets 409.

use std::future::Future;

use axum::http::{HeaderMap, StatusCode};
use giaoban_storage::form_keys::FormKeyClaim;
use uuid::Uuid;

use crate::auth::CurrentActor;
use crate::error::AppError;
use crate::state::AppState;

/// The longest key accepted (a page's key is 64 hex digits; API clients often send a UUID).
const MAX_KEY: usize = 200;

/// What a keyed create did.
pub enum Made<T> {
    /// Created now.
    New(T),
    /// Created before by a POST with the same key: the record's id.
    Before(Uuid),
}

/// A fresh key for a create form.
pub fn new_form_key() -> Result<String, AppError> {
    crate::auth::random_token()
}

fn checked(raw: &str) -> Result<Option<String>, AppError> {
    let k = raw.trim();
    if k.is_empty() {
        return Ok(None);
    }
    if k.len() > MAX_KEY || k.chars().any(|c| c.is_control()) {
        return Err(AppError::BadRequest {
            code: "idempotency_key.invalid",
            vi: format!("Khóa chống gửi trùng không hợp lệ (tối đa {MAX_KEY} ký tự)."),
            en: format!("The idempotency key is invalid (at most {MAX_KEY} characters)."),
        });
    }
    Ok(Some(k.to_owned()))
}

/// The form's `form_key` field.
pub fn form_key(raw: &str) -> Result<Option<String>, AppError> {
    checked(raw)
}

/// The request's `Idempotency-Key` header.
pub fn header_key(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => checked(v.to_str().map_err(|_| AppError::BadRequest {
            code: "idempotency_key.invalid",
            vi: "Khóa chống gửi trùng không hợp lệ.".into(),
            en: "The idempotency key is invalid.".into(),
        })?),
    }
}

/// Runs `make` once per (user, key): without a key it just runs it.
pub async fn once<T, E, F, Fut>(
    state: &AppState,
    me: &CurrentActor,
    key: Option<&str>,
    kind: &'static str,
    id_of: fn(&T) -> Uuid,
    make: F,
) -> Result<Made<T>, AppError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    AppError: From<E>,
{
    let Some(key) = key else {
        return make().await.map(Made::New).map_err(AppError::from);
    };
    let user = me.actor.user_id;
    match state.store.form_key_claim(user, key, kind).await? {
        FormKeyClaim::New => {}
        FormKeyClaim::Done { kind: k, record_id } if k == kind => {
            return Ok(Made::Before(record_id));
        }
        FormKeyClaim::Done { .. } => {
            return Err(AppError::Refused {
                status: StatusCode::CONFLICT,
                code: "idempotency_key.reused",
                vi: "Khóa chống gửi trùng này đã dùng cho một việc khác.".into(),
                en: "This idempotency key was used for something else.".into(),
            });
        }
        FormKeyClaim::Pending => {
            return Err(AppError::Refused {
                status: StatusCode::CONFLICT,
                code: "idempotency_key.pending",
                vi: "Yêu cầu này đang được xử lý; vui lòng chờ rồi tải lại trang.".into(),
                en: "This request is being processed; wait, then reload the page.".into(),
            });
        }
    }
    match make().await.map_err(AppError::from) {
        Ok(t) => {
            state.store.form_key_settle(user, key, id_of(&t)).await?;
            Ok(Made::New(t))
        }
        Err(e) => {
            state.store.form_key_release(user, key).await?;
            Err(e)
        }
    }
}

pub use giaoban_app::work::{number_key, text_hash};
