//! Rows of a proctor roster (监考名单) to staff. A proctor works one room's door, so the room is
//! required; a chief examiner (主考) oversees the whole site, so a room on that line is a mistake
//! in the roster, not something to drop silently.

use examgate_core::model::{Role, Staff};

use super::headers::{self, Column, Header};
use super::row::{Fields, NO_ROWS, visible_name};
use super::table::Row;
use super::{ImportError, Roster, StaffRow};

pub(super) fn parse(file: &str, header: &Header, body: &[Row]) -> Result<Roster, Vec<ImportError>> {
    let header_problems = headers::problems(file, header, &Column::ROSTER_REQUIRED);
    if !header_problems.is_empty() {
        return Err(header_problems);
    }
    let mut rows = Vec::with_capacity(body.len());
    let mut errors = Vec::new();
    for row in body.iter().filter(|r| !r.is_blank()) {
        let mut f = Fields::new(file, header, row);
        let parsed = staff(&mut f);
        errors.append(&mut f.errors);
        if let Some(staff) = parsed {
            rows.push(StaffRow {
                line: row.line,
                staff,
            });
        }
    }
    if errors.is_empty() && rows.is_empty() {
        errors.push(ImportError::at(file, header.line, "", NO_ROWS));
    }
    if errors.is_empty() {
        Ok(Roster {
            file: file.to_string(),
            columns: header.columns(),
            rows,
        })
    } else {
        Err(errors)
    }
}

fn staff(f: &mut Fields<'_>) -> Option<Staff> {
    let id = f.required(Column::StaffId);
    let name = f.parse_required(Column::Name, visible_name);
    let role = f.parse_required(Column::Role, |s| {
        Role::parse(s).ok_or_else(|| {
            format!(
                "未知角色“{s}”；可用：监考、监考教师、主考 (unknown role '{s}'; use proctor or \
                 chief examiner)"
            )
        })
    });
    let site = f.required(Column::Site);
    let room = match role {
        Some(Role::Proctor) => {
            f.required_because(Column::Room, "监考教师须填写考场 (a proctor needs a room)")
        }
        Some(Role::ChiefExaminer) => {
            if f.optional(Column::Room).is_some() {
                f.reject(
                    Column::Room,
                    "主考负责整个考点，不分配考场：此格应为空 (a chief examiner oversees the \
                     whole site and has no room: leave this cell empty)",
                );
            }
            None
        }
        None => f.optional(Column::Room),
    };
    if !f.errors.is_empty() {
        return None;
    }
    Some(Staff {
        id: id?,
        name: name?,
        role: role?,
        site: site?,
        room,
    })
}
