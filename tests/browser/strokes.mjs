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

/** Zhang–Suen thinning of a `side`×`side` binary image (1 = ink). */
function thin(img, side) {
  const at = (x, y) => (x < 0 || y < 0 || x >= side || y >= side ? 0 : img[y * side + x]);
  let changed = true;
  while (changed) {
    changed = false;
    for (const pass of [0, 1]) {
      const remove = [];
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          if (!img[y * side + x]) continue;
          const p = [at(x, y - 1), at(x + 1, y - 1), at(x + 1, y), at(x + 1, y + 1),
            at(x, y + 1), at(x - 1, y + 1), at(x - 1, y), at(x - 1, y - 1)];
          const b = p.reduce((s, v) => s + v, 0);
          let a = 0;
          for (let k = 0; k < 8; k++) if (!p[k] && p[(k + 1) % 8]) a++;
          const [p2, , p4, , p6, , p8] = p;
          const ok = pass === 0 ? (!(p2 && p4 && p6) && !(p4 && p6 && p8)) : (!(p2 && p4 && p8) && !(p2 && p6 && p8));
          if (b >= 2 && b <= 6 && a === 1 && ok) remove.push(y * side + x);
        }
      }
      for (const i of remove) img[i] = 0;
      if (remove.length) changed = true;
    }
  }
  return img;
}

/**
 * The skeleton pixels joined to (x, y): its 8 neighbours, less a diagonal one that a shared
 * side neighbour already joins (a staircase is one line, not a chain of triangles).
 */
function neighbours(img, side, x, y) {
  const on = (x, y) => x >= 0 && y >= 0 && x < side && y < side && img[y * side + x];
  const n = [];
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
    if (!(dx || dy) || !on(x + dx, y + dy)) continue;
    if (dx && dy && (on(x + dx, y) || on(x, y + dy))) continue;
    n.push([x + dx, y + dy]);
  }
  return n;
}

/** Traces a skeleton into polylines that cover each of its edges once. */
function trace(img, side) {
  const on = (x, y) => x >= 0 && y >= 0 && x < side && y < side && img[y * side + x];
  const joined = (x, y) => neighbours(img, side, x, y);
  const used = new Set();
  const key = (a, b) => (a[1] * side + a[0] < b[1] * side + b[0] ? `${a}|${b}` : `${b}|${a}`);
  const pixels = [];
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) if (on(x, y)) pixels.push([x, y]);
  // Start at ends of lines first, so open strokes are drawn in one go.
  pixels.sort((a, b) => joined(...a).length - joined(...b).length);
  const strokes = [];
  for (const start of pixels) {
    for (;;) {
      let p = start;
      const stroke = [p];
      for (;;) {
        const next = joined(...p).find((q) => !used.has(key(p, q)));
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

// The skeleton is taken FINE times finer than the 28×28 scan: thinned at 28 px, a pencil
// stroke's jagged edge sprouts spurs and a thick stroke's line wanders, so the traced digit is
// not quite the digit that was written.
const FINE = 4;

/** Pen strokes of a digit, in 0..1 of its 28×28 box, short spurs dropped. */
export function skeletonStrokes(pixels) {
  const side = 28 * FINE;
  const img = thin(Uint8Array.from(upsampled(pixels, FINE), (v) => (v >= 100 ? 1 : 0)), side);
  const degree = ([x, y]) => neighbours(img, side, x, y).length;
  // A short piece with a loose end is a spur of the thinning; one between two junctions
  // joins the digit's strokes and stays.
  const spur = (s) => s.length <= 2 * FINE && (degree(s[0]) <= 1 || degree(s[s.length - 1]) <= 1);
  return trace(img, side)
    .filter((s) => !spur(s))
    .map((s) => s.filter((_, i) => i % (2 * FINE) === 0 || i === s.length - 1)
      .map(([x, y]) => [(x + 0.5) / side, (y + 0.5) / side]));
}

/** A 28×28 image enlarged `k` times by bilinear interpolation. */
function upsampled(pixels, k) {
  const side = 28 * k;
  const at = (x, y) => pixels[Math.min(27, Math.max(0, y)) * 28 + Math.min(27, Math.max(0, x))];
  const out = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const fx = (x + 0.5) / k - 0.5, fy = (y + 0.5) / k - 0.5;
      const x0 = Math.floor(fx), y0 = Math.floor(fy), dx = fx - x0, dy = fy - y0;
      out[y * side + x] = at(x0, y0) * (1 - dx) * (1 - dy) + at(x0 + 1, y0) * dx * (1 - dy)
        + at(x0, y0 + 1) * (1 - dx) * dy + at(x0 + 1, y0 + 1) * dx * dy;
    }
  }
  return out;
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
