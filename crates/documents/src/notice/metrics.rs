//! How wide a text is set in the documents' font (Liberation Serif, metric-compatible with the
//! Times New Roman the DOCX asks for), for the widths both writers give the header's columns and
//! a table's columns, so that no word and no national title has to break.

use printpdf::ParsedFont;

use super::DocumentError;
use crate::fonts;

/// The regular and bold faces' advance widths.
pub(super) struct Metrics {
    regular: ParsedFont,
    bold: ParsedFont,
}

impl Metrics {
    pub(super) fn load() -> Result<Metrics, DocumentError> {
        let parse = |bytes: &[u8], name: &str| {
            ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
                .ok_or_else(|| DocumentError::Pdf(format!("cannot read the font {name}")))
        };
        Ok(Metrics {
            regular: parse(fonts::SERIF_REGULAR, "LiberationSerif-Regular")?,
            bold: parse(fonts::SERIF_BOLD, "LiberationSerif-Bold")?,
        })
    }

    /// The advance width of `text` (NFC) at `pt` points, in points.
    pub(super) fn width(&self, text: &str, bold: bool, pt: f32) -> f32 {
        use unicode_normalization::UnicodeNormalization;
        let font = if bold { &self.bold } else { &self.regular };
        let units: u32 = text
            .nfc()
            .map(|c| {
                let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
                u32::from(font.get_horizontal_advance(gid))
            })
            .sum();
        units as f32 / f32::from(font.pdf_font_metrics.units_per_em.max(1)) * pt
    }
}
