//! The pictures the simulated pages send: photo-like JPEGs of the exam's grid and focus
//! sizes (or, for the face runs, the face photos in a plain room).
use domain::View;
use domain::camera::{CameraProfile, CameraSettings, FrameHeader, ProfileKind};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use rand::{Rng, SeedableRng};
use tokio_tungstenite::tungstenite::Bytes;

/// Grid pictures: around this many bytes (a 320×240 webcam picture at quality 0.6).
const GRID_TARGET_BYTES: usize = 13_000;

/// A handful of distinct JPEGs per profile, rotated so consecutive frames differ.
pub struct Pictures {
    grid: Vec<(Bytes, u16, u16)>,
    focus: Vec<(Bytes, u16, u16)>,
}

/// A photo-like scene: a lit wall gradient, a desk, a blurred head-and-shoulders shape, low
/// frequency shading and sensor noise of amplitude `noise`.
fn scene(w: u32, h: u32, seed: u64, noise: f32) -> RgbImage {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let (cx, cy) = (w as f32 * rng.gen_range(0.4..0.6), h as f32 * rng.gen_range(0.35..0.5));
    let (rx, ry) = (w as f32 * 0.16, h as f32 * 0.24);
    let tint: [f32; 3] = [rng.gen_range(0.9..1.1), 1.0, rng.gen_range(0.8..1.0)];
    let phase = rng.gen_range(0.0..std::f32::consts::TAU);
    RgbImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (x as f32 / w as f32, y as f32 / h as f32);
        let mut v = 150.0 + 60.0 * fx - 40.0 * fy + 12.0 * (fx * 9.0 + phase).sin();
        if fy > 0.78 {
            v = 95.0 + 25.0 * (fx * 23.0 + phase).sin(); // the desk
        }
        let d = ((x as f32 - cx) / rx).powi(2) + ((y as f32 - cy) / ry).powi(2);
        let body = y as f32 > cy + ry * 0.8 && (x as f32 - cx).abs() < rx * 2.2;
        if d < 1.0 {
            v = v * 0.35 + 100.0 * (1.0 - d) + 30.0; // the face, lit from the front
        } else if body {
            v *= 0.45;
        }
        let n = (rng.gen_range(-1.0..1.0f32) + rng.gen_range(-1.0..1.0f32)) * noise;
        let px = |t: f32| (v * t + n).clamp(0.0, 255.0) as u8;
        Rgb([px(tint[0]), px(tint[1]), px(tint[2])])
    })
}

fn encode(img: &RgbImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, quality).encode_image(img).expect("jpeg encoding");
    out
}

impl Pictures {
    /// Calibrates the noise so a grid picture is about `GRID_TARGET_BYTES`, then encodes six
    /// grid and four focus pictures. Each is checked against the frame rules.
    pub fn generate(settings: &CameraSettings) -> Self {
        let (g, f) = (settings.grid, settings.focus);
        let q = |p: &CameraProfile| (p.quality * 100.0).round() as u8;
        let noise = (1..=40)
            .map(|n| n as f32 * 1.5)
            .find(|&n| {
                let img = scene(u32::from(g.width), u32::from(g.height), 0, n);
                encode(&img, q(&g)).len() >= GRID_TARGET_BYTES
            })
            .unwrap_or(60.0);
        let make = |p: &CameraProfile, count: u64| -> Vec<(Bytes, u16, u16)> {
            (0..count)
                .map(|s| {
                    let img = scene(u32::from(p.width), u32::from(p.height), s, noise);
                    let jpeg = encode(&img, q(p));
                    let header = FrameHeader {
                        view: View::Pc,
                        seq: 1,
                        captured_ms: 0,
                        width: p.width,
                        height: p.height,
                    };
                    let mut msg = header.encode().to_vec();
                    msg.extend_from_slice(&jpeg);
                    FrameHeader::parse(&msg).expect("a generated frame passes the frame rules");
                    (Bytes::from(jpeg), p.width, p.height)
                })
                .collect()
        };
        Self { grid: make(&g, 6), focus: make(&f, 4) }
    }

    /// Like [`Pictures::generate`], but the grid pictures show a person (the face photos of
    /// `target/face-fixtures` in a plain room, as `server::face::scenes` makes them), so the
    /// face checks find one face, as in a real exam.
    pub fn with_faces(settings: &CameraSettings) -> Self {
        use server::face::scenes::{Scene, jpeg, load, picture};
        let mut p = Self::generate(settings);
        let g = settings.grid;
        let q = (g.quality * 100.0).round() as u8;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/face-fixtures");
        let people: Vec<_> =
            ["obama.jpg", "obama3.jpg"].iter().filter_map(|n| load(&dir.join(n))).collect();
        assert!(!people.is_empty(), "face photos missing: run scripts/face-assets.sh");
        p.grid = [0.0, -0.1, 0.1]
            .iter()
            .flat_map(|&shift| people.iter().map(move |person| (person, shift)))
            .map(|(person, shift)| {
                let img = picture(
                    &[person],
                    u32::from(g.width),
                    u32::from(g.height),
                    Scene { light: 1.0, shift },
                );
                (Bytes::from(jpeg(&img, q)), g.width, g.height)
            })
            .collect();
        p
    }

    pub fn pick(&self, kind: ProfileKind, n: usize) -> &(Bytes, u16, u16) {
        let set = match kind {
            ProfileKind::Grid => &self.grid,
            ProfileKind::Focus => &self.focus,
        };
        &set[n % set.len()]
    }

    /// "grid 320×240: 12.1–14.0 KB; focus 640×480: …" for the report.
    pub fn describe(&self) -> String {
        let range = |set: &[(Bytes, u16, u16)]| {
            let sizes: Vec<usize> = set.iter().map(|p| p.0.len()).collect();
            let (lo, hi) = (sizes.iter().min().copied(), sizes.iter().max().copied());
            format!(
                "{}×{}: {:.1}–{:.1} KB",
                set[0].1,
                set[0].2,
                lo.unwrap_or(0) as f64 / 1000.0,
                hi.unwrap_or(0) as f64 / 1000.0
            )
        };
        format!("grid {}, focus {}", range(&self.grid), range(&self.focus))
    }
}
