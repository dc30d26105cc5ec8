//! Sign-in: argon2id password hashes, the session-backed user (axum-login), the database session
//! store (tower-sessions), the throttle against password guessing, and the `CurrentActor` extractor
//! that every protected handler takes.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use async_trait::async_trait;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use giaoban_domain::access::{Actor, scope_root};
use giaoban_domain::unit::{Unit, UnitId, UnitKind};
use giaoban_domain::user::{PASSWORD_MAX_CHARS, User, UserId, Username, password_from_random};
use giaoban_storage::{Store, StoreError};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::error::AppError;

/// Hashes a password with argon2id (the crate's defaults follow the OWASP recommendation:
/// 19 MiB, 2 passes, 1 lane) and a random salt. CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2 hash: {e}")))
}

/// Checks a password against a stored PHC string. CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Hashes on the blocking pool so sign-ins do not stall the async workers.
pub async fn hash_password_async(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(format!("hash task: {e}")))?
}

/// A one-time password from the operating system's random source.
pub fn generate_password() -> Result<String, AppError> {
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(password_from_random(&bytes))
}

/// Random token for CSRF protection (32 bytes, hex).
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The signed-in user as kept in the session. The password hash ties the session to the current
/// password: changing it ends every other session of the user.
#[derive(Clone)]
pub struct SessionUser {
    pub user: User,
    password_hash: String,
    /// The unit directory's revision, read with the user (see [`Store::units_at`]).
    units_revision: i64,
}

impl From<giaoban_storage::users::Credentials> for SessionUser {
    fn from(c: giaoban_storage::users::Credentials) -> Self {
        SessionUser {
            user: c.user,
            password_hash: c.password_hash,
            units_revision: c.units_revision,
        }
    }
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("user", &self.user.username)
            .finish_non_exhaustive()
    }
}

impl axum_login::AuthUser for SessionUser {
    type Id = UserId;

    fn id(&self) -> UserId {
        self.user.id
    }

    fn session_auth_hash(&self) -> &[u8] {
        self.password_hash.as_bytes()
    }
}

/// A username as typed, if it can be one; anything longer than a username could be is refused
/// before it is copied or normalised.
pub fn parse_username(typed: &str) -> Option<Username> {
    if typed.len() > 256 {
        return None;
    }
    Username::parse(typed).ok()
}

/// Username and password as typed.
#[derive(Clone)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// Checks credentials against the users in the store.
#[derive(Clone)]
pub struct Backend {
    store: Store,
    /// A hash to verify against when the username is unknown, so that an unknown username takes as
    /// long as a wrong password and the two cannot be told apart.
    dummy_hash: Arc<String>,
    /// Where the checks run (a few at a time).
    passwords: PasswordWork,
}

impl Backend {
    pub fn new(store: Store, passwords: PasswordWork) -> Result<Backend, AppError> {
        let dummy = hash_password("giaoban-timing-equaliser")?;
        Ok(Backend {
            store,
            dummy_hash: Arc::new(dummy),
            passwords,
        })
    }
}

impl Backend {
    /// Loads a user as the session keeps it (after a password change, to refresh the session).
    pub async fn get_user_public(&self, id: UserId) -> Result<Option<SessionUser>, AppError> {
        use axum_login::AuthnBackend;
        self.get_user(&id).await.map_err(|e| match e {
            BackendError::Store(s) => AppError::Store(s),
            BackendError::Task(t) => AppError::Internal(t),
            BackendError::Busy => AppError::Busy,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("task: {0}")]
    Task(String),
    /// No turn for a password check in time.
    #[error("password checks busy")]
    Busy,
}

impl axum_login::AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, BackendError> {
        if creds.password.chars().count() > PASSWORD_MAX_CHARS {
            return Ok(None);
        }
        // A name that cannot be a username is not looked up nor checked (nothing to equalise:
        // the form of a username is public).
        let Some(name) = parse_username(&creds.username) else {
            return Ok(None);
        };
        let found = self.store.credentials(&name).await?;
        let (hash, candidate) = match found {
            Some(c) if c.user.active => (c.password_hash.clone(), Some(c)),
            _ => (self.dummy_hash.as_str().to_owned(), None),
        };
        let ok = self
            .passwords
            .verify(creds.password, hash)
            .await
            .map_err(|e| match e {
                AppError::Busy => BackendError::Busy,
                other => BackendError::Task(other.to_string()),
            })?;
        Ok(match (ok, candidate) {
            (true, Some(c)) => Some(SessionUser::from(c)),
            _ => None,
        })
    }

    async fn get_user(&self, id: &UserId) -> Result<Option<SessionUser>, BackendError> {
        Ok(self
            .store
            .credentials_of(*id)
            .await?
            .filter(|c| c.user.active)
            .map(SessionUser::from))
    }
}

pub type AuthSession = axum_login::AuthSession<Backend>;

/// Sessions kept in the application's database.
#[derive(Clone)]
pub struct DbSessionStore {
    store: Store,
}

impl DbSessionStore {
    pub fn new(store: Store) -> Self {
        DbSessionStore { store }
    }
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

fn backend_err(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

/// Marks a session-store failure that is the database being unavailable (full disk, read-only,
/// busy): the session layer only passes strings on, and [`AppError::session`] reads this back to
/// answer 503 with the database message instead of an internal error.
pub(crate) const DATABASE_UNAVAILABLE: &str = "[database unavailable] ";

fn store_err(e: StoreError) -> session_store::Error {
    match e {
        StoreError::Unavailable(m) => {
            session_store::Error::Backend(format!("{DATABASE_UNAVAILABLE}{m}"))
        }
        other => backend_err(other),
    }
}

/// The outcome of storing an existing session's record. The session layer answers a bare 500
/// when a save fails, and an existing session is saved when it is renewed (every few minutes of
/// activity): while the database cannot take writes (full disk, read-only, busy) the renewal is
/// skipped — the session keeps its stored expiry — and the request is answered as usual. Other
/// failures stay errors. (A new session is stored by `create`, whose failure refuses the sign-in.)
fn saved(r: Result<(), StoreError>) -> session_store::Result<()> {
    match r {
        Err(StoreError::Unavailable(m)) => {
            tracing::warn!(error = %m, "session not renewed: the database is unavailable");
            Ok(())
        }
        other => other.map_err(store_err),
    }
}

fn expiry_micros(r: &Record) -> i64 {
    let nanos = r.expiry_date.unix_timestamp_nanos();
    i64::try_from(nanos / 1000).unwrap_or(i64::MAX)
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        // Draw a new id until it is free (a collision of 128-bit random ids is astronomically rare,
        // but the contract asks stores to handle it).
        for _ in 0..8 {
            let json = serde_json::to_string(&*record).map_err(backend_err)?;
            if self
                .store
                .session_create(&record.id.to_string(), &json, expiry_micros(record))
                .await
                .map_err(store_err)?
            {
                return Ok(());
            }
            record.id = Id::default();
        }
        Err(backend_err("could not allocate a session id"))
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let json = serde_json::to_string(record).map_err(backend_err)?;
        saved(
            self.store
                .session_save(&record.id.to_string(), &json, expiry_micros(record))
                .await,
        )
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self
            .store
            .session_load(&id.to_string())
            .await
            .map_err(store_err)?
        {
            // A record that does not parse (after an upgrade) is a lost session, not an error.
            Some(json) => Ok(serde_json::from_str(&json).ok()),
            None => Ok(None),
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.store
            .session_delete(&id.to_string())
            .await
            .map_err(store_err)
    }
}

/// How many sign-in attempts each key may have (see [`SignInThrottle`]).
#[derive(Debug, Clone, Copy)]
pub struct SignInLimits {
    /// Failed attempts on one account from one client address before that pair is locked.
    pub per_pair: u32,
    /// Failed attempts from one client address, over all accounts, before the address is locked.
    pub per_address: u32,
    /// Failed attempts on one account, from all addresses, before each further check waits.
    pub per_account: u32,
    /// The longest wait between two checks of an account past `per_account` (the wait doubles
    /// with every failure from one second up to this).
    pub backoff_max: Duration,
    /// A lock lasts this long after the last failure; counts older than this are forgotten.
    pub window: Duration,
}

/// Entries kept per table at most: only well-formed usernames (64 bytes at most) and addresses
/// are stored, so the three tables stay under a few tens of megabytes whatever is sent.
const MAX_ENTRIES: usize = 50_000;

#[derive(Debug, Clone, Copy, Default)]
struct Counter {
    failures: u32,
    in_flight: u32,
    last_failure: Option<Instant>,
}

impl Counter {
    /// Forgets failures older than the window.
    fn refresh(&mut self, window: Duration, now: Instant) {
        if self
            .last_failure
            .is_some_and(|at| now.saturating_duration_since(at) >= window)
        {
            self.failures = 0;
            self.last_failure = None;
        }
    }

    fn idle(&self, window: Duration, now: Instant) -> bool {
        self.in_flight == 0
            && self
                .last_failure
                .is_none_or(|at| now.saturating_duration_since(at) >= window)
    }

    /// Minutes until the last failure is a window old (at least 1).
    fn minutes_left(&self, window: Duration, now: Instant) -> u64 {
        let left = self.last_failure.map_or(Duration::ZERO, |at| {
            window.saturating_sub(now.saturating_duration_since(at))
        });
        left.as_secs().div_ceil(60).max(1)
    }
}

/// A table of counters bounded in size.
struct Table<K> {
    map: HashMap<K, Counter>,
}

impl<K: std::hash::Hash + Eq + Clone> Table<K> {
    fn new() -> Self {
        Table {
            map: HashMap::new(),
        }
    }

    /// The counter of `key`, refreshed; makes room for a new key by forgetting idle entries and,
    /// when the table is still full, the entry whose last failure is oldest.
    fn get(&mut self, key: &K, window: Duration, now: Instant) -> Counter {
        if !self.map.contains_key(key) && self.map.len() >= MAX_ENTRIES {
            self.map.retain(|_, c| !c.idle(window, now));
            if self.map.len() >= MAX_ENTRIES
                && let Some(oldest) = self
                    .map
                    .iter()
                    .filter(|(_, c)| c.in_flight == 0)
                    .min_by_key(|(_, c)| c.last_failure)
                    .map(|(k, _)| k.clone())
            {
                self.map.remove(&oldest);
            }
        }
        let mut c = self.map.get(key).copied().unwrap_or_default();
        c.refresh(window, now);
        c
    }

    fn put(&mut self, key: K, c: Counter, window: Duration, now: Instant) {
        if c.idle(window, now) && c.failures == 0 {
            self.map.remove(&key);
        } else {
            self.map.insert(key, c);
        }
    }

    fn update(&mut self, key: &K, window: Duration, now: Instant, f: impl FnOnce(&mut Counter)) {
        if let Some(mut c) = self.map.get(key).copied() {
            c.refresh(window, now);
            f(&mut c);
            self.put(key.clone(), c, window, now);
        }
    }
}

struct Tables {
    pairs: Table<(Username, IpAddr)>,
    addresses: Table<IpAddr>,
    accounts: Table<Username>,
}

/// Limits password guessing. Every attempt reserves a place before its password is checked, so
/// parallel guesses cannot pass a limit; what is counted:
/// - per account and client address: `per_pair` failures lock that pair for the window (the owner
///   signing in from another address is not locked out by a stranger);
/// - per client address over all accounts: `per_address` failures lock the address;
/// - per account over all addresses: past `per_account` failures, each further check waits for the
///   one before it and then 1, 2, 4 … seconds (at most `backoff_max`), which slows a distributed
///   guesser to a trickle while leaving the owner a turn.
///
/// Kept in memory per server (a restart forgets it); only well-formed usernames are kept.
#[derive(Clone)]
pub struct SignInThrottle {
    inner: Arc<Mutex<Tables>>,
    limits: SignInLimits,
}

/// Why an attempt is refused before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub minutes: u64,
}

/// A reserved sign-in attempt: settle it with [`Attempt::failed`] or [`Attempt::succeeded`];
/// dropped unsettled (an error, a busy server, a client gone) it counts as nothing.
pub struct Attempt {
    throttle: SignInThrottle,
    key: Option<(Username, IpAddr)>,
}

/// The address a client is counted under: an IPv4 address, or the /64 network of an IPv6 one
/// (one subscriber usually has a whole /64).
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
        v4 => v4,
    }
}

impl SignInThrottle {
    pub fn new(limits: SignInLimits) -> Self {
        SignInThrottle {
            inner: Arc::new(Mutex::new(Tables {
                pairs: Table::new(),
                addresses: Table::new(),
                accounts: Table::new(),
            })),
            limits,
        }
    }

    fn tables(&self) -> std::sync::MutexGuard<'_, Tables> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Entries held in the tables (for tests and diagnostics).
    pub fn entries(&self) -> usize {
        let t = self.tables();
        t.pairs.map.len() + t.addresses.map.len() + t.accounts.map.len()
    }

    /// Reserves an attempt on `account` from `client`, or says how long to wait.
    pub fn reserve(&self, account: &Username, client: IpAddr) -> Result<Attempt, Refused> {
        let l = self.limits;
        let w = l.window;
        let now = Instant::now();
        let client = client_key(client);
        let pair_key = (account.clone(), client);
        let mut t = self.tables();
        let mut pair = t.pairs.get(&pair_key, w, now);
        if pair.failures + pair.in_flight >= l.per_pair {
            return Err(Refused {
                minutes: pair.minutes_left(w, now),
            });
        }
        let mut addr = t.addresses.get(&client, w, now);
        if addr.failures + addr.in_flight >= l.per_address {
            return Err(Refused {
                minutes: addr.minutes_left(w, now),
            });
        }
        let mut acct = t.accounts.get(account, w, now);
        if acct.failures + acct.in_flight >= l.per_account {
            let over = acct.failures.saturating_sub(l.per_account).min(30);
            let wait = Duration::from_secs(1u64 << over).min(l.backoff_max);
            let since = acct
                .last_failure
                .map_or(Duration::MAX, |at| now.saturating_duration_since(at));
            if acct.in_flight > 0 || since < wait {
                return Err(Refused {
                    minutes: wait.saturating_sub(since).as_secs().div_ceil(60).max(1),
                });
            }
        }
        pair.in_flight += 1;
        addr.in_flight += 1;
        acct.in_flight += 1;
        t.pairs.put(pair_key.clone(), pair, w, now);
        t.addresses.put(client, addr, w, now);
        t.accounts.put(account.clone(), acct, w, now);
        Ok(Attempt {
            throttle: self.clone(),
            key: Some(pair_key),
        })
    }

    fn settle(&self, (account, client): &(Username, IpAddr), outcome: Option<bool>) {
        let w = self.limits.window;
        let now = Instant::now();
        let mut t = self.tables();
        let release = |c: &mut Counter| c.in_flight = c.in_flight.saturating_sub(1);
        let fail = |c: &mut Counter| {
            c.in_flight = c.in_flight.saturating_sub(1);
            c.failures = c.failures.saturating_add(1);
            c.last_failure = Some(now);
        };
        match outcome {
            Some(true) => {
                // The owner is in: their pair and the account's count start again; the address's
                // count does not (an attacker with an account of their own must not clear it).
                let forget = |c: &mut Counter| {
                    c.in_flight = c.in_flight.saturating_sub(1);
                    c.failures = 0;
                    c.last_failure = None;
                };
                t.pairs.update(&(account.clone(), *client), w, now, forget);
                t.accounts.update(account, w, now, forget);
                t.addresses.update(client, w, now, release);
            }
            Some(false) => {
                t.pairs.update(&(account.clone(), *client), w, now, fail);
                t.accounts.update(account, w, now, fail);
                t.addresses.update(client, w, now, fail);
            }
            None => {
                t.pairs.update(&(account.clone(), *client), w, now, release);
                t.accounts.update(account, w, now, release);
                t.addresses.update(client, w, now, release);
            }
        }
    }
}

impl Attempt {
    pub fn failed(mut self) {
        if let Some(k) = self.key.take() {
            self.throttle.settle(&k, Some(false));
        }
    }

    pub fn succeeded(mut self) {
        if let Some(k) = self.key.take() {
            self.throttle.settle(&k, Some(true));
        }
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        if let Some(k) = self.key.take() {
            self.throttle.settle(&k, None);
        }
    }
}

/// Runs argon2 (checks and hashes) on the blocking pool, a few at a time: each run takes 19 MiB
/// and a core for a good fraction of a second, so a burst of sign-ins must wait its turn rather
/// than take the server's memory. A request that cannot get a turn within `wait` is answered 503.
#[derive(Clone)]
pub struct PasswordWork {
    permits: Arc<tokio::sync::Semaphore>,
    wait: Duration,
    runs: Arc<std::sync::atomic::AtomicU64>,
}

impl PasswordWork {
    pub fn new(permits: usize, wait: Duration) -> Self {
        PasswordWork {
            permits: Arc::new(tokio::sync::Semaphore::new(permits.max(1))),
            wait,
            runs: Arc::default(),
        }
    }

    /// Password checks and hashes run so far (for tests and diagnostics).
    pub fn runs(&self) -> u64 {
        self.runs.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| AppError::Busy)?
            .map_err(|_| AppError::Busy)?;
        self.runs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The permit goes with the work: a request given up still holds it until argon2 ends.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        })
        .await
        .map_err(|e| AppError::Internal(format!("password task: {e}")))
    }

    pub async fn verify(&self, password: String, phc: String) -> Result<bool, AppError> {
        if password.chars().count() > PASSWORD_MAX_CHARS {
            return Ok(false);
        }
        self.run(move || verify_password(&password, &phc)).await
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        if password.chars().count() > PASSWORD_MAX_CHARS {
            return Err(AppError::Internal("password over the length limit".into()));
        }
        self.run(move || hash_password(&password)).await?
    }
}

/// The client's address as sign-in limits count it: the peer of the connection, or — only when
/// the server is configured to sit behind a proxy (`trust_forwarded_for`) — the last address of
/// the last `X-Forwarded-For` header (the one the proxy added). Without connection information
/// (a router driven without a socket) every client shares the unspecified address.
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<crate::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.config.trust_forwarded_for
            && let Some(ip) = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
        {
            return Ok(ClientAddr(ip));
        }
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |c| c.0.ip()),
        ))
    }
}

/// Paths a user who must change the password may still reach: the password page and its API,
/// the session itself (read it, sign out, sign in again) and the API's description.
fn reachable_before_password_change(method: &axum::http::Method, path: &str) -> bool {
    use axum::http::Method;
    matches!(path, "/account/password" | "/logout" | "/login")
        || (path == "/api/v1/session")
        || (path == "/api/v1/me/password" && method == Method::PUT)
        || path == "/api/v1/openapi.json"
}

/// Sends a signed-in user whose password was reset (or issued by an administrator) to the
/// password page, and refuses their API calls, until the password is changed.
pub async fn require_password_change(
    auth: AuthSession,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let must = auth
        .user
        .as_ref()
        .is_some_and(|u| u.user.must_change_password);
    if !must || reachable_before_password_change(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    if req.uri().path().starts_with("/api/") {
        AppError::PasswordChangeRequired.into_response()
    } else {
        axum::response::Redirect::to("/account/password").into_response()
    }
}

/// The signed-in user with their access scope. Rejects with 401 when nobody is signed in.
pub struct CurrentActor {
    pub actor: Actor,
    pub user: User,
    /// The unit directory as read when the request began (the scope was found in it): a handler
    /// that writes no unit reads it from here instead of asking the store again.
    pub units: Arc<Vec<Unit>>,
    /// The store the request is served from: the menu of every page reads the user's inbox count
    /// through it ([`crate::inbox::inbox_count`]).
    pub(crate) store: Store,
}

/// The session key holding when the session was last renewed (Unix microseconds: a renewal always
/// changes it, and only a change makes the session layer store the session).
const RENEWED_KEY: &str = "renewed_at";

/// Renews a session last renewed `every` ago or more (or never): the change makes the session
/// layer store it with a new expiry and send its cookie again. tower-sessions stores a session
/// only when it changed, so without this an active user's session ended `session_idle` after
/// sign-in instead of after that long idle.
async fn renew(session: &tower_sessions::Session, every: Duration) -> Result<(), AppError> {
    let now = jiff::Timestamp::now().as_microsecond();
    let renewed: Option<i64> = session
        .get(RENEWED_KEY)
        .await
        .map_err(|e| AppError::session("session", e))?;
    let every = i64::try_from(every.as_micros()).unwrap_or(i64::MAX);
    if renewed.is_none_or(|at| now.saturating_sub(at) >= every) {
        session
            .insert(RENEWED_KEY, now)
            .await
            .map_err(|e| AppError::session("session", e))?;
    }
    Ok(())
}

/// The unit `id` and its ancestors, nearest first (up to 32 levels, as the store's `ancestry`),
/// from a directory.
fn ancestry_in(units: &[Unit], id: UnitId) -> Vec<(UnitId, UnitKind)> {
    let mut out = Vec::new();
    let mut next = Some(id);
    while let Some(id) = next
        && out.len() <= 32
    {
        let Some(u) = units.iter().find(|u| u.id == id) else {
            break;
        };
        out.push((u.id, u.kind));
        next = u.parent_id;
    }
    out
}

impl FromRequestParts<crate::AppState> for CurrentActor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let auth = AuthSession::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Internal("auth session layer missing".into()))?;
        let Some(session_user) = auth.user else {
            return Err(AppError::Unauthorized);
        };
        let user = session_user.user;
        if let Some(session) = parts.extensions.get::<tower_sessions::Session>() {
            renew(session, state.config.session_renew).await?;
        }
        let units = state.store.units_at(session_user.units_revision).await?;
        let root =
            scope_root(user.role, &ancestry_in(&units, user.unit_id)).ok_or(AppError::Forbidden)?;
        Ok(CurrentActor {
            actor: Actor {
                user_id: user.id,
                username: user.username.clone(),
                display_name: user.display_name.clone(),
                role: user.role,
                unit_id: user.unit_id,
                scope_root: root,
            },
            user,
            units,
            store: state.store.clone(),
        })
    }
}

impl CurrentActor {
    /// Requires `perm` on the records of unit `id`: 404 for an unknown unit, 403 when not allowed.
    pub async fn require(
        &self,
        store: &Store,
        perm: giaoban_domain::access::Permission,
        id: giaoban_domain::unit::UnitId,
    ) -> Result<(), AppError> {
        let ancestry: Vec<_> = store
            .ancestry(id)
            .await?
            .into_iter()
            .map(|(u, _)| u)
            .collect();
        if ancestry.is_empty() {
            Err(AppError::NotFound)
        } else if self.actor.may(perm, &ancestry) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn audit(&self) -> giaoban_domain::audit::AuditActor {
        giaoban_domain::audit::AuditActor::user(self.user.id, self.user.username.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session that cannot be renewed while the database is unavailable is served as it is; a
    /// save that fails otherwise stays an error.
    #[test]
    fn a_renewal_the_database_cannot_take_is_skipped_not_an_error() {
        assert!(saved(Ok(())).is_ok());
        assert!(
            saved(Err(StoreError::Unavailable(
                "database or disk is full".into()
            )))
            .is_ok()
        );
        assert!(saved(Err(StoreError::Corrupt("record".into()))).is_err());
        assert!(saved(Err(StoreError::NotFound)).is_err());
    }

    /// The session layer passes a store failure on as text (tower-sessions and axum-login wrap it
    /// transparently): a full or read-only database under it still reads as the database being
    /// unavailable (503), anything else stays an internal error.
    #[test]
    fn an_unavailable_database_under_the_session_layer_answers_503() {
        let full = tower_sessions::session::Error::Store(store_err(StoreError::Unavailable(
            "database or disk is full".into(),
        )));
        match AppError::session("login", &full) {
            AppError::Store(StoreError::Unavailable(m)) => {
                assert_eq!(m, "database or disk is full")
            }
            other => panic!("not a 503: {other:?}"),
        }
        let other = tower_sessions::session::Error::Store(store_err(StoreError::NotFound));
        assert!(matches!(
            AppError::session("login", &other),
            AppError::Internal(_)
        ));
    }
}
