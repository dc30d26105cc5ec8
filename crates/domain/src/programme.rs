//! Nông thôn mới (new rural development): versioned criteria sets, a commune's status against a set,
//! and the district's picture computed from those statuses.
//!
//! A criteria set (bộ tiêu chí) is data, loaded from a TOML file (`data/criteria/*.toml`, or a file an
//! administrator uploads): 19 criteria with their indicators and thresholds per level (NTM, nâng cao)
//! and, where they differ, per region; the kiểu mẫu conditions. Every fact that could not be checked
//! against the decision carries `confirmed = false`. A set is identified by `code` + `version`;
//! an assessment keeps the version it was made against, so loading a corrected set never rewrites
//! old assessments.
//!
//! The picture (average criteria met per commune, communes per level, heatmap, the criteria most
//! communes lack, the "easy" ones) is computed here from statuses, never typed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::unit::{Invalid, UnitId, clean_text, parse_date};
use crate::{Lang, Localized};

/// Decimal values (thresholds, indicator values) are kept as integers scaled by 1000.
pub const SCALE: i64 = 1000;

/// The bundled sets, shipped with the program (loaded into a new database by the demo and `init`).
pub const BUNDLED_SETS: [(&str, &str); 2] = [
    (
        "xa-ntm-2016-2020.toml",
        include_str!("../data/criteria/xa-ntm-2016-2020.toml"),
    ),
    (
        "xa-ntm-2021-2025.toml",
        include_str!("../data/criteria/xa-ntm-2021-2025.toml"),
    ),
];

/// Mức đạt chuẩn: the levels a commune is recognised at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Xã đạt chuẩn nông thôn mới.
    Ntm,
    /// Xã nông thôn mới nâng cao.
    NangCao,
    /// Xã nông thôn mới kiểu mẫu.
    KieuMau,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Ntm, Level::NangCao, Level::KieuMau];

    pub fn code(self) -> &'static str {
        match self {
            Level::Ntm => "ntm",
            Level::NangCao => "nang_cao",
            Level::KieuMau => "kieu_mau",
        }
    }

    pub fn from_code(s: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code() == s.trim())
    }

    pub fn parse(field: &'static str, s: &str) -> Result<Level, Invalid> {
        Level::from_code(s).ok_or_else(|| {
            Invalid::new(
                field,
                "ntm.level_unknown",
                format!("Mức đạt chuẩn «{s}» không hợp lệ (ntm, nang_cao, kieu_mau)."),
                format!("Unknown level «{s}» (ntm, nang_cao, kieu_mau)."),
            )
        })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Level::Ntm => lang.pick("Nông thôn mới", "New rural"),
            Level::NangCao => lang.pick("NTM nâng cao", "Advanced new rural"),
            Level::KieuMau => lang.pick("NTM kiểu mẫu", "Model new rural"),
        }
    }
}

/// How an indicator's value is compared with its threshold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// `>=`: the value must reach the threshold (income, coverage rates).
    AtLeast,
    /// `<=`: the value must not exceed it (poverty rate).
    AtMost,
    /// `yes`: met or not, no number (a plan approved, a facility built).
    Yes,
}

impl Comparison {
    fn parse(s: &str) -> Option<Comparison> {
        match s.trim() {
            ">=" | "≥" => Some(Comparison::AtLeast),
            "<=" | "≤" => Some(Comparison::AtMost),
            "yes" | "đạt" => Some(Comparison::Yes),
            _ => None,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Comparison::AtLeast => "≥",
            Comparison::AtMost => "≤",
            Comparison::Yes => "đạt",
        }
    }
}

/// A threshold for one level: a default and, where the decision sets them, per-region values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Threshold {
    pub default: Option<i64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regions: BTreeMap<String, i64>,
}

impl Threshold {
    /// The value that applies in a region (its own, else the default).
    pub fn for_region(&self, region: Option<&str>) -> Option<i64> {
        region
            .and_then(|r| self.regions.get(r).copied())
            .or(self.default)
    }
}

/// Chỉ tiêu: a measurable part of a criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub code: String,
    pub name: String,
    pub unit: Option<String>,
    pub comparison: Comparison,
    /// Per level (scaled by [`SCALE`]).
    pub thresholds: BTreeMap<Level, Threshold>,
    pub confirmed: bool,
}

impl Indicator {
    /// Whether `value` (scaled) meets the threshold of `level` in `region`; `None` without a number.
    pub fn meets(&self, level: Level, region: Option<&str>, value: i64) -> Option<bool> {
        let t = self.thresholds.get(&level)?.for_region(region)?;
        match self.comparison {
            Comparison::AtLeast => Some(value >= t),
            Comparison::AtMost => Some(value <= t),
            Comparison::Yes => None,
        }
    }

    /// How far `value` is from the threshold, as a share of the threshold in per mille (0 = met).
    pub fn gap_permille(&self, level: Level, region: Option<&str>, value: i64) -> Option<i64> {
        let t = self.thresholds.get(&level)?.for_region(region)?;
        let missing = match self.comparison {
            Comparison::AtLeast => t - value,
            Comparison::AtMost => value - t,
            Comparison::Yes => return None,
        };
        Some(if missing <= 0 {
            0
        } else {
            missing * 1000 / t.abs().max(1)
        })
    }
}

/// Tiêu chí.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub number: u16,
    pub name: String,
    pub group: Option<String>,
    pub confirmed: bool,
    pub indicators: Vec<Indicator>,
}

/// A condition of the kiểu mẫu level beyond the criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub code: String,
    pub name: String,
    pub confirmed: bool,
}

/// Bộ tiêu chí: one version of a national (or provincial) set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaSet {
    pub code: String,
    pub version: u32,
    pub name_vi: String,
    pub name_en: String,
    pub decision: Option<String>,
    pub decision_date: Option<Date>,
    pub conditions_decision: Option<String>,
    pub from_year: i16,
    pub to_year: i16,
    pub levels: Vec<Level>,
    pub confirmed: bool,
    pub groups_confirmed: bool,
    pub criteria: Vec<Criterion>,
    pub conditions: Vec<Condition>,
}

impl CriteriaSet {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_vi, &self.name_en)
    }

    pub fn criterion(&self, number: u16) -> Option<&Criterion> {
        self.criteria.iter().find(|c| c.number == number)
    }

    /// "xa-ntm-2021-2025 v1".
    pub fn label(&self) -> String {
        format!("{} v{}", self.code, self.version)
    }
}

// ----- loading a set, with located errors -----

/// What is wrong in a criteria-set file, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetError {
    /// 1-based line in the file.
    pub line: Option<usize>,
    /// The criterion it concerns.
    pub criterion: Option<u16>,
    pub code: &'static str,
    pub vi: String,
    pub en: String,
}

impl Localized for SetError {
    fn code(&self) -> &'static str {
        self.code
    }
    fn message(&self, lang: Lang) -> String {
        let place = match (self.line, self.criterion, lang) {
            (Some(l), Some(c), Lang::Vi) => format!("Dòng {l}, tiêu chí {c}: "),
            (Some(l), Some(c), Lang::En) => format!("Line {l}, criterion {c}: "),
            (Some(l), None, Lang::Vi) => format!("Dòng {l}: "),
            (Some(l), None, Lang::En) => format!("Line {l}: "),
            (None, Some(c), Lang::Vi) => format!("Tiêu chí {c}: "),
            (None, Some(c), Lang::En) => format!("Criterion {c}: "),
            (None, None, _) => String::new(),
        };
        format!("{place}{}", lang.pick(&self.vi, &self.en))
    }
}

/// Every problem of one file, so the administrator mends them all at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SetErrors(pub Vec<SetError>);

impl Localized for SetErrors {
    fn code(&self) -> &'static str {
        match self.0.as_slice() {
            [one] => one.code,
            _ => "criteria_set.invalid",
        }
    }
    fn message(&self, lang: Lang) -> String {
        self.0
            .iter()
            .map(|e| e.message(lang))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl From<SetErrors> for crate::unit::Invalids {
    fn from(e: SetErrors) -> Self {
        crate::unit::Invalids(
            e.0.iter()
                .map(|x| Invalid::new("file", x.code, x.message(Lang::Vi), x.message(Lang::En)))
                .collect(),
        )
    }
}

use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    set: RawSet,
    #[serde(default)]
    criterion: Vec<RawCriterion>,
    #[serde(default)]
    condition: Vec<RawCondition>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    code: Spanned<String>,
    version: Spanned<i64>,
    name_vi: String,
    name_en: Option<String>,
    decision: Option<String>,
    decision_date: Option<Spanned<String>>,
    conditions_decision: Option<String>,
    from_year: Spanned<i64>,
    to_year: Spanned<i64>,
    levels: Spanned<Vec<String>>,
    #[serde(default = "yes")]
    confirmed: bool,
    #[serde(default = "yes")]
    groups_confirmed: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    number: Spanned<i64>,
    name: Spanned<String>,
    group: Option<String>,
    #[serde(default = "yes")]
    confirmed: bool,
    #[serde(default)]
    indicator: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    code: Spanned<String>,
    name: String,
    unit: Option<String>,
    comparison: Spanned<String>,
    #[serde(default = "yes")]
    confirmed: bool,
    #[serde(default)]
    threshold: BTreeMap<String, Spanned<toml::Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    code: Spanned<String>,
    name: String,
    #[serde(default = "yes")]
    confirmed: bool,
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |s| s.matches('\n').count() + 1)
}

/// A decimal from the file, scaled; `None` when it is not a finite number.
fn scaled(v: &toml::Value) -> Option<i64> {
    match v {
        toml::Value::Integer(i) => i.checked_mul(SCALE),
        toml::Value::Float(f) if f.is_finite() && f.abs() < 1e12 => {
            Some((f * SCALE as f64).round() as i64)
        }
        _ => None,
    }
}

impl CriteriaSet {
    /// Reads a criteria-set file. Every problem is reported with its line and, inside a
    /// criterion, the criterion's number.
    pub fn parse(text: &str) -> Result<CriteriaSet, SetErrors> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let msg = e.message().trim().to_owned();
            SetErrors(vec![SetError {
                line,
                criterion: None,
                code: "criteria_set.syntax",
                vi: format!("Tệp không đúng định dạng TOML của bộ tiêu chí: {msg}"),
                en: format!("The file is not a valid criteria-set TOML: {msg}"),
            }])
        })?;
        let mut errs = Vec::new();
        let err = |errs: &mut Vec<SetError>,
                   at: Option<usize>,
                   criterion: Option<u16>,
                   code: &'static str,
                   vi: String,
                   en: String| {
            errs.push(SetError {
                line: at.map(|o| line_of(text, o)),
                criterion,
                code,
                vi,
                en,
            })
        };
        let s = &raw.set;
        let code = s.code.get_ref().trim().to_owned();
        if code.is_empty()
            || !code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            err(
                &mut errs,
                Some(s.code.span().start),
                None,
                "criteria_set.code_invalid",
                "Mã bộ tiêu chí chỉ gồm chữ thường không dấu, số và dấu gạch ngang.".into(),
                "The set code may hold only lowercase ASCII letters, digits and hyphens.".into(),
            );
        }
        let version = u32::try_from(*s.version.get_ref())
            .ok()
            .filter(|v| *v >= 1)
            .unwrap_or_else(|| {
                err(
                    &mut errs,
                    Some(s.version.span().start),
                    None,
                    "criteria_set.version_invalid",
                    "Phiên bản phải là số nguyên dương.".into(),
                    "The version must be a positive whole number.".into(),
                );
                1
            });
        let year = |errs: &mut Vec<SetError>, y: &Spanned<i64>| {
            i16::try_from(*y.get_ref())
                .ok()
                .filter(|y| (2000..=2100).contains(y))
                .unwrap_or_else(|| {
                    err(
                        errs,
                        Some(y.span().start),
                        None,
                        "criteria_set.year_invalid",
                        format!("Năm «{}» không hợp lệ.", y.get_ref()),
                        format!("Invalid year «{}».", y.get_ref()),
                    );
                    2000
                })
        };
        let from_year = year(&mut errs, &s.from_year);
        let to_year = year(&mut errs, &s.to_year);
        if to_year < from_year {
            err(
                &mut errs,
                Some(s.to_year.span().start),
                None,
                "criteria_set.years_reversed",
                "Năm kết thúc trước năm bắt đầu.".into(),
                "The last year comes before the first.".into(),
            );
        }
        let decision_date =
            s.decision_date
                .as_ref()
                .and_then(|d| match parse_date("decision_date", d.get_ref()) {
                    Ok(v) => v,
                    Err(e) => {
                        err(
                            &mut errs,
                            Some(d.span().start),
                            None,
                            "criteria_set.date_invalid",
                            e.vi,
                            e.en,
                        );
                        None
                    }
                });
        let mut levels = Vec::new();
        for l in s.levels.get_ref() {
            match Level::from_code(l) {
                Some(l) if !levels.contains(&l) => levels.push(l),
                Some(_) => {}
                None => err(
                    &mut errs,
                    Some(s.levels.span().start),
                    None,
                    "criteria_set.level_unknown",
                    format!("Mức «{l}» không hợp lệ (ntm, nang_cao, kieu_mau)."),
                    format!("Unknown level «{l}» (ntm, nang_cao, kieu_mau)."),
                ),
            }
        }
        if !levels.contains(&Level::Ntm) {
            err(
                &mut errs,
                Some(s.levels.span().start),
                None,
                "criteria_set.level_ntm_missing",
                "Bộ tiêu chí phải có mức «ntm».".into(),
                "A set must define the «ntm» level.".into(),
            );
        }

        let mut criteria: Vec<Criterion> = Vec::new();
        let mut seen: HashMap<u16, usize> = HashMap::new();
        for c in &raw.criterion {
            let at = c.number.span().start;
            let Some(number) = u16::try_from(*c.number.get_ref())
                .ok()
                .filter(|n| (1..=99).contains(n))
            else {
                err(
                    &mut errs,
                    Some(at),
                    None,
                    "criteria_set.number_invalid",
                    format!(
                        "Số thứ tự tiêu chí «{}» không hợp lệ (1–99).",
                        c.number.get_ref()
                    ),
                    format!("Invalid criterion number «{}» (1–99).", c.number.get_ref()),
                );
                continue;
            };
            if let Some(first) = seen.get(&number) {
                err(
                    &mut errs,
                    Some(at),
                    Some(number),
                    "criteria_set.number_duplicate",
                    format!(
                        "số tiêu chí {number} bị trùng (đã khai báo ở dòng {}).",
                        line_of(text, *first)
                    ),
                    format!(
                        "criterion number {number} is duplicated (first declared on line {}).",
                        line_of(text, *first)
                    ),
                );
                continue;
            }
            seen.insert(number, at);
            let name = c.name.get_ref().trim().to_owned();
            if name.is_empty() {
                err(
                    &mut errs,
                    Some(c.name.span().start),
                    Some(number),
                    "criteria_set.name_empty",
                    "tên tiêu chí để trống.".into(),
                    "the criterion has no name.".into(),
                );
            }
            let mut indicators = Vec::new();
            let mut codes = BTreeSet::new();
            for i in &c.indicator {
                let icode = i.code.get_ref().trim().to_owned();
                if !codes.insert(icode.clone()) {
                    err(
                        &mut errs,
                        Some(i.code.span().start),
                        Some(number),
                        "criteria_set.indicator_duplicate",
                        format!("chỉ tiêu {icode} bị trùng."),
                        format!("indicator {icode} is duplicated."),
                    );
                }
                let Some(comparison) = Comparison::parse(i.comparison.get_ref()) else {
                    err(
                        &mut errs,
                        Some(i.comparison.span().start),
                        Some(number),
                        "criteria_set.comparison_unknown",
                        format!(
                            "chỉ tiêu {icode}: phép so sánh «{}» không hợp lệ (>=, <=, yes).",
                            i.comparison.get_ref()
                        ),
                        format!(
                            "indicator {icode}: unknown comparison «{}» (>=, <=, yes).",
                            i.comparison.get_ref()
                        ),
                    );
                    continue;
                };
                let mut thresholds = BTreeMap::new();
                for (lvl, v) in &i.threshold {
                    let at = Some(v.span().start);
                    let Some(level) = Level::from_code(lvl).filter(|l| levels.contains(l)) else {
                        err(
                            &mut errs,
                            at,
                            Some(number),
                            "criteria_set.threshold_level",
                            format!(
                                "chỉ tiêu {icode}: ngưỡng cho mức «{lvl}» mà bộ tiêu chí không khai báo."
                            ),
                            format!(
                                "indicator {icode}: threshold for level «{lvl}», which the set does not declare."
                            ),
                        );
                        continue;
                    };
                    match threshold(v.get_ref(), comparison) {
                        Ok(t) => {
                            thresholds.insert(level, t);
                        }
                        Err((vi, en)) => err(
                            &mut errs,
                            at,
                            Some(number),
                            "criteria_set.threshold_broken",
                            format!("ngưỡng hỏng ở chỉ tiêu {icode}, mức {lvl}: {vi}"),
                            format!("broken threshold in indicator {icode}, level {lvl}: {en}"),
                        ),
                    }
                }
                if comparison != Comparison::Yes {
                    if thresholds.is_empty() {
                        err(
                            &mut errs,
                            Some(i.code.span().start),
                            Some(number),
                            "criteria_set.threshold_missing",
                            format!("chỉ tiêu {icode} so sánh bằng số nhưng không có ngưỡng."),
                            format!("indicator {icode} compares a number but has no threshold."),
                        );
                    }
                    // A higher level may not ask for less than a lower one.
                    if let (Some(a), Some(b)) = (
                        thresholds.get(&Level::Ntm).and_then(|t| t.default),
                        thresholds.get(&Level::NangCao).and_then(|t| t.default),
                    ) {
                        let weaker = match comparison {
                            Comparison::AtLeast => b < a,
                            Comparison::AtMost => b > a,
                            Comparison::Yes => false,
                        };
                        if weaker {
                            err(
                                &mut errs,
                                i.threshold.get("nang_cao").map(|v| v.span().start),
                                Some(number),
                                "criteria_set.threshold_broken",
                                format!(
                                    "ngưỡng hỏng ở chỉ tiêu {icode}: mức nâng cao thấp hơn mức NTM."
                                ),
                                format!(
                                    "broken threshold in indicator {icode}: the nâng cao level asks less than the NTM level."
                                ),
                            );
                        }
                    }
                }
                indicators.push(Indicator {
                    code: icode,
                    name: i.name.trim().to_owned(),
                    unit: i.unit.as_ref().map(|u| u.trim().to_owned()),
                    comparison,
                    thresholds,
                    confirmed: i.confirmed,
                });
            }
            criteria.push(Criterion {
                number,
                name,
                group: c.group.as_ref().map(|g| g.trim().to_owned()),
                confirmed: c.confirmed,
                indicators,
            });
        }
        if raw.criterion.is_empty() {
            err(
                &mut errs,
                None,
                None,
                "criteria_set.empty",
                "Bộ tiêu chí không có tiêu chí nào.".into(),
                "The set has no criteria.".into(),
            );
        }
        let mut conditions = Vec::new();
        let mut ccodes = BTreeSet::new();
        for c in &raw.condition {
            let code = c.code.get_ref().trim().to_owned();
            if !ccodes.insert(code.clone()) || code.is_empty() {
                err(
                    &mut errs,
                    Some(c.code.span().start),
                    None,
                    "criteria_set.condition_duplicate",
                    format!("Điều kiện «{code}» bị trùng hoặc để trống."),
                    format!("Condition «{code}» is duplicated or empty."),
                );
            }
            conditions.push(Condition {
                code,
                name: c.name.trim().to_owned(),
                confirmed: c.confirmed,
            });
        }
        if !errs.is_empty() {
            return Err(SetErrors(errs));
        }
        criteria.sort_by_key(|c| c.number);
        Ok(CriteriaSet {
            code,
            version,
            name_vi: s.name_vi.trim().to_owned(),
            name_en: s
                .name_en
                .clone()
                .unwrap_or_else(|| s.name_vi.clone())
                .trim()
                .to_owned(),
            decision: s.decision.clone(),
            decision_date,
            conditions_decision: s.conditions_decision.clone(),
            from_year,
            to_year,
            levels,
            confirmed: s.confirmed,
            groups_confirmed: s.groups_confirmed,
            criteria,
            conditions,
        })
    }
}

/// One level's threshold: a number, or `{ default = n, regions = { name = n } }`.
fn threshold(v: &toml::Value, cmp: Comparison) -> Result<Threshold, (String, String)> {
    let number = |v: &toml::Value| -> Result<i64, (String, String)> {
        let n = scaled(v).ok_or_else(|| {
            (
                format!("«{v}» không phải là số."),
                format!("«{v}» is not a number."),
            )
        })?;
        if n < 0 {
            return Err((format!("«{v}» là số âm."), format!("«{v}» is negative.")));
        }
        Ok(n)
    };
    if cmp == Comparison::Yes {
        return Err((
            "chỉ tiêu «yes» không có ngưỡng số.".into(),
            "a «yes» indicator takes no number.".into(),
        ));
    }
    match v {
        toml::Value::Table(t) => {
            let mut out = Threshold {
                default: None,
                regions: BTreeMap::new(),
            };
            for (k, v) in t {
                match (k.as_str(), v) {
                    ("default", v) => out.default = Some(number(v)?),
                    ("regions", toml::Value::Table(r)) => {
                        for (name, v) in r {
                            out.regions.insert(name.clone(), number(v)?);
                        }
                    }
                    (other, _) => {
                        return Err((
                            format!("khóa «{other}» không hợp lệ (default, regions)."),
                            format!("unknown key «{other}» (default, regions)."),
                        ));
                    }
                }
            }
            if out.default.is_none() && out.regions.is_empty() {
                return Err(("không có giá trị.".into(), "no value.".into()));
            }
            Ok(out)
        }
        v => Ok(Threshold {
            default: Some(number(v)?),
            regions: BTreeMap::new(),
        }),
    }
}

/// The bundled sets, parsed (a broken bundled file is a build mistake, caught by the tests).
pub fn bundled_sets() -> Vec<(String, CriteriaSet)> {
    BUNDLED_SETS
        .iter()
        .filter_map(|(name, text)| {
            CriteriaSet::parse(text)
                .ok()
                .map(|s| ((*name).to_owned(), s))
        })
        .collect()
}

// ----- a commune's status -----

/// How far a criterion is met: not, at the NTM threshold, or at the nâng cao one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Met {
    No,
    Ntm,
    NangCao,
}

impl Met {
    pub fn code(self) -> &'static str {
        match self {
            Met::No => "no",
            Met::Ntm => "ntm",
            Met::NangCao => "nang_cao",
        }
    }

    pub fn parse(s: &str) -> Result<Met, Invalid> {
        match s.trim() {
            "no" | "false" | "" => Ok(Met::No),
            "ntm" | "yes" | "true" => Ok(Met::Ntm),
            "nang_cao" => Ok(Met::NangCao),
            other => Err(Invalid::new(
                "met",
                "ntm.met_invalid",
                format!("Kết quả «{other}» không hợp lệ (no, ntm, nang_cao)."),
                format!("Invalid result «{other}» (no, ntm, nang_cao)."),
            )),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Met::No => lang.pick("Chưa đạt", "Not met"),
            Met::Ntm => lang.pick("Đạt", "Met"),
            Met::NangCao => lang.pick("Đạt mức nâng cao", "Met (advanced)"),
        }
    }

    /// Whether this meets what `level` asks of a criterion.
    pub fn reaches(self, level: Level) -> bool {
        match level {
            Level::Ntm => self >= Met::Ntm,
            Level::NangCao | Level::KieuMau => self >= Met::NangCao,
        }
    }
}

/// The status of one item (a criterion "1".."19" or a kiểu mẫu condition "KM1") in an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionStatus {
    pub item: String,
    pub met: Met,
    pub evaluated_on: Option<Date>,
    /// Who assessed (a person or a body, as written).
    pub assessor: Option<String>,
    pub evidence: Option<String>,
    /// Roadmap: the year the commune plans to meet it.
    pub planned_year: Option<i16>,
    /// Indicator values by indicator code, scaled by [`SCALE`].
    #[serde(default)]
    pub values: BTreeMap<String, i64>,
}

/// A status as typed (form or JSON).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionStatusInput {
    /// The criterion number or condition code.
    pub item: String,
    /// `no`, `ntm`, `nang_cao` (or true/false).
    pub met: serde_json::Value,
    #[serde(default)]
    pub evaluated_on: Option<String>,
    #[serde(default)]
    pub assessor: Option<String>,
    #[serde(default)]
    pub evidence: Option<String>,
    #[serde(default)]
    pub planned_year: Option<serde_json::Value>,
    /// Indicator values ("10" → 39.5).
    #[serde(default)]
    pub values: BTreeMap<String, f64>,
}

impl CriterionStatus {
    /// Checks a status against the set it is made for.
    pub fn parse(
        set: &CriteriaSet,
        input: &CriterionStatusInput,
    ) -> Result<CriterionStatus, crate::unit::Invalids> {
        let mut errs = crate::unit::Invalids::default();
        let item = input.item.trim().to_owned();
        let criterion = item.parse::<u16>().ok().and_then(|n| set.criterion(n));
        let condition = set.conditions.iter().any(|c| c.code == item);
        if criterion.is_none() && !condition {
            errs.push(Invalid::new(
                "item",
                "ntm.item_unknown",
                format!("Bộ tiêu chí {} không có tiêu chí «{item}».", set.label()),
                format!("The set {} has no criterion «{item}».", set.label()),
            ));
        }
        let met = match &input.met {
            serde_json::Value::Bool(true) => Some(Met::Ntm),
            serde_json::Value::Bool(false) | serde_json::Value::Null => Some(Met::No),
            serde_json::Value::String(s) => errs.take(Met::parse(s)),
            _ => errs.take(Met::parse("?")),
        };
        if met == Some(Met::NangCao) && !set.levels.contains(&Level::NangCao) {
            errs.push(Invalid::new(
                "met",
                "ntm.met_level_absent",
                "Bộ tiêu chí này không có mức nâng cao.",
                "This set has no advanced level.",
            ));
        }
        let evaluated_on = errs
            .take(parse_date(
                "evaluated_on",
                input.evaluated_on.as_deref().unwrap_or(""),
            ))
            .flatten();
        let assessor = errs
            .take(clean_text(
                "assessor",
                input.assessor.as_deref().unwrap_or(""),
                300,
            ))
            .flatten();
        let evidence = errs
            .take(clean_text(
                "evidence",
                input.evidence.as_deref().unwrap_or(""),
                4000,
            ))
            .flatten();
        let planned_year = match &input.planned_year {
            None | Some(serde_json::Value::Null) => None,
            Some(v) => {
                let s = match v {
                    serde_json::Value::String(s) => s.trim().to_owned(),
                    other => other.to_string(),
                };
                if s.is_empty() {
                    None
                } else {
                    match s.parse::<i16>().ok().filter(|y| (2000..=2100).contains(y)) {
                        Some(y) => Some(y),
                        None => {
                            errs.push(Invalid::new(
                                "planned_year",
                                "ntm.year_invalid",
                                format!("Năm «{s}» không hợp lệ."),
                                format!("Invalid year «{s}»."),
                            ));
                            None
                        }
                    }
                }
            }
        };
        let mut values = BTreeMap::new();
        for (code, v) in &input.values {
            let known = criterion.is_some_and(|c| c.indicators.iter().any(|i| &i.code == code));
            if !known || !v.is_finite() {
                errs.push(Invalid::new(
                    "values",
                    "ntm.value_invalid",
                    format!("Giá trị chỉ tiêu «{code}» không hợp lệ."),
                    format!("Invalid value for indicator «{code}»."),
                ));
                continue;
            }
            values.insert(code.clone(), (v * SCALE as f64).round() as i64);
        }
        errs.into_result()?;
        Ok(CriterionStatus {
            item,
            met: met.unwrap_or(Met::No),
            evaluated_on,
            assessor,
            evidence,
            planned_year,
            values,
        })
    }
}

/// A commune's status against one set in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub id: uuid::Uuid,
    pub commune_id: UnitId,
    /// The stored set it was made against (its version is kept whatever is loaded later).
    pub set_id: uuid::Uuid,
    pub year: i16,
    pub statuses: Vec<CriterionStatus>,
    pub version: i64,
}

impl Assessment {
    pub fn status(&self, item: &str) -> Option<&CriterionStatus> {
        self.statuses.iter().find(|s| s.item == item)
    }

    /// Criteria met (at the NTM threshold), conditions not counted.
    pub fn criteria_met(&self, set: &CriteriaSet) -> usize {
        set.criteria
            .iter()
            .filter(|c| {
                self.status(&c.number.to_string())
                    .is_some_and(|s| s.met.reaches(Level::Ntm))
            })
            .count()
    }

    /// The criteria (numbers) a commune still lacks for `level`, with the kiểu mẫu conditions
    /// (codes) when the level is kiểu mẫu.
    pub fn lacking(&self, set: &CriteriaSet, level: Level) -> Vec<String> {
        let mut out: Vec<String> = set
            .criteria
            .iter()
            .filter(|c| {
                !self
                    .status(&c.number.to_string())
                    .is_some_and(|s| s.met.reaches(level))
            })
            .map(|c| c.number.to_string())
            .collect();
        if level == Level::KieuMau {
            out.extend(
                set.conditions
                    .iter()
                    .filter(|c| self.status(&c.code).is_none_or(|s| s.met < Met::Ntm))
                    .map(|c| c.code.clone()),
            );
        }
        out
    }
}

/// Công nhận: a commune recognised at a level by a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recognition {
    pub level: Level,
    pub decision: String,
    pub decided_on: Date,
}

/// A commune's programme record: its region (for regional thresholds), recognitions and target
/// year per level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CommuneProgramme {
    pub region: Option<String>,
    pub recognitions: Vec<Recognition>,
    pub targets: BTreeMap<Level, i16>,
}

impl CommuneProgramme {
    /// The highest level recognised on or before the end of `year`.
    pub fn level_in(&self, year: i16) -> Option<Level> {
        self.recognitions
            .iter()
            .filter(|r| r.decided_on.year() <= year)
            .map(|r| r.level)
            .max()
    }

    /// The level the commune aims at next, with its target year.
    pub fn next_target(&self, year: i16) -> Option<(Level, i16)> {
        let reached = self.level_in(year);
        self.targets
            .iter()
            .filter(|(l, _)| reached.is_none_or(|r| **l > r))
            .map(|(l, y)| (*l, *y))
            .min()
    }
}

/// Raw input for a commune's programme record.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommuneProgrammeInput {
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub recognitions: Vec<RecognitionInput>,
    /// Level code → target year.
    #[serde(default)]
    pub targets: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecognitionInput {
    /// Mức đạt chuẩn: `ntm`, `nang_cao` or `kieu_mau`.
    #[cfg_attr(feature = "openapi", schema(value_type = Level))]
    pub level: String,
    /// Số quyết định công nhận.
    #[cfg_attr(feature = "openapi", schema(examples("123/QĐ-UBND")))]
    pub decision: String,
    /// Ngày quyết định.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::DateText))]
    pub decided_on: String,
}

impl CommuneProgramme {
    pub fn parse(input: &CommuneProgrammeInput) -> Result<CommuneProgramme, crate::unit::Invalids> {
        let mut errs = crate::unit::Invalids::default();
        let region = errs
            .take(clean_text(
                "region",
                input.region.as_deref().unwrap_or(""),
                100,
            ))
            .flatten();
        let mut recognitions = Vec::new();
        for r in &input.recognitions {
            let level = errs.take(Level::parse("recognitions", &r.level));
            let decision = errs.take(crate::unit::required_text("recognitions", &r.decision, 100));
            let date = errs
                .take(parse_date("recognitions", &r.decided_on))
                .flatten();
            if date.is_none() && r.decided_on.trim().is_empty() {
                errs.push(Invalid::new(
                    "recognitions",
                    "ntm.recognition_date",
                    "Quyết định công nhận cần ngày ban hành.",
                    "A recognition needs its decision date.",
                ));
            }
            if let (Some(level), Some(decision), Some(decided_on)) = (level, decision, date) {
                recognitions.push(Recognition {
                    level,
                    decision,
                    decided_on,
                });
            }
        }
        let mut targets = BTreeMap::new();
        for (l, y) in &input.targets {
            let level = errs.take(Level::parse("targets", l));
            let year = i16::try_from(*y).ok().filter(|y| (2000..=2100).contains(y));
            if year.is_none() {
                errs.push(Invalid::new(
                    "targets",
                    "ntm.year_invalid",
                    format!("Năm «{y}» không hợp lệ."),
                    format!("Invalid year «{y}»."),
                ));
            }
            if let (Some(l), Some(y)) = (level, year) {
                targets.insert(l, y);
            }
        }
        errs.into_result()?;
        recognitions.sort_by_key(|r| (r.decided_on, r.level));
        Ok(CommuneProgramme {
            region,
            recognitions,
            targets,
        })
    }
}

// ----- proposals from indicator values (hook for the periodic reports) -----

/// A status proposed from indicator values, for a person to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub item: String,
    pub met: Met,
    /// Where the values came from (e.g. "Báo cáo định kỳ 2022, biểu 05").
    pub source: String,
}

/// Proposes a criterion's status from indicator values (scaled by [`SCALE`], by indicator code).
///
/// This is the hook for issue 5's periodic-report indicators: when those exist, the web layer reads a
/// commune's values for the year (income per capita, multidimensional poverty rate…), maps them to
/// indicator codes, calls this and shows the proposal with its source for a person to confirm.
/// Nothing calls it with stored report values yet. A criterion is proposed only when every one of its
/// numeric indicators has a value.
pub fn propose_from_indicators(
    set: &CriteriaSet,
    number: u16,
    region: Option<&str>,
    values: &BTreeMap<String, i64>,
    source: &str,
) -> Option<Proposal> {
    let c = set.criterion(number)?;
    let numeric: Vec<&Indicator> = c
        .indicators
        .iter()
        .filter(|i| i.comparison != Comparison::Yes)
        .collect();
    if numeric.is_empty() {
        return None;
    }
    let all = |level: Level| -> Option<bool> {
        let mut ok = true;
        for i in &numeric {
            ok &= i.meets(level, region, *values.get(&i.code)?)?;
        }
        Some(ok)
    };
    let met = if set.levels.contains(&Level::NangCao) && all(Level::NangCao) == Some(true) {
        Met::NangCao
    } else {
        match all(Level::Ntm)? {
            true => Met::Ntm,
            false => Met::No,
        }
    };
    Some(Proposal {
        item: number.to_string(),
        met,
        source: source.to_owned(),
    })
}

// ----- the picture -----

/// One commune's inputs to the picture.
#[derive(Debug, Clone)]
pub struct CommuneEntry<'a> {
    pub commune_id: UnitId,
    pub name: String,
    pub programme: &'a CommuneProgramme,
    pub assessment: Option<&'a Assessment>,
}

/// "9,8": a number of tenths written the Vietnamese way.
pub fn tenths_vi(tenths: i64) -> String {
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.abs();
    format!("{sign}{},{}", t / 10, t % 10)
}

/// Rounded (half up) tenths of `num / den`.
pub fn tenths_of(num: i64, den: i64) -> i64 {
    if den == 0 {
        return 0;
    }
    (num * 20 + den) / (den * 2)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeatCell {
    pub item: String,
    /// `None`: not assessed.
    pub met: Option<Met>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeatRow {
    pub commune_id: UnitId,
    pub name: String,
    pub met_count: usize,
    pub level: Option<Level>,
    pub next_target: Option<(Level, i16)>,
    /// What the commune still lacks for its next target level (criteria numbers, condition codes).
    pub lacking_for_target: Vec<String>,
    pub cells: Vec<HeatCell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LackRow {
    pub number: u16,
    pub name: String,
    /// Communes (assessed) that do not meet it.
    pub communes_lacking: usize,
}

/// An unmet criterion close to its threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EasyRow {
    pub commune_id: UnitId,
    pub commune: String,
    pub number: u16,
    pub criterion: String,
    pub indicator: String,
    pub value: i64,
    pub threshold: i64,
    /// Gap as a share of the threshold, per mille.
    pub gap_permille: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetRow {
    pub level: Level,
    pub year: i16,
    pub communes: Vec<String>,
    pub reached: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Picture {
    pub year: i16,
    pub communes: usize,
    pub assessed: usize,
    pub total_met: usize,
    pub average_tenths: i64,
    /// Communes by the highest level recognised (None = not yet NTM).
    pub per_level: Vec<(Option<Level>, usize)>,
    /// Communes by number of criteria met (0..=criteria count).
    pub per_count: Vec<(usize, usize)>,
    pub rows: Vec<HeatRow>,
    pub lacking: Vec<LackRow>,
    pub easy: Vec<EasyRow>,
    pub targets: Vec<TargetRow>,
}

impl Picture {
    /// "9,8 tiêu chí/xã".
    pub fn average_label(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!("{} tiêu chí/xã", tenths_vi(self.average_tenths)),
            Lang::En => format!(
                "{}.{} criteria per commune",
                self.average_tenths / 10,
                self.average_tenths % 10
            ),
        }
    }
}

/// The district's picture for one set and year. The average counts assessed communes only.
pub fn picture(set: &CriteriaSet, year: i16, entries: &[CommuneEntry<'_>]) -> Picture {
    let mut rows = Vec::new();
    let mut total_met = 0;
    let mut assessed = 0;
    let mut per_count = vec![0usize; set.criteria.len() + 1];
    let mut lack_counts: BTreeMap<u16, usize> = BTreeMap::new();
    let mut easy = Vec::new();
    let mut per_level: BTreeMap<Option<Level>, usize> = BTreeMap::new();
    for e in entries {
        let level = e.programme.level_in(year);
        *per_level.entry(level).or_default() += 1;
        let next_target = e.programme.next_target(year);
        let mut cells: Vec<HeatCell> = set
            .criteria
            .iter()
            .map(|c| HeatCell {
                item: c.number.to_string(),
                met: e
                    .assessment
                    .and_then(|a| a.status(&c.number.to_string()))
                    .map(|s| s.met),
            })
            .collect();
        if set.levels.contains(&Level::KieuMau) {
            cells.extend(set.conditions.iter().map(|c| HeatCell {
                item: c.code.clone(),
                met: e.assessment.and_then(|a| a.status(&c.code)).map(|s| s.met),
            }));
        }
        let mut met_count = 0;
        let mut lacking_for_target = Vec::new();
        if let Some(a) = e.assessment {
            assessed += 1;
            met_count = a.criteria_met(set);
            total_met += met_count;
            per_count[met_count.min(set.criteria.len())] += 1;
            for c in &set.criteria {
                let st = a.status(&c.number.to_string());
                if !st.is_some_and(|s| s.met.reaches(Level::Ntm)) {
                    *lack_counts.entry(c.number).or_default() += 1;
                }
                // The level this commune works towards decides which threshold is "near".
                let goal = match next_target.map(|t| t.0) {
                    Some(Level::NangCao | Level::KieuMau) => Level::NangCao,
                    _ => Level::Ntm,
                };
                if st.is_some_and(|s| s.met.reaches(goal)) {
                    continue;
                }
                let Some(st) = st else { continue };
                for i in &c.indicators {
                    let Some(v) = st.values.get(&i.code) else {
                        continue;
                    };
                    let region = e.programme.region.as_deref();
                    let (Some(gap), Some(t)) = (
                        i.gap_permille(goal, region, *v),
                        i.thresholds.get(&goal).and_then(|t| t.for_region(region)),
                    ) else {
                        continue;
                    };
                    if gap > 0 {
                        easy.push(EasyRow {
                            commune_id: e.commune_id,
                            commune: e.name.clone(),
                            number: c.number,
                            criterion: c.name.clone(),
                            indicator: i.code.clone(),
                            value: *v,
                            threshold: t,
                            gap_permille: gap,
                        });
                    }
                }
            }
            if let Some((l, _)) = next_target {
                lacking_for_target = a.lacking(set, l);
            }
        }
        rows.push(HeatRow {
            commune_id: e.commune_id,
            name: e.name.clone(),
            met_count,
            level,
            next_target,
            lacking_for_target,
            cells,
        });
    }
    let mut lacking: Vec<LackRow> = set
        .criteria
        .iter()
        .map(|c| LackRow {
            number: c.number,
            name: c.name.clone(),
            communes_lacking: lack_counts.get(&c.number).copied().unwrap_or(0),
        })
        .filter(|r| r.communes_lacking > 0)
        .collect();
    lacking.sort_by(|a, b| {
        b.communes_lacking
            .cmp(&a.communes_lacking)
            .then(a.number.cmp(&b.number))
    });
    easy.sort_by(|a, b| {
        a.gap_permille
            .cmp(&b.gap_permille)
            .then(a.commune.cmp(&b.commune))
    });
    let mut targets: BTreeMap<(Level, i16), TargetRow> = BTreeMap::new();
    for e in entries {
        for (l, y) in &e.programme.targets {
            let row = targets.entry((*l, *y)).or_insert_with(|| TargetRow {
                level: *l,
                year: *y,
                communes: Vec::new(),
                reached: 0,
            });
            row.communes.push(e.name.clone());
            if e.programme.level_in(*y).is_some_and(|r| r >= *l) {
                row.reached += 1;
            }
        }
    }
    Picture {
        year,
        communes: entries.len(),
        assessed,
        total_met,
        average_tenths: tenths_of(total_met as i64, assessed as i64),
        per_level: per_level.into_iter().collect(),
        per_count: per_count
            .into_iter()
            .enumerate()
            .filter(|(_, n)| *n > 0)
            .collect(),
        rows,
        lacking,
        easy,
        targets: targets.into_values().collect(),
    }
}

/// Formats a scaled value for people: "39,5".
pub fn scaled_vi(v: i64) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.abs();
    let (int, frac) = (a / SCALE, a % SCALE);
    if frac == 0 {
        format!("{sign}{int}")
    } else {
        let f = format!("{frac:03}");
        format!("{sign}{int},{}", f.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_sets_load() {
        for (name, text) in BUNDLED_SETS {
            let s = CriteriaSet::parse(text).unwrap_or_else(|e| panic!("{name}: {e:?}"));
            assert_eq!(s.criteria.len(), 19, "{name}");
            let numbers: Vec<u16> = s.criteria.iter().map(|c| c.number).collect();
            assert_eq!(numbers, (1..=19).collect::<Vec<_>>());
            // No threshold was checked against the decisions: all say so.
            assert!(
                s.criteria
                    .iter()
                    .flat_map(|c| &c.indicators)
                    .all(|i| !i.confirmed)
            );
        }
        let new = CriteriaSet::parse(BUNDLED_SETS[1].1).expect("2021");
        assert_eq!(new.criterion(11).expect("11").name, "Nghèo đa chiều");
        assert_eq!(new.conditions.len(), 4);
        let old = CriteriaSet::parse(BUNDLED_SETS[0].1).expect("2016");
        assert_eq!(old.criterion(12).expect("12").name, "Lao động có việc làm");
        assert_eq!(old.decision.as_deref(), Some("1980/QĐ-TTg"));
    }

    const SMALL: &str = r#"[set]
code = "thu"
version = 2
name_vi = "Bộ thử"
from_year = 2026
to_year = 2030
levels = ["ntm", "nang_cao"]

[[criterion]]
number = 1
name = "Quy hoạch"

[[criterion]]
number = 2
name = "Thu nhập"

[[criterion.indicator]]
code = "2"
name = "Thu nhập bình quân"
comparison = ">="
threshold.ntm = 50
threshold.nang_cao = "năm mươi lăm"
"#;

    #[test]
    fn a_broken_threshold_is_refused_with_its_line_and_criterion() {
        let e = CriteriaSet::parse(SMALL).expect_err("broken");
        assert_eq!(e.0.len(), 1, "{e:?}");
        let x = &e.0[0];
        assert_eq!(x.code, "criteria_set.threshold_broken");
        assert_eq!((x.line, x.criterion), (Some(22), Some(2)));
        assert!(
            x.message(Lang::Vi)
                .starts_with("Dòng 22, tiêu chí 2: ngưỡng hỏng"),
            "{}",
            x.message(Lang::Vi)
        );
        assert!(x.message(Lang::En).contains("Line 22, criterion 2"));
    }

    #[test]
    fn a_duplicate_number_is_refused_naming_both_lines() {
        let text = SMALL
            .replace("\"năm mươi lăm\"", "55")
            .replace("number = 2", "number = 1");
        let e = CriteriaSet::parse(&text).expect_err("duplicate");
        let x = &e.0[0];
        assert_eq!(x.code, "criteria_set.number_duplicate");
        assert_eq!((x.line, x.criterion), (Some(14), Some(1)));
        assert!(x.vi.contains("dòng 10"), "{}", x.vi);
    }

    #[test]
    fn a_weaker_advanced_threshold_and_syntax_errors_are_located() {
        let text = SMALL.replace("\"năm mươi lăm\"", "45");
        let e = CriteriaSet::parse(&text).expect_err("weaker");
        assert_eq!(e.0[0].code, "criteria_set.threshold_broken");
        assert_eq!(e.0[0].line, Some(22));
        let e = CriteriaSet::parse("[set]\ncode = \"x\"\nversion = ").expect_err("syntax");
        assert_eq!(e.0[0].code, "criteria_set.syntax");
        assert_eq!(e.0[0].line, Some(3));
        let ok = CriteriaSet::parse(&SMALL.replace("\"năm mươi lăm\"", "55.5")).expect("valid");
        assert_eq!(
            ok.criterion(2).expect("2").indicators[0].thresholds[&Level::NangCao].default,
            Some(55_500)
        );
    }

    fn status(item: &str, met: Met) -> CriterionStatus {
        CriterionStatus {
            item: item.into(),
            met,
            evaluated_on: None,
            assessor: None,
            evidence: None,
            planned_year: None,
            values: BTreeMap::new(),
        }
    }

    #[test]
    fn the_average_is_computed_and_printed_the_vietnamese_way() {
        assert_eq!(tenths_vi(tenths_of(206, 21)), "9,8");
        assert_eq!(tenths_vi(tenths_of(196, 20)), "9,8");
        assert_eq!(tenths_vi(tenths_of(19, 2)), "9,5");
        assert_eq!(scaled_vi(39_500), "39,5");
        let set = CriteriaSet::parse(BUNDLED_SETS[1].1).expect("set");
        let mut values = BTreeMap::new();
        values.insert("10".to_owned(), 41_000);
        let mut income = status("10", Met::No);
        income.values = values.clone();
        let a = Assessment {
            id: uuid::Uuid::nil(),
            commune_id: UnitId(uuid::Uuid::nil()),
            set_id: uuid::Uuid::nil(),
            year: 2021,
            statuses: vec![status("1", Met::NangCao), status("2", Met::Ntm), income],
            version: 1,
        };
        let mut prog = CommuneProgramme {
            region: Some("bac-trung-bo".into()),
            ..Default::default()
        };
        prog.targets.insert(Level::Ntm, 2022);
        let entries = [CommuneEntry {
            commune_id: a.commune_id,
            name: "Xã Thử".into(),
            programme: &prog,
            assessment: Some(&a),
        }];
        let p = picture(&set, 2021, &entries);
        assert_eq!((p.total_met, p.average_tenths), (2, 20));
        assert_eq!(p.average_label(Lang::Vi), "2,0 tiêu chí/xã");
        assert_eq!(p.rows[0].lacking_for_target.len(), 17);
        // 41 against the Bắc Trung Bộ threshold of 43: 2/43 ≈ 46‰.
        assert_eq!(p.easy[0].gap_permille, 46);
        let prop = propose_from_indicators(&set, 10, Some("bac-trung-bo"), &values, "thử")
            .expect("proposal");
        assert_eq!(prop.met, Met::No);
    }
}
