//! The source's front page: where to start reading, then every file, folder by folder.

use crate::files::{self, Kind, ProjectFile};
use crate::render::{escape, page};

/// Where a reader starts: the documents that explain the rest.
const START: &[(&str, &str)] = &[
    (
        "README.md",
        "what the app is, how to use it and the trainer, the figures",
    ),
    (
        "ARCHITECTURE.md",
        "the crates, their entry points and the invariants between them",
    ),
    (
        "crates/model/src/network.rs",
        "the network itself, shared by the trainer and the page",
    ),
];

/// The index page of `pages`, the files with a page (sorted by path).
pub fn page_of(pages: &[&ProjectFile]) -> String {
    let mut body = String::from(
        "<h1>Source code</h1>\n<p>Every file of this build of the app, its trainer and its \
         tests. Start with:</p>\n<ul>\n",
    );
    for (path, what) in START {
        if pages.iter().any(|f| f.path == *path) {
            body.push_str(&format!(
                "<li><a href=\"{}\">{path}</a>: {what}</li>\n",
                files::page_of(path)
            ));
        }
    }
    body.push_str("</ul>\n");
    let mut folder: Option<&str> = None;
    for file in pages {
        let (dir, name) = file.path.rsplit_once('/').unwrap_or(("", &file.path));
        if folder != Some(dir) {
            if folder.is_some() {
                body.push_str("</ul>\n");
            }
            let title = if dir.is_empty() {
                "The project's root"
            } else {
                dir
            };
            body.push_str(&format!(
                "<h2>{}</h2>\n<ul class=\"files\">\n",
                escape(title)
            ));
            folder = Some(dir);
        }
        let class = if file.kind == Kind::Markdown {
            " class=\"doc\""
        } else {
            ""
        };
        body.push_str(&format!(
            "<li><a{class} href=\"{}\">{}</a></li>\n",
            escape(&files::page_of(&file.path)),
            escape(name)
        ));
    }
    if folder.is_some() {
        body.push_str("</ul>\n");
    }
    page("Source code", 0, &body)
}
