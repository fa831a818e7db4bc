// Renders the app icon (web/icons/icon.svg) to the PNG sizes the web app manifest lists, in
// headless Chromium, so that the PNGs never drift from the SVG.
//   node tests/browser/make/icons.mjs
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT } from '../harness.mjs';

const dir = join(ROOT, 'web', 'icons');
const svg = readFileSync(join(dir, 'icon.svg'), 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const size of [192, 512]) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(`<body style="margin:0">${svg.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body>`);
    await page.screenshot({ path: join(dir, `icon-${size}.png`) });
    console.log(`wrote web/icons/icon-${size}.png`);
  }
} finally {
  await browser.close();
}
