#!/usr/bin/env bash
# The main job, from nothing: install what is needed, build hutch, make the
# demo bundle (busybox-static root filesystem + a config.json from
# `hutch spec`), and show what hutch makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh
scripts/build.sh release
hutch=build/src/hutch
bundle=build/demo-bundle

rm -rf "$bundle"
scripts/make-bundle.sh "$hutch" "$bundle" /bin/sh -c 'echo "hello from inside a hutch container: $(uname -sr), pid $$"'

echo "== $hutch --version"
"$hutch" --version
echo
echo "== $hutch validate --bundle $bundle"
"$hutch" validate --bundle "$bundle"
echo
echo "== $hutch features"
"$hutch" features
echo
echo "== $hutch run --bundle $bundle demo"
# The native engine is the next piece of work; until it lands `run` says so.
if ! "$hutch" --root build/demo-state run --bundle "$bundle" demo; then
  echo "(hutch cannot run containers yet: the native engine is not implemented)"
fi
