#!/usr/bin/env bats
# Crashes, corrupt or hostile state, and a state root shared with others:
# hutch removes only what it made, acts on nothing a state file claims that it
# could not have written itself, and `delete -f` cleans up after a create
# killed at any point.

load helpers
load cgroup_helpers

# pids_dir ID: the container's pids cgroup as hutch would make it by default.
pids_dir() { echo "$(cg_dir pids $$)/hutch-$1"; }
# has_procs DIR: a process is in that cgroup (cgroup files have no size).
has_procs() { [ -n "$(cat "$1/cgroup.procs" 2>/dev/null)" ]; }

# ---- a create or run that is killed ----------------------------------------

@test "recovery: create SIGKILLed during a createRuntime hook: the init dies with it; state says stopped; delete -f cleans all" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "3"]}]}'
  bg_start "$TMP/create.out" create --bundle "$b" "$c"
  cpid=$BG_PID
  # the cgroup is made and the init parked in it, waiting for the hook
  wait_for has_procs "$(pids_dir "$c")"
  init=$(head -n1 "$(pids_dir "$c")/cgroup.procs")
  kill -KILL "$cpid"
  # the init does not outlive its runtime
  wait_for pid_gone "$init"
  [ "$(state_status "$c")" = stopped ] || fail "state: $(state_json "$c")"
  # kill --all reaches whatever the cgroups hold; kill of the init says it is gone
  expect_fail "container not running" kill "$c" KILL
  h kill --all "$c" KILL
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$init"
}

@test "recovery: delete (without -f) of a create that died cleans up too" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "3"]}]}'
  bg_start "$TMP/create.out" create --bundle "$b" "$c"
  wait_for has_procs "$(pids_dir "$c")"
  kill -KILL "$BG_PID"
  h delete "$c"
  assert_clean "$ROOT" "$c"
}

@test "recovery: a hutch-ID cgroup left by an earlier crash is taken over and removed on delete" {
  new_id c
  mkdir "$(pids_dir "$c")"
  new_bundle b true
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  assert_clean "$ROOT" "$c"
  [ ! -d "$(pids_dir "$c")" ] || fail "the leftover cgroup is still there"
}

@test "recovery: a foreground run SIGKILLed before its process started leaves nothing that delete -f cannot clean" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "3"]}]}'
  bg_start "$TMP/run.out" run --bundle "$b" "$c"
  wait_for has_procs "$(pids_dir "$c")"
  init=$(head -n1 "$(pids_dir "$c")/cgroup.procs")
  kill -KILL "$BG_PID"
  wait_for pid_gone "$init"
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$init"
}

# ---- what is not hutch's ---------------------------------------------------

@test "recovery: delete never empties a directory hutch did not make (with or without -f)" {
  mkdir -p "$ROOT/x"
  echo keep >"$ROOT/x/a"
  for f in "" -f; do
    hrun delete $f x
    [ "$status" -eq 1 ] || fail "delete $f exited $status"
    [[ "$stderr" == *"was not made by hutch"* ]] || fail "$stderr"
    [ "$(cat "$ROOT/x/a")" = keep ]
  done
  # nor another runtime's container (runc's state.json, its own files)
  mkdir -p "$ROOT/y"
  echo '{"id":"y","init_process_pid":1,"init_process_start":1,"created":"2026-01-01T00:00:00Z"}' >"$ROOT/y/state.json"
  hrun delete -f y
  [ "$status" -eq 1 ]
  [ -s "$ROOT/y/state.json" ]
  expect_fail "was not made by hutch" state y
  expect_fail "was not made by hutch" kill y KILL
  rm -rf "$ROOT/x" "$ROOT/y"
}

@test "recovery: files put into a container's directory by others stay, and so does the directory" {
  new_id c
  new_bundle b true
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  echo theirs >"$ROOT/$c/notes"
  hrun delete -f "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"holds notes, which hutch did not make"* ]] || fail "$stderr"
  [ "$(cat "$ROOT/$c/notes")" = theirs ]
  # the container itself is gone: no process, no cgroup
  [ ! -d "$(pids_dir "$c")" ]
  rm "$ROOT/$c/notes"
  h delete -f "$c"
  assert_clean "$ROOT" "$c"
}

# ---- state that cannot be believed ----------------------------------------

@test "recovery: a corrupt state.json keeps the directory; list warns; delete refuses; delete -f kills through the cgroups" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  echo '{"ociVersion": "1.3.0", "id": ' >"$ROOT/$c/state.json"
  expect_fail "corrupt state.json" state "$c"
  hrun list
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"$c: corrupt state.json"* ]] || fail "list: $stderr"
  hrun delete "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"delete -f kills"* ]] || fail "$stderr"
  kill -0 "$pid"
  [ -d "$ROOT/$c" ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "recovery: a FIFO state.json (or a symlink to one) hangs no command" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  rm "$ROOT/$c/state.json"
  mkfifo "$TMP/fifo"
  ln -s "$TMP/fifo" "$ROOT/$c/state.json"
  HUTCH_TIMEOUT=10
  expect_fail "state.json" state "$c"
  hrun list
  [ "$status" -eq 0 ]
  rm "$ROOT/$c/state.json"
  mkfifo "$ROOT/$c/state.json"
  expect_fail "not a regular file (a FIFO)" state "$c"
  hrun list
  [ "$status" -eq 0 ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "recovery: a state.json symlinked to another container's makes delete destroy only its own" {
  new_id a
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/a.out" run -d --bundle "$b" "$a"
  [ "$status" -eq 0 ]
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  apid=$(state_pid "$a")
  cpid=$(state_pid "$c")
  rm "$ROOT/$c/state.json"
  ln -s "../$a/state.json" "$ROOT/$c/state.json"
  hrun delete "$c"
  [ "$status" -eq 1 ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$cpid"
  # A is untouched
  kill -0 "$apid"
  [ "$(state_status "$a")" = running ]
  delete_clean "$a" -f
}

@test "recovery: edited cgroupDirs cannot make delete -f kill or remove a decoy cgroup" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  decoy="$(cg_mount pids)/decoy-$$-$BATS_TEST_NUMBER"
  mkdir "$decoy"
  sleep 1000 &
  victim=$!
  echo "$victim" >>"$TMP/bgpids"
  echo "$victim" >"$decoy/cgroup.procs"
  D=$decoy "$PY" - "$ROOT/$c/state.json" <<'PY'
import json, os, sys
p = sys.argv[1]
s = json.load(open(p))
s["cgroupDirs"] = [os.environ["D"] if "/pids/" in d else d for d in s["cgroupDirs"]]
s["cgroupCreated"] = [os.environ["D"] if "/pids/" in d else d for d in s["cgroupCreated"]]
json.dump(s, open(p, "w"))
PY
  expect_fail "cgroupDirs" state "$c"
  h delete -f "$c"
  # the decoy and its process are untouched; the container is gone all the same
  kill -0 "$victim" || fail "the decoy's process was killed"
  [ -d "$decoy" ] || fail "the decoy cgroup was removed"
  assert_clean "$ROOT" "$c" "$pid"
  echo "$victim" >"$(cg_mount pids)/cgroup.procs"
  rmdir "$decoy"
}

@test "recovery: an edited pid and start time cannot make kill hit a host process" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  sleep 1000 &
  victim=$!
  echo "$victim" >>"$TMP/bgpids"
  start=$(awk '{ print $22 }' "/proc/$victim/stat")
  V=$victim S=$start "$PY" - "$ROOT/$c/state.json" <<'PY'
import json, os, sys
p = sys.argv[1]
s = json.load(open(p))
s["pid"] = int(os.environ["V"])
s["startTime"] = int(os.environ["S"])
json.dump(s, open(p, "w"))
PY
  hrun kill "$c" KILL
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"container not running"* ]] || fail "$stderr"
  sleep 0.2
  kill -0 "$victim" || fail "kill reached the host process"
  h delete -f "$c"
  kill -0 "$victim" || fail "delete -f reached the host process"
  assert_clean "$ROOT" "$c"
}

# ---- smaller things ----------------------------------------------------------

@test "recovery: start with a full state root fails before the process runs, and says so" {
  mkdir "$TMP/small"
  host_mount -t tmpfs -o size=256k tmpfs "$TMP/small"
  new_id c
  new_bundle b sh -c 'echo RAN; sleep 1000'
  "$HUTCH" --root "$TMP/small/state" create --bundle "$b" "$c" </dev/null >"$TMP/c.out" 2>"$TMP/c.err" ||
    fail "create: $(cat "$TMP/c.err")"
  dd if=/dev/zero of="$TMP/small/fill" bs=4k 2>/dev/null || true
  status=0
  "$HUTCH" --root "$TMP/small/state" start "$c" </dev/null >"$TMP/s.out" 2>"$TMP/s.err" || status=$?
  if [ "$status" -eq 0 ]; then
    wait_for grep -q RAN "$TMP/c.out"
  else
    grep -q "No space left on device" "$TMP/s.err" || fail "start: $(cat "$TMP/s.err")"
    sleep 0.3
    ! grep -q RAN "$TMP/c.out" || fail "start failed, but the process ran"
  fi
  rm "$TMP/small/fill"
  "$HUTCH" --root "$TMP/small/state" delete -f "$c" </dev/null >/dev/null 2>&1
  assert_clean "$TMP/small/state" "$c"
}

@test "recovery: exec needs one free pid slot, as with runc and crun" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["linux"]["resources"]["pids"] = {"limit": 2}'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  hrun exec "$c" echo exec-ran
  [ "$status" -eq 0 ] || fail "exec: $stderr"
  [ "$output" = exec-ran ]
  delete_clean "$c" -f
}

@test "recovery: pids.limit 0 is unlimited for configs before 1.3.0 (as runc and crun read them), a real limit from 1.3.0" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["ociVersion"] = "1.0.2-dev"' 'c["linux"]["resources"]["pids"] = {"limit": 0}'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  [ "$(cg_read pids "$c" pids.max)" = max ]
  delete_clean "$c" -f
  new_id c2
  cfg "$b" 'c["ociVersion"] = "1.3.0"'
  hcreate "$c2" "$b"
  [ "$status" -eq 0 ]
  [ "$(cg_read pids "$c2" pids.max)" = 0 ]
  delete_clean "$c2" -f
}

# slow_reaper SECONDS HUTCH-ARGS...: runs hutch under a subreaper that leaves
# its orphans unreaped for SECONDS (a busy shim).
slow_reaper() {
  local secs=$1
  shift
  cat >"$TMP/reaper.py" <<'PY'
import ctypes, os, subprocess, sys, time
ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
open(os.environ["TMP"] + "/reaper.ready", "w").close()
time.sleep(float(sys.argv[1]))
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
PY
  "$PY" "$TMP/reaper.py" "$secs" "$HUTCH" --root "$ROOT" "$@" </dev/null >"$TMP/reaper.out" 2>&1 3>&- &
  echo $! >>"$TMP/bgpids"
  wait_for test -e "$TMP/reaper.ready"
}

@test "recovery: delete -f waits for a slow reaper to collect the killed init (bounded), then cleans up" {
  new_id c
  new_bundle b sleep 1000
  slow_reaper 2.5 run -d --bundle "$b" "$c"
  pid=$(state_pid "$c")
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "recovery: a command that waited for the lock of a container being deleted says it does not exist" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  # what a delete does, holding the lock: start queues up behind it
  flock "$ROOT/$c" sh -c "sleep 0.5; kill -KILL $pid; rm -rf '$ROOT/$c'" &
  echo $! >>"$TMP/bgpids"
  sleep 0.1
  hrun start "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"container does not exist"* ]] || fail "start: $stderr"
  wait_for pid_gone "$pid"
  find /sys/fs/cgroup -depth -type d -name "hutch-$c" -exec rmdir {} \; 2>/dev/null || true
  assert_clean "$ROOT" "$c" "$pid"
}

@test "recovery: exec into a container whose root filesystem was removed says so" {
  new_id c
  new_bundle b sleep 1000
  cp -a "$b/rootfs/bin/busybox" "$TMP/busybox"
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  rm -rf "$b/rootfs"
  hrun exec "$c" true
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"no longer exists (was the root filesystem removed?)"* ]] || fail "exec: $stderr"
  delete_clean "$c" -f
}

@test "recovery: a created container outlives the create that made it, every time (its init stops dying with its parent first)" {
  # The init dies with its runtime until create has recorded it; create
  # exits only once the init has said it no longer would. A large seccomp
  # filter slows the init down, as the conformance suite's configs do.
  new_bundle b sleep 1000
  "$PY" - "$b/config.json" <<'PY'
import glob, json, re, sys
p = sys.argv[1]
c = json.load(open(p))
names = set()
for h in glob.glob("/usr/include/*/asm/unistd_64.h"):
    names |= set(re.findall(r"#define __NR_(\w+)\s+\d+", open(h).read()))
c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": sorted(names), "action": "SCMP_ACT_ALLOW"}]}
json.dump(c, open(p, "w"))
PY
  # The static release build exits fastest: the race shows there.
  [ -n "${HUTCH_STATIC:-}" ] || fail "set HUTCH_STATIC to a static build of hutch (scripts/build.sh release)"
  # Creates side by side make the race with the exit likely.
  for build in "$HUTCH" "$HUTCH_STATIC"; do
    for round in 1 2 3; do
      ids=()
      for i in 1 2 3 4 5 6; do
        new_id c
        ids+=("$c")
        "$build" --root "$ROOT" create --bundle "$b" "$c" </dev/null >"$TMP/$c.out" 2>&1 3>&- &
      done
      wait
      sleep 0.1
      for c in "${ids[@]}"; do
        [ "$(state_status "$c")" = created ] ||
          fail "round $round ($build): $c is $(state_status "$c") once create returned: $(cat "$TMP/$c.out")"
      done
    done
  done
}
