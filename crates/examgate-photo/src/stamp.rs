//! The stamp: a dark translucent band across the bottom with white text (time, student, seat;
//! site and room; the room's address), sized from the image so it reads the same on a phone's
//! 1920 px photo and a 4000×3000 one.
//!
//! The text is rasterised once into a coverage mask, then composited either onto RGB pixels or
//! straight onto the JPEG's YCbCr planes. Blending is linear and YCbCr is an affine image of RGB,
//! so "darken, then white text" gives the same result in both (black and white are neutral:
//! chroma only moves toward 128). Working on the planes saves two colour conversions on the
//! full-size path, which is what the speed target needs. The band's top edge sits on a 16-pixel
//! boundary, so no chroma sample or JPEG block straddles it.

use ab_glyph::{Font, GlyphId, PxScale, ScaleFont, point};
use image::RgbImage;
use turbojpeg::{Subsamp, YuvImage};

use crate::error::{Error, Result};
use crate::font::StampFont;
use crate::meta::Metadata;

/// Opacity of the black band, out of 255 (≈ 63 %): the photo stays visible through it, the white
/// text stays legible over a white shirt.
pub const BAND_ALPHA: u32 = 160;

/// Text size as a share of the shorter edge (3000 px → 102 px; 1920 → 65 px).
const SIZE_PER_SHORT_EDGE: f32 = 0.034;
/// Never smaller than this, in pixels.
const MIN_SIZE: f32 = 14.0;

/// The band: where it starts, and the text's coverage (0–255) for each of its pixels.
#[derive(Debug, Clone)]
pub struct Band {
    /// First row of the band (a multiple of 16).
    pub top: u32,
    /// Image width = mask row length.
    pub width: u32,
    /// Rows in the band (to the bottom of the image).
    pub height: u32,
    /// Text size used, in pixels.
    pub text_px: f32,
    /// Lines drawn, after wrapping.
    pub lines: Vec<String>,
    mask: Vec<u8>,
}

impl Band {
    /// Text coverage at (`x`, `row`) of the band; 0 outside.
    pub fn coverage(&self, x: u32, row: u32) -> u8 {
        if x >= self.width || row >= self.height {
            return 0;
        }
        self.mask
            .get(row as usize * self.width as usize + x as usize)
            .copied()
            .unwrap_or(0)
    }
}

fn line_width<'f>(font: &impl ScaleFont<&'f ab_glyph::FontVec>, text: &str) -> f32 {
    let mut width = 0.0;
    let mut prev: Option<GlyphId> = None;
    for c in text.chars() {
        let id = font.glyph_id(c);
        if let Some(p) = prev {
            width += font.kern(p, id);
        }
        width += font.h_advance(id);
        prev = Some(id);
    }
    width
}

/// Breaks `text` into lines no wider than `avail`: at a space when one falls in the second half
/// of the line, otherwise between any two characters (fine for Chinese).
fn wrap<'f>(font: &impl ScaleFont<&'f ab_glyph::FontVec>, text: &str, avail: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut rest: Vec<char> = text.chars().collect();
    while !rest.is_empty() {
        let mut fit = 0;
        let mut w = 0.0;
        for (i, c) in rest.iter().enumerate() {
            w += font.h_advance(font.glyph_id(*c));
            if w > avail && i > 0 {
                break;
            }
            fit = i + 1;
        }
        if fit < rest.len()
            && let Some(space) = rest[..fit].iter().rposition(|c| *c == ' ')
            && space * 2 >= fit
        {
            fit = space + 1;
        }
        let line: String = rest[..fit].iter().collect();
        lines.push(line.trim_end().to_owned());
        rest.drain(..fit);
        while rest.first() == Some(&' ') {
            rest.remove(0);
        }
    }
    lines
}

/// Lays out and rasterises the stamp for a `width`×`height` image.
pub fn layout(meta: &Metadata, font: &StampFont, width: u32, height: u32) -> Result<Band> {
    font.check(&meta.stamp_text())?;
    let f = font.font();
    let base = (width.min(height) as f32 * SIZE_PER_SHORT_EDGE)
        .round()
        .max(MIN_SIZE);
    let margin = (base * 0.6).round();
    let avail = (width as f32 - 2.0 * margin).max(1.0);

    let mut px = base;
    let mut lines = meta.stamp_lines();
    let widest = lines
        .iter()
        .map(|l| line_width(&f.as_scaled(PxScale::from(px)), l))
        .fold(0.0_f32, f32::max);
    if widest > avail {
        // Shrink up to a quarter to keep each line whole; past that, wrap at the smaller size.
        px = (px * avail / widest)
            .floor()
            .max((base * 0.75).floor())
            .max(MIN_SIZE);
        let scaled = f.as_scaled(PxScale::from(px));
        lines = lines.iter().flat_map(|l| wrap(&scaled, l, avail)).collect();
    }

    let scaled = f.as_scaled(PxScale::from(px));
    let (ascent, descent) = (scaled.ascent(), scaled.descent());
    let line_h = (px * 1.3).max(ascent - descent);
    let pad = (px * 0.45).round();
    let needed = (lines.len() as f32 * line_h + 2.0 * pad).ceil() as u32;
    if needed >= height {
        return Err(Error::TooSmall {
            width,
            height,
            min_edge: needed,
        });
    }
    let top = (height - needed) / 16 * 16;
    let band_h = height - top;
    // Centre the text block vertically in the (slightly taller, aligned) band.
    let y0 = (band_h as f32 - lines.len() as f32 * line_h) / 2.0;

    let mut mask = vec![0u8; width as usize * band_h as usize];
    for (i, line) in lines.iter().enumerate() {
        let baseline = y0 + i as f32 * line_h + (line_h - (ascent - descent)) / 2.0 + ascent;
        let mut x = margin;
        let mut prev: Option<GlyphId> = None;
        for c in line.chars() {
            let id = f.glyph_id(c);
            if let Some(p) = prev {
                x += scaled.kern(p, id);
            }
            let glyph = id.with_scale_and_position(px, point(x, baseline));
            x += scaled.h_advance(id);
            prev = Some(id);
            let Some(outlined) = f.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outlined.px_bounds();
            outlined.draw(|gx, gy, cov| {
                let mx = bounds.min.x as i64 + i64::from(gx);
                let my = bounds.min.y as i64 + i64::from(gy);
                if mx < 0 || my < 0 || mx >= i64::from(width) || my >= i64::from(band_h) {
                    return;
                }
                let at = my as usize * width as usize + mx as usize;
                if let Some(m) = mask.get_mut(at) {
                    *m = (*m).max((cov.clamp(0.0, 1.0) * 255.0).round() as u8);
                }
            });
        }
    }
    Ok(Band {
        top,
        width,
        height: band_h,
        text_px: px,
        lines,
        mask,
    })
}

/// x·y/255, rounded.
fn mul(x: u32, y: u32) -> u32 {
    (x * y + 127) / 255
}

/// Darken by the band, then lay white text over it.
fn over(v: u8, cov: u8) -> u8 {
    let dark = mul(u32::from(v), 255 - BAND_ALPHA);
    let c = u32::from(cov);
    (mul(dark, 255 - c) + c) as u8
}

/// Chroma: both black and white are neutral (128), so only the distance to 128 shrinks.
fn over_chroma(v: u8, cov: u8) -> u8 {
    let d = i32::from(v) - 128;
    let keep = ((255 - BAND_ALPHA) * (255 - u32::from(cov))) as i32;
    (128 + (d * keep + d.signum() * 32512) / 65025) as u8
}

/// Composites the band onto RGB pixels.
pub(crate) fn apply_rgb(image: &mut RgbImage, band: &Band) {
    let width = image.width();
    for row in 0..band.height {
        for x in 0..width {
            let cov = band.coverage(x, row);
            let p = image.get_pixel_mut(x, band.top + row);
            for v in &mut p.0 {
                *v = over(*v, cov);
            }
        }
    }
}

/// Composites the band onto a JPEG's YCbCr planes (libjpeg-turbo's layout: Y, then Cb, then Cr,
/// rows padded; padding rows and columns get the band without text).
pub(crate) fn apply_planes(yuv: &mut YuvImage<Vec<u8>>, band: &Band) {
    let (y_stride, y_rows) = yuv.y_size();
    let (c_stride, c_rows) = if yuv.subsamp == Subsamp::Gray {
        (0, 0)
    } else {
        yuv.uv_size()
    };
    let (sx, sy) = (yuv.subsamp.width() as u32, yuv.subsamp.height() as u32);
    let top = band.top as usize;
    let (luma, chroma) = yuv.pixels.split_at_mut(y_stride * y_rows);
    for (r, row) in luma.chunks_exact_mut(y_stride).enumerate().skip(top) {
        let band_row = (r - top) as u32;
        for (x, v) in row.iter_mut().enumerate() {
            *v = over(*v, band.coverage(x as u32, band_row));
        }
    }
    if c_stride == 0 {
        return;
    }
    let chroma_top = top / sy as usize;
    let block = sx * sy;
    for plane in chroma.chunks_exact_mut(c_stride * c_rows).take(2) {
        for (j, row) in plane
            .chunks_exact_mut(c_stride)
            .enumerate()
            .skip(chroma_top)
        {
            let band_row0 = j as u32 * sy - band.top;
            for (i, v) in row.iter_mut().enumerate() {
                let mut sum = 0;
                for dy in 0..sy {
                    for dx in 0..sx {
                        sum += u32::from(band.coverage(i as u32 * sx + dx, band_row0 + dy));
                    }
                }
                *v = over_chroma(*v, ((sum + block / 2) / block) as u8);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_over_black_and_white_stays_readable() {
        // Under the band, without text, white is darkened to about 37 %.
        assert_eq!(over(255, 0), 95);
        assert_eq!(over(0, 0), 0);
        // Full text coverage is white whatever is beneath.
        assert_eq!(over(0, 255), 255);
        assert_eq!(over(200, 255), 255);
    }

    #[test]
    fn chroma_moves_toward_neutral_like_the_rgb_blend() {
        assert_eq!(over_chroma(128, 0), 128);
        assert_eq!(over_chroma(255, 255), 128);
        assert_eq!(over_chroma(0, 255), 128);
        // (255 - 128) × 95/255 ≈ 47
        assert_eq!(over_chroma(255, 0), 128 + 47);
        assert_eq!(over_chroma(1, 0), 128 - 47);
    }
}
