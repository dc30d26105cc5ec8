//! The giaoban web application: server-rendered pages (Vietnamese first) and the JSON API under
//! `/api/v1`, with its OpenAPI document generated from the handlers.
//!
//! Layers, outermost first: request id and tracing → security headers → body limit → error
//! rendering (language-aware) → sessions and sign-in → CSRF → handlers.

pub mod api;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod i18n;
pub mod ocop;
pub mod pages;
pub mod period_reports;
pub mod programmes;
pub mod readers;
pub mod reports;
pub mod work;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware;
use axum_login::AuthManagerLayerBuilder;
use giaoban_storage::Store;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::{Backend, DbSessionStore, SignInThrottle};
use crate::error::AppError;

/// The time zone of every date a person sees or types (Asia/Ho_Chi_Minh, from the bundled tzdb so it
/// works on machines without zoneinfo).
pub fn vn_time_zone() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Ho_Chi_Minh").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// Today's date in Vietnam.
pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned_datetime(vn_time_zone())
        .date()
}

/// Settings of the web layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// A session ends after this long without requests.
    pub session_idle: Duration,
    /// A signed-in request renews its session (stored expiry and cookie) when the last renewal is
    /// this old: activity keeps a session alive at one write per user per this interval.
    pub session_renew: Duration,
    /// Largest request body accepted.
    pub body_limit: usize,
    /// Failed sign-ins per username before a lock, and the lock's length.
    pub sign_in_max_failures: u32,
    pub sign_in_lock: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            session_idle: Duration::from_secs(8 * 3600),
            session_renew: Duration::from_secs(5 * 60),
            body_limit: 2 * 1024 * 1024,
            sign_in_max_failures: 5,
            sign_in_lock: Duration::from_secs(15 * 60),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub throttle: SignInThrottle,
    pub readers: Arc<readers::ReaderCache>,
}

pub const SESSION_COOKIE: &str = "giaoban_session";

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Builds the whole application.
pub fn app(store: Store, config: WebConfig) -> Result<Router, AppError> {
    let state = AppState {
        throttle: SignInThrottle::new(config.sign_in_max_failures, config.sign_in_lock),
        store: store.clone(),
        config: Arc::new(config.clone()),
        readers: Arc::default(),
    };
    let idle = tower_sessions::cookie::time::Duration::seconds(
        i64::try_from(config.session_idle.as_secs()).unwrap_or(8 * 3600),
    );
    let sessions = SessionManagerLayer::new(DbSessionStore::new(store.clone()))
        .with_name(SESSION_COOKIE)
        .with_secure(config.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(idle));
    let auth = AuthManagerLayerBuilder::new(Backend::new(store)?, sessions).build();

    let (api_router, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(openapi);
    let router = Router::new()
        .merge(pages::router())
        .merge(api_router)
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(|| async { AppError::NotFound })
        .layer(middleware::from_fn(csrf::protect))
        .layer(auth)
        .merge(pages::public_router())
        .route("/calendar/{token}", axum::routing::get(calendar_feed))
        .layer(middleware::from_fn(error::render_errors))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    // Only the path: query strings may carry search terms or tokens.
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id = %id)
                })
                // One line per answered request at the default log level, with status and latency.
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN)),
        )
        .layer(PropagateRequestIdLayer::new(HeaderName::from_static(
            "x-request-id",
        )))
        .layer(SetRequestIdLayer::new(
            HeaderName::from_static("x-request-id"),
            MakeRequestUuid,
        ))
        .with_state(state);
    Ok(router)
}

/// The iCalendar feed behind a user's secret (no session: calendar applications fetch it alone).
async fn calendar_feed(
    axum::extract::State(state): axum::extract::State<AppState>,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Result<impl axum::response::IntoResponse, AppError> {
    let body = work::calendar_feed(&state, &token).await?;
    Ok((
        [
            (header::CONTENT_TYPE, giaoban_documents::ics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "private, max-age=300"),
        ],
        body,
    ))
}

/// Serves the application on a bound listener until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
