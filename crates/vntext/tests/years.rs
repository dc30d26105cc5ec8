//! Honest dates: a day or period written without a year takes the document's year when the
//! document gives one, and otherwise stays out of the result with a warning — no year appears in
//! what is read that the text does not write.

use giaoban_vntext::extract::{UnitRegistry, WarningKind, extract};
use proptest::prelude::*;

fn registry() -> UnitRegistry {
    UnitRegistry::new(&[(
        "tckh".to_string(),
        vec!["Phòng Tài chính - Kế hoạch".to_string()],
    )])
}

/// Every year in the serialised result: of each "YYYY-MM-DD" string and each "year", "expected"
/// or "found" number.
fn years(v: &serde_json::Value, out: &mut Vec<i64>) {
    match v {
        serde_json::Value::String(s) => {
            let b = s.as_bytes();
            if b.len() >= 10
                && b[..4].iter().all(u8::is_ascii_digit)
                && b[4] == b'-'
                && b[7] == b'-'
                && let Ok(y) = s[..4].parse()
            {
                out.push(y);
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| years(x, out)),
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                if matches!(k.as_str(), "year" | "expected" | "found")
                    && let Some(y) = x.as_i64()
                {
                    out.push(y);
                }
                years(x, out);
            }
        }
        _ => {}
    }
}

/// Sentences with days, months, quarters and relative days but no year.
fn sentence() -> impl Strategy<Value = String> {
    (0usize..9, 1u32..=28, 1u32..=12, 1usize..=4).prop_map(|(k, d, m, q)| {
        let quarter = ["I", "II", "III", "IV"][q - 1];
        match k {
            0 => format!("Giao Phòng Tài chính - Kế hoạch rà soát hồ sơ trước ngày {d}/{m}."),
            1 => format!("Các phòng chuyên môn cần hoàn thành chậm nhất vào ngày {d} tháng {m}."),
            2 => format!("Yêu cầu các phòng, ban báo cáo kết quả trong quý {quarter}."),
            3 => format!("Chiều ngày {d}/{m}, UBND huyện tổ chức hội nghị giao ban."),
            4 => format!("Giao Phòng Tài chính - Kế hoạch hoàn thành trong tháng {m}."),
            5 => "Các phòng chuyên môn cần báo cáo kết quả năm nay.".to_string(),
            6 => "Sáng nay, UBND huyện tổ chức hội nghị sơ kết 6 tháng.".to_string(),
            7 => format!("Giao Phòng Tài chính - Kế hoạch báo cáo trước 17h ngày {d}/{m}."),
            _ => format!("Ngày {d}/{m}, các xã đã thu hoạch {q}0 ha lúa."),
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_year_is_read_that_the_text_does_not_write(
        header in proptest::option::of((1u32..=28, 1u32..=12, 2010i32..=2035)),
        body in proptest::collection::vec(sentence(), 1..6),
    ) {
        let mut text = String::new();
        if let Some((d, m, y)) = header {
            text.push_str(&format!("Cẩm Thủy, ngày {d} tháng {m} năm {y}\n"));
        }
        text.push_str(&body.join(" "));
        let x = extract(&text, &registry(), None);
        let json = serde_json::to_value(&x).unwrap_or_default();
        let mut found = Vec::new();
        years(&json, &mut found);
        for y in &found {
            prop_assert!(text.contains(&y.to_string()), "year {y} not in {text:?}: {json}");
        }
        match header {
            Some((_, _, y)) => {
                prop_assert_eq!(x.document.reference_date.map(|r| i64::from(r.year())), Some(i64::from(y)));
                // Every year-less deadline took the document's year.
                for t in &x.tasks {
                    let mut got = Vec::new();
                    years(&serde_json::to_value(t.deadline).unwrap_or_default(), &mut got);
                    prop_assert!(got.iter().all(|g| *g == i64::from(y)), "{:?}", t.deadline);
                }
            }
            None => {
                prop_assert!(x.document.reference_date.is_none());
                prop_assert!(x.tasks.iter().all(|t| !matches!(
                    t.deadline.map(|d| d.value),
                    Some(giaoban_vntext::date::DateExpr::Date { .. } | giaoban_vntext::date::DateExpr::Period { .. })
                )), "{:?}", x.tasks);
                prop_assert!(
                    x.warnings.iter().any(|w| w.kind == WarningKind::YearUnknown),
                    "{:?}", x.warnings
                );
                prop_assert!(x.meeting.date.is_none() && x.meeting.period.is_none());
            }
        }
    }
}

/// The document's date line gives the year to "ngày 15/4"; without it the deadline is empty and
/// a warning asks the reader, and the reader's date, when given, is the document's.
#[test]
fn a_day_without_a_year_takes_the_document_year_or_stays_empty() {
    use giaoban_vntext::date::DateExpr;
    let body = "Giao Phòng Tài chính - Kế hoạch rà soát hồ sơ trước ngày 15/4.";
    let x = extract(
        &format!("Cẩm Thủy, ngày 24 tháng 3 năm 2023\n{body}"),
        &registry(),
        None,
    );
    assert!(matches!(
        x.tasks[0].deadline.map(|d| d.value),
        Some(DateExpr::Date { date, year_inferred: true, .. }) if date == jiff::civil::date(2023, 4, 15)
    ));
    let x = extract(body, &registry(), None);
    assert_eq!(x.tasks.len(), 1);
    assert_eq!(x.tasks[0].deadline, None);
    assert!(x.figures.is_empty(), "{:?}", x.figures);
    let w = x
        .warnings
        .iter()
        .find(|w| w.kind == WarningKind::YearUnknown)
        .expect("a warning");
    assert_eq!(w.spans.len(), 1);
    assert_eq!(w.spans[0].slice(body), "trước ngày 15/4");
    assert!(w.message.contains("không ghi năm"), "{}", w.message);
    let x = extract(body, &registry(), Some(jiff::civil::date(2024, 1, 2)));
    assert!(matches!(
        x.tasks[0].deadline.map(|d| d.value),
        Some(DateExpr::Date { date, .. }) if date == jiff::civil::date(2024, 4, 15)
    ));
}
