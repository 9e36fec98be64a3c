#!/usr/bin/env bash
# Builds hutch. Usage: scripts/build.sh [release|asan|fuzz]  (default release)
#   release: build/            optimised, hardened (_FORTIFY_SOURCE=3)
#   asan:    build-asan/       ASan + UBSan, what the tests run
#   fuzz:    build-fuzz/       clang, libFuzzer targets with ASan + UBSan
set -euo pipefail
cd "$(dirname "$0")/.."

kind=${1:-release}
case "$kind" in
  release)
    dir=build
    args=(--buildtype=release -Dstatic_binary=true -Dlibc=musl)
    env=()
    ;;
  asan)
    dir=build-asan
    args=(--buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
          -Dc_args=-fno-sanitize-recover=all -Dc_link_args=-fno-sanitize-recover=all)
    env=()
    ;;
  fuzz)
    dir=build-fuzz
    args=(--buildtype=debugoptimized -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false)
    env=(CC=clang)
    ;;
  *)
    echo "usage: $0 [release|asan|fuzz]" >&2
    exit 1
    ;;
esac

if [ -f "$dir/build.ninja" ]; then
  meson setup --reconfigure "$dir" "${args[@]}" >/dev/null
else
  env "${env[@]}" meson setup "$dir" "${args[@]}" >/dev/null
fi
if ! out=$(ninja -C "$dir" 2>&1); then
  printf '%s\n' "$out" >&2
  exit 1
fi
