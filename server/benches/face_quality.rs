//! The face checks' quality and cost (BENCHMARKS.md, "Face checks"), with the real dlib
//! provider on pictures made from the face photos the tests use (`target/face-fixtures`,
//! from registry packages: `scripts/face-assets.sh`):
//!
//! 1. A labelled set of grid pictures (320×240, JPEG quality 60, as the pages send them): an
//!    empty room, a room with dogs, the candidate (two photos other than the roster one), the
//!    candidate in low light and partly out of the picture, two people, another person.
//!    Per picture: the faces found and the distance to the roster photo's face.
//! 2. Per flag kind, precision and recall per picture, then per event over simulated
//!    sequences (the exam's default settings, a check every `DEFAULT_CHECK_SECS`): clean
//!    candidate-hours (the candidate present, the light and position varying, now and then
//!    looking away for one check) give the false flags per candidate-hour; absences of 60 s,
//!    second persons for 40 s and substitutes for 3 min give the recall.
//! 3. The cost of one check on one core (median of many) and the check interval that keeps
//!    2,000 candidates within half a core.
//!
//! Run with `cargo bench -p server --bench face_quality` (release build).
use backend::face::FaceVerifier;
use domain::flag::FlagKind;
use domain::watch::{FaceSample, FaceWatch, WatchChange, WatchSettings};
use image::RgbImage;
use rand::{Rng, SeedableRng};
use server::face::DlibVerifier;
use server::face::scenes::{Scene, jpeg, load, picture};
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

/// The set: (name, truth, clean, people, scene).
fn scenes() -> Vec<(String, Truth, bool, Vec<&'static str>, Scene)> {
    let mut out = Vec::new();
    let lights = [1.0, 0.7, 0.5, 0.35];
    for &light in &lights {
        let s = Scene { light, shift: 0.0 };
        out.push((format!("empty room, light {light}"), Truth::Nobody, false, vec![], s));
        out.push((format!("dogs, light {light}"), Truth::Nobody, false, vec!["dogs.jpg"], s));
        for cand in ["obama.jpg", "obama3.jpg"] {
            for shift in [0.0, -0.15, 0.15] {
                let s = Scene { light, shift };
                let name = format!("candidate {cand}, light {light}, shift {shift}");
                out.push((name, Truth::Candidate, true, vec![cand], s));
            }
            let s = Scene { light, shift: 0.4 };
            let name = format!("candidate {cand} partly out, light {light}");
            out.push((name, Truth::Candidate, false, vec![cand], s));
            let name = format!("candidate {cand} with another person, light {light}");
            out.push((
                name,
                Truth::Two,
                false,
                vec![cand, "biden.jpg"],
                Scene { light, shift: 0.0 },
            ));
        }
        for shift in [0.0, -0.15, 0.15] {
            let name = format!("another person, light {light}, shift {shift}");
            out.push((name, Truth::Other, false, vec!["biden.jpg"], Scene { light, shift }));
        }
    }
    out
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
    let mut set = Vec::new();
    for (name, truth, clean, who, scene) in scenes() {
        let imgs = people(&who);
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

    // 2b. Sequences with the default settings.
    let sample = |l: &Labelled| FaceSample { faces: l.faces, distance: l.distance };
    let pool = |pred: &dyn Fn(&Labelled) -> bool| -> Vec<usize> {
        set.iter().enumerate().filter(|(_, l)| pred(l)).map(|(i, _)| i).collect()
    };
    let clean = pool(&|l| l.clean);
    let away = pool(&|l| l.truth == Truth::Nobody);
    let two = pool(&|l| l.truth == Truth::Two);
    let other = pool(&|l| l.truth == Truth::Other);
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let step = u64::from(cfg.check_secs) * 1000;
    let hours = 500u64;
    let checks_per_hour = 3_600_000 / step;
    let mut false_flags = 0u64;
    let mut raised_when_clean: std::collections::BTreeMap<&str, u64> = Default::default();
    for _ in 0..hours {
        let mut w = FaceWatch::default();
        for i in 0..checks_per_hour {
            // Looks away for one check now and then (a face turned away for a few seconds).
            let idx = if rng.gen_bool(0.03) {
                away[rng.gen_range(0..away.len())]
            } else {
                clean[rng.gen_range(0..clean.len())]
            };
            // The identity is compared every `identity_secs`.
            let mut s = sample(&set[idx]);
            if (i * step) % (u64::from(cfg.identity_secs) * 1000) != 0 {
                s.distance = None;
            }
            for c in w.observe(s, i * step, &cfg) {
                if let WatchChange::Raise(k) = c {
                    false_flags += 1;
                    *raised_when_clean.entry(k.as_str()).or_default() += 1;
                }
            }
        }
    }
    // Events: (kind, pool, length in checks).
    let events = [
        (FlagKind::FaceAbsent, &away, 60_000 / step),
        (FlagKind::AnotherPerson, &two, 40_000 / step),
        (FlagKind::FaceMismatch, &other, 180_000 / step),
    ];
    println!(
        "\n## Sequences (default settings: a check every {} s, no face for {} s, two faces for {} s, identity every {} s, {} mismatches in a row)\n",
        cfg.check_secs, cfg.absent_secs, cfg.several_secs, cfg.identity_secs, cfg.mismatch_checks
    );
    println!(
        "| flag | events | flagged | recall | median time to flag (s) |\n|---|---:|---:|---:|---:|"
    );
    for (kind, pool, len) in events {
        let (mut hit, n) = (0, 300);
        let mut delays = Vec::new();
        for _ in 0..n {
            let mut w = FaceWatch::default();
            let mut t = 0u64;
            // Two minutes of the candidate, the event, then the candidate again.
            for _ in 0..(120_000 / step) {
                w.observe(sample(&set[clean[rng.gen_range(0..clean.len())]]), t, &cfg);
                t += step;
            }
            let start = t;
            let mut flagged = None;
            for _ in 0..len {
                let s = sample(&set[pool[rng.gen_range(0..pool.len())]]);
                let ch = w.observe(s, t, &cfg);
                if flagged.is_none() && ch.contains(&WatchChange::Raise(kind)) {
                    flagged = Some(t - start);
                }
                t += step;
            }
            if let Some(d) = flagged {
                hit += 1;
                delays.push(d as f64 / 1000.0);
            }
        }
        println!(
            "| {} | {n} | {hit} | {:.2} | {:.0} |",
            kind.as_str(),
            hit as f64 / n as f64,
            median(&mut delays)
        );
    }
    println!(
        "\nClean sequences: {hours} candidate-hours, {false_flags} false flags = {:.3} per candidate-hour ({raised_when_clean:?}).",
        false_flags as f64 / hours as f64
    );

    // 3. Cost on one core.
    let one = {
        let imgs = people(&["obama.jpg"]);
        jpeg(&picture(&[&imgs[0]], 320, 240, Scene::default()), 60)
    };
    let empty = jpeg(&picture(&[], 320, 240, Scene::default()), 60);
    let scan_face = time(&dlib, &one, None).await;
    let scan_empty = time(&dlib, &empty, None).await;
    let scan_compare = time(&dlib, &one, Some(&reference)).await;
    let per_check = scan_face.max(scan_empty);
    let identity_extra = scan_compare - scan_face;
    let candidates = 2000.0;
    let cores = |check_secs: f64| {
        candidates / check_secs * per_check / 1000.0
            + candidates / f64::from(cfg.identity_secs) * identity_extra / 1000.0
    };
    println!("\n## Cost on one core (median of 60)\n");
    println!(
        "| check | ms |\n|---|---:|\n| one face, counted | {scan_face:.1} |\n| empty room | {scan_empty:.1} |\n| one face, compared with the reference | {scan_compare:.1} |"
    );
    println!("\n| check interval (s) | cores for 2,000 candidates |\n|---:|---:|");
    for secs in [5.0, 10.0, 15.0, 20.0, 30.0] {
        println!("| {secs:.0} | {:.2} |", cores(secs));
    }
}
