//! PNG at print resolution, rendered from the SVG with resvg and the system's fonts.

use resvg::{tiny_skia, usvg};

/// Print resolution.
pub const DPI: f64 = 300.0;

/// Why a PNG cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum RasterError {
    /// The SVG is not valid.
    #[error("cannot read the SVG: {0}")]
    Svg(String),
    /// Encoding failed.
    #[error("cannot encode the PNG: {0}")]
    Png(String),
}

/// A renderer holding the system's fonts (loading them takes a moment; reuse it).
pub struct Renderer {
    options: usvg::Options<'static>,
}

impl Default for Renderer {
    fn default() -> Self {
        Self::new()
    }
}

impl Renderer {
    /// A renderer with the system's fonts.
    pub fn new() -> Self {
        let mut options = usvg::Options::default();
        options.fontdb_mut().load_system_fonts();
        Self { options }
    }

    /// Characters of `text` that no installed font can draw (to warn about before printing).
    pub fn uncovered(&self, text: &str) -> Vec<char> {
        let db = &self.options.fontdb;
        let mut missing: Vec<char> = Vec::new();
        for c in text.chars().filter(|c| !c.is_whitespace()) {
            if missing.contains(&c) {
                continue;
            }
            let covered = db.faces().any(|face| {
                db.with_face_data(face.id, |data, index| ttf_parser_has_glyph(data, index, c))
                    .unwrap_or(false)
            });
            if !covered {
                missing.push(c);
            }
        }
        missing
    }

    /// Renders an SVG whose size is `width_mm` wide to a PNG at [`DPI`], with the resolution
    /// recorded in the file (pHYs) so that print software sizes it correctly.
    pub fn png(&self, svg: &str, width_mm: f64) -> Result<Vec<u8>, RasterError> {
        let tree = usvg::Tree::from_str(svg, &self.options)
            .map_err(|e| RasterError::Svg(e.to_string()))?;
        let size = tree.size();
        let width_px = (width_mm / 25.4 * DPI).round();
        let scale = width_px / f64::from(size.width());
        let height_px = (f64::from(size.height()) * scale).round();
        let (w, h) = (width_px as u32, height_px as u32);
        let mut pixmap = tiny_skia::Pixmap::new(w, h)
            .ok_or_else(|| RasterError::Png(format!("{w}x{h} is not a valid size")))?;
        pixmap.fill(tiny_skia::Color::WHITE);
        resvg::render(
            &tree,
            tiny_skia::Transform::from_scale(scale as f32, scale as f32),
            &mut pixmap.as_mut(),
        );
        let rgba: Vec<u8> = pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
        let mut out = Vec::new();
        {
            let mut encoder = png::Encoder::new(&mut out, w, h);
            encoder.set_color(png::ColorType::Rgba);
            encoder.set_depth(png::BitDepth::Eight);
            let per_metre = (DPI / 0.0254).round() as u32;
            encoder.set_pixel_dims(Some(png::PixelDimensions {
                xppu: per_metre,
                yppu: per_metre,
                unit: png::Unit::Meter,
            }));
            let mut writer = encoder
                .write_header()
                .map_err(|e| RasterError::Png(e.to_string()))?;
            writer
                .write_image_data(&rgba)
                .map_err(|e| RasterError::Png(e.to_string()))?;
        }
        Ok(out)
    }
}

fn ttf_parser_has_glyph(data: &[u8], index: u32, c: char) -> bool {
    ttf_parser::Face::parse(data, index).is_ok_and(|f| f.glyph_index(c).is_some())
}
