//! `docs OUT`: the project's documentation and source as web pages in `OUT`, run from the
//! project's root. Trunk runs it after each build (`Trunk.toml`), into the app's `source/`
//! folder, so that the page links to how it works and to the code it runs, offline and at the
//! build's own version.

mod files;
mod index;
mod render;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use files::{Kind, ProjectFile};

const STYLE: &str = include_str!("site.css");

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [out] => write_site(Path::new("."), Path::new(out)),
        _ => Err(anyhow::anyhow!(
            "usage: docs OUT (run from the project's root)"
        )),
    };
    match result {
        Ok(count) => {
            println!("docs: {count} pages in {}", args[0]);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Writes a page for each of `root`'s files into `out`, the images they show, the index and
/// the style sheet; returns how many pages.
fn write_site(root: &Path, out: &Path) -> Result<usize> {
    if !root.join("Cargo.toml").is_file() || !root.join("README.md").is_file() {
        bail!("{} is not the project's root", root.display());
    }
    let files = files::project_files(root)?;
    let pages: Vec<&ProjectFile> = files.iter().filter(|f| f.kind != Kind::Image).collect();
    let with_pages: BTreeSet<String> = pages.iter().map(|f| f.path.clone()).collect();
    for file in &files {
        let source = root.join(&file.path);
        match file.kind {
            Kind::Image => copy(&source, &out.join(&file.path))?,
            Kind::Markdown | Kind::Text => {
                let text = fs::read_to_string(&source)
                    .with_context(|| format!("cannot read {}", source.display()))?;
                let body = match file.kind {
                    Kind::Markdown => render::markdown(&file.path, &text, &with_pages),
                    _ => render::text(&file.path, &text),
                };
                let depth = file.path.matches('/').count();
                let html = render::page(&file.path, depth, &body);
                write(&out.join(files::page_of(&file.path)), &html)?;
            }
        }
    }
    write(&out.join("index.html"), &index::page_of(&pages))?;
    write(&out.join("site.css"), STYLE)?;
    Ok(pages.len() + 1)
}

fn write(path: &Path, contents: &str) -> Result<()> {
    create_parent(path)?;
    fs::write(path, contents).with_context(|| format!("cannot write {}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<()> {
    create_parent(to)?;
    fs::copy(from, to)
        .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    Ok(())
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display())),
        None => Ok(()),
    }
}
