//! Rows of a seating list (考场座次表) to candidates, checked the way the door will use them.
//!
//! Every check here needs only the row itself: the 13-digit student number, a document kind the
//! notice accepts, a document number valid for that kind (stored normalised, quoted masked), and
//! a seat from 1. What needs other rows — duplicates, capacity — is in `validate`.

use examgate_core::documents::{self, DocumentKind, Problem};
use examgate_core::model::{Candidate, StudentNumber};

use super::headers::{self, Column, Header};
use super::row::{Fields, NO_ROWS, positive, sitting_label, stamped, visible_name};
use super::table::Row;
use super::{ImportError, SeatingList, SeatingRow};

pub(super) fn parse(
    file: &str,
    header: &Header,
    body: &[Row],
) -> Result<SeatingList, Vec<ImportError>> {
    let header_problems = headers::problems(file, header, &Column::SEATING_REQUIRED);
    if !header_problems.is_empty() {
        return Err(header_problems);
    }
    let mut rows = Vec::with_capacity(body.len());
    let mut errors = Vec::new();
    for row in body.iter().filter(|r| !r.is_blank()) {
        let mut f = Fields::new(file, header, row);
        let parsed = candidate(&mut f, row.line);
        errors.append(&mut f.errors);
        if let Some(parsed) = parsed {
            rows.push(parsed);
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.push(ImportError::at(file, header.line, "", NO_ROWS));
    }
    if errors.is_empty() {
        Ok(SeatingList {
            file: file.to_string(),
            columns: header.columns(),
            rows,
        })
    } else {
        Err(errors)
    }
}

/// Reads every field (so every problem is recorded) before giving up on the row.
fn candidate(f: &mut Fields<'_>, line: usize) -> Option<SeatingRow> {
    let student_number = f.parse_required(Column::StudentNumber, |s| {
        StudentNumber::parse(s).map_err(|e| e.to_string())
    });
    let name = f.parse_required(Column::Name, visible_name);
    let kind = f.parse_required(Column::DocumentType, document_kind);
    let number = f.required(Column::DocumentNumber);
    let document_number = match (kind, number) {
        (Some(kind), Some(number)) => {
            let verdict = documents::check(kind, &number);
            match verdict.problem {
                None => Some(verdict.normalized),
                Some(problem) => {
                    f.reject(
                        Column::DocumentNumber,
                        document_message(&verdict.normalized, &problem),
                    );
                    None
                }
            }
        }
        _ => None,
    };
    let site = f.parse_required(Column::Site, stamped);
    let site_address = f.parse_required(Column::SiteAddress, stamped);
    let room = f.parse_required(Column::Room, stamped);
    let room_address = f.parse_required(Column::RoomAddress, stamped);
    let seat = f.parse_required(Column::Seat, seat);
    let room_seats = f.parse_optional(Column::Seats, |s| positive("座位数", "a seat count", s));
    let photo = f.optional(Column::Photo);
    let sitting = f.parse_optional(Column::Sitting, sitting_label);
    if !f.errors.is_empty() {
        return None;
    }
    Some(SeatingRow {
        line,
        candidate: Candidate {
            student_number: student_number?,
            name: name?,
            document_kind: kind?,
            document_number: document_number?,
            site: site?,
            room: room?,
            seat: seat?,
            photo,
        },
        site_address: site_address?,
        room_address: room_address?,
        room_seats,
        sitting,
    })
}

/// Highest seat number accepted when the list gives no seat count: the door's search box reads
/// one to three digits as a seat, so seat 1000 could never be found by its number, and no exam
/// room has a thousand seats. A larger number is a typo or another column's value.
pub(super) const MAX_SEAT: u32 = 999;

fn seat(text: &str) -> Result<u32, String> {
    let n = positive("座位号", "a seat", text)?;
    if n > MAX_SEAT {
        return Err(format!(
            "座位号 {n} 超过 {MAX_SEAT}：没有这么大的考场 (seat {n} is beyond {MAX_SEAT}: no room \
             has that many seats)"
        ));
    }
    Ok(n)
}

fn document_kind(text: &str) -> Result<DocumentKind, String> {
    DocumentKind::parse(text).ok_or_else(|| {
        let zh: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.label_zh()).collect();
        let codes: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.code()).collect();
        format!(
            "未知证件类型“{text}”；可用：{} (unknown document type '{text}'; use one of: {})",
            zh.join("、"),
            codes.join(", ")
        )
    })
}

/// The problem with the number, quoting it masked only. A bad birth date is described without the
/// date: the date digits are exactly what the mask hides, and together they are the whole number.
fn document_message(normalized: &str, problem: &Problem) -> String {
    let masked = documents::mask(normalized);
    let what = match problem {
        Problem::BadBirthDate { .. } => {
            "出生日期不是真实日期 (the birth date is not a real date)".to_string()
        }
        other => other.to_string(),
    };
    format!("{masked}：{what}")
}
