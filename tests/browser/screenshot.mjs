// The README's screenshot: the release build in headless Chromium (WebGPU on SwiftShader), the
// first four MNIST test digits written on the pad as a number with pointer events, the answer
// shown. Writes a PNG.
//   node tests/browser/screenshot.mjs [out.png]   (default docs/screenshot.png)
import { join } from 'node:path';
import { serve, launch, openApp, padBox, draw, answer, DATA, ROOT } from './harness.mjs';
import { testDigits, skeletonStrokes, place } from './strokes.mjs';

const out = process.argv[2] ?? join(ROOT, 'docs', 'screenshot.png');
const server = await serve();
const browser = await launch();
try {
  const page = await openApp(browser, server.url);
  await page.setViewportSize({ width: 1000, height: 760 });
  const digits = testDigits(DATA, 4);
  const strokes = digits.flatMap((d, i) => place(skeletonStrokes(d.pixels), 0.26, [0.04 + 0.23 * i, 0.3]));
  await draw(page, strokes, await padBox(page));
  await answer(page);
  const read = await page.evaluate(() => document.querySelector('#number').dataset.value);
  await page.screenshot({ path: out });
  console.log(`wrote ${digits.map((d) => d.label).join('')}, the page read ${read}: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
