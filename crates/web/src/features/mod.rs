//! The features of the site, one folder each: `mod.rs` wires its routes (`router()` for pages,
//! `api()` for JSON, `public()` for what needs no session), `pages.rs` holds its HTML handlers and
//! `api.rs` its JSON handlers; its templates are in `templates/<feature>/`. A feature may use the
//! shared modules at the crate's top level and another feature's public items, never in a circle
//! (`tests/module_graph.rs` checks); the shared modules never use a feature.

pub mod channels;
pub mod directory;
pub mod extract;
pub mod handover;
pub mod inbox;
pub mod ocop;
pub mod period_reports;
pub mod programmes;
pub mod reports;
pub mod session;
pub mod work;
