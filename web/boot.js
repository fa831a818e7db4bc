// Starts the app. A file of its own rather than Trunk's inline loader, so that the page's
// Content-Security-Policy can forbid inline script.
import init, * as bindings from './mnist-web.js';

// The wasm exports (e.g. `classify`), for the browser tests.
window.wasmBindings = bindings;
await init({ module_or_path: new URL('mnist-web_bg.wasm', import.meta.url) });
