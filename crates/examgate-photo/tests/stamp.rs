//! The stamp itself: legible (a dark band with bright text, nothing lost to wrapping), drawn
//! only with a font that has every character, and the same on both pixel paths.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test"
)]

mod common;

use std::path::PathBuf;

use ab_glyph::{Font, FontRef};
use common::*;
use examgate_photo::{FontSource, StampFont, layout, render};
use image::RgbImage;
use turbojpeg::Subsamp;

/// Mean luma of rows `rows` of `image`.
fn mean_luma(image: &RgbImage, rows: std::ops::Range<u32>) -> f64 {
    let mut sum = 0.0;
    let mut n = 0.0;
    for y in rows {
        for x in 0..image.width() {
            sum += luma(image.get_pixel(x, y));
            n += 1.0;
        }
    }
    sum / n
}

#[test]
fn the_band_is_darker_than_the_photo_above_it_and_carries_bright_text() {
    let (w, h) = (1200, 900);
    let input = jpeg(&flat(w, h, [255, 255, 255]), 95, Subsamp::Sub2x2);
    let out = render(&input, &meta(), font(), &options(0)).unwrap();
    let image = decode(&out.jpeg);
    let band = layout(&meta(), font(), w, h).unwrap();
    assert_eq!(band.top % 16, 0);
    assert!(
        band.top > h / 2 && band.top < h - 60,
        "band top {}",
        band.top
    );

    let above = mean_luma(&image, 0..band.top);
    let inside = mean_luma(&image, band.top..h);
    assert!(above > 245.0, "above the band: {above}");
    assert!(inside < 150.0, "inside the band: {inside}");

    let lumas: Vec<f64> = (band.top..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .map(|(x, y)| luma(image.get_pixel(x, y)))
        .collect();
    let bright = lumas.iter().filter(|l| **l > 220.0).count();
    let dark = lumas.iter().filter(|l| **l < 110.0).count();
    assert!(
        bright * 100 > lumas.len() * 2,
        "bright text pixels: {bright}"
    );
    assert!(dark * 2 > lumas.len(), "dark band pixels: {dark}");
}

#[test]
fn the_text_keeps_every_character_and_stays_inside_the_margins() {
    for (w, h) in [(1200, 900), (600, 1000), (4000, 3000)] {
        let band = layout(&meta(), font(), w, h).unwrap();
        let drawn: String = band.lines.concat().split_whitespace().collect();
        let wanted: String = meta().stamp_text().split_whitespace().collect();
        assert_eq!(drawn, wanted, "{w}×{h}: {:?}", band.lines);
        // No ink in the outer margin columns and rows: nothing is clipped at an edge.
        let edge = (band.text_px * 0.3) as u32;
        for row in 0..band.height {
            for x in (0..edge).chain(w - edge..w) {
                assert_eq!(band.coverage(x, row), 0, "{w}×{h}: ink at x={x}, row={row}");
            }
        }
        for x in 0..w {
            assert_eq!(band.coverage(x, 0), 0, "{w}×{h}: ink on the band's top row");
            assert_eq!(
                band.coverage(x, band.height - 1),
                0,
                "{w}×{h}: ink on the bottom row"
            );
        }
    }
}

#[test]
fn a_wide_photo_keeps_the_three_lines_unwrapped() {
    let band = layout(&meta(), font(), 4000, 3000).unwrap();
    assert_eq!(band.lines, meta().stamp_lines());
    assert!(band.text_px >= 90.0, "{}", band.text_px);
}

#[test]
fn the_planar_fast_path_and_the_rgb_path_draw_the_same_stamp() {
    let (w, h) = (1280, 960);
    let input = jpeg(&photo_like(w, h), 92, Subsamp::Sub2x2);
    let planar = render(&input, &meta(), font(), &options(0)).unwrap();
    assert!(planar.planar);
    // The same pixels as PNG take the RGB path (convert, stamp in RGB, encode).
    let as_png = png(&decode(&input));
    let rgb = render(&as_png, &meta(), font(), &options(0)).unwrap();
    assert!(!rgb.planar);

    let (a, b) = (decode(&planar.jpeg), decode(&rgb.jpeg));
    assert_eq!(a.dimensions(), b.dimensions());
    let band = layout(&meta(), font(), w, h).unwrap();
    let diff = |rows: std::ops::Range<u32>| {
        let mut sum = 0u64;
        let mut n = 0u64;
        for y in rows {
            for x in 0..w {
                for c in 0..3 {
                    sum += u64::from(a.get_pixel(x, y).0[c].abs_diff(b.get_pixel(x, y).0[c]));
                    n += 1;
                }
            }
        }
        sum as f64 / n as f64
    };
    let in_band = diff(band.top..h);
    let above = diff(0..band.top);
    assert!(in_band < 3.0, "mean abs difference in the band: {in_band}");
    assert!(above < 3.0, "mean abs difference above the band: {above}");
}

/// A font file without Chinese: DejaVu Sans where installed, otherwise any system font that
/// lacks 考.
fn latin_only_font() -> PathBuf {
    let dejavu = PathBuf::from("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
    if dejavu.exists() {
        return dejavu;
    }
    let mut db = fontdb::Database::new();
    db.load_system_fonts();
    db.faces()
        .find_map(|face| {
            let fontdb::Source::File(path) = &face.source else {
                return None;
            };
            let data = std::fs::read(path).ok()?;
            let font = FontRef::try_from_slice_and_index(&data, face.index).ok()?;
            (font.glyph_id('A').0 != 0 && font.glyph_id('考').0 == 0).then(|| path.clone())
        })
        .expect("no Latin-only font on this machine to test the coverage check with")
}

#[test]
fn a_font_without_chinese_is_refused_naming_the_missing_characters_and_the_package() {
    let e =
        StampFont::find(&FontSource::File(latin_only_font()), &meta().stamp_text()).unwrap_err();
    assert_eq!(e.code(), "missing-glyphs");
    let message = e.to_string();
    for c in ["考", "场", "襄", "阳", "址"] {
        assert!(message.contains(c), "{c} not named in: {message}");
    }
    // Characters the font has are not named.
    assert!(!message.contains(" A "), "{message}");
    assert!(message.contains("fonts-wqy-microhei"), "{message}");
}

#[test]
fn a_file_that_is_not_a_font_is_refused_as_a_font_file_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("font.ttf");
    std::fs::write(&path, b"not a font").unwrap();
    let e = StampFont::find(&FontSource::File(path), "考场").unwrap_err();
    assert_eq!(e.code(), "font-file");
}

#[test]
fn the_cjk_font_covers_the_whole_stamp() {
    assert!(font().missing(&meta().stamp_text()).is_empty());
    assert!(font().check("考场地址座位学号").is_ok());
}

#[test]
fn in_a_collection_the_proportional_face_is_chosen_over_the_monospaced_one() {
    assert!(
        std::path::Path::new(WQY).exists(),
        "{WQY} is missing: run scripts/setup.sh (fonts-wqy-microhei)"
    );
    let font = StampFont::find(&FontSource::File(WQY.into()), &meta().stamp_text()).unwrap();
    assert_eq!(font.name(), "WenQuanYi Micro Hei");
    assert_eq!(font.index(), 0);
    assert_eq!(font.path(), Some(std::path::Path::new(WQY)));
}
