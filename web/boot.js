// Starts the app. A file of its own rather than Trunk's inline loader, so that the page's
// Content-Security-Policy can forbid inline script.
import init, * as bindings from './mnist-web.js';

// The wasm exports (e.g. `classify`), for the browser tests.
window.wasmBindings = bindings;
await init({ module_or_path: new URL('mnist-web_bg.wasm', import.meta.url) });

// The offline copy (web/sw.js). Without it (no support, storage blocked, private mode) the page
// works online as before; `body[data-offline]` says which.
const offline = (state) => document.body.setAttribute('data-offline', state);
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('sw.js')
    .then(() => navigator.serviceWorker.ready)
    .then(() => offline('ready'))
    .catch((e) => { offline('unavailable'); console.warn('no offline copy:', e.message); });
} else {
  offline('unavailable');
}
