// The report card in the page: MNIST's test digits run through the network in Chromium, on
// WebGPU (SwiftShader) and then the CPU, give the trainer's figure on the same weights; a cell
// of the confusion matrix opens its digits; a run can be stopped; a missing or damaged test
// set is reported in the report area while the page goes on answering.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve, launch, openApp, settled, padBox, draw, answer, nativeLogits, DIST } from './harness.mjs';
import { servedApp } from './fixture.mjs';

const SUBSET = 500;
const app = servedApp();

/** Opens the report card on `page` and starts a run; waits for it to end. */
async function runTestSet(page, { timeout = 300_000 } = {}) {
  await page.click('#report-card summary');
  await page.click('button#run-test-set');
  await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.querySelector('#report').dataset.state),
    null, { timeout });
  return page.evaluate(() => ({
    ...document.querySelector('#report').dataset,
    summary: document.querySelector('#report-summary').textContent,
    engines: [...document.querySelectorAll('#report-engines tr[data-backend]')].map((r) => ({ ...r.dataset })),
  }));
}

test('the page reads the test digits as the trainer does, on WebGPU and on the CPU', async () => {
  const page = await openApp(app.browser, `${app.server.url}?test-limit=${SUBSET}`, { engine: 'webgpu' });
  await settled(page);
  const report = await runTestSet(page);
  assert.equal(report.state, 'done', report.summary);
  assert.equal(report.backend, 'webgpu');
  assert.equal(Number(report.n), SUBSET);
  const native = nativeLogits(SUBSET);
  const right = native.filter((r) => r.logits.indexOf(Math.max(...r.logits)) === r.label).length;
  console.log(`first ${SUBSET} test digits: trainer ${right} right; page ${report.engines.map((e) => `${e.backend} ${Math.round(e.accuracy * SUBSET)} right at ${e.ips} images/s`).join(', ')}`);
  assert.deepEqual(report.engines.map((e) => e.backend), ['webgpu', 'cpu']);
  for (const e of report.engines) {
    assert.equal(Number(e.n), SUBSET);
    assert.ok(Math.abs(Math.round(Number(e.accuracy) * SUBSET) - right) <= 1, `${e.backend}: ${e.accuracy} against ${right}/${SUBSET}`);
    assert.ok(Number(e.ips) > 0);
  }
  const matrix = await page.evaluate(() => [...document.querySelectorAll('#confusion tr')].slice(1)
    .map((r) => [...r.querySelectorAll('td')].map((c) => Number(c.textContent))));
  assert.equal(matrix.length, 10);
  assert.equal(matrix.flat().reduce((a, b) => a + b, 0), SUBSET);
  const misread = SUBSET - matrix.reduce((a, row, i) => a + row[i], 0);
  assert.equal(Number(report.misread), misread);
  if (misread > 0) {
    const cell = page.locator('#confusion button[data-truth]').first();
    const count = Number(await cell.textContent());
    await cell.click();
    assert.equal(await page.locator('#misread-digits figure').count(), Math.min(count, 60));
  }
  // The page went on answering.
  await page.evaluate(() => window.scrollTo(0, 0));
  await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(page));
  assert.equal((await answer(page)).digit, '1');
  await page.close();
});

test('a run can be stopped, and keeps what it counted', async () => {
  const cpuOnly = await launch({ webgpu: false });
  try {
    const page = await openApp(cpuOnly, app.server.url);
    await page.click('#report-card summary');
    await page.click('button#run-test-set');
    await page.waitForFunction(() => document.querySelector('#report-progress').value > 0.02, null, { timeout: 120_000 });
    await page.click('button#stop-test-set');
    await page.waitForFunction(() => document.querySelector('#report').dataset.state === 'stopped', null, { timeout: 60_000 });
    const n = Number(await page.getAttribute('#report', 'data-n'));
    assert.ok(n > 0 && n < 10_000, `stopped after ${n}`);
    assert.match(await page.locator('#report-summary').textContent(), /stopped/);
    assert.equal(await page.locator('button#run-test-set').isDisabled(), false);
  } finally {
    await cpuOnly.close();
  }
});

test('a missing or damaged test set is reported, and the page goes on answering', async () => {
  const images = readFileSync(join(DIST, 'testset', 't10k-images-idx3-ubyte.gz'));
  const cases = [
    [null, /Could not load the test set .*HTTP 404/],
    [images.subarray(0, images.length / 2), /damaged: corrupt gzip data/],
    [Buffer.from('not a test set at all'), /damaged: magic number/],
  ];
  const cpuOnly = await launch({ webgpu: false });
  try {
    for (const [body, message] of cases) {
      const broken = await serve({ '/testset/t10k-images-idx3-ubyte.gz': body });
      try {
        const page = await openApp(cpuOnly, broken.url);
        const report = await runTestSet(page);
        assert.equal(report.state, 'error');
        assert.match(report.summary, message);
        await page.evaluate(() => window.scrollTo(0, 0));
        await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(page));
        assert.equal((await answer(page)).digit, '1');
        await page.close();
      } finally {
        await broken.close();
      }
    }
  } finally {
    await cpuOnly.close();
  }
});
