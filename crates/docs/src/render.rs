//! A file as a page: Markdown rendered (its links to other files of the project made links to
//! their pages, its headings given the anchors GitHub gives them, so that `#the-shipped-weights`
//! works), any other text shown line by line with an anchor per line.

use std::collections::BTreeSet;

use crate::files;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// The page around `body`: `title`, the way back to the app and to the documentation, and the
/// style sheet, for a page `depth` folders below the pages' root.
pub fn page(title: &str, depth: usize, body: &str) -> String {
    let up = "../".repeat(depth);
    let title = escape(title);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>{title} · Digit recogniser</title>\n\
         <link rel=\"icon\" href=\"{up}../icons/icon.svg\" type=\"image/svg+xml\">\n\
         <link rel=\"stylesheet\" href=\"{up}site.css\">\n</head>\n<body>\n\
         <nav aria-label=\"Site\"><a href=\"{up}../\">The app</a> <a href=\"{up}README.md.html\">Documentation</a> \
         <a href=\"{up}index.html\">Source code</a></nav>\n\
         <main>\n{body}</main>\n</body>\n</html>\n"
    )
}

/// The Markdown file at `path` (its `text`) as HTML. `files` are the project's files that have a
/// page: relative links to them go to their page instead.
pub fn markdown(path: &str, text: &str, files: &BTreeSet<String>) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut events: Vec<Event> = Parser::new_ext(text, options).collect();
    for event in &mut events {
        if let Event::Start(Tag::Link { dest_url, .. }) = event
            && let Some(page) = page_link(path, dest_url, files)
        {
            *dest_url = CowStr::from(page);
        }
    }
    name_headings(&mut events);
    let mut out = String::new();
    html::push_html(&mut out, events.into_iter());
    // Code and tables scroll sideways on narrow screens: focusable, so the keyboard can too.
    out.replace("<pre>", "<pre tabindex=\"0\">")
        .replace("<table>", "<table tabindex=\"0\">")
}

/// A text file as numbered lines, each with its anchor (`#L12`).
pub fn text(path: &str, text: &str) -> String {
    let mut out = format!(
        "<h1 class=\"path\">{}</h1>\n<pre class=\"source\" tabindex=\"0\">",
        escape(path)
    );
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        out.push_str(&format!(
            "<span class=\"line\" id=\"L{n}\">{}</span>\n",
            escape(line)
        ));
    }
    out.push_str("</pre>\n");
    out
}

/// Where a link written in the file at `from` should go when it points at a file with a page
/// (`docs/size.md#web` → `docs/size.md.html#web`); `None` to leave it as written.
fn page_link(from: &str, link: &str, files: &BTreeSet<String>) -> Option<String> {
    if link.starts_with('#') || link.starts_with('/') || link.contains("://") {
        return None;
    }
    let (target, fragment) = match link.split_once('#') {
        Some((target, fragment)) => (target, format!("#{fragment}")),
        None => (link, String::new()),
    };
    let resolved = resolve(from, target)?;
    files
        .contains(&resolved)
        .then(|| format!("{}{fragment}", files::page_of(target)))
}

/// `target`, written in the file at `from`, as a path from the project's root.
fn resolve(from: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Gives each heading the id GitHub gives it, so that links to `#a-section` work.
fn name_headings(events: &mut [Event]) {
    let mut seen = BTreeSet::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = &events[i] {
            let mut words = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    words.push_str(t);
                }
                j += 1;
            }
            let mut id = slug(&words);
            let base = id.clone();
            let mut n = 1;
            while !seen.insert(id.clone()) {
                id = format!("{base}-{n}");
                n += 1;
            }
            if let Event::Start(Tag::Heading { id: heading, .. }) = &mut events[i] {
                *heading = Some(CowStr::from(id));
            }
            i = j;
        }
        i += 1;
    }
}

/// GitHub's anchor of a heading: lower case, letters, digits, `-` and `_` kept, spaces made `-`.
fn slug(words: &str) -> String {
    words
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `s` safe inside HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn links_to_the_projects_files_go_to_their_pages() {
        let known = files(&["README.md", "docs/size.md", "crates/model/src/lib.rs"]);
        let html = markdown(
            "docs/teach.md",
            "[size](size.md#web) [home](../README.md) [code](../crates/model/src/lib.rs) \
             [burn](https://burn.dev) [here](#speed) [gone](missing.md) ![pic](teach.png)",
            &known,
        );
        assert!(html.contains("href=\"size.md.html#web\""), "{html}");
        assert!(html.contains("href=\"../README.md.html\""), "{html}");
        assert!(
            html.contains("href=\"../crates/model/src/lib.rs.html\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://burn.dev\""), "{html}");
        assert!(html.contains("href=\"#speed\""), "{html}");
        assert!(html.contains("href=\"missing.md\""), "{html}");
        assert!(html.contains("src=\"teach.png\""), "{html}");
    }

    #[test]
    fn headings_get_githubs_anchors() {
        let html = markdown(
            "README.md",
            "## The shipped weights\n## Speed and size\n## `trainer` & co.\n## Speed and size\n",
            &files(&[]),
        );
        assert!(html.contains("<h2 id=\"the-shipped-weights\">"), "{html}");
        assert!(html.contains("<h2 id=\"speed-and-size\">"), "{html}");
        assert!(html.contains("<h2 id=\"trainer--co\">"), "{html}");
        assert!(html.contains("<h2 id=\"speed-and-size-1\">"), "{html}");
    }

    #[test]
    fn text_is_escaped_and_each_line_has_its_anchor() {
        let html = text("a.rs", "fn a() -> Vec<u8> {\n    \"&\"\n}");
        assert!(
            html.contains("<span class=\"line\" id=\"L1\">fn a() -&gt; Vec&lt;u8&gt; {</span>")
        );
        assert!(html.contains("id=\"L2\">    &quot;&amp;&quot;</span>"));
        assert!(html.contains("id=\"L3\">}</span>"));
    }

    #[test]
    fn links_that_climb_out_of_the_project_are_left_alone() {
        assert_eq!(
            page_link("README.md", "../../etc/passwd", &files(&[])),
            None
        );
        assert_eq!(resolve("docs/a.md", "../../x"), None);
    }
}
