// A second browser engine: the release build in Debian's Firefox ESR (driven over WebDriver
// BiDi by puppeteer-core; Playwright's BiDi client asks for commands this Firefox lacks). The
// page starts on whatever engine Firefox gives it, reads MNIST test digits thinned to strokes
// and drawn with real pointer events, and reads a whole number; then a network trains in the
// page, is tested and answers. The other tests run in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { serve, DATA } from './harness.mjs';
import { testDigits, place } from './strokes.mjs';

let server;
let browser;
let page;
const errors = [];

before(async () => {
  server = await serve();
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
  });
  page = await browser.newPage();
  await page.setViewport({ width: 900, height: 900 });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(server.url);
  await page.waitForFunction(() => {
    const { state, webgpu } = document.body.dataset;
    return state === 'error' || (state === 'ready' && webgpu !== 'starting');
  }, { timeout: 180_000 });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Clears the pad, draws `strokes` (arrays of [x, y] in 0..1 of the pad) with the mouse, and
 * waits for the answer: the first digit's and the number's hooks. */
async function read(strokes) {
  await page.click('button#clear');
  const pad = await page.$('canvas#pad');
  await pad.scrollIntoView();
  const box = await pad.boundingBox();
  for (const stroke of strokes) {
    const at = ([x, y]) => [box.x + x * box.width, box.y + y * box.height];
    await page.mouse.move(...at(stroke[0]));
    await page.mouse.down();
    for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 2 });
    await page.mouse.up();
  }
  await page.waitForFunction(() => document.querySelector('#prediction').dataset.busy === 'false',
    { timeout: 60_000 });
  return page.evaluate(() => ({
    digit: document.querySelector('#prediction').dataset.digit,
    value: document.querySelector('#number').dataset.value,
  }));
}

test('in Firefox the page starts, and reads digits and a number drawn with pointer events', async () => {
  const status = await page.evaluate(() => ({
    ...document.body.dataset,
    text: document.querySelector('#status')?.textContent,
  }));
  console.log(`Firefox ${await browser.version()}: ${JSON.stringify(status)}`);
  assert.equal(status.state, 'ready', JSON.stringify(status));

  const digits = testDigits(DATA, 20);
  const layouts = [[0.8, [0.1, 0.1]], [0.45, [0.05, 0.5]], [0.6, [0.35, 0.05]]];
  const misses = [];
  for (const [i, digit] of digits.entries()) {
    const [size, at] = layouts[i % layouts.length];
    const { digit: answer } = await read(place(digit.strokes, size, at));
    if (answer !== String(digit.label)) misses.push(`#${i}: ${digit.label} read as ${answer}`);
  }
  console.log(`digits read in Firefox: ${digits.length - misses.length}/${digits.length}`,
    misses.join(', '));
  assert.ok(misses.length <= 2, misses.join(', '));

  // The first four test digits side by side: 7210, as in the README's screenshot.
  const cell = 0.2;
  const number = digits.slice(0, 4).flatMap((d, k) =>
    place(d.strokes, cell, [0.08 + k * 0.22, 0.4]));
  assert.equal((await read(number)).value, '7210');
  assert.deepEqual(errors, [], 'no errors in the console');
});

test('in Firefox a network trains in the page, is tested, and answers', async () => {
  await page.goto(`${server.url}?train-seed=7&train-digits=1280&test-limit=500`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 180_000 });
  await page.click('#train-card > summary');
  await page.evaluate(() => { document.querySelector('#train-epochs').value = '1'; });
  await page.click('#train-start');
  await page.waitForFunction(() => document.body.dataset.train !== 'running', { timeout: 600_000 });
  const trained = await page.evaluate(() => ({
    state: document.body.dataset.train,
    steps: document.querySelector('#train-curve').dataset.steps,
    ...document.querySelector('#train-report').dataset,
    message: document.querySelector('#train-message').textContent,
  }));
  console.log(`trained in Firefox: ${JSON.stringify(trained)}`);
  assert.equal(trained.state, 'done', trained.message);
  assert.equal(trained.steps, '10');
  assert.ok(Number(trained.accuracy) > 0.5, `after 10 steps it reads ${trained.accuracy} of 500 test digits`);
  await page.click('#train-use');
  await page.waitForFunction(() => document.body.dataset.model === 'personal', { timeout: 60_000 });
  assert.deepEqual(errors, [], 'no errors in the console');
});
