// Browser figures for teaching: 30 examples (three of each digit, MNIST test digits thinned to
// strokes and drawn with pointer events) taught, then adapted to twice (the first adapt also
// loads the teaching worker and reads the replay digits' features; the second reuses them), on
// the CPU engine and with WebGPU (SwiftShader) chosen. Reports the worker's own time, the time
// from the click to the personal model answering, and the longest task on the page's thread
// while the worker adapts and then while the page loads the new weights. Prints figures; asserts nothing.
//   node tests/browser/bench/adapt-bench.mjs [cpu|webgpu]   (both when not given)
import { serve, launch, chooseEngine, settled, padBox, draw, answer, DATA } from '../harness.mjs';
import { testDigits, place } from '../strokes.mjs';

const PER_DIGIT = 3;

/** Polls from node (a promise-returning waitForFunction would pass at once). */
async function until(page, check, timeout = 600_000) {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(check))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${check}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function bench(webgpu, engine) {
  const server = await serve();
  const browser = await launch({ webgpu });
  try {
    const context = await browser.newContext();
    await chooseEngine(context, engine);
    // Long tasks on the page's thread, and when the worker's answer came (it sets data-ms).
    await context.addInitScript(() => {
      window.__tasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__tasks.push([e.startTime, e.duration]);
      }).observe({ type: 'longtask' });
      new MutationObserver(() => { window.__endedAt ??= performance.now(); })
        .observe(document, { subtree: true, attributeFilter: ['data-ms'] });
    });
    const page = await context.newPage({ viewport: { width: 900, height: 900 } });
    await page.goto(server.url);
    await settled(page);
    const box = await padBox(page);
    const counts = new Array(10).fill(0);
    for (const digit of testDigits(DATA, 200)) {
      if (counts[digit.label] >= PER_DIGIT) continue;
      counts[digit.label] += 1;
      await page.click('#clear');
      await draw(page, place(digit.strokes, 0.5, [0.25, 0.25]), box);
      await answer(page);
      await page.click(`button[data-teach="${digit.label}"]`);
    }
    const figures = [];
    for (const round of ['first', 'second']) {
      await page.evaluate(() => { window.__tasks = []; window.__endedAt = undefined; });
      const t0 = Date.now();
      await page.click('#adapt');
      await until(page, () => document.body.dataset.adapt !== 'running');
      await until(page, () => document.querySelector('#prediction').dataset.busy === 'false');
      const wall = Date.now() - t0;
      const state = await page.evaluate(() => ({
        adapt: document.body.dataset.adapt, backend: document.body.dataset.backend,
        ...document.querySelector('#adapt-progress').dataset,
        during: Math.max(0, ...window.__tasks.filter(([at]) => at < window.__endedAt).map(([, d]) => d)),
        after: Math.max(0, ...window.__tasks.filter(([at]) => at >= window.__endedAt).map(([, d]) => d)),
        message: document.querySelector('#teach-message').textContent,
        status: document.querySelector('#status').textContent,
      }));
      if (state.adapt !== 'done') throw new Error(state.message);
      figures.push(`${round} adapt: ${state.ms} ms in the worker on ${state.backend}, ${wall} ms from the click ` +
        `to the personal model answering on ${state.backend === 'webgpu' ? 'WebGPU' : 'the page\'s'} engine; ` +
        `longest task on the page's thread while the worker adapts ${state.during.toFixed(0)} ms, ` +
        `then while the page loads the new weights ${state.after.toFixed(0)} ms; final loss ${state.loss}`,
        `  status: ${state.status}`);
    }
    return figures;
  } finally {
    await browser.close();
    await server.close();
  }
}

const only = process.argv[2];
for (const [webgpu, engine, name] of [[false, 'auto', 'CPU engine (no WebGPU)'], [true, 'webgpu', 'WebGPU (SwiftShader) chosen']]) {
  if (only && only !== (webgpu ? 'webgpu' : 'cpu')) continue;
  console.log(`${name}, ${10 * PER_DIGIT} examples:`);
  for (const line of await bench(webgpu, engine)) console.log(`  ${line}`);
}
