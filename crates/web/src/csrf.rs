//! Protection against cross-site request forgery.
//!
//! Every state-changing request (POST, PUT, PATCH, DELETE) must carry the session's token, either in
//! the `X-CSRF-Token` header (API, scripts) or in the `csrf_token` field of a urlencoded form
//! (pages). Requests whose `Origin` names another site are refused outright. The one exception is the
//! JSON sign-in of the API, which has no session yet: it must be `application/json`, which a foreign
//! page cannot send without a CORS preflight this server never grants. Session cookies are also
//! `SameSite=Lax`.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use subtle::ConstantTimeEq;
use tower_sessions::Session;

use crate::auth::random_token;
use crate::error::AppError;
use crate::state::MAX_FORM_BYTES;

const SESSION_KEY: &str = "csrf_token";
pub const HEADER: &str = "x-csrf-token";
pub const FORM_FIELD: &str = "csrf_token";

/// The session's token, created on first use.
pub async fn token(session: &Session) -> Result<String, AppError> {
    if let Ok(Some(t)) = session.get::<String>(SESSION_KEY).await {
        return Ok(t);
    }
    rotate(session).await
}

/// Replaces the token (after sign-in, so a token seen before cannot be replayed).
pub async fn rotate(session: &Session) -> Result<String, AppError> {
    let t = random_token()?;
    session
        .insert(SESSION_KEY, &t)
        .await
        .map_err(|e| AppError::session("session", e))?;
    Ok(t)
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn origin_ok(req: &Request) -> bool {
    let Some(origin) = req.headers().get(header::ORIGIN) else {
        return true;
    };
    let Some(host) = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
    else {
        return false;
    };
    let origin = origin.to_str().unwrap_or("");
    // "null" origins (sandboxed frames, some redirects) are treated as foreign.
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest.trim_end_matches('/') == host)
}

/// Whether the request body is of the given media type (parameters such as charset ignored).
fn content_type_is(req: &Request, media_type: &str) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with(media_type))
}

/// The middleware. Runs inside the session layer.
pub async fn protect(session: Session, req: Request, next: Next) -> Response {
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) {
        return next.run(req).await;
    }
    if !origin_ok(&req) {
        return AppError::Csrf.into_response();
    }
    if req.method() == Method::POST
        && req.uri().path() == "/api/v1/session"
        && content_type_is(&req, "application/json")
    {
        return next.run(req).await;
    }
    let expected = match session.get::<String>(SESSION_KEY).await {
        Ok(Some(t)) => t,
        _ => return AppError::Csrf.into_response(),
    };
    if let Some(given) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return if same(given, &expected) {
            next.run(req).await
        } else {
            AppError::Csrf.into_response()
        };
    }
    if content_type_is(&req, "application/x-www-form-urlencoded") {
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        };
        let given = form_urlencoded::parse(&bytes)
            .find(|(k, _)| k == FORM_FIELD)
            .map(|(_, v)| v.into_owned());
        if given.is_some_and(|g| same(&g, &expected)) {
            return next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
        }
    } else if content_type_is(&req, "multipart/form-data") {
        // A file upload form: the token is one of its fields.
        let ct = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let (parts, body) = req.into_parts();
        let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
            Ok(b) => b,
            Err(_) => return axum::http::StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        };
        let given = multipart_fields(&ct, bytes.clone())
            .await
            .ok()
            .and_then(|f| f.into_iter().find(|(k, _)| k == FORM_FIELD))
            .and_then(|(_, v)| String::from_utf8(v).ok());
        if given.is_some_and(|g| same(&g, &expected)) {
            return next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
        }
    }
    AppError::Csrf.into_response()
}

/// The fields of a `multipart/form-data` body (file uploads), as (name, bytes).
pub async fn multipart_fields(
    content_type: &str,
    body: axum::body::Bytes,
) -> Result<Vec<(String, Vec<u8>)>, multer::Error> {
    let boundary = multer::parse_boundary(content_type)?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let mut mp = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    while let Some(field) = mp.next_field().await? {
        let name = field.name().unwrap_or("").to_owned();
        out.push((name, field.bytes().await?.to_vec()));
    }
    Ok(out)
}
