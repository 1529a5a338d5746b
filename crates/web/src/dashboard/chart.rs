//! Drawing a [`Chart`] as SVG with plotters. The library escapes every text it places and uses
//! presentation attributes only (no `style`), and the page embeds the result as an image, so a
//! chart can neither run anything nor break the page's Content-Security-Policy.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::data::{Chart, Kind};

/// Series colours, each at least 4.5:1 against white (WCAG AA for text, so more than enough
/// for shapes), and told apart by their order in the legend and the table as well.
pub const PALETTE: [RGBColor; 6] = [
    RGBColor(0x0b, 0x4f, 0x9c), // blue
    RGBColor(0xa4, 0x16, 0x1a), // red
    RGBColor(0x1b, 0x5e, 0x20), // green
    RGBColor(0x6b, 0x44, 0x00), // brown
    RGBColor(0x5e, 0x35, 0xb1), // violet
    RGBColor(0x4a, 0x4f, 0x55), // grey
];

const INK: RGBColor = RGBColor(0x1a, 0x1a, 0x1a);
const GRID: RGBColor = RGBColor(0xc9, 0xce, 0xd4);
const FONT: &str = "sans-serif";
/// Drawing width in SVG units; the page scales it to the column.
pub const WIDTH: u32 = 760;
/// Longest category name drawn (the table has the whole name).
const MAX_LABEL: usize = 42;

/// A drawn chart.
pub struct Svg {
    /// The SVG document.
    pub text: String,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

fn shorten(label: &str) -> String {
    if label.chars().count() <= MAX_LABEL {
        label.to_owned()
    } else {
        let mut s: String = label.chars().take(MAX_LABEL - 1).collect();
        s.push('…');
        s
    }
}

/// A value axis that ends a little above the largest value (room for a bar's total).
fn axis_max(max: u64) -> f64 {
    max.max(1) as f64 * 1.12
}

fn integer(v: &f64) -> String {
    if v.fract().abs() < 1e-9 && *v >= 0.0 {
        format!("{v:.0}")
    } else {
        String::new()
    }
}

/// Draws a chart; `None` when there is nothing to draw.
pub fn draw(chart: &Chart) -> Result<Option<Svg>, String> {
    if chart.is_empty() {
        return Ok(None);
    }
    let plot_height = match chart.kind {
        Kind::Bars => 90 + 34 * chart.rows.len() as u32,
        _ => 420,
    };
    let items = legend_layout(chart);
    let legend_height = items.last().map_or(0, |i| i.y as u32 + LEGEND_LINE);
    let height = plot_height + legend_height;
    let mut text = String::new();
    {
        let root = SVGBackend::with_string(&mut text, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (plot, key) = root.split_vertically(plot_height);
        match chart.kind {
            Kind::Columns { stacked } => columns(&plot, chart, stacked)?,
            Kind::Bars => bars(&plot, chart)?,
            Kind::Lines => lines(&plot, chart)?,
        }
        draw_legend(&key, chart, &items)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(Some(Svg {
        text,
        width: WIDTH,
        height,
    }))
}

/// Height of a legend line.
const LEGEND_LINE: u32 = 30;
const LEGEND_FONT: u32 = 17;

/// Where a series' key goes below the chart.
struct LegendItem {
    x: i32,
    y: i32,
}

/// Lays the series' keys out in lines below the chart (none for a single series).
fn legend_layout(chart: &Chart) -> Vec<LegendItem> {
    if chart.series.len() < 2 {
        return Vec::new();
    }
    let (mut x, mut y) = (64i32, 6i32);
    let mut out = Vec::new();
    for s in &chart.series {
        // The width the viewer will need, estimated as plotters does for its own layout.
        let w = 28 + (s.name.chars().count() as f64 * f64::from(LEGEND_FONT) * 0.55) as i32;
        if x + w > WIDTH as i32 - 8 && x > 64 {
            x = 64;
            y += LEGEND_LINE as i32;
        }
        out.push(LegendItem { x, y });
        x += w + 24;
    }
    out
}

fn draw_legend(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    chart: &Chart,
    items: &[LegendItem],
) -> Result<(), String> {
    let font = (FONT, LEGEND_FONT as i32)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Left, VPos::Center));
    for (s, (series, item)) in chart.series.iter().zip(items).enumerate() {
        let color = PALETTE[s % PALETTE.len()];
        let (x, y) = (item.x, item.y + 10);
        if chart.kind == Kind::Lines {
            area.draw(&PathElement::new(
                vec![(x, y), (x + 20, y)],
                color.stroke_width(3),
            ))
            .map_err(|e| e.to_string())?;
            if s > 0 {
                area.draw(&TriangleMarker::new((x + 10, y), 5, color.filled()))
                    .map_err(|e| e.to_string())?;
            } else {
                area.draw(&Circle::new((x + 10, y), 4, color.filled()))
                    .map_err(|e| e.to_string())?;
            }
        } else {
            area.draw(&Rectangle::new(
                [(x, y - 8), (x + 16, y + 8)],
                color.filled(),
            ))
            .map_err(|e| e.to_string())?;
        }
        area.draw(&Text::new(series.name.clone(), (x + 26, y), font.clone()))
            .map_err(|e| e.to_string())?;
    }
    Ok(())
}

// Category axes are plotters' segmented integer ranges, which include their end: `n`
// categories are `0..n - 1` (and one category `0..1`, as a range of one value does not map).

/// The right (or top) edge of category `i`'s segment.
fn segment_end(i: u32, n: u32) -> SegmentValue<u32> {
    if i + 1 > n.max(2) - 1 {
        SegmentValue::Last
    } else {
        SegmentValue::Exact(i + 1)
    }
}

fn columns(
    root: &DrawingArea<SVGBackend<'_>, Shift>,
    chart: &Chart,
    stacked: bool,
) -> Result<(), String> {
    let n = chart.rows.len() as u32;
    let max = chart
        .rows
        .iter()
        .map(|r| {
            if stacked {
                r.values.iter().sum()
            } else {
                r.values.iter().copied().max().unwrap_or(0)
            }
        })
        .max()
        .unwrap_or(0);
    let longest = chart
        .rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0);
    let label_font = (FONT, 18).into_font().color(&INK);
    let mut cc = ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(if longest > 12 { 70 } else { 40 })
        .y_label_area_size(64)
        .build_cartesian_2d((0..n.max(2) - 1).into_segmented(), 0f64..axis_max(max))
        .map_err(|e| e.to_string())?;
    let labels = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) => chart
            .rows
            .get(*i as usize)
            .map(|r| shorten(&r.label))
            .unwrap_or_default(),
        _ => String::new(),
    };
    cc.configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK)
        .x_labels(n.clamp(1, 12) as usize)
        .x_label_formatter(&labels)
        .y_labels(6)
        .y_label_formatter(&integer)
        .y_desc(chart.unit.as_str())
        .label_style(label_font.clone())
        .x_label_style((FONT, 15).into_font().color(&INK))
        .axis_desc_style(label_font)
        .draw()
        .map_err(|e| e.to_string())?;
    let (plot_width, _) = cc.plotting_area().dim_in_pixel();
    let segment = plot_width / n.max(1);
    let k = chart.series.len() as u32;
    for s in 0..chart.series.len() {
        let color = PALETTE[s % PALETTE.len()];
        let bars = chart.rows.iter().enumerate().filter_map(|(i, row)| {
            let v = row.values.get(s).copied().unwrap_or(0);
            if v == 0 {
                return None;
            }
            let below: u64 = if stacked {
                row.values[..s].iter().sum()
            } else {
                0
            };
            let i = i as u32;
            let mut r = Rectangle::new(
                [
                    (SegmentValue::Exact(i), below as f64),
                    (segment_end(i, n), (below + v) as f64),
                ],
                color.filled(),
            );
            if stacked || k <= 1 {
                let gap = segment / 8;
                r.set_margin(0, 0, gap, gap);
            } else {
                let gap = segment / 10;
                let each = (segment - 2 * gap) / k;
                let left = gap + each * s as u32;
                r.set_margin(0, 0, left, segment.saturating_sub(left + each));
            }
            Some(r)
        });
        cc.draw_series(bars).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn bars(root: &DrawingArea<SVGBackend<'_>, Shift>, chart: &Chart) -> Result<(), String> {
    let n = chart.rows.len() as u32;
    let max: u64 = chart
        .rows
        .iter()
        .map(|r| r.values.iter().sum())
        .max()
        .unwrap_or(0);
    let longest = chart
        .rows
        .iter()
        .map(|r| shorten(&r.label).chars().count())
        .max()
        .unwrap_or(0) as u32;
    let label_font = (FONT, 18).into_font().color(&INK);
    let mut cc = ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size((longest * 9 + 20).clamp(80, 400))
        .build_cartesian_2d(0f64..axis_max(max), (0..n.max(2) - 1).into_segmented())
        .map_err(|e| e.to_string())?;
    // The first row is drawn at the top.
    let labels = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(j) if *j < n => chart
            .rows
            .get((n - 1 - *j) as usize)
            .map(|r| shorten(&r.label))
            .unwrap_or_default(),
        _ => String::new(),
    };
    cc.configure_mesh()
        .disable_y_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK)
        .y_labels(n.max(1) as usize)
        .y_label_formatter(&labels)
        .x_labels(6)
        .x_label_formatter(&integer)
        .x_desc(chart.unit.as_str())
        .label_style(label_font.clone())
        .axis_desc_style(label_font)
        .draw()
        .map_err(|e| e.to_string())?;
    let (_, plot_height) = cc.plotting_area().dim_in_pixel();
    let gap = plot_height / n.max(1) / 6;
    for s in 0..chart.series.len() {
        let color = PALETTE[s % PALETTE.len()];
        let bars = chart.rows.iter().enumerate().filter_map(|(i, row)| {
            let v = row.values.get(s).copied().unwrap_or(0);
            if v == 0 {
                return None;
            }
            let before: u64 = row.values[..s].iter().sum();
            let j = n - 1 - i as u32;
            let mut r = Rectangle::new(
                [
                    (before as f64, SegmentValue::Exact(j)),
                    ((before + v) as f64, segment_end(j, n)),
                ],
                color.filled(),
            );
            r.set_margin(gap, gap, 0, 0);
            Some(r)
        });
        cc.draw_series(bars).map_err(|e| e.to_string())?;
    }
    // The total at the end of each bar, so a reader need not estimate it from the axis.
    let totals = chart.rows.iter().enumerate().filter_map(|(i, row)| {
        let total: u64 = row.values.iter().sum();
        (total > 0).then(|| {
            Text::new(
                format!(" {total}"),
                (total as f64, SegmentValue::CenterOf(n - 1 - i as u32)),
                (FONT, 17)
                    .into_font()
                    .color(&INK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            )
        })
    });
    cc.draw_series(totals).map_err(|e| e.to_string())?;
    Ok(())
}

fn lines(root: &DrawingArea<SVGBackend<'_>, Shift>, chart: &Chart) -> Result<(), String> {
    let n = chart.rows.len() as u32;
    let max = chart
        .rows
        .iter()
        .flat_map(|r| r.values.iter().copied())
        .max()
        .unwrap_or(0);
    let label_font = (FONT, 18).into_font().color(&INK);
    let mut cc = ChartBuilder::on(root)
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(64)
        .build_cartesian_2d((0..n.max(2) - 1).into_segmented(), 0f64..axis_max(max))
        .map_err(|e| e.to_string())?;
    let labels = |v: &SegmentValue<u32>| match v {
        SegmentValue::CenterOf(i) => chart
            .rows
            .get(*i as usize)
            .map(|r| shorten(&r.label))
            .unwrap_or_default(),
        _ => String::new(),
    };
    cc.configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(INK)
        .x_labels(n.clamp(1, 12) as usize)
        .x_label_formatter(&labels)
        .y_labels(6)
        .y_label_formatter(&integer)
        .y_desc(chart.unit.as_str())
        .label_style(label_font.clone())
        .x_label_style((FONT, 15).into_font().color(&INK))
        .axis_desc_style(label_font)
        .draw()
        .map_err(|e| e.to_string())?;
    for s in 0..chart.series.len() {
        let color = PALETTE[s % PALETTE.len()];
        let points: Vec<(SegmentValue<u32>, f64)> = chart
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    SegmentValue::CenterOf(i as u32),
                    r.values.get(s).copied().unwrap_or(0) as f64,
                )
            })
            .collect();
        let style = color.stroke_width(3);
        // Dashes as well as colours tell the lines apart.
        if s == 0 {
            cc.draw_series(LineSeries::new(points.clone(), style).point_size(3))
        } else {
            cc.draw_series(DashedLineSeries::new(
                points.clone(),
                (4 + 4 * s) as u32,
                6,
                style,
            ))
        }
        .map_err(|e| e.to_string())?;
        if s > 0 {
            cc.draw_series(
                points
                    .into_iter()
                    .map(|p| TriangleMarker::new(p, 4, color.filled())),
            )
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn luminance(c: &RGBColor) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
    }

    #[test]
    fn every_colour_meets_wcag_aa_against_white() {
        for c in PALETTE.iter().chain([&INK]) {
            let ratio = 1.05 / (luminance(c) + 0.05);
            assert!(ratio >= 4.5, "{c:?}: {ratio:.2}");
        }
    }
}
