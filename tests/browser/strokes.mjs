// A stroke set from real handwriting: MNIST test digits thinned to one-pixel skeletons
// (Zhang–Suen) and traced into pen strokes, to be drawn on the pad with pointer events.
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

function idx(dir, name) {
  const raw = join(dir, name);
  return existsSync(raw) ? readFileSync(raw) : gunzipSync(readFileSync(raw + '.gz'));
}

/** The first `count` MNIST test digits: { label, pixels (784 bytes) }. */
export function testDigits(dir, count) {
  const images = idx(dir, 't10k-images-idx3-ubyte');
  const labels = idx(dir, 't10k-labels-idx1-ubyte');
  return Array.from({ length: count }, (_, i) => ({
    label: labels[8 + i],
    pixels: images.subarray(16 + i * 784, 16 + (i + 1) * 784),
  }));
}

/** Zhang–Suen thinning of a 28×28 binary image (1 = ink). */
function thin(img) {
  const at = (x, y) => (x < 0 || y < 0 || x > 27 || y > 27 ? 0 : img[y * 28 + x]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const pass of [0, 1]) {
      const remove = [];
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          if (!img[y * 28 + x]) continue;
          const p = [at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1),
            at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)];
          const b = p.reduce((s, v) => s + v, 0);
          let a = 0;
          for (let k = 0; k < 8; k++) if (!p[k] && p[(k + 1) % 8]) a++;
          const [p2, , p4, , p6, , p8] = p;
          const ok = pass === 0 ? (!(p2 && p4 && p6) && !(p4 && p6 && p8)) : (!(p2 && p4 && p8) && !(p2 && p6 && p8));
          if (b >= 2 && b <= 6 && a === 1 && ok) remove.push(y * 28 + x);
        }
      }
      for (const i of remove) img[i] = 0;
      if (remove.length) changed = true;
    }
  }
  return img;
}

/** Traces a skeleton into polylines that cover each of its edges once. */
function trace(img) {
  const on = (x, y) => x >= 0 && y >= 0 && x < 28 && y < 28 && img[y * 28 + x];
  const neighbours = (x, y) => {
    const n = [];
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      if ((dx || dy) && on(x + dx, y + dy)) n.push([x + dx, y + dy]);
    }
    return n;
  };
  const used = new Set();
  const key = (a, b) => (a[1] * 28 + a[0] < b[1] * 28 + b[0] ? `${a}|${b}` : `${b}|${a}`);
  const pixels = [];
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) if (on(x, y)) pixels.push([x, y]);
  // Start at ends of lines first, so open strokes are drawn in one go.
  pixels.sort((a, b) => neighbours(...a).length - neighbours(...b).length);
  const strokes = [];
  for (const start of pixels) {
    for (;;) {
      let p = start;
      const stroke = [p];
      for (;;) {
        const next = neighbours(...p).find((q) => !used.has(key(p, q)));
        if (!next) break;
        used.add(key(p, next));
        stroke.push(next);
        p = next;
      }
      if (stroke.length > 1) strokes.push(stroke);
      else break;
    }
  }
  return strokes;
}

/** Pen strokes of a digit, in 0..1 of its 28×28 box, short spurs dropped. */
export function skeletonStrokes(pixels) {
  const img = Uint8Array.from(pixels, (v) => (v >= 100 ? 1 : 0));
  return trace(thin(img))
    .filter((s) => s.length >= 3)
    .map((s) => s.filter((_, i) => i % 2 === 0 || i === s.length - 1).map(([x, y]) => [(x + 0.5) / 28, (y + 0.5) / 28]));
}

/** Places strokes (0..1 of a 28-px box) inside the pad: `size` and `at` in 0..1 of the pad. */
export function place(strokes, size, [ox, oy]) {
  return strokes.map((s) => s.map(([x, y]) => [ox + x * size, oy + y * size]));
}

/** A seeded 31-bit generator of numbers in 0..1, so that drawings are the same on every run. */
export function generator(seed) {
  let s = seed;
  return () => { s = (s * 1103515245 + 12345) % 2 ** 31; return s / 2 ** 31; };
}
