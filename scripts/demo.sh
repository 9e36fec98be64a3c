#!/usr/bin/env bash
# The main job, from nothing: install what is needed, build hutch, make the
# demo bundle (busybox-static root filesystem + a config.json from
# `hutch spec`), check it, and run it as a container (needs root).
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
# A private state root; run deletes the container when its process exits.
"$hutch" --root build/demo-state run --bundle "$bundle" "demo-$$"
echo "(the container exited with status $?; nothing is left: $("$hutch" --root build/demo-state list -q | wc -l) containers)"
