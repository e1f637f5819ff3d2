//! From untrusted bytes to pixels: recognise the format, read the header, refuse what is too big
//! *before* allocating anything for it, then decode (libjpeg-turbo for JPEG, `image` for PNG).
//!
//! Any warning from libjpeg-turbo is an error here (a photo missing its end is truncated, not
//! "mostly fine"): a fallback photo is evidence, so it must decode cleanly or be retaken.
//! EXIF orientation is honoured; a damaged EXIF block only loses the orientation, never the photo.

use std::io::Cursor;

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, RgbImage};
use img_parts::jpeg::Jpeg;
use img_parts::{Bytes, ImageEXIF, ImageICC};
use turbojpeg::{Colorspace, DecompressHeader, Decompressor, PixelFormat, ScalingFactor, Subsamp};

use crate::error::{Error, Result};

/// Limits applied to the header before any pixel is decoded (decompression bombs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most pixels accepted (width × height). Default 50 million: a 48 MP phone sensor passes.
    pub max_pixels: u64,
    /// Longest accepted edge, in pixels. Default 12,000.
    pub max_edge: u32,
    /// Shortest accepted edge: below this there is no room for the stamp. Default 200.
    pub min_edge: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 50_000_000,
            max_edge: 12_000,
            min_edge: 200,
        }
    }
}

impl Limits {
    pub(crate) fn check(&self, width: u64, height: u64) -> Result<()> {
        if width.saturating_mul(height) > self.max_pixels
            || width > u64::from(self.max_edge)
            || height > u64::from(self.max_edge)
        {
            return Err(Error::TooLarge {
                width,
                height,
                max_megapixels: self.max_pixels / 1_000_000,
                max_edge: u64::from(self.max_edge),
            });
        }
        if width.min(height) < u64::from(self.min_edge) {
            return Err(Error::TooSmall {
                width: u32::try_from(width).unwrap_or(u32::MAX),
                height: u32::try_from(height).unwrap_or(u32::MAX),
                min_edge: self.min_edge,
            });
        }
        Ok(())
    }
}

/// Progressive scans allowed: far above any camera's ~10, far below the CPU-exhaustion attack
/// (libjpeg-turbo's advice is 500).
const SCAN_LIMIT: u32 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Jpeg,
    Png,
}

/// Recognises the format from the first bytes; names the formats phones produce that we refuse.
pub(crate) fn sniff(bytes: &[u8]) -> Result<Format> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(Format::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(Format::Png);
    }
    let unsupported = |format| Err(Error::UnsupportedFormat { format });
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        return match &bytes[8..12] {
            b"avif" | b"avis" => unsupported("AVIF"),
            b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1" => {
                unsupported("HEIC")
            }
            _ => Err(Error::NotAnImage),
        };
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return unsupported("WebP");
    }
    if bytes.starts_with(b"GIF8") {
        return unsupported("GIF");
    }
    if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        return unsupported("TIFF");
    }
    Err(Error::NotAnImage)
}

fn jpeg_error(e: turbojpeg::Error) -> Error {
    let detail = e.to_string();
    // libjpeg's JWRN_JPEG_EOF: the data ended before the image did.
    if detail.contains("Premature end of JPEG file") {
        Error::Truncated
    } else {
        Error::Corrupt { detail }
    }
}

fn decompressor() -> Result<Decompressor> {
    let mut d = Decompressor::new().map_err(|e| Error::Corrupt {
        detail: e.to_string(),
    })?;
    d.set_scan_limit(SCAN_LIMIT).map_err(jpeg_error)?;
    Ok(d)
}

/// What a JPEG says about itself before its pixels are decoded.
#[derive(Debug)]
pub(crate) struct JpegInfo {
    pub header: DecompressHeader,
    /// EXIF orientation, 1–8; 1 when absent or unreadable.
    pub orientation: u8,
    /// The embedded ICC profile, carried over so the colours stay as shot.
    pub icc: Option<Bytes>,
}

/// Reads the header and checks the limits; nothing image-sized is allocated.
pub(crate) fn jpeg_info(bytes: &[u8], limits: &Limits) -> Result<JpegInfo> {
    let header = decompressor()?.read_header(bytes).map_err(jpeg_error)?;
    limits.check(header.width as u64, header.height as u64)?;
    // libjpeg cannot turn CMYK into RGB; say so rather than call a print-shop file corrupt.
    if matches!(header.colorspace, Colorspace::CMYK | Colorspace::YCCK) {
        return Err(Error::UnsupportedFormat {
            format: "CMYK JPEG",
        });
    }
    let (orientation, icc) = match Jpeg::from_bytes(Bytes::copy_from_slice(bytes)) {
        Ok(jpeg) => (
            jpeg.exif().map_or(1, |exif| exif_orientation(&exif)),
            jpeg.icc_profile(),
        ),
        Err(_) => (1, None),
    };
    Ok(JpegInfo {
        header,
        orientation,
        icc,
    })
}

/// The Orientation tag of a raw TIFF/EXIF block; 1 when missing, unreadable or out of range.
pub(crate) fn exif_orientation(tiff: &[u8]) -> u8 {
    let Ok(exif) = exif::Reader::new().read_raw(tiff.to_vec()) else {
        return 1;
    };
    exif.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|f| f.value.get_uint(0))
        .and_then(|v| u8::try_from(v).ok())
        .filter(|v| (1..=8).contains(v))
        .unwrap_or(1)
}

/// Whether the pipeline may keep the JPEG's own YCbCr planes (no colour conversion both ways):
/// upright, and a subsampling libjpeg-turbo can hand out as planes. Scaling is done on the
/// planes (`scale::resize_planes`), so the door's 2560 px path takes this road too.
pub(crate) fn planar_ok(info: &JpegInfo) -> bool {
    info.orientation == 1
        && matches!(info.header.colorspace, Colorspace::YCbCr | Colorspace::Gray)
        && !matches!(info.header.subsamp, Subsamp::Unknown)
        && !info.header.is_lossless
}

/// Decodes into YCbCr planes (rows unpadded), DCT-scaled towards `max_edge` (0 = full size):
/// see `planar_ok` and `prescale`.
pub(crate) fn jpeg_to_planes(
    bytes: &[u8],
    info: &JpegInfo,
    max_edge: u32,
) -> Result<turbojpeg::YuvImage<Vec<u8>>> {
    let h = &info.header;
    let factor = prescale(h.width, h.height, max_edge);
    let mut d = decompressor()?;
    d.set_scaling_factor(factor).map_err(jpeg_error)?;
    let (width, height) = (factor.scale(h.width), factor.scale(h.height));
    let align = 1;
    let len = turbojpeg::yuv_pixels_len(width, align, height, h.subsamp).map_err(jpeg_error)?;
    let mut yuv = turbojpeg::YuvImage {
        pixels: vec![0; len],
        width,
        align,
        height,
        subsamp: h.subsamp,
    };
    d.decompress_to_yuv(bytes, yuv.as_deref_mut())
        .map_err(jpeg_error)?;
    Ok(yuv)
}

/// The smallest DCT scaling (n/8) whose result is still at least `max_edge` on the longest side:
/// libjpeg-turbo then skips most of the work of decoding pixels that scaling throws away.
pub(crate) fn prescale(width: usize, height: usize, max_edge: u32) -> ScalingFactor {
    let longest = width.max(height);
    if max_edge == 0 || longest <= max_edge as usize {
        return ScalingFactor::ONE;
    }
    Decompressor::supported_scaling_factors()
        .into_iter()
        .filter(|f| f.num() < f.denom() && f.scale(longest) >= max_edge as usize)
        .min_by_key(|f| f.scale(longest))
        .unwrap_or(ScalingFactor::ONE)
}

/// Decodes a JPEG to RGB, DCT-scaled towards `max_edge` (0 = full size), orientation not applied.
pub(crate) fn jpeg_to_rgb(bytes: &[u8], info: &JpegInfo, max_edge: u32) -> Result<RgbImage> {
    let mut d = decompressor()?;
    let h = &info.header;
    let factor = if h.is_lossless {
        ScalingFactor::ONE
    } else {
        prescale(h.width, h.height, max_edge)
    };
    d.set_scaling_factor(factor).map_err(jpeg_error)?;
    let (w, ht) = (factor.scale(h.width), factor.scale(h.height));
    let mut image = turbojpeg::Image {
        pixels: vec![0; w * ht * 3],
        width: w,
        pitch: w * 3,
        height: ht,
        format: PixelFormat::RGB,
    };
    d.decompress(bytes, image.as_deref_mut())
        .map_err(jpeg_error)?;
    rgb_from_raw(w, ht, image.pixels)
}

pub(crate) fn rgb_from_raw(width: usize, height: usize, pixels: Vec<u8>) -> Result<RgbImage> {
    let (w, h) = (u32::try_from(width), u32::try_from(height));
    match (w, h) {
        (Ok(w), Ok(h)) => RgbImage::from_raw(w, h, pixels),
        _ => None,
    }
    .ok_or_else(|| Error::Corrupt {
        detail: format!("unexpected pixel buffer for {width}×{height}"),
    })
}

/// Applies an EXIF orientation (1–8) to an RGB image.
pub(crate) fn orient(image: RgbImage, orientation: u8) -> RgbImage {
    match Orientation::from_exif(orientation) {
        Some(Orientation::NoTransforms) | None => image,
        Some(o) => {
            let mut dynamic = DynamicImage::ImageRgb8(image);
            dynamic.apply_orientation(o);
            dynamic.into_rgb8()
        }
    }
}

fn png_error(e: image::ImageError) -> Error {
    match e {
        image::ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Truncated
        }
        other => Error::Corrupt {
            detail: other.to_string(),
        },
    }
}

/// Decodes a PNG to RGB with its orientation applied, after checking the header's size.
pub(crate) fn png_to_rgb(bytes: &[u8], limits: &Limits) -> Result<RgbImage> {
    let mut decoder = image::codecs::png::PngDecoder::new(Cursor::new(bytes)).map_err(png_error)?;
    let (w, h) = decoder.dimensions();
    limits.check(u64::from(w), u64::from(h))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(png_error)?;
    image.apply_orientation(orientation);
    Ok(image.into_rgb8())
}

/// Decodes JPEG or PNG bytes to an upright RGB image at full size.
///
/// Refuses empty input, other formats, images over `limits` (read from the header, before any
/// pixel buffer exists), and truncated or corrupt data.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<RgbImage> {
    match sniff(bytes)? {
        Format::Jpeg => {
            let info = jpeg_info(bytes, limits)?;
            let rgb = jpeg_to_rgb(bytes, &info, 0)?;
            Ok(orient(rgb, info.orientation))
        }
        Format::Png => png_to_rgb(bytes, limits),
    }
}
