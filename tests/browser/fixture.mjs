// The browser tests' common fixture: the release build served and a browser launched before a
// file's tests, both closed after them.
import { before, after } from 'node:test';
import { serve, launch } from './harness.mjs';

/**
 * Registers the hook that serves the build and launches Chromium (`launch`'s options) before
 * this file's tests, then runs `setup(app)` (opening a page, say), and the one that closes both
 * after them. `app.server` and `app.browser` are there from `setup` on. A file's own `before`
 * hooks may run beside this one, so what needs the app belongs in `setup`.
 */
export function servedApp(options, setup) {
  const app = { server: undefined, browser: undefined };
  before(async () => {
    app.server = await serve();
    app.browser = await launch(options);
    await setup?.(app);
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}
