//! Everything the photo pipeline can refuse, with a stable `code()` for the UI to switch on and a
//! bilingual message that tells the proctor (or the office) what to do next.

use std::path::PathBuf;

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a photo could not be processed, signed, stored or checked.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("照片为空（0 字节），请重拍 (the photo is empty, 0 bytes: take it again)")]
    Empty,
    #[error(
        "不是 JPEG 或 PNG 图片，请重拍或选择照片文件 (not a JPEG or PNG image: take the photo again or pick a photo file)"
    )]
    NotAnImage,
    #[error(
        "不支持 {format} 格式，请把相机设为 JPEG（“兼容性最佳”）后重拍 ({format} is not supported: set the camera to JPEG, \"Most Compatible\", and take the photo again)"
    )]
    UnsupportedFormat { format: &'static str },
    #[error(
        "图片已损坏，无法解码，请重拍 (the image is corrupt and cannot be decoded: take it again): {detail}"
    )]
    Corrupt { detail: String },
    #[error("图片不完整（文件被截断），请重拍 (the image is truncated: take it again)")]
    Truncated,
    #[error(
        "图片尺寸 {width}×{height} 超出上限（{max_megapixels} 百万像素，每边 {max_edge} 像素），未解码 ({width}×{height} exceeds the limit of {max_megapixels} MP and {max_edge} px per edge; refused before decoding)"
    )]
    TooLarge {
        width: u64,
        height: u64,
        max_megapixels: u64,
        max_edge: u64,
    },
    #[error(
        "图片太小（{width}×{height}），短边至少 {min_edge} 像素，请重拍 (the image is too small, {width}×{height}: its shorter edge needs at least {min_edge} px)"
    )]
    TooSmall {
        width: u32,
        height: u32,
        min_edge: u32,
    },
    #[error("照片信息“{field}”无效 (invalid photo information): {reason}")]
    InvalidField { field: &'static str, reason: String },
    #[error(
        "字体 {font} 缺少这些字符：{missing}。请安装 fonts-wqy-microhei（或 fonts-noto-cjk）字体包，或指定一个含这些字符的字体文件 (font {font} cannot draw: {missing}; install the fonts-wqy-microhei or fonts-noto-cjk package, or configure a font file that has them)"
    )]
    MissingGlyphs { font: String, missing: String },
    #[error("字体文件 {path} 无法使用：{reason} (the font file cannot be used)")]
    FontFile { path: PathBuf, reason: String },
    #[error("照片处理失败，请重试 (processing the photo failed; try again): {detail}")]
    Internal { detail: String },
    #[error("EXIF 写入失败 (writing EXIF failed): {detail}")]
    Exif { detail: String },
    #[error(
        "设备密钥文件 {path} 无法使用：{reason}。文件未被改动；如需新密钥，请把它移走后重试，并告知考点 (the device key file cannot be used: {reason}; it was left as is: move it aside to make a new key, and tell the site office)"
    )]
    DeviceKey { path: PathBuf, reason: String },
    #[error("{action} {path} 失败 (failed: {action} {path}): {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "考生 {student} 的照片已有 {count} 张，不再保存新的；请先整理照片文件夹 (candidate {student} already has {count} photos; tidy the photo folder first)"
    )]
    TooManyPhotos { student: String, count: u32 },
    #[error("{path} 已存在，不会覆盖 (already exists; it is never overwritten)")]
    OutputExists { path: PathBuf },
}

impl Error {
    /// The stable, machine-readable name of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "empty",
            Error::NotAnImage => "not-an-image",
            Error::UnsupportedFormat { .. } => "unsupported-format",
            Error::Corrupt { .. } => "corrupt",
            Error::Truncated => "truncated",
            Error::TooLarge { .. } => "too-large",
            Error::TooSmall { .. } => "too-small",
            Error::InvalidField { .. } => "invalid-field",
            Error::MissingGlyphs { .. } => "missing-glyphs",
            Error::FontFile { .. } => "font-file",
            Error::Internal { .. } => "internal",
            Error::Exif { .. } => "exif",
            Error::DeviceKey { .. } => "device-key",
            Error::Io { .. } => "io",
            Error::TooManyPhotos { .. } => "too-many-photos",
            Error::OutputExists { .. } => "output-exists",
        }
    }

    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}
