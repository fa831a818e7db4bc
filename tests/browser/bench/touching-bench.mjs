// How numbers whose digits touch are read: MNIST test digits 200 onwards, thinned to strokes and
// written with pointer events, each digit overlapping the one before by GAP (a share of its
// cell; -0.45 makes most of their inks touch). Prints how many numbers were split into the
// right number of digits, read right, and reported as touching. A benchmark, not a test:
//   node tests/browser/bench/touching-bench.mjs            (the build in dist/)
//   DIST_DIR=<other dist> GAP=-0.3 node tests/browser/bench/touching-bench.mjs
import { serve, launch, openApp, padBox, draw, DATA } from '../harness.mjs';
import { testDigits, place } from '../strokes.mjs';
const count = 30;
const gap = Number(process.env.GAP ?? -0.45);
const server = await serve();
const browser = await launch({ webgpu: false });
const page = await openApp(browser, server.url);
const box = await padBox(page);
const pool = testDigits(DATA, 200 + 3 * count).slice(200);
let next = 0;
let split = 0;
let right = 0;
let flagged = 0;
for (let n = 0; n < count; n++) {
  const length = 2 + (n % 3);
  const digits = pool.slice(next, next + length);
  next += length;
  const cell = Math.min(0.45, 0.94 / (length + gap * (length - 1)));
  let x = (1 - cell * (length + gap * (length - 1))) / 2;
  const strokes = [];
  for (const digit of digits) {
    strokes.push(...place(digit.strokes, cell, [x, 0.5 - cell / 2]));
    x += cell * (1 + gap);
  }
  await page.click('button#clear');
  await draw(page, strokes, box);
  await page.waitForFunction(() => document.querySelector('#prediction').dataset.busy === 'false',
    null, { timeout: 60_000 });
  const read = await page.evaluate(() => ({
    value: document.querySelector('#number').dataset.value,
    touching: document.querySelector('#number').dataset.touching,
    count: Number(document.querySelector('#prediction').dataset.count),
  }));
  if (read.count === length) split += 1;
  if (read.value === digits.map((d) => d.label).join('')) right += 1;
  if (read.touching === 'true') flagged += 1;
}
console.log(`overlap ${-gap} of a cell, ${count} numbers of 2-4 digits: split into the right ` +
  `number of digits ${split}, read right ${right}, reported as touching ${flagged}`);
await browser.close();
await server.close();
