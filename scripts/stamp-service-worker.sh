#!/usr/bin/env sh
# Trunk's post-build hook: stamps the service worker with the content hash of the build, so
# that a new build or new weights install as one new offline copy (see web/sw.js).
#   scripts/stamp-service-worker.sh [dir]   (default: $TRUNK_STAGING_DIR, set by Trunk)
set -eu
dir="${1:-${TRUNK_STAGING_DIR:?run by Trunk, or give the build directory}}"
cd "$dir"
version=$(find . -type f ! -name sw.js ! -name '.*' ! -path './testset/*' | LC_ALL=C sort \
  | xargs sha256sum | sha256sum | cut -c1-16)
sed -i "s/^const VERSION = .*/const VERSION = '$version';/" sw.js
echo "service worker stamped $version"
