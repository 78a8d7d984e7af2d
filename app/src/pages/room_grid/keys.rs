//! Keyboard navigation across the grid's tiles: arrow keys move the focus (up and down by a
//! row of `per_row` tiles), Home and End go to the first and last, Enter opens the focused
//! candidate.
#[cfg(feature = "hydrate")]
use domain::grid::grid_key_target;
use leptos::ev::KeyboardEvent;

/// The grid's keydown handler.
pub fn on_grid_key(ev: &KeyboardEvent, per_row: u8) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use web_sys::HtmlElement;
        let Some(grid) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        let Some(active) =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element())
        else {
            return;
        };
        // Keys typed into a control inside a tile are the control's.
        if !active.class_list().contains("tile") {
            return;
        }
        if ev.key() == "Enter" {
            if let Some(href) = active.get_attribute("data-href") {
                ev.prevent_default();
                crate::pages::go_to(&href);
            }
            return;
        }
        let Ok(list) = grid.query_selector_all(".tile") else {
            return;
        };
        let tiles: Vec<HtmlElement> =
            (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect();
        let Some(at) = tiles.iter().position(|t| {
            let e: &web_sys::Element = t.as_ref();
            e == &active
        }) else {
            return;
        };
        if let Some(to) = grid_key_target(&ev.key(), at, tiles.len(), usize::from(per_row)) {
            ev.prevent_default();
            let _ = tiles[to].focus();
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, per_row);
}
