//! The EXIF block written into every stamped photo, and its insertion into the JPEG.
//!
//! Fields (little-endian TIFF, so the UTF-16 below is little-endian too):
//! - IFD0 `ImageDescription` (0x010E): the student number, ASCII;
//! - IFD0 `Orientation` (0x0112) = 1: the pixels are already upright;
//! - IFD0 `Software` (0x0131), `DateTime` (0x0132) = capture time;
//! - IFD0 `XPComment` (0x9C9C): the Chinese summary (`Metadata::comment`), UTF-16LE, NUL-ended;
//! - Exif `ExifVersion` 0232, `DateTimeOriginal` (0x9003) local time, `OffsetTime` (0x9010) and
//!   `OffsetTimeOriginal` (0x9011) = e.g. `+08:00`;
//! - Exif `UserComment` (0x9286): `UNICODE\0` + the same summary in UTF-16LE.
//!
//! Nothing from the camera's own EXIF is kept (GPS, device serials); only its ICC profile is, so
//! the colours display as shot. Written with kamadak-exif's (experimental) writer and placed
//! with img-parts.

use exif::experimental::Writer;
use exif::{Context, Field, In, Tag, Value};
use img_parts::jpeg::Jpeg;
use img_parts::{Bytes, ImageEXIF, ImageICC};

use crate::error::{Error, Result};
use crate::meta::Metadata;

/// XPComment, a Windows tag in IFD0 that kamadak-exif has no name for.
pub const XP_COMMENT: Tag = Tag(Context::Tiff, 0x9C9C);

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn ascii(s: String) -> Value {
    Value::Ascii(vec![s.into_bytes()])
}

/// The TIFF/EXIF bytes (without the `Exif\0\0` prefix) for `meta`.
pub(crate) fn exif_block(meta: &Metadata) -> Result<Vec<u8>> {
    let exif_time = meta.time.format("%Y:%m:%d %H:%M:%S").to_string();
    let offset = meta.time.format("%:z").to_string();
    let comment = meta.comment();
    let mut xp = utf16le(&comment);
    xp.extend_from_slice(&[0, 0]);
    let mut user = b"UNICODE\0".to_vec();
    user.extend(utf16le(&comment));

    let field = |tag, value| Field {
        tag,
        ifd_num: In::PRIMARY,
        value,
    };
    let fields = [
        field(Tag::ImageDescription, ascii(meta.student.clone())),
        field(Tag::Orientation, Value::Short(vec![1])),
        field(
            Tag::Software,
            ascii(format!("examgate {}", env!("CARGO_PKG_VERSION"))),
        ),
        field(Tag::DateTime, ascii(exif_time.clone())),
        field(XP_COMMENT, Value::Byte(xp)),
        field(Tag::ExifVersion, Value::Undefined(b"0232".to_vec(), 0)),
        field(Tag::DateTimeOriginal, ascii(exif_time)),
        field(Tag::OffsetTime, ascii(offset.clone())),
        field(Tag::OffsetTimeOriginal, ascii(offset)),
        field(Tag::UserComment, Value::Undefined(user, 0)),
    ];
    let mut writer = Writer::new();
    for f in &fields {
        writer.push_field(f);
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    writer.write(&mut buf, true).map_err(|e| Error::Exif {
        detail: e.to_string(),
    })?;
    Ok(buf.into_inner())
}

/// Puts `exif` (and the original ICC profile, if any) into the encoded JPEG.
pub(crate) fn insert(jpeg: Vec<u8>, exif: Vec<u8>, icc: Option<Bytes>) -> Result<Vec<u8>> {
    let capacity = jpeg.len() + exif.len() + icc.as_ref().map_or(0, Bytes::len) + 64;
    let mut image = Jpeg::from_bytes(Bytes::from(jpeg)).map_err(|e| Error::Exif {
        detail: e.to_string(),
    })?;
    image.set_exif(Some(Bytes::from(exif)));
    if icc.is_some() {
        image.set_icc_profile(icc);
    }
    let mut out = Vec::with_capacity(capacity);
    image
        .encoder()
        .write_to(&mut out)
        .map_err(|e| Error::Exif {
            detail: e.to_string(),
        })?;
    Ok(out)
}
