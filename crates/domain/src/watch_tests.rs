use super::*;

fn cfg() -> WatchSettings {
    WatchSettings::default()
}

fn faces(n: u32) -> FaceSample {
    FaceSample { faces: n, distance: None }
}

fn one_at(d: f32) -> FaceSample {
    FaceSample { faces: 1, distance: Some(d) }
}

/// Feeds samples every 10 s from t = 0 and collects the changes with their times (s).
fn run(samples: &[FaceSample]) -> Vec<(u64, WatchChange)> {
    let mut w = FaceWatch::default();
    let mut out = Vec::new();
    for (i, s) in samples.iter().enumerate() {
        let t = i as u64 * 10_000;
        out.extend(w.observe(*s, t, &cfg()).into_iter().map(|c| (t / 1000, c)));
    }
    out
}

#[test]
fn the_defaults_are_valid_and_a_zero_interval_is_not() {
    assert!(cfg().validate());
    assert!(!WatchSettings { check_secs: 0, ..cfg() }.validate());
    assert!(!WatchSettings { absent_secs: 1, ..cfg() }.validate());
    assert!(
        !WatchSettings { identity_secs: 30, ..cfg() }.validate(),
        "identity under the interval"
    );
    assert!(!WatchSettings { mismatch_at: f32::NAN, ..cfg() }.validate());
    assert!(!WatchSettings { mismatch_checks: 0, ..cfg() }.validate());
    assert!(!WatchSettings { voice_secs: 1, ..cfg() }.validate());
}

#[test]
fn a_face_turned_away_for_one_check_is_not_a_flag() {
    assert_eq!(run(&[faces(1), faces(0), faces(1), faces(0), faces(1)]), vec![]);
}

#[test]
fn no_face_for_the_absent_time_raises_and_a_face_clears() {
    let got = run(&[faces(1), faces(0), faces(0), faces(0), faces(0), faces(1)]);
    // No face from 10 s; 20 s later (30 s) the flag; the face back at 50 s clears it.
    assert_eq!(
        got,
        vec![
            (30, WatchChange::Raise(FlagKind::FaceAbsent)),
            (50, WatchChange::Clear(FlagKind::FaceAbsent)),
        ]
    );
}

#[test]
fn two_faces_for_the_several_time_raise_another_person() {
    let got = run(&[faces(2), faces(2), faces(3), faces(1)]);
    assert_eq!(
        got,
        vec![
            (10, WatchChange::Raise(FlagKind::AnotherPerson)),
            (30, WatchChange::Clear(FlagKind::AnotherPerson)),
        ]
    );
    // Several faces are not "no face".
    assert!(
        !run(&[faces(2), faces(2), faces(2)])
            .iter()
            .any(|(_, c)| matches!(c, WatchChange::Raise(FlagKind::FaceAbsent)))
    );
}

#[test]
fn a_different_person_needs_consecutive_mismatches() {
    let got = run(&[one_at(0.7), one_at(0.3), one_at(0.7), faces(1), one_at(0.8), one_at(0.4)]);
    // 0.7 then a match resets; 0.7, (no comparison), 0.8 are two in a row: raised at 40 s.
    assert_eq!(
        got,
        vec![
            (40, WatchChange::Raise(FlagKind::FaceMismatch)),
            (50, WatchChange::Clear(FlagKind::FaceMismatch)),
        ]
    );
}

#[test]
fn a_watch_restarted_with_an_open_flag_clears_it_when_the_face_is_back() {
    let mut w = FaceWatch::with_open(&[FlagKind::FaceAbsent, FlagKind::PcBlack]);
    assert!(w.is_open(FlagKind::FaceAbsent) && !w.is_open(FlagKind::PcBlack));
    assert_eq!(w.observe(faces(1), 0, &cfg()), vec![WatchChange::Clear(FlagKind::FaceAbsent)]);
    assert_eq!(w.observe(faces(1), 10, &cfg()), vec![]);
}

#[test]
fn a_watch_restarted_while_the_condition_goes_on_keeps_the_flag_open() {
    let mut w = FaceWatch::with_open(&[FlagKind::FaceAbsent, FlagKind::FaceMismatch]);
    // Still nobody: no clear and no second raise, however long it goes on.
    for t in 0..5 {
        assert_eq!(w.observe(faces(0), t * 10_000, &cfg()), vec![]);
    }
    // The other person still there (one face, not compared, or compared and different).
    assert_eq!(w.observe(faces(1), 60_000, &cfg()), vec![WatchChange::Clear(FlagKind::FaceAbsent)]);
    assert_eq!(w.observe(one_at(0.8), 70_000, &cfg()), vec![]);
    // Only a matching comparison clears "different person".
    assert_eq!(
        w.observe(one_at(0.3), 80_000, &cfg()),
        vec![WatchChange::Clear(FlagKind::FaceMismatch)]
    );
}

#[test]
fn the_identity_check_is_due_every_identity_interval() {
    let c = cfg();
    assert!(c.identity_due(None, 0));
    assert!(!c.identity_due(Some(0), 299_999));
    assert!(c.identity_due(Some(0), 300_000));
}

#[test]
fn the_voice_guard_bounds_reports() {
    let mut g = VoiceGuard::default();
    assert!(g.start(0));
    assert!(!g.start(1_000), "already open");
    assert!(g.end(9_000));
    assert!(!g.end(9_500), "not open");
    assert!(!g.start(10_000), "too soon after the last end");
    assert!(g.start(14_000));
    let mut g = VoiceGuard { taken: VOICE_MAX_FLAGS, ..VoiceGuard::default() };
    assert!(!g.start(0), "over the cap");
}

#[test]
fn sustained_speech_is_reported_once_and_its_end_once() {
    let mut d = VoiceDetector::default();
    let mut got = Vec::new();
    // 8 s window: 32 ticks. Talking (level 0.2, 80 % in the band) for 12 s, then quiet 6 s.
    for i in 0..48 {
        if let Some(s) = d.measure(0.2, 0.8, 8) {
            got.push((i, s));
        }
    }
    for i in 48..72 {
        if let Some(s) = d.measure(0.01, 0.2, 8) {
            got.push((i, s));
        }
    }
    // The end: fewer than 10 % of the last 4 s (16 ticks) speech-like, at 62.
    assert_eq!(got, vec![(31, true), (62, false)]);
}

#[test]
fn short_or_out_of_band_sounds_are_not_speech() {
    let mut d = VoiceDetector::default();
    for i in 0..200 {
        // A door slam every 5 s (loud, wide band) and a hum (in level, out of band).
        let (level, share) = if i % 20 == 0 { (0.9, 0.3) } else { (0.1, 0.2) };
        assert_eq!(d.measure(level, share, 8), None);
    }
    // Speech half the time, in short bursts below the on-share, is not reported either.
    let mut d = VoiceDetector::default();
    for i in 0..200 {
        let on = i % 3 == 0;
        assert_eq!(d.measure(if on { 0.3 } else { 0.0 }, 0.9, 8), None);
    }
}

#[test]
fn a_suspected_or_flagged_candidate_is_followed_up() {
    let mut w = FaceWatch::default();
    w.observe(faces(1), 0, &cfg());
    assert!(!w.suspects());
    w.observe(faces(0), 10_000, &cfg());
    assert!(w.suspects(), "no face once: suspected");
    w.observe(faces(1), 15_000, &cfg());
    assert!(!w.suspects());
    w.observe(one_at(0.9), 20_000, &cfg());
    assert!(w.suspects(), "one mismatch: suspected");
    assert!(FaceWatch::with_open(&[FlagKind::AnotherPerson]).suspects(), "a flag to clear");
}
