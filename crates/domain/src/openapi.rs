//! OpenAPI schemas (feature `openapi`) of the values the JSON API reads as text or numbers and
//! validates itself: dates and times as officials write them, period codes, indicator codes,
//! figures, and the code lists of string fields. The input types derive `utoipa::ToSchema` with
//! these, so the web crate's OpenAPI document describes every request body field by field.
//!
//! The patterns describe what the API is meant to receive; the parsers may accept a little more
//! (surrounding spaces, lower-case codes, an empty string for "not given").

use std::borrow::Cow;

use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
use utoipa::{PartialSchema, ToSchema};

use crate::deadline::{DayOfMonth, DaysAfter};
use crate::indicator::{Direction, Figure, IndicatorCode};
use crate::period::Period;

fn text(description: &str, pattern: &str, examples: &[&str]) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(Some(pattern))
        .examples(examples.iter().map(|e| json!(e)))
}

fn codes(description: &str, codes: impl IntoIterator<Item = &'static str>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(codes.into_iter().map(Value::from)))
}

/// A schema of its own, named after the Rust type.
macro_rules! named_schema {
    ($name:ty, $schema:expr) => {
        impl PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                Schema::from($schema).into()
            }
        }
        impl ToSchema for $name {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }
        }
    };
}

/// A date as text: `24/03/2023` (as officials write it) or ISO `2023-03-24`.
pub struct DateText;
named_schema!(
    DateText,
    text(
        "A date: dd/mm/yyyy as officials write it (24/03/2023) or ISO 8601 (2023-03-24).",
        "^([0-9]{1,2}/[0-9]{1,2}/[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$",
        &["24/03/2023", "2023-03-24"],
    )
);

/// A clock time as officials write it: `08:00`, `8h`, `14h30`.
pub struct ClockText;
named_schema!(
    ClockText,
    text(
        "A clock time as officials write it: 08:00, 8h, 14h30.",
        "^([01]?[0-9]|2[0-3])([:h]([0-5][0-9])?)?$",
        &["08:00", "8h", "14h30"],
    )
);

/// A time of day in a typed value (ISO 8601): `17:00` or `17:00:00`.
pub struct TimeOfDay;
named_schema!(
    TimeOfDay,
    text(
        "A time of day, ISO 8601: 17:00 or 17:00:00.",
        "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
        &["17:00", "08:30:00"],
    )
);

/// A percentage of completion as typed: `63` or `63%`.
pub struct PercentText;
named_schema!(
    PercentText,
    text(
        "A whole percentage from 0 to 100, with or without the sign: 63 or 63%.",
        "^(100|[1-9]?[0-9])%?$",
        &["63", "100%"],
    )
);

named_schema!(
    Period,
    text(
        "A reporting period by its code: 2023W12 (ISO week), 202303 (month), 2023Q1 (quarter), \
         2023S1 (half-year), 2023N9 (nine months), 2023 (year).",
        "^[0-9]{4}(W(0[1-9]|[1-4][0-9]|5[0-3])|0[1-9]|1[0-2]|Q[1-4]|S[12]|N9)?$",
        &["2023Q1", "202303", "2023W12", "2023S1", "2023N9", "2023"],
    )
);

named_schema!(
    IndicatorCode,
    text(
        "An indicator's code: 2–40 upper-case ASCII letters, digits, «_», «.», «-», starting \
         with a letter.",
        "^[A-Z][A-Z0-9_.-]{1,39}$",
        &["NN_LUA_GIEO_CAY", "NTM.TIEU_CHI"],
    )
);

named_schema!(
    Figure,
    OneOfBuilder::new()
        .description(Some(
            "A figure, up to 4 decimal places: a JSON number, or text as officials write it \
             (5.466,32) or with a decimal point (5466.32).",
        ))
        .item(ObjectBuilder::new().schema_type(Type::Number))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples([json!("5.466,32"), json!("5466.32")]),
        )
);

named_schema!(
    DayOfMonth,
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .description(Some(
            "A day of the month, 1–31; in a shorter month a later day means its last day.",
        ))
        .minimum(Some(1))
        .maximum(Some(31))
);

named_schema!(
    DaysAfter,
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int32)))
        .description(Some("Calendar days after the quarter's last day, 0–92."))
        .minimum(Some(0))
        .maximum(Some(i64::from(DaysAfter::MAX)))
);

/// A value typed into a report for one indicator: text as typed, a number, true/false for a yes/no
/// indicator, or null for none.
pub struct EnteredValue;
named_schema!(
    EnteredValue,
    OneOfBuilder::new()
        .description(Some(
            "A value as typed: text (\"5.466,32\", \"có\", \"không\"), a number, true or false for \
             a yes/no indicator, or null for none.",
        ))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .examples([json!("5.466,32"), json!("có")]),
        )
        .item(ObjectBuilder::new().schema_type(Type::Number))
        .item(ObjectBuilder::new().schema_type(Type::Boolean))
        .item(ObjectBuilder::new().schema_type(Type::Null))
);

/// The codes of [`Direction`] as an indicator's input takes them (`higher`, `lower`).
pub struct DirectionCode;
named_schema!(
    DirectionCode,
    codes(
        "Whether a bigger figure is better: higher or lower.",
        Direction::ALL.iter().map(|d| d.code()),
    )
);

/// The kinds of OCOP producer (`co_so`, `ho_kinh_doanh`, …).
pub struct ProducerKindCode;
named_schema!(
    ProducerKindCode,
    codes(
        "Kind of OCOP producer (loại chủ thể).",
        crate::ocop::PRODUCER_KINDS.iter().map(|(code, _, _)| *code),
    )
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conclusion::Authority;
    use crate::indicator::{Accumulation, RollupKind, Sector, ValueType};
    use crate::meeting::{MeetingKind, RecommendationStatus};
    use crate::programme::Level;
    use crate::task::SourceKind;
    use crate::unit::parse_date;

    fn json_of<T: PartialSchema>() -> Value {
        serde_json::to_value(T::schema()).unwrap()
    }

    fn enum_of<T: PartialSchema>() -> Vec<String> {
        json_of::<T>()["enum"]
            .as_array()
            .expect("an enum schema")
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    fn examples_of<T: PartialSchema>() -> Vec<String> {
        json_of::<T>()["examples"]
            .as_array()
            .expect("examples")
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    }

    /// The input fields read these enums as strings through `X::parse` (their `code()`), but the
    /// schemas are derived from serde: the two must name the same values.
    #[test]
    fn enum_schemas_list_the_codes_the_parsers_accept() {
        fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<String> {
            all.iter().map(|v| code(*v).to_owned()).collect()
        }
        assert_eq!(
            enum_of::<MeetingKind>(),
            codes(&MeetingKind::ALL, MeetingKind::code)
        );
        assert_eq!(
            enum_of::<RecommendationStatus>(),
            codes(&RecommendationStatus::ALL, RecommendationStatus::code)
        );
        assert_eq!(
            enum_of::<Authority>(),
            codes(
                &[
                    Authority::OnBehalfOfBody,
                    Authority::Deputy,
                    Authority::ByOrder
                ],
                Authority::code
            )
        );
        for a in enum_of::<Authority>() {
            assert!(Authority::parse(&a).is_ok(), "{a}");
        }
        assert_eq!(
            enum_of::<SourceKind>(),
            codes(&SourceKind::ALL, SourceKind::code)
        );
        assert_eq!(
            enum_of::<ValueType>(),
            codes(ValueType::ALL, ValueType::code)
        );
        assert_eq!(
            enum_of::<RollupKind>(),
            codes(RollupKind::ALL, RollupKind::code)
        );
        assert_eq!(
            enum_of::<Accumulation>(),
            codes(Accumulation::ALL, Accumulation::code)
        );
        assert_eq!(enum_of::<Sector>(), codes(Sector::ALL, Sector::code));
        assert_eq!(
            enum_of::<DirectionCode>(),
            codes(Direction::ALL, Direction::code)
        );
        assert_eq!(enum_of::<Level>(), codes(&Level::ALL, Level::code));
        for k in enum_of::<ProducerKindCode>() {
            let input = crate::ocop::ProducerInput {
                commune_id: uuid::Uuid::nil(),
                name: "HTX Nông nghiệp Xuân Thọ".into(),
                kind: Some(k.clone()),
            };
            assert!(crate::ocop::ProducerDraft::parse(&input).is_ok(), "{k}");
        }
    }

    #[test]
    fn text_examples_are_read_by_the_parsers() {
        for d in examples_of::<DateText>() {
            assert!(matches!(parse_date("date", &d), Ok(Some(_))), "{d}");
        }
        for t in examples_of::<ClockText>() {
            assert!(
                matches!(crate::meeting::parse_time("time", &t), Ok(Some(_))),
                "{t}"
            );
        }
        for t in examples_of::<TimeOfDay>() {
            assert!(
                serde_json::from_value::<jiff::civil::Time>(json!(t)).is_ok(),
                "{t}"
            );
        }
        for p in examples_of::<Period>() {
            assert!(Period::parse(&p).is_ok(), "{p}");
            assert_eq!(
                serde_json::to_value(Period::parse(&p).unwrap()).unwrap(),
                json!(p)
            );
        }
        for c in examples_of::<IndicatorCode>() {
            assert_eq!(IndicatorCode::parse(&c).unwrap().as_str(), c);
        }
    }
}
