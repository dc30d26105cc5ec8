//! An indicator catalog (the format of crates/domain/data/indicators.toml): indicators or their
//! problems in both languages, never a panic.
//! The checks are in crates/fuzzing, shared with the bounded run on stable Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    giaoban_fuzzing::indicator_catalog(data);
});
