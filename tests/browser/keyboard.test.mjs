// The page by keyboard: with the mouse only to write on the pad, every other action is reached
// with Tab and done with keys, with a visible focus ring: correct a digit by pressing it,
// undo (Ctrl+Z) and clear (Escape), adapt, open a layer and move between maps with the arrow
// keys, run and stop the report card, and move through the confusion matrix. The screen
// reader's live region says each settled answer once. On the CPU engine (WebGPU disabled).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, padBox, draw, answer, DATA } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place } from './strokes.mjs';

const app = servedApp({ webgpu: false });
let digits;

before(async () => {
  digits = testDigits(DATA, 3);
});

/** Presses Tab until the focus is on `selector`; fails if it never gets there. */
async function tabTo(page, selector) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) {
      const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.notEqual(ring, 'none', `${selector} shows where the focus is`);
      return;
    }
  }
  assert.fail(`Tab never reaches ${selector}`);
}

const focused = (page) => page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));

async function write(page, digit) {
  await draw(page, place(digit.strokes, 0.6, [0.2, 0.2]), await padBox(page));
  return answer(page);
}

test('everything but writing is done by keyboard', async () => {
  const page = await openApp(app.browser, app.server.url);
  await page.click('#teach summary');
  await page.focus('body');

  // Write a digit; the live region says it once it has settled.
  const read = await write(page, digits[0]);
  await page.waitForFunction(() => document.querySelector('#announce').textContent !== '');
  const said = await page.textContent('#announce');
  assert.ok(said.startsWith(read.sure === 'true' ? `${read.digit}:` : 'Not sure'), said);

  // Undo and clear by key.
  await page.keyboard.press('Control+z');
  assert.equal((await answer(page)).digit, '', 'Ctrl+Z took the only stroke away');
  await write(page, digits[0]);
  await page.keyboard.press('Escape');
  assert.equal((await answer(page)).digit, '', 'Escape cleared the pad');

  // Correct a digit by pressing it: it is kept as an example.
  await write(page, digits[1]);
  await page.keyboard.press(String(digits[1].label));
  await page.waitForFunction(() => document.querySelector('#examples').dataset.count === '1');

  // Adapt, by Tab and Enter.
  await tabTo(page, '#adapt');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.body.dataset.adapt !== 'running', null, { timeout: 300_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.adapt), 'done', await page.textContent('#teach-message'));

  // Open "Look inside"; its maps are one tab stop, the arrow keys move between them.
  await tabTo(page, '#inside summary');
  await page.keyboard.press('Enter');
  await write(page, digits[2]);
  await page.waitForFunction(() => document.querySelector('#inside').dataset.shown === 'true');
  await tabTo(page, '#layers canvas[data-index]');
  const stops = await page.evaluate(() => [...document.querySelectorAll('#layers canvas')].filter((c) => c.tabIndex === 0).length);
  assert.equal(stops, 1, 'the maps are one tab stop');
  assert.match(await page.textContent('#focus-caption'), /input/i);
  await page.keyboard.press('ArrowRight');
  assert.match(await focused(page), /data-index="0"/, 'from the input to the first conv1 map');
  assert.match(await page.textContent('#focus-caption'), /map 1 of 32/);
  await page.keyboard.press('ArrowRight');
  assert.match(await page.textContent('#focus-caption'), /map 2 of 32/);
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.closest('[data-layer]').dataset.layer), 'output');

  // Run the report card and stop it.
  await tabTo(page, '#report-card summary');
  await page.keyboard.press('Enter');
  await tabTo(page, '#run-test-set');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => !document.querySelector('#stop-test-set').disabled);
  await tabTo(page, '#stop-test-set');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => ['stopped', 'done'].includes(document.querySelector('#report').dataset.state), null, { timeout: 300_000 });
  assert.equal(await page.evaluate(() => document.querySelector('#report').dataset.state), 'stopped');

  // The confusion matrix: one tab stop, arrow keys between its cells, Enter opens one.
  const cells = await page.evaluate(() => document.querySelectorAll('#confusion button').length);
  if (cells > 1) {
    await tabTo(page, '#confusion button');
    await page.keyboard.press('ArrowRight');
    const cell = await page.evaluate(() => ({ ...document.activeElement.dataset }));
    assert.ok(cell.truth !== undefined, await focused(page));
    await page.keyboard.press('Enter');
    assert.match(await page.textContent('#misread-caption'), new RegExp(`${cell.truth} read as ${cell.answer}`));
  }
});
