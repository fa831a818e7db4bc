// The release build in real headless Chromium (WebGPU on SwiftShader), driven with real
// pointer events: readiness (the CPU first, then the faster engine by measurement, or the one
// chosen), recognition of drawn digits, undo/clear, parity with the native model on WebGPU,
// the CPU fallback, the engine worker and the page's own thread where it fails, and the error
// state for bad weights.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serve, launch, openApp, chooseEngine, settled, padBox, draw, answer, nativeLogits, DATA, WEIGHTS } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place } from './strokes.mjs';
import { greyPng, pngBomb } from './png.mjs';

let page;
const app = servedApp({}, async ({ browser, server }) => {
  // WebGPU chosen: the tests below then check the WebGPU engine (on auto SwiftShader loses).
  page = await openApp(browser, server.url, { engine: 'webgpu' });
});

/** Where the page stands and which engines it has: `body[data-state/backend/webgpu]`. */
const engines = (p) => p.evaluate(() => { const { state, backend, webgpu } = document.body.dataset; return { state, backend, webgpu }; });

test('the page answers on the CPU at once, then on the faster engine, timed on both', async () => {
  const p = await openApp(app.browser, app.server.url);
  const body = await p.evaluate(() => ({ ...document.body.dataset }));
  assert.equal(body.state, 'ready', await p.locator('#error-message').textContent());
  assert.equal(body.webgpu, 'ready');
  const engine = await p.evaluate(() => ({ value: document.querySelector('#engine').value, ...document.querySelector('#engine').dataset }));
  assert.equal(engine.value, 'auto');
  const [cpuMs, webgpuMs] = [Number(engine.cpuMs), Number(engine.webgpuMs)];
  assert.ok(cpuMs > 0 && webgpuMs > 0, JSON.stringify(engine));
  const faster = webgpuMs < cpuMs ? 'webgpu' : 'cpu';
  assert.equal(body.backend, faster, JSON.stringify(engine));
  assert.match(await p.locator('#status').textContent(), /the faster engine here \(\d+ ms an answer/);
  assert.equal(body.thread, 'worker', 'the network runs in the engine worker');
  const states = (await p.evaluate(() => window.__states)).map(({ state, backend, webgpu }) => `${state}/${backend}/${webgpu}`);
  const ready = states.filter((s) => s.startsWith('ready/'));
  assert.deepEqual([...new Set(ready)], ['ready/cpu/starting', `ready/${faster}/ready`], states.join(' → '));
  assert.equal(await p.locator('#probabilities > [data-digit]').count(), 10);
  const preview = await p.evaluate(() => [document.querySelector('canvas#preview').width, document.querySelector('canvas#preview').height]);
  assert.deepEqual(preview, [28, 28]);
  await p.close();
});

test('the engine menu forces an engine, is remembered on the device, and auto times again', async () => {
  const context = await app.browser.newContext();
  const p = await context.newPage();
  await p.goto(app.server.url);
  await settled(p);
  const box = await padBox(p);
  for (const engine of ['cpu', 'webgpu']) {
    await p.selectOption('#engine', engine);
    await p.waitForFunction((e) => document.body.dataset.backend === e, engine);
    assert.match(await p.locator('#status').textContent(), /chosen in the engine menu/);
    await p.click('button#clear');
    await draw(p, [[[0.5, 0.15], [0.5, 0.85]]], box);
    assert.equal((await answer(p)).digit, '1', engine);
  }
  await p.reload();
  await settled(p);
  assert.equal(await p.evaluate(() => document.querySelector('#engine').value), 'webgpu');
  assert.equal(await p.evaluate(() => document.body.dataset.backend), 'webgpu');
  await p.evaluate(() => document.querySelector('#engine').removeAttribute('data-cpu-ms'));
  await p.selectOption('#engine', 'auto');
  await p.waitForFunction(() => document.querySelector('#engine').dataset.cpuMs, null, { timeout: 60_000 });
  await p.waitForFunction(() => /faster engine/.test(document.querySelector('#status').textContent));
  const { cpuMs, webgpuMs } = await p.evaluate(() => ({ ...document.querySelector('#engine').dataset }));
  assert.equal(await p.evaluate(() => document.body.dataset.backend), Number(webgpuMs) < Number(cpuMs) ? 'webgpu' : 'cpu');
  await context.close();
});

test('a digit drawn while WebGPU starts is answered on the CPU', async () => {
  const p = await app.browser.newPage();
  await chooseEngine(p, 'webgpu');
  await p.addInitScript(() => {
    window.__answers = [];
    addEventListener('DOMContentLoaded', () => new MutationObserver(() => {
      const digit = document.querySelector('#prediction').dataset.digit;
      if (digit) window.__answers.push({ digit, backend: document.body.dataset.backend });
    }).observe(document.querySelector('#prediction'), { attributeFilter: ['data-digit'] }));
  });
  await p.goto(app.server.url);
  // On SwiftShader WebGPU needs over a second more than the CPU to start: time enough to draw.
  await p.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 180_000 });
  assert.deepEqual(await engines(p), { state: 'ready', backend: 'cpu', webgpu: 'starting' });
  await draw(p, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(p));
  assert.equal((await answer(p)).digit, '1');
  assert.deepEqual((await p.evaluate(() => window.__answers)).at(-1), { digit: '1', backend: 'cpu' }, 'the final answer');
  await settled(p);
  assert.equal(await p.evaluate(() => document.body.dataset.backend), 'webgpu');
  await p.close();
});

test('an empty pad shows no digit', async () => {
  await page.click('button#clear');
  const a = await answer(page);
  assert.equal(a.digit, '');
  assert.ok(a.bars.every((p) => p === 0));
});

test('a fast 8 in one zigzag stroke, its ink covering most of its square, is read as 8', async () => {
  // A real writer's 8 (eight points of a pen trajectory, UCI pendigits): redrawn with the
  // pen, it has more ink than paper, which must not be taken for an empty pad.
  const eight = [[57, 37], [100, 0], [0, 9], [36, 47], [95, 84], [2, 100], [5, 64], [91, 33]];
  await page.click('button#clear');
  await draw(page, [eight.map(([x, y]) => [0.2 + 0.006 * x, 0.2 + 0.006 * y])], await padBox(page));
  assert.equal((await answer(page)).digit, '8');
});

test('the browser computes the same logits as the native model', async () => {
  const rows = nativeLogits(20);
  let worst = 0;
  for (const row of rows) {
    const logits = await page.evaluate((input) => window.wasmBindings.classify(new Float32Array(input)).then(Array.from), row.input);
    for (let k = 0; k < 10; k++) worst = Math.max(worst, Math.abs(logits[k] - row.logits[k]));
  }
  console.log(`logits parity over ${rows.length} MNIST test images: max |browser - native| = ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-3, `max difference ${worst}`);
});

test('digits drawn with pointer strokes are recognised', async () => {
  const box = await padBox(page);
  const digits = testDigits(DATA, Number(process.env.STROKE_DIGITS ?? 40));
  // (size, top-left) as shares of the pad: large and centred, small in a corner, medium off-centre.
  const layouts = [[0.8, [0.1, 0.1]], [0.45, [0.05, 0.5]], [0.6, [0.35, 0.05]]];
  let right = 0;
  let total = 0;
  const misses = [];
  for (const [i, digit] of digits.entries()) {
    const [size, at] = layouts[i % layouts.length];
    await page.click('button#clear');
    await draw(page, place(digit.strokes, size, at), box);
    const a = await answer(page);
    total += 1;
    if (a.digit === String(digit.label)) right += 1;
    else misses.push(`#${i}: ${digit.label} read as ${a.digit}`);
  }
  const rate = right / total;
  console.log(`drawn MNIST skeletons recognised: ${right}/${total} = ${(100 * rate).toFixed(1)}%` +
    (misses.length ? ` (missed ${misses.join(', ')})` : ''));
  assert.ok(rate >= 0.9, `recognition rate ${rate}`);
});

test('undo removes the last stroke and clear empties the pad', async () => {
  const box = await padBox(page);
  await page.click('button#clear');
  await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], box); // a 1
  const one = await answer(page);
  assert.equal(one.digit, '1');
  await draw(page, [[[0.3, 0.2], [0.7, 0.2]]], box); // a bar across the top: now it is a 7
  const seven = await answer(page);
  assert.notEqual(seven.digit, '');
  await page.click('button#undo');
  assert.deepEqual(await answer(page), one, 'undo restores the answer for the 1');
  await page.click('button#undo');
  assert.equal((await answer(page)).digit, '', 'undoing every stroke empties the pad');
  await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], box);
  await page.click('button#clear');
  const cleared = await answer(page);
  assert.equal(cleared.digit, '');
});

test('an opened photo of a digit on paper is recognised; unreadable files and bombs are reported', async () => {
  // MNIST test digits as dark ink on light grey paper, enlarged ×9 onto a wider photo.
  const digits = testDigits(DATA, 5);
  for (const digit of digits) {
    const png = greyPng(400, 300, (x, y) => {
      const [u, v] = [Math.floor((x - 120) / 9), Math.floor((y - 20) / 9)];
      const ink = u >= 0 && v >= 0 && u < 28 && v < 28 ? digit.pixels[v * 28 + u] : 0;
      return Math.round(215 - (ink / 255) * 180);
    });
    await page.click('button#clear');
    await answer(page);
    await page.setInputFiles('input#file', { name: 'digit.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() => document.querySelector('#prediction').dataset.digit !== '');
    assert.equal((await answer(page)).digit, String(digit.label));
  }
  await page.setInputFiles('input#file', { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('not a picture') });
  await page.waitForFunction(() => /cannot|not an image/.test(document.querySelector('#confidence').textContent));
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  assert.equal((await answer(page)).digit, '');
  // Decompression bombs: over the side limit, and within it but over 64 megapixels.
  for (const side of [20_000, 11_000]) {
    const bomb = pngBomb(side, side);
    assert.ok(bomb.length < 1 << 20, `${bomb.length} bytes`);
    await page.setInputFiles('input#file', { name: 'bomb.png', mimeType: 'image/png', buffer: bomb });
    await page.waitForFunction((side) => document.querySelector('#confidence').textContent
      .includes(`too large: ${side}×${side} pixels`), side);
    assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
  }
  await page.click('button#clear');
});

test('when the GPU device is lost the page moves to the CPU and keeps answering', async () => {
  const p = await app.browser.newPage();
  await chooseEngine(p, 'webgpu');
  // Keep a handle on the device the engine worker gets, to destroy it as a driver reset would:
  // the worker asks for it only after loading the CPU engine, well after it starts.
  let engineWorker;
  p.on('worker', (w) => {
    if (!w.url().endsWith('engine-worker.js')) return;
    engineWorker = w;
    w.evaluate(() => {
      const request = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (...args) {
        self.__gpuDevice = await request.apply(this, args);
        return self.__gpuDevice;
      };
    });
  });
  await p.goto(app.server.url);
  await settled(p);
  assert.equal(await p.evaluate(() => document.body.dataset.backend), 'webgpu');
  const box = await padBox(p);
  await draw(p, [[[0.5, 0.15], [0.5, 0.85]]], box);
  assert.equal((await answer(p)).digit, '1');
  await engineWorker.evaluate(async () => { self.__gpuDevice.destroy(); await self.__gpuDevice.lost; });
  await p.click('button#clear');
  await draw(p, [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]], box); // a 7
  assert.equal((await answer(p)).digit, '7');
  assert.deepEqual(await engines(p), { state: 'ready', backend: 'cpu', webgpu: 'lost' });
  assert.match(await p.locator('#status').textContent(), /CPU \(WebGPU stopped working/);
  await p.close();
});

test('where the engine worker cannot start, or stops, the page answers on its own thread and says so', async () => {
  // Workers refused (an old browser, a policy): the engines load on the page's thread.
  const refused = await app.browser.newContext({ viewport: { width: 900, height: 900 } });
  await refused.addInitScript(() => {
    window.Worker = class { constructor() { throw new Error('workers are blocked here'); } };
  });
  const p = await openApp(refused, app.server.url);
  assert.equal(await p.evaluate(() => document.body.dataset.thread), 'page');
  assert.match(await p.locator('#status').textContent(), /on the page's thread \(workers are blocked here\)/);
  await draw(p, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(p));
  assert.equal((await answer(p)).digit, '1');
  await refused.close();

  // The worker crashes after start-up: the page loads the network itself and carries on.
  const crashing = await app.browser.newContext({ viewport: { width: 900, height: 900 } });
  await crashing.addInitScript(() => {
    const Original = window.Worker;
    window.__workers = [];
    window.Worker = class extends Original {
      constructor(...args) { super(...args); window.__workers.push([String(args[0]), this]); }
    };
  });
  const q = await openApp(crashing, app.server.url);
  assert.equal(await q.evaluate(() => document.body.dataset.thread), 'worker');
  const box = await padBox(q);
  await draw(q, [[[0.5, 0.15], [0.5, 0.85]]], box);
  assert.equal((await answer(q)).digit, '1');
  await q.evaluate(() => {
    const [, worker] = window.__workers.find(([url]) => url.endsWith('engine-worker.js'));
    worker.terminate();
    worker.dispatchEvent(new ErrorEvent('error', { message: 'out of memory' }));
  });
  await q.waitForFunction(() => document.body.dataset.thread === 'page' && document.body.dataset.state === 'ready');
  await q.click('button#clear');
  await draw(q, [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]], box); // a 7
  assert.equal((await answer(q)).digit, '7');
  assert.match(await q.locator('#status').textContent(), /on the page's thread \(the engine worker stopped: out of memory\)/);
  await crashing.close();
});

test('without WebGPU the page runs on the CPU and still answers', async () => {
  const cpuBrowser = await launch({ webgpu: false });
  try {
    const cpuPage = await openApp(cpuBrowser, app.server.url);
    const body = await engines(cpuPage);
    assert.deepEqual(body, { state: 'ready', backend: 'cpu', webgpu: 'unavailable' });
    assert.match(await cpuPage.locator('#status').textContent(), /CPU \(no usable WebGPU adapter\)/);
    const box = await padBox(cpuPage);
    await draw(cpuPage, [[[0.5, 0.15], [0.5, 0.85]]], box);
    assert.equal((await answer(cpuPage)).digit, '1');
  } finally {
    await cpuBrowser.close();
  }
});

test('the page stays on its own origin under a strict CSP', async () => {
  const p = await app.browser.newPage();
  const requests = [];
  p.on('request', (r) => requests.push(r.url()));
  await p.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await p.goto(app.server.url);
  await settled(p);
  const csp = await p.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(csp, /unsafe-inline|\*/);
  assert.equal(await p.locator('script:not([src])').count(), 0, 'no inline script');
  await draw(p, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(p));
  assert.equal((await answer(p)).digit, '1');
  const foreign = requests.filter((u) => !u.startsWith(app.server.url) && !u.startsWith('data:'));
  assert.deepEqual(foreign, [], 'requests outside the page\'s origin');
  assert.deepEqual(await p.evaluate(() => window.__violations), []);
  await p.close();
});

test('corrupt or missing weights put the page in its error state with the reason', async () => {
  const good = readFileSync(WEIGHTS);
  const corrupt = Buffer.from(good);
  corrupt[corrupt.length - 5000] ^= 0xff;
  const bad = await serve({ '/model/corrupt.bpk': corrupt, '/model/missing.bpk': null });
  try {
    for (const [file, reason] of [['corrupt.bpk', /corrupted/], ['missing.bpk', /HTTP 404/]]) {
      const p = await openApp(app.browser, `${bad.url}?weights=model/${file}`);
      assert.equal(await p.evaluate(() => document.body.dataset.state), 'error');
      const message = await p.locator('#error-message').textContent();
      assert.match(message, reason);
      assert.ok(await p.locator('button#retry').isVisible());
      await p.close();
    }
  } finally {
    await bad.close();
  }
});
