//! The reorganisation of local government of 1 July 2025 as data: the 34 provinces and 3 321
//! communes, wards and special zones since that day, the 63 provinces and 10 040 communes before
//! it, and which new unit each old one became (a divided commune names all of them and a default).
//!
//! [`Dataset::parse`] reads the three tables derived from the PyPI package `vietnamadminunits`
//! (scripts/derive-dvhc2025); [`plan`] compares them with the units already stored and says what to
//! create and what to end, so that loading a province twice changes nothing the second time and
//! units already there (the demo's districts, a province's own directory) are found and given
//! their successors instead of being created again. Old units end on 30/06/2025; new ones begin on
//! 01/07/2025. The district level ends with them: two levels from that day, three before, on one
//! tree.

use std::collections::{HashMap, HashSet};

use giaoban_vntext::normalize::ascii_key;
use jiff::civil::{Date, date};

use crate::tree::UnitTree;
use crate::unit::{AdminLevel, Invalid, LevelCode, Unit, UnitDraft, UnitId, UnitKind};

/// The first day of two-level local government.
pub const REFORM_DAY: Date = date(2025, 7, 1);
/// The last day of the districts and of the communes merged away.
pub const LAST_DAY_BEFORE: Date = date(2025, 6, 30);

/// A province of the table: `era` new (from 01/07/2025) or old (until 30/06/2025, with the new
/// province it went into).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvinceRow {
    pub new: bool,
    pub code: String,
    pub name: String,
    pub successor: Option<String>,
}

/// A commune, ward or special zone since 01/07/2025.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneRow {
    pub province: String,
    pub code: String,
    pub kind: UnitKind,
    pub name: String,
}

/// A commune of before 01/07/2025 with its district and successors (default first). An island
/// district without communes has an empty `code`: the district itself is the unit that ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyRow {
    pub province: String,
    pub district: String,
    pub district_kind: UnitKind,
    pub district_name: String,
    pub code: String,
    pub kind: Option<UnitKind>,
    pub name: String,
    pub successors: Vec<String>,
}

/// The three tables.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub provinces: Vec<ProvinceRow>,
    pub communes: Vec<CommuneRow>,
    pub legacy: Vec<LegacyRow>,
}

fn data_error(table: &str, line: usize, what: &str) -> Invalid {
    Invalid::new(
        "data",
        "reorganisation.data_invalid",
        format!("Tệp dữ liệu sắp xếp đơn vị hành chính, bảng {table}, dòng {line}: {what}."),
        format!("Reorganisation data, table {table}, line {line}: {what}."),
    )
}

/// The rows of a tab-separated table after its header, which must be `header`.
fn rows<'a>(
    table: &'static str,
    text: &'a str,
    header: &[&str],
) -> Result<Vec<(usize, Vec<&'a str>)>, Invalid> {
    let mut lines = text.lines().enumerate();
    let head: Vec<&str> = lines
        .next()
        .map(|(_, l)| l.split('\t').collect())
        .unwrap_or_default();
    if head != header {
        return Err(data_error(
            table,
            1,
            "tiêu đề cột không đúng / wrong header",
        ));
    }
    let mut out = Vec::new();
    for (i, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != header.len() {
            return Err(data_error(
                table,
                i + 1,
                &format!(
                    "{} cột / columns, cần / expected {}",
                    cols.len(),
                    header.len()
                ),
            ));
        }
        out.push((i + 1, cols));
    }
    Ok(out)
}

fn district_kind(t: &str) -> Option<UnitKind> {
    match t {
        "Huyện" | "Quận" => Some(UnitKind::District),
        "Thị xã" => Some(UnitKind::Town),
        "Thành phố" => Some(UnitKind::City),
        _ => None,
    }
}

fn commune_kind(t: &str) -> Option<UnitKind> {
    match t {
        "Xã" => Some(UnitKind::Commune),
        "Phường" => Some(UnitKind::Ward),
        "Thị trấn" => Some(UnitKind::Township),
        "Đặc khu" => Some(UnitKind::SpecialZone),
        _ => None,
    }
}

impl Dataset {
    /// Reads the three tables; the first error names its table and line.
    pub fn parse(provinces: &str, communes: &str, legacy: &str) -> Result<Dataset, Invalid> {
        let mut data = Dataset::default();
        for (line, c) in rows(
            "provinces",
            provinces,
            &["era", "code", "name", "successor"],
        )? {
            let new = match c[0] {
                "new" => true,
                "old" => false,
                other => return Err(data_error("provinces", line, &format!("era «{other}»"))),
            };
            if new != c[3].is_empty() {
                return Err(data_error("provinces", line, "successor"));
            }
            data.provinces.push(ProvinceRow {
                new,
                code: c[1].to_owned(),
                name: c[2].to_owned(),
                successor: (!c[3].is_empty()).then(|| c[3].to_owned()),
            });
        }
        let header = ["province", "code", "type", "name", "lat", "lon"];
        for (line, c) in rows("communes", communes, &header)? {
            let kind = commune_kind(c[2])
                .ok_or_else(|| data_error("communes", line, &format!("type «{}»", c[2])))?;
            data.communes.push(CommuneRow {
                province: c[0].to_owned(),
                code: c[1].to_owned(),
                kind,
                name: c[3].to_owned(),
            });
        }
        let header = [
            "province",
            "district",
            "district_type",
            "district_name",
            "code",
            "type",
            "name",
            "successors",
        ];
        for (line, c) in rows("legacy", legacy, &header)? {
            let district_kind = district_kind(c[2])
                .ok_or_else(|| data_error("legacy", line, &format!("district_type «{}»", c[2])))?;
            let kind = match c[5] {
                "" => None,
                t => Some(
                    commune_kind(t)
                        .ok_or_else(|| data_error("legacy", line, &format!("type «{t}»")))?,
                ),
            };
            let successors: Vec<String> = c[7].split_whitespace().map(str::to_owned).collect();
            if successors.is_empty() {
                return Err(data_error("legacy", line, "successors"));
            }
            data.legacy.push(LegacyRow {
                province: c[0].to_owned(),
                district: c[1].to_owned(),
                district_kind,
                district_name: c[3].to_owned(),
                code: c[4].to_owned(),
                kind,
                name: c[6].to_owned(),
                successors,
            });
        }
        data.check()?;
        Ok(data)
    }

    /// Every code referred to exists: successors of provinces and communes, provinces of rows.
    fn check(&self) -> Result<(), Invalid> {
        let new_provinces: HashSet<&str> = self
            .provinces
            .iter()
            .filter(|p| p.new)
            .map(|p| p.code.as_str())
            .collect();
        let old_provinces: HashSet<&str> = self
            .provinces
            .iter()
            .filter(|p| !p.new)
            .map(|p| p.code.as_str())
            .collect();
        let communes: HashSet<&str> = self.communes.iter().map(|c| c.code.as_str()).collect();
        if communes.len() != self.communes.len() {
            return Err(data_error("communes", 0, "mã trùng / duplicate code"));
        }
        for p in self.provinces.iter().filter(|p| !p.new) {
            if !p
                .successor
                .as_deref()
                .is_some_and(|s| new_provinces.contains(s))
            {
                return Err(data_error(
                    "provinces",
                    0,
                    &format!("successor of {}", p.code),
                ));
            }
        }
        for c in &self.communes {
            if !new_provinces.contains(c.province.as_str()) {
                return Err(data_error(
                    "communes",
                    0,
                    &format!("province of {}", c.code),
                ));
            }
        }
        for l in &self.legacy {
            if !old_provinces.contains(l.province.as_str())
                || l.successors.iter().any(|s| !communes.contains(s.as_str()))
            {
                return Err(data_error(
                    "legacy",
                    0,
                    &format!("{} {}", l.district, l.code),
                ));
            }
        }
        Ok(())
    }

    /// The new provinces, by code.
    pub fn new_provinces(&self) -> impl Iterator<Item = &ProvinceRow> {
        self.provinces.iter().filter(|p| p.new)
    }
}

/// A unit to end on [`LAST_DAY_BEFORE`] with its successors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    pub unit: UnitId,
    /// The version read, for the optimistic check of the write.
    pub version: i64,
    pub merged_into: Option<UnitId>,
    pub divided_into: Vec<UnitId>,
}

/// What loading the reorganisation does to a store: levels to put, units to create (parents and
/// successors before the units that refer to them) with the extra successors of divided ones, and
/// existing units to end.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub levels: Vec<AdminLevel>,
    pub create: Vec<(UnitId, UnitDraft)>,
    pub divided: Vec<(UnitId, Vec<UnitId>)>,
    pub end: Vec<Ending>,
    pub summary: Summary,
}

/// Counts of a plan, for the command's output and the API.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// New provinces, and communes, wards and special zones (active from 01/07/2025), created.
    pub new_units_created: usize,
    /// Of them already stored (a second load).
    pub new_units_found: usize,
    /// Provinces, districts and communes of before, created already ended with their successors.
    pub old_units_created: usize,
    /// Units already stored (the demo's, a province's directory) found in the data and ended with
    /// their successors.
    pub old_units_ended: usize,
    /// Units already stored under an ended district or province that the data does not name (the
    /// district's committee and departments, communes renamed since): ended without a successor,
    /// for the handover.
    pub ended_without_successor: usize,
    /// Units of the data already ended as the data says.
    pub already_done: usize,
    /// Provinces and cities of the load active from 01/07/2025.
    pub active_provinces: usize,
    /// Their communes, wards and special zones.
    pub active_communes: usize,
}

/// The level codes the loader uses: `tinh` (rank 1), `huyen` (rank 2, until 30/06/2025), `xa`
/// (rank 3). Levels already configured under these codes are kept, the district's given its end.
fn plan_levels(levels: &[AdminLevel]) -> Result<Vec<AdminLevel>, Invalid> {
    let mut out = Vec::new();
    let wanted = [
        ("tinh", 1, "Tỉnh", "Province", None),
        ("huyen", 2, "Huyện", "District", Some(LAST_DAY_BEFORE)),
        ("xa", 3, "Xã", "Commune", None),
    ];
    for (code, rank, vi, en, to) in wanted {
        match levels.iter().find(|l| l.code.as_str() == code) {
            None => out.push(
                AdminLevel::parse(code, rank, vi, en, None, to).map_err(|mut e| e.0.remove(0))?,
            ),
            Some(l) if to.is_some() && l.active_to.is_none() => {
                let mut l = l.clone();
                l.active_to = to;
                out.push(l);
            }
            Some(_) => {}
        }
    }
    Ok(out)
}

/// The name without its type ("Xã Cẩm Thủy" → "Cẩm Thủy").
fn short_name(name: &str) -> Option<String> {
    [
        "Xã ",
        "Phường ",
        "Thị trấn ",
        "Đặc khu ",
        "Huyện ",
        "Quận ",
        "Thị xã ",
        "Thành phố ",
        "Tỉnh ",
    ]
    .iter()
    .find_map(|p| name.strip_prefix(p))
    .map(str::to_owned)
}

/// The tier of a territorial kind: province, district (huyện, quận, thị xã, thành phố thuộc
/// tỉnh), commune (xã, phường, thị trấn, đặc khu); bodies apart.
fn tier(kind: UnitKind) -> u8 {
    match kind {
        UnitKind::Province => 0,
        UnitKind::District | UnitKind::Town | UnitKind::City => 1,
        k if k.is_commune_level() => 2,
        _ => 3,
    }
}

/// A name folded for comparing spellings: no diacritics, no case, and "y" read as "i" (Sỹ Bình
/// and Sĩ Bình are one commune). Used only together with a code that agrees.
fn fold(name: &str) -> String {
    ascii_key(name).replace('y', "i")
}

fn level(code: &str) -> Result<LevelCode, Invalid> {
    LevelCode::parse(code)
}

struct Existing<'a> {
    by_key: HashMap<&'a str, &'a Unit>,
    by_code: HashMap<&'a str, Vec<&'a Unit>>,
}

impl<'a> Existing<'a> {
    fn new(units: &'a [Unit]) -> Self {
        let mut by_code: HashMap<&str, Vec<&Unit>> = HashMap::new();
        for u in units {
            if let Some(c) = u.admin_code.as_deref() {
                by_code.entry(c).or_default().push(u);
            }
        }
        Existing {
            by_key: units
                .iter()
                .filter_map(|u| u.key.as_deref().map(|k| (k, u)))
                .collect(),
            by_code,
        }
    }

    /// A unit of the new era: by key, else by code with the reform's start.
    fn new_unit(&self, key: &str, code: &str) -> Option<&'a Unit> {
        self.by_key.get(key).copied().or_else(|| {
            self.by_code
                .get(code)?
                .iter()
                .find(|u| u.active_from == Some(REFORM_DAY))
                .copied()
        })
    }

    /// A unit of before that still existed on 30/06/2025, of the same tier as `kind` (province,
    /// district, commune): by the loader's key; by code when a name agrees, the spelling i/y
    /// aside (Sĩ/Sỹ Bình); else among the territorial children of `parent` by its full name, or
    /// by its name without the type when the type is the same too (Thị xã Kỳ Anh is not Huyện Kỳ
    /// Anh).
    fn old_unit(
        &self,
        key: &str,
        code: &str,
        name: &str,
        kind: UnitKind,
        parent: Option<UnitId>,
        tree: &UnitTree<'a>,
    ) -> Option<&'a Unit> {
        let alive = |u: &&Unit| u.is_active_on(LAST_DAY_BEFORE) && tier(u.kind) == tier(kind);
        if let Some(u) = self.by_key.get(key).copied() {
            return Some(u);
        }
        let short = short_name(name);
        let (full_fold, short_fold) = (fold(name), short.as_deref().map(fold));
        let loosely_named = |u: &&Unit| {
            u.written_forms()
                .map(fold)
                .any(|f| f == full_fold || short_fold.as_deref() == Some(f.as_str()))
        };
        // A stored code is trusted only with a name that agrees: a directory typed by hand may
        // carry a wrong code, and a wrong match would end the wrong commune.
        if !code.is_empty()
            && let Some(u) = self
                .by_code
                .get(code)
                .and_then(|v| v.iter().copied().filter(alive).find(loosely_named))
        {
            return Some(u);
        }
        let (full, short) = (ascii_key(name), short.as_deref().map(ascii_key));
        let named = |u: &&Unit| {
            u.written_forms()
                .map(ascii_key)
                .any(|f| f == full || (u.kind == kind && short.as_deref() == Some(f.as_str())))
        };
        let parent = parent?;
        tree.children(Some(parent))
            .iter()
            .copied()
            .filter(alive)
            .find(|u| u.kind.is_territorial() && named(u))
    }

    /// Whether a stored unit with the start `from` already holds `code`: a unit created with it
    /// then goes without the code, which is unique per start date.
    fn code_taken(&self, code: &str, from: Option<Date>) -> bool {
        self.by_code
            .get(code)
            .is_some_and(|v| v.iter().any(|u| u.active_from == from))
    }
}

/// Compares the data with the stored units and levels and plans the load of the new provinces
/// `only` (all when empty).
pub fn plan(
    data: &Dataset,
    existing: &[Unit],
    levels: &[AdminLevel],
    only: &[String],
) -> Result<Plan, Invalid> {
    let wanted: Vec<&ProvinceRow> = data
        .new_provinces()
        .filter(|p| only.is_empty() || only.contains(&p.code))
        .collect();
    if let Some(code) = only
        .iter()
        .find(|c| !data.new_provinces().any(|p| &p.code == *c))
    {
        return Err(Invalid::new(
            "province",
            "reorganisation.province_unknown",
            format!("Không có tỉnh, thành phố mã «{code}» sau ngày 01/07/2025."),
            format!("No province or city has code «{code}» after 01/07/2025."),
        ));
    }
    let mut plan = Plan {
        levels: plan_levels(levels)?,
        ..Plan::default()
    };
    let ex = Existing::new(existing);
    let tree = UnitTree::new(existing);
    let (tinh, huyen, xa) = (level("tinh")?, level("huyen")?, level("xa")?);
    let mut created_codes: HashMap<String, UnitId> = HashMap::new(); // new-era code -> id
    let mut ended: HashSet<UnitId> = HashSet::new();

    let draft = |kind, lvl: &LevelCode, name: &str, code: &str, key: String| UnitDraft {
        key: Some(key),
        kind,
        level: lvl.clone(),
        name: name.to_owned(),
        short_name: short_name(name),
        aliases: Vec::new(),
        abbreviations: Vec::new(),
        admin_code: (!code.is_empty()).then(|| code.to_owned()),
        parent_id: None,
        active_from: None,
        active_to: None,
        merged_into: None,
        note: Some("Dữ liệu: vietnamadminunits 1.0.4 (MIT)".into()),
    };

    for p in &wanted {
        // The province: one that goes on (an old province of the same code and name), else new.
        let continuing_row = data
            .provinces
            .iter()
            .find(|o| !o.new && o.code == p.code && ascii_key(&o.name) == ascii_key(&p.name));
        let continuing = continuing_row
            .and_then(|o| {
                ex.old_unit(
                    &format!("dvhc-t{}", o.code),
                    &o.code,
                    &o.name,
                    UnitKind::Province,
                    None,
                    &tree,
                )
            })
            .filter(|u| u.kind == UnitKind::Province && u.active_to.is_none());
        let key = match continuing_row {
            Some(o) => format!("dvhc-t{}", o.code),
            None => format!("dvhc2025-t{}", p.code),
        };
        let province_id = if let Some(u) = continuing.or_else(|| ex.new_unit(&key, &p.code)) {
            plan.summary.new_units_found += 1;
            u.id
        } else {
            let id = UnitId::new();
            let mut d = draft(UnitKind::Province, &tinh, &p.name, &p.code, key);
            // A province that goes on has no start; a new one starts with the reform.
            if continuing_row.is_none() {
                d.active_from = Some(REFORM_DAY);
            }
            plan.create.push((id, d));
            plan.summary.new_units_created += 1;
            id
        };
        plan.summary.active_provinces += 1;
        for c in data.communes.iter().filter(|c| c.province == p.code) {
            let key = format!("dvhc2025-{}", c.code);
            let id = if let Some(u) = ex.new_unit(&key, &c.code) {
                plan.summary.new_units_found += 1;
                u.id
            } else {
                let id = UnitId::new();
                let mut d = draft(c.kind, &xa, &c.name, &c.code, key);
                d.parent_id = Some(province_id);
                d.active_from = Some(REFORM_DAY);
                plan.create.push((id, d));
                plan.summary.new_units_created += 1;
                id
            };
            plan.summary.active_communes += 1;
            created_codes.insert(c.code.clone(), id);
        }

        // The old provinces that went into it, their districts and communes.
        for o in data.provinces.iter().filter(|o| !o.new) {
            if o.successor.as_deref() != Some(p.code.as_str()) {
                continue;
            }
            let found = ex.old_unit(
                &format!("dvhc-t{}", o.code),
                &o.code,
                &o.name,
                UnitKind::Province,
                None,
                &tree,
            );
            let old_id = match found {
                _ if continuing_row == Some(o) => province_id,
                Some(u) => {
                    end_unit(&mut plan, &mut ended, u, Some(province_id), Vec::new());
                    u.id
                }
                None => {
                    let id = UnitId::new();
                    let mut d = draft(
                        UnitKind::Province,
                        &tinh,
                        &o.name,
                        &o.code,
                        format!("dvhc-t{}", o.code),
                    );
                    d.active_to = Some(LAST_DAY_BEFORE);
                    d.merged_into = Some(province_id);
                    if ex.code_taken(&o.code, None) {
                        d.admin_code = None;
                    }
                    plan.create.push((id, d));
                    plan.summary.old_units_created += 1;
                    id
                }
            };
            // Each district of the data: its unit, and whether the store already had it.
            let mut districts: HashMap<&str, (UnitId, bool)> = HashMap::new();
            for l in data.legacy.iter().filter(|l| l.province == o.code) {
                let successors: Vec<UnitId> = l
                    .successors
                    .iter()
                    .filter_map(|s| created_codes.get(s).copied())
                    .collect();
                let (district, district_known) = match districts.get(l.district.as_str()) {
                    Some(known) => *known,
                    None => {
                        let key = format!("dvhc-h{}", l.district);
                        let found = ex.old_unit(
                            &key,
                            &l.district,
                            &l.district_name,
                            l.district_kind,
                            Some(old_id),
                            &tree,
                        );
                        let id = match found {
                            Some(u) => {
                                // An island district without communes became a special zone.
                                let (m, rest) = if l.code.is_empty() {
                                    split(&successors)
                                } else {
                                    (None, Vec::new())
                                };
                                end_unit(&mut plan, &mut ended, u, m, rest);
                                u.id
                            }
                            None => {
                                let id = UnitId::new();
                                let mut d = draft(
                                    l.district_kind,
                                    &huyen,
                                    &l.district_name,
                                    &l.district,
                                    key,
                                );
                                d.parent_id = Some(old_id);
                                d.active_to = Some(LAST_DAY_BEFORE);
                                if ex.code_taken(&l.district, None) {
                                    d.admin_code = None;
                                }
                                if l.code.is_empty() {
                                    let (m, rest) = split(&successors);
                                    d.merged_into = m;
                                    if !rest.is_empty() {
                                        plan.divided.push((id, rest));
                                    }
                                }
                                plan.create.push((id, d));
                                plan.summary.old_units_created += 1;
                                id
                            }
                        };
                        let known = found.is_some();
                        districts.insert(l.district.as_str(), (id, known));
                        (id, known)
                    }
                };
                let (Some(kind), false) = (l.kind, l.code.is_empty()) else {
                    continue;
                };
                let key = format!("dvhc-{}", l.code);
                let (m, rest) = split(&successors);
                match ex.old_unit(&key, &l.code, &l.name, kind, Some(district), &tree) {
                    Some(u) => end_unit(&mut plan, &mut ended, u, m, rest),
                    None => {
                        let id = UnitId::new();
                        let mut d = draft(kind, &xa, &l.name, &l.code, key);
                        d.parent_id = Some(district);
                        d.active_to = Some(LAST_DAY_BEFORE);
                        // A commune the stored district did not list was not part of the history
                        // kept for it: the data knows it only on its last day, so it is not put
                        // into the district's earlier years (an unknown start under a district
                        // the store did not know stays open).
                        if district_known {
                            d.active_from = Some(LAST_DAY_BEFORE);
                        }
                        if ex.code_taken(&l.code, d.active_from) {
                            d.admin_code = None;
                        }
                        d.merged_into = m;
                        if !rest.is_empty() {
                            plan.divided.push((id, rest));
                        }
                        plan.create.push((id, d));
                        plan.summary.old_units_created += 1;
                    }
                }
            }
            // Units already stored under an ended district or province that the data does not
            // name end with it, without a successor: their work is handed over by the office.
            let mut roots: Vec<UnitId> = districts.values().map(|(id, _)| *id).collect();
            if old_id != province_id {
                roots.push(old_id);
            }
            for root in roots {
                for (u, _) in tree.preorder(Some(root)) {
                    if u.id != root
                        && !ended.contains(&u.id)
                        && u.active_to.is_none()
                        && u.is_active_on(LAST_DAY_BEFORE)
                    {
                        ended.insert(u.id);
                        plan.end.push(Ending {
                            unit: u.id,
                            version: u.version,
                            merged_into: None,
                            divided_into: Vec::new(),
                        });
                        plan.summary.ended_without_successor += 1;
                    }
                }
            }
        }
    }
    Ok(plan)
}

fn split(successors: &[UnitId]) -> (Option<UnitId>, Vec<UnitId>) {
    match successors.split_first() {
        Some((first, rest)) => (Some(*first), rest.to_vec()),
        None => (None, Vec::new()),
    }
}

/// Ends an existing unit with its successors unless it already ended so.
fn end_unit(
    plan: &mut Plan,
    ended: &mut HashSet<UnitId>,
    u: &Unit,
    merged_into: Option<UnitId>,
    divided_into: Vec<UnitId>,
) {
    if !ended.insert(u.id) {
        return;
    }
    if u.active_to == Some(LAST_DAY_BEFORE)
        && u.merged_into == merged_into
        && u.divided_into == divided_into
    {
        plan.summary.already_done += 1;
        return;
    }
    plan.end.push(Ending {
        unit: u.id,
        version: u.version,
        merged_into,
        divided_into,
    });
    plan.summary.old_units_ended += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROVINCES: &str = "era\tcode\tname\tsuccessor\n\
        new\t38\tTỉnh Thanh Hóa\t\n\
        old\t38\tTỉnh Thanh Hóa\t38\n";
    const COMMUNES: &str = "province\tcode\ttype\tname\tlat\tlon\n\
        38\t15127\tXã\tXã Cẩm Thủy\t20.2\t105.4\n\
        38\t15178\tXã\tXã Cẩm Tân\t20.2\t105.4\n";
    const LEGACY: &str = "province\tdistrict\tdistrict_type\tdistrict_name\tcode\ttype\tname\tsuccessors\n\
        38\t390\tHuyện\tHuyện Cẩm Thủy\t15127\tThị trấn\tThị trấn Phong Sơn\t15127\n\
        38\t390\tHuyện\tHuyện Cẩm Thủy\t15169\tXã\tXã Cẩm Ngọc\t15127\n\
        38\t390\tHuyện\tHuyện Cẩm Thủy\t15178\tXã\tXã Cẩm Tân\t15178 15127\n";

    fn data() -> Dataset {
        Dataset::parse(PROVINCES, COMMUNES, LEGACY).expect("test data parses")
    }

    /// Turns a plan's creations into stored units, as the store would.
    fn stored(plan: &Plan, mut units: Vec<Unit>) -> Vec<Unit> {
        for e in &plan.end {
            if let Some(u) = units.iter_mut().find(|u| u.id == e.unit) {
                u.active_to = Some(LAST_DAY_BEFORE);
                u.merged_into = e.merged_into;
                u.divided_into = e.divided_into.clone();
                u.version += 1;
            }
        }
        for (id, d) in &plan.create {
            let mut u = crate::unit::sample_unit(d.kind, &d.name, d.parent_id);
            u.id = *id;
            u.key = d.key.clone();
            u.admin_code = d.admin_code.clone();
            u.active_from = d.active_from;
            u.active_to = d.active_to;
            u.merged_into = d.merged_into;
            u.divided_into = plan
                .divided
                .iter()
                .find(|(x, _)| x == id)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            units.push(u);
        }
        units
    }

    #[test]
    fn an_empty_store_gets_the_new_units_and_the_old_ones_ended_with_successors() {
        let plan = plan(&data(), &[], &[], &[]).expect("plans");
        let s = &plan.summary;
        assert_eq!((s.new_units_created, s.old_units_created), (3, 4));
        assert_eq!((s.active_provinces, s.active_communes), (1, 2));
        assert_eq!(plan.levels.len(), 3);
        let units = stored(&plan, Vec::new());
        let by_name = |n: &str| units.iter().find(|u| u.name == n).expect(n);
        let new_ct = by_name("Xã Cẩm Thủy");
        assert_eq!(new_ct.active_from, Some(REFORM_DAY));
        assert_eq!(new_ct.admin_code.as_deref(), Some("15127"));
        // The old township with the same code ends and names the new commune.
        let phong_son = by_name("Thị trấn Phong Sơn");
        assert_eq!(phong_son.active_to, Some(LAST_DAY_BEFORE));
        assert_eq!(phong_son.merged_into, Some(new_ct.id));
        // A divided commune names its default first and the others after.
        let cam_tan_old = units
            .iter()
            .find(|u| u.name == "Xã Cẩm Tân" && u.active_to.is_some())
            .expect("old Cẩm Tân");
        let cam_tan_new = units
            .iter()
            .find(|u| u.name == "Xã Cẩm Tân" && u.active_from.is_some())
            .expect("new Cẩm Tân");
        assert_eq!(cam_tan_old.merged_into, Some(cam_tan_new.id));
        assert_eq!(cam_tan_old.divided_into, vec![new_ct.id]);
        // The district ends without a successor; the province of the same code and name goes on.
        assert_eq!(by_name("Huyện Cẩm Thủy").active_to, Some(LAST_DAY_BEFORE));
        assert_eq!(by_name("Huyện Cẩm Thủy").merged_into, None);
        let provinces: Vec<_> = units
            .iter()
            .filter(|u| u.kind == UnitKind::Province)
            .collect();
        assert_eq!(provinces.len(), 1);
        // Loading again changes nothing.
        let again = super::plan(&data(), &units, &[], &[]).expect("plans");
        assert!(
            again.create.is_empty() && again.end.is_empty(),
            "{:?}",
            again.summary
        );
        assert_eq!(
            again.summary.already_done, 4,
            "three communes and the district"
        );
    }

    #[test]
    fn units_already_stored_are_found_and_their_district_bodies_end_without_successor() {
        let p = crate::unit::sample_unit(UnitKind::Province, "Tỉnh Thanh Hóa", None);
        let mut p = p;
        p.admin_code = Some("38".into());
        let d = crate::unit::sample_unit(UnitKind::District, "Huyện Cẩm Thủy", Some(p.id));
        let ubnd =
            crate::unit::sample_unit(UnitKind::PeopleCommittee, "UBND huyện Cẩm Thủy", Some(d.id));
        let mut ps = crate::unit::sample_unit(UnitKind::Township, "Thị trấn Phong Sơn", Some(d.id));
        ps.admin_code = Some("15127".into());
        // Found by name under its district, no code stored.
        let cn = crate::unit::sample_unit(UnitKind::Commune, "Xã Cẩm Ngọc", Some(d.id));
        // Already ended in 2019: not the unit of the data.
        let mut old = crate::unit::sample_unit(UnitKind::Commune, "Xã Cẩm Tân", Some(d.id));
        old.active_to = Some(date(2019, 11, 30));
        let units = vec![
            p.clone(),
            d.clone(),
            ubnd.clone(),
            ps.clone(),
            cn.clone(),
            old.clone(),
        ];
        let plan = plan(&data(), &units, &[], &["38".into()]).expect("plans");
        let s = &plan.summary;
        assert_eq!(s.old_units_ended, 3, "district, Phong Sơn, Cẩm Ngọc: {s:?}");
        assert_eq!(s.ended_without_successor, 1, "the district's committee");
        // The province is the stored one; the old Cẩm Tân of 2025 is created, not the 2019 one.
        assert_eq!(s.new_units_found, 1);
        assert_eq!(s.old_units_created, 1);
        let new_ct = plan
            .create
            .iter()
            .find(|(_, d)| d.name == "Xã Cẩm Thủy")
            .map(|(id, _)| *id);
        for u in [&ps, &cn] {
            let e = plan.end.iter().find(|e| e.unit == u.id).expect("ended");
            assert_eq!(e.merged_into, new_ct);
        }
        assert!(plan.end.iter().all(|e| e.unit != old.id));
        let e = plan
            .end
            .iter()
            .find(|e| e.unit == ubnd.id)
            .expect("committee ends");
        assert_eq!(e.merged_into, None);
        assert!(
            plan.create
                .iter()
                .all(|(_, d)| d.kind != UnitKind::Province)
        );
    }

    #[test]
    fn a_stored_code_with_another_name_is_not_taken_for_that_commune() {
        let mut p = crate::unit::sample_unit(UnitKind::Province, "Tỉnh Thanh Hóa", None);
        p.admin_code = Some("38".into());
        let d = crate::unit::sample_unit(UnitKind::District, "Huyện Cẩm Thủy", Some(p.id));
        // Typed by hand with Cẩm Ngọc's code.
        let mut wrong = crate::unit::sample_unit(UnitKind::Commune, "Xã Cẩm Tân", Some(d.id));
        wrong.admin_code = Some("15169".into());
        let units = vec![p, d, wrong.clone()];
        let plan = plan(&data(), &units, &[], &[]).expect("plans");
        // Found by its name as Cẩm Tân; Cẩm Ngọc is created, known only on its last day in the
        // stored district (so the code, unique per start date, is free for it).
        let e = plan.end.iter().find(|e| e.unit == wrong.id).expect("ended");
        let new_cam_tan = plan
            .create
            .iter()
            .find(|(_, d)| d.name == "Xã Cẩm Tân" && d.active_from.is_some())
            .map(|(id, _)| *id);
        assert_eq!(e.merged_into, new_cam_tan);
        let cam_ngoc = plan
            .create
            .iter()
            .find(|(_, d)| d.name == "Xã Cẩm Ngọc")
            .map(|(_, d)| d)
            .expect("created");
        assert_eq!(cam_ngoc.admin_code.as_deref(), Some("15169"));
        assert_eq!(cam_ngoc.active_from, Some(LAST_DAY_BEFORE));
    }

    #[test]
    fn a_town_is_not_the_district_of_the_same_name_and_i_y_spellings_agree_by_code() {
        const P: &str =
            "era\tcode\tname\tsuccessor\nnew\t42\tTỉnh Hà Tĩnh\t\nold\t42\tTỉnh Hà Tĩnh\t42\n";
        const C: &str = "province\tcode\ttype\tname\tlat\tlon\n42\t18550\tPhường\tPhường Sông Trí\t0\t0\n42\t18400\tXã\tXã Kỳ Xuân\t0\t0\n";
        const L: &str = "province\tdistrict\tdistrict_type\tdistrict_name\tcode\ttype\tname\tsuccessors\n\
            42\t449\tThị xã\tThị xã Kỳ Anh\t18550\tPhường\tPhường Sông Trí\t18550\n\
            42\t447\tHuyện\tHuyện Kỳ Anh\t18401\tXã\tXã Kỳ Xuân\t18400\n\
            42\t447\tHuyện\tHuyện Kỳ Anh\t18402\tXã\tXã Sỹ Bình\t18400\n\
            42\t447\tHuyện\tHuyện Kỳ Anh\t18403\tXã\tXã Kỳ Lạc\t18400\n";
        let data = Dataset::parse(P, C, L).expect("parses");
        let mut p = crate::unit::sample_unit(UnitKind::Province, "Tỉnh Hà Tĩnh", None);
        p.admin_code = Some("42".into());
        let huyen = crate::unit::sample_unit(UnitKind::District, "Huyện Kỳ Anh", Some(p.id));
        let ky_xuan = crate::unit::sample_unit(UnitKind::Commune, "Xã Kỳ Xuân", Some(huyen.id));
        let mut si_binh = crate::unit::sample_unit(UnitKind::Commune, "Xã Sĩ Bình", Some(huyen.id));
        si_binh.admin_code = Some("18402".into());
        let units = vec![p, huyen.clone(), ky_xuan.clone(), si_binh.clone()];
        let plan = plan(&data, &units, &[], &[]).expect("plans");
        // The town is created, not taken for the district; its ward goes under the town.
        let town = plan
            .create
            .iter()
            .find(|(_, d)| d.name == "Thị xã Kỳ Anh")
            .map(|(id, _)| *id)
            .expect("the town is created");
        let ward = plan
            .create
            .iter()
            .find(|(_, d)| d.name == "Phường Sông Trí" && d.active_to.is_some())
            .map(|(_, d)| d)
            .expect("old ward");
        assert_eq!(ward.parent_id, Some(town));
        assert_eq!(
            ward.active_from, None,
            "under a district the store did not know"
        );
        // Sĩ Bình (stored with the code) is the data's Sỹ Bình; Kỳ Xuân found by name.
        for u in [&si_binh, &ky_xuan, &huyen] {
            assert!(plan.end.iter().any(|e| e.unit == u.id), "{} ends", u.name);
        }
        // Kỳ Lạc was not in the stored district: known only on its last day there.
        let ky_lac = plan
            .create
            .iter()
            .find(|(_, d)| d.name == "Xã Kỳ Lạc")
            .map(|(_, d)| d)
            .expect("created");
        assert_eq!(ky_lac.parent_id, Some(huyen.id));
        assert_eq!(
            (ky_lac.active_from, ky_lac.active_to),
            (Some(LAST_DAY_BEFORE), Some(LAST_DAY_BEFORE))
        );
    }

    #[test]
    fn bad_data_is_refused_with_its_line() {
        let e = Dataset::parse(
            PROVINCES,
            "province\tcode\ttype\tname\tlat\tlon\n38\t1\tThôn\tX\t0\t0\n",
            LEGACY,
        )
        .expect_err("unknown type");
        assert!(e.vi.contains("dòng 2"), "{}", e.vi);
        let e = Dataset::parse(PROVINCES, COMMUNES, "province\tdistrict\n").expect_err("header");
        assert!(e.en.contains("wrong header"), "{}", e.en);
        // A successor that is not a new unit.
        let legacy = LEGACY.replace("15178 15127", "15178 99999");
        assert!(Dataset::parse(PROVINCES, COMMUNES, &legacy).is_err());
        let e = plan(&data(), &[], &[], &["99".into()]).expect_err("unknown province");
        assert_eq!(e.code, "reorganisation.province_unknown");
    }
}
