//! The report card's area of the page: progress, accuracy and speed per engine, accuracy per
//! digit, the confusion matrix, and the digits of a cell when it is opened.

use mnist_model::{IMAGE_SIDE, NUM_CLASSES};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlButtonElement, HtmlCanvasElement, HtmlProgressElement};

use crate::dom::{by_id, context_2d, first_tab_stop, name_image, paint_input, rove};
use crate::report::test_set::{Tally, TestSet};

/// At most this many misread digits are drawn for one cell.
const MISREAD_SHOWN: usize = 60;

/// The cells of the confusion matrix that open their digits: one tab stop, arrow keys between.
const CELL: &str = "button[data-truth]";

pub struct ReportView {
    document: Document,
    /// `#report[data-state][data-accuracy][data-n][data-ips][data-backend]`.
    report: Element,
    run: HtmlButtonElement,
    stop: HtmlButtonElement,
    progress: HtmlProgressElement,
    summary: Element,
    engines: Element,
    per_class: Element,
    confusion: Element,
    misread_caption: Element,
    misread: Element,
}

impl ReportView {
    pub fn new(document: &Document) -> Result<Self, String> {
        let confusion: Element = by_id(document, "confusion")?;
        rove(&confusion, CELL);
        Ok(Self {
            document: document.clone(),
            report: by_id(document, "report")?,
            run: by_id(document, "run-test-set")?,
            stop: by_id(document, "stop-test-set")?,
            progress: by_id(document, "report-progress")?,
            summary: by_id(document, "report-summary")?,
            engines: by_id(document, "report-engines")?,
            per_class: by_id(document, "per-class")?,
            confusion,
            misread_caption: by_id(document, "misread-caption")?,
            misread: by_id(document, "misread-digits")?,
        })
    }

    fn set_state(&self, state: &str, running: bool) {
        self.report.set_attribute("data-state", state).ok();
        self.run.set_disabled(running);
        self.stop.set_disabled(!running);
    }

    pub fn fetching(&self) {
        self.set_state("running", true);
        self.progress.set_value(0.0);
        self.summary
            .set_text_content(Some("Fetching the test set (1.6 MB)…"));
    }

    /// A run's progress on one engine of `total` digits.
    pub fn progress(&self, tally: &Tally, total: usize) {
        self.progress
            .set_value(tally.n as f64 / total.max(1) as f64);
        self.summary.set_text_content(Some(&format!(
            "On {}: {} of {} digits, {:.2} % right so far, {:.0} images/s…",
            label(tally),
            tally.n,
            total,
            100.0 * tally.accuracy(),
            tally.images_per_second()
        )));
    }

    pub fn error(&self, message: &str) {
        self.set_state("error", false);
        self.summary.set_text_content(Some(message));
    }

    /// The finished (or stopped) runs, the first being the engine that answers.
    pub fn finish(&self, tallies: &[Tally]) {
        let Some(first) = tallies.first() else {
            self.error("No engine to run the test set on.");
            return;
        };
        let r = &self.report;
        r.set_attribute("data-accuracy", &format!("{:.4}", first.accuracy()))
            .ok();
        r.set_attribute("data-n", &first.n.to_string()).ok();
        r.set_attribute("data-ips", &format!("{:.0}", first.images_per_second()))
            .ok();
        r.set_attribute("data-backend", first.backend.id()).ok();
        r.set_attribute("data-misread", &first.misread.len().to_string())
            .ok();
        self.set_state(if first.stopped { "stopped" } else { "done" }, false);
        self.progress.set_value(1.0);
        let stopped = if first.stopped { " (stopped)" } else { "" };
        self.summary.set_text_content(Some(&format!(
            "{:.2} % of {} test digits read right on {}{stopped}: {} misread.",
            100.0 * first.accuracy(),
            first.n,
            label(first),
            first.misread.len()
        )));

        self.engines.set_text_content(None);
        self.append_row(
            &self.engines,
            &["engine", "digits", "accuracy", "images/s"],
            "th",
        );
        for t in tallies {
            let row = self.append_row(
                &self.engines,
                &[
                    label(t),
                    &t.n.to_string(),
                    &format!("{:.2} %", 100.0 * t.accuracy()),
                    &format!("{:.0}", t.images_per_second()),
                ],
                "td",
            );
            row.set_attribute("data-backend", t.backend.id()).ok();
            row.set_attribute("data-accuracy", &format!("{:.4}", t.accuracy()))
                .ok();
            row.set_attribute("data-n", &t.n.to_string()).ok();
            row.set_attribute("data-ips", &format!("{:.0}", t.images_per_second()))
                .ok();
        }

        self.per_class.set_text_content(None);
        self.append_row(&self.per_class, &["digit", "right"], "th");
        for d in 0..NUM_CLASSES {
            let share = first
                .class_accuracy(d)
                .map_or("–".into(), |a| format!("{:.2} %", 100.0 * a));
            self.append_row(&self.per_class, &[&d.to_string(), &share], "td");
        }
        self.confusion_matrix(first);
        self.misread.set_text_content(None);
        self.misread_caption
            .set_text_content(Some("Open a cell of the matrix to see its digits."));
    }

    /// Rows: the true digit; columns: the answer. Each cell off the diagonal opens its digits.
    fn confusion_matrix(&self, tally: &Tally) {
        let table = &self.confusion;
        table.set_text_content(None);
        let mut head: Vec<String> = vec!["true ↓ read →".into()];
        head.extend((0..NUM_CLASSES).map(|d| d.to_string()));
        let head: Vec<&str> = head.iter().map(String::as_str).collect();
        self.append_row(table, &head, "th");
        for truth in 0..NUM_CLASSES {
            let row = self.append_row(table, &[&truth.to_string()], "th");
            for answer in 0..NUM_CLASSES {
                let count = tally.confusion[truth][answer];
                let Some(cell) = self.create("td") else {
                    continue;
                };
                if truth != answer && count > 0 {
                    if let Some(button) = self.create("button") {
                        button.set_attribute("type", "button").ok();
                        button.set_attribute("data-truth", &truth.to_string()).ok();
                        button
                            .set_attribute("data-answer", &answer.to_string())
                            .ok();
                        let name = format!("{count} {truth}s read as {answer}: show them");
                        button.set_attribute("title", &name).ok();
                        button.set_attribute("aria-label", &name).ok();
                        button.set_text_content(Some(&count.to_string()));
                        cell.append_child(&button).ok();
                    }
                } else {
                    cell.set_text_content(Some(&count.to_string()));
                    if truth == answer {
                        cell.set_class_name("right");
                    }
                }
                row.append_child(&cell).ok();
            }
        }
        first_tab_stop(table, CELL);
    }

    /// The digits `truth` that `tally` read as `answer`, as the network saw them.
    pub fn show_misread(&self, set: &TestSet, tally: &Tally, truth: usize, answer: usize) {
        self.misread.set_text_content(None);
        let indices: Vec<usize> = tally
            .misread
            .iter()
            .filter(|&&(i, a)| a == answer && usize::from(set.labels[i]) == truth)
            .map(|&(i, _)| i)
            .collect();
        self.misread_caption.set_text_content(Some(&format!(
            "{} test digit{} {truth} read as {answer} (by test-set index):",
            indices.len(),
            if indices.len() == 1 { "" } else { "s" }
        )));
        for &i in indices.iter().take(MISREAD_SHOWN) {
            let Some(figure) = self.create("figure") else {
                continue;
            };
            figure.set_attribute("data-index", &i.to_string()).ok();
            let canvas: Option<HtmlCanvasElement> =
                self.create("canvas").and_then(|c| c.dyn_into().ok());
            if let Some(canvas) = canvas {
                canvas.set_width(IMAGE_SIDE as u32);
                canvas.set_height(IMAGE_SIDE as u32);
                name_image(
                    &canvas,
                    &format!("test digit {i}, a {truth} read as {answer}"),
                );
                if let Ok(ctx) = context_2d(&canvas) {
                    paint_input(&ctx, Some(&set.images.input(i)));
                }
                figure.append_child(&canvas).ok();
            }
            if let Some(caption) = self.create("figcaption") {
                caption.set_text_content(Some(&format!("#{i}")));
                figure.append_child(&caption).ok();
            }
            self.misread.append_child(&figure).ok();
        }
    }

    fn create(&self, tag: &str) -> Option<Element> {
        self.document.create_element(tag).ok()
    }

    fn append_row(&self, table: &Element, cells: &[&str], tag: &str) -> Element {
        let row = self.create("tr").expect("a table row");
        for text in cells {
            if let Some(cell) = self.create(tag) {
                cell.set_text_content(Some(text));
                row.append_child(&cell).ok();
            }
        }
        table.append_child(&row).ok();
        row
    }
}

fn label(tally: &Tally) -> &'static str {
    tally.backend.place()
}
