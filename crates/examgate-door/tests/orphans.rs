//! "A photo no event names is put aside and reported, never lost, never left among the evidence":
//! at start the door moves such photos (with their signature) to `photos/orphaned/` and lists
//! them in the app info; photos events name stay where they are; half-written files go.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

mod common;

use common::{SITTING, camera_jpeg, demo, files_in, open, photos, proctor, sitting_folder, target};
use examgate_core::fold::CandidateState;

/// A door with one candidate photographed (their photo named by an event); returns the data
/// folder, the photographed student and two others.
fn one_photo_taken() -> (tempfile::TempDir, String, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let door = demo(dir.path());
    let proctor = proctor(&door);
    let students = common::expected(&door);
    let taken = students[0].clone();
    door.begin_vouch(SITTING, &taken, &proctor).unwrap();
    door.take_photo(&target(&proctor, &taken), &camera_jpeg(800, 600))
        .unwrap();
    assert_eq!(door.app_info().unwrap().orphan_photos, Vec::<String>::new());
    (dir, taken, students[1].clone(), students[2].clone())
}

/// What a kill between saving a photo and recording its event leaves: a signed photo and its
/// sidecar named for `student`, that no event names.
fn leave_orphan(folder: &std::path::Path, from: &str, student: &str, tweak: u8) {
    let mut jpeg = std::fs::read(folder.join(format!("{from}.jpg"))).unwrap();
    let last = jpeg.len() - 3;
    jpeg[last] ^= tweak;
    std::fs::write(folder.join(format!("{student}.jpg")), jpeg).unwrap();
    std::fs::copy(
        folder.join(format!("{from}.jpg.sig.json")),
        folder.join(format!("{student}.jpg.sig.json")),
    )
    .unwrap();
}

#[test]
fn a_photo_no_event_names_is_moved_to_the_quarantine_and_reported_at_next_start() {
    let (dir, taken, orphan, lone) = one_photo_taken();
    let data = dir.path();
    let folder = sitting_folder(data);
    leave_orphan(&folder, &taken, &orphan, 1);
    let orphan_bytes = std::fs::read(folder.join(format!("{orphan}.jpg"))).unwrap();
    // A sidecar whose photo is gone, a half-written photo, and a file that is not the store's.
    std::fs::copy(
        folder.join(format!("{taken}.jpg.sig.json")),
        folder.join(format!("{lone}.jpg.sig.json")),
    )
    .unwrap();
    std::fs::write(folder.join(".examgate-Ab12Cd.tmp"), b"\xFF\xD8\xFF half").unwrap();
    std::fs::write(folder.join("notes.txt"), b"the proctor's notes").unwrap();
    let taken_bytes = std::fs::read(folder.join(format!("{taken}.jpg"))).unwrap();

    let door = open(data);

    assert_eq!(
        door.app_info().unwrap().orphan_photos,
        vec![
            format!("{SITTING}/{orphan}.jpg"),
            format!("{SITTING}/{lone}.jpg.sig.json"),
        ]
    );
    let quarantine = photos(data).join("orphaned").join(SITTING);
    assert_eq!(
        files_in(&quarantine),
        vec![
            format!("{orphan}.jpg"),
            format!("{orphan}.jpg.sig.json"),
            format!("{lone}.jpg.sig.json"),
        ]
    );
    assert_eq!(
        std::fs::read(quarantine.join(format!("{orphan}.jpg"))).unwrap(),
        orphan_bytes,
        "the orphaned photo is kept as it was"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&quarantine).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the quarantine is the owner's only");
    }
    // The photo an event names is untouched and still what the chief examiner is shown.
    assert_eq!(
        files_in(&folder),
        vec![
            format!("{taken}.jpg"),
            format!("{taken}.jpg.sig.json"),
            "notes.txt".to_string(),
        ]
    );
    assert_eq!(door.fallback_photo(SITTING, &taken).unwrap(), taken_bytes);
    assert_eq!(
        door.card(SITTING, &orphan).unwrap().state,
        CandidateState::Expected,
        "an orphaned photo records nothing"
    );
}

#[test]
fn a_second_orphan_of_the_same_candidate_does_not_replace_the_first() {
    let (dir, taken, orphan, _) = one_photo_taken();
    let data = dir.path();
    let folder = sitting_folder(data);
    leave_orphan(&folder, &taken, &orphan, 1);
    drop(open(data));
    leave_orphan(&folder, &taken, &orphan, 2);
    let second = std::fs::read(folder.join(format!("{orphan}.jpg"))).unwrap();

    let door = open(data);

    assert_eq!(
        door.app_info().unwrap().orphan_photos,
        vec![
            format!("{SITTING}/{orphan}.jpg"),
            format!("{SITTING}-2/{orphan}.jpg"),
        ]
    );
    let again = photos(data).join("orphaned").join(format!("{SITTING}-2"));
    assert_eq!(
        std::fs::read(again.join(format!("{orphan}.jpg"))).unwrap(),
        second
    );
    assert!(again.join(format!("{orphan}.jpg.sig.json")).exists());
}

#[test]
fn photos_every_event_names_are_left_alone_across_restarts() {
    let (dir, taken, _, _) = one_photo_taken();
    let data = dir.path();
    let before = files_in(&sitting_folder(data));
    for _ in 0..2 {
        let door = open(data);
        assert_eq!(door.app_info().unwrap().orphan_photos, Vec::<String>::new());
        assert!(!door.fallback_photo(SITTING, &taken).unwrap().is_empty());
    }
    assert_eq!(files_in(&sitting_folder(data)), before);
    assert!(!photos(data).join("orphaned").exists());
}
