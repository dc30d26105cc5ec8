//! Programmes (Nông thôn mới) as the pages and the API share them: criteria sets, a commune's
//! status against a set, the district's picture, the heatmap as XLSX, and a lagging criterion
//! turned into a task.
//!
//! Access follows the records rule: a commune user reads and edits only its own commune; leaders
//! and office staff their territory; administrators everything. Loading a criteria set is for
//! administrators. Every function checks access itself, so a page and its API route agree.

use std::collections::{BTreeMap, HashMap};

use giaoban_domain::Lang;
use giaoban_domain::access::Permission;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::lineage;
use giaoban_domain::programme::{
    self, Assessment, CommuneEntry, CommuneProgramme, CommuneProgrammeInput, CriteriaSet,
    CriterionStatus, CriterionStatusInput, Level, Met, Picture, scaled_vi,
};
use giaoban_domain::task::TaskInput;
use giaoban_domain::tree::UnitTree;
use giaoban_domain::unit::{Invalid, Unit, UnitId, UnitKind};
use giaoban_storage::StoreError;
use giaoban_storage::programmes::StoredSet;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::App;
use crate::Caller;
use crate::Error;
use crate::work::UnitName;

// ----- criteria sets -----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SetSummary {
    pub id: Uuid,
    pub code: String,
    pub version: u32,
    pub name: String,
    pub decision: Option<String>,
    pub from_year: i16,
    pub to_year: i16,
    /// `ntm`, `nang_cao`, `kieu_mau`.
    pub levels: Vec<String>,
    pub criteria: usize,
    pub conditions: usize,
    /// Indicators whose threshold is marked unconfirmed in the file.
    pub unconfirmed_indicators: usize,
    pub loaded_at: String,
}

fn summary(s: &StoredSet, lang: Lang) -> SetSummary {
    SetSummary {
        id: s.id,
        code: s.set.code.clone(),
        version: s.set.version,
        name: s.set.name(lang).to_owned(),
        decision: s.set.decision.clone(),
        from_year: s.set.from_year,
        to_year: s.set.to_year,
        levels: s.set.levels.iter().map(|l| l.code().to_owned()).collect(),
        criteria: s.set.criteria.len(),
        conditions: s.set.conditions.len(),
        unconfirmed_indicators: s
            .set
            .criteria
            .iter()
            .flat_map(|c| &c.indicators)
            .filter(|i| !i.confirmed)
            .count(),
        loaded_at: s
            .loaded_at
            .to_zoned_datetime(crate::vn_time_zone())
            .strftime("%d/%m/%Y %H:%M")
            .to_string(),
    }
}

/// The stored sets; a new database gets the bundled ones on first use.
async fn sets(state: &App) -> Result<Vec<StoredSet>, Error> {
    let found = state.store.criteria_sets().await?;
    if !found.is_empty() {
        return Ok(found);
    }
    let system = AuditActor::system("giaoban");
    for (_, text) in programme::BUNDLED_SETS {
        let set = CriteriaSet::parse(text)
            .map_err(|e| Error::Internal(format!("bundled criteria set: {e:?}")))?;
        match state.store.load_criteria_set(&system, text, &set).await {
            // Another request loaded it meanwhile.
            Ok(_) | Err(StoreError::Conflict(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(state.store.criteria_sets().await?)
}

pub async fn list_sets(state: &App, lang: Lang) -> Result<Vec<SetSummary>, Error> {
    Ok(sets(state)
        .await?
        .iter()
        .map(|s| summary(s, lang))
        .collect())
}

/// Loads a new criteria set from a file's text (administrators only). A broken file is refused
/// with its problems located (line, criterion); nothing is stored.
pub async fn load_set(
    state: &App,
    me: &Caller,
    text: &str,
    lang: Lang,
) -> Result<SetSummary, Error> {
    if !me.actor.is_admin() {
        return Err(Error::Forbidden);
    }
    if text.trim().is_empty() {
        return Err(Invalid::new(
            "file",
            "criteria_set.empty_file",
            "Tệp bộ tiêu chí trống.",
            "The criteria-set file is empty.",
        )
        .into());
    }
    sets(state).await?;
    let set = CriteriaSet::parse(text).map_err(giaoban_domain::unit::Invalids::from)?;
    match state.store.load_criteria_set(&me.audit(), text, &set).await {
        Ok(s) => Ok(summary(&s, lang)),
        Err(StoreError::Conflict(_)) => Err(Invalid::new(
            "file",
            "criteria_set.version_taken",
            format!(
                "Bộ tiêu chí {} phiên bản {} đã được nạp; hãy tăng «version» trong tệp.",
                set.code, set.version
            ),
            format!(
                "Set {} version {} is already loaded; raise «version» in the file.",
                set.code, set.version
            ),
        )
        .into()),
        Err(e) => Err(e.into()),
    }
}

// ----- choosing the set and the year -----

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PictureQuery {
    /// The district (or province since 2025) whose communes to show, by id or key (`ky-anh`);
    /// default: the viewer's own.
    #[serde(default)]
    pub unit: Option<String>,
    /// Set id, or set code (its latest version); default: the set in use that year.
    #[serde(default)]
    pub set: Option<String>,
    /// Default: the latest year with assessments.
    #[serde(default)]
    pub year: Option<String>,
}

fn parse_year(raw: Option<&str>) -> Result<Option<i16>, Error> {
    let s = raw.unwrap_or("").trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i16>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .map(Some)
        .ok_or_else(|| {
            Invalid::new(
                "year",
                "ntm.year_invalid",
                format!("Năm «{s}» không hợp lệ."),
                format!("Invalid year «{s}»."),
            )
            .into()
        })
}

/// Picks the set and year to show for some communes.
async fn resolve(
    state: &App,
    communes: &[UnitId],
    set_param: Option<&str>,
    year_param: Option<&str>,
) -> Result<(StoredSet, i16, Vec<Assessment>), Error> {
    let all = sets(state).await?;
    let year = parse_year(year_param)?;
    let mut assessed: Vec<(usize, Assessment)> = Vec::new();
    for (i, s) in all.iter().enumerate() {
        for a in state.store.assessments(s.id, None).await? {
            if communes.contains(&a.commune_id) {
                assessed.push((i, a));
            }
        }
    }
    let set_param = set_param.map(str::trim).filter(|s| !s.is_empty());
    let chosen: Option<usize> = match set_param {
        Some(p) => {
            let by_id = Uuid::parse_str(p).ok();
            let found = all
                .iter()
                .enumerate()
                .filter(|(_, s)| Some(s.id) == by_id || s.set.code == p)
                .max_by_key(|(_, s)| s.set.version)
                .map(|(i, _)| i);
            Some(found.ok_or_else(|| {
                Error::from(Invalid::new(
                    "set",
                    "ntm.set_unknown",
                    format!("Không có bộ tiêu chí «{p}»."),
                    format!("No criteria set «{p}»."),
                ))
            })?)
        }
        None => None,
    };
    let year = match (year, chosen) {
        (Some(y), _) => y,
        (None, Some(i)) => assessed
            .iter()
            .filter(|(j, _)| *j == i)
            .map(|(_, a)| a.year)
            .max()
            .unwrap_or_else(|| all[i].set.to_year.min(state.today().year())),
        (None, None) => assessed
            .iter()
            .map(|(_, a)| a.year)
            .max()
            .unwrap_or_else(|| {
                // Nothing assessed yet: this year, or the last year of the newest set when no
                // set covers this year (the 2026–2030 set not loaded yet).
                let this = state.today().year();
                if all
                    .iter()
                    .any(|s| (s.set.from_year..=s.set.to_year).contains(&this))
                {
                    this
                } else {
                    all.iter()
                        .map(|s| s.set.to_year)
                        .filter(|y| *y <= this)
                        .max()
                        .unwrap_or(this)
                }
            }),
    };
    let index = match chosen {
        Some(i) => i,
        None => {
            // The set covering the year that holds assessments that year (newest version first),
            // else the newest set covering it.
            let mut covering: Vec<usize> = (0..all.len())
                .filter(|i| (all[*i].set.from_year..=all[*i].set.to_year).contains(&year))
                .collect();
            covering.sort_by_key(|i| std::cmp::Reverse(all[*i].set.version));
            covering
                .iter()
                .copied()
                .find(|i| assessed.iter().any(|(j, a)| j == i && a.year == year))
                .or_else(|| covering.first().copied())
                .ok_or_else(|| {
                    Error::from(Invalid::new(
                        "year",
                        "ntm.no_set_for_year",
                        format!("Chưa có bộ tiêu chí nào áp dụng cho năm {year}."),
                        format!("No criteria set applies to {year}."),
                    ))
                })?
        }
    };
    let assessments = assessed
        .into_iter()
        .filter(|(j, a)| *j == index && a.year == year)
        .map(|(_, a)| a)
        .collect();
    Ok((all[index].clone(), year, assessments))
}

// ----- views -----

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LevelView {
    pub level: String,
    pub label: String,
}

fn level_view(l: Level, lang: Lang) -> LevelView {
    LevelView {
        level: l.code().into(),
        label: l.label(lang).into(),
    }
}

/// The year a commune aims to reach a level in. (`LevelTargetView` in the OpenAPI document: the
/// catalog's `TargetView` is another type.)
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = LevelTargetView)]
pub struct TargetView {
    pub level: String,
    pub label: String,
    pub year: i16,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemRef {
    /// Criterion number or condition code.
    pub item: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CellView {
    pub item: String,
    /// `no`, `ntm`, `nang_cao`; absent when not assessed.
    pub met: Option<String>,
    pub label: String,
    /// The commune's page for this criterion.
    pub href: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RowView {
    pub commune: UnitName,
    pub criteria_met: usize,
    pub assessed: bool,
    /// The highest level recognised by the end of the year.
    pub level: Option<LevelView>,
    /// The next level aimed at, with its year.
    pub target: Option<TargetView>,
    /// What the commune still lacks for that target.
    pub lacking: Vec<ItemRef>,
    pub cells: Vec<CellView>,
    /// Set when the commune, formed by a merger, has no assessment of its own for the year and
    /// shows its best-placed predecessor's status instead (see [`InheritedView`]).
    pub inherited: Option<InheritedView>,
}

/// Where a row's status comes from when the commune shows a predecessor's (issue 24): the old
/// commune merged into it that is best placed — highest level recognised by the year, then most
/// criteria met in its latest assessment against the set up to the year, then the later
/// assessment — shown whole, never a mix of several.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InheritedView {
    /// The old commune.
    pub commune: UnitName,
    /// The year of its assessment shown (none: recognised, never assessed against the set).
    pub year: Option<i16>,
    /// "theo xã Cẩm Ngọc cũ, 2023".
    pub label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountView {
    /// A level code, or `none` for communes not yet recognised.
    pub key: String,
    pub label: String,
    pub communes: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LackView {
    pub number: u16,
    pub name: String,
    pub communes_lacking: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EasyView {
    pub commune: UnitName,
    pub number: u16,
    pub criterion: String,
    pub indicator: String,
    pub value: String,
    pub threshold: String,
    /// The gap as a share of the threshold: "4,7%".
    pub gap: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetProgress {
    pub level: String,
    pub label: String,
    pub year: i16,
    pub communes: Vec<String>,
    pub reached: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearView {
    pub year: i16,
    pub set: String,
    pub assessed: usize,
    pub average_tenths: i64,
    pub average_label: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ColumnView {
    pub item: String,
    pub name: String,
}

/// The district's picture: computed from the communes' statuses, never typed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PictureView {
    pub unit: UnitName,
    pub set: SetSummary,
    pub year: i16,
    pub communes: usize,
    pub assessed: usize,
    pub total_met: usize,
    /// The average in tenths (98 = 9,8).
    pub average_tenths: i64,
    /// "9,8 tiêu chí/xã".
    pub average_label: String,
    pub per_level: Vec<CountView>,
    pub per_count: Vec<CountView>,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<RowView>,
    pub lacking: Vec<LackView>,
    pub easy: Vec<EasyView>,
    pub targets: Vec<TargetProgress>,
    pub years: Vec<YearView>,
    pub model_areas: Vec<ModelAreaView>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelAreaView {
    /// `kdc_kieu_mau` or `vuon_mau`.
    pub kind: String,
    pub label: String,
    /// Sum of the communes' counts.
    pub achieved: i64,
    /// The unit's own target (or the sum of the communes' targets).
    pub target: Option<i64>,
    pub per_commune: Vec<ModelAreaCommune>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModelAreaCommune {
    pub commune: String,
    pub achieved: Option<i64>,
    pub target: Option<i64>,
}

fn item_name(set: &CriteriaSet, item: &str) -> String {
    item.parse::<u16>()
        .ok()
        .and_then(|n| set.criterion(n))
        .map(|c| c.name.clone())
        .or_else(|| {
            set.conditions
                .iter()
                .find(|c| c.code == item)
                .map(|c| c.name.clone())
        })
        .unwrap_or_else(|| item.to_owned())
}

fn criterion_href(commune: UnitId, item: &str, set: Uuid, year: i16) -> String {
    format!("/programmes/communes/{commune}/criteria/{item}?set={set}&year={year}")
}

fn percent_vi(permille: i64) -> String {
    format!("{},{}%", permille / 10, permille % 10)
}

/// The territory a viewer looks at by default: the district above their unit.
fn default_unit(me: &Caller, tree: &UnitTree<'_>) -> UnitId {
    tree.ancestry(me.actor.unit_id)
        .into_iter()
        .find(|id| {
            tree.get(*id).is_some_and(|u| {
                matches!(
                    u.kind,
                    UnitKind::District | UnitKind::Town | UnitKind::City | UnitKind::Province
                )
            })
        })
        .unwrap_or(me.actor.scope_root)
}

fn active_in(u: &Unit, year: i16) -> bool {
    let (Ok(first), Ok(last)) = (Date::new(year, 1, 1), Date::new(year, 12, 31)) else {
        return false;
    };
    u.active_from.is_none_or(|f| f <= last) && u.active_to.is_none_or(|t| t >= first)
}

/// The communes under `root` the viewer may read, as their own or as history (every commune ever
/// there; filtered by year later).
fn communes_under<'a>(me: &Caller, tree: &UnitTree<'a>, root: UnitId) -> Vec<&'a Unit> {
    tree.preorder(Some(root))
        .into_iter()
        .map(|(u, _)| u)
        .filter(|u| u.kind.is_commune_level())
        .filter(|u| me.may(tree, Permission::ReadRecords, u.id))
        .collect()
}

pub async fn picture(
    state: &App,
    me: &Caller,
    q: &PictureQuery,
    lang: Lang,
) -> Result<PictureView, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    // The territory: an id, or a unit key such as `ky-anh`.
    let root = match q.unit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => match Uuid::parse_str(s) {
            Ok(id) => tree.get(UnitId(id)).ok_or(Error::NotFound)?.id,
            Err(_) => {
                units
                    .iter()
                    .find(|u| u.key.as_deref() == Some(s))
                    .ok_or(Error::NotFound)?
                    .id
            }
        },
        None => default_unit(me, &tree),
    };
    let all_communes = communes_under(me, &tree, root);
    let ids: Vec<UnitId> = all_communes.iter().map(|u| u.id).collect();
    let (stored, year, assessments) =
        resolve(state, &ids, q.set.as_deref(), q.year.as_deref()).await?;
    let set = &stored.set;
    let programmes = state.store.commune_programmes().await?;
    let empty = CommuneProgramme::default();
    let by_commune: HashMap<UnitId, &Assessment> =
        assessments.iter().map(|a| (a.commune_id, a)).collect();
    // History through lineage (issue 24). The picture shows the communes standing at the end of
    // the year (today, for this year): a commune merged by then into one the picture shows is
    // shown through its successor, not as a row of its own.
    let today = state.today();
    let day = Date::new(year, 12, 31).map_or(today, |end| end.min(today));
    let shown: Vec<UnitId> = all_communes.iter().map(|u| u.id).collect();
    let through_successor = |u: &Unit| {
        !u.is_active_on(day)
            && tree
                .living_successor(u.id, day)
                .is_some_and(|s| shown.contains(&s.id))
    };
    // Communes of that year, and any other commune that was assessed that year.
    let communes: Vec<&Unit> = all_communes
        .iter()
        .copied()
        .filter(|u| active_in(u, year) || by_commune.contains_key(&u.id))
        .filter(|u| !through_successor(u))
        .collect();
    // A commune standing then with no assessment of its own for the year shows the status of its
    // best-placed predecessor ([`lineage::inherited_status`]: highest level recognised, then most
    // criteria met in its latest assessment against this set up to the year), with its source.
    let set_assessments = state.store.assessments(stored.id, None).await?;
    let mut latest: HashMap<UnitId, &Assessment> = HashMap::new();
    for a in set_assessments.iter().filter(|a| a.year <= year) {
        let e = latest.entry(a.commune_id).or_insert(a);
        if a.year > e.year {
            *e = a;
        }
    }
    let mut inherited: HashMap<UnitId, (&Unit, Option<&Assessment>)> = HashMap::new();
    for u in &communes {
        if by_commune.contains_key(&u.id) || !u.is_active_on(day) {
            continue;
        }
        let candidates: Vec<lineage::PredecessorStatus<'_>> = lineage::predecessors(&units, u.id)
            .into_iter()
            .filter_map(|p| tree.get(p))
            .filter(|p| p.kind.is_commune_level())
            .map(|p| lineage::PredecessorStatus {
                unit: p,
                level: programmes.get(&p.id).and_then(|x| x.0.level_in(year)),
                criteria_met: latest.get(&p.id).map_or(0, |a| a.criteria_met(set)),
                assessed_year: latest.get(&p.id).map(|a| a.year),
            })
            .collect();
        if let Some(best) = lineage::inherited_status(&candidates) {
            inherited.insert(u.id, (best.unit, latest.get(&best.unit.id).copied()));
        }
    }
    let entries: Vec<CommuneEntry<'_>> = communes
        .iter()
        .map(|u| {
            let from = inherited.get(&u.id);
            // The commune's own programme (its targets) when it has one, else its predecessor's.
            let programme = programmes
                .get(&u.id)
                .or_else(|| from.and_then(|(p, _)| programmes.get(&p.id)))
                .map_or(&empty, |p| &p.0);
            CommuneEntry {
                commune_id: u.id,
                name: u.short_name.clone().unwrap_or_else(|| u.name.clone()),
                programme,
                assessment: by_commune
                    .get(&u.id)
                    .copied()
                    .or_else(|| from.and_then(|(_, a)| *a)),
            }
        })
        .collect();
    let p: Picture = programme::picture(set, year, &entries);
    let mut columns: Vec<ColumnView> = set
        .criteria
        .iter()
        .map(|c| ColumnView {
            item: c.number.to_string(),
            name: c.name.clone(),
        })
        .collect();
    if set.levels.contains(&Level::KieuMau) {
        columns.extend(set.conditions.iter().map(|c| ColumnView {
            item: c.code.clone(),
            name: c.name.clone(),
        }));
    }
    let rows = p
        .rows
        .iter()
        .map(|r| {
            let from = inherited.get(&r.commune_id);
            // An inherited cell opens the predecessor's record, of the year it was assessed.
            let (cell_unit, cell_year) = match from {
                Some((p, a)) => (p.id, a.map_or(year, |a| a.year)),
                None => (r.commune_id, year),
            };
            RowView {
                commune: UnitName {
                    id: r.commune_id.0,
                    name: r.name.clone(),
                },
                criteria_met: r.met_count,
                assessed: by_commune.contains_key(&r.commune_id)
                    || from.is_some_and(|(_, a)| a.is_some()),
                inherited: from.map(|(p, a)| InheritedView {
                    commune: UnitName {
                        id: p.id.0,
                        name: p.name.clone(),
                    },
                    year: a.map(|a| a.year),
                    label: lineage::source_label(p, a.map(|a| a.year), lang),
                }),
                level: r.level.map(|l| level_view(l, lang)),
                target: r.next_target.map(|(l, y)| TargetView {
                    level: l.code().into(),
                    label: l.label(lang).into(),
                    year: y,
                }),
                lacking: r
                    .lacking_for_target
                    .iter()
                    .map(|i| ItemRef {
                        item: i.clone(),
                        name: item_name(set, i),
                    })
                    .collect(),
                cells: r
                    .cells
                    .iter()
                    .map(|c| CellView {
                        item: c.item.clone(),
                        met: c.met.map(|m| m.code().into()),
                        label: c
                            .met
                            .map_or(lang.pick("Chưa đánh giá", "Not assessed"), |m| {
                                m.label(lang)
                            })
                            .into(),
                        href: criterion_href(cell_unit, &c.item, stored.id, cell_year),
                    })
                    .collect(),
            }
        })
        .collect();
    let per_level = p
        .per_level
        .iter()
        .map(|(l, n)| CountView {
            key: l.map_or("none", |l| l.code()).into(),
            label: l
                .map_or(
                    lang.pick("Chưa đạt chuẩn", "Not yet recognised"),
                    |l| l.label(lang),
                )
                .into(),
            communes: *n,
        })
        .collect();
    let per_count = p
        .per_count
        .iter()
        .rev()
        .map(|(k, n)| CountView {
            key: k.to_string(),
            label: match lang {
                Lang::Vi => format!("{k} tiêu chí"),
                Lang::En => format!("{k} criteria"),
            },
            communes: *n,
        })
        .collect();
    let easy = p
        .easy
        .iter()
        .take(20)
        .map(|e| EasyView {
            commune: UnitName {
                id: e.commune_id.0,
                name: e.commune.clone(),
            },
            number: e.number,
            criterion: e.criterion.clone(),
            indicator: e.indicator.clone(),
            value: scaled_vi(e.value),
            threshold: scaled_vi(e.threshold),
            gap: percent_vi(e.gap_permille),
            href: criterion_href(e.commune_id, &e.number.to_string(), stored.id, year),
        })
        .collect();
    let targets = p
        .targets
        .iter()
        .map(|t| TargetProgress {
            level: t.level.code().into(),
            label: t.level.label(lang).into(),
            year: t.year,
            communes: t.communes.clone(),
            reached: t.reached,
        })
        .collect();
    // Year over year: every set and year with assessments of these communes.
    let mut years = Vec::new();
    for s in sets(state).await? {
        let mut by_year: BTreeMap<i16, (usize, usize)> = BTreeMap::new();
        for a in state.store.assessments(s.id, None).await? {
            if ids.contains(&a.commune_id) {
                let e = by_year.entry(a.year).or_default();
                e.0 += 1;
                e.1 += a.criteria_met(&s.set);
            }
        }
        for (y, (n, total)) in by_year {
            let tenths = programme::tenths_of(total as i64, n as i64);
            years.push(YearView {
                year: y,
                set: s.set.label(),
                assessed: n,
                average_tenths: tenths,
                average_label: picture_label(tenths, lang),
            });
        }
    }
    years.sort_by(|a, b| a.year.cmp(&b.year).then(a.set.cmp(&b.set)));
    // The territory's own target is its records: shown only to those who may read them (any unit
    // can be named in the query; the communes are already narrowed to the readable ones).
    let own = me
        .actor
        .may(Permission::ReadRecords, &tree.ancestry(root))
        .then_some(root);
    let model_areas = model_areas(state, own, &communes, year, lang).await?;
    Ok(PictureView {
        unit: UnitName {
            id: root.0,
            name: tree.get(root).map(|u| u.name.clone()).unwrap_or_default(),
        },
        set: summary(&stored, lang),
        year,
        communes: p.communes,
        assessed: p.assessed,
        total_met: p.total_met,
        average_tenths: p.average_tenths,
        average_label: p.average_label(lang),
        per_level,
        per_count,
        columns,
        rows,
        lacking: p
            .lacking
            .iter()
            .map(|l| LackView {
                number: l.number,
                name: l.name.clone(),
                communes_lacking: l.communes_lacking,
            })
            .collect(),
        easy,
        targets,
        years,
        model_areas,
    })
}

fn picture_label(tenths: i64, lang: Lang) -> String {
    match lang {
        Lang::Vi => format!("{} tiêu chí/xã", programme::tenths_vi(tenths)),
        Lang::En => format!("{}.{} criteria per commune", tenths / 10, tenths % 10),
    }
}

async fn model_areas(
    state: &App,
    root: Option<UnitId>,
    communes: &[&Unit],
    year: i16,
    lang: Lang,
) -> Result<Vec<ModelAreaView>, Error> {
    let figures = state.store.model_areas(year).await?;
    let mut out = Vec::new();
    for (kind, vi, en) in [
        (
            "kdc_kieu_mau",
            "Khu dân cư NTM kiểu mẫu",
            "Model residential areas",
        ),
        ("vuon_mau", "Vườn mẫu", "Model gardens"),
    ] {
        let of_kind: Vec<_> = figures.iter().filter(|f| f.kind == kind).collect();
        if of_kind.is_empty() {
            continue;
        }
        let per_commune: Vec<ModelAreaCommune> = communes
            .iter()
            .filter_map(|u| {
                let f = of_kind.iter().find(|f| f.unit_id == u.id)?;
                Some(ModelAreaCommune {
                    commune: u.short_name.clone().unwrap_or_else(|| u.name.clone()),
                    achieved: f.achieved,
                    target: f.target,
                })
            })
            .collect();
        let own_target = of_kind
            .iter()
            .find(|f| Some(f.unit_id) == root)
            .and_then(|f| f.target);
        let sum_targets: i64 = per_commune.iter().filter_map(|c| c.target).sum();
        out.push(ModelAreaView {
            kind: kind.into(),
            label: lang.pick(vi, en).into(),
            achieved: per_commune.iter().filter_map(|c| c.achieved).sum(),
            target: own_target.or((sum_targets > 0).then_some(sum_targets)),
            per_commune,
        });
    }
    Ok(out)
}

// ----- one commune -----

#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommuneQuery {
    /// Set id or code; default: the set in use that year.
    #[serde(default)]
    pub set: Option<String>,
    #[serde(default)]
    pub year: Option<String>,
}

/// An indicator of a criterion, with its thresholds and the commune's value.
/// (`CriterionIndicatorView` in the OpenAPI document: the catalog's `IndicatorView` is another
/// type.)
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = CriterionIndicatorView)]
pub struct IndicatorView {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    /// "≥ 43" for the NTM level (in the commune's region).
    pub ntm: Option<String>,
    pub nang_cao: Option<String>,
    pub confirmed: bool,
    /// The recorded value, Vietnamese style.
    pub value: Option<String>,
    /// The recorded value, for a form ("39.5").
    pub value_input: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemView {
    pub item: String,
    pub name: String,
    pub group: Option<String>,
    /// `criterion` or `condition` (kiểu mẫu).
    pub kind: String,
    pub confirmed: bool,
    pub met: Option<String>,
    pub met_label: String,
    pub evaluated_on: Option<String>,
    pub assessor: Option<String>,
    pub evidence: Option<String>,
    pub planned_year: Option<i16>,
    pub indicators: Vec<IndicatorView>,
    pub href: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecognitionView {
    pub level: String,
    pub label: String,
    pub decision: String,
    pub decided_on: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LackingView {
    pub level: String,
    pub label: String,
    pub items: Vec<ItemRef>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommuneView {
    pub commune: UnitName,
    pub district: Option<UnitName>,
    pub set: SetSummary,
    pub year: i16,
    pub region: Option<String>,
    pub recognitions: Vec<RecognitionView>,
    pub targets: Vec<TargetView>,
    pub level: Option<LevelView>,
    pub criteria_met: usize,
    pub criteria_total: usize,
    pub items: Vec<ItemView>,
    /// For each level the set defines: what is still lacking.
    pub lacking: Vec<LackingView>,
    pub may_edit: bool,
    pub programme_version: Option<i64>,
}

/// Checks that `id` is a commune the viewer may act on (`perm`): 404 unknown, 403 not theirs,
/// 422 not a commune.
fn commune_of<'a>(
    me: &Caller,
    tree: &UnitTree<'a>,
    id: UnitId,
    perm: Permission,
) -> Result<&'a Unit, Error> {
    let u = tree.get(id).ok_or(Error::NotFound)?;
    // Reading reaches an old commune merged into the caller's, as history (issue 24).
    if !me.may(tree, perm, id) {
        return Err(Error::Forbidden);
    }
    if !u.kind.is_commune_level() {
        return Err(Invalid::new(
            "id",
            "ntm.not_a_commune",
            format!("«{}» không phải là xã, phường, thị trấn.", u.name),
            format!("«{}» is not a commune.", u.name),
        )
        .into());
    }
    Ok(u)
}

fn threshold_label(i: &programme::Indicator, level: Level, region: Option<&str>) -> Option<String> {
    let t = i.thresholds.get(&level)?.for_region(region)?;
    Some(format!("{} {}", i.comparison.symbol(), scaled_vi(t)))
}

fn input_number(v: i64) -> String {
    let s = format!(
        "{}.{:03}",
        v / programme::SCALE,
        (v % programme::SCALE).abs()
    );
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

pub async fn commune(
    state: &App,
    me: &Caller,
    id: UnitId,
    q: &CommuneQuery,
    lang: Lang,
) -> Result<CommuneView, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let u = commune_of(me, &tree, id, Permission::ReadRecords)?;
    let (stored, year, assessments) =
        resolve(state, &[id], q.set.as_deref(), q.year.as_deref()).await?;
    let set = &stored.set;
    let a = assessments.into_iter().next();
    let (prog, pversion) = state
        .store
        .commune_programmes()
        .await?
        .remove(&id)
        .map_or((CommuneProgramme::default(), None), |(p, v)| (p, Some(v)));
    let region = prog.region.as_deref();
    let item_view = |item: String,
                     name: String,
                     group: Option<String>,
                     kind: &str,
                     confirmed: bool,
                     indicators: &[programme::Indicator]| {
        let st = a.as_ref().and_then(|a| a.status(&item));
        ItemView {
            href: criterion_href(id, &item, stored.id, year),
            met: st.map(|s| s.met.code().into()),
            met_label: st
                .map_or(lang.pick("Chưa đánh giá", "Not assessed"), |s| {
                    s.met.label(lang)
                })
                .into(),
            evaluated_on: st
                .and_then(|s| s.evaluated_on)
                .map(giaoban_domain::calendar::format_date_vi),
            assessor: st.and_then(|s| s.assessor.clone()),
            evidence: st.and_then(|s| s.evidence.clone()),
            planned_year: st.and_then(|s| s.planned_year),
            indicators: indicators
                .iter()
                .map(|i| {
                    let v = st.and_then(|s| s.values.get(&i.code)).copied();
                    IndicatorView {
                        code: i.code.clone(),
                        name: i.name.clone(),
                        unit: i.unit.clone(),
                        ntm: threshold_label(i, Level::Ntm, region),
                        nang_cao: threshold_label(i, Level::NangCao, region),
                        confirmed: i.confirmed,
                        value: v.map(scaled_vi),
                        value_input: v.map(input_number).unwrap_or_default(),
                    }
                })
                .collect(),
            item,
            name,
            group,
            kind: kind.into(),
            confirmed,
        }
    };
    let mut items: Vec<ItemView> = set
        .criteria
        .iter()
        .map(|c| {
            item_view(
                c.number.to_string(),
                c.name.clone(),
                c.group.clone(),
                "criterion",
                c.confirmed,
                &c.indicators,
            )
        })
        .collect();
    if set.levels.contains(&Level::KieuMau) {
        items.extend(set.conditions.iter().map(|c| {
            item_view(
                c.code.clone(),
                c.name.clone(),
                None,
                "condition",
                c.confirmed,
                &[],
            )
        }));
    }
    let empty = Assessment {
        id: Uuid::nil(),
        commune_id: id,
        set_id: stored.id,
        year,
        statuses: vec![],
        version: 0,
    };
    let a_ref = a.as_ref().unwrap_or(&empty);
    let lacking = set
        .levels
        .iter()
        .map(|l| LackingView {
            level: l.code().into(),
            label: l.label(lang).into(),
            items: a_ref
                .lacking(set, *l)
                .iter()
                .map(|i| ItemRef {
                    item: i.clone(),
                    name: item_name(set, i),
                })
                .collect(),
        })
        .collect();
    let district = u.parent_id.and_then(|p| tree.get(p)).map(|d| UnitName {
        id: d.id.0,
        name: d.name.clone(),
    });
    Ok(CommuneView {
        commune: UnitName {
            id: id.0,
            name: u.name.clone(),
        },
        district,
        set: summary(&stored, lang),
        year,
        region: prog.region.clone(),
        recognitions: prog
            .recognitions
            .iter()
            .map(|r| RecognitionView {
                level: r.level.code().into(),
                label: r.level.label(lang).into(),
                decision: r.decision.clone(),
                decided_on: giaoban_domain::calendar::format_date_vi(r.decided_on),
            })
            .collect(),
        targets: prog
            .targets
            .iter()
            .map(|(l, y)| TargetView {
                level: l.code().into(),
                label: l.label(lang).into(),
                year: *y,
            })
            .collect(),
        level: prog.level_in(year).map(|l| level_view(l, lang)),
        criteria_met: a_ref.criteria_met(set),
        criteria_total: set.criteria.len(),
        items,
        lacking,
        may_edit: me.actor.may(Permission::WriteRecords, &tree.ancestry(id)),
        programme_version: pversion,
    })
}

/// A criterion's status as sent: which set and year, and the status.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusWrite {
    /// Set id or code; default: the set in use that year.
    #[serde(default)]
    pub set: Option<String>,
    pub year: i64,
    /// Criterion number ("17") or kiểu mẫu condition code ("KM1").
    pub item: String,
    /// `no`, `ntm`, `nang_cao` (or true / false).
    #[schema(value_type = String)]
    pub met: serde_json::Value,
    /// 31/03/2021 or 2021-03-31.
    #[serde(default)]
    pub evaluated_on: Option<String>,
    #[serde(default)]
    pub assessor: Option<String>,
    #[serde(default)]
    pub evidence: Option<String>,
    /// Roadmap: the year it is planned to be met.
    #[serde(default)]
    #[schema(value_type = Option<i64>)]
    pub planned_year: Option<serde_json::Value>,
    /// Indicator values by indicator code ("10": 41.5).
    #[serde(default)]
    pub values: BTreeMap<String, f64>,
}

impl StatusWrite {
    fn input(&self) -> CriterionStatusInput {
        CriterionStatusInput {
            item: self.item.clone(),
            met: self.met.clone(),
            evaluated_on: self.evaluated_on.clone(),
            assessor: self.assessor.clone(),
            evidence: self.evidence.clone(),
            planned_year: self.planned_year.clone(),
            values: self.values.clone(),
        }
    }
}

/// Records one criterion's status for a commune (the commune itself, or its district's staff).
pub async fn put_status(
    state: &App,
    me: &Caller,
    id: UnitId,
    w: &StatusWrite,
) -> Result<CriterionStatus, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    commune_of(me, &tree, id, Permission::WriteRecords)?;
    let year = w.year.to_string();
    let (stored, year, _) = resolve(state, &[id], w.set.as_deref(), Some(&year)).await?;
    if !(stored.set.from_year..=stored.set.to_year).contains(&year) {
        return Err(Invalid::new(
            "year",
            "ntm.year_outside_set",
            format!(
                "Năm {year} nằm ngoài giai đoạn của bộ tiêu chí {} ({}–{}).",
                stored.set.label(),
                stored.set.from_year,
                stored.set.to_year
            ),
            format!(
                "{year} is outside the period of set {} ({}–{}).",
                stored.set.label(),
                stored.set.from_year,
                stored.set.to_year
            ),
        )
        .into());
    }
    let status = CriterionStatus::parse(&stored.set, &w.input())?;
    let a = state
        .store
        .put_criterion_status(&me.audit(), id, stored.id, year, &status)
        .await?;
    a.status(&status.item)
        .cloned()
        .ok_or_else(|| Error::Internal("status not read back".into()))
}

/// A commune's programme record as sent, with the version read.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeWrite {
    /// Region code for regional thresholds (e.g. `bac-trung-bo`).
    #[serde(default)]
    pub region: Option<String>,
    /// The decisions recognising the commune: [{"level": "ntm", "decision": "123/QĐ-UBND",
    /// "decided_on": "20/12/2019"}].
    #[serde(default)]
    pub recognitions: Vec<giaoban_domain::programme::RecognitionInput>,
    /// Target year per level: {"nang_cao": 2021}.
    #[serde(default)]
    pub targets: BTreeMap<String, i64>,
    #[serde(default)]
    pub version: Option<i64>,
}

pub async fn put_programme(
    state: &App,
    me: &Caller,
    id: UnitId,
    w: &ProgrammeWrite,
) -> Result<(), Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    commune_of(me, &tree, id, Permission::WriteRecords)?;
    let p = CommuneProgramme::parse(&CommuneProgrammeInput {
        region: w.region.clone(),
        recognitions: w.recognitions.clone(),
        targets: w.targets.clone(),
    })?;
    state
        .store
        .put_commune_programme(&me.audit(), id, &p, w.version)
        .await?;
    Ok(())
}

/// A lagging criterion to turn into a task.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionTaskWrite {
    #[serde(default)]
    pub set: Option<String>,
    pub year: i64,
    pub item: String,
    /// As written ("chậm nhất ngày 30/11/2021"); default: the end of the planned year, else of the
    /// assessment year.
    #[serde(default)]
    pub deadline: Option<String>,
}

/// Turns a criterion a commune still lacks into a task led by the commune, assigned by the
/// viewer's own unit (a district office assigns to the commune; a commune assigns to itself).
pub async fn criterion_task(
    state: &App,
    me: &Caller,
    id: UnitId,
    w: &CriterionTaskWrite,
) -> Result<giaoban_domain::task::Task, Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let u = commune_of(me, &tree, id, Permission::WriteRecords)?;
    let year = w.year.to_string();
    let (stored, year, assessments) = resolve(state, &[id], w.set.as_deref(), Some(&year)).await?;
    let item = w.item.trim();
    let name = item_name(&stored.set, item);
    let known = item
        .parse::<u16>()
        .ok()
        .and_then(|n| stored.set.criterion(n))
        .is_some()
        || stored.set.conditions.iter().any(|c| c.code == item);
    if !known {
        return Err(Invalid::new(
            "item",
            "ntm.item_unknown",
            format!(
                "Bộ tiêu chí {} không có tiêu chí «{item}».",
                stored.set.label()
            ),
            format!("The set {} has no criterion «{item}».", stored.set.label()),
        )
        .into());
    }
    let status = assessments.first().and_then(|a| a.status(item)).cloned();
    let deadline = match w
        .deadline
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(d) => d.to_owned(),
        None => {
            let y = status
                .as_ref()
                .and_then(|s| s.planned_year)
                .unwrap_or(year)
                .max(state.today().year());
            format!("chậm nhất ngày 31/12/{y}")
        }
    };
    let assigner = if me
        .actor
        .may(Permission::WriteRecords, &tree.ancestry(me.actor.unit_id))
    {
        me.actor.unit_id
    } else {
        id
    };
    let content = match item.parse::<u16>() {
        Ok(n) => format!(
            "Hoàn thành tiêu chí số {n} «{name}» (bộ tiêu chí {}) tại {}",
            stored.set.label(),
            u.name
        ),
        Err(_) => format!(
            "Hoàn thành điều kiện {item} «{name}» (NTM kiểu mẫu) tại {}",
            u.name
        ),
    };
    let input: TaskInput = serde_json::from_value(serde_json::json!({
        "content": content,
        "source_kind": "instruction",
        "source_ref": format!("NTM {} · {year} · {item}", stored.set.label()),
        "assigner_unit_id": assigner.0,
        "lead_unit_id": id.0,
        "deadline": deadline,
    }))
    .map_err(|e| Error::Internal(format!("task input: {e}")))?;
    crate::work::create_task(state, me, &input).await
}

/// Model areas (KDC NTM kiểu mẫu, vườn mẫu) of a commune (achieved) or a district (target) for a
/// year.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ModelAreasWrite {
    pub year: i64,
    /// `kdc_kieu_mau` or `vuon_mau`.
    pub kind: String,
    #[serde(default)]
    pub achieved: Option<i64>,
    #[serde(default)]
    pub target: Option<i64>,
}

pub async fn put_model_areas(
    state: &App,
    me: &Caller,
    id: UnitId,
    w: &ModelAreasWrite,
) -> Result<(), Error> {
    let units = state.store.units().await?;
    let tree = UnitTree::new(&units);
    let u = tree.get(id).ok_or(Error::NotFound)?;
    if !me.actor.may(Permission::WriteRecords, &tree.ancestry(id)) {
        return Err(Error::Forbidden);
    }
    let mut errs = giaoban_domain::unit::Invalids::default();
    if !(u.kind.is_commune_level()
        || matches!(
            u.kind,
            UnitKind::District | UnitKind::Town | UnitKind::City | UnitKind::Province
        ))
    {
        errs.push(Invalid::new(
            "id",
            "ntm.not_a_territory",
            format!("«{}» không phải là xã hay huyện.", u.name),
            format!("«{}» is neither a commune nor a district.", u.name),
        ));
    }
    if !["kdc_kieu_mau", "vuon_mau"].contains(&w.kind.trim()) {
        errs.push(Invalid::new(
            "kind",
            "ntm.model_area_kind",
            "Loại phải là kdc_kieu_mau (khu dân cư kiểu mẫu) hoặc vuon_mau (vườn mẫu).",
            "The kind is kdc_kieu_mau (model residential area) or vuon_mau (model garden).",
        ));
    }
    let year = i16::try_from(w.year)
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errs.push(Invalid::new(
            "year",
            "ntm.year_invalid",
            format!("Năm «{}» không hợp lệ.", w.year),
            format!("Invalid year «{}».", w.year),
        ));
    }
    for (field, v) in [("achieved", w.achieved), ("target", w.target)] {
        if v.is_some_and(|n| !(0..=100_000).contains(&n)) {
            errs.push(Invalid::new(
                field,
                "ntm.count_invalid",
                "Số lượng phải từ 0 đến 100.000.",
                "The count must be between 0 and 100,000.",
            ));
        }
    }
    errs.into_result()?;
    state
        .store
        .put_model_areas(
            &me.audit(),
            &giaoban_storage::programmes::ModelAreas {
                unit_id: id,
                year: year.unwrap_or_default(),
                kind: w.kind.trim().to_owned(),
                achieved: w.achieved,
                target: w.target,
            },
        )
        .await?;
    Ok(())
}

// ----- the heatmap as XLSX -----

pub async fn heatmap_xlsx(
    state: &App,
    me: &Caller,
    q: &PictureQuery,
    lang: Lang,
) -> Result<crate::work::FileOut, Error> {
    use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook};
    let p = picture(state, me, q, lang).await?;
    let x = |e: rust_xlsxwriter::XlsxError| Error::Internal(format!("xlsx: {e}"));
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("Bản đồ tiêu chí", "Criteria heatmap"))
        .map_err(x)?;
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let cell = |bg: u32| {
        Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Center)
            .set_background_color(Color::RGB(bg))
    };
    let (met_ntm, met_nc, not_met, none) = (
        cell(0xC6EFCE),
        cell(0x63BE7B),
        cell(0xFFC7CE),
        cell(0xFFFFFF),
    );
    let title = match lang {
        Lang::Vi => format!(
            "Kết quả thực hiện bộ tiêu chí {} — {} — năm {}",
            p.set.code, p.unit.name, p.year
        ),
        Lang::En => format!(
            "Criteria met, set {} — {} — {}",
            p.set.code, p.unit.name, p.year
        ),
    };
    ws.write_with_format(0, 0, title, &bold).map_err(x)?;
    ws.write(
        1,
        0,
        format!("{}: {}", lang.pick("Bình quân", "Average"), p.average_label),
    )
    .map_err(x)?;
    ws.write_with_format(3, 0, lang.pick("Xã", "Commune"), &head)
        .map_err(x)?;
    ws.set_column_width(0, 22).map_err(x)?;
    for (j, c) in p.columns.iter().enumerate() {
        let col = (j + 1) as u16;
        ws.write_with_format(3, col, c.item.as_str(), &head)
            .map_err(x)?;
        ws.set_column_width(col, 5).map_err(x)?;
    }
    let total_col = (p.columns.len() + 1) as u16;
    ws.write_with_format(
        3,
        total_col,
        lang.pick("Số tiêu chí đạt", "Criteria met"),
        &head,
    )
    .map_err(x)?;
    ws.set_column_width(total_col, 12).map_err(x)?;
    for (i, r) in p.rows.iter().enumerate() {
        let row = (i + 4) as u32;
        ws.write(row, 0, r.commune.name.as_str()).map_err(x)?;
        for (j, c) in r.cells.iter().enumerate() {
            let (mark, f) = match c.met.as_deref() {
                Some("nang_cao") => ("NC", &met_nc),
                Some("ntm") => ("x", &met_ntm),
                Some(_) => ("", &not_met),
                None => ("", &none),
            };
            ws.write_with_format(row, (j + 1) as u16, mark, f)
                .map_err(x)?;
        }
        if r.assessed {
            ws.write_number(row, total_col, r.criteria_met as f64)
                .map_err(x)?;
        }
    }
    let legend_row = (p.rows.len() + 5) as u32;
    ws.write(
        legend_row,
        0,
        lang.pick(
            "x = đạt; NC = đạt mức nâng cao; ô đỏ = chưa đạt; ô trắng = chưa đánh giá.",
            "x = met; NC = met at the advanced level; red = not met; white = not assessed.",
        ),
    )
    .map_err(x)?;
    for (j, c) in p.columns.iter().enumerate() {
        ws.write(
            legend_row + 1 + j as u32,
            0,
            format!("{}. {}", c.item, c.name),
        )
        .map_err(x)?;
    }
    let bytes = wb.save_to_buffer().map_err(x)?;
    let district = giaoban_vntext::normalize::ascii_key(&p.unit.name).replace(' ', "-");
    Ok(crate::work::FileOut {
        bytes,
        content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ascii_name: format!("ntm-{district}-{}.xlsx", p.year),
        name: format!("Tiêu chí NTM {} {}.xlsx", p.unit.name, p.year),
    })
}

/// Used by the page to offer the levels in a form.
pub fn met_choices(set: &CriteriaSet, lang: Lang) -> Vec<(String, String)> {
    let mut v = vec![
        (Met::No.code().to_owned(), Met::No.label(lang).to_owned()),
        (Met::Ntm.code().to_owned(), Met::Ntm.label(lang).to_owned()),
    ];
    if set.levels.contains(&Level::NangCao) {
        v.push((
            Met::NangCao.code().to_owned(),
            Met::NangCao.label(lang).to_owned(),
        ));
    }
    v
}

/// The set a commune view was made with (for forms).
pub async fn stored_set(state: &App, id: Uuid) -> Result<StoredSet, Error> {
    Ok(state.store.criteria_set(id).await?)
}
