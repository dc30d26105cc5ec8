//! Vietnamese text engine: normalisation, numbers, dates and extraction from administrative text.
//! Pure: no I/O, no async, never panics on any input.
//!
//! Every scanner works on the text exactly as written and reports byte spans into it, so the
//! review page can highlight the source; matching happens on a folded view (NFC, lowercase,
//! dashes and odd spaces folded) built once per text by [`view::FoldedText`].
//!
//! - [`normalize`]: NFC, the comparison key ([`normalize::match_key`]), the search key
//!   ([`normalize::ascii_key`]), decoding file bytes;
//! - [`number`]: exact decimals, Vietnamese number parsing and formatting, units, figures;
//! - [`date`]: dates, times, periods, recurring and standing deadlines;
//! - [`extract`]: document and meeting details, tasks, figures, recommendations, warnings;
//! - [`spelling`]: misspelt syllables (a stop final with a tone it cannot carry) and their fixes.
//!
//! ```
//! use giaoban_vntext::extract::{UnitRegistry, extract};
//! use giaoban_vntext::date::DateExpr;
//!
//! let registry = UnitRegistry::new(&[(
//!     "tckh".to_string(),
//!     vec!["Phòng Tài chính - Kế hoạch".to_string()],
//! )]);
//! let text = "Ngày 24/03/2023, UBND huyện đã tổ chức phiên họp. Giao Phòng Tài chính Kế \
//!             tiếp thu ý kiến chậm nhất vào ngày 27/03/2023.";
//! let x = extract(text, &registry, None);
//! let task = &x.tasks[0];
//! assert_eq!(task.lead[0].text, "Phòng Tài chính Kế");
//! assert!(matches!(task.deadline.map(|d| d.value), Some(DateExpr::Date { .. })));
//! ```

pub mod date;
pub mod extract;
pub mod normalize;
pub mod number;
pub mod span;
pub mod spelling;
pub mod view;

pub use span::Span;
