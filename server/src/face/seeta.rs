//! Counting the faces in an exam frame: SeetaFace's funnel-structured cascade (the `rustface`
//! crate, BSD-2, its model from the crate's own package: `scripts/face-assets.sh`). Its window
//! is 40 px, where dlib's HOG needs 80: in a 320×240 grid frame two people side by side have
//! faces of about 45 px, which HOG finds only in the frame enlarged to four times the pixels.
//! dlib still makes the identity embedding, from the face this finds
//! (`dlib::DlibVerifier::scan`).
use image::RgbImage;
use rustface::{Detector, Model};
use std::cell::RefCell;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

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

/// A pixel's brightness (ITU-R BT.601 weights in 8-bit fixed point).
pub fn luma([r, g, b]: [u8; 3]) -> u8 {
    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29) >> 8) as u8
}

/// The cascade's model, loaded once. The crate's detector is not `Send` (the model is), so
/// each thread that counts keeps a detector of its own, built from a copy of the model the
/// first time (a copy is 1.2 MB: not once per check).
#[derive(Clone)]
pub struct FaceCounter {
    model: Model,
    /// Tells the detectors of different models apart (clones share it).
    id: u64,
}

thread_local! {
    /// This thread's detector and the id of the counter it was built for.
    static DETECTOR: RefCell<Option<(u64, Box<dyn Detector>)>> = const { RefCell::new(None) };
}

fn detector(model: Model) -> Box<dyn Detector> {
    let mut detector = rustface::create_detector_with_model(model);
    detector.set_score_thresh(SCORE);
    detector.set_pyramid_scale_factor(PYRAMID_STEP);
    detector.set_slide_window_step(WINDOW_STEP, WINDOW_STEP);
    detector
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
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Ok(Self { model, id: NEXT.fetch_add(1, Ordering::Relaxed) })
    }

    /// The faces in `rgb`, largest first.
    pub fn faces(&self, rgb: &RgbImage) -> Vec<Found> {
        let (w, h) = rgb.dimensions();
        if w < MIN_FACE || h < MIN_FACE {
            return Vec::new();
        }
        let gray: Vec<u8> = rgb.pixels().map(|p| luma(p.0)).collect();
        let faces = DETECTOR.with_borrow_mut(|slot| {
            let (_, d) = match slot.take() {
                Some(kept) if kept.0 == self.id => slot.insert(kept),
                _ => slot.insert((self.id, detector(self.model.clone()))),
            };
            d.detect(&rustface::ImageData::new(&gray, w, h))
        });
        let mut found: Vec<Found> = faces
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
