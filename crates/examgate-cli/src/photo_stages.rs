//! The in-process part of `examgate photo bench`: the whole pipeline timed run by run, with the
//! median of each stage (read, decode, scale, stamp, encode, EXIF, sign, store with its fsyncs),
//! so a slow figure says where its time went.

use std::path::Path;
use std::time::{Duration, Instant};

use examgate_photo::{
    DeviceKey, Limits, Metadata, Options, StampFont, Timings, render_timed, sign, store,
};

use crate::measure::{median, ms};
use crate::photo::photo_error;

/// Median of the whole run and of each stage.
pub struct Stages {
    pub total: Duration,
    rows: Vec<(&'static str, Duration)>,
}

impl Stages {
    /// One line: `decode 31.2 · scale 12.0 · …` (ms).
    pub fn line(&self) -> String {
        self.rows
            .iter()
            .map(|(name, d)| format!("{name} {:.1}", ms(*d)))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Runs read → render → sign → store `runs` times after one warm-up, into `dir/<tag>-<i>`.
#[allow(clippy::too_many_arguments)]
pub fn measure(
    input: &Path,
    meta: &Metadata,
    font: &StampFont,
    key: &DeviceKey,
    dir: &Path,
    tag: &str,
    max_edge: u32,
    runs: usize,
) -> anyhow::Result<Stages> {
    let options = Options {
        max_edge,
        limits: Limits::default(),
    };
    let mut all: Vec<[Duration; 11]> = Vec::new();
    for i in 0..=runs {
        let folder = dir.join(format!("{tag}-{i}"));
        let start = Instant::now();
        let bytes = std::fs::read(input)?;
        let read = start.elapsed();
        let (rendered, t) = render_timed(&bytes, meta, font, &options).map_err(photo_error)?;
        let mark = Instant::now();
        let signature = sign(&rendered.jpeg, meta, key);
        let signed = mark.elapsed();
        let mark = Instant::now();
        store(&folder, &rendered.jpeg, &signature).map_err(photo_error)?;
        let stored = mark.elapsed();
        let Timings {
            checks,
            decode,
            scale,
            layout,
            stamp,
            encode,
            exif,
        } = t;
        if i > 0 {
            all.push([
                start.elapsed(),
                read,
                checks,
                decode,
                scale,
                layout,
                stamp,
                encode,
                exif,
                signed,
                stored,
            ]);
        }
    }
    let col = |k: usize| median(all.iter().map(|r| r[k]).collect());
    let names = [
        "read",
        "checks",
        "decode",
        "scale",
        "layout (2nd thread on the fast path)",
        "stamp",
        "encode",
        "EXIF",
        "sign",
        "store+fsync",
    ];
    Ok(Stages {
        total: col(0),
        rows: names
            .into_iter()
            .enumerate()
            .map(|(k, name)| (name, col(k + 1)))
            .collect(),
    })
}
