//! QR codes: encoding a label's URL or token, and reading codes back from images.

use qrcode::{Color, EcLevel, QrCode};

/// Why a QR code cannot be made or read.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The data does not fit a QR code at this error-correction level.
    #[error("cannot encode a QR code: {0}")]
    Encode(String),
    /// The image cannot be read.
    #[error("cannot read the image: {0}")]
    Image(String),
    /// No QR code was found in the image.
    #[error("no QR code found in the image")]
    NotFound,
}

/// A QR code's modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side.
    pub width: usize,
    /// Row-major; `true` is dark.
    pub dark: Vec<bool>,
    /// Version (1-40).
    pub version: i16,
}

/// Error correction for printed labels: M (~15 %) for the URL, which survives scuffs on a
/// box; the token uses M too to stay as small as possible.
pub fn encode(data: &str) -> Result<QrMatrix, QrError> {
    let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
        .map_err(|e| QrError::Encode(e.to_string()))?;
    let version = match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    };
    Ok(QrMatrix {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
        version,
    })
}

impl QrMatrix {
    /// SVG path data drawing the dark modules at `(x, y)` with modules of size `module`.
    pub fn svg_path(&self, x: f64, y: f64, module: f64) -> String {
        let mut d = String::new();
        for row in 0..self.width {
            let mut col = 0;
            while col < self.width {
                if self.dark[row * self.width + col] {
                    let start = col;
                    while col < self.width && self.dark[row * self.width + col] {
                        col += 1;
                    }
                    d.push_str(&format!(
                        "M{:.2} {:.2}h{:.2}v{:.2}h-{:.2}z",
                        x + start as f64 * module,
                        y + row as f64 * module,
                        (col - start) as f64 * module,
                        module,
                        (col - start) as f64 * module
                    ));
                } else {
                    col += 1;
                }
            }
        }
        d
    }
}

/// Reads every QR code in an image file's bytes (PNG, JPEG ...), as text.
pub fn decode_image(bytes: &[u8]) -> Result<Vec<String>, QrError> {
    let img = image::load_from_memory(bytes).map_err(|e| QrError::Image(e.to_string()))?;
    let luma = img.to_luma8();
    let (w, h) = (luma.width() as usize, luma.height() as usize);
    if w == 0 || h == 0 || w.saturating_mul(h) > 100_000_000 {
        return Err(QrError::Image(format!(
            "{w}x{h} pixels is not a label image"
        )));
    }
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| {
        luma.get_pixel(x as u32, y as u32).0[0]
    });
    let found: Vec<String> = prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, text)| text))
        .collect();
    if found.is_empty() {
        Err(QrError::NotFound)
    } else {
        Ok(found)
    }
}
