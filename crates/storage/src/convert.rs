//! Conversions between domain values and the column types both engines share.

use giaoban_domain::period::Period;
use jiff::Timestamp;
use jiff::civil::Date;

use crate::StoreError;

/// Timestamps are stored as microseconds since the Unix epoch.
pub(crate) fn ts_to_db(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn ts_from_db(micros: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_microsecond(micros)
        .map_err(|e| StoreError::Corrupt(format!("timestamp {micros}: {e}")))
}

/// The real time, for what the store records of its own writes: a record's `created_at` and
/// `updated_at`, the audit log's time, a session's expiry, a delivery's queue and retry times.
/// Deliberately not the app's clock (`giaoban_app::Clock`): an app run "as of" a past day still
/// writes when each record was really written. Whatever decides "today", "overdue", "due soon" or
/// a default period is given its time by the use case (the app's clock) as a parameter.
pub(crate) fn now_micros() -> i64 {
    ts_to_db(Timestamp::now())
}

pub(crate) fn date_to_db(d: Date) -> Result<time::Date, StoreError> {
    let month = time::Month::try_from(d.month() as u8)
        .map_err(|e| StoreError::Corrupt(format!("month of {d}: {e}")))?;
    time::Date::from_calendar_date(i32::from(d.year()), month, d.day() as u8)
        .map_err(|e| StoreError::Corrupt(format!("date {d}: {e}")))
}

pub(crate) fn opt_date_to_db(d: Option<Date>) -> Result<Option<time::Date>, StoreError> {
    d.map(date_to_db).transpose()
}

pub(crate) fn date_from_db(d: time::Date) -> Result<Date, StoreError> {
    let year =
        i16::try_from(d.year()).map_err(|e| StoreError::Corrupt(format!("year of {d}: {e}")))?;
    Date::new(year, u8::from(d.month()) as i8, d.day() as i8)
        .map_err(|e| StoreError::Corrupt(format!("date {d}: {e}")))
}

pub(crate) fn opt_date_from_db(d: Option<time::Date>) -> Result<Option<Date>, StoreError> {
    d.map(date_from_db).transpose()
}

/// Periods are stored as their code (`2023Q1`, `202303`, [`Period::code`]), written from the
/// typed value so the text is the same byte for byte whoever writes it; a stored text that is
/// not a period's code is corrupt data.
pub(crate) fn period_from_db(code: &str) -> Result<Period, StoreError> {
    Period::parse(code).map_err(|e| StoreError::Corrupt(format!("period {code:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_reads_back_as_its_stored_text_and_any_other_text_is_corrupt() {
        for code in ["2023W12", "202303", "2023Q1", "2023S1", "2023N9", "2023"] {
            let period = period_from_db(code).expect("a period's code");
            assert_eq!(period.code(), code, "written back byte for byte");
        }
        for text in ["2023-Q1", "2023-03", "2023Q5", ""] {
            assert!(
                matches!(period_from_db(text), Err(StoreError::Corrupt(_))),
                "{text:?}"
            );
        }
    }
}
