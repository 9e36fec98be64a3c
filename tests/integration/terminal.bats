#!/usr/bin/env bats
# process.terminal: the console socket (docs/terminals.md), the pty
# inside the container, and run's own terminal handling.

load helpers

# start_receiver NAME [receiver options]: the caller's end of the console
# socket at $TMP/NAME.sock; what the pty master yields goes to $TMP/NAME.tty.
start_receiver() {
  local name=$1
  shift
  "$PY" "$BATS_TEST_DIRNAME/console_recv.py" "$TMP/$name.sock" "$TMP/$name.tty" "$@" \
    </dev/null >"$TMP/$name.recv.log" 2>&1 3>&- &
  RECV_PID=$!
  echo "$RECV_PID" >>"$TMP/bgpids"
  wait_for test -e "$TMP/$name.sock.ready"
}

# receiver_done NAME: waits for the receiver; its protocol verdict must be ok.
receiver_done() {
  local rc=0
  wait "$RECV_PID" || rc=$?
  [ "$rc" -eq 0 ] || fail "receiver exited $rc: $(cat "$TMP/$1.recv.log" "$TMP/$1.tty.proto" 2>/dev/null)"
  [ "$(head -1 "$TMP/$1.tty.proto")" = ok ] || fail "console socket protocol: $(cat "$TMP/$1.tty.proto")"
  TTY_OUT=$(tr -d '\r' <"$TMP/$1.tty")
}

@test "terminal: create sends exactly one pty master over the console socket; the process has the pty as stdio and controlling tty" {
  new_id c
  new_bundle b sh -c 'tty; stty size; for f in 0 1 2; do readlink /proc/self/fd/$f; done
    if [ "$(stat -c %t:%T /dev/console)" = "$(stat -L -c %t:%T "$(tty)")" ]; then echo console-is-the-pty; fi
    ls /dev/pts | tr "\n" " "; echo
    grep -q " /dev/console " /proc/mounts && echo console-mounted
    cat /proc/self/stat | cut -d" " -f7 | grep -qv "^0$" && echo has-ctty
    echo done'
  cfg "$b" 'c["process"]["terminal"] = True' 'c["process"]["consoleSize"] = {"height": 33, "width": 111}'
  start_receiver con
  hcreate "$c" "$b" --console-socket "$TMP/con.sock"
  [ "$status" -eq 0 ]
  [ "$(state_status "$c")" = created ]
  h start "$c"
  receiver_done con
  expected="/dev/pts/0
33 111
/dev/pts/0
/dev/pts/0
/dev/pts/0
console-is-the-pty
0 ptmx 
console-mounted
has-ctty
done"
  [ "$TTY_OUT" = "$expected" ] || fail "pty output: $TTY_OUT"
  # nothing went to hutch's own stdio
  [ ! -s "$TMP/$c.out" ]
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "terminal: the parked init does not hold create's stdout and stderr (a caller reading them to EOF returns)" {
  new_id c
  new_bundle b sh -c 'echo on-the-pty'
  cfg "$b" 'c["process"]["terminal"] = True'
  start_receiver con
  # containerd's shim reads create's output until EOF: with the init keeping
  # the pipe open, the reader below would only end at the timeout
  rc=0
  timeout -k 2 20 bash -c '"$1" --root "$2" create --bundle "$3" --console-socket "$4" "$5" 2>&1 </dev/null 3>&- | cat >"$6"' \
    _ "$HUTCH" "$ROOT" "$b" "$TMP/con.sock" "$c" "$TMP/create.out" || rc=$?
  [ "$rc" -eq 0 ] || fail "create piped to a reader exited $rc: $(cat "$TMP/create.out")"
  [ "$(state_status "$c")" = created ]
  pid=$(state_pid "$c")
  [ "$(readlink /proc/$pid/fd/1)" != "$(readlink /proc/$$/fd/1)" ]
  readlink /proc/$pid/fd/1 | grep -q '^/dev/pts/' || fail "init's stdout: $(readlink /proc/$pid/fd/1)"
  h start "$c"
  receiver_done con
  [ "$TTY_OUT" = on-the-pty ]
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "terminal: a runtime started with stdin closed still gives the process the pty as fd 0" {
  new_id c
  new_bundle b sh -c 'for f in 0 1 2; do readlink /proc/self/fd/$f; done'
  cfg "$b" 'c["process"]["terminal"] = True'
  start_receiver con
  rc=0
  "$HUTCH" --root "$ROOT" create --bundle "$b" --console-socket "$TMP/con.sock" "$c" \
    0<&- >"$TMP/$c.out" 2>"$TMP/$c.out.err" 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  h start "$c"
  receiver_done con
  [ "$TTY_OUT" = "/dev/pts/0
/dev/pts/0
/dev/pts/0" ] || fail "stdio: $TTY_OUT"
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "terminal: input written to the master reaches the shell, its output comes back" {
  new_id c
  new_bundle b sh
  cfg "$b" 'c["process"]["terminal"] = True'
  start_receiver con --input 'echo $((6*7)); exit 3\n'
  hcreate "$c" "$b" --console-socket "$TMP/con.sock"
  [ "$status" -eq 0 ]
  h start "$c"
  receiver_done con
  echo "$TTY_OUT" | grep -qx 42 || fail "no 42 in: $TTY_OUT"
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "terminal: run -d with a console socket" {
  new_id c
  new_bundle b sh -c 'tty; echo run-d-done'
  cfg "$b" 'c["process"]["terminal"] = True'
  start_receiver con
  hrun -o "$TMP/c.out" run -d --console-socket "$TMP/con.sock" --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  receiver_done con
  [ "$TTY_OUT" = "/dev/pts/0
run-d-done" ]
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "terminal: exec -t -d --console-socket gives the exec'd process a pty of the container" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  start_receiver ex
  hrun -o "$TMP/exec.out" exec -t -d --console-socket "$TMP/ex.sock" --pid-file "$TMP/exec.pid" "$c" \
    sh -c 'tty; readlink /proc/self/fd/0; echo exec-done'
  [ "$status" -eq 0 ]
  receiver_done ex
  [[ "$TTY_OUT" =~ ^/dev/pts/[0-9]+$'\n'/dev/pts/[0-9]+$'\n'exec-done$ ]] || fail "pty output: $TTY_OUT"
  delete_clean "$c" -f
}

@test "terminal: exec -t -d without a console socket is refused" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  hrun exec -t -d "$c" true
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"cannot allocate tty if hutch will detach without setting console socket"* ]]
  delete_clean "$c" -f
}

@test "terminal: run in the foreground handles the pty itself" {
  new_id c
  new_bundle b sh -c 'tty; stty size; echo fg-done; exit 4'
  cfg "$b" 'c["process"]["terminal"] = True' 'c["process"]["consoleSize"] = {"height": 20, "width": 70}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 4 ]
  [ "$(echo "$output" | tr -d '\r')" = "/dev/pts/0
20 70
fg-done" ]
  assert_clean "$ROOT" "$c"
}

@test "terminal: run in the foreground returns when its process exits, though a process it left keeps writing to the pty" {
  new_id c
  # No pid namespace: the writer outlives the process and holds the pty.
  new_bundle b sh -c 'sh -c "trap \"\" HUP; while :; do echo tick; sleep 0.05; done" & echo parent-done; exit 3'
  cfg "$b" 'c["process"]["terminal"] = True' \
    'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 3 ] || fail "run: status $status (124: it never returned)"
  [[ "$(echo "$output" | tr -d '\r')" == *parent-done* ]]
  assert_clean "$ROOT" "$c"
}

@test "terminal: run's exit status is its process's, not that of an orphan it reaped at the same time" {
  new_id c
  # The orphan dies of the SIGHUP its session leader's exit sends.
  new_bundle b sh -c 'sleep 1000 & echo parent-done; exit 5'
  cfg "$b" 'c["process"]["terminal"] = True' \
    'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 5 ]
  assert_clean "$ROOT" "$c"
}

@test "terminal: exec -t in the foreground proxies the pty" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  hrun exec -t "$c" sh -c 'tty; exit 6'
  [ "$status" -eq 6 ]
  [[ "$(echo "$output" | tr -d '\r')" =~ ^/dev/pts/[0-9]+$ ]]
  delete_clean "$c" -f
}

@test "terminal: a console socket nobody listens on fails create, naming it, and leaves nothing" {
  new_id c
  new_bundle b sh
  cfg "$b" 'c["process"]["terminal"] = True'
  hcreate "$c" "$b" --console-socket "$TMP/nobody.sock"
  [ "$status" -eq 1 ]
  grep -q "nobody.sock" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
}

@test "terminal: exec --process with terminal and consoleSize, over a console socket" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  cat >"$TMP/p.json" <<'JSON'
{"args": ["sh", "-c", "stty size; echo sized"], "cwd": "/", "terminal": true,
 "consoleSize": {"height": 12, "width": 34}, "env": ["PATH=/bin"], "user": {"uid": 0, "gid": 0}}
JSON
  start_receiver ex
  hrun -o "$TMP/exec.out" exec -d --process "$TMP/p.json" --console-socket "$TMP/ex.sock" "$c"
  [ "$status" -eq 0 ]
  receiver_done ex
  [ "$TTY_OUT" = "12 34
sized" ]
  delete_clean "$c" -f
}

@test "terminal: run in the foreground copies its stdin into the pty" {
  new_id c
  new_bundle b sh
  cfg "$b" 'c["process"]["terminal"] = True'
  rc=0
  printf 'echo $((2+3))x\nexit 2\n' | "$HUTCH" --root "$ROOT" run --bundle "$b" "$c" >"$TMP/out" 2>"$TMP/err" 3>&- || rc=$?
  [ "$rc" -eq 2 ] || fail "run exited $rc: $(cat "$TMP/err")"
  tr -d '\r' <"$TMP/out" | grep -qx 5x || fail "output: $(cat "$TMP/out")"
  assert_clean "$ROOT" "$c"
}

@test "terminal: a container joining a pid namespace gets the pty as stdio and controlling tty, leading its own session" {
  new_id a
  new_bundle ba sleep 1000
  hrun -o "$TMP/a.out" run -d --bundle "$ba" "$a"
  [ "$status" -eq 0 ]
  apid=$(state_pid "$a")
  new_id c
  new_bundle b sh -c 'tty; for f in 0 1 2; do readlink /proc/self/fd/$f; done
    set -- $(cut -d" " -f1,6,7 /proc/$$/stat)
    [ "$1" = "$2" ] && echo session-leader
    [ "$3" != 0 ] && echo has-ctty
    echo done'
  cfg "$b" 'c["process"]["terminal"] = True'
  APID=$apid cfg "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "pid" else {"type": "pid", "path": "/proc/%s/ns/pid" % E["APID"]} for n in c["linux"]["namespaces"]]'
  start_receiver con
  hcreate "$c" "$b" --console-socket "$TMP/con.sock"
  [ "$status" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  # the pid hutch reports is the process in A's pid namespace
  pid=$(state_pid "$c")
  [ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$apid/ns/pid")" ]
  h start "$c"
  receiver_done con
  expected="/dev/pts/0
/dev/pts/0
/dev/pts/0
/dev/pts/0
session-leader
has-ctty
done"
  [ "$TTY_OUT" = "$expected" ] || fail "pty output: $TTY_OUT"
  wait_for has_status "$c" stopped
  delete_clean "$c"
  delete_clean "$a" -f
}
