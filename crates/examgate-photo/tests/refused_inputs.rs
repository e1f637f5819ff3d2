//! What the pipeline refuses, each with its own error code, and the promise that goes with every
//! refusal: nothing is written to the photo folder (it is not even created).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test"
)]

mod common;

use common::*;
use examgate_photo::{Error, Metadata, Options, take_photo};
use turbojpeg::Subsamp;

/// Runs the whole pipeline on `input` with `meta` and returns the error; checks the folder
/// stayed absent.
fn refused_with(input: &[u8], meta: &Metadata) -> Error {
    let dir = tempfile::tempdir().unwrap();
    let key = key(dir.path(), "device.pem");
    let folder = photo_folder(dir.path());
    let e = take_photo(input, meta, font(), &key, &folder, &Options::default()).unwrap_err();
    assert!(!folder.exists(), "{e}: the folder was created");
    assert_eq!(names_in(dir.path()), ["device.pem"], "{e}");
    e
}

/// [`refused_with`] the room's metadata, as the error code.
fn refused(input: &[u8]) -> &'static str {
    refused_with(input, &meta()).code()
}

fn good_jpeg() -> Vec<u8> {
    jpeg(&photo_like(640, 480), 90, Subsamp::Sub2x2)
}

/// Offset of the first byte after the `FF DA` (start of scan) segment's header.
fn scan_start(jpeg: &[u8]) -> usize {
    let sos = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
    let len = usize::from(u16::from_be_bytes([jpeg[sos + 2], jpeg[sos + 3]]));
    sos + 2 + len
}

fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[test]
fn a_zero_byte_file_is_refused_as_empty() {
    assert_eq!(refused(&[]), "empty");
}

#[test]
fn a_text_file_is_refused_as_not_an_image() {
    assert_eq!(
        refused(b"student,name\n2023420100001,Li Lei\n"),
        "not-an-image"
    );
}

#[test]
fn a_gif_is_refused_as_an_unsupported_format_naming_gif() {
    let gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let e = refused_with(gif, &meta());
    assert_eq!(e.code(), "unsupported-format");
    assert!(e.to_string().contains("GIF"), "{e}");
    assert_eq!(refused(gif), "unsupported-format");
}

#[test]
fn a_jpeg_cut_off_in_its_image_data_is_refused_as_truncated() {
    let good = good_jpeg();
    let cut = scan_start(&good) + (good.len() - scan_start(&good)) / 2;
    assert_eq!(refused(&good[..cut]), "truncated");
}

#[test]
fn a_jpeg_whose_image_data_is_garbage_is_refused_as_corrupt() {
    let mut bad = good_jpeg();
    let start = scan_start(&bad);
    let end = bad.len() - 2;
    // Replace the entropy-coded data with markers that may not appear there (RST out of order).
    for (i, b) in bad[start..end].iter_mut().enumerate() {
        *b = if i % 2 == 0 { 0xFF } else { 0xD3 };
    }
    assert_eq!(refused(&bad), "corrupt");
}

#[test]
fn a_jpeg_with_a_damaged_huffman_table_is_refused_as_corrupt() {
    let mut bad = good_jpeg();
    let dht = bad.windows(2).position(|w| w == [0xFF, 0xC4]).unwrap();
    // The 16 code-length counts of the first table: claim far more codes than can exist.
    for b in &mut bad[dht + 5..dht + 21] {
        *b = 0xFF;
    }
    assert_eq!(refused(&bad), "corrupt");
}

#[test]
fn a_tiny_jpeg_claiming_30000_by_30000_pixels_is_refused_before_decoding() {
    let mut bomb = jpeg(&flat(256, 256, [128, 128, 128]), 50, Subsamp::Sub2x2);
    let sof = bomb.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    // SOF0: FF C0, length (2), precision (1), height (2), width (2).
    bomb[sof + 5..sof + 7].copy_from_slice(&30000u16.to_be_bytes());
    bomb[sof + 7..sof + 9].copy_from_slice(&30000u16.to_be_bytes());
    assert!(bomb.len() < 4096);

    let e = refused_with(&bomb, &meta());
    assert_eq!(e.code(), "too-large");
    assert!(e.to_string().contains("30000×30000"), "{e}");
}

#[test]
fn a_png_whose_header_says_30000_by_30000_is_refused_before_decoding() {
    let mut bomb = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&30000u32.to_be_bytes());
    ihdr.extend_from_slice(&30000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB, deflate, no filter, no interlace
    png_chunk(&mut bomb, b"IHDR", &ihdr);
    // One stored (uncompressed) zlib block: a first row's filter byte and a few zero pixels.
    let row = [0u8; 16];
    let mut idat = vec![0x78, 0x01, 0x01];
    idat.extend_from_slice(&16u16.to_le_bytes());
    idat.extend_from_slice(&(!16u16).to_le_bytes());
    idat.extend_from_slice(&row);
    png_chunk(&mut bomb, b"IDAT", &idat);
    png_chunk(&mut bomb, b"IEND", &[]);

    let e = refused_with(&bomb, &meta());
    assert_eq!(e.code(), "too-large", "{e}");
}

#[test]
fn a_photo_too_small_for_the_stamp_is_refused() {
    assert_eq!(
        refused(&jpeg(&flat(150, 100, [200, 200, 200]), 90, Subsamp::Sub2x2)),
        "too-small"
    );
}

#[test]
fn invalid_metadata_is_refused_before_anything_is_written() {
    let mut meta = meta();
    meta.address = "第一行\n第二行".into();
    let e = refused_with(&good_jpeg(), &meta);
    assert_eq!(e.code(), "invalid-field");
    assert!(e.to_string().contains("address"), "{e}");
}

#[test]
fn a_cmyk_jpeg_is_refused_as_an_unsupported_format_not_as_corrupt() {
    let (w, h) = (320usize, 240usize);
    let pixels = vec![40u8; w * h * 4];
    let mut c = turbojpeg::Compressor::new().unwrap();
    c.set_subsamp(Subsamp::None).unwrap();
    let cmyk = c
        .compress_to_vec(turbojpeg::Image {
            pixels: pixels.as_slice(),
            width: w,
            pitch: w * 4,
            height: h,
            format: turbojpeg::PixelFormat::CMYK,
        })
        .unwrap();
    assert_eq!(refused(&cmyk), "unsupported-format");
}
