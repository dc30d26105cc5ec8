//! The template of a form for a period: one row per reporting unit, one column per indicator.

use std::collections::BTreeMap;

use giaoban_domain::Lang;
use giaoban_domain::indicator::{Figure, IndicatorCode, ValueType};
use giaoban_domain::period::Period;
use giaoban_domain::report::EnteredValue;
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use super::{
    DATA_SHEET, FORM_LABEL, FormColumn, GUIDE_SHEET, PERIOD_LABEL, UNIT_CODE_KEY, UNIT_NAME_KEY,
    VERSION_KEY, XlsxError, number_format,
};

/// Row (0-based) of the header with the indicators' names.
pub(super) const NAMES_ROW: u32 = 6;
/// Row (0-based) of the header with the indicators' codes: the row the reader keys columns by.
pub(super) const CODES_ROW: u32 = 7;
/// First data row (0-based).
pub(super) const FIRST_DATA_ROW: u32 = 8;

/// What a template is made from.
#[derive(Debug, Clone)]
pub struct TemplateSpec {
    pub form_code: String,
    pub form_name: String,
    pub period: Period,
    /// The deadline as the page shows it ("17:00 thứ Năm, 16/03/2023").
    pub deadline_label: String,
    /// The form's indicators in form order.
    pub columns: Vec<FormColumn>,
    /// One row per reporting unit.
    pub rows: Vec<TemplateRow>,
}

/// One unit's row, with figures already entered (a draft) written in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateRow {
    /// The unit's stable key as the file names it; the reader maps it back to the unit.
    pub unit_code: String,
    pub unit_name: String,
    pub values: BTreeMap<IndicatorCode, EnteredValue>,
    /// The version of the unit's draft these values are (`None`: no draft yet), written in the
    /// hidden column [`VERSION_KEY`] so that an upload can tell a draft changed since.
    pub version: Option<i64>,
}

/// How a column's cells are written.
struct ColumnStyle {
    cell: Format,
    yes_no: bool,
}

fn column_style(col: &FormColumn) -> ColumnStyle {
    let base = Format::new().set_border(FormatBorder::Thin);
    let ind = &col.indicator;
    match ind.value_type {
        ValueType::Number | ValueType::Percent => ColumnStyle {
            cell: base.set_num_format(number_format(ind.decimals)),
            yes_no: false,
        },
        ValueType::Count => ColumnStyle {
            cell: base.set_num_format(number_format(0)),
            yes_no: false,
        },
        ValueType::YesNo => ColumnStyle {
            cell: base.set_num_format("@").set_align(FormatAlign::Center),
            yes_no: true,
        },
        ValueType::Text => ColumnStyle {
            cell: base.set_num_format("@").set_text_wrap(),
            yes_no: false,
        },
    }
}

fn header_name(col: &FormColumn) -> String {
    let ind = &col.indicator;
    let mut s = ind.name_vi.clone();
    if ind.value_type == ValueType::Percent && ind.measure.is_empty() {
        s.push_str(" (%)");
    } else if !ind.measure.is_empty() {
        s.push_str(&format!(" ({})", ind.measure));
    }
    if col.required {
        s.push_str(" (*)");
    }
    s
}

/// Builds the template of a form for a period: sheet «Số liệu» with a title block, the form and
/// period codes, two header rows (names, then codes), one row per unit with its pre-filled figures,
/// number formats by decimals, a «có/không» list on yes/no columns and frozen headers; sheet
/// «Hướng dẫn» lists the indicators. Nothing is protected.
pub fn form_template(t: &TemplateSpec) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(DATA_SHEET)?;
    write_data_sheet(ws, t)?;
    let guide = wb.add_worksheet();
    guide.set_name(GUIDE_SHEET)?;
    write_guide(guide, t)?;
    Ok(wb.save_to_buffer()?)
}

fn write_data_sheet(ws: &mut Worksheet, t: &TemplateSpec) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let note = Format::new().set_italic();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(0xDDEBF7);
    let codes = Format::new()
        .set_font_size(9)
        .set_font_color(0x595959)
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    let text_cell = Format::new()
        .set_num_format("@")
        .set_border(FormatBorder::Thin);

    ws.write_string_with_format(0, 0, &t.form_name, &title)?;
    ws.write_string(1, 0, format!("Kỳ báo cáo: {}", t.period.label(Lang::Vi)))?;
    ws.write_string(2, 0, format!("Hạn nộp: {}", t.deadline_label))?;
    ws.write_string_with_format(
        3,
        0,
        "Nhập số theo kiểu Việt Nam: 5.466,32 hoặc để ô là số. Cột Có/Không: chọn «có» hoặc «không». \
         (*) là chỉ tiêu bắt buộc. Không sửa hàng mã chỉ tiêu (hàng 8), mã biểu mẫu và mã kỳ.",
        &note,
    )?;
    ws.write_string_with_format(4, 0, FORM_LABEL, &bold)?;
    ws.write_string_with_format(4, 1, &t.form_code, &text_cell)?;
    ws.write_string_with_format(4, 2, PERIOD_LABEL, &bold)?;
    ws.write_string_with_format(4, 3, t.period.code(), &text_cell)?;

    ws.write_string_with_format(NAMES_ROW, 0, "Mã đơn vị", &header)?;
    ws.write_string_with_format(NAMES_ROW, 1, "Đơn vị", &header)?;
    ws.write_string_with_format(CODES_ROW, 0, UNIT_CODE_KEY, &codes)?;
    ws.write_string_with_format(CODES_ROW, 1, UNIT_NAME_KEY, &codes)?;
    ws.set_row_height(NAMES_ROW, 48)?;
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 28)?;

    let last_row = FIRST_DATA_ROW + t.rows.len().max(1) as u32 - 1;
    let styles: Vec<ColumnStyle> = t.columns.iter().map(column_style).collect();
    for (i, (col, style)) in t.columns.iter().zip(&styles).enumerate() {
        let c = 2 + i as u16;
        let name = header_name(col);
        ws.write_string_with_format(NAMES_ROW, c, &name, &header)?;
        ws.write_string_with_format(CODES_ROW, c, col.indicator.code.as_str(), &codes)?;
        let width = match col.indicator.value_type {
            ValueType::Text => 36.0,
            ValueType::YesNo => 12.0,
            _ => 16.0,
        };
        ws.set_column_width(c, width)?;
        if style.yes_no && !t.rows.is_empty() {
            let list = DataValidation::new()
                .allow_list_strings(&["có", "không"])?
                .set_error_title("Có hoặc không")?
                .set_error_message("Chọn «có» hoặc «không» trong danh sách.")?;
            ws.add_data_validation(FIRST_DATA_ROW, c, last_row, c, &list)?;
        }
    }

    // The drafts' versions, in a hidden column after the indicators.
    let version_col = 2 + t.columns.len() as u16;
    ws.write_string_with_format(NAMES_ROW, version_col, "Phiên bản (không sửa)", &header)?;
    ws.write_string_with_format(CODES_ROW, version_col, VERSION_KEY, &codes)?;
    ws.set_column_hidden(version_col)?;

    for (r, row) in t.rows.iter().enumerate() {
        let xr = FIRST_DATA_ROW + r as u32;
        ws.write_string_with_format(xr, 0, &row.unit_code, &text_cell)?;
        ws.write_string_with_format(xr, 1, &row.unit_name, &text_cell)?;
        ws.write_number(xr, version_col, row.version.unwrap_or(0) as f64)?;
        for (i, (col, style)) in t.columns.iter().zip(&styles).enumerate() {
            let c = 2 + i as u16;
            match row.values.get(&col.indicator.code) {
                None => {
                    ws.write_blank(xr, c, &style.cell)?;
                }
                Some(EnteredValue::Text(s)) => {
                    ws.write_string_with_format(xr, c, s, &style.cell)?;
                }
                Some(EnteredValue::Figure(f)) => match col.indicator.value_type {
                    ValueType::YesNo if *f == Figure::ZERO => {
                        ws.write_string_with_format(xr, c, "không", &style.cell)?;
                    }
                    ValueType::YesNo if Some(*f) == Figure::from_int(1) => {
                        ws.write_string_with_format(xr, c, "có", &style.cell)?;
                    }
                    ValueType::Text => {
                        ws.write_string_with_format(xr, c, f.to_string(), &style.cell)?;
                    }
                    // Exact for up to 15 significant digits, Excel's own precision: the f64
                    // nearest to the scaled value rounds back to it (`Figure::from_f64`).
                    _ => {
                        ws.write_number_with_format(xr, c, f.to_f64(), &style.cell)?;
                    }
                },
            }
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 2)?;
    Ok(())
}

fn write_guide(ws: &mut Worksheet, t: &TemplateSpec) -> Result<(), XlsxError> {
    let title = Format::new().set_bold().set_font_size(14);
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(0xDDEBF7);
    let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    ws.write_string_with_format(0, 0, format!("Hướng dẫn nhập: {}", t.form_name), &title)?;
    let lines = [
        format!(
            "Nhập số liệu ở trang «{DATA_SHEET}», mỗi đơn vị một hàng, kỳ {}.",
            t.period.label(Lang::Vi)
        ),
        "Số viết theo kiểu Việt Nam: dấu chấm ngăn nghìn, dấu phẩy thập phân (5.466,32); hoặc để ô là số."
            .to_owned(),
        "Chỉ tiêu số đếm nhập số nguyên; chỉ tiêu Có/Không chọn «có» hoặc «không»; để trống nếu chưa có số liệu."
            .to_owned(),
        "Có thể đổi thứ tự cột; không sửa hàng mã chỉ tiêu, ô mã biểu mẫu và mã kỳ.".to_owned(),
    ];
    for (i, l) in lines.iter().enumerate() {
        ws.write_string(1 + i as u32, 0, l)?;
    }
    let top = 2 + lines.len() as u32;
    for (c, h) in [
        "Mã chỉ tiêu",
        "Tên chỉ tiêu",
        "Đơn vị tính",
        "Kiểu số liệu",
        "Bắt buộc",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(top, c as u16, *h, &header)?;
    }
    for (i, col) in t.columns.iter().enumerate() {
        let r = top + 1 + i as u32;
        let ind = &col.indicator;
        let kind = match ind.value_type {
            ValueType::Number | ValueType::Percent if ind.decimals > 0 => format!(
                "{}, {} chữ số thập phân",
                ind.value_type.label(Lang::Vi),
                ind.decimals
            ),
            v => v.label(Lang::Vi).to_owned(),
        };
        ws.write_string_with_format(r, 0, ind.code.as_str(), &cell)?;
        ws.write_string_with_format(r, 1, &ind.name_vi, &cell)?;
        ws.write_string_with_format(r, 2, &ind.measure, &cell)?;
        ws.write_string_with_format(r, 3, &kind, &cell)?;
        ws.write_string_with_format(r, 4, if col.required { "có" } else { "không" }, &cell)?;
    }
    ws.set_column_width(0, 24)?;
    ws.set_column_width(1, 48)?;
    ws.set_column_width(2, 14)?;
    ws.set_column_width(3, 28)?;
    ws.set_column_width(4, 10)?;
    Ok(())
}
