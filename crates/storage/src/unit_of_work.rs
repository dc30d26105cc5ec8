//! A unit of work: several records written in one transaction, all or none.
//!
//! [`Store::begin`] opens a write transaction on the store's engine (on SQLite in the writers'
//! turn, see [`crate::WriteGate`]); the use case writes through the unit's methods and calls
//! [`UnitOfWork::commit`]. Dropping the unit without committing rolls everything back, so an error
//! returned with `?` anywhere between leaves nothing behind. The store's single-record methods
//! (`create_task`, `create_meeting`, …) are a unit of work of one write.

use sqlx::{Postgres, Sqlite, Transaction};

use crate::{Db, Result, Store};

pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An open write transaction; see the module's documentation.
pub struct UnitOfWork<'s> {
    pub(crate) tx: Tx,
    /// The store the unit writes to, for the reads a write needs besides its own records (the
    /// unit directory, the indicator catalog), which are read from the store's pool as usual.
    pub(crate) store: &'s Store,
    /// SQLite's writer turn, held until the transaction ends (`None` on PostgreSQL).
    _turn: Option<tokio::sync::MutexGuard<'s, ()>>,
}

/// Runs `$body` with `$tx` bound to the connection of the unit's transaction, whichever the
/// engine (`&mut SqliteConnection` or `&mut PgConnection`).
macro_rules! in_tx {
    ($uow:expr, $tx:ident => $body:expr) => {
        match &mut $uow.tx {
            $crate::unit_of_work::Tx::Sqlite(t) => {
                let $tx: &mut sqlx::SqliteConnection = t;
                $body
            }
            $crate::unit_of_work::Tx::Postgres(t) => {
                let $tx: &mut sqlx::PgConnection = t;
                $body
            }
        }
    };
}
pub(crate) use in_tx;

impl Store {
    /// Opens a unit of work (a write transaction; on SQLite `BEGIN IMMEDIATE`, in the writers'
    /// turn).
    pub async fn begin(&self) -> Result<UnitOfWork<'_>> {
        Ok(match &self.db {
            Db::Sqlite(pool) => {
                let turn = self.write_gate.turn().await?;
                let tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                UnitOfWork {
                    tx: Tx::Sqlite(tx),
                    store: self,
                    _turn: Some(turn),
                }
            }
            Db::Postgres(pool) => UnitOfWork {
                tx: Tx::Postgres(pool.begin().await?),
                store: self,
                _turn: None,
            },
        })
    }
}

impl UnitOfWork<'_> {
    /// Makes every write of the unit permanent.
    pub async fn commit(self) -> Result<()> {
        match self.tx {
            Tx::Sqlite(tx) => tx.commit().await?,
            Tx::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
