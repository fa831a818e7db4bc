// The README's screenshots: the release build in headless Chromium (WebGPU on SwiftShader).
// By default the first four MNIST test digits written on the pad as a number with pointer
// events, the answer shown; with --inside, one digit and the "look inside" panel open, a conv1
// map pointed at. Writes a PNG.
//   node tests/browser/screenshot.mjs [out.png]            (default docs/screenshot.png)
//   node tests/browser/screenshot.mjs --inside [out.png]   (default docs/inside.png)
import { join } from 'node:path';
import { serve, launch, openApp, settled, padBox, draw, answer, DATA, ROOT } from './harness.mjs';
import { testDigits, skeletonStrokes, place } from './strokes.mjs';

const inside = process.argv[2] === '--inside';
const out = process.argv[inside ? 3 : 2] ?? join(ROOT, 'docs', inside ? 'inside.png' : 'screenshot.png');
const server = await serve();
const browser = await launch();
try {
  const page = await openApp(browser, server.url);
  await page.setViewportSize({ width: 1000, height: 760 });
  if (inside) {
    await settled(page);
    const [seven] = testDigits(DATA, 1);
    await page.click('#inside summary');
    await draw(page, place(skeletonStrokes(seven.pixels), 0.8, [0.1, 0.1]), await padBox(page));
    await answer(page);
    await page.waitForFunction(() => document.querySelector('#inside').dataset.shown === 'true');
    await page.hover('#layers [data-layer="conv1"] canvas[data-index="3"]');
    await page.locator('#inside').screenshot({ path: out });
    console.log(`wrote the panel for a drawn ${seven.label}: ${out}`);
  } else {
    const digits = testDigits(DATA, 4);
    const strokes = digits.flatMap((d, i) => place(skeletonStrokes(d.pixels), 0.26, [0.04 + 0.23 * i, 0.3]));
    await draw(page, strokes, await padBox(page));
    await answer(page);
    const read = await page.evaluate(() => document.querySelector('#number').dataset.value);
    await page.screenshot({ path: out });
    console.log(`wrote ${digits.map((d) => d.label).join('')}, the page read ${read}: ${out}`);
  }
} finally {
  await browser.close();
  await server.close();
}
