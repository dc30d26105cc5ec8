//! The bounds of an uploaded workbook (security finding 3 of issue 20): a package that inflates to
//! more than the limits is refused before calamine parses it, whatever sizes it declares; a text
//! cell longer than any form's text is refused, located.

use std::io::{Cursor, Write};

use giaoban_documents::xlsx::bombs::{DATA_SHEET_PART, inline_string_bomb, with_declared_size};
use giaoban_documents::xlsx::{
    CellProblem, FormColumn, TemplateSpec, UploadSpec, UploadUnit, form_template, limits,
    read_form_upload,
};
use giaoban_domain::indicator::{BUNDLED_CATALOG, Indicator, IndicatorId, parse_catalog};
use giaoban_domain::period::Period;
use giaoban_domain::unit::UnitId;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

fn columns() -> Vec<FormColumn> {
    parse_catalog(BUNDLED_CATALOG)
        .unwrap()
        .into_iter()
        .filter(|d| ["NN_LUA_GIEO_CAY", "GHI_CHU_KHO_KHAN"].contains(&d.code.as_str()))
        .map(|d| FormColumn {
            indicator: Indicator {
                id: IndicatorId::new(),
                code: d.code,
                name_vi: d.name_vi,
                name_en: d.name_en,
                measure: d.measure,
                value_type: d.value_type,
                rollup: d.rollup,
                accumulation: d.accumulation,
                direction: d.direction,
                sector: d.sector,
                decimals: d.decimals,
                active: d.active,
                version: 1,
            },
            required: false,
        })
        .collect()
}

fn q1() -> Period {
    Period::quarter(2023, 1).unwrap()
}

fn template() -> Vec<u8> {
    form_template(&TemplateSpec {
        form_code: "KTXH_QUY_XA".into(),
        form_name: "Báo cáo kinh tế - xã hội quý (cấp xã)".into(),
        period: q1(),
        deadline_label: "thứ Năm, 16/03/2023".into(),
        columns: columns(),
        rows: vec![],
    })
    .unwrap()
}

fn spec() -> UploadSpec {
    UploadSpec {
        form_code: "KTXH_QUY_XA".into(),
        period: q1(),
        columns: columns(),
        units: vec![UploadUnit {
            code: "CT_CAM_NGOC".into(),
            id: UnitId::new(),
            name: "Xã Cẩm Ngọc".into(),
        }],
    }
}

fn refused(bytes: &[u8]) -> Vec<CellProblem> {
    read_form_upload(bytes, &spec()).expect_err("the file is refused")
}

fn too_large(problems: &[CellProblem]) -> bool {
    problems.len() == 1
        && problems[0].vi.contains("quá lớn khi giải nén")
        && problems[0].en.contains("too large once unpacked")
}

/// The peak resident memory of this process so far (VmHWM), in MB.
fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// A package whose parts are the given (name, bytes), deflated.
fn zip_of(parts: &[(String, Vec<u8>)], level: i64) -> Vec<u8> {
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(level));
    for (name, bytes) in parts {
        out.start_file(name.as_str(), options).unwrap();
        out.write_all(bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// The template's parts, with `name` replaced (or added) by `bytes`.
fn template_with(name: &str, bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let t = template();
    let mut zip = ZipArchive::new(Cursor::new(&t)).unwrap();
    let mut parts: Vec<(String, Vec<u8>)> = (0..zip.len())
        .map(|i| {
            let mut p = zip.by_index(i).unwrap();
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut p, &mut b).unwrap();
            (p.name().to_owned(), b)
        })
        .filter(|(n, _)| n != name)
        .collect();
    parts.push((name.to_owned(), bytes));
    parts
}

/// Text that deflate shrinks about twofold (hex digits of a pseudo-random sequence).
fn incompressible(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            b"0123456789abcdef"[(x & 15) as usize]
        })
        .collect()
}

/// The workbook of the finding: 800 million characters in one inline string, about 780 KB.
#[test]
fn the_800_million_character_bomb_is_refused_before_it_is_inflated() {
    let bomb = inline_string_bomb(&template(), 800_000_000).expect("bomb");
    eprintln!("bomb: {} KB", bomb.len() / 1024);
    assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
    let problems = refused(&bomb);
    assert!(too_large(&problems), "{problems:?}");
    assert!(problems[0].vi.contains(DATA_SHEET_PART), "{problems:?}");
    // Before the bound, calamine held the whole string (3 GB); now nothing of it is held.
    let peak = peak_rss_mb().unwrap_or(0);
    eprintln!("peak RSS of the test process: {peak} MB");
    assert!(peak <= 150, "peak RSS {peak} MB");
}

/// The same bomb declaring that its sheet inflates to 1 000 bytes: inflation stops one byte past
/// the part's bound.
#[test]
fn a_bomb_that_lies_about_its_size_is_stopped_at_the_part_bound() {
    let bomb = inline_string_bomb(&template(), 60_000_000).expect("bomb");
    let liar = with_declared_size(&bomb, DATA_SHEET_PART, 1_000);
    let mut zip = ZipArchive::new(Cursor::new(&liar)).unwrap();
    assert_eq!(zip.by_name(DATA_SHEET_PART).unwrap().size(), 1_000);
    let problems = refused(&liar);
    assert!(too_large(&problems), "{problems:?}");
}

#[test]
fn a_part_compressed_a_thousand_times_is_refused_even_under_the_size_bounds() {
    // 5 MB of one letter: under the part bound, but no sheet compresses like that.
    let bomb = inline_string_bomb(&template(), 5_000_000).expect("bomb");
    let problems = refused(&bomb);
    assert!(too_large(&problems), "{problems:?}");
    assert!(problems[0].vi.contains("nén hơn 100 lần"), "{problems:?}");
}

#[test]
fn parts_over_the_total_or_too_many_parts_are_refused() {
    // Three parts of 8 MB that compress only twofold: each under 10 MB, 24 MB in all.
    let mut parts = template_with("xl/media/a.bin", incompressible(8 << 20, 1));
    parts.push(("xl/media/b.bin".into(), incompressible(8 << 20, 2)));
    parts.push(("xl/media/c.bin".into(), incompressible(8 << 20, 3)));
    let problems = refused(&zip_of(&parts, 1));
    assert!(too_large(&problems), "{problems:?}");
    assert!(problems[0].vi.contains("tổng cộng"), "{problems:?}");

    let mut parts = template_with("xl/media/0.bin", vec![b'x']);
    parts.extend((1..=limits::MAX_PARTS).map(|i| (format!("xl/media/{i}.bin"), vec![b'x'])));
    let problems = refused(&zip_of(&parts, 1));
    assert!(too_large(&problems), "{problems:?}");
    assert!(problems[0].vi.contains("phần, tối đa"), "{problems:?}");
}

#[test]
fn a_text_cell_longer_than_any_form_text_is_refused_where_it_is() {
    let long = "ă".repeat(limits::MAX_CELL_CHARS + 1);
    let sheet = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
         <sheetData><row r=\"3\"><c r=\"B3\" t=\"inlineStr\"><is><t>{long}</t></is></c></row>\
         </sheetData></worksheet>"
    );
    let file = zip_of(&template_with(DATA_SHEET_PART, sheet.into_bytes()), 6);
    let problems = refused(&file);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].cell_ref().as_deref(), Some("B3"));
    assert!(problems[0].vi.contains("quá dài"), "{problems:?}");
}
