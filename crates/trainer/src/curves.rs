//! The training history as a CSV file and as a PNG chart of the loss and accuracy curves.

use std::path::Path;
use std::sync::Once;

use anyhow::{Result, anyhow};
use plotters::prelude::*;

use crate::assets::FONT;
use crate::atomic;
use crate::run::EpochMetrics;

const SIZE: (u32, u32) = (1100, 450);

/// Writes `history` as CSV, one row per epoch.
pub fn write_csv(path: &Path, history: &[EpochMetrics]) -> Result<()> {
    let mut csv = String::from("epoch,train_loss,train_accuracy,val_loss,val_accuracy,seconds\n");
    for m in history {
        csv += &format!(
            "{},{:.6},{:.6},{:.6},{:.6},{:.1}\n",
            m.epoch, m.train_loss, m.train_accuracy, m.val_loss, m.val_accuracy, m.seconds
        );
    }
    atomic::write(path, csv.as_bytes())
}

/// Draws loss (left) and accuracy (right) per epoch, training and validation, into a PNG.
pub fn plot(path: &Path, history: &[EpochMetrics]) -> Result<()> {
    static FONT_ONCE: Once = Once::new();
    FONT_ONCE.call_once(|| {
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
    let mut pixels = vec![0u8; (SIZE.0 * SIZE.1 * 3) as usize];
    draw(&mut pixels, history).map_err(|e| anyhow!("cannot draw the training curve: {e}"))?;
    let mut png = Vec::new();
    image::RgbImage::from_raw(SIZE.0, SIZE.1, pixels)
        .ok_or_else(|| anyhow!("chart buffer has the wrong size"))?
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
    atomic::write(path, &png)
}

type Series<'a> = (&'a str, RGBColor, Vec<(f64, f64)>);

fn draw(pixels: &mut [u8], history: &[EpochMetrics]) -> Result<(), Box<dyn std::error::Error>> {
    let root = BitMapBackend::with_buffer(pixels, SIZE).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(SIZE.0 / 2);
    let points =
        |f: fn(&EpochMetrics) -> f64| history.iter().map(|m| (m.epoch as f64, f(m))).collect();
    let losses: Vec<Series> = vec![
        ("training", BLUE, points(|m| m.train_loss)),
        ("validation", RED, points(|m| m.val_loss)),
    ];
    let accuracies: Vec<Series> = vec![
        ("training", BLUE, points(|m| 100.0 * m.train_accuracy)),
        ("validation", RED, points(|m| 100.0 * m.val_accuracy)),
    ];
    panel(
        &left,
        "Loss (cross-entropy)",
        "loss",
        &losses,
        SeriesLabelPosition::UpperRight,
    )?;
    panel(
        &right,
        "Accuracy",
        "accuracy (%)",
        &accuracies,
        SeriesLabelPosition::LowerRight,
    )?;
    root.present()?;
    Ok(())
}

fn panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    y_label: &str,
    series: &[Series],
    legend: SeriesLabelPosition,
) -> Result<(), Box<dyn std::error::Error>>
where
    DB::ErrorType: 'static,
{
    let values = series.iter().flat_map(|s| s.2.iter().map(|p| p.1));
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    let pad = ((hi - lo) * 0.1).max(1e-3);
    let epochs = series
        .iter()
        .flat_map(|s| s.2.iter().map(|p| p.0))
        .fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.5..epochs + 0.5, (lo - pad)..(hi + pad))?;
    chart
        .configure_mesh()
        .x_desc("epoch")
        .y_desc(y_label)
        .x_labels((epochs as usize).min(10) + 1)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()?;
    for (name, colour, points) in series {
        let colour = *colour;
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
            .label(*name)
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
            });
        chart.draw_series(points.iter().map(|&p| Circle::new(p, 3, colour.filled())))?;
    }
    chart
        .configure_series_labels()
        .position(legend)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}
