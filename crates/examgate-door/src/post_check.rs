//! The post-exam check (考后核验) on the chief examiner's screen: how many entry photos of the
//! site are still to be checked on the platform and by which day ("还有 N 张照片须在 4 月 18 日前
//! 完成核验"), the list of them, and the chief's mark that one is checked. The list is the one
//! the office's 考后核验清单 prints (`examgate_export::still_to_check`), read from this device's
//! database, which the sync keeps current.
//!
//! Only a device enrolled as the site's chief examiner shows or marks them, and the mark is
//! recorded as that chief (the enrollment's staff number), never as a name the screen sends:
//! the site server takes the mark from a chief's device only.

use chrono::Datelike;
use examgate_export::{ReportError, read_site_day, still_to_check};
use examgate_store::ServerLink;
use serde::Serialize;
use ts_rs::TS;

use crate::Door;
use crate::error::{ErrorCode, IpcError, Result};

/// An entry photo still to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PhotoToCheck {
    pub room: String,
    pub seat: u32,
    pub student_number: String,
    pub name: String,
    /// Admitted by an approved manual verification (else by face recognition).
    pub manual: bool,
    /// The manual verification's emergency photo file.
    pub photo_file: Option<String>,
}

/// The site's post-exam check as the chief's screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct PostExamChecks {
    pub sitting: String,
    pub site: String,
    /// The last day, `YYYY-MM-DD` (three days after the sitting).
    pub deadline: String,
    pub deadline_month: u32,
    pub deadline_day: u32,
    /// By room and seat.
    pub remaining: Vec<PhotoToCheck>,
}

fn report_error(e: ReportError) -> IpcError {
    match e {
        ReportError::Store(e) => e.into(),
        ReportError::NoSuchSite { .. }
        | ReportError::PathInSite(_)
        | ReportError::NoDeadline(_)
        | ReportError::Xlsx(_)
        | ReportError::Io(_) => IpcError::new(ErrorCode::Internal, e.to_string()),
    }
}

impl Door {
    /// The link of a device enrolled as its site's chief examiner.
    fn chief_link(&self) -> Result<ServerLink> {
        let link = self.store()?.server_link()?.ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotEnrolled,
                "本机尚未连接考点服务器 (this device is not connected to a site server)",
            )
        })?;
        if link.role != "chief" {
            return Err(IpcError::new(
                ErrorCode::NotChiefExaminer,
                "只有主考的设备可以做考后核验 (only the chief examiner's device does the post-exam check)",
            ));
        }
        Ok(link)
    }

    /// The entry photos of the chief's site in `sitting` still to check, with the deadline.
    pub fn post_exam_checks(&self, sitting: &str) -> Result<PostExamChecks> {
        let link = self.chief_link()?;
        let store = self.store()?;
        let day = read_site_day(&store, sitting, &link.site).map_err(report_error)?;
        let remaining = still_to_check(&day)
            .into_iter()
            .map(|p| PhotoToCheck {
                manual: p.manual_photo.is_some(),
                room: p.room,
                seat: p.seat,
                student_number: p.student,
                name: p.name,
                photo_file: p.manual_photo.filter(|f| !f.is_empty()),
            })
            .collect();
        Ok(PostExamChecks {
            sitting: sitting.to_string(),
            site: link.site,
            deadline: day.deadline.format("%Y-%m-%d").to_string(),
            deadline_month: day.deadline.month(),
            deadline_day: day.deadline.day(),
            remaining,
        })
    }

    /// The chief marks `student`'s entry photo checked on the platform; the list after it.
    pub fn mark_post_exam_checked(&self, sitting: &str, student: &str) -> Result<PostExamChecks> {
        let link = self.chief_link()?;
        let done = self.store().and_then(|mut store| {
            let now = self.now_for(&store, sitting)?;
            Ok(store.mark_post_exam_checked(sitting, student, &link.staff, now)?)
        });
        self.kicked(done)?;
        self.post_exam_checks(sitting)
    }
}
