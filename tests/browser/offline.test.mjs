// Offline and installable, in headless Chromium: after one visit the page loads, gets ready and
// recognises a drawing with its server gone; a new build with new weights replaces the offline
// copy whole on the next online visit; the manifest makes it an installable app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
const version = () => readFileSync(join(dir, 'sw.js'), 'utf8').match(/^const VERSION = '(\w+)';/m)[1];

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
    // This visit is served by the old copy while the new one installs, whole, beside it ...
    await page.reload();
    await settled(page);
    assert.equal((await body(page)).checksum, online.checksum);
    const wanted = JSON.stringify([`mnist-${version()}`]);
    for (let i = 0; JSON.stringify(await cacheNames(page)) !== wanted; i++) {
      assert.ok(i < 600, `the new copy never replaced the old: ${await cacheNames(page)}`);
      await page.waitForTimeout(100);
    }
    // ... and the next one runs the new build and its weights, offline too.
    await page.reload();
    await settled(page);
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
