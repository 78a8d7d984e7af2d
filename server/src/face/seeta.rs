//! Counting the faces in an exam frame: SeetaFace's funnel-structured cascade (the `rustface`
//! crate, BSD-2, its model from the crate's own package: `scripts/face-assets.sh`). Its window
//! is 40 px, where dlib's HOG needs 80: in a 320×240 grid frame two people side by side have
//! faces of about 45 px, which HOG finds only in the frame enlarged to four times the pixels.
//! dlib still makes the identity embedding, from the face this finds
//! (`dlib::DlibVerifier::scan`).
use image::RgbImage;
use rustface::{Detector, Model};
use std::path::Path;

pub const SEETA_FILE: &str = "seeta_fd_frontal_v1.0.bin";
/// The smallest face found, in pixels of the frame as it arrives: the cascade's window (the
/// crate looks at the frame at its own size and smaller, never enlarged).
pub const MIN_FACE: u32 = 40;
/// The cascade's score above which a window is a face (the crate's example's).
pub const SCORE: f64 = 2.0;
/// Each level of the image pyramid is this much of the one before. The crate's example uses
/// 0.8; the quality bench (BENCHMARKS.md, "Face checks") found 0.75 as good on its pictures
/// and 10 % cheaper (0.85 costs 40 % more and missed more faces partly out of the picture).
pub const PYRAMID_STEP: f32 = 0.75;
/// The sliding window's step in pixels (the crate's example's; 3 costs 60 % more).
pub const WINDOW_STEP: u32 = 4;

/// A face found: its box in the frame's pixels and the cascade's score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Found {
    pub left: i64,
    pub top: i64,
    pub right: i64,
    pub bottom: i64,
    pub score: f64,
}

/// The cascade's model, loaded once; each count builds its own detector from a copy (the
/// crate's detector is not `Send`, the model is).
#[derive(Clone)]
pub struct FaceCounter {
    model: Model,
}

impl FaceCounter {
    pub fn load(models_dir: &Path) -> anyhow::Result<Self> {
        let path = models_dir.join(SEETA_FILE);
        anyhow::ensure!(
            path.is_file(),
            "face model {} is missing (run scripts/face-assets.sh)",
            path.display()
        );
        let file = std::fs::File::open(&path)?;
        let model = rustface::read_model(std::io::BufReader::new(file))
            .map_err(|e| anyhow::anyhow!("face model {}: {e}", path.display()))?;
        Ok(Self { model })
    }

    /// The faces in `rgb`, largest first.
    pub fn faces(&self, rgb: &RgbImage) -> Vec<Found> {
        let (w, h) = rgb.dimensions();
        if w < MIN_FACE || h < MIN_FACE {
            return Vec::new();
        }
        let gray: Vec<u8> = rgb
            .pixels()
            .map(|p| {
                let [r, g, b] = p.0;
                ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29) >> 8) as u8
            })
            .collect();
        let mut detector: Box<dyn Detector> =
            rustface::create_detector_with_model(self.model.clone());
        detector.set_score_thresh(SCORE);
        detector.set_pyramid_scale_factor(PYRAMID_STEP);
        detector.set_slide_window_step(WINDOW_STEP, WINDOW_STEP);
        let mut found: Vec<Found> = detector
            .detect(&rustface::ImageData::new(&gray, w, h))
            .into_iter()
            .map(|f| {
                let b = f.bbox();
                Found {
                    left: i64::from(b.x()),
                    top: i64::from(b.y()),
                    right: i64::from(b.x()) + i64::from(b.width()),
                    bottom: i64::from(b.y()) + i64::from(b.height()),
                    score: f.score(),
                }
            })
            .collect();
        found.sort_by_key(|f| std::cmp::Reverse((f.right - f.left) * (f.bottom - f.top)));
        found
    }
}
