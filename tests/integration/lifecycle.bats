#!/usr/bin/env bats
# run, create, start, state, kill, delete: the lifecycle as callers drive it.

load helpers

# ---- run ---------------------------------------------------------------

@test "run: the process runs inside the container and its output reaches the caller" {
  new_id c
  new_bundle b sh -c 'echo "pid=$$ host=$(hostname)"; ls /proc/1/root/bin/busybox'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  # pid 1 of a new pid namespace, the config's hostname (not the host's)
  [ "${lines[0]}" = "pid=1 host=hutch" ]
  [ "$(hostname)" != hutch ]
  [ "${lines[1]}" = /proc/1/root/bin/busybox ]
  assert_clean "$ROOT" "$c"
}

@test "run: the exit status of the process is hutch's exit status" {
  new_id c
  new_bundle b sh -c 'exit 3'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 3 ]
  assert_clean "$ROOT" "$c"
  new_id c2
  set_args "$b" false
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 1 ]
  assert_clean "$ROOT" "$c2"
}

@test "run: a process killed by a signal gives 128+N (hutch kill ID KILL -> 137)" {
  new_id c
  new_bundle b sleep 1000
  bg_start "$TMP/run.out" run --bundle "$b" --pid-file "$TMP/pid" "$c"
  wait_for test -s "$TMP/pid"
  pid=$(cat "$TMP/pid")
  wait_for has_status "$c" running
  h kill "$c" KILL
  rc=0
  wait "$BG_PID" || rc=$?
  [ "$rc" -eq 137 ] || fail "run exited $rc, expected 137: $(cat "$TMP/run.out.err")"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "run: signals sent to hutch go to the container process" {
  new_id c
  new_bundle b sh -c 'trap "echo got TERM; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
  bg_start "$TMP/run.out" run --bundle "$b" --pid-file "$TMP/pid" "$c"
  wait_for grep -q ready "$TMP/run.out"
  pid=$(cat "$TMP/pid")
  kill -TERM "$BG_PID"
  rc=0
  wait "$BG_PID" || rc=$?
  [ "$rc" -eq 42 ] || fail "run exited $rc, expected 42"
  grep -q "got TERM" "$TMP/run.out"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "run --detach: returns with the container running; delete -f cleans up" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run --detach --bundle "$b" --pid-file "$TMP/pid" "$c"
  [ "$status" -eq 0 ]
  [ "$(state_status "$c")" = running ]
  pid=$(state_pid "$c")
  [ "$pid" = "$(cat "$TMP/pid")" ]
  # the process really runs the config's program
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "run: once a foreground run ends the container is gone, and delete -f still exits 0" {
  new_id c
  new_bundle b true
  hrun run --bundle "$b" --pid-file "$TMP/pid" "$c"
  [ "$status" -eq 0 ]
  pid=$(cat "$TMP/pid")
  expect_fail "container does not exist" state "$c"
  assert_clean "$ROOT" "$c" "$pid"
  hrun delete -f "$c"
  [ "$status" -eq 0 ]
  assert_clean "$ROOT" "$c" "$pid"
}

@test "run --keep: the stopped container stays until delete" {
  new_id c
  new_bundle b sh -c 'exit 5'
  hrun run --keep --bundle "$b" "$c"
  [ "$status" -eq 5 ]
  [ "$(state_status "$c")" = stopped ]
  [ "$(state_pid "$c")" = 0 ]
  [ -n "$(find /sys/fs/cgroup -type d -name "hutch-$c")" ]
  delete_clean "$c"
}

# ---- create, start, state, delete ---------------------------------------

@test "create -> created with the host pid; --pid-file is digits only; start -> running; exit -> stopped; delete -> clean" {
  new_id c
  new_bundle b sh -c 'while [ ! -e /dev/shm/go ]; do sleep 0.05; done; echo finished'
  hcreate "$c" "$b" --pid-file "$TMP/pid"
  [ "$status" -eq 0 ]
  [ "$(state_status "$c")" = created ]
  pid=$(state_pid "$c")
  # digits only, no newline, equal to state's pid
  grep -Eq '^[0-9]+$' "$TMP/pid"
  [ "$(wc -c <"$TMP/pid")" -eq "${#pid}" ]
  [ "$(cat "$TMP/pid")" = "$pid" ]
  # the host pid of the container's pid 1, in the container's cgroup
  [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")" = 1 ]
  [ "$(readlink "/proc/$pid/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]
  grep -q "/hutch-$c\$" "/proc/$pid/cgroup"
  # the state JSON's other fields
  state_json "$c" >"$TMP/state.json"
  [ "$(json_get "$TMP/state.json" "d['id'], d['bundle'], d['rootfs'], d['ociVersion']")" = "$c $b $b/rootfs 1.3.0" ]
  json_get "$TMP/state.json" "__import__('re').fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z', d['created']).group(0)"
  # nothing of the program has run yet
  [ ! -s "$TMP/$c.out" ]

  h start "$c"
  [ "$(state_status "$c")" = running ]
  [ "$(state_pid "$c")" = "$pid" ]
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sh -c while [ ! -e /dev/shm/go ]; do sleep 0.05; done; echo finished " ]

  touch "/proc/$pid/root/dev/shm/go"
  wait_for has_status "$c" stopped
  [ "$(state_pid "$c")" = 0 ]
  [ "$(cat "$TMP/$c.out")" = finished ]
  h delete "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "delete of a created container kills its init, without --force" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  [ -e "/proc/$pid" ]
  h delete "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

usr1_count_is() { [ "$(grep -cx USR1 "$TMP/c.out")" -eq "$1" ]; }

@test "kill sends the named signal; the default is SIGTERM; numbers and SIG names work" {
  new_id c
  new_bundle b sh -c 'trap "echo USR1" USR1; trap "echo TERM; exit 0" TERM; echo ready; while :; do sleep 0.05; done'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  wait_for grep -qx ready "$TMP/c.out"
  h kill "$c" SIGUSR1
  wait_for grep -qx USR1 "$TMP/c.out"
  h kill "$c" 10
  wait_for usr1_count_is 2
  h kill "$c" usr1
  wait_for usr1_count_is 3
  [ "$(state_status "$c")" = running ]
  h kill "$c"
  wait_for grep -qx TERM "$TMP/c.out"
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "delete --force of a running container kills it and cleans up" {
  new_id c
  new_bundle b sh -c 'trap "" TERM; sleep 1000'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  h delete --force "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

procs_count_is() { [ "$(wc -l <"$(find /sys/fs/cgroup/pids -type d -name "hutch-$1")/cgroup.procs")" -eq "$2" ]; }

@test "kill --all signals every process of the container" {
  new_id c
  new_bundle b sh -c 'sleep 1000 & sleep 1000 & wait'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  wait_for procs_count_is "$c" 3
  procs=$(cat "$(find /sys/fs/cgroup/pids -type d -name "hutch-$c")/cgroup.procs")
  h kill --all "$c" KILL
  for p in $procs; do
    wait_for pid_gone "$p"
  done
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "the state directory is 0711 under a 0700 root, and holds no leftovers after delete" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  [ "$(stat -c %a "$ROOT")" = 700 ]
  [ "$(stat -c %a "$ROOT/$c")" = 711 ]
  delete_clean "$c"
  [ -z "$(ls -A "$ROOT")" ]
}

@test "create --pid-file with a relative path is relative to the caller's directory" {
  new_id c
  new_bundle b sleep 1000
  mkdir "$TMP/here"
  rc=0
  (cd "$TMP/here" && "$HUTCH" --root "$ROOT" create --pid-file rel.pid --bundle "$b" "$c" </dev/null >"$TMP/c.out" 2>&1 3>&-) || rc=$?
  [ "$rc" -eq 0 ] || fail "create: $(cat "$TMP/c.out")"
  [ "$(cat "$TMP/here/rel.pid")" = "$(state_pid "$c")" ]
  # no temporary file left next to it
  [ "$(ls -A "$TMP/here")" = rel.pid ]
  delete_clean "$c"
}

@test "state carries the config's annotations" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["annotations"] = {"com.example.key": "value", "org.opencontainers.image.stopSignal": "SIGINT"}'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  state_json "$c" >"$TMP/state.json"
  [ "$(json_get "$TMP/state.json" "sorted(d['annotations'].items())")" = "[('com.example.key', 'value'), ('org.opencontainers.image.stopSignal', 'SIGINT')]" ]
  delete_clean "$c"
}

@test "kill of a created container stops it; start then fails and delete cleans up" {
  new_id c
  new_bundle b sh -c 'echo SHOULD-NOT-RUN'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  h kill "$c" KILL
  wait_for has_status "$c" stopped
  expect_fail "cannot start a container that has stopped" start "$c"
  [ ! -s "$TMP/$c.out" ]
  delete_clean "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "a created container whose init died (killed from outside) is stopped" {
  new_id c
  new_bundle b true
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  kill -9 "$pid"
  wait_for has_status "$c" stopped
  [ "$(state_pid "$c")" = 0 ]
  expect_fail "cannot start a container that has stopped" start "$c"
  delete_clean "$c"
}

@test "delete -f of a container without a pid namespace kills every process in its cgroup" {
  new_id c
  new_bundle b sh -c 'sleep 1001 & sleep 1002 & echo started; wait'
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  procs_are_3() { [ "$(wc -l <"$(find /sys/fs/cgroup/pids -type d -name "hutch-$c")/cgroup.procs")" -eq 3 ]; }
  wait_for procs_are_3
  procs=$(cat "$(find /sys/fs/cgroup/pids -type d -name "hutch-$c")/cgroup.procs")
  h delete -f "$c"
  for p in $procs; do
    wait_for pid_gone "$p"
  done
  assert_clean "$ROOT" "$c" "$pid"
}

@test "run without a pid namespace: processes left behind by the exited init are killed when run deletes the container" {
  new_id c
  new_bundle b sh -c 'sleep 1003 & echo $! >/dev/shm/child; echo bye'
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]' \
    'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev/shm"]' \
    'c["mounts"].append({"destination": "/dev/shm", "type": "bind", "source": E["TMP"] + "/shm", "options": ["rbind", "rw"]})'
  mkdir "$TMP/shm"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = bye ]
  child=$(cat "$TMP/shm/child")
  [ -n "$child" ]
  wait_for pid_gone "$child"
  assert_clean "$ROOT" "$c"
}

@test "exec into a created container works (it has its root and namespaces already)" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["hostname"] = "created-one"'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  hrun exec "$c" sh -c 'hostname; ls /'
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "created-one bin dev etc proc root sys tmp " ]
  [ "$(state_status "$c")" = created ]
  h start "$c"
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "run: a process killed by SIGTERM from hutch kill gives 143" {
  new_id c
  new_bundle b sh -c 'echo ready; exec sleep 1000'
  # no pid namespace: the program gets default signal handling (a pid 1 ignores SIGTERM)
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
  bg_start "$TMP/run.out" run --bundle "$b" "$c"
  wait_for grep -q ready "$TMP/run.out"
  wait_for has_status "$c" running
  h kill "$c"
  rc=0
  wait "$BG_PID" || rc=$?
  [ "$rc" -eq 143 ] || fail "run exited $rc"
  assert_clean "$ROOT" "$c"
}

@test "a long --root path (beyond sun_path) works for create, start, state and delete" {
  ROOT=$TMP/$(printf 'long-state-directory-name-%.0s' 1 2 3 4 5 6)/state
  [ "${#ROOT}" -gt 120 ]
  new_id c
  new_bundle b sh -c 'echo long-root-ok'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  h start "$c"
  wait_for has_status "$c" stopped
  [ "$(cat "$TMP/$c.out")" = long-root-ok ]
  delete_clean "$c"
}

@test "delete of a stopped container without a pid namespace kills the processes its init left behind" {
  new_id c
  new_bundle b sh -c 'sleep 1004 & echo $! >/dev/shm/child'
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]' \
    'c["mounts"] = [m for m in c["mounts"] if m["destination"] != "/dev/shm"]' \
    'c["mounts"].append({"destination": "/dev/shm", "type": "bind", "source": E["TMP"] + "/shm", "options": ["rbind", "rw"]})'
  mkdir "$TMP/shm"
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  wait_for has_status "$c" stopped
  wait_for test -s "$TMP/shm/child"
  child=$(cat "$TMP/shm/child")
  kill -0 "$child"
  h delete "$c"
  wait_for pid_gone "$child"
  assert_clean "$ROOT" "$c"
}

# ---- --pidfd-socket ------------------------------------------------------

# Starts the receiver on $TMP/$1.sock; its report goes to $TMP/$1.pidfd.
pidfd_listen() {
  "$PY" "$BATS_TEST_DIRNAME/pidfd_recv.py" "$TMP/$1.sock" "$TMP/$1.pidfd" 30 &
  echo "$!" >>"$TMP/bgpids"
  wait_for test -e "$TMP/$1.sock.ready"
}

@test "create/exec --pidfd-socket: a pidfd of the container process and of the exec'd one" {
  new_id c
  new_bundle b sleep 1000
  pidfd_listen init
  hcreate "$c" "$b" --pidfd-socket "$TMP/init.sock"
  [ "$status" -eq 0 ] || fail "$stderr"
  wait_for grep -q "^pid " "$TMP/init.pidfd"
  [ "$(head -1 "$TMP/init.pidfd")" = "pid $(state_pid "$c")" ] || fail "$(cat "$TMP/init.pidfd")"
  h start "$c"
  pidfd_listen exec
  h exec -d --pid-file "$TMP/exec.pid" --pidfd-socket "$TMP/exec.sock" "$c" sleep 1000
  wait_for grep -q "^pid " "$TMP/exec.pidfd"
  [ "$(head -1 "$TMP/exec.pidfd")" = "pid $(cat "$TMP/exec.pid")" ] || fail "$(cat "$TMP/exec.pidfd")"
  # The pidfds follow their processes: readable once they are gone.
  h kill "$c" KILL
  wait_for grep -q exited "$TMP/init.pidfd"
  wait_for grep -q exited "$TMP/exec.pidfd"
  delete_clean "$c"
}

@test "--pidfd-socket that nobody listens on fails by name, nothing left" {
  new_id c
  new_bundle b true
  hrun run --pidfd-socket "$TMP/nobody.sock" --bundle "$b" "$c"
  [ "$status" -eq 1 ] && [[ "$stderr" == *"--pidfd-socket: "* ]] || fail "$status $stderr"
  assert_clean "$ROOT" "$c"
}
