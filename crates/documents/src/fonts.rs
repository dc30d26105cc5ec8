//! The fonts embedded in PDFs: Liberation Serif 2.1.5, metric-compatible with Times New Roman (which
//! Decree 30 asks for but may not be redistributed) and covering every Vietnamese letter.
//!
//! Vendored in `fonts/` rather than taken from a crate or the system: no crate on crates.io ships
//! Liberation Serif in all four faces, the machines we deploy to may have no fonts at all, and
//! nothing may be downloaded at build or run time. The files are Debian's `fonts-liberation2`
//! 2.1.5-1, unmodified; licence SIL Open Font License 1.1 (`fonts/LICENSE`, Debian's copyright
//! file), which allows bundling and embedding them in software and documents.

pub const SERIF_REGULAR: &[u8] = include_bytes!("../fonts/LiberationSerif-Regular.ttf");
pub const SERIF_BOLD: &[u8] = include_bytes!("../fonts/LiberationSerif-Bold.ttf");
pub const SERIF_ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-Italic.ttf");
pub const SERIF_BOLD_ITALIC: &[u8] = include_bytes!("../fonts/LiberationSerif-BoldItalic.ttf");
