//! Scaling down to the configured longest edge. A phone's 12–50 MP photo is far more than a
//! reviewer needs, and every pixel costs encode time, storage and upload; 2560 px keeps faces and
//! the stamp sharp. Never scales up.
//!
//! JPEG decoding already did the coarse part (DCT scaling by n/8, see `decode::prescale`); this is
//! the fine part, a Lanczos-3 convolution (fast_image_resize, SIMD) to the exact size. On the JPEG
//! path it runs on the YCbCr planes themselves (`resize_planes`): half the bytes of RGB at 4:2:0,
//! and no colour conversion on either side.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;
use turbojpeg::{Subsamp, YuvImage};

use crate::error::{Error, Result};

/// The size whose longest edge is `max_edge`, keeping the aspect ratio of `width`×`height`;
/// unchanged when `max_edge` is 0 or already not smaller than the longest edge.
pub(crate) fn target_size(width: u32, height: u32, max_edge: u32) -> (u32, u32) {
    let longest = width.max(height);
    if max_edge == 0 || longest <= max_edge {
        return (width, height);
    }
    let shrink = |d: u32| -> u32 {
        let v = (u64::from(d) * u64::from(max_edge) + u64::from(longest) / 2) / u64::from(longest);
        u32::try_from(v).unwrap_or(max_edge).max(1)
    };
    if width >= height {
        (max_edge, shrink(height))
    } else {
        (shrink(width), max_edge)
    }
}

/// Resizes `image` to exactly `width`×`height` (no-op when it already has that size).
pub(crate) fn resize_to(image: RgbImage, width: u32, height: u32) -> Result<RgbImage> {
    if image.dimensions() == (width, height) {
        return Ok(image);
    }
    let (sw, sh) = image.dimensions();
    let err = |e: &dyn std::fmt::Display| Error::Internal {
        detail: format!("resize {sw}×{sh} → {width}×{height}: {e}"),
    };
    let src = Image::from_vec_u8(sw, sh, image.into_raw(), PixelType::U8x3).map_err(|e| err(&e))?;
    let mut dst = Image::new(width, height, PixelType::U8x3);
    let options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3));
    Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| err(&e))?;
    RgbImage::from_raw(width, height, dst.into_vec()).ok_or_else(|| err(&"buffer size"))
}

/// Offset, width and height of each plane of an unpadded (`align` 1) YUV buffer.
fn planes(yuv: &YuvImage<Vec<u8>>) -> Vec<(usize, usize, usize)> {
    let (yw, yh) = yuv.y_size();
    if yuv.subsamp == Subsamp::Gray {
        return vec![(0, yw, yh)];
    }
    let (cw, ch) = yuv.uv_size();
    vec![(0, yw, yh), (yw * yh, cw, ch), (yw * yh + cw * ch, cw, ch)]
}

/// Lanczos-3 from one unpadded plane to another; `ratio` is source/target size of the image, so
/// a plane's padding maps onto the same share of the source (clamped to the plane).
fn resize_plane(
    src: &[u8],
    (sw, sh): (usize, usize),
    dst: &mut [u8],
    (dw, dh): (usize, usize),
    (rx, ry): (f64, f64),
) -> std::result::Result<(), String> {
    let src = ImageRef::new(sw as u32, sh as u32, src, PixelType::U8).map_err(|e| e.to_string())?;
    let mut out = Image::from_slice_u8(dw as u32, dh as u32, dst, PixelType::U8)
        .map_err(|e| e.to_string())?;
    let crop_w = (dw as f64 * rx).min(sw as f64);
    let crop_h = (dh as f64 * ry).min(sh as f64);
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .crop(0.0, 0.0, crop_w, crop_h);
    Resizer::new()
        .resize(&src, &mut out, &options)
        .map_err(|e| e.to_string())
}

/// Resizes each YCbCr plane of `yuv` (align 1) so the image becomes `width`×`height`, keeping
/// the subsampling. A plane's padding (odd sizes under subsampling) maps onto the same share of
/// the source, so chroma stays aligned with luma.
pub(crate) fn resize_planes(
    yuv: YuvImage<Vec<u8>>,
    width: u32,
    height: u32,
) -> Result<YuvImage<Vec<u8>>> {
    let (sw, sh) = (yuv.width, yuv.height);
    if (sw, sh) == (width as usize, height as usize) {
        return Ok(yuv);
    }
    let err = |e: &dyn std::fmt::Display| Error::Internal {
        detail: format!("resize planes {sw}×{sh} → {width}×{height}: {e}"),
    };
    if yuv.align != 1 {
        return Err(err(&"rows must be unpadded"));
    }
    let mut dst = YuvImage {
        pixels: Vec::new(),
        width: width as usize,
        align: 1,
        height: height as usize,
        subsamp: yuv.subsamp,
    };
    let len =
        turbojpeg::yuv_pixels_len(dst.width, 1, dst.height, dst.subsamp).map_err(|e| err(&e))?;
    dst.pixels = vec![0; len];
    let ratio = (sw as f64 / f64::from(width), sh as f64 / f64::from(height));
    let (src, dst_planes) = (planes(&yuv), planes(&dst));
    // Luma is two thirds of the work at 4:2:0: it gets a core of its own, chroma the other.
    let split = dst_planes.get(1).map_or(dst.pixels.len(), |p| p.0);
    let (dst_luma, dst_chroma) = dst.pixels.split_at_mut(split);
    let source = yuv.pixels.as_slice();
    let luma = |out: &mut [u8]| -> Result<()> {
        let (o, w, h) = src[0];
        let (_, dw, dh) = dst_planes[0];
        let plane = source.get(o..o + w * h).ok_or_else(|| err(&"source"))?;
        resize_plane(plane, (w, h), out, (dw, dh), ratio).map_err(|e| err(&e))
    };
    let chroma = |out: &mut [u8]| -> Result<()> {
        let mut at = 0;
        for (&(o, w, h), &(_, dw, dh)) in src.iter().zip(&dst_planes).skip(1) {
            let plane = source.get(o..o + w * h).ok_or_else(|| err(&"source"))?;
            let target = out
                .get_mut(at..at + dw * dh)
                .ok_or_else(|| err(&"destination"))?;
            resize_plane(plane, (w, h), target, (dw, dh), ratio).map_err(|e| err(&e))?;
            at += dw * dh;
        }
        Ok(())
    };
    std::thread::scope(|s| {
        let luma = s.spawn(|| luma(dst_luma));
        let chroma = chroma(dst_chroma);
        luma.join()
            .map_err(|_| err(&"the luma thread failed"))
            .and_then(|r| r)
            .and(chroma)
    })?;
    Ok(dst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_edge_becomes_max_edge_and_the_aspect_ratio_is_kept() {
        assert_eq!(target_size(4000, 3000, 2560), (2560, 1920));
        assert_eq!(target_size(3000, 4000, 2560), (1920, 2560));
        assert_eq!(target_size(4000, 3000, 0), (4000, 3000));
        assert_eq!(target_size(1280, 960, 2560), (1280, 960));
    }

    #[test]
    fn planes_scale_like_the_image_and_keep_flat_colour_flat() {
        for subsamp in [
            Subsamp::Sub2x2,
            Subsamp::Sub2x1,
            Subsamp::None,
            Subsamp::Gray,
        ] {
            let (w, h) = (3001usize, 2251usize);
            let len = turbojpeg::yuv_pixels_len(w, 1, h, subsamp).unwrap_or(0);
            let yuv = YuvImage {
                pixels: vec![77; len],
                width: w,
                align: 1,
                height: h,
                subsamp,
            };
            let out = resize_planes(yuv, 2561, 1921).expect("resize");
            assert_eq!((out.width, out.height, out.subsamp), (2561, 1921, subsamp));
            let want = turbojpeg::yuv_pixels_len(2561, 1, 1921, subsamp).unwrap_or(1);
            assert_eq!(out.pixels.len(), want);
            assert!(out.pixels.iter().all(|&v| v == 77), "{subsamp:?}");
        }
    }
}
