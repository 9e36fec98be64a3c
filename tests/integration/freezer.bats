#!/usr/bin/env bats
# pause and resume: the freezer cgroup, the state, and what a frozen
# container can and cannot do.

load helpers
load cgroup_helpers

# The freezer state file of container ID (v1 freezer.state, else cgroup.freeze).
freezer_file() {
  local dir
  if [ -n "$(cg_mount freezer)" ]; then
    dir=$(cg_ctr_dir freezer "$1") || return 1
    echo "$dir/freezer.state"
  else
    dir=$(cg_ctr_dir "" "$1") || return 1
    echo "$dir/cgroup.freeze"
  fi
}

is_frozen() { # FROZEN on v1, 1 on v2
  local v
  v=$(cat "$(freezer_file "$1")")
  [ "$v" = FROZEN ] || [ "$v" = 1 ]
}

is_thawed() {
  local v
  v=$(cat "$(freezer_file "$1")")
  [ "$v" = THAWED ] || [ "$v" = 0 ]
}

# A running container $c whose process counts in /dev/shm/n (rewritten
# whole each time, through a rename), and the host path of that file in $N.
start_counter() {
  new_id c
  new_bundle b sh -c 'i=0; while :; do i=$((i+1)); echo $i >/dev/shm/n.t; mv /dev/shm/n.t /dev/shm/n; sleep 0.01; done'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  pid=$(state_pid "$c")
  N=/proc/$pid/root/dev/shm/n
  wait_for test -s "$N"
}

counter() { cat "$N"; }
counter_above() { [ "$(counter)" -gt "$1" ]; }

@test "pause: state paused, freezer FROZEN, and the process makes no progress; resume: running, THAWED, progress again" {
  start_counter
  is_thawed "$c"
  h pause "$c"
  [ "$(state_status "$c")" = paused ]
  is_frozen "$c" || fail "freezer: $(cat "$(freezer_file "$c")")"
  [ "$(awk '/^State:/ { print $2 }' "/proc/$pid/status")" != R ]
  a=$(counter)
  sleep 0.5
  b=$(counter)
  [ "$a" = "$b" ] || fail "the paused process counted from $a to $b"
  # list's table shows a paused container's pid, as state does.
  h list
  [ "$(awk -v c="$c" '$1 == c { print $2, $3 }' "$HOUT")" = "$pid paused" ] || fail "list: $output"
  h resume "$c"
  [ "$(state_status "$c")" = running ]
  is_thawed "$c" || fail "freezer: $(cat "$(freezer_file "$c")")"
  wait_for counter_above "$b"
  delete_clean "$c" -f
}

@test "pause twice: container already paused; resume of a running container: container not paused" {
  start_counter
  expect_fail "container not paused" resume "$c"
  [ "$(state_status "$c")" = running ]
  is_thawed "$c"
  h pause "$c"
  expect_fail "container already paused" pause "$c"
  [ "$(state_status "$c")" = paused ]
  is_frozen "$c"
  h resume "$c"
  expect_fail "container not paused" resume "$c"
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "pause of a stopped container fails" {
  new_id c
  new_bundle b true
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  h start "$c"
  wait_for has_status "$c" stopped
  hrun pause "$c"
  [ "$status" -eq 1 ]
  [ "$(state_status "$c")" = stopped ]
  delete_clean "$c"
}

@test "kill -9 of a paused container stops it; delete is clean" {
  start_counter
  h pause "$c"
  [ "$(state_status "$c")" = paused ]
  h kill "$c" KILL
  wait_for has_status "$c" stopped
  wait_for pid_gone "$pid"
  delete_clean "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "delete -f of a paused container is clean" {
  start_counter
  h exec -d --pid-file "$TMP/e.pid" "$c" sleep 1001
  epid=$(cat "$TMP/e.pid")
  h pause "$c"
  is_frozen "$c"
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
  wait_for pid_gone "$epid"
}

@test "update of a paused container applies, and it stays paused" {
  start_counter
  h pause "$c"
  h update --pids-limit 61 "$c"
  [ "$(cg_read pids "$c" pids.max)" = 61 ]
  [ "$(state_status "$c")" = paused ]
  is_frozen "$c"
  delete_clean "$c" -f
}

@test "exec into a paused container is refused; --ignore-paused lets it in, and it runs once resumed" {
  start_counter
  h pause "$c"
  hrun exec "$c" touch /dev/shm/exec-ran
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"paused"* ]] || fail "$stderr"
  [ ! -e "/proc/$pid/root/dev/shm/exec-ran" ]
  [ "$(state_status "$c")" = paused ]
  # runc's --ignore-paused: the process joins the frozen container
  bg_start "$TMP/exec.out" exec --ignore-paused "$c" touch /dev/shm/exec-ran
  sleep 0.3
  [ ! -e "/proc/$pid/root/dev/shm/exec-ran" ] || fail "a process ran in the paused container"
  h resume "$c"
  rc=0
  wait "$BG_PID" || rc=$?
  [ "$rc" -eq 0 ] || fail "exec --ignore-paused exited $rc: $(cat "$TMP/exec.out.err")"
  [ -e "/proc/$pid/root/dev/shm/exec-ran" ]
  delete_clean "$c" -f
}

@test "a state written before hutch kept cgroupControllers still pauses, resumes and is deleted" {
  start_counter
  "$PY" - "$ROOT/$c/state.json" <<'PY'
import json, sys
p = sys.argv[1]
s = json.load(open(p))
assert len(s.pop("cgroupControllers")) == len(s["cgroupDirs"])
json.dump(s, open(p, "w"))
PY
  h pause "$c"
  [ "$(state_status "$c")" = paused ]
  is_frozen "$c" || fail "freezer: $(cat "$(freezer_file "$c")")"
  h resume "$c"
  [ "$(state_status "$c")" = running ]
  is_thawed "$c"
  delete_clean "$c" -f
}

@test "the state names each cgroup directory's controllers as its mount does" {
  start_counter
  "$PY" - "$ROOT/$c/state.json" <<'PY' || fail "controllers do not match the mounts"
import json, os, sys
s = json.load(open(sys.argv[1]))
dirs, ctls = s["cgroupDirs"], s["cgroupControllers"]
assert len(dirs) == len(ctls) and dirs, (dirs, ctls)
# The longest mount point above each directory, from the mount table.
mounts = []
for line in open("/proc/self/mountinfo"):
    left, right = line.split(" - ")
    point, fstype, opts = left.split()[4], right.split()[0], right.split()[2]
    mounts.append((point, fstype, opts.split(",")))
for d, c in zip(dirs, ctls):
    point, fstype, opts = max((m for m in mounts if d.startswith(m[0].rstrip("/") + "/")), key=lambda m: len(m[0]))
    if c == "":
        assert fstype == "cgroup2", (d, fstype)
    else:
        assert fstype == "cgroup" and all(x in opts for x in c.split(",")), (d, c, opts)
PY
  delete_clean "$c" -f
}
