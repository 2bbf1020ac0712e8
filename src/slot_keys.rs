//! The keyboard in the slot picker. A child's grid of times (every teacher
//! row of the child's card) is one tab stop, which remembers where it was
//! left; the arrow keys move between times: left and right along a row,
//! Home and End to its ends, up and down to the same place in the previous
//! or next teacher's row of the same child. Enter or Space presses the
//! time, as any button. The times to move a booked appointment to ("Change
//! time") are a tab stop of their own.

use wasm_bindgen::JsCast as _;
use web_sys::{Element, HtmlElement, KeyboardEvent};

/// Follows a key pressed on one of a row's time buttons.
pub fn on_key(event: &KeyboardEvent) {
    let Some(button) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .filter(|t| t.has_attribute("data-start"))
    else {
        return;
    };
    let Some((list, index)) = position(&button) else {
        return;
    };
    let last = list.children().length().saturating_sub(1);
    let target = match event.key().as_str() {
        "ArrowRight" => button_at(&list, (index + 1).min(last)),
        "ArrowLeft" => button_at(&list, index.saturating_sub(1)),
        "Home" => button_at(&list, 0),
        "End" => button_at(&list, last),
        "ArrowDown" => neighbour(&list, true).and_then(|l| nearest(&l, index)),
        "ArrowUp" => neighbour(&list, false).and_then(|l| nearest(&l, index)),
        _ => return,
    };
    event.prevent_default();
    if let Some(target) = target {
        if let Some(list_of_target) = target.parent_element().and_then(|i| i.parent_element()) {
            // The grid now starts from the target when tabbed into.
            let moving = target.closest(".change-picker").ok().flatten().is_some();
            let (scope, stops) = match list_of_target.closest(".teacher-rows").ok().flatten() {
                Some(grid) if !moving => (grid, "[data-start][tabindex='0']:not(.change-picker *)"),
                _ => (list_of_target, "[data-start][tabindex='0']"),
            };
            // Each pass takes one stop away, so this ends.
            while let Ok(Some(stop)) = scope.query_selector(stops) {
                if stop.set_attribute("tabindex", "-1").is_err() {
                    break;
                }
            }
        }
        let _ = target.set_attribute("tabindex", "0");
        if let Some(target) = target.dyn_ref::<HtmlElement>() {
            let _ = target.focus();
        }
    }
}

/// The tab stop of a row drawn with `count` times: the first that can be
/// booked, else the first.
pub fn tab_stop(bookable: impl IntoIterator<Item = bool>) -> usize {
    bookable.into_iter().position(|b| b).unwrap_or(0)
}

/// A button's list and its place in it.
fn position(button: &Element) -> Option<(Element, u32)> {
    let item = button.parent_element()?;
    let list = item.parent_element()?;
    let items = list.children();
    let index = (0..items.length()).find(|i| items.item(*i).as_ref() == Some(&item))?;
    Some((list, index))
}

fn button_at(list: &Element, index: u32) -> Option<Element> {
    list.children().item(index)?.first_element_child()
}

fn nearest(list: &Element, index: u32) -> Option<Element> {
    let last = list.children().length().checked_sub(1)?;
    button_at(list, index.min(last))
}

/// The next (or previous) teacher's row of times on screen for this child.
fn neighbour(list: &Element, down: bool) -> Option<Element> {
    let mut row = list.closest(".teacher-row").ok()??;
    loop {
        row = if down {
            row.next_element_sibling()?
        } else {
            row.previous_element_sibling()?
        };
        let shown = row
            .query_selector(".slots")
            .ok()
            .flatten()
            .filter(|slots| slots.children().length() > 0)
            .filter(|slots| {
                slots
                    .dyn_ref::<HtmlElement>()
                    .is_some_and(|s| s.offset_parent().is_some())
            });
        if shown.is_some() {
            return shown;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tab_stop;

    #[test]
    fn a_rows_tab_stop_is_its_first_bookable_time() {
        assert_eq!(tab_stop([false, false, true, true]), 2);
        assert_eq!(tab_stop([false, false]), 0);
        assert_eq!(tab_stop([]), 0);
    }
}
