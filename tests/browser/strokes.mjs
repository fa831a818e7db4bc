// A stroke set from real handwriting: MNIST test digits thinned to their skeletons and traced
// into pen strokes by the model crate (`trainer strokes`, the tracing training's pen
// augmentation redraws with), to be drawn on the pad with pointer events.
import { readFileSync, existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { TRAINER } from './harness.mjs';

function idx(dir, name) {
  const raw = join(dir, name);
  return existsSync(raw) ? readFileSync(raw) : gunzipSync(readFileSync(raw + '.gz'));
}

/**
 * The first `count` MNIST test digits: { label, pixels (784 bytes), strokes (in 0..1 of the
 * 28-px box) }.
 */
export function testDigits(dir, count) {
  const images = idx(dir, 't10k-images-idx3-ubyte');
  if (!existsSync(TRAINER)) {
    throw new Error(`no trainer at ${TRAINER}: build it (cargo build --release -p mnist-trainer) or set TRAINER_BIN`);
  }
  const traced = JSON.parse(execFileSync(TRAINER, ['strokes', '--data', dir, '--count', String(count)],
    { maxBuffer: 1 << 30 }).toString());
  return traced.map(({ label, strokes }, i) => ({
    label, strokes, pixels: images.subarray(16 + i * 784, 16 + (i + 1) * 784),
  }));
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
