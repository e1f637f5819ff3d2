//! What can be wrong with a document number, precisely enough to tell a person what to re-type.

use serde::Serialize;

/// Why a document number was rejected. `code()` is stable for the UI to switch on; `Display` is a
/// bilingual sentence for the CLI and import reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "kebab-case")]
pub enum Problem {
    #[error("号码为空 (the number is empty)")]
    Empty,
    #[error("应为 {expected} 位，实际 {got} 位 (should have {expected} characters, has {got})")]
    WrongLength { expected: String, got: usize },
    #[error(
        "第 {position} 位“{found}”不允许 (character {position}, '{found}', is not allowed here)"
    )]
    BadCharacter { position: usize, found: char },
    #[error("地区码 {region} 不存在 (region code {region} does not exist)")]
    UnknownRegion { region: String },
    #[error("出生日期 {date} 不是真实日期 (birth date {date} is not a real date)")]
    BadBirthDate { date: String },
    #[error(
        "校验位应为 {expected}，实际为 {found} (check character should be {expected}, is {found})"
    )]
    CheckCharacter { expected: char, found: char },
    #[error(
        "居住证号码须以 810000、820000 或 830000 开头 (a residence permit starts with 810000, 820000 or 830000)"
    )]
    PermitPrefix,
    #[error(
        "这是港澳台居民居住证号码，不是身份证号码 (this is a residence-permit number, not a resident ID)"
    )]
    PermitNotResidentId,
    #[error(
        "机读区第 {line} 行应为 44 个字符，实际 {got} (MRZ line {line} should have 44 characters, has {got})"
    )]
    MrzLineLength { line: usize, got: usize },
    #[error("机读区应为两行 (the MRZ should be two lines)")]
    MrzLines,
    #[error(
        "机读区不是护照 (TD3) 格式：第一行须以 P 开头 (the MRZ is not a passport TD3: line 1 must start with P)"
    )]
    MrzNotPassport,
    #[error(
        "机读区“{field}”校验位应为 {expected}，实际为 {found} (MRZ {field} check digit should be {expected}, is {found})"
    )]
    MrzCheckDigit {
        field: String,
        expected: char,
        found: char,
    },
    #[error(
        "护照号码 {given} 与机读区中的 {in_mrz} 不符 (passport number {given} does not match {in_mrz} in the MRZ)"
    )]
    MrzNumberMismatch { given: String, in_mrz: String },
    #[error(
        "无法判断证件类型，请指定类型 (cannot tell the document kind from its form; name the kind)"
    )]
    UnknownForm,
}

impl Problem {
    /// The stable, machine-readable name of this problem.
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Empty => "empty",
            Problem::WrongLength { .. } => "wrong-length",
            Problem::BadCharacter { .. } => "bad-character",
            Problem::UnknownRegion { .. } => "unknown-region",
            Problem::BadBirthDate { .. } => "bad-birth-date",
            Problem::CheckCharacter { .. } => "check-character",
            Problem::PermitPrefix => "permit-prefix",
            Problem::PermitNotResidentId => "permit-not-resident-id",
            Problem::MrzLineLength { .. } => "mrz-line-length",
            Problem::MrzLines => "mrz-lines",
            Problem::MrzNotPassport => "mrz-not-passport",
            Problem::MrzCheckDigit { .. } => "mrz-check-digit",
            Problem::MrzNumberMismatch { .. } => "mrz-number-mismatch",
            Problem::UnknownForm => "unknown-form",
        }
    }
}

/// Checks that `s` has `len` characters, each accepted by `ok`; the position in an error is 1-based.
pub(super) fn shape(s: &str, len: &[usize], ok: impl Fn(usize, u8) -> bool) -> Result<(), Problem> {
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    if let Some((i, c)) = s.char_indices().find(|(_, c)| !c.is_ascii()) {
        return Err(Problem::BadCharacter {
            position: s[..i].chars().count() + 1,
            found: c,
        });
    }
    if !len.contains(&s.len()) {
        let expected = len
            .iter()
            .map(usize::to_string)
            .collect::<Vec<_>>()
            .join("/");
        return Err(Problem::WrongLength {
            expected,
            got: s.len(),
        });
    }
    match s.bytes().enumerate().find(|&(i, b)| !ok(i, b)) {
        Some((i, b)) => Err(Problem::BadCharacter {
            position: i + 1,
            found: char::from(b),
        }),
        None => Ok(()),
    }
}
