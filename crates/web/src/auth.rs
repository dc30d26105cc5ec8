//! Sign-in: argon2id password hashes, the session-backed user (axum-login), the database session
//! store (tower-sessions), the throttle against password guessing, and the `CurrentActor` extractor
//! that every protected handler takes.

use std::collections::HashMap;
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
}

impl Backend {
    pub fn new(store: Store) -> Result<Backend, AppError> {
        let dummy = hash_password("giaoban-timing-equaliser")?;
        Ok(Backend {
            store,
            dummy_hash: Arc::new(dummy),
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
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("task: {0}")]
    Task(String),
}

impl axum_login::AuthnBackend for Backend {
    type User = SessionUser;
    type Credentials = Credentials;
    type Error = BackendError;

    async fn authenticate(&self, creds: Credentials) -> Result<Option<SessionUser>, BackendError> {
        if creds.password.chars().count() > PASSWORD_MAX_CHARS {
            return Ok(None);
        }
        let found = match Username::parse(&creds.username) {
            Ok(u) => self.store.credentials(&u).await?,
            Err(_) => None,
        };
        let (hash, candidate) = match found {
            Some(c) if c.user.active => (c.password_hash.clone(), Some(c)),
            _ => (self.dummy_hash.as_str().to_owned(), None),
        };
        let password = creds.password;
        let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
            .await
            .map_err(|e| BackendError::Task(e.to_string()))?;
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

/// Limits password guessing: after `max_failures` failed sign-ins for one username within the window,
/// that username is locked for the window. Kept in memory per server (a restart forgets it).
#[derive(Clone)]
pub struct SignInThrottle {
    inner: Arc<Mutex<HashMap<String, (u32, Instant)>>>,
    max_failures: u32,
    window: Duration,
}

impl SignInThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        SignInThrottle {
            inner: Arc::default(),
            max_failures,
            window,
        }
    }

    fn key(username: &str) -> String {
        username.trim().to_lowercase()
    }

    /// Minutes left while the username is locked.
    pub fn locked_minutes(&self, username: &str) -> Option<u64> {
        let map = self.inner.lock().ok()?;
        let (failures, since) = map.get(&Self::key(username))?;
        let elapsed = since.elapsed();
        (*failures >= self.max_failures && elapsed < self.window)
            .then(|| (self.window - elapsed).as_secs().div_ceil(60).max(1))
    }

    pub fn record_failure(&self, username: &str) {
        if let Ok(mut map) = self.inner.lock() {
            if map.len() > 100_000 {
                let window = self.window;
                map.retain(|_, (_, since)| since.elapsed() < window);
            }
            let entry = map
                .entry(Self::key(username))
                .or_insert((0, Instant::now()));
            if entry.1.elapsed() >= self.window {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
    }

    pub fn record_success(&self, username: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.remove(&Self::key(username));
        }
    }
}

/// The signed-in user with their access scope. Rejects with 401 when nobody is signed in.
pub struct CurrentActor {
    pub actor: Actor,
    pub user: User,
    /// The unit directory as read when the request began (the scope was found in it): a handler
    /// that writes no unit reads it from here instead of asking the store again.
    pub units: Arc<Vec<Unit>>,
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
