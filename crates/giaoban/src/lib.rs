//! The parts of the `giaoban` command that other crates use too: the units file reader, which the
//! fuzzing harness (crates/fuzzing) feeds with damaged files.

pub mod units_file;
