//! Mutations for the stable run: libFuzzer's usual byte-level ones (flip, replace, insert, erase,
//! copy, splice, dictionary tokens, interesting numbers) and, for .xlsx packages, the same applied
//! inside one part of the zip, which is then packed again so the package stays readable.

use std::io::{Cursor, Read, Write};

/// splitmix64: small, fast, reproducible from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

const INTERESTING: &[&[u8]] = &[
    b"0",
    b"-1",
    b"255",
    b"65536",
    b"2147483648",
    b"4294967296",
    b"18446744073709551616",
    b"99999999999999999999999999",
    b"0.0000000000000000001",
    b"1e-400",
    b",",
    b".",
    b"\0",
    b"\xff\xfe",
    b"\xc3",
];

/// Longest input the run makes: large enough for the seeds, small enough to stay fast.
const MAX_LEN: usize = 256 * 1024;

/// One to four stacked byte-level mutations of `input`.
pub fn bytes(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], dict: &[&str]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        let len = out.len();
        match rng.below(11) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next_u64() as u8;
            }
            2 => {
                let i = rng.below(len + 1);
                let n = 1 + rng.below(8);
                let fill: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
                out.splice(i..i, fill);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                out.drain(i..i + n);
            }
            4 if len > 0 => {
                // Copy a chunk of the input somewhere else in it.
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(128));
                let chunk = out[i..i + n].to_vec();
                let at = rng.below(len + 1);
                out.splice(at..at, chunk);
            }
            5 | 6 if !dict.is_empty() => {
                let token = dict[rng.below(dict.len())].as_bytes();
                let at = rng.below(len + 1);
                if rng.below(2) == 0 || len == 0 {
                    out.splice(at..at, token.iter().copied());
                } else {
                    let end = (at + token.len()).min(len);
                    out.splice(at..end, token.iter().copied());
                }
            }
            7 => {
                // Replace a run of digits (or insert) with an interesting number.
                let token = INTERESTING[rng.below(INTERESTING.len())];
                let start = rng.below(len + 1);
                let mut end = start;
                while end < len && out[end].is_ascii_digit() {
                    end += 1;
                }
                out.splice(start..end, token.iter().copied());
            }
            8 if !corpus.is_empty() => {
                // Splice: our head, another input's tail.
                let other = &corpus[rng.below(corpus.len())];
                let cut = rng.below(len + 1);
                let from = rng.below(other.len() + 1);
                out.truncate(cut);
                out.extend_from_slice(&other[from..]);
            }
            9 if len > 0 => {
                out.truncate(rng.below(len));
            }
            _ if len > 1 => {
                // Swap two bytes.
                let (a, b) = (rng.below(len), rng.below(len));
                out.swap(a, b);
            }
            _ => out.push(rng.next_u64() as u8),
        }
    }
    out.truncate(MAX_LEN);
    out
}

/// The parts of a zip package, in order.
fn unzip(data: &[u8]) -> Option<Vec<(String, Vec<u8>)>> {
    let mut archive = zip::ZipArchive::new(Cursor::new(data)).ok()?;
    let mut parts = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).ok()?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).ok()?;
        parts.push((file.name().to_owned(), bytes));
    }
    Some(parts)
}

fn zip_parts(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in parts {
        if w.start_file(name.as_str(), options).is_err() || w.write_all(bytes).is_err() {
            break;
        }
    }
    w.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// An .xlsx package mutated inside: one part (the sheets and shared strings most often) gets the
/// byte mutations and the package is zipped again; now and then the zip itself is damaged.
pub fn xlsx(rng: &mut Rng, input: &[u8], corpus: &[Vec<u8>], dict: &[&str]) -> Vec<u8> {
    if rng.below(8) == 0 {
        return bytes(rng, input, corpus, dict);
    }
    let Some(mut parts) = unzip(input) else {
        return bytes(rng, input, corpus, dict);
    };
    if parts.is_empty() {
        return bytes(rng, input, corpus, dict);
    }
    let favoured: Vec<usize> = parts
        .iter()
        .enumerate()
        .filter(|(_, (n, _))| n.contains("worksheets/") || n.contains("sharedStrings"))
        .map(|(i, _)| i)
        .collect();
    let i = if !favoured.is_empty() && rng.below(4) != 0 {
        favoured[rng.below(favoured.len())]
    } else {
        rng.below(parts.len())
    };
    match rng.below(16) {
        0 => {
            parts.remove(i);
        }
        1 => {
            let j = rng.below(parts.len());
            let other = parts[j].1.clone();
            parts[i].1 = other;
        }
        _ => {
            let part = std::mem::take(&mut parts[i].1);
            parts[i].1 = bytes(rng, &part, &[], dict);
        }
    }
    zip_parts(&parts)
}
