//! Installable-app support: registers the service worker that keeps the app
//! shell for offline starts (it never caches the API).

use wasm_bindgen::JsValue;

/// Registers `/sw.js` where the browser supports service workers (secure
/// contexts only: HTTPS, or localhost in development).
pub fn register_service_worker() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let navigator = window.navigator();
    let supported =
        js_sys::Reflect::has(&navigator, &JsValue::from_str("serviceWorker")).unwrap_or(false);
    if supported {
        // Failure only means no offline start; the app works regardless.
        let _ = navigator.service_worker().register("/sw.js");
    }
}
