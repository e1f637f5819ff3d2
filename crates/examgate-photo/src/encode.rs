//! JPEG encoding with libjpeg-turbo (SIMD): quality 85, standard Huffman tables.
//!
//! Why not optimised Huffman tables: they save ~11 % of the file but add a second pass that more
//! than doubles the encode time (measured: 80 → 190 ms at 12 MP), and the photo is re-read by
//! people, not stored by the million. The bench compares ImageMagick with the same setting.

use image::RgbImage;
use turbojpeg::{Compressor, Image, PixelFormat, Subsamp, YuvImage};

use crate::error::{Error, Result};

/// The JPEG quality of every stamped photo.
pub(crate) const QUALITY: i32 = 85;

fn err(e: turbojpeg::Error) -> Error {
    Error::Internal {
        detail: format!("JPEG encode: {e}"),
    }
}

fn compressor(subsamp: Subsamp) -> Result<Compressor> {
    let mut c = Compressor::new().map_err(err)?;
    c.set_quality(QUALITY).map_err(err)?;
    c.set_subsamp(subsamp).map_err(err)?;
    c.set_optimize(false).map_err(err)?;
    Ok(c)
}

/// Encodes RGB pixels, 4:2:0.
pub(crate) fn encode_rgb(image: &RgbImage) -> Result<Vec<u8>> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let view = Image {
        pixels: image.as_raw().as_slice(),
        width: w,
        pitch: w * 3,
        height: h,
        format: PixelFormat::RGB,
    };
    compressor(Subsamp::Sub2x2)?
        .compress_to_vec(view)
        .map_err(err)
}

/// Encodes YCbCr planes as they are (the source's own subsampling).
pub(crate) fn encode_planes(yuv: &YuvImage<Vec<u8>>) -> Result<Vec<u8>> {
    compressor(yuv.subsamp)?
        .compress_yuv_to_vec(yuv.as_deref())
        .map_err(err)
}
