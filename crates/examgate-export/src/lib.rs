//! examgate's exports for the provincial office (issue 10). This crate holds the emergency-photo
//! archive the notice asks each site for after the exam (DOMAIN.md, "After the exam"): one ZIP
//! per site, named by the notice's rule ([`name`]), holding `<student number>.jpg` for each
//! emergency photo ([`select`]), each photo's signature under `签名/` ([`trust`]) and the
//! manifest as `清单.csv` and `清单.xlsx` ([`manifest`], [`xlsx`]), streamed in constant memory,
//! stored, ZIP64 past 4 GiB and byte-identical for the same data ([`archive`]); and the reading
//! side, which checks such an archive against a trust list without the database ([`read`]).
//! Beside the archive, the office's printed reports per site ([`reports`]): annex 5, the
//! violation summary ([`annex5`]); the day's report with the absence list ([`day_report`]); and
//! the post-exam check list ([`post_check`]), all read from one [`site_day`].
//!
//! It is its own crate, without Tauri and without the door, so the CLI, the site server and the
//! app can all call the same writer: it reads the store and photo files and writes a file. The
//! caller brings what only it knows: the site's trust list and, on the server, the devices'
//! clock measurements ([`plan_with`], [`export_site`]).

pub mod annex5;
pub mod archive;
pub mod book;
pub mod clock;
pub mod conflict;
pub mod day_report;
pub mod manifest;
pub mod name;
pub mod plan;
pub mod post_check;
pub mod problem;
pub mod read;
pub mod reports;
pub mod rulings;
pub mod select;
pub mod site;
pub mod site_day;
pub mod trust;
pub mod xlsx;

/// The manifest's name inside the archive.
pub const MANIFEST: &str = "清单.csv";
/// The same manifest as a workbook.
pub const MANIFEST_XLSX: &str = "清单.xlsx";

pub use archive::{
    ArchiveError, Checks, Fault, Folders, Options, PhotoFiles, Problem, Written, write_archive,
    write_archive_file, write_checked, write_checked_file,
};
pub use clock::ClockSample;
pub use manifest::{Row, manifest_csv, manifest_table};
pub use name::{NameError, archive_name, given_name, order_in_term};
pub use plan::{PlanError, SitePlan, plan, plan_with};
pub use post_check::{ToCheck, remaining_line, still_to_check};
pub use read::{Finding, ReadError, verify_archive};
pub use reports::{
    ANNEX5_FILE, DAY_REPORT_FILE, POST_CHECK_FILE, SiteReports, export_reports, read_site_day,
    write_site_reports,
};
pub use select::{Entry, PhotoKind, PhotoRecord, name_entries, photo_records};
pub use site::export_site;
pub use site_day::{ReportError, SiteDay};
pub use trust::SIGNATURES;
