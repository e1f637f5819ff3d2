//! The fallback photo (DOMAIN.md, step 4): when face recognition fails and the proctor vouches,
//! a photo of candidate and proctor at the seat, carrying the exam time and the room's address.
//!
//! `decode → scale → stamp → encode → EXIF → sign → store`, and `verify`. No Tauri, no UI: the
//! app shell, the CLI and the tests call the same functions. Everything happens in memory first;
//! the folder is touched only once the photo is complete and signed, so a refused input leaves
//! nothing behind.
//!
//! Speed: an upright JPEG never leaves its own YCbCr planes (see `stamp`): decoded DCT-scaled
//! towards the target size, resized plane by plane, stamped and encoded as planes, so a 12 MP
//! photo costs one libjpeg-turbo decode and one encode and no colour conversion;
//! `examgate photo bench` measures it against ImageMagick.

mod decode;
mod encode;
mod error;
mod exif_write;
mod font;
mod meta;
mod scale;
mod sign;
mod stamp;
mod store;
mod verify;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use decode::{Limits, decode};
pub use error::{Error, Result};
pub use exif_write::XP_COMMENT;
pub use font::{FontSource, StampFont};
pub use meta::Metadata;
pub use sign::{DeviceKey, PhotoSignature, PublicKey, sha256_hex, sidecar_path, sign};
pub use stamp::{BAND_ALPHA, Band, layout};
pub use store::{Stored, create_private_dir_all, store, write_photo};
pub use verify::{
    Verdict, name_matches_student, parse_trusted, signature_over, verify_beside, verify_file,
    verify_hashed,
};

/// Default longest edge of a stored photo, in pixels.
pub const DEFAULT_MAX_EDGE: u32 = 2560;

/// How photos are processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Longest edge of the result in pixels; 0 keeps the full size. Never scales up.
    pub max_edge: u32,
    /// Input limits, checked on the header before decoding.
    pub limits: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_edge: DEFAULT_MAX_EDGE,
            limits: Limits::default(),
        }
    }
}

/// A stamped photo, encoded with its EXIF, not yet signed or stored.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The final JPEG file's bytes.
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Whether the fast path (the source's YCbCr planes, no colour conversion) was taken.
    pub planar: bool,
}

/// Where `render`'s time went, for `examgate photo bench`'s breakdown. `layout` (rasterising the
/// text) runs on a second thread during the decode on the JPEG fast path, so the stages can add
/// up to more than the whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timings {
    /// Metadata, font coverage, EXIF block, header and limits.
    pub checks: Duration,
    pub decode: Duration,
    pub scale: Duration,
    pub layout: Duration,
    /// Compositing the band onto the pixels (and waiting for `layout`, when it is late).
    pub stamp: Duration,
    pub encode: Duration,
    /// Inserting EXIF and ICC into the encoded file.
    pub exif: Duration,
}

/// Decodes, scales, stamps and encodes `input` (JPEG or PNG bytes) and writes its EXIF.
///
/// Checks, before any pixel is decoded: the metadata, the font's coverage of the stamp, the
/// format and the header's size.
pub fn render(
    input: &[u8],
    meta: &Metadata,
    font: &StampFont,
    options: &Options,
) -> Result<Rendered> {
    render_timed(input, meta, font, options).map(|(rendered, _)| rendered)
}

/// Time since `*t`, restarting the clock.
fn lap(t: &mut Instant) -> Duration {
    let now = Instant::now();
    let d = now - *t;
    *t = now;
    d
}

/// [`render`], with where its time went.
pub fn render_timed(
    input: &[u8],
    meta: &Metadata,
    font: &StampFont,
    options: &Options,
) -> Result<(Rendered, Timings)> {
    let mut times = Timings::default();
    let mut t = Instant::now();
    meta.validate()?;
    font.check(&meta.stamp_text())?;
    let exif = exif_write::exif_block(meta)?;
    let (encoded, width, height, planar, icc) = match decode::sniff(input)? {
        decode::Format::Jpeg => {
            let info = decode::jpeg_info(input, &options.limits)?;
            times.checks = lap(&mut t);
            let (hw, hh) = (info.header.width as u32, info.header.height as u32);
            let (w, h) = scale::target_size(hw, hh, options.max_edge);
            if decode::planar_ok(&info) {
                // Rasterise the text on a second core while the photo decodes and scales.
                let (planes, band) = std::thread::scope(|s| {
                    let band = s.spawn(|| {
                        let t = Instant::now();
                        (stamp::layout(meta, font, w, h), t.elapsed())
                    });
                    let planes = decode::jpeg_to_planes(input, &info, options.max_edge);
                    times.decode = lap(&mut t);
                    let planes = planes.and_then(|p| scale::resize_planes(p, w, h));
                    times.scale = lap(&mut t);
                    (planes, band.join())
                });
                let (band, layout) = band.map_err(|_| Error::Internal {
                    detail: "the stamp layout thread failed".into(),
                })?;
                times.layout = layout;
                let (band, mut planes) = (band?, planes?);
                stamp::apply_planes(&mut planes, &band);
                times.stamp = lap(&mut t);
                let jpeg = encode::encode_planes(&planes)?;
                times.encode = lap(&mut t);
                (jpeg, w, h, true, info.icc)
            } else {
                let rgb = decode::jpeg_to_rgb(input, &info, options.max_edge)?;
                times.decode = lap(&mut t);
                let rgb = decode::orient(scale::resize_to(rgb, w, h)?, info.orientation);
                times.scale = lap(&mut t);
                let (w, h, jpeg) = stamp_and_encode(rgb, meta, font, &mut times, &mut t)?;
                (jpeg, w, h, false, info.icc)
            }
        }
        decode::Format::Png => {
            times.checks = lap(&mut t);
            let rgb = decode::png_to_rgb(input, &options.limits)?;
            times.decode = lap(&mut t);
            let (tw, th) = scale::target_size(rgb.width(), rgb.height(), options.max_edge);
            let rgb = scale::resize_to(rgb, tw, th)?;
            times.scale = lap(&mut t);
            let (w, h, jpeg) = stamp_and_encode(rgb, meta, font, &mut times, &mut t)?;
            (jpeg, w, h, false, None)
        }
    };
    let jpeg = exif_write::insert(encoded, exif, icc)?;
    times.exif = lap(&mut t);
    let rendered = Rendered {
        jpeg,
        width,
        height,
        planar,
    };
    Ok((rendered, times))
}

fn stamp_and_encode(
    mut rgb: image::RgbImage,
    meta: &Metadata,
    font: &StampFont,
    times: &mut Timings,
    t: &mut Instant,
) -> Result<(u32, u32, Vec<u8>)> {
    let (w, h) = rgb.dimensions();
    let band = stamp::layout(meta, font, w, h)?;
    times.layout = lap(t);
    stamp::apply_rgb(&mut rgb, &band);
    times.stamp = lap(t);
    let jpeg = encode::encode_rgb(&rgb)?;
    times.encode = lap(t);
    Ok((w, h, jpeg))
}

/// A fallback photo, stored and signed: what the app records in its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    /// `<folder>/<student>.jpg` (or `-2`, … when earlier photos of the candidate exist).
    pub path: PathBuf,
    /// `<path>.sig.json`.
    pub sidecar: PathBuf,
    /// 1 for the first photo of this candidate, n for `<student>-n.jpg`.
    pub number: u32,
    /// SHA-256 of the stored file, hex (also in `signature`).
    pub sha256: String,
    /// The signature record, as in the sidecar.
    pub signature: PhotoSignature,
    pub width: u32,
    pub height: u32,
}

impl StoredPhoto {
    /// How an event names this photo: its file name in the sitting's folder, its hash and its
    /// signature, taken by `source`.
    pub fn photo_ref(
        &self,
        source: examgate_core::event::PhotoSource,
    ) -> examgate_core::event::PhotoRef {
        examgate_core::event::PhotoRef {
            file: self
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            sha256: self.sha256.clone(),
            public_key: self.signature.public_key.clone(),
            signature: self.signature.signature.clone(),
            source,
        }
    }

    /// Removes the photo and its signature file: a photo no event names does not stay.
    pub fn discard(&self) {
        let _ = std::fs::remove_file(&self.sidecar);
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The whole pipeline: render `input`, sign it with the device key, store it in `folder`.
///
/// On any error nothing is written to `folder`.
pub fn take_photo(
    input: &[u8],
    meta: &Metadata,
    font: &StampFont,
    key: &DeviceKey,
    folder: &Path,
    options: &Options,
) -> Result<StoredPhoto> {
    let rendered = render(input, meta, font, options)?;
    let signature = sign(&rendered.jpeg, meta, key);
    let stored = store(folder, &rendered.jpeg, &signature)?;
    Ok(StoredPhoto {
        path: stored.path,
        sidecar: stored.sidecar,
        number: stored.number,
        sha256: signature.sha256.clone(),
        signature,
        width: rendered.width,
        height: rendered.height,
    })
}
