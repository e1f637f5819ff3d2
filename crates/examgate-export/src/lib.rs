//! examgate's exports for the provincial office (issue 10). This crate holds the emergency-photo
//! archive the notice asks each site for after the exam (DOMAIN.md, "After the exam"): one ZIP
//! per site, named by the notice's rule ([`name`]), holding `<student number>.jpg` for each
//! emergency photo ([`select`]) and the manifest `清单.csv` ([`manifest`]), streamed in constant
//! memory, stored, ZIP64 past 4 GiB and byte-identical for the same data ([`archive`]).
//!
//! It is its own crate, without Tauri and without the door, so the CLI, the site server and the
//! app can all call the same writer: it reads the store and photo files and writes a file.

pub mod archive;
pub mod manifest;
pub mod name;
pub mod plan;
pub mod select;

/// The manifest's name inside the archive.
pub const MANIFEST: &str = "清单.csv";

pub use archive::{
    ArchiveError, Fault, Folders, Options, PhotoFiles, Problem, Written, write_archive,
    write_archive_file,
};
pub use manifest::{Row, manifest_csv};
pub use name::{NameError, archive_name, given_name, order_in_term};
pub use plan::{PlanError, SitePlan, plan};
pub use select::{Entry, PhotoKind, PhotoRecord, name_entries, photo_records};
