//! Reporting periods (kỳ báo cáo) and their data windows (thời gian chốt số liệu).
//!
//! A `Period` names a span of the calendar — a week (ISO week), a month, a quarter (quý), a half-year
//! (6 tháng), the first nine months (9 tháng) or a year — with its Vietnamese and English labels and
//! a compact code for storage and URLs. A `ReportingWindow` is the span of days whose data a report of
//! that period covers: either the calendar period itself or the cut-off window of Decree
//! 09/2019/NĐ-CP (Art. 12), chosen per report form.

use std::fmt;

use jiff::ToSpan;
use jiff::civil::{Date, ISOWeekDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::{format_date_en, format_date_vi, month_name_en};
use crate::{Lang, Localized};

/// Earliest year a period may fall in (the Decree 09 window of January starts in the previous year).
pub const MIN_YEAR: i16 = 1901;
/// Latest year a period may fall in.
pub const MAX_YEAR: i16 = 2199;

/// The day of the month on which a Decree 09 window starts; the window ends the day before it.
pub const DECREE09_CUTOFF_DAY: i8 = 15;

/// How a period may be typed, for error messages and placeholders.
pub const PERIOD_EXAMPLES_VI: &str =
    "quý I/2023, tháng 03/2023, 6 tháng đầu năm 2023, 9 tháng năm 2023, năm 2023, tuần 12/2023";
/// The same in English.
pub const PERIOD_EXAMPLES_EN: &str = "Q1 2023, March 2023, first half of 2023, first nine months of 2023, year 2023, week 12 of 2023";

/// Errors about periods and windows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("year {0} is outside {MIN_YEAR}–{MAX_YEAR}")]
    YearOutOfRange(i32),
    #[error("{kind:?} number {index} does not exist in {year}")]
    IndexOutOfRange {
        kind: PeriodKind,
        year: i16,
        index: i8,
    },
    #[error("«{0}» is not a reporting period (e.g. {PERIOD_EXAMPLES_EN})")]
    BadCode(String),
    #[error("no {kind:?} period contains {date}")]
    NotCovered { kind: PeriodKind, date: Date },
    #[error("Decree 09 defines no cut-off window for {0:?} periods")]
    NoDecree09Window(PeriodKind),
    #[error("the stored window does not match its period and rule")]
    WindowMismatch,
}

impl Localized for PeriodError {
    fn code(&self) -> &'static str {
        match self {
            PeriodError::YearOutOfRange(_) => "period.year_out_of_range",
            PeriodError::IndexOutOfRange { .. } => "period.index_out_of_range",
            PeriodError::BadCode(_) => "period.bad_code",
            PeriodError::NotCovered { .. } => "period.not_covered",
            PeriodError::NoDecree09Window(_) => "period.no_decree09_window",
            PeriodError::WindowMismatch => "period.window_mismatch",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (PeriodError::YearOutOfRange(y), Lang::Vi) => {
                format!("Năm {y} nằm ngoài phạm vi {MIN_YEAR}–{MAX_YEAR}.")
            }
            (PeriodError::IndexOutOfRange { kind, year, index }, Lang::Vi) => {
                format!(
                    "Không có {} {index} trong năm {year}.",
                    kind.label(Lang::Vi)
                )
            }
            (PeriodError::BadCode(code), Lang::Vi) => {
                format!("«{code}» không phải là kỳ báo cáo hợp lệ (ví dụ: {PERIOD_EXAMPLES_VI}).")
            }
            (PeriodError::NotCovered { kind, date }, Lang::Vi) => format!(
                "Không có kỳ {} nào chứa ngày {}.",
                kind.label(Lang::Vi),
                format_date_vi(*date)
            ),
            (PeriodError::NoDecree09Window(kind), Lang::Vi) => format!(
                "Nghị định 09/2019/NĐ-CP không quy định thời gian chốt số liệu cho kỳ {}.",
                kind.label(Lang::Vi)
            ),
            (PeriodError::WindowMismatch, Lang::Vi) => {
                "Thời gian chốt số liệu không khớp với kỳ báo cáo.".to_string()
            }
            (_, Lang::En) => self.to_string(),
        }
    }
}

/// The kinds of reporting period in use (Decree 09 and local practice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Tuần (ISO week, Monday to Sunday).
    Week,
    /// Tháng.
    Month,
    /// Quý.
    Quarter,
    /// 6 tháng (đầu năm / cuối năm).
    HalfYear,
    /// 9 tháng (January to September).
    NineMonths,
    /// Năm.
    Year,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 6] = [
        PeriodKind::Week,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::HalfYear,
        PeriodKind::NineMonths,
        PeriodKind::Year,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            PeriodKind::Week => lang.pick("tuần", "week"),
            PeriodKind::Month => lang.pick("tháng", "month"),
            PeriodKind::Quarter => lang.pick("quý", "quarter"),
            PeriodKind::HalfYear => lang.pick("6 tháng", "half-year"),
            PeriodKind::NineMonths => lang.pick("9 tháng", "nine months"),
            PeriodKind::Year => lang.pick("năm", "year"),
        }
    }
}

/// A reporting period: `Month(2023, 3)`, `Quarter(2023, 1)`, `Week(ISO year 2023, week 12)`…
///
/// Built only through its constructors, so the index always exists in the year and the first and
/// last days are known. Serialised as its code (`2023W12`, `202303`, `2023Q1`, `2023S1`, `2023N9`,
/// `2023`: DHIS2's period identifiers, plus `N9` for nine months, which DHIS2 lacks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    kind: PeriodKind,
    /// The calendar year; for weeks, the ISO week-numbering year.
    year: i16,
    /// Week 1–53, month 1–12, quarter 1–4, half 1–2; 1 for nine months and year.
    index: i8,
    start: Date,
    end: Date,
}

fn check_year(year: i16) -> Result<(), PeriodError> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(PeriodError::YearOutOfRange(i32::from(year)))
    }
}

fn ymd(year: i16, month: i8, day: i8) -> Result<Date, PeriodError> {
    Date::new(year, month, day).map_err(|_| PeriodError::YearOutOfRange(i32::from(year)))
}

impl Period {
    /// A period of the given kind; `index` is the week, month, quarter or half (1 for nine months and
    /// year).
    pub fn new(kind: PeriodKind, year: i16, index: i8) -> Result<Period, PeriodError> {
        check_year(year)?;
        let bad = || PeriodError::IndexOutOfRange { kind, year, index };
        let (start, end) = match kind {
            PeriodKind::Week => {
                let monday = ISOWeekDate::new(year, index, Weekday::Monday).map_err(|_| bad())?;
                let sunday = ISOWeekDate::new(year, index, Weekday::Sunday).map_err(|_| bad())?;
                (monday.date(), sunday.date())
            }
            PeriodKind::Month => {
                if !(1..=12).contains(&index) {
                    return Err(bad());
                }
                let first = ymd(year, index, 1)?;
                (first, first.last_of_month())
            }
            PeriodKind::Quarter => {
                if !(1..=4).contains(&index) {
                    return Err(bad());
                }
                let first = ymd(year, index * 3 - 2, 1)?;
                (first, ymd(year, index * 3, 1)?.last_of_month())
            }
            PeriodKind::HalfYear => match index {
                1 => (ymd(year, 1, 1)?, ymd(year, 6, 30)?),
                2 => (ymd(year, 7, 1)?, ymd(year, 12, 31)?),
                _ => return Err(bad()),
            },
            PeriodKind::NineMonths => {
                if index != 1 {
                    return Err(bad());
                }
                (ymd(year, 1, 1)?, ymd(year, 9, 30)?)
            }
            PeriodKind::Year => {
                if index != 1 {
                    return Err(bad());
                }
                (ymd(year, 1, 1)?, ymd(year, 12, 31)?)
            }
        };
        Ok(Period {
            kind,
            year,
            index,
            start,
            end,
        })
    }

    /// ISO week `week` of ISO week-year `year` (tuần).
    pub fn week(year: i16, week: i8) -> Result<Period, PeriodError> {
        Period::new(PeriodKind::Week, year, week)
    }

    /// Month 1–12 (tháng).
    pub fn month(year: i16, month: i8) -> Result<Period, PeriodError> {
        Period::new(PeriodKind::Month, year, month)
    }

    /// Quarter 1–4 (quý).
    pub fn quarter(year: i16, quarter: i8) -> Result<Period, PeriodError> {
        Period::new(PeriodKind::Quarter, year, quarter)
    }

    /// Half 1 (6 tháng đầu năm) or 2 (6 tháng cuối năm).
    pub fn half_year(year: i16, half: i8) -> Result<Period, PeriodError> {
        Period::new(PeriodKind::HalfYear, year, half)
    }

    /// January to September (9 tháng).
    pub fn nine_months(year: i16) -> Result<Period, PeriodError> {
        Period::new(PeriodKind::NineMonths, year, 1)
    }

    /// The whole year (năm).
    pub fn year_of(year: i16) -> Result<Period, PeriodError> {
        Period::new(PeriodKind::Year, year, 1)
    }

    /// The period of the given kind that contains `date`. Nine months contain only January to
    /// September, so October to December give `NotCovered`.
    pub fn containing(kind: PeriodKind, date: Date) -> Result<Period, PeriodError> {
        let year = date.year();
        let month = date.month();
        match kind {
            PeriodKind::Week => {
                let iso = date.iso_week_date();
                Period::week(iso.year(), iso.week())
            }
            PeriodKind::Month => Period::month(year, month),
            PeriodKind::Quarter => Period::quarter(year, (month - 1) / 3 + 1),
            PeriodKind::HalfYear => Period::half_year(year, if month <= 6 { 1 } else { 2 }),
            PeriodKind::NineMonths if month <= 9 => Period::nine_months(year),
            PeriodKind::NineMonths => Err(PeriodError::NotCovered { kind, date }),
            PeriodKind::Year => Period::year_of(year),
        }
    }

    pub fn kind(&self) -> PeriodKind {
        self.kind
    }

    /// The calendar year (the ISO week-year for weeks).
    pub fn year(&self) -> i16 {
        self.year
    }

    /// Week, month, quarter or half number; 1 for nine months and year.
    pub fn index(&self) -> i8 {
        self.index
    }

    /// First day of the period.
    pub fn start(&self) -> Date {
        self.start
    }

    /// Last day of the period (inclusive).
    pub fn end(&self) -> Date {
        self.end
    }

    pub fn contains(&self, date: Date) -> bool {
        date >= self.start && date <= self.end
    }

    /// The first and last months of a period made of whole months; `None` for weeks.
    pub fn months(&self) -> Option<(i8, i8)> {
        match self.kind {
            PeriodKind::Week => None,
            PeriodKind::Month => Some((self.index, self.index)),
            PeriodKind::Quarter => Some((self.index * 3 - 2, self.index * 3)),
            PeriodKind::HalfYear => Some((self.index * 6 - 5, self.index * 6)),
            PeriodKind::NineMonths => Some((1, 9)),
            PeriodKind::Year => Some((1, 12)),
        }
    }

    /// The following period of the same kind.
    pub fn next(&self) -> Result<Period, PeriodError> {
        match self.kind {
            PeriodKind::Week => {
                let day = self
                    .end
                    .tomorrow()
                    .map_err(|_| PeriodError::YearOutOfRange(i32::from(self.year) + 1))?;
                Period::containing(PeriodKind::Week, day)
            }
            PeriodKind::NineMonths | PeriodKind::Year => {
                Period::new(self.kind, self.year.saturating_add(1), 1)
            }
            _ => {
                let count = self.per_year();
                if self.index < count {
                    Period::new(self.kind, self.year, self.index + 1)
                } else {
                    Period::new(self.kind, self.year.saturating_add(1), 1)
                }
            }
        }
    }

    /// The preceding period of the same kind.
    pub fn prev(&self) -> Result<Period, PeriodError> {
        match self.kind {
            PeriodKind::Week => {
                let day = self
                    .start
                    .yesterday()
                    .map_err(|_| PeriodError::YearOutOfRange(i32::from(self.year) - 1))?;
                Period::containing(PeriodKind::Week, day)
            }
            PeriodKind::NineMonths | PeriodKind::Year => {
                Period::new(self.kind, self.year.saturating_sub(1), 1)
            }
            _ => {
                if self.index > 1 {
                    Period::new(self.kind, self.year, self.index - 1)
                } else {
                    let year = self.year.saturating_sub(1);
                    Period::new(self.kind, year, self.per_year())
                }
            }
        }
    }

    /// Periods of this kind per year (for months, quarters, halves).
    fn per_year(&self) -> i8 {
        match self.kind {
            PeriodKind::Month => 12,
            PeriodKind::Quarter => 4,
            PeriodKind::HalfYear => 2,
            _ => 1,
        }
    }

    /// The compact code: `2023W12`, `202303`, `2023Q1`, `2023S1`, `2023N9`, `2023`.
    pub fn code(&self) -> String {
        match self.kind {
            PeriodKind::Week => format!("{}W{}", self.year, self.index),
            PeriodKind::Month => format!("{}{:02}", self.year, self.index),
            PeriodKind::Quarter => format!("{}Q{}", self.year, self.index),
            PeriodKind::HalfYear => format!("{}S{}", self.year, self.index),
            PeriodKind::NineMonths => format!("{}N9", self.year),
            PeriodKind::Year => format!("{}", self.year),
        }
    }

    /// Parses a code made by [`Period::code`].
    pub fn parse(code: &str) -> Result<Period, PeriodError> {
        let bad = || PeriodError::BadCode(code.to_string());
        let text = code.trim();
        let (year_text, rest) = text.split_at_checked(4).ok_or_else(bad)?;
        if !year_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i16 = year_text.parse().map_err(|_| bad())?;
        let number = |s: &str, max_len: usize| -> Result<i8, PeriodError> {
            if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().map_err(|_| bad())
        };
        match rest.as_bytes().first() {
            None => Period::year_of(year),
            Some(b'W') => Period::week(year, number(&rest[1..], 2)?),
            Some(b'Q') => Period::quarter(year, number(&rest[1..], 1)?),
            Some(b'S') => Period::half_year(year, number(&rest[1..], 1)?),
            Some(b'N') if &rest[1..] == "9" => Period::nine_months(year),
            Some(b'0'..=b'9') if rest.len() == 2 => Period::month(year, number(rest, 2)?),
            _ => Err(bad()),
        }
    }

    /// Parses a period as a person types it: a code ([`Period::parse`]: `2023Q1`, `202303`…), the
    /// Vietnamese forms officials write ("quý I/2023", "quý 1/2023", "Q1/2023", "tháng 3/2023",
    /// "T3/2023", "03/2023", "6 tháng đầu năm 2023", "6 tháng cuối năm 2023", "9 tháng năm 2023",
    /// "9 tháng 2023", "năm 2023", "tuần 12/2023") or the English labels ("Q1 2023", "March 2023",
    /// "first half of 2023", "week 12 of 2023"…). Case, NFC/NFD, diacritics and extra spaces do not
    /// matter. Every period field and URL parameter goes through it; `parse(label(lang))` and
    /// `parse(code)` give the period back.
    pub fn parse_input(text: &str) -> Result<Period, PeriodError> {
        let trimmed = text.trim();
        let bad = || PeriodError::BadCode(trimmed.to_string());
        // A well-formed code out of range ("2023Q5", "9999") keeps its own reason.
        match Period::parse(&trimmed.to_ascii_uppercase()) {
            Ok(period) => return Ok(period),
            Err(PeriodError::BadCode(_)) => {}
            Err(e) => return Err(e),
        }
        let folded = giaoban_vntext::normalize::ascii_key(trimmed);
        let tokens: Vec<&str> = folded
            .split(|c: char| c.is_whitespace() || matches!(c, '/' | '-' | ',' | '.' | ':'))
            .filter(|t| !t.is_empty())
            // "năm", "kỳ", "of", "the", "year" only fill the sentence ("quý I năm 2023",
            // "week 12 of 2023", "year 2023").
            .filter(|t| !matches!(*t, "nam" | "ky" | "of" | "the" | "year"))
            .collect();
        let (&last, head) = tokens.split_last().ok_or_else(bad)?;
        if last.len() != 4 || !last.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i16 = last.parse().map_err(|_| bad())?;
        let small = |t: &str| -> Option<i8> {
            (!t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit()))
                .then(|| t.parse().ok())
                .flatten()
        };
        let quarter_number = |t: &str| -> Option<i8> {
            match t {
                "i" => Some(1),
                "ii" => Some(2),
                "iii" => Some(3),
                "iv" => Some(4),
                _ => small(t),
            }
        };
        let month_name = |t: &str| -> Option<i8> {
            (1..=12).find(|&m| {
                let name = month_name_en(m).to_ascii_lowercase();
                t == name || (t.len() == 3 && name.starts_with(t))
            })
        };
        // A letter glued to its number: "q1", "t3", "w12", "s1", "h1".
        let prefixed = |t: &str, letter: char| t.strip_prefix(letter).and_then(&small);
        match head {
            [] => Period::year_of(year),
            ["quy" | "quarter", q] => Period::quarter(year, quarter_number(q).ok_or_else(bad)?),
            [q] if prefixed(q, 'q').is_some() => {
                Period::quarter(year, prefixed(q, 'q').ok_or_else(bad)?)
            }
            ["thang" | "month", m] => Period::month(year, small(m).ok_or_else(bad)?),
            [m] if prefixed(m, 't').is_some() => {
                Period::month(year, prefixed(m, 't').ok_or_else(bad)?)
            }
            [m] if small(m).is_some() => Period::month(year, small(m).ok_or_else(bad)?),
            [m] if month_name(m).is_some() => Period::month(year, month_name(m).ok_or_else(bad)?),
            ["6", "thang", "dau"] | ["first", "half"] => Period::half_year(year, 1),
            ["6", "thang", "cuoi"] | ["second", "half"] => Period::half_year(year, 2),
            [h] if prefixed(h, 's').or_else(|| prefixed(h, 'h')).is_some() => Period::half_year(
                year,
                prefixed(h, 's')
                    .or_else(|| prefixed(h, 'h'))
                    .ok_or_else(bad)?,
            ),
            ["9", "thang"]
            | ["9", "thang", "dau"]
            | ["first", "nine", "months"]
            | ["nine", "months"]
            | ["n9"] => Period::nine_months(year),
            ["tuan" | "week", w] => Period::week(year, small(w).ok_or_else(bad)?),
            [w] if prefixed(w, 'w').is_some() => {
                Period::week(year, prefixed(w, 'w').ok_or_else(bad)?)
            }
            _ => Err(bad()),
        }
    }

    /// The label officials write: "tháng 03/2023", "quý I/2023", "6 tháng đầu năm 2023",
    /// "9 tháng năm 2023", "năm 2023", "tuần 12/2023"; in English "March 2023", "Q1 2023"…
    pub fn label(&self, lang: Lang) -> String {
        let y = self.year;
        let i = self.index;
        match (self.kind, lang) {
            (PeriodKind::Week, Lang::Vi) => format!("tuần {i}/{y}"),
            (PeriodKind::Week, Lang::En) => format!("week {i} of {y}"),
            (PeriodKind::Month, Lang::Vi) => format!("tháng {i:02}/{y}"),
            (PeriodKind::Month, Lang::En) => format!("{} {y}", month_name_en(i)),
            (PeriodKind::Quarter, Lang::Vi) => format!("quý {}/{y}", roman(i)),
            (PeriodKind::Quarter, Lang::En) => format!("Q{i} {y}"),
            (PeriodKind::HalfYear, Lang::Vi) if i == 1 => format!("6 tháng đầu năm {y}"),
            (PeriodKind::HalfYear, Lang::Vi) => format!("6 tháng cuối năm {y}"),
            (PeriodKind::HalfYear, Lang::En) if i == 1 => format!("first half of {y}"),
            (PeriodKind::HalfYear, Lang::En) => format!("second half of {y}"),
            (PeriodKind::NineMonths, Lang::Vi) => format!("9 tháng năm {y}"),
            (PeriodKind::NineMonths, Lang::En) => format!("first nine months of {y}"),
            (PeriodKind::Year, Lang::Vi) => format!("năm {y}"),
            (PeriodKind::Year, Lang::En) => format!("year {y}"),
        }
    }
}

/// Quarters are written in Roman numerals: "quý II/2023".
fn roman(n: i8) -> &'static str {
    match n {
        1 => "I",
        2 => "II",
        3 => "III",
        4 => "IV",
        _ => "?",
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;

    /// Serde reads what people type too: the JSON API takes "quý I/2023" as well as "2023Q1".
    fn try_from(code: String) -> Result<Self, Self::Error> {
        Period::parse_input(&code)
    }
}

impl From<Period> for String {
    fn from(period: Period) -> Self {
        period.code()
    }
}

/// Which days a report's data covers; chosen per report form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WindowRule {
    /// The calendar period itself (1st of the month to its last day, …).
    Calendar,
    /// The cut-off window of Decree 09/2019/NĐ-CP, Art. 12, as applied by e.g. Khánh Hòa Decision
    /// 01/2023/QĐ-UBND, Art. 4: monthly 15th of the previous month → 14th; quarterly 15th of the
    /// month before the quarter → 14th of its last month; first half 15 Dec → 14 Jun; second half
    /// 15 Jun → 14 Dec; annual 15 Dec of the previous year → 14 Dec. Nine months 15 Dec → 14 Sep is
    /// local practice, not in the Decree. Weeks have no Decree 09 window.
    Decree09,
}

impl WindowRule {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            WindowRule::Calendar => lang.pick("theo kỳ dương lịch", "calendar period"),
            WindowRule::Decree09 => lang.pick(
                "chốt số liệu theo Nghị định 09/2019/NĐ-CP",
                "Decree 09/2019 cut-off window",
            ),
        }
    }
}

/// The days whose data a report for `period` covers under `rule` (kỳ chốt số liệu), inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "WindowRepr")]
pub struct ReportingWindow {
    period: Period,
    rule: WindowRule,
    start: Date,
    end: Date,
}

/// The stored form: start and end are derived, and checked when present.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WindowRepr {
    period: Period,
    rule: WindowRule,
    #[serde(default)]
    start: Option<Date>,
    #[serde(default)]
    end: Option<Date>,
}

impl TryFrom<WindowRepr> for ReportingWindow {
    type Error = PeriodError;

    fn try_from(repr: WindowRepr) -> Result<Self, Self::Error> {
        let window = ReportingWindow::new(repr.period, repr.rule)?;
        if repr.start.is_some_and(|s| s != window.start)
            || repr.end.is_some_and(|e| e != window.end)
        {
            return Err(PeriodError::WindowMismatch);
        }
        Ok(window)
    }
}

/// The Decree 09 window of one month: 15th of the previous month to the 14th of this one.
fn decree09_month_bounds(year: i16, month: i8) -> Result<(Date, Date), PeriodError> {
    let this = ymd(year, month, 1)?;
    let prev = this
        .checked_sub(1.month())
        .map_err(|_| PeriodError::YearOutOfRange(i32::from(year) - 1))?;
    Ok((
        ymd(prev.year(), prev.month(), DECREE09_CUTOFF_DAY)?,
        ymd(year, month, DECREE09_CUTOFF_DAY - 1)?,
    ))
}

impl ReportingWindow {
    pub fn new(period: Period, rule: WindowRule) -> Result<ReportingWindow, PeriodError> {
        let (start, end) = match rule {
            WindowRule::Calendar => (period.start(), period.end()),
            WindowRule::Decree09 => {
                // A window of several months runs from the start of its first month's window to
                // the end of its last month's: so longer windows are unions of monthly ones.
                let (first, last) = period
                    .months()
                    .ok_or(PeriodError::NoDecree09Window(period.kind()))?;
                let (start, _) = decree09_month_bounds(period.year(), first)?;
                let (_, end) = decree09_month_bounds(period.year(), last)?;
                (start, end)
            }
        };
        Ok(ReportingWindow {
            period,
            rule,
            start,
            end,
        })
    }

    /// The window of the given kind and rule that contains `date`.
    pub fn containing(
        kind: PeriodKind,
        rule: WindowRule,
        date: Date,
    ) -> Result<ReportingWindow, PeriodError> {
        let period = match rule {
            WindowRule::Calendar => Period::containing(kind, date)?,
            WindowRule::Decree09 => {
                if kind == PeriodKind::Week {
                    return Err(PeriodError::NoDecree09Window(kind));
                }
                // From the 15th on, a day's data belongs to the next month's report.
                let month_date = if date.day() >= DECREE09_CUTOFF_DAY {
                    date.first_of_month()
                        .checked_add(1.month())
                        .map_err(|_| PeriodError::YearOutOfRange(i32::from(date.year()) + 1))?
                } else {
                    date
                };
                Period::containing(kind, month_date).map_err(|e| match e {
                    PeriodError::NotCovered { kind, .. } => PeriodError::NotCovered { kind, date },
                    other => other,
                })?
            }
        };
        ReportingWindow::new(period, rule)
    }

    pub fn period(&self) -> Period {
        self.period
    }

    pub fn rule(&self) -> WindowRule {
        self.rule
    }

    /// First day whose data the report covers.
    pub fn start(&self) -> Date {
        self.start
    }

    /// Last day whose data the report covers (the cut-off day, inclusive).
    pub fn end(&self) -> Date {
        self.end
    }

    pub fn contains(&self, date: Date) -> bool {
        date >= self.start && date <= self.end
    }

    /// Number of days in the window.
    pub fn days(&self) -> i32 {
        self.start
            .until(self.end)
            .map(|span| span.get_days() + 1)
            .unwrap_or(0)
    }

    /// The window of the next period under the same rule.
    pub fn next(&self) -> Result<ReportingWindow, PeriodError> {
        ReportingWindow::new(self.period.next()?, self.rule)
    }

    /// The window of the previous period under the same rule.
    pub fn prev(&self) -> Result<ReportingWindow, PeriodError> {
        ReportingWindow::new(self.period.prev()?, self.rule)
    }

    /// "tháng 03/2023 (từ 15/02/2023 đến 14/03/2023)" / "March 2023 (15 February 2023 to 14 March 2023)".
    pub fn label(&self, lang: Lang) -> String {
        match lang {
            Lang::Vi => format!(
                "{} (từ {} đến {})",
                self.period.label(lang),
                format_date_vi(self.start),
                format_date_vi(self.end)
            ),
            Lang::En => format!(
                "{} ({} to {})",
                self.period.label(lang),
                format_date_en(self.start),
                format_date_en(self.end)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn p(code: &str) -> Period {
        Period::parse(code).unwrap()
    }

    fn w(period: Period, rule: WindowRule) -> ReportingWindow {
        ReportingWindow::new(period, rule).unwrap()
    }

    #[test]
    fn labels_read_as_officials_write_them() {
        let cases = [
            (Period::month(2023, 3), "tháng 03/2023", "March 2023"),
            (Period::quarter(2023, 1), "quý I/2023", "Q1 2023"),
            (Period::quarter(2021, 2), "quý II/2021", "Q2 2021"),
            (Period::quarter(2021, 4), "quý IV/2021", "Q4 2021"),
            (
                Period::half_year(2023, 1),
                "6 tháng đầu năm 2023",
                "first half of 2023",
            ),
            (
                Period::half_year(2023, 2),
                "6 tháng cuối năm 2023",
                "second half of 2023",
            ),
            (
                Period::nine_months(2023),
                "9 tháng năm 2023",
                "first nine months of 2023",
            ),
            (Period::year_of(2023), "năm 2023", "year 2023"),
            (Period::week(2023, 12), "tuần 12/2023", "week 12 of 2023"),
        ];
        for (period, vi, en) in cases {
            let period = period.unwrap();
            assert_eq!(period.label(Lang::Vi), vi);
            assert_eq!(period.label(Lang::En), en);
        }
    }

    #[test]
    fn periods_know_their_days() {
        let q1 = Period::quarter(2023, 1).unwrap();
        assert_eq!(
            (q1.start(), q1.end()),
            (date(2023, 1, 1), date(2023, 3, 31))
        );
        let feb = Period::month(2024, 2).unwrap();
        assert_eq!(feb.end(), date(2024, 2, 29));
        let h2 = Period::half_year(2023, 2).unwrap();
        assert_eq!(
            (h2.start(), h2.end()),
            (date(2023, 7, 1), date(2023, 12, 31))
        );
        let nine = Period::nine_months(2023).unwrap();
        assert_eq!(nine.end(), date(2023, 9, 30));
        // ISO week 1 of 2021 starts on Monday 4 January; 2020 has 53 weeks.
        let w1 = Period::week(2021, 1).unwrap();
        assert_eq!(
            (w1.start(), w1.end()),
            (date(2021, 1, 4), date(2021, 1, 10))
        );
        assert!(Period::week(2020, 53).is_ok());
        assert!(Period::week(2021, 53).is_err());
        assert_eq!(
            Period::containing(PeriodKind::Week, date(2021, 1, 1)).unwrap(),
            Period::week(2020, 53).unwrap()
        );
        assert_eq!(
            Period::containing(PeriodKind::Week, date(2023, 3, 23)).unwrap(),
            Period::week(2023, 12).unwrap()
        );
        assert!(matches!(
            Period::containing(PeriodKind::NineMonths, date(2023, 10, 1)),
            Err(PeriodError::NotCovered { .. })
        ));
        assert_eq!(q1.months(), Some((1, 3)));
        assert_eq!(Period::week(2023, 1).unwrap().months(), None);
    }

    #[test]
    fn invalid_periods_are_rejected() {
        assert!(matches!(
            Period::month(2023, 13),
            Err(PeriodError::IndexOutOfRange { .. })
        ));
        assert!(Period::month(2023, 0).is_err());
        assert!(Period::quarter(2023, 5).is_err());
        assert!(Period::half_year(2023, 3).is_err());
        assert!(Period::new(PeriodKind::Year, 2023, 2).is_err());
        assert!(Period::week(2023, 0).is_err());
        assert!(matches!(
            Period::year_of(1900),
            Err(PeriodError::YearOutOfRange(1900))
        ));
        assert!(Period::year_of(2200).is_err());
        for bad in [
            "",
            "2023X",
            "202313",
            "2023Q",
            "2023Q0",
            "2023S3",
            "2023N8",
            "20230",
            "abcd",
            "2023W",
            "2023W100",
            "2023-03",
            "2023Q+1",
            "２０２３",
        ] {
            let err = Period::parse(bad).unwrap_err();
            assert!(!err.message(Lang::Vi).is_empty(), "{bad}");
        }
    }

    #[test]
    fn typed_periods_are_read_in_vietnamese_english_and_codes() {
        let cases = [
            ("2023Q1", "2023Q1"),
            ("2023q1", "2023Q1"),
            ("quý I/2023", "2023Q1"),
            ("Quý  i / 2023", "2023Q1"),
            ("QUÝ IV/2023", "2023Q4"),
            ("quý 1/2023", "2023Q1"),
            ("quý II năm 2021", "2021Q2"),
            ("Q1/2023", "2023Q1"),
            ("Q1 2023", "2023Q1"),
            ("q3-2023", "2023Q3"),
            ("tháng 3/2023", "202303"),
            ("tháng 03/2023", "202303"),
            ("Tháng 12 năm 2023", "202312"),
            ("T3/2023", "202303"),
            ("03/2023", "202303"),
            ("March 2023", "202303"),
            ("mar 2023", "202303"),
            ("6 tháng đầu năm 2023", "2023S1"),
            ("6 THÁNG CUỐI NĂM 2023", "2023S2"),
            ("first half of 2023", "2023S1"),
            ("second half of 2023", "2023S2"),
            ("9 tháng năm 2023", "2023N9"),
            ("9 tháng 2023", "2023N9"),
            ("9 tháng đầu năm 2023", "2023N9"),
            ("first nine months of 2023", "2023N9"),
            ("năm 2023", "2023"),
            ("year 2023", "2023"),
            (" 2023 ", "2023"),
            ("tuần 12/2023", "2023W12"),
            ("week 12 of 2023", "2023W12"),
            ("202303", "202303"),
            ("2023S1", "2023S1"),
            ("2023N9", "2023N9"),
            ("2023W12", "2023W12"),
        ];
        for (typed, code) in cases {
            assert_eq!(Period::parse_input(typed), Ok(p(code)), "{typed}");
        }
        // Decomposed (NFD) text, as some keyboards and pasted PDFs give it.
        for (typed, code) in [
            ("qu\u{79}\u{301} I/2023", "2023Q1"),
            ("th\u{61}\u{301}ng 03/2023", "202303"),
            (
                "6 th\u{61}\u{301}ng \u{111}\u{61}\u{302}\u{300}u n\u{61}\u{306}m 2023",
                "2023S1",
            ),
            (
                "6 th\u{61}\u{301}ng cu\u{6f}\u{302}\u{301}i n\u{61}\u{306}m 2023",
                "2023S2",
            ),
            ("tu\u{61}\u{302}\u{300}n 12/2023", "2023W12"),
        ] {
            assert_eq!(Period::parse_input(typed), Ok(p(code)), "NFD {typed}");
        }
        for bad in [
            "",
            "quý V/2023",
            "quý/2023",
            "tháng 13/2023",
            "13/2023",
            "6 tháng 2023",
            "tuần 54/2023",
            "2023-03",
            "quý I/23",
            "hôm nay",
            "thang 3",
        ] {
            match Period::parse_input(bad) {
                // What is not a period at all is answered with the forms to type.
                Err(e @ PeriodError::BadCode(_)) => {
                    assert!(e.message(Lang::Vi).contains("quý I/2023"), "{bad}");
                }
                // A period that does not exist says so ("Không có tháng 13 trong năm 2023.").
                Err(e @ PeriodError::IndexOutOfRange { .. }) => {
                    assert!(!e.message(Lang::Vi).is_empty(), "{bad}");
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        // The API reads the typed forms too.
        let back: Period = serde_json::from_str("\"quý II/2023\"").unwrap();
        assert_eq!(back, p("2023Q2"));
    }

    #[test]
    fn next_and_prev_cross_year_ends() {
        assert_eq!(p("202312").next().unwrap(), p("202401"));
        assert_eq!(p("202401").prev().unwrap(), p("202312"));
        assert_eq!(p("2023Q4").next().unwrap(), p("2024Q1"));
        assert_eq!(p("2023S2").next().unwrap(), p("2024S1"));
        assert_eq!(p("2023N9").next().unwrap(), p("2024N9"));
        assert_eq!(p("2020W53").next().unwrap(), p("2021W1"));
        assert_eq!(p("2021W1").prev().unwrap(), p("2020W53"));
        assert!(p("2199").next().is_err());
        assert!(p("190101").prev().is_err());
    }

    #[test]
    fn decree09_windows_match_the_domain_reference() {
        let d = WindowRule::Decree09;
        let cases = [
            ("202303", (2023, 2, 15), (2023, 3, 14)),
            ("202301", (2022, 12, 15), (2023, 1, 14)),
            ("2023Q1", (2022, 12, 15), (2023, 3, 14)),
            ("2023Q2", (2023, 3, 15), (2023, 6, 14)),
            ("2023Q4", (2023, 9, 15), (2023, 12, 14)),
            ("2023S1", (2022, 12, 15), (2023, 6, 14)),
            ("2023S2", (2023, 6, 15), (2023, 12, 14)),
            ("2023N9", (2022, 12, 15), (2023, 9, 14)),
            ("2023", (2022, 12, 15), (2023, 12, 14)),
        ];
        for (code, (sy, sm, sd), (ey, em, ed)) in cases {
            let win = w(p(code), d);
            assert_eq!(win.start(), date(sy, sm, sd), "{code}");
            assert_eq!(win.end(), date(ey, em, ed), "{code}");
        }
        assert!(matches!(
            ReportingWindow::new(p("2023W12"), d),
            Err(PeriodError::NoDecree09Window(PeriodKind::Week))
        ));
        let cal = w(p("202303"), WindowRule::Calendar);
        assert_eq!(
            (cal.start(), cal.end()),
            (date(2023, 3, 1), date(2023, 3, 31))
        );
        assert_eq!(w(p("202303"), d).days(), 28);
        assert_eq!(
            w(p("202303"), d).label(Lang::Vi),
            "tháng 03/2023 (từ 15/02/2023 đến 14/03/2023)"
        );
        assert_eq!(
            w(p("2023Q1"), d).label(Lang::En),
            "Q1 2023 (15 December 2022 to 14 March 2023)"
        );
    }

    #[test]
    fn decree09_containing_moves_late_days_to_the_next_report() {
        let d = WindowRule::Decree09;
        let at = |y, m, dd, kind| {
            ReportingWindow::containing(kind, d, date(y, m, dd))
                .unwrap()
                .period()
        };
        assert_eq!(at(2023, 3, 14, PeriodKind::Month), p("202303"));
        assert_eq!(at(2023, 3, 15, PeriodKind::Month), p("202304"));
        assert_eq!(at(2022, 12, 15, PeriodKind::Month), p("202301"));
        assert_eq!(at(2022, 12, 20, PeriodKind::Year), p("2023"));
        assert_eq!(at(2022, 12, 14, PeriodKind::Year), p("2022"));
        assert_eq!(at(2023, 6, 14, PeriodKind::HalfYear), p("2023S1"));
        assert_eq!(at(2023, 6, 15, PeriodKind::HalfYear), p("2023S2"));
        assert_eq!(at(2022, 12, 31, PeriodKind::NineMonths), p("2023N9"));
        assert!(ReportingWindow::containing(PeriodKind::NineMonths, d, date(2023, 9, 15)).is_err());
        assert!(ReportingWindow::containing(PeriodKind::Week, d, date(2023, 9, 15)).is_err());
    }

    #[test]
    fn serde_uses_codes_and_checks_windows() {
        let period = p("2023Q2");
        assert_eq!(serde_json::to_string(&period).unwrap(), "\"2023Q2\"");
        let back: Period = serde_json::from_str("\"202303\"").unwrap();
        assert_eq!(back, p("202303"));
        assert!(serde_json::from_str::<Period>("\"202313\"").is_err());
        let win = w(p("202303"), WindowRule::Decree09);
        let json = serde_json::to_string(&win).unwrap();
        assert_eq!(
            json,
            r#"{"period":"202303","rule":"decree09","start":"2023-02-15","end":"2023-03-14"}"#
        );
        assert_eq!(serde_json::from_str::<ReportingWindow>(&json).unwrap(), win);
        let short: ReportingWindow =
            serde_json::from_str(r#"{"period":"202303","rule":"calendar"}"#).unwrap();
        assert_eq!(short.end(), date(2023, 3, 31));
        let tampered = json.replace("2023-03-14", "2023-03-15");
        assert!(serde_json::from_str::<ReportingWindow>(&tampered).is_err());
        assert_eq!(
            serde_json::to_string(&PeriodKind::HalfYear).unwrap(),
            "\"half_year\""
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..(200 * 366)).prop_map(|n| date(1950, 1, 1).saturating_add(n.days()))
    }

    fn any_period(kind: PeriodKind) -> impl Strategy<Value = Period> {
        any_date().prop_filter_map("covered", move |d| Period::containing(kind, d).ok())
    }

    fn any_kind() -> impl Strategy<Value = PeriodKind> {
        prop::sample::select(PeriodKind::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn codes_round_trip(kind in any_kind(), d in any_date()) {
            if let Ok(period) = Period::containing(kind, d) {
                prop_assert_eq!(Period::parse(&period.code()).unwrap(), period);
                prop_assert!(period.contains(d));
                let json = serde_json::to_string(&period).unwrap();
                prop_assert_eq!(serde_json::from_str::<Period>(&json).unwrap(), period);
            }
        }

        #[test]
        fn labels_and_codes_parse_back(kind in any_kind(), d in any_date()) {
            if let Ok(period) = Period::containing(kind, d) {
                prop_assert_eq!(Period::parse_input(&period.label(Lang::Vi)), Ok(period));
                prop_assert_eq!(Period::parse_input(&period.label(Lang::En)), Ok(period));
                prop_assert_eq!(Period::parse_input(&period.code()), Ok(period));
                prop_assert_eq!(Period::parse_input(&period.label(Lang::Vi).to_uppercase()), Ok(period));
            }
        }

        #[test]
        fn calendar_periods_tile_time(kind in any_kind(), d in any_date()) {
            if let Ok(period) = Period::containing(kind, d) {
                let next = period.next().unwrap();
                prop_assert_eq!(next.prev().unwrap(), period);
                prop_assert!(next.start() > period.end());
                if kind != PeriodKind::NineMonths {
                    prop_assert_eq!(period.end().tomorrow().unwrap(), next.start());
                }
            }
        }

        #[test]
        fn monthly_decree09_windows_tile_with_no_gap_or_overlap(m in any_period(PeriodKind::Month)) {
            let win = w(m, WindowRule::Decree09);
            let next = win.next().unwrap();
            prop_assert_eq!(win.end().tomorrow().unwrap(), next.start());
            prop_assert!(win.contains(win.start()) && win.contains(win.end()));
            prop_assert!(!next.contains(win.end()));
            prop_assert!((28..=31).contains(&win.days()));
        }

        #[test]
        fn quarterly_and_longer_decree09_windows_tile(
            kind in prop::sample::select(vec![PeriodKind::Quarter, PeriodKind::HalfYear, PeriodKind::Year]),
            d in any_date(),
        ) {
            let win = ReportingWindow::containing(kind, WindowRule::Decree09, d).unwrap();
            prop_assert!(win.contains(d));
            let next = win.next().unwrap();
            prop_assert_eq!(win.end().tomorrow().unwrap(), next.start());
            let prev = win.prev().unwrap();
            prop_assert_eq!(prev.end().tomorrow().unwrap(), win.start());
            // A long window is exactly the union of the monthly windows of its months.
            let (first, last) = win.period().months().unwrap();
            let year = win.period().year();
            prop_assert_eq!(win.start(), w(Period::month(year, first).unwrap(), WindowRule::Decree09).start());
            prop_assert_eq!(win.end(), w(Period::month(year, last).unwrap(), WindowRule::Decree09).end());
        }

        #[test]
        fn a_date_belongs_to_exactly_one_monthly_window(d in any_date(), rule in prop::sample::select(vec![WindowRule::Calendar, WindowRule::Decree09])) {
            let win = ReportingWindow::containing(PeriodKind::Month, rule, d).unwrap();
            prop_assert!(win.contains(d));
            let mut count = 0;
            let mut other = win.prev().unwrap().prev().unwrap();
            for _ in 0..5 {
                if other.contains(d) {
                    count += 1;
                    prop_assert_eq!(other, win);
                }
                other = other.next().unwrap();
            }
            prop_assert_eq!(count, 1);
        }

        #[test]
        fn every_window_kind_contains_its_dates(kind in any_kind(), d in any_date()) {
            for rule in [WindowRule::Calendar, WindowRule::Decree09] {
                if let Ok(win) = ReportingWindow::containing(kind, rule, d) {
                    prop_assert!(win.contains(d));
                    prop_assert_eq!(win.period().kind(), kind);
                    prop_assert_eq!(ReportingWindow::new(win.period(), rule).unwrap(), win);
                }
            }
        }
    }
}
