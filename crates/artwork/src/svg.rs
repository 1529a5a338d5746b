//! Label artwork as SVG: a box label, a small device sticker and a web-shop badge.
//!
//! Text is real `<text>` (searchable, readable by screen readers through `<title>` and
//! `<desc>`), never outlines. Product names of any length and script must not break the layout:
//! lines are wrapped by estimated width (East Asian wide characters count double), cut with an
//! ellipsis after the last allowed line, and any line that may still be too wide carries
//! `textLength`, which makes every renderer squeeze it into the box. Colours meet WCAG AA
//! contrast (see [`PALETTE`]).

use std::fmt::Write as _;

use unicode_width::UnicodeWidthChar;

use crate::qr::{self, QrError};

/// Which artwork.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// For the box: mark, level, support period, product, QR code, label id. 50 x 76 mm.
    Box,
    /// For the device itself: mark, level, QR code, id. 25 x 30 mm.
    Sticker,
    /// For web shops: a horizontal badge. 90 x 30 mm (or 360 x 120 CSS pixels).
    Badge,
}

impl Variant {
    /// Every variant.
    pub const ALL: [Variant; 3] = [Variant::Box, Variant::Sticker, Variant::Badge];

    /// File-name stem.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Box => "box",
            Variant::Sticker => "sticker",
            Variant::Badge => "badge",
        }
    }

    /// Size in millimetres.
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Variant::Box => (50.0, 76.0),
            Variant::Sticker => (25.0, 30.0),
            Variant::Badge => (90.0, 30.0),
        }
    }
}

/// What the artwork shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelArt {
    /// Brand and model.
    pub product_name: String,
    /// Level 1-4.
    pub level: u8,
    /// Level name ("Verified").
    pub level_name: String,
    /// End of security updates, `MM/YYYY`.
    pub updates_until: String,
    /// Human form of the id (`IOTL/DDMMYY/ID`).
    pub human_id: String,
    /// The URL the QR code carries.
    pub qr_url: String,
}

/// The colour pairs used for text, foreground on background, each at least 4.5:1.
pub const PALETTE: &[(&str, &str)] = &[
    (WHITE, NAVY),  // the mark and band text on the navy band
    (INK, WHITE),   // product name, dates, ids
    (NAVY, WHITE),  // level text
    (MUTED, WHITE), // secondary text
];
const NAVY: &str = "#0b3d91";
const INK: &str = "#1b1f24";
const MUTED: &str = "#4a5561";
const WHITE: &str = "#ffffff";
const EMPTY: &str = "#c9d1da";
const FONT: &str =
    "'DejaVu Sans', 'Noto Sans', 'Noto Sans CJK JP', 'IPAGothic', 'IPAexGothic', sans-serif";

/// Escapes text for SVG/XML content and attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Estimated advance of a character, in em, for a sans-serif face.
fn advance(c: char) -> f64 {
    match c.width().unwrap_or(0) {
        0 => 0.0,
        2 => 1.0,
        _ if c.is_uppercase() || c.is_ascii_digit() => 0.68,
        _ if " .,:;'!|il".contains(c) => 0.32,
        _ => 0.58,
    }
}

/// Estimated width of a text in em.
pub fn text_width_em(text: &str) -> f64 {
    text.chars().map(advance).sum()
}

/// A line of laid-out text.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The text.
    pub text: String,
    /// Whether it may exceed the width and must be squeezed with `textLength`.
    pub squeeze: bool,
}

/// Wraps text into at most `max_lines` lines of `max_em` em, breaking at spaces, or anywhere in
/// scripts without spaces; the last line ends in an ellipsis when text had to be dropped.
pub fn layout(text: &str, max_em: f64, max_lines: usize) -> Vec<Line> {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut pieces: Vec<String> = Vec::new();
    // Pieces: words with their trailing space, and wide characters one by one.
    for word in text.split(' ') {
        let mut buf = String::new();
        for c in word.chars() {
            if c.width() == Some(2) {
                if !buf.is_empty() {
                    pieces.push(std::mem::take(&mut buf));
                }
                pieces.push(c.to_string());
            } else {
                buf.push(c);
            }
        }
        if !buf.is_empty() {
            pieces.push(buf);
        }
        pieces.push(" ".into());
    }
    pieces.pop();
    for piece in pieces {
        let candidate = format!("{current}{piece}");
        if text_width_em(candidate.trim_end()) <= max_em || current.trim().is_empty() {
            if text_width_em(&piece) > max_em && current.trim().is_empty() {
                // A single word wider than the line: break it by characters, with a hyphen.
                for c in piece.chars() {
                    if text_width_em(&format!("{current}{c}-")) > max_em && !current.is_empty() {
                        let mut line = std::mem::take(&mut current);
                        line.push('-');
                        lines.push(line);
                    }
                    current.push(c);
                }
            } else {
                current = candidate;
            }
        } else {
            lines.push(std::mem::take(&mut current).trim_end().to_owned());
            current = piece.trim_start().to_owned();
        }
    }
    if !current.trim().is_empty() {
        lines.push(current.trim_end().to_owned());
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && text_width_em(&format!("{last}…")) > max_em {
                last.pop();
            }
            *last = format!("{}…", last.trim_end());
        }
    }
    lines
        .into_iter()
        .map(|text| {
            let squeeze = text_width_em(&text) > max_em * 0.9;
            Line { text, squeeze }
        })
        .collect()
}

/// Type size, weight and colour of a piece of text.
#[derive(Clone, Copy)]
struct Font {
    size: f64,
    weight: &'static str,
    fill: &'static str,
}

fn bold(size: f64, fill: &'static str) -> Font {
    Font {
        size,
        weight: "bold",
        fill,
    }
}

fn normal(size: f64, fill: &'static str) -> Font {
    Font {
        size,
        weight: "normal",
        fill,
    }
}

struct Svg {
    out: String,
}

impl Svg {
    fn new(variant: Variant, w: f64, h: f64, title: &str, desc: &str) -> Self {
        let (mm_w, mm_h) = variant.size_mm();
        let mut out = String::new();
        let _ = write!(
            out,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{mm_w}mm" height="{mm_h}mm" viewBox="0 0 {w} {h}" role="img" aria-labelledby="title desc"><title id="title">{}</title><desc id="desc">{}</desc><rect width="{w}" height="{h}" fill="{WHITE}"/>"#,
            escape(title),
            escape(desc)
        );
        Self { out }
    }

    fn text(&mut self, x: f64, y: f64, font: Font, anchor: &str, text: &str) {
        let Font { size, weight, fill } = font;
        let _ = write!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" font-family="{FONT}" font-size="{size:.1}" font-weight="{weight}" fill="{fill}" text-anchor="{anchor}">{}</text>"#,
            escape(text)
        );
    }

    /// Lines of wrapped text starting at baseline `y`; returns the baseline after the last line.
    fn lines(
        &mut self,
        (x, y): (f64, f64),
        font: Font,
        width: f64,
        max_lines: usize,
        text: &str,
    ) -> f64 {
        let Font { size, weight, fill } = font;
        let mut y = y;
        for line in layout(text, width / size, max_lines) {
            let squeeze = if line.squeeze {
                format!(r#" textLength="{width:.1}" lengthAdjust="spacingAndGlyphs""#)
            } else {
                String::new()
            };
            let _ = write!(
                self.out,
                r#"<text x="{x:.1}" y="{y:.1}" font-family="{FONT}" font-size="{size:.1}" font-weight="{weight}" fill="{fill}"{squeeze}>{}</text>"#,
                escape(&line.text)
            );
            y += size * 1.22;
        }
        y
    }

    /// One line that must be shown whole (a level, a date, an id): never cut, squeezed with
    /// `textLength` when it might not fit.
    fn fit(&mut self, (x, y): (f64, f64), font: Font, width: f64, text: &str) {
        let Font { size, weight, fill } = font;
        let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let needed = text_width_em(&text) * size;
        // Shrink the type by up to a quarter first, then squeeze what still does not fit.
        let size = if needed > width {
            (size * width / needed).max(size * 0.75)
        } else {
            size
        };
        let squeeze = if text_width_em(&text) * size > width * 0.9 {
            format!(r#" textLength="{width:.1}" lengthAdjust="spacingAndGlyphs""#)
        } else {
            String::new()
        };
        let _ = write!(
            self.out,
            r#"<text x="{x:.1}" y="{y:.1}" font-family="{FONT}" font-size="{size:.1}" font-weight="{weight}" fill="{fill}"{squeeze}>{}</text>"#,
            escape(&text)
        );
    }

    fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

/// The mark: a shield with a check, drawn in `color` at `(x, y)` with height `h`.
fn shield(x: f64, y: f64, h: f64, color: &str, check: &str) -> String {
    let w = h * 0.8;
    format!(
        r#"<path d="M{x0:.1} {y0:.1} L{x1:.1} {y1:.1} L{x1:.1} {y2:.1} C{x1:.1} {y3:.1} {xm:.1} {y4:.1} {xm:.1} {y5:.1} C{xm:.1} {y4:.1} {x0b:.1} {y3:.1} {x0b:.1} {y2:.1} L{x0b:.1} {y1:.1} Z" fill="{color}"/><path d="M{c1x:.1} {c1y:.1} L{c2x:.1} {c2y:.1} L{c3x:.1} {c3y:.1}" fill="none" stroke="{check}" stroke-width="{sw:.1}" stroke-linecap="round" stroke-linejoin="round"/>"#,
        x0 = x + w / 2.0,
        y0 = y,
        x1 = x + w,
        y1 = y + h * 0.15,
        y2 = y + h * 0.5,
        y3 = y + h * 0.8,
        xm = x + w / 2.0,
        y4 = y + h * 0.95,
        y5 = y + h,
        x0b = x,
        c1x = x + w * 0.25,
        c1y = y + h * 0.52,
        c2x = x + w * 0.45,
        c2y = y + h * 0.7,
        c3x = x + w * 0.77,
        c3y = y + h * 0.33,
        sw = h * 0.1,
    )
}

/// Four squares, `level` of them filled: the level at a glance, also without colour.
fn meter(x: f64, y: f64, size: f64, level: u8) -> String {
    (0..4u8)
        .map(|i| {
            let filled = i < level;
            format!(
                r#"<rect x="{:.1}" y="{y:.1}" width="{size:.1}" height="{size:.1}" rx="{:.1}" fill="{}" stroke="{NAVY}" stroke-width="{:.1}"/>"#,
                x + f64::from(i) * size * 1.3,
                size * 0.15,
                if filled { NAVY } else { EMPTY },
                size * 0.08
            )
        })
        .collect()
}

fn qr_block(url: &str, x: f64, y: f64, size: f64) -> Result<String, QrError> {
    let m = qr::encode(url)?;
    // Four modules of quiet zone on each side, inside `size`.
    let module = size / (m.width as f64 + 8.0);
    Ok(format!(
        r#"<rect x="{x:.1}" y="{y:.1}" width="{size:.1}" height="{size:.1}" fill="{WHITE}"/><path d="{}" fill="{INK}" shape-rendering="crispEdges"/>"#,
        m.svg_path(x + 4.0 * module, y + 4.0 * module, module)
    ))
}

/// The artwork of one variant.
pub fn render(art: &LabelArt, variant: Variant) -> Result<String, QrError> {
    let title = format!(
        "iotlabel security label: {}, level {} ({}), security updates until {}",
        art.product_name, art.level, art.level_name, art.updates_until
    );
    let desc = format!(
        "Label {}. Scan the QR code or visit {} to check that the label is genuine and still valid.",
        art.human_id, art.qr_url
    );
    Ok(match variant {
        Variant::Box => {
            let (w, h) = (500.0, 760.0);
            let mut s = Svg::new(variant, w, h, &title, &desc);
            s.raw(&format!(r#"<rect x="4" y="4" width="492" height="752" rx="22" fill="{WHITE}" stroke="{NAVY}" stroke-width="8"/>"#));
            s.raw(&format!(
                r#"<path d="M4 26 Q4 4 26 4 H474 Q496 4 496 26 V150 H4 Z" fill="{NAVY}"/>"#
            ));
            s.raw(&shield(36.0, 28.0, 96.0, WHITE, NAVY));
            s.text(130.0, 86.0, bold(58.0, WHITE), "start", "iotlabel");
            s.text(132.0, 124.0, normal(26.0, WHITE), "start", "SECURITY LABEL");
            s.raw(&meter(36.0, 176.0, 40.0, art.level));
            s.fit(
                (258.0, 210.0),
                bold(38.0, NAVY),
                206.0,
                &format!("LEVEL {}", art.level),
            );
            s.fit((36.0, 256.0), normal(26.0, MUTED), 428.0, &art.level_name);
            // Long names get smaller type and a third line rather than losing the model.
            let long = text_width_em(&art.product_name) * 32.0 > 2.0 * 428.0;
            let (name_size, name_lines) = if long { (26.0, 3) } else { (32.0, 2) };
            let after = s.lines(
                (36.0, 304.0),
                bold(name_size, INK),
                428.0,
                name_lines,
                &art.product_name,
            );
            let y = after.max(332.0) + 4.0;
            s.text(
                36.0,
                y,
                normal(26.0, MUTED),
                "start",
                "Security updates until",
            );
            s.fit((36.0, y + 58.0), bold(58.0, INK), 428.0, &art.updates_until);
            let qr_size = 224.0;
            let qr_y = h - qr_size - 62.0;
            s.raw(&qr_block(&art.qr_url, 36.0, qr_y, qr_size)?);
            s.fit(
                (290.0, qr_y + 40.0),
                bold(24.0, INK),
                180.0,
                "Scan to check",
            );
            s.lines(
                (290.0, qr_y + 72.0),
                normal(22.0, MUTED),
                180.0,
                3,
                "that this label is genuine and still valid",
            );
            s.fit((36.0, h - 32.0), normal(24.0, INK), 428.0, &art.human_id);
            s.finish()
        }
        Variant::Sticker => {
            let (w, h) = (250.0, 300.0);
            let mut s = Svg::new(variant, w, h, &title, &desc);
            s.raw(&format!(r#"<rect x="3" y="3" width="244" height="294" rx="14" fill="{WHITE}" stroke="{NAVY}" stroke-width="6"/>"#));
            s.raw(&format!(
                r#"<path d="M3 17 Q3 3 17 3 H233 Q247 3 247 17 V60 H3 Z" fill="{NAVY}"/>"#
            ));
            s.raw(&shield(14.0, 11.0, 40.0, WHITE, NAVY));
            s.text(52.0, 42.0, bold(26.0, WHITE), "start", "iotlabel");
            s.text(
                236.0,
                44.0,
                bold(30.0, WHITE),
                "end",
                &format!("L{}", art.level),
            );
            s.raw(&qr_block(&art.qr_url, 35.0, 66.0, 180.0)?);
            s.fit(
                (14.0, 268.0),
                bold(18.0, INK),
                222.0,
                &format!("Updates until {}", art.updates_until),
            );
            s.fit((14.0, 289.0), normal(14.0, INK), 222.0, &art.human_id);
            s.finish()
        }
        Variant::Badge => {
            let (w, h) = (900.0, 300.0);
            let mut s = Svg::new(variant, w, h, &title, &desc);
            s.raw(&format!(r#"<rect x="4" y="4" width="892" height="292" rx="24" fill="{WHITE}" stroke="{NAVY}" stroke-width="8"/>"#));
            s.raw(&format!(
                r#"<path d="M4 28 Q4 4 28 4 H250 V296 H28 Q4 296 4 272 Z" fill="{NAVY}"/>"#
            ));
            s.raw(&shield(80.0, 34.0, 120.0, WHITE, NAVY));
            s.text(127.0, 232.0, bold(46.0, WHITE), "middle", "iotlabel");
            s.raw(&meter(285.0, 36.0, 34.0, art.level));
            s.fit(
                (460.0, 66.0),
                bold(32.0, NAVY),
                210.0,
                &format!("LEVEL {}", art.level),
            );
            s.fit((285.0, 104.0), normal(24.0, MUTED), 385.0, &art.level_name);
            if text_width_em(&art.product_name) * 28.0 > 385.0 {
                s.lines((285.0, 140.0), bold(22.0, INK), 385.0, 2, &art.product_name);
            } else {
                s.fit((285.0, 152.0), bold(28.0, INK), 385.0, &art.product_name);
            }
            s.fit(
                (285.0, 200.0),
                normal(22.0, MUTED),
                385.0,
                "Security updates until",
            );
            s.fit((285.0, 246.0), bold(40.0, INK), 385.0, &art.updates_until);
            s.fit((285.0, 281.0), normal(18.0, INK), 385.0, &art.human_id);
            s.raw(&qr_block(&art.qr_url, 690.0, 48.0, 204.0)?);
            s.finish()
        }
    })
}

/// WCAG 2 contrast ratio of two `#rrggbb` colours.
pub fn contrast(a: &str, b: &str) -> f64 {
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let v = u8::from_str_radix(hex.get(i..i + 2).unwrap_or("00"), 16).unwrap_or(0);
            let c = f64::from(v) / 255.0;
            if c <= 0.039_28 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5)
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_meets_wcag_aa() {
        for (fg, bg) in PALETTE {
            assert!(
                contrast(fg, bg) >= 4.5,
                "{fg} on {bg}: {:.2}",
                contrast(fg, bg)
            );
        }
        assert!((contrast("#000000", "#ffffff") - 21.0).abs() < 0.01);
    }

    #[test]
    fn long_names_wrap_and_are_cut_with_an_ellipsis() {
        let lines = layout(
            "Donaudampfschifffahrtsgesellschaftskapitänsmütze Sicherheitskamera Außenbereich Pro Max",
            14.0,
            2,
        );
        assert_eq!(lines.len(), 2);
        assert!(lines[1].text.ends_with('…'));
        for l in &lines {
            assert!(text_width_em(&l.text) <= 14.0 + 1.0 || l.squeeze, "{l:?}");
        }
    }

    #[test]
    fn japanese_wraps_without_spaces() {
        let lines = layout("スマートホーム防犯カメラ屋外用高解像度モデル", 8.0, 2);
        assert_eq!(lines.len(), 2);
        assert!(lines.iter().all(|l| text_width_em(&l.text) <= 8.0));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("<a & \"b\">"), "&lt;a &amp; &quot;b&quot;&gt;");
    }
}
