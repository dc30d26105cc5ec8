//! Property tests of the date lines documents print (`dateline`): the Decree 30 shape with its
//! leading zeros, checked on the characters, and the reading back by the project's own reader of
//! Vietnamese dates (`giaoban_vntext::date`), which shares no code with the writer.

use giaoban_documents::dateline::{MonthStyle, date_words, place_date_line, short_date};
use giaoban_vntext::date::{DateExpr, find_dates, parse_date_expr};
use jiff::Span;
use jiff::civil::Date;
use proptest::prelude::*;

/// Any day from 1950 to 2169.
fn any_date() -> impl Strategy<Value = Date> {
    (0i64..80_000).prop_map(|days| {
        Date::new(1950, 1, 1)
            .unwrap()
            .checked_add(Span::new().days(days))
            .unwrap()
    })
}

fn any_style() -> impl Strategy<Value = MonthStyle> {
    prop_oneof![Just(MonthStyle::Decree30), Just(MonthStyle::ZeroPadded)]
}

fn any_place() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "Cẩm Thủy",
        " Thạch Thành ",
        "Thanh Hóa",
        "Hà Nội",
        "Thành phố Hồ Chí Minh",
    ])
}

/// A date the reader resolves against; the lines carry their year, so it must not matter.
fn elsewhere() -> Date {
    Date::new(2001, 7, 15).unwrap()
}

#[test]
fn the_seed_lines() {
    let d = |y, m, day| Date::new(y, m, day).unwrap();
    assert_eq!(
        place_date_line("Cẩm Thủy", d(2023, 1, 5), MonthStyle::Decree30),
        "Cẩm Thủy, ngày 05 tháng 01 năm 2023"
    );
    assert_eq!(
        place_date_line("Cẩm Thủy", d(2023, 3, 24), MonthStyle::Decree30),
        "Cẩm Thủy, ngày 24 tháng 3 năm 2023"
    );
    assert_eq!(
        place_date_line("Cẩm Thủy", d(2023, 3, 27), MonthStyle::ZeroPadded),
        "Cẩm Thủy, ngày 27 tháng 03 năm 2023"
    );
    assert_eq!(
        date_words(d(2023, 12, 9), MonthStyle::Decree30),
        "ngày 09 tháng 12 năm 2023"
    );
    assert_eq!(short_date(d(2023, 3, 27)), "27/03/2023");
    assert_eq!(short_date(d(2018, 4, 6)), "06/04/2018");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// "<place>, ngày DD tháng M năm YYYY": the place trimmed; the day always two digits; the month
    /// two digits for January and February (Decree 30) or always (zero-padded), otherwise as is;
    /// the year in full.
    #[test]
    fn the_line_has_the_decree_shape(date in any_date(), style in any_style(), place in any_place()) {
        let line = place_date_line(place, date, style);
        let (written_place, rest) = line.split_once(", ").expect("place, then the date");
        prop_assert_eq!(written_place, place.trim());
        let words: Vec<&str> = rest.split(' ').collect();
        prop_assert_eq!(words.len(), 6, "{}", line);
        prop_assert_eq!([words[0], words[2], words[4]], ["ngày", "tháng", "năm"]);
        let (day, month, year) = (words[1], words[3], words[5]);
        prop_assert!(day.len() == 2 && day.bytes().all(|b| b.is_ascii_digit()), "{}", line);
        prop_assert_eq!(day.parse::<i8>().unwrap(), date.day());
        prop_assert_eq!(month.parse::<i8>().unwrap(), date.month());
        prop_assert_eq!(year, date.year().to_string());
        let two_digit_month = match style {
            MonthStyle::ZeroPadded => true,
            MonthStyle::Decree30 => date.month() <= 2 || date.month() >= 10,
        };
        prop_assert_eq!(month.len(), if two_digit_month { 2 } else { 1 }, "{}", line);
        prop_assert_eq!(rest, date_words(date, style));
    }

    /// The reader finds exactly one date in the line, the same day, with its year written.
    #[test]
    fn the_line_reads_back_as_the_same_day(date in any_date(), style in any_style(), place in any_place()) {
        let line = place_date_line(place, date, style);
        let found = find_dates(&line, elsewhere());
        prop_assert_eq!(found.len(), 1, "{} -> {:?}", line, found);
        match found[0].value {
            DateExpr::Date { date: read, time, year_inferred, relative, .. } => {
                prop_assert_eq!(read, date, "{}", line);
                prop_assert!(time.is_none() && !year_inferred && !relative, "{:?}", found[0]);
            }
            other => prop_assert!(false, "{} read as {:?}", line, other),
        }
    }

    /// "DD/MM/YYYY", both with leading zeros, read back as the same day.
    #[test]
    fn the_short_date_has_leading_zeros_and_reads_back(date in any_date()) {
        let s = short_date(date);
        let parts: Vec<&str> = s.split('/').collect();
        prop_assert_eq!(parts.len(), 3, "{}", s);
        prop_assert!(parts[0].len() == 2 && parts[1].len() == 2, "{}", s);
        prop_assert_eq!(parts[0].parse::<i8>().unwrap(), date.day());
        prop_assert_eq!(parts[1].parse::<i8>().unwrap(), date.month());
        prop_assert_eq!(parts[2].parse::<i16>().unwrap(), date.year());
        let found = parse_date_expr(&s, elsewhere()).expect("one date");
        match found.value {
            DateExpr::Date { date: read, year_inferred, .. } => {
                prop_assert_eq!(read, date, "{}", s);
                prop_assert!(!year_inferred);
            }
            other => prop_assert!(false, "{} read as {:?}", s, other),
        }
    }
}
