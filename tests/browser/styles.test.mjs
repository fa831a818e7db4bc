// Writing styles MNIST barely has, drawn on the pad with real pointer events and read by the
// shipped weights: the crossed 7 and the flagged 1 (with or without a base) written across
// Europe and Latin America, and the open 4. Half the drawings are made here from simple pen paths (a person's
// two or three strokes, at random proportions, slant, size and place), half from MNIST test
// 7s and 1s thinned to strokes with a bar or a flag added. Nothing here shares code with the
// training augmentation that made such digits in Rust. On the CPU engine (WebGPU disabled).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, padBox, draw, DATA } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place, generator } from './strokes.mjs';

let page;
const app = servedApp({ webgpu: false }, async ({ browser, server }) => {
  page = await openApp(browser, server.url);
});

const lerp = (a, b, t) => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
/** A straight pen path from a to b, a point every twentieth of the box. */
const path = (a, b) => {
  const n = Math.max(2, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) * 20));
  return Array.from({ length: n + 1 }, (_, i) => lerp(a, b, i / n));
};
const joined = (...points) => points.slice(1).flatMap((p, i) => path(points[i], p).slice(i ? 1 : 0));

/** A bar across a stem at `at`, slightly tilted, for a digit `height` tall. */
function crossbar(at, height, random) {
  const length = height * (0.35 + 0.25 * random());
  const left = length * (0.35 + 0.3 * random());
  const tilt = length * 0.15 * (random() - 0.5);
  return path([at[0] - left, at[1] + tilt], [at[0] - left + length, at[1] - tilt]);
}

/** An up-stroke into `top` from down and to the left, and sometimes a base under `foot`. */
function flagAndBase(top, foot, height, random) {
  const angle = ((25 + 35 * random()) * Math.PI) / 180;
  const length = height * (0.2 + 0.25 * random());
  const flag = [top[0] - length * Math.sin(angle), top[1] + length * Math.cos(angle)];
  const half = height * (0.15 + 0.12 * random());
  const base = random() < 0.5 ? [path([foot[0] - half, foot[1]], [foot[0] + half, foot[1]])] : [];
  return { flag, base };
}

/** A crossed 7 as a person draws it: the top and the stem in one stroke, then the bar. */
function penSeven(random) {
  const topLeft = [0.1 + 0.1 * random(), 0.05 + 0.1 * random()];
  const topRight = [0.8 + 0.15 * random(), 0.05 + 0.1 * random()];
  const foot = [0.3 + 0.3 * random(), 0.9 + 0.08 * random()];
  // Half begin with a small tick down at the left of the top.
  const tick = random() < 0.5 ? [[topLeft[0] - 0.02, topLeft[1] + 0.08 + 0.1 * random()]] : [];
  const at = lerp(topRight, foot, 0.45 + 0.15 * random());
  return [joined(...tick, topLeft, topRight, foot), crossbar(at, foot[1] - topRight[1], random)];
}

/** A flagged 1 as a person draws it: the flag and the stem in one stroke, maybe a base. */
function penOne(random) {
  const top = [0.5 + 0.15 * random(), 0.05 + 0.05 * random()];
  const foot = [top[0] - 0.15 * random(), 0.92 + 0.06 * random()];
  const { flag, base } = flagAndBase(top, foot, foot[1] - top[1], random);
  return [joined(flag, top, foot), ...base];
}

/** Strokes' box in 0..1. */
function bounds(strokes) {
  const xs = strokes.flat().map((p) => p[0]);
  const ys = strokes.flat().map((p) => p[1]);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** An MNIST test 7 thinned to strokes, with a bar across its stem at mid-height. */
function mnistSeven(strokes, random) {
  const b = bounds(strokes);
  const height = b.y1 - b.y0;
  const y = b.y0 + height * (0.45 + 0.15 * random());
  // Where the stem crosses that height: the nearest point of the strokes.
  const near = strokes.flat().reduce((best, p) => (Math.abs(p[1] - y) < Math.abs(best[1] - y) ? p : best));
  return [...strokes, crossbar([near[0], y], height, random)];
}

/** An MNIST test 1 thinned to strokes, with a flag into its top and sometimes a base. */
function mnistOne(strokes, random) {
  const b = bounds(strokes);
  const points = strokes.flat();
  const top = points.reduce((best, p) => (p[1] < best[1] ? p : best));
  const foot = points.reduce((best, p) => (p[1] > best[1] ? p : best));
  const { flag, base } = flagAndBase(top, foot, b.y1 - b.y0, random);
  return [...strokes, path(flag, top), ...base];
}

/**
 * Draws each of `drawings` at a third to four fifths of the pad, anywhere it fits, and counts
 * those read as their label.
 */
async function readAll(drawings, random, box) {
  let right = 0;
  const misses = [];
  for (const { kind, label, strokes } of drawings) {
    const size = 0.35 + 0.45 * random();
    const at = [(1 - size) * random(), (1 - size) * random()];
    await page.click('button#clear');
    await draw(page, place(strokes, size, at), box);
    await page.waitForFunction(() => document.querySelector('#prediction').dataset.busy === 'false',
      null, { timeout: 60_000 });
    const read = await page.evaluate(() => ({
      digit: document.querySelector('#prediction').dataset.digit,
      value: document.querySelector('#number').dataset.value,
    }));
    if (read.value === label) right += 1;
    else misses.push(`${kind} (size ${size.toFixed(2)}) read as ${read.value || read.digit}`);
  }
  return { right, misses };
}

test('crossed 7s and flagged 1s drawn on the pad are read as 7 and 1', async () => {
  const box = await padBox(page);
  const perKind = Number(process.env.STYLE_DRAWINGS ?? 12);
  const random = generator(17);
  const digits = testDigits(DATA, 400);
  const sevens = digits.filter((d) => d.label === 7).slice(0, perKind);
  const ones = digits.filter((d) => d.label === 1).slice(0, perKind);
  const drawings = [];
  for (let k = 0; k < perKind; k++) {
    drawings.push({ kind: 'pen 7', label: '7', strokes: penSeven(random) });
    drawings.push({ kind: 'pen 1', label: '1', strokes: penOne(random) });
    drawings.push({ kind: 'MNIST 7', label: '7', strokes: mnistSeven(sevens[k].strokes, random) });
    drawings.push({ kind: 'MNIST 1', label: '1', strokes: mnistOne(ones[k].strokes, random) });
  }
  const { right, misses } = await readAll(drawings, random, box);
  const rate = right / drawings.length;
  console.log(`crossed 7s and flagged 1s read right: ${right}/${drawings.length} = ` +
    `${(100 * rate).toFixed(1)}%${misses.length ? ` (${misses.join('; ')})` : ''}`);
  assert.ok(drawings.length >= 40);
  assert.ok(rate >= 0.95, `only ${right} of ${drawings.length} read right: ${misses.join('; ')}`);
});

/**
 * An open 4 as a person draws it: the arm down to the bar and the bar in one stroke, then the
 * stem, which does not meet the arm at the top. Some arms lean, some stems start lower.
 */
function penFour(random) {
  const stemTop = [0.55 + 0.2 * random(), 0.02 + 0.15 * random()];
  const foot = [stemTop[0] - 0.1 * random() + 0.03, 0.92 + 0.06 * random()];
  const barY = 0.5 + 0.2 * random();
  const armFoot = [stemTop[0] - 0.35 - 0.25 * random(), barY];
  const armTop = [armFoot[0] + 0.15 * (random() - 0.3), 0.02 + 0.15 * random()];
  const barEnd = [stemTop[0] + 0.08 + 0.15 * random(), barY - 0.04 * random()];
  return [joined(armTop, armFoot, barEnd), joined(stemTop, foot)];
}

test('open 4s drawn on the pad are read as 4', async () => {
  const box = await padBox(page);
  const random = generator(23);
  const count = Number(process.env.STYLE_DRAWINGS ?? 12) * 2;
  const drawings = Array.from({ length: count }, () => ({ kind: 'pen 4', label: '4', strokes: penFour(random) }));
  const { right, misses } = await readAll(drawings, random, box);
  console.log(`open 4s read right: ${right}/${count}${misses.length ? ` (${misses.join('; ')})` : ''}`);
  assert.ok(right / count >= 0.95, `only ${right} of ${count} read right: ${misses.join('; ')}`);
});
