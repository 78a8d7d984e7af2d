//! `/admin/staff`: staff accounts (create, reset a password, disable) and each exam's rooms
//! (create, assign proctors, split the candidates evenly across them).
use super::AdminNav;
use crate::api::admin::{
    AssignProctor, CreateRoom, CreateStaff, ResetPassword, SetDisabled, SplitRooms, exams,
    staff_list,
};
use crate::components::error_text::ErrorText;
use crate::i18n::*;
use domain::exam_settings::ExamSummary;
use domain::staffing::StaffEntry;
use domain::{AppError, Role, StaffId};
use leptos::prelude::*;

/// The last action's error, if any.
fn failed<T, F>(a: ServerAction<F>) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: leptos::server_fn::ServerFn<Output = T, Error = AppError> + Clone + Sync + 'static,
{
    move || a.value().get().and_then(|r| r.err()).map(|err| view! { <ErrorText err /> })
}

#[component]
fn NewStaff(create: ServerAction<CreateStaff>) -> impl IntoView {
    let i18n = use_i18n();
    let (username, name, password, role) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(Role::Proctor),
    );
    let field = |id: &'static str, label: AnyView, sig: RwSignal<String>, kind: &'static str| {
        view! {
            <label><span>{label}</span>
                <input id=id type=kind prop:value=move || sig.get() on:input=move |ev| sig.set(event_target_value(&ev)) />
            </label>
        }
    };
    view! {
        <form class="card inline-form" on:submit=move |ev| {
            ev.prevent_default();
            create.dispatch(CreateStaff { username: username.get_untracked(), display_name: name.get_untracked(), role: role.get_untracked(), password: password.get_untracked() });
        }>
            {field("staff-username", tr!(i18n, username_label).into_any(), username, "text")}
            {field("staff-name", tr!(i18n, staff_display_name).into_any(), name, "text")}
            <label><span>{tr!(i18n, staff_role)}</span>
                <select id="staff-role" on:change=move |ev| role.set(if event_target_value(&ev) == "admin" { Role::Admin } else { Role::Proctor })>
                    <option value="proctor">{tr!(i18n, role_proctor)}</option>
                    <option value="admin">{tr!(i18n, role_admin)}</option>
                </select>
            </label>
            {field("staff-password", tr!(i18n, password_label).into_any(), password, "password")}
            <button class="primary" type="submit" id="staff-create">{tr!(i18n, staff_create)}</button>
        </form>
        {failed(create)}
    }
}

#[component]
fn StaffRow(
    s: StaffEntry,
    reset: ServerAction<ResetPassword>,
    disable: ServerAction<SetDisabled>,
) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let (id, disabled) = (s.id, s.disabled);
    let rooms = s.rooms.iter().map(|r| format!("{} {}", r.2, r.3)).collect::<Vec<_>>().join(", ");
    view! {
        <tr data-staff=s.username.clone() class:disabled=disabled>
            <td><strong>{s.username.clone()}</strong><br /><span class="muted">{s.display_name.clone()}</span></td>
            <td>{match s.role { Role::Admin => tr!(i18n, role_admin).into_any(), Role::Proctor => tr!(i18n, role_proctor).into_any() }}</td>
            <td>{rooms}</td>
            <td>{if disabled { tr!(i18n, staff_disabled).into_any() } else { tr!(i18n, staff_active).into_any() }}</td>
            <td class="row">
                <input type="password" class="small-input" placeholder=move || t_string!(i18n, staff_new_password).to_string()
                    prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
                <button on:click=move |_| { reset.dispatch(ResetPassword { staff: id, password: password.get_untracked() }); password.set(String::new()); }>
                    {tr!(i18n, staff_reset)}
                </button>
                <button class="ghost" on:click=move |_| { disable.dispatch(SetDisabled { staff: id, disabled: !disabled }); }>
                    {if disabled { tr!(i18n, staff_enable).into_any() } else { tr!(i18n, staff_disable).into_any() }}
                </button>
            </td>
        </tr>
    }
}

#[component]
fn ExamRooms(
    e: ExamSummary,
    proctors: Vec<StaffEntry>,
    room: ServerAction<CreateRoom>,
    assign: ServerAction<AssignProctor>,
    split: ServerAction<SplitRooms>,
) -> impl IntoView {
    let i18n = use_i18n();
    let exam = e.id;
    let name = RwSignal::new(String::new());
    view! {
        <section class="card exam-rooms" data-exam=e.code.clone()>
            <h2>{e.code.clone()} " · " {e.title.clone()}</h2>
            <ul class="room-assign">
                {e.rooms.iter().map(|(rid, rname, count)| {
                    let rid = *rid;
                    let assigned: Vec<(StaffId, String)> = proctors.iter()
                        .filter(|p| p.rooms.iter().any(|r| r.0 == rid))
                        .map(|p| (p.id, p.username.clone())).collect();
                    let free: Vec<(StaffId, String)> = proctors.iter()
                        .filter(|p| !p.disabled && !p.rooms.iter().any(|r| r.0 == rid))
                        .map(|p| (p.id, p.username.clone())).collect();
                    let pick = RwSignal::new(free.first().map(|f| f.0));
                    let pick_room = rname.clone();
                    let count = *count;
                    view! {
                        <li data-room=rname.clone()>
                            <strong>{rname.clone()}</strong> " "
                            <span class="muted">{t!(i18n, room_candidates, count = move || count)}</span>
                            <span class="chips">
                                {assigned.into_iter().map(|(sid, user)| {
                                    let (who, room) = (user.clone(), rname.clone());
                                    // An attribute: filled in by hand (the catalogue's single braces are literal).
                                    let label = move || t_string!(i18n, room_unassign_label).replace("{user}", &who).replace("{room}", &room);
                                    view! {
                                        <span class="chip">{user}
                                            <button class="link" aria-label=label.clone() title=label on:click=move |_| { assign.dispatch(AssignProctor { room: rid, staff: sid, assigned: false }); }>"×"</button>
                                        </span>
                                    }
                                }).collect_view()}
                            </span>
                            {(!free.is_empty()).then(|| view! {
                                <select aria-label=move || t_string!(i18n, room_assign_pick).replace("{room}", &pick_room)
                                    on:change=move |ev| pick.set(event_target_value(&ev).parse::<i64>().ok().map(StaffId))>
                                    {free.iter().map(|(sid, user)| view! { <option value=sid.0.to_string()>{user.clone()}</option> }).collect_view()}
                                </select>
                                <button on:click=move |_| { if let Some(sid) = pick.get_untracked() { assign.dispatch(AssignProctor { room: rid, staff: sid, assigned: true }); } }>
                                    {tr!(i18n, room_assign)}
                                </button>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="row">
                <input type="text" class="small-input" placeholder=move || t_string!(i18n, room_new_name).to_string()
                    prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                <button on:click=move |_| { room.dispatch(CreateRoom { exam, name: name.get_untracked() }); name.set(String::new()); }>
                    {tr!(i18n, room_create)}
                </button>
                <button class="ghost" on:click=move |_| { split.dispatch(SplitRooms { exam, rooms: Vec::new() }); }>
                    {tr!(i18n, room_split)}
                </button>
            </div>
        </section>
    }
}

#[component]
pub fn StaffPage() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateStaff>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let disable = ServerAction::<SetDisabled>::new();
    let room = ServerAction::<CreateRoom>::new();
    let assign = ServerAction::<AssignProctor>::new();
    let split = ServerAction::<SplitRooms>::new();
    let changed = move || (create.version().get(), reset.version().get(), disable.version().get());
    let room_changed = move || {
        (
            room.version().get(),
            assign.version().get(),
            split.version().get(),
            create.version().get(),
            disable.version().get(),
        )
    };
    let staff = Resource::new(changed, |_| staff_list());
    let exam_list = Resource::new(room_changed, |_| exams());
    let staff_for_rooms = Resource::new(room_changed, |_| staff_list());
    let done = move || {
        reset.value().get().and_then(|r| r.ok()).map(
            |_| view! { <p class="notice ok" role="status">{tr!(i18n, staff_password_set)}</p> },
        )
    };
    view! {
        <section class="page">
            <AdminNav />
            <div class="page-head">
                <div>
                    <h1>{tr!(i18n, staff_title)}</h1>
                    <p class="muted">{tr!(i18n, staff_intro)}</p>
                </div>
            </div>
            <NewStaff create />
            {failed(reset)}
            {failed(disable)}
            {done}
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || staff.get().map(|r| crate::pages::staff_view(r, |list| view! {
                    <table class="data-table staff-table" id="staff-table">
                        <thead><tr>
                            <th>{tr!(i18n, username_label)}</th>
                            <th>{tr!(i18n, staff_role)}</th>
                            <th>{tr!(i18n, admin_exam_rooms)}</th>
                            <th>{tr!(i18n, staff_status)}</th>
                            <th></th>
                        </tr></thead>
                        <tbody>{list.into_iter().map(|s| view! { <StaffRow s reset disable /> }).collect_view()}</tbody>
                    </table>
                }.into_any()))}
            </Suspense>
            <h2 class="section-title">{tr!(i18n, rooms_title_admin)}</h2>
            {failed(room)}
            {failed(assign)}
            {failed(split)}
            <Suspense fallback=move || view! { <p class="muted">{tr!(i18n, loading)}</p> }>
                {move || match (exam_list.get(), staff_for_rooms.get()) {
                    (Some(Ok(list)), Some(Ok(staff))) => {
                        let proctors: Vec<StaffEntry> = staff.into_iter().filter(|s| s.role == Role::Proctor).collect();
                        list.into_iter().filter(|e| !e.archived).map(|e| {
                            let proctors = proctors.clone();
                            view! { <ExamRooms e proctors room assign split /> }
                        }).collect_view().into_any()
                    }
                    (Some(Err(err)), _) | (_, Some(Err(err))) => crate::pages::staff_view::<()>(Err(err), |_| ().into_any()),
                    _ => ().into_any(),
                }}
            </Suspense>
        </section>
    }
}
