//! Sign-in: argon2id password hashes, the session-backed user (axum-login), the database session
//! store (tower-sessions), and the `CurrentActor` extractor that every protected handler takes.
//! The throttle against password guessing is [`crate::throttle`].

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use giaoban_app::Caller;
use giaoban_domain::user::{PASSWORD_MAX_CHARS, User, UserId, Username};
use giaoban_storage::{Store, StoreError};
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

use crate::error::AppError;

pub use giaoban_app::passwords::{
    generate_password, hash_password, hash_password_async, verify_password,
};

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
                giaoban_app::Error::PasswordsBusy => BackendError::Busy,
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

fn store_err(e: StoreError) -> session_store::Error {
    match e {
        StoreError::Unavailable(m) => {
            session_store::Error::Backend(crate::error::unavailable::mark(&m))
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

pub use giaoban_app::passwords::PasswordWork;

/// The client's address as sign-in limits count it: the peer of the connection, or — only when
/// the server is configured to sit behind a proxy (`trust_forwarded_for`) — the last address of
/// the last `X-Forwarded-For` header (the one the proxy added). Without connection information
/// (a router driven without a socket) every client shares the unspecified address.
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<crate::state::AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
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

/// The signed-in user with their access scope ([`Caller`], which it dereferences to, so a
/// handler passes `&actor` to a use case). Rejects with 401 when nobody is signed in.
pub struct CurrentActor {
    pub caller: Caller,
    /// The store the request is served from: the menu of every page reads the user's inbox count
    /// through it ([`giaoban_app::inbox::inbox_count`]).
    pub(crate) store: Store,
    /// The day in Vietnam by the app's clock ([`giaoban_app::App::today`]) when the request
    /// began: the day helpers without the app (the unit pickers' "active today") answer as of.
    pub today: jiff::civil::Date,
}

impl std::ops::Deref for CurrentActor {
    type Target = Caller;

    fn deref(&self) -> &Caller {
        &self.caller
    }
}

/// The session key holding when the session was last renewed (Unix microseconds: a renewal always
/// changes it, and only a change makes the session layer store the session).
const RENEWED_KEY: &str = "renewed_at";

/// Renews a session last renewed `every` ago or more (or never): the change makes the session
/// layer store it with a new expiry and send its cookie again. tower-sessions stores a session
/// only when it changed, so without this an active user's session ended `session_idle` after
/// sign-in instead of after that long idle.
async fn renew(session: &tower_sessions::Session, every: Duration) -> Result<(), AppError> {
    // Real time, not the app's clock: a session's expiry is stored by the session layer on the
    // real time, and a fixed clock would never see `every` pass.
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

impl FromRequestParts<crate::state::AppState> for CurrentActor {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &crate::state::AppState,
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
        let caller = Caller::new(user, units).ok_or(AppError::Forbidden)?;
        Ok(CurrentActor {
            caller,
            store: state.store.clone(),
            today: state.today(),
        })
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
