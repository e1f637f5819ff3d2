//! Why a device refuses a catalogue, and the checks that need no database: the content must hash
//! to the version's hash, stay within sizes no real site comes near, and hold together (every
//! candidate's sitting and room listed, no student or seat twice).

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveTime};
use examgate_core::documents::DocumentKind;
use examgate_core::model::{Role, StudentNumber};

use crate::catalogue::Catalogue;
use crate::pin_hash::{is_proof_salt, is_proof_verifier};

/// The most a catalogue may hold: far above a real site (the import allows 20,000 rows a file).
pub const MAX_CATALOGUE_CANDIDATES: usize = 200_000;
pub const MAX_CATALOGUE_ROOMS: usize = 5_000;
pub const MAX_CATALOGUE_STAFF: usize = 20_000;
pub const MAX_CATALOGUE_SITTINGS: usize = 200;
/// Longest name, address or label, in characters (the import refuses more than 120).
pub const MAX_CATALOGUE_TEXT: usize = 200;
/// Largest registration photo, as the import takes them.
pub const MAX_REGISTRATION_PHOTO: u64 = 2 * 1024 * 1024;

/// A catalogue the device will not apply; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueRefusal {
    #[error(
        "收到的名册版本 {offered} 早于本机已有的版本 {held}，未应用；如服务器数据已重建，请为本设备重新注册 (catalogue version {offered} is older than version {held} held here: not applied)"
    )]
    Older { held: u64, offered: u64 },
    #[error(
        "收到的名册与本机已有的版本 {version} 编号相同但内容不同，未应用 (a different catalogue under version {version}, which this device already holds: not applied)"
    )]
    DiffersAtSameVersion { version: u64 },
    #[error(
        "名册属于考点“{offered}”，本设备注册在“{enrolled}”，未应用 (the catalogue is of another site than this device's: not applied)"
    )]
    WrongSite { enrolled: String, offered: String },
    #[error(
        "新名册将删除已有记录的考生，未应用：{} (the catalogue would drop candidates who already have events: not applied)",
        .0.join("；")
    )]
    DropsCandidatesWithEvents(Vec<String>),
    #[error("名册缺少 {0} 张登记照片，未应用 ({0} registration photos are missing: not applied)")]
    PhotosMissing(usize),
    #[error("名册无效，未应用 (the catalogue is invalid: not applied): {0}")]
    Invalid(String),
}

impl CatalogueRefusal {
    pub fn code(&self) -> &'static str {
        match self {
            CatalogueRefusal::Older { .. } => "catalogue-older",
            CatalogueRefusal::DiffersAtSameVersion { .. } => "catalogue-differs",
            CatalogueRefusal::WrongSite { .. } => "catalogue-wrong-site",
            CatalogueRefusal::DropsCandidatesWithEvents(_) => "catalogue-drops-candidates",
            CatalogueRefusal::PhotosMissing(_) => "catalogue-photos-missing",
            CatalogueRefusal::Invalid(_) => "catalogue-invalid",
        }
    }
}

fn invalid(what: impl Into<String>) -> CatalogueRefusal {
    CatalogueRefusal::Invalid(what.into())
}

fn text(what: &str, s: &str) -> Result<(), CatalogueRefusal> {
    if s.chars().count() > MAX_CATALOGUE_TEXT || s.chars().any(char::is_control) {
        return Err(invalid(format!(
            "{what} 过长或含控制字符 (too long or has control characters)"
        )));
    }
    Ok(())
}

/// Checks what needs no database; the first problem found.
pub(crate) fn check(c: &Catalogue) -> Result<(), CatalogueRefusal> {
    let k = &c.content;
    if k.sittings.len() > MAX_CATALOGUE_SITTINGS
        || k.rooms.len() > MAX_CATALOGUE_ROOMS
        || k.candidates.len() > MAX_CATALOGUE_CANDIDATES
        || k.staff.len() > MAX_CATALOGUE_STAFF
    {
        return Err(invalid("条目过多 (too many entries)"));
    }
    if c.version == 0 || k.sha256() != c.sha256 {
        return Err(invalid(
            "内容与版本的哈希不符 (the content does not match its hash)",
        ));
    }
    text("考点 (site)", &k.site)?;
    text("考点地址 (site address)", &k.address)?;
    let mut sittings = HashSet::new();
    for s in &k.sittings {
        for (what, v) in [("场次", &s.label), ("考试", &s.exam), ("试卷号", &s.paper)] {
            text(what, v)?;
        }
        let start = NaiveTime::parse_from_str(&s.start, "%H:%M:%S");
        let end = NaiveTime::parse_from_str(&s.end, "%H:%M:%S");
        let ok = NaiveDate::parse_from_str(&s.date, "%Y-%m-%d").is_ok()
            && matches!((start, end), (Ok(a), Ok(b)) if a < b)
            && s.utc_offset_seconds.abs() < 24 * 3600;
        if !ok || !sittings.insert(s.label.as_str()) {
            return Err(invalid(format!(
                "场次“{}”的时间无效或重复 (bad or repeated sitting)",
                s.label
            )));
        }
    }
    let mut rooms = HashSet::new();
    for r in &k.rooms {
        text("考场 (room)", &r.number)?;
        text("考场地址 (room address)", &r.address)?;
        if !rooms.insert(r.number.as_str()) {
            return Err(invalid(format!(
                "考场 {} 重复 (room listed twice)",
                r.number
            )));
        }
    }
    let mut students = HashSet::new();
    let mut seats = HashSet::new();
    for c in &k.candidates {
        let who = &c.student_number;
        text("姓名 (name)", &c.name)?;
        let ok = StudentNumber::parse(who).is_ok()
            && DocumentKind::parse(&c.document_kind).is_some()
            && !c.document_number.is_empty()
            && c.document_number.len() <= 64
            && c.seat >= 1
            && sittings.contains(c.sitting.as_str())
            && rooms.contains(c.room.as_str())
            && students.insert((c.sitting.as_str(), who.as_str()))
            && seats.insert((c.sitting.as_str(), c.room.as_str(), c.seat));
        if !ok {
            return Err(invalid(format!(
                "考生 {who} 的条目无效或重复 (bad or repeated candidate)"
            )));
        }
        if let Some(f) = &c.photo_file {
            text("照片 (photo)", f)?;
        }
        if let Some(p) = &c.photo {
            let hex = p.sha256.len() == 64 && p.sha256.bytes().all(|b| b.is_ascii_hexdigit());
            let kind = matches!(p.content_type.as_str(), "image/jpeg" | "image/png");
            if !hex || !kind || p.size > MAX_REGISTRATION_PHOTO {
                return Err(invalid(format!(
                    "考生 {who} 的照片条目无效 (bad photo entry)"
                )));
            }
        }
    }
    let mut staff = HashSet::new();
    for s in &k.staff {
        text("工号 (staff number)", &s.id)?;
        text("姓名 (name)", &s.name)?;
        let room_ok = s.room.as_deref().is_none_or(|r| rooms.contains(r));
        let role = Role::parse(&s.role);
        // A PIN only for a chief examiner, as the server makes them.
        let pin_ok = s.pin.as_ref().is_none_or(|p| {
            role == Some(Role::ChiefExaminer)
                && is_proof_verifier(&p.verifier)
                && is_proof_salt(&p.salt)
        });
        if role.is_none() || !room_ok || !pin_ok || !staff.insert(s.id.as_str()) {
            return Err(invalid(format!(
                "工号 {} 的条目无效或重复 (bad or repeated staff)",
                s.id
            )));
        }
    }
    Ok(())
}
