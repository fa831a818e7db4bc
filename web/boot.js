// Starts the app. A file of its own rather than Trunk's inline loader, so that the page's
// Content-Security-Policy can forbid inline script.
import init, * as bindings from './mnist-web.js';

// The wasm exports (e.g. `classify`), for the browser tests.
window.wasmBindings = bindings;
await init({ module_or_path: new URL('mnist-web_bg.wasm', import.meta.url) });

// The offline copy (web/sw.js), registered once the page has settled on its engine: installing
// it downloads the page's files again, which would otherwise compete with the start-up. Without
// it (no support, storage blocked, private mode) the page works online as before;
// `body[data-offline]` says which.
const offline = (state) => document.body.setAttribute('data-offline', state);
const settled = () => new Promise((resolve) => {
  const check = () => {
    const { state, webgpu } = document.body.dataset;
    if (state === 'error' || (state === 'ready' && webgpu !== 'starting')) {
      observer.disconnect();
      resolve();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { attributeFilter: ['data-state', 'data-webgpu'] });
  check();
});
if ('serviceWorker' in navigator) {
  settled()
    .then(() => navigator.serviceWorker.register('sw.js'))
    .then(() => navigator.serviceWorker.ready)
    .then(() => offline('ready'))
    .catch((e) => { offline('unavailable'); console.warn('no offline copy:', e.message); });
} else {
  offline('unavailable');
}
