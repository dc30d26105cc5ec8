//! Task status (tình trạng thực hiện nhiệm vụ) as of any moment, in the official categories.
//!
//! The Government Office (report 1270/BC-TCTTTg, 2017) and local dashboards count tasks as completed
//! on time / completed late / not completed and within deadline / not completed and overdue. giaoban
//! adds due soon, standing (thường xuyên, never overdue), paused (tạm dừng) and cancelled (hủy), and
//! extensions (gia hạn): an approved new deadline that replaces the original for the status while the
//! original stays on record.
//!
//! `classify` is a pure function of the deadline, the optional extension, the task's completion and
//! flags, and the moment asked about, so the same inputs always give the same status — for boards,
//! reminders and history ("what was overdue on 28/03/2023?") alike.

use jiff::Timestamp;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};

use crate::calendar::local_date;
use crate::deadline::{Deadline, DeadlineError, DueMoment, Occurrence};
use crate::{Lang, Localized};

/// Errors of the status computation: inputs that do not fit together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusError {
    #[error("a recurring deadline is classified one occurrence at a time: give the occurrence")]
    OccurrenceRequired,
    #[error("the occurrence does not belong to the recurring rule")]
    OccurrenceNotOfRule,
    #[error("an occurrence was given for a deadline that does not recur")]
    UnexpectedOccurrence,
    #[error("a standing task has no deadline to extend")]
    ExtensionOfStanding,
    #[error("the extended deadline {new:?} is not later than the original {original:?}")]
    ExtensionNotLater { original: DueMoment, new: DueMoment },
    #[error("the due-soon window of {0} days is more than {max}", max = StatusPolicy::MAX_DUE_SOON_DAYS)]
    InvalidDueSoonWindow(u8),
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

impl Localized for StatusError {
    fn code(&self) -> &'static str {
        match self {
            StatusError::OccurrenceRequired => "task_status.occurrence_required",
            StatusError::OccurrenceNotOfRule => "task_status.occurrence_not_of_rule",
            StatusError::UnexpectedOccurrence => "task_status.unexpected_occurrence",
            StatusError::ExtensionOfStanding => "task_status.extension_of_standing",
            StatusError::ExtensionNotLater { .. } => "task_status.extension_not_later",
            StatusError::InvalidDueSoonWindow(_) => "task_status.invalid_due_soon_window",
            StatusError::Deadline(e) => e.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (StatusError::Deadline(e), _) => e.message(lang),
            (StatusError::OccurrenceRequired, Lang::Vi) => {
                "Nhiệm vụ định kỳ được đánh giá theo từng lần: cần chỉ rõ lần thực hiện."
                    .to_string()
            }
            (StatusError::OccurrenceNotOfRule, Lang::Vi) => {
                "Lần thực hiện không thuộc quy tắc lặp của nhiệm vụ.".to_string()
            }
            (StatusError::UnexpectedOccurrence, Lang::Vi) => {
                "Nhiệm vụ không lặp lại nên không có lần thực hiện.".to_string()
            }
            (StatusError::ExtensionOfStanding, Lang::Vi) => {
                "Nhiệm vụ thường xuyên không có thời hạn để gia hạn.".to_string()
            }
            (StatusError::ExtensionNotLater { original, new }, Lang::Vi) => format!(
                "Thời hạn gia hạn ({}) phải sau thời hạn ban đầu ({}).",
                new.label(Lang::Vi),
                original.label(Lang::Vi)
            ),
            (StatusError::InvalidDueSoonWindow(d), Lang::Vi) => format!(
                "Số ngày cảnh báo sắp đến hạn ({d}) vượt quá {}.",
                StatusPolicy::MAX_DUE_SOON_DAYS
            ),
            (_, Lang::En) => self.to_string(),
        }
    }
}

/// The status of a task (or of one occurrence of a recurring task) as of a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    /// Hoàn thành đúng hạn.
    CompletedOnTime,
    /// Hoàn thành quá hạn (trễ hạn).
    CompletedLate,
    /// Đang thực hiện, trong hạn.
    InProgress,
    /// Sắp đến hạn: not completed, deadline within the policy's window.
    DueSoon,
    /// Chưa hoàn thành, quá hạn.
    Overdue,
    /// Thường xuyên: no due moment, never overdue; reviewed each period.
    Standing,
    /// Tạm dừng.
    Paused,
    /// Đã hủy: no longer counted.
    Cancelled,
}

/// The four categories of the Government Office's reports (1270/BC-TCTTTg).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfficialCategory {
    /// Đã hoàn thành đúng hạn.
    CompletedOnTime,
    /// Đã hoàn thành nhưng quá hạn.
    CompletedLate,
    /// Chưa hoàn thành, trong hạn.
    WithinDeadline,
    /// Chưa hoàn thành, quá hạn.
    Overdue,
}

impl OfficialCategory {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            OfficialCategory::CompletedOnTime => {
                lang.pick("Đã hoàn thành đúng hạn", "Completed on time")
            }
            OfficialCategory::CompletedLate => {
                lang.pick("Đã hoàn thành nhưng quá hạn", "Completed late")
            }
            OfficialCategory::WithinDeadline => lang.pick(
                "Chưa hoàn thành, trong hạn",
                "Not completed, within deadline",
            ),
            OfficialCategory::Overdue => {
                lang.pick("Chưa hoàn thành, quá hạn", "Not completed, overdue")
            }
        }
    }
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 8] = [
        TaskStatus::CompletedOnTime,
        TaskStatus::CompletedLate,
        TaskStatus::InProgress,
        TaskStatus::DueSoon,
        TaskStatus::Overdue,
        TaskStatus::Standing,
        TaskStatus::Paused,
        TaskStatus::Cancelled,
    ];

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            TaskStatus::CompletedOnTime => lang.pick("Hoàn thành đúng hạn", "Completed on time"),
            TaskStatus::CompletedLate => lang.pick("Hoàn thành quá hạn", "Completed late"),
            TaskStatus::InProgress => {
                lang.pick("Đang thực hiện, trong hạn", "In progress, within deadline")
            }
            TaskStatus::DueSoon => lang.pick("Sắp đến hạn", "Due soon"),
            TaskStatus::Overdue => lang.pick("Quá hạn", "Overdue"),
            TaskStatus::Standing => lang.pick("Thường xuyên", "Standing"),
            TaskStatus::Paused => lang.pick("Tạm dừng", "Paused"),
            TaskStatus::Cancelled => lang.pick("Đã hủy", "Cancelled"),
        }
    }

    /// The official category this status is counted under; `None` for standing, paused and
    /// cancelled tasks, which those reports list apart.
    pub fn official_category(self) -> Option<OfficialCategory> {
        match self {
            TaskStatus::CompletedOnTime => Some(OfficialCategory::CompletedOnTime),
            TaskStatus::CompletedLate => Some(OfficialCategory::CompletedLate),
            TaskStatus::InProgress | TaskStatus::DueSoon => Some(OfficialCategory::WithinDeadline),
            TaskStatus::Overdue => Some(OfficialCategory::Overdue),
            TaskStatus::Standing | TaskStatus::Paused | TaskStatus::Cancelled => None,
        }
    }

    pub fn is_completed(self) -> bool {
        matches!(
            self,
            TaskStatus::CompletedOnTime | TaskStatus::CompletedLate
        )
    }

    /// Still to be worked on or reviewed (not completed, not cancelled).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            TaskStatus::InProgress
                | TaskStatus::DueSoon
                | TaskStatus::Overdue
                | TaskStatus::Standing
                | TaskStatus::Paused
        )
    }
}

/// An extension of a deadline (gia hạn). It changes the status only once approved by the assigner,
/// and only from the moment of approval; the original deadline stays with the task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Extension {
    /// The new deadline.
    pub new_due: DueMoment,
    /// When the assigner approved it; `None` while only requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_at: Option<Timestamp>,
}

impl Extension {
    /// A requested extension, not yet approved (no effect on the status).
    pub fn requested(new_due: DueMoment) -> Extension {
        Extension {
            new_due,
            approved_at: None,
        }
    }

    /// An extension approved at `approved_at`.
    pub fn approved(new_due: DueMoment, approved_at: Timestamp) -> Extension {
        Extension {
            new_due,
            approved_at: Some(approved_at),
        }
    }

    /// Whether the extension is in force at `as_of`.
    pub fn in_force(&self, as_of: Timestamp) -> bool {
        self.approved_at.is_some_and(|approved| approved <= as_of)
    }
}

/// What is known about the work on a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct TaskState {
    /// When the lead unit reported completion (báo cáo hoàn thành).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// Tạm dừng.
    #[serde(default)]
    pub paused: bool,
    /// Đã hủy.
    #[serde(default)]
    pub cancelled: bool,
}

/// Settings of the classification: how many days before its deadline a task is "due soon".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PolicyRepr", into = "PolicyRepr")]
pub struct StatusPolicy {
    due_soon_days: u8,
}

#[derive(Serialize, Deserialize)]
struct PolicyRepr {
    due_soon_days: u8,
}

impl TryFrom<PolicyRepr> for StatusPolicy {
    type Error = StatusError;

    fn try_from(repr: PolicyRepr) -> Result<Self, Self::Error> {
        StatusPolicy::new(repr.due_soon_days)
    }
}

impl From<StatusPolicy> for PolicyRepr {
    fn from(policy: StatusPolicy) -> Self {
        PolicyRepr {
            due_soon_days: policy.due_soon_days,
        }
    }
}

impl Default for StatusPolicy {
    /// Due soon from 3 days before the deadline (reminders go out at 7, 3 and 1 days).
    fn default() -> Self {
        StatusPolicy { due_soon_days: 3 }
    }
}

impl StatusPolicy {
    pub const MAX_DUE_SOON_DAYS: u8 = 60;

    /// A task is due soon from the start of the day `due_soon_days` days before its due date (0 =
    /// only on the due date itself).
    pub fn new(due_soon_days: u8) -> Result<StatusPolicy, StatusError> {
        if due_soon_days <= Self::MAX_DUE_SOON_DAYS {
            Ok(StatusPolicy { due_soon_days })
        } else {
            Err(StatusError::InvalidDueSoonWindow(due_soon_days))
        }
    }

    pub fn due_soon_days(&self) -> u8 {
        self.due_soon_days
    }
}

/// The status with the facts behind it, for boards (days overdue) and task pages (original and
/// extended deadline).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assessment {
    pub status: TaskStatus,
    /// The deadline as assigned (for a recurring task, the occurrence's); `None` when standing.
    pub original_due: Option<DueMoment>,
    /// The deadline that counts at the moment asked about: the extension's when one is in force.
    pub effective_due: Option<DueMoment>,
    /// An approved extension is in force.
    pub extended: bool,
    /// For overdue and late-completed tasks: calendar days from the due date to the moment asked
    /// about (overdue) or to completion (late); 0 = later on the due day itself.
    pub days_late: Option<i32>,
}

/// The status of a task as of `as_of`. For a recurring deadline, `occurrence` names the occurrence
/// being classified; otherwise it must be `None`.
///
/// Order of precedence: cancelled; completed (only if completed at or before `as_of`); standing
/// (never overdue); paused; then overdue / due soon / in progress against the deadline in force.
pub fn classify(
    deadline: &Deadline,
    occurrence: Option<&Occurrence>,
    extension: Option<&Extension>,
    state: &TaskState,
    as_of: Timestamp,
    policy: &StatusPolicy,
) -> Result<TaskStatus, StatusError> {
    assess(deadline, occurrence, extension, state, as_of, policy).map(|a| a.status)
}

/// Like [`classify`], with the facts behind the status.
pub fn assess(
    deadline: &Deadline,
    occurrence: Option<&Occurrence>,
    extension: Option<&Extension>,
    state: &TaskState,
    as_of: Timestamp,
    policy: &StatusPolicy,
) -> Result<Assessment, StatusError> {
    let original_due = match (deadline, occurrence) {
        (Deadline::Recurring(rule), Some(occ)) => {
            if !rule.is_occurrence(occ) {
                return Err(StatusError::OccurrenceNotOfRule);
            }
            Some(occ.due)
        }
        (Deadline::Recurring(_), None) => return Err(StatusError::OccurrenceRequired),
        (_, Some(_)) => return Err(StatusError::UnexpectedOccurrence),
        (other, None) => other.due(),
    };
    if let (Some(original), Some(ext)) = (original_due, extension)
        && ext.new_due <= original
    {
        return Err(StatusError::ExtensionNotLater {
            original,
            new: ext.new_due,
        });
    }
    if original_due.is_none() && extension.is_some() {
        return Err(StatusError::ExtensionOfStanding);
    }

    let in_force = extension.filter(|e| e.in_force(as_of));
    let effective_due = match (original_due, in_force) {
        (Some(_), Some(ext)) => Some(ext.new_due),
        (original, _) => original,
    };
    let mut assessment = Assessment {
        status: TaskStatus::Standing,
        original_due,
        effective_due,
        extended: in_force.is_some() && original_due.is_some(),
        days_late: None,
    };
    // Completion reported after the moment asked about is not known yet at that moment.
    let completed_at = state.completed_at.filter(|c| *c <= as_of);

    if state.cancelled {
        assessment.status = TaskStatus::Cancelled;
        return Ok(assessment);
    }
    let Some(due) = effective_due else {
        // Standing: done when closed, never late, never overdue.
        assessment.status = if completed_at.is_some() {
            TaskStatus::CompletedOnTime
        } else if state.paused {
            TaskStatus::Paused
        } else {
            TaskStatus::Standing
        };
        return Ok(assessment);
    };
    let due_instant = due.instant()?;

    if let Some(done) = completed_at {
        if done <= due_instant {
            assessment.status = TaskStatus::CompletedOnTime;
        } else {
            assessment.status = TaskStatus::CompletedLate;
            assessment.days_late = Some(days_after(due, done));
        }
        return Ok(assessment);
    }
    if state.paused {
        assessment.status = TaskStatus::Paused;
        return Ok(assessment);
    }
    if as_of > due_instant {
        assessment.status = TaskStatus::Overdue;
        assessment.days_late = Some(days_after(due, as_of));
        return Ok(assessment);
    }
    // Due soon is counted in local calendar days, like the reminders ("còn 3 ngày").
    let soon_from = due
        .date
        .saturating_sub(i32::from(policy.due_soon_days).days());
    assessment.status = if local_date(as_of) >= soon_from {
        TaskStatus::DueSoon
    } else {
        TaskStatus::InProgress
    };
    Ok(assessment)
}

/// Calendar days from a due date to the local date of `moment` (never negative).
fn days_after(due: DueMoment, moment: Timestamp) -> i32 {
    due.date
        .until(local_date(moment))
        .map(|span| span.get_days().max(0))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DayOfWeek, local_timestamp};
    use crate::deadline::RecurrenceRule;
    use crate::period::Period;
    use jiff::civil::{Date, Time, date, time};
    use jiff::{SignedDuration, ToSpan};
    use proptest::prelude::*;

    fn at(d: Date, h: i8, m: i8) -> Timestamp {
        local_timestamp(d, time(h, m, 0, 0)).unwrap()
    }

    fn dated(d: Date, t: Option<Time>) -> Deadline {
        Deadline::At { date: d, time: t }
    }

    fn state_done(ts: Timestamp) -> TaskState {
        TaskState {
            completed_at: Some(ts),
            ..TaskState::default()
        }
    }

    fn status(
        deadline: &Deadline,
        ext: Option<&Extension>,
        state: &TaskState,
        as_of: Timestamp,
    ) -> TaskStatus {
        classify(deadline, None, ext, state, as_of, &StatusPolicy::default()).unwrap()
    }

    #[test]
    fn finance_department_task_from_seed_004_is_overdue_on_28_march() {
        // "Phòng Tài chính - Kế hoạch ... chậm nhất ngày 27/03/2023".
        let d = dated(date(2023, 3, 27), None);
        let open = TaskState::default();
        assert_eq!(
            status(&d, None, &open, at(date(2023, 3, 28), 8, 0)),
            TaskStatus::Overdue
        );
        assert_eq!(
            status(&d, None, &open, at(date(2023, 3, 27), 23, 59)),
            TaskStatus::DueSoon
        );
        assert_eq!(
            status(&d, None, &open, at(date(2023, 3, 24), 0, 0)),
            TaskStatus::DueSoon
        );
        assert_eq!(
            status(&d, None, &open, at(date(2023, 3, 23), 23, 59)),
            TaskStatus::InProgress
        );
        let a = assess(
            &d,
            None,
            None,
            &open,
            at(date(2023, 4, 3), 9, 0),
            &StatusPolicy::default(),
        )
        .unwrap();
        assert_eq!(a.days_late, Some(7));
        assert!(!a.extended);
        // Done on the 27th, any time of day: on time.
        let done = state_done(at(date(2023, 3, 27), 23, 59));
        assert_eq!(
            status(&d, None, &done, at(date(2023, 4, 1), 0, 0)),
            TaskStatus::CompletedOnTime
        );
        // Asked before the completion was reported: still open then.
        assert_eq!(
            status(&d, None, &done, at(date(2023, 3, 27), 12, 0)),
            TaskStatus::DueSoon
        );
    }

    #[test]
    fn a_minute_after_17h_is_late_and_17h_exactly_is_on_time() {
        let d = dated(date(2023, 3, 23), Some(time(17, 0, 0, 0)));
        let later = at(date(2023, 3, 30), 0, 0);
        let on_time = state_done(at(date(2023, 3, 23), 17, 0));
        let late = state_done(at(date(2023, 3, 23), 17, 1));
        assert_eq!(
            status(&d, None, &on_time, later),
            TaskStatus::CompletedOnTime
        );
        assert_eq!(status(&d, None, &late, later), TaskStatus::CompletedLate);
        let a = assess(&d, None, None, &late, later, &StatusPolicy::default()).unwrap();
        assert_eq!(a.days_late, Some(0));
        let open = TaskState::default();
        assert_eq!(
            status(&d, None, &open, at(date(2023, 3, 23), 17, 0)),
            TaskStatus::DueSoon
        );
        assert_eq!(
            status(&d, None, &open, at(date(2023, 3, 23), 17, 1)),
            TaskStatus::Overdue
        );
    }

    #[test]
    fn weekly_obligation_is_classified_per_occurrence() {
        let rule = RecurrenceRule::weekly(DayOfWeek::Thursday, Some(time(17, 0, 0, 0)));
        let d = Deadline::Recurring(rule);
        let occ: Vec<_> = rule
            .occurrences(date(2023, 3, 1), date(2023, 3, 31))
            .collect();
        let as_of = at(date(2023, 3, 28), 9, 0);
        let p = StatusPolicy::default();
        let open = TaskState::default();
        let statuses: Vec<_> = occ
            .iter()
            .map(|o| classify(&d, Some(o), None, &open, as_of, &p).unwrap())
            .collect();
        assert_eq!(
            statuses,
            vec![
                TaskStatus::Overdue,
                TaskStatus::Overdue,
                TaskStatus::Overdue,
                TaskStatus::Overdue,
                // Thursday 30/03 is two days after Tuesday 28/03.
                TaskStatus::DueSoon
            ]
        );
        assert_eq!(
            classify(&d, None, None, &open, as_of, &p),
            Err(StatusError::OccurrenceRequired)
        );
        let mut wrong = occ[0];
        wrong.due.time = Some(time(10, 0, 0, 0));
        assert_eq!(
            classify(&d, Some(&wrong), None, &open, as_of, &p),
            Err(StatusError::OccurrenceNotOfRule)
        );
        let dated = dated(date(2023, 3, 27), None);
        assert_eq!(
            classify(&dated, Some(&occ[0]), None, &open, as_of, &p),
            Err(StatusError::UnexpectedOccurrence)
        );
    }

    #[test]
    fn within_period_is_due_at_the_end_of_the_period() {
        let d = Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap());
        let open = TaskState::default();
        assert_eq!(
            status(&d, None, &open, at(date(2023, 6, 30), 23, 0)),
            TaskStatus::DueSoon
        );
        assert_eq!(
            status(&d, None, &open, at(date(2023, 7, 1), 0, 0)),
            TaskStatus::Overdue
        );
        assert_eq!(
            status(&d, None, &open, at(date(2023, 5, 1), 0, 0)),
            TaskStatus::InProgress
        );
    }

    #[test]
    fn standing_paused_and_cancelled() {
        let open = TaskState::default();
        let far = at(date(2030, 1, 1), 0, 0);
        assert_eq!(
            status(&Deadline::Standing, None, &open, far),
            TaskStatus::Standing
        );
        let done = state_done(at(date(2023, 1, 1), 0, 0));
        assert_eq!(
            status(&Deadline::Standing, None, &done, far),
            TaskStatus::CompletedOnTime
        );
        let paused = TaskState {
            paused: true,
            ..TaskState::default()
        };
        let d = dated(date(2023, 3, 27), None);
        assert_eq!(status(&d, None, &paused, far), TaskStatus::Paused);
        assert_eq!(
            status(&Deadline::Standing, None, &paused, far),
            TaskStatus::Paused
        );
        let cancelled = TaskState {
            cancelled: true,
            completed_at: Some(far),
            paused: true,
        };
        assert_eq!(status(&d, None, &cancelled, far), TaskStatus::Cancelled);
        let ext = Extension::requested(DueMoment::end_of(date(2023, 4, 1)));
        assert_eq!(
            classify(
                &Deadline::Standing,
                None,
                Some(&ext),
                &open,
                far,
                &StatusPolicy::default()
            ),
            Err(StatusError::ExtensionOfStanding)
        );
    }

    #[test]
    fn an_approved_extension_counts_from_its_approval() {
        let d = dated(date(2023, 3, 27), None);
        let new_due = DueMoment::end_of(date(2023, 4, 10));
        let approved_at = at(date(2023, 3, 29), 10, 0);
        let ext = Extension::approved(new_due, approved_at);
        let open = TaskState::default();
        // Overdue on the 28th: not yet approved.
        assert_eq!(
            status(&d, Some(&ext), &open, at(date(2023, 3, 28), 9, 0)),
            TaskStatus::Overdue
        );
        // Back within deadline once approved, until the new deadline.
        assert_eq!(
            status(&d, Some(&ext), &open, at(date(2023, 3, 29), 10, 0)),
            TaskStatus::InProgress
        );
        assert_eq!(
            status(&d, Some(&ext), &open, at(date(2023, 4, 8), 10, 0)),
            TaskStatus::DueSoon
        );
        assert_eq!(
            status(&d, Some(&ext), &open, at(date(2023, 4, 11), 0, 0)),
            TaskStatus::Overdue
        );
        let a = assess(
            &d,
            None,
            Some(&ext),
            &open,
            at(date(2023, 4, 1), 0, 0),
            &StatusPolicy::default(),
        )
        .unwrap();
        assert!(a.extended);
        assert_eq!(a.original_due, Some(DueMoment::end_of(date(2023, 3, 27))));
        assert_eq!(a.effective_due, Some(new_due));
        // Done within the extension: on time.
        let done = state_done(at(date(2023, 4, 5), 9, 0));
        assert_eq!(
            status(&d, Some(&ext), &done, at(date(2023, 4, 20), 0, 0)),
            TaskStatus::CompletedOnTime
        );
        // A request alone changes nothing.
        let requested = Extension::requested(new_due);
        assert_eq!(
            status(&d, Some(&requested), &open, at(date(2023, 4, 1), 0, 0)),
            TaskStatus::Overdue
        );
        // An extension must move the deadline later.
        let bad = Extension::approved(DueMoment::end_of(date(2023, 3, 27)), approved_at);
        assert!(matches!(
            classify(
                &d,
                None,
                Some(&bad),
                &open,
                approved_at,
                &StatusPolicy::default()
            ),
            Err(StatusError::ExtensionNotLater { .. })
        ));
    }

    #[test]
    fn policy_and_labels() {
        assert_eq!(StatusPolicy::default().due_soon_days(), 3);
        assert!(StatusPolicy::new(61).is_err());
        let p0 = StatusPolicy::new(0).unwrap();
        let d = dated(date(2023, 3, 27), None);
        let open = TaskState::default();
        let as_of = at(date(2023, 3, 26), 12, 0);
        assert_eq!(
            classify(&d, None, None, &open, as_of, &p0).unwrap(),
            TaskStatus::InProgress
        );
        assert_eq!(
            serde_json::to_string(&p0).unwrap(),
            r#"{"due_soon_days":0}"#
        );
        assert!(serde_json::from_str::<StatusPolicy>(r#"{"due_soon_days":99}"#).is_err());
        assert_eq!(
            TaskStatus::CompletedLate.label(Lang::Vi),
            "Hoàn thành quá hạn"
        );
        assert_eq!(TaskStatus::Overdue.label(Lang::En), "Overdue");
        assert_eq!(
            serde_json::to_string(&TaskStatus::DueSoon).unwrap(),
            "\"due_soon\""
        );
        assert_eq!(
            TaskStatus::DueSoon.official_category(),
            Some(OfficialCategory::WithinDeadline)
        );
        assert_eq!(TaskStatus::Standing.official_category(), None);
        for s in TaskStatus::ALL {
            assert!(!s.label(Lang::Vi).is_empty());
            assert!(!(s.is_open() && s.is_completed()));
        }
        let err = StatusError::OccurrenceRequired;
        assert_eq!(err.code(), "task_status.occurrence_required");
        assert!(!err.message(Lang::Vi).is_empty());
        let ext = Extension::approved(
            DueMoment::end_of(date(2023, 4, 10)),
            at(date(2023, 3, 29), 10, 0),
        );
        let json = serde_json::to_string(&ext).unwrap();
        assert_eq!(serde_json::from_str::<Extension>(&json).unwrap(), ext);
    }

    // ---- properties ----

    /// A task as the generators build it: a deadline, the occurrence for recurring ones, and the
    /// original due moment.
    #[derive(Debug, Clone)]
    struct Case {
        deadline: Deadline,
        occurrence: Option<Occurrence>,
        due: Option<DueMoment>,
    }

    fn any_time() -> impl Strategy<Value = Option<Time>> {
        prop::option::of((0i8..24, 0i8..60).prop_map(|(h, m)| time(h, m, 0, 0)))
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..(13 * 365)).prop_map(|n| date(2017, 1, 1).saturating_add(n.days()))
    }

    fn any_case() -> impl Strategy<Value = Case> {
        prop_oneof![
            (any_date(), any_time()).prop_map(|(d, t)| {
                let deadline = Deadline::At { date: d, time: t };
                Case {
                    deadline,
                    occurrence: None,
                    due: deadline.due(),
                }
            }),
            any_date().prop_map(|d| {
                let deadline = Deadline::WithinPeriod(
                    Period::containing(crate::period::PeriodKind::Quarter, d).unwrap(),
                );
                Case {
                    deadline,
                    occurrence: None,
                    due: deadline.due(),
                }
            }),
            (any_date(), 0usize..7, any_time()).prop_map(|(d, w, t)| {
                let rule = RecurrenceRule::weekly(DayOfWeek::ALL[w], t);
                let occ = rule.first_on_or_after(d).unwrap();
                Case {
                    deadline: Deadline::Recurring(rule),
                    occurrence: Some(occ),
                    due: Some(occ.due),
                }
            }),
            (any_date(), 1u8..=31, any_time()).prop_map(|(d, day, t)| {
                let rule = RecurrenceRule::monthly(day, t).unwrap();
                let occ = rule.first_on_or_after(d).unwrap();
                Case {
                    deadline: Deadline::Recurring(rule),
                    occurrence: Some(occ),
                    due: Some(occ.due),
                }
            }),
            Just(Case {
                deadline: Deadline::Standing,
                occurrence: None,
                due: None
            }),
        ]
    }

    /// Minutes around a reference instant, up to ±60 days.
    fn offset_minutes() -> impl Strategy<Value = i64> {
        prop_oneof![-3i64..=3, -(60i64 * 24 * 60)..=(60 * 24 * 60)]
    }

    fn shift(ts: Timestamp, minutes: i64) -> Timestamp {
        ts.checked_add(SignedDuration::from_mins(minutes)).unwrap()
    }

    fn reference(case: &Case) -> Timestamp {
        case.due
            .map(|d| d.instant().unwrap())
            .unwrap_or_else(|| at(date(2023, 3, 27), 17, 0))
    }

    fn run(
        case: &Case,
        ext: Option<&Extension>,
        state: &TaskState,
        as_of: Timestamp,
        p: &StatusPolicy,
    ) -> TaskStatus {
        classify(
            &case.deadline,
            case.occurrence.as_ref(),
            ext,
            state,
            as_of,
            p,
        )
        .unwrap()
    }

    fn rank(s: TaskStatus) -> u8 {
        match s {
            TaskStatus::InProgress => 0,
            TaskStatus::DueSoon => 1,
            TaskStatus::Overdue => 2,
            _ => 9,
        }
    }

    proptest! {
        #[test]
        fn status_agrees_with_the_official_categories(
            case in any_case(),
            done in prop::option::of(offset_minutes()),
            ask in offset_minutes(),
            ext_days in prop::option::of(1i32..40),
            approve in offset_minutes(),
            paused in any::<bool>(),
            cancelled in any::<bool>(),
            soon in 0u8..10,
        ) {
            let reference = reference(&case);
            let as_of = shift(reference, ask);
            let state = TaskState { completed_at: done.map(|m| shift(reference, m)), paused, cancelled };
            let ext = match (ext_days, case.due) {
                (Some(n), Some(due)) => Some(Extension::approved(
                    DueMoment::new(due.date.saturating_add(n.days()), due.time),
                    shift(reference, approve),
                )),
                _ => None,
            };
            let policy = StatusPolicy::new(soon).unwrap();
            let got = run(&case, ext.as_ref(), &state, as_of, &policy);

            // Independent statement of the rules.
            let effective = match (case.due, ext) {
                (Some(_), Some(e)) if e.approved_at.is_some_and(|a| a <= as_of) => Some(e.new_due),
                (due, _) => due,
            };
            let completed = state.completed_at.filter(|c| *c <= as_of);
            let expected = if cancelled {
                TaskStatus::Cancelled
            } else if let Some(due) = effective {
                let due_ts = due.instant().unwrap();
                match completed {
                    Some(c) if c <= due_ts => TaskStatus::CompletedOnTime,
                    Some(_) => TaskStatus::CompletedLate,
                    None if paused => TaskStatus::Paused,
                    None if as_of > due_ts => TaskStatus::Overdue,
                    None if local_date(as_of) >= due.date.saturating_sub(i32::from(soon).days()) => TaskStatus::DueSoon,
                    None => TaskStatus::InProgress,
                }
            } else if completed.is_some() {
                TaskStatus::CompletedOnTime
            } else if paused {
                TaskStatus::Paused
            } else {
                TaskStatus::Standing
            };
            prop_assert_eq!(got, expected);
            if case.due.is_none() {
                prop_assert!(got != TaskStatus::Overdue && got != TaskStatus::CompletedLate && got != TaskStatus::DueSoon);
            }
        }

        #[test]
        fn done_at_the_deadline_is_on_time_and_one_minute_later_is_late(case in any_case(), ask in 1i64..100_000) {
            prop_assume!(case.due.is_some());
            let reference = reference(&case);
            let p = StatusPolicy::default();
            let as_of = shift(reference, ask);
            let due = case.due.unwrap();
            // The last on-time minute: the due time itself, or 23:59 of a date-only deadline.
            let last_ok = match due.time {
                Some(t) => local_timestamp(due.date, t).unwrap(),
                None => at(due.date, 23, 59),
            };
            let first_late = shift(last_ok, 1);
            prop_assert_eq!(run(&case, None, &state_done(last_ok), as_of, &p), TaskStatus::CompletedOnTime);
            prop_assert_eq!(run(&case, None, &state_done(first_late), shift(first_late, ask), &p), TaskStatus::CompletedLate);
            prop_assert_eq!(run(&case, None, &TaskState::default(), last_ok, &p), TaskStatus::DueSoon);
            prop_assert_eq!(run(&case, None, &TaskState::default(), first_late, &p), TaskStatus::Overdue);
        }

        #[test]
        fn a_standing_task_is_never_overdue(
            ask in any_date(), h in 0i8..24, done in prop::option::of(offset_minutes()), paused in any::<bool>()
        ) {
            let as_of = at(ask, h, 0);
            let state = TaskState { completed_at: done.map(|m| shift(as_of, m)), paused, cancelled: false };
            let s = classify(&Deadline::Standing, None, None, &state, as_of, &StatusPolicy::default()).unwrap();
            prop_assert!(matches!(s, TaskStatus::Standing | TaskStatus::Paused | TaskStatus::CompletedOnTime));
        }

        #[test]
        fn without_an_extension_overdue_never_turns_back(
            case in any_case(),
            a in offset_minutes(),
            b in offset_minutes(),
            requested in any::<bool>(),
            soon in 0u8..10,
        ) {
            prop_assume!(case.due.is_some());
            let reference = reference(&case);
            let (t1, t2) = if a <= b { (shift(reference, a), shift(reference, b)) } else { (shift(reference, b), shift(reference, a)) };
            // A requested (unapproved) extension must change nothing.
            let ext = requested.then(|| {
                let due = case.due.unwrap();
                Extension::requested(DueMoment::new(due.date.saturating_add(10.days()), due.time))
            });
            let p = StatusPolicy::new(soon).unwrap();
            let open = TaskState::default();
            let s1 = run(&case, ext.as_ref(), &open, t1, &p);
            let s2 = run(&case, ext.as_ref(), &open, t2, &p);
            prop_assert!(rank(s1) <= rank(s2), "{:?} at {} then {:?} at {}", s1, t1, s2, t2);
            prop_assert_eq!(s1, run(&case, None, &open, t1, &p));
        }

        #[test]
        fn an_approved_extension_brings_an_overdue_task_back_only_before_the_new_deadline(
            case in any_case(),
            extra_days in 1i32..40,
            approve_after in 2i64..(60 * 24 * 30),
            ask in 0i64..(60 * 24 * 80),
        ) {
            prop_assume!(case.due.is_some());
            let due = case.due.unwrap();
            let original = due.instant().unwrap();
            let new_due = DueMoment::new(due.date.saturating_add(extra_days.days()), due.time);
            let new_instant = new_due.instant().unwrap();
            let approved_at = shift(original, approve_after);
            let ext = Extension::approved(new_due, approved_at);
            let p = StatusPolicy::default();
            let open = TaskState::default();
            let as_of = shift(approved_at, ask);
            let before = run(&case, Some(&ext), &open, shift(approved_at, -1), &p);
            prop_assert_eq!(before, TaskStatus::Overdue);
            let after = run(&case, Some(&ext), &open, as_of, &p);
            if as_of <= new_instant {
                prop_assert!(matches!(after, TaskStatus::InProgress | TaskStatus::DueSoon));
            } else {
                prop_assert_eq!(after, TaskStatus::Overdue);
            }
            let a = assess(&case.deadline, case.occurrence.as_ref(), Some(&ext), &open, as_of, &p).unwrap();
            prop_assert!(a.extended);
            prop_assert_eq!(a.original_due, Some(due));
        }

        #[test]
        fn recurring_occurrences_classify_like_dated_deadlines(
            case in any_case(), ask in offset_minutes(), done in prop::option::of(offset_minutes())
        ) {
            prop_assume!(case.occurrence.is_some());
            let occ = case.occurrence.unwrap();
            let reference = reference(&case);
            let state = TaskState { completed_at: done.map(|m| shift(reference, m)), ..TaskState::default() };
            let as_of = shift(reference, ask);
            let p = StatusPolicy::default();
            let dated = Deadline::At { date: occ.due.date, time: occ.due.time };
            prop_assert_eq!(
                run(&case, None, &state, as_of, &p),
                classify(&dated, None, None, &state, as_of, &p).unwrap()
            );
        }
    }
}
