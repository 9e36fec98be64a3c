#!/usr/bin/env bash
# Start-up benchmark: hutch against crun and runc, measured in one run and
# interleaved, so the machine's state weighs on all of them alike.
#
#   bench/startup.sh [RUNTIME ...]     default: crun runc and the release hutch
#
# A runtime given as lxc:PATH is hutch at PATH with its lxc backend (a
# wrapper that adds the global --backend lxc: one exec of /bin/sh more).
#
# Per runtime: the median ms of a `run` + `delete -f` cycle of /bin/true (N
# cycles a round, ROUNDS rounds, runtimes alternating within each round),
# PAR parallel workers x SEQ cycles (wall time), and the peak RSS of one
# `run` (GNU time; "own": with a one-page /bin/true instead of busybox, so
# the runtime's own peak). Everything is printed as a ratio to the first runtime
# (crun). Knobs: N=100 ROUNDS=3 PAR=10 SEQ=10; STATE=tmpfs|disk (below);
# SECCOMP=1 adds an allow-list
# seccomp profile of every syscall the host's headers name (~360 rules, the
# size of container engines' default profiles), to weigh filter set-up.
#
# crun 1.8 refuses a hybrid cgroup host whose cgroup2 mount holds
# controllers (this machine's layout). The benchmark then runs in a private
# mount namespace whose /sys/fs/cgroup shows only the v1 hierarchies, for
# every runtime alike; nothing outside that namespace changes.
set -euo pipefail
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
N=${N:-100}
ROUNDS=${ROUNDS:-3}
PAR=${PAR:-10}
SEQ=${SEQ:-10}


# shellcheck source=bench/lib.sh
. "$here/lib.sh"
bench_require_root startup.sh

# ---- one cycle batch, run by the parent in its own process (re-invoked).
# The runtime is started with posix_spawn (a vfork: no copy of the driver's
# page tables) and the batch times itself from its first spawn to its last
# exit, so neither a shell's fork per command nor the driver's own start-up
# is counted for any runtime. Parallel workers are given a common start
# time (ns, the system-wide monotonic clock) and wait for it once their
# interpreter is up: one worker's Python start-up must not run inside
# another's batch. Prints: failures, start and end (ns, that clock,
# comparable between the parallel workers).
if [ "${1:-}" = __cycles ]; then
  shift
  exec /usr/bin/python3 - "$@" <<'PY'
import os, sys, time
rt, n, prefix, bundle, root = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
go = int(sys.argv[6]) if len(sys.argv) > 6 else 0
null = os.open(os.devnull, os.O_RDWR)
quiet = [(os.POSIX_SPAWN_DUP2, null, fd) for fd in (0, 1, 2)]
def call(*args):
    pid = os.posix_spawn(rt, [rt, "--root", root, *args], os.environ, file_actions=quiet)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
fails = 0
late = time.monotonic_ns() - go
if go and late > 0:
    print(f"startup.sh: a worker was up {late / 1e6:.0f} ms after the common start", file=sys.stderr)
while time.monotonic_ns() < go:
    time.sleep((go - time.monotonic_ns()) / 1e9)
start = time.monotonic_ns()
for i in range(1, n + 1):
    fails += call("run", "--bundle", bundle, f"{prefix}-{i}") != 0
    call("delete", "-f", f"{prefix}-{i}")
print(fails, start, time.monotonic_ns())
PY
fi

if [ -z "${HUTCH_BENCH_IN_NS:-}" ]; then
  # Setup happens once, outside the namespace.
  bench_deps
  if [ $# -eq 0 ]; then
    set -- /usr/bin/crun /usr/sbin/runc "$top/build/src/hutch"
    [ -x "$top/build/src/hutch-lxc" ] && set -- "$@" "lxc:$top/build/src/hutch"
  fi
  bench_enter_namespace "$0" "$@"
fi

# ---- inside a private mount namespace from here on
view=$(bench_cgroup_view)

work=$(mktemp -d /tmp/hutch-bench.XXXXXX)
state=$(bench_state_dir "$work")
bundle=$work/bundle
roots=()
cleanup() {
  for rt in "${runtimes[@]}"; do
    for root in "$state"/root-*; do
      [ -d "$root" ] || continue
      for id in $("$rt" --root "$root" list -q 2>/dev/null); do
        "$rt" --root "$root" delete -f "$id" >/dev/null 2>&1 || true
      done
    done
  done
  umount "$state" 2>/dev/null || true
  rm -rf "$work"
}
runtimes=()
for rt in "$@"; do
  if [ "${rt#lxc:}" != "$rt" ]; then
    printf '#!/bin/sh\nexec %s --backend lxc "$@"\n' "${rt#lxc:}" >"$work/hutch-lxc-backend"
    chmod 755 "$work/hutch-lxc-backend"
    rt=$work/hutch-lxc-backend
  fi
  runtimes+=("$rt")
done
trap cleanup EXIT

# The bundle: busybox-static, config from the first runtime's `spec`.
bench_bundle "$bundle" /bin/true
/usr/bin/python3 - "$bundle/config.json" <<'PY'
import glob, json, os, re, sys
path = sys.argv[1]
with open(path) as f:
    c = json.load(f)
if os.environ.get("SECCOMP") == "1":
    names = set()
    for header in glob.glob("/usr/include/*/asm/unistd_64.h"):
        names |= set(re.findall(r"#define __NR_(\w+)\s+\d+", open(header).read()))
    names -= {"reboot", "kexec_load", "kexec_file_load", "swapon", "swapoff"}
    c["linux"]["seccomp"] = {
        "defaultAction": "SCMP_ACT_ERRNO",
        "defaultErrnoRet": 1,
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
        "syscalls": [{"names": sorted(names), "action": "SCMP_ACT_ALLOW"}]
        + [{"names": ["personality"], "action": "SCMP_ACT_ALLOW",
            "args": [{"index": 0, "value": v, "op": "SCMP_CMP_EQ"}]} for v in (0, 8, 131072, 131080, 4294967295)],
    }
with open(path, "w") as f:
    json.dump(c, f, indent="\t")
PY

# The runtimes' own peak: the same bundle with /bin/true replaced by a
# program of one page and no libc. busybox's own start-up peaks at about
# 1.3 MiB, more than a lean runtime, so with it the column measures busybox.
cp -a "$bundle" "$work/bundle-own"
rm -f "$work/bundle-own/rootfs/bin/true"
printf '%s\n' 'void _start(void) { __asm__ volatile("mov $60, %eax\n xor %edi, %edi\n syscall"); }' >"$work/true.c"
cc -nostdlib -static -O2 -fno-stack-protector -o "$work/bundle-own/rootfs/bin/true" "$work/true.c"

median() { sort -n | awk '{a[NR] = $1} END {if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# Sanity and warm-up: every runtime must run the bundle.
for k in "${!runtimes[@]}"; do
  rt=${runtimes[$k]}
  root=$state/root-$k
  mkdir -p "$root"
  roots+=("$root")
  if ! out=$("$rt" --root "$root" run --bundle "$bundle" warm 2>&1 </dev/null); then
    echo "startup.sh: $rt cannot run the bundle: $out" >&2
    exit 1
  fi
  "$rt" --root "$root" delete -f warm >/dev/null 2>&1 || true
  "$0" __cycles "$rt" 5 "w$k" "$bundle" "$root" >/dev/null
done

declare -A cycle par rss own fails
for ((r = 1; r <= ROUNDS; r++)); do
  # Alternate the order each round so no runtime always goes first.
  order=("${!runtimes[@]}")
  if ((r % 2 == 0)); then
    order=($(printf '%s\n' "${order[@]}" | tac))
  fi
  for k in "${order[@]}"; do
    rt=${runtimes[$k]}
    root=${roots[$k]}
    read -r f s e < <("$0" __cycles "$rt" "$N" "c$k-$r" "$bundle" "$root")
    cycle[$k]+="$(( (e - s) / N )) "
    fails[$k]=$(( ${fails[$k]:-0} + f ))

    # Every worker's interpreter starts well before the common start.
    go=$(( $(/usr/bin/python3 -c 'import time; print(time.monotonic_ns())') + PAR * 100000000 ))
    for ((w = 1; w <= PAR; w++)); do
      "$0" __cycles "$rt" "$SEQ" "p$k-$r-$w" "$bundle" "$root" "$go" >"$work/par-$w" &
    done
    wait
    # From the first worker's first spawn to the last one's last exit.
    par[$k]+="$(cat "$work"/par-* | awk 'NR == 1 || $2 < s {s = $2} $3 > e {e = $3} END {print e - s}') "
    fails[$k]=$(( ${fails[$k]} + $(cat "$work"/par-* | awk '{s += $1} END {print s + 0}') ))

    /usr/bin/time -f %M -o "$work/rss" "$rt" --root "$root" run --bundle "$bundle" "m$k-$r" </dev/null >/dev/null 2>&1 || true
    "$rt" --root "$root" delete -f "m$k-$r" >/dev/null 2>&1 || true
    rss[$k]+="$(tail -n 1 "$work/rss") "
    /usr/bin/time -f %M -o "$work/rss" "$rt" --root "$root" run --bundle "$work/bundle-own" "o$k-$r" </dev/null >/dev/null 2>&1 || true
    "$rt" --root "$root" delete -f "o$k-$r" >/dev/null 2>&1 || true
    own[$k]+="$(tail -n 1 "$work/rss") "
  done
done

printf 'startup benchmark: run + delete -f of /bin/true; N=%d x %d rounds; %dx%d parallel; cgroups: %s; state: %s\n' \
  "$N" "$ROUNDS" "$PAR" "$SEQ" "$view" "${STATE:-tmpfs}"
printf 'machine: %s cpus, kernel %s\n\n' "$(nproc)" "$(uname -r)"
printf '%-34s %10s %6s %10s %6s %8s %6s %8s %6s %5s\n' runtime "ms/cycle" ratio "${PAR}x${SEQ} s" ratio \
  "rss MiB" ratio "own MiB" ratio fails
base_c="" base_p="" base_r="" base_o=""
for k in "${!runtimes[@]}"; do
  c=$(printf '%s\n' ${cycle[$k]} | median)
  p=$(printf '%s\n' ${par[$k]} | median)
  m=$(printf '%s\n' ${rss[$k]} | median)
  o=$(printf '%s\n' ${own[$k]} | median)
  [ -n "$base_c" ] || { base_c=$c; base_p=$p; base_r=$m; base_o=$o; }
  name="${runtimes[$k]} ($("${runtimes[$k]}" --version 2>/dev/null | awk 'NR == 1 {print $NF}'))"
  awk -v n="$name" -v c="$c" -v p="$p" -v m="$m" -v o="$o" -v bc="$base_c" -v bp="$base_p" -v bm="$base_r" \
    -v bo="$base_o" -v f="${fails[$k]}" \
    'BEGIN { printf "%-34s %10.2f %6.2f %10.3f %6.2f %8.2f %6.2f %8.2f %6.2f %5d\n", n, c / 1e6, c / bc, p / 1e9, p / bp,
             m / 1024, m / bm, o / 1024, o / bo, f }'
done
echo "rss: peak RSS of one run of the bundle (busybox /bin/true); own: the same with a one-page /bin/true"
hutch_k=$((${#runtimes[@]} - 1))
[ "${runtimes[$hutch_k]}" != "$work/hutch-lxc-backend" ] || hutch_k=$((hutch_k - 1))
awk -v c="$(printf '%s\n' ${cycle[$hutch_k]} | median)" -v b="$base_c" -v name="${runtimes[$hutch_k]}" \
  'BEGIN { printf "\nKEY: %s: %.2f ms per cycle, %.2fx of %s\n", name, c / 1e6, c / b, "the first runtime" }'
