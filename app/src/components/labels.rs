//! Localised labels for domain enums.
use crate::i18n::*;
use domain::flag::FlagKind;
use domain::grid::{AlertKind, TileFilter};
use domain::{Phase, SubmitKind, VerificationStatus};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The phase as a short label.
pub fn phase_label(i18n: I18nContext<Locale>, phase: Phase) -> impl IntoView + use<> {
    match phase {
        Phase::Rostered => tr!(i18n, phase_rostered),
        Phase::LoggedIn => tr!(i18n, phase_logged_in),
        Phase::IdentityConfirmed => tr!(i18n, phase_identity_confirmed),
        Phase::FaceVerified => tr!(i18n, phase_face_verified),
        Phase::DevicesChecked => tr!(i18n, phase_devices_checked),
        Phase::FirstViewOn => tr!(i18n, phase_first_view_on),
        Phase::SecondViewOn => tr!(i18n, phase_second_view_on),
        Phase::InstructionsRead => tr!(i18n, phase_instructions_read),
        Phase::InExam => tr!(i18n, phase_in_exam),
        Phase::Submitted(SubmitKind::SelfSubmitted) => tr!(i18n, phase_submitted_self),
        Phase::Submitted(SubmitKind::Auto) => tr!(i18n, phase_submitted_auto),
        Phase::Submitted(SubmitKind::Forced) => tr!(i18n, phase_submitted_forced),
    }
}

/// A flag kind as a short label.
pub fn flag_label(i18n: I18nContext<Locale>, kind: FlagKind) -> AnyView {
    flag_text(i18n, kind).into_any()
}

/// A flag kind as plain text (for interpolation and `<option>`s).
pub fn flag_text(i18n: I18nContext<Locale>, kind: FlagKind) -> String {
    match kind {
        FlagKind::PcBlack => t_string!(i18n, flag_pc_black).to_string(),
        FlagKind::PhoneBlack => t_string!(i18n, flag_phone_black).to_string(),
        FlagKind::PcFrozen => t_string!(i18n, flag_pc_frozen).to_string(),
        FlagKind::PhoneFrozen => t_string!(i18n, flag_phone_frozen).to_string(),
        FlagKind::PhoneLost => t_string!(i18n, flag_phone_lost).to_string(),
        FlagKind::PageLeft => t_string!(i18n, flag_page_left).to_string(),
        FlagKind::VerificationRejected => t_string!(i18n, flag_verification_rejected).to_string(),
        FlagKind::FaceMismatch => t_string!(i18n, flag_face_mismatch).to_string(),
        FlagKind::FaceAbsent => t_string!(i18n, flag_face_absent).to_string(),
        FlagKind::AnotherPerson => t_string!(i18n, flag_another_person).to_string(),
        FlagKind::Material => t_string!(i18n, flag_material).to_string(),
        FlagKind::Noise => t_string!(i18n, flag_noise).to_string(),
        FlagKind::LeftSeat => t_string!(i18n, flag_left_seat).to_string(),
        FlagKind::SecondViewWrong => t_string!(i18n, flag_second_view_wrong).to_string(),
        FlagKind::Other => t_string!(i18n, flag_other).to_string(),
    }
}

/// The verification status as a short label.
pub fn verification_label(
    i18n: I18nContext<Locale>,
    v: VerificationStatus,
) -> impl IntoView + use<> {
    match v {
        VerificationStatus::NotStarted => tr!(i18n, verif_not_started),
        VerificationStatus::Passed => tr!(i18n, verif_passed),
        VerificationStatus::PendingReview => tr!(i18n, verif_pending_review),
        VerificationStatus::Approved => tr!(i18n, verif_approved),
        VerificationStatus::Rejected => tr!(i18n, verif_rejected),
    }
}

/// A grid counter's label.
pub fn filter_label(i18n: I18nContext<Locale>, f: TileFilter) -> impl IntoView + use<> {
    match f {
        TileFilter::All => tr!(i18n, filter_all),
        TileFilter::InExam => tr!(i18n, filter_in_exam),
        TileFilter::Preparing => tr!(i18n, filter_preparing),
        TileFilter::Absent => tr!(i18n, filter_absent),
        TileFilter::Offline => tr!(i18n, filter_offline),
        TileFilter::Flagged => tr!(i18n, filter_flagged),
        TileFilter::PendingReview => tr!(i18n, filter_pending_review),
        TileFilter::HandRaised => tr!(i18n, filter_hand_raised),
        TileFilter::Submitted => tr!(i18n, filter_submitted),
    }
}

/// An alert's text (after the candidate's name).
pub fn alert_label(i18n: I18nContext<Locale>, a: AlertKind) -> AnyView {
    match a {
        AlertKind::Offline => tr!(i18n, alert_offline).into_any(),
        AlertKind::SecondViewLost => tr!(i18n, alert_second_view_lost).into_any(),
        AlertKind::HandRaised => tr!(i18n, alert_hand).into_any(),
        AlertKind::SignedInElsewhere => tr!(i18n, alert_signed_in_elsewhere).into_any(),
        AlertKind::Flag(k) => {
            let kind = flag_text(i18n, k);
            t!(i18n, alert_flag, kind = kind).into_any()
        }
    }
}

/// A server time as this computer's local clock time, "14:05:09".
pub fn clock_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string()
}

/// A server time as this computer's local time of day, "14:05".
pub fn hour_minute(t: chrono::DateTime<chrono::Utc>) -> String {
    t.with_timezone(&chrono::Local).format("%H:%M").to_string()
}

/// A camera view's name as plain text.
pub fn view_text(i18n: I18nContext<Locale>, v: domain::View) -> String {
    match v {
        domain::View::Pc => t_string!(i18n, view_pc).to_string(),
        domain::View::Phone => t_string!(i18n, view_phone).to_string(),
    }
}

/// "1:05:09" for a duration in seconds (never negative).
pub fn clock(secs: i64) -> String {
    let s = secs.max(0);
    format!("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}
