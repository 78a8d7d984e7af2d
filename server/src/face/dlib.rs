//! The built-in provider: dlib (system `libdlib`, Debian 19.24) through `dlib-face-recognition`.
//! Per photo: decode (JPEG/PNG, EXIF orientation applied), scale so the longest side is at most
//! 800 px, HOG face detection (exactly one face), 5-point landmarks, 128-d ResNet embedding.
//! The verdict is the L2 distance between the two embeddings, decided by the thresholds.
//!
//! dlib's HOG detector and the ResNet keep scratch buffers inside (they are `Send` but not
//! `Sync`), so the models are loaded once and cloned into a small pool of slots, one per core
//! (at most 4), each behind a mutex; a semaphore keeps at most that many verifications on the
//! blocking thread pool at once.
use super::seeta::FaceCounter;
use backend::face::{FaceScan, FaceVerifier};
use dlib_face_recognition::{
    FaceDetector, FaceDetectorTrait, FaceEncoderNetwork, FaceEncoderTrait, ImageMatrix,
    LandmarkPredictor, LandmarkPredictorTrait, Rectangle,
};
use domain::face::{FaceError, FaceThresholds, FaceVerdict, PhotoRole};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage};
use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};
use std::time::Instant;
use tokio::sync::Semaphore;

pub const SHAPE_PREDICTOR_FILE: &str = "shape_predictor_5_face_landmarks.dat";
pub const RESNET_FILE: &str = "dlib_face_recognition_resnet_model_v1.dat";
pub const MODEL_VERSION: &str = "dlib-19.24 hog+sp5+resnet_v1";
pub const PROVIDER: &str = "dlib";
/// Photos are scaled down so that their longest side is at most this.
pub const MAX_SIDE: u32 = 800;
/// Larger inputs are refused as bad images (a 12 MP phone photo is about 4000 px wide).
const MAX_INPUT_SIDE: u32 = 10_000;
const MAX_DECODE_ALLOC: u64 = 256 * 1024 * 1024;

/// One set of models; not `Sync`, so each lives behind its own mutex.
#[derive(Clone)]
struct Models {
    detector: FaceDetector,
    counter: FaceCounter,
    landmarks: LandmarkPredictor,
    encoder: FaceEncoderNetwork,
}

pub struct DlibVerifier {
    slots: Arc<Vec<Mutex<Models>>>,
    permits: Arc<Semaphore>,
}

impl DlibVerifier {
    /// Loads the models from `models_dir`, with one slot per core (at most 4).
    pub fn load(models_dir: &Path) -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Self::load_with_slots(models_dir, cores.min(4))
    }

    /// Loads the models once and clones them into `slots` (at least 1) independent slots.
    pub fn load_with_slots(models_dir: &Path, slots: usize) -> anyhow::Result<Self> {
        let sp = models_dir.join(SHAPE_PREDICTOR_FILE);
        let nn = models_dir.join(RESNET_FILE);
        for file in [&sp, &nn] {
            anyhow::ensure!(
                file.is_file(),
                "face model {} is missing (run scripts/face-assets.sh)",
                file.display()
            );
        }
        let models = Models {
            detector: FaceDetector::new(),
            counter: FaceCounter::load(models_dir)?,
            landmarks: LandmarkPredictor::open(&sp).map_err(anyhow::Error::msg)?,
            encoder: FaceEncoderNetwork::open(&nn).map_err(anyhow::Error::msg)?,
        };
        let slots = slots.max(1);
        let pool = (0..slots).map(|_| Mutex::new(models.clone())).collect();
        Ok(Self { slots: Arc::new(pool), permits: Arc::new(Semaphore::new(slots)) })
    }
}

#[async_trait::async_trait]
impl FaceVerifier for DlibVerifier {
    async fn verify(
        &self,
        live: &[u8],
        reference: &[u8],
        thresholds: &FaceThresholds,
    ) -> Result<FaceVerdict, FaceError> {
        let (live, reference) = (live.to_vec(), reference.to_vec());
        let distance = self
            .on_slot(move |models| {
                let started = Instant::now();
                let a = models.embed(PhotoRole::Live, &live)?;
                let b = models.embed(PhotoRole::Reference, &reference)?;
                let distance = l2(&a, &b);
                tracing::debug!(
                    distance,
                    elapsed_ms = started.elapsed().as_millis(),
                    "dlib verify"
                );
                Ok(distance)
            })
            .await?;
        Ok(FaceVerdict {
            decision: thresholds.decide(distance),
            distance,
            provider: PROVIDER.to_owned(),
            model_version: MODEL_VERSION.to_owned(),
            thresholds: *thresholds,
        })
    }

    fn provider(&self) -> &str {
        PROVIDER
    }

    fn scans_frames(&self) -> bool {
        true
    }

    async fn scan(&self, frame: &[u8], reference: Option<&[f32]>) -> Result<FaceScan, FaceError> {
        let reference = reference.map(<[f32]>::to_vec);
        let frame = frame.to_vec();
        self.on_slot(move |models| {
            let bad = FaceError::BadImage { photo: PhotoRole::Live };
            let rgb = decode_frame(&frame).ok_or(bad)?;
            // The cascade counts (faces from 20 px); dlib embeds the one face it found.
            let faces = models.counter.faces(&rgb);
            let count = u32::try_from(faces.len()).unwrap_or(u32::MAX);
            let distance = match (&*faces, reference) {
                ([face], Some(reference)) => {
                    let rect = Rectangle {
                        left: face.left,
                        top: face.top,
                        right: face.right,
                        bottom: face.bottom,
                    };
                    let e = models.encoding(&matrix_of(&rgb), &rect)?;
                    Some(l2(&e, &reference))
                }
                _ => None,
            };
            Ok(FaceScan { faces: count, distance })
        })
        .await
    }

    async fn embed(&self, photo: &[u8]) -> Result<Vec<f32>, FaceError> {
        let photo = photo.to_vec();
        self.on_slot(move |models| models.embed(PhotoRole::Reference, &photo)).await
    }
}

impl DlibVerifier {
    /// Runs `f` with a free set of models on the blocking pool.
    async fn on_slot<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Models) -> Result<T, FaceError> + Send + 'static,
    ) -> Result<T, FaceError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| FaceError::ProviderUnavailable)?;
        let slots = Arc::clone(&self.slots);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let models = free_slot(&slots).ok_or(FaceError::ProviderUnavailable)?;
            f(&models)
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "dlib task failed");
            FaceError::ProviderUnavailable
        })?
    }
}

/// A slot nobody holds (the semaphore guarantees one exists); a poisoned slot is reused, since
/// a panic cannot leave dlib's scratch buffers in a state the next call depends on.
fn free_slot(slots: &[Mutex<Models>]) -> Option<MutexGuard<'_, Models>> {
    let free = slots.iter().find_map(|slot| match slot.try_lock() {
        Ok(guard) => Some(guard),
        Err(TryLockError::Poisoned(p)) => Some(p.into_inner()),
        Err(TryLockError::WouldBlock) => None,
    });
    free.or_else(|| slots.first().map(|s| s.lock().unwrap_or_else(|p| p.into_inner())))
}

impl Models {
    /// The 128-d embedding of the single face in `bytes`.
    fn embed(&self, photo: PhotoRole, bytes: &[u8]) -> Result<Vec<f32>, FaceError> {
        let rgb = decode(bytes).ok_or(FaceError::BadImage { photo })?;
        let matrix = matrix_of(&rgb);
        let faces = self.detector.face_locations(&matrix);
        let face = match faces.len() {
            0 => return Err(FaceError::NoFace { photo }),
            1 => &faces[0],
            n => {
                let count = u32::try_from(n).unwrap_or(u32::MAX);
                return Err(FaceError::SeveralFaces { photo, count });
            }
        };
        self.encoding(&matrix, face)
    }

    /// The embedding of the face at `face` in `matrix`.
    fn encoding(&self, matrix: &ImageMatrix, face: &Rectangle) -> Result<Vec<f32>, FaceError> {
        let landmarks = self.landmarks.face_landmarks(matrix, face);
        let encodings = self.encoder.get_face_encodings(matrix, &[landmarks], 0);
        let encoding = encodings.first().ok_or(FaceError::ProviderUnavailable)?;
        Ok(encoding.as_ref().iter().map(|x| *x as f32).collect())
    }
}

/// The dlib view of an image; it borrows `rgb`'s pixels.
fn matrix_of(rgb: &RgbImage) -> ImageMatrix {
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    // SAFETY: an `RgbImage` buffer holds exactly width * height * 3 bytes, which is what
    // `ImageMatrix::new` reads; every caller keeps `rgb` alive while it uses the matrix.
    unsafe { ImageMatrix::new(w, h, rgb.as_raw().as_ptr()) }
}

/// A camera frame for the face checks: decoded and its brightness stretched (a dim room's
/// picture uses the whole range, as the face photos the detectors learnt from do).
pub fn decode_frame(bytes: &[u8]) -> Option<RgbImage> {
    let mut img = decode(bytes)?;
    stretch(&mut img);
    Some(img)
}

/// Stretches the picture's levels so that its 1st and 99th percentiles of brightness become
/// black and white (a picture already using most of the range is left alone).
fn stretch(img: &mut RgbImage) {
    let mut hist = [0u32; 256];
    for p in img.pixels() {
        hist[usize::from(super::seeta::luma(p.0))] += 1;
    }
    let total: u32 = hist.iter().sum();
    let cut = total / 100;
    let level = |from_top: bool| {
        let mut seen = 0;
        let order: Vec<usize> =
            if from_top { (0..256).rev().collect() } else { (0..256).collect() };
        for i in order {
            seen += hist[i];
            if seen > cut {
                return i as f32;
            }
        }
        if from_top { 255.0 } else { 0.0 }
    };
    let (lo, hi) = (level(false), level(true));
    if hi - lo < 1.0 || hi - lo > 200.0 {
        return;
    }
    let gain = 255.0 / (hi - lo);
    for p in img.pixels_mut() {
        for c in p.0.iter_mut() {
            *c = ((f32::from(*c) - lo) * gain).round().clamp(0.0, 255.0) as u8;
        }
    }
}

/// Decodes a JPEG or PNG, applies its EXIF orientation and scales it to fit `MAX_SIDE`.
pub fn decode(bytes: &[u8]) -> Option<RgbImage> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok()?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_INPUT_SIDE);
    limits.max_image_height = Some(MAX_INPUT_SIDE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().ok()?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).ok()?;
    img.apply_orientation(orientation);
    if img.width().max(img.height()) > MAX_SIDE {
        img = img.resize(MAX_SIDE, MAX_SIDE, FilterType::Triangle);
    }
    Some(img.to_rgb8())
}

fn l2(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum::<f32>().sqrt()
}
