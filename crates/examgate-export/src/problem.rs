//! What can be wrong with a photo or a candidate in an archive, named so the office can act on
//! it: the export refuses listing every one (exit 1), or with `--allow-incomplete` writes each
//! into the manifest's 问题 column.
//!
//! Two families. A photo whose bytes are not there or not the ones its event names
//! ([`Fault::leaves_out`]) stays out of the archive: what is in it is always what the events
//! name. A photo whose bytes are right but whose signature does not vouch for it (none, invalid,
//! by a key the site does not trust), and a candidate whose devices disagree, are problems of
//! trust, not of bytes: under `--allow-incomplete` the photo goes in with its signature, so
//! `examgate verify --archive` names it again.

use std::fmt;

/// What is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Missing,
    /// The bytes' SHA-256 is not the one the event names.
    Altered {
        found: String,
    },
    Unreadable(String),
    /// No `<photo>.sig.json` beside the photo.
    NoSignature,
    /// The signature does not hold for these bytes and this student (why, as the check says).
    BadSignature(String),
    /// A valid signature, by a key not in the site's trust list (`examgate export keys`).
    Untrusted {
        signer: String,
    },
    /// The candidate's devices recorded outcomes that disagree and nobody has settled them
    /// (examgate-core's fold says `Conflict`).
    Conflict {
        room: String,
        outcomes: String,
    },
}

impl Fault {
    /// Whether the photo is kept out of the archive (its bytes are not the ones named).
    pub fn leaves_out(&self) -> bool {
        match self {
            Fault::Missing | Fault::Altered { .. } | Fault::Unreadable(_) => true,
            Fault::NoSignature
            | Fault::BadSignature(_)
            | Fault::Untrusted { .. }
            | Fault::Conflict { .. } => false,
        }
    }
}

/// One problem: a photo's (`file` and `sha256` name it) or, for a conflict, a candidate's
/// (`file` and `sha256` empty).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct Problem {
    pub student: String,
    pub file: String,
    /// The SHA-256 the event names.
    pub sha256: String,
    pub fault: Fault,
}

impl Problem {
    /// Whether this problem belongs on the manifest row of `student`'s photo `sha256`.
    pub fn concerns(&self, student: &str, sha256: &str) -> bool {
        self.student == student
            && (matches!(self.fault, Fault::Conflict { .. }) || self.sha256 == sha256)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Problem {
            student,
            file,
            fault,
            ..
        } = self;
        match fault {
            Fault::Conflict { room, outcomes } => write!(
                f,
                "考场 {room} 学号 {student}：各设备的记录相互冲突，尚未裁定 (the devices' events conflict and nobody settled them): {outcomes}"
            ),
            Fault::Missing => write!(f, "学号 {student} 的照片 {file}：文件缺失 (missing)"),
            Fault::Altered { .. } => write!(
                f,
                "学号 {student} 的照片 {file}：内容与记录不符，已被改动 (altered: SHA-256 differs)"
            ),
            Fault::Unreadable(e) => {
                write!(
                    f,
                    "学号 {student} 的照片 {file}：无法读取 (unreadable): {e}"
                )
            }
            Fault::NoSignature => write!(
                f,
                "学号 {student} 的照片 {file}：没有签名文件 (no signature)"
            ),
            Fault::BadSignature(why) => write!(
                f,
                "学号 {student} 的照片 {file}：签名无效 (the signature does not verify): {why}"
            ),
            Fault::Untrusted { signer } => write!(
                f,
                "学号 {student} 的照片 {file}：签名设备不受本考点信任 (signed by a key the site does not trust): {signer}"
            ),
        }
    }
}
