//! The things of an exam day: exam, sitting, site, room, seat, candidate, staff.
//!
//! These are plain data, as the office's seating list and roster describe them. Identity is by the
//! numbers people use: a candidate is their 13-digit student number (= admission ticket number)
//! within a sitting; a room is its number within a site.

use chrono::{NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::documents::DocumentKind;

/// A 13-digit student number, which is also the admission ticket number (准考证号).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StudentNumber(String);

/// Why a text is not a student number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("学号/准考证号须为 13 位数字：“{0}” (a student number is 13 digits: '{0}')")]
pub struct BadStudentNumber(pub String);

impl StudentNumber {
    pub const LEN: usize = 13;

    pub fn parse(text: &str) -> Result<Self, BadStudentNumber> {
        let t = text.trim();
        if t.len() == Self::LEN && t.bytes().all(|b| b.is_ascii_digit()) {
            Ok(StudentNumber(t.to_string()))
        } else {
            Err(BadStudentNumber(t.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for StudentNumber {
    type Error = BadStudentNumber;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        StudentNumber::parse(&s)
    }
}

impl From<StudentNumber> for String {
    fn from(s: StudentNumber) -> String {
        s.0
    }
}

impl std::fmt::Display for StudentNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One sitting of an exam: "2023春 第一次" on 2023-04-15, 09:00–11:00, paper 11908.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Sitting {
    /// The exam's name, e.g. 学士学位英语考试.
    pub exam: String,
    /// The sitting's label, unique within the database, e.g. "2023春 第一次".
    pub label: String,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// Paper number (试卷号), e.g. 11908.
    pub paper: String,
}

/// An exam site (考点) with its address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Site {
    pub name: String,
    pub address: String,
}

/// An exam room (考场). The address is what the fallback photo is stamped with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Room {
    pub site: String,
    /// The room's number as the office writes it, e.g. "01" or "第3考场".
    pub number: String,
    pub address: String,
    /// Seat count, when the seating list gives it (座位数).
    pub seats: Option<u32>,
}

/// A seat in a room: seats are numbered from 1.
pub type Seat = u32;

/// A candidate on a room's seating list for one sitting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub student_number: StudentNumber,
    pub name: String,
    pub document_kind: DocumentKind,
    /// Normalised document number (see [`crate::documents::normalize`]).
    pub document_number: String,
    pub site: String,
    pub room: String,
    pub seat: Seat,
    /// File name or path of the registration photo, when the list has one.
    pub photo: Option<String>,
}

/// What a member of staff does on the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// 监考教师: works a room's door.
    Proctor,
    /// 主考: one per site; approves manual verifications.
    ChiefExaminer,
}

impl Role {
    /// Reads a role as offices write it (监考, 监考教师, 主考, proctor, chief …).
    pub fn parse(text: &str) -> Option<Role> {
        match text.trim().to_lowercase().as_str() {
            "监考" | "监考教师" | "监考员" | "proctor" => Some(Role::Proctor),
            "主考" | "主考官" | "chief" | "chief examiner" | "chief-examiner" => {
                Some(Role::ChiefExaminer)
            }
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Role::Proctor => "proctor",
            Role::ChiefExaminer => "chief-examiner",
        }
    }
}

/// A proctor or chief examiner from the site's roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Staff {
    /// Staff number (工号), unique within the database.
    pub id: String,
    pub name: String,
    pub role: Role,
    pub site: String,
    /// The room a proctor is assigned to; `None` for a chief examiner.
    pub room: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn student_number_is_exactly_thirteen_digits() {
        assert!(StudentNumber::parse("2023123456789").is_ok());
        assert!(StudentNumber::parse(" 2023123456789 ").is_ok());
        assert!(StudentNumber::parse("202312345678").is_err());
        assert!(StudentNumber::parse("20231234567890").is_err());
        assert!(StudentNumber::parse("202312345678A").is_err());
        assert!(StudentNumber::parse("２０２３１２３４５６７８９").is_err());
    }

    #[test]
    fn roles_parse_from_chinese_and_english() {
        assert_eq!(Role::parse("监考教师"), Some(Role::Proctor));
        assert_eq!(Role::parse("主考"), Some(Role::ChiefExaminer));
        assert_eq!(Role::parse("Chief Examiner"), Some(Role::ChiefExaminer));
        assert_eq!(Role::parse("巡考"), None);
    }
}
