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
// A new build, installed beside this one, waits for this page to close; the page offers to
// switch now (`body[data-update="ready"]`, the "Update ready — reload" button).
const offerUpdate = (registration) => {
  const button = document.querySelector('#update');
  document.body.setAttribute('data-update', 'ready');
  button.hidden = false;
  button.onclick = () => {
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload());
    registration.waiting?.postMessage('activate');
  };
};
const watchUpdates = (registration) => {
  const installed = () => registration.waiting && navigator.serviceWorker.controller && offerUpdate(registration);
  installed();
  registration.addEventListener('updatefound', () => {
    registration.installing?.addEventListener('statechange', installed);
  });
};
// The first visit's page was loaded before the offline copy existed: it asks the copy to serve
// it, which the copy does only if it is of this page's build (`meta[name=build]`).
const claim = (registration) => {
  const build = document.querySelector('meta[name="build"]')?.content;
  if (!navigator.serviceWorker.controller && build) registration.active?.postMessage({ claim: build });
};
if ('serviceWorker' in navigator) {
  settled()
    .then(() => navigator.serviceWorker.register('sw.js'))
    .then((registration) => { watchUpdates(registration); return navigator.serviceWorker.ready; })
    .then((registration) => { claim(registration); offline('ready'); })
    .catch((e) => { offline('unavailable'); console.warn('no offline copy:', e.message); });
} else {
  offline('unavailable');
}
