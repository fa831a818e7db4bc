# Sourced by the scripts that build or run the trainer with `--features tch`: installs LibTorch
# if missing (scripts/install-libtorch.sh) and exports what the build and the binary need.
# TCH_TARGET_DIR is the build's own target directory, since the feature changes Burn's build.
cache=$HOME/.cache/mnist-web
scripts/install-libtorch.sh "$cache/libtorch"
export LIBTORCH=$cache/libtorch
export LD_LIBRARY_PATH=$cache/libtorch/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export TCH_TARGET_DIR=$cache/target-tch
