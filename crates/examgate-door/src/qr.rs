//! Reading an enrollment code's QR code from a picture: a camera frame of the code on the
//! office's screen or paper, or the PNG `examgate serve enroll --png` wrote. Decoded in Rust
//! (rqrr, a port of quirc): the app needs no scanner service of the phone's, and the picture
//! never leaves the device.
//!
//! The picture is decoded by the photo pipeline's decoder (the same size limits against
//! decompression bombs, the EXIF orientation applied), turned grey and, when large, scaled down
//! first: a phone photo of 12 MP is read at about 1,600 pixels across in a fraction of the time,
//! and only when that finds nothing is the full size tried. rqrr is fed untrusted pixels, so a
//! panic inside it is caught and reported as "no QR code", never a crash of the app.

use examgate_photo::Limits;
use examgate_sync::EnrollCode;
use image::imageops::FilterType;
use image::{DynamicImage, GrayImage};

use crate::error::{ErrorCode, IpcError, Result};

/// The long edge a large picture is first scaled to.
const FIRST_TRY_EDGE: u32 = 1600;

/// The smallest QR code (21 modules) with its quiet zone fits in about 30 pixels.
const MIN_EDGE: u32 = 29;

fn no_qr() -> IpcError {
    IpcError::new(
        ErrorCode::NoQrCode,
        "图中没有找到可读的二维码，请让二维码充满取景框并保持清晰 (no readable QR code found: fill the frame with it and hold still)",
    )
}

/// The texts of every QR code rqrr reads in `grey`.
fn texts_in(grey: GrayImage) -> Vec<String> {
    let found = std::panic::catch_unwind(move || {
        let mut prepared = rqrr::PreparedImage::prepare(grey);
        prepared
            .detect_grids()
            .iter()
            .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
            .collect::<Vec<_>>()
    });
    found.unwrap_or_default()
}

fn scaled(grey: &GrayImage, edge: u32) -> Option<GrayImage> {
    let (w, h) = grey.dimensions();
    let long = w.max(h);
    if long <= edge {
        return None;
    }
    let (nw, nh) = (
        (u64::from(w) * u64::from(edge) / u64::from(long)).max(1),
        (u64::from(h) * u64::from(edge) / u64::from(long)).max(1),
    );
    let (nw, nh) = (u32::try_from(nw).ok()?, u32::try_from(nh).ok()?);
    Some(image::imageops::resize(grey, nw, nh, FilterType::Triangle))
}

/// The enrollment code in the picture `bytes` (JPEG or PNG).
pub(crate) fn read_enroll_code(bytes: &[u8]) -> Result<String> {
    let limits = Limits {
        min_edge: MIN_EDGE,
        ..Limits::default()
    };
    let rgb = examgate_photo::decode(bytes, &limits)?;
    let grey = DynamicImage::ImageRgb8(rgb).into_luma8();
    let mut texts = match scaled(&grey, FIRST_TRY_EDGE) {
        Some(small) => texts_in(small),
        None => Vec::new(),
    };
    if texts.is_empty() {
        texts = texts_in(grey);
    }
    if texts.is_empty() {
        return Err(no_qr());
    }
    let mut damaged = None;
    for text in &texts {
        let text = text.trim();
        match text.parse::<EnrollCode>() {
            Ok(_) => return Ok(text.to_owned()),
            // An examgate code of another version, or damaged: say what is wrong with it.
            Err(e) if text.starts_with("EG") => damaged = Some(e),
            Err(_) => {}
        }
    }
    Err(match damaged {
        Some(e) => IpcError::from(e),
        None => IpcError::new(
            ErrorCode::NotEnrollQr,
            "这个二维码不是 examgate 注册码；请扫描考点办公室给出的注册码 (this QR code is not an examgate enrollment code: scan the one the site office gave you)",
        ),
    })
}
