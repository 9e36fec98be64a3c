#!/usr/bin/env bash
# Builds the release (static hutch, man pages, completions) and installs it
# with `meson install`. Usage: scripts/install.sh [PREFIX]  (default
# /usr/local); DESTDIR=DIR stages the files under DIR instead, as packagers
# do. The helpers go to PREFIX/libexec/hutch, where hutch looks for them.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}

scripts/deps.sh
dir=build-install
args=(--buildtype=release -Dstatic_binary=true -Dlibc=musl -Dman=enabled --prefix="$prefix")
if [ -f "$dir/build.ninja" ]; then
  meson setup --reconfigure "$dir" "${args[@]}" >/dev/null
else
  meson setup "$dir" "${args[@]}" >/dev/null
fi
ninja -C "$dir" >/dev/null
# One line per file installed: its path.
meson install -C "$dir" --no-rebuild ${DESTDIR:+--destdir "$DESTDIR"} |
  awk '/^Installing / { n = split($2, part, "/"); print $4 "/" part[n] }' | sort
