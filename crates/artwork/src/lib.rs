//! Label artwork: the QR code that leads to the registry (and, optionally, one carrying the
//! whole signed statement), and artwork in three variants (box, device sticker, web-shop
//! badge) as accessible SVG and as 300 dpi PNG.
//!
//! Knows nothing of signatures or assessments: it draws what it is given.

pub mod qr;
pub mod raster;
pub mod svg;

pub use qr::{QrError, QrMatrix, decode_image};
pub use raster::{RasterError, Renderer};
pub use svg::{LabelArt, Variant, render};
