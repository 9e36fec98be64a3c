#!/usr/bin/env bats
# What runc and crun both do and engines rely on without saying so (found by
# running crun's own test suite): loopback up, a missing cwd made, hooks
# inheriting the runtime's environment, sysctls that contradict the names
# refused, crun's r-forms of rootfsPropagation and its --cgroup-manager.

load helpers

@test "compat: lo is up in a new network namespace (127.0.0.1 answers)" {
  new_id c
  # busybox's nc listens on loopback and a client connects: only with lo up
  new_bundle b sh -c 'cat /sys/class/net/lo/operstate; ip -o link show lo 2>/dev/null | grep -o "<[^>]*>"; (nc -l -p 4711 -e echo hello &) ; sleep 0.3; nc 127.0.0.1 4711 </dev/null'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [[ "$output" == *"<LOOPBACK,UP,LOWER_UP>"* ]] || fail "lo flags: $output"
  [[ "$output" == *hello* ]] || fail "no answer over 127.0.0.1: $output"
  assert_clean "$ROOT" "$c"
}

@test "compat: lo of a joined network namespace is left as it is" {
  ip netns add "hutch-lo-$$" || fail "ip netns add"
  new_id c
  new_bundle b sh -c 'ip -o link show lo | grep -o "<[^>]*>"'
  NS=/run/netns/hutch-lo-$$ cfg "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": E["NS"]} for n in c["linux"]["namespaces"]]'
  hrun run --bundle "$b" "$c"
  ip netns del "hutch-lo-$$"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "$output" = "<LOOPBACK>" ] || fail "lo of the joined namespace changed: $output"
  assert_clean "$ROOT" "$c"
}

@test "compat: a missing process.cwd is made inside the root, owned by the process's user" {
  new_id c
  new_bundle b sh -c 'pwd; stat -c "%u:%g %a" /work /work/deep/er'
  cfg "$b" 'c["process"]["cwd"] = "/work/deep/er"' 'c["process"]["user"] = {"uid": 1234, "gid": 567}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "${lines[0]}" = /work/deep/er ]
  [ "${lines[1]}" = "1234:567 755" ]
  [ "${lines[2]}" = "1234:567 755" ]
  # inside the root, nowhere else
  [ -d "$b/rootfs/work/deep/er" ]
  assert_clean "$ROOT" "$c"
  # an existing directory keeps its owner
  new_id c2
  cfg "$b" 'c["process"]["cwd"] = "/tmp"'
  set_args "$b" sh -c 'stat -c "%u:%g" /tmp'
  hrun run --bundle "$b" "$c2"
  [ "$output" = "0:0" ]
  assert_clean "$ROOT" "$c2"
}

@test "compat: a missing cwd is made before a read-only root is sealed" {
  new_id c
  new_bundle b sh -c 'pwd'
  cfg "$b" 'c["process"]["cwd"] = "/made/here"' 'c["root"]["readonly"] = True'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "$output" = /made/here ]
  assert_clean "$ROOT" "$c"
}

@test "compat: a hook without env gets the runtime's environment; one with env gets exactly that" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["hooks"] = {"createRuntime": [
      {"path": "/bin/sh", "args": ["sh", "-c", "env >" + E["TMP"] + "/inherit.env"]},
      {"path": "/bin/sh", "args": ["sh", "-c", "/usr/bin/env >" + E["TMP"] + "/own.env"], "env": ["ONLY=this"]},
      {"path": "/bin/sh", "args": ["sh", "-c", "/usr/bin/env >" + E["TMP"] + "/empty.env"], "env": []}]}'
  new_bundle b2 true
  MARK_FROM_CALLER=present-$$ hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  grep -qx "MARK_FROM_CALLER=present-$$" "$TMP/inherit.env" || fail "not inherited: $(cat "$TMP/inherit.env")"
  # (sh sets PWD, SHLVL and _ itself)
  [ "$(grep -Ev '^(PWD|SHLVL|_)=' "$TMP/own.env")" = "ONLY=this" ] || fail "env given: $(cat "$TMP/own.env")"
  [ -z "$(grep -Ev '^(PWD|SHLVL|_)=' "$TMP/empty.env")" ] || fail "an empty env got: $(cat "$TMP/empty.env")"
  assert_clean "$ROOT" "$c"
}

@test "compat: linux.sysctl kernel.hostname that contradicts hostname is refused by path; one that agrees runs" {
  new_id c
  new_bundle b hostname
  cfg "$b" 'c["hostname"] = "alpha"' 'c["linux"]["sysctl"] = {"kernel.hostname": "beta"}'
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q 'linux.sysctl.kernel.hostname: .*beta.* contradicts hostname .*alpha' "$TMP/$c.out.err" || fail "$(cat "$TMP/$c.out.err")"
  assert_clean "$ROOT" "$c"
  cfg "$b" 'c["linux"]["sysctl"] = {"kernel.hostname": "alpha"}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = alpha ]
  assert_clean "$ROOT" "$c"
}

@test "compat: rootfsPropagation rprivate is accepted without a warning, by create and validate" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["linux"]["rootfsPropagation"] = "rprivate"'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ -z "$stderr" ] || fail "run said: $stderr"
  hrun validate --bundle "$b"
  [ "$status" -eq 0 ]
  [[ "$output$stderr" != *rootfsPropagation* ]] || fail "validate: $output $stderr"
  assert_clean "$ROOT" "$c"
}

@test "compat: --cgroup-manager systemd|cgroupfs|disabled (crun's global option)" {
  new_id c
  new_bundle b sh -c 'cat /proc/self/cgroup'
  # the host's view of the cgroups: no cgroup namespace
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"]'
  # cgroupfs: the default placement, hutch-ID
  "$HUTCH" --root "$ROOT" --cgroup-manager cgroupfs run --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" ||
    fail "cgroupfs: $(cat "$TMP/err")"
  grep -q "hutch-$c" "$TMP/out" || fail "cgroupfs: $(cat "$TMP/out")"
  assert_clean "$ROOT" "$c"
  # disabled: no cgroup is made; the container stays in the caller's
  "$HUTCH" --root "$ROOT" --cgroup-manager disabled run --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" ||
    fail "disabled: $(cat "$TMP/err")"
  ! grep -q "hutch-$c" "$TMP/out" || fail "disabled made a cgroup: $(cat "$TMP/out")"
  grep -q "^[0-9]*:pids:$(awk -F: '$2 == "pids" { print $3 }' /proc/self/cgroup)\$" "$TMP/out" || fail "disabled: $(cat "$TMP/out")"
  grep -q "linux.resources.devices: not enforced" "$TMP/err" || fail "no warning about the device list: $(cat "$TMP/err")"
  assert_clean "$ROOT" "$c"
  # a limit cannot be honoured without cgroups: refused by path, nothing left
  cfg "$b" 'c["linux"]["resources"]["pids"] = {"limit": 10}'
  status=0
  "$HUTCH" --root "$ROOT" --cgroup-manager disabled run --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" || status=$?
  [ "$status" -eq 1 ]
  grep -q "linux.resources.pids: cannot be honoured with --cgroup-manager disabled" "$TMP/err" || fail "$(cat "$TMP/err")"
  assert_clean "$ROOT" "$c"
  # bad values and contradictions are usage errors
  status=0
  "$HUTCH" --root "$ROOT" --cgroup-manager nope list >"$TMP/out" 2>"$TMP/err" || status=$?
  [ "$status" -eq 1 ] && grep -q "unknown manager \"nope\"" "$TMP/err"
  status=0
  "$HUTCH" --root "$ROOT" --systemd-cgroup --cgroup-manager cgroupfs list >"$TMP/out" 2>"$TMP/err" || status=$?
  [ "$status" -eq 1 ] && grep -q "contradicts" "$TMP/err"
}

# notify_image BUNDLE: the image gets notify_send (tests/integration/tools).
notify_image() {
  mkdir -p "$1/rootfs/usr/bin"
  cc -static -O2 -o "$1/rootfs/usr/bin/notify_send" "$REPO/tests/integration/tools/notify_send.c" ||
    fail "cannot build notify_send"
}

# start_notify_listener N: the caller's NOTIFY_SOCKET at $TMP/host.sock,
# logging N messages to $TMP/notify.log.
start_notify_listener() {
  "$PY" "$BATS_TEST_DIRNAME/notify_listen.py" "$TMP/host.sock" "$TMP/notify.log" "$1" \
    </dev/null >"$TMP/listen.out" 2>&1 3>&- &
  echo $! >>"$TMP/bgpids"
  wait_for test -e "$TMP/host.sock.ready"
}

@test "compat: NOTIFY_SOCKET is proxied as runc does: create + start waits for READY=1 and passes it on with MAINPID" {
  start_notify_listener 2
  new_id c
  new_bundle b sh -c 'echo "env: $NOTIFY_SOCKET"; sleep 0.3; notify_send "STATUS=warming up"; notify_send READY=1; sleep 1000'
  notify_image "$b"
  NOTIFY_SOCKET=$TMP/host.sock hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  pid=$(state_pid "$c")
  NOTIFY_SOCKET=$TMP/host.sock h start "$c"
  # start returned only once READY=1 had been passed on, and acknowledged
  [ "$(head -n1 "$TMP/notify.log")" = "READY=1|MAINPID=$pid|" ] || fail "notify log: $(cat "$TMP/notify.log" 2>&1)"
  [ "$(sed -n 2p "$TMP/notify.log")" = "BARRIER=1" ] || fail "notify log: $(cat "$TMP/notify.log")"
  grep -q "env: /run/notify/notify.sock" "$TMP/$c.out"
  delete_clean "$c" -f
  [ ! -e "$ROOT/$c" ]
}

@test "compat: NOTIFY_SOCKET with run -d, and a container that exits without READY=1 sends nothing" {
  start_notify_listener 2
  new_id c
  new_bundle b sh -c 'notify_send READY=1; sleep 1000'
  notify_image "$b"
  NOTIFY_SOCKET=$TMP/host.sock hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  [ "$(head -n1 "$TMP/notify.log")" = "READY=1|MAINPID=$(state_pid "$c")|" ] || fail "$(cat "$TMP/notify.log")"
  delete_clean "$c" -f
  new_id c2
  set_args "$b" true
  : >"$TMP/notify.log"
  NOTIFY_SOCKET=$TMP/host.sock hrun -o "$TMP/c2.out" run -d --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ ! -s "$TMP/notify.log" ]
  delete_clean "$c2" -f
}

@test "compat: NOTIFY_SOCKET through a foreground run, in a user namespace" {
  start_notify_listener 2
  new_id c
  new_bundle b sh -c 'notify_send READY=1; echo sent'
  notify_image "$b"
  chown -R 100000:100000 "$b/rootfs"
  cfg "$b" 'c["linux"]["namespaces"].append({"type": "user"})' \
    'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    'c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  NOTIFY_SOCKET=$TMP/host.sock hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "$output" = sent ]
  wait_for grep -q "^READY=1|MAINPID=" "$TMP/notify.log"
  assert_clean "$ROOT" "$c"
}
