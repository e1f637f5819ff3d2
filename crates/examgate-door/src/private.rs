//! The door's own folders owner-only: the data folder it creates and the photos under it (faces
//! and student numbers). Photos stored before this rule (folders 0755) are tightened at start;
//! a folder the door did not create (say `--db /tmp/x.db`) keeps its mode, only our files in it
//! are tightened.

use std::path::Path;

use crate::error::{ErrorCode, IpcError, Result};

fn failed(path: &Path, e: std::io::Error) -> IpcError {
    IpcError::new(
        ErrorCode::Database,
        format!(
            "无法设置 {} 为仅本用户可读 (cannot make it owner-only): {e}",
            path.display()
        ),
    )
}

/// Creates the data folder (0700) if it does not exist.
pub(crate) fn data_folder(dir: &Path) -> Result<()> {
    examgate_photo::create_private_dir_all(dir).map_err(|e| {
        IpcError::new(
            ErrorCode::Database,
            format!("无法创建数据目录 (cannot create the data folder): {e}"),
        )
    })
}

/// Folders under `root` (and `root`) to 0700, files to 0600, two levels deep as the photo store
/// lays them out (`photos/<sitting>/<student>.jpg`). A missing `root` is fine.
#[cfg(unix)]
pub(crate) fn tighten_photos(root: &Path) -> Result<()> {
    use std::fs::Metadata;
    use std::os::unix::fs::PermissionsExt;
    // Only what is not owner-only yet is changed: the photos stored since this rule already are,
    // and a start should not rewrite every photo's inode.
    fn set(p: &Path, meta: &Metadata, mode: u32) -> Result<()> {
        if meta.permissions().mode() & 0o7777 == mode {
            return Ok(());
        }
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).map_err(|e| failed(p, e))
    }
    fn walk(dir: &Path, meta: &Metadata, depth: u32) -> Result<()> {
        set(dir, meta, 0o700)?;
        for entry in std::fs::read_dir(dir).map_err(|e| failed(dir, e))? {
            let entry = entry.map_err(|e| failed(dir, e))?;
            let path = entry.path();
            let meta = entry.metadata().map_err(|e| failed(&path, e))?;
            if meta.is_dir() && depth > 0 {
                walk(&path, &meta, depth - 1)?;
            } else if meta.is_file() {
                set(&path, &meta, 0o600)?;
            }
        }
        Ok(())
    }
    match std::fs::symlink_metadata(root) {
        Ok(m) if m.is_dir() => walk(root, &m, 1),
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
pub(crate) fn tighten_photos(_root: &Path) -> Result<()> {
    Ok(())
}
