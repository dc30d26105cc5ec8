//! The giaoban web application: server-rendered pages (Vietnamese first) and the JSON API under
//! `/api/v1`, with its OpenAPI document generated from the handlers.
//!
//! Layers, outermost first: request id and tracing → security headers → body limit → error
//! rendering (language-aware) → sessions and sign-in → CSRF → handlers.

pub mod api;
pub mod auth;
pub mod channels;
pub mod csrf;
pub mod error;
pub mod i18n;
pub mod inbox;
pub mod limits;
pub mod ocop;
pub mod once;
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

use crate::auth::{Backend, DbSessionStore, PasswordWork, SignInLimits, SignInThrottle};
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
    /// Failed sign-ins per username and client address before a lock, and the lock's length.
    pub sign_in_max_failures: u32,
    pub sign_in_lock: Duration,
    /// Failed sign-ins from one client address (over all usernames) before the address is locked.
    pub sign_in_address_max_failures: u32,
    /// Failed sign-ins on one username (from all addresses) before each further check waits,
    /// doubling from one second up to `sign_in_backoff_max`.
    pub sign_in_account_free_failures: u32,
    pub sign_in_backoff_max: Duration,
    /// Password checks and hashes (argon2, 19 MiB each) run at once, and how long a request
    /// waits for a turn before it is answered 503.
    pub password_checks: usize,
    pub password_check_wait: Duration,
    /// Take the client's address from the last `X-Forwarded-For` entry (set only behind a proxy
    /// that adds it; otherwise a client could choose the address it is counted under).
    pub trust_forwarded_for: bool,
    /// How reminders and office messages leave the system (e-mail, Telegram), and the bell of the
    /// sender that delivers them ([`channels::spawn_sender`]). None by default: kept in the app.
    pub channels: Arc<channels::Channels>,
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
            sign_in_address_max_failures: 30,
            sign_in_account_free_failures: 50,
            sign_in_backoff_max: Duration::from_secs(60),
            password_checks: std::thread::available_parallelism()
                .map_or(2, std::num::NonZero::get)
                .saturating_mul(2),
            password_check_wait: Duration::from_secs(3),
            trust_forwarded_for: false,
            channels: Arc::default(),
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub throttle: SignInThrottle,
    pub passwords: PasswordWork,
    pub readers: Arc<readers::ReaderCache>,
    /// Uploads and long texts are read a few at a time, off the async workers.
    pub heavy: Arc<limits::HeavyWork>,
}

pub const SESSION_COOKIE: &str = "giaoban_session";

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Builds the whole application.
pub fn app(store: Store, config: WebConfig) -> Result<Router, AppError> {
    app_with_state(store, config).map(|(router, _)| router)
}

/// A request id a client may choose: 1 to 64 of `A-Z a-z 0-9 . _ -` (anything else could forge
/// fields in a log line); other ids are replaced by a fresh one.
fn request_id_ok(v: &HeaderValue) -> bool {
    let b = v.as_bytes();
    (1..=64).contains(&b.len())
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

async fn drop_unsafe_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    let ids = req.headers().get_all(REQUEST_ID);
    let mut n = 0;
    let all_ok = ids.iter().all(|v| {
        n += 1;
        request_id_ok(v)
    });
    if !all_ok || n > 1 {
        req.headers_mut().remove(REQUEST_ID);
    }
    req
}

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The path as the request log shows it: a calendar feed's path is its secret.
fn logged_path(path: &str) -> &str {
    match path.strip_prefix("/calendar/") {
        Some(rest) if rest != "token" => "/calendar/<redacted>",
        _ => path,
    }
}

/// Builds the whole application and returns its state too (tests read the sign-in counters).
pub fn app_with_state(store: Store, config: WebConfig) -> Result<(Router, AppState), AppError> {
    let passwords = PasswordWork::new(config.password_checks, config.password_check_wait);
    let state = AppState {
        throttle: SignInThrottle::new(SignInLimits {
            per_pair: config.sign_in_max_failures.max(1),
            per_address: config.sign_in_address_max_failures.max(1),
            per_account: config.sign_in_account_free_failures.max(1),
            backoff_max: config.sign_in_backoff_max,
            window: config.sign_in_lock,
        }),
        passwords: passwords.clone(),
        store: store.clone(),
        config: Arc::new(config.clone()),
        readers: Arc::default(),
        heavy: Arc::default(),
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
    let auth = AuthManagerLayerBuilder::new(Backend::new(store, passwords)?, sessions).build();

    let hsts = config.secure_cookies;
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
        .layer(middleware::from_fn(auth::require_password_change))
        .layer(auth)
        // Whatever passes the session layer may be a signed-in answer (pages, API answers with
        // one-time passwords, exported documents): never kept by a browser or a proxy.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
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
        .layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            move |_: &axum::http::Response<axum::body::Body>| {
                hsts.then(|| HeaderValue::from_static("max-age=31536000"))
            },
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<axum::body::Body>| {
                    // Checked by `drop_unsafe_request_id` (or made here): safe in a log line.
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    // Only the path: query strings may carry search terms or tokens.
                    let path = logged_path(req.uri().path());
                    tracing::info_span!("request", method = %req.method(), path = %path, id = %id)
                })
                // One line per answered request at the default log level, with status and latency.
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN)),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(middleware::map_request(drop_unsafe_request_id))
        .with_state(state.clone());
    Ok((router, state))
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
