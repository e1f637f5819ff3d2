//! The catalogue on the wire (`GET /v1/catalogue`, `/v1/catalogue/version`,
//! `/v1/catalogue/photos/{sha256}`): the store's catalogue types mirrored with their schemas, so
//! the store keeps its own model and the wire stays versioned. Converting is lossless both ways:
//! the device recomputes the content hash from what it converted and refuses a mismatch.
//!
//! The catalogue holds whole document numbers (the door compares typed IDs against them); it
//! travels only over the pinned TLS channel to an enrolled device of its site.

use examgate_store as store;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The largest catalogue answer a device reads (a 10,000-candidate site is about 3 MB).
pub const CATALOGUE_RESPONSE_LIMIT: usize = 64 * 1024 * 1024;

/// A site's catalogue. `version` grows whenever the content changes; `sha256` is the SHA-256 of
/// the content's compact JSON (the store's `CatalogueContent`), so equal versions mean equal bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    pub version: u64,
    pub sha256: String,
    /// 考点
    pub site: String,
    pub address: String,
    pub sittings: Vec<CatalogueSitting>,
    pub rooms: Vec<CatalogueRoom>,
    pub candidates: Vec<CatalogueCandidate>,
    pub staff: Vec<CatalogueStaff>,
}

/// A sitting (场次) the site has candidates in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueSitting {
    pub label: String,
    pub exam: String,
    /// YYYY-MM-DD
    pub date: String,
    /// HH:MM:SS, exam local time
    pub start: String,
    pub end: String,
    pub paper: String,
    pub utc_offset_seconds: i32,
    /// 演练: its exam time may be set freely.
    pub drill: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueRoom {
    pub number: String,
    pub address: String,
    pub seats: Option<u32>,
}

/// A candidate of one sitting, with the whole document number.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueCandidate {
    pub sitting: String,
    pub student_number: String,
    pub name: String,
    pub document_kind: String,
    pub document_number: String,
    pub room: String,
    pub seat: u32,
    pub photo_file: Option<String>,
    pub photo: Option<PhotoRef>,
}

impl std::fmt::Debug for CatalogueCandidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        store::CatalogueCandidate::from(self.clone()).fmt(f)
    }
}

/// A registration photo: fetch it from `/v1/catalogue/photos/{sha256}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoRef {
    pub sha256: String,
    pub content_type: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogueStaff {
    pub id: String,
    pub name: String,
    /// `proctor` or `chief-examiner`
    pub role: String,
    pub room: Option<String>,
    /// A chief examiner's PIN as the office set it at the server (`examgate serve chief-pin`);
    /// absent for a proctor and for a chief whose PIN is not set there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<ChiefPin>,
}

/// What a device checks a chief's typed PIN with: the salt it makes the chief's proof key with
/// (argon2id of the PIN) and the key's verifier (SHA-256 with a domain). The proof key itself
/// never leaves the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChiefPin {
    /// 64 hex digits
    pub verifier: String,
    /// 32 hex digits
    pub salt: String,
}

/// `GET /v1/catalogue/version`: which catalogue the server has for the device's site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CatalogueVersion {
    pub site: String,
    pub version: u64,
    pub sha256: String,
}

impl CatalogueVersion {
    /// The entity tag of this version, as `GET /v1/catalogue` sends it and `If-None-Match`
    /// returns it.
    pub fn etag(&self) -> String {
        format!("\"{}-{}\"", self.version, self.sha256)
    }
}

impl From<store::CatalogueVersion> for CatalogueVersion {
    fn from(v: store::CatalogueVersion) -> Self {
        CatalogueVersion {
            site: v.site,
            version: v.version,
            sha256: v.sha256,
        }
    }
}

macro_rules! mirror {
    ($from:path => $to:path { $($field:ident),* }) => {
        impl From<$from> for $to {
            fn from(x: $from) -> Self {
                Self { $($field: x.$field.into()),* }
            }
        }
    };
}

mirror!(store::CatalogueSitting => CatalogueSitting
    { label, exam, date, start, end, paper, utc_offset_seconds, drill });
mirror!(CatalogueSitting => store::CatalogueSitting
    { label, exam, date, start, end, paper, utc_offset_seconds, drill });
mirror!(store::CatalogueRoom => CatalogueRoom { number, address, seats });
mirror!(CatalogueRoom => store::CatalogueRoom { number, address, seats });
mirror!(store::PhotoRef => PhotoRef { sha256, content_type, size });
mirror!(PhotoRef => store::PhotoRef { sha256, content_type, size });
mirror!(store::ChiefPin => ChiefPin { verifier, salt });
mirror!(ChiefPin => store::ChiefPin { verifier, salt });

impl From<store::CatalogueStaff> for CatalogueStaff {
    fn from(x: store::CatalogueStaff) -> Self {
        CatalogueStaff {
            id: x.id,
            name: x.name,
            role: x.role,
            room: x.room,
            pin: x.pin.map(Into::into),
        }
    }
}

impl From<CatalogueStaff> for store::CatalogueStaff {
    fn from(x: CatalogueStaff) -> Self {
        store::CatalogueStaff {
            id: x.id,
            name: x.name,
            role: x.role,
            room: x.room,
            pin: x.pin.map(Into::into),
        }
    }
}

impl From<store::CatalogueCandidate> for CatalogueCandidate {
    fn from(x: store::CatalogueCandidate) -> Self {
        CatalogueCandidate {
            sitting: x.sitting,
            student_number: x.student_number,
            name: x.name,
            document_kind: x.document_kind,
            document_number: x.document_number,
            room: x.room,
            seat: x.seat,
            photo_file: x.photo_file,
            photo: x.photo.map(Into::into),
        }
    }
}

impl From<CatalogueCandidate> for store::CatalogueCandidate {
    fn from(x: CatalogueCandidate) -> Self {
        store::CatalogueCandidate {
            sitting: x.sitting,
            student_number: x.student_number,
            name: x.name,
            document_kind: x.document_kind,
            document_number: x.document_number,
            room: x.room,
            seat: x.seat,
            photo_file: x.photo_file,
            photo: x.photo.map(Into::into),
        }
    }
}

fn all<A, B: From<A>>(v: Vec<A>) -> Vec<B> {
    v.into_iter().map(B::from).collect()
}

impl From<store::Catalogue> for Catalogue {
    fn from(c: store::Catalogue) -> Self {
        let k = c.content;
        Catalogue {
            version: c.version,
            sha256: c.sha256,
            site: k.site,
            address: k.address,
            sittings: all(k.sittings),
            rooms: all(k.rooms),
            candidates: all(k.candidates),
            staff: all(k.staff),
        }
    }
}

impl From<Catalogue> for store::Catalogue {
    fn from(c: Catalogue) -> Self {
        store::Catalogue {
            version: c.version,
            sha256: c.sha256,
            content: store::CatalogueContent {
                site: c.site,
                address: c.address,
                sittings: all(c.sittings),
                rooms: all(c.rooms),
                candidates: all(c.candidates),
                staff: all(c.staff),
            },
        }
    }
}
