//! Synthetic camera pictures for tests, the simulator and the benchmark: a gradient with
//! noise (sized like a real camera JPEG at the same quality), or plain black.
use image::{ImageBuffer, Rgb};

/// A JPEG of `w`×`h` at quality 60; `seed` varies the noise so pictures differ.
pub fn jpeg(w: u16, h: u16, seed: u32, black: bool) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    let img = ImageBuffer::from_fn(u32::from(w), u32::from(h), |px, py| {
        if black {
            return Rgb([0u8, 0, 0]);
        }
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let n = (x % 40) as u8;
        Rgb([(px % 200) as u8 + n, (py % 200) as u8 + n, 90 + n])
    });
    let mut out = Vec::new();
    let mut enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 60);
    // Encoding an in-memory RGB buffer into a Vec cannot fail.
    let _ = enc.encode_image(&img);
    out
}
