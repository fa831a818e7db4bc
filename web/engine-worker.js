// The engine worker: the page's own wasm (mnist-web) started again off the page's thread, where
// it holds the network and computes the answers (crates/web/src/engine/worker.rs). The page sends
// the module it has compiled, so nothing is downloaded or compiled twice; it hears
// `{ kind: "listening" }` once the worker listens, or why it could not start (the messages are
// `mnist_browser::messages`).
import init, { engine_worker } from './mnist-web.js';

self.onmessage = async (event) => {
  self.onmessage = null;
  try {
    await init({ module_or_path: event.data.module });
    engine_worker();
  } catch (e) {
    self.postMessage({ kind: 'error', id: 0, message: `the engine worker could not start: ${e?.message ?? e}` });
  }
};
