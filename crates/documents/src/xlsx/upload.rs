//! Reading a filled template back: every bad cell found and located, or the values of every unit.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use giaoban_domain::Lang;
use giaoban_domain::indicator::{Figure, IndicatorCode, ValueType};
use giaoban_domain::period::Period;
use giaoban_domain::unit::{UnitId, clean_text};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::{
    DATA_SHEET, FORM_LABEL, FormColumn, PERIOD_LABEL, UNIT_CODE_KEY, UNIT_NAME_KEY, VERSION_KEY,
    column_letter,
};

/// More non-empty cells than any form of units × indicators needs; beyond, the file is refused
/// before it is held in memory.
const MAX_CELLS: usize = 200_000;
/// More shared strings than a workbook of at most [`MAX_CELLS`] cells per sheet needs, with room
/// for a few sheets of instructions; a larger count is refused before calamine reserves for it.
const MAX_SHARED_STRINGS: u64 = 1_048_576;
const EXCEL_ROWS: u32 = 1_048_576;
const EXCEL_COLUMNS: u32 = 16_384;
/// The longest text a text indicator takes (as `report::parse_values`).
const MAX_TEXT: usize = 2000;

/// The bounds of an uploaded workbook, checked on the zip package before any part is parsed (a
/// few kilobytes of deflate can hold gigabytes of XML). A filled template of the largest form is
/// well under a megabyte uncompressed.
pub mod limits {
    /// Parts (files) in the package: a workbook has a dozen.
    pub const MAX_PARTS: usize = 1_000;
    /// Uncompressed bytes of any one part.
    pub const MAX_PART_BYTES: u64 = 10 * 1024 * 1024;
    /// Uncompressed bytes of all parts together.
    pub const MAX_TOTAL_BYTES: u64 = 20 * 1024 * 1024;
    /// Uncompressed bytes per compressed byte, for parts over [`RATIO_FROM_BYTES`]: real sheets
    /// compress 5–30 times; a bomb a thousand times.
    pub const MAX_RATIO: u64 = 100;
    /// Small parts are not held to the ratio (a few kilobytes cannot hurt; tiny XML compresses
    /// oddly well).
    pub const RATIO_FROM_BYTES: u64 = 1024 * 1024;
    /// Characters of any one text cell of the data sheet.
    pub const MAX_CELL_CHARS: usize = 10_000;
    /// Cells of the data sheet visited, empty ones included.
    pub const MAX_CELLS_VISITED: usize = 2_000_000;
}

/// What an upload is checked against.
#[derive(Debug, Clone)]
pub struct UploadSpec {
    pub form_code: String,
    pub period: Period,
    /// The form's indicators (any order; the file's columns are matched by code).
    pub columns: Vec<FormColumn>,
    /// The units the uploader may report for.
    pub units: Vec<UploadUnit>,
}

/// A unit as the file names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadUnit {
    /// The stable key written in the «Mã đơn vị» column.
    pub code: String,
    pub id: UnitId,
    pub name: String,
}

/// One unit's values from the file, ready for `report::parse_values`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UploadRow {
    /// The row as Excel shows it (1-based).
    pub row: u32,
    pub unit_id: UnitId,
    pub unit_code: String,
    /// Indicator code → value as text: figures in Vietnamese writing with every decimal the cell
    /// holds ("5.466,32"), yes/no as typed or "1"/"0", texts trimmed. Empty cells are left out.
    pub values: BTreeMap<String, String>,
    /// The version of the unit's draft the template was written from (0: none yet), when the
    /// file has the template's hidden version column and the row a whole number in it.
    pub version: Option<i64>,
}

/// One problem of an uploaded file, located as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellProblem {
    /// The sheet, when the problem is in one (not for a file that is no workbook at all).
    pub sheet: Option<String>,
    /// The row, 1-based, when the problem is in one.
    pub row: Option<u32>,
    /// The column letter ("D"), when the problem is in one cell.
    pub column: Option<String>,
    pub vi: String,
    pub en: String,
}

impl CellProblem {
    fn file(vi: impl Into<String>, en: impl Into<String>) -> CellProblem {
        CellProblem {
            sheet: None,
            row: None,
            column: None,
            vi: vi.into(),
            en: en.into(),
        }
    }

    fn sheet(vi: impl Into<String>, en: impl Into<String>) -> CellProblem {
        CellProblem {
            sheet: Some(DATA_SHEET.to_owned()),
            ..CellProblem::file(vi, en)
        }
    }

    /// `row` and `col` are 0-based, as calamine gives them.
    fn cell(row: u32, col: u32, vi: impl Into<String>, en: impl Into<String>) -> CellProblem {
        CellProblem {
            sheet: Some(DATA_SHEET.to_owned()),
            row: Some(row + 1),
            column: Some(column_letter(col)),
            vi: vi.into(),
            en: en.into(),
        }
    }

    /// The cell reference ("D7") when the problem is in one cell.
    pub fn cell_ref(&self) -> Option<String> {
        Some(format!("{}{}", self.column.as_ref()?, self.row?))
    }

    pub fn message(&self, lang: Lang) -> &str {
        lang.pick(&self.vi, &self.en)
    }
}

impl fmt::Display for CellProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.vi)
    }
}

/// A cell's value, owned.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A date or time Excel made of the typed text ("1/2").
    Date(String),
    /// A formula error (#DIV/0!).
    Error(String),
}

impl Val {
    fn of(d: DataRef<'_>) -> Option<Val> {
        Some(match d {
            DataRef::Empty => return None,
            DataRef::String(s) => Val::Text(s),
            DataRef::SharedString(s) => Val::Text(s.to_owned()),
            DataRef::Int(i) => Val::Int(i),
            DataRef::Float(f) => Val::Float(f),
            DataRef::Bool(b) => Val::Bool(b),
            DataRef::DateTime(d) => Val::Date(d.to_string()),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Val::Date(s),
            DataRef::Error(e) => Val::Error(e.to_string()),
        })
        .filter(|v| !matches!(v, Val::Text(s) if s.trim().is_empty()))
    }

    /// The cell as text, for messages and keys.
    fn shown(&self) -> String {
        match self {
            Val::Text(s) => s.trim().to_owned(),
            Val::Int(i) => i.to_string(),
            Val::Float(f) => Figure::from_f64(*f).map_or_else(|| f.to_string(), vi_exact),
            Val::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
            Val::Date(s) | Val::Error(s) => s.clone(),
        }
    }

    /// The cell as a key (unit, form or period code): numbers without decimals as integers.
    fn key(&self) -> String {
        match self {
            Val::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            v => v.shown(),
        }
    }
}

/// A figure in Vietnamese writing with every decimal it has and no more ("5.466,32", "9",
/// "1,234"). `Figure::parse` reads it back exactly; the machine form ("1.234") would not, since a
/// dot followed by three digits is a thousands separator there.
fn vi_exact(f: Figure) -> String {
    let s = f.format_vi(4);
    match s.split_once(',') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() {
                int.to_owned()
            } else {
                format!("{int},{frac}")
            }
        }
        None => s,
    }
}

fn norm(s: &str) -> String {
    s.nfc().collect::<String>().trim().to_lowercase()
}

/// Reads a filled template: the values of each unit, or every problem of the file at once (the
/// whole file is refused; nothing is half-saved). Refuses files that are not `.xlsx` workbooks,
/// and workbooks of another form or period, with a clear message; never panics.
pub fn read_form_upload(
    bytes: &[u8],
    spec: &UploadSpec,
) -> Result<Vec<UploadRow>, Vec<CellProblem>> {
    // calamine 0.35 can panic on a damaged cell reference (an arithmetic overflow on a long row
    // number, found by the damaged-workbook property test): a bad file must be refused with a
    // message, never take the request down, so its reading is isolated here.
    let cells = match std::panic::catch_unwind(|| read_cells(bytes)) {
        Ok(cells) => cells?,
        Err(_) => {
            return Err(vec![corrupt(
                "the XLSX reader failed on a damaged cell reference",
            )]);
        }
    };
    Upload {
        spec,
        cells: &cells,
    }
    .read()
}

/// Opens the workbook and reads the data sheet's non-empty cells by (row, column), 0-based.
fn read_cells(bytes: &[u8]) -> Result<BTreeMap<(u32, u32), Val>, Vec<CellProblem>> {
    if let Some(p) = not_xlsx(bytes) {
        return Err(vec![p]);
    }
    if let Some(p) = package_refused(bytes) {
        return Err(vec![p]);
    }
    if let Some(p) = shared_strings_refused(bytes) {
        return Err(vec![p]);
    }
    let mut wb: Xlsx<_> = match Xlsx::new(Cursor::new(bytes)) {
        Ok(wb) => wb,
        Err(calamine::XlsxError::Password) => {
            return Err(vec![CellProblem::file(
                "Tệp có đặt mật khẩu: hãy bỏ mật khẩu rồi tải lên lại.",
                "The workbook is password protected: remove the password and upload it again.",
            )]);
        }
        Err(e) => return Err(vec![corrupt(&e.to_string())]),
    };
    let wanted = norm(DATA_SHEET);
    let names = wb.sheet_names();
    let Some(name) = names.iter().find(|n| norm(n) == wanted).cloned() else {
        return Err(vec![CellProblem {
            sheet: Some(DATA_SHEET.to_owned()),
            ..CellProblem::file(
                format!(
                    "Tệp không có trang «{DATA_SHEET}» (các trang có: {}). Hãy dùng biểu mẫu tải về từ giaoban.",
                    names.join(", ")
                ),
                format!(
                    "The workbook has no sheet «{DATA_SHEET}» (it has: {}). Use the template downloaded from giaoban.",
                    names.join(", ")
                ),
            )
        }]);
    };
    let mut reader = wb
        .worksheet_cells_reader(&name)
        .map_err(|e| vec![corrupt(&e.to_string())])?;
    let mut cells = BTreeMap::new();
    let mut visited = 0usize;
    loop {
        match reader.next_cell() {
            Ok(Some(cell)) => {
                let pos = cell.get_position();
                // Excel's own bounds; within them every row and column arithmetic below is safe.
                if pos.0 >= EXCEL_ROWS || pos.1 >= EXCEL_COLUMNS {
                    return Err(vec![corrupt("a cell lies outside the sheet")]);
                }
                visited += 1;
                if visited > limits::MAX_CELLS_VISITED {
                    return Err(vec![CellProblem::sheet(
                        format!(
                            "Trang «{DATA_SHEET}» có quá nhiều ô (hơn {}).",
                            limits::MAX_CELLS_VISITED
                        ),
                        format!(
                            "Sheet «{DATA_SHEET}» has too many cells (over {}).",
                            limits::MAX_CELLS_VISITED
                        ),
                    )]);
                }
                if let Some(p) = text_too_long(pos, cell.get_value()) {
                    return Err(vec![p]);
                }
                if let Some(v) = Val::of(cell.get_value().clone()) {
                    cells.insert(pos, v);
                    if cells.len() > MAX_CELLS {
                        return Err(vec![CellProblem::sheet(
                            format!("Trang «{DATA_SHEET}» có quá nhiều ô (hơn {MAX_CELLS})."),
                            format!("Sheet «{DATA_SHEET}» has too many cells (over {MAX_CELLS})."),
                        )]);
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return Err(vec![corrupt(&e.to_string())]),
        }
    }
    Ok(cells)
}

/// A text cell longer than any form's text, refused before it is copied (a shared string is
/// borrowed here, an inline one already read within the part's bound).
fn text_too_long(pos: (u32, u32), value: &DataRef<'_>) -> Option<CellProblem> {
    let s: &str = match value {
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.as_str(),
        DataRef::SharedString(s) => s,
        _ => return None,
    };
    // Bytes first: at most four per character, so a short string needs no count.
    if s.len() <= limits::MAX_CELL_CHARS || s.chars().count() <= limits::MAX_CELL_CHARS {
        return None;
    }
    let (r, c) = pos;
    let cell = format!("{}{}", column_letter(c), r + 1);
    let max = limits::MAX_CELL_CHARS;
    Some(CellProblem::cell(
        r,
        c,
        format!("Ô {cell}: văn bản quá dài (hơn {max} ký tự)."),
        format!("Cell {cell}: the text is too long (over {max} characters)."),
    ))
}

/// Refuses a package whose parts, once inflated, would be larger than [`limits`] allow — before
/// calamine inflates anything. The sizes the zip declares are checked first (cheap, and what an
/// honest file gives), then every part is inflated into nothing through a reader that stops one
/// byte past its bound, since a hostile file can declare any size. calamine reads the same bytes
/// through the same zip reader afterwards, so what it inflates is what was counted here.
fn package_refused(bytes: &[u8]) -> Option<CellProblem> {
    use limits::*;
    use std::io::Read;
    let mb = |n: u64| n / (1024 * 1024);
    let too_big = |vi: String, en: String| {
        Some(CellProblem::file(
            format!("Tệp Excel quá lớn khi giải nén: {vi}. Hãy dùng biểu mẫu tải về từ giaoban."),
            format!(
                "The Excel file is too large once unpacked: {en}. Use the template downloaded from giaoban."
            ),
        ))
    };
    // Not a zip at all: left to calamine, which says so.
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    if zip.len() > MAX_PARTS {
        return too_big(
            format!("{} phần, tối đa {MAX_PARTS}", zip.len()),
            format!("{} parts, at most {MAX_PARTS}", zip.len()),
        );
    }
    let part_too_big = |name: &str| {
        too_big(
            format!("phần «{name}» lớn hơn {} MB", mb(MAX_PART_BYTES)),
            format!("part «{name}» is over {} MB", mb(MAX_PART_BYTES)),
        )
    };
    let total_too_big = || {
        too_big(
            format!("tổng cộng hơn {} MB", mb(MAX_TOTAL_BYTES)),
            format!("over {} MB in all", mb(MAX_TOTAL_BYTES)),
        )
    };
    let ratio_too_big = |name: &str| {
        too_big(
            format!("phần «{name}» nén hơn {MAX_RATIO} lần, không phải bảng tính thường"),
            format!("part «{name}» is compressed over {MAX_RATIO} times, unlike any real workbook"),
        )
    };
    let mut declared_total = 0u64;
    for i in 0..zip.len() {
        // The central directory's own record; a part it cannot describe is left to calamine.
        let Ok(part) = zip.by_index_raw(i) else {
            continue;
        };
        let (size, packed) = (part.size(), part.compressed_size());
        if size > MAX_PART_BYTES {
            return part_too_big(&shown_name(part.name()));
        }
        if size > RATIO_FROM_BYTES && size / packed.max(1) > MAX_RATIO {
            return ratio_too_big(&shown_name(part.name()));
        }
        declared_total = declared_total.saturating_add(size);
        if declared_total > MAX_TOTAL_BYTES {
            return total_too_big();
        }
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(part) = zip.by_index(i) else { continue };
        let name = shown_name(part.name());
        let packed = part.compressed_size();
        let mut bounded = part.take(MAX_PART_BYTES + 1);
        // A read error (a damaged stream, a wrong checksum) is calamine's to report.
        let size = std::io::copy(&mut bounded, &mut std::io::sink()).unwrap_or(0);
        if size > MAX_PART_BYTES {
            return part_too_big(&name);
        }
        if size > RATIO_FROM_BYTES && size / packed.max(1) > MAX_RATIO {
            return ratio_too_big(&name);
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL_BYTES {
            return total_too_big();
        }
    }
    None
}

/// A part's name for a message: short, and nothing that is not printable.
fn shown_name(name: &str) -> String {
    let mut out: String = name.chars().filter(|c| !c.is_control()).take(60).collect();
    if name.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// calamine 0.35 reserves room for as many shared strings as `xl/sharedStrings.xml` announces
/// (its `uniqueCount`) before it reads one. A damaged or hostile count (the fuzzing pass found
/// 10^12) makes that reservation fail, and a failed allocation aborts the whole server: no
/// `catch_unwind` stops it. So the count is read here first, the way calamine finds it (the same
/// entry, matched without regard to case or slashes; the same XML reader and settings), and a count
/// no form workbook has is refused with a message. Anything this reading cannot make sense of is
/// left to calamine, which reports it.
fn shared_strings_refused(bytes: &[u8]) -> Option<CellProblem> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let entries: Vec<usize> = (0..zip.len())
        .filter(|&i| {
            zip.name_for_index(i).is_some_and(|n| {
                n.replace('\\', "/")
                    .eq_ignore_ascii_case("xl/sharedStrings.xml")
            })
        })
        .collect();
    for i in entries {
        let Ok(entry) = zip.by_index(i) else { continue };
        let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(entry));
        let config = xml.config_mut();
        config.check_end_names = false;
        config.trim_text(false);
        config.check_comments = false;
        config.expand_empty_elements = true;
        let mut buf = Vec::with_capacity(1024);
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"sst" => {
                    let count = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"uniqueCount")
                        .and_then(|a| announced_count(&a.value));
                    if count.is_some_and(|n| n > MAX_SHARED_STRINGS) {
                        return Some(corrupt(
                            "the shared-string table announces more strings than any form has",
                        ));
                    }
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
        }
    }
    None
}

/// A count as calamine reads it (digits, an optional leading `+`), saturating instead of failing
/// on overflow, so that every count calamine would act on is seen here.
fn announced_count(value: &[u8]) -> Option<u64> {
    let digits = value.strip_prefix(b"+").unwrap_or(value);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0u64, |n, d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    }))
}

fn corrupt(detail: &str) -> CellProblem {
    CellProblem::file(
        format!("Tệp không đọc được như bảng tính Excel .xlsx (tệp hỏng?): {detail}."),
        format!("The file cannot be read as an Excel .xlsx workbook (damaged?): {detail}."),
    )
}

/// Recognises files that are not xlsx by their first bytes, to say what they are.
fn not_xlsx(bytes: &[u8]) -> Option<CellProblem> {
    const SAVE_AS_VI: &str =
        "Hãy mở tệp và lưu lại dạng Excel (.xlsx), hoặc dùng biểu mẫu tải về từ giaoban.";
    const SAVE_AS_EN: &str = "Open it and save it as an Excel workbook (.xlsx), or use the template downloaded from giaoban.";
    if bytes.is_empty() {
        return Some(CellProblem::file(
            "Tệp rỗng (0 byte).",
            "The file is empty (0 bytes).",
        ));
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(CellProblem::file(
            format!("Tệp là dạng Excel 97-2003 (.xls), không nhận. {SAVE_AS_VI}"),
            format!(
                "The file is an Excel 97-2003 workbook (.xls), which is not accepted. {SAVE_AS_EN}"
            ),
        ));
    }
    if !bytes.starts_with(b"PK\x03\x04") {
        return Some(CellProblem::file(
            format!("Tệp không phải là bảng tính Excel (.xlsx). {SAVE_AS_VI}"),
            format!("The file is not an Excel workbook (.xlsx). {SAVE_AS_EN}"),
        ));
    }
    // An OpenDocument file stores its type uncompressed as the zip's first entry.
    if bytes
        .get(30..)
        .is_some_and(|b| b.starts_with(b"mimetypeapplication/vnd.oasis.opendocument"))
    {
        return Some(CellProblem::file(
            format!("Tệp là dạng OpenDocument (.ods), không nhận. {SAVE_AS_VI}"),
            format!(
                "The file is an OpenDocument spreadsheet (.ods), which is not accepted. {SAVE_AS_EN}"
            ),
        ));
    }
    None
}

struct Upload<'a> {
    spec: &'a UploadSpec,
    cells: &'a BTreeMap<(u32, u32), Val>,
}

/// What a column of the codes row holds.
enum Col<'a> {
    Unit,
    Name,
    Version,
    Indicator(&'a FormColumn),
}

impl Upload<'_> {
    fn read(&self) -> Result<Vec<UploadRow>, Vec<CellProblem>> {
        let Some(codes_row) = self
            .cells
            .iter()
            .find(|(_, v)| v.key().eq_ignore_ascii_case(UNIT_CODE_KEY))
            .map(|((r, _), _)| *r)
        else {
            return Err(vec![CellProblem::sheet(
                format!(
                    "Không thấy hàng mã chỉ tiêu (hàng có ô «{UNIT_CODE_KEY}»). Hãy dùng biểu mẫu tải về từ giaoban và không sửa hàng mã."
                ),
                format!(
                    "The row of indicator codes (with the cell «{UNIT_CODE_KEY}») is missing. Use the template downloaded from giaoban and leave the codes row as it is."
                ),
            )]);
        };
        self.check_identity(codes_row)?;
        let mut problems = Vec::new();
        let columns = self.columns(codes_row, &mut problems);
        let rows = self.rows(codes_row, &columns, &mut problems);
        if problems.is_empty() && rows.is_empty() {
            problems.push(CellProblem::sheet(
                "Tệp không có số liệu nào: hãy nhập số liệu vào các hàng đơn vị.",
                "The file holds no figures: enter them on the units' rows.",
            ));
        }
        if problems.is_empty() {
            Ok(rows)
        } else {
            Err(problems)
        }
    }

    /// The value right of a label cell above the codes row.
    fn labelled(&self, codes_row: u32, label: &str) -> Option<((u32, u32), &Val)> {
        let label = norm(label.trim_end_matches(':'));
        let (&(r, c), _) = self.cells.range(..(codes_row, 0)).find(
            |(_, v)| matches!(v, Val::Text(s) if norm(s.trim().trim_end_matches(':')) == label),
        )?;
        self.cells
            .range((r, c + 1)..(r + 1, 0))
            .next()
            .map(|(p, v)| (*p, v))
    }

    /// The file's form and period must be the spec's: a file of another period is refused whole.
    fn check_identity(&self, codes_row: u32) -> Result<(), Vec<CellProblem>> {
        let spec = self.spec;
        let mut problems = Vec::new();
        match self.labelled(codes_row, FORM_LABEL) {
            None => problems.push(CellProblem::sheet(
                format!("Không thấy ô «{FORM_LABEL}» và mã biểu mẫu. Hãy dùng biểu mẫu tải về từ giaoban."),
                format!("The cell «{FORM_LABEL}» with the form code is missing. Use the template downloaded from giaoban."),
            )),
            Some(((r, c), v)) if !v.key().eq_ignore_ascii_case(&spec.form_code) => {
                problems.push(CellProblem::cell(
                    r,
                    c,
                    format!(
                        "Ô {}{}: tệp này là của biểu mẫu «{}», không phải «{}».",
                        column_letter(c),
                        r + 1,
                        v.shown(),
                        spec.form_code
                    ),
                    format!(
                        "Cell {}{}: this file is for form «{}», not «{}».",
                        column_letter(c),
                        r + 1,
                        v.shown(),
                        spec.form_code
                    ),
                ))
            }
            Some(_) => {}
        }
        match self.labelled(codes_row, PERIOD_LABEL) {
            None => problems.push(CellProblem::sheet(
                format!("Không thấy ô «{PERIOD_LABEL}» và mã kỳ báo cáo. Hãy dùng biểu mẫu tải về từ giaoban."),
                format!("The cell «{PERIOD_LABEL}» with the period code is missing. Use the template downloaded from giaoban."),
            )),
            Some(((r, c), v)) => {
                let file_period = Period::parse(&v.key()).ok();
                if file_period != Some(spec.period) {
                    let (was_vi, was_en) = match file_period {
                        Some(p) => (p.label(Lang::Vi), p.label(Lang::En)),
                        None => (format!("«{}»", v.shown()), format!("«{}»", v.shown())),
                    };
                    let cell = format!("{}{}", column_letter(c), r + 1);
                    problems.push(CellProblem::cell(
                        r,
                        c,
                        format!(
                            "Ô {cell}: tệp này là số liệu kỳ {was_vi}, không phải kỳ {} đang nhập.",
                            spec.period.label(Lang::Vi)
                        ),
                        format!(
                            "Cell {cell}: this file holds figures for {was_en}, not for {} being entered.",
                            spec.period.label(Lang::En)
                        ),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }

    /// Maps the codes row's columns; unknown and doubled codes, and form indicators without a
    /// column, are problems.
    fn columns(&self, codes_row: u32, problems: &mut Vec<CellProblem>) -> BTreeMap<u32, Col<'_>> {
        let by_code: HashMap<&str, &FormColumn> = self
            .spec
            .columns
            .iter()
            .map(|c| (c.indicator.code.as_str(), c))
            .collect();
        let mut out = BTreeMap::new();
        let mut seen: HashMap<String, u32> = HashMap::new();
        for (&(r, c), v) in self.cells.range((codes_row, 0)..(codes_row + 1, 0)) {
            let raw = v.key();
            let cell = format!("{}{}", column_letter(c), r + 1);
            let (key, col) = if raw.eq_ignore_ascii_case(UNIT_CODE_KEY) {
                (UNIT_CODE_KEY.to_owned(), Col::Unit)
            } else if raw.eq_ignore_ascii_case(UNIT_NAME_KEY) {
                (UNIT_NAME_KEY.to_owned(), Col::Name)
            } else if raw.eq_ignore_ascii_case(VERSION_KEY) {
                (VERSION_KEY.to_owned(), Col::Version)
            } else {
                // A heading that cannot be an indicator code ("Ghi chú riêng") is the user's own
                // column, left alone; a code not on the form is a mistake worth naming (every
                // column the form needs is checked below, so a mistyped one is caught too).
                let Ok(code) = IndicatorCode::parse(&raw) else {
                    continue;
                };
                match by_code.get(code.as_str()).copied() {
                    Some(fc) => (fc.indicator.code.to_string(), Col::Indicator(fc)),
                    None => {
                        problems.push(CellProblem::cell(
                            r,
                            c,
                            format!(
                                "Ô {cell}: mã chỉ tiêu «{raw}» không có trên biểu mẫu {}. Không sửa hàng mã chỉ tiêu.",
                                self.spec.form_code
                            ),
                            format!(
                                "Cell {cell}: indicator code «{raw}» is not on form {}. Leave the codes row as it is.",
                                self.spec.form_code
                            ),
                        ));
                        continue;
                    }
                }
            };
            if let Some(first) = seen.get(&key) {
                let first = column_letter(*first);
                problems.push(CellProblem::cell(
                    r,
                    c,
                    format!("Ô {cell}: mã «{key}» đã có ở cột {first}."),
                    format!("Cell {cell}: code «{key}» is already in column {first}."),
                ));
                continue;
            }
            seen.insert(key, c);
            out.insert(c, col);
        }
        for fc in &self.spec.columns {
            if !seen.contains_key(fc.indicator.code.as_str()) {
                problems.push(CellProblem {
                    row: Some(codes_row + 1),
                    ..CellProblem::sheet(
                        format!(
                            "Hàng {}: thiếu cột chỉ tiêu {} ({}). Hãy tải lại biểu mẫu.",
                            codes_row + 1,
                            fc.indicator.code,
                            fc.indicator.name_vi
                        ),
                        format!(
                            "Row {}: the column of indicator {} ({}) is missing. Download the template again.",
                            codes_row + 1,
                            fc.indicator.code,
                            fc.indicator.name_en
                        ),
                    )
                });
            }
        }
        if !seen.contains_key(UNIT_CODE_KEY) {
            // Unreachable: the codes row was found by this key. Kept so the rows below can rely on it.
            problems.push(CellProblem::sheet(
                "Thiếu cột mã đơn vị.",
                "The unit code column is missing.",
            ));
        }
        out
    }

    fn rows(
        &self,
        codes_row: u32,
        columns: &BTreeMap<u32, Col<'_>>,
        problems: &mut Vec<CellProblem>,
    ) -> Vec<UploadRow> {
        let Some(unit_col) = columns
            .iter()
            .find_map(|(c, col)| matches!(col, Col::Unit).then_some(*c))
        else {
            return Vec::new();
        };
        let version_col = columns
            .iter()
            .find_map(|(c, col)| matches!(col, Col::Version).then_some(*c));
        let mut by_row: BTreeMap<u32, Vec<(u32, &Val)>> = BTreeMap::new();
        for (&(r, c), v) in self.cells.range((codes_row + 1, 0)..) {
            by_row.entry(r).or_default().push((c, v));
        }
        let mut out = Vec::new();
        let mut seen_units: HashMap<UnitId, u32> = HashMap::new();
        for (r, cells) in by_row {
            let xl_row = r + 1;
            let unit_cell = cells.iter().find(|(c, _)| *c == unit_col).map(|(_, v)| *v);
            let unit = unit_cell.and_then(|v| self.unit(v));
            let unit_name = unit.map(|u| u.name.as_str());
            let mut values = BTreeMap::new();
            let mut row_problems = Vec::new();
            for (c, v) in &cells {
                let Some(Col::Indicator(fc)) = columns.get(c) else {
                    continue;
                };
                match self.value(r, *c, v, fc, unit_name) {
                    Ok(s) => {
                        values.insert(fc.indicator.code.to_string(), s);
                    }
                    Err(p) => row_problems.push(p),
                }
            }
            if values.is_empty() && row_problems.is_empty() {
                // A unit left blank (or a note under the table): not reported.
                continue;
            }
            let unit_ref = format!("{}{}", column_letter(unit_col), xl_row);
            match (unit_cell, unit) {
                (None, _) => problems.push(CellProblem::cell(
                    r,
                    unit_col,
                    format!("Ô {unit_ref}: hàng {xl_row} có số liệu nhưng thiếu mã đơn vị."),
                    format!("Cell {unit_ref}: row {xl_row} has figures but no unit code."),
                )),
                (Some(v), None) => problems.push(CellProblem::cell(
                    r,
                    unit_col,
                    format!(
                        "Ô {unit_ref}: mã đơn vị «{}» không có trong các đơn vị báo cáo biểu mẫu này.",
                        v.shown()
                    ),
                    format!(
                        "Cell {unit_ref}: unit code «{}» is not one of the units reporting on this form.",
                        v.shown()
                    ),
                )),
                (Some(_), Some(u)) => {
                    if let Some(first) = seen_units.get(&u.id) {
                        problems.push(CellProblem::cell(
                            r,
                            unit_col,
                            format!(
                                "Ô {unit_ref}: đơn vị {} ({}) đã có ở hàng {first}; mỗi đơn vị một hàng.",
                                u.code, u.name
                            ),
                            format!(
                                "Cell {unit_ref}: unit {} ({}) is already on row {first}; one row per unit.",
                                u.code, u.name
                            ),
                        ));
                    } else {
                        seen_units.insert(u.id, xl_row);
                        let version = version_col
                            .and_then(|vc| cells.iter().find(|(c, _)| *c == vc))
                            .and_then(|(_, v)| match v {
                                Val::Int(i) if *i >= 0 => Some(*i),
                                Val::Float(f) if f.fract() == 0.0 && (0.0..9e15).contains(f) => {
                                    Some(*f as i64)
                                }
                                _ => None,
                            });
                        out.push(UploadRow {
                            row: xl_row,
                            unit_id: u.id,
                            unit_code: u.code.clone(),
                            values,
                            version,
                        });
                    }
                }
            }
            problems.extend(row_problems);
        }
        out
    }

    fn unit(&self, v: &Val) -> Option<&UploadUnit> {
        let key = v.key();
        let units = &self.spec.units;
        units.iter().find(|u| u.code.trim() == key).or_else(|| {
            // A numeric code typed as a number loses its leading zeros ("00123" → 123).
            matches!(v, Val::Int(_) | Val::Float(_))
                .then(|| {
                    units.iter().find(|u| {
                        u.code.trim().trim_start_matches('0') == key.trim_start_matches('0')
                    })
                })
                .flatten()
        })
    }

    /// One indicator cell: its value as text, or the located problem (checked with the
    /// indicator's own rule, so the message is the one the entry form gives).
    fn value(
        &self,
        r: u32,
        c: u32,
        v: &Val,
        fc: &FormColumn,
        unit_name: Option<&str>,
    ) -> Result<String, CellProblem> {
        let ind = &fc.indicator;
        let cell = format!("{}{}", column_letter(c), r + 1);
        let whose = |lang: Lang| match unit_name {
            Some(u) => format!("{}, {u}", ind.name(lang)),
            None => ind.name(lang).to_owned(),
        };
        let problem = |vi: String, en: String| {
            CellProblem::cell(
                r,
                c,
                format!("Ô {cell}: «{}» {vi} — {}.", v.shown(), whose(Lang::Vi)),
                format!("Cell {cell}: «{}» {en} — {}.", v.shown(), whose(Lang::En)),
            )
        };
        match (ind.value_type, v) {
            (_, Val::Error(_)) => Err(problem(
                "là lỗi công thức, không phải số liệu".into(),
                "is a formula error, not a value".into(),
            )),
            (ValueType::Text, Val::Date(_)) | (ValueType::Text, Val::Bool(_)) => Ok(v.shown()),
            (ValueType::Text, _) => match clean_text("value", &v.shown(), MAX_TEXT) {
                Ok(Some(t)) => Ok(t),
                Ok(None) => Ok(String::new()),
                Err(e) => Err(CellProblem::cell(
                    r,
                    c,
                    format!("Ô {cell}: {} — {}.", e.vi, whose(Lang::Vi)),
                    format!("Cell {cell}: {} — {}.", e.en, whose(Lang::En)),
                )),
            },
            (_, Val::Date(_)) => Err(problem(
                "là ngày tháng, không phải là số (để ô dạng số hoặc viết như 5.466,32)".into(),
                "is a date, not a number (format the cell as a number or write it like 5.466,32)"
                    .into(),
            )),
            (ValueType::YesNo, Val::Bool(b)) => Ok(if *b { "có" } else { "không" }.to_owned()),
            (_, Val::Bool(_)) => Err(problem("không phải là số".into(), "is not a number".into())),
            (_, Val::Text(s)) => {
                let s = s.trim();
                ind.parse_value(s)
                    .map(|_| s.to_owned())
                    .map_err(|e| problem(e.message(Lang::Vi), e.message(Lang::En)))
            }
            (_, Val::Int(_) | Val::Float(_)) => {
                let f = match v {
                    Val::Int(i) => Figure::from_int(*i),
                    Val::Float(x) => Figure::from_f64(*x),
                    _ => None,
                };
                let Some(f) = f else {
                    return Err(problem("quá lớn".into(), "is too large".into()));
                };
                ind.check_figure(f)
                    .map(|()| vi_exact(f))
                    .map_err(|e| problem(e.message(Lang::Vi), e.message(Lang::En)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_are_written_so_the_domain_reads_them_back_exactly() {
        for (scaled, text) in [
            (54_663_200, "5.466,32"),
            (12_340, "1,234"),
            (12_345_670, "1.234,567"),
            (90_000, "9"),
            (-30_000, "-3"),
            (1, "0,0001"),
        ] {
            let f = Figure::from_scaled(scaled);
            assert_eq!(vi_exact(f), text);
            assert_eq!(Figure::parse(text), Ok(f), "{text}");
        }
    }

    #[test]
    fn other_files_are_named_by_their_first_bytes() {
        assert!(not_xlsx(b"").unwrap().vi.contains("rỗng"));
        assert!(
            not_xlsx(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0])
                .unwrap()
                .vi
                .contains(".xls")
        );
        assert!(not_xlsx(b"%PDF-1.7").unwrap().vi.contains("không phải"));
        assert!(not_xlsx(b"PK\x03\x04").is_none());
    }
}
