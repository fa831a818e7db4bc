#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine, where missing: Chromium and Firefox
# ESR (for the browser tests), npm, the browser-test packages, the MNIST files and the web
# build tools.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing ${missing[*]}…"
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
scripts/get-mnist-offline.sh data
scripts/install-web-tools.sh
(cd tests/browser && npm ci --no-audit --no-fund --silent)
