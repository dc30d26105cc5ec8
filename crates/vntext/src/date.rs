//! Dates, times, periods and deadline expressions, resolved against the document's date.
//!
//! Owns: [`DateExpr`] (a day, a recurring rule, a period, or "thường xuyên"), the qualifier in
//! front of it ([`Qualifier`]: "chậm nhất", "trước", "vào", "trong"…), and the scanner
//! [`find_dates`] that reports each with its byte span.
//!
//! Resolution rules (all relative to the document date given by the caller):
//! - a day without a year ("Chiều ngày 25/6") takes the document's year, marked `year_inferred`
//!   (not the year nearest the document date: "28/12" in a January notice may as well be next
//!   December's deadline as last December's meeting, and that year would be one the text never
//!   writes);
//! - a month or quarter without a year ("tháng 6", "trong quý II"), "năm nay" included, takes
//!   the document's year, marked `year_inferred`;
//! - whoever has no document date must not resolve such expressions with a made-up one: see
//!   [`crate::extract`], which drops them with a warning when the document has no year;
//! - "nay" ("Sáng nay", "hôm nay") is the document date; an explicit date right after it wins
//!   ("Sáng nay 8/4/2021");
//! - "thứ 2" … "thứ 7" are Monday … Saturday, "chủ nhật" is Sunday; a weekday is only reported
//!   with "hàng tuần" (a weekly rule), listed right after such a rule ("vào thứ 4 hàng tuần,
//!   ngày thứ 7 …" = every Wednesday and every Saturday), or with an explicit date next to it,
//!   because "thứ 5" is as often an ordinal ("lần thứ 5");
//! - a time on its own ("trước 17h") is not reported: it needs a day or a rule to mean anything.
//!
//! Numbers that look like dates but are not ("5/12 xã", "45/2023/QĐ-UBND") are left alone.

use jiff::civil::{Date, Time, Weekday};
use serde::{Serialize, Serializer};

use crate::span::Span;
use crate::view::FoldedText;
use crate::view::cursor::{
    any_word, at_word_end, at_word_start, char_at, char_before, digits, skip_spaces, table_word,
    word,
};

/// Buổi: the part of the day a meeting or event happens in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartOfDay {
    /// sáng
    Morning,
    /// trưa
    Noon,
    /// chiều
    Afternoon,
    /// tối
    Evening,
    /// đêm
    Night,
}

/// A period of the calendar ("quý II năm 2021", "tháng 6 năm 2020", "6 tháng đầu năm").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    Year {
        year: i16,
    },
    /// quý 1..=4
    Quarter {
        year: i16,
        quarter: i8,
    },
    Month {
        year: i16,
        month: i8,
    },
    /// 6 tháng đầu năm (1) / 6 tháng cuối năm (2)
    Half {
        year: i16,
        half: i8,
    },
    /// "9 tháng đầu năm": January through month `months`.
    FirstMonths {
        year: i16,
        months: i8,
    },
}

impl Period {
    pub fn year(&self) -> i16 {
        match *self {
            Period::Year { year }
            | Period::Quarter { year, .. }
            | Period::Month { year, .. }
            | Period::Half { year, .. }
            | Period::FirstMonths { year, .. } => year,
        }
    }

    /// First and last month (1-based) covered.
    fn months(&self) -> (i8, i8) {
        match *self {
            Period::Year { .. } => (1, 12),
            Period::Quarter { quarter, .. } => ((quarter - 1) * 3 + 1, quarter * 3),
            Period::Month { month, .. } => (month, month),
            Period::Half { half, .. } => {
                if half == 1 {
                    (1, 6)
                } else {
                    (7, 12)
                }
            }
            Period::FirstMonths { months, .. } => (1, months),
        }
    }

    /// The first day of the period.
    pub fn first_day(&self) -> Option<Date> {
        Date::new(self.year(), self.months().0, 1).ok()
    }

    /// The last day of the period (the natural deadline for "trong quý II").
    pub fn last_day(&self) -> Option<Date> {
        Date::new(self.year(), self.months().1, 1)
            .ok()
            .map(|d| d.last_of_month())
    }
}

/// A repeating deadline or activity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    /// hàng ngày
    Daily { time: Option<Time> },
    /// hàng tuần; "trước 17h ngày thứ 5 hàng tuần" = Thursday 17:00
    Weekly {
        #[serde(serialize_with = "serialize_weekday")]
        weekday: Option<Weekday>,
        time: Option<Time>,
    },
    /// hàng tháng; "trước ngày 15 hàng tháng" = day 15
    Monthly { day: Option<i8>, time: Option<Time> },
    /// hàng quý
    Quarterly,
    /// hàng năm
    Yearly,
}

/// What a date expression denotes once resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DateExpr {
    /// One day, possibly with a time or part of the day.
    Date {
        date: Date,
        time: Option<Time>,
        part_of_day: Option<PartOfDay>,
        /// The year was not written and was taken from the document date.
        year_inferred: bool,
        /// Written relative to the document ("hôm nay", "sáng nay").
        relative: bool,
    },
    Recurring(Recurrence),
    /// A period; as a deadline, "by the end of it".
    Period {
        period: Period,
        year_inferred: bool,
    },
    /// thường xuyên: standing, no deadline, reviewed each period.
    Standing,
}

/// The name the task side uses: a deadline is any date expression (a day, a rule, a period,
/// or standing).
pub type DeadlineExpr = DateExpr;

/// The word in front of a date that says how it bounds a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    /// chậm nhất (vào/là)
    NoLaterThan,
    /// trước
    Before,
    /// vào
    On,
    /// trong
    Within,
    /// từ, kể từ
    From,
    /// đến, đến hết
    Until,
    /// sau
    After,
}

/// Something found in a text, with the byte span of the whole expression (qualifier included).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Found<T> {
    pub value: T,
    pub span: Span,
    pub qualifier: Option<Qualifier>,
}

fn serialize_weekday<S: Serializer>(w: &Option<Weekday>, s: S) -> Result<S::Ok, S::Error> {
    match w {
        None => s.serialize_none(),
        Some(w) => s.serialize_str(match w {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }),
    }
}

/// Finds every date, deadline, recurring rule, period and "thường xuyên" in `text`, in order,
/// resolved against `doc_date`.
pub fn find_dates(text: &str, doc_date: Date) -> Vec<Found<DateExpr>> {
    let view = FoldedText::new(text);
    scan(&view, doc_date)
}

/// Parses `text` as exactly one date expression (surrounding spaces and a final '.' allowed).
pub fn parse_date_expr(text: &str, doc_date: Date) -> Option<Found<DateExpr>> {
    let trimmed = text.trim().trim_end_matches('.');
    let offset = text.len() - text.trim_start().len();
    let found = find_dates(trimmed, doc_date).into_iter().next()?;
    (found.span.start == 0 && found.span.end == trimmed.len()).then_some(Found {
        span: Span::new(found.span.start + offset, found.span.end + offset),
        ..found
    })
}

/// Spans of everything date-like, for the quantity scanner to skip.
pub(crate) fn date_spans(view: &FoldedText<'_>) -> Vec<Span> {
    // The reference date only affects resolution, not where expressions are.
    let reference = Date::new(2000, 1, 1).unwrap_or(Date::MIN);
    scan(view, reference).into_iter().map(|f| f.span).collect()
}

/// Whether the value of `f` came from the reference date rather than from the text: a day or
/// period whose year was not written ("ngày 15/4", "quý II", "năm nay"), or a day written
/// relative to the document ("hôm nay").
pub(crate) fn depends_on_reference(f: &Found<DateExpr>) -> bool {
    match f.value {
        DateExpr::Date {
            year_inferred,
            relative,
            ..
        } => year_inferred || relative,
        DateExpr::Period { year_inferred, .. } => year_inferred,
        _ => false,
    }
}

/// Re-resolves, against `doc`, the results of a scan made with another reference date: only
/// expressions whose value depended on it are parsed again.
pub(crate) fn reresolve(
    view: &FoldedText<'_>,
    found: Vec<Found<DateExpr>>,
    doc: Date,
) -> Vec<Found<DateExpr>> {
    found
        .into_iter()
        .map(|f| {
            if !depends_on_reference(&f) {
                return f;
            }
            let piece = FoldedText::new(f.span.slice(view.original()));
            match scan(&piece, doc).into_iter().next() {
                Some(g) if g.span.start == 0 => Found {
                    value: g.value,
                    ..f
                },
                _ => f,
            }
        })
        .collect()
}

pub(crate) fn scan(view: &FoldedText<'_>, doc: Date) -> Vec<Found<DateExpr>> {
    let s = view.folded();
    let p = Parser { s, doc };
    let mut out = Vec::new();
    let mut at = 0;
    while at < s.len() {
        let c = char_at(s, at);
        if c.is_some_and(char::is_alphanumeric)
            && at_word_start(s, at)
            && let Some((value, qualifier, end)) = p.expression(at)
        {
            out.push(Found {
                value,
                span: view.span(at, end),
                qualifier,
            });
            let mut end = end;
            if let DateExpr::Recurring(Recurrence::Monthly { day: Some(_), time }) = value
                && let Some(list) = p.month_day_list(end)
            {
                // "vào ngày 10, 20, 30 hằng tháng": each day listed is a monthly rule of its own.
                for (day, start, e) in list {
                    out.push(Found {
                        value: DateExpr::Recurring(Recurrence::Monthly {
                            day: Some(day),
                            time,
                        }),
                        span: view.span(start, e),
                        qualifier: None,
                    });
                    end = e;
                }
            }
            if let DateExpr::Recurring(Recurrence::Weekly {
                weekday: Some(_), ..
            }) = value
            {
                // "vào thứ 4 hàng tuần, ngày thứ 7 …": the weekly rhythm carries over to the
                // weekday listed right after it.
                while let Some((day, start, e)) = p.listed_weekday(end) {
                    out.push(Found {
                        value: DateExpr::Recurring(Recurrence::Weekly {
                            weekday: Some(day),
                            time: None,
                        }),
                        span: view.span(start, e),
                        qualifier: None,
                    });
                    end = e;
                }
            }
            at = end.max(at + 1);
            while at < s.len() && !s.is_char_boundary(at) {
                at += 1;
            }
            continue;
        }
        at += c.map_or(1, char::len_utf8);
    }
    out
}

const QUALIFIERS: &[(&str, Qualifier)] = &[
    ("chậm nhất là vào", Qualifier::NoLaterThan),
    ("chậm nhất vào", Qualifier::NoLaterThan),
    ("chậm nhất là", Qualifier::NoLaterThan),
    ("chậm nhất trước", Qualifier::NoLaterThan),
    ("chậm nhất", Qualifier::NoLaterThan),
    ("trước", Qualifier::Before),
    ("vào", Qualifier::On),
    ("trong", Qualifier::Within),
    ("kể từ", Qualifier::From),
    ("từ", Qualifier::From),
    ("đến hết", Qualifier::Until),
    ("đến", Qualifier::Until),
    ("sau", Qualifier::After),
];

struct Parser<'a> {
    s: &'a str,
    doc: Date,
}

impl Parser<'_> {
    fn expression(&self, at: usize) -> Option<(DateExpr, Option<Qualifier>, usize)> {
        if let Some((qualifier, e)) = table_word(self.s, at, QUALIFIERS) {
            let core_at = skip_spaces(self.s, e);
            return self
                .core(core_at, true)
                .map(|(expr, end)| (expr, Some(qualifier), end));
        }
        // "cuối tháng 4", "hai tháng còn lại" say by when, like "đến": never the day of an event
        // (a meeting's date is a day written without a qualifier).
        if let Some((expr, end)) = self.part_of_month(at).or_else(|| self.remaining_months(at)) {
            return Some((expr, Some(Qualifier::Until), end));
        }
        self.core(at, false).map(|(expr, end)| (expr, None, end))
    }

    /// A date expression at `at`; `anchored` when a qualifier or a part of the day precedes, which
    /// makes a bare "25/6" safe to read as a date.
    fn core(&self, at: usize, anchored: bool) -> Option<(DateExpr, usize)> {
        let s = self.s;
        const PARTS: &[(&str, PartOfDay)] = &[
            ("sáng", PartOfDay::Morning),
            ("trưa", PartOfDay::Noon),
            ("chiều", PartOfDay::Afternoon),
            ("tối", PartOfDay::Evening),
            ("đêm", PartOfDay::Night),
        ];
        if let Some((part, e)) = table_word(s, at, PARTS) {
            let q = skip_spaces(s, e);
            if let Some(e) = word(s, q, "nay").or_else(|| word(s, q, "hôm nay")) {
                // "Sáng nay 8/4/2021": an explicit date right after wins.
                let mut r = skip_spaces(s, e);
                if char_at(s, r) == Some(',') {
                    r = skip_spaces(s, r + 1);
                }
                if let Some((
                    DateExpr::Date {
                        date,
                        time,
                        year_inferred,
                        ..
                    },
                    end,
                )) = self.day(r, true)
                {
                    return Some((
                        DateExpr::Date {
                            date,
                            time,
                            part_of_day: Some(part),
                            year_inferred,
                            relative: false,
                        },
                        end,
                    ));
                }
                return Some((self.relative_day(0, Some(part)), e));
            }
            if let Some((
                DateExpr::Date {
                    date,
                    time,
                    year_inferred,
                    relative,
                    ..
                },
                end,
            )) = self.day(q, true)
            {
                return Some((
                    DateExpr::Date {
                        date,
                        time,
                        part_of_day: Some(part),
                        year_inferred,
                        relative,
                    },
                    end,
                ));
            }
            return None;
        }
        if let Some((time, e)) = self.time(at) {
            let mut q = skip_spaces(s, e);
            if char_at(s, q) == Some(',') {
                q = skip_spaces(s, q + 1);
            }
            return match self.day(q, true)? {
                (
                    DateExpr::Date {
                        date,
                        part_of_day,
                        year_inferred,
                        relative,
                        ..
                    },
                    end,
                ) => Some((
                    DateExpr::Date {
                        date,
                        time: Some(time),
                        part_of_day,
                        year_inferred,
                        relative,
                    },
                    end,
                )),
                (DateExpr::Recurring(rule), end) => {
                    Some((DateExpr::Recurring(with_time(rule, time)), end))
                }
                _ => None,
            };
        }
        self.day(at, anchored)
            .or_else(|| self.part_of_month(at))
            .or_else(|| self.remaining_months(at))
            .or_else(|| self.period(at))
            .or_else(|| self.recurring(at))
            .or_else(|| word(s, at, "thường xuyên").map(|e| (DateExpr::Standing, e)))
    }

    fn relative_day(&self, offset: i64, part: Option<PartOfDay>) -> DateExpr {
        let date = self
            .doc
            .checked_add(jiff::Span::new().days(offset))
            .unwrap_or(self.doc);
        DateExpr::Date {
            date,
            time: None,
            part_of_day: part,
            year_inferred: false,
            relative: true,
        }
    }

    /// A single day, or a rule introduced by "ngày" ("ngày 15 hàng tháng", "ngày thứ 5 hàng
    /// tuần"), or a month with a blank day ("ngày   tháng 3 năm 2023").
    fn day(&self, at: usize, anchored: bool) -> Option<(DateExpr, usize)> {
        let s = self.s;
        if let Some(e) = word(s, at, "hôm nay") {
            return Some((self.relative_day(0, None), e));
        }
        if let Some(e) = word(s, at, "ngày mai") {
            return Some((self.relative_day(1, None), e));
        }
        if let Some(e) = word(s, at, "hôm qua") {
            return Some((self.relative_day(-1, None), e));
        }
        if let Some(e) = word(s, at, "ngày") {
            let q = skip_spaces(s, e);
            if let Some(found) = self.weekday_rule(q) {
                return Some(found);
            }
            // Blank day left for the signer: "ngày   tháng 3 năm 2023".
            if let Some(found) = self.month(q) {
                return Some(found);
            }
            if let Some((d, e, _)) = digits(s, q, 2) {
                let r = skip_spaces(s, e);
                if at_word_end(s, e) && self.month_day_list(e).is_some() {
                    // "ngày 10, 20, 30 hằng tháng": the first day here, the others listed after
                    // it by [`scan`].
                    let day = i8::try_from(d).ok().filter(|d| (1..=31).contains(d))?;
                    return Some((
                        DateExpr::Recurring(Recurrence::Monthly {
                            day: Some(day),
                            time: None,
                        }),
                        e,
                    ));
                }
                if let Some((_, e)) = any_word(
                    s,
                    r,
                    &["hàng tháng", "hằng tháng", "của tháng", "mỗi tháng"],
                ) {
                    let day = i8::try_from(d).ok().filter(|d| (1..=31).contains(d))?;
                    return Some((
                        DateExpr::Recurring(Recurrence::Monthly {
                            day: Some(day),
                            time: None,
                        }),
                        e,
                    ));
                }
                if let Some(e) = word(s, r, "tháng") {
                    // "ngày 05 tháng 01 năm 2023"
                    let (m, e, _) = digits(s, skip_spaces(s, e), 2)?;
                    let r = skip_spaces(s, e);
                    if let Some(e) = word(s, r, "năm") {
                        let (y, e, len) = digits(s, skip_spaces(s, e), 4)?;
                        if len != 4 {
                            return None;
                        }
                        return Some((self.full_date(y, m, d)?, e));
                    }
                    return Some((self.partial_date(m, d)?, e));
                }
            }
            return self.numeric(q, true);
        }
        if let Some(found) = self.weekday_rule(at) {
            return Some(found);
        }
        self.numeric(at, anchored)
    }

    /// "thứ 5 hàng tuần", "chủ nhật hàng tuần", or a weekday next to an explicit date
    /// ("thứ Sáu, ngày 24/03/2023").
    fn weekday_rule(&self, at: usize) -> Option<(DateExpr, usize)> {
        let s = self.s;
        let (weekday, e) = self.weekday(at)?;
        let q = skip_spaces(s, e);
        if let Some((_, e)) = any_word(s, q, &["hàng tuần", "hằng tuần", "mỗi tuần"]) {
            return Some((
                DateExpr::Recurring(Recurrence::Weekly {
                    weekday: Some(weekday),
                    time: None,
                }),
                e,
            ));
        }
        let mut q = q;
        if matches!(char_at(s, q), Some(',' | '(')) {
            q = skip_spaces(s, q + 1);
        }
        let q = word(s, q, "ngày").map_or(q, |e| skip_spaces(s, e));
        match self.numeric(q, true)? {
            found @ (DateExpr::Date { .. }, _) => Some(found),
            _ => None,
        }
    }

    /// ", (ngày) thứ 7" or "và (vào) thứ 7" right after a weekly rule, when that weekday has
    /// no rule or date of its own: the weekday, its start and its end.
    fn listed_weekday(&self, at: usize) -> Option<(Weekday, usize, usize)> {
        let s = self.s;
        let q = skip_spaces(s, at);
        let q = if char_at(s, q) == Some(',') {
            skip_spaces(s, q + 1)
        } else {
            skip_spaces(s, word(s, q, "và")?)
        };
        let start = q;
        let q = word(s, q, "vào").map_or(q, |e| skip_spaces(s, e));
        let q = word(s, q, "ngày").map_or(q, |e| skip_spaces(s, e));
        if self.expression(q).is_some() {
            return None;
        }
        let (day, e) = self.weekday(q)?;
        // Another rule or a date after it ("thứ 7 hàng tháng", "thứ 7, ngày 5/6") is its own.
        let after = skip_spaces(s, e);
        if any_word(s, after, &["hàng", "hằng", "mỗi", "tuần", "tháng"]).is_some()
            || self.expression(after).is_some()
        {
            return None;
        }
        Some((day, start, e))
    }

    fn weekday(&self, at: usize) -> Option<(Weekday, usize)> {
        let s = self.s;
        if let Some(e) = word(s, at, "chủ nhật") {
            return Some((Weekday::Sunday, e));
        }
        let e = word(s, at, "thứ")?;
        let q = skip_spaces(s, e);
        if let Some((n, e, _)) = digits(s, q, 1)
            && at_word_end(s, e)
        {
            return Some((weekday_from_number(n)?, e));
        }
        const NAMES: &[&str] = &["hai", "ba", "tư", "bốn", "năm", "sáu", "bảy"];
        let (i, e) = any_word(s, q, NAMES)?;
        let n = match i {
            0 => 2,
            1 => 3,
            2 | 3 => 4,
            4 => 5,
            5 => 6,
            _ => 7,
        };
        Some((weekday_from_number(n)?, e))
    }

    /// Numeric dates: "24/03/2023", "06/4/2018", "25/6", "14-04-2017", "6/2020" (a month).
    fn numeric(&self, at: usize, anchored: bool) -> Option<(DateExpr, usize)> {
        let s = self.s;
        if char_before(s, at).is_some_and(|c| matches!(c, '/' | '-' | '.' | ',')) {
            return None;
        }
        // A rank out of a whole ("xếp thứ 5/12", "hạng 3/10"), not a day and month.
        let before = s.get(..at).unwrap_or("").trim_end_matches(' ');
        let after_word = |w: &str| {
            before
                .strip_suffix(w)
                .is_some_and(|rest| at_word_start(s, rest.len()))
        };
        if after_word("thứ") || after_word("hạng") {
            return None;
        }
        // After "ngày" a day and month may be written with dots or dashes too ("ngày 15.4").
        let after_ngay = after_word("ngày");
        let (a, e1, _) = digits(s, at, 2)?;
        let sep = char_at(s, e1).filter(|c| matches!(c, '/' | '-' | '.'))?;
        let (b, e2, len_b) = digits(s, e1 + 1, 4)?;
        let (expr, end) = if len_b == 4 {
            // "6/2020": month and year.
            if sep != '/' {
                return None;
            }
            let month = i8::try_from(a).ok().filter(|m| (1..=12).contains(m))?;
            let year = i16::try_from(b).ok()?;
            (
                DateExpr::Period {
                    period: Period::Month { year, month },
                    year_inferred: false,
                },
                e2,
            )
        } else if char_at(s, e2) == Some(sep)
            && let Some((y, e3, len_y)) = digits(s, e2 + 1, 4).or_else(|| {
                // "27/03/ 2023": the year after a line break (folded to a space, see
                // [`crate::view`]) or a stray space; four digits only.
                digits(s, skip_spaces(s, e2 + 1), 4).filter(|&(_, _, len)| len == 4)
            })
        {
            let year = match len_y {
                4 => y,
                2 => 2000 + y,
                _ => return None,
            };
            (self.full_date(year, b, a)?, e3)
        } else {
            // Day and month only: a date if anchored ("ngày 25/6") or not followed by a unit
            // ("5/12 xã" is a ratio, not 5 December), and only with '/' — or right after "ngày".
            if (sep != '/' && !after_ngay)
                || (!anchored && crate::number::unit_at(s, skip_spaces(s, e2)))
            {
                return None;
            }
            (self.partial_date(b, a)?, e2)
        };
        // "12/2023/QĐ-UBND", "1.5.2": not dates.
        if char_at(s, end).is_some_and(|c| matches!(c, '/' | '-' | '.' | ','))
            && char_at(s, end + 1).is_some_and(char::is_alphanumeric)
        {
            return None;
        }
        if !at_word_end(s, end) {
            return None;
        }
        Some((expr, end))
    }

    fn full_date(&self, year: u32, month: u32, day: u32) -> Option<DateExpr> {
        let date = Date::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        )
        .ok()?;
        Some(DateExpr::Date {
            date,
            time: None,
            part_of_day: None,
            year_inferred: false,
            relative: false,
        })
    }

    /// Day and month in the document's year: the year the document writes, never one it does not
    /// (a "28/12" in a January notice may be last December's meeting or next December's deadline;
    /// the text does not say which, and the reader sees `year_inferred`).
    fn partial_date(&self, month: u32, day: u32) -> Option<DateExpr> {
        let month = i8::try_from(month).ok()?;
        let day = i8::try_from(day).ok()?;
        let date = Date::new(self.doc.year(), month, day).ok()?;
        Some(DateExpr::Date {
            date,
            time: None,
            part_of_day: None,
            year_inferred: true,
            relative: false,
        })
    }

    /// An optional year after a period: " năm 2021", "/2017", or nothing (document year).
    fn year_suffix(&self, at: usize) -> (i16, bool, usize) {
        let s = self.s;
        let q = skip_spaces(s, at);
        if let Some(e) = word(s, q, "năm")
            && let Some((y, e, 4)) = digits(s, skip_spaces(s, e), 4)
            && let Ok(y) = i16::try_from(y)
        {
            return (y, false, e);
        }
        if char_at(s, at) == Some('/')
            && let Some((y, e, 4)) = digits(s, at + 1, 4)
            && let Ok(y) = i16::try_from(y)
        {
            return (y, false, e);
        }
        if let Some(e) = word(s, q, "năm nay") {
            // The document's year, as inferred as a missing one.
            return (self.doc.year(), true, e);
        }
        (self.doc.year(), true, at)
    }

    fn month(&self, at: usize) -> Option<(DateExpr, usize)> {
        let s = self.s;
        let e = word(s, at, "tháng")?;
        let (m, e, _) = digits(s, skip_spaces(s, e), 2)?;
        let month = i8::try_from(m).ok().filter(|m| (1..=12).contains(m))?;
        if !at_word_end(s, e) && char_at(s, e) != Some('/') {
            return None;
        }
        let (year, year_inferred, end) = self.year_suffix(e);
        Some((
            DateExpr::Period {
                period: Period::Month { year, month },
                year_inferred,
            },
            end,
        ))
    }

    fn period(&self, at: usize) -> Option<(DateExpr, usize)> {
        let s = self.s;
        if let Some(e) = word(s, at, "quý") {
            let q = skip_spaces(s, e);
            let (quarter, e) = if let Some((i, e)) = any_word(s, q, &["iv", "iii", "ii", "i"]) {
                ([4, 3, 2, 1][i], e)
            } else {
                let (n, e, _) = digits(s, q, 1)?;
                (i8::try_from(n).ok().filter(|n| (1..=4).contains(n))?, e)
            };
            // "quý I/2017": the roman numeral is followed by '/', which is not a word character.
            let (year, year_inferred, end) = self.year_suffix(e);
            return Some((
                DateExpr::Period {
                    period: Period::Quarter { year, quarter },
                    year_inferred,
                },
                end,
            ));
        }
        if let Some(found) = self.month(at) {
            return Some(found);
        }
        if let Some(e) = word(s, at, "năm") {
            let q = skip_spaces(s, e);
            if let Some((y, e, 4)) = digits(s, q, 4)
                && at_word_end(s, e)
                && (1900..=2100).contains(&y)
            {
                return Some((
                    DateExpr::Period {
                        period: Period::Year {
                            year: i16::try_from(y).ok()?,
                        },
                        year_inferred: false,
                    },
                    e,
                ));
            }
            if let Some(e) = word(s, q, "nay") {
                return Some((
                    DateExpr::Period {
                        period: Period::Year {
                            year: self.doc.year(),
                        },
                        year_inferred: true,
                    },
                    e,
                ));
            }
            return None;
        }
        // "sơ kết 6 tháng": the review of the first months of the year.
        if let Some(e) = word(s, at, "sơ kết")
            && let Some((n, e, _)) = digits(s, skip_spaces(s, e), 2)
            && let Some(e) = word(s, skip_spaces(s, e), "tháng")
            && any_word(s, skip_spaces(s, e), &["đầu năm", "cuối năm"]).is_none()
        {
            let year = self.doc.year();
            let period = match n {
                6 => Period::Half { year, half: 1 },
                1..=11 => Period::FirstMonths {
                    year,
                    months: i8::try_from(n).ok()?,
                },
                _ => return None,
            };
            return Some((
                DateExpr::Period {
                    period,
                    year_inferred: true,
                },
                e,
            ));
        }
        // "6 tháng đầu năm", "9 tháng đầu năm 2023", "6 tháng cuối năm".
        let (n, e, _) = digits(s, at, 2)?;
        let q = skip_spaces(s, e);
        let (which, e) = any_word(s, q, &["tháng đầu năm", "tháng cuối năm"])?;
        // "năm" is already consumed: the year, if any, follows directly.
        let (year, year_inferred, end) = match digits(s, skip_spaces(s, e), 4) {
            Some((y, ye, 4)) if at_word_end(s, ye) => (i16::try_from(y).ok()?, false, ye),
            _ => (self.doc.year(), true, e),
        };
        let period = match (which, n) {
            (0, 6) => Period::Half { year, half: 1 },
            (1, 6) => Period::Half { year, half: 2 },
            (0, n @ 1..=12) => Period::FirstMonths {
                year,
                months: i8::try_from(n).ok()?,
            },
            _ => return None,
        };
        Some((
            DateExpr::Period {
                period,
                year_inferred,
            },
            end,
        ))
    }

    /// The days listed after a first day of the month, when a monthly rhythm closes the list:
    /// ", 20, 30 hằng tháng", " và 25 hàng tháng"; each day with its start and end (the last
    /// one's end takes the rhythm in).
    fn month_day_list(&self, at: usize) -> Option<Vec<(i8, usize, usize)>> {
        let s = self.s;
        let mut out: Vec<(i8, usize, usize)> = Vec::new();
        let mut q = at;
        while out.len() < 31 {
            let mut r = skip_spaces(s, q);
            if char_at(s, r) == Some(',') {
                r = skip_spaces(s, r + 1);
                if let Some(e) = word(s, r, "và") {
                    r = skip_spaces(s, e);
                }
            } else if let Some(e) = word(s, r, "và") {
                r = skip_spaces(s, e);
            } else {
                break;
            }
            let r = word(s, r, "ngày").map_or(r, |e| skip_spaces(s, e));
            let Some((d, e, _)) = digits(s, r, 2) else {
                break;
            };
            let Some(day) = i8::try_from(d).ok().filter(|d| (1..=31).contains(d)) else {
                break;
            };
            if !at_word_end(s, e) {
                break;
            }
            out.push((day, r, e));
            q = e;
        }
        let (_, e) = any_word(
            s,
            skip_spaces(s, q),
            &["hàng tháng", "hằng tháng", "mỗi tháng"],
        )?;
        let last = out.last_mut()?;
        last.2 = e;
        Some(out)
    }

    /// "cuối tháng 4", "đầu tháng 5/2023", "giữa tháng 6 năm 2023", "cuối tháng này": a day of
    /// the month — its last day, the 10th (the end of its first ten days, thượng tuần) or the
    /// 15th. Without a written year the document's, marked `year_inferred` (dropped with a
    /// warning when the document gives no year: never a made-up one).
    fn part_of_month(&self, at: usize) -> Option<(DateExpr, usize)> {
        let s = self.s;
        let (part, e) = any_word(s, at, &["cuối", "đầu", "giữa"])?;
        let q = skip_spaces(s, e);
        if let Some(e) = word(s, q, "tháng này").or_else(|| word(s, q, "tháng nay")) {
            let month = Date::new(self.doc.year(), self.doc.month(), 1).ok()?;
            let date = Self::day_of_part(month, part)?;
            return Some((
                DateExpr::Date {
                    date,
                    time: None,
                    part_of_day: None,
                    year_inferred: false,
                    relative: true,
                },
                e,
            ));
        }
        let e = word(s, q, "tháng")?;
        let (m, e, _) = digits(s, skip_spaces(s, e), 2)?;
        let month = i8::try_from(m).ok().filter(|m| (1..=12).contains(m))?;
        if !at_word_end(s, e) && char_at(s, e) != Some('/') {
            return None;
        }
        let (year, year_inferred, end) = self.year_suffix(e);
        let date = Self::day_of_part(Date::new(year, month, 1).ok()?, part)?;
        Some((
            DateExpr::Date {
                date,
                time: None,
                part_of_day: None,
                year_inferred,
                relative: false,
            },
            end,
        ))
    }

    /// The day "cuối" (0), "đầu" (1) or "giữa" (2) a month stands for.
    fn day_of_part(first: Date, part: usize) -> Option<Date> {
        match part {
            0 => Some(first.last_of_month()),
            1 => Date::new(first.year(), first.month(), 10).ok(),
            _ => Date::new(first.year(), first.month(), 15).ok(),
        }
    }

    /// "(trong) hai tháng còn lại (của năm)": the last day of the n-th month after the
    /// document's, at most the year's last day; relative to the document.
    fn remaining_months(&self, at: usize) -> Option<(DateExpr, usize)> {
        let s = self.s;
        const WORDS: &[&str] = &["một", "hai", "ba", "bốn", "năm", "sáu"];
        let (n, e) = match digits(s, at, 2) {
            Some((n, e, _)) => (i8::try_from(n).ok()?, e),
            None => {
                let (i, e) = any_word(s, at, WORDS)?;
                (i8::try_from(i + 1).ok()?, e)
            }
        };
        if !(1..=11).contains(&n) {
            return None;
        }
        let e = word(s, skip_spaces(s, e), "tháng")?;
        let mut end = word(s, skip_spaces(s, e), "còn lại")?;
        if let Some((_, e)) = any_word(
            s,
            skip_spaces(s, end),
            &["của năm nay", "của năm", "trong năm"],
        ) {
            end = e;
        }
        let month = (self.doc.month() + n).min(12);
        let date = Date::new(self.doc.year(), month, 1).ok()?.last_of_month();
        Some((
            DateExpr::Date {
                date,
                time: None,
                part_of_day: None,
                year_inferred: false,
                relative: true,
            },
            end,
        ))
    }

    fn recurring(&self, at: usize) -> Option<(DateExpr, usize)> {
        let s = self.s;
        let e = word(s, at, "hàng")
            .or_else(|| word(s, at, "hằng"))
            .or_else(|| word(s, at, "mỗi"))?;
        let q = skip_spaces(s, e);
        let (i, e) = any_word(s, q, &["ngày", "tuần", "tháng", "quý", "năm"])?;
        let rule = match i {
            0 => Recurrence::Daily { time: None },
            1 => Recurrence::Weekly {
                weekday: None,
                time: None,
            },
            2 => Recurrence::Monthly {
                day: None,
                time: None,
            },
            3 => Recurrence::Quarterly,
            _ => Recurrence::Yearly,
        };
        Some((DateExpr::Recurring(rule), e))
    }

    /// "17h", "17h30", "17 giờ", "10 giờ 30 phút", "16:58".
    fn time(&self, at: usize) -> Option<(Time, usize)> {
        let s = self.s;
        let (h, e, _) = digits(s, at, 2)?;
        let hour = i8::try_from(h).ok().filter(|h| *h < 24)?;
        let minutes = |at: usize| -> Option<(i8, usize)> {
            let (m, e, len) = digits(s, at, 2)?;
            (len == 2 || m < 10)
                .then_some(())
                .and(i8::try_from(m).ok().filter(|m| *m < 60).map(|m| (m, e)))
        };
        let (minute, end) = match char_at(s, e) {
            Some('h') => match minutes(e + 1) {
                Some((m, e2)) => (m, e2),
                None => (0, e + 1),
            },
            Some(':') => minutes(e + 1)?,
            _ => {
                let g = word(s, skip_spaces(s, e), "giờ")?;
                let q = skip_spaces(s, g);
                match minutes(q) {
                    Some((m, e2)) => (m, word(s, skip_spaces(s, e2), "phút").unwrap_or(e2)),
                    None => (0, g),
                }
            }
        };
        if !at_word_end(s, end) {
            return None;
        }
        Some((Time::new(hour, minute, 0, 0).ok()?, end))
    }
}

fn weekday_from_number(n: u32) -> Option<Weekday> {
    Some(match n {
        2 => Weekday::Monday,
        3 => Weekday::Tuesday,
        4 => Weekday::Wednesday,
        5 => Weekday::Thursday,
        6 => Weekday::Friday,
        7 => Weekday::Saturday,
        _ => return None,
    })
}

fn with_time(rule: Recurrence, time: Time) -> Recurrence {
    match rule {
        Recurrence::Daily { .. } => Recurrence::Daily { time: Some(time) },
        Recurrence::Weekly { weekday, .. } => Recurrence::Weekly {
            weekday,
            time: Some(time),
        },
        Recurrence::Monthly { day, .. } => Recurrence::Monthly {
            day,
            time: Some(time),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    fn doc() -> Date {
        date(2023, 3, 24)
    }

    fn one(text: &str, doc_date: Date) -> Found<DateExpr> {
        let all = find_dates(text, doc_date);
        assert_eq!(all.len(), 1, "{text}: {all:?}");
        all[0]
    }

    fn day(d: Date) -> DateExpr {
        DateExpr::Date {
            date: d,
            time: None,
            part_of_day: None,
            year_inferred: false,
            relative: false,
        }
    }

    #[test]
    fn absolute_dates() {
        let f = one("Ngày 06/4/2018, Lãnh đạo UBND huyện tổ chức họp", doc());
        assert_eq!(f.value, day(date(2018, 4, 6)));
        assert_eq!(f.span.slice("Ngày 06/4/2018, Lãnh đạo"), "Ngày 06/4/2018");
        assert_eq!(
            one("Ngày 24/03/2023, UBND huyện", doc()).value,
            day(date(2023, 3, 24))
        );
        assert_eq!(
            one("Cẩm Thủy, ngày 05 tháng 01 năm 2023", doc()).value,
            day(date(2023, 1, 5))
        );
        assert_eq!(
            one("Ngày đăng: 26/06/2020", doc()).value,
            day(date(2020, 6, 26))
        );
        assert_eq!(one("ký 14-04-2017.", doc()).value, day(date(2017, 4, 14)));
    }

    #[test]
    fn time_before_date() {
        let f = one("16:58 14/04/2017", doc());
        assert_eq!(
            f.value,
            DateExpr::Date {
                date: date(2017, 4, 14),
                time: Some(Time::constant(16, 58, 0, 0)),
                part_of_day: None,
                year_inferred: false,
                relative: false
            }
        );
    }

    #[test]
    fn partial_date_takes_the_document_year() {
        let text = "Chiều ngày 25/6, Huyện ủy Sông Lô tổ chức hội nghị";
        let f = one(text, date(2020, 6, 26));
        assert_eq!(
            f.value,
            DateExpr::Date {
                date: date(2020, 6, 25),
                time: None,
                part_of_day: Some(PartOfDay::Afternoon),
                year_inferred: true,
                relative: false
            }
        );
        assert_eq!(f.span.slice(text), "Chiều ngày 25/6");
        // Across new year: still the document's year, the only one the text gives.
        let f = one("ngày 28/12", date(2023, 1, 3));
        assert!(matches!(f.value, DateExpr::Date { date: d, .. } if d == date(2023, 12, 28)));
    }

    #[test]
    fn relative_days() {
        let text = "Sáng nay 8/4/2021, Ban Chỉ đạo";
        let f = one(text, date(2021, 4, 8));
        assert_eq!(
            f.value,
            DateExpr::Date {
                date: date(2021, 4, 8),
                time: None,
                part_of_day: Some(PartOfDay::Morning),
                year_inferred: false,
                relative: false
            }
        );
        assert_eq!(f.span.slice(text), "Sáng nay 8/4/2021");
        let f = one("Sáng nay, đoàn công tác", date(2021, 4, 8));
        assert_eq!(
            f.value,
            DateExpr::Date {
                date: date(2021, 4, 8),
                time: None,
                part_of_day: Some(PartOfDay::Morning),
                year_inferred: false,
                relative: true
            }
        );
        assert!(matches!(
            one("hoàn thành trong ngày mai", doc()).value,
            DateExpr::Date { date: d, relative: true, .. } if d == date(2023, 3, 25)
        ));
    }

    #[test]
    fn deadlines_with_qualifiers() {
        let text = "hoàn chỉnh các dự thảo báo cáo kinh tế xã hội Quý I chậm nhất vào ngày 27/03/2023 trình Ban Thường Vụ.";
        let all = find_dates(text, doc());
        let last = all.last().copied().unwrap_or_else(|| panic!("none"));
        assert_eq!(last.value, day(date(2023, 3, 27)));
        assert_eq!(last.qualifier, Some(Qualifier::NoLaterThan));
        assert_eq!(last.span.slice(text), "chậm nhất vào ngày 27/03/2023");
        let f = one("báo cáo trước ngày 15 hàng tháng", doc());
        assert_eq!(
            f.value,
            DateExpr::Recurring(Recurrence::Monthly {
                day: Some(15),
                time: None
            })
        );
        assert_eq!(f.qualifier, Some(Qualifier::Before));
    }

    #[test]
    fn seed_003_weekly_rules() {
        let text = "gửi Thường trực BCĐ trước 17h ngày thứ 5 hàng tuần, tổng hợp kết quả báo cáo Thường trực BCĐ huyện trước 10h ngày thứ 2 hàng tuần; phát triển kinh tế vườn hộ vào thứ 4 hàng tuần, ngày thứ 7 xây dựng NTM";
        let all = find_dates(text, date(2021, 4, 8));
        let values: Vec<(DateExpr, Option<Qualifier>, &str)> = all
            .iter()
            .map(|f| (f.value, f.qualifier, f.span.slice(text)))
            .collect();
        assert_eq!(
            values,
            vec![
                (
                    DateExpr::Recurring(Recurrence::Weekly {
                        weekday: Some(Weekday::Thursday),
                        time: Some(Time::constant(17, 0, 0, 0))
                    }),
                    Some(Qualifier::Before),
                    "trước 17h ngày thứ 5 hàng tuần"
                ),
                (
                    DateExpr::Recurring(Recurrence::Weekly {
                        weekday: Some(Weekday::Monday),
                        time: Some(Time::constant(10, 0, 0, 0))
                    }),
                    Some(Qualifier::Before),
                    "trước 10h ngày thứ 2 hàng tuần"
                ),
                (
                    DateExpr::Recurring(Recurrence::Weekly {
                        weekday: Some(Weekday::Wednesday),
                        time: None
                    }),
                    Some(Qualifier::On),
                    "vào thứ 4 hàng tuần"
                ),
                (
                    DateExpr::Recurring(Recurrence::Weekly {
                        weekday: Some(Weekday::Saturday),
                        time: None
                    }),
                    None,
                    "ngày thứ 7"
                ),
            ]
        );
    }

    #[test]
    fn a_weekday_listed_after_a_weekly_rule_is_weekly() {
        let text = "họp vào thứ 2 hàng tuần và thứ Sáu; trực vào chủ nhật hàng tuần, lần thứ 5";
        let got: Vec<(DateExpr, &str)> = find_dates(text, doc())
            .iter()
            .map(|f| (f.value, f.span.slice(text)))
            .collect();
        let weekly = |w| {
            DateExpr::Recurring(Recurrence::Weekly {
                weekday: Some(w),
                time: None,
            })
        };
        assert_eq!(
            got,
            vec![
                (weekly(Weekday::Monday), "vào thứ 2 hàng tuần"),
                (weekly(Weekday::Friday), "thứ Sáu"),
                (weekly(Weekday::Sunday), "vào chủ nhật hàng tuần"),
            ]
        );
    }

    #[test]
    fn weekday_names_and_times() {
        let f = one("trước 10 giờ 30 phút thứ Năm hàng tuần", doc());
        assert_eq!(
            f.value,
            DateExpr::Recurring(Recurrence::Weekly {
                weekday: Some(Weekday::Thursday),
                time: Some(Time::constant(10, 30, 0, 0))
            })
        );
        let f = one("họp vào chủ nhật hàng tuần", doc());
        assert!(matches!(
            f.value,
            DateExpr::Recurring(Recurrence::Weekly {
                weekday: Some(Weekday::Sunday),
                ..
            })
        ));
        let f = one("trước 17h30 ngày 25/6", date(2020, 6, 1));
        assert!(matches!(
            f.value,
            DateExpr::Date { time: Some(t), .. } if t == Time::constant(17, 30, 0, 0)
        ));
        let f = one("thứ Sáu, ngày 24/03/2023", doc());
        assert_eq!(f.value, day(date(2023, 3, 24)));
        // Ordinals are not weekdays.
        assert!(find_dates("Đại hội Đảng bộ huyện lần thứ XVI, lần thứ 5", doc()).is_empty());
        // A bare time is not reported.
        assert!(find_dates("trước 17h", doc()).is_empty());
    }

    #[test]
    fn periods() {
        let period = |t: &str, d: Date| match one(t, d).value {
            DateExpr::Period {
                period,
                year_inferred,
            } => (period, year_inferred),
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(
            period("quý II năm 2021", doc()),
            (
                Period::Quarter {
                    year: 2021,
                    quarter: 2
                },
                false
            )
        );
        assert_eq!(
            period("triển khai nhiệm vụ quý II/2017.", doc()),
            (
                Period::Quarter {
                    year: 2017,
                    quarter: 2
                },
                false
            )
        );
        assert_eq!(
            period("quý I/2017", doc()),
            (
                Period::Quarter {
                    year: 2017,
                    quarter: 1
                },
                false
            )
        );
        assert_eq!(
            period("tháng 6 năm 2020", doc()),
            (
                Period::Month {
                    year: 2020,
                    month: 6
                },
                false
            )
        );
        assert_eq!(
            period("phiên họp thường kỳ tháng 03 năm 2022.", doc()),
            (
                Period::Month {
                    year: 2022,
                    month: 3
                },
                false
            )
        );
        assert_eq!(
            period("6 tháng đầu năm", doc()),
            (
                Period::Half {
                    year: 2023,
                    half: 1
                },
                true
            )
        );
        assert_eq!(
            period("9 tháng đầu năm 2022", doc()),
            (
                Period::FirstMonths {
                    year: 2022,
                    months: 9
                },
                false
            )
        );
        assert_eq!(
            period("năm 2023", doc()),
            (Period::Year { year: 2023 }, false)
        );
        assert_eq!(
            period("Cẩm Thủy, ngày   tháng 3 năm 2023", doc()),
            (
                Period::Month {
                    year: 2023,
                    month: 3
                },
                false
            )
        );
        let f = one("hoàn thành trong quý II", doc());
        assert_eq!(f.qualifier, Some(Qualifier::Within));
        assert_eq!(
            f.value,
            DateExpr::Period {
                period: Period::Quarter {
                    year: 2023,
                    quarter: 2
                },
                year_inferred: true
            }
        );
        let q = Period::Quarter {
            year: 2021,
            quarter: 2,
        };
        assert_eq!(q.first_day(), Some(date(2021, 4, 1)));
        assert_eq!(q.last_day(), Some(date(2021, 6, 30)));
        assert_eq!(
            Period::FirstMonths {
                year: 2024,
                months: 2
            }
            .last_day(),
            Some(date(2024, 2, 29))
        );
    }

    #[test]
    fn standing_and_plain_recurrences() {
        let f = one("phân công cán bộ thường xuyên bám sát", doc());
        assert_eq!(f.value, DateExpr::Standing);
        let all = find_dates(
            "Duy trì chế độ giao ban hàng tuần, hàng tháng, hàng quý",
            doc(),
        );
        let rules: Vec<DateExpr> = all.iter().map(|f| f.value).collect();
        assert_eq!(
            rules,
            vec![
                DateExpr::Recurring(Recurrence::Weekly {
                    weekday: None,
                    time: None
                }),
                DateExpr::Recurring(Recurrence::Monthly {
                    day: None,
                    time: None
                }),
                DateExpr::Recurring(Recurrence::Quarterly),
            ]
        );
    }

    #[test]
    fn not_dates() {
        for text in [
            "đạt 5/12 tiêu chí",
            "Số: 45/TB-UBND",
            "Quyết định 12/2023/QĐ-UBND",
            "5.466,32ha lúa",
            "bình quân 9,8 tiêu chí/xã",
            "ngày 31/02/2023",
            "tháng 13",
            "kỷ niệm 150 năm thành lập",
        ] {
            assert!(
                find_dates(text, doc()).is_empty(),
                "{text}: {:?}",
                find_dates(text, doc())
            );
        }
    }

    #[test]
    fn nfd_input_gives_original_spans() {
        use unicode_normalization::UnicodeNormalization;
        let text: String = "Chậm nhất vào ngày 27/03/2023".nfd().collect();
        let f = one(&text, doc());
        assert_eq!(f.span.start, 0);
        assert_eq!(f.span.end, text.len());
    }

    #[test]
    fn parse_single_expression() {
        let f = parse_date_expr(" quý I năm 2018. ", doc());
        assert!(f.is_some());
        assert!(parse_date_expr("quý I năm 2018 và", doc()).is_none());
    }

    #[test]
    fn serialises_to_json() {
        let f = one("trước 17h ngày thứ 5 hàng tuần", doc());
        let json = serde_json::to_string(&f).unwrap_or_default();
        assert!(json.contains("\"thursday\""), "{json}");
        assert!(json.contains("17:00"), "{json}");
    }

    proptest! {
        #[test]
        fn find_dates_never_panics(s in "\\PC*") {
            for f in find_dates(&s, doc()) {
                prop_assert!(s.get(f.span.start..f.span.end).is_some());
            }
        }

        #[test]
        fn find_dates_never_panics_on_date_soup(
            s in "(ngày|tháng|năm|quý|thứ|hàng tuần|trước|chậm nhất|sáng nay|[0-9]{1,5}|[/:h.,-]| |i|v){0,20}"
        ) {
            for f in find_dates(&s, doc()) {
                prop_assert!(s.get(f.span.start..f.span.end).is_some());
            }
        }

        #[test]
        fn formatted_dates_roundtrip(y in 1900i16..2100, m in 1i8..=12, d in 1i8..=28) {
            let text = format!("ngày {d:02}/{m:02}/{y}");
            let f = parse_date_expr(&text, doc());
            prop_assert_eq!(f.map(|f| f.value), Some(day(date(y, m, d))));
        }
    }
}
