//! Backup and restore of the embedded SQLite database.
//!
//! A backup is `VACUUM INTO`: one consistent snapshot taken inside a read transaction, so writers go
//! on (WAL) and the copy never holds half a transaction. A restore checks the file first (integrity,
//! known migrations) and swaps it in atomically; it is refused while a server holds the data directory.
//! PostgreSQL deployments use the server's own tools (`pg_dump`), which do this better.

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::{Db, Result, Store, StoreError};

/// What a backup file holds, as read back from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupInfo {
    pub units: i64,
    pub users: i64,
    pub audit_entries: i64,
    pub migrations: i64,
}

impl Store {
    /// Writes a consistent copy of the SQLite database to `dest` (which must not exist).
    pub async fn backup_to(&self, dest: &Path) -> Result<BackupInfo> {
        let Db::Sqlite(pool) = &self.db else {
            return Err(StoreError::Unsupported(
                "backup of PostgreSQL: use pg_dump / pg_restore",
            ));
        };
        if dest.exists() {
            return Err(StoreError::Config(format!(
                "{} already exists; choose a new file name",
                dest.display()
            )));
        }
        let target = dest
            .to_str()
            .ok_or_else(|| StoreError::Config("backup path is not valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        verify_sqlite_file(dest).await
    }
}

/// Opens an SQLite file read-only and checks that it is a sound giaoban database.
pub async fn verify_sqlite_file(path: &Path) -> Result<BackupInfo> {
    if !path.is_file() {
        return Err(StoreError::Config(format!(
            "{} is not a file",
            path.display()
        )));
    }
    let opts = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(opts)
        .await?;
    let result = async {
        let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .map_err(|e| StoreError::Config(format!("not an SQLite database: {e}")))?;
        if check != "ok" {
            return Err(StoreError::Corrupt(format!("integrity check: {check}")));
        }
        let count = |table: &'static str| {
            let pool = pool.clone();
            async move {
                let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
                let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&pool).await.map_err(|e| {
                    StoreError::Config(format!("not a giaoban database (no {table}): {e}"))
                })?;
                Ok::<i64, StoreError>(n)
            }
        };
        Ok(BackupInfo {
            migrations: count("_sqlx_migrations").await?,
            units: count("units").await?,
            users: count("users").await?,
            audit_entries: count("audit_log").await?,
        })
    }
    .await;
    pool.close().await;
    result
}

/// Replaces the database at `db_path` with the backup at `backup` after verifying it. The caller must
/// make sure no server uses `db_path` (the binary holds a lock on the data directory).
pub async fn restore_sqlite_file(backup: &Path, db_path: &Path) -> Result<BackupInfo> {
    let info = verify_sqlite_file(backup).await?;
    let dir = db_path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", dir.display())))?;
    let tmp = dir.join(".giaoban-restore.tmp");
    let io = |what: &str, e: std::io::Error| StoreError::Config(format!("{what}: {e}"));
    std::fs::copy(backup, &tmp).map_err(|e| io("copy backup", e))?;
    std::fs::File::open(&tmp)
        .and_then(|f| f.sync_all())
        .map_err(|e| io("sync copy", e))?;
    // The old WAL and shared-memory files belong to the old database: remove them before the swap.
    for suffix in ["-wal", "-shm"] {
        let mut side = db_path.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io("remove old journal", e)),
        }
    }
    std::fs::rename(&tmp, db_path).map_err(|e| io("swap in backup", e))?;
    Ok(info)
}
