//! Property tests of `number::format_vi`, the one function that writes figures the Vietnamese way
//! ("1.234.567,891": "." groups thousands, "," is the decimal mark), checked against references
//! that share no code with it: the grouping read off the output's characters, the rounding done on
//! the decimal digits as a person does it (the first dropped digit 5 or more rounds the magnitude
//! up, which is half away from zero), and the reading back by `parse_number`.

use giaoban_vntext::number::{Decimal, MAX_SCALE, format_vi, parse_number};
use proptest::prelude::*;

fn dec(mantissa: i128, scale: u32) -> Decimal {
    Decimal::new(mantissa, scale).expect("scale within MAX_SCALE")
}

/// The value `mantissa × 10^-scale` rounded half away from zero to `decimals` places, written with
/// '.' between thousands and ',' before the decimals — computed on the digit string.
fn reference(mantissa: i128, scale: u32, decimals: u32) -> String {
    let (scale, decimals) = (scale as usize, decimals as usize);
    let mut digits = mantissa.unsigned_abs().to_string();
    if digits.len() <= scale {
        digits = format!("{}{digits}", "0".repeat(scale + 1 - digits.len()));
    }
    let (int, frac) = digits.split_at(digits.len() - scale);
    let mut frac: Vec<u8> = frac.bytes().collect();
    let mut kept: Vec<u8> = int.bytes().collect();
    let round_up = frac.len() > decimals && frac[decimals] >= b'5';
    frac.resize(decimals.max(frac.len()), b'0');
    kept.extend_from_slice(&frac[..decimals]);
    if round_up {
        // Add one unit in the last kept place, carrying.
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let (int, frac) = kept.split_at(kept.len() - decimals);
    let int = std::str::from_utf8(int).unwrap().trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let zero = int == "0" && frac.iter().all(|&b| b == b'0');
    let mut out = String::new();
    if mantissa < 0 && !zero {
        out.push('-');
    }
    out.push_str(&grouped);
    if decimals > 0 {
        out.push(',');
        out.push_str(std::str::from_utf8(frac).unwrap());
    }
    out
}

#[test]
fn the_examples_of_issue_7_and_the_seeds() {
    assert_eq!(format_vi(dec(1_234_567_891, 3), 3), "1.234.567,891");
    assert_eq!(format_vi(dec(1_234_567_891, 3), 2), "1.234.567,89");
    assert_eq!(format_vi(dec(1_234_567_891, 3), 0), "1.234.568");
    assert_eq!(format_vi(dec(1_234_567_891, 3), 5), "1.234.567,89100");
    assert_eq!(format_vi(dec(-1_234_567_891, 3), 3), "-1.234.567,891");
    assert_eq!(format_vi(dec(546_632, 2), 2), "5.466,32");
    assert_eq!(format_vi(dec(1012, 1), 1), "101,2");
    assert_eq!(format_vi(dec(305, 2), 2), "3,05");
    assert_eq!(format_vi(Decimal::from_int(999), 0), "999");
    assert_eq!(format_vi(Decimal::from_int(1000), 0), "1.000");
    // Rounding half away from zero, at the carry too.
    assert_eq!(format_vi(dec(9995, 4), 3), "1,000");
    assert_eq!(format_vi(dec(9_999_995, 1), 0), "1.000.000");
    assert_eq!(format_vi(dec(-25, 1), 0), "-3");
    assert_eq!(format_vi(dec(-24, 1), 0), "-2");
    // Zero, and a negative that rounds to zero, carry no sign.
    assert_eq!(format_vi(Decimal::ZERO, 0), "0");
    assert_eq!(format_vi(Decimal::ZERO, 2), "0,00");
    assert_eq!(format_vi(dec(-4, 3), 2), "0,00");
    assert_eq!(format_vi(dec(-5, 3), 2), "-0,01");
    // The reference agrees on all of these.
    for (m, s, d) in [(1_234_567_891, 3, 3), (9995, 4, 3), (-4, 3, 2), (-5, 3, 2)] {
        assert_eq!(reference(m, s, d), format_vi(dec(m, s), d));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// The output is the reference's, digit for digit: grouping, rounding, sign, zero.
    #[test]
    fn formats_as_the_reference(m in any::<i64>(), scale in 0u32..=10, decimals in 0u32..=10) {
        prop_assert_eq!(format_vi(dec(i128::from(m), scale), decimals), reference(i128::from(m), scale, decimals));
    }

    /// The same over the whole i128 range and every scale, carries at the top included.
    #[test]
    fn formats_as_the_reference_wide(
        (m, scale, decimals) in (0u32..=MAX_SCALE, 0u32..=MAX_SCALE).prop_flat_map(|(scale, decimals)| {
            // Room for the digits scaling up adds, and for one more from a carry.
            let bound = i128::MAX / 10i128.pow(decimals.saturating_sub(scale) + 1);
            (-bound..=bound, Just(scale), Just(decimals))
        })
    ) {
        prop_assert_eq!(format_vi(dec(m, scale), decimals), reference(m, scale, decimals));
    }

    /// The shape alone, read off the characters: an optional '-', groups of three digits after a
    /// first group of one to three without a leading zero, and exactly `decimals` digits after a
    /// single ','.
    #[test]
    fn has_the_vietnamese_shape(m in any::<i64>(), scale in 0u32..=8, decimals in 0u32..=8) {
        let s = format_vi(dec(i128::from(m), scale), decimals);
        let unsigned = s.strip_prefix('-').unwrap_or(&s);
        let (int, frac) = match unsigned.split_once(',') {
            Some((i, f)) => (i, Some(f)),
            None => (unsigned, None),
        };
        prop_assert_eq!(frac.map_or(0, str::len), decimals as usize, "{}", s);
        prop_assert!(frac.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit())), "{}", s);
        prop_assert!(decimals > 0 || frac.is_none(), "{}", s);
        let groups: Vec<&str> = int.split('.').collect();
        prop_assert!((1..=3).contains(&groups[0].len()), "{}", s);
        prop_assert!(groups[0] == "0" || !groups[0].starts_with('0'), "{}", s);
        prop_assert!(groups[1..].iter().all(|g| g.len() == 3), "{}", s);
        prop_assert!(groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit())), "{}", s);
        // A minus sign only before a figure that is not zero.
        prop_assert!(!s.starts_with('-') || s.bytes().any(|b| (b'1'..=b'9').contains(&b)), "{}", s);
    }

    /// Negating the value only adds or removes the sign.
    #[test]
    fn negation_is_only_a_sign(m in 0i64..=i64::MAX, scale in 0u32..=8, decimals in 0u32..=8) {
        let positive = format_vi(dec(i128::from(m), scale), decimals);
        let negative = format_vi(dec(-i128::from(m), scale), decimals);
        if positive.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            prop_assert_eq!(negative, format!("-{positive}"));
        } else {
            prop_assert_eq!(negative, positive);
        }
    }

    /// Read back by the parser, the figure is within half a unit of its last place of the value,
    /// and exactly the value when no digit was dropped.
    #[test]
    fn reads_back_within_half_a_unit(m in any::<i64>(), scale in 0u32..=8, decimals in 0u32..=8) {
        let value = dec(i128::from(m), scale);
        let written = format_vi(value, decimals);
        let read = parse_number(&written).expect("the parser reads what the formatter writes");
        let difference = read.checked_add(dec(-i128::from(m), scale)).expect("no overflow");
        // |difference| ≤ ½ × 10^-decimals  ⇔  2 × |mantissa| ≤ 10^(scale - decimals).
        let common = difference.scale().max(decimals);
        let difference = difference.rescale(common).expect("rescale");
        let unit = 10u128.pow(common - decimals);
        prop_assert!(2 * difference.mantissa().unsigned_abs() <= unit, "{} from {:?}", written, value);
        if decimals >= scale {
            prop_assert_eq!(read, value);
        }
    }
}
