use super::*;

/// A JPEG-shaped byte string: SOI, an APP0 segment, a SOF0 with the size, scan, EOI.
pub(crate) fn fake_jpeg(w: u16, h: u16, body: usize) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    b.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02]);
    b.extend(std::iter::repeat_n(0x55, body));
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

fn frame(view: View, seq: u32, w: u16, h: u16, jpeg: &[u8]) -> Vec<u8> {
    let head = FrameHeader { view, seq, captured_ms: 1_700_000_000_123, width: w, height: h };
    let mut m = head.encode().to_vec();
    m.extend_from_slice(jpeg);
    m
}

#[test]
fn a_good_frame_parses_into_header_and_jpeg() {
    let jpeg = fake_jpeg(320, 240, 100);
    let msg = frame(View::Phone, 7, 320, 240, &jpeg);
    let (h, body) = FrameHeader::parse(&msg).expect("parse");
    assert_eq!(h.view, View::Phone);
    assert_eq!(h.seq, 7);
    assert_eq!(h.captured_ms, 1_700_000_000_123);
    assert_eq!((h.width, h.height), (320, 240));
    assert_eq!(body, &jpeg[..]);
}

#[test]
fn bad_frames_get_their_own_error() {
    let jpeg = fake_jpeg(320, 240, 10);
    assert_eq!(FrameHeader::parse(b"short"), Err(FrameError::BadHeader));
    let mut wrong_magic = frame(View::Pc, 1, 320, 240, &jpeg);
    wrong_magic[0] = b'X';
    assert_eq!(FrameHeader::parse(&wrong_magic), Err(FrameError::BadHeader));
    let mut wrong_view = frame(View::Pc, 1, 320, 240, &jpeg);
    wrong_view[2] = 9;
    assert_eq!(FrameHeader::parse(&wrong_view), Err(FrameError::BadHeader));
    let png = frame(View::Pc, 1, 320, 240, b"\x89PNG\r\n\x1a\n0000");
    assert_eq!(FrameHeader::parse(&png), Err(FrameError::NotJpeg));
    let big = fake_jpeg(320, 240, MAX_FRAME_BYTES);
    assert_eq!(
        FrameHeader::parse(&frame(View::Pc, 1, 320, 240, &big)),
        Err(FrameError::TooLarge { max: MAX_FRAME_BYTES })
    );
    // Declared 640x480, the picture is 320x240.
    assert_eq!(
        FrameHeader::parse(&frame(View::Pc, 1, 640, 480, &jpeg)),
        Err(FrameError::BadDimensions)
    );
    let huge = fake_jpeg(4000, 3000, 10);
    assert_eq!(
        FrameHeader::parse(&frame(View::Pc, 1, 4000, 3000, &huge)),
        Err(FrameError::BadDimensions)
    );
    let truncated = &fake_jpeg(320, 240, 10)[..25];
    let mut t = truncated.to_vec();
    t.extend_from_slice(&[0xFF, 0xD9]);
    assert_eq!(
        FrameHeader::parse(&frame(View::Pc, 1, 320, 240, &t)),
        Err(FrameError::BadDimensions)
    );
}

#[test]
fn relay_header_round_trips() {
    let h = RelayHeader {
        candidate: CandidateId(4242),
        view: View::Phone,
        seq: 99,
        captured_ms: 1,
        received_ms: 2,
        width: 640,
        height: 480,
    };
    let bytes = h.encode();
    assert_eq!(RelayHeader::parse(&bytes), Some(h));
    assert_eq!(RelayHeader::parse(&bytes[..10]), None);
}

#[test]
fn views_are_on_from_their_step_until_submission() {
    use crate::SubmitKind;
    assert!(!view_is_on(View::Pc, Phase::DevicesChecked));
    assert!(view_is_on(View::Pc, Phase::FirstViewOn));
    assert!(!view_is_on(View::Phone, Phase::FirstViewOn));
    assert!(view_is_on(View::Phone, Phase::SecondViewOn));
    assert!(view_is_on(View::Phone, Phase::InExam));
    assert!(!view_is_on(View::Pc, Phase::Submitted(SubmitKind::Auto)));
}

#[test]
fn the_bucket_admits_the_profile_rate_and_throttles_a_flood() {
    let grid = CameraSettings::default().grid; // one every 2 s
    let mut b = FrameBucket::new(0);
    // A burst of the bucket's depth, then refused.
    assert!(b.admit(&grid, 0));
    assert!(b.admit(&grid, 1));
    assert!(b.admit(&grid, 2));
    assert!(!b.admit(&grid, 3));
    // At the profile rate, every frame is admitted for a long time.
    let mut b = FrameBucket::new(0);
    assert!((1..=100).all(|i| b.admit(&grid, i * 2000)));
    // Ten times the rate: most are refused.
    let mut b = FrameBucket::new(0);
    let admitted = (1..=100).filter(|i| b.admit(&grid, i * 200)).count();
    assert!(admitted < 20, "{admitted}");
}

#[test]
fn black_is_reported_after_a_while_and_clears_on_a_normal_frame() {
    let mut t = HealthTracker::default();
    assert_eq!(t.observe(1, true, 0, 20), None);
    assert_eq!(t.observe(2, true, 2000, 20), None);
    assert_eq!(t.observe(3, true, 4000, 20), Some(Some(CameraProblem::Black)));
    assert_eq!(t.observe(4, true, 6000, 20), None);
    assert_eq!(t.observe(5, false, 8000, 20), Some(None));
    assert_eq!(t.problem(), None);
    // Identical black frames are black, never frozen.
    let mut t = HealthTracker::default();
    assert_eq!(t.observe(9, true, 0, 1), None);
    assert_eq!(t.observe(9, true, 2000, 1), None);
    assert_eq!(t.observe(9, true, 4000, 1), Some(Some(CameraProblem::Black)));
}

#[test]
fn identical_frames_for_the_set_time_are_frozen() {
    let mut t = HealthTracker::default();
    for s in 0..10 {
        assert_eq!(t.observe(77, false, s * 2000, 20), None, "at {s}");
    }
    assert_eq!(t.observe(77, false, 20_000, 20), Some(Some(CameraProblem::Frozen)));
    assert_eq!(t.observe(78, false, 22_000, 20), Some(None));
    // Changing frames never freeze.
    let mut t = HealthTracker::default();
    assert!((0..100).all(|s| t.observe(s, false, s * 2000, 20).is_none()));
}

#[test]
fn only_small_frames_are_decoded_for_black() {
    assert!(maybe_black(1_500, 320, 240));
    assert!(!maybe_black(12_000, 320, 240));
}

#[test]
fn samples_are_due_first_then_every_interval() {
    assert!(sample_due(None, 5, 30));
    assert!(!sample_due(Some(0), 29_999, 30));
    assert!(sample_due(Some(0), 30_000, 30));
}

#[test]
fn frame_errors_serialise_with_a_code() {
    let json = serde_json::to_string(&FrameError::TooFast).expect("json");
    assert_eq!(json, r#"{"code":"too_fast"}"#);
    let names: std::collections::HashSet<_> = FrameError::ALL.iter().map(|e| e.as_str()).collect();
    assert_eq!(names.len(), FrameError::ALL.len());
}
