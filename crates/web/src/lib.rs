//! The giaoban web application: server-rendered pages (Vietnamese first) and the JSON API under
//! `/api/v1`, with its OpenAPI document generated from the handlers.
//!
//! Layers, outermost first: request id and tracing → security headers → body limit → error
//! rendering (language-aware) → sessions and sign-in → CSRF → handlers.
//!
//! The handlers live in `features/<feature>/` (pages, API, templates of one part of the site); the
//! modules at this level are what they share: [`state`], [`auth`], [`throttle`], [`csrf`],
//! [`error`] (with the one error page), [`i18n`], [`once`], [`frame`] and [`layout`] (what every
//! page shows), [`form`] (reading and showing forms), [`api`] (what the JSON API shares). This file
//! only wires them: it merges the features' routers under the layers.

pub mod api;
pub mod auth;
pub mod csrf;
pub mod error;
pub mod features;
pub mod form;
pub mod frame;
pub mod i18n;
pub mod layout;
pub mod once;
pub mod state;
pub mod throttle;

pub use state::{AppState, WebConfig};

// The use cases live in the app crate (no HTTP there) and the handlers name them as
// `giaoban_app::…`; these paths stay for the web tests, which reach them through this crate.
pub use giaoban_app::{
    Clock, channels, inbox, limits, ocop, period_reports, programmes, readers, reports,
    vn_time_zone, work,
};

/// The system's day in Vietnam, for the web tests that run the app on the system clock (the
/// default [`WebConfig::clock`]). Handlers never call it: they answer as of the app's day,
/// `state.today()` ([`giaoban_app::App::today`]), which a server run "as of" a day fixes.
#[doc(hidden)]
pub fn today() -> jiff::civil::Date {
    Clock::System.today()
}

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

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

use utoipa_axum::router::OpenApiRouter;

use crate::auth::{Backend, DbSessionStore, PasswordWork};
use crate::error::AppError;
use crate::features as f;
use crate::throttle::{SignInLimits, SignInThrottle};

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
    let app = giaoban_app::App::new(store.clone(), config.channels.clone())
        .with_passwords(PasswordWork::new(
            config.password_checks,
            config.password_check_wait,
        ))
        .with_clock(config.clock);
    let passwords = app.passwords.clone();
    let state = AppState {
        throttle: SignInThrottle::new(SignInLimits {
            per_pair: config.sign_in_max_failures.max(1),
            per_address: config.sign_in_address_max_failures.max(1),
            per_account: config.sign_in_account_free_failures.max(1),
            backoff_max: config.sign_in_backoff_max,
            window: config.sign_in_lock,
        }),
        app,
        config: Arc::new(config.clone()),
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
    let (api_router, openapi) = api_router().split_for_parts();
    let openapi = Arc::new(openapi);
    let router = Router::new()
        .merge(pages_router())
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
        .merge(f::session::public())
        .merge(f::work::public())
        .layer(middleware::from_fn(error::render_errors))
        .layer(axum::Extension(error::BodyLimit(config.body_limit)))
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

/// The pages of every feature (they need a session: the session and CSRF layers apply).
fn pages_router() -> Router<AppState> {
    Router::new()
        .merge(f::session::router())
        .merge(f::directory::router())
        .merge(f::extract::router())
        .merge(f::work::router())
        .merge(f::inbox::router())
        .merge(f::handover::router())
        .merge(f::reports::router())
        .merge(f::period_reports::router())
        .merge(f::programmes::router())
        .merge(f::ocop::router())
}

/// The JSON API of every feature, with its OpenAPI document (committed as `openapi.json`).
pub fn api_router() -> OpenApiRouter<AppState> {
    let mut router = api::base()
        .merge(f::session::api())
        .merge(f::directory::api())
        .merge(f::channels::api())
        .merge(f::extract::api())
        .merge(f::inbox::api())
        .merge(f::handover::api())
        .merge(f::work::api())
        .merge(f::reports::api())
        .merge(f::period_reports::api())
        .merge(f::programmes::api())
        .merge(f::ocop::api());
    api::document_common_refusals(router.get_openapi_mut());
    router
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
