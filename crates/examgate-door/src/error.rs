//! The one error the screens see: `{code, message, details}`. `code` is what the UI switches on
//! (never the message): an [`ErrorCode`], generated into TypeScript as a union of its wire values
//! and a const object (`ErrorCode.WrongPin`), so a screen compares against the generated names and
//! a typo fails to compile. `message` is for people, bilingual, saying what to do next; `details`
//! carries one line per import error.
//!
//! Every error of the crates below (the store's, the door rules', the photo pipeline's) is mapped
//! here by a `match` without a catch-all arm: a new error there does not compile until someone
//! decides what the screens see for it.

use examgate_core::door::DoorError;
use examgate_store::StoreError;
use examgate_sync::SyncError;
use examgate_sync::enroll::EnrollError;
use examgate_sync::wire::ErrorCode as ServerCode;
use serde::Serialize;
use ts_rs::TS;

/// Declares [`ErrorCode`] with each variant's wire value written out once, plus the list of all
/// of them (the TypeScript const object is generated from it).
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $name:ident = $wire:literal,)*) => {
        /// What went wrong, for the screens to switch on. One variant per thing the person at the
        /// door (or the office) does differently; the failures where they can only report it
        /// share [`ErrorCode::Database`] and [`ErrorCode::Internal`]. The wire values are stable:
        /// the UI and the end-to-end tests read them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $wire)] $name,)*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$name,)*];

            /// The wire value (`"wrong-pin"`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $wire,)*
                }
            }

            /// The Rust (and TypeScript const) name (`"WrongPin"`).
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => stringify!($name),)*
                }
            }
        }
    };
}

error_codes! {
    // The door's rules.
    /// The candidate is already in the room.
    AlreadyAdmitted = "already-admitted",
    AlreadyAbsent = "already-absent",
    /// A manual verification waits for the chief examiner.
    AwaitingApproval = "awaiting-approval",
    NothingToApprove = "nothing-to-approve",
    NotChiefExaminer = "not-chief-examiner",
    TooEarlyForAbsent = "too-early-for-absent",
    /// Devices disagree about the candidate.
    Conflict = "conflict",
    NoConflict = "no-conflict",
    /// A vouch was sent without its photo.
    PhotoNeeded = "photo-needed",
    /// A photo was sent without a vouch begun (or after T+30).
    VouchFirst = "vouch-first",
    // Lookups.
    UnknownSitting = "unknown-sitting",
    UnknownCandidate = "unknown-candidate",
    UnknownStaff = "unknown-staff",
    UnknownRoom = "unknown-room",
    /// An edit names a violation the candidate does not have.
    UnknownViolation = "unknown-violation",
    // PINs and the chief examiner's authority.
    WeakPin = "weak-pin",
    PinAlreadySet = "pin-already-set",
    /// An enrolled device: the chief's PIN is set at the site server (`examgate serve chief-pin`).
    PinSetAtServer = "pin-set-at-server",
    NoPin = "no-pin",
    WrongPin = "wrong-pin",
    /// Too many wrong PINs: the message says how many seconds to wait.
    PinLocked = "pin-locked",
    ExamTimeNeedsChief = "exam-time-needs-chief",
    // Input the screens sent or the office chose.
    /// The import was refused; `details` has one line per problem.
    Import = "import",
    UnreadableFile = "unreadable-file",
    BadTime = "bad-time",
    BadPhotoRequest = "bad-photo-request",
    // The fallback photo.
    PhotoEmpty = "empty",
    NotAnImage = "not-an-image",
    UnsupportedFormat = "unsupported-format",
    CorruptImage = "corrupt",
    TruncatedImage = "truncated",
    TooLarge = "too-large",
    TooSmall = "too-small",
    TooManyPhotos = "too-many-photos",
    /// The stamp font lacks characters (the office installs a font).
    MissingGlyphs = "missing-glyphs",
    FontFile = "font-file",
    /// The device's signing key file is unusable.
    DeviceKey = "device-key",
    /// The photo a manual verification rests on is not the one recorded.
    PhotoAltered = "photo-altered",
    PhotoMissing = "photo-missing",
    /// The chief's screen: the room's device has not uploaded the photo to the server yet.
    PhotoUploading = "photo-uploading",
    // The site server: connecting (enrollment) and reading a code's QR.
    /// Not an enrollment code (damaged, another version, a plain-HTTP address, unknown secret).
    BadEnrollCode = "bad-enroll-code",
    /// The enrollment code was already used, or has expired: the office issues a new one.
    EnrollCodeSpent = "enroll-code-spent",
    /// None of the code's addresses answered (not on the site's Wi-Fi, server not running).
    ServerUnreachable = "server-unreachable",
    /// The server's certificate is not the one the code pins: nothing was sent to it.
    CertificateMismatch = "certificate-mismatch",
    /// The server refused for another reason (the message says which) or answered nonsense.
    ServerRefused = "server-refused",
    /// A sync was asked of a device not connected to a site server.
    NotEnrolled = "not-enrolled",
    // The photo archive from the chief examiner's screen.
    /// The server refused the archive: `details` names each photo missing or altered.
    ArchiveRefused = "archive-refused",
    /// The server is making another archive: try again shortly.
    ExportBusy = "export-busy",
    /// The archive received is not the whole ZIP announced.
    ArchiveDamaged = "archive-damaged",
    /// The archive cannot be written where the chief chose.
    SaveFailed = "save-failed",
    /// The site's name or the sitting's date cannot make the notice's file name.
    BadArchiveName = "bad-archive-name",
    /// The picture holds no readable QR code.
    NoQrCode = "no-qr-code",
    /// The picture's QR code is not an examgate enrollment code.
    NotEnrollQr = "not-enroll-qr",
    // Catch-alls: nothing to do at the door but report it.
    /// The device's database, its key, its migrations or its stored events cannot be used.
    Database = "database",
    /// A fault of the program or the device (a lock, hashing, EXIF, a file operation).
    Internal = "internal",
    // Never sent by Rust: the UI's own, so that they are typed like the rest.
    /// A rejection that was not an `IpcError` (Tauri's own failures, a script error).
    Unexpected = "unexpected",
    /// The browser-only preview (no Rust behind it) cannot record anything.
    PreviewOnly = "preview-only",
    // The room's day: the count check and violations.
    /// A count check (or its photo) before T+30 by the exam clock.
    TooEarlyForCountCheck = "too-early-for-count-check",
    /// The platform count typed is not a count, or more than the room's candidates.
    BadCount = "bad-count",
    /// The candidate is not in (or not admitted to) this room.
    NotInRoom = "not-in-room",
    /// The violation form is missing what happened, a proctor, or a time during the sitting.
    BadViolation = "bad-violation",
    // Closing the room and settling conflicts (the chief examiner's).
    /// A conflict was settled to an outcome no device recorded.
    OutcomeNotInConflict = "outcome-not-in-conflict",
    /// A refusal (settling a conflict) without a reason.
    RefusalNeedsReason = "refusal-needs-reason",
    /// The room is closed only after the end of the exam.
    TooEarlyToClose = "too-early-to-close",
    /// Items are unresolved: the closing screen lists them.
    Unresolved = "unresolved",
    /// The room is closed: nothing more is recorded, edited or waived for it.
    RoomClosed = "room-closed",
    /// Someone neither a proctor of the room nor the chief tried to close it.
    NotOfRoom = "not-of-room",
    WaiverNeedsReason = "waiver-needs-reason",
    /// The item is not unresolved (or already waived).
    NothingToWaive = "nothing-to-waive",
    // Proctors at the room and its timeline.
    /// The staff number is of another site.
    NotOfSite = "not-of-site",
    /// A chief examiner tried to sign in as a proctor.
    NotProctor = "not-proctor",
    AlreadySignedIn = "already-signed-in",
    /// The first PIN, typed twice, differed.
    PinsDiffer = "pins-differ",
    /// Not a substitute waiting for approval at this room.
    NoSubstitute = "no-substitute",
    /// A timeline step ticked before its time.
    StepNotDue = "step-not-due",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The wire value compared with a string: how tests say which code a caller receives.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
    pub details: Vec<String>,
}

pub type Result<T, E = IpcError> = std::result::Result<T, E>;

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> IpcError {
        IpcError {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }
}

/// What the screens see for a door rule's refusal.
pub(crate) fn door_code(e: &DoorError) -> ErrorCode {
    match e {
        DoorError::AlreadyAdmitted => ErrorCode::AlreadyAdmitted,
        DoorError::AlreadyAbsent => ErrorCode::AlreadyAbsent,
        DoorError::AwaitingApproval => ErrorCode::AwaitingApproval,
        DoorError::NothingToApprove => ErrorCode::NothingToApprove,
        DoorError::NotChiefExaminer => ErrorCode::NotChiefExaminer,
        DoorError::TooEarlyForAbsent => ErrorCode::TooEarlyForAbsent,
        DoorError::Conflict => ErrorCode::Conflict,
        DoorError::NoConflict => ErrorCode::NoConflict,
        DoorError::OutcomeNotInConflict => ErrorCode::OutcomeNotInConflict,
        DoorError::RefusalNeedsReason => ErrorCode::RefusalNeedsReason,
        DoorError::TooEarlyToClose => ErrorCode::TooEarlyToClose,
        DoorError::Unresolved { .. } => ErrorCode::Unresolved,
        DoorError::RoomClosed => ErrorCode::RoomClosed,
        DoorError::NotOfRoom => ErrorCode::NotOfRoom,
        DoorError::WaiverNeedsReason => ErrorCode::WaiverNeedsReason,
        DoorError::NothingToWaive => ErrorCode::NothingToWaive,
    }
}

/// What the screens see for a store error.
pub(crate) fn store_code(e: &StoreError) -> ErrorCode {
    match e {
        StoreError::Door(e) => door_code(e),
        StoreError::Import(_) => ErrorCode::Import,
        StoreError::UnknownSitting(_) => ErrorCode::UnknownSitting,
        StoreError::UnknownCandidate(_) => ErrorCode::UnknownCandidate,
        StoreError::UnknownStaff(_) => ErrorCode::UnknownStaff,
        StoreError::UnknownRoom { .. } => ErrorCode::UnknownRoom,
        StoreError::UnknownViolation { .. } => ErrorCode::UnknownViolation,
        StoreError::TooEarlyForCountCheck => ErrorCode::TooEarlyForCountCheck,
        StoreError::BadCount(_) => ErrorCode::BadCount,
        StoreError::NotInRoom { .. } => ErrorCode::NotInRoom,
        StoreError::ViolationForm(_) => ErrorCode::BadViolation,
        StoreError::NotChief(_) => ErrorCode::NotChiefExaminer,
        StoreError::WeakPin => ErrorCode::WeakPin,
        StoreError::PinAlreadySet(_) => ErrorCode::PinAlreadySet,
        StoreError::PinSetAtServer(_) => ErrorCode::PinSetAtServer,
        StoreError::NoPin(_) => ErrorCode::NoPin,
        StoreError::WrongPin { .. } => ErrorCode::WrongPin,
        StoreError::PinLocked { .. } => ErrorCode::PinLocked,
        StoreError::ExamTimeNeedsChief(_) => ErrorCode::ExamTimeNeedsChief,
        StoreError::NotOfSite { .. } => ErrorCode::NotOfSite,
        StoreError::NotProctor(_) => ErrorCode::NotProctor,
        StoreError::AlreadySignedIn(_) => ErrorCode::AlreadySignedIn,
        StoreError::PinsDiffer => ErrorCode::PinsDiffer,
        StoreError::NoSubstitute(_) => ErrorCode::NoSubstitute,
        StoreError::StepNotDue => ErrorCode::StepNotDue,
        StoreError::NotAtRoom { .. } => ErrorCode::NotOfRoom,
        StoreError::Sqlite(_)
        | StoreError::Migration { .. }
        | StoreError::CorruptEvent(_)
        | StoreError::BadSittingTime(_)
        | StoreError::Undecryptable { .. }
        | StoreError::KeystoreUnavailable { .. }
        | StoreError::DbKey { .. }
        | StoreError::Private { .. } => ErrorCode::Database,
        // Only a pull from a device whose own events were never signed: no screen asks for that.
        StoreError::UnsignedEvent { .. } => ErrorCode::Internal,
        // Hashing failed, or a screen sent decide_with_pin something other than approve/reject.
        StoreError::Pin(_) => ErrorCode::Internal,
        // Catalogues are applied by the sync engine, which reports its own refusals.
        StoreError::Catalogue(_) => ErrorCode::Internal,
    }
}

/// What the screens see for a photo pipeline error.
pub(crate) fn photo_code(e: &examgate_photo::Error) -> ErrorCode {
    use examgate_photo::Error as E;
    match e {
        E::Empty => ErrorCode::PhotoEmpty,
        E::NotAnImage => ErrorCode::NotAnImage,
        E::UnsupportedFormat { .. } => ErrorCode::UnsupportedFormat,
        E::Corrupt { .. } => ErrorCode::CorruptImage,
        E::Truncated => ErrorCode::TruncatedImage,
        E::TooLarge { .. } => ErrorCode::TooLarge,
        E::TooSmall { .. } => ErrorCode::TooSmall,
        E::TooManyPhotos { .. } => ErrorCode::TooManyPhotos,
        E::MissingGlyphs { .. } => ErrorCode::MissingGlyphs,
        E::FontFile { .. } => ErrorCode::FontFile,
        E::DeviceKey { .. } => ErrorCode::DeviceKey,
        // The card's own data unfit for the stamp, or the machinery: nothing to retake.
        E::InvalidField { .. }
        | E::Internal { .. }
        | E::Exif { .. }
        | E::Io { .. }
        | E::OutputExists { .. } => ErrorCode::Internal,
    }
}

/// What the screens see for a server's refusal, by the server's own code.
pub(crate) fn server_code(c: ServerCode) -> ErrorCode {
    match c {
        ServerCode::EnrollCodeUnknown => ErrorCode::BadEnrollCode,
        ServerCode::EnrollCodeUsed | ServerCode::EnrollCodeExpired => ErrorCode::EnrollCodeSpent,
        ServerCode::NotChief => ErrorCode::NotChiefExaminer,
        ServerCode::ArchiveRefused => ErrorCode::ArchiveRefused,
        ServerCode::ExportBusy => ErrorCode::ExportBusy,
        ServerCode::BadJson
        | ServerCode::BadClockSample
        | ServerCode::KeyProofInvalid
        | ServerCode::Unauthorized
        | ServerCode::DeviceRevoked
        | ServerCode::NotFound
        | ServerCode::MethodNotAllowed
        | ServerCode::DeviceConflict
        | ServerCode::EventsQuarantined
        | ServerCode::BatchOutOfOrder
        | ServerCode::PhotoNotDeclared
        | ServerCode::PhotoNotYours
        | ServerCode::UploadOffsetMismatch
        | ServerCode::PhotoHashMismatch
        | ServerCode::PhotoSignatureInvalid
        | ServerCode::TooLarge
        | ServerCode::Internal => ErrorCode::ServerRefused,
    }
}

/// What the screens see for a failure talking to the site server.
pub(crate) fn sync_code(e: &SyncError) -> ErrorCode {
    match e {
        SyncError::InsecureUrl(_) | SyncError::BadUrl(_) | SyncError::BadCode(_) => {
            ErrorCode::BadEnrollCode
        }
        SyncError::WrongCertificate { .. } => ErrorCode::CertificateMismatch,
        SyncError::Unreachable { .. } => ErrorCode::ServerUnreachable,
        SyncError::Refused { code: Some(c), .. } => server_code(*c),
        SyncError::Refused { code: None, .. } | SyncError::BadResponse(_) => {
            ErrorCode::ServerRefused
        }
        SyncError::NotEnrolled => ErrorCode::NotEnrolled,
        SyncError::Store(e) => store_code(e),
        SyncError::Tls(_) | SyncError::StoreLock(_) => ErrorCode::Internal,
    }
}

/// What the screens see for a failed enrollment.
pub(crate) fn enroll_code(e: &EnrollError) -> ErrorCode {
    match e {
        EnrollError::Sync(e) => sync_code(e),
        EnrollError::Store(e) => store_code(e),
        EnrollError::NotSaved(_) => ErrorCode::Database,
        EnrollError::OtherDevice => ErrorCode::ServerRefused,
        EnrollError::StoreLock => ErrorCode::Internal,
    }
}

impl From<SyncError> for IpcError {
    fn from(e: SyncError) -> IpcError {
        IpcError::new(sync_code(&e), e.to_string())
    }
}

impl From<EnrollError> for IpcError {
    fn from(e: EnrollError) -> IpcError {
        IpcError::new(enroll_code(&e), e.to_string())
    }
}

impl From<StoreError> for IpcError {
    fn from(e: StoreError) -> IpcError {
        let details = match &e {
            StoreError::Import(errors) => errors.iter().map(ToString::to_string).collect(),
            _ => Vec::new(),
        };
        IpcError {
            code: store_code(&e),
            message: e.to_string(),
            details,
        }
    }
}

impl From<examgate_photo::Error> for IpcError {
    fn from(e: examgate_photo::Error) -> IpcError {
        IpcError::new(photo_code(&e), e.to_string())
    }
}

impl std::fmt::Display for IpcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for IpcError {}

#[cfg(test)]
mod tests {
    use super::*;

    /// The store's own codes (the CLI prints them) and the codes the screens see agree wherever
    /// the screens tell the error apart; only the catch-alls differ.
    #[test]
    fn the_screens_see_the_stores_own_code_except_for_the_catch_alls() {
        let s = String::new;
        let distinct = [
            StoreError::Door(DoorError::AlreadyAdmitted),
            StoreError::Door(DoorError::AlreadyAbsent),
            StoreError::Door(DoorError::AwaitingApproval),
            StoreError::Door(DoorError::NothingToApprove),
            StoreError::Door(DoorError::NotChiefExaminer),
            StoreError::Door(DoorError::TooEarlyForAbsent),
            StoreError::Door(DoorError::Conflict),
            StoreError::Door(DoorError::NoConflict),
            StoreError::Import(Vec::new()),
            StoreError::UnknownSitting(s()),
            StoreError::UnknownCandidate(s()),
            StoreError::UnknownStaff(s()),
            StoreError::UnknownRoom {
                site: s(),
                room: s(),
            },
            StoreError::UnknownViolation {
                student: s(),
                id: s(),
            },
            StoreError::TooEarlyForCountCheck,
            StoreError::BadCount(examgate_core::count_check::CountInputError::NotACount(s())),
            StoreError::NotInRoom {
                student: s(),
                room: s(),
            },
            StoreError::ViolationForm(examgate_core::violation_form::ViolationFormError::NoAccount),
            StoreError::NotChief(s()),
            StoreError::WeakPin,
            StoreError::PinAlreadySet(s()),
            StoreError::PinSetAtServer(s()),
            StoreError::NoPin(s()),
            StoreError::WrongPin { left: 1 },
            StoreError::PinLocked { seconds: 1 },
            StoreError::ExamTimeNeedsChief(s()),
            StoreError::NotOfSite {
                staff: s(),
                site: s(),
            },
            StoreError::NotProctor(s()),
            StoreError::AlreadySignedIn(s()),
            StoreError::PinsDiffer,
            StoreError::NoSubstitute(s()),
            StoreError::StepNotDue,
            StoreError::NotAtRoom {
                staff: s(),
                room: s(),
            },
        ];
        for e in &distinct {
            assert_eq!(store_code(e), e.code(), "{e:?}");
        }
        let folded = [
            (StoreError::CorruptEvent(s()), ErrorCode::Database),
            (StoreError::BadSittingTime(s()), ErrorCode::Database),
            (
                StoreError::DbKey {
                    path: s(),
                    reason: s(),
                },
                ErrorCode::Database,
            ),
            (StoreError::Pin(s()), ErrorCode::Internal),
        ];
        for (e, code) in &folded {
            assert_eq!(store_code(e), *code, "{e:?}");
        }
    }

    #[test]
    fn the_connect_panel_tells_a_spent_code_from_a_bad_one_from_any_other_refusal() {
        let refused = |code| SyncError::Refused {
            status: 400,
            code: Some(code),
            message: String::new(),
        };
        for (server, screen) in [
            (ServerCode::EnrollCodeUsed, ErrorCode::EnrollCodeSpent),
            (ServerCode::EnrollCodeExpired, ErrorCode::EnrollCodeSpent),
            (ServerCode::EnrollCodeUnknown, ErrorCode::BadEnrollCode),
            (ServerCode::DeviceConflict, ErrorCode::ServerRefused),
            (ServerCode::KeyProofInvalid, ErrorCode::ServerRefused),
        ] {
            assert_eq!(sync_code(&refused(server)), screen, "{server:?}");
        }
        let no_body = SyncError::Refused {
            status: 502,
            code: None,
            message: String::new(),
        };
        assert_eq!(sync_code(&no_body), ErrorCode::ServerRefused);
        assert_eq!(
            enroll_code(&EnrollError::NotSaved(StoreError::WeakPin)),
            ErrorCode::Database
        );
    }

    #[test]
    fn a_refused_photo_keeps_the_photo_pipelines_code() {
        use examgate_photo::Error as E;
        for e in [
            E::Empty,
            E::NotAnImage,
            E::Truncated,
            E::UnsupportedFormat { format: "HEIC" },
            E::TooManyPhotos {
                student: String::new(),
                count: 1,
            },
        ] {
            assert_eq!(photo_code(&e), e.code(), "{e:?}");
        }
        let e = E::Exif {
            detail: String::new(),
        };
        assert_eq!(photo_code(&e), ErrorCode::Internal);
    }
}
