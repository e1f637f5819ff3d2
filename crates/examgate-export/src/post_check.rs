//! The post-exam check list (考后核验清单): every entry photo the chief examiner still has to check
//! on the platform, with the sitting's deadline (three days after it, DOMAIN.md "After the
//! exam"). An entry photo is one per candidate who entered: admitted by face recognition, or by
//! a manual verification the chief examiner approved (whose emergency photo file is named too).
//! A candidate the chief examiner marked checked ([`examgate_core::event::EventKind::PostExamChecked`])
//! leaves the list. The same list feeds the chief examiner's screen.

use chrono::{Datelike, NaiveDateTime};
use examgate_core::fold::CandidateState;
use rust_xlsxwriter::XlsxError;

use crate::book::{Formats, column, header, printed, row, workbook};
use crate::site_day::SiteDay;

/// The sheet's name.
pub const SHEET: &str = "考后核验清单";

/// An entry photo still to be checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToCheck {
    pub room: String,
    pub seat: u32,
    pub student: String,
    pub name: String,
    /// The emergency photo of an approved manual verification; `None` when admitted by
    /// recognition.
    pub manual_photo: Option<String>,
    /// Face recognition at the door as recorded (通过 / 未通过（原因）).
    pub face: String,
}

impl ToCheck {
    /// How the candidate entered, as the list prints it.
    pub fn how(&self) -> &'static str {
        match self.manual_photo {
            Some(_) => "人工核验",
            None => "人脸识别",
        }
    }
}

/// Every entry photo of `day` not yet checked, by room and seat.
pub fn still_to_check(day: &SiteDay) -> Vec<ToCheck> {
    day.rooms
        .iter()
        .flat_map(|room| {
            room.candidates.iter().filter_map(move |c| {
                let CandidateState::Admitted { manual } = c.state else {
                    return None;
                };
                if day.checked.contains(&c.student_number) {
                    return None;
                }
                Some(ToCheck {
                    room: room.room.number.clone(),
                    seat: c.seat,
                    student: c.student_number.clone(),
                    name: c.name.clone(),
                    face: c.face.label(),
                    manual_photo: manual.then(|| {
                        let file = day.manual_photos.get(&c.student_number);
                        file.cloned().unwrap_or_default()
                    }),
                })
            })
        })
        .collect()
}

/// "还有 N 张照片须在 4 月 18 日前完成核验".
pub fn remaining_line(count: usize, day: &SiteDay) -> String {
    format!(
        "还有 {count} 张照片须在 {} 月 {} 日前完成核验",
        day.deadline.month(),
        day.deadline.day()
    )
}

const COLUMNS: [(&str, f64); 9] = [
    ("序号", 6.0),
    ("考场", 8.0),
    ("座位号", 8.0),
    ("学号", 16.0),
    ("姓名", 12.0),
    ("入场方式", 10.0),
    ("应急照片", 20.0),
    ("核验截止", 12.0),
    ("人脸识别", 16.0),
];

/// The workbook's bytes for `day`, created at `time`.
pub fn post_check_xlsx(day: &SiteDay, time: NaiveDateTime) -> Result<Vec<u8>, XlsxError> {
    let title = format!("{}考后核验清单", day.heading());
    let mut book = workbook(&title, time)?;
    let f = Formats::new();
    let sheet = book.add_worksheet();
    printed(sheet, SHEET, &title, 9, 2, false, &f)?;
    let list = still_to_check(day);
    sheet.merge_range(1, 0, 1, 8, &remaining_line(list.len(), day), &f.plain)?;
    header(sheet, 2, &COLUMNS, &f)?;
    let deadline = day.deadline.format("%Y-%m-%d").to_string();
    let mut r = 3;
    for (i, p) in list.iter().enumerate() {
        let cells = [
            (i + 1).to_string(),
            p.room.clone(),
            p.seat.to_string(),
            p.student.clone(),
            p.name.clone(),
            p.how().to_string(),
            p.manual_photo.clone().unwrap_or_default(),
            deadline.clone(),
            p.face.clone(),
        ];
        for (c, text) in cells.iter().enumerate() {
            sheet.write_string_with_format(r, column(c)?, text, &f.cell)?;
        }
        r = row(i + 4)?;
    }
    if list.is_empty() {
        sheet.merge_range(r, 0, r, 8, "入场照片已全部核验", &f.head)?;
    }
    book.save_to_buffer()
}
