//! One site's whole archive, as the CLI, the site server and the app write it: the photos, their
//! signatures, `清单.csv` and `清单.xlsx`, every photo checked against the site's trust list and
//! the site's conflicts refusing it, into a file put in place atomically.

use std::path::{Path, PathBuf};

use examgate_photo::PublicKey;

use crate::archive::{ArchiveError, Checks, Options, PhotoFiles, Written, write_checked_file};
use crate::manifest::{manifest_csv, manifest_table};
use crate::plan::SitePlan;
use crate::xlsx::manifest_xlsx;
use crate::{MANIFEST, MANIFEST_XLSX};

/// Writes `site`'s archive into `dir` (its name is `site.name`). Refused (nothing written,
/// [`ArchiveError::Refused`] naming every problem) when a photo is missing, altered, unsigned,
/// signed by a key not in `trusted` or not valid, or a candidate is in conflict; with
/// `options.allow_incomplete` written anyway, each problem in the manifests' 问题 column.
pub fn export_site(
    dir: &Path,
    site: &SitePlan,
    files: &dyn PhotoFiles,
    options: Options,
    trusted: &[PublicKey],
) -> Result<(PathBuf, Written), ArchiveError> {
    let checks = Checks {
        trusted: Some(trusted),
        known: &site.conflicts,
    };
    write_checked_file(
        dir,
        &site.name,
        &site.entries,
        files,
        options,
        checks,
        |problems| {
            let table = manifest_table(&site.rows, problems);
            let xlsx = manifest_xlsx(&table, options.timestamp)
                .map_err(|e| ArchiveError::Xlsx(e.to_string()))?;
            Ok(vec![
                (MANIFEST.to_string(), manifest_csv(&site.rows, problems)),
                (MANIFEST_XLSX.to_string(), xlsx),
            ])
        },
    )
}
