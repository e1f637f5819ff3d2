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

    /// The coverage of band row `row` (empty below the band).
    fn mask_row(&self, row: usize) -> &[u8] {
        let w = self.width as usize;
        self.mask.get(row * w..(row + 1) * w).unwrap_or(&[])
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
///
/// The caller checks that `font` covers `meta.stamp_text()` ([`StampFont::check`]; `render`
/// does, and [`StampFont::find`] only returns a face that covers the text it was given): a
/// missing glyph here would silently draw nothing.
pub fn layout(meta: &Metadata, font: &StampFont, width: u32, height: u32) -> Result<Band> {
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

/// `over(v, 0)` and `over_chroma(v, 0)` for every `v`: most of the band has no text on it.
fn bare_tables() -> ([u8; 256], [u8; 256]) {
    let mut luma = [0u8; 256];
    let mut chroma = [0u8; 256];
    for v in 0..=255u8 {
        luma[usize::from(v)] = over(v, 0);
        chroma[usize::from(v)] = over_chroma(v, 0);
    }
    (luma, chroma)
}

/// Blends one row with `blend` (`over` for luma and RGB, `over_chroma` for chroma): `mask` is the
/// text coverage of its first pixels; the rest get the bare band (`bare[v]` = `blend(v, 0)`).
fn blend_row(row: &mut [u8], mask: &[u8], bare: &[u8; 256], blend: impl Fn(u8, u8) -> u8) {
    let n = mask.len().min(row.len());
    let (covered, rest) = row.split_at_mut(n);
    for (v, &cov) in covered.iter_mut().zip(&mask[..n]) {
        *v = if cov == 0 {
            bare[usize::from(*v)]
        } else {
            blend(*v, cov)
        };
    }
    for v in rest {
        *v = bare[usize::from(*v)];
    }
}

/// Composites the band onto RGB pixels.
pub(crate) fn apply_rgb(image: &mut RgbImage, band: &Band) {
    let (bare, _) = bare_tables();
    let row_len = image.width() as usize * 3;
    let top = band.top as usize;
    let mut expanded = Vec::with_capacity(row_len);
    for (r, row) in image.chunks_exact_mut(row_len).enumerate().skip(top) {
        // One coverage value per channel, so R, G and B blend like a plane.
        expanded.clear();
        expanded.extend(band.mask_row(r - top).iter().flat_map(|&c| [c, c, c]));
        blend_row(row, &expanded, &bare, over);
    }
}

/// Composites the band onto a JPEG's YCbCr planes (libjpeg-turbo's layout: Y, then Cb, then Cr,
/// rows padded; padding rows and columns get the band without text). A chroma sample takes the
/// mean coverage of the luma pixels it covers.
pub(crate) fn apply_planes(yuv: &mut YuvImage<Vec<u8>>, band: &Band) {
    let (bare_luma, bare_chroma) = bare_tables();
    let (y_stride, y_rows) = yuv.y_size();
    let (c_stride, c_rows) = if yuv.subsamp == Subsamp::Gray {
        (0, 0)
    } else {
        yuv.uv_size()
    };
    let (sx, sy) = (yuv.subsamp.width(), yuv.subsamp.height());
    let top = band.top as usize;
    let (luma, chroma) = yuv.pixels.split_at_mut(y_stride * y_rows);
    for (r, row) in luma.chunks_exact_mut(y_stride).enumerate().skip(top) {
        blend_row(row, band.mask_row(r - top), &bare_luma, over);
    }
    if c_stride == 0 {
        return;
    }
    // Mean coverage per chroma sample, one chroma row at a time, shared by Cb and Cr.
    let block = (sx * sy) as u32;
    let mut sums = vec![0u32; c_stride];
    let mut means = vec![0u8; c_stride];
    let first = top / sy;
    for j in first..c_rows {
        sums.fill(0);
        for dy in 0..sy {
            let mask = band.mask_row(j * sy + dy - top);
            for (i, &cov) in mask.iter().enumerate() {
                if let Some(s) = sums.get_mut(i / sx) {
                    *s += u32::from(cov);
                }
            }
        }
        for (m, s) in means.iter_mut().zip(&sums) {
            *m = ((s + block / 2) / block) as u8;
        }
        for plane in chroma.chunks_exact_mut(c_stride * c_rows).take(2) {
            let row = &mut plane[j * c_stride..(j + 1) * c_stride];
            blend_row(row, &means, &bare_chroma, over_chroma);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A band over rows 16.. of a 13×23 image, with a coverage pattern that has every value.
    fn band() -> Band {
        let (width, height) = (13u32, 7u32);
        Band {
            top: 16,
            width,
            height,
            text_px: 14.0,
            lines: Vec::new(),
            mask: (0..width * height).map(|i| (i * 37 % 256) as u8).collect(),
        }
    }

    #[test]
    fn planes_get_exactly_the_per_pixel_blend_with_chroma_from_the_mean_coverage() {
        let band = band();
        for subsamp in [
            Subsamp::Sub2x2,
            Subsamp::Sub2x1,
            Subsamp::None,
            Subsamp::Gray,
        ] {
            let mut yuv = YuvImage {
                pixels: Vec::new(),
                width: 13,
                align: 4,
                height: 23,
                subsamp,
            };
            let len = turbojpeg::yuv_pixels_len(13, 4, 23, subsamp).unwrap_or(0);
            yuv.pixels = (0..len).map(|i| (i * 11 % 256) as u8).collect();
            let before = yuv.pixels.clone();
            apply_planes(&mut yuv, &band);

            let (ys, yr) = yuv.y_size();
            for r in 0..yr {
                for x in 0..ys {
                    let at = r * ys + x;
                    let want = if r < 16 {
                        before[at]
                    } else {
                        over(before[at], band.coverage(x as u32, (r - 16) as u32))
                    };
                    assert_eq!(yuv.pixels[at], want, "{subsamp:?} Y ({x}, {r})");
                }
            }
            if subsamp == Subsamp::Gray {
                continue;
            }
            let (cs, cr) = yuv.uv_size();
            let (sx, sy) = (subsamp.width() as u32, subsamp.height() as u32);
            for plane in 0..2 {
                for j in 0..cr {
                    for i in 0..cs {
                        let at = ys * yr + plane * cs * cr + j * cs + i;
                        let want = if j * (sy as usize) < 16 {
                            before[at]
                        } else {
                            let mut sum = 0;
                            for dy in 0..sy {
                                for dx in 0..sx {
                                    let (x, row) = (i as u32 * sx + dx, j as u32 * sy + dy - 16);
                                    sum += u32::from(band.coverage(x, row));
                                }
                            }
                            over_chroma(before[at], ((sum + sx * sy / 2) / (sx * sy)) as u8)
                        };
                        assert_eq!(yuv.pixels[at], want, "{subsamp:?} C{plane} ({i}, {j})");
                    }
                }
            }
        }
    }

    #[test]
    fn rgb_pixels_get_the_per_pixel_blend_on_every_channel() {
        let band = band();
        let mut image = RgbImage::from_fn(13, 23, |x, y| {
            image::Rgb([(x * 19) as u8, (y * 11) as u8, ((x + y) * 7) as u8])
        });
        let before = image.clone();
        apply_rgb(&mut image, &band);
        for (x, y, p) in image.enumerate_pixels() {
            let b = before.get_pixel(x, y);
            for c in 0..3 {
                let want = if y < 16 {
                    b.0[c]
                } else {
                    over(b.0[c], band.coverage(x, y - 16))
                };
                assert_eq!(p.0[c], want, "({x}, {y}) channel {c}");
            }
        }
    }

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
