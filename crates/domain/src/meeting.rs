//! Review meetings (giao ban, sơ kết, tổng kết, phiên họp thường kỳ, hội nghị chuyên đề) and the
//! recommendations (kiến nghị, đề xuất) heard at them.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;
use crate::calendar::WorkCalendar;
use crate::deadline::{DeadlineError, DueMoment, conclusion_notice_due};
use crate::period::Period;
use crate::task::clean_multiline;
use crate::unit::{Invalid, Invalids, UnitId, clean_text, parse_date, required_text};

/// Longest minutes text accepted (a full record of a long meeting).
pub const MAX_MINUTES_CHARS: usize = 100_000;

/// Kind of meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// Giao ban tuần / tháng.
    Briefing,
    /// Sơ kết quý, 6 tháng, 9 tháng.
    Review,
    /// Tổng kết năm.
    AnnualReview,
    /// Phiên họp thường kỳ của UBND.
    RegularSession,
    /// Hội nghị chuyên đề.
    Thematic,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 5] = [
        MeetingKind::Briefing,
        MeetingKind::Review,
        MeetingKind::AnnualReview,
        MeetingKind::RegularSession,
        MeetingKind::Thematic,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MeetingKind::Briefing => "briefing",
            MeetingKind::Review => "review",
            MeetingKind::AnnualReview => "annual_review",
            MeetingKind::RegularSession => "regular_session",
            MeetingKind::Thematic => "thematic",
        }
    }

    pub fn parse(s: &str) -> Result<MeetingKind, Invalid> {
        MeetingKind::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "kind",
                    "meeting.kind_unknown",
                    format!("Loại cuộc họp «{s}» không hợp lệ."),
                    format!("Unknown meeting kind «{s}»."),
                )
            })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MeetingKind::Briefing => lang.pick("Giao ban", "Briefing"),
            MeetingKind::Review => lang.pick("Sơ kết", "Periodic review"),
            MeetingKind::AnnualReview => lang.pick("Tổng kết năm", "Annual review"),
            MeetingKind::RegularSession => lang.pick("Phiên họp thường kỳ", "Regular session"),
            MeetingKind::Thematic => lang.pick("Hội nghị chuyên đề", "Thematic conference"),
        }
    }
}

/// A person at a meeting, as written ("đồng chí Lê Văn Hoa - Chủ tịch UBND huyện").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Person {
    /// Họ tên (full name), as written.
    pub name: String,
    /// Chức vụ: "Chủ tịch UBND huyện".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The unit the person speaks for, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<uuid::Uuid>))]
    pub unit_id: Option<UnitId>,
}

impl Person {
    pub fn parse(field: &'static str, p: &PersonInput) -> Result<Person, Invalid> {
        Ok(Person {
            name: required_text(field, &p.name, 200)?,
            title: clean_text(field, p.title.as_deref().unwrap_or(""), 300)?,
            unit_id: p.unit_id.map(UnitId),
        })
    }

    /// "Lê Văn Hoa - Chủ tịch UBND huyện".
    pub fn display(&self) -> String {
        match &self.title {
            Some(t) => format!("{} - {t}", self.name),
            None => self.name.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Họ tên (full name): "Lê Văn Hoa".
    pub name: String,
    /// Chức vụ (title): "Chủ tịch UBND huyện".
    #[serde(default)]
    pub title: Option<String>,
    /// The unit the person speaks for, when known.
    #[serde(default)]
    pub unit_id: Option<Uuid>,
}

/// A meeting to create or the new state of one, validated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeetingDraft {
    pub kind: MeetingKind,
    pub title: String,
    pub date: Date,
    pub time: Option<Time>,
    pub place: Option<String>,
    pub host_unit_id: UnitId,
    pub chair: Option<Person>,
    pub participants: Vec<Person>,
    pub invited_unit_ids: Vec<UnitId>,
    pub agenda: Vec<String>,
    pub minutes: Option<String>,
    /// The reporting period the meeting reviews.
    pub period: Option<Period>,
}

/// Raw input for a meeting (form or JSON).
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeetingInput {
    /// Loại cuộc họp: `briefing` (giao ban), `review` (sơ kết), `annual_review` (tổng kết),
    /// `regular_session` (phiên họp thường kỳ), `thematic` (hội nghị chuyên đề).
    #[cfg_attr(feature = "openapi", schema(value_type = MeetingKind))]
    pub kind: String,
    /// Tên cuộc họp.
    #[cfg_attr(feature = "openapi", schema(examples("Giao ban tháng 3/2023")))]
    pub title: String,
    /// ISO or dd/mm/yyyy.
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::DateText))]
    pub date: String,
    /// "08:00", "8h", "14h30"; empty = not given.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::ClockText>))]
    pub time: Option<String>,
    /// Địa điểm.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("Hội trường UBND huyện")))]
    pub place: Option<String>,
    /// The unit that holds the meeting (UBND huyện…).
    pub host_unit_id: Uuid,
    /// Who chairs it (chủ trì).
    #[serde(default)]
    pub chair: Option<PersonInput>,
    /// Thành phần dự họp.
    #[serde(default)]
    pub participants: Vec<PersonInput>,
    /// Units invited (đơn vị được mời).
    #[serde(default)]
    pub invited_unit_ids: Vec<Uuid>,
    /// Nội dung chương trình, one item each.
    #[serde(default)]
    pub agenda: Vec<String>,
    /// Biên bản: the record of the meeting, up to 100 000 characters.
    #[serde(default)]
    pub minutes: Option<String>,
    /// Period code: `2023Q1`, `202303`, `2023S1`, `2023`…
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::period::Period>))]
    pub period: Option<String>,
    /// Optimistic concurrency on update.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Reads a clock time as officials write it: "17:00", "17h", "17h00", "8h30", "08:00".
pub fn parse_time(field: &'static str, raw: &str) -> Result<Option<Time>, Invalid> {
    let s = raw.trim().to_lowercase();
    if s.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Invalid::new(
            field,
            "time.invalid",
            format!(
                "Giờ «{}» không hợp lệ (ví dụ 08:00 hoặc 14h30).",
                raw.trim()
            ),
            format!("Invalid time «{}» (e.g. 08:00 or 14h30).", raw.trim()),
        )
    };
    let (h, m) = match s.split_once([':', 'h', 'g']) {
        Some((h, m)) => (h.trim(), m.trim().trim_end_matches("ph").trim()),
        None => (s.as_str(), ""),
    };
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = if m.is_empty() {
        0
    } else {
        m.parse().map_err(|_| bad())?
    };
    Time::new(h, m, 0, 0).map(Some).map_err(|_| bad())
}

impl MeetingDraft {
    pub fn parse(input: &MeetingInput) -> Result<MeetingDraft, Invalids> {
        let mut errors = Invalids::default();
        let kind = errors.take(MeetingKind::parse(&input.kind));
        let title = errors.take(required_text("title", &input.title, 500));
        let date = match errors.take(parse_date("date", &input.date)) {
            Some(Some(d)) => Some(d),
            Some(None) => {
                errors.push(Invalid::new(
                    "date",
                    "text.required",
                    "Cần nhập ngày họp.",
                    "The meeting date is required.",
                ));
                None
            }
            None => None,
        };
        let time = errors
            .take(parse_time("time", input.time.as_deref().unwrap_or("")))
            .flatten();
        let place = errors
            .take(clean_text(
                "place",
                input.place.as_deref().unwrap_or(""),
                300,
            ))
            .flatten();
        let chair = match &input.chair {
            Some(p) if !p.name.trim().is_empty() => errors.take(Person::parse("chair", p)),
            _ => None,
        };
        let participants: Vec<Person> = input
            .participants
            .iter()
            .filter(|p| !p.name.trim().is_empty())
            .filter_map(|p| errors.take(Person::parse("participants", p)))
            .collect();
        let agenda: Vec<String> = input
            .agenda
            .iter()
            .filter_map(|a| errors.take(clean_text("agenda", a, 1000)).flatten())
            .collect();
        let minutes = errors
            .take(clean_multiline(
                "minutes",
                input.minutes.as_deref().unwrap_or(""),
                MAX_MINUTES_CHARS,
            ))
            .flatten();
        let period = match input.period.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => match Period::parse_input(code) {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.push(Invalid::new(
                        "period",
                        "meeting.period_invalid",
                        format!(
                            "Kỳ báo cáo «{code}» không hợp lệ (ví dụ: {}).",
                            crate::period::PERIOD_EXAMPLES_VI
                        ),
                        format!(
                            "Invalid reporting period «{code}» (e.g. {}).",
                            crate::period::PERIOD_EXAMPLES_EN
                        ),
                    ));
                    None
                }
            },
        };
        let mut invited: Vec<UnitId> = Vec::new();
        for u in &input.invited_unit_ids {
            if !invited.contains(&UnitId(*u)) {
                invited.push(UnitId(*u));
            }
        }
        errors.into_result()?;
        match (kind, title, date) {
            (Some(kind), Some(title), Some(date)) => Ok(MeetingDraft {
                kind,
                title,
                date,
                time,
                place,
                host_unit_id: UnitId(input.host_unit_id),
                chair,
                participants,
                invited_unit_ids: invited,
                agenda,
                minutes,
                period,
            }),
            _ => Err(Invalids::from(Invalid::new(
                "meeting",
                "meeting.invalid",
                "Cuộc họp không hợp lệ.",
                "The meeting is invalid.",
            ))),
        }
    }
}

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: Uuid,
    pub kind: MeetingKind,
    pub title: String,
    pub date: Date,
    pub time: Option<Time>,
    pub place: Option<String>,
    pub host_unit_id: UnitId,
    pub chair: Option<Person>,
    pub participants: Vec<Person>,
    pub invited_unit_ids: Vec<UnitId>,
    pub agenda: Vec<String>,
    pub minutes: Option<String>,
    pub period: Option<Period>,
    pub created_at: Timestamp,
    pub version: i64,
}

impl Meeting {
    /// When its conclusion notice is due (5 working days after, Decision 45/2018).
    pub fn notice_due(&self, calendar: &WorkCalendar) -> Result<DueMoment, DeadlineError> {
        conclusion_notice_due(self.date, calendar)
    }
}

/// Status of a recommendation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecommendationStatus {
    /// Chờ trả lời.
    Awaiting,
    /// Đã trả lời.
    Answered,
    /// Đang giải quyết.
    InProgress,
    /// Đã giải quyết.
    Resolved,
}

impl RecommendationStatus {
    pub const ALL: [RecommendationStatus; 4] = [
        RecommendationStatus::Awaiting,
        RecommendationStatus::Answered,
        RecommendationStatus::InProgress,
        RecommendationStatus::Resolved,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RecommendationStatus::Awaiting => "awaiting",
            RecommendationStatus::Answered => "answered",
            RecommendationStatus::InProgress => "in_progress",
            RecommendationStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Result<RecommendationStatus, Invalid> {
        RecommendationStatus::ALL
            .into_iter()
            .find(|k| k.code() == s.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "status",
                    "recommendation.status_unknown",
                    format!("Trạng thái «{s}» không hợp lệ."),
                    format!("Unknown status «{s}»."),
                )
            })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            RecommendationStatus::Awaiting => lang.pick("Chờ trả lời", "Awaiting an answer"),
            RecommendationStatus::Answered => lang.pick("Đã trả lời", "Answered"),
            RecommendationStatus::InProgress => lang.pick("Đang giải quyết", "Being resolved"),
            RecommendationStatus::Resolved => lang.pick("Đã giải quyết", "Resolved"),
        }
    }
}

/// A recommendation as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recommendation {
    pub id: Uuid,
    pub meeting_id: Option<Uuid>,
    pub raised_by_unit_id: UnitId,
    pub addressed_to_unit_id: Option<UnitId>,
    pub content: String,
    pub raised_on: Date,
    pub answer: Option<String>,
    pub answered_on: Option<Date>,
    pub status: RecommendationStatus,
    pub resolved_on: Option<Date>,
    pub version: i64,
}

/// Raw input for a new recommendation.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RecommendationInput {
    /// The meeting it was raised at, if any.
    #[serde(default)]
    pub meeting_id: Option<Uuid>,
    /// The unit that raises it.
    pub raised_by_unit_id: Uuid,
    /// The unit asked to answer it.
    #[serde(default)]
    pub addressed_to_unit_id: Option<Uuid>,
    /// Nội dung kiến nghị, up to 4 000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(examples("Đề nghị UBND huyện hỗ trợ kinh phí sửa chữa kênh mương nội đồng."))
    )]
    pub content: String,
    /// The day it was raised; default: today.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::DateText>))]
    pub raised_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecommendationDraft {
    pub meeting_id: Option<Uuid>,
    pub raised_by_unit_id: UnitId,
    pub addressed_to_unit_id: Option<UnitId>,
    pub content: String,
    pub raised_on: Date,
}

impl RecommendationDraft {
    pub fn parse(input: &RecommendationInput, today: Date) -> Result<Self, Invalids> {
        let mut errors = Invalids::default();
        let content = errors.take(clean_multiline("content", &input.content, 4000));
        let raised_on = errors.take(parse_date(
            "raised_on",
            input.raised_on.as_deref().unwrap_or(""),
        ));
        if matches!(content, Some(None)) {
            errors.push(Invalid::new(
                "content",
                "text.required",
                "Cần nhập nội dung kiến nghị.",
                "The recommendation's content is required.",
            ));
        }
        errors.into_result()?;
        Ok(RecommendationDraft {
            meeting_id: input.meeting_id,
            raised_by_unit_id: UnitId(input.raised_by_unit_id),
            addressed_to_unit_id: input.addressed_to_unit_id.map(UnitId),
            content: content.flatten().unwrap_or_default(),
            raised_on: raised_on.flatten().unwrap_or(today),
        })
    }
}

/// An answer to a recommendation, or a change of its status.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    /// Nội dung trả lời, up to 4 000 characters.
    #[serde(default)]
    pub answer: Option<String>,
    /// `awaiting`, `answered`, `in_progress` or `resolved`.
    #[cfg_attr(feature = "openapi", schema(value_type = RecommendationStatus))]
    pub status: String,
    /// The version read, to refuse overwriting someone else's change.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub answer: Option<String>,
    pub status: RecommendationStatus,
    pub version: Option<i64>,
}

impl Answer {
    pub fn parse(input: &AnswerInput) -> Result<Answer, Invalids> {
        let mut errors = Invalids::default();
        let answer = errors
            .take(clean_multiline(
                "answer",
                input.answer.as_deref().unwrap_or(""),
                4000,
            ))
            .flatten();
        let status = errors.take(RecommendationStatus::parse(&input.status));
        if status.is_some_and(|s| s != RecommendationStatus::Awaiting) && answer.is_none() {
            errors.push(Invalid::new(
                "answer",
                "recommendation.answer_required",
                "Cần nhập nội dung trả lời.",
                "The answer is required.",
            ));
        }
        errors.into_result()?;
        Ok(Answer {
            answer,
            status: status.unwrap_or(RecommendationStatus::Awaiting),
            version: input.version,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> MeetingInput {
        MeetingInput {
            kind: "briefing".into(),
            title: "Giao ban công tác tháng 3".into(),
            date: "24/03/2023".into(),
            time: Some("8h".into()),
            place: None,
            host_unit_id: Uuid::now_v7(),
            chair: Some(PersonInput {
                name: "Lê Văn Hoa".into(),
                title: Some("Chủ tịch UBND huyện".into()),
                unit_id: None,
            }),
            participants: vec![],
            invited_unit_ids: vec![],
            agenda: vec!["Báo cáo kết quả quý I".into(), "  ".into()],
            minutes: None,
            period: Some("2023Q1".into()),
            version: None,
        }
    }

    #[test]
    fn a_meeting_is_read_as_officials_write_it() {
        let m = MeetingDraft::parse(&input()).unwrap();
        assert_eq!(m.date, jiff::civil::date(2023, 3, 24));
        assert_eq!(m.time, Some(Time::constant(8, 0, 0, 0)));
        assert_eq!(m.agenda.len(), 1);
        assert_eq!(m.period.unwrap().code(), "2023Q1");
        assert_eq!(
            m.chair.unwrap().display(),
            "Lê Văn Hoa - Chủ tịch UBND huyện"
        );
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut i = input();
        i.kind = "party".into();
        i.date = "31/02/2023".into();
        i.time = Some("25h".into());
        i.period = Some("quý 5".into());
        let codes: Vec<&str> = MeetingDraft::parse(&i)
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            vec![
                "meeting.kind_unknown",
                "date.invalid",
                "time.invalid",
                "meeting.period_invalid"
            ]
        );
    }

    #[test]
    fn times_as_written() {
        for (raw, h, m) in [
            ("17h", 17, 0),
            ("14h30", 14, 30),
            ("08:00", 8, 0),
            ("7g30", 7, 30),
        ] {
            assert_eq!(
                parse_time("t", raw).unwrap(),
                Some(Time::constant(h, m, 0, 0)),
                "{raw}"
            );
        }
        assert!(parse_time("t", "17h61").is_err());
        assert_eq!(parse_time("t", " ").unwrap(), None);
    }

    #[test]
    fn an_answer_needs_text_unless_awaiting() {
        let e = Answer::parse(&AnswerInput {
            answer: None,
            status: "answered".into(),
            version: None,
        })
        .unwrap_err();
        assert_eq!(e.0[0].code, "recommendation.answer_required");
    }
}
