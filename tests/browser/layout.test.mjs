// The page on a phone (390×844, touch), a tablet (820×1180, touch) and a desktop (1440×900), in
// the light and the dark theme: no horizontal scroll, the pad and the answer both on screen
// while writing, every visible control a target of 44 px or more where fingers are used (links within a
// sentence aside), text
// readable against its background (axe-core's contrast rule, in a11y.test.mjs, covers every
// state). Each is photographed: into $SCREENSHOTS when set (docs/screens/ holds the phone and
// desktop ones), else a temporary folder.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settled, padBox, draw, answer, DATA } from './harness.mjs';
import { servedApp } from './fixture.mjs';
import { testDigits, place } from './strokes.mjs';

const SIZES = [
  { name: 'phone', width: 390, height: 844, touch: true },
  { name: 'tablet', width: 820, height: 1180, touch: true },
  { name: 'desktop', width: 1440, height: 900, touch: false },
];
const OUT = process.env.SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'mnist-screens-'));

const app = servedApp({ webgpu: false });
let digits;

before(async () => {
  mkdirSync(OUT, { recursive: true });
  digits = testDigits(DATA, 3);
});

for (const size of SIZES) {
  for (const scheme of ['light', 'dark']) {
    test(`${size.name} (${size.width}×${size.height}), ${scheme}: no sideways scroll, pad and answer in view, targets big enough`, async () => {
      const context = await app.browser.newContext({
        viewport: { width: size.width, height: size.height },
        colorScheme: scheme,
        hasTouch: size.touch,
        isMobile: size.touch && size.width < 500,
      });
      try {
        const page = await context.newPage();
        await page.goto(app.server.url);
        await settled(page);
        const box = await padBox(page);
        for (const [i, digit] of digits.entries()) {
          await draw(page, place(digit.strokes, 0.28, [0.04 + i * 0.32, 0.3]), box);
        }
        await answer(page);

        const layout = await page.evaluate(() => {
          const inView = (el) => {
            const r = el.getBoundingClientRect();
            return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth;
          };
          const small = [...document.querySelectorAll('button, a, summary, select, label.button, [tabindex="0"]')]
            .filter((el) => el.checkVisibility() && el.getBoundingClientRect().width > 0)
            .filter((el) => !(el.tagName === 'A' && el.closest('p')))
            .filter((el) => { const r = el.getBoundingClientRect(); return Math.min(r.width, r.height) < 43.5; })
            .map((el) => el.id || el.textContent.trim().slice(0, 20) || el.outerHTML.slice(0, 40));
          return {
            scroll: document.scrollingElement.scrollWidth - innerWidth,
            pad: inView(document.querySelector('#pad')),
            answer: inView(document.querySelector('#prediction')),
            small,
          };
        });
        assert.ok(layout.scroll <= 0, `${layout.scroll} px of sideways scroll`);
        assert.ok(layout.pad && layout.answer, `pad in view: ${layout.pad}, answer in view: ${layout.answer}`);
        if (size.touch) assert.deepEqual(layout.small, [], 'targets under 44 px');
        await page.screenshot({ path: join(OUT, `${size.name}-${scheme}.png`) });
      } finally {
        await context.close();
      }
    });
  }
}
