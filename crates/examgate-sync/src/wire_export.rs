//! The wire types of the photo archive's download (`GET /v1/exports/archive`): the site's chief
//! examiner's device asks the site server for its own site's emergency-photo archive of a sitting
//! (the ZIP the notice asks each site for; see the `examgate-export` crate) and gets the ZIP
//! whole, or a 409 naming every photo that keeps it from being made, never a partial ZIP.
//! Re-exported from [`crate::wire`].

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::wire::ErrorCode;

/// The route, under [`crate::wire::PREFIX`].
pub const ARCHIVE_ROUTE: &str = "/exports/archive";

/// `GET /v1/exports/archive` parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArchiveQuery {
    /// The sitting's label, e.g. `2023春 第一次`.
    pub sitting: String,
}

/// What is wrong with one photo of the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveFault {
    /// The server does not hold the photo the event names (not uploaded yet, or lost).
    Missing,
    /// The server's file is not the one the event names (its SHA-256 differs).
    Altered,
    /// The file could not be read.
    Unreadable,
    /// The photo has no signature (the archive's trust checks, `examgate-export`).
    NoSignature,
    /// The photo's signature does not verify.
    BadSignature,
    /// The photo is signed by a key the site does not trust.
    Untrusted,
    /// The candidate's devices recorded outcomes that disagree and nobody settled them.
    Conflict,
}

/// One photo that keeps the archive from being made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ArchiveProblem {
    /// The candidate's student number (学号).
    pub student: String,
    /// The photo's file name as the door recorded it.
    pub file: String,
    pub fault: ArchiveFault,
    /// The problem for a person, Chinese then English.
    pub message: String,
}

/// The 409 answer of an archive that was refused: every problem, and no ZIP.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ArchiveRefused {
    /// `archive_refused`.
    pub code: ErrorCode,
    pub message: String,
    pub problems: Vec<ArchiveProblem>,
}
