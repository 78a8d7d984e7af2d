//! The PC camera from "first view on" until the exam screen: a small self-view in the corner
//! whose frames go to the proctors, and a notice when the server sees a camera problem.
use crate::components::camera::{CameraHandle, CameraView};
use crate::i18n::*;
use crate::live::candidate_socket::CandidateSocket;
use crate::live::frame_sender::use_frame_sender;
use domain::View;
use domain::camera::CameraProblem;
use leptos::prelude::*;

#[component]
pub fn CameraDock() -> impl IntoView {
    let i18n = use_i18n();
    let socket = expect_context::<CandidateSocket>();
    let camera = CameraHandle::new();
    let stats = use_frame_sender(socket, camera);
    view! {
        <aside class="self-view camera-dock" data-sent=move || stats.get().to_string()
            aria-label=move || t_string!(i18n, cam_dock_label).to_string()>
            <CameraView camera />
            <p class="self-view-note">{tr!(i18n, cam_live_note)}</p>
        </aside>
    }
}

/// The server's view of this page's camera, when something is wrong with it.
#[component]
pub fn CameraProblemNotice(socket: CandidateSocket) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        socket.problem.get().map(|p| {
            let text = match (socket.view, p) {
                (View::Pc, CameraProblem::Black) => tr!(i18n, cam_problem_black_pc).into_any(),
                (View::Pc, CameraProblem::Frozen) => tr!(i18n, cam_problem_frozen_pc).into_any(),
                (View::Phone, CameraProblem::Black) => tr!(i18n, cam_problem_black_phone).into_any(),
                (View::Phone, CameraProblem::Frozen) => tr!(i18n, cam_problem_frozen_phone).into_any(),
            };
            view! { <p class="notice bad camera-problem" role="alert" data-problem=format!("{p:?}")>{text}</p> }
        })
    }
}

/// "We cannot see your face", while the face checks see no face (when the exam prompts).
#[component]
pub fn FacePromptNotice(socket: CandidateSocket) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        socket.face_prompt.get().then(|| {
            view! { <p class="notice bad face-prompt" id="face-prompt" role="alert">{tr!(i18n, face_prompt)}</p> }
        })
    }
}
