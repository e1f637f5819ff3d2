//! What the running app holds in Tauri's managed state. For now only the database path; the store
//! handle joins it when the shell is wired to `examgate-store`. One owner of the path, read by the
//! commands, never re-resolved per call.

use std::path::{Path, PathBuf};

/// The database file this window works on, fixed for the life of the process.
#[derive(Debug, Clone)]
pub struct DbPath(PathBuf);

impl DbPath {
    pub fn new(path: PathBuf) -> Self {
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The path as the UI shows it (lossy for non-UTF-8 paths, which is fine for display).
    pub fn display(&self) -> String {
        self.0.display().to_string()
    }
}
