//! Server-side sessions: opaque records keyed by session id, with an expiry. Kept in the database so
//! that several servers behind one PostgreSQL share them.

use crate::convert::now_micros;
use crate::{Result, Store, with_pool, write_one};

impl Store {
    /// Inserts a new session; returns `false` when the id is already taken (the caller draws another).
    pub async fn session_create(
        &self,
        id: &str,
        record: &str,
        expires_micros: i64,
    ) -> Result<bool> {
        let done = write_one!(self, pool => sqlx::query(
            "INSERT INTO sessions (id, record, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING")
            .bind(id).bind(record).bind(expires_micros).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Stores the record of an existing session. A session deleted meanwhile (signed out, purged)
    /// stays deleted: a request still in flight when its user signed out must not bring it back
    /// when the session layer saves it on the way out (a renewal, a new CSRF token).
    pub async fn session_save(&self, id: &str, record: &str, expires_micros: i64) -> Result<()> {
        write_one!(self, pool => sqlx::query(
            "UPDATE sessions SET record = $2, expires_at = $3 WHERE id = $1")
            .bind(id).bind(record).bind(expires_micros).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The record of a live session; expired ones are treated as absent.
    pub async fn session_load(&self, id: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT record FROM sessions WHERE id = $1 AND expires_at > $2")
            .bind(id).bind(now_micros()).fetch_optional(pool).await)?;
        Ok(row.map(|r| r.0))
    }

    pub async fn session_delete(&self, id: &str) -> Result<()> {
        write_one!(self, pool => sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Deletes expired sessions; returns how many.
    pub async fn sessions_purge_expired(&self) -> Result<u64> {
        let done = write_one!(self, pool => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_micros()).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(done)
    }
}
