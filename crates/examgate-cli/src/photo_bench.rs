//! `examgate photo bench`: the fallback-photo pipeline against ImageMagick on a generated 12 MP
//! photo, on the door's path (scaled to 2560 px, target ≤ 0.2× ImageMagick's median) and at full
//! size (target ≤ 0.4×, peak memory < 150 MB), with the targets beside the figures and where the
//! in-process time went.
//!
//! Like with like: ImageMagick is a process, so ours is timed both in-process (what the app pays)
//! and as a spawned `examgate photo stamp` (start-up, font and key loading included); both encode
//! at quality 85 without optimised Huffman tables and draw the same band and the same three
//! lines with the same font file. Each child's time and peak memory come from `measure`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::DateTime;
use examgate_photo::{BAND_ALPHA, DEFAULT_MAX_EDGE, DeviceKey, Metadata, StampFont, layout};
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

use crate::measure::{Summary, met, ms, repeat};
use crate::photo::{photo_error, stamp_font};
use crate::photo_stages;

const WIDTH: usize = 4000;
const HEIGHT: usize = 3000;
const TIME: &str = "2023-04-15T09:12:33+08:00";
/// Targets from the issues: ours/ImageMagick median at full size and on the door's 2560 px path,
/// and our peak memory.
const TARGET_RATIO: f64 = 0.4;
const TARGET_RATIO_DOOR: f64 = 0.2;
const TARGET_MB: f64 = 150.0;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Runs per measurement (after one warm-up run); the median is reported.
    #[arg(long, default_value_t = 15)]
    runs: usize,
    /// The CJK font file both tools draw with. Default: the installed font examgate would pick.
    #[arg(long, value_name = "FILE")]
    font: Option<PathBuf>,
    /// ImageMagick 6's convert. Default: the first `convert` on PATH that is a program rather
    /// than a script wrapper (a wrapper's interpreter start-up would be counted against it).
    #[arg(long, value_name = "PATH")]
    convert: Option<PathBuf>,
    /// Keep the generated input and the last output of each tool and path in this folder.
    #[arg(long, value_name = "DIR")]
    keep: Option<PathBuf>,
}

/// Photo-like pixels: a sky-to-floor gradient, soft shapes, a woven texture and sensor grain,
/// so the q92 JPEG has a camera's size (~4 MB) and the codec real work.
fn generate() -> anyhow::Result<Vec<u8>> {
    let mut rgb = vec![0u8; WIDTH * HEIGHT * 3];
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    let shapes = [(0.35, 0.45, 0.16), (0.66, 0.42, 0.14), (0.5, 0.85, 0.3)];
    for (i, px) in rgb.chunks_exact_mut(3).enumerate() {
        let (x, y) = ((i % WIDTH) as f32, (i / WIDTH) as f32);
        let (fx, fy) = (x / WIDTH as f32, y / HEIGHT as f32);
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let grain = (state & 0xF) as f32 - 7.5;
        let chroma = ((state >> 8) & 0x7) as f32 - 3.5;
        let weave = 10.0 * (x * 0.21).sin() * (y * 0.17).cos();
        let mut shade = 0.0;
        for (cx, cy, r) in shapes {
            let d = ((fx - cx).powi(2) + ((fy - cy) * 0.75).powi(2)).sqrt() / r;
            if d < 1.0 {
                shade += 70.0 * (1.0 - d * d);
            }
        }
        let base = [
            70.0 + 120.0 * fy + 30.0 * fx,
            90.0 + 90.0 * fy - 20.0 * fx,
            200.0 - 110.0 * fy,
        ];
        for (c, v) in px.iter_mut().enumerate() {
            let tint = if c == 0 { shade } else { shade * 0.6 };
            let noise = grain + if c == 1 { chroma } else { -chroma };
            *v = (base[c] + tint + weave + noise).clamp(0.0, 255.0) as u8;
        }
    }
    let mut c = Compressor::new()?;
    c.set_quality(92)?;
    c.set_subsamp(Subsamp::Sub2x2)?;
    Ok(c.compress_to_vec(Image {
        pixels: rgb.as_slice(),
        width: WIDTH,
        pitch: WIDTH * 3,
        height: HEIGHT,
        format: PixelFormat::RGB,
    })?)
}

fn mb(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The first `convert` on PATH that is not a `#!` script.
fn find_convert() -> Option<PathBuf> {
    use std::io::Read;
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join("convert"))
        .find(|p| {
            let mut magic = [0u8; 2];
            p.is_file()
                && std::fs::File::open(p)
                    .and_then(|mut f| f.read_exact(&mut magic))
                    .is_ok()
                && &magic != b"#!"
        })
}

/// An argument as a POSIX shell would need it, for printing a command someone can re-run.
fn quote(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:=+,%".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

fn command_line(args: &[String]) -> String {
    args.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" ")
}

/// What every measurement shares: the input, the stamp's facts, font and key, a scratch folder.
struct Bench {
    dir: tempfile::TempDir,
    input: PathBuf,
    meta: Metadata,
    font: StampFont,
    font_file: PathBuf,
    key_path: PathBuf,
    runs: usize,
}

impl Bench {
    fn out(&self, name: &str, edge: u32, i: usize) -> String {
        let path = self.dir.path().join(format!("{name}-{edge}-{i}.jpg"));
        path.to_string_lossy().into_owned()
    }

    /// (a) In-process: read → decode → scale → stamp → encode → EXIF → sign → store (fsync'd).
    fn in_process(&self, edge: u32) -> anyhow::Result<photo_stages::Stages> {
        let key = DeviceKey::load_or_create(&self.key_path).map_err(photo_error)?;
        let tag = format!("in-process-{edge}");
        let (meta, font, dir) = (&self.meta, &self.font, self.dir.path());
        photo_stages::measure(&self.input, meta, font, &key, dir, &tag, edge, self.runs)
    }

    /// (a') `examgate photo stamp`, as the office would run it.
    fn ours(&self, exe: &str, edge: u32, i: usize) -> Vec<String> {
        let m = &self.meta;
        let (input, font, key) = (
            self.input.to_string_lossy(),
            self.font_file.to_string_lossy(),
            self.key_path.to_string_lossy(),
        );
        [
            exe,
            "photo",
            "stamp",
            "--in",
            &input,
            "--out",
            &self.out("ours", edge, i),
            "--time",
            TIME,
            "--site",
            &m.site,
            "--room",
            &m.room,
            "--address",
            &m.address,
            "--seat",
            &m.seat,
            "--student",
            &m.student,
            "--max-edge",
            &edge.to_string(),
            "--font",
            &font,
            "--key",
            &key,
        ]
        .map(str::to_owned)
        .to_vec()
    }

    /// (b) ImageMagick 6 resizing as we do (`-resize`, its Lanczos when shrinking; nothing at
    /// full size), then drawing our band (same rows, same black at the same opacity) and our
    /// lines (same font file and size, left-aligned at our margin).
    fn imagemagick(
        &self,
        convert: &Path,
        edge: u32,
    ) -> anyhow::Result<impl Fn(usize) -> Vec<String>> {
        let (w, h) = output_size(edge);
        let band = layout(&self.meta, &self.font, w, h).map_err(photo_error)?;
        let px = band.text_px;
        let line_h = px * 1.3;
        let bottom = ((band.height as f32 - band.lines.len() as f32 * line_h) / 2.0).round();
        let mut before: Vec<String> = vec![
            convert.to_string_lossy().into_owned(),
            self.input.to_string_lossy().into_owned(),
        ];
        if edge > 0 {
            before.extend(["-resize".into(), format!("{edge}x{edge}>")]);
        }
        before.extend(vec![
            "-gravity".into(),
            "SouthWest".into(),
            "-fill".into(),
            format!("#000000{BAND_ALPHA:02X}"),
            "-draw".into(),
            format!("rectangle 0,{} {},{}", band.top, w - 1, h - 1),
            "-font".into(),
            self.font_file.to_string_lossy().into_owned(),
            "-pointsize".into(),
            format!("{px}"),
            "-interline-spacing".into(),
            format!("{}", (line_h - px).round()),
            "-fill".into(),
            "white".into(),
            "-annotate".into(),
            format!("+{}+{bottom}", (px * 0.6).round()),
            band.lines.join("\n"),
            "-quality".into(),
            "85".into(),
            "-define".into(),
            "jpeg:optimize-coding=false".into(),
        ]);
        let outputs: Vec<String> = (0..=self.runs).map(|i| self.out("im", edge, i)).collect();
        Ok(move |i: usize| {
            let mut args = before.clone();
            args.push(outputs.get(i).cloned().unwrap_or_default());
            args
        })
    }

    fn keep(&self, keep: &Path, with_im: bool) -> anyhow::Result<()> {
        std::fs::create_dir_all(keep)?;
        let mut copies = vec![(self.input.clone(), "input.jpg".to_owned())];
        for edge in EDGES {
            let last = |name: &str| PathBuf::from(self.out(name, edge, self.runs));
            copies.push((last("ours"), format!("ours-{edge}.jpg")));
            if with_im {
                copies.push((last("im"), format!("imagemagick-{edge}.jpg")));
            }
        }
        let mut names = Vec::new();
        for (from, name) in copies {
            std::fs::copy(&from, keep.join(&name))
                .with_context(|| format!("cannot copy {} to {}", from.display(), keep.display()))?;
            names.push(name);
        }
        println!("kept    {} in {}", names.join(", "), keep.display());
        Ok(())
    }
}

/// The paths measured: the door's (2560 px) and full size (`--max-edge 0`).
const EDGES: [u32; 2] = [DEFAULT_MAX_EDGE, 0];

/// The generated photo's size after scaling to `edge` (0: unchanged); the input is 4:3.
fn output_size(edge: u32) -> (u32, u32) {
    let (w, h) = (WIDTH as u32, HEIGHT as u32);
    if edge == 0 || edge >= w {
        (w, h)
    } else {
        (edge, (h * edge + w / 2) / w)
    }
}

fn path_name(edge: u32) -> String {
    if edge == 0 {
        "full size (--max-edge 0)".to_owned()
    } else {
        format!("door path (--max-edge {edge})")
    }
}

fn setup(args: &Args) -> anyhow::Result<Bench> {
    let dir = tempfile::tempdir()?;
    let input = dir.path().join("input.jpg");
    let t = Instant::now();
    std::fs::write(&input, generate()?)?;
    println!(
        "input   generated {WIDTH}×{HEIGHT} JPEG, q92 4:2:0, {:.2} MB (in {:.0} ms)",
        std::fs::metadata(&input)?.len() as f64 / 1e6,
        ms(t.elapsed())
    );
    let meta = Metadata::new(
        "2023420100001",
        DateTime::parse_from_rfc3339(TIME)?,
        "襄阳电大校本部",
        "03",
        "襄阳市襄城区尹集东街东街66号 教学楼201室",
        "12",
    )
    .map_err(photo_error)?;
    let font = stamp_font(&meta, args.font.clone())?;
    let font_file = font
        .path()
        .context("the stamp font is not a file; pass --font FILE")?
        .to_owned();
    println!(
        "font    {} (face {} of {})",
        font.name(),
        font.index(),
        font_file.display()
    );
    Ok(Bench {
        key_path: dir.path().join("key.pem"),
        dir,
        input,
        meta,
        font,
        font_file,
        runs: args.runs.max(1),
    })
}

/// One path (`edge`): ours in-process and spawned, ImageMagick, the ratio against the target.
/// Returns our spawned and ImageMagick's summaries.
fn bench_path(
    bench: &Bench,
    edge: u32,
    convert: Option<&Path>,
) -> anyhow::Result<(Summary, Option<Summary>)> {
    let runs = bench.runs;
    let (w, h) = output_size(edge);
    println!("-- {} → {w}×{h}", path_name(edge));
    let stages = bench.in_process(edge)?;
    let in_process = stages.total;
    println!(
        "ours    in-process: median {:.1} ms over {runs} runs",
        ms(in_process)
    );
    println!("        stages (median ms): {}", stages.line());

    let exe = std::env::current_exe()?.to_string_lossy().into_owned();
    let ours = repeat(|i| bench.ours(&exe, edge, i), runs)?;
    println!(
        "ours    spawned `examgate photo stamp --max-edge {edge}`: median {:.1} ms over {runs} runs, peak RSS {:.1} MB",
        ms(ours.median),
        mb(ours.peak_rss_kib)
    );
    println!(
        "        command: {}",
        command_line(&bench.ours(&exe, edge, runs))
    );
    let Some(convert) = convert else {
        return Ok((ours, None));
    };
    let command = bench.imagemagick(convert, edge)?;
    let im = repeat(&command, runs)?;
    println!(
        "imagemagick convert, same resize, band and text: median {:.1} ms over {runs} runs, peak RSS {:.1} MB",
        ms(im.median),
        mb(im.peak_rss_kib)
    );
    println!("        command: {}", command_line(&command(runs)));
    let target = if edge == 0 {
        TARGET_RATIO
    } else {
        TARGET_RATIO_DOOR
    };
    let ratio = |d: Duration| ms(d) / ms(im.median);
    let (a, b) = (ratio(in_process), ratio(ours.median));
    println!(
        "ratio   {}: ours/ImageMagick (median): in-process {a:.2}× ({}), spawned {b:.2}× ({}); target ≤ {target}×",
        path_name(edge),
        met(a <= target),
        met(b <= target)
    );
    Ok((ours, Some(im)))
}

pub fn run(args: &Args) -> anyhow::Result<ExitCode> {
    let bench = setup(args)?;
    let convert = args.convert.clone().or_else(find_convert);
    match &convert {
        None => println!("imagemagick: `convert` not found on PATH: figures for ours only"),
        Some(convert) => {
            let version = Command::new(convert).arg("-version").output()?;
            let version = String::from_utf8_lossy(&version.stdout);
            println!(
                "imagemagick {}",
                version.lines().next().unwrap_or("(unknown version)")
            );
        }
    }
    let mut full = None;
    for edge in EDGES {
        let (ours, im) = bench_path(&bench, edge, convert.as_deref())?;
        if edge == 0 {
            full = Some((ours, im));
        }
    }
    if let Some((ours, im)) = full {
        let ours_mb = mb(ours.peak_rss_kib);
        print!(
            "memory  peak RSS at full size: ours (spawned) {ours_mb:.1} MB ({}; target < {TARGET_MB} MB)",
            met(ours_mb < TARGET_MB)
        );
        match im {
            Some(im) => println!(", ImageMagick {:.1} MB", mb(im.peak_rss_kib)),
            None => println!(),
        }
    }
    if let Some(keep) = &args.keep {
        bench.keep(keep, convert.is_some())?;
    }
    Ok(ExitCode::SUCCESS)
}
