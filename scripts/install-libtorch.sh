#!/usr/bin/env bash
# Puts the CPU half of LibTorch 2.9.0 (what Burn 0.22's `tch` backend links against) into DIR
# (default ~/.cache/mnist-web/libtorch), taken from PyPI since download.pytorch.org may be out
# of reach: the torch 2.9.0 wheel's libtorch_cpu/libc10/libgomp and headers, the two small CUDA
# runtime libraries libtorch_cpu.so names (never used on the CPU), and an empty libtorch.so
# (the wheel's links the 1 GB CUDA half). Then: build with `--features tch` and
#   LIBTORCH=DIR LD_LIBRARY_PATH=DIR/lib trainer ... --backend tch
set -euo pipefail
dir=${1:-$HOME/.cache/mnist-web/libtorch}
[ -f "$dir/lib/libtorch_cpu.so" ] && [ -d "$dir/include/torch" ] && { echo "LibTorch: $dir is ready"; exit 0; }
command -v python3 >/dev/null && command -v cc >/dev/null && command -v unzip >/dev/null \
  || { echo "needs python3 (with pip), a C compiler and unzip" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "LibTorch: downloading torch 2.9.0 (900 MB) and the CUDA runtime stubs from PyPI"
python3 -m pip download --quiet --no-deps --python-version 3.11 --only-binary=:all: \
  --platform manylinux_2_28_x86_64 -d "$tmp" torch==2.9.0
python3 -m pip download --quiet --no-deps --only-binary=:all: \
  --platform manylinux2014_x86_64 -d "$tmp" 'nvidia-cuda-runtime-cu12==12.8.90' 'nvidia-cuda-cupti-cu12==12.8.90'
(cd "$tmp" && unzip -q torch-2.9.0-*.whl 'torch/lib/*' 'torch/include/*' \
  && for w in nvidia_cuda_*.whl; do unzip -q -o "$w"; done)
staging="$dir.tmp"
rm -rf "$staging" && mkdir -p "$staging/lib"
mv "$tmp/torch/include" "$staging/include"
cp "$tmp"/torch/lib/{libtorch_cpu.so,libc10.so,libgomp.so.1} "$staging/lib/"
cp "$tmp"/nvidia/cuda_runtime/lib/libcudart.so.12 "$tmp"/nvidia/cuda_cupti/lib/libcupti.so.12 "$staging/lib/"
echo 'void mnist_web_libtorch_stub(void) {}' > "$tmp/stub.c"
cc -shared -fPIC -o "$staging/lib/libtorch.so" "$tmp/stub.c"
echo "2.9.0" > "$staging/build-version"
rm -rf "$dir" && mv "$staging" "$dir"
echo "LibTorch: $dir is ready"
