// The offline copy of the app. Every file the page needs to answer is cached together under one
// version, the content hash of the build (written here by scripts/stamp-service-worker.sh), so
// the page is never a mix of two builds: a new build or new weights change this file, the
// browser installs it on the next online visit, and only once all its files are in does it
// replace the previous copy.
const VERSION = 'unstamped';
const CACHE = `mnist-${VERSION}`;
const APP_FILES = [
  './', 'boot.js', 'engine-worker.js', 'mnist-web.js', 'mnist-web_bg.wasm', 'style.css', 'model/mnist-cnn.bpk',
  'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Straight from the server, not the HTTP cache, which may hold the previous build.
    await cache.addAll(APP_FILES.map((url) => new Request(url, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('mnist-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// The app's files from this version's cache; the page itself whatever its query (`?weights=`,
// `?test-limit=`). Anything else (the report card's test set) from the network, kept for
// offline use once fetched.
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (cached) return cached;
    const response = await fetch(request);
    if (response.ok && !new URL(request.url).search) cache.put(request, response.clone());
    return response;
  })());
});
