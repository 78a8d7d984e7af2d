//! The summary of several runs (`--runs N`): per relay, the median with the lowest and highest
//! value of each figure, and the real/bare ratios taken run by run (each run measures both on
//! the same machine minutes apart), as the Markdown table BENCHMARKS.md shows.
use super::Outcome;
use super::target::Shape;

/// Median, lowest and highest of some values.
#[derive(Debug, Clone, Copy)]
struct Spread {
    median: f64,
    min: f64,
    max: f64,
}

impl Spread {
    fn of(mut v: Vec<f64>) -> Option<Self> {
        v.retain(|x| x.is_finite());
        if v.is_empty() {
            return None;
        }
        v.sort_by(f64::total_cmp);
        let median = if v.len() % 2 == 1 {
            v[v.len() / 2]
        } else {
            (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
        };
        Some(Self { median, min: v[0], max: v[v.len() - 1] })
    }

    fn cell(s: Option<Self>, decimals: usize, unit: &str) -> String {
        match s {
            Some(s) => {
                format!("**{:.d$}{unit}** ({:.d$}–{:.d$})", s.median, s.min, s.max, d = decimals)
            }
            None => "–".into(),
        }
    }
}

/// The figure `f` of the relay named `name` in every run that has it.
fn values(runs: &[Vec<Outcome>], name: &str, f: impl Fn(&Outcome) -> f64) -> Vec<f64> {
    runs.iter().filter_map(|run| run.iter().find(|o| o.name == name).map(&f)).collect()
}

/// `f(a) / f(b)` run by run, where both relays ran.
fn ratios(runs: &[Vec<Outcome>], a: &str, b: &str, f: impl Fn(&Outcome) -> f64) -> Vec<f64> {
    runs.iter()
        .filter_map(|run| {
            let x = run.iter().find(|o| o.name == a)?;
            let y = run.iter().find(|o| o.name == b)?;
            (f(y) > 0.0).then(|| f(x) / f(y))
        })
        .collect()
}

/// The table: one row per relay, then one per real relay against the bare one.
pub fn table(shape: &Shape, runs: &[Vec<Outcome>]) -> String {
    let mut names: Vec<&'static str> = Vec::new();
    for o in runs.iter().flatten() {
        if !names.contains(&o.name) {
            names.push(o.name);
        }
    }
    let mut out = format!(
        "{} candidates × 2 views, {} focused; {} runs: **median** (lowest–highest)\n\n",
        shape.candidates,
        shape.focus_seats().len(),
        runs.len()
    );
    out.push_str(
        "| relay | server CPU, % of a core | server RSS, MB | p99 capture→proctor, ms | \
         frames/s out |\n|---|---:|---:|---:|---:|\n",
    );
    for name in &names {
        out.push_str(&format!(
            "| {name} | {} | {} | {} | {} |\n",
            Spread::cell(Spread::of(values(runs, name, |o| o.cpu)), 0, " %"),
            Spread::cell(Spread::of(values(runs, name, |o| o.rss)), 0, ""),
            Spread::cell(Spread::of(values(runs, name, |o| o.p99)), 2, ""),
            Spread::cell(Spread::of(values(runs, name, |o| o.fps_out)), 0, ""),
        ));
    }
    let bare = "bare relay";
    if names.contains(&bare) {
        for name in names.iter().filter(|n| **n != bare) {
            out.push_str(&format!(
                "| {name} / bare | {} | {} | {} | |\n",
                Spread::cell(Spread::of(ratios(runs, name, bare, |o| o.cpu)), 2, "×"),
                Spread::cell(Spread::of(ratios(runs, name, bare, |o| o.rss)), 2, "×"),
                Spread::cell(Spread::of(ratios(runs, name, bare, |o| o.p99)), 2, "×"),
            ));
        }
    }
    let (off, on) = ("Vigil server, face checks off", "Vigil server, face checks on");
    if names.contains(&off) && names.contains(&on) {
        let cost: Vec<f64> = runs
            .iter()
            .filter_map(|run| {
                let a = run.iter().find(|o| o.name == on)?;
                let b = run.iter().find(|o| o.name == off)?;
                Some(a.cpu - b.cpu)
            })
            .collect();
        out.push_str(&format!(
            "| the face checks' cost (on − off) | {} | | | |\n",
            Spread::cell(Spread::of(cost), 0, " %")
        ));
    }
    out
}
