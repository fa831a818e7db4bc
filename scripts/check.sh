#!/usr/bin/env bash
# What CI runs, minus the slow parts (training runs, the browser, the release wasm build): format,
# lints for native and wasm32, no module circles, and the unit tests (the page's crates' too, run
# natively). A couple of minutes once built; run it before every commit. The full suite is
# tests/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-env.sh

cargo fmt --all --check
python3 scripts/module_circles.py
cargo clippy --release --workspace --exclude mnist-web --exclude mnist-teach --all-targets -- -D warnings
cargo clippy --release --target wasm32-unknown-unknown -p mnist-web -p mnist-teach -p mnist-browser -- -D warnings
cargo test --release --workspace --exclude mnist-teach --lib --bins
