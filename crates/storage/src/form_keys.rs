//! No double entry (issue 21): the one-time keys of create forms and the documents already read.
//!
//! A key is claimed before anything is created (the record's own writes span several
//! transactions, so the claim, not the record's transaction, is what makes a second POST with the
//! same key see the first): the primary key (user, key) lets exactly one POST win the claim. The
//! winner records the id of what it made ([`Store::form_key_settle`]) or, when its create fails,
//! releases the claim ([`Store::form_key_release`]) so that the corrected form may be sent again
//! with the same key. These rows are bookkeeping of requests, like sessions: not audited (the
//! record they point to is).

use giaoban_domain::unit::UnitId;
use giaoban_domain::user::UserId;
use uuid::Uuid;

use crate::convert::now_micros;
use crate::{Result, Store, with_pool, write_one};

/// What claiming a form key found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormKeyClaim {
    /// The key is new: this POST creates the record.
    New,
    /// A POST with this key already created this record (its kind and id).
    Done { kind: String, record_id: Uuid },
    /// A POST with this key is still creating its record (or failed without releasing).
    Pending,
}

/// A document read and confirmed before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadDocument {
    pub meeting_id: Uuid,
    /// `true`: the same text; `false`: the same number/symbol and issuer.
    pub same_text: bool,
}

impl Store {
    /// Claims `key` for `user` to create a record of `kind`.
    pub async fn form_key_claim(
        &self,
        user: UserId,
        key: &str,
        kind: &str,
    ) -> Result<FormKeyClaim> {
        let inserted = write_one!(self, pool => sqlx::query(
            "INSERT INTO form_keys (user_id, form_key, kind, record_id, created_at) \
             VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (user_id, form_key) DO NOTHING")
            .bind(user.0).bind(key).bind(kind).bind(now_micros())
            .execute(pool).await.map(|r| r.rows_affected()))?;
        if inserted == 1 {
            return Ok(FormKeyClaim::New);
        }
        let row: Option<(String, Option<Uuid>)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT kind, record_id FROM form_keys WHERE user_id = $1 AND form_key = $2")
            .bind(user.0).bind(key).fetch_optional(pool).await)?;
        Ok(match row {
            Some((kind, Some(record_id))) => FormKeyClaim::Done { kind, record_id },
            _ => FormKeyClaim::Pending,
        })
    }

    /// Records the record made under a claimed key.
    pub async fn form_key_settle(&self, user: UserId, key: &str, record_id: Uuid) -> Result<()> {
        write_one!(self, pool => sqlx::query(
            "UPDATE form_keys SET record_id = $3 WHERE user_id = $1 AND form_key = $2")
            .bind(user.0).bind(key).bind(record_id).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Releases a claim whose create failed (a settled key stays).
    pub async fn form_key_release(&self, user: UserId, key: &str) -> Result<()> {
        write_one!(self, pool => sqlx::query(
            "DELETE FROM form_keys WHERE user_id = $1 AND form_key = $2 AND record_id IS NULL")
            .bind(user.0).bind(key).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The meetings created before from the same text, or from a document with the same
    /// number/symbol and issuer; the same text first, then the oldest.
    pub async fn read_documents_like(
        &self,
        text_hash: &str,
        number: Option<&str>,
        issuer: Option<UnitId>,
    ) -> Result<Vec<ReadDocument>> {
        let rows: Vec<(Uuid, String)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT meeting_id, text_hash FROM read_documents \
             WHERE text_hash = $1 OR (number = $2 AND issuer_unit_id = $3) \
             ORDER BY created_at, meeting_id")
            .bind(text_hash).bind(number).bind(issuer.map(|u| u.0))
            .fetch_all(pool).await)?;
        let mut out: Vec<ReadDocument> = rows
            .into_iter()
            .map(|(meeting_id, h)| ReadDocument {
                meeting_id,
                same_text: h == text_hash,
            })
            .collect();
        out.sort_by_key(|d| !d.same_text);
        Ok(out)
    }
}

impl crate::unit_of_work::UnitOfWork<'_> {
    /// Records the document a meeting was created from.
    pub async fn record_read_document(
        &mut self,
        meeting_id: Uuid,
        text_hash: &str,
        number: Option<&str>,
        issuer: UnitId,
    ) -> Result<()> {
        crate::unit_of_work::in_tx!(self, tx => sqlx::query(
            "INSERT INTO read_documents (meeting_id, text_hash, number, issuer_unit_id, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (meeting_id) DO NOTHING")
            .bind(meeting_id).bind(text_hash).bind(number).bind(issuer.0).bind(now_micros())
            .execute(&mut *tx).await.map(|r| r.rows_affected()))?;
        Ok(())
    }
}
