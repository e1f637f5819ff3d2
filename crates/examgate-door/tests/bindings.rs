//! ui/src/bindings.ts must be what the Rust types generate today.

use std::path::PathBuf;

#[test]
fn typescript_bindings_are_not_stale() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings.ts");
    let fresh = examgate_door::typescript();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is stale: run `UPDATE_BINDINGS=1 cargo test -p examgate-door --test bindings` and commit it"
    );
}

/// The codes the screens switch on and the end-to-end tests wait for: their wire values never
/// change under them.
#[test]
fn the_error_codes_the_ui_and_the_end_to_end_tests_read_keep_their_wire_values() {
    use examgate_door::ErrorCode as C;
    for (code, wire) in [
        (C::AlreadyAdmitted, "already-admitted"),
        (C::AlreadyAbsent, "already-absent"),
        (C::AwaitingApproval, "awaiting-approval"),
        (C::Conflict, "conflict"),
        (C::NothingToApprove, "nothing-to-approve"),
        (C::NotChiefExaminer, "not-chief-examiner"),
        (C::ExamTimeNeedsChief, "exam-time-needs-chief"),
        (C::NoPin, "no-pin"),
        (C::WrongPin, "wrong-pin"),
        (C::PinLocked, "pin-locked"),
        (C::PinAlreadySet, "pin-already-set"),
        (C::WeakPin, "weak-pin"),
        (C::BadTime, "bad-time"),
        (C::UnknownCandidate, "unknown-candidate"),
        (C::UnreadableFile, "unreadable-file"),
        (C::Import, "import"),
        (C::PhotoNeeded, "photo-needed"),
        (C::VouchFirst, "vouch-first"),
        (C::NotAnImage, "not-an-image"),
        (C::PhotoEmpty, "empty"),
        (C::TruncatedImage, "truncated"),
        (C::PhotoAltered, "photo-altered"),
    ] {
        assert_eq!(serde_json::to_value(code).unwrap(), wire);
    }
}

/// Every code is its own wire value and its own name: the generated const object has no
/// duplicates for a `switch` to confuse.
#[test]
fn every_error_code_has_one_wire_value_and_one_name() {
    let codes = examgate_door::ErrorCode::ALL;
    let wires: std::collections::HashSet<_> = codes.iter().map(|c| c.as_str()).collect();
    let names: std::collections::HashSet<_> = codes.iter().map(|c| c.name()).collect();
    assert_eq!(wires.len(), codes.len());
    assert_eq!(names.len(), codes.len());
    for c in codes {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
    }
}

/// `IpcError.code` is the generated union, so a TypeScript comparison against a code that does
/// not exist fails to compile.
#[test]
fn the_ipc_error_code_is_typed_in_typescript_not_a_string() {
    let ts = examgate_door::typescript();
    assert!(
        ts.contains("export type IpcError = { code: ErrorCode,"),
        "IpcError.code must be the ErrorCode union:\n{ts}"
    );
    assert!(ts.contains("export type ErrorCode = \"already-admitted\" | "));
    assert!(ts.contains("  WrongPin: \"wrong-pin\",\n"));
}

/// A Rust `Result` crosses as `{Ok}`/`{Err}` with an untyped error: no type the UI sees holds one.
#[test]
fn no_rust_result_crosses_the_ipc() {
    let ts = examgate_door::typescript();
    for shape in ["{ Ok :", "{ Err :", "\"Ok\"", "\"Err\""] {
        assert!(
            !ts.contains(shape),
            "a Result crosses the IPC ({shape}):\n{ts}"
        );
    }
}
