//! Office messages: what a unit is told in the app (and through its channels) when something
//! happens that concerns it — an extension asked for or decided, a report sent, accepted or
//! returned, a recommendation raised or answered.
//!
//! Each message names its event (`event_key`); the same event never makes a second message for
//! the same unit, so a use case that runs twice (a retried request) writes one. A message and
//! its deliveries are written in one transaction.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::channel::MessageKind;
use giaoban_domain::unit::UnitId;
use jiff::Timestamp;
use serde::Serialize;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{now_micros, ts_from_db};
use crate::deliveries::{NewDelivery, SOURCE_MESSAGE, insert_deliveries, placeholders};
use crate::{Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

/// A message to write, with its deliveries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// The unit told.
    pub unit_id: UnitId,
    pub kind: MessageKind,
    /// The event, unique per unit: `extension_requested:<extension id>`, …
    pub event_key: String,
    /// One line, Vietnamese.
    pub subject: String,
    /// Vietnamese, then an English line.
    pub body: String,
    /// The path of the record in the app (`/tasks/…`).
    pub link: String,
    pub deliveries: Vec<NewDelivery>,
}

/// A message as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub id: Uuid,
    pub unit_id: UnitId,
    pub kind: MessageKind,
    pub event_key: String,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    unit_id: Uuid,
    kind: String,
    event_key: String,
    subject: String,
    body: String,
    link: String,
    created_at: i64,
    read_at: Option<i64>,
}

fn from_row(r: Row) -> Result<Message> {
    Ok(Message {
        id: r.id,
        unit_id: UnitId(r.unit_id),
        kind: MessageKind::parse(&r.kind)
            .ok_or_else(|| StoreError::Corrupt(format!("message kind {}", r.kind)))?,
        event_key: r.event_key,
        subject: r.subject,
        body: r.body,
        link: r.link,
        created_at: ts_from_db(r.created_at)?,
        read_at: r.read_at.map(ts_from_db).transpose()?,
    })
}

const COLUMNS: &str = "SELECT id, unit_id, kind, event_key, subject, body, link, created_at, \
    read_at FROM messages";

/// Inserts messages and their deliveries on a transaction's connection; a message whose
/// (unit, event) is there already is skipped with its deliveries. Returns the ids written.
async fn insert_messages<'c>(
    conn: impl Into<Conn<'c>>,
    messages: &[NewMessage],
    now: i64,
) -> Result<Vec<Uuid>> {
    let mut conn = conn.into();
    let mut written: Vec<Uuid> = Vec::new();
    for m in messages {
        let id = Uuid::now_v7();
        let n = on_conn!(&mut conn, ex => {
            sqlx::query(
                "INSERT INTO messages (id, unit_id, kind, event_key, subject, body, link, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (unit_id, event_key) DO NOTHING",
            )
            .bind(id)
            .bind(m.unit_id.0)
            .bind(m.kind.code())
            .bind(m.event_key.as_str())
            .bind(m.subject.as_str())
            .bind(m.body.as_str())
            .bind(m.link.as_str())
            .bind(now)
            .execute(&mut **ex)
            .await?
            .rows_affected()
        });
        if n == 1 {
            let source = id.to_string();
            insert_deliveries(
                &mut conn,
                SOURCE_MESSAGE,
                source.as_str(),
                &m.deliveries,
                now,
            )
            .await?;
            written.push(id);
        }
    }
    Ok(written)
}

impl crate::unit_of_work::UnitOfWork<'_> {
    /// Writes messages with their deliveries in the unit of work's transaction, with the event
    /// they tell of; those whose (unit, event) was written before are skipped. Returns the ids of
    /// the messages written.
    pub async fn add_messages(&mut self, messages: &[NewMessage]) -> Result<Vec<Uuid>> {
        let now = now_micros();
        crate::unit_of_work::in_tx!(self, tx => insert_messages(&mut *tx, messages, now).await)
    }
}

impl Store {
    /// Writes messages with their deliveries in one transaction; those whose (unit, event) was
    /// written before are skipped. Returns the messages written now. Messages are machine-made
    /// (the event they tell of is audited), so they are not audited themselves.
    pub async fn add_messages(&self, messages: &[NewMessage]) -> Result<Vec<Message>> {
        if messages.is_empty() {
            return Ok(Vec::new());
        }
        let now = now_micros();
        let ids = write_tx!(self, tx => { insert_messages(&mut *tx, messages, now).await? });
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(self.message(id).await?);
        }
        Ok(out)
    }

    pub async fn message(&self, id: Uuid) -> Result<Message> {
        let sql = sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1"));
        let row: Option<Row> =
            with_pool!(self, pool => sqlx::query_as(sql).bind(id).fetch_optional(pool).await)?;
        from_row(row.ok_or(StoreError::NotFound)?)
    }

    /// The latest messages to any of `units`, newest first.
    pub async fn messages_for(&self, units: &[UnitId], limit: u32) -> Result<Vec<Message>> {
        if units.is_empty() {
            return Ok(Vec::new());
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE unit_id IN ({}) ORDER BY created_at DESC, id DESC LIMIT {}",
            placeholders(1, units.len()),
            limit.max(1)
        ));
        let rows: Vec<Row> = with_pool!(self, pool => {
            let mut q = sqlx::query_as(sql);
            for u in units {
                q = q.bind(u.0);
            }
            q.fetch_all(pool).await
        })?;
        rows.into_iter().map(from_row).collect()
    }

    /// How many messages to any of `units` are unread.
    pub async fn unread_messages(&self, units: &[UnitId]) -> Result<u64> {
        if units.is_empty() {
            return Ok(0);
        }
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM messages WHERE read_at IS NULL AND unit_id IN ({})",
            placeholders(1, units.len())
        ));
        let (n,): (i64,) = with_pool!(self, pool => {
            let mut q = sqlx::query_as(sql);
            for u in units {
                q = q.bind(u.0);
            }
            q.fetch_one(pool).await
        })?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// Marks every unread message to any of `units` read; returns how many. Audited (one entry).
    pub async fn mark_messages_read(&self, actor: &AuditActor, units: &[UnitId]) -> Result<u64> {
        if units.is_empty() {
            return Ok(0);
        }
        let sql = format!(
            "UPDATE messages SET read_at = $1 WHERE read_at IS NULL AND unit_id IN ({})",
            placeholders(2, units.len())
        );
        let now = now_micros();
        write_tx!(self, tx => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(now);
            for u in units {
                q = q.bind(u.0);
            }
            let n = q.execute(&mut *tx).await?.rows_affected();
            if n > 0 {
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: AuditAction::Update,
                    entity: "messages",
                    entity_id: units.iter().map(ToString::to_string).collect::<Vec<_>>().join(","),
                    unit_id: units.first().copied(),
                    before: None,
                    after: Some(serde_json::json!({"read": n})),
                }).await?;
            }
            Ok(n)
        })
    }
}
