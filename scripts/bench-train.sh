#!/usr/bin/env bash
# Our trainer beside the seed's Keras model on this machine (see bench/train_vs_keras.py):
#   scripts/bench-train.sh [--rounds 3] [--limit N] [--backend flex] [--backend tch]
# Installs what it needs: the MNIST files, TensorFlow (tensorflow-cpu in a venv) and, for
# `--backend tch`, LibTorch (scripts/install-libtorch.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/build-env.sh
scripts/get-mnist-offline.sh data
venv=$cache/keras-venv
if ! "$venv/bin/python" -c 'import tensorflow' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet tensorflow-cpu numpy
fi
trainer=$CARGO_TARGET_DIR/release/trainer
if [[ " $* " == *" tch"* ]]; then  # tch or tch+bf16
  source scripts/libtorch-env.sh
  CARGO_TARGET_DIR=$TCH_TARGET_DIR cargo build --release --quiet -p mnist-trainer --features tch
  trainer=$TCH_TARGET_DIR/release/trainer
else
  cargo build --release --quiet -p mnist-trainer
fi
exec python3 bench/train_vs_keras.py --trainer "$trainer" --python "$venv/bin/python" --data data "$@"
