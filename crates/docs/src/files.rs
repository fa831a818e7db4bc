//! The project's own files: what the pages are made of. Build outputs, downloaded data, runs
//! and hidden folders are not the project's and are left out.

use std::path::Path;

use anyhow::{Context, Result};
use walkdir::{DirEntry, WalkDir};

/// Folders that hold what is built, downloaded or trained, not written.
const NOT_SOURCE: &[&str] = &["target", "dist", "data", "runs", "node_modules"];

/// How a file is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Rendered as a page.
    Markdown,
    /// Shown as it is, line by line.
    Text,
    /// Copied, for the pages that show it.
    Image,
}

/// One file of the project, by its path from the project's root (with `/` between folders).
#[derive(Debug, Clone)]
pub struct ProjectFile {
    pub path: String,
    pub kind: Kind,
}

/// Every file under `root` that is the project's own, sorted by path. Files that are neither
/// text nor an image (weights, gzipped digits) are left out: the pages cannot show them.
pub fn project_files(root: &Path) -> Result<Vec<ProjectFile>> {
    let mut files = Vec::new();
    let walk = WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || is_source(e));
    for entry in walk {
        let entry = entry.with_context(|| format!("cannot list {}", root.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(root)?;
        let path = slash_path(relative);
        if let Some(kind) = kind_of(entry.path())? {
            files.push(ProjectFile { path, kind });
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn is_source(entry: &DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    let generated = entry.file_type().is_dir() && NOT_SOURCE.contains(&name.as_ref());
    !name.starts_with('.') && !generated
}

fn slash_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// How the file at `path` is shown, if it can be: by its name for Markdown and images, else
/// text when it is UTF-8 without NUL bytes.
fn kind_of(path: &Path) -> Result<Option<Kind>> {
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    Ok(match extension.as_str() {
        "md" => Some(Kind::Markdown),
        "png" | "svg" | "jpg" | "jpeg" => Some(Kind::Image),
        _ => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            let text = std::str::from_utf8(&bytes).is_ok() && !bytes.contains(&0);
            text.then_some(Kind::Text)
        }
    })
}

/// The page a file is shown on, relative to the pages' folder.
pub fn page_of(path: &str) -> String {
    format!("{path}.html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_projects_own_files_and_not_what_is_built() {
        // Read when the test runs (`cargo test` sets it): a build cached from a checkout
        // elsewhere must not list that checkout's files.
        let root = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(
                || env!("CARGO_MANIFEST_DIR").into(),
                std::path::PathBuf::from,
            )
            .join("../..");
        let files = project_files(&root).unwrap();
        let find = |p: &str| files.iter().find(|f| f.path == p).map(|f| f.kind);
        assert_eq!(find("README.md"), Some(Kind::Markdown));
        assert_eq!(find("crates/docs/src/files.rs"), Some(Kind::Text));
        assert_eq!(find("docs/screenshot.png"), Some(Kind::Image));
        // Binary: not shown.
        assert_eq!(find("web/model/mnist-cnn.bpk"), None);
        assert!(files.iter().all(|f| !f.path.starts_with("target/")
            && !f.path.starts_with("dist/")
            && !f.path.starts_with(".git/")));
    }
}
