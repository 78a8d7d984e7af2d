//! Localised labels for domain enums.
use crate::domain::{Phase, SubmitKind};
use crate::i18n::*;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

/// The phase as a short label.
pub fn phase_label(i18n: I18nContext<Locale>, phase: Phase) -> AnyView {
    match phase {
        Phase::Rostered => t!(i18n, phase_rostered).into_any(),
        Phase::LoggedIn => t!(i18n, phase_logged_in).into_any(),
        Phase::IdentityConfirmed => t!(i18n, phase_identity_confirmed).into_any(),
        Phase::FaceVerified => t!(i18n, phase_face_verified).into_any(),
        Phase::DevicesChecked => t!(i18n, phase_devices_checked).into_any(),
        Phase::FirstViewOn => t!(i18n, phase_first_view_on).into_any(),
        Phase::SecondViewOn => t!(i18n, phase_second_view_on).into_any(),
        Phase::InstructionsRead => t!(i18n, phase_instructions_read).into_any(),
        Phase::InExam => t!(i18n, phase_in_exam).into_any(),
        Phase::Submitted(SubmitKind::SelfSubmitted) => t!(i18n, phase_submitted_self).into_any(),
        Phase::Submitted(SubmitKind::Auto) => t!(i18n, phase_submitted_auto).into_any(),
        Phase::Submitted(SubmitKind::Forced) => t!(i18n, phase_submitted_forced).into_any(),
    }
}

/// An automatic flag as a short label.
pub fn flag_label(i18n: I18nContext<Locale>, kind: crate::domain::flag::FlagKind) -> AnyView {
    use crate::domain::flag::FlagKind;
    match kind {
        FlagKind::PcBlack => t!(i18n, flag_pc_black).into_any(),
        FlagKind::PhoneBlack => t!(i18n, flag_phone_black).into_any(),
        FlagKind::PcFrozen => t!(i18n, flag_pc_frozen).into_any(),
        FlagKind::PhoneFrozen => t!(i18n, flag_phone_frozen).into_any(),
        FlagKind::PhoneLost => t!(i18n, flag_phone_lost).into_any(),
    }
}
