//! Units: the directory tree with its history, written forms and contact details.

use giaoban_domain::audit::{AuditAction, AuditActor};
use giaoban_domain::unit::{
    Contact, Invalid, Invalids, LevelCode, Unit, UnitDraft, UnitId, UnitKind,
};
use giaoban_vntext::normalize::{ascii_key, match_key};
use sqlx::types::Json;
use std::sync::Arc;

use uuid::Uuid;

use crate::audit::{NewAudit, record_audit};
use crate::convert::{now_micros, opt_date_from_db, opt_date_to_db};
use crate::{Binds, Conflict, Conn, Result, Store, StoreError, on_conn, with_pool, write_tx};

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: Uuid,
    key: Option<String>,
    kind: String,
    level_code: String,
    name: String,
    short_name: Option<String>,
    admin_code: Option<String>,
    parent_id: Option<Uuid>,
    active_from: Option<time::Date>,
    active_to: Option<time::Date>,
    merged_into: Option<Uuid>,
    note: Option<String>,
    contact: Json<Contact>,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct NameRow {
    unit_id: Uuid,
    form_kind: String,
    form: String,
}

const UNIT_COLUMNS: &str = "SELECT id, key, kind, level_code, name, short_name, admin_code, \
    parent_id, active_from, active_to, merged_into, note, contact, version FROM units";

fn unit_from_row(r: UnitRow, names: &[NameRow]) -> Result<Unit> {
    let corrupt =
        |what: &str, e: Invalid| StoreError::Corrupt(format!("unit {} {what}: {e}", r.id));
    let mut aliases = Vec::new();
    let mut abbreviations = Vec::new();
    for n in names.iter().filter(|n| n.unit_id == r.id) {
        match n.form_kind.as_str() {
            "abbreviation" => abbreviations.push(n.form.clone()),
            _ => aliases.push(n.form.clone()),
        }
    }
    Ok(Unit {
        id: UnitId(r.id),
        key: r.key,
        kind: UnitKind::parse(&r.kind).map_err(|e| corrupt("kind", e))?,
        level: LevelCode::parse(&r.level_code).map_err(|e| corrupt("level", e))?,
        name: r.name,
        short_name: r.short_name,
        aliases,
        abbreviations,
        admin_code: r.admin_code,
        parent_id: r.parent_id.map(UnitId),
        active_from: opt_date_from_db(r.active_from)?,
        active_to: opt_date_from_db(r.active_to)?,
        merged_into: r.merged_into.map(UnitId),
        divided_into: Vec::new(),
        note: r.note,
        contact: r.contact.0,
        version: r.version,
    })
}

/// Loads one unit (with its written forms and extra successors) through `conn`.
async fn load_unit<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Option<Unit>> {
    let found = on_conn!(conn.into(), ex => {
        let sql = sqlx::AssertSqlSafe(format!("{UNIT_COLUMNS} WHERE id = $1"));
        let row: Option<UnitRow> = sqlx::query_as(sql).bind(id).fetch_optional(&mut *ex).await?;
        match row {
            None => None,
            Some(row) => {
                let names: Vec<NameRow> = sqlx::query_as(
                    "SELECT unit_id, form_kind, form FROM unit_names WHERE unit_id = $1 ORDER BY form_kind, position",
                )
                .bind(id)
                .fetch_all(&mut *ex)
                .await?;
                let others: Vec<(Uuid,)> = sqlx::query_as(
                    "SELECT successor_id FROM unit_successors WHERE unit_id = $1 ORDER BY position",
                )
                .bind(id)
                .fetch_all(&mut *ex)
                .await?;
                Some((row, names, others))
            }
        }
    });
    let Some((row, names, others)) = found else {
        return Ok(None);
    };
    let mut unit = unit_from_row(row, &names)?;
    unit.divided_into = others.into_iter().map(|(s,)| UnitId(s)).collect();
    Ok(Some(unit))
}

/// The ancestry of a unit through `conn` (the unit first, then up to the root), as `(id, kind)`.
async fn load_ancestry<'c>(conn: impl Into<Conn<'c>>, id: Uuid) -> Result<Vec<(UnitId, UnitKind)>> {
    let rows: Vec<(Uuid, String)> = on_conn!(conn.into(), ex => {
        sqlx::query_as(ANCESTRY).bind(id).fetch_all(ex).await?
    });
    rows.into_iter()
        .map(|(id, kind)| {
            UnitKind::parse(&kind)
                .map(|k| (UnitId(id), k))
                .map_err(|e| StoreError::Corrupt(format!("unit {id} kind: {e}")))
        })
        .collect()
}

const ANCESTRY: &str = "WITH RECURSIVE anc(id, parent_id, kind, depth) AS ( \
        SELECT id, parent_id, kind, 0 FROM units WHERE id = $1 \
        UNION ALL SELECT u.id, u.parent_id, u.kind, anc.depth + 1 FROM units u JOIN anc ON u.id = anc.parent_id \
        WHERE anc.depth < 32) \
    SELECT id, kind FROM anc ORDER BY depth";

/// Checks a draft against stored data (level exists, parent and merge target exist, placement rules,
/// no cycle) through `conn`.
async fn check_draft<'c>(
    conn: impl Into<Conn<'c>>,
    draft: &UnitDraft,
    self_id: Option<UnitId>,
) -> Result<()> {
    let mut conn = conn.into();
    let rank: Option<(i64,)> = on_conn!(&mut conn, ex => {
        sqlx::query_as("SELECT rank FROM admin_levels WHERE code = $1")
            .bind(draft.level.as_str())
            .fetch_optional(&mut **ex)
            .await?
    });
    let Some((rank,)) = rank else {
        return Err(StoreError::Invalid(Invalids::from(Invalid::new(
            "level",
            "unit.level_unknown",
            format!(
                "Cấp hành chính «{}» chưa được khai báo.",
                draft.level.as_str()
            ),
            format!(
                "The administrative level «{}» is not configured.",
                draft.level.as_str()
            ),
        ))));
    };
    let rank = u8::try_from(rank).unwrap_or(u8::MAX);
    let parent = match draft.parent_id {
        None => None,
        Some(pid) => {
            let Some(parent) = load_unit(&mut conn, pid.0).await? else {
                return Err(StoreError::Invalid(Invalids::from(Invalid::new(
                    "parent_id",
                    "unit.parent_unknown",
                    "Đơn vị cha không tồn tại.",
                    "The parent unit does not exist.",
                ))));
            };
            let prank: (i64,) = on_conn!(&mut conn, ex => {
                sqlx::query_as("SELECT rank FROM admin_levels WHERE code = $1")
                    .bind(parent.level.as_str())
                    .fetch_one(&mut **ex)
                    .await?
            });
            if let Some(me) = self_id {
                let chain = load_ancestry(&mut conn, pid.0).await?;
                if chain.iter().any(|(id, _)| *id == me) {
                    return Err(StoreError::Invalid(Invalids::from(Invalid::new(
                        "parent_id",
                        "unit.parent_cycle",
                        "Không thể đặt đơn vị dưới một đơn vị cấp dưới của chính nó.",
                        "A unit cannot be placed under one of its own sub-units.",
                    ))));
                }
            }
            Some((parent, u8::try_from(prank.0).unwrap_or(0)))
        }
    };
    draft
        .check_placement(rank, parent.as_ref().map(|(p, r)| (p, *r)), self_id)
        .map_err(|e| StoreError::Invalid(e.into()))?;
    if let Some(target) = draft.merged_into
        && load_unit(&mut conn, target.0).await?.is_none()
    {
        return Err(StoreError::Invalid(Invalids::from(Invalid::new(
            "merged_into",
            "unit.merge_target_unknown",
            "Đơn vị được sáp nhập vào không tồn tại.",
            "The unit merged into does not exist.",
        ))));
    }
    Ok(())
}

/// Binds a draft's directory columns to `q`, in the order key, kind, level, name, short name,
/// match key, search key, administrative code, parent, active from/to, merged into, note (the
/// insert and the update list them alike).
fn bind_draft<'q, Q: Binds<'q>>(q: Q, d: &'q UnitDraft) -> Result<Q> {
    Ok(q.bind(d.key.as_deref())
        .bind(d.kind.code())
        .bind(d.level.as_str())
        .bind(d.name.as_str())
        .bind(d.short_name.as_deref())
        .bind(match_key(&d.name))
        .bind(ascii_key(&d.name))
        .bind(d.admin_code.as_deref())
        .bind(d.parent_id.map(|p| p.0))
        .bind(opt_date_to_db(d.active_from)?)
        .bind(opt_date_to_db(d.active_to)?)
        .bind(d.merged_into.map(|p| p.0))
        .bind(d.note.as_deref()))
}

/// Marks the directory changed, in the writing transaction `conn`.
async fn bump_units_revision<'c>(conn: impl Into<Conn<'c>>) -> Result<()> {
    on_conn!(conn.into(), ex => {
        sqlx::query("UPDATE revisions SET value = value + 1 WHERE name = 'units'")
            .execute(ex)
            .await?;
    });
    Ok(())
}

/// Inserts a new unit with its written forms through `conn` (no checks: the callers have made
/// them), at version 1 with empty contact details.
async fn insert_unit<'c>(
    conn: impl Into<Conn<'c>>,
    id: UnitId,
    draft: &UnitDraft,
    now: i64,
) -> Result<()> {
    let mut conn = conn.into();
    on_conn!(&mut conn, ex => {
        let insert = sqlx::query(
            "INSERT INTO units (id, key, kind, level_code, name, short_name, match_key, search_key, \
             admin_code, parent_id, active_from, active_to, merged_into, note, contact, version, \
             created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16)",
        )
        .bind(id.0);
        bind_draft(insert, draft)?
            .bind(Json(Contact::default()))
            .bind(now)
            .execute(&mut **ex)
            .await?;
    });
    write_names(&mut conn, id.0, draft).await
}

/// Replaces the written forms of a unit through `conn`.
async fn write_names<'c>(conn: impl Into<Conn<'c>>, id: Uuid, draft: &UnitDraft) -> Result<()> {
    on_conn!(conn.into(), ex => {
        sqlx::query("DELETE FROM unit_names WHERE unit_id = $1")
            .bind(id)
            .execute(&mut *ex)
            .await?;
        let forms = draft
            .aliases
            .iter()
            .map(|f| ("alias", f))
            .chain(draft.abbreviations.iter().map(|f| ("abbreviation", f)));
        for (position, (kind, form)) in forms.enumerate() {
            sqlx::query(
                "INSERT INTO unit_names (unit_id, form_kind, form, position, match_key, search_key) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(kind)
            .bind(form.as_str())
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .bind(match_key(form))
            .bind(ascii_key(form))
            .execute(&mut *ex)
            .await?;
        }
    });
    Ok(())
}

fn snapshot(u: &Unit) -> Option<serde_json::Value> {
    serde_json::to_value(u).ok()
}

impl Store {
    /// Every unit with its written forms, in no particular order. The directory is small (a province
    /// has a few hundred units, the country a few thousand), so callers filter and build trees in
    /// memory. The copy is cached and checked against the `units` revision on every call: one
    /// primary-key read, and never a stale directory after a write, on this server or another.
    pub async fn units(&self) -> Result<Arc<Vec<Unit>>> {
        let (revision,): (i64,) = with_pool!(self, pool =>
            sqlx::query_as("SELECT value FROM revisions WHERE name = 'units'").fetch_one(pool).await)?;
        self.units_at(revision).await
    }

    /// Like [`Store::units`], with the directory's revision already read (by
    /// [`Store::credentials_of`]): the cached directory when it is of that revision, otherwise
    /// the directory read again. A revision read earlier in the request serves what that moment
    /// saw, as a revision read here would.
    pub async fn units_at(&self, revision: i64) -> Result<Arc<Vec<Unit>>> {
        if let Ok(cache) = self.directory.read()
            && let Some((rev, units)) = cache.as_ref()
            && *rev == revision
        {
            return Ok(units.clone());
        }
        // Loaded after the revision was read: a write in between makes the next call reload.
        let units = Arc::new(self.load_units().await?);
        if let Ok(mut cache) = self.directory.write() {
            *cache = Some((revision, units.clone()));
        }
        Ok(units)
    }

    async fn load_units(&self) -> Result<Vec<Unit>> {
        let (rows, names, successors): (Vec<UnitRow>, Vec<NameRow>, Vec<(Uuid, Uuid)>) = with_pool!(self, pool => {
            let rows = sqlx::query_as(UNIT_COLUMNS).fetch_all(pool).await?;
            let names = sqlx::query_as(
                "SELECT unit_id, form_kind, form FROM unit_names ORDER BY unit_id, form_kind, position",
            )
            .fetch_all(pool)
            .await?;
            let successors = sqlx::query_as(
                "SELECT unit_id, successor_id FROM unit_successors ORDER BY unit_id, position",
            )
            .fetch_all(pool)
            .await?;
            (rows, names, successors)
        });
        let mut divided: std::collections::HashMap<Uuid, Vec<UnitId>> = Default::default();
        for (unit, s) in successors {
            divided.entry(unit).or_default().push(UnitId(s));
        }
        // Group the names once instead of scanning them per unit.
        let mut by_unit: std::collections::HashMap<Uuid, Vec<NameRow>> = Default::default();
        for n in names {
            by_unit.entry(n.unit_id).or_default().push(n);
        }
        rows.into_iter()
            .map(|r| {
                let names = by_unit.remove(&r.id).unwrap_or_default();
                let others = divided.remove(&r.id).unwrap_or_default();
                unit_from_row(r, &names).map(|mut u| {
                    u.divided_into = others;
                    u
                })
            })
            .collect()
    }

    pub async fn unit(&self, id: UnitId) -> Result<Unit> {
        let found = with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_unit(&mut *conn, id.0).await?
        });
        found.ok_or(StoreError::NotFound)
    }

    pub async fn unit_by_key(&self, key: &str) -> Result<Option<Unit>> {
        let id: Option<(Uuid,)> = with_pool!(self, pool =>
            sqlx::query_as("SELECT id FROM units WHERE key = $1").bind(key).fetch_optional(pool).await)?;
        match id {
            None => Ok(None),
            Some((id,)) => self.unit(UnitId(id)).await.map(Some),
        }
    }

    /// The unit and its ancestors up to the root, the unit first. Empty when the unit is unknown.
    pub async fn ancestry(&self, id: UnitId) -> Result<Vec<(UnitId, UnitKind)>> {
        with_pool!(self, pool => {
            let mut conn = pool.acquire().await?;
            load_ancestry(&mut *conn, id.0).await
        })
    }

    /// Creates a unit after checking it against the stored tree.
    pub async fn create_unit(&self, actor: &AuditActor, draft: &UnitDraft) -> Result<Unit> {
        let id = UnitId::new();
        write_tx!(self, tx => {
            check_draft(&mut *tx, draft, None).await?;
            insert_unit(&mut *tx, id, draft, now_micros()).await?;
            let unit = load_unit(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            bump_units_revision(&mut *tx).await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Create,
                entity: "unit",
                entity_id: id.to_string(),
                unit_id: Some(id),
                before: None,
                after: snapshot(&unit),
            }).await?;
            Ok(unit)
        })
    }

    /// Replaces a unit's directory data. With `expected_version`, refuses when the unit changed since
    /// it was read.
    pub async fn update_unit(
        &self,
        actor: &AuditActor,
        id: UnitId,
        draft: &UnitDraft,
        expected_version: Option<i64>,
    ) -> Result<Unit> {
        write_tx!(self, tx => {
            let before = load_unit(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            check_draft(&mut *tx, draft, Some(id)).await?;
            let update = sqlx::query(
                "UPDATE units SET key = $2, kind = $3, level_code = $4, name = $5, short_name = $6, \
                 match_key = $7, search_key = $8, admin_code = $9, parent_id = $10, active_from = $11, \
                 active_to = $12, merged_into = $13, note = $14, version = version + 1, updated_at = $15 \
                 WHERE id = $1",
            )
            .bind(id.0);
            bind_draft(update, draft)?
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            write_names(&mut *tx, id.0, draft).await?;
            let after = load_unit(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            bump_units_revision(&mut *tx).await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "unit",
                entity_id: id.to_string(),
                unit_id: Some(id),
                before: snapshot(&before),
                after: snapshot(&after),
            }).await?;
            Ok(after)
        })
    }

    /// Replaces a unit's contact details (kept by the unit itself).
    pub async fn set_unit_contact(
        &self,
        actor: &AuditActor,
        id: UnitId,
        contact: &Contact,
        expected_version: Option<i64>,
    ) -> Result<Unit> {
        write_tx!(self, tx => {
            let before = load_unit(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            if expected_version.is_some_and(|v| v != before.version) {
                return Err(StoreError::Conflict(Conflict::Version));
            }
            sqlx::query(
                "UPDATE units SET contact = $2, version = version + 1, updated_at = $3 WHERE id = $1",
            )
            .bind(id.0)
            .bind(Json(contact))
            .bind(now_micros())
            .execute(&mut *tx)
            .await?;
            let after = load_unit(&mut *tx, id.0).await?.ok_or(StoreError::NotFound)?;
            bump_units_revision(&mut *tx).await?;
            record_audit(&mut *tx, &NewAudit {
                actor,
                action: AuditAction::Update,
                entity: "unit_contact",
                entity_id: id.to_string(),
                unit_id: Some(id),
                before: serde_json::to_value(&before.contact).ok(),
                after: serde_json::to_value(&after.contact).ok(),
            }).await?;
            Ok(after)
        })
    }
}

/// Replaces the extra successors of a divided unit through `conn`.
async fn write_successors<'c>(
    conn: impl Into<Conn<'c>>,
    id: Uuid,
    others: &[UnitId],
) -> Result<()> {
    on_conn!(conn.into(), ex => {
        sqlx::query("DELETE FROM unit_successors WHERE unit_id = $1")
            .bind(id)
            .execute(&mut *ex)
            .await?;
        for (position, s) in others.iter().enumerate() {
            sqlx::query(
                "INSERT INTO unit_successors (unit_id, successor_id, position) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(s.0)
            .bind(i64::try_from(position).unwrap_or(i64::MAX))
            .execute(&mut *ex)
            .await?;
        }
    });
    Ok(())
}

/// What [`Store::apply_reorganisation`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReorganisationWritten {
    pub created: usize,
    pub ended: usize,
}

impl Store {
    /// Writes a reorganisation plan ([`giaoban_domain::reorganisation::plan`], already checked by
    /// the domain's rules against the directory it was made from) in one transaction: the units to
    /// create, parents and successors first, each audited; the extra successors of divided units;
    /// the units to end on 30/06/2025, each refused with a conflict when it changed since the plan
    /// was made. All or nothing.
    pub async fn apply_reorganisation(
        &self,
        actor: &AuditActor,
        plan: &giaoban_domain::reorganisation::Plan,
    ) -> Result<ReorganisationWritten> {
        use giaoban_domain::reorganisation::LAST_DAY_BEFORE;
        write_tx!(self, tx => {
            let now = now_micros();
            for (id, draft) in &plan.create {
                insert_unit(&mut *tx, *id, draft, now).await?;
                let divided = plan
                    .divided
                    .iter()
                    .find(|(u, _)| u == id)
                    .map(|(_, v)| v.as_slice())
                    .unwrap_or_default();
                let unit = Unit {
                    id: *id,
                    key: draft.key.clone(),
                    kind: draft.kind,
                    level: draft.level.clone(),
                    name: draft.name.clone(),
                    short_name: draft.short_name.clone(),
                    aliases: draft.aliases.clone(),
                    abbreviations: draft.abbreviations.clone(),
                    admin_code: draft.admin_code.clone(),
                    parent_id: draft.parent_id,
                    active_from: draft.active_from,
                    active_to: draft.active_to,
                    merged_into: draft.merged_into,
                    divided_into: divided.to_vec(),
                    note: draft.note.clone(),
                    contact: Contact::default(),
                    version: 1,
                };
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: AuditAction::Create,
                    entity: "unit",
                    entity_id: id.to_string(),
                    unit_id: Some(*id),
                    before: None,
                    after: snapshot(&unit),
                }).await?;
            }
            for (id, others) in &plan.divided {
                write_successors(&mut *tx, id.0, others).await?;
            }
            for e in &plan.end {
                let before = load_unit(&mut *tx, e.unit.0).await?.ok_or(StoreError::NotFound)?;
                if before.version != e.version {
                    return Err(StoreError::Conflict(Conflict::Version));
                }
                sqlx::query(
                    "UPDATE units SET active_to = $2, merged_into = $3, version = version + 1, \
                     updated_at = $4 WHERE id = $1",
                )
                .bind(e.unit.0)
                .bind(opt_date_to_db(Some(LAST_DAY_BEFORE))?)
                .bind(e.merged_into.map(|m| m.0))
                .bind(now)
                .execute(&mut *tx)
                .await?;
                write_successors(&mut *tx, e.unit.0, &e.divided_into).await?;
                let after = load_unit(&mut *tx, e.unit.0).await?.ok_or(StoreError::NotFound)?;
                record_audit(&mut *tx, &NewAudit {
                    actor,
                    action: AuditAction::Update,
                    entity: "unit",
                    entity_id: e.unit.to_string(),
                    unit_id: Some(e.unit),
                    before: snapshot(&before),
                    after: snapshot(&after),
                }).await?;
            }
            if !plan.create.is_empty() || !plan.end.is_empty() {
                bump_units_revision(&mut *tx).await?;
            }
            Ok(ReorganisationWritten { created: plan.create.len(), ended: plan.end.len() })
        })
    }
}
