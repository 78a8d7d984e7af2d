//! The simulated cameras: photo-like JPEG pictures (a gradient with a moving block, different
//! for each view and each picture, so the server never sees a frozen camera; with a face photo,
//! the PC pictures show that person), framed with the header the pages send.
use domain::View;
use domain::camera::FrameHeader;
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};

const WIDTH: u16 = 320;
const HEIGHT: u16 = 240;
/// Distinct pictures per view, sent in turn.
const VARIANTS: u32 = 8;

/// A JPEG of picture `i` of `view`.
pub fn picture(i: u32, view: View) -> anyhow::Result<Vec<u8>> {
    let tint = if view == View::Pc { 40 } else { 110 };
    let (bx, by) = ((i * 37) % (WIDTH as u32 - 60), (i * 23) % (HEIGHT as u32 - 60));
    let img = RgbImage::from_fn(WIDTH as u32, HEIGHT as u32, |x, y| {
        if (bx..bx + 60).contains(&x) && (by..by + 60).contains(&y) {
            Rgb([220, 180, 150])
        } else {
            Rgb([(x * 255 / WIDTH as u32) as u8, tint, (y * 255 / HEIGHT as u32) as u8])
        }
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 70).encode_image(&img)?;
    Ok(jpeg)
}

/// The pictures of both views, made once and shared by every simulated candidate.
pub struct Pictures {
    pc: Vec<Vec<u8>>,
    phone: Vec<Vec<u8>>,
}

/// The pictures of both views; with `face` (a face photo), the PC pictures show that person
/// in a room, moving a little from picture to picture, so the face checks see the candidate.
pub fn pictures(face: Option<&[u8]>) -> anyhow::Result<Pictures> {
    let make = |view| (0..VARIANTS).map(|i| picture(i, view)).collect::<anyhow::Result<Vec<_>>>();
    let person = face.and_then(crate::face::dlib::decode);
    let pc = match person {
        Some(person) => (0..VARIANTS)
            .map(|i| {
                let shift = (i as f32 - VARIANTS as f32 / 2.0) * 0.02;
                let scene = crate::face::scenes::Scene { light: 1.0, shift };
                let img =
                    crate::face::scenes::picture(&[&person], WIDTH.into(), HEIGHT.into(), scene);
                crate::face::scenes::jpeg(&img, 70)
            })
            .collect(),
        None => make(View::Pc)?,
    };
    Ok(Pictures { pc, phone: make(View::Phone)? })
}

impl Pictures {
    /// The binary message of picture `seq` of `view`: header, then the JPEG.
    pub fn frame(&self, view: View, seq: u32) -> Vec<u8> {
        let set = if view == View::Pc { &self.pc } else { &self.phone };
        let jpeg = &set[seq as usize % set.len()];
        let captured_ms = u64::try_from(chrono::Utc::now().timestamp_millis()).unwrap_or(0);
        let head = FrameHeader { view, seq, captured_ms, width: WIDTH, height: HEIGHT };
        let mut msg = head.encode().to_vec();
        msg.extend_from_slice(jpeg);
        msg
    }
}
