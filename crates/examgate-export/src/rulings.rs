//! The chief examiner's rulings at the room's close, as the office reads them: each closing
//! waiver (an item that kept the room from closing, let go with a reason: [`waivers`]) and each
//! conflict between devices the chief settled ([`EventKind::ConflictResolved`]), and the room's
//! close itself (who, at what exam time). Read from the sitting's log for one site, in a fixed
//! order, so the day's report lists them the same way every time; and written as the day
//! report's sheet 豁免与裁定, in words a clerk understands — the candidate's name and student
//! number, never an ID number.

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, FixedOffset};
use examgate_core::closing::{ClosingItem, closed_at, waivers};
use examgate_core::event::{Event, EventKind, Outcome};
use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::book::{Formats, cell_text, column, header, printed, row};
use crate::site_day::SiteDay;

/// The sheet's name.
pub const SHEET: &str = "豁免与裁定";

/// The room's close that counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomClose {
    /// Staff number of who closed it.
    pub by: String,
    /// The exam time it was closed at (the device's time when no exam time was set).
    pub at: DateTime<FixedOffset>,
}

/// What the chief ruled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ruled {
    /// A closing item waived, with the chief's reason.
    Waived { item: ClosingItem, reason: String },
    /// A conflict between devices settled as `outcome`.
    Settled { outcome: Outcome },
}

/// One ruling of a chief examiner in a room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ruling {
    pub room: String,
    /// The student it is about, when it is about one.
    pub student: Option<String>,
    pub ruled: Ruled,
    /// Staff number of the chief.
    pub chief: String,
    pub at: DateTime<FixedOffset>,
}

fn exam_time(e: &Event) -> DateTime<FixedOffset> {
    e.exam_time.unwrap_or(e.wall)
}

/// The close of `room` at `site` in `log`, when it was closed.
pub fn room_close(log: &[Event], site: &str, room: &str) -> Option<RoomClose> {
    closed_at(log, site, room).map(|e| RoomClose {
        by: e.actor.clone(),
        at: exam_time(e),
    })
}

/// The rulings in `rooms` of `site` (each room's number with its candidates' student numbers):
/// every room's waivers by a chief (`chiefs`), then the conflicts settled, each room in turn.
pub fn rulings(
    log: &[Event],
    site: &str,
    rooms: &[(String, BTreeSet<String>)],
    chiefs: &BTreeSet<String>,
) -> Vec<Ruling> {
    let by_id: HashMap<_, &Event> = log.iter().map(|e| (e.id, e)).collect();
    let mut out = Vec::new();
    for (room, students) in rooms {
        for (item, w) in waivers(log, site, room, |a| chiefs.contains(a)) {
            let at = by_id
                .get(&w.event)
                .map_or(DateTime::default(), |e| exam_time(e));
            out.push(Ruling {
                room: room.clone(),
                student: item.student().map(str::to_string),
                ruled: Ruled::Waived {
                    item,
                    reason: w.reason,
                },
                chief: w.chief,
                at,
            });
        }
        let mut settled: Vec<&Event> = log
            .iter()
            .filter(|e| {
                matches!(e.kind, EventKind::ConflictResolved { .. })
                    && e.candidate.is_some()
                    && students.contains(e.student())
                    && chiefs.contains(&e.actor)
            })
            .collect();
        settled.sort_by_key(|e| (e.hlc, e.id));
        for e in settled {
            if let EventKind::ConflictResolved { outcome } = &e.kind {
                out.push(Ruling {
                    room: room.clone(),
                    student: Some(e.student().to_string()),
                    ruled: Ruled::Settled {
                        outcome: outcome.clone(),
                    },
                    chief: e.actor.clone(),
                    at: exam_time(e),
                });
            }
        }
    }
    out
}

/// What a waived item was, in words.
pub fn item_words(item: &ClosingItem) -> &'static str {
    match item {
        ClosingItem::PendingApproval { .. } => "人工核验未经主考审批",
        ClosingItem::MissingCountCheckPhoto { .. } => "缺少开考30分钟核查照片",
        ClosingItem::UnmarkedViolation { .. } => "违规未在一平台标记",
        ClosingItem::Conflict { .. } => "多台设备记录冲突",
        ClosingItem::CountCheckNotDone => "未做开考30分钟人数核对",
    }
}

/// An outcome the chief chose, in words.
pub fn outcome_words(outcome: &Outcome) -> &'static str {
    match outcome {
        Outcome::Admitted { manual: false } => "入场",
        Outcome::Admitted { manual: true } => "人工核验后入场",
        Outcome::PendingManualVerification => "待主考决定",
        Outcome::Refused { .. } => "拒绝入场",
        Outcome::Absent { .. } => "缺考",
    }
}

const COLUMNS: [(&str, f64); 9] = [
    ("序号", 6.0),
    ("类别", 10.0),
    ("考场", 8.0),
    ("姓名", 12.0),
    ("学号", 16.0),
    ("事项", 24.0),
    ("原因或裁定", 36.0),
    ("主考", 12.0),
    ("时间", 12.0),
];

/// Writes the rulings sheet of `day`.
pub fn rulings_sheet(sheet: &mut Worksheet, day: &SiteDay, f: &Formats) -> Result<(), XlsxError> {
    let title = format!("{}豁免与裁定", day.heading());
    printed(sheet, SHEET, &title, 9, 1, true, f)?;
    header(sheet, 1, &COLUMNS, f)?;
    let names: HashMap<&str, &str> = day
        .rooms
        .iter()
        .flat_map(|r| r.candidates.iter())
        .map(|c| (c.student_number.as_str(), c.name.as_str()))
        .collect();
    let mut r = 2;
    for (i, ruling) in day.rulings.iter().enumerate() {
        let student = ruling.student.as_deref().unwrap_or("");
        let (kind, what, why) = match &ruling.ruled {
            Ruled::Waived { item, reason } => ("关闭豁免", item_words(item), reason.clone()),
            Ruled::Settled { outcome } => (
                "冲突裁定",
                "多台设备记录冲突",
                format!("裁定为：{}", outcome_words(outcome)),
            ),
        };
        let cells = [
            (i + 1).to_string(),
            kind.to_string(),
            ruling.room.clone(),
            names.get(student).copied().unwrap_or("").to_string(),
            student.to_string(),
            what.to_string(),
            cell_text(&why),
            day.name_of(&ruling.chief),
            ruling.at.format("%H:%M").to_string(),
        ];
        for (col, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(r, column(col)?, text, &f.cell)?;
        }
        r = row(i + 3)?;
    }
    if r == 2 {
        sheet.merge_range(2, 0, 2, 8, "无豁免与裁定", &f.head)?;
    }
    Ok(())
}
