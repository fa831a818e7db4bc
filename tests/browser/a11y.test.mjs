// Accessibility checked by a real tool: axe-core (the npm package) injected into the release
// build in headless Chromium, at WCAG 2.1 A and AA, in every state the page can be in (empty, a
// digit, a number, "not sure", teaching with examples and after adapting, "Look inside" open,
// the report card run, "Train it yourself" open and after a run, an error), in the light and
// the dark theme. Zero violations.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { settled, padBox, draw, answer, DATA } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place } from './strokes.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const RULES = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// The CPU engine: adapting and the report card are quicker there than on SwiftShader.
const app = servedApp({ webgpu: false });
let digits;

before(async () => {
  digits = testDigits(DATA, 4);
});

async function open(scheme, query = '') {
  const context = await app.browser.newContext({ colorScheme: scheme, viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error') console.error('[page]', m.text()); });
  await page.goto(`${app.server.url}${query}`);
  await settled(page);
  return page;
}

/** axe-core's violations of the page as it is now, one line each. */
async function violations(page) {
  // Evaluated by the test's own connection, which the page's content security policy allows.
  await page.evaluate(AXE);
  const found = await page.evaluate(async (tags) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`);
  }, RULES);
  return found;
}

async function expectClean(page, state, scheme) {
  assert.deepEqual(await violations(page), [], `axe-core in the ${scheme} theme, ${state}`);
}

async function drawDigit(page, digit, size = 0.6, at = [0.2, 0.2]) {
  await page.click('#clear');
  await draw(page, place(digit.strokes, size, at), await padBox(page));
  return answer(page);
}

/** Drawings that are no digit: the first the page is not sure about is left on the pad. */
async function drawNonsense(page) {
  const shapes = [
    [[[0.2, 0.2], [0.8, 0.8]], [[0.8, 0.2], [0.2, 0.8]], [[0.2, 0.5], [0.8, 0.5]], [[0.5, 0.2], [0.5, 0.8]]],
    [[[0.15, 0.3], [0.3, 0.7], [0.45, 0.3], [0.6, 0.7], [0.75, 0.3], [0.9, 0.7]]],
    [[[0.2, 0.2], [0.8, 0.2], [0.8, 0.8], [0.2, 0.8], [0.2, 0.2]], [[0.2, 0.2], [0.8, 0.8]]],
  ];
  for (const strokes of shapes) {
    await page.click('#clear');
    await draw(page, strokes, await padBox(page));
    if ((await answer(page)).sure === 'false') return true;
  }
  return false;
}

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds nothing in any state of the page, ${scheme} theme`, async () => {
    const page = await open(scheme);
    await expectClean(page, 'empty', scheme);

    await drawDigit(page, digits[0]);
    await expectClean(page, 'with a digit', scheme);

    await page.click('#clear');
    const box = await padBox(page);
    for (const [i, digit] of digits.slice(0, 3).entries()) {
      await draw(page, place(digit.strokes, 0.28, [0.04 + i * 0.32, 0.3]), box);
    }
    await answer(page);
    assert.equal(await page.getAttribute('#prediction', 'data-count'), '3');
    await expectClean(page, 'with a number', scheme);

    assert.ok(await drawNonsense(page), 'one of the drawings is "not sure"');
    await expectClean(page, 'not sure', scheme);

    await page.click('#teach summary');
    await drawDigit(page, digits[1]);
    await page.click(`button[data-teach="${digits[1].label}"]`);
    await page.waitForFunction(() => document.querySelector('#examples').dataset.count === '1');
    await expectClean(page, 'teaching, with an example', scheme);
    if (scheme === 'light') {
      await page.click('#adapt');
      await page.waitForFunction(() => document.body.dataset.adapt !== 'running', null, { timeout: 300_000 });
      assert.equal(await page.evaluate(() => document.body.dataset.adapt), 'done');
      await expectClean(page, 'after adapting', scheme);
    }

    await page.click('#inside summary');
    await drawDigit(page, digits[2]);
    await page.waitForFunction(() => document.querySelector('#inside').dataset.shown === 'true');
    await expectClean(page, '"Look inside" open', scheme);

    await page.goto(`${app.server.url}?test-limit=200`);
    await settled(page);
    await page.click('#report-card summary');
    await page.click('#run-test-set');
    await page.waitForFunction(() => document.querySelector('#report').dataset.state === 'done', null, { timeout: 300_000 });
    await expectClean(page, 'the report card run', scheme);

    await page.goto(`${app.server.url}?train-digits=256&test-limit=100`);
    await settled(page);
    await page.click('#train-card summary');
    await expectClean(page, '"Train it yourself" open', scheme);
    await page.fill('#train-epochs', '1');
    await page.click('#train-start');
    await page.waitForFunction(() => document.body.dataset.train === 'done', null, { timeout: 300_000 });
    await expectClean(page, 'after training', scheme);

    const broken = await open(scheme, '?weights=model/missing.bpk');
    assert.equal(await broken.evaluate(() => document.body.dataset.state), 'error');
    await expectClean(broken, 'in error', scheme);
  });
}
