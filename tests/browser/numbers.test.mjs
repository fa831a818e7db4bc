// Whole numbers on the pad, drawn with real pointer events: MNIST test digits thinned to
// strokes and written side by side at different sizes and spacings are split into their digits
// and read as the number; a
// digit written in two strokes stays one digit; digits whose ink touches are taken apart by
// their strokes, or cut apart; a stray dot is not a digit; letters and scribbles are mostly answered "not
// sure". On the CPU engine (WebGPU disabled), which answers fastest here: what is
// tested is the reading, not the engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, padBox, draw, DATA } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place, generator } from './strokes.mjs';

let page;
const app = servedApp({ webgpu: false }, async ({ browser, server }) => {
  page = await openApp(browser, server.url);
});

/** Waits for the answer to the current drawing; returns the first digit's and the number's hooks. */
async function reading() {
  await page.waitForFunction(() => document.querySelector('#prediction').dataset.busy === 'false',
    null, { timeout: 60_000 });
  return page.evaluate(() => {
    const p = document.querySelector('#prediction').dataset;
    const n = document.querySelector('#number');
    return {
      digit: p.digit, sure: p.sure, count: Number(p.count),
      value: n.dataset.value, boxes: document.querySelectorAll('#boxes .box').length,
      text: document.querySelector('#confidence').textContent,
      panelShown: !n.hidden,
    };
  });
}

test('numbers of 2 to 6 MNIST digits written side by side are read', async () => {
  const box = await padBox(page);
  const count = Number(process.env.NUMBERS ?? 34);
  const random = generator(7);
  const pool = testDigits(DATA, Math.max(200, 4 * count));
  let next = 0;
  let right = 0;
  let split = 0;
  let digitsRight = 0;
  let digitsTotal = 0;
  const misses = [];
  for (let n = 0; n < count; n++) {
    const length = 2 + (n % 5);
    const digits = pool.slice(next, next + length);
    next += length;
    // Cells of the 28-px box side by side, with a gap of up to a fifth of a cell, at a size
    // that fits the pad, and a little up and down.
    const gap = 0.2 * random();
    const cell = Math.min(0.45, 0.94 / (length + gap * (length - 1)));
    const width = cell * (length + gap * (length - 1));
    let x = (1 - width) / 2;
    const strokes = [];
    for (const digit of digits) {
      const y = 0.5 - cell / 2 + (random() - 0.5) * 0.2 * cell;
      strokes.push(...place(digit.strokes, cell, [x, y]));
      x += cell * (1 + gap);
    }
    await page.click('button#clear');
    await draw(page, strokes, box);
    const read = await reading();
    const expected = digits.map((d) => d.label).join('');
    if (read.value === expected) right += 1;
    else misses.push(`${expected} read as ${read.value}`);
    if (read.value.length === expected.length) {
      split += 1;
      digitsTotal += expected.length;
      digitsRight += [...expected].filter((c, i) => read.value[i] === c).length;
    }
    assert.equal(read.count, read.value.length);
    assert.equal(read.boxes, read.count, 'a box around each digit');
    assert.equal(read.digit, read.value[0], 'the digit hooks speak of the first digit');
    assert.ok(!/\b100(\.0)?%/.test(read.text), `no answer is certain: ${read.text}`);
  }
  const rate = right / count;
  console.log(`numbers read: ${right}/${count} = ${(100 * rate).toFixed(1)}%` +
    (misses.length ? ` (${misses.join(', ')})` : '') +
    `; split into the right number of digits: ${split}/${count}; ` +
    `digits of those read right: ${digitsRight}/${digitsTotal}`);
  // Splitting must be right for (nearly) every number, and a number is read right only when
  // every one of its digits is; at least 97 % of the numbers must be (see docs/numbers.md).
  assert.ok(split / count >= 0.97, `only ${split} of ${count} numbers split into their digits`);
  assert.ok(digitsRight / digitsTotal >= 0.98, `digits read right: ${digitsRight}/${digitsTotal}`);
  assert.ok(rate >= 0.97, `only ${(100 * rate).toFixed(1)}% of the numbers were read right`);
});

test('a digit written in two strokes is one digit, and a stray dot is not a digit', async () => {
  const box = await padBox(page);
  await page.click('button#clear');
  // A 4: the open L, then the upright crossing its arm, lifted in between.
  await draw(page, [[[0.35, 0.15], [0.25, 0.55], [0.7, 0.55]], [[0.58, 0.3], [0.58, 0.88]]], box);
  let read = await reading();
  assert.equal(read.count, 1, JSON.stringify(read));
  assert.equal(read.digit, '4');
  assert.ok(!read.panelShown && read.boxes === 0, 'one digit looks as it always did');

  await draw(page, [[[0.92, 0.92], [0.921, 0.921]]], box);
  read = await reading();
  assert.equal(read.count, 1, `a dot became a digit: ${JSON.stringify(read)}`);
  assert.equal(read.digit, '4');
});

test('digits whose ink touches come apart: by their strokes, or cut where only one stroke joins them', async () => {
  const box = await padBox(page);
  // A ring from angle `from` round to it again.
  const ring = (cx, from = 0) => Array.from({ length: 33 }, (_, i) => {
    const a = from + (i / 32) * 2 * Math.PI;
    return [cx + 0.14 * Math.cos(a), 0.5 + 0.2 * Math.sin(a)];
  });
  const touching = () => page.evaluate(() => document.querySelector('#number').dataset.touching);
  // Two 0s whose rings meet (the pad's pen is wider than the gap between them).
  await page.click('button#clear');
  await draw(page, [ring(0.37), ring(0.65)], box);
  let read = await reading();
  assert.equal(read.value, '00', JSON.stringify(read));
  assert.equal(read.boxes, 2);
  assert.equal(await touching(), 'false');
  // The same two rings in one stroke, the pen going on from the first into the second where
  // they meet: no stroke of its own for each, so they are cut down the column where they meet.
  await page.click('button#clear');
  await draw(page, [[...ring(0.37), ...ring(0.65, Math.PI)]], box);
  read = await reading();
  assert.equal(read.value, '00', JSON.stringify(read));
  assert.equal(read.boxes, 2);
  assert.equal(await touching(), 'false');
  // A single wide digit is not cut: a 2 half again as wide as tall.
  await page.click('button#clear');
  await draw(page, [[[0.15, 0.45], [0.3, 0.36], [0.5, 0.33], [0.7, 0.36], [0.8, 0.42], [0.75, 0.5],
    [0.5, 0.58], [0.2, 0.68], [0.85, 0.68]]], box);
  read = await reading();
  assert.equal(read.count, 1, JSON.stringify(read));
  assert.equal(read.digit, '2', JSON.stringify(read));
});

/** Capital and small letters that look like no digit, as strokes in a unit box. */
const LETTERS = {
  A: [[[0.1, 1], [0.5, 0], [0.9, 1]], [[0.3, 0.6], [0.7, 0.6]]],
  E: [[[0.85, 0], [0.15, 0], [0.15, 1], [0.85, 1]], [[0.15, 0.5], [0.7, 0.5]]],
  F: [[[0.85, 0], [0.15, 0], [0.15, 1]], [[0.15, 0.5], [0.7, 0.5]]],
  H: [[[0.15, 0], [0.15, 1]], [[0.85, 0], [0.85, 1]], [[0.15, 0.5], [0.85, 0.5]]],
  K: [[[0.2, 0], [0.2, 1]], [[0.85, 0], [0.2, 0.55], [0.85, 1]]],
  M: [[[0.1, 1], [0.2, 0], [0.5, 0.6], [0.8, 0], [0.9, 1]]],
  N: [[[0.15, 1], [0.15, 0], [0.85, 1], [0.85, 0]]],
  R: [[[0.2, 1], [0.2, 0], [0.7, 0], [0.85, 0.15], [0.85, 0.35], [0.7, 0.5], [0.2, 0.5]], [[0.45, 0.5], [0.85, 1]]],
  V: [[[0.1, 0], [0.5, 1], [0.9, 0]]],
  W: [[[0.05, 0], [0.25, 1], [0.5, 0.4], [0.75, 1], [0.95, 0]]],
  X: [[[0.15, 0], [0.85, 1]], [[0.85, 0], [0.15, 1]]],
  Y: [[[0.15, 0], [0.5, 0.5], [0.85, 0]], [[0.5, 0.5], [0.5, 1]]],
  h: [[[0.2, 0], [0.2, 1]], [[0.2, 0.65], [0.5, 0.45], [0.8, 0.6], [0.8, 1]]],
  m: [[[0.1, 0.4], [0.1, 1]], [[0.1, 0.55], [0.3, 0.4], [0.5, 0.55], [0.5, 1]], [[0.5, 0.55], [0.7, 0.4], [0.9, 0.55], [0.9, 1]]],
  n: [[[0.2, 0.4], [0.2, 1]], [[0.2, 0.6], [0.5, 0.4], [0.8, 0.6], [0.8, 1]]],
  w: [[[0.05, 0.4], [0.25, 1], [0.5, 0.6], [0.75, 1], [0.95, 0.4]]],
};

test('letters and scribbles drawn on the pad are mostly answered "not sure"', async () => {
  // Never trained on: the confidence alone lets most letters through as digits; the novelty
  // limit (docs/numbers.md) turns most of them away.
  const box = await padBox(page);
  const random = generator(11);
  const unsure = { letters: [], scribbles: [] };
  const texts = [];
  for (const [name, strokes] of Object.entries(LETTERS)) {
    for (const [size, at] of [[0.5, [0.25, 0.2]], [0.3, [0.1, 0.5]]]) {
      await page.click('button#clear');
      const placed = strokes.map((s) => s.map(([x, y]) => [at[0] + size * x, at[1] + size * y]));
      await draw(page, placed, box);
      const read = await reading();
      if (read.count !== 1) continue; // the strokes of a letter read as several digits
      unsure.letters.push(read.sure === 'false' ? name : null);
      texts.push(read.text);
    }
  }
  for (let k = 0; k < 30; k++) {
    await page.click('button#clear');
    const points = Array.from({ length: 2 + (k % 5) }, () => [0.15 + 0.7 * random(), 0.15 + 0.7 * random()]);
    await draw(page, [points], box);
    const read = await reading();
    if (read.count !== 1) continue;
    unsure.scribbles.push(read.sure === 'false' ? k : null);
    texts.push(read.text);
  }
  const share = (list) => list.filter((x) => x !== null).length / list.length;
  console.log(`"not sure": letters ${(100 * share(unsure.letters)).toFixed(0)}% of ${unsure.letters.length}, `
    + `scribbles ${(100 * share(unsure.scribbles)).toFixed(0)}% of ${unsure.scribbles.length}`);
  assert.ok(unsure.letters.length >= 24 && unsure.scribbles.length >= 20, JSON.stringify(unsure));
  assert.ok(share(unsure.letters) > 0.5, JSON.stringify(unsure.letters));
  assert.ok(share(unsure.scribbles) > 0.5, JSON.stringify(unsure.scribbles));
  // What the page says when it doubts: two guesses, or that it is unlike any digit.
  const doubts = texts.filter((t) => t.startsWith('not sure'));
  for (const t of doubts) {
    assert.match(t, /^not sure: ((\d) or (?!\2)\d\?|a digit\? nearest \d)( · digits touching\? leave a gap between them)?$/);
  }
  assert.ok(doubts.some((t) => t.includes('a digit?')), JSON.stringify(doubts));
});
