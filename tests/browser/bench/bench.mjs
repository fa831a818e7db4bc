// Browser figures for the README: sizes of what the page loads (raw, gzip, brotli), time from
// navigation to `ready` (answering on the CPU) and to the engine settled, which engine the page
// picks and how it timed them, the page's start-up marks, pen-up-to-answer latency and its
// stages (pad pixels + preprocess; network with upload and read-back), the same with the "look
// inside" panel open, the page's longest task and frame gap while drawing, in headless
// Chromium: WebGPU on SwiftShader with the engine on auto and with WebGPU chosen, and without
// WebGPU. Prints figures; asserts nothing.
//   node tests/browser/bench/bench.mjs [runs]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';
import { serve, launch, openApp, chooseEngine, settled, padBox, draw, answer, DIST, DATA } from '../harness.mjs';
import { testDigits, place } from '../strokes.mjs';

const runs = Number(process.argv[2] ?? 15);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const mb = (n) => `${(n / 1e6).toFixed(2)} MB`;

function sizes() {
  const rows = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      // The test set is fetched only for the report card, the teaching worker and its replay
      // digits only when the user adapts: not by the page's start-up.
      else if (!name.startsWith('.') && !name.endsWith('.json') && !path.includes('testset')) {
        const bytes = readFileSync(path);
        const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
        const file = path.slice(DIST.length + 1);
        const onDemand = file.startsWith('mnist-teach') || file.startsWith('replay/');
        rows.push({ file, onDemand, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, brotli });
      }
    }
  };
  walk(DIST);
  return rows;
}

async function timings(webgpu, engine) {
  const server = await serve();
  const browser = await launch({ webgpu });
  const ready = [];
  const settle = [];
  const marks = {};
  const penUp = [];
  const prepare = [];
  const model = [];
  const penUpOpen = [];
  const modelOpen = [];
  const digits = testDigits(DATA, runs);
  let picked;
  let longest;
  try {
    for (let i = 0; i < Math.min(runs, 5); i++) {
      const context = await browser.newContext();
      await chooseEngine(context, engine);
      const page = await context.newPage();
      const t0 = Date.now();
      await page.goto(server.url);
      await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 180_000 });
      ready.push(Date.now() - t0);
      await settled(page);
      settle.push(Date.now() - t0);
      // The page's own account of its start-up, in ms from navigation.
      const entries = await page.evaluate(() => [
        ['wasm downloaded', performance.getEntriesByType('resource').find((r) => r.name.endsWith('_bg.wasm'))?.responseEnd],
        ...performance.getEntriesByType('mark').map((m) => [m.name, m.startTime]),
      ]);
      for (const [name, at] of entries) if (at !== undefined) (marks[name] ??= []).push(at);
      await context.close();
    }
    const page = await openApp(browser, server.url, { engine });
    picked = await page.evaluate(() => ({ backend: document.body.dataset.backend, ...document.querySelector('#engine')?.dataset }));
    const box = await padBox(page);
    await page.evaluate(() => {
      // The page's thread while drawing: its longest task (the browser reports those over
      // 50 ms) and the longest gap between two frames.
      window.__frameGap = 0;
      window.__drawn = [];
      window.__tasks = [];
      new PerformanceObserver((list) => window.__tasks.push(...list.getEntries())).observe({ type: 'longtask' });
      let last = null;
      const frame = (t) => {
        if (last !== null && window.__drawing) window.__frameGap = Math.max(window.__frameGap, t - last);
        last = t;
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
      window.__penUp = [];
      const pad = document.querySelector('#pad');
      const prediction = document.querySelector('#prediction');
      let up = null;
      pad.addEventListener('pointerup', () => { up = performance.now(); });
      new MutationObserver(() => {
        if (up !== null && prediction.dataset.busy === 'false') { window.__penUp.push(performance.now() - up); up = null; }
      }).observe(prediction, { attributes: true, attributeFilter: ['data-busy'] });
    });
    // Closed, then open: the panel's layers come from the same pass, read back with the answer.
    for (const open of [false, true]) {
      if (open) {
        await page.click('#inside summary');
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      for (const digit of digits) {
        await page.click('button#clear');
        await answer(page);
        await page.evaluate(() => { window.__penUp.splice(0); window.__drawing = performance.now(); });
        await draw(page, place(digit.strokes, 0.7, [0.15, 0.15]), box);
        await answer(page);
        await page.evaluate(() => { window.__drawn.push([window.__drawing, performance.now()]); window.__drawing = false; });
        // The answer may already be final when the pen lifts: that counts as 0 ms.
        const last = await page.evaluate(() => window.__penUp.at(-1) ?? 0);
        (open ? penUpOpen : penUp).push(last);
        // The stages of the final answer: pad pixels + preprocess, then the network with upload
        // and read-back.
        const stages = await page.evaluate(() => ({ ...document.querySelector('#prediction').dataset }));
        if (!open) prepare.push(Number(stages.prepareMs));
        (open ? modelOpen : model).push(Number(stages.modelMs));
      }
    }
    longest = await page.evaluate(() => {
      // Tasks that began while a digit was drawn and answered (not opening the panel).
      const during = window.__tasks.filter((t) => window.__drawn.some(([a, b]) => t.startTime >= a && t.startTime <= b));
      return { frameGap: window.__frameGap, task: Math.max(0, ...during.map((t) => t.duration)) };
    });
  } finally {
    await browser.close();
    await server.close();
  }
  return {
    marks: Object.entries(marks).map(([name, at]) => `${name} ${median(at).toFixed(0)}`).join(', '),
    ready: median(ready), settled: median(settle), penUp: median(penUp), penUpMax: Math.max(...penUp),
    prepare: median(prepare), model: median(model), firstModel: model[0],
    penUpOpen: median(penUpOpen), modelOpen: median(modelOpen), picked, longest,
  };
}

const rows = sizes();
const total = { raw: 0, gzip: 0, brotli: 0 };
const line = (name, r) => `  ${name.padEnd(42)} ${mb(r.raw).padStart(10)} raw ${mb(r.gzip).padStart(10)} gzip ${mb(r.brotli).padStart(10)} brotli`;
console.log('what the page loads before its first answer (dist/, without the model card and the test set):');
for (const r of rows.filter((r) => !r.onDemand)) {
  console.log(line(r.file, r));
  for (const k of Object.keys(total)) total[k] += r[k];
}
console.log(line('total', total));
const adapting = { raw: 0, gzip: 0, brotli: 0 };
console.log('fetched only when the user first adapts:');
for (const r of rows.filter((r) => r.onDemand)) {
  console.log(line(r.file, r));
  for (const k of Object.keys(adapting)) adapting[k] += r[k];
}
console.log(line('total', adapting));
// Auto is what a visitor gets: the page times both engines and answers on the faster.
for (const [webgpu, engine, name] of [[true, 'auto', 'WebGPU (SwiftShader) present, engine auto'],
  [true, 'webgpu', 'WebGPU (SwiftShader) chosen'], [false, 'auto', 'no WebGPU (CPU engine)']]) {
  const t = await timings(webgpu, engine);
  const handOver = webgpu ? `, to the engine settled ${t.settled} ms` : '';
  const timed = t.picked.cpuMs ? ` (timed: CPU ${t.picked.cpuMs} ms, WebGPU ${t.picked.webgpuMs} ms an answer)` : '';
  console.log(`${name}: answers on ${t.picked.backend}${timed}; navigation to ready ${t.ready} ms${handOver} (medians of 5), ` +
    `pen-up to answer ${t.penUp.toFixed(1)} ms median, ${t.penUpMax.toFixed(1)} ms worst (${runs} digits); ` +
    `per answer: preprocess ${t.prepare.toFixed(1)} ms, network ${t.model.toFixed(1)} ms median ` +
    `(first answer's network ${t.firstModel.toFixed(1)} ms)`);
  console.log(`  the page's thread while drawing (closed and open): longest task ${t.longest.task ? `${t.longest.task.toFixed(0)} ms` : 'none over 50 ms'}, ` +
    `longest gap between frames ${t.longest.frameGap.toFixed(0)} ms`);
  console.log(`  with "look inside" open: pen-up to answer ${t.penUpOpen.toFixed(1)} ms median, ` +
    `network with the layers' read-back ${t.modelOpen.toFixed(1)} ms median (closed: ${t.penUp.toFixed(1)} and ${t.model.toFixed(1)} ms)`);
  console.log(`  start-up, ms from navigation (medians): ${t.marks}`);
}
