//! Size and orientation of the stored photo: upright as the camera meant it, and no longer on
//! its longest edge than configured.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test"
)]

mod common;

use common::*;
use examgate_photo::{Options, render};
use image::{Rgb, RgbImage};
use turbojpeg::Subsamp;

fn is_red(p: &Rgb<u8>) -> bool {
    p.0[0] > 200 && p.0[1] < 70 && p.0[2] < 70
}

#[test]
fn exif_orientation_6_is_applied_so_the_stored_photo_is_upright() {
    // As stored by the sensor: 640 wide, 480 high, red in the top-left corner. Orientation 6
    // says "rotate 90° clockwise to view", which puts that corner at the top right.
    let mut sensor = flat(640, 480, [230, 230, 230]);
    for y in 0..96 {
        for x in 0..96 {
            sensor.put_pixel(x, y, Rgb([255, 0, 0]));
        }
    }
    let input = with_orientation(jpeg(&sensor, 95, Subsamp::Sub2x2), 6);
    let out = render(&input, &meta(), font(), &options(0)).unwrap();
    assert!(!out.planar, "a rotated photo cannot keep the source planes");
    assert_eq!((out.width, out.height), (480, 640));

    let image = decode(&out.jpeg);
    assert_eq!(image.dimensions(), (480, 640));
    assert!(is_red(image.get_pixel(480 - 40, 40)), "top right");
    for (x, y) in [(40, 40), (40, 400), (440, 400)] {
        assert!(!is_red(image.get_pixel(x, y)), "({x}, {y})");
    }
    // And the stored file says it needs no further rotation.
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&out.jpeg))
        .unwrap();
    let o = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(o.value.get_uint(0), Some(1));
}

#[test]
fn the_longest_edge_is_scaled_to_the_configured_max_edge() {
    let landscape = jpeg(&photo_like(1600, 1200), 90, Subsamp::Sub2x2);
    let out = render(&landscape, &meta(), font(), &options(1000)).unwrap();
    assert_eq!((out.width, out.height), (1000, 750));
    assert_eq!(decode(&out.jpeg).dimensions(), (1000, 750));

    let portrait = jpeg(&photo_like(900, 1500), 90, Subsamp::Sub2x2);
    let out = render(&portrait, &meta(), font(), &options(1000)).unwrap();
    assert_eq!((out.width, out.height), (600, 1000));
}

#[test]
fn the_default_max_edge_is_2560_and_a_rotated_photo_is_scaled_on_its_upright_size() {
    assert_eq!(Options::default().max_edge, 2560);
    let sensor: RgbImage = photo_like(3200, 2400);
    let input = with_orientation(jpeg(&sensor, 85, Subsamp::Sub2x2), 6);
    let out = render(&input, &meta(), font(), &Options::default()).unwrap();
    assert_eq!((out.width, out.height), (1920, 2560));
    assert_eq!(decode(&out.jpeg).dimensions(), (1920, 2560));
}

#[test]
fn max_edge_0_keeps_the_full_size_on_the_planar_fast_path() {
    let input = jpeg(&photo_like(1000, 700), 90, Subsamp::Sub2x2);
    let out = render(&input, &meta(), font(), &options(0)).unwrap();
    assert!(out.planar);
    assert_eq!((out.width, out.height), (1000, 700));
}

#[test]
fn a_photo_smaller_than_max_edge_is_never_scaled_up() {
    let input = jpeg(&photo_like(800, 600), 90, Subsamp::Sub2x2);
    let out = render(&input, &meta(), font(), &options(2560)).unwrap();
    assert_eq!((out.width, out.height), (800, 600));
}

/// Mean absolute difference per channel between the top `rows` of two same-width images.
fn mean_diff(a: &RgbImage, b: &RgbImage, rows: u32) -> f64 {
    let mut sum = 0u64;
    let mut n = 0u64;
    for y in 0..rows {
        for x in 0..a.width() {
            for c in 0..3 {
                sum += u64::from(a.get_pixel(x, y).0[c].abs_diff(b.get_pixel(x, y).0[c]));
                n += 1;
            }
        }
    }
    sum as f64 / n as f64
}

#[test]
fn the_door_path_scales_an_upright_jpeg_on_its_planes_and_the_pixels_match_a_plain_resize() {
    // Odd sizes on purpose: the chroma planes' padding must not shift colour against luma.
    for (w, h, tw, th) in [(1600, 1200, 1000, 750), (1601, 1201, 1000, 750)] {
        let source = photo_like(w, h);
        let input = jpeg(&source, 95, Subsamp::Sub2x2);
        let out = render(&input, &meta(), font(), &options(1000)).unwrap();
        assert!(out.planar, "the door's path keeps the source planes");
        assert_eq!((out.width, out.height), (tw, th));
        let got = decode(&out.jpeg);
        let want = image::imageops::resize(&source, tw, th, image::imageops::FilterType::Lanczos3);
        // Above the band: the same picture as a straightforward RGB resize, within JPEG noise.
        let diff = mean_diff(&got, &want, th * 2 / 3);
        assert!(diff < 3.0, "{w}×{h}: mean difference {diff:.2}");
    }
}
