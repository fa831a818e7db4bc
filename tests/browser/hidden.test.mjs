// Training in a tab that is not in front: the network goes on learning in its worker while the
// page is hidden, and the page shows every step and the tested network when it is back. Driven
// by puppeteer-core, because only there does a tab behind another report itself hidden
// (Playwright keeps every page visible); and without puppeteer's flags that stop Chromium from
// throttling background tabs, so the hidden page is throttled as in a browser someone uses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { serve } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await serve();
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-features=WebGPU'],
    ignoreDefaultArgs: [
      '--disable-background-timer-throttling',
      '--disable-backgrounding-occluded-windows',
      '--disable-renderer-backgrounding',
    ],
  });
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const steps = (page) => page.evaluate(() => Number(document.querySelector('#train-curve').dataset.steps));

test('in a hidden tab training goes on, and the page shows all of it when it is back', async () => {
  const page = await browser.newPage();
  await page.setViewport({ width: 900, height: 900 });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}?test-limit=200`);
  await page.waitForFunction(() => document.body.dataset.state === 'ready', { timeout: 180_000 });
  await page.click('#train-card > summary');
  await page.select('#train-size', '5000');
  await page.$eval('#train-epochs', (input) => { input.value = '1'; });
  await page.click('#train-start');
  await page.waitForFunction(() => Number(document.querySelector('#train-curve').dataset.steps) >= 2,
    { timeout: 120_000 });

  // Another tab in front: this one is hidden.
  const other = await browser.newPage();
  await other.bringToFront();
  assert.equal(await page.evaluate(() => document.visibilityState), 'hidden');
  const hiddenAt = await steps(page);
  await new Promise((r) => setTimeout(r, 8000));
  const hiddenSteps = (await steps(page)) - hiddenAt;
  assert.equal(await page.evaluate(() => document.visibilityState), 'hidden');
  console.log(`steps while hidden for 8 s: ${hiddenSteps}`);
  assert.ok(hiddenSteps >= 2, `training went on while hidden: ${hiddenSteps} steps`);

  await page.bringToFront();
  await other.close();
  await page.waitForFunction(() => document.body.dataset.train !== 'running', { timeout: 300_000 });
  const end = await page.evaluate(() => ({
    state: document.body.dataset.train,
    steps: document.querySelector('#train-curve').dataset.steps,
    accuracy: document.querySelector('#train-report').dataset.accuracy,
    message: document.querySelector('#train-message').textContent,
  }));
  assert.equal(end.state, 'done', end.message);
  assert.equal(end.steps, '40', 'every step of the epoch is on the curve');
  assert.ok(Number(end.accuracy) > 0.5, `the network is tested: ${end.accuracy}`);
  assert.deepEqual(errors, []);
  await page.close();
});
