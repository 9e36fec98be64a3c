#!/usr/bin/env bash
# Builds the Debian package of the committed tree (HEAD) with
# dpkg-buildpackage and debian/, into dist/hutch_VERSION_ARCH.deb; prints
# the path. Uncommitted changes are not in it: a package is built from a
# commit, whose id `hutch --version` then prints.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/deps.sh
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --no-hardlinks "$root" "$work/hutch"
if ! (cd "$work/hutch" && dpkg-buildpackage -us -uc -b -j"$(nproc)") >"$work/build.log" 2>&1; then
  tail -40 "$work/build.log" >&2
  echo "build-deb: dpkg-buildpackage failed" >&2
  exit 1
fi
mkdir -p dist
for deb in "$work"/hutch_*.deb; do
  mv "$deb" dist/
  echo "$root/dist/$(basename "$deb")"
done
