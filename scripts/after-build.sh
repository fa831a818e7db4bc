#!/usr/bin/env sh
# Trunk's post-build hook: the documentation and source pages into the build's source/ folder
# (crates/docs), then the service worker stamped with the content hash of the whole build,
# pages included (scripts/stamp-service-worker.sh). One hook, because Trunk runs a stage's
# hooks side by side and the stamp must come last.
set -eu
dir="${TRUNK_STAGING_DIR:?run by Trunk}"
rm -rf "$dir/source"
cargo run --quiet --release -p mnist-docs -- "$dir/source"
sh scripts/stamp-service-worker.sh "$dir"
