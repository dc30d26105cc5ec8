//! The fuzz targets: one per kind of input the application accepts from people, each run through
//! the code that reads it in production and checked for what that code promises — a result or a
//! non-empty list of problems with a message in both languages, never a panic.
//!
//! Two drivers share these checks: the cargo-fuzz targets in `fuzz/` (libFuzzer, nightly), and
//! `cargo run -p giaoban-fuzzing -- …` ([`run`]), a bounded mutation run on stable Rust that feeds
//! each target mutated copies of its seeds and prints the inputs per second and the crashes.

pub mod mutate;

use std::collections::HashSet;
use std::sync::OnceLock;

use giaoban_documents::xlsx::{FormColumn, TemplateRow, TemplateSpec, UploadSpec, UploadUnit};
use giaoban_domain::Lang;
use giaoban_domain::audit::AuditActor;
use giaoban_domain::indicator::{BUNDLED_CATALOG, Figure, Indicator, IndicatorId, parse_catalog};
use giaoban_domain::period::Period;
use giaoban_domain::programme::CriteriaSet;
use giaoban_domain::report::EnteredValue;
use giaoban_domain::unit::UnitId;
use giaoban_storage::{Store, StoreConfig};
use giaoban_vntext::{date, extract, normalize, number};

/// What one input did, as a small signature: inputs whose signature was not seen before join the
/// corpus of the stable run (a crude stand-in for libFuzzer's coverage feedback).
pub type Outcome = u64;

fn signature(kind: &str, detail: &str) -> Outcome {
    // FNV-1a over the kind and the detail with its digits left out (line numbers, counts).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in kind
        .bytes()
        .chain(detail.bytes().filter(|b| !b.is_ascii_digit()))
    {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The kinds of input, by the name their cargo-fuzz target has.
pub const TARGETS: [&str; 6] = [
    "extract",
    "xlsx_upload",
    "xlsx_limits",
    "units_file",
    "criteria_set",
    "indicator_catalog",
];

/// Text as the application receives it from a file or a form: UTF-8 (with a BOM or as UTF-16 too),
/// anything else replaced.
fn text_of(data: &[u8]) -> String {
    normalize::decode_text(data)
}

// ---------------------------------------------------------------------------------------------
// Pasted text: the reading of conclusion notices and reports (POST /api/v1/extract, `giaoban
// extract`).

fn registry() -> &'static extract::UnitRegistry {
    static REGISTRY: OnceLock<extract::UnitRegistry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        extract::UnitRegistry::new(&[
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
            (
                "camngoc".to_string(),
                vec!["UBND xã Cẩm Ngọc".to_string(), "xã Cẩm Ngọc".to_string()],
            ),
        ])
    })
}

/// The whole text engine over arbitrary bytes: decoding, normalising, numbers, dates, the unit
/// registry and the extraction; every span it returns points at char boundaries inside the text.
pub fn extract(data: &[u8]) -> Outcome {
    let text = text_of(data);
    let _ = normalize::nfc(&text);
    let _ = normalize::match_key(&text);
    let _ = normalize::ascii_key(&text);
    let _ = number::parse_number(&text);
    let _ = number::parse_quantity(&text);
    for q in number::find_quantities(&text) {
        assert!(
            text.get(q.span.start..q.span.end).is_some(),
            "quantity span"
        );
    }
    let doc_date = jiff::civil::date(2023, 3, 24);
    for d in date::find_dates(&text, doc_date) {
        assert!(text.get(d.span.start..d.span.end).is_some(), "date span");
    }
    let _ = date::parse_date_expr(&text, doc_date);
    let _ = registry().resolve(&text);
    let x = extract::extract(&text, registry(), None);
    for t in &x.tasks {
        assert!(text.get(t.span.start..t.span.end).is_some(), "task span");
    }
    let y = extract::extract(&text, registry(), Some(doc_date));
    signature(
        "extract",
        &format!(
            "{}/{}/{}",
            x.tasks.len().min(4),
            y.tasks.len().min(4),
            x.warnings.len().min(4)
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// The filled Excel template of a report form (POST …/periods/{period}/upload).

fn catalog() -> &'static [Indicator] {
    static CATALOG: OnceLock<Vec<Indicator>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        parse_catalog(BUNDLED_CATALOG)
            .expect("the bundled catalog parses")
            .into_iter()
            .map(|d| Indicator {
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
            })
            .collect()
    })
}

const UPLOAD_COLUMNS: [&str; 4] = [
    "NN_LUA_GIEO_CAY",
    "DN_THANH_LAP_MOI",
    "NTM_DAT_CHUAN",
    "GHI_CHU_KHO_KHAN",
];
const UPLOAD_UNITS: [&str; 3] = ["CT_CAM_NGOC", "CT_CAM_TAN", "00123"];

fn columns() -> Vec<FormColumn> {
    UPLOAD_COLUMNS
        .iter()
        .filter_map(|c| catalog().iter().find(|i| i.code.as_str() == *c))
        .map(|i| FormColumn {
            indicator: i.clone(),
            required: false,
        })
        .collect()
}

fn upload_spec() -> &'static UploadSpec {
    static SPEC: OnceLock<UploadSpec> = OnceLock::new();
    SPEC.get_or_init(|| UploadSpec {
        form_code: "KTXH_QUY_XA".into(),
        period: Period::quarter(2023, 1).expect("a valid quarter"),
        columns: columns(),
        units: UPLOAD_UNITS
            .iter()
            .map(|c| UploadUnit {
                code: (*c).into(),
                id: UnitId::new(),
                name: (*c).into(),
            })
            .collect(),
    })
}

/// A template of the form the upload spec expects, with figures entered in two rows: the seed
/// from which mutated uploads start (a valid package, so mutations reach the cells).
pub fn xlsx_seed() -> Vec<u8> {
    let figure = |s: &str| EnteredValue::Figure(Figure::parse(s).expect("figure"));
    let row = |code: &str, values: &[(&str, EnteredValue)]| TemplateRow {
        version: None,
        unit_code: code.into(),
        unit_name: format!("Xã {code}"),
        values: values
            .iter()
            .filter_map(|(c, v)| {
                catalog()
                    .iter()
                    .find(|i| i.code.as_str() == *c)
                    .map(|i| (i.code.clone(), v.clone()))
            })
            .collect(),
    };
    giaoban_documents::xlsx::form_template(&TemplateSpec {
        form_code: "KTXH_QUY_XA".into(),
        form_name: "Báo cáo kinh tế - xã hội quý (cấp xã)".into(),
        period: Period::quarter(2023, 1).expect("a valid quarter"),
        deadline_label: "17:00 thứ Năm, 16/03/2023".into(),
        columns: columns(),
        rows: vec![
            row(
                "CT_CAM_NGOC",
                &[
                    ("NN_LUA_GIEO_CAY", figure("5.466,32")),
                    ("DN_THANH_LAP_MOI", figure("9")),
                    ("NTM_DAT_CHUAN", figure("1")),
                    (
                        "GHI_CHU_KHO_KHAN",
                        EnteredValue::Text("Thiếu nước tưới vụ Xuân".into()),
                    ),
                ],
            ),
            row("CT_CAM_TAN", &[("NN_LUA_GIEO_CAY", figure("1.101,4"))]),
            row("00123", &[]),
        ],
    })
    .expect("the template is written")
}

/// An uploaded report file is untrusted bytes: reading it gives rows (each for a known unit, once,
/// with values) or located problems, never a panic.
pub fn xlsx_upload(data: &[u8]) -> Outcome {
    let spec = upload_spec();
    match giaoban_documents::xlsx::read_form_upload(data, spec) {
        Ok(rows) => {
            let mut seen = HashSet::new();
            for r in &rows {
                assert!(
                    spec.units.iter().any(|u| u.id == r.unit_id),
                    "a row of an unknown unit"
                );
                assert!(seen.insert(r.unit_id), "a unit read twice");
                assert!(!r.values.is_empty(), "a row without values");
            }
            signature("xlsx ok", &rows.len().to_string())
        }
        Err(problems) => {
            assert!(!problems.is_empty(), "refused without a problem");
            for p in &problems {
                assert!(
                    !p.message(Lang::Vi).trim().is_empty(),
                    "a problem without words"
                );
                assert!(
                    !p.message(Lang::En).trim().is_empty(),
                    "a problem without words"
                );
            }
            signature("xlsx err", problems[0].message(Lang::En))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The workbook reader's size limits (issue 20, finding 3): packages that inflate far beyond what
// they weigh.

/// The first byte chooses the shape. 0: the rest is a workbook, read as uploaded (like
/// `xlsx_upload`). Otherwise a bomb is built from the seed template: the data sheet replaced by one
/// inline string whose length the next four bytes give (up to 24 million characters), its declared
/// size forged (when the sixth byte is odd) to the next four bytes, and the following bytes
/// written over the package at the offsets they name. Whatever comes in: a result or problems in
/// both languages, never a panic; a sheet over the part bound, or compressed over the ratio, is
/// refused as too large whatever it declares.
pub fn xlsx_limits(data: &[u8]) -> Outcome {
    use giaoban_documents::xlsx::bombs::{DATA_SHEET_PART, inline_string_bomb, with_declared_size};
    use giaoban_documents::xlsx::limits;
    let Some((&mode, rest)) = data.split_first() else {
        return xlsx_upload(data);
    };
    if mode == 0 {
        return xlsx_upload(rest);
    }
    let word = |at: usize| {
        let mut b = [0u8; 4];
        for (i, x) in b.iter_mut().enumerate() {
            *x = rest.get(at + i).copied().unwrap_or(0);
        }
        u32::from_le_bytes(b)
    };
    static TEMPLATE: OnceLock<Vec<u8>> = OnceLock::new();
    let template = TEMPLATE.get_or_init(xlsx_seed);
    let chars = u64::from(word(0) % 24_000_000);
    // The seed template is our own workbook: not reading it as a zip is a bug to report.
    let mut bomb = inline_string_bomb(template, chars).expect("the seed template is a zip");
    let forged = rest.get(4).is_some_and(|b| b % 2 == 1);
    if forged {
        bomb = with_declared_size(&bomb, DATA_SHEET_PART, word(5));
    }
    // Byte edits after the parameters: (offset, value) pairs, offsets in the package.
    let mut edited = false;
    for pair in rest.get(9..).unwrap_or(&[]).chunks_exact(3) {
        let at = usize::from(u16::from_le_bytes([pair[0], pair[1]]));
        if let Some(b) = bomb.get_mut(at) {
            *b = pair[2];
            edited = true;
        }
    }
    let outcome = xlsx_upload(&bomb);
    // An intact package whose sheet inflates past the ratio (one letter repeated compresses a
    // thousandfold) or the part bound is refused as too large, whatever size it declares.
    if !edited && chars > limits::RATIO_FROM_BYTES {
        let problems = giaoban_documents::xlsx::read_form_upload(&bomb, upload_spec())
            .expect_err("a sheet over the bounds is refused");
        assert!(
            problems[0].message(Lang::Vi).contains("quá lớn"),
            "refused for another reason: {}",
            problems[0].message(Lang::En)
        );
    }
    signature("xlsx limits", &format!("{forged}/{outcome}"))
}

// ---------------------------------------------------------------------------------------------
// The criteria set of a programme (POST /api/v1/programmes/criteria-sets, TOML).

/// A criteria-set file gives a set or its problems, each in both languages, and a line (when it
/// names one) inside the file.
pub fn criteria_set(data: &[u8]) -> Outcome {
    let text = text_of(data);
    match CriteriaSet::parse(&text) {
        Ok(set) => {
            // What was read is read the same way again once stored (the store keeps the source).
            let again = CriteriaSet::parse(&text).expect("a set parses twice");
            assert_eq!(format!("{set:?}"), format!("{again:?}"));
            signature("criteria ok", "")
        }
        Err(errors) => {
            assert!(!errors.0.is_empty(), "refused without a problem");
            let lines = text.lines().count().max(1) + 1;
            for e in &errors.0 {
                assert!(!e.vi.trim().is_empty() && !e.en.trim().is_empty());
                if let Some(line) = e.line {
                    assert!((1..=lines).contains(&line), "line {line} of {lines}");
                }
            }
            signature("criteria err", errors.0[0].code)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The indicator catalog (TOML, the format of crates/domain/data/indicators.toml).

/// An indicator catalog gives indicators or its problems, each in both languages.
pub fn indicator_catalog(data: &[u8]) -> Outcome {
    let text = text_of(data);
    match parse_catalog(&text) {
        Ok(drafts) => signature("catalog ok", &drafts.len().min(3).to_string()),
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without a problem");
            for e in &errors {
                assert!(!e.vi.trim().is_empty() && !e.en.trim().is_empty());
            }
            signature("catalog err", &errors[0].en)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The units file (`giaoban init --units FILE`, `giaoban import units FILE`).

/// A scratch SQLite database the units files are loaded into, and the runtime that drives it.
pub struct UnitsFileTarget {
    runtime: tokio::runtime::Runtime,
    store: Store,
    _dir: tempfile::TempDir,
}

impl UnitsFileTarget {
    pub fn new() -> UnitsFileTarget {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let store = runtime
            .block_on(Store::open(&StoreConfig::Sqlite {
                path: dir.path().join("fuzz.sqlite3"),
            }))
            .expect("a scratch database");
        UnitsFileTarget {
            runtime,
            store,
            _dir: dir,
        }
    }

    /// Loads a units file: a report of what was created, or an error that says what is wrong.
    pub fn run(&self, data: &[u8]) -> Outcome {
        let text = text_of(data);
        let actor = AuditActor::system("fuzz");
        let result = self.runtime.block_on(giaoban::units_file::load(
            &self.store,
            &actor,
            &text,
            Lang::En,
        ));
        match result {
            Ok(report) => signature(
                "units ok",
                &format!("{}/{}", report.created.min(2), report.existing.min(2)),
            ),
            Err(e) => {
                let message = format!("{e:#}");
                assert!(!message.trim().is_empty(), "an error without words");
                // The first words say which kind of problem it is; names and keys follow.
                let kind: String = message.chars().take(24).collect();
                signature("units err", &kind)
            }
        }
    }
}

impl Default for UnitsFileTarget {
    fn default() -> Self {
        UnitsFileTarget::new()
    }
}

/// The units-file target for drivers that hold no state (cargo-fuzz).
pub fn units_file(data: &[u8]) -> Outcome {
    static TARGET: OnceLock<UnitsFileTarget> = OnceLock::new();
    TARGET.get_or_init(UnitsFileTarget::new).run(data)
}

// ---------------------------------------------------------------------------------------------
// Seeds and dictionaries.

/// The starting inputs of a target: real files of the project.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    let texts: &[&str] = match target {
        "extract" => &[
            include_str!("../../vntext/tests/seeds/000_7dbb8d5ceec85e96.txt"),
            include_str!("../../vntext/tests/seeds/001_c93b7835f561c4d3.txt"),
            include_str!("../../vntext/tests/seeds/002_d653996d74202f5a.txt"),
            include_str!("../../vntext/tests/seeds/003_9ad25394f7ee9cae.txt"),
            include_str!("../../vntext/tests/seeds/004_b6c01a3b0295957f.txt"),
            "Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp Công an huyện hoàn thành trước ngày 30/02/2023; đạt 105,5% kế hoạch.",
        ],
        "units_file" => &[
            include_str!("../../giaoban/demo/units.toml"),
            "[[level]]\ncode = \"xa\"\nrank = 3\nname_vi = \"Xã\"\nname_en = \"Commune\"\n\n[[unit]]\nkey = \"a\"\nkind = \"commune\"\nlevel = \"xa\"\nname = \"Xã A\"\nparent = \"b\"\nactive_from = \"2020-01-01\"\n\n[[unit]]\nkey = \"b\"\nkind = \"district\"\nlevel = \"huyen\"\nname = \"Huyện B\"\nmerged_into = \"a\"\n",
        ],
        "criteria_set" => &[
            include_str!("../../domain/data/criteria/xa-ntm-2016-2020.toml"),
            include_str!("../../domain/data/criteria/xa-ntm-2021-2025.toml"),
        ],
        "indicator_catalog" => &[include_str!("../../domain/data/indicators.toml")],
        "xlsx_upload" => return vec![xlsx_seed()],
        "xlsx_limits" => {
            let mut raw = vec![0u8];
            raw.extend(xlsx_seed());
            return vec![
                raw,
                // 800 000 characters; 12 million forged to 1 000 bytes; 20 000 with a byte edited.
                vec![1, 0x00, 0x35, 0x0C, 0x00, 0],
                vec![1, 0x00, 0x1B, 0xB7, 0x00, 1, 0xE8, 0x03, 0, 0],
                vec![1, 0x20, 0x4E, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x00, 0x41],
            ];
        }
        _ => &[],
    };
    texts.iter().map(|t| t.as_bytes().to_vec()).collect()
}

/// Tokens worth inserting into a target's inputs.
pub fn dictionary(target: &str) -> &'static [&'static str] {
    const TOML: &[&str] = &[
        "[[unit]]\n",
        "[[level]]\n",
        "[[criterion]]\n",
        "[[indicator]]\n",
        "key = \"",
        "parent = \"",
        "merged_into = \"",
        "active_from = \"",
        "active_to = \"",
        "code = \"",
        " = ",
        "\"\"\"",
        "'''",
        "\"\n",
        "[",
        "]",
        "{",
        "}",
        "2023-02-30",
        "1900-01-01",
        "9999-12-31",
        "9223372036854775807",
        "-9223372036854775808",
        "1e308",
        "-0.0",
        "nan",
        "inf",
        "true",
        "false",
        "Xã Cẩm Ngọc",
        "\u{0301}",
        "\u{feff}",
    ];
    const TEXT: &[&str] = &[
        "Giao ",
        "chủ trì",
        "phối hợp",
        "trước ngày ",
        "hoàn thành trong tháng ",
        "quý I/2023",
        "31/12/2023",
        "29/02/2023",
        "17h thứ Năm hàng tuần",
        "%",
        "5.466,32",
        "1.000.000.000.000.000.000",
        "ha",
        "tỷ đồng",
        "Phòng Tài chính - Kế hoạch",
        "UBND xã Cẩm Ngọc",
        "KẾT LUẬN",
        "\n- ",
        "\n1. ",
        "đ",
        "\u{0300}",
        "\u{0323}",
        "\u{feff}",
        "\r\n",
    ];
    const XML: &[&str] = &[
        "<c r=\"A1\" t=\"s\"><v>0</v></c>",
        "<c r=\"XFD1048576\"><v>1</v></c>",
        "<c r=\"ZZZZZZZZ99999999999\"><v>1</v></c>",
        "<c r=\"C9\" t=\"str\"><v>năm nghìn</v></c>",
        "<c r=\"C9\" t=\"b\"><v>1</v></c>",
        "<c r=\"C9\" t=\"e\"><v>#DIV/0!</v></c>",
        "<c r=\"C9\" t=\"inlineStr\"><is><t>x</t></is></c>",
        "<row r=\"4294967295\">",
        "<v>1E+308</v>",
        "<v>-0</v>",
        "<v>NaN</v>",
        "<v>99999999999999999999</v>",
        "<si><t>CT_CAM_NGOC</t></si>",
        "<si><t>KTXH_QUY_XA</t></si>",
        "<si><t>2023Q1</t></si>",
        "r=\"",
        "s=\"",
        "t=\"s\"",
        "<dimension ref=\"A1:XFD1048576\"/>",
        "&amp;",
        "&#0;",
        "]]>",
    ];
    match target {
        "extract" => TEXT,
        "xlsx_upload" | "xlsx_limits" => XML,
        _ => TOML,
    }
}

/// Runs one input through a target by name (`units` is the units-file target's state).
pub fn run_one(target: &str, units: &UnitsFileTarget, data: &[u8]) -> Outcome {
    match target {
        "extract" => extract(data),
        "xlsx_upload" => xlsx_upload(data),
        "xlsx_limits" => xlsx_limits(data),
        "units_file" => units.run(data),
        "criteria_set" => criteria_set(data),
        "indicator_catalog" => indicator_catalog(data),
        other => panic!("no fuzz target {other}"),
    }
}
