//! Storage for giaoban: one codebase, two engines.
//!
//! SQLite (embedded, the default: a file in the data directory, WAL, busy timeout, foreign keys on)
//! and PostgreSQL (for deployments that outgrow one machine). Every query is written once, in the SQL
//! both engines share (`$1` placeholders, `RETURNING`, `WITH RECURSIVE`, `ON CONFLICT`), and compiled
//! against each driver by the [`with_pool!`]/[`write_tx!`] macros, so each arm is type-checked with its
//! concrete types and nothing engine-specific leaks above this crate. The contract tests run the same
//! suite on both engines.
//!
//! Every write records its audit entry in the same transaction as the change.

mod convert;
mod error;

pub mod audit;
pub mod backup;
pub mod conclusions;
pub mod deliveries;
pub mod form_keys;
pub mod handover;
pub mod inbox;
pub mod levels;
pub mod meetings;
pub mod messages;
pub mod notifications;
pub mod ocop;
pub mod period_reports;
pub mod programmes;
pub mod readings;
pub mod reports;
pub mod sessions;
pub mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
pub mod unit_of_work;
pub mod units;
pub mod users;

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use error::{Conflict, StoreError};

/// Runs `$body` with `$pool` bound to the concrete pool of the engine in use.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

/// Runs `$body` in a write transaction bound to `$tx` and commits it; an early return (`?`) rolls
/// back. On SQLite the transaction starts with `BEGIN IMMEDIATE`: a deferred transaction that reads
/// then writes fails with SQLITE_BUSY at once instead of waiting for the busy timeout. The
/// server's writers take their turn at the store's [`WriteGate`] first (SQLite has one writer).
macro_rules! write_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite(pool) => {
                let _turn = $store.write_gate.turn().await?;
                let mut $tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::Db::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}
pub(crate) use write_tx;

/// Runs one writing statement `$body` outside a transaction, with `$pool` bound as in
/// [`with_pool`]; on SQLite in the writers' turn (see [`WriteGate`]).
macro_rules! write_one {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite($pool) => {
                let _turn = $store.write_gate.turn().await?;
                $body
            }
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use write_one;

/// Runs `$body` in a read transaction bound to `$tx`, so that every statement in it reads the
/// same snapshot (SQLite: a deferred transaction in WAL mode; PostgreSQL: REPEATABLE READ), and
/// ends it.
macro_rules! read_tx {
    ($store:expr, $tx:ident => $body:expr) => {
        match &$store.db {
            $crate::Db::Sqlite(pool) => {
                let mut $tx = pool.begin().await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
            $crate::Db::Postgres(pool) => {
                let mut $tx = pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?;
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}
pub(crate) use read_tx;

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection (usually an open transaction's) of either engine, for the helpers that run
/// statements inside a caller's transaction. Built from `&mut *tx` with `.into()` (the helpers take
/// `impl Into<Conn>`, so a call reads `record_audit(&mut *tx, &entry).await?`).
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut sqlx::SqliteConnection),
    Postgres(&'c mut sqlx::PgConnection),
}

impl<'c> From<&'c mut sqlx::SqliteConnection> for Conn<'c> {
    fn from(c: &'c mut sqlx::SqliteConnection) -> Self {
        Conn::Sqlite(c)
    }
}

impl<'c> From<&'c mut sqlx::PgConnection> for Conn<'c> {
    fn from(c: &'c mut sqlx::PgConnection) -> Self {
        Conn::Postgres(c)
    }
}

/// A reborrow, for a helper that runs several helpers on the connection it was given.
impl<'a> From<&'a mut Conn<'_>> for Conn<'a> {
    fn from(c: &'a mut Conn<'_>) -> Self {
        match c {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// Runs `$body` with `$ex` bound to the concrete connection of a [`Conn`] (engine dispatch, as
/// [`with_pool!`]).
macro_rules! on_conn {
    ($conn:expr, $ex:ident => $body:expr) => {
        match $conn {
            $crate::Conn::Sqlite($ex) => $body,
            $crate::Conn::Postgres($ex) => $body,
        }
    };
}
pub(crate) use on_conn;

/// A value both engines can bind (a parameter of SQL written once for both).
pub(crate) trait BindValue<'q>:
    'q
    + sqlx::Encode<'q, sqlx::Sqlite>
    + sqlx::Type<sqlx::Sqlite>
    + sqlx::Encode<'q, sqlx::Postgres>
    + sqlx::Type<sqlx::Postgres>
{
}

impl<'q, T> BindValue<'q> for T where
    T: 'q
        + sqlx::Encode<'q, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + sqlx::Encode<'q, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>
{
}

/// A query of either engine and any kind (`query`, `query_as`, `query_scalar`) that takes binds,
/// so that a helper binding the same parameters to several queries is one plain function
/// (`fn bind_filter<'q, Q: Binds<'q>>(q: Q, …) -> Q`).
pub(crate) trait Binds<'q>: Sized {
    /// Binds the next parameter, as the query's own `bind`.
    fn bind<T: BindValue<'q>>(self, value: T) -> Self;
}

impl<'q> Binds<'q> for sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    fn bind<T: BindValue<'q>>(self, value: T) -> Self {
        sqlx::query::Query::bind(self, value)
    }
}

impl<'q> Binds<'q> for sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    fn bind<T: BindValue<'q>>(self, value: T) -> Self {
        sqlx::query::Query::bind(self, value)
    }
}

impl<'q, O> Binds<'q> for sqlx::query::QueryAs<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments> {
    fn bind<T: BindValue<'q>>(self, value: T) -> Self {
        sqlx::query::QueryAs::bind(self, value)
    }
}

impl<'q, O> Binds<'q> for sqlx::query::QueryAs<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments> {
    fn bind<T: BindValue<'q>>(self, value: T) -> Self {
        sqlx::query::QueryAs::bind(self, value)
    }
}

impl<'q, O> Binds<'q>
    for sqlx::query::QueryScalar<'q, sqlx::Sqlite, O, sqlx::sqlite::SqliteArguments>
{
    fn bind<T: BindValue<'q>>(self, value: T) -> Self {
        sqlx::query::QueryScalar::bind(self, value)
    }
}

impl<'q, O> Binds<'q>
    for sqlx::query::QueryScalar<'q, sqlx::Postgres, O, sqlx::postgres::PgArguments>
{
    fn bind<T: BindValue<'q>>(self, value: T) -> Self {
        sqlx::query::QueryScalar::bind(self, value)
    }
}

/// The engine behind a store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

#[derive(Clone)]
pub(crate) enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// An SQLite database file (created when missing).
    Sqlite { path: PathBuf },
    /// A PostgreSQL server; `schema`, when given, is created if missing and put first on the
    /// search path (tests use one fresh schema each).
    Postgres { url: String, schema: Option<String> },
}

impl std::fmt::Debug for StoreConfig {
    // The URL may hold a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreConfig::Sqlite { path } => f.debug_struct("Sqlite").field("path", path).finish(),
            StoreConfig::Postgres { schema, .. } => f
                .debug_struct("Postgres")
                .field("url", &"<hidden>")
                .field("schema", schema)
                .finish(),
        }
    }
}

impl StoreConfig {
    /// Picks the engine from a database URL (`postgres://…`, `postgresql://…`, `sqlite://path` or a
    /// plain file path).
    pub fn from_url(url: &str) -> Result<StoreConfig> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(StoreConfig::Postgres {
                url: url.to_owned(),
                schema: None,
            })
        } else if let Some(path) = url.strip_prefix("sqlite://") {
            Ok(StoreConfig::Sqlite {
                path: PathBuf::from(path),
            })
        } else if url.contains("://") || url.is_empty() {
            Err(StoreError::Config(format!(
                "unsupported database URL (use postgres://… or a SQLite file path): {}",
                url.split("://").next().unwrap_or("")
            )))
        } else {
            Ok(StoreConfig::Sqlite {
                path: PathBuf::from(url),
            })
        }
    }

    /// The SQLite database inside a data directory.
    pub fn in_data_dir(dir: &Path) -> StoreConfig {
        StoreConfig::Sqlite {
            path: dir.join("giaoban.sqlite3"),
        }
    }
}

/// The unit directory as last read, with the `units` revision it was read at.
pub(crate) type CachedDirectory = (i64, Arc<Vec<giaoban_domain::unit::Unit>>);

/// The application's storage. Cheap to clone (pools are shared).
#[derive(Clone)]
pub struct Store {
    pub(crate) db: Db,
    /// The unit directory with the revision it was read at (see [`Store::units`]).
    pub(crate) directory: Arc<RwLock<Option<CachedDirectory>>>,
    /// Roll-up reads with the revision they were read at (see [`reports::RollupCache`]).
    pub(crate) rollups: Arc<reports::RollupCache>,
    /// The turn of this process's SQLite write transactions (see [`WriteGate`]).
    pub(crate) write_gate: Arc<WriteGate>,
}

/// How long a write waits for its turn, as long as SQLite's busy timeout: past it the write fails
/// as a busy database does (`StoreError::Unavailable`), never hangs.
const WRITE_TURN_TIMEOUT: Duration = Duration::from_secs(10);

/// The queue of a process's SQLite write transactions. SQLite takes one writer at a time; a
/// `BEGIN IMMEDIATE` that finds the lock taken sleeps in SQLite's busy handler (1, 2, 5, … up
/// to 100 ms between tries), so under concurrent writes the lock sat free while the writers
/// slept: create and progress answered in 4–6 ms at the median and 440–710 ms at the 99th
/// percentile (8 connections, province set). Waiting here instead, first come first served (a
/// fair tokio mutex), a writer starts the moment the one before it commits. Other processes on
/// the same file (the CLI, a backup) still meet the busy handler.
#[derive(Debug, Default)]
pub(crate) struct WriteGate(tokio::sync::Mutex<()>);

impl WriteGate {
    /// Waits for this writer's turn, which lasts while the guard lives.
    pub(crate) async fn turn(&self) -> Result<tokio::sync::MutexGuard<'_, ()>> {
        self.turn_within(WRITE_TURN_TIMEOUT).await
    }

    async fn turn_within(&self, limit: Duration) -> Result<tokio::sync::MutexGuard<'_, ()>> {
        tokio::time::timeout(limit, self.0.lock())
            .await
            .map_err(|_| {
                StoreError::Unavailable(format!("no turn to write within {} ms", limit.as_millis()))
            })
    }
}

/// Whether a connection going back to the pool can serve the next request: one still inside a
/// transaction is closed instead. That happens after a COMMIT that failed on a full disk: SQLite
/// has already rolled the transaction back, sqlx's ROLLBACK on drop then fails ("no transaction is
/// active") and sqlx keeps counting the connection as inside a transaction, so every later BEGIN on
/// it failed — the server answered 500 to every write on that connection even after the disk had
/// room again (tests/disk_faults.rs in the giaoban crate). A dropped transaction's rollback is
/// queued to the connection: the ping lets it run first.
async fn still_usable<C: sqlx::Connection>(conn: &mut C) -> std::result::Result<bool, sqlx::Error> {
    if conn.is_in_transaction() {
        conn.ping().await?;
    }
    Ok(!conn.is_in_transaction())
}

impl Store {
    /// Connects and applies the migrations that are not applied yet.
    pub async fn open(config: &StoreConfig) -> Result<Store> {
        let db = match config {
            StoreConfig::Sqlite { path } => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        StoreError::Config(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                // No ping before each acquire (sqlx's default): a SQLite connection is a file
                // handle in this process, not a peer that can hang up, and the ping is a round
                // trip to the connection's worker thread before every statement run on the pool
                // (six for a signed-in list request). A connection left inside a transaction is
                // still closed on release (`still_usable`).
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .test_before_acquire(false)
                    .acquire_timeout(Duration::from_secs(15))
                    .after_release(|conn, _| Box::pin(still_usable(conn)))
                    .connect_with(opts)
                    .await?;
                sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
                Db::Sqlite(pool)
            }
            StoreConfig::Postgres { url, schema } => {
                let mut opts = PgConnectOptions::from_str(url)?;
                if let Some(schema) = schema {
                    if !schema
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                    {
                        return Err(StoreError::Config(format!("invalid schema name {schema}")));
                    }
                    let setup = PgPoolOptions::new()
                        .max_connections(1)
                        .connect_with(opts.clone())
                        .await?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "CREATE SCHEMA IF NOT EXISTS {schema}"
                    )))
                    .execute(&setup)
                    .await?;
                    setup.close().await;
                    // The application name marks the connections of this schema, so that a test's
                    // cleanup can end them before dropping the schema.
                    opts = opts
                        .options([("search_path", schema.as_str())])
                        .application_name(schema);
                }
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(15))
                    .after_release(|conn, _| Box::pin(still_usable(conn)))
                    .connect_with(opts)
                    .await?;
                sqlx::migrate!("./migrations/postgres").run(&pool).await?;
                Db::Postgres(pool)
            }
        };
        let store = Store {
            db,
            directory: Arc::default(),
            rollups: Arc::default(),
            write_gate: Arc::default(),
        };
        store.fill_due_columns().await?;
        store.fill_submission_figures().await?;
        store.fill_aggregate_sets().await?;
        Ok(store)
    }

    pub fn engine(&self) -> Engine {
        match self.db {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    /// Closes every connection (graceful shutdown; SQLite checkpoints its WAL).
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await);
    }
}

#[cfg(test)]
mod write_gate_tests {
    use super::*;

    #[tokio::test]
    async fn a_writer_waits_its_turn_and_gives_up_as_a_busy_database_does() {
        let gate = Arc::new(WriteGate::default());
        let first = gate
            .turn()
            .await
            .expect("a free gate gives the turn at once");
        let waited = gate.turn_within(Duration::from_millis(50)).await;
        assert!(
            matches!(waited, Err(StoreError::Unavailable(ref m)) if m.contains("50 ms")),
            "{waited:?}"
        );
        // The next writer in the queue gets the turn when the one before it ends.
        let next = tokio::spawn({
            let gate = gate.clone();
            async move { gate.turn_within(Duration::from_secs(5)).await.map(|_| ()) }
        });
        tokio::task::yield_now().await;
        assert!(!next.is_finished(), "the turn is still taken");
        drop(first);
        next.await
            .expect("joined")
            .expect("the turn after the first writer");
    }
}
