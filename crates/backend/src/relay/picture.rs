//! What the relay tells from a frame's bytes: identical pictures (a frozen view) and black
//! ones (a covered camera).

/// A fast hash of a frame's bytes, for telling identical pictures apart (not adversarial: a
/// candidate forging a collision only makes their own view look frozen). XXH3 reads the whole
/// frame (any changed byte changes the hash) at several GB/s.
pub(super) fn hash_of(b: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(b)
}

/// Decodes a JPEG and tells whether its mean luma is at or below the black threshold.
pub fn is_black(jpeg: &[u8]) -> bool {
    match image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg) {
        Ok(img) => {
            let luma = img.to_luma8();
            let n = luma.as_raw().len().max(1) as f64;
            let sum: u64 = luma.as_raw().iter().map(|&p| u64::from(p)).sum();
            (sum as f64 / n) <= domain::camera::BLACK_LUMA
        }
        Err(_) => false,
    }
}
