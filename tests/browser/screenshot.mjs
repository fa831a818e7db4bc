// The README's screenshot: the release build in headless Chromium (WebGPU on SwiftShader), an
// MNIST test digit drawn on the pad with pointer events, the answer shown. Writes a PNG.
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
  const [digit] = testDigits(DATA, 1);
  await draw(page, place(skeletonStrokes(digit.pixels), 0.75, [0.12, 0.12]), await padBox(page));
  const shown = await answer(page);
  await page.screenshot({ path: out });
  console.log(`drew a ${digit.label}, the page answered ${shown.digit}: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
