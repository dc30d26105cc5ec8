//! Conversions between domain values and the column types both engines share.

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
