//! The parts of the `giaoban` command that other crates use too: the global options, opening the
//! store and running a command ([`cli`], shared with the developers' `giaoban-bench` in
//! crates/devtools), the units file reader, which the fuzzing harness (crates/fuzzing) feeds with
//! damaged files, and the demo's units.

pub mod cli;
pub mod units_file;

/// The units of the demo (see the file's header for its sources): loaded by `giaoban demo`, and
/// by `giaoban-bench text` as the registry its extraction matches units against.
pub const DEMO_UNITS_TOML: &str = include_str!("../demo/units.toml");
