//! The TypeScript types of everything that crosses to the UI, generated from the Rust types with
//! ts-rs into one file, `ui/src/bindings.ts`. A test fails when the committed file is stale.

use examgate_core::clock::ClockView;
use examgate_core::closing::{ClosingItem, Waiver};
use examgate_core::count_check::{Banner, Comparison};
use examgate_core::documents::DocumentKind;
use examgate_core::door::DoorAct;
use examgate_core::event::{
    EventId, FaceFailure, Outcome, PhotoRef, PhotoSource, RefusalReason, Violation,
    ViolationCategory,
};
use examgate_core::face::FaceResult;
use examgate_core::fold::CandidateState;
use examgate_core::model::{Role, Sitting};
use examgate_core::search::DocumentMatch;
use examgate_core::timeline::{Phase, Timeline};
use examgate_core::timeline_steps::TimelineStep;
use examgate_store::{
    ImportReport, ImportedFile, RoomInfo, SiteInfo, SittingInfo, StaffInfo, StaffingWarning,
};
use ts_rs::{Config, TS};

use crate::{
    ActResult, AppInfo, ArchiveProgress, ArchiveSaved, CandidateCard, ClockAuthority, ClockReading,
    ClosingLine, ClosingView, CountCheckDone, CountCheckRow, CountCheckView, EnrollView, ErrorCode,
    IpcError, PHOTO_TARGET_HEADER, PendingApproval, PhotoTarget, PhotoToCheck, PostExamChecks,
    RoomCounts, ServerView, SigningKey, SiteOverview, SyncState, SyncView, Tally, UploadProgress,
    ViolationView,
};
use crate::{
    ProctorSignIn, RoomProctors, RoomTimeline, RosterProctor, StepState, StepView,
    SubstituteProctor,
};

fn decl<T: TS>(cfg: &Config) -> String {
    format!("export {}\n", T::decl(cfg))
}

/// The whole `ui/src/bindings.ts`.
pub fn typescript() -> String {
    // Numbers the UI sees are counts, seats and seconds: they fit a JS number.
    let cfg = Config::new().with_large_int("number");
    let decls = [
        decl::<ActResult>(&cfg),
        decl::<AppInfo>(&cfg),
        decl::<ArchiveProgress>(&cfg),
        decl::<ArchiveSaved>(&cfg),
        decl::<Banner>(&cfg),
        decl::<CandidateCard>(&cfg),
        decl::<CandidateState>(&cfg),
        decl::<ClockAuthority>(&cfg),
        decl::<ClockReading>(&cfg),
        decl::<ClockView>(&cfg),
        decl::<Comparison>(&cfg),
        decl::<CountCheckDone>(&cfg),
        decl::<CountCheckRow>(&cfg),
        decl::<CountCheckView>(&cfg),
        decl::<ClosingItem>(&cfg),
        decl::<ClosingLine>(&cfg),
        decl::<ClosingView>(&cfg),
        decl::<DocumentKind>(&cfg),
        decl::<DocumentMatch>(&cfg),
        decl::<DoorAct>(&cfg),
        decl::<EnrollView>(&cfg),
        decl::<ErrorCode>(&cfg),
        decl::<EventId>(&cfg),
        decl::<FaceFailure>(&cfg),
        decl::<FaceResult>(&cfg),
        decl::<ImportReport>(&cfg),
        decl::<ImportedFile>(&cfg),
        decl::<IpcError>(&cfg),
        decl::<Outcome>(&cfg),
        decl::<Phase>(&cfg),
        decl::<PendingApproval>(&cfg),
        decl::<PhotoRef>(&cfg),
        decl::<PhotoSource>(&cfg),
        decl::<PhotoTarget>(&cfg),
        decl::<PhotoToCheck>(&cfg),
        decl::<PostExamChecks>(&cfg),
        decl::<RefusalReason>(&cfg),
        decl::<Role>(&cfg),
        decl::<RoomCounts>(&cfg),
        decl::<RoomInfo>(&cfg),
        decl::<ServerView>(&cfg),
        decl::<Sitting>(&cfg),
        decl::<SittingInfo>(&cfg),
        decl::<SigningKey>(&cfg),
        decl::<SiteInfo>(&cfg),
        decl::<SiteOverview>(&cfg),
        decl::<StaffInfo>(&cfg),
        decl::<StaffingWarning>(&cfg),
        decl::<SyncState>(&cfg),
        decl::<SyncView>(&cfg),
        decl::<Tally>(&cfg),
        decl::<Timeline>(&cfg),
        decl::<UploadProgress>(&cfg),
        decl::<Violation>(&cfg),
        decl::<ViolationCategory>(&cfg),
        decl::<ViolationView>(&cfg),
        decl::<Waiver>(&cfg),
        decl::<ProctorSignIn>(&cfg),
        decl::<RoomProctors>(&cfg),
        decl::<RoomTimeline>(&cfg),
        decl::<RosterProctor>(&cfg),
        decl::<StepState>(&cfg),
        decl::<StepView>(&cfg),
        decl::<SubstituteProctor>(&cfg),
        decl::<TimelineStep>(&cfg),
    ];
    let photo_header = format!(
        "/** The header that carries a `PhotoTarget` (JSON, percent-encoded) with a photo's raw bytes. */\nexport const PHOTO_TARGET_HEADER = \"{PHOTO_TARGET_HEADER}\";\n"
    );
    // The codes as a const object too, so the screens compare against names, never literals.
    let error_codes = format!(
        "/** `IpcError.code` by name: compare against these (`e.code === ErrorCode.WrongPin`), never a string. */\nexport const ErrorCode = {{\n{}}} as const satisfies Record<string, ErrorCode>;\n",
        ErrorCode::ALL
            .iter()
            .map(|c| format!("  {}: \"{}\",\n", c.name(), c.as_str()))
            .collect::<String>()
    );
    format!(
        "// Generated from the Rust types by `UPDATE_BINDINGS=1 cargo test -p examgate-door --test bindings`.\n// Do not edit: `cargo test` fails when this file is stale.\n\n{}",
        decls.join("\n") + "\n" + &photo_header + "\n" + &error_codes
    )
}
