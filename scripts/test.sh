#!/usr/bin/env bash
# Sets up everything and runs every test: C unit tests, CLI integration tests,
# schema checks and the end-to-end suite with podman and containerd, all
# against an ASan+UBSan build, and every fuzz target for a bounded time. The
# last line is "N passed, N failed".
#   FUZZ_SECONDS=20  how long each fuzz target runs
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/deps.sh || { echo "deps: installation failed"; echo "0 passed, 1 failed"; exit 1; }
# release: the static binary, which the CVE-2019-5736 tests attack too
for kind in asan fuzz release; do
  if ! scripts/build.sh "$kind"; then
    echo "build ($kind) failed"
    echo "0 passed, 1 failed"
    exit 1
  fi
done

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TEST_DATA_DIR=$root/tests/data
hutch=$root/build-asan/src/hutch

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
suites=()

# run_suite NAME COMMAND...: the command prints TAP; its exit status is kept.
run_suite() {
  local name=$1
  shift
  suites+=("$name")
  mkdir -p "$results/$(dirname "$name")"
  "$@" >"$results/$name.tap" 2>"$results/$name.err"
  echo $? >"$results/$name.status"
}

for t in build-asan/tests/unit/test_*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  run_suite "unit/$(basename "$t")" "$t"
done
# The static binary's libc (musl) has no _FORTIFY_SOURCE of its own: ours.
run_suite unit/test_fortify build/src/test_fortify
# The shipped binary is built against another libc than the ASan one the
# suites below run: the start path's suites run again with it.
run_suite integration/release env HUTCH="$root/build/src/hutch" HUTCH_STATIC="$root/build/src/hutch" \
  bats --tap tests/integration/lifecycle.bats tests/integration/exec.bats tests/integration/process.bats \
  tests/integration/terminal.bats tests/integration/mounts.bats tests/integration/seccomp.bats \
  tests/integration/errors.bats tests/integration/cgroups.bats
run_suite integration/bats env HUTCH="$hutch" HUTCH_STATIC="$root/build/src/hutch" bats --tap tests/integration
# The lxc backend: these suites again, with lxc chosen by hutch.conf (lxc.bats
# above tests what is lxc's own).
lxc_conf=$results/hutch-lxc.conf
echo "default-backend = lxc" >"$lxc_conf"
run_suite integration/lxc-backend env HUTCH="$hutch" HUTCH_STATIC="$root/build/src/hutch" HUTCH_CONFIG="$lxc_conf" \
  HUTCH_SUITE_BACKEND=lxc bats --tap tests/integration/lifecycle.bats tests/integration/exec.bats \
  tests/integration/hooks.bats tests/integration/terminal.bats tests/integration/netdev.bats
run_suite schema/outputs /usr/bin/python3 tests/schema/check_outputs.py "$hutch"
# The migration notes' snippets, through hutch validate.
run_suite docs/migration /usr/bin/python3 tests/docs/migration.py "$hutch"
# Each man page lists exactly the options of its command's --help.
run_suite docs/manpages /usr/bin/python3 tests/docs/manpages.py "$hutch"
run_suite e2e/clients tests/e2e/run.sh "$hutch"
run_suite e2e/clients-lxc env BACKEND=lxc tests/e2e/run.sh "$hutch"
# The stand-in PVE tools behave as PVE's do (their sources, read line by line).
run_suite proxmox/standin tests/proxmox/standin/selftest.sh
# The proxmox backend on stand-in PVE tools (tests/proxmox/standin); what a
# PVE CT cannot be, by design, is named (docs/proxmox.md).
pve_todo="^(podman-run-output|podman-exec|ctr-run-output|ctr-exec)\$=proxmox: the CT's pid 1 is hutch's init (the process is its child; docs/proxmox.md)
^(podman-memory|podman-cpus|podman-pids-limit|podman-update|ctr-resources)\$=proxmox: PVE limits the CT in lxc/<vmid>, not in the engine's cgroup, where the proxy is
^(podman-userns-map|podman-userns-auto|podman-join-namespaces)\$=proxmox: a PVE CT maps only PVE's id range and joins no namespace (refused by path)
^ctr-task-ps\$=proxmox: ps lists the CT's processes; the engine's init pid is the proxy, outside the CT"
run_suite e2e/clients-proxmox env BACKEND=proxmox E2E_TODO="$pve_todo" tests/e2e/run.sh "$hutch"
# Installing: meson install staged with DESTDIR, and the Debian package
# built, installed on this machine, used and purged.
run_suite package/install tests/package/install.sh
run_suite package/deb tests/package/deb.sh
run_suite fuzz/targets tests/fuzz/run.sh build-fuzz/tests/fuzz "${FUZZ_SECONDS:-20}"

total_passed=0
total_failed=0
total_todo=0
for name in "${suites[@]}"; do
  tap=$results/$name.tap
  status=$(cat "$results/$name.status")
  read -r passed failed todo planned seen < <(awk '
    /^ok /     { seen++; if (toupper($0) ~ /# (TODO|SKIP)/) todo++; else passed++ }
    /^not ok / { seen++; if (toupper($0) ~ /# TODO/) todo++; else failed++ }
    /^1\.\.[0-9]+/ { split($0, p, "\\.\\."); planned = p[2] + 0; has_plan = 1 }
    END { print passed + 0, failed + 0, todo + 0, (has_plan ? planned : -1), seen + 0 }' "$tap")
  problem=""
  if [ "$planned" -ge 0 ] && [ "$planned" -ne "$seen" ]; then
    problem="planned $planned tests, ran $seen"
  elif [ "$planned" -lt 0 ]; then
    problem="no TAP plan"
  elif [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    problem="exited with status $status"
  fi
  if [ -n "$problem" ]; then
    failed=$((failed + 1))
  fi
  printf '%-28s %4d passed, %d failed%s%s\n' "$name" "$passed" "$failed" \
    "$([ "$todo" -gt 0 ] && echo ", $todo todo")" "$([ -n "$problem" ] && echo " ($problem)")"
  if [ "$failed" -gt 0 ]; then
    grep -E '^not ok' "$tap" | grep -v '# TODO' | sed 's/^/    /'
    grep -E '^#' "$tap" | head -40 | sed 's/^/    /'
    tail -20 "$results/$name.err" | sed 's/^/    stderr: /'
  fi
  grep -E '^(not )?ok .*# TODO' "$tap" | sed 's/^/    todo: /'
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  total_todo=$((total_todo + todo))
done

echo
[ "$total_todo" -gt 0 ] && echo "$total_todo test(s) marked TODO (known gaps, listed above)"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
