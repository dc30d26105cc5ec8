//! Test databases: a fresh one per test, on the engine the test run asks for.
//!
//! `GIAOBAN_TEST_DATABASE_URL=postgres://…` runs the suite on PostgreSQL, each test in its own schema
//! `t_<uuid>` (dropped afterwards); otherwise each test gets a fresh SQLite file in a temporary
//! directory. The same contract suite thus runs on both engines.

use std::path::PathBuf;

use crate::{Store, StoreConfig};

pub const TEST_URL_VAR: &str = "GIAOBAN_TEST_DATABASE_URL";

/// A submission's id and figures column.
type FiguresColumn = (uuid::Uuid, Option<Vec<u8>>);
/// A `submission_values` row that holds a figure: submission, indicator, value.
type ValueRow = (uuid::Uuid, uuid::Uuid, i64);

/// A fresh database for one test; dropping it removes the database.
pub struct TestDb {
    pub store: Store,
    pub config: StoreConfig,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl TestDb {
    pub async fn new() -> TestDb {
        match std::env::var(TEST_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => {
                let schema = format!("t_{}", uuid::Uuid::now_v7().simple());
                let config = StoreConfig::Postgres {
                    url: url.clone(),
                    schema: Some(schema.clone()),
                };
                let store = Store::open(&config)
                    .await
                    .unwrap_or_else(|e| panic!("PostgreSQL test database at {TEST_URL_VAR}: {e}"));
                TestDb {
                    store,
                    config,
                    cleanup: Cleanup::Postgres { url, schema },
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let config = StoreConfig::Sqlite {
                    path: dir.path().join("test.sqlite3"),
                };
                let store = Store::open(&config).await.expect("SQLite test database");
                TestDb {
                    store,
                    config,
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
        }
    }

    /// The task parts whose carried columns (migration 0009) differ from their task's: none, after
    /// any sequence of writes.
    pub async fn parts_out_of_step(&self) -> Vec<(uuid::Uuid, uuid::Uuid)> {
        const SQL: &str = "SELECT tp.task_id, tp.unit_id FROM task_units tp JOIN tasks t ON t.id = tp.task_id \
             WHERE tp.created_at IS DISTINCT FROM t.created_at \
             OR tp.deadline_kind IS DISTINCT FROM t.deadline_kind \
             OR tp.assigned_on IS DISTINCT FROM t.assigned_on \
             OR tp.completed_at IS DISTINCT FROM t.completed_at \
             OR tp.paused IS DISTINCT FROM t.paused OR tp.cancelled IS DISTINCT FROM t.cancelled \
             OR tp.due_at IS DISTINCT FROM t.due_at OR tp.due_day IS DISTINCT FROM t.due_day \
             OR tp.ext_due_at IS DISTINCT FROM t.ext_due_at \
             OR tp.ext_due_day IS DISTINCT FROM t.ext_due_day \
             OR tp.ext_from IS DISTINCT FROM t.ext_from \
             ORDER BY tp.task_id, tp.unit_id";
        crate::with_pool!(self.store, pool => {
            sqlx::query_as(SQL).fetch_all(pool).await.expect("parts and tasks")
        })
    }

    /// Makes the database look written before migration 0010: no aggregate set, no submission's
    /// figures column filled. Returns how many sets there were.
    pub async fn as_before_migration_0010(&self) -> u64 {
        crate::with_pool!(self.store, pool => {
            sqlx::query("UPDATE submissions SET figures = NULL")
                .execute(pool)
                .await
                .expect("forget the figures");
            sqlx::query("DELETE FROM aggregate_sets")
                .execute(pool)
                .await
                .expect("delete the sets")
                .rows_affected()
        })
    }

    /// The submissions whose figures column (migration 0010) differs from their
    /// `submission_values` rows that hold a figure: none, after any sequence of writes.
    pub async fn figures_out_of_step(&self) -> Vec<uuid::Uuid> {
        use std::collections::BTreeMap;
        let (columns, rows): (Vec<FiguresColumn>, Vec<ValueRow>) = crate::with_pool!(self.store, pool => {
            let columns = sqlx::query_as("SELECT id, figures FROM submissions")
                .fetch_all(pool)
                .await
                .expect("figures");
            let rows = sqlx::query_as(
                "SELECT submission_id, indicator_id, value FROM submission_values \
                 WHERE value IS NOT NULL",
            )
            .fetch_all(pool)
            .await
            .expect("values");
            (columns, rows)
        });
        let mut values: BTreeMap<uuid::Uuid, Vec<(uuid::Uuid, i64)>> = BTreeMap::new();
        for (s, i, v) in rows {
            values.entry(s).or_default().push((i, v));
        }
        columns
            .into_iter()
            .filter(|(id, column)| {
                let stored = crate::reports::sets::Figures::of_column(column.as_deref()).ok();
                let rows =
                    crate::reports::sets::Figures::new(values.remove(id).unwrap_or_default());
                stored != Some(rows)
            })
            .map(|(id, _)| id)
            .collect()
    }

    /// Rewrites one figure of a submission behind the store's back (its value row and its
    /// figures column alike), as a database written before figures were bounded may hold it.
    pub async fn put_figure_unchecked(
        &self,
        submission: uuid::Uuid,
        indicator: uuid::Uuid,
        scaled: i64,
    ) {
        crate::with_pool!(self.store, pool => {
            sqlx::query(
                "UPDATE submission_values SET value = $3 WHERE submission_id = $1 AND indicator_id = $2",
            )
            .bind(submission)
            .bind(indicator)
            .bind(scaled)
            .execute(pool)
            .await
            .expect("value row");
            let rows: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
                "SELECT indicator_id, value FROM submission_values \
                 WHERE submission_id = $1 AND value IS NOT NULL",
            )
            .bind(submission)
            .fetch_all(pool)
            .await
            .expect("values");
            let figures = crate::reports::sets::Figures::new(rows).encode().expect("encode");
            sqlx::query("UPDATE submissions SET figures = $2 WHERE id = $1")
                .bind(submission)
                .bind(figures)
                .execute(pool)
                .await
                .expect("figures column");
        })
    }

    /// The SQLite file of this test database, if it is one.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match &self.config {
            StoreConfig::Sqlite { path } => Some(path.clone()),
            StoreConfig::Postgres { .. } => None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { url, schema } = &self.cleanup {
            // Drop runs outside async code: do the cleanup on a thread with its own runtime.
            let (url, schema) = (url.clone(), schema.clone());
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async move {
                    if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                        // The test's own pool may still hold a connection inside a transaction that
                        // its (now blocked) runtime was about to roll back: end those sessions first,
                        // or the DROP would wait for their locks forever.
                        let _ = sqlx::query(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                             WHERE application_name = $1 AND pid <> pg_backend_pid()",
                        )
                        .bind(&schema)
                        .execute(&pool)
                        .await;
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP SCHEMA IF EXISTS {schema} CASCADE"
                        )))
                        .execute(&pool)
                        .await;
                        pool.close().await;
                    }
                });
            })
            .join();
        }
    }
}
