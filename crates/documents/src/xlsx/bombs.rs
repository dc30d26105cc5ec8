//! Hostile workbooks for the tests and the fuzzing of the upload's limits: a real template whose
//! data sheet is replaced by one inline string of any length, deflated (a thousand characters per
//! byte), and the same with the sizes the zip declares forged. Not used by the application.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

/// The part of the data sheet in a template written by [`super::form_template`].
pub const DATA_SHEET_PART: &str = "xl/worksheets/sheet1.xml";

/// `template` (a workbook) with its data sheet replaced by a sheet whose cell A1 is one inline
/// string of `chars` letters «a», compressed with deflate at the best level. 800 million
/// characters make a file of about 780 KB.
/// Fails only when `template` is not a zip.
pub fn inline_string_bomb(template: &[u8], chars: u64) -> zip::result::ZipResult<Vec<u8>> {
    let mut src = ZipArchive::new(Cursor::new(template))?;
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    let deflated = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9));
    for i in 0..src.len() {
        let mut part = src.by_index(i)?;
        let name = part.name().to_owned();
        out.start_file(name.as_str(), deflated)?;
        if name == DATA_SHEET_PART {
            out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
                  <worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
                  <sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>",
            )?;
            let chunk = vec![b'a'; 1 << 20];
            let mut left = chars;
            while left > 0 {
                let n = left.min(chunk.len() as u64);
                out.write_all(&chunk[..n as usize])?;
                left -= n;
            }
            out.write_all(b"</t></is></c></row></sheetData></worksheet>")?;
        } else {
            let mut bytes = Vec::new();
            part.read_to_end(&mut bytes)?;
            out.write_all(&bytes)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

/// `package` with the uncompressed size of the part `name` declared as `size`, both in its local
/// header and in the central directory (the zip's checksum and data are left as they are): a
/// file that lies about how much it inflates to.
pub fn with_declared_size(package: &[u8], name: &str, size: u32) -> Vec<u8> {
    let mut out = package.to_vec();
    let name = name.as_bytes();
    let field = |at: usize, out: &mut Vec<u8>| out[at..at + 4].copy_from_slice(&size.to_le_bytes());
    let mut i = 0;
    while i + 46 <= out.len() {
        let sig = &out[i..i + 4];
        if sig == b"PK\x03\x04" {
            let len = usize::from(u16::from_le_bytes([out[i + 26], out[i + 27]]));
            if out.get(i + 30..i + 30 + len) == Some(name) {
                field(i + 22, &mut out);
            }
        } else if sig == b"PK\x01\x02" {
            let len = usize::from(u16::from_le_bytes([out[i + 28], out[i + 29]]));
            if out.get(i + 46..i + 46 + len) == Some(name) {
                field(i + 24, &mut out);
            }
        }
        i += 1;
    }
    out
}
