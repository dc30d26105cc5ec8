//! The exported seed 004 notice read by Debian's own tools, as an office would read it: pdftotext and
//! pdffonts (poppler-utils) read the PDF, pdftoppm renders its pages so the layout can be measured in
//! pixels, and LibreOffice opens the DOCX and prints it to PDF.
//!
//! Ignored by default (the tools are not Rust crates); `scripts/test` runs them in its fourth pass,
//! which CI requires. The measured figures are printed: run with `--nocapture` to read them.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{normalise, required_texts, seed_004};
use giaoban_documents::NoticeDoc;

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "giaoban-{name}-{}-{}",
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        ));
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        Scratch(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// Runs a tool and returns its standard output; a missing tool or a failure stops the test with
/// what the tool said.
fn run(program: &str, args: &[&str], envs: &[(&str, &Path)]) -> String {
    let mut cmd = Command::new(program);
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e} (is it installed?)"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap_or_else(|e| panic!("{program} wrote non-UTF-8: {e}"))
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// The text of each page as pdftotext reads it, in content-stream order (`-raw`: the order the
/// writer set the lines in, free of pdftotext's column guessing, which can put the last line of a
/// paragraph broken across pages before its first; and free of its joining of a line ending in " -"
/// to the next, which drops the dash). Pages end with a form feed.
fn pdftotext_pages(pdf: &Path) -> Vec<String> {
    let text = run(
        "pdftotext",
        &["-raw", "-enc", "UTF-8", path_str(pdf), "-"],
        &[],
    );
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    // The form feed ends the last page too: nothing follows it.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The running text of a document from its pages. Every page from the second on must carry its
/// number (Decree 30: in the top margin, none on page 1) as a word of its own at the
/// start or the end of its text (where the writer draws it in the content stream: LibreOffice the
/// header first, printpdf after the text); the number is checked and removed.
fn running_text(pages: &[String], reader: &str) -> String {
    assert!(!pages.is_empty(), "{reader}: no page");
    let mut out = Vec::new();
    for (i, page) in pages.iter().enumerate() {
        let text = normalise(page);
        let first = text.split(' ').next().unwrap_or("");
        let last = text.rsplit(' ').next().unwrap_or("");
        let is_number = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
        if i == 0 {
            assert!(
                !is_number(first) && !is_number(last),
                "{reader}: page 1 must carry no page number: «{first}» … «{last}»"
            );
            out.push(text);
        } else {
            let number = (i + 1).to_string();
            let rest = if first == number {
                text[first.len()..].trim_start()
            } else if last == number {
                text[..text.len() - last.len()].trim_end()
            } else {
                panic!("{reader}: page {number} does not carry its number: «{first}» … «{last}»")
            };
            out.push(rest.to_string());
        }
    }
    out.join(" ")
}

/// Everything the notice says, in reading order, one string: what a reader must extract from the
/// page and nothing else.
fn expected_text(doc: &NoticeDoc) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(doc.superior_body.clone());
    parts.extend(doc.issuer_lines.iter().cloned());
    parts.push(doc.number_line.clone());
    parts.push("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into());
    parts.push("Độc lập - Tự do - Hạnh phúc".into());
    parts.push(doc.place_date_line());
    parts.push(doc.title.clone());
    parts.push(doc.subject.clone());
    for block in &doc.body {
        parts.push(match block {
            giaoban_documents::Block::Heading(t) | giaoban_documents::Block::Paragraph(t) => {
                t.clone()
            }
            giaoban_documents::Block::Table(t) => t.rows.concat().concat(),
        });
    }
    parts.extend(doc.tasks_heading.clone());
    for (task, assignment) in doc.task_lines() {
        parts.push(task);
        parts.push(assignment);
    }
    parts.extend(doc.closing.iter().cloned());
    parts.push("Nơi nhận:".into());
    parts.extend(doc.recipient_lines());
    parts.extend(doc.authority_lines.iter().cloned());
    parts.push(doc.signer_name.clone());
    normalise(&parts.join(" "))
}

/// The first place two texts differ, with some context, for a readable failure.
fn first_difference(a: &str, b: &str) -> String {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let from = common.saturating_sub(40);
    let left: String = a.chars().skip(from).take(120).collect();
    let right: String = b.chars().skip(from).take(120).collect();
    format!("at char {common}:\n  expected: …{left}…\n  found:    …{right}…")
}

/// pdftotext (poppler-utils) reads exactly the notice's text, in order, every diacritic intact.
#[test]
#[ignore = "needs pdftotext from Debian poppler-utils"]
fn pdftotext_reads_exactly_the_notice() {
    let doc = seed_004();
    let dir = Scratch::new("pdftotext");
    let pdf = dir.path("notice.pdf");
    std::fs::write(&pdf, doc.to_pdf().unwrap()).unwrap();
    let pages = pdftotext_pages(&pdf);
    let raw = pages.concat();
    assert!(
        !raw.contains('\u{FFFD}'),
        "pdftotext found a character it could not map (U+FFFD)"
    );
    let text = running_text(&pages, "pdftotext");
    for wanted in required_texts(&doc) {
        let wanted = normalise(&wanted);
        assert!(
            text.contains(&wanted),
            "pdftotext lacks «{wanted}»\n---\n{text}"
        );
    }
    let expected = expected_text(&doc);
    assert!(
        text == expected,
        "pdftotext's text differs from the notice {}",
        first_difference(&expected, &text)
    );
    eprintln!(
        "pdftotext: {} pages, {} characters, equal to the notice's text",
        pages.len(),
        text.chars().count()
    );
}

/// pdffonts (poppler-utils): every font the PDF uses is embedded, subset, and maps back to Unicode.
#[test]
#[ignore = "needs pdffonts from Debian poppler-utils"]
fn pdffonts_every_font_embedded_with_unicode_map() {
    let dir = Scratch::new("pdffonts");
    let pdf = dir.path("notice.pdf");
    std::fs::write(&pdf, seed_004().to_pdf().unwrap()).unwrap();
    let listing = run("pdffonts", &[path_str(&pdf)], &[]);
    eprintln!("{listing}");
    // name type… encoding emb sub uni object-number generation
    let fonts: Vec<Vec<&str>> = listing
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|cols| cols.len() >= 6)
        .collect();
    assert!(
        fonts.len() >= 3,
        "regular, bold and italic at least: {listing}"
    );
    for cols in &fonts {
        let n = cols.len();
        let (emb, sub, uni) = (cols[n - 5], cols[n - 4], cols[n - 3]);
        assert_eq!(emb, "yes", "font not embedded: {cols:?}");
        assert_eq!(sub, "yes", "font embedded whole, not subset: {cols:?}");
        assert_eq!(uni, "yes", "font without a ToUnicode map: {cols:?}");
        assert!(
            cols[0].contains("LiberationSerif"),
            "a font other than Liberation Serif: {cols:?}"
        );
    }
}

/// The text area the writers lay out (layout.rs): 30.5 mm from the left edge to 15.5 mm from the
/// right, half a millimetre inside the decree's 30 and 15 so that a glyph reaching past its origin
/// (the bar of a line-initial "Đ") stays inside them.
const TEXT_LEFT_MM: f32 = 30.5;
const TEXT_RIGHT_MM: f32 = 210.0 - 15.5;

/// A page rendered by pdftoppm, as RGB pixels.
struct Raster {
    width: usize,
    height: usize,
    dpi: f32,
    /// Darkest channel of each pixel, row by row.
    darkness: Vec<u8>,
}

/// A pixel is ink when one of its channels is below this (white is 255; antialiased edges are
/// grey, so the first and last touched pixels count).
const INK_BELOW: u8 = 250;

impl Raster {
    /// Renders page `page` of `pdf` at `dpi` with pdftoppm and reads the PNG back with the png
    /// crate.
    fn render(pdf: &Path, page: usize, dpi: u32, dir: &Scratch) -> Raster {
        let prefix = dir.path(&format!("page-{page}"));
        let (p, r) = (page.to_string(), dpi.to_string());
        run(
            "pdftoppm",
            &[
                "-r",
                &r,
                "-png",
                "-f",
                &p,
                "-l",
                &p,
                "-singlefile",
                path_str(pdf),
                path_str(&prefix),
            ],
            &[],
        );
        let file = std::fs::File::open(prefix.with_extension("png")).expect("pdftoppm's PNG");
        let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("buffer size")];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let channels = info.color_type.samples();
        let (width, height) = (info.width as usize, info.height as usize);
        let colour = match info.color_type {
            png::ColorType::Rgb | png::ColorType::Rgba => 3,
            _ => 1,
        };
        let mut darkness = Vec::with_capacity(width * height);
        for y in 0..height {
            let row = &buf[y * info.line_size..][..width * channels];
            darkness.extend(
                row.chunks(channels)
                    .map(|px| *px[..colour].iter().min().expect("a channel")),
            );
        }
        Raster {
            width,
            height,
            dpi: dpi as f32,
            darkness,
        }
    }

    fn ink(&self, x: usize, y: usize) -> bool {
        self.darkness[y * self.width + x] < INK_BELOW
    }

    fn mm(&self, px: usize) -> f32 {
        px as f32 / self.dpi * 25.4
    }

    fn px(&self, mm: f32) -> usize {
        (mm / 25.4 * self.dpi).round() as usize
    }

    /// The bounding box (x0, y0, x1, y1), inclusive, of the ink within the given pixel ranges.
    fn ink_box(
        &self,
        xs: std::ops::Range<usize>,
        ys: std::ops::Range<usize>,
    ) -> Option<(usize, usize, usize, usize)> {
        let mut b: Option<(usize, usize, usize, usize)> = None;
        for y in ys {
            for x in xs.clone() {
                if self.ink(x, y) {
                    b = Some(match b {
                        None => (x, y, x, y),
                        Some((x0, y0, x1, y1)) => (x0.min(x), y0.min(y), x1.max(x), y1.max(y)),
                    });
                }
            }
        }
        b
    }

    /// How much of the darkest of these pixels is covered by ink: 0 (white) to 1 (black). The
    /// renderer antialiases, so an edge crossing a pixel leaves it grey in proportion.
    fn coverage(&self, pixels: impl Iterator<Item = (usize, usize)>) -> f32 {
        let darkest = pixels
            .map(|(x, y)| self.darkness[y * self.width + x])
            .min()
            .unwrap_or(255);
        f32::from(255 - darkest) / 255.0
    }

    /// The ink's edges in millimetres from the top-left corner, estimated within the edge pixels
    /// from their coverage (a pixel is 0.17 mm at 150 dpi, as much as the tolerance being checked):
    /// (left, top, right, bottom).
    fn ink_edges_mm(&self, (x0, y0, x1, y1): (usize, usize, usize, usize)) -> [f32; 4] {
        let column = |x: usize| self.coverage((y0..=y1).map(move |y| (x, y)));
        let row = |y: usize| self.coverage((x0..=x1).map(move |x| (x, y)));
        let mm = |px: f32| px / self.dpi * 25.4;
        [
            mm(x0 as f32 + 1.0 - column(x0)),
            mm(y0 as f32 + 1.0 - row(y0)),
            mm(x1 as f32 + column(x1)),
            mm(y1 as f32 + row(y1)),
        ]
    }

    /// Runs of columns holding ink within the rows `ys`, split where at least `gap` blank columns
    /// separate them: (first, last) column of each run.
    fn ink_runs(&self, ys: std::ops::Range<usize>, gap: usize) -> Vec<(usize, usize)> {
        let inked: Vec<bool> = (0..self.width)
            .map(|x| ys.clone().any(|y| self.ink(x, y)))
            .collect();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for (x, &on) in inked.iter().enumerate() {
            if !on {
                continue;
            }
            match runs.last_mut() {
                Some((_, last)) if x - *last <= gap => *last = x,
                _ => runs.push((x, x)),
            }
        }
        runs
    }
}

/// Page 1 rendered by pdftoppm at 150 dpi, measured: the margins of Decree 30 (top 20–25, left
/// 30–35, right 15–20 mm; bottom at least 20 mm, and no room for another line beyond it), the two
/// header blocks side by side at the top; the side margins of the later pages, and page 2's
/// number centred in the top margin.
#[test]
#[ignore = "needs pdftoppm from Debian poppler-utils"]
fn pdftoppm_page_one_has_the_decree_30_layout() {
    let doc = seed_004();
    let dir = Scratch::new("pdftoppm");
    let pdf = dir.path("notice.pdf");
    std::fs::write(&pdf, doc.to_pdf().unwrap()).unwrap();
    let page = Raster::render(&pdf, 1, 150, &dir);

    // A4 at 150 dpi: 1240 × 1754 pixels.
    assert!(
        (page.mm(page.width) - 210.0).abs() < 0.5 && (page.mm(page.height) - 297.0).abs() < 0.5,
        "not A4: {} × {} px",
        page.width,
        page.height
    );
    let (x0, y0, x1, y1) = page
        .ink_box(0..page.width, 0..page.height)
        .expect("ink on page 1");
    // The first and last inked pixels, and the edges estimated within them.
    let pixel_edges = [
        page.mm(x0),
        page.mm(y0),
        210.0 - page.mm(x1 + 1),
        297.0 - page.mm(y1 + 1),
    ];
    let [ink_left, ink_top, ink_right, ink_bottom] = page.ink_edges_mm((x0, y0, x1, y1));
    let (left, top, right, bottom) = (ink_left, ink_top, 210.0 - ink_right, 297.0 - ink_bottom);
    eprintln!(
        "page 1 at 150 dpi ({} × {} px): margins top {top:.2} mm, left {left:.2} mm, right {right:.2} mm, bottom {bottom:.2} mm (outer edges of the first/last inked pixels: top {:.2}, left {:.2}, right {:.2}, bottom {:.2})",
        page.width, page.height, pixel_edges[1], pixel_edges[0], pixel_edges[2], pixel_edges[3]
    );
    assert!((20.0..=25.0).contains(&top), "top margin {top:.1} mm");
    assert!((30.0..=35.0).contains(&left), "left margin {left:.1} mm");
    assert!((15.0..=20.0).contains(&right), "right margin {right:.1} mm");
    // The bottom margin is where text may go down to, not where it must: page 1 is full (the notice
    // runs on), so its text stops above 20 mm from the edge, and the white below it is less than
    // the 20 mm plus what the next line would have needed: its 14 pt line, the 6 pt after a
    // paragraph, and the part of the last line's box below a baseline without descenders
    // ((1.15 − 0.891) × 14 pt).
    let pages = pdftotext_pages(&pdf).len();
    assert!(pages >= 2, "seed 004 runs to a second page");
    let unused_mm = (14.0 * 1.15 + 6.0 + (1.15 - 0.891) * 14.0) / 72.0 * 25.4;
    assert!(
        (20.0..20.0 + unused_mm).contains(&bottom),
        "bottom margin {bottom:.1} mm (at most {:.1})",
        20.0 + unused_mm
    );

    // The header: within the top 12 mm of ink, two blocks separated by blank columns, the issuing
    // body on the left and the national title on the right, starting on the same line.
    let band = y0..y0 + page.px(12.0);
    let runs = page.ink_runs(band.clone(), page.px(3.0));
    let runs_mm: Vec<(f32, f32)> = runs
        .iter()
        .map(|&(a, b)| {
            (
                (page.mm(a) * 10.0).round() / 10.0,
                (page.mm(b) * 10.0).round() / 10.0,
            )
        })
        .collect();
    eprintln!("header band: ink runs across the page (mm from the left edge) {runs_mm:?}");
    assert_eq!(
        runs.len(),
        2,
        "two header blocks side by side, found {runs_mm:?}"
    );
    let (l, r) = (runs[0], runs[1]);
    let gap = page.mm(r.0 - l.1);
    let left_block = page
        .ink_box(l.0..l.1 + 1, band.clone())
        .expect("left block");
    let right_block = page.ink_box(r.0..r.1 + 1, band).expect("right block");
    let tops = (page.mm(left_block.1), page.mm(right_block.1));
    eprintln!(
        "header: left block {:.1}–{:.1} mm, right block {:.1}–{:.1} mm, gap {gap:.1} mm, tops {:.1} / {:.1} mm",
        runs_mm[0].0, runs_mm[0].1, runs_mm[1].0, runs_mm[1].1, tops.0, tops.1
    );
    // The left block is centred in the left 40 % of the text width, the right one in the rest.
    let (text_left, text_right) = (TEXT_LEFT_MM, TEXT_RIGHT_MM);
    let split = text_left + 0.4 * (text_right - text_left);
    assert!(
        runs_mm[0].0 >= text_left && runs_mm[0].1 <= split,
        "left block {:?} within {text_left}–{split} mm",
        runs_mm[0]
    );
    assert!(
        runs_mm[1].0 >= split && runs_mm[1].1 <= text_right,
        "right block {:?} within {split}–{text_right} mm",
        runs_mm[1]
    );
    assert!(
        (tops.0 - tops.1).abs() <= 1.0,
        "the two blocks start on the same line: {tops:?}"
    );
    let centre = |(a, b): (f32, f32)| (a + b) / 2.0;
    let left_centre = (text_left + split) / 2.0;
    let right_centre = (split + text_right) / 2.0;
    assert!(
        (centre(runs_mm[0]) - left_centre).abs() < 2.0
            && (centre(runs_mm[1]) - right_centre).abs() < 2.0,
        "each block centred in its column: {runs_mm:?}, centres {left_centre} / {right_centre}"
    );

    // The side margins of every later page, below its number.
    for n in 2..=pages {
        let page = Raster::render(&pdf, n, 150, &dir);
        let rows = page.px(20.0)..page.height;
        let ink = page.ink_box(0..page.width, rows).expect("text");
        let [l, _, r, _] = page.ink_edges_mm(ink);
        let (left, right) = (l, 210.0 - r);
        eprintln!("page {n}: margins left {left:.2} mm, right {right:.2} mm");
        assert!(
            (30.0..=35.0).contains(&left),
            "page {n}: left margin {left:.2} mm"
        );
        assert!(
            (15.0..=20.0).contains(&right),
            "page {n}: right margin {right:.2} mm"
        );
    }

    check_page_numbers(&pdf, &dir, "printpdf");
}

/// Decree 30's page numbers, measured on pages rendered by pdftoppm: nothing in the top 20 mm of
/// page 1; on page 2 one short number there, centred on the text width.
fn check_page_numbers(pdf: &Path, dir: &Scratch, reader: &str) {
    let page1 = Raster::render(pdf, 1, 150, dir);
    assert_eq!(
        page1.ink_box(0..page1.width, 0..page1.px(20.0)),
        None,
        "{reader}: page 1 has something in its top margin"
    );
    let page2 = Raster::render(pdf, 2, 150, dir);
    let (nx0, ny0, nx1, ny1) = page2
        .ink_box(0..page2.width, 0..page2.px(20.0))
        .unwrap_or_else(|| panic!("{reader}: no page number in the top margin of page 2"));
    let [left, top, right, bottom] = page2.ink_edges_mm((nx0, ny0, nx1, ny1));
    let centre = (left + right) / 2.0;
    let text_centre = (TEXT_LEFT_MM + TEXT_RIGHT_MM) / 2.0;
    eprintln!(
        "{reader}: page 2 number at {left:.1}–{right:.1} mm across (centre {centre:.1} mm; text centre {text_centre:.1} mm), {top:.1}–{bottom:.1} mm down; page 1 blank above 20 mm"
    );
    assert!(
        (centre - text_centre).abs() < 1.5,
        "{reader}: page number not centred"
    );
    assert!(right - left < 6.0, "{reader}: one short number");
}

/// LibreOffice opens the DOCX and prints it to PDF; pdftotext reads the same text from it as from
/// our own PDF, and its pages are numbered from the second in the top margin (the DOCX's header
/// PAGE field, none on the title page).
#[test]
#[ignore = "needs LibreOffice (Debian libreoffice-writer-nogui) and pdftotext"]
fn libreoffice_opens_the_docx_with_the_same_text() {
    let doc = seed_004();
    let dir = Scratch::new("libreoffice");
    let docx = dir.path("notice.docx");
    let ours = dir.path("ours.pdf");
    std::fs::write(&docx, doc.to_docx().unwrap()).unwrap();
    std::fs::write(&ours, doc.to_pdf().unwrap()).unwrap();
    // A profile of its own under the scratch directory: works as root in CI and next to a running
    // LibreOffice.
    let home = dir.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", path_str(&home));
    let out_dir = dir.path("lo");
    run(
        "libreoffice",
        &[
            &profile,
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            path_str(&out_dir),
            path_str(&docx),
        ],
        &[("HOME", &home)],
    );
    let theirs = out_dir.join("notice.pdf");
    assert!(theirs.exists(), "LibreOffice wrote no PDF");

    // The DOCX asks for Times New Roman; LibreOffice sets it, or its metric twin Liberation Serif
    // (Debian fonts-liberation2), not a wider fallback that would move every line and page break.
    let fonts = run("pdffonts", &[path_str(&theirs)], &[]);
    for line in fonts.lines().skip(2).filter(|l| !l.trim().is_empty()) {
        let name = line.split_whitespace().next().unwrap_or("");
        let family = name.split('+').next_back().unwrap_or(name);
        assert!(
            family.starts_with("LiberationSerif") || family.starts_with("TimesNewRoman"),
            "LibreOffice set the notice in {name}, not Times New Roman or Liberation Serif \
             (install Debian's fonts-liberation2):\n{fonts}"
        );
    }

    let lo_pages = pdftotext_pages(&theirs);
    let lo_text = running_text(&lo_pages, "LibreOffice");
    let our_text = running_text(&pdftotext_pages(&ours), "printpdf");
    for wanted in required_texts(&doc) {
        let wanted = normalise(&wanted);
        assert!(
            lo_text.contains(&wanted),
            "LibreOffice's PDF lacks «{wanted}»\n---\n{lo_text}"
        );
    }
    assert!(
        lo_text == our_text,
        "LibreOffice's PDF reads differently from ours {}",
        first_difference(&our_text, &lo_text)
    );
    check_page_numbers(&theirs, &dir, "LibreOffice");
    eprintln!(
        "LibreOffice: {} pages, {} characters, the same text as our PDF",
        lo_pages.len(),
        lo_text.chars().count()
    );
}

/// A quarterly report as the app prints it (the columns and shares of the period report's
/// indicator table), with the words that broke inside their cells before issue 25: "STT" in its
/// narrow column, "doanh nghiệp" as a unit; its first heading set so low on page 1 that, left
/// alone, it would stand at the page's foot.
fn q1_report() -> NoticeDoc {
    use giaoban_documents::{Block, CellAlign, DocColumn, DocTable, NoticeDate};
    let shares = [0.45, 2.5, 0.8, 1.3, 1.3, 1.3, 0.9, 1.3];
    let columns = giaoban_domain::period_report::TABLE_COLUMNS
        .iter()
        .zip(shares)
        .enumerate()
        .map(|(i, (h, share))| DocColumn {
            heading: (*h).to_string(),
            share,
            align: match i {
                0 | 2 => CellAlign::Centre,
                1 => CellAlign::Left,
                _ => CellAlign::Right,
            },
        })
        .collect();
    let rows = [
        ("Diện tích lúa gieo cấy vụ Chiêm Xuân", "ha", "5.466,32"),
        ("Doanh nghiệp thành lập mới", "doanh nghiệp", "12"),
        (
            "Tổng thu ngân sách nhà nước trên địa bàn",
            "triệu đồng",
            "125.466,3",
        ),
        ("Tỷ lệ hộ nghèo", "%", "3,52"),
    ]
    .iter()
    .enumerate()
    .map(|(i, (name, unit, v))| {
        vec![
            (i + 1).to_string(),
            (*name).to_string(),
            (*unit).to_string(),
            (*v).to_string(),
            (*v).to_string(),
            "10.401,50".to_string(),
            "101,2".to_string(),
            "9.301,70".to_string(),
        ]
    })
    .collect();
    let filler = "Trong quý I năm 2023, Ủy ban nhân dân huyện đã tập trung chỉ đạo thực hiện \
        các nhiệm vụ phát triển kinh tế - xã hội, bảo đảm quốc phòng, an ninh trên địa bàn; \
        các chỉ tiêu chủ yếu đạt và vượt kế hoạch đề ra.";
    let mut body: Vec<Block> = (0..7).map(|_| Block::Paragraph(filler.into())).collect();
    body.push(Block::Heading(
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU".into(),
    ));
    body.push(Block::Table(DocTable { columns, rows }));
    body.push(Block::Heading("II. NHIỆM VỤ TRỌNG TÂM QUÝ II".into()));
    body.push(Block::Paragraph(filler.into()));
    NoticeDoc {
        superior_body: None,
        issuer_lines: vec!["ỦY BAN NHÂN DÂN".into(), "HUYỆN CẨM THỦY".into()],
        number_line: "Số:     /BC-UBND".into(),
        place: "Cẩm Thủy".into(),
        date: NoticeDate::Blank { year: 2023 },
        month_style: Default::default(),
        title: "BÁO CÁO".into(),
        subject: "Tình hình kinh tế - xã hội quý I, nhiệm vụ trọng tâm quý II năm 2023".into(),
        body,
        tasks_heading: None,
        tasks: Vec::new(),
        closing: Vec::new(),
        authority_lines: vec!["TM. ỦY BAN NHÂN DÂN".into(), "CHỦ TỊCH".into()],
        signer_name: "Phạm Viết Hoài".into(),
        recipients: vec!["UBND tỉnh (b/c)".into()],
    }
}

/// The words a document prints, as whitespace splits them: every word pdftotext may find.
fn printed_words(doc: &NoticeDoc) -> std::collections::BTreeSet<String> {
    let mut words: std::collections::BTreeSet<String> = expected_text(doc)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    // A table's cells and headings word by word (the running text glues its cells together).
    for block in &doc.body {
        if let giaoban_documents::Block::Table(t) = block {
            let cells = t.rows.iter().flatten();
            let headings = t.columns.iter().map(|c| &c.heading);
            for text in cells.chain(headings) {
                words.extend(normalise(text).split_whitespace().map(str::to_owned));
            }
        }
    }
    words
}

/// The checks on a PDF read by `pdftotext -layout` (which keeps each printed line a line): the
/// national title whole on one line, and no word broken — every token on the page is a word the
/// document prints (a cell that broke "STT" or "nghiệp" leaves "S", "TT", "nghi", "ệp"), apart
/// from page numbers. Returns the line holding the title, for the log.
fn check_layout_text(pdf: &Path, doc: &NoticeDoc, reader: &str) -> String {
    let text = run(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", path_str(pdf), "-"],
        &[],
    );
    let title = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
    let line = text
        .lines()
        .map(normalise)
        .find(|l| l.contains(title))
        .unwrap_or_else(|| panic!("{reader}: the national title is not on one line:\n{text}"));
    let words = printed_words(doc);
    let flat = normalise(&text);
    let broken: Vec<&str> = flat
        .split_whitespace()
        .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !words.contains(*w))
        .collect();
    assert!(
        broken.is_empty(),
        "{reader}: pieces of broken words {broken:?}\n{text}"
    );
    line
}

/// No page's last line of text (`pdftotext -layout`) is a heading of the body.
fn check_no_lonely_heading(pdf: &Path, doc: &NoticeDoc, reader: &str) {
    let text = run(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", path_str(pdf), "-"],
        &[],
    );
    let headings: Vec<String> = doc
        .body
        .iter()
        .filter_map(|b| match b {
            giaoban_documents::Block::Heading(h) => Some(normalise(h)),
            _ => None,
        })
        .collect();
    for (n, page) in text.split('\u{c}').enumerate() {
        let last = page
            .lines()
            .map(normalise)
            .rfind(|l| !l.is_empty())
            .unwrap_or_default();
        for h in &headings {
            assert!(
                !last.starts_with(h.as_str()),
                "{reader}: the heading «{h}» stands alone at the foot of page {}",
                n + 1
            );
        }
    }
}

/// Our PDF of the seed 004 notice and of the Q1 report, read by `pdftotext -layout`: the national
/// title on one line, no word broken inside a table cell, no heading alone at a page's foot.
#[test]
#[ignore = "needs pdftotext from Debian poppler-utils"]
fn pdftotext_layout_our_pdf_keeps_the_title_and_the_words_whole() {
    let dir = Scratch::new("layout-ours");
    for (name, doc) in [("notice", seed_004()), ("q1-report", q1_report())] {
        let pdf = dir.path(&format!("{name}.pdf"));
        std::fs::write(&pdf, doc.to_pdf().unwrap()).unwrap();
        let line = check_layout_text(&pdf, &doc, &format!("printpdf {name}"));
        check_no_lonely_heading(&pdf, &doc, &format!("printpdf {name}"));
        eprintln!("printpdf {name}: title line «{line}»");
    }
}

/// LibreOffice prints the seed 004 notice's DOCX and the Q1 report's DOCX to PDF: read by
/// `pdftotext -layout`, the national title is on one line, no word breaks inside a table cell,
/// and no heading stands alone at a page's foot (w:keepNext).
#[test]
#[ignore = "needs LibreOffice (Debian libreoffice-writer-nogui) and pdftotext"]
fn libreoffice_prints_the_title_on_one_line_and_table_words_whole() {
    let dir = Scratch::new("libreoffice-layout");
    let home = dir.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let profile = format!("-env:UserInstallation=file://{}", path_str(&home));
    let out_dir = dir.path("lo");
    for (name, doc) in [("notice", seed_004()), ("q1-report", q1_report())] {
        let docx = dir.path(&format!("{name}.docx"));
        std::fs::write(&docx, doc.to_docx().unwrap()).unwrap();
        run(
            "libreoffice",
            &[
                &profile,
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                path_str(&out_dir),
                path_str(&docx),
            ],
            &[("HOME", &home)],
        );
        let pdf = out_dir.join(format!("{name}.pdf"));
        assert!(pdf.exists(), "LibreOffice wrote no PDF of {name}");
        let line = check_layout_text(&pdf, &doc, &format!("LibreOffice {name}"));
        check_no_lonely_heading(&pdf, &doc, &format!("LibreOffice {name}"));
        eprintln!("LibreOffice {name}: title line «{line}»");
    }
}
