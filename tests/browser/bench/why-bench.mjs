// Browser figures for "Why this answer?" by gradient: for 8 MNIST test digits drawn with
// pointer events, the time from asking again (the button toggled off and on) to the gradient
// overlay shown, with the teaching worker already loaded; on the CPU engine (no WebGPU) and
// with WebGPU (SwiftShader) chosen. Prints figures; asserts nothing.
//   node tests/browser/bench/why-bench.mjs
import { serve, launch, openApp, padBox, draw, answer, DATA } from '../harness.mjs';
import { testDigits, place } from '../strokes.mjs';
for (const [webgpu, engine] of [[false, 'auto'], [true, 'webgpu']]) {
  const server = await serve();
  const browser = await launch({ webgpu });
  const page = await openApp(browser, server.url, { engine });
  await page.click('button#why');
  const times = [];
  for (const d of testDigits(DATA, 8)) {
    await page.click('#clear');
    await draw(page, place(d.strokes, 0.7, [0.15, 0.15]), await padBox(page));
    await answer(page);
    const t0 = Date.now();
    await page.evaluate(() => { document.querySelector('#saliency').dataset.method = 'pending'; });
    await page.click('#why'); await page.click('#why'); // explain this drawing again
    await page.waitForFunction(() => document.querySelector('#saliency').dataset.method === 'gradient', null, { timeout: 120000 });
    times.push(Date.now() - t0);
  }
  console.log(webgpu ? 'WebGPU chosen' : 'CPU engine', 'ms from asking to the gradient shown:', times.join(', '));
  await browser.close(); await server.close();
}
