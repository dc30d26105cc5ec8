//! The web layer's error: every failure becomes a clear message in the reader's language.
//!
//! Handlers return [`AppError`]; its response carries an [`ErrorInfo`] extension and no body. The
//! [`render_errors`] middleware, which knows the request's language and whether it came to the API
//! or to a page, turns that into `{"error":{"code","message"}}` or a friendly HTML page. It also
//! dresses the framework's own refusals (unknown route, wrong method, body too large) the same way,
//! so no plain-text or English-only error ever leaves the server.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use giaoban_domain::unit::{Invalid, Invalids};
use giaoban_domain::{Lang, Localized};
use giaoban_storage::{Conflict, StoreError};
use serde::Serialize;

use crate::i18n::request_lang;

/// What went wrong, as the response middleware renders it.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub code: &'static str,
    pub vi: String,
    pub en: String,
    pub fields: Vec<Invalid>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("CSRF token missing or wrong")]
    Csrf,
    #[error("invalid input")]
    Invalid(Invalids),
    #[error("bad request: {code}")]
    BadRequest {
        code: &'static str,
        vi: String,
        en: String,
    },
    #[error("body too large")]
    PayloadTooLarge,
    /// A request refused with its own status and words: a file over the limits (413), a draft
    /// changed since its template was downloaded (409), the server busy with other files (503).
    #[error("refused ({status}): {code}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        vi: String,
        en: String,
    },
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many attempts")]
    TooManyAttempts { minutes: u64 },
    /// Too many password checks waiting: try again in a few seconds.
    #[error("password checks busy")]
    Busy,
    /// The user must change the password (after a reset) before anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    /// A body that is not of the media type the endpoint reads.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    /// A failure of the session layer (sign-in, sign-out, the CSRF token): the database being
    /// unavailable — a full disk, a read-only file system — is answered as such (503, saved data
    /// safe), anything else is an internal error.
    pub fn session(context: &str, e: impl std::fmt::Display) -> AppError {
        let text = e.to_string();
        match unavailable::read(&text) {
            Some(m) => AppError::Store(StoreError::Unavailable(m.to_owned())),
            None => AppError::Internal(format!("{context}: {text}")),
        }
    }
}

/// A database that is unavailable (full disk, read-only, busy), carried through the session layer,
/// which passes only text on: the session store writes the failure with [`mark`], and
/// [`AppError::session`] finds it again with [`read`] to answer 503 with the database's message
/// instead of an internal error. The marker is private to this module, so both ends agree on it.
pub mod unavailable {
    const MARKER: &str = "[database unavailable] ";

    /// The text a session-store error carries for an unavailable database saying `message`.
    pub fn mark(message: &str) -> String {
        format!("{MARKER}{message}")
    }

    /// The database's message, if `text` (possibly wrapped by the session layers) carries one
    /// written by [`mark`].
    pub fn read(text: &str) -> Option<&str> {
        text.find(MARKER).map(|at| &text[at + MARKER.len()..])
    }
}

impl From<giaoban_app::Error> for AppError {
    fn from(e: giaoban_app::Error) -> Self {
        use giaoban_app::Error as E;
        match e {
            E::Forbidden => AppError::Forbidden,
            E::NotFound => AppError::NotFound,
            E::Invalid(errs) => AppError::Invalid(errs),
            E::BadRequest { code, vi, en } => AppError::BadRequest { code, vi, en },
            E::Conflict { code, vi, en } => AppError::Refused {
                status: StatusCode::CONFLICT,
                code,
                vi,
                en,
            },
            E::Busy { code, vi, en } => AppError::Refused {
                status: StatusCode::SERVICE_UNAVAILABLE,
                code,
                vi,
                en,
            },
            E::PasswordsBusy => AppError::Busy,
            E::Store(e) => AppError::Store(e),
            E::Internal(m) => AppError::Internal(m),
        }
    }
}

impl From<Invalids> for AppError {
    fn from(e: Invalids) -> Self {
        AppError::Invalid(e)
    }
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e.into())
    }
}

impl AppError {
    pub fn bad_request(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }

    pub fn info(&self) -> ErrorInfo {
        let simple = |status, code, vi: &str, en: &str| ErrorInfo {
            status,
            code,
            vi: vi.to_owned(),
            en: en.to_owned(),
            fields: vec![],
        };
        match self {
            AppError::Unauthorized => simple(
                StatusCode::UNAUTHORIZED,
                "auth.required",
                "Bạn cần đăng nhập để tiếp tục.",
                "Please sign in to continue.",
            ),
            AppError::Forbidden => simple(
                StatusCode::FORBIDDEN,
                "auth.forbidden",
                "Bạn không có quyền xem hoặc thay đổi nội dung này.",
                "You are not allowed to see or change this.",
            ),
            AppError::NotFound => simple(
                StatusCode::NOT_FOUND,
                "not_found",
                "Không tìm thấy nội dung yêu cầu.",
                "The requested item was not found.",
            ),
            AppError::Csrf => simple(
                StatusCode::FORBIDDEN,
                "csrf",
                "Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và gửi lại.",
                "The form's security token is missing or expired. Reload the page and submit again.",
            ),
            AppError::PayloadTooLarge => simple(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body.too_large",
                "Dữ liệu gửi lên quá lớn.",
                "The request body is too large.",
            ),
            AppError::Refused {
                status,
                code,
                vi,
                en,
            } => ErrorInfo {
                status: *status,
                code,
                vi: vi.clone(),
                en: en.clone(),
                fields: vec![],
            },
            AppError::BadCredentials => simple(
                StatusCode::UNAUTHORIZED,
                "auth.bad_credentials",
                "Tên đăng nhập hoặc mật khẩu không đúng.",
                "Wrong username or password.",
            ),
            AppError::TooManyAttempts { minutes } => ErrorInfo {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "auth.locked",
                vi: format!(
                    "Đăng nhập sai quá nhiều lần. Tài khoản tạm khóa, hãy thử lại sau {minutes} phút."
                ),
                en: format!("Too many failed sign-ins. Try again in {minutes} minutes."),
                fields: vec![],
            },
            AppError::Busy => simple(
                StatusCode::SERVICE_UNAVAILABLE,
                "auth.busy",
                "Máy chủ đang bận kiểm tra mật khẩu. Xin thử lại sau ít giây.",
                "The server is busy checking passwords. Please try again in a few seconds.",
            ),
            AppError::PasswordChangeRequired => simple(
                StatusCode::FORBIDDEN,
                "auth.password_change_required",
                "Bạn cần đổi mật khẩu trước khi tiếp tục (mật khẩu hiện tại là mật khẩu tạm thời).",
                "You must change your password before continuing (the current one is temporary).",
            ),
            AppError::UnsupportedMediaType => simple(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "body.media_type",
                "Dữ liệu phải gửi dạng JSON (Content-Type: application/json).",
                "The body must be JSON (Content-Type: application/json).",
            ),
            AppError::Invalid(errs) => ErrorInfo {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: errs.code(),
                vi: errs.message(Lang::Vi),
                en: errs.message(Lang::En),
                fields: errs.0.clone(),
            },
            AppError::BadRequest { code, vi, en } => ErrorInfo {
                status: StatusCode::BAD_REQUEST,
                code,
                vi: vi.clone(),
                en: en.clone(),
                fields: vec![],
            },
            AppError::Store(e) => {
                let status = match e {
                    StoreError::NotFound => StatusCode::NOT_FOUND,
                    StoreError::Conflict(Conflict::Version | Conflict::Duplicate { .. }) => {
                        StatusCode::CONFLICT
                    }
                    StoreError::Conflict(Conflict::InUse) => StatusCode::CONFLICT,
                    StoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                    StoreError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
                    _ => StatusCode::INTERNAL_SERVER_ERROR,
                };
                ErrorInfo {
                    status,
                    code: e.code(),
                    vi: e.message(Lang::Vi),
                    en: e.message(Lang::En),
                    fields: match e {
                        StoreError::Invalid(i) => i.0.clone(),
                        _ => vec![],
                    },
                }
            }
            AppError::Internal(_) => simple(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Lỗi hệ thống. Dữ liệu đã lưu không bị ảnh hưởng; xin báo quản trị viên.",
                "Internal error. Saved data is safe; please tell the administrator.",
            ),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let info = self.info();
        if info.status.is_server_error() {
            // Details go to the log, never to the client.
            tracing::error!(error = %self, "request failed");
        }
        let retry_after = match &self {
            AppError::Busy => Some(5),
            AppError::TooManyAttempts { minutes } => Some(minutes.saturating_mul(60)),
            _ => None,
        };
        let mut resp = info.status.into_response();
        if let Some(secs) = retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp.extensions_mut().insert(info);
        resp
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorFields<'a>,
}

#[derive(Serialize)]
struct ErrorFields<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fields: Vec<FieldMessage<'a>>,
}

#[derive(Serialize)]
struct FieldMessage<'a> {
    field: &'a str,
    code: &'a str,
    message: &'a str,
}

/// The generic error of a status the framework produced by itself.
fn generic(status: StatusCode) -> ErrorInfo {
    let (code, vi, en) = match status {
        StatusCode::NOT_FOUND => (
            "not_found",
            "Không tìm thấy trang hoặc địa chỉ yêu cầu.",
            "The requested page or address was not found.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "Phương thức không được hỗ trợ cho địa chỉ này.",
            "This method is not allowed on this address.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "body.too_large",
            "Dữ liệu gửi lên quá lớn.",
            "The request body is too large.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "body.media_type",
            "Kiểu dữ liệu gửi lên không được hỗ trợ (API nhận application/json).",
            "Unsupported content type (the API takes application/json).",
        ),
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => (
            "bad_request",
            "Dữ liệu gửi lên không hợp lệ.",
            "The request is not valid.",
        ),
        StatusCode::REQUEST_TIMEOUT => (
            "timeout",
            "Yêu cầu mất quá nhiều thời gian, xin thử lại.",
            "The request took too long; please try again.",
        ),
        s if s.is_server_error() => (
            "internal",
            "Lỗi hệ thống. Dữ liệu đã lưu không bị ảnh hưởng; xin báo quản trị viên.",
            "Internal error. Saved data is safe; please tell the administrator.",
        ),
        _ => (
            "error",
            "Yêu cầu không thực hiện được.",
            "The request could not be completed.",
        ),
    };
    ErrorInfo {
        status,
        code,
        vi: vi.into(),
        en: en.into(),
        fields: vec![],
    }
}

/// The largest request body the server reads ([`crate::state::WebConfig::body_limit`]), put on
/// each request so that a refusal for size can say the limit.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

/// The largest body a page's form may send: the body limit, and the CSRF check reads at most
/// [`crate::state::MAX_FORM_BYTES`] of a form.
pub fn form_limit(body_limit: usize) -> usize {
    body_limit.min(crate::state::MAX_FORM_BYTES)
}

/// The refusal of a body over the limit, saying the limit; a page's also says how to keep what
/// was typed (the browser's Back button returns to the form with it).
fn too_large(limit: usize, is_api: bool) -> ErrorInfo {
    let (vi_size, en_size) = (
        crate::frame::size_label(limit, Lang::Vi),
        crate::frame::size_label(limit, Lang::En),
    );
    let (vi, en) = if is_api {
        (
            format!("Dữ liệu gửi lên quá lớn: tối đa {vi_size} mỗi yêu cầu."),
            format!("The request body is too large: at most {en_size} per request."),
        )
    } else {
        (
            format!(
                "Nội dung gửi lên quá lớn: tối đa {vi_size} mỗi lần gửi. Chưa có gì được lưu. \
                 Bấm nút Quay lại (Back) của trình duyệt để trở về biểu mẫu: nội dung đã gõ vẫn \
                 còn ở đó; hãy chia văn bản thành nhiều phần rồi gửi từng phần."
            ),
            format!(
                "What you sent is too large: at most {en_size} per submission. Nothing was \
                 saved. Press the browser's Back button to return to the form, where what you \
                 typed is still there; split the text and send it in parts."
            ),
        )
    };
    ErrorInfo {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        code: "body.too_large",
        vi,
        en,
        fields: vec![],
    }
}

/// The one error page of the site, for every page request that fails (called by
/// [`render_errors`], which knows no session: a bare frame).
fn error_page(lang: Lang, status: StatusCode, message: &str, info: &ErrorInfo) -> String {
    #[derive(askama::Template)]
    #[template(path = "error.html")]
    struct ErrorPage<'a> {
        c: crate::frame::Chrome,
        status: u16,
        message: &'a str,
        fields: Vec<String>,
    }
    // Several fields: a heading and each message once (the joined message would say each twice).
    let mut fields: Vec<String> = Vec::new();
    if info.fields.len() > 1 {
        for f in &info.fields {
            let m = lang.pick(&f.vi, &f.en).trim();
            if !fields.iter().any(|x| x == m) {
                fields.push(m.to_owned());
            }
        }
    }
    let heading = lang
        .pick(
            &format!("Yêu cầu chưa thực hiện được: {} mục cần sửa.", fields.len()),
            &format!(
                "The request was not carried out: {} fields to correct.",
                fields.len()
            ),
        )
        .to_owned();
    let page = ErrorPage {
        c: crate::frame::Chrome::bare(lang, "/"),
        status: status.as_u16(),
        message: if fields.is_empty() { message } else { &heading },
        fields,
    };
    askama::Template::render(&page).unwrap_or_else(|_| message.to_owned())
}

/// Renders errors in the request's language, as JSON for the API and as a page otherwise.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let lang = request_lang(req.headers(), req.uri());
    let is_api = req.uri().path().starts_with("/api/");
    let body_limit = req.extensions().get::<BodyLimit>().map(|l| l.0);
    let here = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let info = match resp.extensions().get::<ErrorInfo>() {
        Some(info) => info.clone(),
        // A response already rendered as a page or as JSON (a form shown again with its errors)
        // passes through; the framework's own refusals are plain text and get dressed.
        None if resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| {
                ct.starts_with("text/html") || ct.starts_with("application/json")
            }) =>
        {
            return resp;
        }
        None => generic(status),
    };
    let info = match body_limit {
        Some(limit) if info.code == "body.too_large" => {
            too_large(if is_api { limit } else { form_limit(limit) }, is_api)
        }
        _ => info,
    };
    if !is_api && info.code == "auth.required" {
        // A page asked without a session: go and sign in, then come back.
        let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
        return axum::response::Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let message = lang.pick(&info.vi, &info.en);
    let mut out = if is_api {
        let fields = info
            .fields
            .iter()
            .map(|f| FieldMessage {
                field: f.field,
                code: f.code,
                message: lang.pick(&f.vi, &f.en),
            })
            .collect();
        let body = ErrorBody {
            error: ErrorFields {
                code: info.code,
                message,
                fields,
            },
        };
        (status, axum::Json(body)).into_response()
    } else {
        let page = error_page(lang, status, message, &info);
        (status, Html(page)).into_response()
    };
    // Keep the headers the handler set for the client (e.g. Retry-After), not its body type.
    // and the caching rule (signed-in answers are never stored).
    for name in [header::RETRY_AFTER, header::CACHE_CONTROL] {
        if let Some(v) = resp.headers().get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out.headers_mut().insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    out
}
