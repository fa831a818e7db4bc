#!/usr/bin/env bash
# Fuzzes each target (or the ones named) for SECONDS (default 300) with libFuzzer (needs the nightly toolchain and
# `cargo install cargo-fuzz`), then keeps a minimised sample of each corpus in regressions/,
# which `cargo test` replays (crates/model/tests/fuzz_regressions.rs).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
shift || true
targets=${*:-idx weights preprocess image_header handwriting}
for target in $targets; do
  mkdir -p corpus/$target regressions/$target
  cp -n regressions/$target/* corpus/$target/ 2>/dev/null || true
  echo "== $target: $seconds s"
  cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 2>&1 \
    | grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb|ERROR|panicked|SUMMARY" || true
  # Keep the corpus's smallest inputs for each feature, at most 40 files.
  rm -rf "min/$target" && mkdir -p "min/$target"
  cargo +nightly fuzz cmin -O "$target" "corpus/$target" >/dev/null 2>&1 || true
  # (No `ls | head` pipe: with pipefail, head closing early would end the script.)
  mapfile -t smallest < <(ls -S -r "corpus/$target")
  for f in "${smallest[@]:0:40}"; do cp "corpus/$target/$f" "regressions/$target/$f"; done
done
