//! Conclusion notices (thông báo kết luận): the chair's conclusions of a meeting, issued by the
//! office under a number from the issuing body's yearly sequence (`45/TB-UBND`).
//!
//! A notice is drafted, then issued; once issued it never changes. A correction is a new notice that
//! refers to the one it corrects.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;
use crate::task::clean_multiline;
use crate::unit::{Invalid, Invalids, UnitId, clean_text, parse_date};

/// Draft or issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConclusionStatus {
    Draft,
    Issued,
}

impl ConclusionStatus {
    pub fn code(self) -> &'static str {
        match self {
            ConclusionStatus::Draft => "draft",
            ConclusionStatus::Issued => "issued",
        }
    }

    pub fn parse(s: &str) -> Option<ConclusionStatus> {
        match s {
            "draft" => Some(ConclusionStatus::Draft),
            "issued" => Some(ConclusionStatus::Issued),
            _ => None,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ConclusionStatus::Draft => lang.pick("Dự thảo", "Draft"),
            ConclusionStatus::Issued => lang.pick("Đã ban hành", "Issued"),
        }
    }
}

/// How the signer signs (thẩm quyền ký, Decree 30/2020 Art. 13): for the body itself, on behalf of
/// the head (KT.), by order of the head (TL.), or standing in for the head (Q.).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Authority {
    /// The head signs: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH".
    OnBehalfOfBody,
    /// A deputy signs: "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".
    Deputy,
    /// The office head signs by order: "TL. CHỦ TỊCH / CHÁNH VĂN PHÒNG".
    ByOrder,
}

impl Authority {
    pub fn code(self) -> &'static str {
        match self {
            Authority::OnBehalfOfBody => "on_behalf_of_body",
            Authority::Deputy => "deputy",
            Authority::ByOrder => "by_order",
        }
    }

    pub fn parse(s: &str) -> Result<Authority, Invalid> {
        match s.trim() {
            "on_behalf_of_body" => Ok(Authority::OnBehalfOfBody),
            "deputy" => Ok(Authority::Deputy),
            "by_order" => Ok(Authority::ByOrder),
            other => Err(Invalid::new(
                "authority",
                "conclusion.authority_unknown",
                format!("Thẩm quyền ký «{other}» không hợp lệ."),
                format!("Unknown signing authority «{other}»."),
            )),
        }
    }

    /// The two lines above the signature, e.g. ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"].
    pub fn lines(self, signer_title: &str) -> [String; 2] {
        let title = signer_title.to_uppercase();
        match self {
            Authority::OnBehalfOfBody => ["TM. ỦY BAN NHÂN DÂN".into(), title],
            Authority::Deputy => ["KT. CHỦ TỊCH".into(), title],
            Authority::ByOrder => ["TL. CHỦ TỊCH".into(), title],
        }
    }
}

/// A notice number: `45/TB-UBND`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeNumber {
    pub number: u32,
    pub year: i16,
    /// The symbol after the number: "TB-UBND", "TB-VP".
    pub symbol: String,
}

impl NoticeNumber {
    pub fn display(&self) -> String {
        format!("{}/{}", self.number, self.symbol)
    }
}

/// Checks a document symbol ("TB-UBND"): capitals, digits, letters with diacritics and hyphens.
pub fn parse_symbol(raw: &str) -> Result<String, Invalid> {
    let s = raw.trim().to_uppercase();
    let ok = !s.is_empty()
        && s.chars().count() <= 30
        && s.starts_with("TB")
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '&');
    if ok {
        Ok(s)
    } else {
        Err(Invalid::new(
            "symbol",
            "conclusion.symbol_invalid",
            format!("Ký hiệu «{}» không hợp lệ (ví dụ TB-UBND).", raw.trim()),
            format!("Invalid symbol «{}» (e.g. TB-UBND).", raw.trim()),
        ))
    }
}

/// A conclusion notice as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// The issuing body (UBND huyện).
    pub issuer_unit_id: UnitId,
    pub status: ConclusionStatus,
    /// Assigned at issue.
    pub number: Option<NoticeNumber>,
    pub symbol: String,
    pub issued_on: Option<Date>,
    pub place: Option<String>,
    pub title: String,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub authority: Authority,
    /// Kết quả đạt được.
    pub results: Option<String>,
    /// Tồn tại, hạn chế.
    pub shortcomings: Option<String>,
    /// Phương hướng, nhiệm vụ.
    pub directions: Option<String>,
    /// Nơi nhận.
    pub recipients: Vec<String>,
    /// The notice this one corrects.
    pub corrects_id: Option<Uuid>,
    pub created_at: Timestamp,
    pub issued_at: Option<Timestamp>,
    pub version: i64,
}

/// Raw input for a draft notice.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConclusionInput {
    /// The meeting the notice concludes.
    pub meeting_id: Uuid,
    /// The issuing body (UBND huyện).
    pub issuer_unit_id: Uuid,
    /// Ký hiệu: the symbol after the number; default `TB-UBND`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("TB-UBND")))]
    pub symbol: Option<String>,
    /// Địa danh: the place of issue.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("Xuân Thọ")))]
    pub place: Option<String>,
    /// Trích yếu: the subject line, up to 500 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(examples("Kết luận của Chủ tịch UBND huyện tại cuộc họp giao ban tháng 3/2023"))
    )]
    pub title: String,
    /// Người ký.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("Lê Văn Hoa")))]
    pub signer_name: Option<String>,
    /// Chức vụ người ký.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(examples("Chánh Văn phòng")))]
    pub signer_title: Option<String>,
    /// Thẩm quyền ký: `on_behalf_of_body` (TM.), `deputy` (KT.), `by_order` (TL., the default).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Authority>))]
    pub authority: Option<String>,
    /// Kết quả đạt được.
    #[serde(default)]
    pub results: Option<String>,
    /// Tồn tại, hạn chế.
    #[serde(default)]
    pub shortcomings: Option<String>,
    /// Phương hướng, nhiệm vụ.
    #[serde(default)]
    pub directions: Option<String>,
    /// One recipient per item (or per line when given as text by a form).
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The issued notice this one corrects (đính chính).
    #[serde(default)]
    pub corrects_id: Option<Uuid>,
    /// The version read, to refuse overwriting someone else's change.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConclusionDraft {
    pub meeting_id: Uuid,
    pub issuer_unit_id: UnitId,
    pub symbol: String,
    pub place: Option<String>,
    pub title: String,
    pub signer_name: Option<String>,
    pub signer_title: Option<String>,
    pub authority: Authority,
    pub results: Option<String>,
    pub shortcomings: Option<String>,
    pub directions: Option<String>,
    pub recipients: Vec<String>,
    pub corrects_id: Option<Uuid>,
}

impl ConclusionDraft {
    pub fn parse(input: &ConclusionInput) -> Result<ConclusionDraft, Invalids> {
        let mut errors = Invalids::default();
        let symbol = errors.take(parse_symbol(input.symbol.as_deref().unwrap_or("TB-UBND")));
        let title = errors
            .take(clean_text("title", &input.title, 500))
            .flatten();
        if title.is_none() && errors.0.iter().all(|e| e.field != "title") {
            errors.push(Invalid::new(
                "title",
                "text.required",
                "Cần nhập trích yếu của thông báo.",
                "The notice's subject line is required.",
            ));
        }
        let text = |errors: &mut Invalids, field: &'static str, v: &Option<String>, max| {
            errors
                .take(clean_multiline(field, v.as_deref().unwrap_or(""), max))
                .flatten()
        };
        let place = errors
            .take(clean_text(
                "place",
                input.place.as_deref().unwrap_or(""),
                100,
            ))
            .flatten();
        let signer_name = errors
            .take(clean_text(
                "signer_name",
                input.signer_name.as_deref().unwrap_or(""),
                200,
            ))
            .flatten();
        let signer_title = errors
            .take(clean_text(
                "signer_title",
                input.signer_title.as_deref().unwrap_or(""),
                200,
            ))
            .flatten();
        let authority = match input.authority.as_deref() {
            None | Some("") => Some(Authority::ByOrder),
            Some(a) => errors.take(Authority::parse(a)),
        };
        let results = text(&mut errors, "results", &input.results, 50_000);
        let shortcomings = text(&mut errors, "shortcomings", &input.shortcomings, 50_000);
        let directions = text(&mut errors, "directions", &input.directions, 50_000);
        let recipients: Vec<String> = input
            .recipients
            .iter()
            .flat_map(|r| r.lines().map(str::to_owned).collect::<Vec<_>>())
            .filter_map(|r| {
                errors
                    .take(clean_text(
                        "recipients",
                        r.trim_start_matches(['-', '+', '•']),
                        300,
                    ))
                    .flatten()
            })
            .collect();
        errors.into_result()?;
        Ok(ConclusionDraft {
            meeting_id: input.meeting_id,
            issuer_unit_id: UnitId(input.issuer_unit_id),
            symbol: symbol.unwrap_or_else(|| "TB-UBND".into()),
            place,
            title: title.unwrap_or_default(),
            signer_name,
            signer_title,
            authority: authority.unwrap_or(Authority::ByOrder),
            results,
            shortcomings,
            directions,
            recipients,
            corrects_id: input.corrects_id,
        })
    }
}

/// Raw input to issue a draft: the date (default today) and the version seen.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueInput {
    /// Ngày ban hành; default: today.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::DateText>))]
    pub issued_on: Option<String>,
    /// The version read, to refuse overwriting someone else's change.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Checks that a draft can be issued on `date`: a signer is named and the meeting has taken place.
pub fn check_issue(
    c: &Conclusion,
    raw_date: Option<&str>,
    meeting_date: Date,
    today: Date,
) -> Result<Date, Invalids> {
    let mut errors = Invalids::default();
    if c.status == ConclusionStatus::Issued {
        errors.push(Invalid::new(
            "status",
            "conclusion.already_issued",
            "Thông báo đã ban hành, không thể ban hành lại hoặc sửa; hãy lập thông báo đính chính.",
            "The notice is already issued and cannot change; draft a correcting notice instead.",
        ));
    }
    let date = errors
        .take(parse_date("issued_on", raw_date.unwrap_or("")))
        .flatten()
        .unwrap_or(today);
    if date < meeting_date {
        errors.push(Invalid::new(
            "issued_on",
            "conclusion.before_meeting",
            "Ngày ban hành không thể trước ngày họp.",
            "The notice cannot be dated before the meeting.",
        ));
    }
    if c.signer_name.is_none() || c.signer_title.is_none() {
        errors.push(Invalid::new(
            "signer_name",
            "conclusion.signer_required",
            "Cần có người ký và chức vụ trước khi ban hành.",
            "A signer and their title are needed before issuing.",
        ));
    }
    errors.into_result()?;
    Ok(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ConclusionInput {
        ConclusionInput {
            meeting_id: Uuid::now_v7(),
            issuer_unit_id: Uuid::now_v7(),
            symbol: Some("tb-ubnd".into()),
            place: Some("Cẩm Thủy".into()),
            title: "Kết luận của Chủ tịch UBND huyện tại cuộc họp giao ban".into(),
            signer_name: Some("Nguyễn Văn A".into()),
            signer_title: Some("Chánh Văn phòng".into()),
            authority: Some("by_order".into()),
            results: Some("Kết quả\r\n\r\n\r\nđạt được".into()),
            shortcomings: None,
            directions: None,
            recipients: vec!["- Các phòng chuyên môn;\n- Lưu: VT.".into()],
            corrects_id: None,
            version: None,
        }
    }

    #[test]
    fn a_draft_is_cleaned() {
        let d = ConclusionDraft::parse(&input()).unwrap();
        assert_eq!(d.symbol, "TB-UBND");
        assert_eq!(d.results.as_deref(), Some("Kết quả\n\nđạt được"));
        assert_eq!(d.recipients, vec!["Các phòng chuyên môn;", "Lưu: VT."]);
        assert_eq!(
            Authority::ByOrder.lines("Chánh Văn phòng"),
            ["TL. CHỦ TỊCH".to_string(), "CHÁNH VĂN PHÒNG".to_string()]
        );
    }

    #[test]
    fn bad_symbol_and_authority_are_reported() {
        let mut i = input();
        i.symbol = Some("QĐ/UBND".into());
        i.authority = Some("boss".into());
        let codes: Vec<&str> = ConclusionDraft::parse(&i)
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            vec!["conclusion.symbol_invalid", "conclusion.authority_unknown"]
        );
    }
}
