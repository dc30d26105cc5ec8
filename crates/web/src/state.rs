//! What every handler can reach ([`AppState`]) and the settings of the web layer ([`WebConfig`]).

use std::sync::Arc;
use std::time::Duration;

use giaoban_app::channels;

use crate::throttle::SignInThrottle;

/// The largest form body the CSRF middleware reads to find the token (the body limit applies
/// anyway): the real limit of a page's form, named by the page's own size check and the 413 page.
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

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
    /// The time the use cases act at: the system's, or a fixed instant (the demo `--as-of` a day).
    pub clock: giaoban_app::Clock,
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
            clock: giaoban_app::Clock::System,
        }
    }
}

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store and the channels the use cases run against; the state dereferences to it, so a
    /// handler passes `&state` to a use case and reads `state.store`.
    pub app: giaoban_app::App,
    pub config: Arc<WebConfig>,
    pub throttle: SignInThrottle,
}

impl std::ops::Deref for AppState {
    type Target = giaoban_app::App;

    fn deref(&self) -> &giaoban_app::App {
        &self.app
    }
}
