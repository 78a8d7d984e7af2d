//! The Y4M fake-camera converter (`cargo run -p y4m`, tools/y4m) and what dlib makes of
//! the frame Chromium would show.
#[path = "../../../tools/y4m/src/main.rs"]
#[allow(dead_code)]
mod example;

use crate::{fixture, fixture_path, verify};
use domain::face::FaceDecision;
use image::{ImageFormat, Rgb, RgbImage};
use std::io::Cursor;

const HEADER: &[u8] = b"YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n";
const SIZE: usize = 460_849;
const W: usize = 640;
const H: usize = 480;

fn assert_one_frame(bytes: &[u8]) {
    assert_eq!(bytes.len(), SIZE);
    assert_eq!(&bytes[..HEADER.len()], HEADER);
    assert_eq!(&bytes[HEADER.len()..HEADER.len() + 6], b"FRAME\n");
}

#[test]
fn the_converter_writes_one_640x480_i420_frame() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("obama.y4m");
    example::convert(&fixture_path("obama.jpg"), &out).expect("convert");
    let bytes = std::fs::read(&out).expect("read");
    assert_one_frame(&bytes);
    // Letterboxed: the portrait photo leaves black bars left and right (Y 16, Cb = Cr = 128).
    let planes = &bytes[HEADER.len() + 6..];
    assert_eq!(planes[0], 16);
    assert_eq!(planes[W * H], 128);
    assert_eq!(planes[W * H + W * H / 4], 128);
    // The two fixture files made by scripts/face-assets.sh have the same shape.
    for name in ["obama.y4m", "biden.y4m"] {
        assert_one_frame(&fixture(name));
    }
}

/// Decodes the frame as Chromium does (BT.601 limited range) and encodes it as PNG.
fn frame_png(y4m: &[u8]) -> Vec<u8> {
    let p = &y4m[HEADER.len() + 6..];
    let (y, cb, cr) = (&p[..W * H], &p[W * H..W * H * 5 / 4], &p[W * H * 5 / 4..]);
    let img = RgbImage::from_fn(W as u32, H as u32, |x, row| {
        let (x, row) = (x as usize, row as usize);
        let c = row / 2 * W / 2 + x / 2;
        let l = 1.164 * (f32::from(y[row * W + x]) - 16.0);
        let (u, v) = (f32::from(cb[c]) - 128.0, f32::from(cr[c]) - 128.0);
        let px = |f: f32| f.round().clamp(0.0, 255.0) as u8;
        Rgb([px(l + 1.596 * v), px(l - 0.392 * u - 0.813 * v), px(l + 2.017 * u)])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).expect("png");
    out.into_inner()
}

#[tokio::test]
async fn the_fake_camera_frame_verifies_like_the_photo() {
    let obama2 = fixture("obama2.jpg");
    let same = verify(&frame_png(&fixture("obama.y4m")), &obama2).await.expect("verdict");
    eprintln!("obama.y4m frame vs obama2.jpg: L2 {}", same.distance);
    assert_eq!(same.decision, FaceDecision::Match, "{same:?}");
    let other = verify(&frame_png(&fixture("biden.y4m")), &obama2).await.expect("verdict");
    eprintln!("biden.y4m frame vs obama2.jpg: L2 {}", other.distance);
    assert_eq!(other.decision, FaceDecision::NoMatch, "{other:?}");
}
