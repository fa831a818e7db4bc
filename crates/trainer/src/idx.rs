//! Reading MNIST's IDX files from disk, raw or gzip-compressed; the format itself (and its
//! checks) is `mnist_model::idx`, shared with the page. Errors name the file and the problem.

use std::io::Read;
use std::path::{Path, PathBuf};

pub use mnist_model::idx::{
    Images, MAX_BYTES, Problem, gunzip, parse_images, parse_labels, unpack,
};

/// An [`Problem`] with the file it was found in.
#[derive(Debug, thiserror::Error)]
#[error("{}: {problem}", file.display())]
pub struct IdxError {
    pub file: PathBuf,
    pub problem: Problem,
}

/// Reads an image file (`…-idx3-ubyte`, optionally `.gz`).
pub fn read_images(path: &Path) -> Result<Images, IdxError> {
    parse_images(&read(path)?).map_err(|problem| IdxError {
        file: path.into(),
        problem,
    })
}

/// Reads a label file (`…-idx1-ubyte`, optionally `.gz`).
pub fn read_labels(path: &Path) -> Result<Vec<u8>, IdxError> {
    parse_labels(&read(path)?).map_err(|problem| IdxError {
        file: path.into(),
        problem,
    })
}

/// The file's bytes, gunzipped when they carry the gzip signature.
pub fn read(path: &Path) -> Result<Vec<u8>, IdxError> {
    let fail = |problem| IdxError {
        file: path.into(),
        problem,
    };
    let file = std::fs::File::open(path).map_err(|e| fail(Problem::Io(e.to_string())))?;
    let mut raw = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(|e| fail(Problem::Io(e.to_string())))?;
    unpack(raw).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mnist_model::idx::{gzip, images_file, labels_file};

    #[test]
    fn reads_raw_and_gzipped_files_alike() {
        let dir = tempfile::tempdir().unwrap();
        let raw = images_file(2, 28, 28, &[7; 2 * 784]);
        std::fs::write(dir.path().join("a"), &raw).unwrap();
        std::fs::write(dir.path().join("a.gz"), gzip(&raw)).unwrap();
        assert_eq!(
            read_images(&dir.path().join("a")).unwrap(),
            read_images(&dir.path().join("a.gz")).unwrap()
        );
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t10k-labels-idx1-ubyte.gz");
        let mut corrupt = gzip(&labels_file(&[1, 2, 3]));
        corrupt.truncate(corrupt.len() / 2);
        std::fs::write(&path, corrupt).unwrap();
        let message = read_labels(&path).unwrap_err().to_string();
        assert!(message.contains("t10k-labels-idx1-ubyte.gz"), "{message}");
        assert!(message.contains("gzip"), "{message}");
        let missing = read_labels(&dir.path().join("nope"))
            .unwrap_err()
            .to_string();
        assert!(
            missing.contains("nope") && missing.contains("cannot read"),
            "{missing}"
        );
    }
}
