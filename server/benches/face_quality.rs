//! The face checks' quality and cost (BENCHMARKS.md, "Face checks"), with the real dlib
//! provider (faces counted by SeetaFace's cascade, the identity by dlib's ResNet) on pictures made from the face photos the tests use (`target/face-fixtures`,
//! from registry packages: `scripts/face-assets.sh`):
//!
//! 1. A labelled set of grid pictures (320×240, JPEG quality 60, as the pages send them): an
//!    empty room, a room with dogs, the candidate (two photos other than the roster one), the
//!    candidate in low light and partly out of the picture, two people, another person.
//!    Per picture: the faces found and the distance to the roster photo's face.
//! 2. Per flag kind, precision and recall per picture, then over simulated sequences on the
//!    relay's schedule (a check every `check_secs`, every `FOLLOW_UP_SECS` while something is
//!    suspected): clean candidate-hours (the candidate present, light and position varying,
//!    now and then looking away for one check) give the false flags per candidate-hour and
//!    the checks made; absences of 90 s, second persons for 60 s and substitutes for 15 min
//!    give the recall and the time to flag with the default settings.
//! 3. The cost of one check on one core (median of many) and the check interval that keeps
//!    2,000 candidates within half a core.
//!
//! Run with `cargo bench -p server --bench face_quality` (release build).
use backend::face::FaceVerifier;
use domain::flag::FlagKind;
use domain::watch::{FOLLOW_UP_SECS, FaceSample, FaceWatch, WatchChange, WatchSettings};
use image::RgbImage;
use rand::{Rng, SeedableRng};
use server::face::DlibVerifier;
use server::face::scenes::{Scene, jpeg, load, picture};
use server::face::seeta::{FaceCounter, Found};
use std::path::PathBuf;
use std::time::Instant;

fn target(sub: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target").join(sub)
}

/// What a picture really shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    Nobody,
    Candidate,
    Two,
    Other,
}

struct Labelled {
    name: String,
    truth: Truth,
    /// Part of the "clean" variety (the candidate as a real exam shows them).
    clean: bool,
    faces: u32,
    distance: Option<f32>,
}

fn people(names: &[&str]) -> Vec<RgbImage> {
    names
        .iter()
        .map(|n| {
            load(&target("face-fixtures").join(n))
                .unwrap_or_else(|| panic!("{n}: run scripts/face-assets.sh"))
        })
        .collect()
}

/// More people: the faces of dlib's example group photo (`bald_guys.jpg`, Debian
/// libdlib19.1), each cut out as a head-and-shoulders portrait (the face a third of the way
/// down, as `picture` frames it; the neighbouring tiles of the collage painted over), left out
/// when the face is too near the photo's edge for that.
fn crowd(counter: &FaceCounter) -> Vec<RgbImage> {
    let group = people(&["bald_guys.jpg"]).remove(0);
    let mut faces = counter.faces(&group);
    faces.sort_by_key(|f| (f.left, f.top));
    faces
        .iter()
        .filter_map(|f| {
            let fw = (f.right - f.left) as f32;
            // The photo is a collage: keep to this face's tile (below the chin of the face
            // above, above the forehead of the face below).
            let column = |g: &&Found| {
                g != &f
                    && (g.left as f32) < f.right as f32 + fw * 0.3
                    && (g.right as f32) > f.left as f32 - fw * 0.3
            };
            let above = faces.iter().filter(column).filter(|g| g.bottom <= f.top);
            let below = faces.iter().filter(column).filter(|g| g.top >= f.bottom);
            let ceiling = above.map(|g| g.bottom as f32 + fw * 0.4).fold(0.0, f32::max);
            let floor =
                below.map(|g| g.top as f32 - fw * 0.4).fold(group.height() as f32, f32::min);
            let y = f.top as f32 - fw * 0.8;
            let shown = fw * 3.0;
            let h = (shown / server::face::scenes::WEBCAM_FRAMING) as u32;
            let x = f.left as f32 - fw * 0.3;
            let w = (fw * 1.6) as u32;
            if floor - ceiling < fw * 1.6 {
                return None;
            }
            // Beyond the photo's edges, outside the face's tile and below what `picture`
            // shows, the wall's grey.
            let grey = image::Rgb([128, 128, 128]);
            let mut cut = RgbImage::from_pixel(w, h, grey);
            image::imageops::overlay(&mut cut, &group, -(x as i64), -(y as i64));
            for (_, py, px) in cut.enumerate_pixels_mut() {
                let at = y + py as f32;
                if at < ceiling || at > floor || py as f32 >= shown {
                    *px = grey;
                }
            }
            Some(cut)
        })
        .collect()
}

/// The set: (name, truth, clean, people, scene).
fn scenes(crowd: &[RgbImage]) -> Vec<(String, Truth, bool, Vec<RgbImage>, Scene)> {
    let mut out = Vec::new();
    let lights = [1.0, 0.7, 0.5, 0.35];
    for &light in &lights {
        let s = Scene { light, shift: 0.0 };
        out.push((format!("empty room, light {light}"), Truth::Nobody, false, vec![], s));
        out.push((format!("dogs, light {light}"), Truth::Nobody, false, people(&["dogs.jpg"]), s));
        for cand in ["obama.jpg", "obama3.jpg"] {
            for shift in [0.0, -0.15, 0.15] {
                let s = Scene { light, shift };
                let name = format!("candidate {cand}, light {light}, shift {shift}");
                out.push((name, Truth::Candidate, true, people(&[cand]), s));
            }
            let s = Scene { light, shift: 0.4 };
            let name = format!("candidate {cand} partly out, light {light}");
            out.push((name, Truth::Candidate, false, people(&[cand]), s));
            let name = format!("candidate {cand} with another person, light {light}");
            out.push((name, Truth::Two, false, people(&[cand, "biden.jpg"]), s0(light)));
            for (k, other) in crowd.iter().enumerate() {
                let name = format!("candidate {cand} with group face {k}, light {light}");
                let mut two = people(&[cand]);
                two.push(other.clone());
                out.push((name, Truth::Two, false, two, s0(light)));
            }
        }
        for shift in [0.0, -0.15, 0.15] {
            let name = format!("another person, light {light}, shift {shift}");
            out.push((name, Truth::Other, false, people(&["biden.jpg"]), Scene { light, shift }));
        }
        for (k, other) in crowd.iter().enumerate() {
            let name = format!("group face {k} alone, light {light}");
            out.push((name, Truth::Other, false, vec![other.clone()], s0(light)));
        }
    }
    out
}

fn s0(light: f32) -> Scene {
    Scene { light, shift: 0.0 }
}

/// The median time of 60 scans of `pic`, in ms.
async fn time(dlib: &DlibVerifier, pic: &[u8], reference: Option<&[f32]>) -> f64 {
    let mut ms = Vec::new();
    for _ in 0..60 {
        let t = Instant::now();
        let _ = dlib.scan(pic, reference).await;
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    median(&mut ms)
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let dlib = DlibVerifier::load_with_slots(&target("face-models"), 1)
        .unwrap_or_else(|e| panic!("{e:#}: run scripts/face-assets.sh"));
    let roster = std::fs::read(target("face-fixtures").join("obama2.jpg")).expect("roster photo");
    let reference = dlib.embed(&roster).await.expect("reference face");

    // 1. The labelled set.
    let counter = FaceCounter::load(&target("face-models")).expect("face models");
    let crowd = crowd(&counter);
    let _ = std::fs::create_dir_all(target("face-quality"));
    println!("{} faces of the group photo cut out as portraits\n", crowd.len());
    for (k, face) in crowd.iter().enumerate() {
        let pic = picture(&[face], 320, 240, Scene::default());
        let _ = pic.save(target(&format!("face-quality/group-face-{k}.png")));
    }
    let mut set = Vec::new();
    for (name, truth, clean, imgs, scene) in scenes(&crowd) {
        let refs: Vec<&RgbImage> = imgs.iter().collect();
        let pic = jpeg(&picture(&refs, 320, 240, scene), 60);
        let scan = dlib.scan(&pic, Some(&reference)).await.expect("scan");
        set.push(Labelled { name, truth, clean, faces: scan.faces, distance: scan.distance });
    }
    println!("## Labelled pictures ({} pictures, 320×240, JPEG 60)\n", set.len());
    println!("| picture | truth | faces | distance |\n|---|---|---:|---:|");
    for l in &set {
        let d = l.distance.map(|d| format!("{d:.3}")).unwrap_or_else(|| "–".into());
        println!("| {} | {:?} | {} | {d} |", l.name, l.truth, l.faces);
    }

    // 2a. Per picture.
    let cfg = WatchSettings::default();
    let says = |l: &Labelled, kind: FlagKind| match kind {
        FlagKind::FaceAbsent => l.faces == 0,
        FlagKind::AnotherPerson => l.faces >= 2,
        _ => l.faces == 1 && l.distance.is_some_and(|d| d >= cfg.mismatch_at),
    };
    let is = |l: &Labelled, kind: FlagKind| match kind {
        FlagKind::FaceAbsent => l.truth == Truth::Nobody,
        FlagKind::AnotherPerson => l.truth == Truth::Two,
        _ => l.truth == Truth::Other,
    };
    let kinds = [FlagKind::FaceAbsent, FlagKind::AnotherPerson, FlagKind::FaceMismatch];
    println!(
        "\n## Per picture\n\n| flag | precision | recall | TP | FP | FN |\n|---|---:|---:|---:|---:|---:|"
    );
    for k in kinds {
        let tp = set.iter().filter(|l| says(l, k) && is(l, k)).count();
        let fp = set.iter().filter(|l| says(l, k) && !is(l, k)).count();
        let fneg = set.iter().filter(|l| !says(l, k) && is(l, k)).count();
        let p = tp as f64 / (tp + fp).max(1) as f64;
        let r = tp as f64 / (tp + fneg).max(1) as f64;
        println!("| {} | {p:.2} | {r:.2} | {tp} | {fp} | {fneg} |", k.as_str());
    }

    // 2b. Sequences: the relay's schedule (a check every `check_secs`, every
    // FOLLOW_UP_SECS while something is suspected), the exam's persistence times.
    let sample = |l: &Labelled| FaceSample { faces: l.faces, distance: l.distance };
    let pool = |pred: &dyn Fn(&Labelled) -> bool| -> Vec<usize> {
        set.iter().enumerate().filter(|(_, l)| pred(l)).map(|(i, _)| i).collect()
    };
    let clean = pool(&|l| l.clean);
    let away = pool(&|l| l.truth == Truth::Nobody);
    let two = pool(&|l| l.truth == Truth::Two);
    let other = pool(&|l| l.truth == Truth::Other);
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let next = |w: &FaceWatch, cfg: &WatchSettings| {
        let secs = if w.suspects() { cfg.check_secs.min(FOLLOW_UP_SECS) } else { cfg.check_secs };
        u64::from(secs) * 1000
    };
    // One check of `w` at `t` on a picture from `pool`, the identity compared when due.
    let one = |rng: &mut rand::rngs::StdRng,
               w: &mut FaceWatch,
               last_id: &mut Option<u64>,
               pool: &[usize],
               t: u64,
               cfg: &WatchSettings| {
        let mut s = sample(&set[pool[rng.gen_range(0..pool.len())]]);
        if cfg.identity_due(*last_id, t) && s.distance.is_some() {
            *last_id = Some(t);
        } else {
            s.distance = None;
        }
        w.observe(s, t, cfg)
    };
    println!(
        "\n## Clean candidate-hours per check interval (the candidate present; now and then looking away for one check, 3 % of checks)\n"
    );
    println!(
        "| check every (s) | candidate-hours | false flags | per candidate-hour | checks per candidate-hour |\n|---:|---:|---:|---:|---:|"
    );
    let hours = 300u64;
    // Per interval: (checks, of which with nobody in the picture) per candidate-hour.
    let mut checks_per_hour = std::collections::BTreeMap::new();
    for check_secs in [10u32, 20, 30, 45, 60] {
        let cfg = WatchSettings {
            check_secs,
            absent_secs: check_secs.max(20),
            ..WatchSettings::default()
        };
        let (mut false_flags, mut checks, mut empty) = (0u64, 0u64, 0u64);
        let mut kinds: std::collections::BTreeMap<&str, u64> = Default::default();
        for _ in 0..hours {
            let (mut w, mut last_id, mut t) = (FaceWatch::default(), Some(0), 0u64);
            while t < 3_600_000 {
                let looks_away = rng.gen_bool(0.03);
                empty += u64::from(looks_away);
                let pool = if looks_away { &away } else { &clean };
                for c in one(&mut rng, &mut w, &mut last_id, pool, t, &cfg) {
                    if let WatchChange::Raise(k) = c {
                        false_flags += 1;
                        *kinds.entry(k.as_str()).or_default() += 1;
                    }
                }
                checks += 1;
                t += next(&w, &cfg);
            }
        }
        checks_per_hour
            .insert(check_secs, (checks as f64 / hours as f64, empty as f64 / hours as f64));
        println!(
            "| {check_secs} | {hours} | {false_flags} {kinds:?} | {:.3} | {:.0} |",
            false_flags as f64 / hours as f64,
            checks as f64 / hours as f64
        );
    }
    let cfg = WatchSettings::default();
    println!(
        "\n## Events with the default settings (a check every {} s, {} s while suspected; no face for {} s, two faces for {} s, identity every {} s, {} mismatches in a row)\n",
        cfg.check_secs,
        FOLLOW_UP_SECS,
        cfg.absent_secs,
        cfg.several_secs,
        cfg.identity_secs,
        cfg.mismatch_checks
    );
    println!(
        "| flag | event | events | flagged | recall | median time to flag (s) |\n|---|---|---:|---:|---:|---:|"
    );
    let events = [
        (FlagKind::FaceAbsent, "nobody for 90 s", &away, 90_000u64),
        (FlagKind::AnotherPerson, "a second person for 60 s", &two, 60_000),
        (FlagKind::AnotherPerson, "a second person for 2 min", &two, 120_000),
        (FlagKind::FaceMismatch, "someone else for 15 min", &other, 900_000),
    ];
    for (kind, what, pool, len) in events {
        let (mut hit, n) = (0, 300);
        let mut delays = Vec::new();
        for _ in 0..n {
            let (mut w, mut last_id) = (FaceWatch::default(), Some(0));
            // The candidate for a random while, then the event, from wherever the schedule is.
            let mut t = 0u64;
            let start = rng.gen_range(120_000..240_000u64);
            while t < start {
                one(&mut rng, &mut w, &mut last_id, &clean, t, &cfg);
                t += next(&w, &cfg);
            }
            let mut flagged = None;
            while t < start + len {
                let ch = one(&mut rng, &mut w, &mut last_id, pool, t, &cfg);
                if flagged.is_none() && ch.contains(&WatchChange::Raise(kind)) {
                    flagged = Some(t - start);
                }
                t += next(&w, &cfg);
            }
            if let Some(d) = flagged {
                hit += 1;
                delays.push(d as f64 / 1000.0);
            }
        }
        println!(
            "| {} | {what} | {n} | {hit} | {:.2} | {:.0} |",
            kind.as_str(),
            hit as f64 / n as f64,
            median(&mut delays)
        );
    }

    // 3. Cost on one core.
    let one = {
        let imgs = people(&["obama.jpg"]);
        jpeg(&picture(&[&imgs[0]], 320, 240, Scene::default()), 60)
    };
    let empty = jpeg(&picture(&[], 320, 240, Scene::default()), 60);
    let scan_face = time(&dlib, &one, None).await;
    let scan_empty = time(&dlib, &empty, None).await;
    let scan_compare = time(&dlib, &one, Some(&reference)).await;
    let identity_extra = scan_compare - scan_face;
    let candidates = 2000.0;
    // A check with a face costs `scan_face`, one with nobody `scan_empty`;
    // every `identity_secs` a comparison adds `identity_extra`.
    let cores = |check_secs: u32| {
        let (all, empty) = checks_per_hour.get(&check_secs).copied().unwrap_or((0.0, 0.0));
        let ms_per_hour = all * scan_face + empty * (scan_empty - scan_face);
        candidates * ms_per_hour / 3600.0 / 1000.0
            + candidates / f64::from(cfg.identity_secs) * identity_extra / 1000.0
    };
    println!("\n## Cost on one core (median of 60)\n");
    println!(
        "| check | ms |\n|---|---:|\n| one face, counted | {scan_face:.1} |\n| empty room | {scan_empty:.1} |\n| one face, compared with the reference | {scan_compare:.1} |"
    );
    println!(
        "\n| check every (s) | cores for 2,000 candidates (clean hours' checks, identity every {} s) |\n|---:|---:|",
        cfg.identity_secs
    );
    for secs in [10u32, 20, 30, 45, 60] {
        println!("| {secs} | {:.2} |", cores(secs));
    }
}
