//! Deadlines (thời hạn) of tasks and reports: what kinds exist, when each falls due, how officials
//! write them, and the submission rules of periodic reports.
//!
//! Kinds (DOMAIN.md §3): a date with an optional time ("chậm nhất ngày 27/03/2023"); a recurring
//! rule whose occurrences are tracked one by one ("trước 17h00 thứ Năm hàng tuần"); the end of a
//! period ("trong quý II/2023"); standing (thường xuyên: never due, reviewed each period). All times
//! are local times in Asia/Ho_Chi_Minh; a date without a time means the end of that day, so anything
//! done on that day is on time. A time is inclusive: done at 17:00 for a 17:00 deadline is on time.

use std::cmp::Ordering;
use std::fmt::Write as _;

use jiff::civil::{Date, Time};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::calendar::{
    CalendarError, DayOfWeek, WorkCalendar, end_of_day, format_date_en, format_date_vi,
    local_timestamp,
};
use crate::period::{Period, PeriodError, PeriodKind, ReportingWindow};
use crate::{Lang, Localized};

/// Working days within which a conclusion notice (thông báo kết luận) must be issued after the
/// meeting (Decision 45/2018/QĐ-TTg).
pub const CONCLUSION_NOTICE_WORKING_DAYS: i32 = 5;

/// Errors about deadlines.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error("day of month {0} is not within 1–31")]
    InvalidDayOfMonth(u8),
    #[error("{0} days after the quarter end is more than {max}", max = DaysAfter::MAX)]
    InvalidDaysAfter(u16),
    #[error("a {rule:?} rule has no occurrence in a {period:?} period")]
    PeriodKindMismatch {
        rule: PeriodKind,
        period: PeriodKind,
    },
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error(transparent)]
    Period(#[from] PeriodError),
}

impl Localized for DeadlineError {
    fn code(&self) -> &'static str {
        match self {
            DeadlineError::InvalidDayOfMonth(_) => "deadline.invalid_day_of_month",
            DeadlineError::InvalidDaysAfter(_) => "deadline.invalid_days_after",
            DeadlineError::PeriodKindMismatch { .. } => "deadline.period_kind_mismatch",
            DeadlineError::Calendar(e) => e.code(),
            DeadlineError::Period(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (DeadlineError::Calendar(e), _) => e.message(lang),
            (DeadlineError::Period(e), _) => e.message(lang),
            (DeadlineError::InvalidDayOfMonth(d), Lang::Vi) => {
                format!("Ngày {d} trong tháng không hợp lệ (phải từ 1 đến 31).")
            }
            (DeadlineError::InvalidDaysAfter(d), Lang::Vi) => format!(
                "Số ngày sau khi kết thúc quý ({d}) vượt quá {}.",
                DaysAfter::MAX
            ),
            (DeadlineError::PeriodKindMismatch { rule, period }, Lang::Vi) => format!(
                "Quy tắc lặp theo {} không áp dụng cho kỳ {}.",
                rule.label(Lang::Vi),
                period.label(Lang::Vi)
            ),
            (_, Lang::En) => self.to_string(),
        }
    }
}

/// "17h00" as written in Vietnamese documents.
pub fn format_time_vi(time: Time) -> String {
    format!("{}h{:02}", time.hour(), time.minute())
}

/// "17:00".
pub fn format_time_en(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}

fn ordinal_en(n: u16) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// A local due moment: a date and an optional time (no time = the end of that day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DueMoment {
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time: Option<Time>,
}

impl DueMoment {
    pub fn new(date: Date, time: Option<Time>) -> DueMoment {
        DueMoment { date, time }
    }

    /// The end of `date`.
    pub fn end_of(date: Date) -> DueMoment {
        DueMoment { date, time: None }
    }

    /// The last instant that still counts as on time.
    pub fn instant(&self) -> Result<Timestamp, DeadlineError> {
        Ok(match self.time {
            Some(time) => local_timestamp(self.date, time)?,
            None => end_of_day(self.date)?,
        })
    }

    /// "chậm nhất ngày 27/03/2023", "trước 17h00 ngày 27/03/2023" / "by 27 March 2023", "by 17:00 on
    /// 27 March 2023".
    pub fn label(&self, lang: Lang) -> String {
        match (self.time, lang) {
            (None, Lang::Vi) => format!("chậm nhất ngày {}", format_date_vi(self.date)),
            (Some(t), Lang::Vi) => {
                format!(
                    "trước {} ngày {}",
                    format_time_vi(t),
                    format_date_vi(self.date)
                )
            }
            (None, Lang::En) => format!("by {}", format_date_en(self.date)),
            (Some(t), Lang::En) => {
                format!("by {} on {}", format_time_en(t), format_date_en(self.date))
            }
        }
    }

    fn sort_key(&self) -> (Date, Time) {
        (self.date, self.time.unwrap_or(Time::MAX))
    }
}

impl Ord for DueMoment {
    /// Chronological: a date without a time falls at the end of that day.
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl PartialOrd for DueMoment {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A day of the month, 1–31. In a shorter month a later day means its last day ("ngày 31 hàng
/// tháng" falls on 28 or 29 February).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct DayOfMonth(u8);

impl DayOfMonth {
    pub fn new(day: u8) -> Result<DayOfMonth, DeadlineError> {
        if (1..=31).contains(&day) {
            Ok(DayOfMonth(day))
        } else {
            Err(DeadlineError::InvalidDayOfMonth(day))
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// The date of this day in the month of `year`/`month`, clamped to the month's last day.
    fn in_month(self, year: i16, month: i8) -> Result<Date, DeadlineError> {
        let out_of_range = |_| PeriodError::YearOutOfRange(i32::from(year));
        let first = Date::new(year, month, 1).map_err(out_of_range)?;
        let day = i8::try_from(self.0)
            .unwrap_or(31)
            .min(first.days_in_month());
        Ok(Date::new(year, month, day).map_err(out_of_range)?)
    }
}

impl TryFrom<u8> for DayOfMonth {
    type Error = DeadlineError;

    fn try_from(day: u8) -> Result<Self, Self::Error> {
        DayOfMonth::new(day)
    }
}

impl From<DayOfMonth> for u8 {
    fn from(day: DayOfMonth) -> Self {
        day.0
    }
}

/// A number of calendar days after a quarter's end, 0–92 (no more than a quarter, so each quarter's
/// occurrence falls before the next quarter's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct DaysAfter(u16);

impl DaysAfter {
    pub const MAX: u16 = 92;

    pub fn new(days: u16) -> Result<DaysAfter, DeadlineError> {
        if days <= Self::MAX {
            Ok(DaysAfter(days))
        } else {
            Err(DeadlineError::InvalidDaysAfter(days))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for DaysAfter {
    type Error = DeadlineError;

    fn try_from(days: u16) -> Result<Self, Self::Error> {
        DaysAfter::new(days)
    }
}

impl From<DaysAfter> for u16 {
    fn from(days: DaysAfter) -> Self {
        days.0
    }
}

/// Where in a quarter a quarterly deadline falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "anchor", rename_all = "snake_case")]
pub enum QuarterAnchor {
    /// N calendar days after the quarter's last day (0 = the last day itself).
    DaysAfterEnd { days: DaysAfter },
    /// Day N of the quarter's last month.
    DayOfLastMonth { day: DayOfMonth },
}

/// A recurring obligation whose occurrences are tracked one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "every", rename_all = "snake_case")]
pub enum RecurrenceRule {
    /// Hàng tuần: on a weekday, at an optional time ("trước 17h thứ Năm hàng tuần").
    #[serde(rename = "week")]
    Weekly {
        weekday: DayOfWeek,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TimeOfDay>))]
        time: Option<Time>,
    },
    /// Hàng tháng: on day N, at an optional time ("ngày 15 hàng tháng").
    #[serde(rename = "month")]
    Monthly {
        day: DayOfMonth,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TimeOfDay>))]
        time: Option<Time>,
    },
    /// Hàng quý.
    #[serde(rename = "quarter")]
    Quarterly {
        #[serde(flatten)]
        anchor: QuarterAnchor,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TimeOfDay>))]
        time: Option<Time>,
    },
}

/// One occurrence of a recurring rule: the period it belongs to and when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Occurrence {
    /// The week, month or quarter the occurrence belongs to; it identifies the occurrence.
    pub period: Period,
    pub due: DueMoment,
}

impl RecurrenceRule {
    /// Weekly on `weekday` at `time` (None = end of day).
    pub fn weekly(weekday: DayOfWeek, time: Option<Time>) -> RecurrenceRule {
        RecurrenceRule::Weekly { weekday, time }
    }

    /// Monthly on `day` at `time`.
    pub fn monthly(day: u8, time: Option<Time>) -> Result<RecurrenceRule, DeadlineError> {
        Ok(RecurrenceRule::Monthly {
            day: DayOfMonth::new(day)?,
            time,
        })
    }

    /// Quarterly, `days` calendar days after each quarter's end.
    pub fn quarterly_days_after(
        days: u16,
        time: Option<Time>,
    ) -> Result<RecurrenceRule, DeadlineError> {
        Ok(RecurrenceRule::Quarterly {
            anchor: QuarterAnchor::DaysAfterEnd {
                days: DaysAfter::new(days)?,
            },
            time,
        })
    }

    /// Quarterly, on `day` of each quarter's last month.
    pub fn quarterly_on_day(day: u8, time: Option<Time>) -> Result<RecurrenceRule, DeadlineError> {
        Ok(RecurrenceRule::Quarterly {
            anchor: QuarterAnchor::DayOfLastMonth {
                day: DayOfMonth::new(day)?,
            },
            time,
        })
    }

    /// The kind of period each occurrence belongs to.
    pub fn period_kind(&self) -> PeriodKind {
        match self {
            RecurrenceRule::Weekly { .. } => PeriodKind::Week,
            RecurrenceRule::Monthly { .. } => PeriodKind::Month,
            RecurrenceRule::Quarterly { .. } => PeriodKind::Quarter,
        }
    }

    pub fn time(&self) -> Option<Time> {
        match self {
            RecurrenceRule::Weekly { time, .. }
            | RecurrenceRule::Monthly { time, .. }
            | RecurrenceRule::Quarterly { time, .. } => *time,
        }
    }

    /// The occurrence belonging to `period` (which must be of the rule's kind).
    pub fn occurrence_in(&self, period: Period) -> Result<Occurrence, DeadlineError> {
        if period.kind() != self.period_kind() {
            return Err(DeadlineError::PeriodKindMismatch {
                rule: self.period_kind(),
                period: period.kind(),
            });
        }
        let date = match self {
            RecurrenceRule::Weekly { weekday, .. } => {
                let offset = i32::try_from(weekday.monday_zero_offset()).unwrap_or(0);
                period
                    .start()
                    .checked_add(offset.days())
                    .map_err(|e| CalendarError::TimeConversion(e.to_string()))?
            }
            RecurrenceRule::Monthly { day, .. } => day.in_month(period.year(), period.index())?,
            RecurrenceRule::Quarterly { anchor, .. } => match anchor {
                QuarterAnchor::DaysAfterEnd { days } => period
                    .end()
                    .checked_add(i32::from(days.get()).days())
                    .map_err(|e| CalendarError::TimeConversion(e.to_string()))?,
                QuarterAnchor::DayOfLastMonth { day } => {
                    day.in_month(period.year(), period.index() * 3)?
                }
            },
        };
        Ok(Occurrence {
            period,
            due: DueMoment::new(date, self.time()),
        })
    }

    /// Whether `occurrence` is one of this rule's.
    pub fn is_occurrence(&self, occurrence: &Occurrence) -> bool {
        self.occurrence_in(occurrence.period)
            .is_ok_and(|o| o == *occurrence)
    }

    /// The first period whose occurrence may fall on or after `from`: an occurrence may fall after
    /// its period (N days after a quarter's end), so look back that far.
    fn first_period_from(&self, from: Date) -> Result<Period, DeadlineError> {
        let lookback = match self {
            RecurrenceRule::Quarterly {
                anchor: QuarterAnchor::DaysAfterEnd { days },
                ..
            } => i32::from(days.get()),
            _ => 0,
        };
        let start = from.saturating_sub(lookback.days());
        Ok(Period::containing(self.period_kind(), start)?)
    }

    /// The occurrences due between `from` and `to` (inclusive), in order. Stops early at the end of
    /// the supported years.
    pub fn occurrences(&self, from: Date, to: Date) -> Occurrences {
        Occurrences {
            rule: *self,
            next: self.first_period_from(from).ok(),
            from,
            to,
        }
    }

    /// The first occurrence due on or after `date`.
    pub fn first_on_or_after(&self, date: Date) -> Result<Occurrence, DeadlineError> {
        let mut period = self.first_period_from(date)?;
        // At most two steps: only the first period's occurrence can fall before `date`.
        loop {
            let occurrence = self.occurrence_in(period)?;
            if occurrence.due.date >= date {
                return Ok(occurrence);
            }
            period = period.next()?;
        }
    }

    /// "trước 17h00 thứ Năm hàng tuần", "chậm nhất ngày 15 hàng tháng", "chậm nhất 10 ngày sau khi
    /// kết thúc mỗi quý" / English.
    pub fn label(&self, lang: Lang) -> String {
        let time = self.time();
        match (self, lang) {
            (RecurrenceRule::Weekly { weekday, .. }, Lang::Vi) => match time {
                Some(t) => format!(
                    "trước {} {} hàng tuần",
                    format_time_vi(t),
                    weekday.label(lang)
                ),
                None => format!("chậm nhất {} hàng tuần", weekday.label(lang)),
            },
            (RecurrenceRule::Weekly { weekday, .. }, Lang::En) => match time {
                Some(t) => format!("by {} every {}", format_time_en(t), weekday.label(lang)),
                None => format!("by the end of every {}", weekday.label(lang)),
            },
            (RecurrenceRule::Monthly { day, .. }, Lang::Vi) => match time {
                Some(t) => format!("trước {} ngày {} hàng tháng", format_time_vi(t), day.get()),
                None => format!("chậm nhất ngày {} hàng tháng", day.get()),
            },
            (RecurrenceRule::Monthly { day, .. }, Lang::En) => {
                let mut s = String::from("by ");
                if let Some(t) = time {
                    let _ = write!(s, "{} on ", format_time_en(t));
                }
                let _ = write!(s, "the {} of every month", ordinal_en(u16::from(day.get())));
                s
            }
            (RecurrenceRule::Quarterly { anchor, .. }, Lang::Vi) => match (anchor, time) {
                (QuarterAnchor::DaysAfterEnd { days }, None) => {
                    format!("chậm nhất {} ngày sau khi kết thúc mỗi quý", days.get())
                }
                (QuarterAnchor::DaysAfterEnd { days }, Some(t)) => format!(
                    "trước {} ngày thứ {} sau khi kết thúc mỗi quý",
                    format_time_vi(t),
                    days.get()
                ),
                (QuarterAnchor::DayOfLastMonth { day }, None) => {
                    format!("chậm nhất ngày {} tháng cuối mỗi quý", day.get())
                }
                (QuarterAnchor::DayOfLastMonth { day }, Some(t)) => format!(
                    "trước {} ngày {} tháng cuối mỗi quý",
                    format_time_vi(t),
                    day.get()
                ),
            },
            (RecurrenceRule::Quarterly { anchor, .. }, Lang::En) => {
                let mut s = String::from("by ");
                if let Some(t) = time {
                    let _ = write!(s, "{} on ", format_time_en(t));
                }
                match anchor {
                    QuarterAnchor::DaysAfterEnd { days } => {
                        let _ = write!(
                            s,
                            "the {} day after the end of each quarter",
                            ordinal_en(days.get())
                        );
                    }
                    QuarterAnchor::DayOfLastMonth { day } => {
                        let _ = write!(
                            s,
                            "the {} of the last month of each quarter",
                            ordinal_en(u16::from(day.get()))
                        );
                    }
                }
                s
            }
        }
    }
}

/// Iterator over the occurrences of a rule in a date range (see [`RecurrenceRule::occurrences`]).
#[derive(Debug, Clone)]
pub struct Occurrences {
    rule: RecurrenceRule,
    next: Option<Period>,
    from: Date,
    to: Date,
}

impl Iterator for Occurrences {
    type Item = Occurrence;

    fn next(&mut self) -> Option<Occurrence> {
        loop {
            let period = self.next.take()?;
            let occurrence = self.rule.occurrence_in(period).ok()?;
            if occurrence.due.date > self.to {
                return None;
            }
            // Due dates increase with the period, so the walk can stop at the first one past `to`.
            self.next = period.next().ok();
            if occurrence.due.date >= self.from {
                return Some(occurrence);
            }
        }
    }
}

/// A task's deadline (thời hạn).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Deadline {
    /// A local date, with an optional time ("chậm nhất ngày 27/03/2023").
    At {
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, examples("2023-03-27")))]
        date: Date,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TimeOfDay>))]
        time: Option<Time>,
    },
    /// A recurring obligation; each occurrence is classified on its own.
    Recurring(RecurrenceRule),
    /// Due at the end of a period ("trong quý II/2023").
    WithinPeriod(Period),
    /// Thường xuyên: no due moment; reviewed each period, never overdue.
    Standing,
}

impl Deadline {
    /// The single due moment of a dated or within-period deadline; `None` for standing and
    /// recurring ones (whose occurrences carry their own).
    pub fn due(&self) -> Option<DueMoment> {
        match self {
            Deadline::At { date, time } => Some(DueMoment::new(*date, *time)),
            Deadline::WithinPeriod(period) => Some(DueMoment::end_of(period.end())),
            Deadline::Recurring(_) | Deadline::Standing => None,
        }
    }

    pub fn is_standing(&self) -> bool {
        matches!(self, Deadline::Standing)
    }

    /// How officials write it: "chậm nhất ngày 27/03/2023", "trước 17h00 thứ Năm hàng tuần",
    /// "trong quý II/2023", "thường xuyên".
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (Deadline::At { date, time }, _) => DueMoment::new(*date, *time).label(lang),
            (Deadline::Recurring(rule), _) => rule.label(lang),
            (Deadline::WithinPeriod(period), Lang::Vi) => format!("trong {}", period.label(lang)),
            (Deadline::WithinPeriod(period), Lang::En) => {
                format!("within {}", period.label(lang))
            }
            (Deadline::Standing, Lang::Vi) => "thường xuyên".to_string(),
            (Deadline::Standing, Lang::En) => "ongoing (standing task)".to_string(),
        }
    }
}

/// The deadline of a conclusion notice: 5 working days after the meeting (Decision 45/2018).
pub fn conclusion_notice_due(
    meeting: Date,
    calendar: &WorkCalendar,
) -> Result<DueMoment, DeadlineError> {
    Ok(DueMoment::end_of(calendar.add_working_days(
        meeting,
        CONCLUSION_NOTICE_WORKING_DAYS,
    )?))
}

/// When a periodic report must be submitted, relative to its reporting window; set per form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum SubmissionRule {
    /// N working days after the window's last day (e.g. 2), at an optional time.
    WorkingDaysAfterWindow {
        days: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::TimeOfDay>))]
        time: Option<Time>,
    },
    /// For weekly forms: a weekday at a time in the ISO week containing the window's last day,
    /// shifted by `week_offset` weeks ("trước 17h thứ Năm hàng tuần" is offset 0; results "trước 10h
    /// thứ Hai" of the following week is offset 1).
    WeekdayAt {
        weekday: DayOfWeek,
        #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::TimeOfDay))]
        time: Time,
        #[serde(default)]
        week_offset: i8,
        /// What happens when that weekday is a holiday (Tết, 2/9…).
        #[serde(default)]
        on_day_off: DayOffShift,
    },
}

/// What a weekday deadline does when it falls on a day off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayOffShift {
    /// Moves to the next working day, same time: the general rule for time limits ending on a day
    /// off (Civil Code 2015, Art. 148(5)).
    #[default]
    NextWorkingDay,
    /// Stays on the day off (e.g. an on-call duty roster that runs through holidays).
    Keep,
}

impl SubmissionRule {
    /// The due moment of the report for `window`.
    pub fn due(
        &self,
        window: &ReportingWindow,
        calendar: &WorkCalendar,
    ) -> Result<DueMoment, DeadlineError> {
        match self {
            SubmissionRule::WorkingDaysAfterWindow { days, time } => {
                let date = calendar.add_working_days(window.end(), i32::from(*days))?;
                Ok(DueMoment::new(date, *time))
            }
            SubmissionRule::WeekdayAt {
                weekday,
                time,
                week_offset,
                on_day_off,
            } => {
                let week = Period::containing(PeriodKind::Week, window.end())?;
                let offset = i32::try_from(weekday.monday_zero_offset()).unwrap_or(0)
                    + 7 * i32::from(*week_offset);
                let nominal = week
                    .start()
                    .checked_add(offset.days())
                    .map_err(|e| CalendarError::TimeConversion(e.to_string()))?;
                let date = match on_day_off {
                    DayOffShift::NextWorkingDay => calendar.working_day_on_or_after(nominal)?,
                    DayOffShift::Keep => nominal,
                };
                Ok(DueMoment::new(date, Some(*time)))
            }
        }
    }

    /// The deadline of the report for `window`, as a dated deadline.
    pub fn deadline(
        &self,
        window: &ReportingWindow,
        calendar: &WorkCalendar,
    ) -> Result<Deadline, DeadlineError> {
        let due = self.due(window, calendar)?;
        Ok(Deadline::At {
            date: due.date,
            time: due.time,
        })
    }

    /// "chậm nhất 2 ngày làm việc sau ngày chốt số liệu", "trước 17h00 thứ Năm hàng tuần",
    /// "trước 10h00 thứ Hai tuần kế tiếp" / English.
    pub fn label(&self, lang: Lang) -> String {
        match (self, lang) {
            (SubmissionRule::WorkingDaysAfterWindow { days, time }, Lang::Vi) => match time {
                None => format!("chậm nhất {days} ngày làm việc sau ngày chốt số liệu"),
                Some(t) => format!(
                    "trước {} ngày làm việc thứ {days} sau ngày chốt số liệu",
                    format_time_vi(*t)
                ),
            },
            (SubmissionRule::WorkingDaysAfterWindow { days, time }, Lang::En) => match time {
                None => format!("within {days} working days after the cut-off date"),
                Some(t) => format!(
                    "by {} on the {} working day after the cut-off date",
                    format_time_en(*t),
                    ordinal_en(u16::from(*days))
                ),
            },
            (
                SubmissionRule::WeekdayAt {
                    weekday,
                    time,
                    week_offset,
                    ..
                },
                Lang::Vi,
            ) => {
                let week = match week_offset {
                    0 => "hàng tuần".to_string(),
                    1 => "tuần kế tiếp".to_string(),
                    -1 => "tuần trước đó".to_string(),
                    n if *n > 0 => format!("sau {n} tuần"),
                    n => format!("trước {} tuần", n.unsigned_abs()),
                };
                format!(
                    "trước {} {} {week}",
                    format_time_vi(*time),
                    weekday.label(lang)
                )
            }
            (
                SubmissionRule::WeekdayAt {
                    weekday,
                    time,
                    week_offset,
                    ..
                },
                Lang::En,
            ) => {
                let week = match week_offset {
                    0 => "of the same week".to_string(),
                    1 => "of the following week".to_string(),
                    -1 => "of the previous week".to_string(),
                    n if *n > 0 => format!("{n} weeks later"),
                    n => format!("{} weeks earlier", n.unsigned_abs()),
                };
                format!(
                    "by {} on {} {week}",
                    format_time_en(*time),
                    weekday.label(lang)
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::WindowRule;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    fn cal() -> &'static WorkCalendar {
        WorkCalendar::vietnam().unwrap()
    }

    fn thursday_17() -> RecurrenceRule {
        RecurrenceRule::weekly(DayOfWeek::Thursday, Some(time(17, 0, 0, 0)))
    }

    #[test]
    fn labels_read_as_officials_write_them() {
        let at = Deadline::At {
            date: date(2023, 3, 27),
            time: None,
        };
        assert_eq!(at.label(Lang::Vi), "chậm nhất ngày 27/03/2023");
        assert_eq!(at.label(Lang::En), "by 27 March 2023");
        let at_time = Deadline::At {
            date: date(2023, 3, 27),
            time: Some(time(17, 0, 0, 0)),
        };
        assert_eq!(at_time.label(Lang::Vi), "trước 17h00 ngày 27/03/2023");
        assert_eq!(at_time.label(Lang::En), "by 17:00 on 27 March 2023");
        let weekly = Deadline::Recurring(thursday_17());
        assert_eq!(weekly.label(Lang::Vi), "trước 17h00 thứ Năm hàng tuần");
        assert_eq!(weekly.label(Lang::En), "by 17:00 every Thursday");
        let monday = RecurrenceRule::weekly(DayOfWeek::Monday, Some(time(10, 0, 0, 0)));
        assert_eq!(monday.label(Lang::Vi), "trước 10h00 thứ Hai hàng tuần");
        let within = Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap());
        assert_eq!(within.label(Lang::Vi), "trong quý II/2023");
        assert_eq!(within.label(Lang::En), "within Q2 2023");
        assert_eq!(Deadline::Standing.label(Lang::Vi), "thường xuyên");
        assert_eq!(
            Deadline::Standing.label(Lang::En),
            "ongoing (standing task)"
        );

        let monthly = RecurrenceRule::monthly(15, None).unwrap();
        assert_eq!(monthly.label(Lang::Vi), "chậm nhất ngày 15 hàng tháng");
        assert_eq!(monthly.label(Lang::En), "by the 15th of every month");
        let monthly_t = RecurrenceRule::monthly(22, Some(time(9, 30, 0, 0))).unwrap();
        assert_eq!(monthly_t.label(Lang::Vi), "trước 9h30 ngày 22 hàng tháng");
        assert_eq!(
            monthly_t.label(Lang::En),
            "by 09:30 on the 22nd of every month"
        );
        let q = RecurrenceRule::quarterly_days_after(10, None).unwrap();
        assert_eq!(
            q.label(Lang::Vi),
            "chậm nhất 10 ngày sau khi kết thúc mỗi quý"
        );
        assert_eq!(
            q.label(Lang::En),
            "by the 10th day after the end of each quarter"
        );
        let q2 = RecurrenceRule::quarterly_on_day(20, Some(time(17, 0, 0, 0))).unwrap();
        assert_eq!(q2.label(Lang::Vi), "trước 17h00 ngày 20 tháng cuối mỗi quý");
        assert_eq!(
            q2.label(Lang::En),
            "by 17:00 on the 20th of the last month of each quarter"
        );
        assert_eq!(ordinal_en(1), "1st");
        assert_eq!(ordinal_en(11), "11th");
        assert_eq!(ordinal_en(23), "23rd");
        assert_eq!(ordinal_en(31), "31st");
    }

    #[test]
    fn due_moments_are_inclusive_and_ordered() {
        let eod = DueMoment::end_of(date(2023, 3, 27));
        assert_eq!(
            eod.instant().unwrap().to_string(),
            "2023-03-27T16:59:59.999999999Z"
        );
        let five = DueMoment::new(date(2023, 3, 27), Some(time(17, 0, 0, 0)));
        assert_eq!(five.instant().unwrap().to_string(), "2023-03-27T10:00:00Z");
        assert!(five < eod);
        assert!(eod < DueMoment::new(date(2023, 3, 28), Some(time(0, 0, 0, 0))));
        let within = Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap());
        assert_eq!(within.due(), Some(DueMoment::end_of(date(2023, 6, 30))));
        assert_eq!(Deadline::Standing.due(), None);
        assert_eq!(Deadline::Recurring(thursday_17()).due(), None);
    }

    #[test]
    fn weekly_thursday_obligation_has_one_occurrence_per_week() {
        let rule = thursday_17();
        let all: Vec<_> = rule
            .occurrences(date(2023, 3, 1), date(2023, 3, 31))
            .collect();
        let dates: Vec<_> = all.iter().map(|o| o.due.date).collect();
        assert_eq!(
            dates,
            vec![
                date(2023, 3, 2),
                date(2023, 3, 9),
                date(2023, 3, 16),
                date(2023, 3, 23),
                date(2023, 3, 30)
            ]
        );
        assert!(all.iter().all(|o| o.due.time == Some(time(17, 0, 0, 0))));
        assert_eq!(all[3].period, Period::week(2023, 12).unwrap());
        // Across the year end: ISO week 52 of 2020 and week 53, then week 1 of 2021.
        let around: Vec<_> = rule
            .occurrences(date(2020, 12, 20), date(2021, 1, 10))
            .collect();
        let codes: Vec<_> = around.iter().map(|o| o.period.code()).collect();
        assert_eq!(codes, vec!["2020W52", "2020W53", "2021W1"]);
        assert_eq!(around[1].due.date, date(2020, 12, 31));
        assert_eq!(
            rule.first_on_or_after(date(2023, 3, 24)).unwrap().due.date,
            date(2023, 3, 30)
        );
        assert_eq!(
            rule.first_on_or_after(date(2023, 3, 23)).unwrap().due.date,
            date(2023, 3, 23)
        );
        assert!(rule.is_occurrence(&all[0]));
        let mut moved = all[0];
        moved.due.date = date(2023, 3, 3);
        assert!(!rule.is_occurrence(&moved));
    }

    #[test]
    fn monthly_and_quarterly_occurrences() {
        let last_day = RecurrenceRule::monthly(31, None).unwrap();
        let dates: Vec<_> = last_day
            .occurrences(date(2024, 1, 1), date(2024, 4, 30))
            .map(|o| o.due.date)
            .collect();
        assert_eq!(
            dates,
            vec![
                date(2024, 1, 31),
                date(2024, 2, 29),
                date(2024, 3, 31),
                date(2024, 4, 30)
            ]
        );

        let q = RecurrenceRule::quarterly_days_after(10, None).unwrap();
        let occ: Vec<_> = q.occurrences(date(2023, 1, 5), date(2024, 1, 10)).collect();
        let got: Vec<_> = occ.iter().map(|o| (o.period.code(), o.due.date)).collect();
        assert_eq!(
            got,
            vec![
                ("2022Q4".to_string(), date(2023, 1, 10)),
                ("2023Q1".to_string(), date(2023, 4, 10)),
                ("2023Q2".to_string(), date(2023, 7, 10)),
                ("2023Q3".to_string(), date(2023, 10, 10)),
                ("2023Q4".to_string(), date(2024, 1, 10)),
            ]
        );
        let q20 = RecurrenceRule::quarterly_on_day(20, None).unwrap();
        let got: Vec<_> = q20
            .occurrences(date(2023, 1, 1), date(2023, 12, 31))
            .map(|o| o.due.date)
            .collect();
        assert_eq!(
            got,
            vec![
                date(2023, 3, 20),
                date(2023, 6, 20),
                date(2023, 9, 20),
                date(2023, 12, 20)
            ]
        );
        assert!(matches!(
            q20.occurrence_in(Period::month(2023, 3).unwrap()),
            Err(DeadlineError::PeriodKindMismatch { .. })
        ));
        assert_eq!(
            q20.occurrences(date(2023, 5, 1), date(2023, 4, 1)).count(),
            0
        );
    }

    #[test]
    fn rules_are_validated() {
        assert!(matches!(
            RecurrenceRule::monthly(0, None),
            Err(DeadlineError::InvalidDayOfMonth(0))
        ));
        assert!(RecurrenceRule::monthly(32, None).is_err());
        assert!(RecurrenceRule::quarterly_days_after(93, None).is_err());
        assert!(RecurrenceRule::quarterly_on_day(0, None).is_err());
        let err = RecurrenceRule::monthly(40, None).unwrap_err();
        assert_eq!(err.code(), "deadline.invalid_day_of_month");
        assert!(err.message(Lang::Vi).contains("40"));
        assert!(serde_json::from_str::<RecurrenceRule>(r#"{"every":"month","day":0}"#).is_err());
    }

    #[test]
    fn serde_shapes_are_readable() {
        let d = Deadline::Recurring(thursday_17());
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"recurring","value":{"every":"week","weekday":"thursday","time":"17:00:00"}}"#
        );
        assert_eq!(serde_json::from_str::<Deadline>(&json).unwrap(), d);
        let cases = [
            Deadline::At {
                date: date(2023, 3, 27),
                time: None,
            },
            Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap()),
            Deadline::Standing,
            Deadline::Recurring(RecurrenceRule::quarterly_days_after(10, None).unwrap()),
            Deadline::Recurring(
                RecurrenceRule::quarterly_on_day(20, Some(time(8, 0, 0, 0))).unwrap(),
            ),
            Deadline::Recurring(RecurrenceRule::monthly(15, None).unwrap()),
        ];
        for d in cases {
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(
                serde_json::from_str::<Deadline>(&json).unwrap(),
                d,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap()))
                .unwrap(),
            r#"{"kind":"within_period","value":"2023Q2"}"#
        );
        assert_eq!(
            serde_json::to_string(&Deadline::Standing).unwrap(),
            r#"{"kind":"standing"}"#
        );
    }

    #[test]
    fn conclusion_notice_is_due_five_working_days_after_the_meeting() {
        // Seed 004: meeting on Friday 24/03/2023.
        let due = conclusion_notice_due(date(2023, 3, 24), cal()).unwrap();
        assert_eq!(due, DueMoment::end_of(date(2023, 3, 31)));
        // A meeting just before Tết 2023.
        let due = conclusion_notice_due(date(2023, 1, 18), cal()).unwrap();
        assert_eq!(due.date, date(2023, 2, 1));
    }

    #[test]
    fn weekly_thursday_deadline_across_the_year_end() {
        let c = cal();
        let register = SubmissionRule::WeekdayAt {
            weekday: DayOfWeek::Thursday,
            time: time(17, 0, 0, 0),
            week_offset: 0,
            on_day_off: DayOffShift::NextWorkingDay,
        };
        let due = |y, w| {
            let win =
                ReportingWindow::new(Period::week(y, w).unwrap(), WindowRule::Calendar).unwrap();
            register.due(&win, c).unwrap()
        };
        // ISO week 53 of 2020 runs 28/12/2020–03/01/2021: due Thursday 31/12/2020 at 17:00.
        assert_eq!(
            due(2020, 53),
            DueMoment::new(date(2020, 12, 31), Some(time(17, 0, 0, 0)))
        );
        assert_eq!(
            due(2021, 1),
            DueMoment::new(date(2021, 1, 7), Some(time(17, 0, 0, 0)))
        );
        // Week 1 of 2026: Thursday 01/01/2026 is New Year's Day, so the report is due the next
        // working day at the same time.
        assert_eq!(due(2026, 1).time, Some(time(17, 0, 0, 0)));
        assert!(due(2026, 1).date > date(2026, 1, 1));
        assert!(c.is_working_day(due(2026, 1).date).unwrap());
        // Monthly Decree 09 window across the year end: January 2024 is 15/12/2023–14/01/2024.
        let jan =
            ReportingWindow::new(Period::month(2024, 1).unwrap(), WindowRule::Decree09).unwrap();
        assert_eq!(
            (jan.start(), jan.end()),
            (date(2023, 12, 15), date(2024, 1, 14))
        );
    }

    #[test]
    fn submission_rules_use_working_days_and_weeks() {
        let c = cal();
        let march =
            ReportingWindow::new(Period::month(2023, 3).unwrap(), WindowRule::Decree09).unwrap();
        let two = SubmissionRule::WorkingDaysAfterWindow {
            days: 2,
            time: None,
        };
        // Window ends Tuesday 14/03/2023 → Thursday 16/03.
        assert_eq!(
            two.due(&march, c).unwrap(),
            DueMoment::end_of(date(2023, 3, 16))
        );
        assert_eq!(
            two.label(Lang::Vi),
            "chậm nhất 2 ngày làm việc sau ngày chốt số liệu"
        );
        // January 2023 window ends Saturday 14/01; Tết starts 20/01.
        let jan =
            ReportingWindow::new(Period::month(2023, 1).unwrap(), WindowRule::Decree09).unwrap();
        assert_eq!(two.due(&jan, c).unwrap().date, date(2023, 1, 17));
        let five = SubmissionRule::WorkingDaysAfterWindow {
            days: 5,
            time: Some(time(17, 0, 0, 0)),
        };
        assert_eq!(
            five.due(&jan, c).unwrap(),
            DueMoment::new(date(2023, 1, 27), Some(time(17, 0, 0, 0)))
        );
        // Annual report 2023 (window to 14/12/2023) across the year end into 2024.
        let year =
            ReportingWindow::new(Period::year_of(2023).unwrap(), WindowRule::Calendar).unwrap();
        assert_eq!(two.due(&year, c).unwrap().date, date(2024, 1, 3));

        let week12 =
            ReportingWindow::new(Period::week(2023, 12).unwrap(), WindowRule::Calendar).unwrap();
        let register = SubmissionRule::WeekdayAt {
            weekday: DayOfWeek::Thursday,
            time: time(17, 0, 0, 0),
            week_offset: 0,
            on_day_off: DayOffShift::NextWorkingDay,
        };
        assert_eq!(
            register.due(&week12, c).unwrap(),
            DueMoment::new(date(2023, 3, 23), Some(time(17, 0, 0, 0)))
        );
        assert_eq!(register.label(Lang::Vi), "trước 17h00 thứ Năm hàng tuần");
        let results = SubmissionRule::WeekdayAt {
            weekday: DayOfWeek::Monday,
            time: time(10, 0, 0, 0),
            week_offset: 1,
            on_day_off: DayOffShift::NextWorkingDay,
        };
        assert_eq!(results.due(&week12, c).unwrap().date, date(2023, 3, 27));
        assert_eq!(results.label(Lang::Vi), "trước 10h00 thứ Hai tuần kế tiếp");
        assert_eq!(
            results.label(Lang::En),
            "by 10:00 on Monday of the following week"
        );
        // Week 52 of 2023 → results due Monday 1/1/2024, New Year's Day: moved to Tuesday 2/1.
        let w52 =
            ReportingWindow::new(Period::week(2023, 52).unwrap(), WindowRule::Calendar).unwrap();
        assert_eq!(results.due(&w52, c).unwrap().date, date(2024, 1, 2));
        assert_eq!(
            results.deadline(&w52, c).unwrap(),
            Deadline::At {
                date: date(2024, 1, 2),
                time: Some(time(10, 0, 0, 0))
            }
        );
        let keep = SubmissionRule::WeekdayAt {
            weekday: DayOfWeek::Monday,
            time: time(10, 0, 0, 0),
            week_offset: 1,
            on_day_off: DayOffShift::Keep,
        };
        assert_eq!(keep.due(&w52, c).unwrap().date, date(2024, 1, 1));
        // Registrations due on Thursday of Tết week 2023 (26/01) move to Friday 27/01.
        let tet_week =
            ReportingWindow::new(Period::week(2023, 4).unwrap(), WindowRule::Calendar).unwrap();
        assert_eq!(register.due(&tet_week, c).unwrap().date, date(2023, 1, 27));
        let json = serde_json::to_string(&results).unwrap();
        assert_eq!(
            json,
            r#"{"rule":"weekday_at","weekday":"monday","time":"10:00:00","week_offset":1,"on_day_off":"next_working_day"}"#
        );
        assert_eq!(
            serde_json::from_str::<SubmissionRule>(&json).unwrap(),
            results
        );
        let short: SubmissionRule =
            serde_json::from_str(r#"{"rule":"weekday_at","weekday":"thursday","time":"17:00:00"}"#)
                .unwrap();
        assert_eq!(short, register);
        // Every period has a deadline: the calendar answers (by rule) a year beyond the last
        // period's (periods run to 2199, the calendar to 2200).
        let late = ReportingWindow::new(
            Period::month(crate::period::MAX_YEAR, 12).unwrap(),
            WindowRule::Calendar,
        )
        .unwrap();
        assert_eq!(
            two.due(&late, c).unwrap(),
            DueMoment::end_of(date(2200, 1, 3))
        );
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..(40 * 366)).prop_map(|n| date(2000, 1, 1).saturating_add(n.days()))
    }

    fn any_time() -> impl Strategy<Value = Option<Time>> {
        prop::option::of((0i8..24, 0i8..60).prop_map(|(h, m)| time(h, m, 0, 0)))
    }

    fn any_rule() -> impl Strategy<Value = RecurrenceRule> {
        prop_oneof![
            (0usize..7, any_time()).prop_map(|(d, t)| RecurrenceRule::weekly(DayOfWeek::ALL[d], t)),
            (1u8..=31, any_time()).prop_map(|(d, t)| RecurrenceRule::monthly(d, t).unwrap()),
            (0u16..=92, any_time())
                .prop_map(|(d, t)| RecurrenceRule::quarterly_days_after(d, t).unwrap()),
            (1u8..=31, any_time())
                .prop_map(|(d, t)| RecurrenceRule::quarterly_on_day(d, t).unwrap()),
        ]
    }

    proptest! {
        #[test]
        fn occurrences_are_ordered_in_range_and_one_per_period(
            rule in any_rule(), from in any_date(), len in 0i32..400
        ) {
            let to = from.saturating_add(len.days());
            let all: Vec<_> = rule.occurrences(from, to).collect();
            for pair in all.windows(2) {
                prop_assert!(pair[0].due < pair[1].due);
                prop_assert_eq!(pair[0].period.next().unwrap(), pair[1].period);
            }
            for o in &all {
                prop_assert!(o.due.date >= from && o.due.date <= to);
                prop_assert!(rule.is_occurrence(o));
                prop_assert_eq!(o.due.time, rule.time());
            }
            // Nothing is skipped: the first occurrence on or after `from` is the first listed, and
            // the one after the last listed falls after `to`.
            let first = rule.first_on_or_after(from).unwrap();
            match all.first() {
                Some(o) => prop_assert_eq!(*o, first),
                None => prop_assert!(first.due.date > to),
            }
            if let Some(last) = all.last() {
                let after = rule.occurrence_in(last.period.next().unwrap()).unwrap();
                prop_assert!(after.due.date > to);
            }
        }

        #[test]
        fn weekly_rules_fall_once_each_week(d in 0usize..7, from in any_date(), weeks in 1i32..60) {
            let rule = RecurrenceRule::weekly(DayOfWeek::ALL[d], None);
            let to = from.saturating_add((weeks * 7 - 1).days());
            let all: Vec<_> = rule.occurrences(from, to).collect();
            prop_assert_eq!(all.len(), usize::try_from(weeks).unwrap());
            for o in &all {
                prop_assert_eq!(DayOfWeek::from_weekday(o.due.date.weekday()), DayOfWeek::ALL[d]);
                prop_assert!(o.period.contains(o.due.date));
            }
        }

        #[test]
        fn working_day_submission_is_on_a_working_day_after_the_window(
            d in (0i32..(13 * 365)).prop_map(|n| date(2017, 1, 1).saturating_add(n.days())),
            days in 1u8..10,
        ) {
            let c = cal();
            let window = ReportingWindow::containing(PeriodKind::Month, WindowRule::Decree09, d).unwrap();
            let rule = SubmissionRule::WorkingDaysAfterWindow { days, time: None };
            if let Ok(due) = rule.due(&window, c) {
                prop_assert!(due.date > window.end());
                prop_assert!(c.is_working_day(due.date).unwrap());
                prop_assert_eq!(c.working_days_between(window.end(), due.date).unwrap(), i32::from(days));
            }
        }
    }
}
