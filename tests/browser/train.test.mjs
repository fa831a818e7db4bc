// "Train it yourself", end to end: a fresh network trained from random weights in the page's
// training worker on the CPU engine, on MNIST's real training digits, with live curves and
// filters, while the pad keeps answering; tested on the 10,000 test digits through the report
// card's path; made the page's model, downloaded, and read by `trainer eval` with the same
// figure. The same seed and digits give the same network in the page as `trainer train` natively
// on flex. Then pause, resume and stop, and the faults: a loss that is no longer finite, the
// digits not downloadable, storage full when saving.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, launch, chooseEngine, settled, padBox, draw, answer, DATA, TRAINER } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place } from './strokes.mjs';

const app = servedApp({ webgpu: false });

async function open(context, query = '', url = app.server.url) {
  const page = await context.newPage({ viewport: { width: 900, height: 900 } });
  page.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
  await page.goto(url + query);
  await settled(page);
  await page.click('#train-card > summary');
  return page;
}

const state = (page) => page.evaluate(() => document.body.dataset.train);
const dataset = (page, selector) => page.evaluate((s) => ({ ...document.querySelector(s).dataset }), selector);
const message = (page) => page.textContent('#train-message');

/** Polls from node until `check` (run in the page) holds. */
async function until(page, check, timeout, arg) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(check, arg)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${check}: ${await message(page)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const steps = (page) => page.evaluate(() => Number(document.querySelector('#train-curve').dataset.steps));

async function train(page, { digits = '10000', epochs = '1' } = {}) {
  await page.selectOption('#train-size', digits);
  await page.fill('#train-epochs', epochs);
  await page.click('#train-start');
  assert.equal(await state(page), 'running');
}

/** The weights the page answers with, as downloaded from the teaching panel. */
async function download(page) {
  await page.click('#teach > summary');
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-weights')]);
  const path = join(mkdtempSync(join(tmpdir(), 'trained-')), 'trained.bpk');
  await file.saveAs(path);
  return path;
}

/** Whether the filters' canvas has anything drawn on it. */
const filtersDrawn = (page) => page.evaluate(() => {
  const canvas = document.querySelector('#train-filters');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  return pixels.some((v, i) => i % 4 === 3 && v > 0);
});

test('a fresh network trained in the page on 10,000 digits for two epochs reads 97 % of the test set, and answers', async () => {
  const context = await app.browser.newContext({ acceptDownloads: true });
  // A fixed seed: the run is the same every time (trainer train --seed 42 --limit 10000
  // --epochs 2 --no-augment --no-pen gives this very network natively: 97.24 %).
  const page = await open(context, '?train-seed=42');
  // The longest task on the page's thread while it trains: printed, as a figure (docs/performance.md).
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.__longest = Math.max(window.__longest, entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  assert.equal(await filtersDrawn(page), false);
  await train(page, { digits: '10000', epochs: '2' });
  await until(page, () => Number(document.querySelector('#train-curve').dataset.steps) >= 5, 120_000);
  assert.match(await message(page), /Training a fresh network on 10000 digits for 2 epochs: 158 steps of 128, on the CPU/);
  assert.ok(await filtersDrawn(page), 'the filters are drawn as they form');

  // Drawing goes on answering, with the shipped weights, meanwhile.
  const box = await padBox(page);
  await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], box);
  assert.equal((await answer(page)).digit, '1');
  await page.click('#clear');

  await until(page, () => document.body.dataset.train !== 'running', 900_000);
  assert.equal(await state(page), 'done', await message(page));
  const curve = await dataset(page, '#train-curve');
  assert.equal(curve.steps, '158');
  assert.ok(Number(curve.loss) < 0.5, `last loss ${curve.loss}`);
  const report = await dataset(page, '#train-report');
  console.log(`trained in the page: ${(100 * report.accuracy).toFixed(2)} % of the test set, ` +
    `${report.ips} images a second on ${report.backend}, longest task ${await page.evaluate(() => window.__longest)} ms`);
  assert.ok(Number(report.accuracy) >= 0.97, `test accuracy ${report.accuracy}`);
  assert.ok(Number(report.ips) > 0);
  assert.equal(report.backend, 'cpu');
  assert.match(await page.textContent('#train-summary'), /of MNIST's 10000 test digits right/);
  assert.match(await message(page), /% of the validation digits right after the last epoch/);

  await page.click('#train-use');
  await until(page, () => document.body.dataset.model === 'personal', 60_000);
  assert.match(await message(page), /Your network answers now\. It is kept on this device/);
  assert.match(await page.textContent('#model-info'), /yours, trained in the page on cpu: 10000 MNIST training digits/);
  // It reads MNIST's test digits drawn on the pad, by its most likely digit: trained on scans
  // alone for two epochs it reads pen strokes far less well than the shipped weights, which
  // also learnt from pen strokes, but far better than chance.
  const drawn = testDigits(DATA, 30).slice(0, 10);
  let right = 0;
  for (const digit of drawn) {
    await page.click('#clear');
    await draw(page, place(digit.strokes, 0.6, [0.2, 0.2]), box);
    const { bars } = await answer(page);
    right += Number(bars.indexOf(Math.max(...bars)) === digit.label);
  }
  assert.ok(right >= 5, `the trained network read ${right} of 10 drawn digits`);
  // Look inside works on it like on any other.
  await page.click('#inside summary');
  await page.click('#clear');
  await draw(page, place(drawn[0].strokes, 0.6, [0.2, 0.2]), box);
  await until(page, () => document.querySelector('#inside').dataset.shown === 'true', 30_000);

  const file = await download(page);
  const evaluated = JSON.parse(execFileSync(TRAINER, ['eval', '--weights', file, '--data', DATA, '--json']).toString());
  assert.equal(evaluated.accuracy.toFixed(4), Number(report.accuracy).toFixed(4), "the page's figure is trainer eval's");

  await page.reload();
  await settled(page);
  assert.equal(await page.evaluate(() => document.body.dataset.model), 'personal', 'kept across a reload');
  await page.click('#teach > summary');
  await page.click('#reset-model');
  await until(page, () => document.body.dataset.model === 'shipped', 60_000);
  await context.close();
});

test('the same seed and digits give the same network in the page as trainer train on flex', async () => {
  const context = await app.browser.newContext({ acceptDownloads: true });
  const page = await open(context, '?train-seed=7&train-digits=256&test-limit=100');
  await train(page, { epochs: '1' });
  await until(page, () => document.body.dataset.train !== 'running', 300_000);
  assert.equal(await state(page), 'done', await message(page));
  assert.equal((await dataset(page, '#train-curve')).steps, '2');
  await page.click('#train-use');
  await until(page, () => document.body.dataset.model === 'personal', 60_000);
  const inPage = await download(page);
  await context.close();

  const out = mkdtempSync(join(tmpdir(), 'native-'));
  execFileSync(TRAINER, ['train', '--data', DATA, '--out', out, '--limit', '256', '--epochs', '1',
    '--seed', '7', '--no-augment', '--no-pen', '--precision', 'f32'], { stdio: 'ignore' });
  const logits = (weights) => JSON.parse(execFileSync(TRAINER, ['logits', '--weights', weights,
    '--data', DATA, '--count', '20']).toString()).map((row) => row.logits);
  const [page20, native20] = [logits(inPage), logits(join(out, 'mnist-cnn.bpk'))];
  const gap = Math.max(...page20.flatMap((row, i) => row.map((v, j) => Math.abs(v - native20[i][j]))));
  console.log(`largest difference in the logits of 20 test digits, page against native: ${gap}`);
  assert.ok(gap < 1e-3, `the networks differ by ${gap}`);
  // And a network from another seed does differ: the check can fail.
  assert.ok(Math.abs(page20[0][0]) > 0);
});

test('pause holds training, resume goes on, stop ends it with the network so far, tested', async () => {
  const context = await app.browser.newContext();
  const page = await open(context, '?test-limit=200');
  await train(page, { digits: '5000', epochs: '3' });
  await until(page, () => Number(document.querySelector('#train-curve').dataset.steps) >= 3, 120_000);
  await page.click('#train-pause');
  assert.equal(await page.getAttribute('#train-pause', 'aria-pressed'), 'true');
  // The step in flight ends first; then the worker says where it holds.
  await until(page, () => /Paused after step \d+/.test(document.querySelector('#train-message').textContent), 60_000);
  const paused = await steps(page);
  assert.equal(await message(page), `Paused after step ${paused}. Resume when you like.`, 'it holds where it says');
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(await steps(page), paused, 'no step while paused');
  // Resumed and paused again at once (both messages reach the worker before it looks again):
  // the second pause is acknowledged too.
  await page.evaluate(() => {
    document.querySelector('#train-pause').click();
    document.querySelector('#train-pause').click();
  });
  await until(page, () => /Paused after step \d+/.test(document.querySelector('#train-message').textContent), 60_000);
  assert.equal(await message(page), `Paused after step ${await steps(page)}. Resume when you like.`);
  await page.click('#train-pause');
  await until(page, (n) => Number(document.querySelector('#train-curve').dataset.steps) > n, 60_000, paused);
  await page.click('#train-stop');
  await until(page, () => document.body.dataset.train !== 'running', 120_000);
  assert.equal(await state(page), 'done');
  assert.match(await message(page), /Stopped by you after step \d+ of 120/);
  const { accuracy } = await dataset(page, '#train-report');
  assert.ok(accuracy !== '' && Number(accuracy) >= 0, `the network so far is tested: ${accuracy}`);
  assert.equal(await page.locator('#train-use').isDisabled(), false);
  await context.close();
});

test('a loss that is no longer finite stops training with a message and the last good weights', async () => {
  const context = await app.browser.newContext();
  const page = await open(context, '?train-rate=1e30&train-digits=2560&test-limit=100');
  await train(page, { epochs: '1' });
  await until(page, () => document.body.dataset.train !== 'running', 300_000);
  assert.equal(await state(page), 'error');
  assert.match(await message(page), /The loss became (NaN|inf) at step \d+, so training stopped there: the network is the one from step \d+, its last good weights/);
  // The page still answers with its own weights.
  await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(page));
  assert.equal((await answer(page)).digit, '1');
  assert.equal(await page.evaluate(() => document.body.dataset.model), 'shipped');
  await context.close();
});

test('training digits that cannot be downloaded, and storage full when saving: clear messages, the page answering', async () => {
  const missing = await serve({ '/train/train-images-idx3-ubyte.gz': null });
  try {
    const context = await app.browser.newContext();
    const page = await open(context, '?train-digits=256&test-limit=100', missing.url);
    await train(page, { epochs: '1' });
    await until(page, () => document.body.dataset.train !== 'running', 60_000);
    assert.equal(await state(page), 'error');
    assert.match(await message(page), /Could not load the training digits \(train\/train-images-idx3-ubyte\.gz\): HTTP 404/);
    await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(page));
    assert.equal((await answer(page)).digit, '1');
    await context.close();
  } finally {
    await missing.close();
  }

  // With the digits, and a full disk when the trained network is kept.
  const context = await app.browser.newContext();
  const page = await open(context, '?train-digits=256&test-limit=100');
  await page.evaluate(() => {
    const put = Cache.prototype.put;
    Cache.prototype.put = function (request, response) {
      if (String(request.url ?? request).includes('personal/')) {
        return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
      }
      return put.call(this, request, response);
    };
  });
  await train(page, { epochs: '1' });
  await until(page, () => document.body.dataset.train !== 'running', 300_000);
  assert.equal(await state(page), 'done', await message(page));
  await page.click('#train-use');
  await until(page, () => document.body.dataset.model === 'personal', 60_000);
  await until(page, () => /answers now/.test(document.querySelector('#train-message').textContent), 30_000);
  assert.match(await message(page), /This browser cannot keep it \(The quota has been exceeded\.\), so it answers for this visit only: download it to keep it/);
  await page.reload();
  await settled(page);
  assert.equal(await page.evaluate(() => document.body.dataset.model), 'shipped', 'nothing half-saved');
  await context.close();
});

test('the GPU lost mid-training: training carries on on the CPU from its last copy of the weights', async () => {
  const gpuBrowser = await launch({ webgpu: true });
  try {
    const context = await gpuBrowser.newContext();
    await chooseEngine(context, 'webgpu');
    await context.addInitScript(() => {
      window.__said = [];
      new MutationObserver(() => window.__said.push(document.querySelector('#train-message')?.textContent))
        .observe(document, { subtree: true, childList: true, characterData: true });
    });
    const page = await context.newPage({ viewport: { width: 900, height: 900 } });
    // Keep a handle on the devices the teaching wasm's workers get, to destroy them as a
    // driver reset would: the training worker asks for its own after fetching the digits.
    const workers = [];
    page.on('worker', (w) => {
      if (!w.url().endsWith('mnist-teach_loader.js')) return;
      workers.push(w);
      w.evaluate(() => {
        const request = GPUAdapter.prototype.requestDevice;
        GPUAdapter.prototype.requestDevice = async function (...args) {
          self.__gpuDevice = await request.apply(this, args);
          return self.__gpuDevice;
        };
      });
    });
    await page.goto(`${app.server.url}?train-digits=384&test-limit=100`);
    await settled(page);
    assert.equal(await page.evaluate(() => document.body.dataset.backend), 'webgpu');
    await page.click('#train-card > summary');
    await train(page, { epochs: '1' });
    await until(page, () => Number(document.querySelector('#train-curve').dataset.steps) >= 1, 600_000);
    assert.match(await message(page), /on WebGPU/);
    for (const w of workers) {
      await w.evaluate(async () => { if (self.__gpuDevice) { self.__gpuDevice.destroy(); await self.__gpuDevice.lost; } });
    }
    await until(page, () => document.body.dataset.train !== 'running', 600_000);
    assert.equal(await state(page), 'done', await message(page));
    assert.equal((await dataset(page, '#train-curve')).steps, '3', 'every step, the rest on the CPU');
    assert.equal((await dataset(page, '#train-report')).backend, 'cpu');
    const said = await page.evaluate(() => window.__said.join('\n'));
    assert.match(said, /WebGPU stopped working after step \d+ \(.*\): training carries on on the CPU from the weights of step \d+\./);
    await context.close();
  } finally {
    await gpuBrowser.close();
  }
});
