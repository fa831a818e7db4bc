//! The training curves on a canvas: the batches' loss (left scale) and accuracy (right scale,
//! with the validation digits' accuracy after each epoch as dots), over the run's steps, in
//! the page's own colours (`--bar`, `--accent`, `--muted`), so that dark mode draws them too.

use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::History;

/// The loss the scale starts at (a fresh network's is ln 10 ≈ 2.3).
const LOSS_TOP: f64 = 2.5;
/// How much of the last value each point of a smoothed line keeps: batches are noisy.
const SMOOTHING: f32 = 0.9;
/// Space kept for the scales' labels, in canvas pixels.
const MARGIN: [f64; 4] = [10.0, 40.0, 24.0, 40.0]; // top, right, bottom, left

/// Draws `history` on `canvas`.
pub fn draw(canvas: &HtmlCanvasElement, context: &CanvasRenderingContext2d, history: &History) {
    let (width, height) = (f64::from(canvas.width()), f64::from(canvas.height()));
    context.clear_rect(0.0, 0.0, width, height);
    let colour = |name: &str, fallback: &str| css_colour(canvas, name, fallback);
    let (ink, loss_colour, accuracy_colour) = (
        colour("--muted", "#5b6270"),
        colour("--bar", "#1f5bc4"),
        colour("--accent", "#b8401c"),
    );
    let [top, right, bottom, left] = MARGIN;
    let plot = Plot {
        left,
        top,
        width: width - left - right,
        height: height - top - bottom,
        steps: f64::from(history.steps.max(1)),
    };

    context.set_line_width(1.0);
    context.set_stroke_style_str(&ink);
    context.set_fill_style_str(&ink);
    context.set_font("11px system-ui, sans-serif");
    context.stroke_rect(plot.left, plot.top, plot.width, plot.height);
    for (i, label) in ["2.5", "1.25", "0"].iter().enumerate() {
        let y = plot.top + plot.height * i as f64 / 2.0 + 4.0;
        context.fill_text(label, 4.0, y).ok();
    }
    for (i, label) in ["100%", "50%", "0%"].iter().enumerate() {
        let y = plot.top + plot.height * i as f64 / 2.0 + 4.0;
        context
            .fill_text(label, plot.left + plot.width + 4.0, y)
            .ok();
    }
    context
        .fill_text(
            &format!("steps (of {})", history.steps),
            plot.left,
            height - 6.0,
        )
        .ok();

    context.set_line_width(2.0);
    context.set_stroke_style_str(&loss_colour);
    line(context, &plot, &smoothed(&history.losses), |v| {
        1.0 - (f64::from(v) / LOSS_TOP).min(1.0)
    });
    context.set_stroke_style_str(&accuracy_colour);
    line(context, &plot, &smoothed(&history.accuracies), |v| {
        1.0 - f64::from(v)
    });
    context.set_fill_style_str(&accuracy_colour);
    for &(step, accuracy) in &history.validation {
        let (x, y) = plot.at(f64::from(step), 1.0 - f64::from(accuracy));
        context.begin_path();
        context.arc(x, y, 4.0, 0.0, std::f64::consts::TAU).ok();
        context.fill();
    }
}

/// Where the curves go on the canvas, and how many steps its width holds.
struct Plot {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    steps: f64,
}

impl Plot {
    /// The canvas point of step `step` at `down` (0 the top, 1 the bottom).
    fn at(&self, step: f64, down: f64) -> (f64, f64) {
        (
            self.left + self.width * (step / self.steps).min(1.0),
            self.top + self.height * down.clamp(0.0, 1.0),
        )
    }
}

/// One line through `values` (one a step, from step 1), placed by `down`.
fn line(
    context: &CanvasRenderingContext2d,
    plot: &Plot,
    values: &[f32],
    down: impl Fn(f32) -> f64,
) {
    if values.is_empty() {
        return;
    }
    context.begin_path();
    // At most a point per canvas pixel: a long run has thousands of steps.
    let stride = (values.len() as f64 / plot.width).ceil().max(1.0) as usize;
    for (i, &v) in values.iter().enumerate().step_by(stride) {
        let (x, y) = plot.at((i + 1) as f64, down(v));
        if i == 0 {
            context.move_to(x, y);
        } else {
            context.line_to(x, y);
        }
    }
    context.stroke();
}

/// An exponential moving average of `values`, started at the first.
pub fn smoothed(values: &[f32]) -> Vec<f32> {
    let mut average = None;
    values
        .iter()
        .map(|&v| {
            let next = average.map_or(v, |a: f32| SMOOTHING * a + (1.0 - SMOOTHING) * v);
            average = Some(next);
            next
        })
        .collect()
}

/// The value of a CSS custom property of `canvas` (the theme's colours), or `fallback`.
fn css_colour(canvas: &HtmlCanvasElement, name: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| w.get_computed_style(canvas).ok().flatten())
        .and_then(|style| style.get_property_value(name).ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smoothing_starts_at_the_first_value_and_follows_slowly() {
        let smooth = smoothed(&[2.0, 0.0, 0.0]);
        assert_eq!(smooth[0], 2.0);
        assert!((smooth[1] - 1.8).abs() < 1e-6);
        assert!(smooth[2] < smooth[1] && smooth[2] > 0.0);
    }
}
