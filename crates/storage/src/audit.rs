//! The audit trail: writing entries inside the caller's transaction, and reading them back.

use giaoban_domain::audit::{AuditAction, AuditActor, AuditEntry};
use giaoban_domain::unit::UnitId;
use giaoban_domain::user::UserId;
use sqlx::types::Json;
use uuid::Uuid;

use crate::convert::{ts_from_db, ts_to_db};
use crate::{Result, Store, StoreError, with_pool};

/// An entry to record with a change.
pub struct NewAudit<'a> {
    pub actor: &'a AuditActor,
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: String,
    pub unit_id: Option<UnitId>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

pub(crate) const INSERT_AUDIT: &str = "INSERT INTO audit_log \
    (id, at, actor_id, actor_name, action, entity, entity_id, unit_id, before, after) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

/// Records `entry` with the connection `conn` (the open transaction's).
pub(crate) async fn record_audit<'c>(
    conn: impl Into<crate::Conn<'c>>,
    entry: &NewAudit<'_>,
) -> Result<()> {
    let e = entry;
    crate::on_conn!(conn.into(), ex => {
        sqlx::query(INSERT_AUDIT)
            .bind(uuid::Uuid::now_v7())
            .bind(crate::convert::now_micros())
            .bind(e.actor.user_id.map(|u| u.0))
            .bind(e.actor.name.as_str())
            .bind(e.action.code())
            .bind(e.entity)
            .bind(e.entity_id.as_str())
            .bind(e.unit_id.map(|u| u.0))
            .bind(e.before.as_ref().map(sqlx::types::Json))
            .bind(e.after.as_ref().map(sqlx::types::Json))
            .execute(ex)
            .await?;
    });
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AuditRow {
    id: Uuid,
    at: i64,
    actor_id: Option<Uuid>,
    actor_name: String,
    action: String,
    entity: String,
    entity_id: String,
    unit_id: Option<Uuid>,
    before: Option<Json<serde_json::Value>>,
    after: Option<Json<serde_json::Value>>,
}

impl TryFrom<AuditRow> for AuditEntry {
    type Error = StoreError;
    fn try_from(r: AuditRow) -> Result<Self> {
        Ok(AuditEntry {
            id: r.id,
            at: ts_from_db(r.at)?,
            actor_id: r.actor_id.map(UserId),
            actor_name: r.actor_name,
            action: AuditAction::parse(&r.action)
                .ok_or_else(|| StoreError::Corrupt(format!("audit action {}", r.action)))?,
            entity: r.entity,
            entity_id: r.entity_id,
            unit_id: r.unit_id.map(UnitId),
            before: r.before.map(|j| j.0),
            after: r.after.map(|j| j.0),
        })
    }
}

/// Which entries to read. Newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Only entries about units in this subtree (the root included).
    pub within: Option<UnitId>,
    /// Keyset pagination: entries strictly older than this timestamp (microseconds).
    pub before_micros: Option<i64>,
    pub limit: u32,
}

const SELECT_AUDIT: &str = "WITH RECURSIVE sub(id) AS ( \
        SELECT id FROM units WHERE id = $3 \
        UNION ALL SELECT u.id FROM units u JOIN sub ON u.parent_id = sub.id) \
    SELECT id, at, actor_id, actor_name, action, entity, entity_id, unit_id, before, after \
    FROM audit_log \
    WHERE ($1 IS NULL OR entity = $1) AND ($2 IS NULL OR entity_id = $2) \
      AND ($3 IS NULL OR unit_id IN (SELECT id FROM sub)) \
      AND ($4 IS NULL OR at < $4) \
    ORDER BY at DESC, id DESC LIMIT $5";

impl Store {
    /// Reads audit entries, newest first.
    pub async fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let limit = i64::from(f.limit.clamp(1, 500));
        let rows: Vec<AuditRow> = with_pool!(self, pool => sqlx::query_as(SELECT_AUDIT)
            .bind(f.entity.as_deref())
            .bind(f.entity_id.as_deref())
            .bind(f.within.map(|u| u.0))
            .bind(f.before_micros)
            .bind(limit)
            .fetch_all(pool)
            .await)?;
        rows.into_iter().map(AuditEntry::try_from).collect()
    }

    /// Records an event that changes no other row (sign-in, sign-out, failed sign-in).
    pub async fn record_event(&self, entry: &NewAudit<'_>) -> Result<()> {
        crate::write_tx!(self, tx => {
            record_audit(&mut *tx, entry).await?;
        });
        Ok(())
    }
}

/// Microseconds of a timestamp, for keyset pagination from the API.
pub fn cursor_of(at: jiff::Timestamp) -> i64 {
    ts_to_db(at)
}
