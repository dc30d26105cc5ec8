//! Deadline reminders (nhắc hạn): which reminder a task's deadline calls for at a given moment.
//!
//! A reminder goes out 7, 3 and 1 days before the due date, counted in local calendar days in
//! Asia/Ho_Chi_Minh ("còn 3 ngày"), and once more after the deadline has been missed ("đã quá hạn").
//! The computation is pure: the caller says which kinds it has already sent for this due moment and
//! gets back the kinds to send now, so a job that runs every few minutes, or after a week of
//! downtime, sends each reminder at most once and never a stale one.
//!
//! Only open tasks get reminders: the caller filters out completed, cancelled (and, by its own policy,
//! paused or standing) tasks before asking; `due_reminders` looks at the deadline alone.

use jiff::civil::Time;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::Lang;
use crate::calendar::{local_date, local_timestamp};
use crate::deadline::{DeadlineError, DueMoment};

/// A kind of deadline reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// Còn 7 ngày đến hạn.
    DaysBefore7,
    /// Còn 3 ngày đến hạn.
    DaysBefore3,
    /// Còn 1 ngày đến hạn.
    DaysBefore1,
    /// Đã quá hạn: the due moment has passed and the task is still open.
    Missed,
}

impl ReminderKind {
    /// In the order they fall due.
    pub const ALL: [ReminderKind; 4] = [
        ReminderKind::DaysBefore7,
        ReminderKind::DaysBefore3,
        ReminderKind::DaysBefore1,
        ReminderKind::Missed,
    ];

    /// The before-kinds from the most specific (closest to the due date) to the least.
    const BEFORE_MOST_SPECIFIC_FIRST: [ReminderKind; 3] = [
        ReminderKind::DaysBefore1,
        ReminderKind::DaysBefore3,
        ReminderKind::DaysBefore7,
    ];

    /// The stable code stored with a sent reminder (same as the serde name).
    pub fn code(self) -> &'static str {
        match self {
            ReminderKind::DaysBefore7 => "days_before7",
            ReminderKind::DaysBefore3 => "days_before3",
            ReminderKind::DaysBefore1 => "days_before1",
            ReminderKind::Missed => "missed",
        }
    }

    /// The kind stored under `code`; `None` for anything else.
    pub fn parse(code: &str) -> Option<ReminderKind> {
        ReminderKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// "Còn 7 ngày đến hạn" / "7 days to the deadline", "Đã quá hạn" / "Overdue".
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ReminderKind::DaysBefore7 => lang.pick("Còn 7 ngày đến hạn", "7 days to the deadline"),
            ReminderKind::DaysBefore3 => lang.pick("Còn 3 ngày đến hạn", "3 days to the deadline"),
            ReminderKind::DaysBefore1 => lang.pick("Còn 1 ngày đến hạn", "1 day to the deadline"),
            ReminderKind::Missed => lang.pick("Đã quá hạn", "Overdue"),
        }
    }

    /// How many local calendar days before the due date a before-kind falls; `None` for `Missed`.
    pub fn days_before(self) -> Option<i32> {
        match self {
            ReminderKind::DaysBefore7 => Some(7),
            ReminderKind::DaysBefore3 => Some(3),
            ReminderKind::DaysBefore1 => Some(1),
            ReminderKind::Missed => None,
        }
    }

    /// The first instant at which this kind is due for `due`: the start of the local day N days
    /// before the due date, or for `Missed` the instant right after the due moment. A scheduler can
    /// use it to know when to look again.
    pub fn due_from(self, due: DueMoment) -> Result<Timestamp, DeadlineError> {
        match self.days_before() {
            Some(days) => {
                let day = due.date.saturating_sub(days.days());
                Ok(local_timestamp(day, Time::midnight())?)
            }
            None => {
                let instant = due.instant()?;
                Ok(instant.saturating_add(1.nanosecond()).unwrap_or(instant))
            }
        }
    }
}

/// The reminders to send at `as_of` for an open task due at `due`, given the kinds already sent for
/// this same due moment (after an extension, pass the kinds sent for the new one).
///
/// - Before the due moment (inclusive), at most one before-kind: the most specific one whose day
///   has come (7, 3 or 1 local days before the due date; on the due day itself, the 1-day one).
///   When it has gone out already, nothing: a job that missed the 7-day window sends "3 days", never
///   "7 days" late, and nothing is sent that is less specific than a reminder already sent.
/// - After the due moment, `Missed`, once; never a before-kind.
///
/// A due moment outside the time range jiff can represent yields nothing.
pub fn due_reminders(
    due: DueMoment,
    as_of: Timestamp,
    already_sent: &[ReminderKind],
) -> Vec<ReminderKind> {
    let Ok(due_instant) = due.instant() else {
        return Vec::new();
    };
    let sent = |kind: ReminderKind| already_sent.contains(&kind);

    if as_of > due_instant {
        return if sent(ReminderKind::Missed) {
            Vec::new()
        } else {
            vec![ReminderKind::Missed]
        };
    }

    // Local calendar days left; never negative here, as the due moment has not passed.
    let Ok(span) = local_date(as_of).until(due.date) else {
        return Vec::new();
    };
    let days_left = span.get_days();
    let Some(kind) = ReminderKind::BEFORE_MOST_SPECIFIC_FIRST
        .into_iter()
        .find(|k| k.days_before().is_some_and(|n| days_left <= n))
    else {
        return Vec::new();
    };
    // `ALL` is in order of falling due, so `>=` means "this one or a more specific one".
    if already_sent
        .iter()
        .any(|s| s.days_before().is_some() && *s >= kind)
    {
        return Vec::new();
    }
    debug_assert!(!sent(kind));
    vec![kind]
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Date, date, time};
    use proptest::prelude::*;

    use ReminderKind::*;

    /// 17h00 on 27/03/2023, Vietnam time (10:00 UTC).
    fn due_17h() -> DueMoment {
        DueMoment::new(date(2023, 3, 27), Some(time(17, 0, 0, 0)))
    }

    fn at(d: Date, h: i8, m: i8) -> Timestamp {
        local_timestamp(d, time(h, m, 0, 0)).unwrap()
    }

    #[test]
    fn codes_labels_and_serde_agree() {
        for kind in ReminderKind::ALL {
            assert_eq!(ReminderKind::parse(kind.code()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.code()));
            assert_eq!(serde_json::from_str::<ReminderKind>(&json).unwrap(), kind);
        }
        assert_eq!(ReminderKind::parse("overdue"), None);
        assert_eq!(ReminderKind::parse(""), None);
        assert_eq!(DaysBefore7.label(Lang::Vi), "Còn 7 ngày đến hạn");
        assert_eq!(DaysBefore7.label(Lang::En), "7 days to the deadline");
        assert_eq!(DaysBefore1.label(Lang::En), "1 day to the deadline");
        assert_eq!(Missed.label(Lang::Vi), "Đã quá hạn");
        assert_eq!(Missed.label(Lang::En), "Overdue");
    }

    #[test]
    fn each_kind_falls_due_at_the_start_of_its_local_day() {
        let due = due_17h();
        let d = |y, m, day| date(y, m, day);
        // Before the 7-day window: nothing.
        assert!(due_reminders(due, at(d(2023, 3, 19), 23, 59), &[]).is_empty());
        // 00:00 on 20/03 in Vietnam is 17:00 UTC on 19/03.
        let start = at(d(2023, 3, 20), 0, 0);
        assert_eq!(start.to_string(), "2023-03-19T17:00:00Z");
        assert_eq!(DaysBefore7.due_from(due).unwrap(), start);
        assert_eq!(due_reminders(due, start, &[]), vec![DaysBefore7]);
        assert!(due_reminders(due, at(d(2023, 3, 22), 9, 0), &[DaysBefore7]).is_empty());
        assert_eq!(
            due_reminders(due, at(d(2023, 3, 24), 0, 0), &[DaysBefore7]),
            vec![DaysBefore3]
        );
        assert_eq!(
            due_reminders(due, at(d(2023, 3, 26), 8, 0), &[DaysBefore7, DaysBefore3]),
            vec![DaysBefore1]
        );
        // At 17:00 sharp the task is still on time; a minute later it is overdue.
        let all_before = [DaysBefore7, DaysBefore3, DaysBefore1];
        assert!(due_reminders(due, at(d(2023, 3, 27), 17, 0), &all_before).is_empty());
        assert_eq!(
            due_reminders(due, at(d(2023, 3, 27), 17, 1), &all_before),
            vec![Missed]
        );
        assert_eq!(
            Missed.due_from(due).unwrap(),
            "2023-03-27T10:00:00.000000001Z".parse().unwrap()
        );
        assert!(due_reminders(due, at(d(2023, 4, 2), 8, 0), &[Missed]).is_empty());
    }

    #[test]
    fn a_late_job_sends_only_the_most_specific_reminder() {
        let due = DueMoment::end_of(date(2023, 3, 27));
        // First run two days before: "3 days", not a stale "7 days" as well.
        assert_eq!(
            due_reminders(due, at(date(2023, 3, 25), 10, 0), &[]),
            vec![DaysBefore3]
        );
        // On the due day itself (a date-only deadline lasts until midnight): the 1-day reminder.
        assert_eq!(
            due_reminders(due, at(date(2023, 3, 27), 23, 59), &[]),
            vec![DaysBefore1]
        );
        // After the deadline, only Missed, whatever was or was not sent before.
        assert_eq!(
            due_reminders(due, at(date(2023, 3, 28), 0, 0), &[]),
            vec![Missed]
        );
        // Nothing goes backwards: after "1 day" went out, no "3 days" (e.g. a stale sent list).
        assert!(due_reminders(due, at(date(2023, 3, 25), 10, 0), &[DaysBefore1]).is_empty());
    }

    fn any_due() -> impl Strategy<Value = DueMoment> {
        (
            0i32..(20 * 366),
            prop::option::of((0i8..24, 0i8..60).prop_map(|(h, m)| time(h, m, 0, 0))),
        )
            .prop_map(|(n, t)| DueMoment::new(date(2015, 1, 1).saturating_add(n.days()), t))
    }

    fn any_sent() -> impl Strategy<Value = Vec<ReminderKind>> {
        prop::collection::vec(prop::sample::select(ReminderKind::ALL.to_vec()), 0..4)
    }

    proptest! {
        #[test]
        fn reminders_respect_the_due_instant_and_the_sent_list(
            due in any_due(),
            minutes in -20_000i64..20_000,
            sent in any_sent(),
        ) {
            let instant = due.instant().unwrap();
            let as_of = instant.saturating_add(minutes.minutes()).unwrap();
            let out = due_reminders(due, as_of, &sent);
            prop_assert!(out.len() <= 1);
            for kind in &out {
                prop_assert!(!sent.contains(kind), "{kind:?} sent twice");
                prop_assert!(as_of >= kind.due_from(due).unwrap());
                if *kind == Missed {
                    prop_assert!(as_of > instant);
                } else {
                    prop_assert!(as_of <= instant);
                }
            }
        }

        #[test]
        fn a_job_every_hour_sends_each_reminder_once_in_order(
            due in any_due(),
            offset_minutes in 0i64..60,
            every_hours in 1i64..30,
        ) {
            let instant = due.instant().unwrap();
            let mut as_of = instant
                .saturating_sub((240 * 60 + offset_minutes).minutes())
                .unwrap();
            let end = instant.saturating_add(72.hours()).unwrap();
            let mut sent: Vec<ReminderKind> = Vec::new();
            while as_of <= end {
                for kind in due_reminders(due, as_of, &sent) {
                    prop_assert!(!sent.contains(&kind));
                    sent.push(kind);
                }
                as_of = as_of.saturating_add(every_hours.hours()).unwrap();
            }
            // In order, each at most once, and the deadline's miss always reported.
            prop_assert!(sent.windows(2).all(|w| w[0] < w[1]), "{sent:?}");
            prop_assert_eq!(sent.last(), Some(&Missed));
            if every_hours == 1 {
                prop_assert_eq!(sent, ReminderKind::ALL.to_vec());
            }
        }
    }
}
