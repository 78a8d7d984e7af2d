//! Generated roster photos for the demo: a PNG head-and-shoulders silhouette on a colour
//! chosen from the candidate's ticket, so every demo candidate has a distinct picture.
use image::{ImageBuffer, ImageFormat, Rgb};
use std::io::Cursor;

const W: u32 = 160;
const H: u32 = 200;

fn colour(seed: u64) -> Rgb<u8> {
    let h = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    Rgb([120 + (h % 100) as u8, 130 + ((h >> 8) % 90) as u8, 150 + ((h >> 16) % 80) as u8])
}

/// A PNG portrait placeholder for `seed`.
pub fn roster_photo(seed: u64) -> Vec<u8> {
    let bg = colour(seed);
    let fg = Rgb([52, 60, 78]);
    let img = ImageBuffer::from_fn(W, H, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let head = ((x - 80.0) / 34.0).powi(2) + ((y - 78.0) / 40.0).powi(2) <= 1.0;
        let shoulders =
            y > 130.0 && ((x - 80.0) / 70.0).powi(2) + ((y - 200.0) / 62.0).powi(2) <= 1.0;
        if head || shoulders { fg } else { bg }
    });
    let mut out = Cursor::new(Vec::new());
    // Encoding an in-memory RGB buffer as PNG cannot fail short of allocation failure.
    let _ = img.write_to(&mut out, ImageFormat::Png);
    out.into_inner()
}

#[cfg(test)]
mod tests {
    #[test]
    fn photos_are_png_and_differ_by_seed() {
        let a = super::roster_photo(1);
        let b = super::roster_photo(2);
        assert_eq!(&a[..4], b"\x89PNG");
        assert_ne!(a, b);
    }
}
