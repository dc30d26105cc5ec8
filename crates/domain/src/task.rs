//! Assigned tasks (nhiệm vụ được giao): who leads, who helps, by when, and how far they are.
//!
//! A task comes from a conclusion notice (and the paragraph in it), a meeting, an incoming document or
//! a leader's direct instruction. One unit leads it (chủ trì), others coordinate (phối hợp), one may
//! monitor it (theo dõi). Its deadline is any [`Deadline`]; a recurring one is tracked occurrence by
//! occurrence. The status is never stored: it is computed as of a moment by
//! [`crate::task_status::assess`] from the deadline, the approved extension and the recorded facts.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Actor, Permission};
use crate::calendar::{DayOfWeek, local_date};
use crate::deadline::{Deadline, DueMoment, Occurrence, RecurrenceRule};
use crate::period::{Period, PeriodKind};
use crate::task_status::{
    Assessment, Extension, StatusError, StatusPolicy, TaskState, TaskStatus, assess,
};
use crate::unit::{Invalid, Invalids, UnitId, clean_text, parse_date, required_text};
use crate::user::Role;
use crate::{Lang, Localized};

/// Longest task content accepted (a long paragraph of a notice).
pub const MAX_CONTENT_CHARS: usize = 4000;
/// Longest progress note or completion report.
pub const MAX_NOTE_CHARS: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub Uuid);

impl TaskId {
    pub fn new() -> Self {
        TaskId(Uuid::now_v7())
    }
}

impl Default for TaskId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for TaskId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// Where a task comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A conclusion notice (thông báo kết luận), and a paragraph of it.
    Conclusion,
    /// A meeting, before or without a notice.
    Meeting,
    /// A leader's instruction on an incoming document (bút phê, văn bản chỉ đạo).
    Document,
    /// A leader's direct instruction (chỉ đạo trực tiếp).
    Instruction,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [
        SourceKind::Conclusion,
        SourceKind::Meeting,
        SourceKind::Document,
        SourceKind::Instruction,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SourceKind::Conclusion => "conclusion",
            SourceKind::Meeting => "meeting",
            SourceKind::Document => "document",
            SourceKind::Instruction => "instruction",
        }
    }

    pub fn parse(s: &str) -> Result<SourceKind, Invalid> {
        SourceKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "source_kind",
                    "task.source_kind_unknown",
                    format!("Nguồn nhiệm vụ «{s}» không hợp lệ."),
                    format!("Unknown task source «{s}»."),
                )
            })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (SourceKind::Conclusion, Lang::Vi) => "Thông báo kết luận",
            (SourceKind::Meeting, Lang::Vi) => "Cuộc họp",
            (SourceKind::Document, Lang::Vi) => "Văn bản chỉ đạo",
            (SourceKind::Instruction, Lang::Vi) => "Chỉ đạo trực tiếp",
            (SourceKind::Conclusion, Lang::En) => "Conclusion notice",
            (SourceKind::Meeting, Lang::En) => "Meeting",
            (SourceKind::Document, Lang::En) => "Directing document",
            (SourceKind::Instruction, Lang::En) => "Direct instruction",
        }
    }
}

/// A unit's part in a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskRole {
    /// Chủ trì.
    Lead,
    /// Phối hợp.
    Coordinate,
    /// Theo dõi.
    Monitor,
}

impl TaskRole {
    pub fn code(self) -> &'static str {
        match self {
            TaskRole::Lead => "lead",
            TaskRole::Coordinate => "coordinate",
            TaskRole::Monitor => "monitor",
        }
    }

    pub fn parse(s: &str) -> Option<TaskRole> {
        match s {
            "lead" => Some(TaskRole::Lead),
            "coordinate" => Some(TaskRole::Coordinate),
            "monitor" => Some(TaskRole::Monitor),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (TaskRole::Lead, Lang::Vi) => "Chủ trì",
            (TaskRole::Coordinate, Lang::Vi) => "Phối hợp",
            (TaskRole::Monitor, Lang::Vi) => "Theo dõi",
            (TaskRole::Lead, Lang::En) => "Lead",
            (TaskRole::Coordinate, Lang::En) => "Coordinating",
            (TaskRole::Monitor, Lang::En) => "Monitoring",
        }
    }
}

/// A deadline as typed by a person: the words of the notice ("chậm nhất ngày 27/03/2023", "trước
/// 17h thứ Năm hàng tuần", "trong quý II/2023", "thường xuyên") or an ISO date.
///
/// `reference` is the date the words are read against (the notice's date): a year left out is
/// taken from it.
pub fn parse_deadline_text(raw: &str, reference: Date) -> Result<Deadline, Invalid> {
    let invalid = || {
        Invalid::new(
            "deadline",
            "task.deadline_unreadable",
            format!(
                "Không hiểu thời hạn «{}». Ví dụ: «chậm nhất ngày 27/03/2023», «trước 17h thứ Năm hàng tuần», «trong quý II/2023», «thường xuyên».",
                raw.trim()
            ),
            format!(
                "Cannot read the deadline «{}». Examples: «chậm nhất ngày 27/03/2023», «trước 17h thứ Năm hàng tuần», «trong quý II/2023», «thường xuyên».",
                raw.trim()
            ),
        )
    };
    let text = raw.trim();
    if text.is_empty() {
        return Err(Invalid::new(
            "deadline",
            "text.required",
            "Cần nhập thời hạn (hoặc «thường xuyên»).",
            "A deadline is required (or «thường xuyên» for a standing task).",
        ));
    }
    if let Ok(date) = text.parse::<Date>() {
        return Ok(Deadline::At { date, time: None });
    }
    let found = giaoban_vntext::date::parse_date_expr(text, reference).ok_or_else(invalid)?;
    Deadline::try_from(&found.value).map_err(|_| invalid())
}

/// Why a date expression read from a text cannot be a task's deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotADeadline {
    /// "hàng tuần" without a weekday, "hàng tháng" without a day.
    #[error("the recurrence names no day")]
    RecurrenceWithoutDay,
    /// "hàng ngày", "hàng năm": not tracked as recurring deadlines.
    #[error("daily and yearly recurrences are not deadlines")]
    UnsupportedRecurrence,
    /// A day of the month outside 1..=31, or a span that is not a reporting period.
    #[error("the day or period is out of range")]
    OutOfRange,
}

/// The one bridge from what a text says to a deadline: the reading page, the task form and
/// [`parse_deadline_text`] all go through it.
///
/// A day the text wrote without a year ("ngày 15/3") or relative to the document ("hôm nay") is
/// already resolved by the reader against the document's date, so the deadline is that resolved
/// day (`year_inferred`/`relative` only say how it was written); nothing here invents a year.
/// A part of the day without an hour ("sáng 15/3") gives the day alone.
impl TryFrom<&giaoban_vntext::date::DateExpr> for Deadline {
    type Error = NotADeadline;

    fn try_from(expr: &giaoban_vntext::date::DateExpr) -> Result<Self, Self::Error> {
        use giaoban_vntext::date::{DateExpr, Recurrence};
        Ok(match *expr {
            DateExpr::Date { date, time, .. } => Deadline::At { date, time },
            DateExpr::Standing => Deadline::Standing,
            DateExpr::Period { period, .. } => {
                Deadline::WithinPeriod(period_of_text(&period).ok_or(NotADeadline::OutOfRange)?)
            }
            DateExpr::Recurring(rule) => Deadline::Recurring(match rule {
                Recurrence::Weekly {
                    weekday: Some(w),
                    time,
                } => RecurrenceRule::weekly(DayOfWeek::from_weekday(w), time),
                Recurrence::Monthly { day: Some(d), time } => RecurrenceRule::monthly(
                    u8::try_from(d).map_err(|_| NotADeadline::OutOfRange)?,
                    time,
                )
                .map_err(|_| NotADeadline::OutOfRange)?,
                // "hàng quý" without a day: the last day of the quarter.
                Recurrence::Quarterly => RecurrenceRule::quarterly_days_after(0, None)
                    .map_err(|_| NotADeadline::OutOfRange)?,
                // "hằng tháng" without a day: by the end of each month (day 31 falls on each
                // month's last day), as "hàng quý" is by the end of each quarter.
                Recurrence::Monthly { day: None, time } => {
                    RecurrenceRule::monthly(31, time).map_err(|_| NotADeadline::OutOfRange)?
                }
                Recurrence::Weekly { weekday: None, .. } => {
                    return Err(NotADeadline::RecurrenceWithoutDay);
                }
                Recurrence::Daily { .. } | Recurrence::Yearly => {
                    return Err(NotADeadline::UnsupportedRecurrence);
                }
            }),
        })
    }
}

/// The reporting period a period written in a text stands for ("quý II/2023", "6 tháng đầu năm",
/// "9 tháng"); `None` for spans that are not a reporting period.
pub fn period_of_text(p: &giaoban_vntext::date::Period) -> Option<Period> {
    use giaoban_vntext::date::Period as TextPeriod;
    match *p {
        TextPeriod::Year { year } => Period::year_of(year),
        TextPeriod::Quarter { year, quarter } => Period::quarter(year, quarter),
        TextPeriod::Month { year, month } => Period::month(year, month),
        TextPeriod::Half { year, half } => Period::half_year(year, half),
        TextPeriod::FirstMonths { year, months: 9 } => Period::nine_months(year),
        TextPeriod::FirstMonths { year, months: 6 } => Period::half_year(year, 1),
        // "3 tháng đầu năm" is the first quarter; other spans are the months themselves.
        TextPeriod::FirstMonths { year, months: 3 } => Period::quarter(year, 1),
        TextPeriod::FirstMonths { year, months } => Period::month(year, months),
    }
    .ok()
}

/// Years a task may be assigned in: the records kept go back to the 1990s; anything outside is a
/// typing error (and would make a recurring task's occurrences run for centuries).
pub const ASSIGNED_YEARS: std::ops::RangeInclusive<i16> = 1990..=2100;

/// A task to create, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskDraft {
    pub content: String,
    pub source_kind: SourceKind,
    /// The conclusion notice, when the source is one.
    pub conclusion_id: Option<Uuid>,
    /// The meeting, when the source is one (or the conclusion's meeting).
    pub meeting_id: Option<Uuid>,
    /// The paragraph or item of the source ("Mục 2", "đoạn 3") or the document's number.
    pub source_ref: Option<String>,
    /// The body that assigns the task (UBND huyện…); its leaders approve extensions.
    pub assigner_unit_id: UnitId,
    /// The person who assigned it, as written ("Chủ tịch UBND huyện Lê Văn Hoa").
    pub assigner_name: Option<String>,
    pub lead_unit_id: UnitId,
    pub coordinating_unit_ids: Vec<UnitId>,
    pub monitor_unit_id: Option<UnitId>,
    pub parent_id: Option<TaskId>,
    pub deadline: Deadline,
    /// The day the task was assigned (a recurring task's occurrences count from it).
    pub assigned_on: Date,
}

/// A deadline in a request: the words, or the typed value.
///
/// Told apart by the JSON type (text or object) rather than by trying each shape in turn, so that
/// a typed value that cannot be read is refused with its own reason ("'2023Q5' is not a period
/// code") rather than with "did not match any variant".
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged, try_from = "serde_json::Value")]
pub enum DeadlineInput {
    /// The typed value, as tasks show it.
    Typed(Deadline),
    /// The words, as officials write them: "chậm nhất ngày 27/03/2023", "trước 17h thứ Năm hàng
    /// tuần", "ngày 15 hàng tháng", "trong quý II/2023", "thường xuyên".
    #[cfg_attr(
        feature = "openapi",
        schema(examples(
            "chậm nhất ngày 27/03/2023",
            "trước 17h thứ Năm hàng tuần",
            "trong quý II/2023",
            "thường xuyên"
        ))
    )]
    Text(String),
}

impl TryFrom<serde_json::Value> for DeadlineInput {
    type Error = String;

    fn try_from(value: serde_json::Value) -> Result<Self, Self::Error> {
        match value {
            serde_json::Value::String(words) => Ok(DeadlineInput::Text(words)),
            typed => serde_json::from_value(typed)
                .map(DeadlineInput::Typed)
                .map_err(|e| e.to_string()),
        }
    }
}

/// Raw input for a task, from a form or JSON.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskInput {
    /// Nội dung nhiệm vụ.
    #[cfg_attr(
        feature = "openapi",
        schema(examples("Hoàn thành nạo vét kênh mương nội đồng trước mùa mưa."))
    )]
    pub content: String,
    /// Nguồn giao: `conclusion`, `meeting`, `document`, `instruction`; default: the notice's or
    /// meeting's when one is named, otherwise `instruction`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<SourceKind>))]
    pub source_kind: Option<String>,
    /// The conclusion notice the task comes from.
    #[serde(default)]
    pub conclusion_id: Option<Uuid>,
    /// The meeting the task comes from.
    #[serde(default)]
    pub meeting_id: Option<Uuid>,
    /// The paragraph or item of the source, or the document's number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("Mục 2")))]
    pub source_ref: Option<String>,
    /// The body that assigns the task (UBND huyện…); its leaders approve extensions.
    pub assigner_unit_id: Uuid,
    /// The person who assigned it, as written.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(examples("Chủ tịch UBND huyện Lê Văn Hoa"))
    )]
    pub assigner_name: Option<String>,
    /// Đơn vị chủ trì.
    pub lead_unit_id: Uuid,
    /// Đơn vị phối hợp.
    #[serde(default)]
    pub coordinating_unit_ids: Vec<Uuid>,
    /// Đơn vị theo dõi, đôn đốc.
    #[serde(default)]
    pub monitor_unit_id: Option<Uuid>,
    /// The task this one is part of.
    #[serde(default)]
    pub parent_id: Option<Uuid>,
    /// Thời hạn: the words or the typed value.
    pub deadline: DeadlineInput,
    /// ISO or dd/mm/yyyy; default: today.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::DateText>))]
    pub assigned_on: Option<String>,
}

impl TaskDraft {
    /// Validates every field; `today` is the default assignment day and the reference for a
    /// deadline written without its year.
    pub fn parse(input: &TaskInput, today: Date) -> Result<TaskDraft, Invalids> {
        let mut errors = Invalids::default();
        let content = errors.take(required_text("content", &input.content, MAX_CONTENT_CHARS));
        let source_kind = match input.source_kind.as_deref() {
            None | Some("") => Some(if input.conclusion_id.is_some() {
                SourceKind::Conclusion
            } else if input.meeting_id.is_some() {
                SourceKind::Meeting
            } else {
                SourceKind::Instruction
            }),
            Some(s) => errors.take(SourceKind::parse(s)),
        };
        if source_kind == Some(SourceKind::Conclusion) && input.conclusion_id.is_none() {
            errors.push(Invalid::new(
                "conclusion_id",
                "task.conclusion_required",
                "Nhiệm vụ từ thông báo kết luận phải chỉ rõ thông báo.",
                "A task from a conclusion notice must name the notice.",
            ));
        }
        let source_ref = errors
            .take(clean_text(
                "source_ref",
                input.source_ref.as_deref().unwrap_or(""),
                200,
            ))
            .flatten();
        let assigner_name = errors
            .take(clean_text(
                "assigner_name",
                input.assigner_name.as_deref().unwrap_or(""),
                200,
            ))
            .flatten();
        let assigned_on = errors
            .take(parse_date(
                "assigned_on",
                input.assigned_on.as_deref().unwrap_or(""),
            ))
            .map(|d| d.unwrap_or(today));
        if let Some(d) = assigned_on
            && !(ASSIGNED_YEARS.contains(&d.year()))
        {
            errors.push(Invalid::new(
                "assigned_on",
                "task.assigned_on_out_of_range",
                format!(
                    "Ngày giao {} nằm ngoài khoảng {}–{}.",
                    crate::calendar::format_date_vi(d),
                    ASSIGNED_YEARS.start(),
                    ASSIGNED_YEARS.end()
                ),
                format!(
                    "The assignment date {d} is outside {}–{}.",
                    ASSIGNED_YEARS.start(),
                    ASSIGNED_YEARS.end()
                ),
            ));
        }
        let reference = assigned_on.unwrap_or(today);
        let deadline = match &input.deadline {
            DeadlineInput::Typed(d) => Some(*d),
            DeadlineInput::Text(t) => errors.take(parse_deadline_text(t, reference)),
        };
        if let Some(due) = deadline.and_then(|d| d.due())
            && !(ASSIGNED_YEARS.contains(&due.date.year()))
        {
            errors.push(Invalid::new(
                "deadline",
                "task.deadline_out_of_range",
                format!(
                    "Thời hạn {} nằm ngoài khoảng năm {}–{}.",
                    crate::calendar::format_date_vi(due.date),
                    ASSIGNED_YEARS.start(),
                    ASSIGNED_YEARS.end()
                ),
                format!(
                    "The deadline {} is outside the years {}–{}.",
                    due.date,
                    ASSIGNED_YEARS.start(),
                    ASSIGNED_YEARS.end()
                ),
            ));
        }
        let lead = UnitId(input.lead_unit_id);
        let mut coordinating: Vec<UnitId> = Vec::new();
        for id in input.coordinating_unit_ids.iter().map(|u| UnitId(*u)) {
            if id == lead {
                errors.push(Invalid::new(
                    "coordinating_unit_ids",
                    "task.lead_also_coordinating",
                    "Đơn vị chủ trì không đồng thời là đơn vị phối hợp.",
                    "The lead unit cannot also be a coordinating unit.",
                ));
            } else if !coordinating.contains(&id) {
                coordinating.push(id);
            }
        }
        if coordinating.len() > 100 {
            errors.push(Invalid::new(
                "coordinating_unit_ids",
                "task.too_many_units",
                "Quá nhiều đơn vị phối hợp (tối đa 100).",
                "Too many coordinating units (at most 100).",
            ));
        }
        errors.into_result()?;
        match (content, source_kind, deadline, assigned_on) {
            (Some(content), Some(source_kind), Some(deadline), Some(assigned_on)) => {
                Ok(TaskDraft {
                    content,
                    source_kind,
                    conclusion_id: input.conclusion_id,
                    meeting_id: input.meeting_id,
                    source_ref,
                    assigner_unit_id: UnitId(input.assigner_unit_id),
                    assigner_name,
                    lead_unit_id: lead,
                    coordinating_unit_ids: coordinating,
                    monitor_unit_id: input.monitor_unit_id.map(UnitId),
                    parent_id: input.parent_id.map(TaskId),
                    deadline,
                    assigned_on,
                })
            }
            // Every None above pushed an error, so into_result() returned early.
            _ => Err(Invalids::from(Invalid::new(
                "task",
                "task.invalid",
                "Nhiệm vụ không hợp lệ.",
                "The task is invalid.",
            ))),
        }
    }
}

/// What happened to a task, in its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Progress,
    Completion,
    ExtensionRequested,
    ExtensionApproved,
    ExtensionRejected,
    Paused,
    Resumed,
    Cancelled,
    Reopened,
    /// Handed over from an ended unit to its successor (the 2025 reorganisation): the entry names
    /// the former unit, the note says from which unit to which.
    HandedOver,
}

impl EventKind {
    pub const ALL: [EventKind; 10] = [
        EventKind::Progress,
        EventKind::Completion,
        EventKind::ExtensionRequested,
        EventKind::ExtensionApproved,
        EventKind::ExtensionRejected,
        EventKind::Paused,
        EventKind::Resumed,
        EventKind::Cancelled,
        EventKind::Reopened,
        EventKind::HandedOver,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Progress => "progress",
            EventKind::Completion => "completion",
            EventKind::ExtensionRequested => "extension_requested",
            EventKind::ExtensionApproved => "extension_approved",
            EventKind::ExtensionRejected => "extension_rejected",
            EventKind::Paused => "paused",
            EventKind::Resumed => "resumed",
            EventKind::Cancelled => "cancelled",
            EventKind::Reopened => "reopened",
            EventKind::HandedOver => "handed_over",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.code() == s)
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            EventKind::Progress => lang.pick("Cập nhật tiến độ", "Progress update"),
            EventKind::Completion => lang.pick("Báo cáo hoàn thành", "Completion report"),
            EventKind::ExtensionRequested => lang.pick("Đề nghị gia hạn", "Extension requested"),
            EventKind::ExtensionApproved => lang.pick("Đồng ý gia hạn", "Extension approved"),
            EventKind::ExtensionRejected => lang.pick("Không đồng ý gia hạn", "Extension refused"),
            EventKind::Paused => lang.pick("Tạm dừng", "Paused"),
            EventKind::Resumed => lang.pick("Tiếp tục thực hiện", "Resumed"),
            EventKind::Cancelled => lang.pick("Hủy nhiệm vụ", "Cancelled"),
            EventKind::Reopened => lang.pick("Mở lại", "Reopened"),
            EventKind::HandedOver => lang.pick("Chuyển giao", "Handed over"),
        }
    }
}

/// An entry of a task's history: a progress update by the lead (or a coordinating) unit, a
/// completion report, an extension request and its decision, a pause or a cancellation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgressUpdate {
    pub id: Uuid,
    pub at: Timestamp,
    pub kind: EventKind,
    pub by_name: String,
    pub unit_id: UnitId,
    /// 0–100, when given.
    pub percent: Option<u8>,
    pub note: String,
    /// The occurrence (its period code) of a recurring task the update is about.
    pub occurrence: Option<Period>,
}

/// Raw input for a progress update or a completion report.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgressInput {
    /// Tỷ lệ hoàn thành: "63" or "63%".
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::PercentText>))]
    pub percent: Option<String>,
    /// What was done.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("Đã nạo vét 3/5 tuyến kênh.")))]
    pub note: String,
    /// Report completion (báo cáo hoàn thành): the evidence goes in `note`/`evidence`.
    #[serde(default)]
    pub completed: bool,
    /// The result or the document that proves completion.
    #[serde(default)]
    pub evidence: Option<String>,
    /// For a recurring task: the occurrence's period code (e.g. `2023W12`); default: the current one.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::period::Period>))]
    pub occurrence: Option<String>,
    /// Optimistic concurrency: the version the user saw.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A validated progress update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub percent: Option<u8>,
    pub note: String,
    pub completed: bool,
    pub evidence: Option<String>,
    pub occurrence: Option<Period>,
    pub version: Option<i64>,
}

impl Progress {
    pub fn parse(input: &ProgressInput, deadline: &Deadline) -> Result<Progress, Invalids> {
        let mut errors = Invalids::default();
        let percent = match input.percent.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(p) => {
                let p = p.trim_end_matches('%').trim();
                match p.parse::<u8>() {
                    Ok(v) if v <= 100 => Some(v),
                    _ => {
                        errors.push(Invalid::new(
                            "percent",
                            "task.percent_invalid",
                            format!("Tỷ lệ hoàn thành «{p}» phải là số nguyên từ 0 đến 100."),
                            format!("The percentage «{p}» must be a whole number from 0 to 100."),
                        ));
                        None
                    }
                }
            }
        };
        let note = errors
            .take(clean_multiline("note", &input.note, MAX_NOTE_CHARS))
            .flatten()
            .unwrap_or_default();
        let evidence = errors
            .take(clean_multiline(
                "evidence",
                input.evidence.as_deref().unwrap_or(""),
                MAX_NOTE_CHARS,
            ))
            .flatten();
        if note.is_empty() && percent.is_none() && !input.completed {
            errors.push(Invalid::new(
                "note",
                "task.progress_empty",
                "Cần nhập nội dung tiến độ hoặc tỷ lệ hoàn thành.",
                "Enter what was done or a percentage.",
            ));
        }
        if input.completed && note.is_empty() && evidence.is_none() {
            errors.push(Invalid::new(
                "evidence",
                "task.completion_evidence_required",
                "Báo cáo hoàn thành cần nêu kết quả hoặc văn bản chứng minh.",
                "A completion report must state the result or the evidence.",
            ));
        }
        let occurrence = match (input.occurrence.as_deref().map(str::trim), deadline) {
            (None | Some(""), _) => None,
            (Some(code), Deadline::Recurring(rule)) => match Period::parse_input(code) {
                Ok(p) if p.kind() == rule.period_kind() => Some(p),
                _ => {
                    errors.push(Invalid::new(
                        "occurrence",
                        "task.occurrence_invalid",
                        format!("Kỳ «{code}» không phải một lần của nhiệm vụ định kỳ này."),
                        format!("«{code}» is not an occurrence of this recurring task."),
                    ));
                    None
                }
            },
            (Some(_), _) => {
                errors.push(Invalid::new(
                    "occurrence",
                    "task.occurrence_unexpected",
                    "Nhiệm vụ này không định kỳ.",
                    "This task does not recur.",
                ));
                None
            }
        };
        errors.into_result()?;
        Ok(Progress {
            percent: if input.completed { Some(100) } else { percent },
            note,
            completed: input.completed,
            evidence,
            occurrence,
            version: input.version,
        })
    }
}

/// Cleans multi-line text: NFC, no control characters, trailing spaces and blank runs trimmed,
/// line breaks kept.
pub fn clean_multiline(
    field: &'static str,
    raw: &str,
    max_chars: usize,
) -> Result<Option<String>, Invalid> {
    let mut lines = Vec::new();
    for line in raw.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        match clean_text(field, line, max_chars)? {
            Some(l) => lines.push(l),
            None => {
                if lines.last().is_some_and(|l: &String| !l.is_empty()) {
                    lines.push(String::new());
                }
            }
        }
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let text = lines.join("\n");
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max_chars {
        return Err(Invalid::new(
            field,
            "text.too_long",
            format!("Văn bản dài quá {max_chars} ký tự."),
            format!("The text is longer than {max_chars} characters."),
        ));
    }
    Ok(Some(text))
}

/// An extension request (đề nghị gia hạn) and its fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExtensionRequest {
    pub id: Uuid,
    pub new_due: DueMoment,
    pub reason: String,
    pub requested_at: Timestamp,
    pub requested_by: String,
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<String>,
    pub approved: Option<bool>,
}

impl ExtensionRequest {
    /// The extension as the status rules see it (only an approved one counts).
    pub fn as_extension(&self) -> Extension {
        match (self.approved, self.decided_at) {
            (Some(true), Some(at)) => Extension::approved(self.new_due, at),
            _ => Extension::requested(self.new_due),
        }
    }
}

/// A task as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub id: TaskId,
    pub content: String,
    pub source_kind: SourceKind,
    pub conclusion_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub source_ref: Option<String>,
    pub assigner_unit_id: UnitId,
    pub assigner_name: Option<String>,
    pub lead_unit_id: UnitId,
    pub coordinating_unit_ids: Vec<UnitId>,
    pub monitor_unit_id: Option<UnitId>,
    pub parent_id: Option<TaskId>,
    pub deadline: Deadline,
    pub assigned_on: Date,
    /// Last reported percentage.
    pub percent: Option<u8>,
    /// Completion of a non-recurring task (a recurring one records each occurrence).
    pub completed_at: Option<Timestamp>,
    pub completion_note: Option<String>,
    pub paused: bool,
    pub cancelled: bool,
    /// The latest approved extension, if any (the original deadline stays in `deadline`).
    pub extension: Option<ExtensionRequest>,
    /// An extension asked for and not decided yet.
    #[serde(default)]
    pub pending_extension: Option<ExtensionRequest>,
    /// For a recurring task: the occurrences reported done.
    #[serde(default)]
    pub occurrence_records: Vec<OccurrenceRecord>,
    pub created_at: Timestamp,
    pub version: i64,
}

/// One tracked occurrence of a recurring task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OccurrenceRecord {
    pub period: Period,
    pub completed_at: Option<Timestamp>,
}

/// The status of one occurrence (or of the whole task when it does not recur).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OccurrenceStatus {
    pub occurrence: Option<Occurrence>,
    pub assessment: Assessment,
}

impl Task {
    pub fn state(&self) -> TaskState {
        TaskState {
            completed_at: self.completed_at,
            paused: self.paused,
            cancelled: self.cancelled,
        }
    }

    /// Every unit involved, with its role.
    pub fn parties(&self) -> Vec<(UnitId, TaskRole)> {
        let mut out = vec![(self.lead_unit_id, TaskRole::Lead)];
        out.extend(
            self.coordinating_unit_ids
                .iter()
                .map(|u| (*u, TaskRole::Coordinate)),
        );
        if let Some(m) = self.monitor_unit_id {
            out.push((m, TaskRole::Monitor));
        }
        out
    }

    /// The status as of `as_of`. For a recurring task: the status of the occurrence that matters
    /// most at that moment — the earliest one due up to `as_of` that is not done (overdue), else the
    /// next one to come.
    pub fn assess(
        &self,
        as_of: Timestamp,
        policy: &StatusPolicy,
    ) -> Result<OccurrenceStatus, StatusError> {
        let extension = self.extension.as_ref().map(ExtensionRequest::as_extension);
        match &self.deadline {
            Deadline::Recurring(_) => {
                let occurrences = self.occurrences(as_of, policy)?;
                let pick = occurrences
                    .iter()
                    .find(|o| o.assessment.status == TaskStatus::Overdue)
                    .or_else(|| {
                        occurrences.iter().find(|o| {
                            matches!(
                                o.assessment.status,
                                TaskStatus::DueSoon | TaskStatus::InProgress
                            )
                        })
                    })
                    .or(occurrences.last());
                match pick {
                    Some(p) => Ok(*p),
                    None => {
                        // Nothing due yet and nothing next (cannot happen for a valid rule); report
                        // the task as standing rather than invent a deadline.
                        let a = assess(
                            &Deadline::Standing,
                            None,
                            None,
                            &self.state(),
                            as_of,
                            policy,
                        )?;
                        Ok(OccurrenceStatus {
                            occurrence: None,
                            assessment: a,
                        })
                    }
                }
            }
            deadline => {
                let ext = extension.filter(|_| deadline.due().is_some());
                let a = assess(deadline, None, ext.as_ref(), &self.state(), as_of, policy)?;
                Ok(OccurrenceStatus {
                    occurrence: None,
                    assessment: a,
                })
            }
        }
    }

    /// For a recurring task: every occurrence from the assignment day through the next one after
    /// `as_of`, each classified with its own completion record. Empty for other tasks.
    pub fn occurrences(
        &self,
        as_of: Timestamp,
        policy: &StatusPolicy,
    ) -> Result<Vec<OccurrenceStatus>, StatusError> {
        let records = &self.occurrence_records;
        let Deadline::Recurring(rule) = &self.deadline else {
            return Ok(Vec::new());
        };
        let today = local_date(as_of);
        let mut out = Vec::new();
        let horizon = today
            .checked_add(jiff::Span::new().days(i64::from(horizon_days(rule.period_kind()))))
            .unwrap_or(today);
        let mut seen_future = false;
        for occ in rule.occurrences(self.assigned_on, horizon) {
            let record = records.iter().find(|r| r.period == occ.period);
            let state = TaskState {
                completed_at: record.and_then(|r| r.completed_at),
                paused: self.paused,
                // A recurring task cancelled stops all its occurrences.
                cancelled: self.cancelled,
            };
            let a = assess(&self.deadline, Some(&occ), None, &state, as_of, policy)?;
            let future = occ.due.instant().map_err(StatusError::from)? > as_of;
            out.push(OccurrenceStatus {
                occurrence: Some(occ),
                assessment: a,
            });
            if future {
                if seen_future {
                    out.pop();
                    break;
                }
                seen_future = true;
            }
        }
        Ok(out)
    }

    /// The occurrence of a recurring task that a progress report is about by default: the earliest
    /// one not done whose due moment is not more than one period away.
    pub fn current_occurrence(
        &self,
        as_of: Timestamp,
        policy: &StatusPolicy,
    ) -> Result<Option<Occurrence>, StatusError> {
        Ok(self.assess(as_of, policy)?.occurrence)
    }
}

/// How far ahead the occurrence list looks for the next one.
fn horizon_days(kind: PeriodKind) -> i32 {
    match kind {
        PeriodKind::Week => 8,
        PeriodKind::Month => 32,
        _ => 100,
    }
}

/// What an actor may do with a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TaskRights {
    /// See the task and its history.
    pub read: bool,
    /// Post progress updates (lead and coordinating units).
    pub report_progress: bool,
    /// Report completion and ask for an extension (the lead unit).
    pub report_completion: bool,
    /// Edit, pause, cancel, approve extensions, confirm completion (the assigning body's leaders and
    /// office).
    pub manage: bool,
    /// Approve or refuse an extension: a manager who is not of the lead unit that asked for it
    /// (see [`crate::access::may_decide_extension`]).
    pub decide_extension: bool,
}

/// The rights of `actor` on a task whose parties' ancestries are given (each unit first, up to the
/// root). `assigner` is the ancestry of the assigning body.
///
/// A member (commune or department user) works only on tasks its unit leads or coordinates (and
/// reads those it monitors); leaders and office staff act on tasks assigned within their territory
/// and read those of their territory's units.
pub fn task_rights(
    actor: &Actor,
    assigner: &[UnitId],
    parties: &[(TaskRole, &[UnitId])],
) -> TaskRights {
    let mut rights = TaskRights::default();
    let own_role = parties
        .iter()
        .filter(|(_, anc)| anc.first() == Some(&actor.unit_id))
        .map(|(r, _)| *r)
        .min_by_key(|r| match r {
            TaskRole::Lead => 0,
            TaskRole::Coordinate => 1,
            TaskRole::Monitor => 2,
        });
    match actor.role {
        Role::Member => {
            rights.read = own_role.is_some();
            rights.report_progress =
                matches!(own_role, Some(TaskRole::Lead | TaskRole::Coordinate));
            rights.report_completion = own_role == Some(TaskRole::Lead);
        }
        Role::Admin | Role::Leader | Role::Office => {
            let manage = actor.may(Permission::WriteRecords, assigner);
            let reads_party = parties
                .iter()
                .any(|(_, anc)| actor.may(Permission::ReadRecords, anc));
            rights.read = manage || reads_party || actor.may(Permission::ReadRecords, assigner);
            rights.manage = manage;
            rights.report_progress =
                manage || matches!(own_role, Some(TaskRole::Lead | TaskRole::Coordinate));
            rights.report_completion = manage || own_role == Some(TaskRole::Lead);
            let lead = parties
                .iter()
                .find(|(r, _)| *r == TaskRole::Lead)
                .and_then(|(_, a)| a.first());
            rights.decide_extension =
                lead.is_some_and(|&l| crate::access::may_decide_extension(actor, assigner, l));
        }
    }
    rights
}

/// A day typed for an extension: an exact date (`15/04/2023`, `2023-04-15`) or the words of a
/// notice, read by the reader of `giaoban_vntext` against `today` ("chậm nhất ngày 15/4", "trước
/// 17h ngày 20/4/2023", "trong quý II" = its last day). A year the words leave out is `today`'s;
/// nothing else is made up. A rule ("hàng tuần") or "thường xuyên" is not one day: refused.
pub fn parse_due_day(
    field: &'static str,
    raw: &str,
    today: Date,
) -> Result<Option<(Date, Option<Time>)>, Invalid> {
    use giaoban_vntext::date::DateExpr;
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let exact = parse_date(field, text);
    if let Ok(Some(d)) = exact {
        return Ok(Some((d, None)));
    }
    let unreadable = || {
        Invalid::new(
            field,
            "task.due_day_unreadable",
            format!(
                "Không hiểu ngày «{text}». Ví dụ: «15/04/2023», «chậm nhất ngày 15/4», «trước 17h ngày 20/4/2023», «trong quý II»."
            ),
            format!(
                "Cannot read the day «{text}». Examples: «15/04/2023», «chậm nhất ngày 15/4», «trước 17h ngày 20/4/2023», «trong quý II»."
            ),
        )
    };
    let found = giaoban_vntext::date::parse_date_expr(text, today);
    let (date, time) = match found.map(|f| f.value) {
        Some(DateExpr::Date { date, time, .. }) => (date, time),
        Some(DateExpr::Period { period, .. }) => (period.last_day().ok_or_else(unreadable)?, None),
        Some(DateExpr::Recurring(_) | DateExpr::Standing) => {
            return Err(Invalid::new(
                field,
                "task.due_day_not_one_day",
                format!(
                    "«{text}» không phải một ngày cụ thể; hãy nhập một ngày, ví dụ «15/04/2023»."
                ),
                format!("«{text}» is not one day; enter a day, e.g. «15/04/2023»."),
            ));
        }
        // A date the reader could not place: say what was wrong with it as a date when it
        // looked like one ("31/02/2023", out of range), else give the examples.
        None => {
            return Err(exact
                .err()
                .filter(|e| e.code != "date.invalid")
                .unwrap_or_else(unreadable));
        }
    };
    if !crate::unit::date_supported(date) {
        return Err(crate::unit::date_out_of_range(field, text));
    }
    Ok(Some((date, time)))
}

/// An extension request, validated: the new due moment must be later than the deadline in force.
/// `today` (the app's clock) gives the year to words that leave it out ("cuối tháng 4").
pub fn parse_extension(
    raw_due: &str,
    raw_time: Option<&str>,
    reason: &str,
    current: Option<DueMoment>,
    today: Date,
) -> Result<(DueMoment, String), Invalids> {
    let mut errors = Invalids::default();
    let typed = errors
        .take(parse_due_day("new_due", raw_due, today))
        .flatten();
    let date = typed.map(|(d, _)| d);
    let typed_time = typed.and_then(|(_, t)| t);
    if date.is_none() && errors.0.is_empty() {
        errors.push(Invalid::new(
            "new_due",
            "text.required",
            "Cần nhập thời hạn mới.",
            "Enter the new deadline.",
        ));
    }
    let time = match raw_time.map(str::trim).filter(|t| !t.is_empty()) {
        None => typed_time,
        Some(t) => match t.replace('h', ":").trim_end_matches(':').parse::<Time>() {
            Ok(v) => Some(v),
            Err(_) => match format!("{}:00", t.trim_end_matches('h')).parse::<Time>() {
                Ok(v) => Some(v),
                Err(_) => {
                    errors.push(Invalid::new(
                        "new_time",
                        "time.invalid",
                        format!("Giờ «{t}» không hợp lệ (ví dụ 17:00)."),
                        format!("Invalid time «{t}» (e.g. 17:00)."),
                    ));
                    None
                }
            },
        },
    };
    let reason = errors.take(required_text("reason", reason, MAX_NOTE_CHARS));
    match current {
        None => errors.push(Invalid::new(
            "new_due",
            "task.extension_of_standing",
            "Nhiệm vụ thường xuyên hoặc định kỳ không gia hạn theo cách này.",
            "A standing or recurring task cannot be extended this way.",
        )),
        Some(cur) => {
            if let Some(d) = date
                && DueMoment::new(d, time) <= cur
            {
                errors.push(Invalid::new(
                    "new_due",
                    "task.extension_not_later",
                    format!(
                        "Thời hạn mới phải sau thời hạn hiện tại ({}).",
                        cur.label(Lang::Vi)
                    ),
                    format!(
                        "The new deadline must be after the current one ({}).",
                        cur.label(Lang::En)
                    ),
                ));
            }
        }
    }
    errors.into_result()?;
    match (date, reason) {
        (Some(d), Some(r)) => Ok((DueMoment::new(d, time), r)),
        _ => Err(Invalids::from(Invalid::new(
            "new_due",
            "text.required",
            "Cần nhập thời hạn mới.",
            "Enter the new deadline.",
        ))),
    }
}

impl Localized for TaskStatus {
    fn code(&self) -> &'static str {
        match self {
            TaskStatus::CompletedOnTime => "completed_on_time",
            TaskStatus::CompletedLate => "completed_late",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::DueSoon => "due_soon",
            TaskStatus::Overdue => "overdue",
            TaskStatus::Standing => "standing",
            TaskStatus::Paused => "paused",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    fn message(&self, lang: Lang) -> String {
        self.label(lang).to_string()
    }
}

/// Parses a status code as used in filters.
pub fn parse_status(code: &str) -> Option<TaskStatus> {
    TaskStatus::ALL.into_iter().find(|s| s.code() == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::scope_root;
    use crate::unit::UnitKind;
    use crate::user::{UserId, Username};
    use jiff::civil::date;

    fn d(y: i16, m: i8, day: i8) -> Date {
        date(y, m, day)
    }

    /// Reads `words` against 01/03/2023 and converts the expression: the one bridge.
    fn bridged(words: &str) -> Result<Deadline, NotADeadline> {
        let found = giaoban_vntext::date::parse_date_expr(words, d(2023, 3, 1))
            .unwrap_or_else(|| panic!("the reader reads «{words}»"));
        Deadline::try_from(&found.value)
    }

    #[test]
    fn every_date_expression_kind_bridges_to_a_deadline_or_says_why_not() {
        use giaoban_vntext::date::{DateExpr, Recurrence};
        // A day with its year.
        assert_eq!(
            bridged("chậm nhất ngày 27/03/2023"),
            Ok(Deadline::At {
                date: d(2023, 3, 27),
                time: None
            })
        );
        // Recurring, weekly at a time.
        assert_eq!(
            bridged("trước 17h thứ Năm hàng tuần"),
            Ok(Deadline::Recurring(RecurrenceRule::weekly(
                DayOfWeek::Thursday,
                Some(jiff::civil::time(17, 0, 0, 0))
            )))
        );
        // Recurring, monthly.
        assert_eq!(
            bridged("trước ngày 15 hàng tháng"),
            Ok(Deadline::Recurring(
                RecurrenceRule::monthly(15, None).unwrap()
            ))
        );
        // A period without a year: the reader takes the document's year (2023), explicitly
        // marked `year_inferred`; the bridge keeps that year, it does not invent one.
        let quarter = giaoban_vntext::date::parse_date_expr("trong quý II", d(2023, 3, 1))
            .expect("read")
            .value;
        assert!(matches!(
            quarter,
            DateExpr::Period {
                year_inferred: true,
                ..
            }
        ));
        assert_eq!(
            Deadline::try_from(&quarter),
            Ok(Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap()))
        );
        // Standing.
        assert_eq!(bridged("thường xuyên"), Ok(Deadline::Standing));
        // A day without a year, and a relative day: the day the reader resolved against the
        // document's date.
        let no_year = giaoban_vntext::date::parse_date_expr("ngày 15/4", d(2023, 3, 1))
            .expect("read")
            .value;
        assert!(matches!(
            no_year,
            DateExpr::Date {
                year_inferred: true,
                ..
            }
        ));
        assert_eq!(
            Deadline::try_from(&no_year),
            Ok(Deadline::At {
                date: d(2023, 4, 15),
                time: None
            })
        );
        let today = DateExpr::Date {
            date: d(2023, 3, 1),
            time: None,
            part_of_day: None,
            year_inferred: false,
            relative: true,
        };
        assert_eq!(
            Deadline::try_from(&today),
            Ok(Deadline::At {
                date: d(2023, 3, 1),
                time: None
            })
        );
        // Expressions that cannot be deadlines say why.
        for (rule, why) in [
            (
                Recurrence::Daily { time: None },
                NotADeadline::UnsupportedRecurrence,
            ),
            (Recurrence::Yearly, NotADeadline::UnsupportedRecurrence),
            (
                Recurrence::Weekly {
                    weekday: None,
                    time: None,
                },
                NotADeadline::RecurrenceWithoutDay,
            ),
            (
                Recurrence::Monthly {
                    day: Some(40),
                    time: None,
                },
                NotADeadline::OutOfRange,
            ),
        ] {
            assert_eq!(
                Deadline::try_from(&DateExpr::Recurring(rule)),
                Err(why),
                "{rule:?}"
            );
        }
        assert!(matches!(
            Deadline::try_from(&DateExpr::Recurring(Recurrence::Quarterly)),
            Ok(Deadline::Recurring(_))
        ));
        // "hằng tháng": by each month's last day.
        assert_eq!(
            Deadline::try_from(&DateExpr::Recurring(Recurrence::Monthly {
                day: None,
                time: None
            })),
            RecurrenceRule::monthly(31, None)
                .map(Deadline::Recurring)
                .map_err(|_| NotADeadline::OutOfRange)
        );
    }

    #[test]
    fn deadline_words_of_the_seeds_are_read() {
        let r = d(2023, 3, 24);
        assert_eq!(
            parse_deadline_text("chậm nhất ngày 27/03/2023", r).unwrap(),
            Deadline::At {
                date: d(2023, 3, 27),
                time: None
            }
        );
        let weekly = parse_deadline_text("trước 17h thứ Năm hàng tuần", r).unwrap();
        assert_eq!(
            weekly,
            Deadline::Recurring(RecurrenceRule::weekly(
                DayOfWeek::Thursday,
                Some(Time::constant(17, 0, 0, 0))
            ))
        );
        assert_eq!(
            parse_deadline_text("trong quý II", r).unwrap(),
            Deadline::WithinPeriod(Period::quarter(2023, 2).unwrap())
        );
        assert_eq!(
            parse_deadline_text("thường xuyên", r).unwrap(),
            Deadline::Standing
        );
        assert_eq!(
            parse_deadline_text("2023-04-30", r).unwrap(),
            Deadline::At {
                date: d(2023, 4, 30),
                time: None
            }
        );
        let err = parse_deadline_text("sớm nhất có thể", r).unwrap_err();
        assert_eq!(err.code, "task.deadline_unreadable");
        assert!(err.vi.contains("sớm nhất có thể"));
    }

    fn input(deadline: &str) -> TaskInput {
        TaskInput {
            content: "  Tham mưu   bố trí kinh phí ".into(),
            source_kind: None,
            conclusion_id: None,
            meeting_id: None,
            source_ref: None,
            assigner_unit_id: Uuid::now_v7(),
            assigner_name: None,
            lead_unit_id: Uuid::now_v7(),
            coordinating_unit_ids: vec![],
            monitor_unit_id: None,
            parent_id: None,
            deadline: DeadlineInput::Text(deadline.into()),
            assigned_on: None,
        }
    }

    #[test]
    fn a_draft_collects_every_error_at_once() {
        let mut i = input("bao giờ cũng được");
        i.content = "   ".into();
        i.coordinating_unit_ids = vec![i.lead_unit_id];
        i.source_kind = Some("conclusion".into());
        let errs = TaskDraft::parse(&i, d(2023, 3, 24)).unwrap_err();
        let codes: Vec<&str> = errs.0.iter().map(|e| e.code).collect();
        assert!(codes.contains(&"text.required"), "{codes:?}");
        assert!(codes.contains(&"task.deadline_unreadable"), "{codes:?}");
        assert!(codes.contains(&"task.lead_also_coordinating"), "{codes:?}");
        assert!(codes.contains(&"task.conclusion_required"), "{codes:?}");

        let mut far = input("trước 17h thứ Năm hàng tuần");
        far.assigned_on = Some("01/01/0001".into());
        // A year outside what the calendar supports is refused when the date is read, naming
        // the field.
        let far: Vec<(&str, &str)> = TaskDraft::parse(&far, d(2023, 3, 24))
            .unwrap_err()
            .0
            .iter()
            .map(|e| (e.field, e.code))
            .collect();
        assert_eq!(far, vec![("assigned_on", "date.out_of_range")]);
        let late =
            TaskDraft::parse(&input("chậm nhất ngày 27/03/9999"), d(2023, 3, 24)).unwrap_err();
        assert_eq!(late.0[0].code, "task.deadline_out_of_range");

        let ok = TaskDraft::parse(&input("chậm nhất ngày 27/03/2023"), d(2023, 3, 24)).unwrap();
        assert_eq!(ok.content, "Tham mưu bố trí kinh phí");
        assert_eq!(ok.source_kind, SourceKind::Instruction);
        assert_eq!(ok.assigned_on, d(2023, 3, 24));
    }

    fn task(deadline: Deadline, assigned_on: Date) -> Task {
        Task {
            id: TaskId::new(),
            content: "x".into(),
            source_kind: SourceKind::Instruction,
            conclusion_id: None,
            meeting_id: None,
            source_ref: None,
            assigner_unit_id: UnitId::new(),
            assigner_name: None,
            lead_unit_id: UnitId::new(),
            coordinating_unit_ids: vec![],
            monitor_unit_id: None,
            parent_id: None,
            deadline,
            assigned_on,
            percent: None,
            completed_at: None,
            completion_note: None,
            paused: false,
            cancelled: false,
            extension: None,
            pending_extension: None,
            occurrence_records: vec![],
            created_at: Timestamp::UNIX_EPOCH,
            version: 1,
        }
    }

    fn at(y: i16, m: i8, day: i8, h: i8, min: i8) -> Timestamp {
        crate::calendar::local_timestamp(d(y, m, day), Time::constant(h, min, 0, 0)).unwrap()
    }

    #[test]
    fn finance_task_of_seed_004_is_overdue_on_28_march() {
        let t = task(
            Deadline::At {
                date: d(2023, 3, 27),
                time: None,
            },
            d(2023, 3, 24),
        );
        let s = t
            .assess(at(2023, 3, 28, 9, 0), &StatusPolicy::default())
            .unwrap();
        assert_eq!(s.assessment.status, TaskStatus::Overdue);
        assert_eq!(s.assessment.days_late, Some(1));
    }

    #[test]
    fn weekly_obligation_has_one_occurrence_per_week() {
        let rule = RecurrenceRule::weekly(DayOfWeek::Thursday, Some(Time::constant(17, 0, 0, 0)));
        let mut t = task(Deadline::Recurring(rule), d(2023, 3, 1));
        let as_of = at(2023, 3, 28, 9, 0);
        let done_on_time = OccurrenceRecord {
            period: Period::containing(PeriodKind::Week, d(2023, 3, 2)).unwrap(),
            completed_at: Some(at(2023, 3, 2, 16, 0)),
        };
        let done_late = OccurrenceRecord {
            period: Period::containing(PeriodKind::Week, d(2023, 3, 9)).unwrap(),
            completed_at: Some(at(2023, 3, 9, 17, 1)),
        };
        t.occurrence_records = vec![done_on_time, done_late];
        let occ = t.occurrences(as_of, &StatusPolicy::default()).unwrap();
        let dates: Vec<Date> = occ.iter().map(|o| o.occurrence.unwrap().due.date).collect();
        // Thursdays 2, 9, 16, 23 March and the next one, 30 March.
        assert_eq!(
            dates,
            vec![
                d(2023, 3, 2),
                d(2023, 3, 9),
                d(2023, 3, 16),
                d(2023, 3, 23),
                d(2023, 3, 30)
            ]
        );
        let statuses: Vec<TaskStatus> = occ.iter().map(|o| o.assessment.status).collect();
        assert_eq!(
            statuses,
            vec![
                TaskStatus::CompletedOnTime,
                TaskStatus::CompletedLate,
                TaskStatus::Overdue,
                TaskStatus::Overdue,
                // 30 March is two days away: within the default three-day warning.
                TaskStatus::DueSoon
            ]
        );
        // The task as a whole shows its earliest missed occurrence.
        let whole = t.assess(as_of, &StatusPolicy::default()).unwrap();
        assert_eq!(whole.assessment.status, TaskStatus::Overdue);
        assert_eq!(whole.occurrence.unwrap().due.date, d(2023, 3, 16));
    }

    #[test]
    fn an_approved_extension_moves_the_deadline_but_keeps_the_original() {
        let mut t = task(
            Deadline::At {
                date: d(2023, 3, 27),
                time: None,
            },
            d(2023, 3, 24),
        );
        t.extension = Some(ExtensionRequest {
            id: Uuid::now_v7(),
            new_due: DueMoment::end_of(d(2023, 4, 5)),
            reason: "chờ số liệu".into(),
            requested_at: at(2023, 3, 26, 8, 0),
            requested_by: "a".into(),
            decided_at: Some(at(2023, 3, 27, 8, 0)),
            decided_by: Some("b".into()),
            approved: Some(true),
        });
        let s = t
            .assess(at(2023, 3, 28, 9, 0), &StatusPolicy::default())
            .unwrap();
        assert_eq!(s.assessment.status, TaskStatus::InProgress);
        assert!(s.assessment.extended);
        assert_eq!(s.assessment.original_due.unwrap().date, d(2023, 3, 27));
        // A request not yet decided changes nothing.
        if let Some(e) = t.extension.as_mut() {
            e.approved = None;
            e.decided_at = None;
        }
        let s = t
            .assess(at(2023, 3, 28, 9, 0), &StatusPolicy::default())
            .unwrap();
        assert_eq!(s.assessment.status, TaskStatus::Overdue);
    }

    fn actor(role: Role, unit: UnitId, ancestry: &[(UnitId, UnitKind)]) -> Actor {
        Actor {
            user_id: UserId::new(),
            username: Username::parse("someone").unwrap(),
            display_name: "S".into(),
            role,
            unit_id: unit,
            scope_root: scope_root(role, ancestry).unwrap(),
        }
    }

    #[test]
    fn a_department_works_only_on_tasks_it_leads_or_coordinates() {
        let district = UnitId::new();
        let ubnd = UnitId::new();
        let finance = UnitId::new();
        let police = UnitId::new();
        let agri = UnitId::new();
        let anc = |u: UnitId| {
            if u == district {
                vec![district]
            } else if u == ubnd {
                vec![ubnd, district]
            } else {
                vec![u, ubnd, district]
            }
        };
        let fin_user = actor(
            Role::Member,
            finance,
            &[
                (finance, UnitKind::Department),
                (ubnd, UnitKind::PeopleCommittee),
                (district, UnitKind::District),
            ],
        );
        let (a_fin, a_pol, a_agri, a_ubnd) = (anc(finance), anc(police), anc(agri), anc(ubnd));
        let led = task_rights(&fin_user, &a_ubnd, &[(TaskRole::Lead, &a_fin)]);
        assert!(led.read && led.report_progress && led.report_completion && !led.manage);
        let helps = task_rights(
            &fin_user,
            &a_ubnd,
            &[(TaskRole::Lead, &a_agri), (TaskRole::Coordinate, &a_fin)],
        );
        assert!(helps.read && helps.report_progress && !helps.report_completion);
        let other = task_rights(&fin_user, &a_ubnd, &[(TaskRole::Lead, &a_pol)]);
        assert_eq!(other, TaskRights::default());

        let office = actor(
            Role::Office,
            ubnd,
            &[
                (ubnd, UnitKind::PeopleCommittee),
                (district, UnitKind::District),
            ],
        );
        let o = task_rights(&office, &a_ubnd, &[(TaskRole::Lead, &a_pol)]);
        assert!(o.read && o.manage && o.report_progress);
    }

    #[test]
    fn progress_input_is_checked() {
        let dl = Deadline::Standing;
        let bad = Progress::parse(
            &ProgressInput {
                percent: Some("120".into()),
                note: String::new(),
                completed: false,
                evidence: None,
                occurrence: Some("2023W12".into()),
                version: None,
            },
            &dl,
        )
        .unwrap_err();
        let codes: Vec<&str> = bad.0.iter().map(|e| e.code).collect();
        assert!(codes.contains(&"task.percent_invalid"));
        assert!(codes.contains(&"task.occurrence_unexpected"));
        let ok = Progress::parse(
            &ProgressInput {
                percent: Some("63%".into()),
                note: "Đã hoàn thành 63%\r\n\r\n\r\nCòn lại 37%  ".into(),
                completed: false,
                evidence: None,
                occurrence: None,
                version: Some(3),
            },
            &dl,
        )
        .unwrap();
        assert_eq!(ok.percent, Some(63));
        assert_eq!(ok.note, "Đã hoàn thành 63%\n\nCòn lại 37%");
    }

    #[test]
    fn an_extension_must_be_later() {
        let cur = Some(DueMoment::end_of(d(2023, 3, 27)));
        let today = d(2023, 3, 20);
        let e = parse_extension("27/03/2023", None, "lý do", cur, today).unwrap_err();
        assert_eq!(e.0[0].code, "task.extension_not_later");
        let (due, _) =
            parse_extension("05/04/2023", Some("17h"), "chờ số liệu", cur, today).unwrap();
        assert_eq!(due.time, Some(Time::constant(17, 0, 0, 0)));
        assert!(parse_extension("05/04/2023", None, "x", None, today).is_err());
    }

    #[test]
    fn an_extension_is_typed_in_words_with_the_year_of_today() {
        let cur = Some(DueMoment::end_of(d(2023, 3, 27)));
        let today = d(2023, 3, 20);
        let ext = |raw: &str| parse_extension(raw, None, "chờ số liệu", cur, today);
        assert_eq!(ext("2023-04-05").unwrap().0.date, d(2023, 4, 5));
        assert_eq!(ext("chậm nhất ngày 15/4").unwrap().0.date, d(2023, 4, 15));
        assert_eq!(ext("ngày 15/4/2024").unwrap().0.date, d(2024, 4, 15));
        let (due, _) = ext("trước 17h ngày 20/4/2023").unwrap();
        assert_eq!(
            (due.date, due.time),
            (d(2023, 4, 20), Some(Time::constant(17, 0, 0, 0)))
        );
        assert_eq!(ext("trong quý II").unwrap().0.date, d(2023, 6, 30));
        assert_eq!(ext("tháng 5/2023").unwrap().0.date, d(2023, 5, 31));
        // Another "today" gives the year-less words another year: the year is never made up.
        let later = parse_extension(
            "ngày 15/4",
            None,
            "x",
            Some(DueMoment::end_of(d(2025, 1, 1))),
            d(2025, 2, 1),
        );
        assert_eq!(later.unwrap().0.date, d(2025, 4, 15));
        for bad in ["thường xuyên", "hàng tuần", "hôm kia nọ", "31/02/2023"] {
            let e = ext(bad).unwrap_err();
            assert_eq!(e.0[0].field, "new_due", "{bad}");
        }
    }
}
