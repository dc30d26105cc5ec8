//! The lines of a document header that carry dates and numbers: "Cẩm Thủy, ngày 05 tháng 01 năm 2023"
//! and "Số: 45/TB-UBND".
//!
//! Decree 30/2020, Appendix I, §II.5: days below 10 and the months 1 and 2 take a leading zero
//! ("ngày 05 tháng 01", "ngày 24 tháng 3"). Documents in the field often write "tháng 03" too (seed
//! 004 does); the decree's form is the default here and the zero-padded form is available for offices
//! that ask for it.

use jiff::civil::Date;

/// How months are written in a date line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MonthStyle {
    /// Decree 30: leading zero for January and February only.
    #[default]
    Decree30,
    /// Leading zero for every month below 10 ("tháng 03"), as many offices write.
    ZeroPadded,
}

/// "ngày 05 tháng 01 năm 2023".
pub fn date_words(date: Date, style: MonthStyle) -> String {
    let month = date.month();
    let month_text = match style {
        MonthStyle::Decree30 if month <= 2 => format!("{month:02}"),
        MonthStyle::Decree30 => month.to_string(),
        MonthStyle::ZeroPadded => format!("{month:02}"),
    };
    format!(
        "ngày {:02} tháng {month_text} năm {}",
        date.day(),
        date.year()
    )
}

/// The place-and-date line under the national motto: "Cẩm Thủy, ngày 24 tháng 3 năm 2023".
pub fn place_date_line(place: &str, date: Date, style: MonthStyle) -> String {
    format!("{}, {}", place.trim(), date_words(date, style))
}

/// "24/03/2023", the short form used in the body of documents.
pub fn short_date(date: Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// The number line of a document: "Số: 45/TB-UBND"; a draft without a number yet reads
/// "Số:     /TB-UBND" (space left for the records office to write it in).
pub fn number_line(number: Option<u32>, symbol: &str) -> String {
    match number {
        Some(n) => format!("Số: {n}/{symbol}"),
        None => format!("Số:     /{symbol}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).expect("valid date")
    }

    #[test]
    fn decree_30_leading_zeros() {
        assert_eq!(
            place_date_line("Cẩm Thủy", d(2023, 1, 5), MonthStyle::Decree30),
            "Cẩm Thủy, ngày 05 tháng 01 năm 2023"
        );
        assert_eq!(
            place_date_line("Cẩm Thủy", d(2023, 3, 24), MonthStyle::Decree30),
            "Cẩm Thủy, ngày 24 tháng 3 năm 2023"
        );
        assert_eq!(
            place_date_line(" Cẩm Thủy ", d(2023, 3, 24), MonthStyle::ZeroPadded),
            "Cẩm Thủy, ngày 24 tháng 03 năm 2023"
        );
        assert_eq!(
            date_words(d(2020, 12, 1), MonthStyle::Decree30),
            "ngày 01 tháng 12 năm 2020"
        );
        assert_eq!(short_date(d(2018, 4, 6)), "06/04/2018");
        assert_eq!(number_line(Some(45), "TB-UBND"), "Số: 45/TB-UBND");
        assert_eq!(number_line(None, "TB-UBND"), "Số:     /TB-UBND");
    }

    proptest! {
        #[test]
        fn date_words_read_back_to_the_same_date(days in 0i32..40_000) {
            let date = d(1990, 1, 1).checked_add(jiff::Span::new().days(days)).expect("in range");
            for style in [MonthStyle::Decree30, MonthStyle::ZeroPadded] {
                let text = date_words(date, style);
                let nums: Vec<i32> = text
                    .split(' ')
                    .filter_map(|w| w.parse().ok())
                    .collect();
                prop_assert_eq!(nums, vec![i32::from(date.day()), i32::from(date.month()), i32::from(date.year())]);
                // The day always has two digits; months 1–2 always do.
                let day_word = text.split(' ').nth(1).expect("day");
                prop_assert_eq!(day_word.len(), 2);
                let month_word = text.split(' ').nth(3).expect("month");
                prop_assert!(date.month() > 2 || month_word.len() == 2);
                prop_assert!(style != MonthStyle::Decree30 || date.month() <= 2 || month_word.len() == date.month().to_string().len());
            }
        }
    }
}
