//! Programmes: Nông thôn mới criteria sets as loaded, commune assessments and statuses, commune
//! programme records (region, recognitions, targets) and model-area counts.
//!
//! A set is stored as the file it came from and parsed by the domain on every read, so what is
//! shown is always what was loaded; an assessment points at the stored set (code + version) it was
//! made against.

use std::collections::{BTreeMap, HashMap};

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::programme::{
    Assessment, CommuneProgramme, CriteriaSet, CriterionStatus, Met, Recognition,
};
use giaoban_domain::unit::UnitId;
use jiff::Timestamp;
use serde::Serialize;
use sqlx::types::Json;
use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{now_micros, opt_date_from_db, opt_date_to_db, ts_from_db};
use crate::{Conflict, Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

/// A criteria set as stored.
#[derive(Debug, Clone, Serialize)]
pub struct StoredSet {
    pub id: Uuid,
    pub set: CriteriaSet,
    /// The file as loaded.
    pub source: String,
    pub loaded_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct SetRow {
    id: Uuid,
    source: String,
    loaded_at: i64,
}

fn set_from_row(r: SetRow) -> Result<StoredSet> {
    let set = CriteriaSet::parse(&r.source)
        .map_err(|e| StoreError::Corrupt(format!("criteria set {}: {e:?}", r.id)))?;
    Ok(StoredSet {
        id: r.id,
        set,
        source: r.source,
        loaded_at: ts_from_db(r.loaded_at)?,
    })
}

#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: Uuid,
    commune_id: Uuid,
    set_id: Uuid,
    year: i64,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    assessment_id: Uuid,
    item: String,
    met: String,
    evaluated_on: Option<time::Date>,
    assessor: Option<String>,
    evidence: Option<String>,
    planned_year: Option<i64>,
    vals: Json<BTreeMap<String, i64>>,
}

fn status_from_row(r: StatusRow) -> Result<CriterionStatus> {
    Ok(CriterionStatus {
        met: match r.met.as_str() {
            "no" => Met::No,
            "ntm" => Met::Ntm,
            "nang_cao" => Met::NangCao,
            other => return Err(StoreError::Corrupt(format!("status met {other}"))),
        },
        item: r.item,
        evaluated_on: opt_date_from_db(r.evaluated_on)?,
        assessor: r.assessor,
        evidence: r.evidence,
        planned_year: r.planned_year.and_then(|y| i16::try_from(y).ok()),
        values: r.vals.0,
    })
}

fn year_of(y: i64) -> Result<i16> {
    i16::try_from(y).map_err(|_| StoreError::Corrupt(format!("year {y}")))
}

fn assemble(rows: Vec<AssessmentRow>, statuses: Vec<StatusRow>) -> Result<Vec<Assessment>> {
    let mut by: HashMap<Uuid, Vec<CriterionStatus>> = HashMap::new();
    for s in statuses {
        let id = s.assessment_id;
        by.entry(id).or_default().push(status_from_row(s)?);
    }
    rows.into_iter()
        .map(|r| {
            let mut statuses = by.remove(&r.id).unwrap_or_default();
            statuses.sort_by_key(|s| item_order(&s.item));
            Ok(Assessment {
                id: r.id,
                commune_id: UnitId(r.commune_id),
                set_id: r.set_id,
                year: year_of(r.year)?,
                statuses,
                version: r.version,
            })
        })
        .collect()
}

/// Criteria by number first, then conditions by code.
fn item_order(item: &str) -> (u8, u16, String) {
    match item.parse::<u16>() {
        Ok(n) => (0, n, String::new()),
        Err(_) => (1, 0, item.to_owned()),
    }
}

const ASSESSMENT_COLUMNS: &str =
    "SELECT id, commune_id, set_id, year, version FROM ntm_assessments";
const STATUS_COLUMNS: &str = "SELECT s.assessment_id, s.item, s.met, s.evaluated_on, s.assessor, \
    s.evidence, s.planned_year, s.vals FROM ntm_statuses s";

/// Loads one assessment with its statuses through `conn`.
async fn load_assessment<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Option<Assessment>> {
    let (row, statuses) = on_conn!(conn.into(), ex => {
        let sql = sqlx::AssertSqlSafe(format!("{ASSESSMENT_COLUMNS} WHERE id = $1"));
        let row: Option<AssessmentRow> = sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(&mut *ex)
            .await?;
        let ssql = sqlx::AssertSqlSafe(format!("{STATUS_COLUMNS} WHERE s.assessment_id = $1"));
        let statuses: Vec<StatusRow> = sqlx::query_as(ssql).bind(id).fetch_all(&mut *ex).await?;
        (row, statuses)
    });
    Ok(match row {
        Some(r) => assemble(vec![r], statuses)?.pop(),
        None => None,
    })
}

/// Finds (or creates) the assessment of a commune for a set and year, inside the transaction.
async fn assessment_id<'c>(
    conn: impl Into<Conn<'c>>,
    commune: UnitId,
    set_id: Uuid,
    year: i16,
    now: i64,
) -> Result<Uuid> {
    Ok(on_conn!(conn.into(), ex => {
        let found: Option<(Uuid,)> = sqlx::query_as(
            "SELECT id FROM ntm_assessments WHERE commune_id = $1 AND set_id = $2 AND year = $3",
        )
        .bind(commune.0)
        .bind(set_id)
        .bind(i64::from(year))
        .fetch_optional(&mut *ex)
        .await?;
        match found {
            Some((id,)) => {
                sqlx::query(
                    "UPDATE ntm_assessments SET updated_at = $2, version = version + 1 WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *ex)
                .await?;
                id
            }
            None => {
                let id = Uuid::now_v7();
                sqlx::query(
                    "INSERT INTO ntm_assessments (id, commune_id, set_id, year, created_at, \
                     updated_at, version) VALUES ($1, $2, $3, $4, $5, $5, 1)",
                )
                .bind(id)
                .bind(commune.0)
                .bind(set_id)
                .bind(i64::from(year))
                .bind(now)
                .execute(&mut *ex)
                .await?;
                id
            }
        }
    }))
}

/// Writes one status of an assessment through `conn`, replacing the item's previous one.
async fn upsert_status<'c>(
    conn: impl Into<Conn<'c>>,
    aid: Uuid,
    s: &CriterionStatus,
    now: i64,
) -> Result<()> {
    let evaluated_on = opt_date_to_db(s.evaluated_on)?;
    on_conn!(conn.into(), ex => {
        sqlx::query(
            "INSERT INTO ntm_statuses (assessment_id, item, met, evaluated_on, assessor, evidence, \
             planned_year, vals, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             ON CONFLICT (assessment_id, item) DO UPDATE SET met = excluded.met, \
             evaluated_on = excluded.evaluated_on, assessor = excluded.assessor, \
             evidence = excluded.evidence, planned_year = excluded.planned_year, \
             vals = excluded.vals, updated_at = excluded.updated_at",
        )
        .bind(aid)
        .bind(s.item.as_str())
        .bind(s.met.code())
        .bind(evaluated_on)
        .bind(s.assessor.as_deref())
        .bind(s.evidence.as_deref())
        .bind(s.planned_year.map(i64::from))
        .bind(Json(&s.values))
        .bind(now)
        .execute(ex)
        .await?;
    });
    Ok(())
}

/// A commune's model-area figures for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelAreas {
    pub unit_id: UnitId,
    pub year: i16,
    /// `kdc_kieu_mau` or `vuon_mau`.
    pub kind: String,
    pub achieved: Option<i64>,
    pub target: Option<i64>,
}

impl Store {
    /// Loads a parsed criteria set; its (code, version) must be new.
    pub async fn load_criteria_set(
        &self,
        actor: &AuditActor,
        source: &str,
        set: &CriteriaSet,
    ) -> Result<StoredSet> {
        let id = Uuid::now_v7();
        write_tx!(self, tx => {
            let taken: Option<(Uuid,)> =
                sqlx::query_as("SELECT id FROM criteria_sets WHERE code = $1 AND version = $2")
                    .bind(set.code.as_str())
                    .bind(i64::from(set.version))
                    .fetch_optional(&mut *tx)
                    .await?;
            if taken.is_some() {
                return Err(StoreError::Conflict(Conflict::Duplicate { what: "criteria_set" }));
            }
            let now = now_micros();
            sqlx::query(
                "INSERT INTO criteria_sets (id, code, version, name, from_year, to_year, source, \
                 loaded_by, loaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(set.code.as_str())
            .bind(i64::from(set.version))
            .bind(set.name_vi.as_str())
            .bind(i64::from(set.from_year))
            .bind(i64::from(set.to_year))
            .bind(source)
            .bind(actor.user_id.map(|u| u.0))
            .bind(now)
            .execute(&mut *tx)
            .await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "criteria_set",
                entity_id: id.to_string(),
                unit_id: None,
                before: None,
                after: Some(serde_json::json!({
                    "code": set.code, "version": set.version, "name": set.name_vi,
                    "criteria": set.criteria.len(), "conditions": set.conditions.len(),
                })),
            }).await?;
            Ok(StoredSet { id, set: set.clone(), source: source.to_owned(), loaded_at: ts_from_db(now)? })
        })
    }

    /// Every loaded set, by code then version.
    pub async fn criteria_sets(&self) -> Result<Vec<StoredSet>> {
        let rows: Vec<SetRow> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, source, loaded_at FROM criteria_sets ORDER BY code, version",
        )
        .fetch_all(pool)
        .await)?;
        rows.into_iter().map(set_from_row).collect()
    }

    pub async fn criteria_set(&self, id: Uuid) -> Result<StoredSet> {
        let row: Option<SetRow> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id, source, loaded_at FROM criteria_sets WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        row.map(set_from_row)
            .transpose()?
            .ok_or(StoreError::NotFound)
    }

    /// Records one criterion's status in a commune's assessment (created when missing).
    pub async fn put_criterion_status(
        &self,
        actor: &AuditActor,
        commune: UnitId,
        set_id: Uuid,
        year: i16,
        status: &CriterionStatus,
    ) -> Result<Assessment> {
        self.put_statuses(actor, commune, set_id, year, std::slice::from_ref(status))
            .await
    }

    /// Records several statuses of a commune's assessment at once (the others are kept).
    pub async fn put_statuses(
        &self,
        actor: &AuditActor,
        commune: UnitId,
        set_id: Uuid,
        year: i16,
        statuses: &[CriterionStatus],
    ) -> Result<Assessment> {
        write_tx!(self, tx => {
            let now = now_micros();
            let aid = assessment_id(&mut *tx, commune, set_id, year, now).await?;
            let before = load_assessment(&mut *tx, aid).await?;
            for s in statuses {
                upsert_status(&mut *tx, aid, s, now).await?;
            }
            let after = load_assessment(&mut *tx, aid).await?.ok_or(StoreError::NotFound)?;
            let changed: Vec<&str> = statuses.iter().map(|s| s.item.as_str()).collect();
            let pick = |a: &Assessment| {
                serde_json::to_value(
                    a.statuses.iter().filter(|s| changed.contains(&s.item.as_str())).collect::<Vec<_>>(),
                )
                .ok()
            };
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: if before.as_ref().is_some_and(|b| !b.statuses.is_empty()) {
                    AuditAction::Update
                } else {
                    AuditAction::Create
                },
                entity: "ntm_assessment",
                entity_id: aid.to_string(),
                unit_id: Some(commune),
                before: before.as_ref().and_then(pick),
                after: pick(&after),
            }).await?;
            Ok(after)
        })
    }

    /// A commune's assessment for a set and year, if any.
    pub async fn assessment(
        &self,
        commune: UnitId,
        set_id: Uuid,
        year: i16,
    ) -> Result<Option<Assessment>> {
        let found: Option<(Uuid,)> = with_pool!(self, pool => sqlx::query_as(
            "SELECT id FROM ntm_assessments WHERE commune_id = $1 AND set_id = $2 AND year = $3",
        )
        .bind(commune.0)
        .bind(set_id)
        .bind(i64::from(year))
        .fetch_optional(pool)
        .await)?;
        let Some((id,)) = found else { return Ok(None) };
        with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_assessment(&mut *conn, id).await
        })
    }

    /// Every assessment against a set (all years when `year` is `None`).
    pub async fn assessments(&self, set_id: Uuid, year: Option<i16>) -> Result<Vec<Assessment>> {
        let y = year.map(i64::from);
        let sql = sqlx::AssertSqlSafe(format!(
            "{ASSESSMENT_COLUMNS} WHERE set_id = $1 AND ($2 IS NULL OR year = $2) ORDER BY year, commune_id"
        ));
        let ssql = sqlx::AssertSqlSafe(format!(
            "{STATUS_COLUMNS} JOIN ntm_assessments a ON a.id = s.assessment_id \
             WHERE a.set_id = $1 AND ($2 IS NULL OR a.year = $2)"
        ));
        let (rows, statuses): (Vec<AssessmentRow>, Vec<StatusRow>) = with_pool!(self, pool => {
            let rows = sqlx::query_as(sql).bind(set_id).bind(y).fetch_all(pool).await?;
            let statuses = sqlx::query_as(ssql).bind(set_id).bind(y).fetch_all(pool).await?;
            (rows, statuses)
        });
        assemble(rows, statuses)
    }

    /// Replaces a commune's programme record (region, recognitions, targets).
    pub async fn put_commune_programme(
        &self,
        actor: &AuditActor,
        commune: UnitId,
        programme: &CommuneProgramme,
        expected_version: Option<i64>,
    ) -> Result<(CommuneProgramme, i64)> {
        write_tx!(self, tx => {
            let before: Option<ProgrammeRow> = sqlx::query_as(PROGRAMME_SELECT_ONE)
                .bind(commune.0)
                .fetch_optional(&mut *tx)
                .await?;
            if let (Some(b), Some(v)) = (&before, expected_version)
                && b.version != v
            {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            let targets: BTreeMap<&str, i16> =
                programme.targets.iter().map(|(l, y)| (l.code(), *y)).collect();
            sqlx::query(
                "INSERT INTO ntm_communes (commune_id, region, recognitions, targets, updated_at, version) \
                 VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (commune_id) DO UPDATE SET \
                 region = excluded.region, recognitions = excluded.recognitions, \
                 targets = excluded.targets, updated_at = excluded.updated_at, \
                 version = ntm_communes.version + 1",
            )
            .bind(commune.0)
            .bind(programme.region.as_deref())
            .bind(Json(&programme.recognitions))
            .bind(Json(&targets))
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let after: ProgrammeRow = sqlx::query_as(PROGRAMME_SELECT_ONE)
                .bind(commune.0)
                .fetch_one(&mut *tx)
                .await?;
            let after = programme_from_row(after)?;
            let before = before.map(programme_from_row).transpose()?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: if before.is_some() { AuditAction::Update } else { AuditAction::Create },
                entity: "ntm_commune",
                entity_id: commune.to_string(),
                unit_id: Some(commune),
                before: before.as_ref().and_then(|b| serde_json::to_value(&b.1).ok()),
                after: serde_json::to_value(&after.1).ok(),
            }).await?;
            Ok((after.1, after.2))
        })
    }

    /// Every commune's programme record, with its version.
    pub async fn commune_programmes(&self) -> Result<HashMap<UnitId, (CommuneProgramme, i64)>> {
        let rows: Vec<ProgrammeRow> = with_pool!(self, pool => sqlx::query_as(
            "SELECT commune_id, region, recognitions, targets, version FROM ntm_communes",
        )
        .fetch_all(pool)
        .await)?;
        rows.into_iter()
            .map(|r| programme_from_row(r).map(|(id, p, v)| (id, (p, v))))
            .collect()
    }

    /// Sets a unit's model-area figures for a year (achieved count and/or target).
    pub async fn put_model_areas(&self, actor: &AuditActor, m: &ModelAreas) -> Result<()> {
        write_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO model_areas (unit_id, year, kind, achieved, target, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unit_id, year, kind) DO UPDATE SET \
                 achieved = excluded.achieved, target = excluded.target, updated_at = excluded.updated_at",
            )
            .bind(m.unit_id.0)
            .bind(i64::from(m.year))
            .bind(m.kind.as_str())
            .bind(m.achieved)
            .bind(m.target)
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "model_areas",
                entity_id: format!("{}/{}/{}", m.unit_id, m.year, m.kind),
                unit_id: Some(m.unit_id),
                before: None,
                after: serde_json::to_value(m).ok(),
            }).await?;
            Ok(())
        })
    }

    /// Model-area figures of a year, every unit.
    pub async fn model_areas(&self, year: i16) -> Result<Vec<ModelAreas>> {
        type Row = (Uuid, i64, String, Option<i64>, Option<i64>);
        let rows: Vec<Row> = with_pool!(self, pool => sqlx::query_as(
            "SELECT unit_id, year, kind, achieved, target FROM model_areas WHERE year = $1",
        )
        .bind(i64::from(year))
        .fetch_all(pool)
        .await)?;
        rows.into_iter()
            .map(|(u, y, kind, achieved, target)| {
                Ok(ModelAreas {
                    unit_id: UnitId(u),
                    year: year_of(y)?,
                    kind,
                    achieved,
                    target,
                })
            })
            .collect()
    }
}

#[derive(sqlx::FromRow)]
struct ProgrammeRow {
    commune_id: Uuid,
    region: Option<String>,
    recognitions: Json<Vec<Recognition>>,
    targets: Json<BTreeMap<String, i16>>,
    version: i64,
}

const PROGRAMME_SELECT_ONE: &str = "SELECT commune_id, region, recognitions, targets, version \
    FROM ntm_communes WHERE commune_id = $1";

fn programme_from_row(r: ProgrammeRow) -> Result<(UnitId, CommuneProgramme, i64)> {
    let mut targets = BTreeMap::new();
    for (l, y) in r.targets.0 {
        let level = giaoban_domain::programme::Level::from_code(&l)
            .ok_or_else(|| StoreError::Corrupt(format!("target level {l}")))?;
        targets.insert(level, y);
    }
    Ok((
        UnitId(r.commune_id),
        CommuneProgramme {
            region: r.region,
            recognitions: r.recognitions.0,
            targets,
        },
        r.version,
    ))
}
