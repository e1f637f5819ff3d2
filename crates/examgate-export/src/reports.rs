//! `examgate export reports`: per site, the three workbooks the office prints or sends after the
//! exam, with fixed names —
//! `<site>违规考生信息汇总表.xlsx` (annex 5, [`crate::annex5`]),
//! `<site>考试情况汇总.xlsx` (the day's report, the absence list and the chief examiner's
//! closing waivers and settled conflicts, [`crate::day_report`], [`crate::rulings`]) and
//! `<site>考后核验清单.xlsx` (the entry photos still to check, [`crate::post_check`]) —
//! each written atomically and reproducibly (created at the sitting's start: the same data gives
//! the same bytes).

use std::path::{Path, PathBuf};

use examgate_store::Store;

use crate::annex5::annex5_xlsx;
use crate::book::write_atomically;
use crate::day_report::day_report_xlsx;
use crate::name::bare;
use crate::post_check::post_check_xlsx;
use crate::site_day::{ReportError, SiteDay, report_sites, site_day};

/// The end of annex 5's file name, after the site's name.
pub const ANNEX5_FILE: &str = "违规考生信息汇总表.xlsx";
/// The end of the day's report's file name.
pub const DAY_REPORT_FILE: &str = "考试情况汇总.xlsx";
/// The end of the post-exam check list's file name.
pub const POST_CHECK_FILE: &str = "考后核验清单.xlsx";

/// The files written for one site.
#[derive(Debug, Clone)]
pub struct SiteReports {
    pub site: String,
    pub files: Vec<PathBuf>,
    pub violations: usize,
    pub still_to_check: usize,
}

/// Reads one site's day: what [`write_site_reports`] and the chief examiner's screen use.
pub fn read_site_day(store: &Store, sitting: &str, site: &str) -> Result<SiteDay, ReportError> {
    let info = store.sitting(sitting)?;
    let log = store.sitting_events(sitting)?;
    site_day(store, &info, site, &log)
}

/// Writes the three workbooks of `day` into `dir`.
pub fn write_site_reports(dir: &Path, day: &SiteDay) -> Result<SiteReports, ReportError> {
    if !bare(&day.site) {
        return Err(ReportError::PathInSite(day.site.clone()));
    }
    let s = &day.sitting.sitting;
    let time = s.date.and_time(s.start);
    let site = &day.site;
    let files = vec![
        write_atomically(
            dir,
            &format!("{site}{ANNEX5_FILE}"),
            &annex5_xlsx(day, time)?,
        )?,
        write_atomically(
            dir,
            &format!("{site}{DAY_REPORT_FILE}"),
            &day_report_xlsx(day, time)?,
        )?,
        write_atomically(
            dir,
            &format!("{site}{POST_CHECK_FILE}"),
            &post_check_xlsx(day, time)?,
        )?,
    ];
    Ok(SiteReports {
        site: site.clone(),
        files,
        violations: day.violations.len(),
        still_to_check: crate::post_check::still_to_check(day).len(),
    })
}

/// Every site's reports of `sitting` (only `site` when given) into `dir`.
pub fn export_reports(
    store: &Store,
    sitting: &str,
    site: Option<&str>,
    dir: &Path,
) -> Result<Vec<SiteReports>, ReportError> {
    let info = store.sitting(sitting)?;
    let log = store.sitting_events(sitting)?;
    let mut written = Vec::new();
    for name in report_sites(store, sitting, site)? {
        let day = site_day(store, &info, &name, &log)?;
        written.push(write_site_reports(dir, &day)?);
    }
    Ok(written)
}
