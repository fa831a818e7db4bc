# Sourced by every script that builds: one build cache for all of them (serving, testing,
# checking, benchmarking), outside the checkout so that fresh clones reuse it.
cache=$HOME/.cache/mnist-web
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$cache/target}
