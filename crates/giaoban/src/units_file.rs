//! Loading units (and administrative levels) from a TOML data file: the demo's `units.toml`, or a
//! province's own directory through `giaoban import units FILE`.
//!
//! Units refer to each other by `key`. They are created parents first (and merge targets before the
//! units merged into them), whatever their order in the file. Units whose key already exists are
//! left as they are, so loading the same file twice changes nothing.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, bail};
use giaoban_domain::Lang;
use giaoban_domain::Localized;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::unit::{AdminLevel, UnitDraft, UnitId, UnitInput, parse_date};
use giaoban_storage::Store;
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    #[serde(default)]
    level: Vec<LevelEntry>,
    #[serde(default)]
    unit: Vec<UnitEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LevelEntry {
    code: String,
    rank: i64,
    name_vi: String,
    name_en: String,
    active_from: Option<String>,
    active_to: Option<String>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct UnitEntry {
    key: String,
    kind: String,
    level: String,
    name: String,
    short_name: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    abbreviations: Vec<String>,
    code: Option<String>,
    parent: Option<String>,
    active_from: Option<String>,
    active_to: Option<String>,
    merged_into: Option<String>,
    note: Option<String>,
}

/// What a load did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LoadReport {
    pub levels: usize,
    pub created: usize,
    pub existing: usize,
}

/// Loads a units file. Errors name the entry and field, in the chosen language.
pub async fn load(
    store: &Store,
    actor: &AuditActor,
    text: &str,
    lang: Lang,
) -> anyhow::Result<LoadReport> {
    let file: UnitsFile = toml::from_str(text).context(lang.pick(
        "tệp đơn vị không đúng định dạng TOML",
        "the units file is not valid TOML",
    ))?;
    let mut report = LoadReport::default();
    for l in &file.level {
        let parse = |f: &'static str, v: &Option<String>| parse_date(f, v.as_deref().unwrap_or(""));
        let level = parse("active_from", &l.active_from)
            .and_then(|from| parse("active_to", &l.active_to).map(|to| (from, to)))
            .map_err(|e| e.into())
            .and_then(|(from, to)| {
                AdminLevel::parse(&l.code, l.rank, &l.name_vi, &l.name_en, from, to)
            });
        let level =
            level.map_err(|e| anyhow::anyhow!("level «{}»: {}", l.code, e.message(lang)))?;
        store.put_level(actor, &level).await?;
        report.levels += 1;
    }

    let mut seen = HashSet::new();
    for u in &file.unit {
        if !seen.insert(u.key.as_str()) {
            bail!(
                "{} «{}»",
                lang.pick("khóa đơn vị bị trùng", "duplicate unit key"),
                u.key
            );
        }
    }
    let in_file: HashMap<&str, &UnitEntry> =
        file.unit.iter().map(|u| (u.key.as_str(), u)).collect();
    let mut ids: HashMap<String, UnitId> = HashMap::new();
    for u in store.units().await?.iter() {
        if let Some(k) = &u.key {
            ids.insert(k.clone(), u.id);
        }
    }
    // Create in rounds: an entry is ready when what it refers to exists.
    let mut pending: Vec<&UnitEntry> = file.unit.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        let mut next = Vec::new();
        for u in pending {
            if ids.contains_key(&u.key) {
                report.existing += 1;
                continue;
            }
            let refs = [u.parent.as_deref(), u.merged_into.as_deref()];
            if let Some(missing) = refs
                .iter()
                .flatten()
                .find(|r| !ids.contains_key(**r) && !in_file.contains_key(**r))
            {
                bail!(
                    "{} «{}»: {} «{missing}»",
                    lang.pick("đơn vị", "unit"),
                    u.key,
                    lang.pick("tham chiếu tới khóa không có", "refers to an unknown key")
                );
            }
            if refs.iter().flatten().any(|r| !ids.contains_key(*r)) {
                next.push(u);
                continue;
            }
            let input = UnitInput {
                key: Some(u.key.clone()),
                kind: u.kind.clone(),
                level: u.level.clone(),
                name: u.name.clone(),
                short_name: u.short_name.clone(),
                aliases: u.aliases.clone(),
                abbreviations: u.abbreviations.clone(),
                admin_code: u.code.clone(),
                parent_id: u.parent.as_ref().and_then(|p| ids.get(p)).copied(),
                active_from: u.active_from.clone(),
                active_to: u.active_to.clone(),
                merged_into: u.merged_into.as_ref().and_then(|p| ids.get(p)).copied(),
                note: u.note.clone(),
            };
            let draft = UnitDraft::parse(&input).map_err(|e| {
                anyhow::anyhow!(
                    "{} «{}»: {}",
                    lang.pick("đơn vị", "unit"),
                    u.key,
                    e.message(lang)
                )
            })?;
            let unit = store.create_unit(actor, &draft).await.map_err(|e| {
                anyhow::anyhow!(
                    "{} «{}»: {}",
                    lang.pick("đơn vị", "unit"),
                    u.key,
                    e.message(lang)
                )
            })?;
            ids.insert(u.key.clone(), unit.id);
            report.created += 1;
        }
        if next.len() == before {
            bail!(
                "{}: {}",
                lang.pick(
                    "vòng tham chiếu giữa các đơn vị",
                    "circular references between units"
                ),
                next.iter()
                    .map(|u| u.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        pending = next;
    }
    Ok(report)
}
