#!/usr/bin/env bats
# Process attributes read back inside the container: process.scheduler,
# process.ioPriority, linux.personality, linux.memoryPolicy and
# process.execCPUAffinity.

load helpers

# sched_of TEXT: the "policy" value of /proc/PID/sched text.
sched_policy() { echo "$1" | awk '$1 == "policy" { print $3 }'; }

# The nice value (field 19) and rt_priority (field 40) of /proc/self/stat;
# comm (field 2) has no spaces here.
STAT_PROG='set -- $(cat /proc/self/stat); shift 18; echo "nice=$1"; shift 21; echo "rtprio=$1"'

@test "attrs: process.scheduler SCHED_BATCH nice 5, for the init and for exec'd processes" {
  new_id c
  new_bundle b sh -c "grep ^policy /proc/self/sched; $STAT_PROG; sleep 1000"
  cfg "$b" 'c["process"]["scheduler"] = {"policy": "SCHED_BATCH", "nice": 5}'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  wait_for grep -q rtprio "$TMP/c.out"
  [ "$(sched_policy "$(cat "$TMP/c.out")")" = 3 ] || fail "$(cat "$TMP/c.out")"
  grep -qx nice=5 "$TMP/c.out" || fail "$(cat "$TMP/c.out")"
  # the init itself, from the host
  pid=$(state_pid "$c")
  [ "$(awk '{ print $19 }' "/proc/$pid/stat")" = 5 ]
  [ "$(sched_policy "$(cat "/proc/$pid/sched")")" = 3 ]
  # exec without --process takes the config's process, scheduler included
  hrun exec "$c" sh -c "grep ^policy /proc/self/sched; $STAT_PROG"
  [ "$status" -eq 0 ]
  [ "$(sched_policy "$output")" = 3 ]
  [ "${lines[1]}" = nice=5 ]
  delete_clean "$c" -f
}

@test "attrs: process.scheduler SCHED_FIFO priority 10 (with a real-time budget in the cgroup)" {
  new_id c
  new_bundle b sh -c "grep ^policy /proc/self/sched; $STAT_PROG"
  cfg "$b" 'c["process"]["scheduler"] = {"policy": "SCHED_FIFO", "priority": 10}'
  if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
    # real-time group scheduling: a cgroup without runtime cannot have
    # real-time tasks, so the container gets some
    cfg "$b" 'c["linux"]["resources"]["cpu"] = {"realtimeRuntime": 10000, "realtimePeriod": 1000000}'
  fi
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "$(sched_policy "$output")" = 1 ]
  [ "${lines[2]}" = rtprio=10 ]
  assert_clean "$ROOT" "$c"
}

@test "attrs: SCHED_FIFO in a cgroup without real-time runtime fails run naming process.scheduler, nothing left" {
  [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ] || skip "no real-time group scheduling"
  new_id c
  new_bundle b true
  cfg "$b" 'c["process"]["scheduler"] = {"policy": "SCHED_FIFO", "priority": 10}'
  hrun run --bundle "$b" "$c"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"process.scheduler"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c"
}

@test "attrs: process.ioPriority best-effort 6 and idle, as ionice and the kernel report them" {
  new_id c
  new_bundle b sh -c 'ionice -p $$'
  cfg "$b" 'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 6}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = "best-effort: prio 6" ]
  assert_clean "$ROOT" "$c"
  new_id c2
  cfg "$b" 'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$output" = idle ]
  assert_clean "$ROOT" "$c2"
  # the control: without ioPriority the kernel's default (none)
  new_id c3
  cfg "$b" 'del c["process"]["ioPriority"]'
  hrun run --bundle "$b" "$c3"
  [ "$status" -eq 0 ]
  [ "$output" != idle ] && [ "$output" != "best-effort: prio 6" ]
  assert_clean "$ROOT" "$c3"
}

@test "attrs: linux.personality LINUX32: uname -m is the 32-bit machine, /proc/self/personality 8" {
  new_id c
  new_bundle b sh -c 'uname -m; cat /proc/self/personality'
  cfg "$b" 'c["linux"]["personality"] = {"domain": "LINUX32"}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  case $(uname -m) in
  x86_64) [[ "${lines[0]}" =~ ^i[3-6]86$ ]] || fail "uname -m: ${lines[0]}" ;;
  aarch64) [[ "${lines[0]}" == armv8* ]] || fail "uname -m: ${lines[0]}" ;;
  *) [ "${lines[0]}" != "$(uname -m)" ] ;;
  esac
  [ "${lines[1]}" = 00000008 ]
  assert_clean "$ROOT" "$c"
  new_id c2
  cfg "$b" 'c["linux"]["personality"] = {"domain": "LINUX"}'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(uname -m)" ]
  [ "${lines[1]}" = 00000000 ]
  assert_clean "$ROOT" "$c2"
}

# mempolicy_run MODE-JSON: runs the container with linux.memoryPolicy set;
# its output is its first numa_maps lines.
mempolicy_run() {
  new_id c
  new_bundle b sh -c 'head -n3 /proc/self/numa_maps'
  P=$1 cfg "$b" 'c["linux"]["memoryPolicy"] = json.loads(E["P"])'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run with $1 exited $status: $stderr"
  [ "${#lines[@]}" -eq 3 ]
  assert_clean "$ROOT" "$c"
}

@test "attrs: linux.memoryPolicy MPOL_BIND, MPOL_INTERLEAVE, MPOL_DEFAULT as numa_maps shows them" {
  [ -e /proc/self/numa_maps ] || skip "no NUMA support in this kernel"
  node=$(cut -d, -f1 /sys/devices/system/node/online | cut -d- -f1)
  mempolicy_run "{\"mode\": \"MPOL_BIND\", \"nodes\": \"$node\"}"
  for l in "${lines[@]}"; do
    [ "$(echo "$l" | awk '{ print $2 }')" = "bind:$node" ] || fail "$l"
  done
  mempolicy_run "{\"mode\": \"MPOL_INTERLEAVE\", \"nodes\": \"$node\"}"
  for l in "${lines[@]}"; do
    [ "$(echo "$l" | awk '{ print $2 }')" = "interleave:$node" ] || fail "$l"
  done
  mempolicy_run '{"mode": "MPOL_DEFAULT"}'
  for l in "${lines[@]}"; do
    [ "$(echo "$l" | awk '{ print $2 }')" = default ] || fail "$l"
  done
}

@test "attrs: process.execCPUAffinity final applies to exec'd processes, not to the init" {
  [ "$(nproc --all)" -ge 2 ] || skip "needs two CPUs"
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["process"]["execCPUAffinity"] = {"initial": "1", "final": "0"}'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  pid=$(state_pid "$c")
  cpuset=$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/self/status")
  # the init keeps what the cgroup gives it
  [ "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$pid/status")" = "$cpuset" ]
  hrun exec "$c" grep Cpus_allowed_list /proc/self/status
  [ "$status" -eq 0 ] || fail "exec: $stderr"
  [ "$(echo "$output" | awk '{ print $2 }')" = 0 ]
  # an exec --process document's own execCPUAffinity
  cat >"$TMP/p.json" <<'JSON'
{"args": ["grep", "Cpus_allowed_list", "/proc/self/status"], "cwd": "/", "user": {"uid": 0, "gid": 0},
 "execCPUAffinity": {"final": "1"}}
JSON
  hrun exec --process "$TMP/p.json" "$c"
  [ "$status" -eq 0 ] || fail "exec --process: $stderr"
  [ "$(echo "$output" | awk '{ print $2 }')" = 1 ]
  [ "$(awk '$1 == "Cpus_allowed_list:" { print $2 }' "/proc/$pid/status")" = "$cpuset" ]
  delete_clean "$c" -f
}

@test "attrs: every memoryPolicy mode and flag that features lists is applied as numa_maps shows it" {
  [ -e /proc/self/numa_maps ] || skip "no NUMA support in this kernel"
  node=$(cut -d, -f1 /sys/devices/system/node/online | cut -d- -f1)
  "$HUTCH" features >"$TMP/features.json"
  modes=$(json_get "$TMP/features.json" "' '.join(d['linux']['memoryPolicy']['modes'])")
  flags=$(json_get "$TMP/features.json" "' '.join(d['linux']['memoryPolicy']['flags'])")
  [ -n "$modes" ]
  # the kernel's names in numa_maps (mm/mempolicy.c policy_modes)
  declare -A shown=([MPOL_DEFAULT]=default [MPOL_BIND]="bind:$node" [MPOL_INTERLEAVE]="interleave:$node"
    [MPOL_WEIGHTED_INTERLEAVE]="weighted interleave:$node" [MPOL_PREFERRED]="prefer:$node"
    [MPOL_PREFERRED_MANY]="prefer (many):$node" [MPOL_LOCAL]=local)
  for m in $modes; do
    [ -n "${shown[$m]:-}" ] || fail "features lists $m, which this test does not know"
    case $m in MPOL_DEFAULT | MPOL_LOCAL) p="{\"mode\": \"$m\"}" ;; *) p="{\"mode\": \"$m\", \"nodes\": \"$node\"}" ;; esac
    mempolicy_run "$p"
    [[ "${lines[0]}" == *" ${shown[$m]} "* ]] || fail "$m: ${lines[0]}"
  done
  declare -A flag_shown=([MPOL_F_STATIC_NODES]=static [MPOL_F_RELATIVE_NODES]=relative [MPOL_F_NUMA_BALANCING]=balancing)
  for f in $flags; do
    [ -n "${flag_shown[$f]:-}" ] || fail "features lists $f, which this test does not know"
    mempolicy_run "{\"mode\": \"MPOL_BIND\", \"nodes\": \"$node\", \"flags\": [\"$f\"]}"
    [[ "${lines[0]}" == *" bind=${flag_shown[$f]}:$node "* ]] || fail "$f: ${lines[0]}"
  done
}
