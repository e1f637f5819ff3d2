//! What a fallback photo says about itself: who, when, where. One validated struct feeds the
//! stamp, the EXIF fields, the file name and the signature, so the four can never disagree.
//!
//! Values are single-line and free of control characters: that is what makes the signed
//! serialisation (`key=value` lines) canonical and unambiguous, and keeps the stamp to its lines.

use chrono::{DateTime, FixedOffset, SecondsFormat, Timelike};
// Text fields are checked by the core's rule (at most `examgate_core::text::MAX_FIELD_CHARS`
// characters, one line), so the import refuses exactly what the stamp would.
use examgate_core::text::{FieldProblem, check_stamped_field};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::sign::SIGNATURE_FORMAT;

/// Longest accepted student number (the admission ticket number is 13 digits).
pub const MAX_STUDENT_CHARS: usize = 32;

/// The facts a fallback photo carries (DOMAIN.md, step 4: exam time and the room's address).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// Student number (学号) = admission ticket number; also the file name, so ASCII letters and
    /// digits only.
    pub student: String,
    /// Capture time in the exam's local time, with its UTC offset; whole seconds.
    pub time: DateTime<FixedOffset>,
    /// Exam site (考点) name.
    pub site: String,
    /// Room (考场).
    pub room: String,
    /// The room's address (考场地址).
    pub address: String,
    /// Seat (座位号).
    pub seat: String,
}

impl Metadata {
    /// Trims every text field, drops sub-second precision from the time, and checks the fields.
    pub fn new(
        student: &str,
        time: DateTime<FixedOffset>,
        site: &str,
        room: &str,
        address: &str,
        seat: &str,
    ) -> Result<Self> {
        let meta = Metadata {
            student: student.trim().to_owned(),
            time: time.with_nanosecond(0).unwrap_or(time),
            site: site.trim().to_owned(),
            room: room.trim().to_owned(),
            address: address.trim().to_owned(),
            seat: seat.trim().to_owned(),
        };
        meta.validate()?;
        Ok(meta)
    }

    /// Checks a value built field by field (or read back from a sidecar).
    pub fn validate(&self) -> Result<()> {
        check_student(&self.student)?;
        check_text("考点 site", &self.site)?;
        check_text("考场 room", &self.room)?;
        check_text("地址 address", &self.address)?;
        check_text("座位 seat", &self.seat)?;
        if self.time.nanosecond() != 0 {
            return Err(Error::InvalidField {
                field: "时间 time",
                reason: "须为整秒 (must be whole seconds)".into(),
            });
        }
        Ok(())
    }

    /// `2023-04-15T09:12:33+08:00`: the signed and serialised form of the time.
    pub fn time_rfc3339(&self) -> String {
        self.time.to_rfc3339_opts(SecondsFormat::Secs, false)
    }

    /// `2023-04-15 09:12:33 +08:00`: the stamped form (exam local time, seconds, UTC offset).
    pub fn time_display(&self) -> String {
        self.time.format("%Y-%m-%d %H:%M:%S %:z").to_string()
    }

    /// The stamp's lines, before any wrapping to the image width.
    pub fn stamp_lines(&self) -> Vec<String> {
        vec![
            format!(
                "{}   学号 {}   座位 {}",
                self.time_display(),
                self.student,
                self.seat
            ),
            format!("考点 {}   考场 {}", self.site, self.room),
            format!("地址 {}", self.address),
        ]
    }

    /// Every character the stamp draws (for the font coverage check).
    pub fn stamp_text(&self) -> String {
        self.stamp_lines().join("\n")
    }

    /// The one-line Chinese summary written to EXIF UserComment and XPComment.
    pub fn comment(&self) -> String {
        format!(
            "学号 {}；时间 {}；考点 {}；考场 {}；地址 {}；座位 {}",
            self.student,
            self.time_display(),
            self.site,
            self.room,
            self.address,
            self.seat
        )
    }

    /// The canonical bytes the signature covers, with the photo's SHA-256 (lower-case hex).
    ///
    /// `SIGNATURE_FORMAT` (`examgate-photo-signature-v1`) then one `key=value` line per field in this fixed order, each
    /// ending in `\n`, UTF-8. Unambiguous because no value contains a control character.
    pub fn signed_bytes(&self, sha256_hex: &str) -> Vec<u8> {
        format!(
            "{SIGNATURE_FORMAT}\nsha256={sha256_hex}\nstudent={}\ntime={}\nsite={}\nroom={}\naddress={}\nseat={}\n",
            self.student,
            self.time_rfc3339(),
            self.site,
            self.room,
            self.address,
            self.seat
        )
        .into_bytes()
    }
}

fn check_student(s: &str) -> Result<()> {
    let field = "学号 student number";
    if s.is_empty() {
        return Err(Error::InvalidField {
            field,
            reason: "为空 (empty)".into(),
        });
    }
    if s.chars().count() > MAX_STUDENT_CHARS {
        return Err(Error::InvalidField {
            field,
            reason: format!(
                "超过 {MAX_STUDENT_CHARS} 个字符 (longer than {MAX_STUDENT_CHARS} characters)"
            ),
        });
    }
    if let Some(c) = s.chars().find(|c| !c.is_ascii_alphanumeric()) {
        return Err(Error::InvalidField {
            field,
            reason: format!(
                "只能含字母和数字，不能含“{c}” (letters and digits only, not '{c}'; it names the photo file)"
            ),
        });
    }
    Ok(())
}

/// The core's check, the same one the import applies to sites, rooms and addresses. The core
/// checks the trimmed value (the import trims before it stores); a field here is signed as it
/// stands (a sidecar is read back untrimmed), so a control character at either end is refused
/// too: `site=X\n\nroom=…` is not a form any device signs.
fn check_text(field: &'static str, s: &str) -> Result<()> {
    let problem = if s.chars().any(char::is_control) {
        Err(FieldProblem::Control)
    } else {
        check_stamped_field(s)
    };
    problem.map_err(|p| Error::InvalidField {
        field,
        reason: p.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test")]
    use super::*;

    fn t() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2023-04-15T09:12:33.750+08:00").unwrap()
    }

    #[test]
    fn fields_are_trimmed_and_time_keeps_whole_seconds_with_offset() {
        let m = Metadata::new(
            " 2023420100001 ",
            t(),
            " 襄阳电大校本部",
            "03",
            "襄阳市襄城区尹集东街东街66号",
            "12",
        )
        .unwrap();
        assert_eq!(m.student, "2023420100001");
        assert_eq!(m.site, "襄阳电大校本部");
        assert_eq!(m.time_rfc3339(), "2023-04-15T09:12:33+08:00");
        assert_eq!(m.time_display(), "2023-04-15 09:12:33 +08:00");
    }

    #[test]
    fn student_number_that_could_escape_the_folder_is_refused() {
        for bad in ["../x", "a/b", "12 34", "学号", ""] {
            let e = Metadata::new(bad, t(), "s", "r", "a", "1").unwrap_err();
            assert_eq!(e.code(), "invalid-field", "{bad:?}");
        }
    }

    #[test]
    fn a_line_break_in_a_field_is_refused_so_the_signed_form_stays_canonical() {
        let e = Metadata::new("1", t(), "s", "r\nseat=9", "a", "1").unwrap_err();
        assert_eq!(e.code(), "invalid-field");
        assert!(e.to_string().contains("room"));
    }

    #[test]
    fn a_line_break_at_either_end_of_a_signed_field_is_refused() {
        let mut m = Metadata::new("1", t(), "s", "r", "a", "1").unwrap();
        m.site = "s\n".into();
        assert_eq!(m.validate().unwrap_err().code(), "invalid-field");
        m.site = "s".into();
        m.room = "\tr".into();
        assert_eq!(m.validate().unwrap_err().code(), "invalid-field");
    }

    #[test]
    fn signed_bytes_are_fixed_key_value_lines() {
        let m = Metadata::new("1", t(), "站", "01", "路2号", "7").unwrap();
        assert_eq!(
            String::from_utf8(m.signed_bytes("ab")).unwrap(),
            "examgate-photo-signature-v1\nsha256=ab\nstudent=1\ntime=2023-04-15T09:12:33+08:00\nsite=站\nroom=01\naddress=路2号\nseat=7\n"
        );
    }
}
