// The documentation and source pages the build carries (crates/docs, under source/): reached
// from the app's footer, every link between them leads to a page that exists and every
// #anchor to a heading or line on it, the pictures load, nothing breaks the content security
// policy, axe-core finds nothing in either theme, and a page read once is there offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { serve, settled } from './harness.mjs';
import { servedApp } from './fixture.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const app = servedApp({ webgpu: false });

/** The ids and links of the page at `url`, from its HTML; null when it is not served. */
async function parse(url) {
  const response = await fetch(url);
  if (response.status !== 200) return null;
  const html = await response.text();
  const ids = new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]));
  const links = [...html.matchAll(/\s(?:href|src)="([^"]+)"/g)]
    .map((m) => m[1].replaceAll('&amp;', '&'))
    .filter((href) => !/^[a-z]+:/.test(href));
  return { ids, links };
}

test('every link between the documentation and source pages leads somewhere real', async () => {
  const root = new URL('source/', app.server.url).href;
  const seen = new Map();
  const queue = [`${root}README.md.html`, `${root}index.html`];
  const anchors = [];
  const broken = [];
  while (queue.length) {
    const url = queue.shift();
    if (seen.has(url)) continue;
    const page = await parse(url);
    seen.set(url, page ?? { ids: new Set(), links: [] });
    if (!page) broken.push(`${url} is not served`);
    if (!page) continue;
    for (const href of page.links) {
      const target = new URL(href, url);
      const file = target.href.split('#')[0];
      if (!file.startsWith(root)) continue; // the app itself, checked by every other test
      if (/\.(png|svg|jpe?g|css)$/.test(file)) {
        const { status } = await fetch(file);
        if (status !== 200) broken.push(`${url} → ${href} (${status})`);
        continue;
      }
      queue.push(file);
      if (target.hash) anchors.push({ from: url, href, file, id: decodeURIComponent(target.hash.slice(1)) });
    }
  }
  for (const { from, href, file, id } of anchors) {
    if (!seen.get(file).ids.has(id)) broken.push(`${from} → ${href}`);
  }
  console.log(`documentation and source: ${seen.size} pages`);
  assert.ok(seen.size > 100, 'every file of the source has its page');
  assert.deepEqual(broken, []);
});

for (const scheme of ['light', 'dark']) {
  test(`the footer's documentation link opens the README as a page, clean by axe-core, ${scheme} theme`, async () => {
    const context = await app.browser.newContext({ colorScheme: scheme, viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
    await page.goto(app.server.url);
    await settled(page);
    await page.click('footer a[href="source/README.md.html"]');
    await page.waitForLoadState('load');
    assert.match(await page.textContent('h1'), /Digit recogniser/);
    const images = await page.evaluate(() => [...document.images].map((i) => [i.getAttribute('src'), i.naturalWidth]));
    assert.ok(images.length >= 3, 'the screenshots are shown');
    assert.deepEqual(images.filter(([, width]) => width === 0), [], 'every picture loads');
    for (const path of ['source/README.md.html', 'source/index.html', 'source/crates/model/src/network.rs.html']) {
      await page.goto(new URL(path, app.server.url).href);
      await page.evaluate(AXE);
      const violations = await page.evaluate(async () => (await window.axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      })).violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
      assert.deepEqual(violations, [], `axe-core on ${path}`);
    }
    // The way back.
    await page.click('nav a:text("The app")');
    await settled(page);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('a documentation page read once is there offline', async () => {
  const own = await serve();
  const context = await app.browser.newContext();
  const page = await context.newPage();
  await page.goto(own.url);
  await settled(page);
  await page.waitForFunction(() => document.body.dataset.offline === 'ready' && navigator.serviceWorker.controller);
  await page.click('footer a[href="source/README.md.html"]');
  await page.waitForLoadState('load');
  await own.close();
  await page.goto(`${own.url}source/README.md.html`);
  assert.match(await page.textContent('h1'), /Digit recogniser/);
  await context.close();
});
