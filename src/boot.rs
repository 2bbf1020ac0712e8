//! Starting a build: the plain-HTML placeholder `index.html` paints while the
//! wasm loads (`#boot`) gives way to the app in the same frame.

use leptos::prelude::*;

/// Mounts `app` on the body in place of the loading placeholder.
pub fn mount<F, N>(app: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView,
{
    console_error_panic_hook::set_once();
    if let Some(placeholder) = document().get_element_by_id("boot") {
        placeholder.remove();
    }
    leptos::mount::mount_to_body(app);
}
