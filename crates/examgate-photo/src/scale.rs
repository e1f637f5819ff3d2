//! Scaling down to the configured longest edge. A phone's 12–50 MP photo is far more than a
//! reviewer needs, and every pixel costs encode time, storage and upload; 2560 px keeps faces and
//! the stamp sharp. Never scales up.
//!
//! JPEG decoding already did the coarse part (DCT scaling by n/8, see `decode::prescale`); this is
//! the fine part, a Lanczos-3 convolution (fast_image_resize, SIMD) to the exact size.

use fast_image_resize::images::Image;
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::RgbImage;

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
}
