//! The whole vntext pipeline over arbitrary bytes: decoding as from a file, then every public entry
//! point. The engine promises never to panic on any input.
#![no_main]

use giaoban_vntext::{date, extract, normalize, number};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = normalize::decode_text(data);
    let _ = normalize::nfc(&text);
    let _ = normalize::match_key(&text);
    let _ = normalize::ascii_key(&text);
    let _ = number::parse_number(&text);
    let _ = number::parse_quantity(&text);
    for q in number::find_quantities(&text) {
        // Spans must point at char boundaries inside the text.
        assert!(text.get(q.span.start..q.span.end).is_some());
    }
    let doc_date = jiff::civil::date(2023, 3, 24);
    for d in date::find_dates(&text, doc_date) {
        assert!(text.get(d.span.start..d.span.end).is_some());
    }
    let _ = date::parse_date_expr(&text, doc_date);
    let registry = extract::UnitRegistry::new(&[
        (
            "tckh".to_string(),
            vec![
                "Phòng Tài chính - Kế hoạch".to_string(),
                "Phòng TC-KH".to_string(),
            ],
        ),
        ("ca".to_string(), vec!["Công an huyện".to_string()]),
        (
            "nnptnt".to_string(),
            vec!["Phòng Nông nghiệp và Phát triển nông thôn".to_string()],
        ),
    ]);
    let _ = registry.resolve(&text);
    let x = extract::extract(&text, &registry, None);
    for t in &x.tasks {
        assert!(text.get(t.span.start..t.span.end).is_some());
    }
    let _ = extract::extract(&text, &registry, Some(doc_date));
});
