//! The SQLite files are the database: readable by nobody but the service. SQLite creates the
//! write-ahead log and shared-memory files with the main file's permissions, so creating the
//! main file 0600 before SQLite does covers all three; files left looser by an earlier version
//! are tightened. A folder that others may write to is refused: whoever can write there can
//! swap the files.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the database folder {0} may be written by other users: anyone there could replace \
         the database; make it writable by the service's user only (chmod o-w)"
    )]
    FolderOpenToOthers(PathBuf),
}

/// Makes sure the database file exists with mode 0600 (and its -wal and -shm companions, if
/// any, too) in a folder that only its owner may write to.
pub fn secure(path: &Path) -> Result<(), FileError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| FileError::Io { path, source }
        };
        let folder = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
            _ => PathBuf::from("."),
        };
        let mode = std::fs::metadata(&folder)
            .map_err(io(&folder))?
            .permissions()
            .mode();
        const OTHERS_WRITE: u32 = 0o002;
        const STICKY: u32 = 0o1000;
        if mode & OTHERS_WRITE != 0 && mode & STICKY == 0 {
            return Err(FileError::FolderOpenToOthers(folder));
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(path)(e)),
        }
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(io(&file))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[cfg(unix)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_database_is_private_and_a_loose_one_is_tightened() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("h.db");
        secure(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        let wal = dir.path().join("h.db-wal");
        std::fs::write(&wal, b"").unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        secure(&db).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
    }

    #[test]
    fn a_folder_others_may_write_to_is_refused_unless_sticky() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            secure(&dir.path().join("h.db")),
            Err(FileError::FolderOpenToOthers(_))
        ));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o1777)).unwrap();
        assert!(secure(&dir.path().join("h.db")).is_ok());
    }
}
