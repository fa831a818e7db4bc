#!/usr/bin/env bash
# Runs every test: format and lints, the Rust unit and integration tests (real MNIST, real
# training, the shipped weights), then the browser tests on the release build in headless
# Chromium. Installs whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
# Builds are cached outside the checkout, so fresh clones (CI) reuse them.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/mnist-web/target}
export TRAINER_BIN=$CARGO_TARGET_DIR/release/trainer

scripts/install-test-deps.sh

cargo fmt --all --check
cargo clippy --release --workspace --exclude mnist-web --all-targets -- -D warnings
cargo clippy --release --target wasm32-unknown-unknown -p mnist-web -- -D warnings
cargo test --release --workspace --exclude mnist-web

trunk --config trunk.toml build --release
(cd tests/browser && npm test)

# Opt-in (900 MB download, a second build of Burn): the LibTorch backend's own tests, bf16
# training resumed from a checkpoint among them.
if [ "${1:-}" = "--with-tch" ]; then
  source scripts/libtorch-env.sh
  CARGO_TARGET_DIR=$TCH_TARGET_DIR cargo test --release -p mnist-trainer --features tch
fi
