#!/usr/bin/env sh
# Trunk's post-build hook: stamps the service worker and the page with the content hash of the
# build, so that a new build or new weights install as one new offline copy (see web/sw.js).
#   scripts/stamp-service-worker.sh [dir]   (default: $TRUNK_STAGING_DIR, set by Trunk)
set -eu
dir="${1:-${TRUNK_STAGING_DIR:?run by Trunk, or give the build directory}}"
cd "$dir"
version=$(find . -type f ! -name sw.js ! -name '.*' ! -path './testset/*' | LC_ALL=C sort \
  | xargs sha256sum | sha256sum | cut -c1-16)
sed -i "s/^const VERSION = .*/const VERSION = '$version';/" sw.js
# The page says which build it is, so that the service worker serves only pages of its own.
sed -i "s/<meta name=\"build\" content=\"[^\"]*\">/<meta name=\"build\" content=\"$version\">/" index.html
echo "service worker stamped $version"
