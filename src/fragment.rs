//! One-time codes arrive in a link's fragment (`#code=…`): browsers never
//! send the fragment to a server, so the code reaches no log. The page reads
//! it, then removes it from the address bar.

/// The `code` in the page's fragment, removed from the address at once.
pub fn take_code() -> Option<String> {
    let window = web_sys::window()?;
    let hash = window.location().hash().ok()?;
    let code = hash
        .trim_start_matches('#')
        .split('&')
        .find_map(|pair| pair.strip_prefix("code="))
        .map(str::to_owned)
        .filter(|code| !code.is_empty())?;
    if let Ok(history) = window.history() {
        let path = window.location().pathname().unwrap_or_default();
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
    Some(code)
}
