// The README's in-page report card: all 10,000 MNIST test digits run in headless Chromium on
// each engine the page has (WebGPU on SwiftShader, then the CPU engine), beside `trainer eval`
// on the same weights. Prints figures; asserts nothing. WebGPU on SwiftShader reads ≈ 8–12
// digits a second, so this takes about 20 minutes.
//   TRAINER_BIN=<target>/release/trainer node tests/browser/bench/report-card.mjs [digits]
import { execFileSync } from 'node:child_process';
import { serve, launch, openApp, TRAINER, WEIGHTS, DATA } from '../harness.mjs';

const limit = process.argv[2] ? `?test-limit=${Number(process.argv[2])}` : '';
const server = await serve();
const browser = await launch();
try {
  const page = await openApp(browser, `${server.url}${limit}`, { engine: 'webgpu' });
  await page.click('#report-card summary');
  await page.click('button#run-test-set');
  await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.querySelector('#report').dataset.state),
    null, { timeout: 3_600_000, polling: 1000 });
  const engines = await page.evaluate(() => [...document.querySelectorAll('#report-engines tr[data-backend]')].map((r) => ({ ...r.dataset })));
  for (const e of engines) {
    console.log(`page, ${e.backend}: ${(Number(e.accuracy) * 100).toFixed(2)} % of ${e.n} test digits, ${e.ips} images/s`);
  }
  const native = JSON.parse(execFileSync(TRAINER, ['eval', '--weights', WEIGHTS, '--data', DATA, '--json']).toString());
  console.log(`trainer eval: ${(native.accuracy * 100).toFixed(2)} % of ${native.n} test digits`);
} finally {
  await browser.close();
  await server.close();
}
