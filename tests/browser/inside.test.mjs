// Looking inside the network, in Chromium with WebGPU (SwiftShader) answering: the panel
// shows every layer for a digit drawn with pointer events, from the same pass as the answer;
// pointing at a map enlarges it (with its filter for conv1); closed, it is left alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openApp, settled, padBox, draw, answer, DATA } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place } from './strokes.mjs';

let page;
const app = servedApp({}, async ({ browser, server }) => {
  page = await openApp(browser, server.url, { engine: 'webgpu' });
  await settled(page);
});

/** Per layer: its hook, map count, canvases and their sizes, and each map's brightest pixel. */
function layers() {
  return page.evaluate(() => [...document.querySelectorAll('#layers [data-layer]')].map((s) => {
    const canvases = [...s.querySelectorAll('canvas')];
    const maps = canvases.map((c) => {
      const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let top = 0;
      let at = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] > top) { top = pixels[i]; at = i / 4; }
      return { width: c.width, height: c.height, top, at, sum: pixels.reduce((a, v, i) => a + (i % 4 === 0 ? v : 0), 0) };
    });
    return { layer: s.dataset.layer, maps: Number(s.dataset.maps), canvases: maps };
  }));
}

/** The preview's pixels (red channel), to compare with the panel's input. */
function canvasPixels(selector) {
  return page.evaluate((sel) => {
    const c = document.querySelector(sel);
    return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
  }, selector);
}

test('the panel shows every layer of the answer, on WebGPU', async () => {
  assert.equal(await page.evaluate(() => document.body.dataset.backend), 'webgpu');
  const [digit] = testDigits(DATA, 1); // a 7
  await page.click('#inside summary');
  await page.click('button#clear');
  const box = await padBox(page); // after the click, which may have scrolled the page
  await draw(page, place(digit.strokes, 0.8, [0.1, 0.1]), box);
  const read = await answer(page);
  assert.equal(read.digit, String(digit.label));
  await page.waitForFunction(() => document.querySelector('#inside').dataset.shown === 'true');

  const shown = await layers();
  assert.deepEqual(shown.map((l) => [l.layer, l.maps, l.canvases.length]), [
    ['input', 1, 1], ['conv1', 32, 32], ['pool1', 32, 32], ['conv2', 64, 64],
    ['pool2', 64, 64], ['dense', 1, 1], ['output', 1, 1],
  ]);
  const size = (l) => [shown.find((s) => s.layer === l).canvases[0].width, shown.find((s) => s.layer === l).canvases[0].height];
  assert.deepEqual([size('conv1'), size('pool1'), size('conv2'), size('pool2'), size('dense'), size('output')],
    [[28, 28], [14, 14], [14, 14], [7, 7], [32, 32], [10, 1]]);
  // The input is the preview; every layer has some maps lit and, being ReLU maps of one
  // digit, some dark; the output's brightest cell is the answer.
  assert.deepEqual(await canvasPixels('#layers [data-layer="input"] canvas'), await canvasPixels('#preview'));
  for (const layer of ['conv1', 'pool1', 'conv2', 'pool2']) {
    const lit = shown.find((l) => l.layer === layer).canvases.filter((m) => m.top > 0).length;
    const maps = shown.find((l) => l.layer === layer).maps;
    assert.ok(lit > 0 && lit <= maps, `${layer}: ${lit} of ${maps} maps lit`);
  }
  assert.equal(shown.find((l) => l.layer === 'output').canvases[0].at, digit.label, 'the output layer');
});

test('pointing at a map enlarges it, with the filter that made a conv1 map', async () => {
  await page.hover('#layers [data-layer="conv1"] canvas[data-index="5"]');
  let focus = await page.evaluate(() => ({
    caption: document.querySelector('#focus-caption').textContent,
    filter: !document.querySelector('#focus-filter').hidden,
  }));
  assert.match(focus.caption, /^conv1: .* map 6 of 32$/);
  assert.ok(focus.filter, 'conv1 shows its filter');
  const filter = await canvasPixels('#focus-filter');
  assert.ok(filter.some((v) => v > 0), 'the filter is drawn');
  await page.hover('#layers [data-layer="conv2"] canvas[data-index="63"]');
  focus = await page.evaluate(() => ({
    caption: document.querySelector('#focus-caption').textContent,
    filter: !document.querySelector('#focus-filter').hidden,
  }));
  assert.match(focus.caption, /^conv2: .* map 64 of 64$/);
  assert.ok(!focus.filter, 'a conv2 filter spans 32 maps: none is drawn');
  const enlarged = await canvasPixels('#focus-map');
  assert.ok(enlarged.length === 168 * 168);
});

test('closed, the panel is not updated; opened again, it catches up', async () => {
  await page.click('#inside summary');
  assert.equal(await page.evaluate(() => document.querySelector('#inside').open), false);
  await page.click('button#clear');
  await draw(page, [[[0.5, 0.15], [0.5, 0.85]]], await padBox(page));
  assert.equal((await answer(page)).digit, '1');
  assert.equal(await page.evaluate(() => document.querySelector('#inside').dataset.shown), 'false');
  assert.notDeepEqual(await canvasPixels('#layers [data-layer="input"] canvas'), await canvasPixels('#preview'),
    'no layer work while closed');
  await page.click('#inside summary');
  await page.waitForFunction(() => {
    const c = document.querySelector('#layers [data-layer="input"] canvas');
    const p = document.querySelector('#preview');
    const a = c.getContext('2d').getImageData(0, 0, 28, 28).data;
    const b = p.getContext('2d').getImageData(0, 0, 28, 28).data;
    return a.every((v, i) => v === b[i]);
  }, null, { timeout: 60_000 });
});

/** Pixels of the "why?" overlay marked red (for the answer), and marked far from any ink. */
const overlay = (p) => p.evaluate(() => {
  const rgba = (sel) => document.querySelector(sel).getContext('2d').getImageData(0, 0, 28, 28).data;
  const s = rgba('#saliency');
  const p = rgba('#preview');
  let red = 0;
  let far = 0;
  for (let i = 0; i < 784; i++) {
    if (!s[i * 4 + 3]) continue;
    if (s[i * 4] > s[i * 4 + 2]) red += 1;
    const [x, y] = [i % 28, Math.floor(i / 28)];
    let near = false;
    for (let dy = -4; dy <= 4; dy++) for (let dx = -4; dx <= 4; dx++) {
      const [u, v] = [x + dx, y + dy];
      if (u >= 0 && v >= 0 && u < 28 && v < 28 && p[(v * 28 + u) * 4] > 0) near = true;
    }
    if (!near) far += 1;
  }
  return { red, far };
});

async function drawTwo(p) {
  await p.click('button#clear');
  const [, two] = testDigits(DATA, 2);
  await draw(p, place(two.strokes, 0.8, [0.1, 0.1]), await padBox(p));
  assert.equal((await answer(p)).digit, String(two.label));
}

test('"why?" shows the pixels the answer rests on near the ink: by occlusion without the teaching worker, by gradient with it', async () => {
  // Where the worker that computes gradients cannot start: occlusion, on the page's engine.
  const context = await app.browser.newContext({ viewport: { width: 900, height: 900 } });
  await context.addInitScript(() => {
    window.Worker = class { constructor() { throw new Error('workers are blocked here'); } };
  });
  const blocked = await openApp(context, app.server.url, { engine: 'webgpu' });
  await blocked.click('button#why');
  assert.equal(await blocked.getAttribute('button#why', 'aria-pressed'), 'true');
  await drawTwo(blocked);
  await blocked.waitForFunction(() => document.querySelector('#saliency').dataset.shown === 'true', null, { timeout: 60_000 });
  assert.equal(await blocked.getAttribute('#saliency', 'data-method'), 'occlusion');
  let marks = await overlay(blocked);
  assert.ok(marks.red > 10, `pixels for the answer: ${marks.red}`);
  assert.equal(marks.far, 0, 'blanking empty paper changes nothing');
  assert.match(await blocked.textContent('#preview-caption'), /occlusion/);
  await context.close();

  // With the worker: the answer's gradient through Burn's autodiff, times the ink.
  await page.click('button#why');
  await drawTwo(page);
  await page.waitForFunction(() => document.querySelector('#saliency').dataset.method === 'gradient', null, { timeout: 180_000 });
  marks = await overlay(page);
  assert.ok(marks.red > 10, `pixels for the answer: ${marks.red}`);
  assert.equal(marks.far, 0, 'no ink, no gradient times ink');
  assert.match(await page.textContent('#preview-caption'), /gradient/);
  await page.click('button#why');
  assert.equal(await page.getAttribute('#saliency', 'data-shown'), 'false');
});
