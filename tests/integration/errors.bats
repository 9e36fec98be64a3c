#!/usr/bin/env bats
# What callers get when they ask for something that cannot be done: runc's
# error texts (callers match on them), exit 1, and nothing left behind.

load helpers

@test "start twice: cannot start an already running container" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  h start "$c"
  expect_fail "cannot start an already running container" start "$c"
  # the container is untouched
  [ "$(state_status "$c")" = running ]
  [ "$(state_pid "$c")" = "$pid" ]
  delete_clean "$c" --force
}

@test "start of a stopped container: cannot start a container that has stopped" {
  new_id c
  new_bundle b true
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  h start "$c"
  wait_for has_status "$c" stopped
  expect_fail "cannot start a container that has stopped" start "$c"
  [ -d "$ROOT/$c" ]
  delete_clean "$c"
}

@test "delete of a running container without --force is refused, and it keeps running" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  expect_fail "cannot delete container $c that is not stopped: running" delete "$c"
  [ "$(state_status "$c")" = running ]
  kill -0 "$pid"
  [ -d "$ROOT/$c" ]
  [ -n "$(find /sys/fs/cgroup -type d -name "hutch-$c")" ]
  delete_clean "$c" -f
}

@test "kill of a stopped container: container not running" {
  new_id c
  new_bundle b true
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  wait_for has_status "$c" stopped
  expect_fail "container not running" kill "$c" KILL
  expect_fail "container not running" kill "$c"
  delete_clean "$c"
}

@test "an unknown id: container does not exist (kill, state, start, delete, exec, ps)" {
  new_id c
  for cmd in "kill $c" "kill $c KILL" "state $c" "start $c" "delete $c" "ps $c" "exec $c true"; do
    # shellcheck disable=SC2086
    hrun $cmd
    if [ "${cmd%% *}" = exec ]; then
      [ "$status" -eq 255 ] || fail "$cmd exited $status"
    else
      [ "$status" -eq 1 ] || fail "$cmd exited $status"
    fi
    [[ "$stderr" == *"container does not exist"* ]] || fail "$cmd: $stderr"
  done
  # also with an existing state root
  new_id other
  new_bundle b sleep 1000
  hcreate "$other" "$b"
  [ "$status" -eq 0 ]
  expect_fail "container does not exist" state "$c"
  expect_fail "container does not exist" kill "$c" KILL
  [ ! -e "$ROOT/$c" ]
  delete_clean "$other"
}

@test "bad ids are refused: invalid container ID format" {
  new_bundle b true
  mkdir -p "$ROOT"
  for id in "a/b" ".." "." "../x" "a b" 'x$y'; do
    for cmd in create state kill delete start run; do
      if [ "$cmd" = create ] || [ "$cmd" = run ]; then
        hrun "$cmd" --bundle "$b" "$id"
      else
        hrun "$cmd" "$id"
      fi
      [ "$status" -eq 1 ] || fail "$cmd \"$id\" exited $status"
      [[ "$stderr" == *"invalid container ID format"* ]] || fail "$cmd \"$id\": $stderr"
    done
  done
  # nothing was made, not even a/
  [ -z "$(ls -A "$ROOT")" ]
  [ ! -e "$TMP/a" ]
}

@test "create with an existing id: container with given ID already exists; the first is untouched" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  new_bundle b2 sleep 2000
  hrun -o "$TMP/second.out" create --bundle "$b2" "$c"
  [ "$status" -eq 1 ]
  grep -q "container with given ID already exists" "$TMP/second.out.err"
  [ "$(state_status "$c")" = created ]
  [ "$(state_pid "$c")" = "$pid" ]
  [ "$(state_field "$c" bundle)" = "$b" ]
  hrun run --bundle "$b2" "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"container with given ID already exists"* ]]
  [ "$(state_pid "$c")" = "$pid" ]
  h start "$c"
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
  delete_clean "$c" -f
}

@test "create with a missing bundle fails and leaves nothing" {
  new_id c
  hcreate "$c" "$TMP/no-such-bundle"
  [ "$status" -eq 1 ]
  grep -q "no-such-bundle" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  # a bundle without config.json
  mkdir "$TMP/empty"
  hcreate "$c" "$TMP/empty"
  [ "$status" -eq 1 ]
  grep -q "config.json" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
}

@test "create with a missing rootfs fails naming root.path, and leaves nothing" {
  new_id c
  new_bundle b true
  rm -rf "$b/rootfs"
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "root.path" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
}

@test "create with an invalid config fails naming the JSON path, and leaves nothing" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["process"]["cwd"] = "relative/dir"'
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "process.cwd" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  new_bundle b2 true
  cfg "$b2" 'c["linux"]["namespaces"].append({"type": "pid"})'
  hcreate "$c" "$b2"
  [ "$status" -eq 1 ]
  grep -q "linux.namespaces\[6\].type" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  new_bundle b3 true
  printf '{"ociVersion": "1.3.0", ' >"$b3/config.json"
  hcreate "$c" "$b3"
  [ "$status" -eq 1 ]
  grep -q "config.json" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
}

@test "a console socket without a terminal: cannot use console socket" {
  new_id c
  new_bundle b true
  hcreate "$c" "$b" --console-socket "$TMP/console.sock"
  [ "$status" -eq 1 ]
  grep -q "cannot use console socket" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  hrun run -d --console-socket "$TMP/console.sock" --bundle "$b" "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"cannot use console socket"* ]]
  assert_clean "$ROOT" "$c"
}

@test "a terminal without a console socket on create (or run -d): cannot allocate tty if hutch will detach without setting console socket" {
  new_id c
  new_bundle b sh
  cfg "$b" 'c["process"]["terminal"] = True'
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "cannot allocate tty if hutch will detach without setting console socket" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  hrun run -d --bundle "$b" "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"cannot allocate tty if hutch will detach without setting console socket"* ]]
  assert_clean "$ROOT" "$c"
}

@test "kill with an unknown signal fails and the container keeps running" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  for sig in SIGNOPE NOPE 0x9 999 -1; do
    hrun kill "$c" "$sig"
    [ "$status" -eq 1 ] || fail "kill $sig exited $status"
    [[ "$stderr" == *"$sig"* ]] || fail "kill $sig: $stderr"
  done
  [ "$(state_status "$c")" = running ]
  kill -0 "$pid"
  delete_clean "$c" -f
}

@test "a failure late in create (a missing bind mount source) leaves nothing behind" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["mounts"].append({"destination": "/data", "type": "bind", "source": E["TMP"] + "/missing", "options": ["bind"]})'
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "mounts\[7\]" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
}

@test "a config without process: create works, start fails saying so, delete cleans up" {
  new_id c
  new_bundle b true
  cfg "$b" 'del c["process"]'
  hcreate "$c" "$b"
  if [ "$status" -eq 0 ]; then
    hrun start "$c"
    [ "$status" -eq 1 ]
    [[ "$stderr" == *process* ]]
    hrun delete -f "$c"
    [ "$status" -eq 0 ]
  else
    grep -q "process" "$TMP/$c.out.err"
  fi
  assert_clean "$ROOT" "$c"
}

@test "hostname without a uts namespace is refused and the host keeps its name" {
  new_id c
  new_bundle b true
  host_name=$(hostname)
  cfg "$b" 'c["hostname"] = "renamed-host"' 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]'
  hcreate "$c" "$b"
  if [ "$(hostname)" != "$host_name" ]; then
    hostname "$host_name"
    fail "hutch renamed the host"
  fi
  [ "$status" -eq 1 ]
  grep -q "hostname" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
}

@test "create with a --pid-file that cannot be written fails and leaves nothing, not even the process" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b" --pid-file "$TMP/no/such/dir/pid"
  [ "$status" -eq 1 ]
  grep -q "no/such/dir" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  # no init of ours is left parked (its cgroup could not have been removed)
  [ -z "$(find /sys/fs/cgroup -type d -name "hutch-$c")" ]
}

@test "errors leave the state root usable: the id can be reused after a failed create" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["process"]["cwd"] = "relative"'
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  new_bundle b2 sh -c 'echo second-try'
  hrun run --bundle "$b2" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = second-try ]
  assert_clean "$ROOT" "$c"
}

@test "kill --all of a stopped container succeeds (runc: --all turns \"not running\" into success)" {
  new_id c
  new_bundle b true
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  wait_for has_status "$c" stopped
  hrun kill --all "$c" KILL
  [ "$status" -eq 0 ] || fail "kill --all exited $status: $stderr"
  [ "$(state_status "$c")" = stopped ]
  delete_clean "$c"
}

@test "a stray state directory (no state.json): state and delete say container does not exist; delete -f removes it" {
  new_id c
  mkdir -p "$ROOT/$c"
  expect_fail "container does not exist" state "$c"
  expect_fail "container does not exist" kill "$c" KILL
  hrun delete "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"container does not exist"* ]] || fail "delete: $stderr"
  # runc removes the stray directory whether or not --force is given
  [ ! -e "$ROOT/$c" ] || fail "delete left the stray directory"
  mkdir -p "$ROOT/$c"
  hrun delete -f "$c"
  [ "$status" -eq 0 ]
  assert_clean "$ROOT" "$c"
  # and the id is usable again
  new_bundle b sh -c 'echo reused'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = reused ]
  assert_clean "$ROOT" "$c"
}
