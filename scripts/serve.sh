#!/usr/bin/env bash
# Serves the app with the shipped weights on http://127.0.0.1:8080 (installs the tools first).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-env.sh
scripts/install-web-tools.sh
exec trunk serve --release "$@"
