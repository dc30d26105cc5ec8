//! The Vietnamese lunar calendar (âm lịch), enough to place Tết and Giỗ Tổ Hùng Vương in years the
//! holiday table does not list.
//!
//! Hồ Ngọc Đức's algorithm ("Thuật toán tính âm lịch", after Jean Meeus, *Astronomical Algorithms*):
//! new moons and the sun's longitude at local midnight in UTC+7. It is the reference the Vietnamese
//! calendar is usually computed with and differs from the Chinese calendar (UTC+8) in some years
//! (Tết 1985 was 21 January in Vietnam, 20 February in China; Tết 2030 is 2 February, 3 February in
//! China), which is why no Chinese-calendar crate is used. The author states it for 1800–2199; the
//! work calendar uses it within 1900–2200 and marks every date it gives as computed, not announced.

use jiff::ToSpan;
use jiff::civil::Date;

/// Hours east of UTC of the Vietnamese calendar.
const TIME_ZONE: f64 = 7.0;

/// Julian day number of 1970-01-01.
const JD_UNIX_EPOCH: i64 = 2_440_588;

fn jd_of(date: Date) -> i64 {
    crate::calendar::day_number(date) + JD_UNIX_EPOCH
}

fn date_of(jd: i64) -> Option<Date> {
    let days = i32::try_from(jd - JD_UNIX_EPOCH).ok()?;
    Date::constant(1970, 1, 1).checked_add(days.days()).ok()
}

/// The day (Julian day number, local) of the `k`-th new moon after 1 January 1900.
fn new_moon_day(k: i64) -> i64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = std::f64::consts::PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let mut c1 = (0.1734 - 0.000_393 * t) * (m * dr).sin() + 0.0021 * (2.0 * dr * m).sin();
    c1 = c1 - 0.4068 * (mpr * dr).sin() + 0.0161 * (dr * 2.0 * mpr).sin();
    c1 -= 0.0004 * (dr * 3.0 * mpr).sin();
    c1 = c1 + 0.0104 * (dr * 2.0 * f).sin() - 0.0051 * (dr * (m + mpr)).sin();
    c1 = c1 - 0.0074 * (dr * (m - mpr)).sin() + 0.0004 * (dr * (2.0 * f + m)).sin();
    c1 = c1 - 0.0004 * (dr * (2.0 * f - m)).sin() - 0.0006 * (dr * (2.0 * f + mpr)).sin();
    c1 = c1 + 0.0010 * (dr * (2.0 * f - mpr)).sin() + 0.0005 * (dr * (2.0 * mpr + m)).sin();
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    let jd_new = jd1 + c1 - delta_t;
    (jd_new + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// The sun's longitude at the start of local day `jdn`, as one of 12 sectors of 30° (0 = 0°–30°).
fn sun_longitude_sector(jdn: i64) -> i64 {
    let t = (jdn as f64 - 2_451_545.5 - TIME_ZONE / 24.0) / 36_525.0;
    let t2 = t * t;
    let dr = std::f64::consts::PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl = dl + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let omega = 125.04 - 1934.136 * t;
    let mut l = l0 + dl - 0.005_69 - 0.004_78 * (omega * dr).sin();
    l *= dr;
    let two_pi = 2.0 * std::f64::consts::PI;
    l -= two_pi * (l / two_pi).floor();
    (l / std::f64::consts::PI * 6.0).floor() as i64
}

/// The first day of the 11th lunar month (the month holding the winter solstice) of `year`.
fn lunar_month_11(year: i16) -> Option<i64> {
    let off = jd_of(Date::new(year, 12, 31).ok()?) - 2_415_021;
    let k = (off as f64 / 29.530_588_853).floor() as i64;
    let nm = new_moon_day(k);
    Some(if sun_longitude_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    })
}

/// How many months after the 11th month the leap month comes, in a lunar year of 13 months.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853 + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_longitude_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_longitude_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The solar date of day `day` of lunar month `month` (not the leap month) of lunar year `year`.
pub fn lunar_to_solar(day: u8, month: u8, year: i16) -> Option<Date> {
    if !(1..=30).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    let (a11, b11) = if month < 11 {
        (lunar_month_11(year.checked_sub(1)?)?, lunar_month_11(year)?)
    } else {
        (lunar_month_11(year)?, lunar_month_11(year.checked_add(1)?)?)
    };
    let k = (0.5 + (a11 as f64 - 2_415_021.076_998_695) / 29.530_588_853).floor() as i64;
    let mut off = i64::from(month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 && off >= leap_month_offset(a11) {
        off += 1;
    }
    date_of(new_moon_day(k + off) + i64::from(day) - 1)
}

/// Mùng 1 Tết (1st day of the 1st lunar month) of `year`.
pub fn tet(year: i16) -> Option<Date> {
    lunar_to_solar(1, 1, year)
}

/// Giỗ Tổ Hùng Vương (10th day of the 3rd lunar month) of `year`.
pub fn hung_kings(year: i16) -> Option<Date> {
    lunar_to_solar(10, 3, year)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn tet_and_hung_kings_match_the_holiday_table() {
        // The lunar dates written out in data/holidays.toml, 2017–2030.
        let table = [
            (2017, date(2017, 1, 28), date(2017, 4, 6)),
            (2018, date(2018, 2, 16), date(2018, 4, 25)),
            (2019, date(2019, 2, 5), date(2019, 4, 14)),
            (2020, date(2020, 1, 25), date(2020, 4, 2)),
            (2021, date(2021, 2, 12), date(2021, 4, 21)),
            (2022, date(2022, 2, 1), date(2022, 4, 10)),
            (2023, date(2023, 1, 22), date(2023, 4, 29)),
            (2024, date(2024, 2, 10), date(2024, 4, 18)),
            (2025, date(2025, 1, 29), date(2025, 4, 7)),
            (2026, date(2026, 2, 17), date(2026, 4, 26)),
            (2027, date(2027, 2, 6), date(2027, 4, 16)),
            (2028, date(2028, 1, 26), date(2028, 4, 4)),
            (2029, date(2029, 2, 13), date(2029, 4, 23)),
            (2030, date(2030, 2, 2), date(2030, 4, 12)),
        ];
        for (y, t, h) in table {
            assert_eq!(tet(y), Some(t), "Tết {y}");
            assert_eq!(hung_kings(y), Some(h), "Hùng Kings {y}");
        }
    }

    #[test]
    fn vietnamese_dates_where_the_chinese_calendar_differs() {
        // Tết Ất Sửu 1985 and Đinh Hợi 2007 (China: 20/2/1985 and 18/2/2007).
        assert_eq!(tet(1985), Some(date(1985, 1, 21)));
        assert_eq!(tet(2007), Some(date(2007, 2, 17)));
        // Some well-known years at both ends of the range.
        assert_eq!(tet(1900), Some(date(1900, 1, 31)));
        assert_eq!(tet(2016), Some(date(2016, 2, 8)));
        assert_eq!(tet(2031), Some(date(2031, 1, 23)));
        assert_eq!(hung_kings(2016), Some(date(2016, 4, 16)));
        assert_eq!(lunar_to_solar(0, 1, 2020), None);
        assert_eq!(lunar_to_solar(1, 13, 2020), None);
    }

    #[test]
    fn every_year_of_the_supported_range_has_tet_in_its_season() {
        for y in 1900..=2200 {
            let t = tet(y).expect("tết");
            assert!(t >= date(y, 1, 19) && t <= date(y, 2, 21), "Tết {y} on {t}");
            let h = hung_kings(y).expect("hung kings");
            assert!(h > t && h <= date(y, 5, 1), "Hùng Kings {y} on {h}");
        }
    }
}
