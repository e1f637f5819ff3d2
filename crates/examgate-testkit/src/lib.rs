//! What the tests of several crates share, in one place instead of a copy per test file: valid
//! resident ID numbers, the columns and cells of a seating-list CSV, a camera-like JPEG, the
//! harness that kills a real child process at a random point, and the TCP proxy that cuts and
//! slows connections. No Tauri, not published; it depends on nothing of ours, so every crate's
//! tests can use it, the store's included (the CLI also ships the proxy, for `bench sync`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test fixtures: a failure is the test failing"
)]

pub mod csv;
#[cfg(unix)]
pub mod kill;
#[cfg(unix)]
pub mod proxy;

/// A valid resident ID: the 17 digits plus their ISO 7064 MOD 11-2 check character, worked out
/// here rather than by the code under test.
pub fn resident_id(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!(
        "{first17}{}",
        char::from(b"10X98765432"[(sum % 11) as usize])
    )
}

/// A `w`×`h` camera-like JPEG (quality 90, 4:2:0): gradients, so a stamp has something to sit on.
pub fn camera_jpeg(w: usize, h: usize) -> Vec<u8> {
    let mut pixels = vec![0u8; w * h * 3];
    for (i, p) in pixels.chunks_exact_mut(3).enumerate() {
        let (x, y) = (i % w, i / w);
        p[0] = (x * 255 / w) as u8;
        p[1] = (y * 255 / h) as u8;
        p[2] = ((x + y) % 256) as u8;
    }
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width: w,
        pitch: w * 3,
        height: h,
        format: turbojpeg::PixelFormat::RGB,
    };
    turbojpeg::compress(image, 90, turbojpeg::Subsamp::Sub2x2)
        .unwrap()
        .to_vec()
}
