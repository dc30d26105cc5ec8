//! Periodic reports (báo cáo định kỳ): the forms units fill, their deadlines, the life of a
//! submission (draft → submitted → returned with a reason → accepted, bottom-up like DHIS2's
//! approval), the validation rules checked on entry and the timeliness of each unit.
//!
//! A form names indicators of the catalog plus narrative sections (results, shortcomings and causes,
//! tasks for the next period, recommendations — which become recommendation records of the review
//! meeting), its period kind, which unit kinds report, the data window (calendar or Decree 09
//! cut-off) and the deadline rule.

use std::collections::{BTreeMap, HashSet};
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::calendar::{WorkCalendar, local_date};
use crate::deadline::{DeadlineError, DueMoment, SubmissionRule};
use crate::indicator::{Figure, Indicator, IndicatorCode, IndicatorRuleError, ValueType};
use crate::lang::{Lang, Localized};
use crate::period::{Period, PeriodKind, ReportingWindow, WindowRule};
use crate::unit::{Invalid, Invalids, UnitId, UnitKind, clean_text, required_text};

/// A report form's identity in storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormId(pub Uuid);

impl FormId {
    pub fn new() -> Self {
        FormId(Uuid::now_v7())
    }
}

impl Default for FormId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for FormId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A submission's identity in storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SubmissionId(pub Uuid);

impl SubmissionId {
    pub fn new() -> Self {
        SubmissionId(Uuid::now_v7())
    }
}

impl Default for SubmissionId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// The narrative parts of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Kết quả thực hiện.
    Results,
    /// Tồn tại, hạn chế và nguyên nhân.
    Shortcomings,
    /// Nhiệm vụ kỳ tới.
    NextTasks,
    /// Kiến nghị, đề xuất: each paragraph becomes a recommendation record.
    Recommendations,
}

impl SectionKind {
    pub const ALL: [SectionKind; 4] = [
        SectionKind::Results,
        SectionKind::Shortcomings,
        SectionKind::NextTasks,
        SectionKind::Recommendations,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SectionKind::Results => "results",
            SectionKind::Shortcomings => "shortcomings",
            SectionKind::NextTasks => "next_tasks",
            SectionKind::Recommendations => "recommendations",
        }
    }

    pub fn parse(s: &str) -> Option<SectionKind> {
        SectionKind::ALL.into_iter().find(|k| k.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SectionKind::Results => lang.pick("Kết quả thực hiện", "Results"),
            SectionKind::Shortcomings => lang.pick(
                "Tồn tại, hạn chế và nguyên nhân",
                "Shortcomings and their causes",
            ),
            SectionKind::NextTasks => lang.pick("Nhiệm vụ kỳ tới", "Tasks for the next period"),
            SectionKind::Recommendations => lang.pick("Kiến nghị, đề xuất", "Recommendations"),
        }
    }
}

/// One indicator on a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormItem {
    /// The indicator's code in the catalog.
    pub code: IndicatorCode,
    /// Whether the form cannot be submitted without it.
    #[serde(default)]
    pub required: bool,
}

/// A comparison of a validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CompareOp {
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "=")]
    Eq,
}

impl CompareOp {
    pub fn holds(self, a: Figure, b: Figure) -> bool {
        match self {
            CompareOp::Le => a <= b,
            CompareOp::Lt => a < b,
            CompareOp::Ge => a >= b,
            CompareOp::Gt => a > b,
            CompareOp::Eq => a == b,
        }
    }

    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Le => "≤",
            CompareOp::Lt => "<",
            CompareOp::Ge => "≥",
            CompareOp::Gt => ">",
            CompareOp::Eq => "=",
        }
    }
}

/// The right side of a rule: another indicator of the form or a constant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Operand {
    Indicator { indicator: IndicatorCode },
    Constant { constant: Figure },
}

/// A rule checked when a unit enters figures, e.g. harvested area ≤ sown area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationRule {
    /// The indicator compared.
    pub left: IndicatorCode,
    /// How: `<=`, `<`, `>=`, `>` or `=`.
    pub op: CompareOp,
    /// Another indicator of the form (`{"indicator": code}`) or a constant
    /// (`{"constant": figure}`).
    pub right: Operand,
    /// What the person sees when the rule fails.
    pub message_vi: String,
    #[serde(default)]
    pub message_en: String,
}

/// A report form's definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormDefinition {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub period_kind: PeriodKind,
    pub window_rule: WindowRule,
    pub submission_rule: SubmissionRule,
    /// Which unit kinds report on this form (communes, townships, departments…).
    pub reporter_kinds: Vec<UnitKind>,
    pub items: Vec<FormItem>,
    pub sections: Vec<SectionKind>,
    #[serde(default)]
    pub rules: Vec<ValidationRule>,
    /// Days before the deadline when reporters are reminded (7, 3, 1).
    #[serde(default)]
    pub reminder_days: Vec<u8>,
}

/// A stored form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportForm {
    pub id: FormId,
    #[serde(flatten)]
    pub def: FormDefinition,
    pub active: bool,
    pub version: i64,
    /// The territory that made the form and alone changes it (its leaders and office); `None`: a
    /// national (system) form, changed by the administrator only. A territory's own form is
    /// reported on by the units inside it only.
    #[serde(default)]
    pub owner_unit_id: Option<UnitId>,
}

impl ReportForm {
    pub fn name(&self, lang: Lang) -> &str {
        lang.pick(&self.def.name_vi, &self.def.name_en)
    }

    /// The data window of `period` for this form.
    pub fn window(&self, period: Period) -> Result<ReportingWindow, DeadlineError> {
        Ok(ReportingWindow::new(period, self.def.window_rule)?)
    }

    /// When a report for `period` is due.
    pub fn due(&self, period: Period, calendar: &WorkCalendar) -> Result<DueMoment, DeadlineError> {
        self.def
            .submission_rule
            .due(&self.window(period)?, calendar)
    }

    /// Whether units of `kind` report on this form.
    pub fn is_reporter(&self, kind: UnitKind) -> bool {
        self.def.reporter_kinds.contains(&kind)
    }

    /// Whether the unit of `kind` whose ancestry is given (the unit first) reports on this form:
    /// of a reporting kind, and inside the owner's territory for a territory's own form.
    pub fn applies_to(&self, kind: UnitKind, ancestry: &[UnitId]) -> bool {
        self.is_reporter(kind) && self.owner_unit_id.is_none_or(|o| ancestry.contains(&o))
    }
}

/// A form as typed or posted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormInput {
    /// The form's code, written like an indicator's: `BC_NONG_NGHIEP_THANG`.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::indicator::IndicatorCode))]
    pub code: String,
    /// Tên biểu mẫu.
    #[cfg_attr(
        feature = "openapi",
        schema(examples("Báo cáo sản xuất nông nghiệp tháng"))
    )]
    pub name_vi: String,
    /// The name in English; default: none.
    #[serde(default)]
    pub name_en: String,
    /// `week`, `month`, `quarter`, `half_year`, `nine_months`, `year`.
    pub period_kind: PeriodKind,
    /// Kỳ chốt số liệu: `calendar` (default) or `decree09`.
    #[serde(default = "calendar_rule")]
    pub window_rule: WindowRule,
    /// When a report is due, relative to its window.
    pub submission_rule: SubmissionRule,
    /// Which kinds of unit report on the form (`commune`, `township`, `department`…).
    pub reporter_kinds: Vec<UnitKind>,
    /// The indicators on the form, at least one.
    pub items: Vec<FormItem>,
    /// The narrative sections; default: all four.
    #[serde(default = "all_sections")]
    pub sections: Vec<SectionKind>,
    /// Rules checked when a unit enters figures.
    #[serde(default)]
    pub rules: Vec<ValidationRule>,
    /// Days before the deadline when reporters are reminded; default `[3, 1]`.
    #[serde(default = "default_reminders")]
    pub reminder_days: Vec<u8>,
}

fn calendar_rule() -> WindowRule {
    WindowRule::Calendar
}
fn all_sections() -> Vec<SectionKind> {
    SectionKind::ALL.to_vec()
}
fn default_reminders() -> Vec<u8> {
    vec![3, 1]
}

fn invalid(field: &'static str, code: &'static str, vi: String, en: String) -> Invalid {
    Invalid::new(field, code, vi, en)
}

impl FormDefinition {
    /// Validates a form against the indicator catalog.
    pub fn parse(input: &FormInput, catalog: &[Indicator]) -> Result<FormDefinition, Invalids> {
        let mut errs = Invalids::default();
        let code = errs
            .take(IndicatorCode::parse(&input.code).map_err(|mut e| {
                e.code = "form.code_invalid";
                e.vi = e.vi.replace("Mã chỉ tiêu", "Mã biểu mẫu");
                e.en = e.en.replace("indicator code", "form code");
                e
            }))
            .map(|c| c.to_string());
        let name_vi = errs.take(required_text("name_vi", &input.name_vi, 300));
        let name_en = errs
            .take(clean_text("name_en", &input.name_en, 300))
            .flatten();
        if input.reporter_kinds.is_empty() {
            errs.push(invalid(
                "reporter_kinds",
                "form.no_reporters",
                "Chọn ít nhất một loại đơn vị báo cáo.".into(),
                "Choose at least one kind of reporting unit.".into(),
            ));
        }
        if input.items.is_empty() {
            errs.push(invalid(
                "items",
                "form.no_items",
                "Biểu mẫu cần ít nhất một chỉ tiêu.".into(),
                "A form needs at least one indicator.".into(),
            ));
        }
        let by_code: BTreeMap<&IndicatorCode, &Indicator> =
            catalog.iter().map(|i| (&i.code, i)).collect();
        let mut seen = HashSet::new();
        for item in &input.items {
            match by_code.get(&item.code) {
                None => errs.push(invalid(
                    "items",
                    "form.unknown_indicator",
                    format!("Không có chỉ tiêu mã {} trong danh mục.", item.code),
                    format!("No indicator with code {} in the catalog.", item.code),
                )),
                Some(i) if !i.is_entered() => errs.push(invalid(
                    "items",
                    "form.computed_indicator",
                    format!(
                        "Chỉ tiêu {} được tính tự động, không nhập trên biểu mẫu.",
                        item.code
                    ),
                    format!(
                        "Indicator {} is computed, not entered on a form.",
                        item.code
                    ),
                )),
                Some(i) if !i.active => errs.push(invalid(
                    "items",
                    "form.inactive_indicator",
                    format!("Chỉ tiêu {} đã ngừng sử dụng.", item.code),
                    format!("Indicator {} is no longer in use.", item.code),
                )),
                Some(_) => {}
            }
            if !seen.insert(&item.code) {
                errs.push(invalid(
                    "items",
                    "form.duplicate_indicator",
                    format!("Chỉ tiêu {} có hai lần trên biểu mẫu.", item.code),
                    format!("Indicator {} appears twice on the form.", item.code),
                ));
            }
        }
        for (n, rule) in input.rules.iter().enumerate() {
            let n = n + 1;
            let mut codes = vec![&rule.left];
            if let Operand::Indicator { indicator } = &rule.right {
                codes.push(indicator);
            }
            for c in codes {
                let numeric = by_code
                    .get(c)
                    .is_some_and(|i| i.value_type != ValueType::Text);
                if !seen.contains(c) || !numeric {
                    errs.push(invalid(
                        "rules",
                        "form.rule_indicator",
                        format!(
                            "Quy tắc kiểm tra thứ {n} dùng chỉ tiêu {c}, không phải chỉ tiêu số của biểu mẫu."
                        ),
                        format!("Validation rule {n} uses {c}, not a numeric indicator of the form."),
                    ));
                }
            }
            if rule.message_vi.trim().is_empty() {
                errs.push(invalid(
                    "rules",
                    "form.rule_message",
                    format!("Quy tắc kiểm tra thứ {n} cần thông báo lỗi bằng tiếng Việt."),
                    format!("Validation rule {n} needs a Vietnamese message."),
                ));
            }
        }
        match (input.period_kind, input.submission_rule) {
            (PeriodKind::Week, SubmissionRule::WorkingDaysAfterWindow { .. })
            | (PeriodKind::Week, _)
                if input.window_rule == WindowRule::Decree09 =>
            {
                errs.push(invalid(
                    "window_rule",
                    "form.weekly_decree09",
                    "Báo cáo tuần không có kỳ chốt số liệu theo Nghị định 09: chọn theo kỳ dương lịch.".into(),
                    "Weekly reports have no Decree 09 cut-off window: choose the calendar period.".into(),
                ));
            }
            (k, SubmissionRule::WeekdayAt { .. }) if k != PeriodKind::Week => {
                errs.push(invalid(
                    "submission_rule",
                    "form.weekday_rule_not_weekly",
                    "Hạn nộp theo thứ trong tuần chỉ dùng cho báo cáo tuần.".into(),
                    "A weekday deadline applies to weekly reports only.".into(),
                ));
            }
            _ => {}
        }
        if input.reminder_days.iter().any(|d| *d == 0 || *d > 30) {
            errs.push(invalid(
                "reminder_days",
                "form.reminder_range",
                "Ngày nhắc trước hạn từ 1 đến 30.".into(),
                "Reminder days must be 1 to 30.".into(),
            ));
        }
        errs.into_result()?;
        let (Some(code), Some(name_vi)) = (code, name_vi) else {
            return Err(Invalids::default());
        };
        let mut reminder_days = input.reminder_days.clone();
        reminder_days.sort_unstable_by(|a, b| b.cmp(a));
        reminder_days.dedup();
        let mut sections = input.sections.clone();
        sections.sort();
        sections.dedup();
        Ok(FormDefinition {
            name_en: name_en.unwrap_or_else(|| name_vi.clone()),
            code,
            name_vi,
            period_kind: input.period_kind,
            window_rule: input.window_rule,
            submission_rule: input.submission_rule,
            reporter_kinds: input.reporter_kinds.clone(),
            items: input.items.clone(),
            sections,
            rules: input.rules.clone(),
            reminder_days,
        })
    }
}

/// Where a submission stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// Being filled by the unit.
    Draft,
    /// Sent; counted in the roll-ups; waiting for the level above.
    Submitted,
    /// Sent back by the level above with a reason; not counted until sent again.
    Returned,
    /// Accepted by the level above: counted and locked.
    Accepted,
}

impl SubmissionStatus {
    pub const ALL: [SubmissionStatus; 4] = [
        SubmissionStatus::Draft,
        SubmissionStatus::Submitted,
        SubmissionStatus::Returned,
        SubmissionStatus::Accepted,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SubmissionStatus::Draft => "draft",
            SubmissionStatus::Submitted => "submitted",
            SubmissionStatus::Returned => "returned",
            SubmissionStatus::Accepted => "accepted",
        }
    }

    pub fn parse(s: &str) -> Option<SubmissionStatus> {
        SubmissionStatus::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            SubmissionStatus::Draft => lang.pick("Đang soạn", "Draft"),
            SubmissionStatus::Submitted => lang.pick("Đã gửi", "Submitted"),
            SubmissionStatus::Returned => lang.pick("Bị trả lại", "Returned"),
            SubmissionStatus::Accepted => lang.pick("Đã duyệt", "Accepted"),
        }
    }

    /// Whether the submission's figures count in the roll-ups.
    pub fn is_counted(self) -> bool {
        matches!(
            self,
            SubmissionStatus::Submitted | SubmissionStatus::Accepted
        )
    }

    /// Whether the reporting unit may still change the figures.
    pub fn is_editable(self) -> bool {
        matches!(self, SubmissionStatus::Draft | SubmissionStatus::Returned)
    }
}

/// What someone does to a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum SubmissionAction {
    /// The reporting unit sends it (again).
    Submit,
    /// The level above sends it back with a reason.
    Return { reason: String },
    /// The level above accepts it; the figures lock.
    Accept,
    /// The level above unlocks an accepted report for correction, with a reason.
    Reopen { reason: String },
}

impl SubmissionAction {
    pub fn code(&self) -> &'static str {
        match self {
            SubmissionAction::Submit => "submit",
            SubmissionAction::Return { .. } => "return",
            SubmissionAction::Accept => "accept",
            SubmissionAction::Reopen { .. } => "reopen",
        }
    }

    /// Whether the reporting unit itself does this (else the level above).
    pub fn by_reporter(&self) -> bool {
        matches!(self, SubmissionAction::Submit)
    }
}

/// A refused change to a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmissionError {
    /// The action does not apply in this state.
    Transition {
        from: SubmissionStatus,
        action: &'static str,
    },
    /// Returning or reopening needs a reason.
    ReasonRequired,
    /// The figures are locked (submitted or accepted).
    Locked(SubmissionStatus),
    /// The figures break the form's rules; submit refused.
    Invalid(Vec<ValueProblem>),
    /// The period is not one of the form's (a monthly code on a quarterly form…).
    WrongPeriodKind { expected: PeriodKind },
}

impl Localized for SubmissionError {
    fn code(&self) -> &'static str {
        match self {
            SubmissionError::Transition { .. } => "submission.transition",
            SubmissionError::ReasonRequired => "submission.reason_required",
            SubmissionError::Locked(_) => "submission.locked",
            SubmissionError::Invalid(_) => "submission.invalid",
            SubmissionError::WrongPeriodKind { .. } => "submission.period_kind",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            SubmissionError::Transition { from, action } => {
                let act = match (*action, lang) {
                    ("submit", Lang::Vi) => "gửi",
                    ("return", Lang::Vi) => "trả lại",
                    ("accept", Lang::Vi) => "duyệt",
                    ("reopen", Lang::Vi) => "mở lại",
                    (a, _) => a,
                };
                match lang {
                    Lang::Vi => format!(
                        "Không thể {act} báo cáo đang ở trạng thái «{}».",
                        from.label(lang)
                    ),
                    Lang::En => format!("Cannot {act} a report that is «{}».", from.label(lang)),
                }
            }
            SubmissionError::ReasonRequired => lang
                .pick(
                    "Cần ghi lý do khi trả lại hoặc mở lại báo cáo.",
                    "A reason is required to return or reopen a report.",
                )
                .to_owned(),
            SubmissionError::Locked(s) => match lang {
                Lang::Vi => format!(
                    "Báo cáo đang ở trạng thái «{}»: số liệu đã khóa, không sửa được.",
                    s.label(lang)
                ),
                Lang::En => format!("The report is «{}»: its figures are locked.", s.label(lang)),
            },
            SubmissionError::Invalid(problems) => problems
                .iter()
                .map(|p| format!("{}: {}", p.code, lang.pick(&p.vi, &p.en)))
                .collect::<Vec<_>>()
                .join(" "),
            SubmissionError::WrongPeriodKind { expected } => match lang {
                Lang::Vi => format!("Biểu mẫu này báo cáo theo kỳ {}.", expected.label(lang)),
                Lang::En => format!("This form reports by {}.", expected.label(lang)),
            },
        }
    }
}

/// The state after `action`, or why it is refused.
pub fn transition(
    from: SubmissionStatus,
    action: &SubmissionAction,
) -> Result<SubmissionStatus, SubmissionError> {
    use SubmissionStatus as S;
    let refuse = || SubmissionError::Transition {
        from,
        action: action.code(),
    };
    match action {
        SubmissionAction::Submit => match from {
            S::Draft | S::Returned => Ok(S::Submitted),
            _ => Err(refuse()),
        },
        SubmissionAction::Return { reason } => {
            if reason.trim().is_empty() {
                return Err(SubmissionError::ReasonRequired);
            }
            match from {
                S::Submitted => Ok(S::Returned),
                _ => Err(refuse()),
            }
        }
        SubmissionAction::Accept => match from {
            S::Submitted => Ok(S::Accepted),
            _ => Err(refuse()),
        },
        SubmissionAction::Reopen { reason } => {
            if reason.trim().is_empty() {
                return Err(SubmissionError::ReasonRequired);
            }
            match from {
                S::Accepted => Ok(S::Returned),
                _ => Err(refuse()),
            }
        }
    }
}

/// A unit's report for one form and period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    pub id: SubmissionId,
    pub form_id: FormId,
    pub unit_id: crate::unit::UnitId,
    pub period: Period,
    pub status: SubmissionStatus,
    /// Figures and texts by indicator code.
    pub values: BTreeMap<IndicatorCode, EnteredValue>,
    /// The narrative sections as written.
    pub narrative: BTreeMap<SectionKind, String>,
    /// When it was first sent (timeliness is judged on it).
    pub first_sent_at: Option<Timestamp>,
    pub sent_at: Option<Timestamp>,
    /// When it was last returned, accepted or reopened, by whom and why.
    pub decided_at: Option<Timestamp>,
    pub decided_by: Option<String>,
    pub reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// A figure or text as entered on a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EnteredValue {
    Figure(Figure),
    Text(String),
}

/// One problem with the figures of a submission, tied to an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValueProblem {
    pub code: String,
    pub vi: String,
    pub en: String,
}

/// Parses typed values (form fields or Excel cells) for a form: every value checked against its
/// indicator; unknown codes refused. Empty strings mean "not entered".
pub fn parse_values(
    form: &FormDefinition,
    catalog: &[Indicator],
    raw: &BTreeMap<String, String>,
) -> Result<BTreeMap<IndicatorCode, EnteredValue>, Vec<ValueProblem>> {
    let by_code: BTreeMap<&str, &Indicator> =
        catalog.iter().map(|i| (i.code.as_str(), i)).collect();
    let on_form: HashSet<&str> = form.items.iter().map(|i| i.code.as_str()).collect();
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for (code, value) in raw {
        let key = code.trim().to_ascii_uppercase();
        let Some(ind) = by_code
            .get(key.as_str())
            .filter(|_| on_form.contains(key.as_str()))
        else {
            problems.push(ValueProblem {
                code: code.clone(),
                vi: format!("Chỉ tiêu {code} không có trên biểu mẫu {}.", form.code),
                en: format!("Indicator {code} is not on form {}.", form.code),
            });
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        if ind.value_type == ValueType::Text {
            match clean_text("value", value, 2000) {
                Ok(Some(t)) => {
                    out.insert(ind.code.clone(), EnteredValue::Text(t));
                }
                Ok(None) => {}
                Err(e) => problems.push(ValueProblem {
                    code: ind.code.to_string(),
                    vi: e.vi,
                    en: e.en,
                }),
            }
            continue;
        }
        match ind.parse_value(value) {
            Ok(f) => {
                out.insert(ind.code.clone(), EnteredValue::Figure(f));
            }
            Err(e) => {
                // A bound is written with the indicator's measure: "tối đa 40.000.000 ha".
                let measure = match e {
                    IndicatorRuleError::AboveMax(_) | IndicatorRuleError::BelowMin(_)
                        if !ind.measure.is_empty() =>
                    {
                        format!(" {}", ind.measure)
                    }
                    _ => String::new(),
                };
                problems.push(ValueProblem {
                    code: ind.code.to_string(),
                    vi: format!(
                        "{} ({}) «{}»: {}{measure}",
                        ind.name_vi,
                        ind.code,
                        value.trim(),
                        e.message(Lang::Vi)
                    ),
                    en: format!(
                        "{} ({}) «{}»: {}{measure}",
                        ind.name_en,
                        ind.code,
                        value.trim(),
                        e.message(Lang::En)
                    ),
                })
            }
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// Checks entered values against the form's rules; with `for_submit`, required items must be there.
pub fn check_values(
    form: &FormDefinition,
    catalog: &[Indicator],
    values: &BTreeMap<IndicatorCode, EnteredValue>,
    for_submit: bool,
) -> Vec<ValueProblem> {
    let name = |c: &IndicatorCode, lang: Lang| {
        catalog
            .iter()
            .find(|i| &i.code == c)
            .map_or_else(|| c.to_string(), |i| i.name(lang).to_owned())
    };
    let figure = |c: &IndicatorCode| match values.get(c) {
        Some(EnteredValue::Figure(f)) => Some(*f),
        _ => None,
    };
    let mut out = Vec::new();
    if for_submit {
        for item in form.items.iter().filter(|i| i.required) {
            if !values.contains_key(&item.code) {
                out.push(ValueProblem {
                    code: item.code.to_string(),
                    vi: format!("Chưa nhập «{}» (bắt buộc).", name(&item.code, Lang::Vi)),
                    en: format!("«{}» is required.", name(&item.code, Lang::En)),
                });
            }
        }
    }
    for rule in &form.rules {
        let Some(a) = figure(&rule.left) else {
            continue;
        };
        let b = match &rule.right {
            Operand::Constant { constant } => *constant,
            Operand::Indicator { indicator } => match figure(indicator) {
                Some(b) => b,
                None => continue,
            },
        };
        if !rule.op.holds(a, b) {
            out.push(ValueProblem {
                code: rule.left.to_string(),
                vi: rule.message_vi.clone(),
                en: if rule.message_en.is_empty() {
                    rule.message_vi.clone()
                } else {
                    rule.message_en.clone()
                },
            });
        }
    }
    out
}

/// Whether a unit's report came in on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Timeliness {
    /// Sent by the deadline.
    OnTime,
    /// Sent after the deadline, by `days` calendar days (counted from the deadline's day).
    Late { days: i32 },
    /// Not sent and the deadline has passed by `days`.
    Missing { days: i32 },
    /// Not sent yet, deadline still ahead.
    Pending,
}

impl Timeliness {
    /// Classifies a report: `sent` is when it was first sent (a report returned and sent again keeps
    /// its first sending time, as DHIS2 keeps the first completion).
    pub fn assess(due: Timestamp, sent: Option<Timestamp>, now: Timestamp) -> Timeliness {
        let days = |later: Timestamp| {
            let d = local_date(later) - local_date(due);
            d.get_days().max(1)
        };
        match sent {
            Some(s) if s <= due => Timeliness::OnTime,
            Some(s) => Timeliness::Late { days: days(s) },
            None if now > due => Timeliness::Missing { days: days(now) },
            None => Timeliness::Pending,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Timeliness::OnTime => "on_time",
            Timeliness::Late { .. } => "late",
            Timeliness::Missing { .. } => "missing",
            Timeliness::Pending => "pending",
        }
    }

    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (Timeliness::OnTime, _) => lang.pick("Đúng hạn", "On time").to_owned(),
            (Timeliness::Late { days }, Lang::Vi) => format!("Trễ {days} ngày"),
            (Timeliness::Late { days }, Lang::En) => format!("Late by {days} day(s)"),
            (Timeliness::Missing { days }, Lang::Vi) => format!("Chưa nộp (quá hạn {days} ngày)"),
            (Timeliness::Missing { days }, Lang::En) => {
                format!("Not sent ({days} day(s) overdue)")
            }
            (Timeliness::Pending, _) => lang.pick("Chưa đến hạn", "Not due yet").to_owned(),
        }
    }

    /// Whether the unit is behind (late or missing).
    pub fn is_behind(self) -> bool {
        matches!(self, Timeliness::Late { .. } | Timeliness::Missing { .. })
    }
}

/// Completeness of one form and period over the expected units (DHIS2: reports sent / expected).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Completeness {
    pub expected: u32,
    pub sent: u32,
    pub on_time: u32,
    pub late: u32,
    pub missing: u32,
    pub accepted: u32,
}

impl Completeness {
    pub fn add(&mut self, t: Timeliness, status: Option<SubmissionStatus>) {
        self.expected += 1;
        match t {
            Timeliness::OnTime => {
                self.sent += 1;
                self.on_time += 1;
            }
            Timeliness::Late { .. } => {
                self.sent += 1;
                self.late += 1;
            }
            Timeliness::Missing { .. } => self.missing += 1,
            Timeliness::Pending => {}
        }
        if status == Some(SubmissionStatus::Accepted) {
            self.accepted += 1;
        }
    }

    /// Percentage of expected reports sent, or `None` when none are expected.
    pub fn percent_sent(&self) -> Option<Figure> {
        let s = Figure::from_int(i64::from(self.sent))?;
        s.percent_of(Figure::from_int(i64::from(self.expected))?)
    }
}

/// Checks that a period code fits a form.
pub fn check_period(form: &FormDefinition, period: Period) -> Result<(), SubmissionError> {
    if period.kind() == form.period_kind {
        Ok(())
    } else {
        Err(SubmissionError::WrongPeriodKind {
            expected: form.period_kind,
        })
    }
}

/// Splits a recommendations section into one recommendation per paragraph or bullet.
pub fn split_recommendations(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            l.trim()
                .trim_start_matches(['-', '+', '*', '•', '–'])
                .trim()
                .to_owned()
        })
        .filter(|l| l.chars().count() >= 3)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{WorkCalendar, local_timestamp};
    use crate::indicator::{BUNDLED_CATALOG, IndicatorId, parse_catalog};
    use jiff::civil::{date, time};

    fn catalog() -> Vec<Indicator> {
        parse_catalog(BUNDLED_CATALOG)
            .unwrap()
            .into_iter()
            .map(|d| Indicator {
                id: IndicatorId::new(),
                code: d.code,
                name_vi: d.name_vi,
                name_en: d.name_en,
                measure: d.measure,
                value_type: d.value_type,
                rollup: d.rollup,
                accumulation: d.accumulation,
                direction: d.direction,
                sector: d.sector,
                decimals: d.decimals,
                active: d.active,
                version: 1,
            })
            .collect()
    }

    fn code(s: &str) -> IndicatorCode {
        IndicatorCode::parse(s).unwrap()
    }

    fn rice_form() -> FormInput {
        FormInput {
            code: "KTXH_QUY_XA".into(),
            name_vi: "Báo cáo KT-XH quý (xã)".into(),
            name_en: String::new(),
            period_kind: PeriodKind::Quarter,
            window_rule: WindowRule::Decree09,
            submission_rule: SubmissionRule::WorkingDaysAfterWindow {
                days: 2,
                time: None,
            },
            reporter_kinds: vec![UnitKind::Commune, UnitKind::Township],
            items: vec![
                FormItem {
                    code: code("NN_LUA_GIEO_CAY"),
                    required: true,
                },
                FormItem {
                    code: code("NN_LUA_THU_HOACH"),
                    required: false,
                },
                FormItem {
                    code: code("GHI_CHU_KHO_KHAN"),
                    required: false,
                },
            ],
            sections: all_sections(),
            rules: vec![ValidationRule {
                left: code("NN_LUA_THU_HOACH"),
                op: CompareOp::Le,
                right: Operand::Indicator {
                    indicator: code("NN_LUA_GIEO_CAY"),
                },
                message_vi: "Diện tích thu hoạch không được lớn hơn diện tích gieo cấy.".into(),
                message_en: "The harvested area cannot exceed the sown area.".into(),
            }],
            reminder_days: vec![1, 3, 3],
        }
    }

    #[test]
    fn a_form_is_checked_against_the_catalog() {
        let cat = catalog();
        let def = FormDefinition::parse(&rice_form(), &cat).unwrap();
        assert_eq!(def.reminder_days, vec![3, 1]);
        assert_eq!(def.name_en, def.name_vi);
        let mut bad = rice_form();
        bad.items.push(FormItem {
            code: code("NN_LUA_GIEO_CAY"),
            required: false,
        });
        bad.items.push(FormItem {
            code: code("KHONG_CO"),
            required: false,
        });
        bad.items.push(FormItem {
            code: code("XH_TY_LE_HO_NGHEO"),
            required: false,
        });
        bad.rules[0].left = code("GHI_CHU_KHO_KHAN");
        bad.reporter_kinds.clear();
        let errs = FormDefinition::parse(&bad, &cat).unwrap_err();
        let codes: Vec<&str> = errs.0.iter().map(|e| e.code).collect();
        for c in [
            "form.duplicate_indicator",
            "form.unknown_indicator",
            "form.computed_indicator",
            "form.rule_indicator",
            "form.no_reporters",
        ] {
            assert!(codes.contains(&c), "{c} missing from {codes:?}");
        }
    }

    #[test]
    fn values_are_parsed_and_the_rules_checked_with_clear_messages() {
        let cat = catalog();
        let def = FormDefinition::parse(&rice_form(), &cat).unwrap();
        let raw: BTreeMap<String, String> = [
            ("NN_LUA_GIEO_CAY".to_string(), "5.466,32".to_string()),
            ("NN_LUA_THU_HOACH".to_string(), "5.500".to_string()),
        ]
        .into();
        let values = parse_values(&def, &cat, &raw).unwrap();
        let problems = check_values(&def, &cat, &values, true);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "NN_LUA_THU_HOACH");
        assert!(problems[0].vi.contains("không được lớn hơn"));
        let raw: BTreeMap<String, String> = [
            ("NN_LUA_GIEO_CAY".to_string(), "năm nghìn".to_string()),
            ("XYZ".into(), "1".into()),
        ]
        .into();
        let problems = parse_values(&def, &cat, &raw).unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.vi.contains("không phải là số")));
        let empty = BTreeMap::new();
        let problems = check_values(&def, &cat, &empty, true);
        assert_eq!(problems[0].code, "NN_LUA_GIEO_CAY");
        assert!(check_values(&def, &cat, &empty, false).is_empty());
    }

    #[test]
    fn the_life_of_a_submission() {
        use SubmissionStatus as S;
        let ret = SubmissionAction::Return {
            reason: "Thiếu số liệu lúa".into(),
        };
        assert_eq!(
            transition(S::Draft, &SubmissionAction::Submit),
            Ok(S::Submitted)
        );
        assert_eq!(transition(S::Submitted, &ret), Ok(S::Returned));
        assert_eq!(
            transition(S::Returned, &SubmissionAction::Submit),
            Ok(S::Submitted)
        );
        assert_eq!(
            transition(S::Submitted, &SubmissionAction::Accept),
            Ok(S::Accepted)
        );
        assert!(matches!(
            transition(S::Accepted, &SubmissionAction::Submit),
            Err(SubmissionError::Transition { .. })
        ));
        assert_eq!(
            transition(
                S::Submitted,
                &SubmissionAction::Return {
                    reason: "  ".into()
                }
            ),
            Err(SubmissionError::ReasonRequired)
        );
        assert_eq!(
            transition(
                S::Accepted,
                &SubmissionAction::Reopen {
                    reason: "Sai số".into()
                }
            ),
            Ok(S::Returned)
        );
        assert!(S::Submitted.is_counted() && S::Accepted.is_counted());
        assert!(!S::Returned.is_counted() && !S::Draft.is_counted());
        let msg = SubmissionError::Transition {
            from: S::Accepted,
            action: "submit",
        }
        .message(Lang::Vi);
        assert_eq!(msg, "Không thể gửi báo cáo đang ở trạng thái «Đã duyệt».");
    }

    #[test]
    fn quarterly_reports_are_due_two_working_days_after_the_decree09_cut_off() {
        let cal = WorkCalendar::vietnam().unwrap();
        let cat = catalog();
        let form = ReportForm {
            id: FormId::new(),
            def: FormDefinition::parse(&rice_form(), &cat).unwrap(),
            active: true,
            version: 1,
            owner_unit_id: None,
        };
        let q1 = Period::quarter(2023, 1).unwrap();
        let w = form.window(q1).unwrap();
        assert_eq!(
            (w.start(), w.end()),
            (date(2022, 12, 15), date(2023, 3, 14))
        );
        // 14/03/2023 is a Tuesday: two working days later is Thursday 16/03.
        let due = form.due(q1, cal).unwrap();
        assert_eq!(due.date, date(2023, 3, 16));
        let due_at = due.instant().unwrap();
        let on = local_timestamp(date(2023, 3, 16), time(16, 0, 0, 0)).unwrap();
        let late = local_timestamp(date(2023, 3, 20), time(9, 0, 0, 0)).unwrap();
        assert_eq!(
            Timeliness::assess(due_at, Some(on), late),
            Timeliness::OnTime
        );
        assert_eq!(
            Timeliness::assess(due_at, Some(late), late),
            Timeliness::Late { days: 4 }
        );
        assert_eq!(
            Timeliness::assess(due_at, None, late),
            Timeliness::Missing { days: 4 }
        );
        assert_eq!(Timeliness::assess(due_at, None, on), Timeliness::Pending);
        assert_eq!(Timeliness::Late { days: 4 }.label(Lang::Vi), "Trễ 4 ngày");
        let mut c = Completeness::default();
        c.add(Timeliness::OnTime, Some(SubmissionStatus::Accepted));
        c.add(
            Timeliness::Late { days: 4 },
            Some(SubmissionStatus::Submitted),
        );
        c.add(Timeliness::Missing { days: 4 }, None);
        assert_eq!(
            (c.expected, c.sent, c.late, c.missing, c.accepted),
            (3, 2, 1, 1, 1)
        );
        assert_eq!(c.percent_sent().unwrap().format_vi(1), "66,7");
    }

    #[test]
    fn recommendations_split_into_one_per_line() {
        let t = "- Đề nghị huyện hỗ trợ xây dựng trụ sở.\n\n+ Sớm có quyết định trưởng đoàn công tác.\nok";
        assert_eq!(
            split_recommendations(t),
            [
                "Đề nghị huyện hỗ trợ xây dựng trụ sở.",
                "Sớm có quyết định trưởng đoàn công tác."
            ]
        );
    }
}
