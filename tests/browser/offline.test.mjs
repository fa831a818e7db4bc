// Offline and installable, in headless Chromium: after one visit the page loads, gets ready and
// recognises a drawing with its server gone; a new build with new weights installs beside the
// offline copy, is offered ("Update ready — reload") and replaces it whole; a page open when the
// server moves to a new build keeps teaching and testing on its own; the manifest makes it an
// installable app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, settled, padBox, draw, answer, DIST, ROOT, TRAINER, WEIGHTS } from './harness.mjs';

let browser;
let dir;

before(async () => {
  browser = await launch();
  // A build of our own, so that a "new build" can be made without touching dist/.
  dir = mkdtempSync(join(tmpdir(), 'mnist-offline-'));
  cpSync(DIST, dir, { recursive: true });
});

after(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const body = (page) => page.evaluate(() => ({ ...document.body.dataset, checksum: document.querySelector('#model-info').dataset.checksum }));
const cacheNames = (page) => page.evaluate(() => caches.keys());
const version = (build = dir) => readFileSync(join(build, 'sw.js'), 'utf8').match(/^const VERSION = '(\w+)';/m)[1];
/** The build a page runs (stamped with its service worker's version). */
const build = (page) => page.evaluate(() => document.querySelector('meta[name="build"]')?.content);

async function drawOne(page) {
  await page.click('button#clear');
  await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(page));
  return (await answer(page)).digit;
}

test('after one visit the page works offline, and a new build replaces the offline copy whole', async () => {
  let server = await serve({}, { root: dir });
  const { port } = server;
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
  await page.goto(server.url);
  await settled(page);
  await page.waitForFunction(() => document.body.dataset.offline === 'ready' && navigator.serviceWorker.controller);
  const online = await body(page);
  assert.deepEqual(await cacheNames(page), [`mnist-${version()}`]);

  // The server is gone: the page still loads, gets ready and answers.
  await server.close();
  await page.reload();
  await settled(page);
  const offline = await body(page);
  assert.equal(offline.state, 'ready', await page.locator('#error-message').textContent());
  assert.equal(offline.checksum, online.checksum);
  assert.equal(await drawOne(page), '1');

  // A new build with new weights (the same network stored as f16: other bytes, other checksum).
  const oldVersion = version();
  execFileSync(TRAINER, ['convert', '--weights', WEIGHTS, '--precision', 'f16', '--out', join(dir, 'model', 'mnist-cnn.bpk')]);
  execFileSync('sh', [join(ROOT, 'scripts', 'stamp-service-worker.sh'), dir]);
  assert.notEqual(version(), oldVersion);
  server = await serve({}, { root: dir, port });
  try {
    // This visit is served by the old copy while the new one installs, whole, beside it, and
    // is then offered ...
    await page.reload();
    await settled(page);
    assert.equal((await body(page)).checksum, online.checksum);
    await page.waitForFunction(() => document.body.dataset.update === 'ready', null, { timeout: 60_000 });
    assert.equal((await cacheNames(page)).length, 2, 'the new copy waits beside the old');
    // ... and taken: the page reloads into the new build and its weights, offline too.
    await Promise.all([page.waitForNavigation(), page.click('#update')]);
    await settled(page);
    assert.deepEqual(await cacheNames(page), [`mnist-${version()}`]);
    const updated = await body(page);
    assert.equal(updated.state, 'ready');
    assert.notEqual(updated.checksum, online.checksum);
    await server.close();
    await page.reload();
    await settled(page);
    assert.equal((await body(page)).checksum, updated.checksum);
    assert.equal(await drawOne(page), '1');
  } finally {
    await server.close();
    await context.close();
  }
});

test('a page open when the server moves to a new build teaches and tests on the build it started with', async () => {
  // Build A, served and opened; its offline copy holds every file it may fetch later.
  const own = mkdtempSync(join(tmpdir(), 'mnist-builds-'));
  cpSync(DIST, own, { recursive: true });
  let server = await serve({}, { root: own });
  const { port } = server;
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
    await page.goto(`${server.url}?test-limit=300`);
    await settled(page);
    await page.waitForFunction(() => document.body.dataset.offline === 'ready' && navigator.serviceWorker.controller);
    const buildA = await build(page);

    // Build B: other weights, and a teaching worker and test set that A could not use (had A
    // fetched them from the server, teaching and the report card would fail).
    await server.close();
    execFileSync(TRAINER, ['convert', '--weights', WEIGHTS, '--precision', 'f16', '--out', join(own, 'model', 'mnist-cnn.bpk')]);
    writeFileSync(join(own, 'mnist-teach_bg.wasm'), 'not the teaching worker of build A');
    writeFileSync(join(own, 'testset', 't10k-images-idx3-ubyte.gz'), 'not the test set of build A');
    execFileSync('sh', [join(ROOT, 'scripts', 'stamp-service-worker.sh'), own]);
    server = await serve({}, { root: own, port });

    await page.click('#teach summary');
    await page.click('#clear');
    await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(page));
    await answer(page);
    await page.click('button[data-teach="1"]');
    await page.click('#adapt');
    await page.waitForFunction(() => document.body.dataset.adapt !== 'running', null, { timeout: 300_000 });
    assert.equal(await page.evaluate(() => document.body.dataset.adapt), 'done', await page.textContent('#teach-message'));
    await page.click('#report-card summary');
    await page.click('#run-test-set');
    await page.waitForFunction(() => ['done', 'error'].includes(document.querySelector('#report').dataset.state), null, { timeout: 300_000 });
    assert.equal(await page.evaluate(() => document.querySelector('#report').dataset.state), 'done', await page.textContent('#report-summary'));
    assert.equal(await build(page), buildA);

    // Once the page of build A has closed, the next load is build B.
    await page.close();
    const next = await context.newPage();
    for (let i = 0; i < 20 && await build(next) !== version(own); i++) {
      await next.goto(server.url);
      await settled(next);
    }
    assert.equal(await build(next), version(own), 'the next load runs build B');
  } finally {
    await context.close();
    await server.close();
    rmSync(own, { recursive: true, force: true });
  }
});

test('the page is an installable app: a manifest with name, icons and theme', async () => {
  const server = await serve({}, { root: dir });
  const page = await browser.newPage();
  try {
    await page.goto(server.url);
    await settled(page);
    const href = await page.evaluate(() => document.querySelector('link[rel=manifest]').href);
    const manifest = await page.evaluate((u) => fetch(u).then((r) => r.json()), href);
    assert.ok(manifest.name && manifest.short_name, JSON.stringify(manifest));
    assert.equal(manifest.display, 'standalone');
    assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/i);
    const sizes = manifest.icons.map((i) => i.sizes);
    assert.ok(sizes.includes('192x192') && sizes.includes('512x512'), sizes.join());
    for (const icon of manifest.icons) {
      const ok = await page.evaluate((u) => fetch(u).then((r) => r.ok && r.headers.get('content-type')), new URL(icon.src, href).href);
      assert.ok(ok, icon.src);
    }
    // Chromium's own verdict on installability; a test browser's profile is incognito, which
    // alone keeps it from installing anything.
    const cdp = await page.context().newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors.map((e) => e.errorId).filter((id) => id !== 'in-incognito'), []);
  } finally {
    await page.close();
    await server.close();
  }
});

test('without storage for the offline copy the page works online as before', async () => {
  const server = await serve({}, { root: dir });
  const page = await browser.newPage();
  try {
    await page.addInitScript(() => {
      Object.defineProperty(ServiceWorkerContainer.prototype, 'register', {
        value: () => Promise.reject(new DOMException('storage is blocked', 'SecurityError')),
      });
    });
    await page.goto(server.url);
    await settled(page);
    await page.waitForFunction(() => document.body.dataset.offline === 'unavailable');
    assert.equal((await body(page)).state, 'ready');
    assert.equal(await drawOne(page), '1');
  } finally {
    await page.close();
    await server.close();
  }
});
