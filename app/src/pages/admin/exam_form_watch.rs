//! The exam form's automatic watch: the face checks during the exam (how often, how long a
//! condition lasts before it is a flag, the identity comparison), the prompt to the
//! candidate, listening for sound, and the integrity score's weights.
use super::exam_form::number;
use crate::i18n::*;
use domain::exam_settings::ExamSettings;
use leptos::prelude::*;

fn check(
    draft: RwSignal<ExamSettings>,
    id: &'static str,
    label: AnyView,
    get: fn(&ExamSettings) -> bool,
    set: fn(&mut ExamSettings, bool),
) -> impl IntoView {
    view! {
        <label class="check">
            <input id=id type="checkbox" prop:checked=move || draft.with(get)
                on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| set(d, on)); } />
            <span>{label}</span>
        </label>
    }
}

#[component]
pub fn WatchFields(draft: RwSignal<ExamSettings>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{tr!(i18n, exam_watch_label)}</h2>
        <p class="muted">{tr!(i18n, watch_hint)}</p>
        {check(draft, "watch-face", tr!(i18n, watch_face).into_any(), |d| d.camera.watch.face, |d, v| d.camera.watch.face = v)}
        <div class="form-grid">
            {number(draft, "watch-check", tr!(i18n, watch_check_secs).into_any(), |d| d.camera.watch.check_secs, |d, v| d.camera.watch.check_secs = v)}
            {number(draft, "watch-absent", tr!(i18n, watch_absent_secs).into_any(), |d| d.camera.watch.absent_secs, |d, v| d.camera.watch.absent_secs = v)}
            {number(draft, "watch-several", tr!(i18n, watch_several_secs).into_any(), |d| d.camera.watch.several_secs, |d, v| d.camera.watch.several_secs = v)}
            {number(draft, "watch-identity", tr!(i18n, watch_identity_secs).into_any(), |d| d.camera.watch.identity_secs, |d, v| d.camera.watch.identity_secs = v)}
            {number(draft, "watch-mismatch", tr!(i18n, watch_mismatch_at).into_any(), |d| d.camera.watch.mismatch_at, |d, v| d.camera.watch.mismatch_at = v)}
            {number(draft, "watch-mismatch-checks", tr!(i18n, watch_mismatch_checks).into_any(), |d| d.camera.watch.mismatch_checks, |d, v| d.camera.watch.mismatch_checks = v)}
        </div>
        {check(draft, "watch-prompt", tr!(i18n, watch_prompt).into_any(), |d| d.camera.watch.prompt, |d, v| d.camera.watch.prompt = v)}
        {check(draft, "watch-voice", tr!(i18n, watch_voice).into_any(), |d| d.camera.watch.voice, |d, v| d.camera.watch.voice = v)}
        <div class="form-grid">
            {number(draft, "watch-voice-secs", tr!(i18n, watch_voice_secs).into_any(), |d| d.camera.watch.voice_secs, |d, v| d.camera.watch.voice_secs = v)}
        </div>
        <p class="muted">{tr!(i18n, watch_weights_hint)}</p>
        <div class="form-grid weights">
            {number(draft, "weight-face-absent", tr!(i18n, flag_face_absent).into_any(), |d| d.camera.watch.weights.face_absent, |d, v| d.camera.watch.weights.face_absent = v)}
            {number(draft, "weight-another-person", tr!(i18n, flag_another_person).into_any(), |d| d.camera.watch.weights.another_person, |d, v| d.camera.watch.weights.another_person = v)}
            {number(draft, "weight-face-mismatch", tr!(i18n, flag_face_mismatch).into_any(), |d| d.camera.watch.weights.face_mismatch, |d, v| d.camera.watch.weights.face_mismatch = v)}
            {number(draft, "weight-noise", tr!(i18n, flag_noise).into_any(), |d| d.camera.watch.weights.noise, |d, v| d.camera.watch.weights.noise = v)}
            {number(draft, "weight-page-left", tr!(i18n, flag_page_left).into_any(), |d| d.camera.watch.weights.page_left, |d, v| d.camera.watch.weights.page_left = v)}
            {number(draft, "weight-camera", tr!(i18n, watch_weight_camera).into_any(), |d| d.camera.watch.weights.camera, |d, v| d.camera.watch.weights.camera = v)}
            {number(draft, "weight-phone-lost", tr!(i18n, flag_phone_lost).into_any(), |d| d.camera.watch.weights.phone_lost, |d, v| d.camera.watch.weights.phone_lost = v)}
            {number(draft, "weight-material", tr!(i18n, flag_material).into_any(), |d| d.camera.watch.weights.material, |d, v| d.camera.watch.weights.material = v)}
            {number(draft, "weight-left-seat", tr!(i18n, flag_left_seat).into_any(), |d| d.camera.watch.weights.left_seat, |d, v| d.camera.watch.weights.left_seat = v)}
            {number(draft, "weight-second-view", tr!(i18n, flag_second_view_wrong).into_any(), |d| d.camera.watch.weights.second_view_wrong, |d, v| d.camera.watch.weights.second_view_wrong = v)}
            {number(draft, "weight-rejected", tr!(i18n, flag_verification_rejected).into_any(), |d| d.camera.watch.weights.verification_rejected, |d, v| d.camera.watch.weights.verification_rejected = v)}
            {number(draft, "weight-other", tr!(i18n, flag_other).into_any(), |d| d.camera.watch.weights.other, |d, v| d.camera.watch.weights.other = v)}
        </div>
    }
}
