// Shared by the browser tests and the browser benchmark: a static server for the release
// build (recording every request) and Debian's headless Chromium with WebGPU on SwiftShader.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = process.env.DIST_DIR ?? join(ROOT, 'dist');
export const DATA = process.env.MNIST_DATA ?? join(ROOT, 'data');
// The trainer of the build cache every script uses (scripts/build-env.sh).
export const TRAINER = process.env.TRAINER_BIN ?? join(process.env.CARGO_TARGET_DIR
  ?? join(homedir(), '.cache', 'mnist-web', 'target'), 'release', 'trainer');
export const WEIGHTS = join(ROOT, 'web', 'model', 'mnist-cnn.bpk');

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.bpk': 'application/octet-stream', '.json': 'application/json',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json',
};

/**
 * Serves `root` (default `DIST`) on `port` of the loopback (default: a free one); `extra` maps
 * URL paths to bodies (Buffer or null for 404). `close` drops open connections too: the site is
 * then offline.
 */
export async function serve(extra = {}, { root = DIST, port = 0 } = {}) {
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push(req.url);
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path in extra) {
      if (extra[path] === null) { res.writeHead(404).end('not found'); return; }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      res.end(extra[path]);
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? path + 'index.html' : path));
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const close = () => new Promise((ok) => { server.close(ok); server.closeAllConnections(); });
  return { url, port: server.address().port, requests, close };
}

const COMMON_FLAGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-gpu-sandbox',
];
const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
];

/** Headless Chromium from Debian, with WebGPU on SwiftShader unless `webgpu` is false. */
export async function launch({ webgpu = true } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...COMMON_FLAGS, ...(webgpu ? WEBGPU_FLAGS : ['--disable-features=WebGPU'])],
  });
}

/**
 * Opens the app and waits until it has settled: in error, or ready with WebGPU either answering
 * or given up on (the page answers on the CPU while WebGPU starts). `window.__states` records
 * each change of `body[data-state/backend/webgpu]`. `engine` ('auto', 'webgpu' or 'cpu'), when
 * given, is put in the page's storage as if chosen in `select#engine` on an earlier visit.
 * Returns the page.
 */
export async function openApp(browser, url, { engine } = {}) {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
  if (engine) await chooseEngine(page, engine);
  await page.addInitScript(() => {
    window.__states = [];
    new MutationObserver(() => {
      const { state, backend, webgpu } = document.body.dataset;
      window.__states.push({ state, backend, webgpu });
    }).observe(document, { subtree: true, attributeFilter: ['data-state', 'data-backend', 'data-webgpu'] });
  });
  await page.goto(url);
  await settled(page);
  return page;
}

/** Makes every later load of `page` (or a context's pages) start with `engine` chosen. */
export async function chooseEngine(pageOrContext, engine) {
  await pageOrContext.addInitScript((e) => localStorage.setItem('mnist-engine', e), engine);
}

/** Waits until the page is in error, or ready and no longer waiting for WebGPU. */
export async function settled(page, { timeout = 180_000 } = {}) {
  await page.waitForFunction(() => {
    const { state, webgpu } = document.body.dataset;
    return state === 'error' || (state === 'ready' && webgpu !== 'starting');
  }, null, { timeout });
}

/** The pad's box in the viewport, scrolled into view first (pointer events outside the
 * viewport reach nothing). */
export async function padBox(page) {
  const pad = page.locator('canvas#pad');
  await pad.scrollIntoViewIfNeeded();
  return pad.boundingBox();
}

/** Draws `strokes` (arrays of [x, y] in 0..1 of `box`) with real mouse events. */
export async function draw(page, strokes, box) {
  for (const stroke of strokes) {
    const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
    const [x0, y0] = at(stroke[0]);
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (const p of stroke.slice(1)) {
      const [x, y] = at(p);
      await page.mouse.move(x, y, { steps: 2 });
    }
    await page.mouse.up();
  }
}

/** Waits until the shown answer is for the current drawing, and returns it. */
export async function answer(page) {
  await page.waitForFunction(() => document.querySelector('#prediction').dataset.busy === 'false',
    null, { timeout: 60_000 });
  return page.evaluate(() => {
    const p = document.querySelector('#prediction').dataset;
    const bars = [...document.querySelectorAll('#probabilities [data-digit]')].map((b) => Number(b.dataset.p));
    return { digit: p.digit, confidence: Number(p.confidence), sure: p.sure, unlike: p.unlike, bars };
  });
}

/** Inputs and native logits of the first `count` MNIST test images, from the trainer. */
export function nativeLogits(count) {
  const out = execFileSync(TRAINER, ['logits', '--weights', WEIGHTS, '--data', DATA, '--count', String(count)],
    { maxBuffer: 64 << 20 });
  return JSON.parse(out.toString());
}
