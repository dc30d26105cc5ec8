//! Loading the reorganisation of 1 July 2025: the new provinces and communes of a province or of
//! the whole country, the old ones ended with their successors, from the data bundled with
//! giaoban (data/dvhc2025, derived from the PyPI package vietnamadminunits 1.0.4, MIT licence).

use giaoban_domain::audit::AuditActor;
use giaoban_domain::reorganisation::{Dataset, Summary, plan};

use crate::{App, Caller, Error, require_admin};

/// The bundled tables (see data/dvhc2025/README.md).
pub const PROVINCES_TSV: &str = include_str!("../data/dvhc2025/provinces.tsv");
pub const COMMUNES_TSV: &str = include_str!("../data/dvhc2025/communes.tsv");
pub const LEGACY_TSV: &str = include_str!("../data/dvhc2025/legacy.tsv");
/// The licence of the package the tables come from, shipped with them as it asks.
pub const LICENCE: &str = include_str!("../data/dvhc2025/LICENSE-vietnamadminunits");

/// The bundled data set.
pub fn bundled() -> Result<Dataset, Error> {
    Ok(Dataset::parse(PROVINCES_TSV, COMMUNES_TSV, LEGACY_TSV)?)
}

/// Provinces to load (`POST /api/v1/units/reorganisation`).
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadRequest {
    /// GSO codes of provinces after 01/07/2025 (38 Thanh Hóa, 42 Hà Tĩnh…); empty for all 34.
    pub provinces: Vec<String>,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Loaded {
    /// Provinces and cities of the load active from 01/07/2025.
    pub active_provinces: usize,
    /// Their communes, wards and special zones.
    pub active_communes: usize,
    /// New units created by this load (none on a second load).
    pub new_units_created: usize,
    /// Units of before created already ended, with their successors.
    pub old_units_created: usize,
    /// Units already stored found in the data and ended with their successors.
    pub old_units_ended: usize,
    /// Units already stored under an ended district that the data does not name (its committee
    /// and departments): ended without a successor, for the handover.
    pub ended_without_successor: usize,
    /// Units found as an earlier load left them.
    pub unchanged: usize,
    pub levels_written: usize,
    pub units_created: usize,
    pub units_ended: usize,
}

/// Loads the new provinces `only` (GSO codes after 01/07/2025; all 34 when empty) as the operator
/// of the installation (the command line). Running it again changes nothing.
pub async fn load(
    state: &App,
    actor: &AuditActor,
    data: &Dataset,
    only: &[String],
) -> Result<Loaded, Error> {
    let levels = state.store.levels().await?;
    let units = state.store.units().await?;
    let plan = plan(data, &units, &levels, only)?;
    for l in &plan.levels {
        state.store.put_level(actor, l).await?;
    }
    let written = state.store.apply_reorganisation(actor, &plan).await?;
    // The figures the ended units reported now also count for their successors: the periods in
    // which they reported are rebuilt (a failure here leaves the units saved; the administrators'
    // rebuild of every aggregate, POST /api/v1/aggregates/rebuild, puts it right).
    let ended: Vec<_> = plan.end.iter().map(|e| e.unit).collect();
    if !ended.is_empty() {
        state.store.rebuild_rollups_for_units(actor, &ended).await?;
    }
    let s: &Summary = &plan.summary;
    Ok(Loaded {
        active_provinces: s.active_provinces,
        active_communes: s.active_communes,
        new_units_created: s.new_units_created,
        old_units_created: s.old_units_created,
        old_units_ended: s.old_units_ended,
        ended_without_successor: s.ended_without_successor,
        unchanged: s.new_units_found + s.already_done,
        levels_written: plan.levels.len(),
        units_created: written.created,
        units_ended: written.ended,
    })
}

/// [`load`] for an administrator signed in (the API).
pub async fn load_for(
    state: &App,
    me: &Caller,
    data: &Dataset,
    only: &[String],
) -> Result<Loaded, Error> {
    require_admin(me.user.role)?;
    load(state, &me.audit(), data, only).await
}
