//! Every file the trainer writes goes through here: written to a temporary sibling, flushed to
//! disk and renamed into place, so a kill, a full disk or a crash never leaves a truncated file
//! where a good one was.

use std::fs::File;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Temporaries are named `.<file>.tmp-<random>`: hidden, and recognisable as leftovers of a
/// killed run by [`is_temporary`].
const TEMPORARY_MARK: &str = ".tmp-";

/// Atomically replaces `path` with `bytes`.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    // The temporary is deleted when dropped unpersisted, so a failed write leaves nothing.
    let result = (|| -> std::io::Result<()> {
        let prefix = format!(".{}{TEMPORARY_MARK}", name.to_string_lossy());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix);
        // Readable like any file the user creates (tempfile's own default is owner-only).
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut file = builder.tempfile_in(dir)?;
        file.write_all(bytes)?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|e| e.error)?;
        // Make the rename itself durable.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Whether a file name is one of [`write`]'s temporaries (left behind only by a killed process).
pub fn is_temporary(name: &str) -> bool {
    name.starts_with('.') && name.contains(TEMPORARY_MARK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        write(&path, b"old").unwrap();
        write(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("a.bin");
        let err = write(&path, b"x").unwrap_err();
        assert!(format!("{err:#}").contains("cannot write"), "{err:#}");
    }

    #[cfg(unix)]
    #[test]
    fn files_get_the_usual_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("weights.bpk");
        write(&path, b"x").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o044, 0o044, "{mode:o}: others cannot read it");
    }

    #[test]
    fn recognises_its_own_temporaries() {
        assert!(is_temporary(".model-epoch3.bpk.tmp-a8Xk2q"));
        assert!(!is_temporary("model-epoch3.bpk"));
        assert!(!is_temporary("state.json"));
    }
}
