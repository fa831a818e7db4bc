// Training speed in the page beside native: one epoch on the same first N training digits with
// the same recipe, by `trainer bench-epoch` on flex (the page's CPU backend, natively) and by
// the page's training worker on the CPU engine and, where the browser has it, on WebGPU
// (SwiftShader here: a software renderer, for the record). Also the longest task on the page's
// thread while training. Prints figures; asserts nothing.
//   node tests/browser/bench/train-bench.mjs [digits] [cpu|webgpu]   (5120, both when not given)
import { execFileSync } from 'node:child_process';
import { serve, launch, chooseEngine, settled, DATA, TRAINER } from '../harness.mjs';

const digits = process.argv[2] ?? '5120';
const only = process.argv[3];

/** Polls from node (a promise-returning waitForFunction would pass at once). */
async function until(page, check, timeout = 3_600_000) {
  const end = Date.now() + timeout;
  while (!(await page.evaluate(check))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${check}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function inPage(engine) {
  const server = await serve();
  const browser = await launch({ webgpu: engine === 'webgpu' });
  try {
    const context = await browser.newContext();
    await chooseEngine(context, engine);
    await context.addInitScript(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: 'longtask' });
    });
    const page = await context.newPage({ viewport: { width: 900, height: 900 } });
    await page.goto(`${server.url}?train-digits=${digits}&test-limit=100`);
    await settled(page);
    await page.click('#train-card > summary');
    await page.fill('#train-epochs', '1');
    // Warm: the digits fetched and the worker started by a first, stopped, run.
    await page.click('#train-start');
    await until(page, () => Number(document.querySelector('#train-curve').dataset.steps) >= 1);
    await page.click('#train-stop');
    await until(page, () => document.body.dataset.train !== 'running');
    await page.evaluate(() => { window.__longest = 0; });
    await page.click('#train-start');
    // The speed after the last step; then stop, which skips validating (minutes on SwiftShader).
    await until(page, () => {
      const curve = document.querySelector('#train-curve').dataset;
      return document.body.dataset.train !== 'running' || (curve.steps !== '0' && curve.steps === curve.total);
    });
    const figures = await page.evaluate(() => ({
      state: document.body.dataset.train,
      backend: document.body.dataset.backend,
      ips: Number(document.querySelector('#train-speed').textContent.match(/^(\d+) images a second/)?.[1]),
      longest: window.__longest,
      message: document.querySelector('#train-message').textContent,
    }));
    await page.click('#train-stop');
    await until(page, () => document.body.dataset.train !== 'running');
    if (!(figures.ips > 0)) throw new Error(figures.message);
    return figures;
  } finally {
    await browser.close();
    await server.close();
  }
}

const native = JSON.parse(execFileSync(TRAINER, ['bench-epoch', '--data', DATA, '--limit', digits, '--backend', 'flex'])
  .toString().trim().split('\n').pop());
console.log(`native, trainer bench-epoch on flex: ${native.train_img_s.toFixed(0)} images a second (${digits} digits, one epoch)`);
for (const engine of only ? [only] : ['cpu', 'webgpu']) {
  const page = await inPage(engine);
  const ips = Number(page.ips);
  console.log(`in the page, ${page.backend}: ${ips.toFixed(0)} images a second, ` +
    `${(ips / native.train_img_s).toFixed(2)} of native; longest task on the page's thread ${page.longest.toFixed(0)} ms`);
}
