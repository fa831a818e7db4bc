// The offline copy of the app, and the guarantee that a visit never mixes two builds. Every file
// of a build is cached together under one version, the content hash of the build (written here
// by scripts/stamp-service-worker.sh): what the page needs to answer, and what it fetches later
// (the teaching worker, its replay digits, the report card's test set), and the training
// digits once a visit has fetched them (9.9 MB that only training needs: not fetched ahead,
// kept when fetched, so that training works offline afterwards). A new build installs
// beside the copy in use and waits: pages already open keep being served the build they
// started with, from its own cache, even after the server has moved on. It takes over when
// every page of the old build has closed, or at once when a page asks (its "Update ready —
// reload" button), and only then is the old copy deleted.
const VERSION = 'unstamped';
const CACHE = `mnist-${VERSION}`;
const APP_FILES = [
  './', 'boot.js', 'engine-worker.js', 'mnist-web.js', 'mnist-web_bg.wasm', 'style.css', 'model/mnist-cnn.bpk',
  'manifest.webmanifest', 'icons/icon.svg', 'icons/icon-192.png', 'icons/icon-512.png',
];
// Kept when first fetched, then served from the cache like the rest.
const ON_DEMAND = ['train/train-images-idx3-ubyte.gz', 'train/train-labels-idx1-ubyte.gz'];
const LATER_FILES = [
  'mnist-teach_loader.js', 'mnist-teach.js', 'mnist-teach_bg.wasm',
  'replay/replay-images-idx3-ubyte.gz', 'replay/replay-labels-idx1-ubyte.gz',
  'testset/t10k-images-idx3-ubyte.gz', 'testset/t10k-labels-idx1-ubyte.gz',
];

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // Straight from the server, not the HTTP cache, which may hold the previous build.
    await cache.addAll([...APP_FILES, ...LATER_FILES].map((url) => new Request(url, { cache: 'reload' })));
  })());
});

// A page of the previous build asks to switch ("Update ready — reload"): take over now. A page
// of this very build, loaded before this copy was in, asks to be served by it (pages of any
// other build are never taken over).
self.addEventListener('message', (event) => {
  if (event.data === 'activate') self.skipWaiting();
  if (event.data?.claim === VERSION) event.waitUntil(self.clients.claim());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('mnist-') && name !== CACHE) await caches.delete(name);
    }
  })());
});

// This build's files from its cache; the page itself whatever its query (`?weights=`,
// `?test-limit=`). Anything else from the network (the training digits, and the pages of the
// documentation and source under source/, then kept).
self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    const cached = await cache.match(request, { ignoreSearch: request.mode === 'navigate' });
    if (cached) return cached;
    const response = await fetch(request);
    const { pathname } = new URL(request.url);
    const kept = ON_DEMAND.includes(pathname.split('/').slice(-2).join('/')) || pathname.includes('/source/');
    if (response.ok && kept) event.waitUntil(cache.put(request, response.clone()));
    return response;
  })());
});
