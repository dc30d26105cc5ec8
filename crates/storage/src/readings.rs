//! The reading page's readings (issue 21): a pasted text kept between the POST that reads it and
//! the GET that shows what was read (Post/Redirect/Get), with the one-time key of its confirm
//! form. The browser's Back then brings back the same form with the same key instead of asking to
//! post the text again, and a second confirm is recognised by that key. Bookkeeping of requests,
//! like sessions and form keys: not audited; a person's readings older than a day are dropped
//! when they read another text.

use giaoban_domain::user::UserId;
use uuid::Uuid;

use crate::convert::now_micros;
use crate::{Result, Store, with_pool, write_one};

/// How long a reading is kept (microseconds): a day.
const KEPT_MICROS: i64 = 24 * 3600 * 1_000_000;

/// A text read on the reading page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub id: Uuid,
    pub text: String,
    pub document_date: String,
    /// The one-time key of the confirm form shown for it.
    pub form_key: String,
    /// The confirm form as last corrected on the server (URL-encoded), if it was.
    pub fields: Option<String>,
}

impl Store {
    /// Keeps a reading of `user`'s and drops their readings older than a day.
    pub async fn reading_create(
        &self,
        user: UserId,
        text: &str,
        document_date: &str,
        form_key: &str,
    ) -> Result<Uuid> {
        let id = Uuid::new_v4();
        let now = now_micros();
        write_one!(self, pool => sqlx::query(
            "DELETE FROM readings WHERE user_id = $1 AND created_at < $2")
            .bind(user.0).bind(now - KEPT_MICROS).execute(pool).await.map(|r| r.rows_affected()))?;
        write_one!(self, pool => sqlx::query(
            "INSERT INTO readings (id, user_id, text, document_date, form_key, fields, created_at) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6)")
            .bind(id).bind(user.0).bind(text).bind(document_date).bind(form_key).bind(now)
            .execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(id)
    }

    /// One of `user`'s readings kept less than a day; another person's is absent.
    pub async fn reading(&self, user: UserId, id: Uuid) -> Result<Option<Reading>> {
        type Row = (Uuid, String, String, String, Option<String>);
        let row: Option<Row> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, text, document_date, form_key, fields FROM readings \
             WHERE id = $1 AND user_id = $2 AND created_at >= $3")
            .bind(id).bind(user.0).bind(now_micros() - KEPT_MICROS)
            .fetch_optional(pool).await)?;
        Ok(
            row.map(|(id, text, document_date, form_key, fields)| Reading {
                id,
                text,
                document_date,
                form_key,
                fields,
            }),
        )
    }

    /// Keeps the confirm form of a reading as corrected on the server; `false` when the reading
    /// is not `user`'s or is gone.
    pub async fn reading_set_fields(&self, user: UserId, id: Uuid, fields: &str) -> Result<bool> {
        let n = write_one!(self, pool => sqlx::query(
            "UPDATE readings SET fields = $3 WHERE id = $1 AND user_id = $2")
            .bind(id).bind(user.0).bind(fields).execute(pool).await.map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
