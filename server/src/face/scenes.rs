//! Camera pictures made from face photos, as a candidate's PC camera would send them at the
//! grid size: an empty room, one person, two people, the room in low light, a face partly
//! out of the picture. The face checks' tests and their quality bench (BENCHMARKS.md, "Face
//! checks") use them; nothing at run time does.
use image::imageops::{FilterType, overlay, resize};
use image::{Rgb, RgbImage};

/// The share of a portrait photo's height a webcam shows (head and shoulders): the face is
/// then about a third of the picture's height, as at a desk 60 cm from a laptop camera.
pub const WEBCAM_FRAMING: f32 = 0.6;

/// What a picture shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scene {
    /// Brightness factor (1 = as photographed; 0.35 = a dim room).
    pub light: f32,
    /// Horizontal shift of the people, as a share of the width (0.4 = partly out on the right).
    pub shift: f32,
}

impl Default for Scene {
    fn default() -> Self {
        Self { light: 1.0, shift: 0.0 }
    }
}

/// A `w`×`h` picture of a plain room (a wall gradient) with `people` side by side, as a
/// webcam frames a person at a desk: the top [`WEBCAM_FRAMING`] of each portrait (head and
/// shoulders) scaled to the picture's height, or smaller when they would not fit side by side
/// (at the bottom).
pub fn picture(people: &[&RgbImage], w: u32, h: u32, scene: Scene) -> RgbImage {
    let cropped: Vec<RgbImage> = people
        .iter()
        .map(|p| {
            let ch = ((p.height() as f32 * WEBCAM_FRAMING).round() as u32).max(1);
            image::imageops::crop_imm(*p, 0, 0, p.width(), ch).to_image()
        })
        .collect();
    let people: Vec<&RgbImage> = cropped.iter().collect();
    let mut canvas = RgbImage::from_fn(w, h, |x, y| {
        let v = 150 + (x * 40 / w.max(1)) as u8 - (y * 30 / h.max(1)) as u8;
        Rgb([v, v.saturating_sub(8), v.saturating_sub(20)])
    });
    let natural: f32 =
        people.iter().map(|p| p.width() as f32 * h as f32 / p.height().max(1) as f32).sum();
    let fit = if people.len() > 1 && natural > w as f32 { w as f32 / natural } else { 1.0 };
    let scaled: Vec<RgbImage> = people
        .iter()
        .map(|p| {
            let ph = (h as f32 * fit).round().max(1.0);
            let pw = (p.width() as f32 * ph / p.height().max(1) as f32).round() as u32;
            resize(*p, pw.max(1), ph as u32, FilterType::Triangle)
        })
        .collect();
    let total: u32 = scaled.iter().map(RgbImage::width).sum();
    let mut x = (i64::from(w) - i64::from(total)) / 2 + (scene.shift * w as f32) as i64;
    for p in &scaled {
        overlay(&mut canvas, p, x, i64::from(h) - i64::from(p.height()));
        x += i64::from(p.width());
    }
    if scene.light != 1.0 {
        for px in canvas.pixels_mut() {
            for c in px.0.iter_mut() {
                *c = (f32::from(*c) * scene.light).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    canvas
}

/// A JPEG of `img` at `quality` (1–100), as a page's canvas would encode it.
pub fn jpeg(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    match enc.encode_image(img) {
        Ok(()) => out,
        Err(_) => Vec::new(),
    }
}

/// A photo file decoded as RGB (`None` when it cannot be read).
pub fn load(path: &std::path::Path) -> Option<RgbImage> {
    let bytes = std::fs::read(path).ok()?;
    super::dlib::decode(&bytes)
}
