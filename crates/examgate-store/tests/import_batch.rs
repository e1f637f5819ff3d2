//! Checks across the files of one import: duplicates name both lines, rooms and sites keep one
//! address and seat count, rooms hold no more candidates than seats, and rosters point at rooms
//! the seating lists have.

// Test code throughout, helpers too: clippy.toml allows unwrap, expect and panic in tests.
#![cfg(test)]

use examgate_store::import::{ImportError, Parsed, SourceFile, parse, validate_batch};
use examgate_testkit::resident_id;

const SITE: &str = "襄阳电大校本部";
const SITE_ADDRESS: &str = "襄阳市襄城区尹集东街东街66号";
const SITTING: &str = "2023春 第一次";

const HEADER: &str = "学号,姓名,证件类型,证件号码,考点,考点地址,考场,考场地址,座位号,座位数,场次";

/// One seating-list line for candidate `n` (student number 2023000000000 + n) in `room` at `seat`.
#[derive(Clone)]
struct Line {
    n: u32,
    room: String,
    seat: u32,
    seats: String,
    room_address: String,
    site_address: String,
    sitting: String,
}

fn line(n: u32, room: &str, seat: u32) -> Line {
    Line {
        n,
        room: room.into(),
        seat,
        seats: "30".into(),
        room_address: format!("{SITE_ADDRESS} {room}室"),
        site_address: SITE_ADDRESS.into(),
        sitting: SITTING.into(),
    }
}

fn seating_csv(lines: &[Line]) -> String {
    let mut text = format!("{HEADER}\n");
    for l in lines {
        let id = resident_id(&format!("42060219900101{:03}", l.n % 1000));
        text += &format!(
            "{},考生{},身份证,{id},{SITE},{},{},{},{},{},{}\n",
            2_023_000_000_000u64 + u64::from(l.n),
            l.n,
            l.site_address,
            l.room,
            l.room_address,
            l.seat,
            l.seats,
            l.sitting
        );
    }
    text
}

fn parsed(name: &str, text: impl Into<Vec<u8>>) -> Parsed {
    let file = SourceFile {
        name: name.into(),
        bytes: text.into(),
    };
    match parse(&file) {
        Ok(p) => p,
        Err(e) => panic!("{name} should parse: {e:?}"),
    }
}

fn seating(name: &str, lines: &[Line]) -> Parsed {
    parsed(name, seating_csv(lines))
}

fn roster(name: &str, rows: &[(&str, &str, &str)]) -> Parsed {
    let mut text = String::from("工号,姓名,角色,考点,考场\n");
    for (id, role, room) in rows {
        text += &format!("{id},某老师,{role},{SITE},{room}\n");
    }
    parsed(name, text)
}

fn at(errors: &[ImportError]) -> Vec<(&str, usize, &str)> {
    errors
        .iter()
        .map(|e| (e.file.as_str(), e.line, e.field.as_str()))
        .collect()
}

#[test]
fn a_clean_batch_has_no_errors() {
    let a = seating("a.csv", &[line(1, "01", 1), line(2, "01", 2)]);
    let b = seating("b.csv", &[line(3, "02", 1)]);
    let r = roster(
        "r.csv",
        &[
            ("T1", "监考", "01"),
            ("T2", "监考", "02"),
            ("T3", "主考", ""),
        ],
    );
    assert_eq!(validate_batch(&[a, b, r]), []);
}

#[test]
fn a_duplicate_student_number_across_two_files_names_both_lines() {
    let a = seating("a.csv", &[line(1, "01", 1), line(2, "01", 2)]);
    let b = seating("b.csv", &[line(3, "02", 1), line(2, "02", 2)]);
    let errors = validate_batch(&[a, b]);
    assert_eq!(at(&errors), [("b.csv", 3, "学号")]);
    assert!(errors[0].message.contains("2023000000002"));
    assert!(
        errors[0].message.contains("a.csv:3"),
        "{}",
        errors[0].message
    );
}

#[test]
fn the_same_student_in_two_sittings_is_not_a_duplicate() {
    let mut second = line(1, "01", 1);
    second.sitting = "2023春 第二次".into();
    let errors = validate_batch(&[
        seating("a.csv", &[line(1, "01", 1)]),
        seating("b.csv", &[second]),
    ]);
    assert_eq!(errors, []);
}

#[test]
fn a_seat_given_twice_in_one_room_is_reported_at_the_second() {
    let a = seating(
        "a.csv",
        &[line(1, "01", 5), line(2, "01", 5), line(3, "02", 5)],
    );
    let errors = validate_batch(&[a]);
    assert_eq!(at(&errors), [("a.csv", 3, "座位号")]);
    assert!(errors[0].message.contains("a.csv:2"));
}

#[test]
fn a_room_with_more_candidates_than_seats_is_reported() {
    let mut lines: Vec<Line> = (1..=3).map(|n| line(n, "01", n)).collect();
    for l in &mut lines {
        l.seats = "2".into();
    }
    let errors = validate_batch(&[seating("a.csv", &lines)]);
    assert_eq!(
        at(&errors),
        [("a.csv", 4, "座位号"), ("a.csv", 4, "座位数")]
    );
    assert!(errors[1].message.contains("3 名考生") && errors[1].message.contains("座位数 2"));
}

#[test]
fn a_seat_count_given_on_one_line_holds_for_the_whole_room() {
    let mut lines: Vec<Line> = (1..=3).map(|n| line(n, "01", n)).collect();
    lines[0].seats = "2".into();
    lines[1].seats = String::new();
    lines[2].seats = String::new();
    let errors = validate_batch(&[seating("a.csv", &lines)]);
    assert_eq!(
        at(&errors),
        [("a.csv", 4, "座位号"), ("a.csv", 4, "座位数")]
    );
}

#[test]
fn a_room_given_two_addresses_is_reported_once() {
    let a = seating("a.csv", &[line(1, "01", 1), line(2, "01", 2)]);
    let mut moved = vec![line(3, "01", 3), line(4, "01", 4)];
    for l in &mut moved {
        l.room_address = "别处".into();
    }
    let errors = validate_batch(&[a, seating("b.csv", &moved)]);
    assert_eq!(at(&errors), [("b.csv", 2, "考场地址")]);
    assert!(errors[0].message.contains("a.csv:2"));
}

#[test]
fn a_room_given_two_seat_counts_is_reported() {
    let mut lines = vec![line(1, "01", 1), line(2, "01", 2)];
    lines[1].seats = "25".into();
    let errors = validate_batch(&[seating("a.csv", &lines)]);
    assert_eq!(at(&errors), [("a.csv", 3, "座位数")]);
}

#[test]
fn a_site_given_two_addresses_is_reported() {
    let mut other = line(2, "02", 1);
    other.site_address = "襄阳市".into();
    let errors = validate_batch(&[
        seating("a.csv", &[line(1, "01", 1)]),
        seating("b.csv", &[other]),
    ]);
    assert_eq!(at(&errors), [("b.csv", 2, "考点地址")]);
}

#[test]
fn a_duplicate_staff_id_names_both_lines() {
    let r1 = roster("r1.csv", &[("T1", "监考", "01")]);
    let r2 = roster("r2.csv", &[("T2", "监考", "01"), ("T1", "主考", "")]);
    let errors = validate_batch(&[r1, r2]);
    assert_eq!(at(&errors), [("r2.csv", 3, "工号")]);
    assert!(errors[0].message.contains("r1.csv:2"));
}

#[test]
fn a_proctor_in_a_room_no_seating_list_has_is_reported() {
    let a = seating("a.csv", &[line(1, "01", 1)]);
    let r = roster("r.csv", &[("T1", "监考", "01"), ("T2", "监考", "09")]);
    let errors = validate_batch(&[r, a]);
    assert_eq!(at(&errors), [("r.csv", 3, "考场")]);
}

#[test]
fn proctor_rooms_are_not_checked_without_a_seating_list_for_their_site() {
    let r = roster("r.csv", &[("T1", "监考", "09")]);
    assert_eq!(validate_batch(&[r]), []);
}

#[test]
fn errors_come_in_batch_order() {
    let a = seating("a.csv", &[line(1, "01", 1), line(1, "01", 2)]);
    let b = seating("b.csv", &[line(1, "02", 1), line(2, "02", 1)]);
    let errors = validate_batch(&[a, b]);
    assert_eq!(
        at(&errors),
        [
            ("a.csv", 3, "学号"),
            ("b.csv", 2, "学号"),
            ("b.csv", 3, "座位号")
        ]
    );
}
