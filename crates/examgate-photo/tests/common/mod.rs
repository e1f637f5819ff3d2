//! Fixtures shared by the photo tests: real JPEG/PNG files built in memory, the room's metadata,
//! the CJK font installed on the machine, and a fresh device key.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    reason = "test fixtures: a failure is the test failing; not every test file uses every helper"
)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, FixedOffset};
use examgate_photo::{DeviceKey, FontSource, Limits, Metadata, Options, StampFont};
use image::{Rgb, RgbImage};
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp};

pub const STUDENT: &str = "2023420100001";
pub const ADDRESS: &str = "襄阳市襄城区尹集东街东街66号 教学楼201室";
/// The CJK font the machine is set up with (scripts/setup.sh installs fonts-wqy-microhei).
pub const WQY: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

pub fn time() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2023-04-15T09:12:33+08:00").unwrap()
}

pub fn meta_for(student: &str) -> Metadata {
    Metadata::new(student, time(), "襄阳电大校本部", "03", ADDRESS, "12").unwrap()
}

pub fn meta() -> Metadata {
    meta_for(STUDENT)
}

/// The stamp font, loaded once per test binary (a system search reads every font's cmap).
pub fn font() -> &'static StampFont {
    static FONT: OnceLock<StampFont> = OnceLock::new();
    FONT.get_or_init(|| {
        let source = if Path::new(WQY).exists() {
            FontSource::File(WQY.into())
        } else {
            FontSource::System
        };
        StampFont::find(&source, &meta().stamp_text()).unwrap_or_else(|e| {
            panic!("no CJK font for the stamp ({e}); run scripts/setup.sh (fonts-wqy-microhei)")
        })
    })
}

/// The default limits with this longest edge (0 keeps the full size).
pub fn options(max_edge: u32) -> Options {
    Options {
        max_edge,
        limits: Limits::default(),
    }
}

/// A fresh device key in `dir`.
pub fn key(dir: &Path, name: &str) -> DeviceKey {
    DeviceKey::load_or_create(&dir.join(name)).unwrap()
}

/// Encodes RGB pixels as a baseline JPEG (libjpeg-turbo), as a camera would.
pub fn jpeg(image: &RgbImage, quality: i32, subsamp: Subsamp) -> Vec<u8> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut c = Compressor::new().unwrap();
    c.set_quality(quality).unwrap();
    c.set_subsamp(subsamp).unwrap();
    c.compress_to_vec(Image {
        pixels: image.as_raw().as_slice(),
        width: w,
        pitch: w * 3,
        height: h,
        format: PixelFormat::RGB,
    })
    .unwrap()
}

/// Encodes RGB pixels as PNG.
pub fn png(image: &RgbImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// One colour everywhere.
pub fn flat(width: u32, height: u32, colour: [u8; 3]) -> RgbImage {
    RgbImage::from_pixel(width, height, Rgb(colour))
}

/// Photo-like pixels: smooth gradients, a few soft shapes and deterministic grain, so the JPEG
/// has real detail (a flat image would hide differences between code paths).
pub fn photo_like(width: u32, height: u32) -> RgbImage {
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    RgbImage::from_fn(width, height, |x, y| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let grain = (state % 17) as f32 - 8.0;
        let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
        let blob = ((fx - 0.4).powi(2) + (fy - 0.45).powi(2)).sqrt();
        let shade = if blob < 0.2 { 60.0 } else { 0.0 };
        let c = |base: f32| (base + grain + shade).clamp(0.0, 255.0) as u8;
        Rgb([
            c(40.0 + 170.0 * fx),
            c(60.0 + 120.0 * fy + 20.0 * (fx * 12.0).sin()),
            c(180.0 - 120.0 * fx * fy),
        ])
    })
}

/// `jpeg` with an EXIF block holding only `Orientation = orientation`.
pub fn with_orientation(jpeg: Vec<u8>, orientation: u16) -> Vec<u8> {
    use exif::experimental::Writer;
    use exif::{Field, In, Tag, Value};
    use img_parts::{Bytes, ImageEXIF};

    let field = Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![orientation]),
    };
    let mut writer = Writer::new();
    writer.push_field(&field);
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).unwrap();
    let mut image = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(jpeg)).unwrap();
    image.set_exif(Some(Bytes::from(tiff.into_inner())));
    let mut out = Vec::new();
    image.encoder().write_to(&mut out).unwrap();
    out
}

/// Decodes a stored photo back to upright RGB.
pub fn decode(bytes: &[u8]) -> RgbImage {
    examgate_photo::decode(bytes, &examgate_photo::Limits::default()).unwrap()
}

/// Luma of a pixel (BT.601, as JPEG).
pub fn luma(p: &Rgb<u8>) -> f64 {
    0.299 * f64::from(p.0[0]) + 0.587 * f64::from(p.0[1]) + 0.114 * f64::from(p.0[2])
}

/// The names in `dir`, sorted; empty when the folder does not exist.
pub fn names_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A folder under `root` that does not exist yet (the pipeline creates it on success only).
pub fn photo_folder(root: &Path) -> PathBuf {
    root.join("photos")
}
