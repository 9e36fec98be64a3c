#!/usr/bin/env bats
# The six hook kinds: when they run, in which namespaces, what they get on
# stdin, and what their failure does to the lifecycle.

load helpers

setup() {
  common_setup
  mkdir -p "$TMP/hooklog"
  LOG=$TMP/hooklog/log
  # hook.sh KIND LOG [STATUS]: appends "KIND<TAB>pid-namespace<TAB>stdin" to LOG.
  cat >"$TMP/hook.sh" <<'SH'
#!/bin/sh
json=$(cat | tr -d '\n')
printf '%s\t%s\t%s\n' "$1" "$(readlink /proc/self/ns/pid)" "$json" >>"$2"
exit "${3:-0}"
SH
  chmod 755 "$TMP/hook.sh"
}

# add_hook BUNDLE KIND [STATUS]: a host hook (path resolved on the host).
add_hook() {
  KIND=$2 ST=${3:-0} cfg "$1" '
h = c.setdefault("hooks", {}).setdefault(E["KIND"], [])
h.append({"path": E["TMP"] + "/hook.sh", "args": ["hook.sh", E["KIND"], E["TMP"] + "/hooklog/log", E["ST"]],
          "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]})'
}

# A startContainer hook lives in the container: its script is put in the
# rootfs, and the log directory is bound at /hooklog.
add_start_hook() { # add_start_hook BUNDLE [STATUS]
  cp "$TMP/hook.sh" "$1/rootfs/bin/hook-in.sh"
  ST=${2:-0} cfg "$1" '
h = c.setdefault("hooks", {}).setdefault("startContainer", [])
h.append({"path": "/bin/hook-in.sh", "args": ["hook-in.sh", "startContainer", "/hooklog/log", E["ST"]],
          "env": ["PATH=/bin"]})'
  bind_log "$1"
}

bind_log() {
  cfg "$1" 'c["mounts"].append({"destination": "/hooklog", "type": "bind", "source": E["TMP"] + "/hooklog", "options": ["rbind", "rw"]})'
}

# hook_field N EXPR: EXPR on line N of the log: k (kind), ns, d (parsed state).
hook_field() {
  "$PY" - "$LOG" "$1" "$2" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
k, ns, text = lines[int(sys.argv[2]) - 1].split("\t", 2)
d = json.loads(text)
v = eval(sys.argv[3])
print(*v) if isinstance(v, tuple) else print(v)
PY
}

kinds() { cut -f1 "$LOG" | tr '\n' ' '; }

@test "hooks: all six kinds run at their points, in order, with the state on stdin and the right pid view" {
  new_id c
  new_bundle b sleep 1000
  for k in prestart createRuntime createContainer; do add_hook "$b" "$k"; done
  add_start_hook "$b"
  for k in poststart poststop; do add_hook "$b" "$k"; done
  host_ns=$(readlink /proc/self/ns/pid)

  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  ctr_ns=$(readlink "/proc/$pid/ns/pid")
  [ "$ctr_ns" != "$host_ns" ]
  [ "$(kinds)" = "prestart createRuntime createContainer " ]
  # Steps 3-5 run after step 2 but inside create: runc passes "creating",
  # runtime-tools' conformance test expects "created" for prestart. Either,
  # the same for all three.
  st=$(hook_field 1 "d['status']")
  [ "$st" = creating ] || [ "$st" = created ] || fail "prestart status $st"
  for n in 1 2 3; do
    [ "$(hook_field $n "d['id'], d['status'], d['bundle'], d['ociVersion']")" = "$c $st $b 1.3.0" ] ||
      fail "hook $n: $(sed -n ${n}p "$LOG")"
  done
  # runtime-namespace hooks: the host pid, run in the host's pid namespace
  [ "$(hook_field 1 "d['pid'], ns")" = "$pid $host_ns" ]
  [ "$(hook_field 2 "d['pid'], ns")" = "$pid $host_ns" ]
  # createContainer: the container's view, run in the container's pid namespace
  [ "$(hook_field 3 "d['pid'], ns")" = "1 $ctr_ns" ]

  h start "$c"
  [ "$(kinds)" = "prestart createRuntime createContainer startContainer poststart " ]
  [ "$(hook_field 4 "d['id'], d['status'], d['pid'], ns")" = "$c created 1 $ctr_ns" ]
  [ "$(hook_field 5 "d['id'], d['status'], d['pid'], ns")" = "$c running $pid $host_ns" ]
  # poststart runs after the user program has been exec'd
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]

  h delete -f "$c"
  [ "$(kinds)" = "prestart createRuntime createContainer startContainer poststart poststop " ]
  [ "$(hook_field 6 "d['id'], d['status'], d['bundle'], ns")" = "$c stopped $b $host_ns" ]
  assert_clean "$ROOT" "$c" "$pid"
}

@test "hooks: several hooks of one kind run in array order" {
  new_id c
  new_bundle b true
  add_hook "$b" prestart
  cfg "$b" 'c["hooks"]["prestart"].append({"path": "/bin/sh", "args": ["sh", "-c", "echo second >>" + E["TMP"] + "/hooklog/log"]})'
  add_hook "$b" prestart
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  [ "$(cut -f1 "$LOG" | tr '\n' ' ')" = "prestart second prestart " ]
  delete_clean "$c"
}

@test "hooks: run's hooks follow the same order, and poststop runs when run deletes the container" {
  new_id c
  new_bundle b true
  for k in prestart createRuntime createContainer; do add_hook "$b" "$k"; done
  add_start_hook "$b"
  for k in poststart poststop; do add_hook "$b" "$k"; done
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(kinds)" = "prestart createRuntime createContainer startContainer poststart poststop " ]
  assert_clean "$ROOT" "$c"
}

@test "hooks: startContainer's path is resolved inside the container" {
  new_id c
  new_bundle b true
  add_start_hook "$b"
  # no such file on the host: only the container has /bin/hook-in.sh
  [ ! -e /bin/hook-in.sh ]
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  h start "$c"
  [ "$(kinds)" = "startContainer " ]
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "hooks: a hook that runs past its timeout fails create, and nothing is left" {
  new_id c
  new_bundle b true
  # A duration no other process on the machine sleeps: 300.<this shell's pid>.
  export NAP="300.$$"
  cfg "$b" 'c["hooks"] = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", E["NAP"]], "timeout": 1}]}'
  hcreate "$c" "$b"
  # Not waited out: that would be hrun's own timeout (124).
  [ "$status" -eq 1 ]
  grep -q "hooks.prestart\[0\]: /bin/sleep did not finish within its timeout of 1s" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  # the hook was killed, not left behind
  ! pgrep -x -f "sleep $NAP" >/dev/null
}

@test "hooks: a failing prestart, createRuntime or createContainer hook fails create, naming it, and leaves nothing" {
  for k in prestart createRuntime createContainer; do
    new_id c
    new_bundle b true
    add_hook "$b" "$k"
    add_hook "$b" "$k" 3
    : >"$LOG"
    hcreate "$c" "$b"
    [ "$status" -eq 1 ] || fail "$k: create exited $status"
    grep -q "hooks.$k\[1\]" "$TMP/$c.out.err" || fail "$k: $(cat "$TMP/$c.out.err")"
    # both ran, in order: the first succeeded, the second failed
    [ "$(cut -f1 "$LOG" | tr '\n' ' ')" = "$k $k " ]
    assert_clean "$ROOT" "$c"
    expect_fail "container does not exist" state "$c"
  done
}

@test "hooks: after a failing create-time hook the poststop hooks run (lifecycle step 12, then 13)" {
  for k in prestart createRuntime createContainer; do
    new_id c
    new_bundle b true
    add_hook "$b" "$k" 1
    add_hook "$b" poststop
    : >"$LOG"
    hcreate "$c" "$b"
    [ "$status" -eq 1 ] || fail "$k: create exited $status"
    [ "$(kinds)" = "$k poststop " ] || fail "after a failing $k hook the hooks that ran were: $(kinds)"
    assert_clean "$ROOT" "$c"
  done
}

@test "hooks: a failing startContainer hook fails start; the container is destroyed and poststop ran" {
  new_id c
  new_bundle b sleep 1000
  add_start_hook "$b" 4
  add_hook "$b" poststart
  add_hook "$b" poststop
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  hrun start "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"hooks.startContainer[0]"* ]]
  # poststart did not run, poststop did; the program never ran
  [ "$(kinds)" = "startContainer poststop " ]
  assert_clean "$ROOT" "$c" "$pid"
  expect_fail "container does not exist" state "$c"
}

@test "hooks: a failing poststart hook fails start; the container is destroyed and poststop ran" {
  new_id c
  new_bundle b sleep 1000
  add_hook "$b" poststart 5
  add_hook "$b" poststop
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  hrun start "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"hooks.poststart[0]"* ]]
  [ "$(kinds)" = "poststart poststop " ]
  assert_clean "$ROOT" "$c" "$pid"
  expect_fail "container does not exist" state "$c"
}

@test "hooks: a failing poststop hook only warns: delete exits 0 and cleans up, later poststop hooks still run" {
  new_id c
  new_bundle b sleep 1000
  add_hook "$b" poststop 6
  add_hook "$b" poststop
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  hrun delete -f "$c"
  [ "$status" -eq 0 ]
  [[ "$stderr" == *"hooks.poststop[0]"* ]]
  [ "$(kinds)" = "poststop poststop " ]
  assert_clean "$ROOT" "$c" "$pid"
}

@test "hooks: the hook gets exactly its args and env" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sh",
        "args": ["hook-argv0", "-c", "/usr/bin/tr \"\\\\0\" \"|\" </proc/$$/cmdline >$HOOK_OUT; echo >>$HOOK_OUT; /usr/bin/env >>$HOOK_OUT", "a b", "c"],
        "env": ["HOOK_OUT=" + E["TMP"] + "/hook.out", "FOO=bar"]}]}'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  [[ "$(sed -n 1p "$TMP/hook.out")" == "hook-argv0|-c|"*"|a b|c|" ]] || fail "argv: $(sed -n 1p "$TMP/hook.out")"
  # the environment is the config's, nothing inherited from hutch's caller
  ! grep -q "^HUTCH=" "$TMP/hook.out"
  grep -qx "FOO=bar" "$TMP/hook.out"
  delete_clean "$c"
}

@test "hooks: createRuntime hooks find the container's namespaces and mounts through the pid" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c",
      "pid=$(sed -n \"s/.*\\\"pid\\\":\\([0-9]*\\).*/\\1/p\"); readlink /proc/$pid/ns/net /proc/$pid/ns/mnt >" + E["TMP"] + "/ns.out; cat /proc/$pid/mountinfo >" + E["TMP"] + "/mi.out"],
      "env": ["PATH=/usr/bin:/bin"]}]}'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  [ "$(sed -n 1p "$TMP/ns.out")" = "$(readlink "/proc/$pid/ns/net")" ]
  [ "$(sed -n 2p "$TMP/ns.out")" = "$(readlink "/proc/$pid/ns/mnt")" ]
  [ "$(sed -n 1p "$TMP/ns.out")" != "$(readlink /proc/self/ns/net)" ]
  # the config's mounts exist by then (before pivot_root: under the rootfs path)
  awk -v p="$b/rootfs/dev/shm" '$5 == p { found = 1 } END { exit !found }' "$TMP/mi.out" ||
    fail "no $b/rootfs/dev/shm mount when createRuntime ran"
  delete_clean "$c"
}
