//! Inputs that have broken text engines before: invalid UTF-8 from files, stray combining marks,
//! numbers past any integer type, empty and one-character documents. None may panic, and every
//! span must cut the text on character boundaries. (The fuzz target in /fuzz covers the same
//! pipeline over arbitrary bytes; these are fixed cases that run with `cargo test`.)

use giaoban_vntext::extract::{UnitRegistry, extract};
use giaoban_vntext::{date, normalize, number};

fn pipeline(bytes: &[u8]) {
    let text = normalize::decode_text(bytes);
    let _ = normalize::match_key(&text);
    let _ = normalize::ascii_key(&text);
    let _ = number::parse_number(&text);
    let _ = number::parse_quantity(&text);
    for q in number::find_quantities(&text) {
        assert!(text.get(q.span.start..q.span.end).is_some(), "{text:?}");
    }
    let doc = jiff::civil::date(2023, 3, 24);
    for d in date::find_dates(&text, doc) {
        assert!(text.get(d.span.start..d.span.end).is_some(), "{text:?}");
    }
    let registry = UnitRegistry::new(&[(
        "tckh".to_string(),
        vec!["Phòng Tài chính - Kế hoạch".to_string()],
    )]);
    for x in [
        extract(&text, &registry, None),
        extract(&text, &registry, Some(doc)),
    ] {
        for t in &x.tasks {
            assert!(text.get(t.span.start..t.span.end).is_some(), "{text:?}");
        }
        for f in &x.figures {
            let s = f.quantity.span;
            assert!(text.get(s.start..s.end).is_some(), "{text:?}");
        }
    }
}

#[test]
fn odd_inputs_do_not_panic() {
    let cases: &[&[u8]] = &[
        b"",
        b" ",
        b"\xff\xfe\x00G\x00i\x00a\x00o\x00",
        b"Giao \xe1\xbb Ph\xc3\xb2ng",
        b"\xef\xbb\xbfGiao Ph\xc3\xb2ng T\xc3\xa0i ch\xc3\xadnh K\xe1\xba\xbf",
        "\u{301}\u{303}\u{323} giao \u{300}".as_bytes(),
        "999999999999999999999999999999999999999999,5 tỷ đồng".as_bytes(),
        "1.2.3.4.5.6.7.8.9,1,2,3 nghìn tỷ tỷ tỷ USD".as_bytes(),
        "ngày 99/99/99999 trước 25h ngày thứ 9 hàng tuần quý V năm 0".as_bytes(),
        "Giao Giao Giao giao, yêu cầu: ; ; chủ trì, phối hợp với".as_bytes(),
        "Số: /TB- ngày tháng năm".as_bytes(),
        "từ 5 đến đến 7 % kế hoạch 15/0 tiêu chí/xã 0/0".as_bytes(),
        "\u{a0}\u{200b}\u{2013}\u{2014}Giao\u{a0}phòng\u{200b}TC\u{2013}KH".as_bytes(),
    ];
    for c in cases {
        pipeline(c);
    }
}

#[test]
fn seeds_cut_anywhere_do_not_panic() {
    let seed = include_bytes!("seeds/004_b6c01a3b0295957f.txt");
    // Every prefix length, including ones that split a multi-byte character.
    for end in (0..seed.len()).step_by(97) {
        pipeline(&seed[..end]);
        pipeline(&seed[end..]);
    }
}

/// `len` bytes of a fixed xorshift sequence (the same as `giaoban-bench text --scaling`).
fn random_bytes(len: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 32) as u8
        })
        .collect()
}

/// Random bytes read as a pasted file are no text: a warning, and no figures (there were 1 281
/// "figures" in 200 KB of them before).
#[test]
fn random_bytes_are_no_text() {
    let text = normalize::decode_text(&random_bytes(200_000));
    let registry = UnitRegistry::new(&[]);
    let x = extract(&text, &registry, None);
    assert!(x.figures.is_empty(), "{} figures", x.figures.len());
    assert!(x.tasks.is_empty());
    assert_eq!(
        x.warnings
            .iter()
            .map(|w| w.kind.clone())
            .collect::<Vec<_>>(),
        vec![giaoban_vntext::extract::WarningKind::NotText]
    );
    // A real document with a few broken characters is still read.
    let seed = include_str!("seeds/004_b6c01a3b0295957f.txt").replacen('ư', "\u{FFFD}", 20);
    let x = extract(&seed, &registry, None);
    assert!(!x.figures.is_empty());
    assert!(
        x.warnings
            .iter()
            .all(|w| w.kind != giaoban_vntext::extract::WarningKind::NotText)
    );
}
