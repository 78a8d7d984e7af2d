//! Turns a photo into a one-frame Y4M file for Chromium's fake camera
//! (`--use-file-for-fake-video-capture=<abs path>.y4m`), as described in
//! shared/docs/fake-face-camera.md:
//!
//! ```text
//! cargo run -p y4m -- in.jpg out.y4m
//! ```
//!
//! The photo (EXIF orientation applied) is letterboxed into 640x480 on black, converted to
//! BT.601 limited-range Y'CbCr, chroma-subsampled 4:2:0 by 2x2 averaging and written as
//! `YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n`, `FRAME\n`, then the Y, Cb and Cr planes:
//! 460,849 bytes. Chromium loops the single frame at 30 fps.
use anyhow::Context;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Rgb, RgbImage};
use std::path::Path;

const W: u32 = 640;
const H: u32 = 480;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [input, output] = args.as_slice() else {
        anyhow::bail!("usage: y4m <photo.jpg|png> <out.y4m>");
    };
    convert(Path::new(input), Path::new(output))
}

/// Writes the 640x480 one-frame Y4M of the photo at `input` to `output`.
pub fn convert(input: &Path, output: &Path) -> anyhow::Result<()> {
    let frame = letterbox(&open(input)?, W, H);
    std::fs::write(output, y4m(&frame)).with_context(|| format!("writing {}", output.display()))
}

fn open(path: &Path) -> anyhow::Result<RgbImage> {
    let reader = ImageReader::open(path)
        .with_context(|| format!("opening {}", path.display()))?
        .with_guessed_format()?;
    let mut decoder =
        reader.into_decoder().with_context(|| format!("decoding {}", path.display()))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder)?;
    img.apply_orientation(orientation);
    Ok(img.to_rgb8())
}

/// Scales `img` to fit `w`x`h` (Lanczos) and centres it on black; never crops.
fn letterbox(img: &RgbImage, w: u32, h: u32) -> RgbImage {
    let scale =
        f64::min(f64::from(w) / f64::from(img.width()), f64::from(h) / f64::from(img.height()));
    let sw = ((f64::from(img.width()) * scale).round() as u32).clamp(1, w);
    let sh = ((f64::from(img.height()) * scale).round() as u32).clamp(1, h);
    let scaled = image::imageops::resize(img, sw, sh, FilterType::Lanczos3);
    let mut frame = RgbImage::from_pixel(w, h, Rgb([0, 0, 0]));
    image::imageops::overlay(&mut frame, &scaled, i64::from((w - sw) / 2), i64::from((h - sh) / 2));
    frame
}

/// BT.601 limited range: Y 16–235, Cb/Cr 16–240.
fn ycbcr(Rgb([r, g, b]): Rgb<u8>) -> [f32; 3] {
    let (r, g, b) = (f32::from(r), f32::from(g), f32::from(b));
    [
        16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0,
        128.0 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0,
        128.0 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0,
    ]
}

fn byte(v: f32) -> u8 {
    v.round().clamp(0.0, 255.0) as u8
}

/// One I420 frame: header, `FRAME\n`, Y plane, then Cb and Cr planes at half resolution.
fn y4m(frame: &RgbImage) -> Vec<u8> {
    let (w, h) = frame.dimensions();
    let header = format!("YUV4MPEG2 W{w} H{h} F30:1 Ip A1:1 C420jpeg\nFRAME\n");
    let mut out = Vec::with_capacity(header.len() + (w * h * 3 / 2) as usize);
    out.extend_from_slice(header.as_bytes());
    out.extend(frame.pixels().map(|p| byte(ycbcr(*p)[0])));
    for channel in [1, 2] {
        for y in (0..h).step_by(2) {
            for x in (0..w).step_by(2) {
                let sum: f32 = [(x, y), (x + 1, y), (x, y + 1), (x + 1, y + 1)]
                    .iter()
                    .map(|&(px, py)| ycbcr(*frame.get_pixel(px, py))[channel])
                    .sum();
                out.push(byte(sum / 4.0));
            }
        }
    }
    out
}
