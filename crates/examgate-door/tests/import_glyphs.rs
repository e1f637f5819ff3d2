//! The app's import asks the photo stamp's own font whether it can draw each site, room and room
//! address (issue 8, item 5): what the stamp could not draw on exam day is refused at import.
// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use examgate_door::Door;
use examgate_testkit::csv::SEATING_HEADER;

/// One of the demo's sittings.
const SITTING: &str = "2023春 第一次";
/// A font without any Chinese character, installed with the system's fonts.
const LATIN_ONLY: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";

/// A data folder with the demo imported and a seating
/// list of one new candidate whose room address is `address`.
fn door_and_list(address: &str) -> (tempfile::TempDir, Door, String) {
    let dir = tempfile::tempdir().unwrap();
    let door = Door::open(&dir.path().join("door.db")).unwrap();
    door.load_demo().unwrap();
    let list = dir.path().join("座次表.csv");
    std::fs::write(
        &list,
        format!(
            "{SEATING_HEADER}\n2242399999991,测试考生,身份证,11010519491231002X,测试考点,测试路1号,01,{address},1\n"
        ),
    )
    .unwrap();
    let list = list.to_str().unwrap().to_string();
    (dir, door, list)
}

fn refusal(door: &Door, list: &str) -> String {
    match door.import_files(&[list.to_string()], Some(SITTING.into())) {
        Err(e) => {
            assert_eq!(e.code, "import", "{e:?}");
            e.details.join("\n")
        }
        Ok(report) => panic!("expected a refusal, imported {report:?}"),
    }
}

#[test]
fn a_room_address_no_installed_font_can_draw_is_refused_by_the_app() {
    let (_dir, door, list) = door_and_list("测试楼\u{10FFFD}201室");
    let details = refusal(&door, &list);
    assert!(details.contains("座次表.csv:2: 考场地址"), "{details}");
    assert!(details.contains("U+10FFFD"), "{details}");
    let sites = door.sites().unwrap();
    assert!(
        sites.iter().all(|s| s.name != "测试考点"),
        "nothing written: {sites:?}"
    );
}

#[test]
fn the_app_checks_with_the_stamp_font_it_was_given() {
    let (_dir, door, list) = door_and_list("测试楼201室");
    door.set_stamp_font(Some(LATIN_ONLY.into()));
    let details = refusal(&door, &list);
    assert!(details.contains("考场地址"), "{details}");
    door.set_stamp_font(None);
    door.import_files(&[list], Some(SITTING.into())).unwrap();
}
