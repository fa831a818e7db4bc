//! Giving the browser's event loop a turn during long work on the page's thread (the report
//! card, adapting), so that drawing, answers and stop buttons go on meanwhile.

/// Resolves on the next turn of the event loop (in a hidden tab too, where timers wait).
pub async fn pause() {
    mnist_browser::next_turn().await;
}

/// Milliseconds since the page started.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}
