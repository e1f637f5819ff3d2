//! The day's report of a site (考试情况汇总): one row per room with what its door and its day
//! came to — expected, admitted (of which by manual verification), manual verifications approved,
//! rejected and still pending, refused at the door, absent (of which refused for lateness), not
//! yet seen, in conflict, the 30-minute count check (the platform's count, the real count and
//! their difference, or 未核对), the proctors present who count toward the staffing rule (those
//! on the roster and the substitutes a chief examiner approved) against those it asks for, each
//! proctor named with the substitutes marked as such (approved or not), face recognition as
//! recorded (passed; failed, for the environment or as no match), and whether the room was closed
//! (by whom, at what exam time) — and a totals row; then the absence list (缺考名单) on a second
//! sheet and the chief examiner's closing waivers and settled conflicts (豁免与裁定) on a third.
//!
//! Every candidate counts once: admitted + pending + rejected + refused + absent + not seen + in
//! conflict = expected. States are the fold of each candidate's events, as the door shows them.

use chrono::NaiveDateTime;
use examgate_core::event::{FaceFailure, RefusalReason};
use examgate_core::face::FaceResult;
use examgate_core::fold::CandidateState;
use examgate_core::staffing::proctors_needed;
use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::book::{Formats, column, header, printed, row, workbook};
use crate::site_day::{RoomDay, SiteDay};

/// The first sheet's name.
pub const SHEET: &str = "考试情况汇总";
/// The absence list's sheet.
pub const ABSENT_SHEET: &str = "缺考名单";
/// What the count check's cell says when the room did none.
pub const NOT_CHECKED: &str = "未核对";

const COLUMNS: [(&str, f64); 24] = [
    ("考场", 8.0),
    ("应到", 6.0),
    ("已入场", 7.0),
    ("其中人工核验", 8.0),
    ("人工核验通过", 8.0),
    ("人工核验不通过", 8.0),
    ("人工核验待定", 8.0),
    ("拒绝入场", 7.0),
    ("缺考", 6.0),
    ("其中迟到拒入", 8.0),
    ("未登记", 7.0),
    ("冲突", 6.0),
    ("平台签到人数", 9.0),
    ("实到人数", 8.0),
    ("差额", 6.0),
    ("监考到岗", 7.0),
    ("监考应到", 7.0),
    ("到岗监考", 20.0),
    ("人脸识别通过", 8.0),
    ("人脸识别未通过", 8.0),
    ("其中环境原因", 8.0),
    ("其中人脸不匹配", 8.0),
    ("考场关闭", 12.0),
    ("关闭时间", 8.0),
];

/// The close's columns.
const CLOSED_AT: u16 = 22;
/// What the close's cell says when the room was not closed.
pub const NOT_CLOSED: &str = "未关闭";

/// The first column of the face-recognition counts.
const FACE_FROM: u16 = 18;

/// A room's face-recognition results as recorded: passed, failed, failed for the environment,
/// failed as no match (a failure recorded before the reason was asked is in neither reason).
fn face_counts(room: &RoomDay) -> [u32; 4] {
    let mut n = [0u32; 4];
    for c in &room.candidates {
        let slot: &[usize] = match c.face {
            FaceResult::NotRecorded => &[],
            FaceResult::Passed => &[0],
            FaceResult::Failed {
                reason: Some(FaceFailure::Environment),
            } => &[1, 2],
            FaceResult::Failed {
                reason: Some(FaceFailure::NoMatch),
            } => &[1, 3],
            FaceResult::Failed { reason: None } => &[1],
        };
        for &i in slot {
            n[i] = n[i].saturating_add(1);
        }
    }
    n
}

/// A room's counts, in the order of the numeric columns 应到 … 冲突.
fn counts(room: &RoomDay) -> [u32; 11] {
    let mut n = [0u32; 11];
    n[0] = u32::try_from(room.candidates.len()).unwrap_or(u32::MAX);
    for c in &room.candidates {
        let slot: &[usize] = match &c.state {
            CandidateState::Admitted { manual: false } => &[1],
            CandidateState::Admitted { manual: true } => &[1, 2, 3],
            CandidateState::Refused {
                reason: RefusalReason::ManualVerificationRejected,
            } => &[4],
            CandidateState::PendingManualVerification => &[5],
            CandidateState::Refused { .. } => &[6],
            CandidateState::Absent {
                refused_late: false,
            } => &[7],
            CandidateState::Absent { refused_late: true } => &[7, 8],
            CandidateState::Expected => &[9],
            CandidateState::Conflict { .. } => &[10],
        };
        for &i in slot {
            n[i] = n[i].saturating_add(1);
        }
    }
    n
}

struct Totals {
    counts: [u32; 11],
    face: [u32; 4],
    platform: u32,
    real: u32,
    checked: bool,
    present: u32,
    needed: u32,
}

fn room_row(
    sheet: &mut Worksheet,
    r: u32,
    day: &SiteDay,
    room: &RoomDay,
    totals: &mut Totals,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(r, 0, &room.room.number, &f.cell)?;
    let n = counts(room);
    for (i, v) in n.iter().enumerate() {
        sheet.write_number_with_format(r, column(i + 1)?, *v, &f.cell)?;
        totals.counts[i] = totals.counts[i].saturating_add(*v);
    }
    match &room.count_check {
        Some(c) => {
            sheet.write_number_with_format(r, 12, c.platform_count, &f.cell)?;
            sheet.write_number_with_format(r, 13, c.real_count, &f.cell)?;
            // i64 → f64 is exact for any count a room can have.
            sheet.write_number_with_format(r, 14, c.discrepancy() as f64, &f.cell)?;
            totals.platform = totals.platform.saturating_add(c.platform_count);
            totals.real = totals.real.saturating_add(c.real_count);
            totals.checked = true;
        }
        None => {
            sheet.write_string_with_format(r, 12, NOT_CHECKED, &f.cell)?;
            sheet.write_blank(r, 13, &f.cell)?;
            sheet.write_blank(r, 14, &f.cell)?;
        }
    }
    let present = u32::try_from(room.proctors_counted()).unwrap_or(u32::MAX);
    let needed = proctors_needed(room.room.seats.unwrap_or(n[0]));
    let names: Vec<String> = room
        .proctors
        .iter()
        .map(|p| match room.substitutes.get(p) {
            None => day.name_of(p),
            Some(Some(_)) => format!("{}（替补，已批准）", day.name_of(p)),
            Some(None) => format!("{}（替补，未批准）", day.name_of(p)),
        })
        .collect();
    sheet.write_number_with_format(r, 15, present, &f.cell)?;
    sheet.write_number_with_format(r, 16, needed, &f.cell)?;
    sheet.write_string_with_format(r, 17, names.join("、"), &f.cell)?;
    totals.present = totals.present.saturating_add(present);
    totals.needed = totals.needed.saturating_add(needed);
    for (i, v) in face_counts(room).iter().enumerate() {
        sheet.write_number_with_format(r, FACE_FROM + column(i)?, *v, &f.cell)?;
        totals.face[i] = totals.face[i].saturating_add(*v);
    }
    match &room.closed {
        Some(c) => {
            sheet.write_string_with_format(r, CLOSED_AT, day.name_of(&c.by), &f.cell)?;
            sheet.write_string_with_format(
                r,
                CLOSED_AT + 1,
                c.at.format("%H:%M").to_string(),
                &f.cell,
            )?;
        }
        None => {
            sheet.write_string_with_format(r, CLOSED_AT, NOT_CLOSED, &f.cell)?;
            sheet.write_blank(r, CLOSED_AT + 1, &f.cell)?;
        }
    }
    Ok(())
}

fn totals_row(sheet: &mut Worksheet, r: u32, t: &Totals, f: &Formats) -> Result<(), XlsxError> {
    sheet.write_string_with_format(r, 0, "合计", &f.head)?;
    for (i, v) in t.counts.iter().enumerate() {
        sheet.write_number_with_format(r, column(i + 1)?, *v, &f.head)?;
    }
    if t.checked {
        sheet.write_number_with_format(r, 12, t.platform, &f.head)?;
        sheet.write_number_with_format(r, 13, t.real, &f.head)?;
        let diff = i64::from(t.real) - i64::from(t.platform);
        sheet.write_number_with_format(r, 14, diff as f64, &f.head)?;
    } else {
        sheet.write_string_with_format(r, 12, NOT_CHECKED, &f.head)?;
        sheet.write_blank(r, 13, &f.head)?;
        sheet.write_blank(r, 14, &f.head)?;
    }
    sheet.write_number_with_format(r, 15, t.present, &f.head)?;
    sheet.write_number_with_format(r, 16, t.needed, &f.head)?;
    sheet.write_blank(r, 17, &f.head)?;
    for (i, v) in t.face.iter().enumerate() {
        sheet.write_number_with_format(r, FACE_FROM + column(i)?, *v, &f.head)?;
    }
    sheet.write_blank(r, CLOSED_AT, &f.head)?;
    sheet.write_blank(r, CLOSED_AT + 1, &f.head)?;
    Ok(())
}

const ABSENT_COLUMNS: [(&str, f64); 6] = [
    ("序号", 6.0),
    ("考场", 8.0),
    ("座位号", 8.0),
    ("学号", 16.0),
    ("姓名", 12.0),
    ("缺考情况", 14.0),
];

fn absence_list(sheet: &mut Worksheet, day: &SiteDay, f: &Formats) -> Result<(), XlsxError> {
    let title = format!("{}缺考名单", day.heading());
    printed(sheet, ABSENT_SHEET, &title, 6, 1, false, f)?;
    header(sheet, 1, &ABSENT_COLUMNS, f)?;
    let absent = day.rooms.iter().flat_map(|room| {
        room.candidates.iter().filter_map(move |c| match c.state {
            CandidateState::Absent { refused_late } => Some((room, c, refused_late)),
            _ => None,
        })
    });
    let mut r = 2;
    for (i, (room, c, late)) in absent.enumerate() {
        let cells = [
            (i + 1).to_string(),
            room.room.number.clone(),
            c.seat.to_string(),
            c.student_number.clone(),
            c.name.clone(),
            if late { "迟到拒入" } else { "未到考" }.to_string(),
        ];
        for (col, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(r, column(col)?, text, &f.cell)?;
        }
        r = row(i + 3)?;
    }
    if r == 2 {
        sheet.merge_range(2, 0, 2, 5, "无缺考", &f.head)?;
    }
    Ok(())
}

/// The workbook's bytes for `day`, created at `time`: the rooms' sheet, the absence list and the
/// chief examiner's rulings.
pub fn day_report_xlsx(day: &SiteDay, time: NaiveDateTime) -> Result<Vec<u8>, XlsxError> {
    let title = format!("{}考试情况汇总", day.heading());
    let mut book = workbook(&title, time)?;
    let f = Formats::new();
    let sheet = book.add_worksheet();
    printed(sheet, SHEET, &title, 24, 1, true, &f)?;
    header(sheet, 1, &COLUMNS, &f)?;
    let mut totals = Totals {
        counts: [0; 11],
        face: [0; 4],
        platform: 0,
        real: 0,
        checked: false,
        present: 0,
        needed: 0,
    };
    let mut r = 2;
    for (i, room) in day.rooms.iter().enumerate() {
        room_row(sheet, r, day, room, &mut totals, &f)?;
        r = row(i + 3)?;
    }
    totals_row(sheet, r, &totals, &f)?;
    absence_list(book.add_worksheet(), day, &f)?;
    crate::rulings::rulings_sheet(book.add_worksheet(), day, &f)?;
    book.save_to_buffer()
}
