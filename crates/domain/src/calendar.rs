//! The work calendar (lịch làm việc): the time zone of the system, and which days public servants
//! work, built from data — the weekly days off and the public holidays, compensatory days off (nghỉ
//! bù), swapped days (hoán đổi) and worked Saturdays (làm bù) of each year.
//!
//! Holidays are data, never constants in code: Tết and Giỗ Tổ Hùng Vương follow the lunar calendar and
//! the Government announces each year's schedule, so the table in `data/holidays.toml` lists explicit
//! dates per year and says which years follow an announced schedule and which are computed. Admins may
//! replace the table; `WorkCalendar` is serialised as that table.
//!
//! Outside the years of its table, within 1900–2200 ([`SUPPORTED_FIRST_YEAR`]–[`SUPPORTED_LAST_YEAR`]),
//! the calendar answers by rule: the statutory days of the Labour Code on lunar dates computed with
//! [`crate::lunar`], a holiday on a weekly day off compensated on the next working day; such years
//! have the status [`DataStatus::Computed`] and every such day off is `unconfirmed`. Beyond 1900–2200
//! every question is a typed `CalendarError::OutOfRange`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::{Offset, TimeZone};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::{Lang, Localized};

/// The IANA name of the one time zone giaoban works in.
pub const TIME_ZONE_NAME: &str = "Asia/Ho_Chi_Minh";

/// The holiday table bundled with the program.
const BUNDLED_HOLIDAYS: &str = include_str!("../data/holidays.toml");

/// The schema version of holiday tables this code understands.
pub const HOLIDAY_SCHEMA: u32 = 1;

/// The first year the calendar answers for (by rule before its table).
pub const SUPPORTED_FIRST_YEAR: i16 = 1900;
/// The last year the calendar answers for (by rule after its table).
pub const SUPPORTED_LAST_YEAR: i16 = 2200;

/// Longest single day-off entry accepted: the longest Tết break announced so far is 9 days; anything
/// much longer is a typing error in the data.
const MAX_ENTRY_DAYS: i32 = 31;

static VIETNAM_TZ: LazyLock<TimeZone> = LazyLock::new(|| {
    // The tz database is bundled (jiff `tzdb-bundle-always`), so the lookup does not depend on the
    // machine. Vietnam has kept UTC+7 without daylight saving since 1975, so the fixed offset is an
    // exact fallback for every date the system deals with.
    TimeZone::get(TIME_ZONE_NAME).unwrap_or_else(|_| TimeZone::fixed(Offset::constant(7)))
});

static VIETNAM_CALENDAR: LazyLock<Result<WorkCalendar, CalendarError>> =
    LazyLock::new(|| WorkCalendar::from_toml(BUNDLED_HOLIDAYS));

/// The time zone Asia/Ho_Chi_Minh (giờ Việt Nam, UTC+7).
pub fn vietnam_tz() -> TimeZone {
    VIETNAM_TZ.clone()
}

/// The instant of a local date and time in Vietnam.
pub fn local_timestamp(date: Date, time: Time) -> Result<Timestamp, CalendarError> {
    VIETNAM_TZ
        .to_timestamp(date.to_datetime(time))
        .map_err(|e| CalendarError::TimeConversion(e.to_string()))
}

/// The last instant (last nanosecond) of a local date in Vietnam: a deadline given as a date only is
/// met by anything done on that day.
pub fn end_of_day(date: Date) -> Result<Timestamp, CalendarError> {
    let next = date
        .tomorrow()
        .map_err(|e| CalendarError::TimeConversion(e.to_string()))?;
    let start_of_next = local_timestamp(next, Time::midnight())?;
    start_of_next
        .checked_sub(1.nanosecond())
        .map_err(|e| CalendarError::TimeConversion(e.to_string()))
}

/// The local date of an instant in Vietnam.
pub fn local_date(ts: Timestamp) -> Date {
    VIETNAM_TZ.to_datetime(ts).date()
}

/// Days since 1970-01-01 (negative before): the form in which the database compares dates.
pub fn day_number(date: Date) -> i64 {
    date.since((jiff::Unit::Day, Date::constant(1970, 1, 1)))
        .map(|span| i64::from(span.get_days()))
        // Every civil date is within ±10 000 years of 1970: the difference always exists.
        .unwrap_or_default()
}

/// The local date and time of an instant in Vietnam.
pub fn local_datetime(ts: Timestamp) -> DateTime {
    VIETNAM_TZ.to_datetime(ts)
}

/// Errors of the work calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// The date lies outside the years the holiday table covers.
    #[error("date {date} is outside the work calendar ({first} to {last})")]
    OutOfRange { date: Date, first: Date, last: Date },
    /// The holiday table is malformed or inconsistent.
    #[error("invalid holiday data: {0}")]
    InvalidData(String),
    /// A local date/time could not be turned into an instant (only at the ends of the supported range).
    #[error("date/time conversion failed: {0}")]
    TimeConversion(String),
}

impl Localized for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            CalendarError::OutOfRange { .. } => "calendar.out_of_range",
            CalendarError::InvalidData(_) => "calendar.invalid_data",
            CalendarError::TimeConversion(_) => "calendar.time_conversion",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (CalendarError::OutOfRange { date, first, last }, Lang::Vi) => format!(
                "Ngày {} nằm ngoài lịch làm việc (từ {} đến {}).",
                format_date_vi(*date),
                format_date_vi(*first),
                format_date_vi(*last)
            ),
            (CalendarError::OutOfRange { .. }, Lang::En) => self.to_string(),
            (CalendarError::InvalidData(reason), Lang::Vi) => {
                format!("Dữ liệu ngày nghỉ lễ không hợp lệ: {reason}")
            }
            (CalendarError::TimeConversion(reason), Lang::Vi) => {
                format!("Không chuyển đổi được ngày giờ: {reason}")
            }
            (_, Lang::En) => self.to_string(),
        }
    }
}

/// Formats a date the way Vietnamese documents write it: `27/03/2023` (leading zeros).
pub fn format_date_vi(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// Formats a date for English text: `27 March 2023`.
pub fn format_date_en(date: Date) -> String {
    format!(
        "{} {} {}",
        date.day(),
        month_name_en(date.month()),
        date.year()
    )
}

/// The English name of a month 1–12 (empty for anything else).
pub fn month_name_en(month: i8) -> &'static str {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    usize::try_from(month - 1)
        .ok()
        .and_then(|i| MONTHS.get(i))
        .copied()
        .unwrap_or("")
}

/// A day of the week (thứ), serialisable, with its Vietnamese name ("thứ Hai" … "Chủ nhật").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DayOfWeek {
    Monday,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

impl DayOfWeek {
    pub const ALL: [DayOfWeek; 7] = [
        DayOfWeek::Monday,
        DayOfWeek::Tuesday,
        DayOfWeek::Wednesday,
        DayOfWeek::Thursday,
        DayOfWeek::Friday,
        DayOfWeek::Saturday,
        DayOfWeek::Sunday,
    ];

    pub fn to_weekday(self) -> Weekday {
        match self {
            DayOfWeek::Monday => Weekday::Monday,
            DayOfWeek::Tuesday => Weekday::Tuesday,
            DayOfWeek::Wednesday => Weekday::Wednesday,
            DayOfWeek::Thursday => Weekday::Thursday,
            DayOfWeek::Friday => Weekday::Friday,
            DayOfWeek::Saturday => Weekday::Saturday,
            DayOfWeek::Sunday => Weekday::Sunday,
        }
    }

    pub fn from_weekday(weekday: Weekday) -> DayOfWeek {
        match weekday {
            Weekday::Monday => DayOfWeek::Monday,
            Weekday::Tuesday => DayOfWeek::Tuesday,
            Weekday::Wednesday => DayOfWeek::Wednesday,
            Weekday::Thursday => DayOfWeek::Thursday,
            Weekday::Friday => DayOfWeek::Friday,
            Weekday::Saturday => DayOfWeek::Saturday,
            Weekday::Sunday => DayOfWeek::Sunday,
        }
    }

    /// 0 for Monday … 6 for Sunday.
    pub fn monday_zero_offset(self) -> usize {
        match self {
            DayOfWeek::Monday => 0,
            DayOfWeek::Tuesday => 1,
            DayOfWeek::Wednesday => 2,
            DayOfWeek::Thursday => 3,
            DayOfWeek::Friday => 4,
            DayOfWeek::Saturday => 5,
            DayOfWeek::Sunday => 6,
        }
    }

    /// The name as written in documents: "thứ Năm", "Chủ nhật" / "Thursday".
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DayOfWeek::Monday => lang.pick("thứ Hai", "Monday"),
            DayOfWeek::Tuesday => lang.pick("thứ Ba", "Tuesday"),
            DayOfWeek::Wednesday => lang.pick("thứ Tư", "Wednesday"),
            DayOfWeek::Thursday => lang.pick("thứ Năm", "Thursday"),
            DayOfWeek::Friday => lang.pick("thứ Sáu", "Friday"),
            DayOfWeek::Saturday => lang.pick("thứ Bảy", "Saturday"),
            DayOfWeek::Sunday => lang.pick("Chủ nhật", "Sunday"),
        }
    }
}

/// How far a year of the holiday table can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataStatus {
    /// The Government's schedule for the year was announced and the table follows it.
    Announced,
    /// No announcement known: statutory days on computed lunar dates; compensations are estimates.
    Computed,
}

/// The public holiday a day off belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// Tết Dương lịch (1/1).
    NewYear,
    /// Tết Âm lịch / Tết Nguyên đán.
    Tet,
    /// Giỗ Tổ Hùng Vương (10/3 âm lịch).
    HungKings,
    /// Ngày Chiến thắng (30/4).
    ReunificationDay,
    /// Ngày Quốc tế Lao động (1/5).
    LabourDay,
    /// Quốc khánh (2/9).
    NationalDay,
    /// Any other day off decided by the Government.
    Other,
}

impl Holiday {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Holiday::NewYear => lang.pick("Tết Dương lịch", "New Year's Day"),
            Holiday::Tet => lang.pick("Tết Nguyên đán", "Lunar New Year (Tết)"),
            Holiday::HungKings => lang.pick("Giỗ Tổ Hùng Vương", "Hùng Kings' Commemoration"),
            Holiday::ReunificationDay => lang.pick("Ngày Chiến thắng 30/4", "Reunification Day"),
            Holiday::LabourDay => lang.pick("Ngày Quốc tế Lao động 1/5", "Labour Day"),
            Holiday::NationalDay => lang.pick("Quốc khánh 2/9", "National Day"),
            Holiday::Other => lang.pick("Ngày nghỉ khác", "Other day off"),
        }
    }
}

/// Why a day is off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOffKind {
    /// The holiday itself or the announced block around it (ngày nghỉ lễ, Tết).
    Holiday,
    /// Nghỉ bù: a holiday fell on a weekly day off.
    Compensatory,
    /// Nghỉ do hoán đổi ngày làm việc: paid back by a worked Saturday.
    Swapped,
}

impl DayOffKind {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            DayOffKind::Holiday => lang.pick("Nghỉ lễ, Tết", "Public holiday"),
            DayOffKind::Compensatory => lang.pick("Nghỉ bù", "Compensatory day off"),
            DayOffKind::Swapped => lang.pick("Nghỉ hoán đổi", "Swapped day off"),
        }
    }
}

/// The holiday table as stored (`data/holidays.toml`, or JSON when edited by admins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayTable {
    pub schema: u32,
    pub time_zone: String,
    pub first_year: i16,
    pub last_year: i16,
    /// Weekly days off (Saturday and Sunday for public servants).
    pub weekend: Vec<DayOfWeek>,
    pub years: Vec<HolidayYear>,
}

/// One year of the holiday table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayYear {
    pub year: i16,
    pub status: DataStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default)]
    pub days_off: Vec<DayOffEntry>,
    /// Weekly days off that are worked (làm bù) in exchange for a swapped day.
    #[serde(default)]
    pub working_days: Vec<WorkingDayEntry>,
}

/// A day or an inclusive range of days off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayOffEntry {
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Date>,
    pub holiday: Holiday,
    pub kind: DayOffKind,
    /// The entry could not be confirmed against an announcement.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unconfirmed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A weekly day off that is worked (làm bù).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkingDayEntry {
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What the calendar knows about a day off.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayOff {
    pub holiday: Holiday,
    pub kind: DayOffKind,
    pub unconfirmed: bool,
    /// The status of the year the entry was listed under.
    pub status: DataStatus,
}

/// Working days of public servants between two dates, from a validated holiday table.
///
/// Every day of the covered years is precomputed: a flag and a running count, so that a question is a
/// lookup and `add_working_days` a binary search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "HolidayTable", into = "HolidayTable")]
pub struct WorkCalendar {
    table: HolidayTable,
    first: Date,
    last: Date,
    working: Vec<bool>,
    /// `cumulative[i]` = number of working days in `[first, first + i]`.
    cumulative: Vec<u32>,
    days_off: BTreeMap<Date, DayOff>,
    years: BTreeMap<i16, DataStatus>,
}

impl TryFrom<HolidayTable> for WorkCalendar {
    type Error = CalendarError;

    fn try_from(table: HolidayTable) -> Result<Self, Self::Error> {
        WorkCalendar::new(table)
    }
}

impl From<WorkCalendar> for HolidayTable {
    fn from(calendar: WorkCalendar) -> Self {
        calendar.table
    }
}

fn invalid(reason: impl Into<String>) -> CalendarError {
    CalendarError::InvalidData(reason.into())
}

impl WorkCalendar {
    /// The calendar of Vietnam built from the bundled table (2017–2030), parsed once.
    pub fn vietnam() -> Result<&'static WorkCalendar, CalendarError> {
        VIETNAM_CALENDAR.as_ref().map_err(Clone::clone)
    }

    /// Parses and validates a holiday table in TOML.
    pub fn from_toml(text: &str) -> Result<WorkCalendar, CalendarError> {
        let table: HolidayTable = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        WorkCalendar::new(table)
    }

    /// Validates a holiday table and precomputes the working days.
    pub fn new(table: HolidayTable) -> Result<WorkCalendar, CalendarError> {
        if table.schema != HOLIDAY_SCHEMA {
            return Err(invalid(format!(
                "schema {} is not supported (expected {HOLIDAY_SCHEMA})",
                table.schema
            )));
        }
        if table.time_zone != TIME_ZONE_NAME {
            return Err(invalid(format!(
                "time zone {} is not supported (expected {TIME_ZONE_NAME})",
                table.time_zone
            )));
        }
        if !(SUPPORTED_FIRST_YEAR..=SUPPORTED_LAST_YEAR).contains(&table.first_year)
            || !(table.first_year..=SUPPORTED_LAST_YEAR).contains(&table.last_year)
        {
            return Err(invalid(format!(
                "years {}–{} must be ordered and within {SUPPORTED_FIRST_YEAR}–{SUPPORTED_LAST_YEAR}",
                table.first_year, table.last_year
            )));
        }
        let mut weekend = [false; 7];
        for day in &table.weekend {
            let slot = &mut weekend[day.monday_zero_offset()];
            if *slot {
                return Err(invalid(format!("weekend day {day:?} listed twice")));
            }
            *slot = true;
        }
        if weekend.iter().all(|w| *w) {
            return Err(invalid("every day of the week is a day off"));
        }

        let table_first = Date::new(table.first_year, 1, 1).map_err(|e| invalid(e.to_string()))?;
        let table_last = Date::new(table.last_year, 12, 31).map_err(|e| invalid(e.to_string()))?;
        let first = Date::new(SUPPORTED_FIRST_YEAR, 1, 1).map_err(|e| invalid(e.to_string()))?;
        let last = Date::new(SUPPORTED_LAST_YEAR, 12, 31).map_err(|e| invalid(e.to_string()))?;
        let total = usize::try_from(days_from(first, last)? + 1)
            .map_err(|_| invalid("empty calendar range"))?;

        let mut years = BTreeMap::new();
        for year in &table.years {
            if !(table.first_year..=table.last_year).contains(&year.year) {
                return Err(invalid(format!(
                    "year {} is outside {}–{}",
                    year.year, table.first_year, table.last_year
                )));
            }
            if years.insert(year.year, year.status).is_some() {
                return Err(invalid(format!("year {} listed twice", year.year)));
            }
        }
        // A missing year would silently count its holidays as working days.
        for y in table.first_year..=table.last_year {
            if !years.contains_key(&y) {
                return Err(invalid(format!("year {y} is missing")));
            }
        }

        let in_range = |d: Date| d >= table_first && d <= table_last;
        // The years outside the table, by rule (checked by construction, not against the table).
        let mut ruled = Vec::new();
        for y in (SUPPORTED_FIRST_YEAR..table.first_year)
            .chain(table.last_year.saturating_add(1)..=SUPPORTED_LAST_YEAR)
        {
            ruled.push(ruled_year(y, &weekend)?);
            years.insert(y, DataStatus::Computed);
        }
        let mut working: Vec<bool> = Vec::with_capacity(total);
        let mut day = first;
        for i in 0..total {
            working.push(!weekend[DayOfWeek::from_weekday(day.weekday()).monday_zero_offset()]);
            if i + 1 < total {
                day = day.tomorrow().map_err(|e| invalid(e.to_string()))?;
            }
        }

        let mut days_off = BTreeMap::new();
        for (year, from_table) in table
            .years
            .iter()
            .map(|y| (y, true))
            .chain(ruled.iter().map(|y| (y, false)))
        {
            for entry in &year.days_off {
                let to = entry.to.unwrap_or(entry.from);
                if from_table && to < entry.from {
                    return Err(invalid(format!(
                        "day-off entry {}..{} ends before it starts",
                        entry.from, to
                    )));
                }
                if from_table && (!in_range(entry.from) || !in_range(to)) {
                    return Err(invalid(format!(
                        "day-off entry {}..{} is outside the calendar",
                        entry.from, to
                    )));
                }
                if days_from(entry.from, to)? >= MAX_ENTRY_DAYS {
                    return Err(invalid(format!(
                        "day-off entry {}..{} is longer than {MAX_ENTRY_DAYS} days",
                        entry.from, to
                    )));
                }
                let mut d = entry.from;
                loop {
                    let info = DayOff {
                        holiday: entry.holiday,
                        kind: entry.kind,
                        unconfirmed: entry.unconfirmed,
                        status: year.status,
                    };
                    if days_off.insert(d, info).is_some() {
                        return Err(invalid(format!("day {d} is listed as a day off twice")));
                    }
                    let idx = index_of(first, d)?;
                    if let Some(slot) = working.get_mut(idx) {
                        *slot = false;
                    }
                    if d >= to {
                        break;
                    }
                    d = d.tomorrow().map_err(|e| invalid(e.to_string()))?;
                }
            }
        }
        for year in &table.years {
            for entry in &year.working_days {
                let d = entry.date;
                if !in_range(d) {
                    return Err(invalid(format!("working day {d} is outside the calendar")));
                }
                if !weekend[DayOfWeek::from_weekday(d.weekday()).monday_zero_offset()] {
                    return Err(invalid(format!(
                        "working day {d} is not a weekly day off, so listing it changes nothing"
                    )));
                }
                if days_off.contains_key(&d) {
                    return Err(invalid(format!(
                        "day {d} is both a day off and a working day"
                    )));
                }
                let idx = index_of(first, d)?;
                match working.get_mut(idx) {
                    Some(slot) if !*slot => *slot = true,
                    _ => return Err(invalid(format!("working day {d} listed twice"))),
                }
            }
        }

        let mut cumulative = Vec::with_capacity(total);
        let mut count = 0u32;
        for w in &working {
            count += u32::from(*w);
            cumulative.push(count);
        }

        Ok(WorkCalendar {
            table,
            first,
            last,
            working,
            cumulative,
            days_off,
            years,
        })
    }

    /// The table this calendar was built from.
    pub fn table(&self) -> &HolidayTable {
        &self.table
    }

    /// The first day the calendar covers (1 January of its first year).
    pub fn first_day(&self) -> Date {
        self.first
    }

    /// The last day the calendar covers (31 December of its last year).
    pub fn last_day(&self) -> Date {
        self.last
    }

    pub fn covers(&self, date: Date) -> bool {
        date >= self.first && date <= self.last
    }

    /// How far the holidays of a year can be trusted; `None` outside the calendar.
    pub fn year_status(&self, year: i16) -> Option<DataStatus> {
        self.years.get(&year).copied()
    }

    fn index(&self, date: Date) -> Result<usize, CalendarError> {
        if !self.covers(date) {
            return Err(self.out_of_range(date));
        }
        index_of(self.first, date)
    }

    fn out_of_range(&self, date: Date) -> CalendarError {
        CalendarError::OutOfRange {
            date,
            first: self.first,
            last: self.last,
        }
    }

    fn date_at(&self, index: usize) -> Result<Date, CalendarError> {
        let days = i32::try_from(index).map_err(|_| invalid("index overflow"))?;
        self.first
            .checked_add(days.days())
            .map_err(|e| CalendarError::TimeConversion(e.to_string()))
    }

    /// Whether public servants work on that day (ngày làm việc).
    pub fn is_working_day(&self, date: Date) -> Result<bool, CalendarError> {
        let i = self.index(date)?;
        Ok(self.working.get(i).copied().unwrap_or(false))
    }

    /// The holiday a day belongs to, if it is a listed day off (weekends are not listed).
    pub fn day_off(&self, date: Date) -> Result<Option<&DayOff>, CalendarError> {
        self.index(date)?;
        Ok(self.days_off.get(&date))
    }

    /// The `n`-th working day after `date` (`date` itself not counted); for negative `n`, the
    /// `|n|`-th working day before it; `n = 0` gives `date` unchanged.
    ///
    /// "Within 5 working days after the meeting" is `add_working_days(meeting, 5)`.
    pub fn add_working_days(&self, date: Date, n: i32) -> Result<Date, CalendarError> {
        let i = self.index(date)?;
        if n == 0 {
            return Ok(date);
        }
        let here = self.cumulative.get(i).copied().unwrap_or(0);
        let target = if n > 0 {
            u64::from(here) + u64::from(n.unsigned_abs())
        } else {
            // Working days strictly before `date`, then step back |n| of them.
            let before = here - u32::from(self.working.get(i).copied().unwrap_or(false));
            match before.checked_sub(n.unsigned_abs()) {
                Some(rest) => u64::from(rest) + 1,
                None => return Err(self.out_of_range_before(date, n)),
            }
        };
        let j = self.cumulative.partition_point(|c| u64::from(*c) < target);
        if j >= self.cumulative.len() {
            return Err(self.out_of_range_after(date, n));
        }
        self.date_at(j)
    }

    fn out_of_range_after(&self, date: Date, n: i32) -> CalendarError {
        let guess = date.saturating_add(n.days());
        self.out_of_range(if guess > self.last {
            guess
        } else {
            self.last.saturating_add(1.day())
        })
    }

    fn out_of_range_before(&self, date: Date, n: i32) -> CalendarError {
        let guess = date.saturating_add(n.days());
        self.out_of_range(if guess < self.first {
            guess
        } else {
            self.first.saturating_sub(1.day())
        })
    }

    /// Working days in `(start, end]`: `working_days_between(d, add_working_days(d, n)) == n` for
    /// `n ≥ 0`. Negative when `end` is before `start`.
    pub fn working_days_between(&self, start: Date, end: Date) -> Result<i32, CalendarError> {
        let a = self
            .cumulative
            .get(self.index(start)?)
            .copied()
            .unwrap_or(0);
        let b = self.cumulative.get(self.index(end)?).copied().unwrap_or(0);
        let diff = i64::from(b) - i64::from(a);
        i32::try_from(diff).map_err(|_| invalid("working-day count overflow"))
    }

    /// `date` if it is a working day, otherwise the next working day.
    pub fn working_day_on_or_after(&self, date: Date) -> Result<Date, CalendarError> {
        if self.is_working_day(date)? {
            Ok(date)
        } else {
            self.add_working_days(date, 1)
        }
    }
}

/// The days off of a year outside the table, by rule (Labour Code 1994 Art. 73, 2012 Art. 115,
/// 2019 Art. 112): 1/1; Tết — the last day of the lunar year and mùng 1–3 (4 days), from 2013
/// mùng 1–4 (5 days); Giỗ Tổ Hùng Vương 10/3 lunar from 2007; 30/4; 1/5; 2/9, from 2021 with an
/// adjacent day (1/9 when 2/9 is a Tuesday, Friday or Saturday, else 3/9: a guess, the Prime
/// Minister chooses). A holiday on a weekly day off or on another holiday is compensated on the
/// next working day. Announced swaps and extra days cannot be known: every entry is unconfirmed.
fn ruled_year(year: i16, weekend: &[bool; 7]) -> Result<HolidayYear, CalendarError> {
    let day = |m: i8, d: i8| Date::new(year, m, d).map_err(|e| invalid(e.to_string()));
    let lunar = |d: Option<Date>| d.ok_or_else(|| invalid(format!("no lunar date in {year}")));
    let mut statutory: Vec<(Date, Holiday)> = vec![(day(1, 1)?, Holiday::NewYear)];
    let tet = lunar(crate::lunar::tet(year))?;
    let tet_days: i32 = if year >= 2013 { 4 } else { 3 };
    for n in -1..tet_days {
        statutory.push((tet.saturating_add(n.days()), Holiday::Tet));
    }
    if year >= 2007 {
        statutory.push((lunar(crate::lunar::hung_kings(year))?, Holiday::HungKings));
    }
    statutory.push((day(4, 30)?, Holiday::ReunificationDay));
    statutory.push((day(5, 1)?, Holiday::LabourDay));
    let national = day(9, 2)?;
    statutory.push((national, Holiday::NationalDay));
    if year >= 2021 {
        let adjacent = match national.weekday() {
            Weekday::Tuesday | Weekday::Friday | Weekday::Saturday => day(9, 1)?,
            _ => day(9, 3)?,
        };
        statutory.push((adjacent, Holiday::NationalDay));
    }
    statutory.sort_by_key(|(d, _)| *d);
    let is_weekend = |d: Date| weekend[DayOfWeek::from_weekday(d.weekday()).monday_zero_offset()];
    let mut off: BTreeMap<Date, (Holiday, DayOffKind)> = BTreeMap::new();
    let mut owed = Vec::new();
    for (d, h) in statutory {
        if is_weekend(d) || off.contains_key(&d) {
            owed.push((d, h));
        }
        off.entry(d).or_insert((h, DayOffKind::Holiday));
    }
    for (d, h) in owed {
        let mut c = d.tomorrow().map_err(|e| invalid(e.to_string()))?;
        while is_weekend(c) || off.contains_key(&c) {
            c = c.tomorrow().map_err(|e| invalid(e.to_string()))?;
        }
        off.insert(c, (h, DayOffKind::Compensatory));
    }
    Ok(HolidayYear {
        year,
        status: DataStatus::Computed,
        note: Some("computed by rule, outside the holiday table".into()),
        days_off: off
            .into_iter()
            .map(|(from, (holiday, kind))| DayOffEntry {
                from,
                to: None,
                holiday,
                kind,
                unconfirmed: true,
                note: None,
            })
            .collect(),
        working_days: Vec::new(),
    })
}

/// Days from `a` to `b` (negative if `b` is before `a`).
fn days_from(a: Date, b: Date) -> Result<i32, CalendarError> {
    a.until(b)
        .map(|span| span.get_days())
        .map_err(|e| CalendarError::TimeConversion(e.to_string()))
}

fn index_of(first: Date, date: Date) -> Result<usize, CalendarError> {
    usize::try_from(days_from(first, date)?).map_err(|_| invalid("date before calendar start"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    fn cal() -> &'static WorkCalendar {
        match WorkCalendar::vietnam() {
            Ok(c) => c,
            Err(e) => panic!("bundled holiday table must load: {e}"),
        }
    }

    #[test]
    fn day_numbers_count_days_from_1970_and_keep_order() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(1969, 12, 31)), -1);
        assert_eq!(day_number(date(2023, 3, 27)), 19_443);
        assert_eq!(
            day_number(date(2024, 3, 1)) - day_number(date(2024, 2, 28)),
            2
        );
    }

    #[test]
    fn bundled_table_covers_2017_to_2030_and_rules_answer_1900_to_2200() {
        let c = cal();
        assert_eq!(c.first_day(), date(1900, 1, 1));
        assert_eq!(c.last_day(), date(2200, 12, 31));
        for y in 2017..=2025 {
            assert_eq!(c.year_status(y), Some(DataStatus::Announced), "{y}");
        }
        for y in (1900..=2016).chain(2026..=2200) {
            assert_eq!(c.year_status(y), Some(DataStatus::Computed), "{y}");
        }
        assert_eq!(c.year_status(1899), None);
        assert_eq!(c.year_status(2201), None);
    }

    #[test]
    fn years_outside_the_table_follow_the_rules_and_are_unconfirmed() {
        let c = cal();
        // 2016: Tết Bính Thân on Monday 8/2 (7–11/2 off, Sunday 7/2 compensated on 12/2),
        // Hùng Kings on Saturday 16/4 (compensated Monday 18/4), 2/9 a Friday.
        for d in [7, 8, 9, 10, 11, 12] {
            assert!(!c.is_working_day(date(2016, 2, d)).unwrap(), "{d}/2/2016");
        }
        assert!(c.is_working_day(date(2016, 2, 15)).unwrap());
        let off = c.day_off(date(2016, 2, 8)).unwrap().unwrap();
        assert_eq!(
            (off.holiday, off.status),
            (Holiday::Tet, DataStatus::Computed)
        );
        assert!(off.unconfirmed);
        assert_eq!(
            c.day_off(date(2016, 4, 18)).unwrap().map(|d| d.kind),
            Some(DayOffKind::Compensatory)
        );
        assert!(!c.is_working_day(date(2016, 9, 2)).unwrap());
        assert!(c.is_working_day(date(2016, 9, 1)).unwrap());
        // The meeting of the finding: Monday 10/5/2016, notice within 5 working days → 17/5.
        assert_eq!(
            c.add_working_days(date(2016, 5, 10), 5).unwrap(),
            date(2016, 5, 17)
        );
        // Saturday 28/12/2030: 5 working days run into 2031 (1/1/2031 a Wednesday holiday).
        assert_eq!(
            c.add_working_days(date(2030, 12, 28), 5).unwrap(),
            date(2031, 1, 6)
        );
        // 2031: Tết Tân Hợi on Thursday 23/1 (22–27/1 off with the weekend compensated).
        assert!(!c.is_working_day(date(2031, 1, 22)).unwrap());
        assert!(!c.is_working_day(date(2031, 1, 27)).unwrap());
        assert!(!c.is_working_day(date(2031, 1, 28)).unwrap());
        // 2/9/2031 a Tuesday: 1/9 with it.
        assert!(!c.is_working_day(date(2031, 9, 1)).unwrap());
        // The ends of the supported range.
        assert!(c.is_working_day(date(1900, 1, 1)).is_ok());
        assert!(c.is_working_day(date(2200, 12, 31)).is_ok());
    }

    #[test]
    fn time_zone_is_utc_plus_7() {
        let tz = vietnam_tz();
        assert_eq!(tz.iana_name(), Some(TIME_ZONE_NAME));
        let ts = local_timestamp(date(2023, 3, 27), time(17, 0, 0, 0)).unwrap();
        assert_eq!(ts.to_string(), "2023-03-27T10:00:00Z");
        assert_eq!(local_date(ts), date(2023, 3, 27));
        let eod = end_of_day(date(2023, 3, 27)).unwrap();
        assert_eq!(eod.to_string(), "2023-03-27T16:59:59.999999999Z");
        assert_eq!(local_date(eod), date(2023, 3, 27));
    }

    #[test]
    fn weekends_and_holidays_are_not_working_days() {
        let c = cal();
        // Friday 24/03/2023, the seed 004 meeting.
        assert!(c.is_working_day(date(2023, 3, 24)).unwrap());
        assert!(!c.is_working_day(date(2023, 3, 25)).unwrap());
        assert!(!c.is_working_day(date(2023, 3, 26)).unwrap());
        // Tết Quý Mão: 20/1–26/1/2023.
        for d in 20..=26 {
            assert!(!c.is_working_day(date(2023, 1, d)).unwrap(), "{d}/1/2023");
        }
        assert!(c.is_working_day(date(2023, 1, 27)).unwrap());
        assert!(c.is_working_day(date(2023, 1, 19)).unwrap());
        let tet = c.day_off(date(2023, 1, 22)).unwrap().unwrap();
        assert_eq!(tet.holiday, Holiday::Tet);
        // 29/4–3/5/2023: Hùng Kings on Saturday, 30/4 on Sunday, compensated Tue and Wed.
        for d in [date(2023, 5, 1), date(2023, 5, 2), date(2023, 5, 3)] {
            assert!(!c.is_working_day(d).unwrap(), "{d}");
        }
        assert_eq!(
            c.day_off(date(2023, 5, 2)).unwrap().map(|d| d.kind),
            Some(DayOffKind::Compensatory)
        );
        assert!(c.is_working_day(date(2023, 5, 4)).unwrap());
        // National Day since 2021 has two days.
        assert!(!c.is_working_day(date(2021, 9, 3)).unwrap());
        assert!(c.is_working_day(date(2020, 9, 3)).unwrap());
        assert_eq!(c.day_off(date(2023, 3, 25)).unwrap(), None);
    }

    #[test]
    fn swapped_saturdays_are_working_days() {
        let c = cal();
        assert!(c.is_working_day(date(2019, 1, 5)).unwrap());
        assert!(!c.is_working_day(date(2018, 12, 31)).unwrap());
        assert!(c.is_working_day(date(2024, 5, 4)).unwrap());
        assert!(!c.is_working_day(date(2024, 4, 29)).unwrap());
        assert!(c.is_working_day(date(2025, 4, 26)).unwrap());
        assert!(!c.is_working_day(date(2025, 5, 2)).unwrap());
    }

    #[test]
    fn add_working_days_skips_weekends_and_holidays() {
        let c = cal();
        // Conclusion notice within 5 working days of Friday 24/03/2023.
        assert_eq!(
            c.add_working_days(date(2023, 3, 24), 5).unwrap(),
            date(2023, 3, 31)
        );
        // Across Tết 2023.
        assert_eq!(
            c.add_working_days(date(2023, 1, 19), 1).unwrap(),
            date(2023, 1, 27)
        );
        assert_eq!(
            c.add_working_days(date(2023, 1, 27), -1).unwrap(),
            date(2023, 1, 19)
        );
        // From a day off, the first working day after it is one working day later.
        assert_eq!(
            c.add_working_days(date(2023, 1, 22), 1).unwrap(),
            date(2023, 1, 27)
        );
        assert_eq!(
            c.add_working_days(date(2023, 1, 22), -1).unwrap(),
            date(2023, 1, 19)
        );
        assert_eq!(
            c.add_working_days(date(2023, 4, 28), 1).unwrap(),
            date(2023, 5, 4)
        );
        assert_eq!(
            c.add_working_days(date(2023, 4, 28), 0).unwrap(),
            date(2023, 4, 28)
        );
        // Across the year end: 1/1/2024 is a Monday holiday.
        assert_eq!(
            c.add_working_days(date(2023, 12, 29), 1).unwrap(),
            date(2024, 1, 2)
        );
        // The worked Saturday counts.
        assert_eq!(
            c.add_working_days(date(2024, 5, 3), 1).unwrap(),
            date(2024, 5, 4)
        );
        assert_eq!(
            c.working_day_on_or_after(date(2023, 1, 21)).unwrap(),
            date(2023, 1, 27)
        );
        assert_eq!(
            c.working_day_on_or_after(date(2023, 1, 27)).unwrap(),
            date(2023, 1, 27)
        );
    }

    #[test]
    fn working_days_between_counts_half_open_interval() {
        let c = cal();
        assert_eq!(
            c.working_days_between(date(2023, 3, 24), date(2023, 3, 31))
                .unwrap(),
            5
        );
        assert_eq!(
            c.working_days_between(date(2023, 3, 31), date(2023, 3, 24))
                .unwrap(),
            -5
        );
        assert_eq!(
            c.working_days_between(date(2023, 3, 24), date(2023, 3, 24))
                .unwrap(),
            0
        );
        assert_eq!(
            c.working_days_between(date(2023, 1, 19), date(2023, 1, 27))
                .unwrap(),
            1
        );
        // 2023 has 365 - 105 weekend days - 11 weekday holidays (2/1, 5 Tết, 1/5, 2/5, 3/5, 1/9, 4/9).
        assert_eq!(
            c.working_days_between(date(2022, 12, 31), date(2023, 12, 31))
                .unwrap(),
            249
        );
    }

    #[test]
    fn out_of_range_is_a_typed_error() {
        let c = cal();
        let err = c.is_working_day(date(1899, 12, 31)).unwrap_err();
        assert!(matches!(err, CalendarError::OutOfRange { .. }));
        assert_eq!(err.code(), "calendar.out_of_range");
        assert!(err.message(Lang::Vi).contains("31/12/1899"));
        assert!(c.is_working_day(date(2201, 1, 1)).is_err());
        assert!(c.is_working_day(date(9999, 12, 31)).is_err());
        assert!(matches!(
            c.add_working_days(date(2200, 12, 20), 30),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(matches!(
            c.add_working_days(date(1900, 1, 10), -30),
            Err(CalendarError::OutOfRange { .. })
        ));
        assert!(
            c.working_days_between(date(2017, 1, 1), date(2201, 1, 1))
                .is_err()
        );
    }

    const MINI: &str = r#"
schema = 1
time_zone = "Asia/Ho_Chi_Minh"
first_year = 2023
last_year = 2023
weekend = ["saturday", "sunday"]
[[years]]
year = 2023
status = "announced"
days_off = [{ from = "2023-01-02", holiday = "new_year", kind = "compensatory" }]
working_days = [{ date = "2023-01-07" }]
"#;

    #[test]
    fn custom_tables_load_and_validate() {
        let c = WorkCalendar::from_toml(MINI).unwrap();
        assert!(!c.is_working_day(date(2023, 1, 2)).unwrap());
        assert!(c.is_working_day(date(2023, 1, 7)).unwrap());
        assert!(c.is_working_day(date(2023, 1, 1)).is_ok());

        let bad = |from: &str, to: &str| MINI.replace(from, to);
        let cases = [
            bad("schema = 1", "schema = 2"),
            bad("Asia/Ho_Chi_Minh", "Europe/Paris"),
            bad("last_year = 2023", "last_year = 2024"),
            bad("\"2023-01-07\"", "\"2023-01-06\""),
            bad("\"2023-01-07\"", "\"2023-01-02\""),
            bad(
                "{ from = \"2023-01-02\",",
                "{ from = \"2023-01-02\", to = \"2023-01-01\",",
            ),
            bad(
                "{ from = \"2023-01-02\",",
                "{ from = \"2023-01-02\", to = \"2023-03-01\",",
            ),
            bad("{ from = \"2023-01-02\",", "{ from = \"2024-01-02\","),
            bad("status = \"announced\"", "status = \"guessed\""),
            bad(
                "status = \"announced\"",
                "status = \"announced\"\nextra = 1",
            ),
            bad(
                "weekend = [\"saturday\", \"sunday\"]",
                "weekend = [\"sunday\", \"sunday\"]",
            ),
            bad(
                "days_off = [{",
                "days_off = [{ from = \"2023-01-02\", holiday = \"tet\", kind = \"holiday\" }, {",
            ),
        ];
        for case in cases {
            let err = WorkCalendar::from_toml(&case).unwrap_err();
            assert!(matches!(err, CalendarError::InvalidData(_)), "{case}");
            assert!(!err.message(Lang::Vi).is_empty());
        }
    }

    #[test]
    fn calendar_serialises_as_its_table() {
        let c = WorkCalendar::from_toml(MINI).unwrap();
        let json = serde_json::to_string(&c).unwrap();
        let back: WorkCalendar = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        let broken = json.replace("\"2023-01-07\"", "\"2023-01-06\"");
        assert!(serde_json::from_str::<WorkCalendar>(&broken).is_err());
    }

    #[test]
    fn labels_are_bilingual() {
        assert_eq!(DayOfWeek::Thursday.label(Lang::Vi), "thứ Năm");
        assert_eq!(DayOfWeek::Sunday.label(Lang::Vi), "Chủ nhật");
        assert_eq!(DayOfWeek::Monday.label(Lang::En), "Monday");
        assert_eq!(Holiday::Tet.label(Lang::Vi), "Tết Nguyên đán");
        assert_eq!(DayOffKind::Compensatory.label(Lang::Vi), "Nghỉ bù");
        assert_eq!(format_date_vi(date(2023, 3, 5)), "05/03/2023");
        assert_eq!(format_date_en(date(2023, 3, 5)), "5 March 2023");
        for d in DayOfWeek::ALL {
            assert_eq!(DayOfWeek::from_weekday(d.to_weekday()), d);
        }
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..(14 * 365)).prop_map(|n| date(2017, 1, 1).saturating_add(n.days()))
    }

    fn brute_force_between(c: &WorkCalendar, a: Date, b: Date) -> i32 {
        let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
        let mut d = lo;
        let mut n = 0;
        while d < hi {
            d = d.tomorrow().unwrap();
            if c.is_working_day(d).unwrap() {
                n += 1;
            }
        }
        sign * n
    }

    proptest! {
        #[test]
        fn add_then_count_round_trips(d in any_date(), n in 0i32..300) {
            let c = cal();
            if let Ok(e) = c.add_working_days(d, n) {
                prop_assert_eq!(c.working_days_between(d, e).unwrap(), n);
                if n > 0 {
                    prop_assert!(e > d);
                    prop_assert!(c.is_working_day(e).unwrap());
                }
            }
        }

        #[test]
        fn stepping_back_from_a_working_day_round_trips(d in any_date(), n in 1i32..300) {
            let c = cal();
            let d = c.working_day_on_or_after(d).unwrap_or(d);
            if let Ok(e) = c.add_working_days(d, -n) {
                prop_assert!(e < d);
                prop_assert!(c.is_working_day(e).unwrap());
                prop_assert_eq!(c.working_days_between(e, d).unwrap(), n);
                prop_assert_eq!(c.add_working_days(e, n).unwrap(), d);
            }
        }

        #[test]
        fn adding_composes(d in any_date(), a in 1i32..100, b in 1i32..100) {
            let c = cal();
            if let Ok(direct) = c.add_working_days(d, a + b) {
                let stepwise = c.add_working_days(c.add_working_days(d, a).unwrap(), b).unwrap();
                prop_assert_eq!(direct, stepwise);
                prop_assert!(c.add_working_days(d, a).unwrap() < direct);
            }
        }

        #[test]
        fn counting_matches_brute_force_and_is_additive(
            a in any_date(), b in any_date(), m in any_date()
        ) {
            let c = cal();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let hi = if days_from(lo, hi).unwrap() > 120 { lo.saturating_add(120.days()) } else { hi };
            prop_assert_eq!(c.working_days_between(lo, hi).unwrap(), brute_force_between(c, lo, hi));
            prop_assert_eq!(c.working_days_between(hi, lo).unwrap(), -brute_force_between(c, lo, hi));
            prop_assert_eq!(
                c.working_days_between(a, m).unwrap() + c.working_days_between(m, b).unwrap(),
                c.working_days_between(a, b).unwrap()
            );
        }

        #[test]
        fn saturdays_and_sundays_work_only_when_listed(d in any_date()) {
            let c = cal();
            let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
            let listed_off = c.day_off(d).unwrap().is_some();
            let working = c.is_working_day(d).unwrap();
            if listed_off {
                prop_assert!(!working);
            } else if !weekend {
                prop_assert!(working);
            }
        }
    }
}
