//! Official documents out of giaoban, in the layout of Decree 30/2020/NĐ-CP (Appendix I).
//!
//! This crate owns how a document *reads*: the date line, the number and symbol, and (as the
//! conclusion and report records arrive) the DOCX, PDF and XLSX writers. It takes records from the
//! domain and produces bytes; it reads nothing from the outside.

pub mod dateline;
pub mod fonts;
pub mod ics;
pub mod notice;
pub mod text;
pub mod xlsx;

pub use notice::{
    Block, CellAlign, DocColumn, DocTable, DocumentError, NoticeDate, NoticeDoc, NoticeTask,
    Printed,
};
