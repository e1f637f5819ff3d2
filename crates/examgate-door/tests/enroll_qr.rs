//! Reading an enrollment code's QR code from a picture, as the connect panel sends one (a camera
//! frame or an image file): the PNG the office prints, the same code photographed (smaller,
//! turned, on a lit background, JPEG), and the pictures that must be refused with their own
//! code. Every picture is generated here from a code string with the `qrcode` crate.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use examgate_door::{Door, ErrorCode};
use examgate_sync::{EnrollCode, Fingerprint};
use image::{GrayImage, Luma};
use qrcode::QrCode;

fn code() -> String {
    EnrollCode {
        secret: "0123456789abcdef0123456789abcdef".into(),
        fingerprint: Fingerprint([0xa7; 32]),
        urls: vec![
            "https://192.168.10.20:8740".into(),
            "https://[fe80::1]:8740".into(),
        ],
    }
    .to_string()
}

/// The QR code of `text` as `examgate serve enroll --png` draws it.
fn qr(text: &str) -> GrayImage {
    QrCode::new(text.as_bytes())
        .unwrap()
        .render::<Luma<u8>>()
        .min_dimensions(480, 480)
        .build()
}

fn png(image: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// `qr` as a phone photographs a printed code: in a 1600×1200 frame, scaled to `scale`, turned
/// by `degrees`, black printed as dark grey and white as paper, the room's light falling off
/// across the frame; then a JPEG at quality 80.
fn photographed(qr: &GrayImage, scale: f64, degrees: f64) -> Vec<u8> {
    let (w, h) = (1600u32, 1200u32);
    let (qw, qh) = (f64::from(qr.width()), f64::from(qr.height()));
    let (sin, cos) = degrees.to_radians().sin_cos();
    let mut pixels = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let light = 1.0 - 0.25 * f64::from(x + y) / f64::from(w + h);
            // From the frame back into the code: undo the turn and the scale about the centres.
            let (dx, dy) = (
                f64::from(x) - f64::from(w) / 2.0,
                f64::from(y) - f64::from(h) / 2.0,
            );
            let sx = (cos * dx + sin * dy) / scale + qw / 2.0;
            let sy = (-sin * dx + cos * dy) / scale + qh / 2.0;
            let paper = if sx >= 0.0 && sy >= 0.0 && sx < qw && sy < qh {
                let v = qr.get_pixel(sx as u32, sy as u32).0[0];
                if v < 128 { 45.0 } else { 225.0 }
            } else {
                150.0 // the desk
            };
            let v = (paper * light) as u8;
            pixels.extend_from_slice(&[v, v, v.saturating_sub(8)]);
        }
    }
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width: w as usize,
        pitch: w as usize * 3,
        height: h as usize,
        format: turbojpeg::PixelFormat::RGB,
    };
    turbojpeg::compress(image, 80, turbojpeg::Subsamp::Sub2x2)
        .unwrap()
        .to_vec()
}

fn door() -> (tempfile::TempDir, Door) {
    let dir = tempfile::tempdir().unwrap();
    let door = Door::open(&dir.path().join("examgate.db")).unwrap();
    (dir, door)
}

#[test]
fn the_offices_qr_png_reads_back_as_the_code_text() {
    let (_dir, door) = door();
    assert_eq!(door.read_enroll_qr(&png(&qr(&code()))).unwrap(), code());
}

#[test]
fn a_photographed_qr_code_smaller_and_turned_in_a_jpeg_reads_back_as_the_code_text() {
    let (_dir, door) = door();
    for (scale, degrees) in [(1.6, 7.0), (1.1, -4.0)] {
        let jpeg = photographed(&qr(&code()), scale, degrees);
        assert!(jpeg.starts_with(&[0xff, 0xd8]));
        assert_eq!(
            door.read_enroll_qr(&jpeg).unwrap(),
            code(),
            "scale {scale}, {degrees}°"
        );
    }
}

#[test]
fn a_qr_code_that_is_not_an_enrollment_code_is_refused_as_such() {
    let (_dir, door) = door();
    let err = door
        .read_enroll_qr(&png(&qr("https://example.com/wifi-login")))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotEnrollQr, "{err}");
    let photo = photographed(&qr("WIFI:S:考点;T:WPA;P:12345678;;"), 1.4, 5.0);
    let err = door.read_enroll_qr(&photo).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotEnrollQr, "{err}");
}

#[test]
fn a_damaged_or_newer_examgate_code_in_a_qr_is_refused_as_a_bad_code() {
    let (_dir, door) = door();
    for text in [
        code().replacen("EG1", "EG2", 1),
        code().replace("https://", "http://"),
    ] {
        let err = door.read_enroll_qr(&png(&qr(&text))).unwrap_err();
        assert_eq!(err.code, ErrorCode::BadEnrollCode, "{text}: {err}");
    }
}

#[test]
fn a_picture_without_a_qr_code_and_bytes_that_are_no_picture_are_refused() {
    let (_dir, door) = door();
    let blank = GrayImage::from_fn(640, 480, |x, y| Luma([((x + y) % 256) as u8]));
    let err = door.read_enroll_qr(&png(&blank)).unwrap_err();
    assert_eq!(err.code, ErrorCode::NoQrCode, "{err}");
    let err = door.read_enroll_qr(b"EG1:not a picture").unwrap_err();
    assert_eq!(err.code, ErrorCode::NotAnImage, "{err}");
    let err = door.read_enroll_qr(&[]).unwrap_err();
    assert_eq!(err.code, ErrorCode::PhotoEmpty, "{err}");
}
