#!/usr/bin/env bash
# Runs every test: format and lints, the Rust unit and integration tests (real MNIST, real
# training, the shipped weights), then the browser tests on the release build in headless
# Chromium and Firefox ESR. Installs whatever is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-env.sh
export TRAINER_BIN=$CARGO_TARGET_DIR/release/trainer

scripts/install-test-deps.sh

scripts/check.sh
# The integration tests: real training runs, kills and resumes, the shipped weights.
cargo test --release --workspace --exclude mnist-web --exclude mnist-teach --test '*'

trunk build --release
(cd tests/browser && npm test)

# Opt-in (900 MB download, a second build of Burn): the LibTorch backend's own tests, bf16
# training resumed from a checkpoint among them.
if [ "${1:-}" = "--with-tch" ]; then
  source scripts/libtorch-env.sh
  CARGO_TARGET_DIR=$TCH_TARGET_DIR cargo test --release -p mnist-trainer --features tch
fi
