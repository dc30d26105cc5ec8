//! Numbers, units and quantities as Vietnamese administrative text writes them.
//!
//! Owns: the exact decimal type [`Decimal`] (no floating point for money or areas), parsing
//! ([`parse_number`]) and formatting ([`format_vi`]) in the Vietnamese convention, the unit
//! catalog ([`KnownUnit`]), and the scanner [`find_quantities`] that finds figures in running
//! text with their spans and any attached "% kế hoạch" or "so với cùng kỳ" comparison.
//!
//! ## The ambiguity rule
//! Vietnamese writes `.` to group thousands and `,` as the decimal mark. So:
//! - `,` is always the decimal mark, and at most one may appear: "122,072" = 122.072;
//! - `.` is a thousands separator only when every group after it has exactly three digits and
//!   the first group has one to three: "16.850" = 16850, "5.466,32" = 5466.32;
//! - anything else ("29.68", "1,234,567", "1.23.456") is rejected rather than guessed — in a
//!   Vietnamese document it is a typo, a section number or a foreign convention, and a wrong
//!   figure is worse than a missing one;
//! - leading zeros are allowed ("09 doanh nghiệp" = 9).
//!
//! ## Units
//! A unit is either known to the catalog (canonical name, dimension, scale to a base unit), a
//! per-unit ("tiêu chí/xã"), a near miss of a catalog unit (flagged with candidates, never fixed:
//! "21 doanhg nghiệp", "13lm"), or unknown (kept as written). Magnitude words (nghìn/ngàn,
//! triệu, tỷ/tỉ) multiply the value: "122,072 tỷ đồng" is 122 072 000 000 đồng.

use std::cmp::Ordering;
use std::fmt;

use serde::{Serialize, Serializer};

use crate::span::Span;
use crate::view::FoldedText;
use crate::view::cursor::{
    any_word, at_word_end, at_word_start, char_at, letters, skip_spaces, table_word, word,
};

/// Largest scale (digits after the decimal mark) a [`Decimal`] keeps.
pub const MAX_SCALE: u32 = 28;

/// An exact decimal number: `mantissa × 10^-scale`. Equality and ordering are by value
/// ("1,50" == "1,5").
#[derive(Clone, Copy, Debug, Default)]
pub struct Decimal {
    mantissa: i128,
    scale: u32,
}

fn pow10(exp: u32) -> Option<i128> {
    10i128.checked_pow(exp)
}

impl Decimal {
    pub const ZERO: Decimal = Decimal {
        mantissa: 0,
        scale: 0,
    };

    /// `mantissa × 10^-scale`; `None` when `scale` exceeds [`MAX_SCALE`].
    pub fn new(mantissa: i128, scale: u32) -> Option<Decimal> {
        (scale <= MAX_SCALE).then_some(Decimal { mantissa, scale })
    }

    pub fn from_int(value: i64) -> Decimal {
        Decimal {
            mantissa: i128::from(value),
            scale: 0,
        }
    }

    pub fn mantissa(&self) -> i128 {
        self.mantissa
    }

    pub fn scale(&self) -> u32 {
        self.scale
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The same value with trailing fractional zeros removed.
    pub fn normalized(self) -> Decimal {
        let mut d = self;
        while d.scale > 0 && d.mantissa % 10 == 0 {
            d.mantissa /= 10;
            d.scale -= 1;
        }
        d
    }

    /// `self × 10^exp`, used for magnitude words; `None` on overflow.
    pub fn checked_mul_pow10(self, exp: u32) -> Option<Decimal> {
        if self.scale >= exp {
            return Some(Decimal {
                mantissa: self.mantissa,
                scale: self.scale - exp,
            });
        }
        let mantissa = self.mantissa.checked_mul(pow10(exp - self.scale)?)?;
        Some(Decimal { mantissa, scale: 0 })
    }

    /// The value with exactly `scale` fractional digits, rounding half away from zero;
    /// `None` on overflow or when `scale` exceeds [`MAX_SCALE`].
    pub fn rescale(self, scale: u32) -> Option<Decimal> {
        if scale > MAX_SCALE {
            return None;
        }
        match scale.cmp(&self.scale) {
            Ordering::Equal => Some(self),
            Ordering::Greater => Some(Decimal {
                mantissa: self.mantissa.checked_mul(pow10(scale - self.scale)?)?,
                scale,
            }),
            Ordering::Less => {
                let div = pow10(self.scale - scale)?;
                let q = self.mantissa / div;
                let r = self.mantissa % div;
                // |r| * 2 >= div, computed without overflow.
                let round_away = r.unsigned_abs() >= div.unsigned_abs() - r.unsigned_abs();
                let q = if round_away {
                    if self.mantissa < 0 {
                        q.checked_sub(1)?
                    } else {
                        q.checked_add(1)?
                    }
                } else {
                    q
                };
                Some(Decimal { mantissa: q, scale })
            }
        }
    }

    pub fn checked_add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        let a = self.rescale(scale)?;
        let b = other.rescale(scale)?;
        Some(Decimal {
            mantissa: a.mantissa.checked_add(b.mantissa)?,
            scale,
        })
    }

    pub fn checked_mul(self, other: Decimal) -> Option<Decimal> {
        let d = Decimal {
            mantissa: self.mantissa.checked_mul(other.mantissa)?,
            scale: self.scale.checked_add(other.scale)?,
        };
        if d.scale > MAX_SCALE {
            d.normalized().rescale(MAX_SCALE)
        } else {
            Some(d)
        }
    }

    /// A floating-point approximation, for charts only — never for stored figures.
    pub fn to_f64(self) -> f64 {
        self.mantissa as f64 / 10f64.powi(self.scale as i32)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.normalized(), other.normalized());
        a.mantissa == b.mantissa && a.scale == b.scale
    }
}

impl Eq for Decimal {}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let n = self.normalized();
        n.mantissa.hash(state);
        n.scale.hash(state);
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        let (a, b) = (self.normalized(), other.normalized());
        let scale = a.scale.max(b.scale);
        match (a.rescale(scale), b.rescale(scale)) {
            (Some(x), Some(y)) => Some(x.mantissa.cmp(&y.mantissa)),
            // Only reachable near i128's limits: fall back to an approximation.
            _ => a.to_f64().partial_cmp(&b.to_f64()),
        }
    }
}

/// Machine form: `-5466.32`, no grouping (what JSON and databases get).
impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (int, frac) = split_digits(*self);
        if self.mantissa < 0 {
            f.write_str("-")?;
        }
        f.write_str(&int)?;
        if !frac.is_empty() {
            write!(f, ".{frac}")?;
        }
        Ok(())
    }
}

/// Parses the machine form written by `Display` ("-5466.32"): ASCII digits, optional sign,
/// optional '.' decimal point. For Vietnamese text use [`parse_number`].
impl std::str::FromStr for Decimal {
    type Err = NumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        if body.contains(',') {
            return Err(NumberError::InvalidCharacter);
        }
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        if int.is_empty() || (body.contains('.') && frac.is_empty()) {
            return Err(NumberError::BadGrouping);
        }
        // Reuse the Vietnamese parser on the digits with ',' as the decimal mark.
        let vi = if frac.is_empty() {
            int.to_string()
        } else {
            format!("{int},{frac}")
        };
        if int.contains('.') || frac.contains('.') {
            return Err(NumberError::BadGrouping);
        }
        let d = parse_unsigned(&vi)?;
        Ok(if negative {
            Decimal {
                mantissa: -d.mantissa,
                scale: d.scale,
            }
        } else {
            d
        })
    }
}

/// Serialised as a string in machine form, so no JSON reader turns it into a float.
impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Absolute integer and fractional digits of a decimal.
fn split_digits(d: Decimal) -> (String, String) {
    let digits = d.mantissa.unsigned_abs().to_string();
    let scale = d.scale as usize;
    if scale == 0 {
        return (digits, String::new());
    }
    let padded = if digits.len() <= scale {
        format!("{}{}", "0".repeat(scale + 1 - digits.len()), digits)
    } else {
        digits
    };
    let cut = padded.len() - scale;
    (padded[..cut].to_string(), padded[cut..].to_string())
}

/// Why a string is not a Vietnamese number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberError {
    Empty,
    /// A character other than digits, `.`, `,` and a leading sign.
    InvalidCharacter,
    /// `.` not followed by groups of exactly three digits (see the module's ambiguity rule).
    BadGrouping,
    /// More than one `,`.
    MultipleDecimalMarks,
    /// More fractional digits than [`MAX_SCALE`].
    TooPrecise,
    Overflow,
}

impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NumberError::Empty => "empty number",
            NumberError::InvalidCharacter => "unexpected character in number",
            NumberError::BadGrouping => "'.' must group thousands in threes",
            NumberError::MultipleDecimalMarks => "more than one decimal comma",
            NumberError::TooPrecise => "too many decimal digits",
            NumberError::Overflow => "number too large",
        })
    }
}

impl std::error::Error for NumberError {}

/// Parses a number in the Vietnamese convention ("5.466,32", "122,072", "16.850", "09", "-1,5").
/// Surrounding whitespace is ignored; see the module documentation for the ambiguity rule.
pub fn parse_number(s: &str) -> Result<Decimal, NumberError> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix(['-', '\u{2212}']) {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let d = parse_unsigned(body)?;
    Ok(if negative {
        Decimal {
            mantissa: -d.mantissa,
            scale: d.scale,
        }
    } else {
        d
    })
}

fn parse_unsigned(s: &str) -> Result<Decimal, NumberError> {
    if s.is_empty() {
        return Err(NumberError::Empty);
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return Err(NumberError::InvalidCharacter);
    }
    let mut parts = s.split(',');
    let int = parts.next().unwrap_or("");
    let frac = parts.next();
    if parts.next().is_some() {
        return Err(NumberError::MultipleDecimalMarks);
    }
    let mut groups = int.split('.');
    let first = groups.next().unwrap_or("");
    let rest: Vec<&str> = groups.collect();
    if first.is_empty()
        || (!rest.is_empty() && (first.len() > 3 || rest.iter().any(|g| g.len() != 3)))
    {
        return Err(NumberError::BadGrouping);
    }
    let frac = match frac {
        Some("") => return Err(NumberError::BadGrouping),
        Some(f) if f.contains('.') => return Err(NumberError::BadGrouping),
        Some(f) => f,
        None => "",
    };
    if frac.len() > MAX_SCALE as usize {
        return Err(NumberError::TooPrecise);
    }
    let mut mantissa: i128 = 0;
    for b in first
        .bytes()
        .chain(rest.iter().flat_map(|g| g.bytes()))
        .chain(frac.bytes())
    {
        mantissa = mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(i128::from(b - b'0')))
            .ok_or(NumberError::Overflow)?;
    }
    Ok(Decimal {
        mantissa,
        scale: frac.len() as u32,
    })
}

/// Formats in the Vietnamese convention with exactly `decimals` fractional digits (rounded half
/// away from zero): `format_vi(1234567.891, 3)` → "1.234.567,891". If the value cannot be
/// rescaled (beyond [`MAX_SCALE`] or overflow) it is written with its own digits.
pub fn format_vi(value: Decimal, decimals: u32) -> String {
    let value = value.rescale(decimals).unwrap_or(value);
    let (int, frac) = split_digits(value);
    let mut out = String::with_capacity(int.len() + int.len() / 3 + frac.len() + 2);
    if value.mantissa < 0 {
        out.push('-');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push(',');
        out.push_str(&frac);
    }
    out
}

/// What a unit measures; quantities of the same dimension can be converted through
/// [`KnownUnit::scale`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Area,
    Mass,
    Length,
    Volume,
    /// Counted things (người, hộ, xã…): each unit is its own base.
    Count,
    Money,
    Ratio,
    Duration,
}

/// Units of the catalog. The canonical name is the Vietnamese one as written in reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KnownUnit {
    /// ha (héc-ta)
    Hectare,
    /// tấn
    Tonne,
    Kilogram,
    Kilometre,
    /// m (mét)
    Metre,
    SquareMetre,
    CubicMetre,
    /// người
    Person,
    /// lượt người
    PersonVisit,
    /// lượt
    Visit,
    /// hộ
    Household,
    /// xã
    Commune,
    /// tiêu chí
    Criterion,
    /// sản phẩm
    Product,
    /// doanh nghiệp
    Enterprise,
    /// mô hình
    Model,
    /// cơ sở
    Facility,
    /// hợp tác xã (HTX)
    Cooperative,
    /// tổ hợp tác (THT)
    CooperativeGroup,
    /// khu dân cư (KDC)
    ResidentialArea,
    /// thôn
    Village,
    /// vườn
    Garden,
    /// trường
    School,
    /// đối tượng (beneficiaries)
    Beneficiary,
    /// đồng (VND)
    Dong,
    Usd,
    Percent,
    /// giờ
    Hour,
    /// ngày
    Day,
    /// tháng
    Month,
    /// năm
    Year,
}

/// Written forms (folded: lowercase NFC) of the catalog units. Longest match wins.
const UNIT_FORMS: &[(&str, KnownUnit)] = &[
    ("ha", KnownUnit::Hectare),
    ("héc-ta", KnownUnit::Hectare),
    ("héc ta", KnownUnit::Hectare),
    ("hecta", KnownUnit::Hectare),
    ("hécta", KnownUnit::Hectare),
    ("tấn", KnownUnit::Tonne),
    ("kg", KnownUnit::Kilogram),
    ("ki-lô-gam", KnownUnit::Kilogram),
    ("kilôgam", KnownUnit::Kilogram),
    ("km", KnownUnit::Kilometre),
    ("ki-lô-mét", KnownUnit::Kilometre),
    ("kilômét", KnownUnit::Kilometre),
    ("cây số", KnownUnit::Kilometre),
    ("m", KnownUnit::Metre),
    ("mét", KnownUnit::Metre),
    ("m²", KnownUnit::SquareMetre),
    ("m2", KnownUnit::SquareMetre),
    ("mét vuông", KnownUnit::SquareMetre),
    ("m³", KnownUnit::CubicMetre),
    ("m3", KnownUnit::CubicMetre),
    ("mét khối", KnownUnit::CubicMetre),
    ("người", KnownUnit::Person),
    ("lượt người", KnownUnit::PersonVisit),
    ("lượt", KnownUnit::Visit),
    ("hộ", KnownUnit::Household),
    ("hộ gia đình", KnownUnit::Household),
    ("xã", KnownUnit::Commune),
    ("tiêu chí", KnownUnit::Criterion),
    ("sản phẩm", KnownUnit::Product),
    ("doanh nghiệp", KnownUnit::Enterprise),
    ("mô hình", KnownUnit::Model),
    ("cơ sở", KnownUnit::Facility),
    ("hợp tác xã", KnownUnit::Cooperative),
    ("htx", KnownUnit::Cooperative),
    ("tổ hợp tác", KnownUnit::CooperativeGroup),
    ("tht", KnownUnit::CooperativeGroup),
    ("khu dân cư", KnownUnit::ResidentialArea),
    ("kdc", KnownUnit::ResidentialArea),
    ("thôn", KnownUnit::Village),
    ("vườn", KnownUnit::Garden),
    ("trường", KnownUnit::School),
    ("đối tượng", KnownUnit::Beneficiary),
    ("đồng", KnownUnit::Dong),
    ("vnđ", KnownUnit::Dong),
    ("vnd", KnownUnit::Dong),
    ("usd", KnownUnit::Usd),
    ("đô la mỹ", KnownUnit::Usd),
    ("%", KnownUnit::Percent),
    ("phần trăm", KnownUnit::Percent),
    ("giờ", KnownUnit::Hour),
    ("ngày", KnownUnit::Day),
    ("tháng", KnownUnit::Month),
    ("năm", KnownUnit::Year),
];

impl KnownUnit {
    /// Every unit of the catalog.
    pub const ALL: &'static [KnownUnit] = &[
        KnownUnit::Hectare,
        KnownUnit::Tonne,
        KnownUnit::Kilogram,
        KnownUnit::Kilometre,
        KnownUnit::Metre,
        KnownUnit::SquareMetre,
        KnownUnit::CubicMetre,
        KnownUnit::Person,
        KnownUnit::PersonVisit,
        KnownUnit::Visit,
        KnownUnit::Household,
        KnownUnit::Commune,
        KnownUnit::Criterion,
        KnownUnit::Product,
        KnownUnit::Enterprise,
        KnownUnit::Model,
        KnownUnit::Facility,
        KnownUnit::Cooperative,
        KnownUnit::CooperativeGroup,
        KnownUnit::ResidentialArea,
        KnownUnit::Village,
        KnownUnit::Garden,
        KnownUnit::School,
        KnownUnit::Beneficiary,
        KnownUnit::Dong,
        KnownUnit::Usd,
        KnownUnit::Percent,
        KnownUnit::Hour,
        KnownUnit::Day,
        KnownUnit::Month,
        KnownUnit::Year,
    ];

    /// The canonical written name.
    pub fn canonical(&self) -> &'static str {
        match self {
            KnownUnit::Hectare => "ha",
            KnownUnit::Tonne => "tấn",
            KnownUnit::Kilogram => "kg",
            KnownUnit::Kilometre => "km",
            KnownUnit::Metre => "m",
            KnownUnit::SquareMetre => "m²",
            KnownUnit::CubicMetre => "m³",
            KnownUnit::Person => "người",
            KnownUnit::PersonVisit => "lượt người",
            KnownUnit::Visit => "lượt",
            KnownUnit::Household => "hộ",
            KnownUnit::Commune => "xã",
            KnownUnit::Criterion => "tiêu chí",
            KnownUnit::Product => "sản phẩm",
            KnownUnit::Enterprise => "doanh nghiệp",
            KnownUnit::Model => "mô hình",
            KnownUnit::Facility => "cơ sở",
            KnownUnit::Cooperative => "hợp tác xã",
            KnownUnit::CooperativeGroup => "tổ hợp tác",
            KnownUnit::ResidentialArea => "khu dân cư",
            KnownUnit::Village => "thôn",
            KnownUnit::Garden => "vườn",
            KnownUnit::School => "trường",
            KnownUnit::Beneficiary => "đối tượng",
            KnownUnit::Dong => "đồng",
            KnownUnit::Usd => "USD",
            KnownUnit::Percent => "%",
            KnownUnit::Hour => "giờ",
            KnownUnit::Day => "ngày",
            KnownUnit::Month => "tháng",
            KnownUnit::Year => "năm",
        }
    }

    pub fn dimension(&self) -> Dimension {
        match self {
            KnownUnit::Hectare | KnownUnit::SquareMetre => Dimension::Area,
            KnownUnit::Tonne | KnownUnit::Kilogram => Dimension::Mass,
            KnownUnit::Kilometre | KnownUnit::Metre => Dimension::Length,
            KnownUnit::CubicMetre => Dimension::Volume,
            KnownUnit::Dong | KnownUnit::Usd => Dimension::Money,
            KnownUnit::Percent => Dimension::Ratio,
            KnownUnit::Hour | KnownUnit::Day | KnownUnit::Month | KnownUnit::Year => {
                Dimension::Duration
            }
            _ => Dimension::Count,
        }
    }

    /// The unit values convert to within the dimension (m², kg, m, m³; itself otherwise —
    /// đồng and USD are not converted, exchange rates are not text facts).
    pub fn base(&self) -> KnownUnit {
        match self {
            KnownUnit::Hectare => KnownUnit::SquareMetre,
            KnownUnit::Tonne => KnownUnit::Kilogram,
            KnownUnit::Kilometre => KnownUnit::Metre,
            other => *other,
        }
    }

    /// How many [`base`](Self::base) units one of this unit is (ha → 10 000 m²).
    pub fn scale(&self) -> Decimal {
        Decimal::from_int(match self {
            KnownUnit::Hectare => 10_000,
            KnownUnit::Tonne | KnownUnit::Kilometre => 1_000,
            _ => 1,
        })
    }

    /// The unit written as `s` (any case, NFC or NFD), if the catalog knows it.
    pub fn parse(s: &str) -> Option<KnownUnit> {
        let view = FoldedText::new(s.trim());
        let folded = view.folded();
        UNIT_FORMS
            .iter()
            .filter(|(form, _)| crate::view::cursor::literal(folded, 0, form) == Some(folded.len()))
            .map(|&(_, u)| u)
            .next()
    }
}

/// Magnitude words that multiply the number before the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Magnitude {
    /// nghìn / ngàn
    Thousand,
    /// triệu
    Million,
    /// tỷ / tỉ
    Billion,
    /// nghìn tỷ
    Trillion,
}

impl Magnitude {
    pub fn exponent(&self) -> u32 {
        match self {
            Magnitude::Thousand => 3,
            Magnitude::Million => 6,
            Magnitude::Billion => 9,
            Magnitude::Trillion => 12,
        }
    }
}

const MAGNITUDE_FORMS: &[(&str, Magnitude)] = &[
    ("nghìn tỷ", Magnitude::Trillion),
    ("nghìn tỉ", Magnitude::Trillion),
    ("ngàn tỷ", Magnitude::Trillion),
    ("ngàn tỉ", Magnitude::Trillion),
    ("nghìn", Magnitude::Thousand),
    ("ngàn", Magnitude::Thousand),
    ("triệu", Magnitude::Million),
    ("tỷ", Magnitude::Billion),
    ("tỉ", Magnitude::Billion),
];

/// The unit attached to a number.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Known(KnownUnit),
    /// "tiêu chí/xã": `unit` per one `per`.
    Per {
        unit: KnownUnit,
        per: KnownUnit,
    },
    /// Written close to catalog units but not equal ("doanhg nghiệp", "lm"): flagged, not fixed.
    NearMiss {
        text: String,
        candidates: Vec<KnownUnit>,
    },
    /// A word after the number that the catalog does not know, as written.
    Unknown(String),
}

impl Unit {
    pub fn known(&self) -> Option<KnownUnit> {
        match self {
            Unit::Known(u) => Some(*u),
            _ => None,
        }
    }
}

/// The number part of a quantity, already multiplied by any magnitude word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Amount {
    Exact(Decimal),
    /// "từ 5 đến 7", "5-7"
    Range {
        low: Decimal,
        high: Decimal,
    },
    /// "15/19 tiêu chí": `part` of `whole`.
    Ratio {
        part: Decimal,
        whole: Decimal,
    },
}

impl Amount {
    /// The single value, if the amount is exact.
    pub fn exact(&self) -> Option<Decimal> {
        match self {
            Amount::Exact(d) => Some(*d),
            _ => None,
        }
    }
}

/// What a percentage attached to a figure compares against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComparisonKind {
    /// "đạt 20% kế hoạch", "bằng 101,2% kế hoạch"
    OfPlan,
    /// "tăng 5% so với cùng kỳ"
    IncreaseOnSamePeriod,
    /// "giảm 3% so với cùng kỳ"
    DecreaseOnSamePeriod,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub kind: ComparisonKind,
    pub percent: Decimal,
    pub span: Span,
}

/// A figure found in text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Quantity {
    pub amount: Amount,
    /// `None` only for a bare number with a magnitude word ("5 triệu").
    pub unit: Option<Unit>,
    pub magnitude: Option<Magnitude>,
    /// From the first digit (or "từ") to the end of the unit.
    pub span: Span,
    pub comparison: Option<Comparison>,
}

/// Words after which a number is a reference, an ordinal or a name, not a figure
/// ("Chỉ thị 05", "Nghị quyết Trung ương 4", "nhiệm kỳ 2021-2026", "Covid 19").
const REFERENCE_WORDS: &[&str] = &[
    "chỉ thị",
    "nghị quyết",
    "nghị định",
    "quyết định",
    "thông tư",
    "công văn",
    "kết luận",
    "số",
    "khóa",
    "khoá",
    "lần",
    "lần thứ",
    "thứ",
    "điều",
    "khoản",
    "mục",
    "phần",
    "trung ương",
    "nhiệm kỳ",
    "giai đoạn",
    "covid",
    "quý",
    "tháng",
    "ngày",
    "năm",
    "đợt",
    "tuần",
    "xóm",
    "tổ",
    "thôn",
    "phường",
    "khối",
    "đội",
    "bước",
    "nq",
    "qđ",
];

/// Words that never serve as a unit: a number followed by them has no unit.
const NOT_UNITS: &[&str] = &[
    "của", "và", "với", "là", "có", "các", "những", "được", "đã", "trong", "tại", "theo", "để",
    "cho", "từ", "đến", "về", "thì", "mà", "này", "đó", "nào", "sẽ", "đang", "vào", "ra", "trên",
    "dưới", "hoặc", "hay", "nhưng", "do", "bị", "khi", "nếu", "đạt", "bằng", "tăng", "giảm",
];

/// Finds every figure in `text` (numbers with a unit or magnitude word), in order, with byte
/// spans into `text`. Numbers inside dates and times, references ("Chỉ thị 05") and document
/// numbers ("45/TB-UBND") are not figures.
pub fn find_quantities(text: &str) -> Vec<Quantity> {
    find_in(&FoldedText::new(text))
}

/// [`find_quantities`] over an already folded text.
pub(crate) fn find_in(view: &FoldedText<'_>) -> Vec<Quantity> {
    find_in_with(view, &crate::date::date_spans(view))
}

/// [`find_in`] with the date spans (sorted by start) already known.
pub(crate) fn find_in_with(view: &FoldedText<'_>, date_spans: &[Span]) -> Vec<Quantity> {
    let s = view.folded();
    let bytes = s.as_bytes();
    let mut out: Vec<Quantity> = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at].is_ascii_digit() && at_word_start(s, at) {
            match scan_quantity(view, at, date_spans) {
                Scan::Found(q, end) => {
                    // A "đạt 20% kế hoạch" already attached to the previous figure is not
                    // reported again on its own.
                    let absorbed = out.last().and_then(|p| p.comparison).is_some_and(|c| {
                        c.span.contains(&q.span) && q.unit == Some(Unit::Known(KnownUnit::Percent))
                    });
                    if !absorbed {
                        out.push(*q);
                    }
                    at = end.max(at + 1);
                    continue;
                }
                Scan::Skip(end) => {
                    at = end.max(at + 1);
                    continue;
                }
            }
        }
        at += 1;
    }
    out
}

/// Parses `s` as exactly one quantity ("5.466,32ha", "122,072 tỷ đồng", "9,8 tiêu chí/xã").
pub fn parse_quantity(s: &str) -> Option<Quantity> {
    let trimmed = s.trim();
    let q = find_quantities(trimmed).into_iter().next()?;
    (q.span.start == 0 && q.span.end == trimmed.len()).then_some(q)
}

/// Whether `span` overlaps one of `sorted` (non-overlapping spans sorted by start).
fn overlaps_any(sorted: &[Span], span: Span) -> bool {
    let i = sorted.partition_point(|d| d.end <= span.start);
    sorted.get(i).is_some_and(|d| d.overlaps(&span))
}

enum Scan {
    Found(Box<Quantity>, usize),
    /// Not a figure; resume scanning at the given folded offset.
    Skip(usize),
}

/// The raw numeric token at `at`: digits, and `.`/`,` between digits. Returns its end.
fn number_token(s: &str, at: usize) -> usize {
    let b = s.as_bytes();
    let mut end = at;
    while end < b.len() {
        let separator_between_digits =
            (b[end] == b'.' || b[end] == b',') && b.get(end + 1).is_some_and(u8::is_ascii_digit);
        if b[end].is_ascii_digit() || separator_between_digits {
            end += 1;
        } else {
            break;
        }
    }
    end
}

/// A strictly parsed number at `at`: value and end.
fn number_at(s: &str, at: usize) -> Option<(Decimal, usize)> {
    if !s.as_bytes().get(at).is_some_and(u8::is_ascii_digit) || !at_word_start(s, at) {
        return None;
    }
    let end = number_token(s, at);
    let value = parse_unsigned(s.get(at..end)?).ok()?;
    Some((value, end))
}

fn preceded_by(s: &str, at: usize, words: &[&str]) -> Option<usize> {
    let before = s.get(..at)?.trim_end_matches(' ');
    words.iter().find_map(|w| {
        let start = before.strip_suffix(w).map(str::len)?;
        at_word_start(s, start).then_some(start)
    })
}

fn scan_quantity(view: &FoldedText<'_>, at: usize, date_spans: &[Span]) -> Scan {
    let s = view.folded();
    let token_end = number_token(s, at);
    let Some((first, mut end)) = number_at(s, at) else {
        return Scan::Skip(token_end);
    };
    if overlaps_any(date_spans, view.span(at, end)) {
        return Scan::Skip(end);
    }
    if preceded_by(s, at, REFERENCE_WORDS).is_some() {
        // A rank or reference out of a whole ("xếp thứ 5/34", "số 12/2023/…"): the whole is no
        // figure either.
        let mut end = end;
        while char_at(s, end) == Some('/')
            && let Some((_, e)) = number_at_glued(s, end + 1)
        {
            end = e;
        }
        return Scan::Skip(end);
    }
    // The second half of a range already rejected ("nhiệm kỳ 2021- 2026").
    let before = s.get(..at).unwrap_or("").trim_end_matches(' ');
    if let Some(rest) = before.strip_suffix('-')
        && rest
            .trim_end_matches(' ')
            .ends_with(|c: char| c.is_ascii_digit())
    {
        return Scan::Skip(end);
    }
    // Document numbers and symbols: "45/TB-UBND", "10-CT/TW".
    if let Some(c) = char_at(s, end)
        && (c == '/' || c == '-')
        && char_at(s, end + 1).is_some_and(char::is_alphabetic)
    {
        return Scan::Skip(end);
    }
    // Times of day are not figures: "17h", "17h30", "16:58".
    let b = s.as_bytes();
    let time_like = match b.get(end) {
        Some(b'h') => at_word_end(s, end + 1) || b.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(b':') => b.get(end + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    };
    if time_like {
        return Scan::Skip(end + 1);
    }
    let mut start = at;
    let mut amount = Amount::Exact(first);
    // Range: "5-7", "5 – 7", "5 đến 7", "từ 5 đến 7".
    let p = skip_spaces(s, end);
    let after_sep = if char_at(s, p) == Some('-') {
        Some(p + 1)
    } else {
        word(s, p, "đến").or_else(|| word(s, p, "tới"))
    };
    if let Some(sep_end) = after_sep
        && let Some((second, e2)) = number_at(s, skip_spaces(s, sep_end))
        && second >= first
    {
        amount = Amount::Range {
            low: first,
            high: second,
        };
        end = e2;
        if let Some(from) = preceded_by(s, at, &["từ"]) {
            start = from;
        }
    } else if char_at(s, end) == Some('/')
        && let Some((whole, e2)) = number_at_glued(s, end + 1)
    {
        amount = Amount::Ratio { part: first, whole };
        end = e2;
    }
    // Magnitude word.
    let mut magnitude = None;
    let p = skip_spaces(s, end);
    if let Some((m, e)) = table_word(s, p, MAGNITUDE_FORMS) {
        let Some(scaled) = scale_amount(amount, m.exponent()) else {
            return Scan::Skip(e);
        };
        amount = scaled;
        magnitude = Some(m);
        end = e;
    }
    // Unit.
    let p = skip_spaces(s, end);
    let glued = p == end;
    let (unit, unit_end) = match match_unit(s, p) {
        Some((u, e)) => {
            if char_at(s, e) == Some('/')
                && let Some((per, e2)) = match_unit(s, e + 1)
            {
                (Some(Unit::Per { unit: u, per }), e2)
            } else {
                (Some(Unit::Known(u)), e)
            }
        }
        None => match near_miss(s, p, glued) {
            Some((text, candidates, e)) => (Some(Unit::NearMiss { text, candidates }), e),
            None => match unknown_unit(view, p, glued) {
                Some((text, e)) => (Some(Unit::Unknown(text)), e),
                None => (None, end),
            },
        },
    };
    if unit.is_none() && magnitude.is_none() {
        return Scan::Skip(end);
    }
    let end = unit_end;
    let is_percent = unit == Some(Unit::Known(KnownUnit::Percent));
    let comparison = if is_percent {
        self_comparison(view, start, end, amount)
    } else {
        attached_comparison(view, end)
    };
    Scan::Found(
        Box::new(Quantity {
            amount,
            unit,
            magnitude,
            span: view.span(start, end),
            comparison,
        }),
        end,
    )
}

/// A number right after a `/` ("15/19").
fn number_at_glued(s: &str, at: usize) -> Option<(Decimal, usize)> {
    if !s.as_bytes().get(at).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let end = number_token(s, at);
    Some((parse_unsigned(s.get(at..end)?).ok()?, end))
}

fn scale_amount(amount: Amount, exp: u32) -> Option<Amount> {
    Some(match amount {
        Amount::Exact(d) => Amount::Exact(d.checked_mul_pow10(exp)?),
        Amount::Range { low, high } => Amount::Range {
            low: low.checked_mul_pow10(exp)?,
            high: high.checked_mul_pow10(exp)?,
        },
        Amount::Ratio { part, whole } => Amount::Ratio {
            part: part.checked_mul_pow10(exp)?,
            whole: whole.checked_mul_pow10(exp)?,
        },
    })
}

/// Whether a catalog unit is written at `at` (used by the date scanner to tell "5/12 xã" from a date).
pub(crate) fn unit_at(s: &str, at: usize) -> bool {
    match_unit(s, at).is_some()
}

/// The longest catalog unit written at `at`: unit and end.
fn match_unit(s: &str, at: usize) -> Option<(KnownUnit, usize)> {
    UNIT_FORMS
        .iter()
        .filter_map(|&(form, unit)| {
            let end = crate::view::cursor::literal(s, at, form)?;
            // "%" needs no word boundary; letters do ("m" must not match "mặt").
            (form == "%" || at_word_end(s, end)).then_some((unit, end))
        })
        .max_by_key(|&(_, end)| end)
}

/// Levenshtein distance over chars, stopping early above 1 (only 0/1/2 are reported).
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            Ordering::Greater => i += 1,
            Ordering::Less => j += 1,
            Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// `n` words starting at `at` (letters only, joined by single spaces in the result).
fn take_words(s: &str, at: usize, n: usize) -> Option<(String, usize)> {
    let mut text = String::new();
    let mut pos = at;
    for k in 0..n {
        if k > 0 {
            let next = skip_spaces(s, pos);
            if next == pos {
                return None;
            }
            pos = next;
            text.push(' ');
        }
        let end = letters(s, pos)?;
        text.push_str(s.get(pos..end)?);
        pos = end;
    }
    Some((text, pos))
}

/// A word (or words) one edit away from catalog forms: the written text, the candidates and
/// the end. Short forms ("km") only count when glued to the number and of equal length, since
/// any short word is one edit from some unit.
fn near_miss(s: &str, at: usize, glued: bool) -> Option<(String, Vec<KnownUnit>, usize)> {
    let mut best: Option<(String, Vec<KnownUnit>, usize)> = None;
    for &(form, unit) in UNIT_FORMS {
        if !form.chars().all(|c| c.is_alphabetic() || c == ' ') {
            continue;
        }
        let n = form.split(' ').count();
        let Some((text, end)) = take_words(s, at, n) else {
            continue;
        };
        let form_len = form.chars().count();
        let text_len = text.chars().count();
        let eligible = if form_len >= 4 {
            text_len >= 4
        } else {
            glued && form_len >= 2 && text_len == form_len
        };
        if !eligible || !within_one_edit(&text, form) {
            continue;
        }
        match &mut best {
            Some((t, cands, _)) if *t == text => {
                if !cands.contains(&unit) {
                    cands.push(unit);
                }
            }
            Some(_) => {}
            None => best = Some((text, vec![unit], end)),
        }
    }
    best
}

/// An unknown unit word, as written in the original: glued to the number ("4THT" if THT were
/// unknown), or a lowercase word that is not a function word.
fn unknown_unit(view: &FoldedText<'_>, at: usize, glued: bool) -> Option<(String, usize)> {
    let s = view.folded();
    let end = letters(s, at)?;
    let word_text = s.get(at..end)?;
    if NOT_UNITS.contains(&word_text) || !at_word_end(s, end) {
        return None;
    }
    let original = view.span(at, end).slice(view.original());
    let lowercase_in_original = original.chars().next().is_some_and(char::is_lowercase);
    (glued || lowercase_in_original).then(|| (original.to_string(), end))
}

/// Comparison carried by a percentage itself: "101,2% kế hoạch", "tăng 5% so với cùng kỳ".
fn self_comparison(
    view: &FoldedText<'_>,
    start: usize,
    end: usize,
    amount: Amount,
) -> Option<Comparison> {
    let s = view.folded();
    let percent = amount.exact()?;
    let p = skip_spaces(s, end);
    if let Some(e) = plan_words(s, p) {
        return Some(Comparison {
            kind: ComparisonKind::OfPlan,
            percent,
            span: view.span(start, e),
        });
    }
    let e = same_period_words(s, p)?;
    let (kind, from) = if let Some(from) = preceded_by(s, start, &["tăng"]) {
        (ComparisonKind::IncreaseOnSamePeriod, from)
    } else {
        (
            ComparisonKind::DecreaseOnSamePeriod,
            preceded_by(s, start, &["giảm"])?,
        )
    };
    Some(Comparison {
        kind,
        percent,
        span: view.span(from, e),
    })
}

/// "kế hoạch", "so với kế hoạch", "KH", "chỉ tiêu": the end.
fn plan_words(s: &str, at: usize) -> Option<usize> {
    any_word(
        s,
        at,
        &[
            "so với kế hoạch",
            "kế hoạch",
            "so với chỉ tiêu",
            "chỉ tiêu",
            "kh",
        ],
    )
    .map(|(_, e)| e)
}

fn same_period_words(s: &str, at: usize) -> Option<usize> {
    let (_, e) = any_word(s, at, &["so với cùng kỳ", "so với cùng kì", "so cùng kỳ"])?;
    Some(
        any_word(s, skip_spaces(s, e), &["năm trước", "năm ngoái"])
            .map(|(_, e2)| e2)
            .unwrap_or(e),
    )
}

/// "…, đạt 20% kế hoạch" / "(tăng 5% so với cùng kỳ)" right after a figure.
fn attached_comparison(view: &FoldedText<'_>, end: usize) -> Option<Comparison> {
    let s = view.folded();
    let mut p = skip_spaces(s, end);
    if matches!(char_at(s, p), Some(',' | '(')) {
        p = skip_spaces(s, p + 1);
    }
    let start = p;
    let (verb, e) = any_word(s, p, &["ước đạt", "đạt", "bằng", "tăng", "giảm"])?;
    let mut p = skip_spaces(s, e);
    if let Some((_, e)) = any_word(s, p, &["khoảng", "gần", "hơn", "trên"]) {
        p = skip_spaces(s, e);
    }
    let (percent, e) = number_at(s, p)?;
    let p = skip_spaces(s, e);
    let pe = crate::view::cursor::literal(s, p, "%")?;
    let p = skip_spaces(s, pe);
    let (kind, e) = match verb {
        0..=2 => (ComparisonKind::OfPlan, plan_words(s, p)?),
        3 => (
            ComparisonKind::IncreaseOnSamePeriod,
            same_period_words(s, p)?,
        ),
        _ => (
            ComparisonKind::DecreaseOnSamePeriod,
            same_period_words(s, p)?,
        ),
    };
    Some(Comparison {
        kind,
        percent,
        span: view.span(start, e),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        parse_number(s).unwrap_or(Decimal::from_int(-999_999))
    }

    fn dec(m: i128, scale: u32) -> Decimal {
        Decimal::new(m, scale).unwrap_or(Decimal::ZERO)
    }

    #[test]
    fn parses_the_vietnamese_convention() {
        assert_eq!(d("5.466,32"), dec(546_632, 2));
        assert_eq!(d("122,072"), dec(122_072, 3));
        assert_eq!(d("16.850"), Decimal::from_int(16_850));
        assert_eq!(d("09"), Decimal::from_int(9));
        assert_eq!(d("1.101,4"), dec(11_014, 1));
        assert_eq!(d("3.089"), Decimal::from_int(3089));
        assert_eq!(d("701.746"), Decimal::from_int(701_746));
        assert_eq!(d("1.234.567,891"), dec(1_234_567_891, 3));
        assert_eq!(d(" -1,5 "), dec(-15, 1));
        assert_eq!(d("0,50"), dec(5, 1));
    }

    #[test]
    fn ambiguous_or_foreign_forms_are_rejected() {
        assert_eq!(parse_number("29.68"), Err(NumberError::BadGrouping));
        assert_eq!(parse_number("1.23.456"), Err(NumberError::BadGrouping));
        assert_eq!(parse_number("1234.567"), Err(NumberError::BadGrouping));
        assert_eq!(
            parse_number("1,234,567"),
            Err(NumberError::MultipleDecimalMarks)
        );
        assert_eq!(parse_number("1,2.345"), Err(NumberError::BadGrouping));
        assert_eq!(parse_number(""), Err(NumberError::Empty));
        assert_eq!(parse_number("12a"), Err(NumberError::InvalidCharacter));
        assert_eq!(parse_number(".5"), Err(NumberError::BadGrouping));
        assert_eq!(parse_number("5,"), Err(NumberError::BadGrouping));
        assert_eq!(parse_number(&"9".repeat(60)), Err(NumberError::Overflow));
        assert_eq!(
            parse_number(&format!("1,{}", "1".repeat(40))),
            Err(NumberError::TooPrecise)
        );
    }

    #[test]
    fn formats_with_vietnamese_grouping() {
        assert_eq!(format_vi(dec(1_234_567_891, 3), 3), "1.234.567,891");
        assert_eq!(format_vi(dec(546_632, 2), 2), "5.466,32");
        assert_eq!(format_vi(dec(546_632, 2), 1), "5.466,3");
        assert_eq!(format_vi(dec(546_635, 2), 1), "5.466,4");
        assert_eq!(format_vi(dec(-546_635, 2), 1), "-5.466,4");
        assert_eq!(
            format_vi(Decimal::from_int(122_072_000_000), 0),
            "122.072.000.000"
        );
        assert_eq!(format_vi(dec(5, 3), 3), "0,005");
        assert_eq!(format_vi(Decimal::from_int(100), 0), "100");
        assert_eq!(format_vi(dec(i128::MIN, 0), 0).len(), 52);
    }

    #[test]
    fn machine_form_roundtrips() {
        for v in [
            dec(546_632, 2),
            dec(-5, 3),
            Decimal::from_int(0),
            dec(i128::MAX, 28),
        ] {
            assert_eq!(v.to_string().parse::<Decimal>(), Ok(v));
        }
        assert!("1,5".parse::<Decimal>().is_err());
        assert!("1.".parse::<Decimal>().is_err());
        assert!("".parse::<Decimal>().is_err());
        assert!("1.2.3".parse::<Decimal>().is_err());
    }

    #[test]
    fn times_are_not_figures() {
        assert!(find_quantities("trước 17h, họp lúc 8h30 hoặc 16:58").is_empty());
    }

    #[test]
    fn decimal_equality_and_order_are_by_value() {
        assert_eq!(dec(150, 2), dec(15, 1));
        assert!(dec(15, 1) < Decimal::from_int(2));
        assert_eq!(dec(546_632, 2).to_string(), "5466.32");
        assert_eq!(dec(-5, 3).to_string(), "-0.005");
        assert_eq!(
            dec(122_072, 3).checked_mul_pow10(9),
            Some(Decimal::from_int(122_072_000_000))
        );
        assert_eq!(dec(i128::MAX, 0).checked_mul_pow10(3), None);
    }

    fn only(text: &str) -> Quantity {
        let all = find_quantities(text);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn seed_001_figures() {
        let text = "Toàn huyện gieo cấy 5.466,32ha lúa, trồng 1.101,4ha sắn, xây dựng 09 mô hình sản xuất lúa giống; đánh bắt ước đạt 371,6 tấn hải sản, giá trị ước tính 18,5 tỷ đồng. Tổng giá trị thương mại - dịch vụ ước đạt 294,98 tỉ đồng.";
        let found = find_quantities(text);
        let got: Vec<(String, Option<Unit>, &str)> = found
            .iter()
            .map(|q| {
                (
                    q.amount.exact().map(|v| v.to_string()).unwrap_or_default(),
                    q.unit.clone(),
                    q.span.slice(text),
                )
            })
            .collect();
        let k = |u| Some(Unit::Known(u));
        assert_eq!(
            got,
            vec![
                ("5466.32".into(), k(KnownUnit::Hectare), "5.466,32ha"),
                ("1101.4".into(), k(KnownUnit::Hectare), "1.101,4ha"),
                ("9".into(), k(KnownUnit::Model), "09 mô hình"),
                ("371.6".into(), k(KnownUnit::Tonne), "371,6 tấn"),
                ("18500000000".into(), k(KnownUnit::Dong), "18,5 tỷ đồng"),
                ("294980000000".into(), k(KnownUnit::Dong), "294,98 tỉ đồng"),
            ]
        );
        assert_eq!(found[4].magnitude, Some(Magnitude::Billion));
    }

    #[test]
    fn billions_of_dong_are_exact() {
        let q = only("chi trả cho các đối tượng với số tiền 122,072 tỷ đồng.");
        assert_eq!(q.amount, Amount::Exact(Decimal::from_int(122_072_000_000)));
        assert_eq!(q.unit, Some(Unit::Known(KnownUnit::Dong)));
    }

    #[test]
    fn per_unit() {
        let text = "đến nay bình quân đạt 9,8 tiêu chí/xã.";
        let q = only(text);
        assert_eq!(q.amount, Amount::Exact(dec(98, 1)));
        assert_eq!(
            q.unit,
            Some(Unit::Per {
                unit: KnownUnit::Criterion,
                per: KnownUnit::Commune
            })
        );
        assert_eq!(q.span.slice(text), "9,8 tiêu chí/xã");
    }

    #[test]
    fn seed_003_typos_are_flagged_not_fixed() {
        let text = "thành lập 4THT, 21 doanhg nghiệp; làm mới 13lm đường giao thông nông thôn, 4,55km kênh mương";
        let found = find_quantities(text);
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!(
            found[0].unit,
            Some(Unit::Known(KnownUnit::CooperativeGroup))
        );
        assert_eq!(
            found[1].unit,
            Some(Unit::NearMiss {
                text: "doanhg nghiệp".into(),
                candidates: vec![KnownUnit::Enterprise]
            })
        );
        match &found[2].unit {
            Some(Unit::NearMiss { text, candidates }) => {
                assert_eq!(text, "lm");
                assert!(candidates.contains(&KnownUnit::Kilometre));
            }
            other => panic!("13lm gave {other:?}"),
        }
        assert_ne!(found[2].unit, Some(Unit::Known(KnownUnit::Kilometre)));
        assert_eq!(found[3].unit, Some(Unit::Known(KnownUnit::Kilometre)));
        assert_eq!(found[3].amount, Amount::Exact(dec(455, 2)));
    }

    #[test]
    fn thousands_grouping_in_running_text() {
        let text = "phá bỏ 1.000m hàng rào cứng, trồng mới 16.850m cây bóng mát; với trên 1.680 lượt người tham gia";
        let found = find_quantities(text);
        assert_eq!(found.len(), 3);
        assert_eq!(found[0].amount, Amount::Exact(Decimal::from_int(1000)));
        assert_eq!(found[1].amount, Amount::Exact(Decimal::from_int(16_850)));
        assert_eq!(found[1].unit, Some(Unit::Known(KnownUnit::Metre)));
        assert_eq!(found[2].unit, Some(Unit::Known(KnownUnit::PersonVisit)));
    }

    #[test]
    fn seed_004_plan_comparisons() {
        let text = "diện tích gieo trồng bằng 101,2% kế hoạch; giá trị xuất khẩu ước đạt 3,05 triệu USD; thành lập mới 09 doanh nghiệp đạt 20% kế hoạch; du lịch";
        let found = find_quantities(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].unit, Some(Unit::Known(KnownUnit::Percent)));
        assert_eq!(
            found[0].comparison.map(|c| (c.kind, c.percent)),
            Some((ComparisonKind::OfPlan, dec(1012, 1)))
        );
        assert_eq!(found[1].amount, Amount::Exact(Decimal::from_int(3_050_000)));
        assert_eq!(found[1].unit, Some(Unit::Known(KnownUnit::Usd)));
        assert_eq!(found[2].amount, Amount::Exact(Decimal::from_int(9)));
        let c = found[2].comparison;
        assert_eq!(
            c.map(|c| (c.kind, c.percent)),
            Some((ComparisonKind::OfPlan, Decimal::from_int(20)))
        );
        assert_eq!(c.map(|c| c.span.slice(text)), Some("đạt 20% kế hoạch"));
    }

    #[test]
    fn same_period_comparisons() {
        let text = "thu ngân sách 250 tỷ đồng, tăng 12,5% so với cùng kỳ năm trước";
        let q = only(text);
        let c = q.comparison.unwrap_or_else(|| panic!("no comparison"));
        assert_eq!(c.kind, ComparisonKind::IncreaseOnSamePeriod);
        assert_eq!(c.percent, dec(125, 1));
        let q = only("sản lượng giảm 3% so với cùng kỳ");
        assert_eq!(
            q.comparison.map(|c| c.kind),
            Some(ComparisonKind::DecreaseOnSamePeriod)
        );
    }

    #[test]
    fn ranges() {
        let text = "mỗi xã hỗ trợ từ 5 đến 7 ha";
        let q = only(text);
        assert_eq!(
            q.amount,
            Amount::Range {
                low: Decimal::from_int(5),
                high: Decimal::from_int(7)
            }
        );
        assert_eq!(q.span.slice(text), "từ 5 đến 7 ha");
        let q = only("5-7 tỷ đồng");
        assert_eq!(
            q.amount,
            Amount::Range {
                low: Decimal::from_int(5_000_000_000),
                high: Decimal::from_int(7_000_000_000)
            }
        );
        let q = only("đạt 15/19 tiêu chí");
        assert_eq!(
            q.amount,
            Amount::Ratio {
                part: Decimal::from_int(15),
                whole: Decimal::from_int(19)
            }
        );
    }

    #[test]
    fn references_dates_and_document_numbers_are_not_figures() {
        for text in [
            "thực hiện Chỉ thị 05 của Bộ Chính trị",
            "Nghị quyết Trung ương 4 khóa XII",
            "Chỉ thị 10-CT/TW của Ban Chấp hành",
            "nhiệm kỳ 2021- 2026 bám sát",
            "Ngày 06/4/2018, Lãnh đạo",
            "Số: 45/TB-UBND",
            "dịch Covid 19, dịch bệnh",
            "quý II năm 2021",
            "Thống kê: 701.746",
            "trước 17h ngày thứ 5 hàng tuần",
            "section 29.68 là",
        ] {
            assert!(
                find_quantities(text).is_empty(),
                "{text}: {:?}",
                find_quantities(text)
            );
        }
    }

    #[test]
    fn counted_units_and_durations() {
        let q = only("Chủ tịch 17 xã, thị trấn");
        assert_eq!(q.unit, Some(Unit::Known(KnownUnit::Commune)));
        let q = only("trong 90 ngày cao điểm");
        assert_eq!(q.unit, Some(Unit::Known(KnownUnit::Day)));
        let q = only("khoảng 63%, vậy");
        assert_eq!(q.amount, Amount::Exact(Decimal::from_int(63)));
        assert_eq!(q.comparison, None);
    }

    #[test]
    fn unknown_units_stay_as_written() {
        let q = only("thu hoạch 12 sào lúa");
        assert_eq!(q.unit, Some(Unit::Unknown("sào".into())));
        let q = only("12XYZ");
        assert_eq!(q.unit, Some(Unit::Unknown("XYZ".into())));
    }

    #[test]
    fn parse_quantity_whole_string() {
        let q = parse_quantity("5.466,32ha");
        assert_eq!(q.map(|q| q.amount), Some(Amount::Exact(dec(546_632, 2))));
        assert!(parse_quantity("5.466,32ha lúa").is_none());
        assert_eq!(
            parse_quantity("50 m²").and_then(|q| q.unit),
            Some(Unit::Known(KnownUnit::SquareMetre))
        );
        assert_eq!(
            parse_quantity("50 m3").and_then(|q| q.unit),
            Some(Unit::Known(KnownUnit::CubicMetre))
        );
    }

    #[test]
    fn known_unit_parse_and_scale() {
        assert_eq!(KnownUnit::parse("Tấn"), Some(KnownUnit::Tonne));
        assert_eq!(
            KnownUnit::parse("lượt  người"),
            Some(KnownUnit::PersonVisit)
        );
        assert_eq!(KnownUnit::parse("sào"), None);
        assert_eq!(KnownUnit::Hectare.scale(), Decimal::from_int(10_000));
        assert_eq!(KnownUnit::Hectare.base(), KnownUnit::SquareMetre);
        for u in KnownUnit::ALL {
            assert_eq!(KnownUnit::parse(u.canonical()), Some(*u), "{u:?}");
        }
    }

    proptest! {
        #[test]
        fn format_then_parse_roundtrips(m in any::<i64>(), scale in 0u32..8) {
            let v = dec(i128::from(m), scale);
            prop_assert_eq!(parse_number(&format_vi(v, scale)), Ok(v));
        }

        #[test]
        fn format_then_parse_roundtrips_wide(m in (i128::MIN + 1)..=i128::MAX, scale in 0u32..=MAX_SCALE) {
            let v = dec(m, scale);
            prop_assert_eq!(parse_number(&format_vi(v, scale)), Ok(v));
        }

        #[test]
        fn find_quantities_never_panics(s in "\\PC*") {
            for q in find_quantities(&s) {
                prop_assert!(s.get(q.span.start..q.span.end).is_some());
            }
        }

        #[test]
        fn find_quantities_never_panics_on_numeric_soup(s in "[0-9.,/ %a-zđạtỷ–-]{0,60}") {
            for q in find_quantities(&s) {
                prop_assert!(s.get(q.span.start..q.span.end).is_some());
            }
        }

        #[test]
        fn parse_number_never_panics(s in "[0-9.,+-]{0,80}") {
            let _ = parse_number(&s);
        }
    }
}
