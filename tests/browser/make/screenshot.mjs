// The README's screenshots: the release build in headless Chromium (WebGPU on SwiftShader).
// By default the first four MNIST test digits written on the pad as a number with pointer
// events, the answer shown; with --inside, one digit and the "look inside" panel open, a conv1
// map pointed at; with --teach, a slashed zero (read as 8) taught three times and adapted to,
// the teaching panel and the answer. Writes a PNG.
//   node tests/browser/make/screenshot.mjs [out.png]            (default docs/screenshot.png)
//   node tests/browser/make/screenshot.mjs --inside [out.png]   (default docs/inside.png)
//   node tests/browser/make/screenshot.mjs --teach [out.png]    (default docs/teach.png)
import { join } from 'node:path';
import { serve, launch, openApp, settled, padBox, draw, answer, DATA, ROOT } from '../harness.mjs';
import { testDigits, place } from '../strokes.mjs';

const mode = ['--inside', '--teach'].includes(process.argv[2]) ? process.argv[2].slice(2) : 'number';
const inside = mode === 'inside';
const out = process.argv[mode === 'number' ? 2 : 3]
  ?? join(ROOT, 'docs', { number: 'screenshot.png', inside: 'inside.png', teach: 'teach.png' }[mode]);

/** A slashed zero, as programmers write it; `cx, cy, r` in 0..1 of the pad. */
function slashedZero(cx, cy, r, lean = 0.6) {
  const ring = Array.from({ length: 33 }, (_, i) => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / 32;
    return [cx + 0.6 * r * Math.cos(a), cy + r * Math.sin(a)];
  });
  return [ring, [[cx - lean * r, cy + 1.1 * r], [cx + lean * r, cy - 1.1 * r]]];
}
const server = await serve();
const browser = await launch();
try {
  const page = await openApp(browser, server.url);
  await page.setViewportSize({ width: 1000, height: 760 });
  if (mode === 'teach') {
    await page.setViewportSize({ width: 1000, height: 1250 });
    await settled(page);
    const box = await padBox(page);
    for (const zero of [slashedZero(0.3, 0.35, 0.2), slashedZero(0.65, 0.6, 0.3, 0.5), slashedZero(0.5, 0.5, 0.12, 0.7)]) {
      await page.click('#clear');
      await draw(page, zero, box);
      await answer(page);
      await page.click('button[data-teach="0"]');
    }
    await page.click('#adapt');
    await page.waitForFunction(() => document.body.dataset.adapt !== 'running', null, { timeout: 600_000 });
    await page.click('#clear');
    await draw(page, slashedZero(0.55, 0.45, 0.25), box);
    const read = await answer(page);
    await page.screenshot({ path: out, fullPage: true });
    console.log(`wrote a slashed zero read as ${read.digit} after teaching: ${out}`);
  } else if (inside) {
    await settled(page);
    const [seven] = testDigits(DATA, 1);
    await page.click('#inside summary');
    await draw(page, place(seven.strokes, 0.8, [0.1, 0.1]), await padBox(page));
    await answer(page);
    await page.waitForFunction(() => document.querySelector('#inside').dataset.shown === 'true');
    await page.hover('#layers [data-layer="conv1"] canvas[data-index="3"]');
    await page.locator('#inside').screenshot({ path: out });
    console.log(`wrote the panel for a drawn ${seven.label}: ${out}`);
  } else {
    const digits = testDigits(DATA, 4);
    const strokes = digits.flatMap((d, i) => place(d.strokes, 0.26, [0.04 + 0.23 * i, 0.3]));
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
