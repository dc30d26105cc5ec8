//! Report templates, uploads and exported tables, read back the way a user's file would be: with
//! calamine (the reader the upload uses) and by opening the package's XML.

use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};

use calamine::{Data, Reader, Xlsx};
use giaoban_documents::xlsx::{
    CellProblem, DATA_SHEET, FormColumn, GUIDE_SHEET, TableCell, TableSpec, TemplateRow,
    TemplateSpec, UploadRow, UploadSpec, UploadUnit, form_template, read_form_upload, table_xlsx,
};
use giaoban_domain::Lang;
use giaoban_domain::deadline::SubmissionRule;
use giaoban_domain::indicator::{
    BUNDLED_CATALOG, Figure, Indicator, IndicatorCode, IndicatorId, parse_catalog,
};
use giaoban_domain::period::{Period, PeriodKind, WindowRule};
use giaoban_domain::report::{
    EnteredValue, FormDefinition, FormInput, FormItem, SectionKind, parse_values,
};
use giaoban_domain::unit::{UnitId, UnitKind};
use proptest::prelude::*;

fn catalog() -> Vec<Indicator> {
    parse_catalog(BUNDLED_CATALOG)
        .unwrap()
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
}

fn code(s: &str) -> IndicatorCode {
    IndicatorCode::parse(s).unwrap()
}

const RICE: &str = "NN_LUA_GIEO_CAY";
const NEW_FIRMS: &str = "DN_THANH_LAP_MOI";
const NTM: &str = "NTM_DAT_CHUAN";
const NOTE: &str = "GHI_CHU_KHO_KHAN";

/// The demo-like quarterly commune form: a number, a count, a yes/no and a text.
fn form(cat: &[Indicator]) -> FormDefinition {
    let input = FormInput {
        code: "KTXH_QUY_XA".into(),
        name_vi: "Báo cáo kinh tế - xã hội quý (cấp xã)".into(),
        name_en: String::new(),
        period_kind: PeriodKind::Quarter,
        window_rule: WindowRule::Decree09,
        submission_rule: SubmissionRule::WorkingDaysAfterWindow {
            days: 2,
            time: None,
        },
        reporter_kinds: vec![UnitKind::Commune],
        items: [
            (RICE, true),
            (NEW_FIRMS, false),
            (NTM, false),
            (NOTE, false),
        ]
        .into_iter()
        .map(|(c, required)| FormItem {
            code: code(c),
            required,
        })
        .collect(),
        sections: SectionKind::ALL.to_vec(),
        rules: Vec::new(),
        reminder_days: vec![3, 1],
    };
    FormDefinition::parse(&input, cat).unwrap()
}

fn q1() -> Period {
    Period::quarter(2023, 1).unwrap()
}

/// Three communes of Cẩm Thủy.
fn units() -> Vec<UploadUnit> {
    [
        ("CT_CAM_NGOC", "Xã Cẩm Ngọc"),
        ("CT_CAM_TAN", "Xã Cẩm Tân"),
        ("CT_CAM_THACH", "Xã Cẩm Thạch"),
    ]
    .into_iter()
    .map(|(c, n)| UploadUnit {
        code: c.into(),
        id: UnitId::new(),
        name: n.into(),
    })
    .collect()
}

fn fig(s: &str) -> EnteredValue {
    EnteredValue::Figure(Figure::parse(s).unwrap())
}

fn row(unit: &UploadUnit, values: &[(&str, EnteredValue)]) -> TemplateRow {
    TemplateRow {
        version: None,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        values: values.iter().map(|(c, v)| (code(c), v.clone())).collect(),
    }
}

fn template(cat: &[Indicator], rows: Vec<TemplateRow>) -> Vec<u8> {
    let f = form(cat);
    form_template(&TemplateSpec {
        form_code: f.code.clone(),
        form_name: f.name_vi.clone(),
        period: q1(),
        deadline_label: "thứ Năm, 16/03/2023".into(),
        columns: FormColumn::of_form(&f, cat),
        rows,
    })
    .unwrap()
}

fn upload_spec(cat: &[Indicator], units: &[UploadUnit]) -> UploadSpec {
    let f = form(cat);
    UploadSpec {
        form_code: f.code.clone(),
        period: q1(),
        columns: FormColumn::of_form(&f, cat),
        units: units.to_vec(),
    }
}

fn read(bytes: &[u8], spec: &UploadSpec) -> Result<Vec<UploadRow>, Vec<CellProblem>> {
    read_form_upload(bytes, spec)
}

/// A part of the xlsx package, as text.
fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut s = String::new();
    zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
    s
}

fn located(p: &[CellProblem]) -> Vec<(Option<&str>, Option<u32>, Option<&str>)> {
    p.iter()
        .map(|p| (p.sheet.as_deref(), p.row, p.column.as_deref()))
        .collect()
}

#[test]
fn a_filled_template_reads_back_to_the_same_values() {
    let cat = catalog();
    let us = units();
    let filled: Vec<(UploadUnit, Vec<(&str, EnteredValue)>)> = vec![
        (
            us[0].clone(),
            vec![
                (RICE, fig("5.466,32")),
                (NEW_FIRMS, fig("9")),
                (NTM, fig("1")),
                (
                    NOTE,
                    EnteredValue::Text("Thiếu nước tưới cuối vụ Chiêm Xuân".into()),
                ),
            ],
        ),
        (
            us[1].clone(),
            // Three decimals: the case a machine-written "1234.567" would lose.
            vec![
                (RICE, fig("1.234,567")),
                (NEW_FIRMS, fig("0")),
                (NTM, fig("0")),
            ],
        ),
        (
            us[2].clone(),
            // Typed as text the Vietnamese way, as a user does in a text-formatted cell.
            vec![
                (RICE, EnteredValue::Text("812,5".into())),
                (NTM, EnteredValue::Text("có".into())),
            ],
        ),
    ];
    let rows = filled.iter().map(|(u, v)| row(u, v)).collect();
    let bytes = template(&cat, rows);
    let spec = upload_spec(&cat, &us);
    let got = read(&bytes, &spec).unwrap();

    assert_eq!(
        got.iter().map(|r| (r.row, r.unit_id)).collect::<Vec<_>>(),
        vec![(9, us[0].id), (10, us[1].id), (11, us[2].id)]
    );
    assert_eq!(got[0].values[RICE], "5.466,32");
    assert_eq!(got[1].values[RICE], "1.234,567");
    assert_eq!(got[0].values[NTM], "có");
    assert_eq!(got[0].values[NOTE], "Thiếu nước tưới cuối vụ Chiêm Xuân");
    let f = form(&cat);
    for (r, (_, want)) in got.iter().zip(&filled) {
        let parsed = parse_values(&f, &cat, &r.values).unwrap();
        let want: BTreeMap<IndicatorCode, EnteredValue> = want
            .iter()
            .map(|(c, v)| {
                let v = match v {
                    EnteredValue::Text(t) if *c != NOTE => {
                        let ind = cat.iter().find(|i| i.code.as_str() == *c).unwrap();
                        EnteredValue::Figure(ind.parse_value(t).unwrap())
                    }
                    v => v.clone(),
                };
                (code(c), v)
            })
            .collect();
        assert_eq!(parsed, want, "row {}", r.row);
    }
}

#[test]
fn the_template_has_its_layout_formats_list_and_frozen_headers() {
    let cat = catalog();
    let us = units();
    let bytes = template(&cat, us.iter().map(|u| row(u, &[])).collect());
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(wb.sheet_names(), vec![DATA_SHEET, GUIDE_SHEET]);
    let r = wb.worksheet_range(DATA_SHEET).unwrap();
    let at = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    let s = |v: &str| Data::String(v.into());
    assert_eq!(at(0, 0), s("Báo cáo kinh tế - xã hội quý (cấp xã)"));
    assert_eq!(at(1, 0), s("Kỳ báo cáo: quý I/2023"));
    assert_eq!(at(2, 0), s("Hạn nộp: thứ Năm, 16/03/2023"));
    assert!(
        matches!(at(3, 0), Data::String(t) if t.starts_with("Nhập số theo kiểu Việt Nam: 5.466,32 hoặc để ô là số"))
    );
    assert_eq!((at(4, 1), at(4, 3)), (s("KTXH_QUY_XA"), s("2023Q1")));
    assert_eq!((at(6, 0), at(6, 1)), (s("Mã đơn vị"), s("Đơn vị")));
    assert_eq!(at(6, 2), s("Diện tích lúa gieo cấy (ha) (*)"));
    assert_eq!(at(6, 3), s("Doanh nghiệp thành lập mới (doanh nghiệp)"));
    assert_eq!(
        (2..6).map(|c| at(7, c)).collect::<Vec<_>>(),
        [RICE, NEW_FIRMS, NTM, NOTE].map(s)
    );
    assert_eq!((at(8, 0), at(8, 1)), (s("CT_CAM_NGOC"), s("Xã Cẩm Ngọc")));
    assert_eq!(at(10, 1), s("Xã Cẩm Thạch"));

    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains(r#"xSplit="2" ySplit="8""#),
        "frozen panes: {sheet}"
    );
    assert!(
        sheet.contains("<formula1>\"có,không\"</formula1>"),
        "{sheet}"
    );
    assert!(
        sheet.contains(r#"sqref="E9:E11""#),
        "the list covers the yes/no column: {sheet}"
    );
    assert!(!sheet.contains("sheetProtection"));
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r##"formatCode="#,##0.00""##), "{styles}");
    assert!(styles.contains(r##"formatCode="#,##0""##), "{styles}");

    let g = wb.worksheet_range(GUIDE_SHEET).unwrap();
    let text: Vec<String> = g.used_cells().map(|(_, _, v)| v.to_string()).collect();
    for want in [
        RICE,
        "Diện tích lúa gieo cấy",
        "ha",
        "Số, 2 chữ số thập phân",
        "Có/Không",
    ] {
        assert!(text.iter().any(|t| t == want), "{want} not in {text:?}");
    }
}

#[test]
fn a_bad_file_is_refused_whole_with_three_located_messages() {
    let cat = catalog();
    let us = units();
    let nobody = TemplateRow {
        version: None,
        unit_code: String::new(),
        unit_name: "(không ghi mã)".into(),
        values: [(code(NEW_FIRMS), fig("2"))].into(),
    };
    let rows = vec![
        row(&us[0], &[(RICE, fig("5.466,32"))]),
        row(&us[1], &[(RICE, EnteredValue::Text("năm nghìn".into()))]),
        nobody,
        row(&us[0], &[(NEW_FIRMS, fig("3"))]),
    ];
    let bytes = template(&cat, rows);
    let problems = read(&bytes, &upload_spec(&cat, &us)).unwrap_err();
    assert_eq!(
        located(&problems),
        vec![
            (Some(DATA_SHEET), Some(10), Some("C")),
            (Some(DATA_SHEET), Some(11), Some("A")),
            (Some(DATA_SHEET), Some(12), Some("A")),
        ],
        "{problems:#?}"
    );
    assert_eq!(
        problems[0].vi,
        "Ô C10: «năm nghìn» không phải là số (viết như 5.466,32) — Diện tích lúa gieo cấy, Xã Cẩm Tân."
    );
    assert!(
        problems[0]
            .en
            .starts_with("Cell C10: «năm nghìn» not a number")
    );
    assert_eq!(
        problems[1].vi,
        "Ô A11: hàng 11 có số liệu nhưng thiếu mã đơn vị."
    );
    assert_eq!(
        problems[2].vi,
        "Ô A12: đơn vị CT_CAM_NGOC (Xã Cẩm Ngọc) đã có ở hàng 9; mỗi đơn vị một hàng."
    );
    assert_eq!(problems[2].cell_ref().as_deref(), Some("A12"));
}

#[test]
fn each_kind_of_bad_cell_is_named() {
    let cat = catalog();
    let us = units();
    let rows = vec![
        // A count with decimals, a yes/no that is neither.
        row(
            &us[0],
            &[
                (NEW_FIRMS, fig("1,5")),
                (NTM, EnteredValue::Text("chắc có".into())),
            ],
        ),
        // A negative count typed as text; a yes/no as a number other than 0 or 1.
        row(
            &us[1],
            &[
                (NEW_FIRMS, EnteredValue::Text("-2".into())),
                (NTM, fig("2")),
            ],
        ),
        // A unit the uploader does not report for.
        TemplateRow {
            version: None,
            unit_code: "CT_PHUC_DO".into(),
            unit_name: "Xã Phúc Do".into(),
            values: [(code(RICE), fig("10"))].into(),
        },
    ];
    let bytes = template(&cat, rows);
    let problems = read(&bytes, &upload_spec(&cat, &us)).unwrap_err();
    let cells: Vec<String> = problems.iter().filter_map(CellProblem::cell_ref).collect();
    assert_eq!(cells, ["D9", "E9", "D10", "E10", "A11"], "{problems:#?}");
    assert!(
        problems[0].vi.contains("«1,5» phải là số nguyên không âm"),
        "{}",
        problems[0].vi
    );
    assert!(
        problems[1]
            .vi
            .contains("«chắc có» chỉ nhận «có» hoặc «không»"),
        "{}",
        problems[1].vi
    );
    assert!(problems[2].vi.contains("«-2» phải là số nguyên không âm"));
    assert!(problems[3].vi.contains("«2» chỉ nhận «có» hoặc «không»"));
    assert!(problems[4].vi.contains("mã đơn vị «CT_PHUC_DO» không có"));
}

/// A file laid out by hand as a user might leave it: columns reordered, one column added, the
/// unit code typed as a number, a blank unit row.
fn hand_made(codes: &[&str], rows: &[&[&str]], period: &str) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(DATA_SHEET).unwrap();
    ws.write_string(0, 0, "Biểu nhập tay").unwrap();
    ws.write_string(2, 0, "Mã biểu mẫu:").unwrap();
    ws.write_string(2, 1, "KTXH_QUY_XA").unwrap();
    ws.write_string(3, 0, "Mã kỳ:").unwrap();
    ws.write_string(3, 1, period).unwrap();
    for (c, k) in codes.iter().enumerate() {
        ws.write_string(5, c as u16, *k).unwrap();
    }
    for (r, cells) in rows.iter().enumerate() {
        for (c, v) in cells.iter().enumerate() {
            let (r, c) = (6 + r as u32, c as u16);
            if let Some(n) = v.strip_prefix('=') {
                ws.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
            } else if !v.is_empty() {
                ws.write_string(r, c, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[test]
fn columns_are_found_by_code_not_by_position() {
    let cat = catalog();
    let mut us = units();
    us[2].code = "00123".into();
    let bytes = hand_made(
        &[NTM, "Ghi chú riêng", RICE, "#MA_DON_VI", NOTE, NEW_FIRMS],
        &[
            &["có", "không đọc", "=5466.32", "CT_CAM_NGOC", "", "=9"],
            &["", "", "", "CT_CAM_TAN", "", ""],
            &["0", "", "1.234,5", "=123", " ", ""],
        ],
        "2023Q1",
    );
    let spec = upload_spec(&cat, &us);
    let got = read(&bytes, &spec).unwrap();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!((got[0].row, got[0].unit_id), (7, us[0].id));
    assert_eq!(
        got[0].values,
        BTreeMap::from([
            (NTM.to_owned(), "có".to_owned()),
            (RICE.to_owned(), "5.466,32".to_owned()),
            (NEW_FIRMS.to_owned(), "9".to_owned()),
        ])
    );
    assert_eq!((got[1].row, got[1].unit_id), (9, us[2].id));
    assert_eq!(got[1].values[RICE], "1.234,5");
}

#[test]
fn a_file_of_another_period_or_form_is_refused() {
    let cat = catalog();
    let us = units();
    let bytes = template(&cat, vec![row(&us[0], &[(RICE, fig("1"))])]);
    let mut spec = upload_spec(&cat, &us);
    spec.period = Period::quarter(2023, 2).unwrap();
    let p = read(&bytes, &spec).unwrap_err();
    assert_eq!(located(&p), vec![(Some(DATA_SHEET), Some(5), Some("D"))]);
    assert_eq!(
        p[0].vi,
        "Ô D5: tệp này là số liệu kỳ quý I/2023, không phải kỳ quý II/2023 đang nhập."
    );
    let mut spec = upload_spec(&cat, &us);
    spec.form_code = "KTXH_THANG_XA".into();
    let p = read(&bytes, &spec).unwrap_err();
    assert_eq!(p.len(), 1);
    assert!(
        p[0].vi
            .contains("biểu mẫu «KTXH_QUY_XA», không phải «KTXH_THANG_XA»")
    );
}

#[test]
fn unknown_and_missing_columns_and_empty_files_are_named() {
    let cat = catalog();
    let us = units();
    let bytes = hand_made(
        &["#MA_DON_VI", RICE, "NN_KHONG_CO", NTM, NOTE, RICE],
        &[&["CT_CAM_NGOC", "=1", "", "", "", ""]],
        "2023Q1",
    );
    let p = read(&bytes, &upload_spec(&cat, &us)).unwrap_err();
    assert_eq!(
        located(&p),
        vec![
            (Some(DATA_SHEET), Some(6), Some("C")),
            (Some(DATA_SHEET), Some(6), Some("F")),
            (Some(DATA_SHEET), Some(6), None),
        ],
        "{p:#?}"
    );
    assert!(
        p[0].vi
            .contains("«NN_KHONG_CO» không có trên biểu mẫu KTXH_QUY_XA")
    );
    assert!(p[1].vi.contains("đã có ở cột B"));
    assert!(p[2].vi.contains("thiếu cột chỉ tiêu DN_THANH_LAP_MOI"));

    // The template as downloaded, nothing typed in.
    let blank = template(&cat, us.iter().map(|u| row(u, &[])).collect());
    let p = read(&blank, &upload_spec(&cat, &us)).unwrap_err();
    assert_eq!(located(&p), vec![(Some(DATA_SHEET), None, None)]);
    assert!(p[0].vi.starts_with("Tệp không có số liệu nào"));
}

fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in entries {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        w.start_file(*name, opts).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn files_that_are_not_xlsx_get_a_clear_message() {
    let cat = catalog();
    let us = units();
    let spec = upload_spec(&cat, &us);
    let good = template(&cat, vec![row(&us[0], &[(RICE, fig("1"))])]);
    let ods = zip_of(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", b"<office:document-content/>"),
    ]);
    let docx = zip_of(&[("word/document.xml", b"<w:document/>")]);
    // An OLE compound file header, as .xls (and .doc) files start.
    let mut xls = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    xls.resize(512, 0);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", Vec::new(), "Tệp rỗng"),
        (
            "garbage",
            b"\x00\x01garbage\xff\xfe".to_vec(),
            "không phải là bảng tính Excel",
        ),
        (
            "pdf",
            b"%PDF-1.7\n%\xe2\xe3".to_vec(),
            "không phải là bảng tính Excel",
        ),
        ("xls", xls, "Excel 97-2003 (.xls)"),
        ("ods", ods, "OpenDocument (.ods)"),
        ("docx", docx, "không đọc được như bảng tính Excel .xlsx"),
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            "không đọc được như bảng tính Excel .xlsx",
        ),
        (
            "zip header only",
            b"PK\x03\x04".to_vec(),
            "không đọc được như bảng tính Excel .xlsx",
        ),
    ];
    for (what, bytes, says) in cases {
        let p = read(&bytes, &spec).expect_err(what);
        assert_eq!(p.len(), 1, "{what}: {p:#?}");
        assert!(p[0].vi.contains(says), "{what}: {}", p[0].vi);
        assert!(!p[0].en.is_empty());
        assert_eq!(p[0].sheet, None, "{what}");
    }
    // A workbook without the data sheet.
    let other = table_xlsx(&TableSpec {
        sheet: "Tổng hợp".into(),
        title: "x".into(),
        subtitle: String::new(),
        headers: vec!["a".into()],
        rows: vec![],
    })
    .unwrap();
    let p = read(&other, &spec).unwrap_err();
    assert_eq!(located(&p), vec![(Some(DATA_SHEET), None, None)]);
    assert!(
        p[0].vi
            .contains("không có trang «Số liệu» (các trang có: Tổng hợp)"),
        "{}",
        p[0].vi
    );
}

#[test]
fn tables_export_with_headers_and_exact_numbers() {
    let f = |s: &str| Figure::parse(s).unwrap();
    let t = TableSpec {
        sheet: "Tổng hợp".into(),
        title: "Tổng hợp chỉ tiêu quý I/2023 — huyện Cẩm Thủy".into(),
        subtitle: "Số liệu đến 17:00 ngày 28/03/2023".into(),
        headers: [
            "Chỉ tiêu",
            "Kỳ này",
            "Lũy kế",
            "Kế hoạch năm",
            "% kế hoạch",
            "Cùng kỳ",
        ]
        .map(String::from)
        .to_vec(),
        rows: vec![
            vec![
                TableCell::Text("Diện tích gieo trồng (ha)".into()),
                TableCell::Figure {
                    value: f("6.578"),
                    decimals: 2,
                },
                TableCell::Figure {
                    value: f("6.578"),
                    decimals: 2,
                },
                TableCell::Figure {
                    value: f("6.500"),
                    decimals: 2,
                },
                TableCell::Percent {
                    value: f("101,2"),
                    decimals: 1,
                },
                TableCell::Empty,
            ],
            vec![
                TableCell::Text("Doanh nghiệp thành lập mới".into()),
                TableCell::Figure {
                    value: f("9"),
                    decimals: 0,
                },
                TableCell::Figure {
                    value: f("9"),
                    decimals: 0,
                },
                TableCell::Figure {
                    value: f("45"),
                    decimals: 0,
                },
                TableCell::Percent {
                    value: f("20"),
                    decimals: 0,
                },
                TableCell::Figure {
                    value: f("1.234,5678"),
                    decimals: 4,
                },
            ],
        ],
    };
    let bytes = table_xlsx(&t).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let r = wb.worksheet_range("Tổng hợp").unwrap();
    let at = |row: u32, col: u32| r.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(at(0, 0), Data::String(t.title.clone()));
    assert_eq!(at(1, 0), Data::String(t.subtitle.clone()));
    for (c, h) in t.headers.iter().enumerate() {
        assert_eq!(at(3, c as u32), Data::String(h.clone()));
    }
    assert_eq!(at(4, 1), Data::Float(6578.0));
    assert_eq!(at(4, 4), Data::Float(101.2));
    assert_eq!(at(4, 5), Data::Empty);
    assert_eq!(at(5, 3), Data::Float(45.0));
    assert_eq!(at(5, 4), Data::Float(20.0));
    let Data::Float(x) = at(5, 5) else {
        panic!("{:?}", at(5, 5))
    };
    assert_eq!(Figure::from_f64(x), Some(f("1.234,5678")));
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(r#"ySplit="4""#), "header frozen: {sheet}");
    let styles = part(&bytes, "xl/styles.xml");
    assert!(
        styles.contains(r##"formatCode="#,##0.0&quot;%&quot;""##),
        "{styles}"
    );
    assert!(styles.contains(r##"formatCode="#,##0.0000""##), "{styles}");
    assert!(styles.contains("<b/>"), "bold header");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any figure of up to 15 significant digits (Excel's precision) within the general limit of
    /// a figure (±10^10, `indicator::FIGURE_LIMIT`) written in a template reads back, through the
    /// domain's parser, to the same scaled integer.
    #[test]
    fn figures_survive_the_template(
        areas in proptest::collection::vec(-100_000_000_000_000i64..=100_000_000_000_000, 3),
        counts in proptest::collection::vec(0i64..=10_000_000_000, 3),
    ) {
        // The area without its measure ("ha", at most 40 000 000) keeps only the general limit,
        // so that all 15 digits are tried.
        let cat: Vec<Indicator> = catalog()
            .into_iter()
            .map(|mut i| {
                if i.code.as_str() == RICE {
                    i.measure.clear();
                }
                i
            })
            .collect();
        let us = units();
        let rows = us.iter().zip(areas.iter().zip(&counts)).map(|(u, (a, n))| row(u, &[
            (RICE, EnteredValue::Figure(Figure::from_scaled(*a))),
            (NEW_FIRMS, EnteredValue::Figure(Figure::from_int(*n).unwrap())),
        ])).collect();
        let bytes = template(&cat, rows);
        let got = read(&bytes, &upload_spec(&cat, &us)).unwrap();
        prop_assert_eq!(got.len(), 3);
        let f = form(&cat);
        for (r, (a, n)) in got.iter().zip(areas.iter().zip(&counts)) {
            let v = parse_values(&f, &cat, &r.values).unwrap();
            prop_assert_eq!(&v[&code(RICE)], &EnteredValue::Figure(Figure::from_scaled(*a)));
            prop_assert_eq!(&v[&code(NEW_FIRMS)], &EnteredValue::Figure(Figure::from_int(*n).unwrap()));
        }
    }
}

/// The template's package with one part replaced (the zip writer computes the new checksums, so
/// the reader gets past the container and into the XML).
fn repack(bytes: &[u8], part_name: &str, content: &[u8]) -> Vec<u8> {
    repack_as(bytes, part_name, part_name, content)
}

/// Pieces of SpreadsheetML a damaged or hostile file might hold where they do not belong.
const TOKENS: &[&str] = &[
    r#"<c r="XFD1048576"><v>1</v></c>"#,
    r#"<c r="A1048577" t="s"><v>0</v></c>"#,
    r#"<row r="0">"#,
    r#"<row r="99999999999">"#,
    "</row>",
    "<v>4294967295</v>",
    "<v>1e308</v>",
    "<v>NaN</v>",
    r#" t="s""#,
    r#" t="e""#,
    r#" t="b""#,
    r#" t="d""#,
    r#" t="inlineStr""#,
    r#" s="9999""#,
    r#"<c r="ZZZZ1">"#,
    r#"<c r="A0">"#,
    "<c>",
    "</c>",
    "<is><t>năm nghìn</t></is>",
    "&amp;",
    "&#0;",
    "&#xFFFFFFFF;",
    "<![CDATA[",
    "\u{0}",
    "#MA_DON_VI",
    "<sheetData>",
    "</sheetData>",
];

fn mutate(xml: &[u8], edits: &[(u16, u8, u8)]) -> Vec<u8> {
    let mut out = xml.to_vec();
    for &(at, op, n) in edits {
        let pos = usize::from(at) * out.len() / usize::from(u16::MAX).max(1);
        let pos = pos.min(out.len());
        match op % 3 {
            0 => {
                let end = (pos + usize::from(n)).min(out.len());
                out.drain(pos..end);
            }
            1 => {
                let t = TOKENS[usize::from(n) % TOKENS.len()].as_bytes();
                out.splice(pos..pos, t.iter().copied());
            }
            _ => {
                let end = (pos + usize::from(n)).min(out.len());
                let copy = out[pos..end].to_vec();
                out.splice(pos..pos, copy);
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// A damaged sheet or string table gives problems or rows, never a panic.
    #[test]
    fn damaged_workbooks_never_panic(
        edits in proptest::collection::vec((any::<u16>(), any::<u8>(), any::<u8>()), 1..12),
        strings in any::<bool>(),
    ) {
        let cat = catalog();
        let us = units();
        let good = template(&cat, vec![
            row(&us[0], &[(RICE, fig("5.466,32")), (NTM, fig("1"))]),
            row(&us[1], &[(NOTE, EnteredValue::Text("Khó khăn".into()))]),
        ]);
        let name = if strings { "xl/sharedStrings.xml" } else { "xl/worksheets/sheet1.xml" };
        let damaged = repack(&good, name, &mutate(part(&good, name).as_bytes(), &edits));
        let _ = read(&damaged, &upload_spec(&cat, &us));
    }
}

/// A string table that announces 10^12 strings (what the fuzzing pass found) is refused with a
/// message; before the check, calamine's reservation for it aborted the whole process. A count in
/// the range a real workbook has, or a table in another case and with backslashes, still reads.
#[test]
fn a_string_table_announcing_a_trillion_strings_is_refused_not_fatal() {
    let cat = catalog();
    let us = units();
    let spec = upload_spec(&cat, &us);
    let good = template(
        &cat,
        vec![row(
            &us[1],
            &[(NOTE, EnteredValue::Text("Khó khăn".into()))],
        )],
    );
    let strings = part(&good, "xl/sharedStrings.xml");
    let announced = |count: &str| {
        let start = strings.find("<sst").unwrap();
        let end = start + strings[start..].find('>').unwrap();
        let tag = &strings[start..end];
        let tag = match tag.find("uniqueCount=\"") {
            Some(at) => {
                let value_end = at + 13 + tag[at + 13..].find('"').unwrap();
                format!(
                    "{}uniqueCount=\"{count}\"{}",
                    &tag[..at],
                    &tag[value_end + 1..]
                )
            }
            None => format!("{tag} uniqueCount=\"{count}\""),
        };
        format!("{}{tag}{}", &strings[..start], &strings[end..])
    };
    for hostile in ["1000000000000", "+1000000000000", "99999999999999999999999"] {
        let bytes = repack(&good, "xl/sharedStrings.xml", announced(hostile).as_bytes());
        let problems = read(&bytes, &spec).unwrap_err();
        assert_eq!(problems.len(), 1, "{hostile}: {problems:?}");
        assert!(
            problems[0].message(Lang::Vi).contains("tệp hỏng"),
            "{hostile}: {}",
            problems[0].message(Lang::Vi)
        );
        assert!(
            problems[0]
                .message(Lang::En)
                .contains("shared-string table")
        );
    }
    // The same count under a name in other case and with a backslash is the entry calamine reads.
    let renamed = repack_as(
        &good,
        "xl/sharedStrings.xml",
        "XL\\SharedStrings.XML",
        announced("1000000000000").as_bytes(),
    );
    assert!(read(&renamed, &spec).is_err());
    // An honest count reads as before.
    let honest = repack(&good, "xl/sharedStrings.xml", announced("40").as_bytes());
    let rows = read(&honest, &spec).unwrap();
    assert_eq!(rows.len(), 1);
}

/// As [`repack`], the part also renamed.
fn repack_as(bytes: &[u8], part_name: &str, new_name: &str, content: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let (name, data) = if name == part_name {
            (new_name.to_owned(), content.to_vec())
        } else {
            (name, data)
        };
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&data).unwrap();
    }
    w.finish().unwrap().into_inner()
}
