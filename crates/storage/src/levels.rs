//! Administrative levels: the configured hierarchy (tỉnh → huyện → xã, or tỉnh → xã since 2025).

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::unit::{AdminLevel, LevelCode};

use crate::audit::{NewAudit, record_audit};
use crate::convert::{opt_date_from_db, opt_date_to_db};
use crate::{Result, Store, StoreError, with_pool, write_tx};

#[derive(sqlx::FromRow)]
struct LevelRow {
    code: String,
    rank: i64,
    name_vi: String,
    name_en: String,
    active_from: Option<time::Date>,
    active_to: Option<time::Date>,
}

impl TryFrom<LevelRow> for AdminLevel {
    type Error = StoreError;
    fn try_from(r: LevelRow) -> Result<Self> {
        AdminLevel::parse(
            &r.code,
            r.rank,
            &r.name_vi,
            &r.name_en,
            opt_date_from_db(r.active_from)?,
            opt_date_from_db(r.active_to)?,
        )
        .map_err(|e| StoreError::Corrupt(format!("level {}: {e:?}", r.code)))
    }
}

const LEVEL_COLUMNS: &str =
    "SELECT code, rank, name_vi, name_en, active_from, active_to FROM admin_levels";

impl Store {
    pub async fn levels(&self) -> Result<Vec<AdminLevel>> {
        let sql = sqlx::AssertSqlSafe(format!("{LEVEL_COLUMNS} ORDER BY rank, code"));
        let rows: Vec<LevelRow> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await)?;
        rows.into_iter().map(AdminLevel::try_from).collect()
    }

    pub async fn level(&self, code: &LevelCode) -> Result<AdminLevel> {
        let sql = sqlx::AssertSqlSafe(format!("{LEVEL_COLUMNS} WHERE code = $1"));
        let row: LevelRow = with_pool!(self, pool => sqlx::query_as(sql)
            .bind(code.as_str())
            .fetch_one(pool)
            .await)?;
        row.try_into()
    }

    /// Creates or replaces a level, recording the change.
    pub async fn put_level(&self, actor: &AuditActor, level: &AdminLevel) -> Result<AdminLevel> {
        let before = self.level(&level.code).await.ok();
        write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO admin_levels (code, rank, name_vi, name_en, active_from, active_to) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (code) DO UPDATE SET rank = excluded.rank, name_vi = excluded.name_vi, \
                 name_en = excluded.name_en, active_from = excluded.active_from, active_to = excluded.active_to")
                .bind(level.code.as_str())
                .bind(i64::from(level.rank))
                .bind(level.name_vi.as_str())
                .bind(level.name_en.as_str())
                .bind(opt_date_to_db(level.active_from)?)
                .bind(opt_date_to_db(level.active_to)?)
                .execute(&mut *tx)
                .await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: if before.is_some() { AuditAction::Update } else { AuditAction::Create },
                entity: "level",
                entity_id: level.code.as_str().to_owned(),
                unit_id: None,
                before: before.as_ref().and_then(|b| serde_json::to_value(b).ok()),
                after: serde_json::to_value(level).ok(),
            }).await?;
        });
        Ok(level.clone())
    }
}
