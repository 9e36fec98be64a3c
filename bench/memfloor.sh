#!/usr/bin/env bash
# Memory floor: the smallest linux.resources.memory.limit (memory and swap
# alike) under which `run` of /bin/true succeeds, per runtime, found by
# bisection in 4 KiB steps and confirmed TRIES times, all runtimes in one
# run. What counts is what the runtime's own process does inside the
# container's cgroup before it execs the program, and the exec itself.
#
#   bench/memfloor.sh [RUNTIME ...]     default: crun runc and the release hutch
#   knobs: TRIES=3 LOW_KIB=64 HIGH_KIB=16384
set -euo pipefail
LC_ALL=C
export LC_ALL
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
TRIES=${TRIES:-3}
LOW_KIB=${LOW_KIB:-64}
HIGH_KIB=${HIGH_KIB:-16384}

# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_require_root memfloor.sh
if [ -z "${HUTCH_BENCH_IN_NS:-}" ]; then
  bench_deps
  if [ $# -eq 0 ]; then
    set -- /usr/bin/crun /usr/sbin/runc "$top/build/src/hutch"
  fi
  bench_enter_namespace "$0" "$@"
fi
view=$(bench_cgroup_view)

runtimes=("$@")
work=$(mktemp -d /tmp/hutch-memfloor.XXXXXX)
trap 'rm -rf "$work"' EXIT
bench_bundle "$work/bundle" /bin/true

# runs RUNTIME KIB: whether TRIES runs under that limit all succeed.
runs() {
  local rt=$1 kib=$2 t root=$work/root
  local bytes=$((kib * 1024))
  B=$bytes /usr/bin/python3 - "$work/bundle/config.json" <<'PY'
import json, os, sys
path = sys.argv[1]
c = json.load(open(path))
b = int(os.environ["B"])
c["linux"].setdefault("resources", {})["memory"] = {"limit": b, "swap": b}
json.dump(c, open(path, "w"), indent="\t")
PY
  for ((t = 1; t <= TRIES; t++)); do
    local id=floor-$kib-$t
    if ! "$rt" --root "$root" run --bundle "$work/bundle" "$id" </dev/null >/dev/null 2>&1; then
      "$rt" --root "$root" delete -f "$id" </dev/null >/dev/null 2>&1 || true
      return 1
    fi
    "$rt" --root "$root" delete -f "$id" </dev/null >/dev/null 2>&1 || true
  done
  return 0
}

printf 'memory floor: smallest memory.limit (= swap) under which run of /bin/true succeeds %d times; cgroups: %s\n' \
  "$TRIES" "$view"
printf 'machine: %s cpus, kernel %s\n\n' "$(nproc)" "$(uname -r)"
printf '%-34s %10s %7s\n' runtime "KiB" ratio
base=""
for rt in "${runtimes[@]}"; do
  lo=$LOW_KIB hi=$HIGH_KIB
  if ! runs "$rt" "$hi"; then
    printf '%-34s %10s\n' "$rt" "> $hi"
    continue
  fi
  # lo fails (or is the lower bound), hi succeeds
  while ((hi - lo > 4)); do
    mid=$(((lo + hi) / 2 / 4 * 4))
    ((mid > lo)) || break
    if runs "$rt" "$mid"; then hi=$mid; else lo=$mid; fi
  done
  [ -n "$base" ] || base=$hi
  name="$rt ($("$rt" --version 2>/dev/null | awk 'NR == 1 {print $NF}'))"
  awk -v n="$name" -v k="$hi" -v b="$base" 'BEGIN { printf "%-34s %10d %7.2f\n", n, k, k / b }'
done
