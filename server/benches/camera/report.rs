//! The report of one run: the table of the relays, each relay's notes, the targets.
use super::pictures::Pictures;
use super::{CPU_TARGET_RATIO, Opts, Outcome, P99_TARGET_MS, RSS_TARGET_RATIO};

fn ratio(a: f64, b: f64) -> String {
    if b > 0.0 && a.is_finite() && b.is_finite() { format!("{:.2}×", a / b) } else { "–".into() }
}

pub fn report(o: &Opts, pics: &Pictures, runs: &[Outcome]) {
    let s = o.shape;
    println!();
    println!(
        "Camera relay: {} candidates × 2 views in {} rooms of ≤{}, {} room + {} focus proctor \
         sockets; grid frames {}; warm-up {} s, window {} s; {} CPU cores shared by server and \
         load generator.",
        s.candidates,
        s.rooms(),
        s.per_room,
        s.rooms(),
        s.focus_seats().len(),
        pics.describe(),
        o.warmup,
        o.measure,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!(
        "| relay | candidate sockets | proctor sockets | frames/s in | frames/s out | MB/s in | \
         MB/s out | p50 ms | p99 ms | server CPU % of a core | server RSS MB |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in runs {
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.1} | {:.1} | {:.2} | {:.2} | {:.0} | {:.0} |",
            r.name,
            r.candidate_sockets,
            r.proctor_sockets,
            r.fps_in,
            r.fps_out,
            r.mbps_in,
            r.mbps_out,
            r.p50,
            r.p99,
            r.cpu,
            r.rss
        );
    }
    let real = runs.iter().find(|r| r.name != "bare relay");
    let bare = runs.iter().find(|r| r.name == "bare relay");
    if let (Some(real), Some(bare)) = (real, bare) {
        println!(
            "| real / bare | | | {} | {} | | | {} | {} | {} | {} |",
            ratio(real.fps_in, bare.fps_in),
            ratio(real.fps_out, bare.fps_out),
            ratio(real.p50, bare.p50),
            ratio(real.p99, bare.p99),
            ratio(real.cpu, bare.cpu),
            ratio(real.rss, bare.rss)
        );
    }
    println!();
    for r in runs {
        println!("{}:", r.name);
        if let Some((p50, p99)) = r.focus {
            println!("- focus sockets: p50 {p50:.2} ms, p99 {p99:.2} ms");
        }
        println!(
            "- load generator CPU {:.0}% of a core; other processes {:.0}% of a core{}; server \
             peak RSS (VmHWM) {:.0} MB",
            r.loadgen_cpu,
            r.other_cpu,
            if r.other_cpu > 20.0 { " (WARNING: the machine was not quiet)" } else { "" },
            r.hwm
        );
        for n in &r.notes {
            println!("- {n}");
        }
    }
    let named = |n: &str| runs.iter().find(|r| r.name == n);
    if let (Some(off), Some(on)) =
        (named("Vigil server, face checks off"), named("Vigil server, face checks on"))
    {
        println!();
        println!(
            "Face checks: {:.0}% of a core with them, {:.0}% without: they cost {:.0}% of a core \
             (target ≤ 50%); p99 {:.2} ms with, {:.2} ms without.",
            on.cpu,
            off.cpu,
            on.cpu - off.cpu,
            on.p99,
            off.p99
        );
    }
    if let Some(real) = real {
        println!();
        println!("Targets (real server):");
        let verdict = |ok: bool| if ok { "PASS" } else { "FAIL" };
        println!(
            "- p99 capture→proctor ≤ {P99_TARGET_MS} ms: {} ({:.2} ms)",
            verdict(real.p99 <= P99_TARGET_MS && real.fps_out > 0.0),
            real.p99
        );
        match bare {
            Some(bare) => {
                verdict_line("CPU", CPU_TARGET_RATIO, (real.cpu, bare.cpu), "%");
                verdict_line("RSS", RSS_TARGET_RATIO, (real.rss, bare.rss), " MB");
            }
            None => println!("- CPU and RSS against the bare relay: not measured (--only real)"),
        }
    }
}

/// "- CPU ≤ 1.5× bare relay: PASS (37% vs 23%, 1.60×)": one target against the bare relay.
fn verdict_line(name: &str, target: f64, (real, bare): (f64, f64), unit: &str) {
    let verdict = if real <= target * bare { "PASS" } else { "FAIL" };
    println!(
        "- {name} ≤ {target}× bare relay: {verdict} ({real:.0}{unit} vs {bare:.0}{unit}, {})",
        ratio(real, bare)
    );
}
