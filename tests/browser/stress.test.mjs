// The pad under abuse: a pointer leaving it mid-stroke, two fingers at once, thousands of
// strokes and one very long stroke. The page must stay responsive and end on the right answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, padBox, draw, answer } from './harness.mjs';
import { servedApp } from './fixture.mjs';

let page;
let box;
const app = servedApp({}, async ({ browser, server }) => {
  page = await openApp(browser, server.url);
  box = await padBox(page);
});

const at = (x, y) => [box.x + x * box.width, box.y + y * box.height];

test('a stroke that leaves the pad and ends outside it still counts, and drawing goes on', async () => {
  await page.click('button#clear');
  await page.mouse.move(...at(0.5, 0.15));
  await page.mouse.down();
  await page.mouse.move(...at(0.5, 0.85), { steps: 10 });
  await page.mouse.move(...at(0.5, 1.6), { steps: 10 }); // well below the pad
  await page.mouse.up();
  assert.equal((await answer(page)).digit, '1');
  await page.click('button#clear');
  await draw(page, [[[0.25, 0.2], [0.75, 0.2], [0.45, 0.85]]], box);
  assert.equal((await answer(page)).digit, '7', 'the pad is not stuck in the old stroke');
});

test('a second finger does not draw while the first one is drawing', async () => {
  await page.click('button#clear');
  await answer(page);
  const cdp = await page.context().newCDPSession(page);
  const touch = (type, points) => cdp.send('Input.dispatchTouchEvent', {
    type,
    touchPoints: points.map(([x, y], id) => ({ x, y, id, radiusX: 2, radiusY: 2, force: 1 })),
  });
  // Finger 0 draws a vertical line; finger 1 sweeps across the top at the same time.
  await touch('touchStart', [at(0.5, 0.15), at(0.15, 0.3)]);
  for (let i = 1; i <= 20; i++) {
    await touch('touchMove', [at(0.5, 0.15 + 0.035 * i), at(0.15 + 0.035 * i, 0.3)]);
  }
  await touch('touchEnd', []);
  assert.equal((await answer(page)).digit, '1');
  await cdp.detach();
});

test('thousands of strokes and a very long one keep the page responsive', async () => {
  await page.click('button#clear');
  // 2,000 dots along a vertical line: a dotted 1.
  for (let i = 0; i < 2000; i++) {
    const [x, y] = at(0.5 + ((i * 7) % 5) * 0.004, 0.15 + (0.7 * i) / 2000);
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.up();
  }
  assert.equal((await answer(page)).digit, '1');
  const started = Date.now();
  await page.click('button#undo');
  await answer(page);
  console.log(`undo with 2,000 strokes answered in ${Date.now() - started} ms`);

  // One stroke of 5,000 points scribbling a 0, round and round.
  await page.click('button#clear');
  await page.mouse.move(...at(0.5, 0.15));
  await page.mouse.down();
  for (let i = 0; i <= 5000; i++) {
    const t = (2 * Math.PI * i) / 500;
    await page.mouse.move(...at(0.5 + 0.25 * Math.sin(t), 0.5 - 0.35 * Math.cos(t)));
  }
  await page.mouse.up();
  assert.equal((await answer(page)).digit, '0');
  assert.equal(await page.evaluate(() => document.body.dataset.state), 'ready');
});
