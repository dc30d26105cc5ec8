//! OCOP (Mỗi xã một sản phẩm): producers (cơ sở, hợp tác xã, doanh nghiệp…) in a commune, their
//! products with a score out of 100 (community strength 40 + marketing 25 + quality 35) and a star
//! rating, the level that certified it, the certification date and its expiry (3 years), and
//! support payments.
//!
//! The star cut-offs are data (`data/ocop.toml`) and unconfirmed: they are read from the file, never
//! written in code.

use std::sync::LazyLock;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::Lang;
use crate::unit::{Invalid, Invalids, UnitId, clean_text, parse_date, required_text};

const BUNDLED_RULES: &str = include_str!("../data/ocop.toml");

/// The rating rules in force.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct OcopRules {
    pub confirmed: bool,
    pub validity_years: i16,
    pub remind_days: i32,
    pub parts: Parts,
    /// (stars, lowest total score), by stars.
    pub stars: Vec<StarCutoff>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct Parts {
    pub community: u8,
    pub marketing: u8,
    pub quality: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub struct StarCutoff {
    pub stars: u8,
    pub min_score: u8,
}

static RULES: LazyLock<Result<OcopRules, String>> = LazyLock::new(|| {
    let r: OcopRules = toml::from_str(BUNDLED_RULES).map_err(|e| e.to_string())?;
    if u16::from(r.parts.community) + u16::from(r.parts.marketing) + u16::from(r.parts.quality)
        != 100
    {
        return Err("the three parts must add up to 100".into());
    }
    Ok(r)
});

impl OcopRules {
    /// The bundled rules (a broken bundled file is a build mistake, caught by the tests).
    pub fn bundled() -> Result<&'static OcopRules, String> {
        RULES.as_ref().map_err(Clone::clone)
    }

    /// Stars for a total score (the highest cut-off reached).
    pub fn stars_for(&self, total: u8) -> u8 {
        self.stars
            .iter()
            .filter(|c| total >= c.min_score)
            .map(|c| c.stars)
            .max()
            .unwrap_or(0)
    }
}

/// Cấp đánh giá, công nhận.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertifyingLevel {
    District,
    Province,
    Central,
}

impl CertifyingLevel {
    pub const ALL: [CertifyingLevel; 3] = [
        CertifyingLevel::District,
        CertifyingLevel::Province,
        CertifyingLevel::Central,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CertifyingLevel::District => "district",
            CertifyingLevel::Province => "province",
            CertifyingLevel::Central => "central",
        }
    }

    pub fn parse(s: &str) -> Result<CertifyingLevel, Invalid> {
        CertifyingLevel::ALL
            .into_iter()
            .find(|l| l.code() == s.trim())
            .ok_or_else(|| {
                Invalid::new(
                    "certifying_level",
                    "ocop.level_unknown",
                    format!("Cấp công nhận «{s}» không hợp lệ (district, province, central)."),
                    format!("Unknown certifying level «{s}» (district, province, central)."),
                )
            })
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            CertifyingLevel::District => lang.pick("Cấp huyện", "District"),
            CertifyingLevel::Province => lang.pick("Cấp tỉnh", "Province"),
            CertifyingLevel::Central => lang.pick("Trung ương", "Central"),
        }
    }

    /// The level that rates a product with this many stars on that day (DOMAIN.md §4: 3★ by the
    /// district until 2025, then the province; 4★ the province; 5★ the centre).
    pub fn required(stars: u8, on: Date) -> CertifyingLevel {
        match stars {
            5.. => CertifyingLevel::Central,
            4 => CertifyingLevel::Province,
            _ if on.year() <= 2025 => CertifyingLevel::District,
            _ => CertifyingLevel::Province,
        }
    }
}

/// A producer (chủ thể OCOP) to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProducerDraft {
    pub commune_id: UnitId,
    pub name: String,
    /// `co_so`, `ho_kinh_doanh`, `to_hop_tac`, `hop_tac_xa`, `doanh_nghiep`.
    pub kind: String,
}

pub const PRODUCER_KINDS: [(&str, &str, &str); 5] = [
    ("co_so", "Cơ sở sản xuất", "Production unit"),
    ("ho_kinh_doanh", "Hộ kinh doanh", "Household business"),
    ("to_hop_tac", "Tổ hợp tác", "Cooperative group"),
    ("hop_tac_xa", "Hợp tác xã", "Cooperative"),
    ("doanh_nghiep", "Doanh nghiệp", "Enterprise"),
];

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProducerInput {
    /// The commune the producer belongs to.
    pub commune_id: Uuid,
    /// Tên chủ thể.
    #[cfg_attr(feature = "openapi", schema(examples("HTX Nông nghiệp Xuân Thọ")))]
    pub name: String,
    /// Loại chủ thể: `co_so` (default), `ho_kinh_doanh`, `to_hop_tac`, `hop_tac_xa`,
    /// `doanh_nghiep`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::ProducerKindCode>))]
    pub kind: Option<String>,
}

impl ProducerDraft {
    pub fn parse(input: &ProducerInput) -> Result<ProducerDraft, Invalids> {
        let mut errs = Invalids::default();
        let name = errs.take(required_text("name", &input.name, 300));
        let kind = input.kind.as_deref().unwrap_or("co_so").trim().to_owned();
        if !PRODUCER_KINDS.iter().any(|(c, _, _)| *c == kind) {
            errs.push(Invalid::new(
                "kind",
                "ocop.producer_kind",
                format!("Loại chủ thể «{kind}» không hợp lệ."),
                format!("Unknown producer kind «{kind}»."),
            ));
        }
        errs.into_result()?;
        Ok(ProducerDraft {
            commune_id: UnitId(input.commune_id),
            name: name.unwrap_or_default(),
            kind,
        })
    }
}

/// A product's rating: the three parts of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub community: u8,
    pub marketing: u8,
    pub quality: u8,
}

impl Score {
    pub fn total(self) -> u8 {
        self.community + self.marketing + self.quality
    }
}

/// A product to record, rated or not yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductDraft {
    pub producer_id: Uuid,
    pub name: String,
    pub score: Option<Score>,
    /// Computed from the score with the cut-offs in force.
    pub stars: Option<u8>,
    pub certifying_level: Option<CertifyingLevel>,
    pub certified_on: Option<Date>,
    /// Certification date + validity.
    pub expires_on: Option<Date>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    pub producer_id: Uuid,
    pub name: String,
    #[serde(default)]
    pub score_community: Option<i64>,
    #[serde(default)]
    pub score_marketing: Option<i64>,
    #[serde(default)]
    pub score_quality: Option<i64>,
    #[serde(default)]
    pub certifying_level: Option<String>,
    #[serde(default)]
    pub certified_on: Option<String>,
}

impl ProductDraft {
    pub fn parse(input: &ProductInput, rules: &OcopRules) -> Result<ProductDraft, Invalids> {
        let mut errs = Invalids::default();
        let name = errs.take(required_text("name", &input.name, 300));
        let part = |errs: &mut Invalids, field: &'static str, v: Option<i64>, max: u8| {
            let v = v?;
            match u8::try_from(v).ok().filter(|x| *x <= max) {
                Some(x) => Some(x),
                None => {
                    errs.push(Invalid::new(
                        field,
                        "ocop.score_range",
                        format!("Điểm phải từ 0 đến {max}."),
                        format!("The score must be between 0 and {max}."),
                    ));
                    None
                }
            }
        };
        let c = part(
            &mut errs,
            "score_community",
            input.score_community,
            rules.parts.community,
        );
        let m = part(
            &mut errs,
            "score_marketing",
            input.score_marketing,
            rules.parts.marketing,
        );
        let q = part(
            &mut errs,
            "score_quality",
            input.score_quality,
            rules.parts.quality,
        );
        let given = [
            input.score_community,
            input.score_marketing,
            input.score_quality,
        ]
        .iter()
        .filter(|v| v.is_some())
        .count();
        if given != 0 && given != 3 {
            errs.push(Invalid::new(
                "score_community",
                "ocop.score_partial",
                "Cần đủ ba phần điểm (cộng đồng, tiếp thị, chất lượng).",
                "All three parts of the score are needed (community, marketing, quality).",
            ));
        }
        let score = match (c, m, q) {
            (Some(community), Some(marketing), Some(quality)) => Some(Score {
                community,
                marketing,
                quality,
            }),
            _ => None,
        };
        let level = input
            .certifying_level
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .and_then(|s| errs.take(CertifyingLevel::parse(s)));
        let certified_on = errs
            .take(parse_date(
                "certified_on",
                input.certified_on.as_deref().unwrap_or(""),
            ))
            .flatten();
        let stars = score.map(|s| rules.stars_for(s.total()));
        if certified_on.is_some() && (score.is_none() || level.is_none()) {
            errs.push(Invalid::new(
                "certified_on",
                "ocop.certified_incomplete",
                "Sản phẩm đã công nhận cần điểm và cấp công nhận.",
                "A certified product needs its score and certifying level.",
            ));
        }
        if let (Some(s), Some(l), Some(on)) = (stars, level, certified_on) {
            let required = CertifyingLevel::required(s, on);
            if l < required || (s >= 5 && l != CertifyingLevel::Central) {
                errs.push(Invalid::new(
                    "certifying_level",
                    "ocop.level_too_low",
                    format!(
                        "Sản phẩm {s} sao phải do {} công nhận.",
                        required.label(Lang::Vi).to_lowercase()
                    ),
                    format!(
                        "A {s}-star product is certified at {} level.",
                        required.label(Lang::En).to_lowercase()
                    ),
                ));
            }
        }
        errs.into_result()?;
        let expires_on = certified_on.and_then(|d| {
            d.checked_add(jiff::Span::new().years(rules.validity_years))
                .ok()
        });
        Ok(ProductDraft {
            producer_id: input.producer_id,
            name: name.unwrap_or_default(),
            score,
            stars,
            certifying_level: level,
            certified_on,
            expires_on,
        })
    }
}

/// Where a certification stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "days")]
pub enum Validity {
    NotCertified,
    Valid,
    /// Expires within the reminder window: days left.
    Expiring(i32),
    Expired,
}

impl Validity {
    pub fn on(expires_on: Option<Date>, today: Date, remind_days: i32) -> Validity {
        let Some(end) = expires_on else {
            return Validity::NotCertified;
        };
        let left = (end - today).get_days();
        if end < today {
            Validity::Expired
        } else if left <= remind_days {
            Validity::Expiring(left)
        } else {
            Validity::Valid
        }
    }

    pub fn label(self, lang: Lang) -> String {
        match (self, lang) {
            (Validity::NotCertified, _) => lang.pick("Chưa công nhận", "Not certified").into(),
            (Validity::Valid, _) => lang.pick("Còn hiệu lực", "Valid").into(),
            (Validity::Expiring(d), Lang::Vi) => format!("Sắp hết hạn (còn {d} ngày)"),
            (Validity::Expiring(d), Lang::En) => format!("Expiring ({d} days left)"),
            (Validity::Expired, _) => lang.pick("Đã hết hạn", "Expired").into(),
        }
    }
}

/// A support payment to a producer (e.g. under a provincial resolution).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentDraft {
    pub producer_id: Uuid,
    pub product_id: Option<Uuid>,
    pub paid_on: Date,
    pub amount_vnd: i64,
    pub basis: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentInput {
    pub producer_id: Uuid,
    #[serde(default)]
    pub product_id: Option<Uuid>,
    pub paid_on: String,
    /// In đồng; "50.000.000" or 50000000.
    pub amount_vnd: serde_json::Value,
    #[serde(default)]
    pub basis: Option<String>,
}

impl PaymentDraft {
    pub fn parse(input: &PaymentInput) -> Result<PaymentDraft, Invalids> {
        let mut errs = Invalids::default();
        let paid_on = errs.take(parse_date("paid_on", &input.paid_on)).flatten();
        if paid_on.is_none() && input.paid_on.trim().is_empty() {
            errs.push(Invalid::new(
                "paid_on",
                "text.required",
                "Trường này không được để trống.",
                "This field is required.",
            ));
        }
        let amount = match &input.amount_vnd {
            serde_json::Value::Number(n) => n.as_i64(),
            serde_json::Value::String(s) => s.trim().replace(['.', ' '], "").parse::<i64>().ok(),
            _ => None,
        }
        .filter(|a| *a > 0);
        if amount.is_none() {
            errs.push(Invalid::new(
                "amount_vnd",
                "ocop.amount_invalid",
                "Số tiền phải là số đồng dương (ví dụ 50.000.000).",
                "The amount must be a positive number of đồng (e.g. 50.000.000).",
            ));
        }
        let basis = errs
            .take(clean_text(
                "basis",
                input.basis.as_deref().unwrap_or(""),
                300,
            ))
            .flatten();
        errs.into_result()?;
        Ok(PaymentDraft {
            producer_id: input.producer_id,
            product_id: input.product_id,
            paid_on: paid_on.unwrap_or_default(),
            amount_vnd: amount.unwrap_or_default(),
            basis,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_rules_rate_and_expire() {
        let r = OcopRules::bundled().expect("rules");
        assert!(!r.confirmed);
        assert_eq!(
            (
                r.stars_for(29),
                r.stars_for(30),
                r.stars_for(72),
                r.stars_for(90)
            ),
            (1, 2, 4, 5)
        );
        let p = ProductDraft::parse(
            &ProductInput {
                producer_id: Uuid::nil(),
                name: "Bưởi Phúc Trạch".into(),
                score_community: Some(30),
                score_marketing: Some(15),
                score_quality: Some(20),
                certifying_level: Some("district".into()),
                certified_on: Some("15/12/2020".into()),
            },
            r,
        )
        .expect("valid");
        assert_eq!(p.stars, Some(3));
        assert_eq!(p.expires_on, Date::new(2023, 12, 15).ok());
        let today = Date::new(2023, 11, 1).expect("date");
        assert_eq!(
            Validity::on(p.expires_on, today, r.remind_days),
            Validity::Expiring(44)
        );
        // A 4-star product rated by the district is refused; an over-range part too.
        let mut input = ProductInput {
            producer_id: Uuid::nil(),
            name: "Sản phẩm".into(),
            score_community: Some(35),
            score_marketing: Some(20),
            score_quality: Some(20),
            certifying_level: Some("district".into()),
            certified_on: Some("2021-06-01".into()),
        };
        let e = ProductDraft::parse(&input, r).expect_err("too low");
        assert_eq!(e.0[0].code, "ocop.level_too_low");
        input.score_marketing = Some(26);
        let e = ProductDraft::parse(&input, r).expect_err("range");
        assert!(e.0.iter().any(|x| x.code == "ocop.score_range"));
    }
}
