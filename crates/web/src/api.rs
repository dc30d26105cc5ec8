//! What the JSON API under `/api/v1` shares: the document's heading, the refusals every operation
//! may answer, the strict JSON body extractor, the error body's schema, and file downloads. The
//! routes themselves are the features' (`features/<feature>/api.rs`), every one registered through
//! utoipa-axum, so the OpenAPI document at `/api/v1/openapi.json` is generated from the same code
//! that serves them; `lib.rs` merges them.

use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use serde::Serialize;
use utoipa::ToSchema;

use crate::error::AppError;
use crate::state::AppState;

pub use giaoban_app::dto::*;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "giaoban API",
        description = "Giao ban, kết luận, theo dõi nhiệm vụ và báo cáo định kỳ của chính quyền địa phương. \
            Errors are `{\"error\":{\"code\",\"message\"}}` in Vietnamese, or English with `Accept-Language: en`. \
            State-changing requests need the `X-CSRF-Token` header from `POST /api/v1/session`.",
        version = env!("CARGO_PKG_VERSION")
    ),
    tags(
        (name = "session", description = "Đăng nhập / sign-in"),
        (name = "units", description = "Đơn vị / units"),
        (name = "users", description = "Người dùng / users"),
        (name = "audit", description = "Nhật ký / audit trail"),
        (name = "extract", description = "Đọc văn bản / reading pasted text"),
        (name = "meetings", description = "Cuộc họp, kiến nghị / meetings, recommendations"),
        (name = "conclusions", description = "Thông báo kết luận / conclusion notices"),
        (name = "tasks", description = "Nhiệm vụ, theo dõi, nhắc việc / tasks, boards, reminders"),
        (name = "reports", description = "Chỉ tiêu, kế hoạch, báo cáo định kỳ, tổng hợp / indicators, targets, periodic reports, roll-ups"),
        (name = "programmes", description = "Nông thôn mới: bộ tiêu chí, đánh giá xã, bức tranh huyện / new rural development"),
        (name = "inbox", description = "Việc chờ xử lý / what waits for the user's decision"),
        (name = "handover", description = "Bàn giao việc của đơn vị đã kết thúc / handover of what ended units held"),
    )
)]
struct ApiDoc;

/// An API router carrying the document's title, description and tags; the features' routes are
/// merged into it (by `api_router` in `lib.rs`).
pub fn base() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
}

/// Adds to every operation the refusals that come from the layers around the handlers rather than
/// from the handler itself, so that the document lists every status a client can receive:
/// 400 for a path, query or body the framework cannot read (`ApiJson`, `Path`, `Query`), 401
/// without a session (every route but signing in), 403 for a state-changing request without the
/// CSRF token and for a user who must change the password first (every route but the session and
/// the password change), 404 when a path or query names a record by id, 413 for a body over the
/// limit, 415 for a body that is not JSON, and 422 for a query or body whose values are refused. A status the handler documents keeps its
/// own description.
pub fn document_common_refusals(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            ("get", item.get.as_mut()),
            ("put", item.put.as_mut()),
            ("post", item.post.as_mut()),
            ("delete", item.delete.as_mut()),
            ("patch", item.patch.as_mut()),
        ];
        for (method, op) in operations {
            let Some(op) = op else { continue };
            let params: Vec<(ParameterIn, bool)> = op
                .parameters
                .iter()
                .flatten()
                .filter_map(|p| match p {
                    RefOr::T(p) => {
                        let uuid =
                            serde_json::to_value(&p.schema).is_ok_and(|s| s["format"] == "uuid");
                        Some((p.parameter_in.clone(), uuid))
                    }
                    RefOr::Ref(_) => None,
                })
                .collect();
            let in_path = params.iter().any(|(at, _)| *at == ParameterIn::Path);
            let in_query = params.iter().any(|(at, _)| *at == ParameterIn::Query);
            let names_record = in_path
                || params
                    .iter()
                    .any(|(at, uuid)| *at == ParameterIn::Query && *uuid);
            let has_body = op.request_body.is_some();
            let signing_in = path == "/api/v1/session" && method == "post";
            let mut add = |status: &str, description: &str| {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| error(description));
            };
            add(
                "400",
                "The request cannot be read: a malformed body, or a path or query parameter of the wrong form",
            );
            if !signing_in {
                add("401", "Sign-in required");
            }
            let own_session =
                path == "/api/v1/session" || (path == "/api/v1/me/password" && method == "put");
            if method != "get" {
                add(
                    "403",
                    "Not allowed, or the X-CSRF-Token header is missing or wrong, or the password must be changed first",
                );
            } else if !own_session {
                add(
                    "403",
                    "Not allowed, or the password must be changed first (`auth.password_change_required`)",
                );
            }
            if names_record {
                add("404", "No such record, or not one the user may see");
            }
            if has_body {
                add("413", "The body is over the size limit");
                add(
                    "415",
                    "The body is not JSON (Content-Type application/json or application/*+json)",
                );
            }
            if has_body || in_query {
                add("422", "Values that are not valid; `fields` says which");
            }
        }
    }
}

/// A JSON body, parsed strictly (unknown fields are refused by the DTOs) with errors a person can
/// read, in their language, naming the field that is wrong.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_json_media_type);
        if !json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::bad_request(
                        "body.unreadable",
                        "Không đọc được dữ liệu gửi lên.",
                        "The request body could not be read.",
                    )
                }
            })?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(ApiJson)
            .map_err(|e| json_error(&e))
    }
}

/// `application/json` or `application/<anything>+json`, with parameters or without
/// (`application/jsonfoo` is not JSON).
pub fn is_json_media_type(content_type: &str) -> bool {
    content_type.parse::<mime::Mime>().is_ok_and(|m| {
        m.type_() == mime::APPLICATION
            && (m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
    })
}

fn json_error(e: &serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let inner = e.inner();
    let path = e.path().to_string();
    let at_vi = if path == "." {
        String::new()
    } else {
        format!(" (trường «{path}»)")
    };
    let at_en = if path == "." {
        String::new()
    } else {
        format!(" (field «{path}»)")
    };
    if inner.is_syntax() || inner.is_eof() {
        return AppError::bad_request(
            "json.syntax",
            format!(
                "JSON sai cú pháp ở dòng {}, cột {}.",
                inner.line(),
                inner.column()
            ),
            format!(
                "Malformed JSON at line {}, column {}.",
                inner.line(),
                inner.column()
            ),
        );
    }
    let msg = inner.to_string();
    let field = |prefix: &str| {
        msg.strip_prefix(prefix)
            .and_then(|r| r.split('`').next())
            .unwrap_or("")
            .to_owned()
    };
    if msg.starts_with("unknown field `") {
        let f = field("unknown field `");
        AppError::bad_request(
            "json.unknown_field",
            format!("Trường «{f}» không được hỗ trợ{at_vi}."),
            format!("Unknown field «{f}»{at_en}."),
        )
    } else if msg.starts_with("missing field `") {
        let f = field("missing field `");
        AppError::bad_request(
            "json.missing_field",
            format!("Thiếu trường bắt buộc «{f}»{at_vi}."),
            format!("Missing required field «{f}»{at_en}."),
        )
    } else if msg.starts_with("invalid type") || msg.starts_with("invalid value") {
        AppError::bad_request(
            "json.wrong_type",
            format!("Sai kiểu dữ liệu{at_vi}: {msg}."),
            format!("Wrong type{at_en}: {msg}."),
        )
    } else {
        AppError::bad_request(
            "json.invalid",
            format!("Dữ liệu không hợp lệ{at_vi}: {msg}."),
            format!("Invalid data{at_en}: {msg}."),
        )
    }
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `auth.forbidden`.
    pub code: String,
    /// Message for a person, in Vietnamese (or English with `Accept-Language: en`).
    pub message: String,
    /// Per-field problems of a validation error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// A download: the media type and a Content-Disposition with both an ASCII file name and the
/// Vietnamese one (RFC 6266 / RFC 5987).
pub fn file_response(f: giaoban_app::work::FileOut) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let encoded =
        percent_encoding::utf8_percent_encode(&f.name, percent_encoding::NON_ALPHANUMERIC);
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{encoded}",
        f.ascii_name.replace(['"', '\\'], "")
    );
    let mut resp = f.bytes.into_response();
    let headers = resp.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(f.content_type),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}
