#!/usr/bin/env bash
# Installs what building the browser app needs, where missing: the wasm32 target, Trunk, and
# wasm-bindgen-cli at exactly the version Cargo.lock uses (Trunk then never downloads tools).
set -euo pipefail
cd "$(dirname "$0")/.."

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

if ! command -v trunk >/dev/null; then
  echo "installing Trunk (takes 10–20 minutes once)…"
  # Trunk 0.22 declares a newer rust-version than it needs.
  cargo install --locked --ignore-rust-version trunk
fi

want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' Cargo.lock)
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [ "$have" != "$want" ]; then
  echo "installing wasm-bindgen-cli $want (Cargo.lock's version)…"
  # Without --locked: its lock file pins crates that no longer build together.
  cargo install --force wasm-bindgen-cli --version "$want"
fi
grep -q "wasm_bindgen = \"$want\"" Trunk.toml \
  || { echo "Trunk.toml pins another wasm-bindgen than Cargo.lock's $want: update [tools]" >&2; exit 1; }
