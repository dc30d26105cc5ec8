//! The workbook reader's size limits: a first byte 0 and a workbook, or a bomb built from
//! parameters (the length of one inline string, a forged declared size, byte edits). Refused with
//! located problems, never a panic, never inflated past the bounds. The checks are in
//! crates/fuzzing (`xlsx_limits`), shared with the bounded run on stable Rust.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    giaoban_fuzzing::xlsx_limits(data);
});
