//! Period reports: the drafted document of a unit for a period, edited by the office (every write
//! audited, edits guarded by the version the editor saw).

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::period::Period;
use giaoban_domain::period_report::{PeriodReport, ReportContent};
use giaoban_domain::unit::UnitId;
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{now_micros, period_from_db};
use crate::{Conflict, Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    unit_id: Uuid,
    period: String,
    as_of: String,
    content: Json<ReportContent>,
    version: i64,
}

const COLUMNS: &str = "SELECT id, unit_id, period, as_of, content, version FROM period_reports";

fn from_row(r: Row) -> Result<PeriodReport> {
    Ok(PeriodReport {
        id: r.id,
        unit_id: UnitId(r.unit_id),
        period: period_from_db(&r.period)?,
        as_of: r.as_of,
        content: r.content.0,
        version: r.version,
    })
}

/// Loads one period report through `conn`.
async fn load<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Option<PeriodReport>> {
    let row: Option<Row> = on_conn!(conn.into(), ex => {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_optional(ex)
            .await?
    });
    row.map(from_row).transpose()
}

impl Store {
    /// Stores a new draft.
    pub async fn create_period_report(
        &self,
        actor: &AuditActor,
        unit: UnitId,
        period: Period,
        as_of: &str,
        content: &ReportContent,
    ) -> Result<PeriodReport> {
        let id = Uuid::now_v7();
        write_tx!(self, tx => {
            let now = now_micros();
            sqlx::query(
                "INSERT INTO period_reports (id, unit_id, period, as_of, content, created_by, \
                 created_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)",
            )
            .bind(id)
            .bind(unit.0)
            .bind(period.code())
            .bind(as_of)
            .bind(Json(content))
            .bind(actor.user_id.map(|u| u.0))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let report = load(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "period_report",
                entity_id: id.to_string(),
                unit_id: Some(unit),
                before: None,
                after: serde_json::to_value(&report).ok(),
            }).await?;
            Ok(report)
        })
    }

    /// Replaces a draft's content (an edit, or a regeneration from fresh data with a new `as_of`).
    /// `expected_version` is the version the editor saw: a stale edit is refused, so one person's
    /// save never silently overwrites another's.
    pub async fn update_period_report(
        &self,
        actor: &AuditActor,
        id: Uuid,
        as_of: Option<&str>,
        content: &ReportContent,
        expected_version: i64,
    ) -> Result<PeriodReport> {
        write_tx!(self, tx => {
            let before = load(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            if before.version != expected_version {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            sqlx::query(
                "UPDATE period_reports SET content = $2, as_of = $3, updated_at = $4, \
                 version = version + 1 WHERE id = $1",
            )
            .bind(id)
            .bind(Json(content))
            .bind(as_of.unwrap_or(&before.as_of))
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let after = load(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "period_report",
                entity_id: id.to_string(),
                unit_id: Some(after.unit_id),
                before: serde_json::to_value(&before).ok(),
                after: serde_json::to_value(&after).ok(),
            }).await?;
            Ok(after)
        })
    }

    pub async fn period_report(&self, id: Uuid) -> Result<PeriodReport> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load(&mut *conn, id).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    /// Every stored report, newest first.
    pub async fn period_reports(&self) -> Result<Vec<PeriodReport>> {
        let rows: Vec<Row> = with_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{COLUMNS} ORDER BY period DESC, id DESC")))
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(from_row).collect()
    }
}
