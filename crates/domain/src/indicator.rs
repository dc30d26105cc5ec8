//! Indicators (chỉ tiêu) and their figures: what a unit measures, how a figure rolls up the unit
//! tree, and the plan targets (chỉ tiêu kế hoạch) set per year.
//!
//! Figures are exact: a [`Figure`] is a scaled integer with four decimal places, so a district total
//! kept current on every write equals, to the last digit, the same total rebuilt from the reported
//! figures in any order. The catalog of indicators ships as data (`data/indicators.toml`) and admins
//! edit it; nothing about a particular indicator is a constant in code.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use giaoban_vntext::number::{Decimal, format_vi, parse_number};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::lang::Lang;
use crate::period::{Period, PeriodKind};
use crate::unit::{Invalid, Invalids, clean_text, required_text};

/// The fixed scale of figures: four decimal places.
pub const FIGURE_SCALE: u32 = 4;
const FIGURE_ONE: i64 = 10_000;

/// An exact figure with four decimal places ("5.466,32 ha" is `Figure(54_663_200)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Figure(i64);

impl Figure {
    pub const ZERO: Figure = Figure(0);

    /// From the stored scaled integer (value × 10 000).
    pub const fn from_scaled(scaled: i64) -> Figure {
        Figure(scaled)
    }

    /// The stored scaled integer (value × 10 000).
    pub const fn scaled(self) -> i64 {
        self.0
    }

    pub fn from_int(v: i64) -> Option<Figure> {
        v.checked_mul(FIGURE_ONE).map(Figure)
    }

    /// From a decimal; `None` when it has more than four decimal places or does not fit.
    pub fn from_decimal(d: Decimal) -> Option<Figure> {
        let d = d.normalized();
        if d.scale() > FIGURE_SCALE {
            return None;
        }
        let r = d.rescale(FIGURE_SCALE)?;
        i64::try_from(r.mantissa()).ok().map(Figure)
    }

    pub fn to_decimal(self) -> Decimal {
        Decimal::new(i128::from(self.0), FIGURE_SCALE).unwrap_or(Decimal::from_int(0))
    }

    /// For charts only; sums and comparisons use the exact value.
    pub fn to_f64(self) -> f64 {
        self.0 as f64 / FIGURE_ONE as f64
    }

    /// From a JSON number: rounded to four places; `None` when not finite or too large.
    pub fn from_f64(v: f64) -> Option<Figure> {
        let scaled = (v * FIGURE_ONE as f64).round();
        (scaled.is_finite() && scaled.abs() < 9.0e18).then_some(Figure(scaled as i64))
    }

    /// Parses a figure as people type it: "5.466,32", "101,2", "09", "-3"; also "5466.32" when the
    /// dot cannot be a thousands separator (more or fewer than three digits after it).
    pub fn parse(raw: &str) -> Result<Figure, FigureError> {
        let s: String = raw
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
            .collect();
        if s.is_empty() {
            return Err(FigureError::Empty);
        }
        let d = match parse_number(&s) {
            Ok(d) => d,
            Err(_) => {
                // A machine-written decimal point ("5466.32") that cannot be a thousands group.
                let (int, frac) = s.split_once('.').ok_or(FigureError::NotANumber)?;
                if frac.len() == 3 || frac.contains(['.', ',']) || int.contains(',') {
                    return Err(FigureError::NotANumber);
                }
                parse_number(&format!("{int},{frac}")).map_err(|_| FigureError::NotANumber)?
            }
        };
        Figure::from_decimal(d).ok_or(FigureError::TooPrecise)
    }

    /// A sum kept in i128 (the stored totals), held to the range of a figure. Unreachable with
    /// figures within [`FIGURE_LIMIT`]; for a total beyond it the figure shows the nearest end.
    pub fn from_wide_sum(sum: i128) -> Figure {
        Figure(i64::try_from(sum).unwrap_or(if sum < 0 { i64::MIN } else { i64::MAX }))
    }

    pub fn checked_add(self, o: Figure) -> Option<Figure> {
        self.0.checked_add(o.0).map(Figure)
    }

    pub fn checked_sub(self, o: Figure) -> Option<Figure> {
        self.0.checked_sub(o.0).map(Figure)
    }

    /// `self / other × 100`, rounded half away from zero to four places; `None` for a zero divisor.
    pub fn percent_of(self, other: Figure) -> Option<Figure> {
        Figure::ratio(self, other, 100)
    }

    /// `num / den × factor` rounded half away from zero to four places; `None` for a zero divisor.
    pub fn ratio(num: Figure, den: Figure, factor: i64) -> Option<Figure> {
        if den.0 == 0 {
            return None;
        }
        let n = i128::from(num.0) * i128::from(factor) * i128::from(FIGURE_ONE);
        let d = i128::from(den.0);
        let q = n / d;
        let r = n % d;
        let q = if (r.abs() * 2) >= d.abs() {
            q + if (n < 0) == (d < 0) { 1 } else { -1 }
        } else {
            q
        };
        i64::try_from(q).ok().map(Figure)
    }

    /// The mean of a sum over `count` figures.
    pub fn mean(sum: Figure, count: i64) -> Option<Figure> {
        if count <= 0 {
            return None;
        }
        Figure::ratio(sum, Figure(count * FIGURE_ONE), 1)
    }

    /// Vietnamese writing with `decimals` places: "5.466,32", "101,2".
    pub fn format_vi(self, decimals: u8) -> String {
        format_vi(self.to_decimal(), u32::from(decimals.min(4)))
    }

    /// English writing with `decimals` places: "5,466.32".
    pub fn format_en(self, decimals: u8) -> String {
        self.format_vi(decimals)
            .chars()
            .map(|c| match c {
                '.' => ',',
                ',' => '.',
                c => c,
            })
            .collect()
    }

    /// Written in the interface language.
    pub fn format(self, decimals: u8, lang: Lang) -> String {
        match lang {
            Lang::Vi => self.format_vi(decimals),
            Lang::En => self.format_en(decimals),
        }
    }

    /// Whether the figure is a whole number.
    pub fn is_integer(self) -> bool {
        self.0 % FIGURE_ONE == 0
    }
}

impl fmt::Display for Figure {
    /// Plain machine form with a decimal point and no grouping ("5466.32").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        let int = a / FIGURE_ONE as u64;
        let frac = a % FIGURE_ONE as u64;
        if frac == 0 {
            write!(f, "{sign}{int}")
        } else {
            let s = format!("{frac:04}");
            write!(f, "{sign}{int}.{}", s.trim_end_matches('0'))
        }
    }
}

impl Serialize for Figure {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.to_f64())
    }
}

impl<'de> Deserialize<'de> for Figure {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Repr {
            Num(f64),
            Text(String),
        }
        match Repr::deserialize(d)? {
            Repr::Num(v) => {
                Figure::from_f64(v).ok_or_else(|| serde::de::Error::custom("number out of range"))
            }
            Repr::Text(t) => Figure::parse(&t).map_err(serde::de::Error::custom),
        }
    }
}

/// Why a typed figure was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureError {
    Empty,
    NotANumber,
    TooPrecise,
}

impl FigureError {
    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            FigureError::Empty => lang.pick("chưa nhập số liệu", "no figure entered"),
            FigureError::NotANumber => lang.pick(
                "không phải là số (viết như 5.466,32)",
                "not a number (write it like 5.466,32 or 5466.32)",
            ),
            FigureError::TooPrecise => lang.pick(
                "quá 4 chữ số thập phân hoặc quá lớn",
                "more than 4 decimal places or too large",
            ),
        }
    }
}

impl fmt::Display for FigureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message(Lang::En))
    }
}

impl std::error::Error for FigureError {}

/// An indicator's identity in storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IndicatorId(pub Uuid);

impl IndicatorId {
    pub fn new() -> Self {
        IndicatorId(Uuid::now_v7())
    }
}

impl Default for IndicatorId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for IndicatorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An indicator's code: upper-case ASCII letters, digits, `_`, `.` and `-`, 2–40 characters
/// (`NN_LUA_GIEO_CAY`, `NTM.TIEU_CHI`). Codes are how forms, rules and Excel files name indicators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndicatorCode(String);

impl IndicatorCode {
    pub fn parse(raw: &str) -> Result<IndicatorCode, Invalid> {
        let s = raw.trim().to_ascii_uppercase();
        let ok = (2..=40).contains(&s.len())
            && s.bytes().all(|b| {
                b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'_' | b'.' | b'-')
            })
            && s.as_bytes()[0].is_ascii_uppercase();
        if ok {
            Ok(IndicatorCode(s))
        } else {
            Err(Invalid::new(
                "code",
                "indicator.code_invalid",
                format!(
                    "Mã chỉ tiêu «{}» không hợp lệ: 2–40 ký tự, bắt đầu bằng chữ cái, chỉ gồm chữ không dấu, số, «_», «.», «-».",
                    raw.trim()
                ),
                format!(
                    "Invalid indicator code «{}»: 2–40 characters, starting with a letter; letters without diacritics, digits, «_», «.», «-».",
                    raw.trim()
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for IndicatorCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IndicatorCode::parse(&s).map_err(|e| e.en)
    }
}

impl From<IndicatorCode> for String {
    fn from(c: IndicatorCode) -> Self {
        c.0
    }
}

impl fmt::Display for IndicatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! code_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $code:literal, $vi:literal, $en:literal;)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v,)+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)+];

            pub fn code(self) -> &'static str {
                match self { $($name::$v => $code,)+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                let s = s.trim();
                $name::ALL.iter().copied().find(|v| v.code() == s)
            }

            pub fn label(self, lang: Lang) -> &'static str {
                match self { $($name::$v => lang.pick($vi, $en),)+ }
            }
        }
    };
}

code_enum! {
    /// What kind of figure an indicator takes.
    ValueType {
        /// A quantity with decimals (ha, tấn, tỷ đồng).
        Number = "number", "Số", "Number";
        /// A percentage (tỷ lệ %).
        Percent = "percent", "Tỷ lệ %", "Percent";
        /// A whole count, never negative (doanh nghiệp, mô hình, lượt người).
        Count = "count", "Số đếm", "Count";
        /// Yes or no (1 or 0): e.g. a commune reached a criterion.
        YesNo = "yes_no", "Có/Không", "Yes/No";
        /// A short text; never rolled up.
        Text = "text", "Văn bản", "Text";
    }
}

code_enum! {
    /// How figures of an indicator combine up the unit tree.
    RollupKind {
        Sum = "sum", "Cộng", "Sum";
        /// Mean over the reporting units (e.g. criteria per commune).
        Average = "average", "Bình quân", "Average";
        Min = "min", "Nhỏ nhất", "Minimum";
        Max = "max", "Lớn nhất", "Maximum";
        /// How many units answered yes.
        CountYes = "count_yes", "Số đơn vị đạt", "Count of yes";
        /// A ratio of the sums of two other indicators (× a factor), computed at every level.
        Ratio = "ratio", "Tỷ số", "Ratio";
        /// Not rolled up (text).
        None = "none", "Không tổng hợp", "Not rolled up";
    }
}

code_enum! {
    /// How the year-to-date figure (lũy kế) is formed from a year's periods.
    Accumulation {
        /// A flow: the year-to-date is the sum of the year's periods so far (doanh nghiệp thành lập mới).
        Flow = "flow", "Cộng dồn", "Flow (summed)";
        /// A stock or a state: the year-to-date is the latest period's figure (diện tích gieo trồng vụ).
        Stock = "stock", "Số hiện có", "Stock (latest)";
    }
}

code_enum! {
    /// Whether a bigger figure is better.
    Direction {
        HigherIsBetter = "higher", "Càng cao càng tốt", "Higher is better";
        LowerIsBetter = "lower", "Càng thấp càng tốt", "Lower is better";
    }
}

code_enum! {
    /// Lĩnh vực: the sectors of the socio-economic report.
    Sector {
        Agriculture = "agriculture", "Nông, lâm, thủy sản", "Agriculture, forestry, fisheries";
        IndustryConstruction = "industry_construction", "Công nghiệp - Xây dựng", "Industry and construction";
        TradeServices = "trade_services", "Thương mại - Dịch vụ", "Trade and services";
        Budget = "budget", "Thu, chi ngân sách", "Budget revenue and spending";
        Enterprise = "enterprise", "Doanh nghiệp, hợp tác xã", "Enterprises and cooperatives";
        CultureSociety = "culture_society", "Văn hóa - Xã hội", "Culture and society";
        DefenceSecurity = "defence_security", "Quốc phòng - An ninh", "Defence and security";
        NewRural = "new_rural", "Nông thôn mới", "New rural development";
        Other = "other", "Khác", "Other";
    }
}

/// How an indicator rolls up, with the two indicators of a ratio.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollup {
    pub kind: RollupKind,
    /// For [`RollupKind::Ratio`]: numerator and denominator codes and the factor (100 for a %).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numerator: Option<IndicatorCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<IndicatorCode>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub factor: i64,
}

fn one() -> i64 {
    1
}

fn is_one(v: &i64) -> bool {
    *v == 1
}

/// An indicator of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    pub id: IndicatorId,
    pub code: IndicatorCode,
    pub name_vi: String,
    pub name_en: String,
    /// The unit of measure as written: "ha", "tấn", "tỷ đồng", "doanh nghiệp", "%".
    pub measure: String,
    pub value_type: ValueType,
    pub rollup: Rollup,
    pub accumulation: Accumulation,
    pub direction: Direction,
    pub sector: Sector,
    /// Decimal places when written (0–4).
    pub decimals: u8,
    pub active: bool,
    pub version: i64,
}

impl Indicator {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.name_vi, &self.name_en)
    }

    /// Whether units enter this indicator's figures (ratios are computed, never entered).
    pub fn is_entered(&self) -> bool {
        self.rollup.kind != RollupKind::Ratio
    }

    /// Checks a typed figure against the value type and the plausible bounds ([`Indicator::bounds`]):
    /// counts are whole and not negative, yes/no is 0 or 1, an entered percentage lies within
    /// 0–100 (a % of plan, which may exceed 100, is computed, never entered), and no figure goes
    /// beyond the bounds of its measure or [`FIGURE_LIMIT`].
    pub fn check_figure(&self, v: Figure) -> Result<(), IndicatorRuleError> {
        match self.value_type {
            ValueType::Count if !v.is_integer() || v < Figure::ZERO => {
                return Err(IndicatorRuleError::CountNotWhole);
            }
            ValueType::YesNo if v != Figure::ZERO && Some(v) != Figure::from_int(1) => {
                return Err(IndicatorRuleError::YesNoNotBinary);
            }
            ValueType::Percent if v < Figure::ZERO => return Err(IndicatorRuleError::Negative),
            ValueType::Text => return Err(IndicatorRuleError::TextHasNoFigure),
            _ => {}
        }
        self.check_bounds(v)
    }

    /// Checks a figure against the plausible bounds only ([`Indicator::bounds`]): what the store
    /// holds every figure to before it can reach a roll-up.
    pub fn check_bounds(&self, v: Figure) -> Result<(), IndicatorRuleError> {
        let (min, max) = self.bounds();
        if v < min {
            Err(if min == Figure::ZERO {
                IndicatorRuleError::Negative
            } else {
                IndicatorRuleError::BelowMin(min)
            })
        } else if v > max {
            Err(IndicatorRuleError::AboveMax(max))
        } else {
            Ok(())
        }
    }

    /// The plausible bounds of one unit's figure for one period: 0–100 for a percentage, 0–1 for
    /// yes/no, the bounds of the measure (`data/figure_bounds.toml`) for a number, and never beyond
    /// ±[`FIGURE_LIMIT`].
    pub fn bounds(&self) -> (Figure, Figure) {
        let limit = Figure(FIGURE_LIMIT_SCALED);
        match self.value_type {
            ValueType::Percent => (Figure::ZERO, Figure(100 * FIGURE_ONE)),
            ValueType::YesNo => (Figure::ZERO, Figure(FIGURE_ONE)),
            ValueType::Count => (Figure::ZERO, limit),
            ValueType::Text => (Figure(-FIGURE_LIMIT_SCALED), limit),
            ValueType::Number => match measure_bounds(&self.measure) {
                Some((min, max)) => (min.max(Figure(-FIGURE_LIMIT_SCALED)), max.min(limit)),
                None => (Figure(-FIGURE_LIMIT_SCALED), limit),
            },
        }
    }

    /// Parses a typed cell or form value for this indicator ("có"/"không" for yes/no).
    pub fn parse_value(&self, raw: &str) -> Result<Figure, IndicatorRuleError> {
        if self.value_type == ValueType::YesNo {
            let key = giaoban_vntext::normalize::ascii_key(raw);
            match key.as_str() {
                "co" | "dat" | "yes" | "x" | "1" | "true" => {
                    return Figure::from_int(1).ok_or(IndicatorRuleError::YesNoNotBinary);
                }
                "khong" | "chua dat" | "no" | "0" | "false" => return Ok(Figure::ZERO),
                _ => return Err(IndicatorRuleError::YesNoNotBinary),
            }
        }
        let v = Figure::parse(raw).map_err(IndicatorRuleError::Figure)?;
        self.check_figure(v)?;
        Ok(v)
    }
}

/// The largest figure (in its own unit) any unit may report for one indicator and period:
/// ±10 000 000 000.
///
/// Why this bound: the roll-ups keep sums of scaled figures (value × 10 000). One figure at the
/// limit is 10^10 × 10^4 = 10^14 scaled; `i64::MAX` ≈ 9.22 × 10^18, so 92 233 figures at the limit
/// still sum without overflow (10^14 × 92 233 = 9.2233 × 10^18 < 9.2234 × 10^18). A total counts one
/// figure per reporting unit under it (one active form per period kind carries an indicator), and
/// the whole country has about 10 000 communes and wards (fewer than 3 400 since 2025): a sum of
/// allowed figures cannot overflow. The stored totals are i128 besides (`storage::reports::sets`),
/// so even figures stored before this limit existed never make another unit's sending fail.
pub const FIGURE_LIMIT: i64 = 10_000_000_000;
const FIGURE_LIMIT_SCALED: i64 = FIGURE_LIMIT * FIGURE_ONE;

/// The bounds by measure, from `data/figure_bounds.toml`.
const BUNDLED_FIGURE_BOUNDS: &str = include_str!("../data/figure_bounds.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundsFile {
    measure: Vec<MeasureBounds>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureBounds {
    names: Vec<String>,
    #[serde(default)]
    min: i64,
    max: i64,
}

static MEASURE_BOUNDS: std::sync::LazyLock<BTreeMap<String, (Figure, Figure)>> =
    std::sync::LazyLock::new(|| {
        // The file ships with the program and a unit test reads it; were it ever unreadable, every
        // number would keep the general limit.
        let file: BoundsFile = toml::from_str(BUNDLED_FIGURE_BOUNDS).unwrap_or(BoundsFile {
            measure: Vec::new(),
        });
        let mut out = BTreeMap::new();
        for m in file.measure {
            let scale = |v: i64| Figure(v.clamp(-FIGURE_LIMIT, FIGURE_LIMIT) * FIGURE_ONE);
            for n in &m.names {
                out.insert(measure_key(n), (scale(m.min), scale(m.max)));
            }
        }
        out
    });

fn measure_key(measure: &str) -> String {
    giaoban_vntext::normalize::ascii_key(measure)
}

/// The plausible bounds of a measure ("ha", "tỷ đồng"), if it is one of the bundled table.
pub fn measure_bounds(measure: &str) -> Option<(Figure, Figure)> {
    MEASURE_BOUNDS.get(&measure_key(measure)).copied()
}

/// Decimal places that write a bound exactly: none for a whole number.
fn plain_places(f: Figure) -> u8 {
    if f.is_integer() { 0 } else { 4 }
}

/// Why a figure does not fit its indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorRuleError {
    Figure(FigureError),
    CountNotWhole,
    YesNoNotBinary,
    Negative,
    TextHasNoFigure,
    /// Beyond the plausible maximum of the indicator (the maximum).
    AboveMax(Figure),
    /// Below the plausible minimum of the indicator (the minimum).
    BelowMin(Figure),
}

impl IndicatorRuleError {
    pub fn message(self, lang: Lang) -> String {
        match self {
            IndicatorRuleError::Figure(e) => e.message(lang).to_owned(),
            IndicatorRuleError::CountNotWhole => lang
                .pick(
                    "phải là số nguyên không âm",
                    "must be a whole number, not negative",
                )
                .to_owned(),
            IndicatorRuleError::YesNoNotBinary => lang
                .pick(
                    "chỉ nhận «có» hoặc «không» (1 hoặc 0)",
                    "only «yes» or «no» (1 or 0)",
                )
                .to_owned(),
            IndicatorRuleError::Negative => lang
                .pick("không được âm", "must not be negative")
                .to_owned(),
            IndicatorRuleError::TextHasNoFigure => lang
                .pick(
                    "chỉ tiêu dạng văn bản không nhận số",
                    "a text indicator takes no figure",
                )
                .to_owned(),
            IndicatorRuleError::AboveMax(max) => match lang {
                Lang::Vi => format!(
                    "vượt quá mức hợp lý của một đơn vị: tối đa {}",
                    max.format_vi(plain_places(max))
                ),
                Lang::En => format!(
                    "beyond what one unit can plausibly report: at most {}",
                    max.format_en(plain_places(max))
                ),
            },
            IndicatorRuleError::BelowMin(min) => match lang {
                Lang::Vi => format!(
                    "nhỏ hơn mức hợp lý: tối thiểu {}",
                    min.format_vi(plain_places(min))
                ),
                Lang::En => format!(
                    "below the plausible minimum of {}",
                    min.format_en(plain_places(min))
                ),
            },
        }
    }
}

/// An indicator to create or the new state of one (from a form, the API or the catalog file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorInput {
    #[cfg_attr(feature = "openapi", schema(value_type = IndicatorCode))]
    pub code: String,
    /// Tên chỉ tiêu.
    #[cfg_attr(feature = "openapi", schema(examples("Diện tích lúa gieo cấy")))]
    pub name_vi: String,
    /// The name in English.
    #[serde(default)]
    pub name_en: String,
    /// Đơn vị tính (ha, tấn, %…), up to 40 characters.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("ha")))]
    pub measure: String,
    /// `number`, `percent`, `count`, `yes_no` or `text`.
    #[cfg_attr(feature = "openapi", schema(value_type = ValueType))]
    pub value_type: String,
    /// How figures combine up the unit tree: `sum` (default), `average`, `min`, `max`,
    /// `count_yes`, `ratio`, `none`.
    #[serde(default = "default_rollup")]
    #[cfg_attr(feature = "openapi", schema(value_type = RollupKind))]
    pub rollup: String,
    /// For a ratio: the numerator's code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<IndicatorCode>))]
    pub numerator: Option<String>,
    /// For a ratio: the denominator's code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<IndicatorCode>))]
    pub denominator: Option<String>,
    /// For a ratio: the factor (100 for a percentage).
    #[serde(default)]
    pub factor: Option<i64>,
    /// How the year-to-date figure is formed: `flow` (default) or `stock`.
    #[serde(default = "default_accumulation")]
    #[cfg_attr(feature = "openapi", schema(value_type = Accumulation))]
    pub accumulation: String,
    /// Whether a bigger figure is better: `higher` (default) or `lower`.
    #[serde(default = "default_direction")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::DirectionCode))]
    pub direction: String,
    /// Lĩnh vực; default `other`.
    #[serde(default = "default_sector")]
    #[cfg_attr(feature = "openapi", schema(value_type = Sector))]
    pub sector: String,
    /// Decimal places shown, 0–4; default by value type.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(maximum = 4))]
    pub decimals: Option<u8>,
    /// Whether units still report it; default true.
    #[serde(default = "yes")]
    pub active: bool,
}

fn default_rollup() -> String {
    "sum".into()
}
fn default_accumulation() -> String {
    "flow".into()
}
fn default_direction() -> String {
    "higher".into()
}
fn default_sector() -> String {
    "other".into()
}
fn yes() -> bool {
    true
}

/// A validated indicator definition (without identity).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorDraft {
    pub code: IndicatorCode,
    pub name_vi: String,
    pub name_en: String,
    pub measure: String,
    pub value_type: ValueType,
    pub rollup: Rollup,
    pub accumulation: Accumulation,
    pub direction: Direction,
    pub sector: Sector,
    pub decimals: u8,
    pub active: bool,
}

fn unknown(field: &'static str, code: &'static str, got: &str, allowed: &[&str]) -> Invalid {
    Invalid::new(
        field,
        code,
        format!(
            "Giá trị «{got}» không hợp lệ (chọn một trong: {}).",
            allowed.join(", ")
        ),
        format!("Invalid value «{got}» (one of: {}).", allowed.join(", ")),
    )
}

impl IndicatorDraft {
    pub fn parse(input: &IndicatorInput) -> Result<IndicatorDraft, Invalids> {
        let mut errs = Invalids::default();
        let code = errs.take(IndicatorCode::parse(&input.code));
        let name_vi = errs.take(required_text("name_vi", &input.name_vi, 300));
        let name_en = errs
            .take(clean_text("name_en", &input.name_en, 300))
            .map(Option::unwrap_or_default);
        let measure = errs
            .take(clean_text("measure", &input.measure, 40))
            .map(Option::unwrap_or_default);
        let value_type = ValueType::parse(&input.value_type);
        if value_type.is_none() {
            errs.push(unknown(
                "value_type",
                "indicator.value_type_unknown",
                &input.value_type,
                &ValueType::ALL.iter().map(|v| v.code()).collect::<Vec<_>>(),
            ));
        }
        let rollup_kind = RollupKind::parse(&input.rollup);
        if rollup_kind.is_none() {
            errs.push(unknown(
                "rollup",
                "indicator.rollup_unknown",
                &input.rollup,
                &RollupKind::ALL.iter().map(|v| v.code()).collect::<Vec<_>>(),
            ));
        }
        let accumulation = Accumulation::parse(&input.accumulation);
        if accumulation.is_none() {
            errs.push(unknown(
                "accumulation",
                "indicator.accumulation_unknown",
                &input.accumulation,
                &Accumulation::ALL
                    .iter()
                    .map(|v| v.code())
                    .collect::<Vec<_>>(),
            ));
        }
        let direction = Direction::parse(&input.direction);
        if direction.is_none() {
            errs.push(unknown(
                "direction",
                "indicator.direction_unknown",
                &input.direction,
                &Direction::ALL.iter().map(|v| v.code()).collect::<Vec<_>>(),
            ));
        }
        let sector = Sector::parse(&input.sector);
        if sector.is_none() {
            errs.push(unknown(
                "sector",
                "indicator.sector_unknown",
                &input.sector,
                &Sector::ALL.iter().map(|v| v.code()).collect::<Vec<_>>(),
            ));
        }
        let decimals = input.decimals.unwrap_or(match value_type {
            Some(ValueType::Count | ValueType::YesNo | ValueType::Text) => 0,
            Some(ValueType::Percent) => 1,
            _ => 2,
        });
        if decimals > 4 {
            errs.push(Invalid::new(
                "decimals",
                "indicator.decimals_range",
                "Số chữ số thập phân từ 0 đến 4.",
                "Decimal places must be 0 to 4.",
            ));
        }
        let mut numerator = None;
        let mut denominator = None;
        let factor = input.factor.unwrap_or(1);
        match rollup_kind {
            Some(RollupKind::Ratio) => {
                numerator = input.numerator.as_deref().and_then(|c| {
                    errs.take(IndicatorCode::parse(c).map_err(|mut e| {
                        e.field = "numerator";
                        e
                    }))
                });
                denominator = input.denominator.as_deref().and_then(|c| {
                    errs.take(IndicatorCode::parse(c).map_err(|mut e| {
                        e.field = "denominator";
                        e
                    }))
                });
                if input.numerator.is_none() || input.denominator.is_none() {
                    errs.push(Invalid::new(
                        "numerator",
                        "indicator.ratio_parts",
                        "Chỉ tiêu tỷ số cần mã chỉ tiêu tử số và mẫu số.",
                        "A ratio indicator needs a numerator and a denominator indicator code.",
                    ));
                }
                if !(1..=1_000_000).contains(&factor) {
                    errs.push(Invalid::new(
                        "factor",
                        "indicator.factor_range",
                        "Hệ số nhân từ 1 đến 1.000.000 (100 cho tỷ lệ %).",
                        "The factor must be 1 to 1,000,000 (100 for a percentage).",
                    ));
                }
            }
            Some(RollupKind::None) if value_type != Some(ValueType::Text) => {
                errs.push(Invalid::new(
                    "rollup",
                    "indicator.rollup_none_for_figures",
                    "Chỉ tiêu có số liệu phải có cách tổng hợp.",
                    "An indicator with figures needs a roll-up rule.",
                ));
            }
            Some(k) if value_type == Some(ValueType::Text) && k != RollupKind::None => {
                errs.push(Invalid::new(
                    "rollup",
                    "indicator.text_not_rolled",
                    "Chỉ tiêu dạng văn bản không tổng hợp (chọn «none»).",
                    "A text indicator is not rolled up (choose «none»).",
                ));
            }
            Some(RollupKind::CountYes) if value_type != Some(ValueType::YesNo) => {
                errs.push(Invalid::new(
                    "rollup",
                    "indicator.count_yes_needs_yes_no",
                    "Đếm số đơn vị đạt chỉ dùng cho chỉ tiêu Có/Không.",
                    "Count of yes applies to yes/no indicators only.",
                ));
            }
            _ => {}
        }
        errs.into_result()?;
        let (Some(code), Some(name_vi), Some(name_en), Some(measure)) =
            (code, name_vi, name_en, measure)
        else {
            return Err(Invalids::default());
        };
        let (Some(value_type), Some(kind), Some(accumulation), Some(direction), Some(sector)) =
            (value_type, rollup_kind, accumulation, direction, sector)
        else {
            return Err(Invalids::default());
        };
        if numerator.as_ref() == Some(&code) || denominator.as_ref() == Some(&code) {
            return Err(Invalid::new(
                "numerator",
                "indicator.ratio_self",
                "Chỉ tiêu tỷ số không thể tính từ chính nó.",
                "A ratio indicator cannot be computed from itself.",
            )
            .into());
        }
        Ok(IndicatorDraft {
            name_en: if name_en.is_empty() {
                name_vi.clone()
            } else {
                name_en
            },
            code,
            name_vi,
            measure,
            value_type,
            rollup: Rollup {
                kind,
                numerator,
                denominator,
                factor: if kind == RollupKind::Ratio { factor } else { 1 },
            },
            accumulation,
            direction,
            sector,
            decimals,
            active: input.active,
        })
    }
}

/// One located problem of a catalog file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogError {
    /// 1-based position of the indicator in the file (0 for the whole file).
    pub entry: usize,
    pub code: String,
    pub vi: String,
    pub en: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogFile {
    indicator: Vec<IndicatorInput>,
}

/// The catalog shipped with giaoban (`data/indicators.toml`).
pub const BUNDLED_CATALOG: &str = include_str!("../data/indicators.toml");

/// Parses a catalog file: every entry checked, codes unique, ratio parts present in the file.
pub fn parse_catalog(text: &str) -> Result<Vec<IndicatorDraft>, Vec<CatalogError>> {
    let file: CatalogFile = toml::from_str(text).map_err(|e| {
        vec![CatalogError {
            entry: 0,
            code: String::new(),
            vi: format!("Tệp danh mục không đọc được: {}", e.message()),
            en: format!("The catalog file cannot be read: {}", e.message()),
        }]
    })?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, input) in file.indicator.iter().enumerate() {
        match IndicatorDraft::parse(input) {
            Ok(d) => {
                if !seen.insert(d.code.clone()) {
                    errors.push(CatalogError {
                        entry: i + 1,
                        code: d.code.to_string(),
                        vi: format!("Mã chỉ tiêu {} bị trùng.", d.code),
                        en: format!("Duplicate indicator code {}.", d.code),
                    });
                }
                out.push(d);
            }
            Err(es) => errors.extend(es.0.into_iter().map(|e| CatalogError {
                entry: i + 1,
                code: input.code.clone(),
                vi: format!("{}: {}", e.field, e.vi),
                en: format!("{}: {}", e.field, e.en),
            })),
        }
    }
    for (i, d) in out.iter().enumerate() {
        for part in [&d.rollup.numerator, &d.rollup.denominator]
            .into_iter()
            .flatten()
        {
            if !seen.contains(part) {
                errors.push(CatalogError {
                    entry: i + 1,
                    code: d.code.to_string(),
                    vi: format!(
                        "Chỉ tiêu {} tính từ {part}, nhưng danh mục không có {part}.",
                        d.code
                    ),
                    en: format!(
                        "Indicator {} is computed from {part}, which the catalog lacks.",
                        d.code
                    ),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Running totals of one indicator, period and unit over the figures counted below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Aggregate {
    pub sum: Figure,
    pub count: i64,
    pub min: Option<Figure>,
    pub max: Option<Figure>,
}

impl Aggregate {
    /// Folds figures into an aggregate (the full rebuild does exactly this). The sum is taken in
    /// i128, as the stored totals keep it, and only the result is held to the range of a figure:
    /// the order of the figures never changes it.
    pub fn of(figures: impl IntoIterator<Item = Figure>) -> Aggregate {
        let mut a = Aggregate::default();
        let mut sum = 0_i128;
        for f in figures {
            sum += i128::from(f.0);
            a.count += 1;
            a.min = Some(a.min.map_or(f, |m| m.min(f)));
            a.max = Some(a.max.map_or(f, |m| m.max(f)));
        }
        a.sum = Figure::from_wide_sum(sum);
        a
    }

    /// The figure this aggregate shows for an indicator whose roll-up is not a ratio.
    pub fn value(&self, kind: RollupKind) -> Option<Figure> {
        if self.count == 0 {
            return None;
        }
        match kind {
            RollupKind::Sum | RollupKind::CountYes => Some(self.sum),
            RollupKind::Average => Figure::mean(self.sum, self.count),
            RollupKind::Min => self.min,
            RollupKind::Max => self.max,
            RollupKind::Ratio | RollupKind::None => None,
        }
    }
}

/// The figure an indicator shows at one unit and period, from its aggregates. `agg(code)` gives
/// the aggregate of an indicator by code (needed for ratios).
pub fn rolled_value(
    indicator: &Indicator,
    own: Option<&Aggregate>,
    agg: impl Fn(&IndicatorCode) -> Option<Aggregate>,
) -> Option<Figure> {
    match indicator.rollup.kind {
        RollupKind::Ratio => {
            let n = agg(indicator.rollup.numerator.as_ref()?)?;
            let d = agg(indicator.rollup.denominator.as_ref()?)?;
            if n.count == 0 || d.count == 0 {
                return None;
            }
            Figure::ratio(n.sum, d.sum, indicator.rollup.factor)
        }
        k => own?.value(k),
    }
}

/// The periods whose figures make the year-to-date (lũy kế) at `period`: the year's periods of the
/// same kind up to it (a flow), or the period alone (a stock). Weeks and years are their own.
pub fn year_to_date_periods(period: Period, accumulation: Accumulation) -> Vec<Period> {
    match (accumulation, period.kind()) {
        (Accumulation::Stock, _) | (_, PeriodKind::Year | PeriodKind::NineMonths) => vec![period],
        (Accumulation::Flow, kind) => (1..=period.index())
            .filter_map(|i| Period::new(kind, period.year(), i).ok())
            .collect(),
    }
}

/// The year-to-date figure from the figures of the periods of [`year_to_date_periods`] (in order);
/// `None` when no period has a figure.
pub fn year_to_date(accumulation: Accumulation, figures: &[Option<Figure>]) -> Option<Figure> {
    match accumulation {
        Accumulation::Stock => figures.last().copied().flatten(),
        Accumulation::Flow => {
            let mut any = false;
            let mut sum = Figure::ZERO;
            for f in figures.iter().flatten() {
                any = true;
                sum = sum.checked_add(*f)?;
            }
            any.then_some(sum)
        }
    }
}

/// Percentage of plan, from the year-to-date figure and the annual target ("đạt 101,2% kế hoạch").
pub fn percent_of_plan(year_to_date: Figure, target: Figure) -> Option<Figure> {
    year_to_date.percent_of(target)
}

/// Change against the same period of the previous year, in percent ("tăng 3,1% so với cùng kỳ").
pub fn change_on_last_year(now: Figure, last_year: Figure) -> Option<Figure> {
    now.checked_sub(last_year)?.percent_of(last_year)
}

/// The indicators by code, for ratio lookups.
pub fn by_code(indicators: &[Indicator]) -> BTreeMap<&IndicatorCode, &Indicator> {
    indicators.iter().map(|i| (&i.code, i)).collect()
}

/// The periods whose aggregates a roll-up table at `period` needs ([`rollup_table`]): the year's
/// periods up to it (the year-to-date of a flow), the period itself and the same period a year
/// earlier when there is one; each once.
pub fn rollup_table_periods(period: Period) -> Vec<Period> {
    let mut out = year_to_date_periods(period, Accumulation::Flow);
    out.push(period);
    out.extend(Period::new(period.kind(), period.year() - 1, period.index()).ok());
    out.sort();
    out.dedup();
    out
}

/// One indicator's line of a unit's roll-up table (biểu tổng hợp) for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupLine<'a> {
    pub indicator: &'a Indicator,
    /// The period's figure at the unit.
    pub value: Option<Figure>,
    /// Year-to-date (lũy kế).
    pub year_to_date: Option<Figure>,
    /// The unit's plan target for the year.
    pub target: Option<Figure>,
    /// Year-to-date as a percentage of the target: `None` without a target, or with a zero one.
    pub percent_of_plan: Option<Figure>,
    /// The same period a year earlier (cùng kỳ).
    pub last_year: Option<Figure>,
    /// Change of the period's figure against the same period last year, in percent.
    pub change: Option<Figure>,
    /// How many units' figures make the period's total.
    pub reporting_units: i64,
}

/// A unit's roll-up table for `period`, from the figures already read: `aggregate(indicator,
/// period)` gives the unit's running totals of an indicator for one of the
/// [`rollup_table_periods`], `target(indicator)` its plan target for the period's year.
///
/// Indicators that do not roll up are left out, and so is an indicator with nothing to show
/// (no figure this period, this year or last year, and no target). Lines are ordered by sector,
/// then by indicator code.
pub fn rollup_table<'a>(
    indicators: &'a [Indicator],
    period: Period,
    aggregate: impl Fn(IndicatorId, Period) -> Option<Aggregate>,
    target: impl Fn(IndicatorId) -> Option<Figure>,
) -> Vec<RollupLine<'a>> {
    let last_year = Period::new(period.kind(), period.year() - 1, period.index()).ok();
    let ids: HashMap<&IndicatorCode, IndicatorId> =
        indicators.iter().map(|i| (&i.code, i.id)).collect();
    // A ratio is computed from its numerator's and denominator's aggregates of the same period.
    let value_at = |ind: &Indicator, p: Period| -> Option<Figure> {
        rolled_value(ind, aggregate(ind.id, p).as_ref(), |c| {
            ids.get(c).and_then(|id| aggregate(*id, p))
        })
    };
    let mut lines = Vec::new();
    for ind in indicators
        .iter()
        .filter(|i| i.rollup.kind != RollupKind::None)
    {
        let value = value_at(ind, period);
        let figures: Vec<Option<Figure>> = year_to_date_periods(period, ind.accumulation)
            .into_iter()
            .map(|p| value_at(ind, p))
            .collect();
        let ytd = year_to_date(ind.accumulation, &figures);
        let target = target(ind.id);
        let ly = last_year.and_then(|p| value_at(ind, p));
        if value.is_none() && ytd.is_none() && target.is_none() && ly.is_none() {
            continue;
        }
        lines.push(RollupLine {
            indicator: ind,
            value,
            year_to_date: ytd,
            target,
            percent_of_plan: ytd.zip(target).and_then(|(y, t)| percent_of_plan(y, t)),
            last_year: ly,
            change: value.zip(ly).and_then(|(v, l)| change_on_last_year(v, l)),
            reporting_units: aggregate(ind.id, period).map_or(0, |a| a.count),
        });
    }
    lines.sort_by(|a, b| {
        (a.indicator.sector.code())
            .cmp(b.indicator.sector.code())
            .then_with(|| a.indicator.code.as_str().cmp(b.indicator.code.as_str()))
    });
    lines
}

/// A plan target (chỉ tiêu kế hoạch) of one unit for one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTarget {
    pub year: i16,
    pub unit_id: crate::unit::UnitId,
    pub indicator_id: IndicatorId,
    pub value: Figure,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fig(s: &str) -> Figure {
        Figure::parse(s).unwrap()
    }

    #[test]
    fn figures_parse_as_people_type_them() {
        assert_eq!(fig("5.466,32").scaled(), 54_663_200);
        assert_eq!(fig("5466.32").scaled(), 54_663_200);
        assert_eq!(fig("5466,32").scaled(), 54_663_200);
        assert_eq!(fig("09"), Figure::from_int(9).unwrap());
        assert_eq!(fig("16.850"), Figure::from_int(16_850).unwrap());
        assert_eq!(fig(" 1 101,4 ").scaled(), 11_014_000);
        assert_eq!(fig("-3").scaled(), -30_000);
        assert_eq!(Figure::parse(""), Err(FigureError::Empty));
        assert_eq!(Figure::parse("abc"), Err(FigureError::NotANumber));
        assert_eq!(Figure::parse("1,23456"), Err(FigureError::TooPrecise));
        assert_eq!(Figure::parse("1.2.3"), Err(FigureError::NotANumber));
    }

    #[test]
    fn percentages_of_plan_round_half_away_from_zero() {
        // Cẩm Thủy, seed 004: sown area 101,2% of plan; 09 new enterprises = 20% of plan.
        let p = percent_of_plan(fig("6.578"), fig("6.500")).unwrap();
        assert_eq!(p.format_vi(1), "101,2");
        assert_eq!(
            percent_of_plan(fig("9"), fig("45")).unwrap().format_vi(0),
            "20"
        );
        assert_eq!(percent_of_plan(fig("1"), Figure::ZERO), None);
        assert_eq!(
            Figure::ratio(fig("2"), fig("3"), 1).unwrap().scaled(),
            6_667
        );
        assert_eq!(
            Figure::ratio(fig("-2"), fig("3"), 1).unwrap().scaled(),
            -6_667
        );
        assert_eq!(
            change_on_last_year(fig("103,1"), fig("100"))
                .unwrap()
                .format_vi(1),
            "3,1"
        );
    }

    #[test]
    fn averages_give_criteria_per_commune() {
        // Kỳ Anh, seed 001: 9,8 criteria per commune on average.
        let a = Aggregate::of([10, 9, 11, 9, 10].map(|v| Figure::from_int(v).unwrap()));
        assert_eq!(a.value(RollupKind::Average).unwrap().format_vi(1), "9,8");
        assert_eq!(a.value(RollupKind::Min), Figure::from_int(9));
        assert_eq!(a.value(RollupKind::Max), Figure::from_int(11));
        assert_eq!(Aggregate::default().value(RollupKind::Sum), None);
    }

    #[test]
    fn year_to_date_sums_flows_and_keeps_the_last_stock() {
        let q2 = Period::quarter(2023, 2).unwrap();
        let periods = year_to_date_periods(q2, Accumulation::Flow);
        assert_eq!(
            periods.iter().map(|p| p.code()).collect::<Vec<_>>(),
            ["2023Q1", "2023Q2"]
        );
        assert_eq!(year_to_date_periods(q2, Accumulation::Stock), vec![q2]);
        let f = [Some(fig("9")), Some(fig("4"))];
        assert_eq!(year_to_date(Accumulation::Flow, &f), Some(fig("13")));
        assert_eq!(year_to_date(Accumulation::Stock, &f), Some(fig("4")));
        assert_eq!(year_to_date(Accumulation::Flow, &[None, None]), None);
    }

    fn catalog_indicator(code: &str, sector: Sector, kind: RollupKind) -> Indicator {
        Indicator {
            id: IndicatorId::new(),
            code: IndicatorCode(code.into()),
            name_vi: code.into(),
            name_en: code.into(),
            measure: String::new(),
            value_type: ValueType::Number,
            rollup: Rollup {
                kind,
                numerator: None,
                denominator: None,
                factor: 1,
            },
            accumulation: Accumulation::Flow,
            direction: Direction::HigherIsBetter,
            sector,
            decimals: 1,
            active: true,
            version: 1,
        }
    }

    /// The aggregates of one unit, as the store gives them, by indicator and period.
    type Read = std::collections::HashMap<(IndicatorId, Period), Aggregate>;

    fn reported(read: &mut Read, ind: &Indicator, period: Period, figures: &[&str]) {
        read.insert(
            (ind.id, period),
            Aggregate::of(figures.iter().map(|f| fig(f))),
        );
    }

    fn table<'a>(
        indicators: &'a [Indicator],
        period: Period,
        read: &Read,
        targets: &[(IndicatorId, Figure)],
    ) -> Vec<RollupLine<'a>> {
        rollup_table(
            indicators,
            period,
            |id, p| read.get(&(id, p)).copied(),
            |id| targets.iter().find(|t| t.0 == id).map(|t| t.1),
        )
    }

    #[test]
    fn a_rollup_table_reads_the_year_so_far_and_the_same_period_last_year() {
        let q3 = Period::quarter(2024, 3).unwrap();
        let codes: Vec<String> = rollup_table_periods(q3).iter().map(|p| p.code()).collect();
        assert_eq!(codes, ["2023Q3", "2024Q1", "2024Q2", "2024Q3"]);
        let year = Period::new(PeriodKind::Year, 2024, 1).unwrap();
        let codes: Vec<String> = rollup_table_periods(year)
            .iter()
            .map(|p| p.code())
            .collect();
        assert_eq!(codes, ["2023", "2024"]);
    }

    #[test]
    fn year_to_date_sums_a_flow_over_the_quarters_and_keeps_the_last_stock() {
        let q1 = Period::quarter(2024, 1).unwrap();
        let q2 = Period::quarter(2024, 2).unwrap();
        let q3 = Period::quarter(2024, 3).unwrap();
        let firms = catalog_indicator("DN_MOI", Sector::Enterprise, RollupKind::Sum);
        let mut sown = catalog_indicator("NN_GIEO", Sector::Agriculture, RollupKind::Sum);
        sown.accumulation = Accumulation::Stock;
        let indicators = [firms.clone(), sown.clone()];
        let mut read = Read::new();
        // Two communes report new enterprises in Q1, none in Q2, one in Q3.
        reported(&mut read, &firms, q1, &["4", "5"]);
        reported(&mut read, &firms, q3, &["3"]);
        reported(&mut read, &sown, q2, &["6.000"]);
        reported(&mut read, &sown, q3, &["6.578"]);
        let lines = table(&indicators, q3, &read, &[]);
        // Agriculture before enterprises.
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].indicator.code.as_str(), "NN_GIEO");
        assert_eq!(lines[0].value, Some(fig("6.578")));
        assert_eq!(lines[0].year_to_date, Some(fig("6.578")));
        assert_eq!(lines[1].indicator.code.as_str(), "DN_MOI");
        assert_eq!(lines[1].value, Some(fig("3")));
        assert_eq!(lines[1].year_to_date, Some(fig("12")));
        assert_eq!(lines[1].reporting_units, 1);
        // Q2 has no figure of its own, yet the year so far still shows.
        let q2_lines = table(&indicators, q2, &read, &[]);
        let firms_q2 = q2_lines
            .iter()
            .find(|l| l.indicator.id == firms.id)
            .unwrap();
        assert_eq!(firms_q2.value, None);
        assert_eq!(firms_q2.year_to_date, Some(fig("9")));
        assert_eq!(firms_q2.reporting_units, 0);
    }

    #[test]
    fn percent_of_plan_needs_a_target_that_is_not_zero() {
        let q2 = Period::quarter(2024, 2).unwrap();
        let a = catalog_indicator("A", Sector::Other, RollupKind::Sum);
        let b = catalog_indicator("B", Sector::Other, RollupKind::Sum);
        let c = catalog_indicator("C", Sector::Other, RollupKind::Sum);
        let indicators = [a.clone(), b.clone(), c.clone()];
        let mut read = Read::new();
        for ind in &indicators {
            reported(&mut read, ind, q2, &["9"]);
        }
        let targets = [(a.id, fig("45")), (b.id, Figure::ZERO)];
        let lines = table(&indicators, q2, &read, &targets);
        let line = |id: IndicatorId| lines.iter().find(|l| l.indicator.id == id).unwrap();
        assert_eq!(line(a.id).percent_of_plan, Some(fig("20")));
        // A zero target gives no percentage, and no target none either.
        assert_eq!(line(b.id).target, Some(Figure::ZERO));
        assert_eq!(line(b.id).percent_of_plan, None);
        assert_eq!(line(c.id).target, None);
        assert_eq!(line(c.id).percent_of_plan, None);
        // A target with no figure yet still makes a line, at no percentage.
        let lines = table(&indicators, q2, &Read::new(), &targets);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| l.percent_of_plan.is_none()));
    }

    #[test]
    fn the_change_on_last_year_needs_last_years_figure() {
        let q1 = Period::quarter(2024, 1).unwrap();
        let q1_before = Period::quarter(2023, 1).unwrap();
        let a = catalog_indicator("A", Sector::Other, RollupKind::Sum);
        let b = catalog_indicator("B", Sector::Other, RollupKind::Sum);
        let quiet = catalog_indicator("C", Sector::Other, RollupKind::Sum);
        let text = catalog_indicator("D", Sector::Other, RollupKind::None);
        let indicators = [a.clone(), b.clone(), quiet, text.clone()];
        let mut read = Read::new();
        reported(&mut read, &a, q1, &["103,1"]);
        reported(&mut read, &a, q1_before, &["100"]);
        reported(&mut read, &b, q1, &["50"]);
        reported(&mut read, &text, q1, &["1"]);
        let lines = table(&indicators, q1, &read, &[]);
        // The indicator with nothing to show and the one that never rolls up are left out.
        let codes: Vec<&str> = lines.iter().map(|l| l.indicator.code.as_str()).collect();
        assert_eq!(codes, ["A", "B"]);
        assert_eq!(lines[0].last_year, Some(fig("100")));
        assert_eq!(lines[0].change.map(|c| c.format_vi(1)), Some("3,1".into()));
        assert_eq!(lines[1].last_year, None);
        assert_eq!(lines[1].change, None);
        // Last year's figure alone still makes a line.
        let mut before = Read::new();
        reported(&mut before, &b, q1_before, &["40"]);
        let lines = table(&indicators, q1, &before, &[]);
        assert_eq!(lines.len(), 1);
        assert_eq!(
            (lines[0].value, lines[0].last_year),
            (None, Some(fig("40")))
        );
    }

    #[test]
    fn a_ratio_line_is_computed_from_its_two_indicators_of_the_same_period() {
        let q1 = Period::quarter(2024, 1).unwrap();
        let num = catalog_indicator("HS_DAT", Sector::CultureSociety, RollupKind::Sum);
        let den = catalog_indicator("HS_TONG", Sector::CultureSociety, RollupKind::Sum);
        let mut ratio = catalog_indicator("HS_TYLE", Sector::CultureSociety, RollupKind::Ratio);
        ratio.rollup.numerator = Some(num.code.clone());
        ratio.rollup.denominator = Some(den.code.clone());
        ratio.rollup.factor = 100;
        let indicators = [num.clone(), den.clone(), ratio.clone()];
        let mut read = Read::new();
        reported(&mut read, &num, q1, &["45", "45"]);
        reported(&mut read, &den, q1, &["50", "50"]);
        let lines = table(&indicators, q1, &read, &[]);
        let line = lines.iter().find(|l| l.indicator.id == ratio.id).unwrap();
        assert_eq!(line.value, Some(fig("90")));
        // A ratio has no aggregate of its own: no unit counts as reporting it.
        assert_eq!(line.reporting_units, 0);
    }

    #[test]
    fn the_bundled_catalog_parses() {
        let c = parse_catalog(BUNDLED_CATALOG).unwrap();
        assert!(c.len() >= 20, "{}", c.len());
        assert!(c.iter().any(|d| d.rollup.kind == RollupKind::Ratio));
    }

    #[test]
    fn a_broken_catalog_is_refused_with_located_messages() {
        let text = r#"
[[indicator]]
code = "A_ONE"
name_vi = "Một"
value_type = "number"

[[indicator]]
code = "A_ONE"
name_vi = "Trùng"
value_type = "count"

[[indicator]]
code = "RR"
name_vi = "Tỷ lệ"
value_type = "percent"
rollup = "ratio"
numerator = "A_ONE"
denominator = "MISSING"
factor = 100

[[indicator]]
code = "BB"
name_vi = "Sai"
value_type = "weird"
"#;
        let errs = parse_catalog(text).unwrap_err();
        let located: Vec<(usize, &str)> = errs.iter().map(|e| (e.entry, e.en.as_str())).collect();
        assert!(
            located
                .iter()
                .any(|(i, m)| *i == 2 && m.contains("Duplicate")),
            "{located:?}"
        );
        assert!(
            located
                .iter()
                .any(|(i, m)| *i == 3 && m.contains("MISSING")),
            "{located:?}"
        );
        assert!(
            located.iter().any(|(i, m)| *i == 4 && m.contains("weird")),
            "{located:?}"
        );
    }

    #[test]
    fn values_are_checked_against_the_value_type() {
        let mut ind = Indicator {
            id: IndicatorId::new(),
            code: IndicatorCode::parse("X").unwrap_or(IndicatorCode("XX".into())),
            name_vi: "x".into(),
            name_en: "x".into(),
            measure: String::new(),
            value_type: ValueType::Count,
            rollup: Rollup {
                kind: RollupKind::Sum,
                numerator: None,
                denominator: None,
                factor: 1,
            },
            accumulation: Accumulation::Flow,
            direction: Direction::HigherIsBetter,
            sector: Sector::Other,
            decimals: 0,
            active: true,
            version: 1,
        };
        assert_eq!(
            ind.parse_value("1,5"),
            Err(IndicatorRuleError::CountNotWhole)
        );
        assert_eq!(ind.parse_value("09"), Ok(fig("9")));
        ind.value_type = ValueType::YesNo;
        assert_eq!(ind.parse_value("Có"), Ok(fig("1")));
        assert_eq!(ind.parse_value("không"), Ok(Figure::ZERO));
        assert_eq!(
            ind.parse_value("2"),
            Err(IndicatorRuleError::YesNoNotBinary)
        );
    }

    #[test]
    fn figures_are_held_to_plausible_bounds() {
        let mut ind = Indicator {
            id: IndicatorId::new(),
            code: IndicatorCode("NN_LUA".into()),
            name_vi: "Lúa".into(),
            name_en: "Rice".into(),
            measure: "ha".into(),
            value_type: ValueType::Number,
            rollup: Rollup {
                kind: RollupKind::Sum,
                numerator: None,
                denominator: None,
                factor: 1,
            },
            accumulation: Accumulation::Flow,
            direction: Direction::HigherIsBetter,
            sector: Sector::Agriculture,
            decimals: 2,
            active: true,
            version: 1,
        };
        // The figure of the attack: 922 337 203 685 477 ha.
        let absurd = ind.parse_value("922337203685477");
        assert_eq!(absurd, Err(IndicatorRuleError::AboveMax(fig("40.000.000"))));
        assert!(
            absurd
                .unwrap_err()
                .message(Lang::Vi)
                .contains("tối đa 40.000.000"),
        );
        assert_eq!(ind.parse_value("40.000.000"), Ok(fig("40.000.000")));
        assert_eq!(ind.parse_value("-5"), Err(IndicatorRuleError::Negative));
        // "Héc-ta" and "HA" are the same measure.
        ind.measure = "Héc-ta".into();
        assert_eq!(ind.parse_value("-5"), Err(IndicatorRuleError::Negative));
        // A measure not in the table keeps the general limit and may be negative.
        ind.measure = "điểm".into();
        assert_eq!(ind.parse_value("-5"), Ok(fig("-5")));
        assert!(ind.parse_value("10.000.000.000").is_ok());
        assert_eq!(
            ind.parse_value("10.000.000.001"),
            Err(IndicatorRuleError::AboveMax(fig("10.000.000.000")))
        );
        assert_eq!(
            ind.parse_value("-10.000.000.001"),
            Err(IndicatorRuleError::BelowMin(fig("-10.000.000.000")))
        );
        ind.value_type = ValueType::Percent;
        assert!(ind.parse_value("100").is_ok());
        assert_eq!(
            ind.parse_value("100,1"),
            Err(IndicatorRuleError::AboveMax(fig("100")))
        );
        ind.value_type = ValueType::Count;
        assert_eq!(
            ind.parse_value("10.000.000.001"),
            Err(IndicatorRuleError::AboveMax(fig("10.000.000.000")))
        );
        // Every measure of the bundled table is read (a typo in the file would drop them all).
        for m in [
            "ha",
            "km",
            "m",
            "tấn",
            "tỷ đồng",
            "tỉ đồng",
            "triệu đồng",
            "m²",
        ] {
            assert!(measure_bounds(m).is_some(), "{m}");
        }
        // The arithmetic of FIGURE_LIMIT: 92 233 figures at the limit sum within an i64.
        let at_limit = i128::from(FIGURE_LIMIT_SCALED);
        assert!(at_limit * 92_233 <= i128::from(i64::MAX));
    }

    proptest! {
        #[test]
        fn figures_round_trip_through_vietnamese_writing(v in -9_000_000_000_000i64..9_000_000_000_000i64) {
            let f = Figure::from_scaled(v);
            prop_assert_eq!(Figure::parse(&f.format_vi(4)).unwrap(), f);
            prop_assert_eq!(Figure::parse(&f.to_string()).ok().filter(|_| !f.to_string().contains('.') || f.to_string().split('.').nth(1).map(|s| s.len()) != Some(3)).unwrap_or(f), f);
        }

        #[test]
        fn sums_do_not_depend_on_order(mut vs in proptest::collection::vec(-1_000_000_000i64..1_000_000_000, 0..50)) {
            let a = Aggregate::of(vs.iter().map(|v| Figure::from_scaled(*v)));
            vs.reverse();
            let b = Aggregate::of(vs.iter().map(|v| Figure::from_scaled(*v)));
            prop_assert_eq!(a, b);
        }
    }
}
