#!/usr/bin/env bats
# The lxc backend on real LXC containers (liblxc 5.0) from the busybox
# bundle: selection, lifecycle, the pid and the monitor, limits read back
# from the cgroup files, refusals by field, the features claim against
# behaviour, and what is left after delete. The lifecycle, exec, hooks and
# terminal suites also run whole with lxc chosen by hutch.conf (test.sh).
load helpers

# lxc_conf: a hutch.conf that sends every container to lxc.
lxc_conf() {
  echo "default-backend = lxc" >"$TMP/hutch.conf"
  export HUTCH_CONFIG=$TMP/hutch.conf
}

# The container's cgroup directory in one v1 hierarchy (or the unified one).
cg_dir() { # cg_dir PID CONTROLLER
  local path
  path=$(awk -F: -v c="$2" '$2 == c { print $3 }' "/proc/$1/cgroup")
  echo "/sys/fs/cgroup/$2$path"
}

# Neither liblxc's monitor nor any process of ours is left for this id.
assert_no_monitor() { # assert_no_monitor ID
  local left
  left=$(pgrep -f -- "hutch-lxc.* $1\$" || true)
  [ -z "$left" ] || fail "a hutch-lxc process is left for $1: $left"
  left=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "*$1.monitor" 2>/dev/null || true)
  [ -z "$left" ] || fail "liblxc's monitor cgroup is left: $left"
}

@test "lxc: run --backend lxc gives the process's exit status and output; the state recorded lxc; nothing is left" {
  new_id c
  new_bundle b sh -c 'echo "from $(hostname)"; exit 3'
  hrun run --backend lxc --bundle "$b" "$c"
  [ "$status" -eq 3 ] || fail "run exited $status: $stderr"
  [ "$output" = "from hutch" ]
  assert_clean "$ROOT" "$c"
  assert_no_monitor "$c"
}

@test "lxc: create parks hutch's shim as the container's first process: its host pid, not liblxc's monitor, which is gone" {
  lxc_conf
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b" --pid-file "$TMP/pid"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  [ "$(json_get "$ROOT/$c/state.json" 'd["backend"]')" = lxc ]
  pid=$(state_pid "$c")
  [ "$pid" -gt 0 ] && [ "$(cat "$TMP/pid")" = "$pid" ]
  # the first process of its own pid namespace, seen from the host
  [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$pid/status")" = 1 ]
  ppid=$(awk '/^PPid:/ { print $2 }' "/proc/$pid/status")
  [[ "$(cat "/proc/$ppid/cmdline" | tr '\0' ' ')" != *hutch-lxc* ]] || fail "the parent is hutch-lxc"
  assert_no_monitor "$c"
  # nothing of the host: stdio and the socket `start` connects to
  for fd in /proc/$pid/fd/*; do
    n=${fd##*/}
    [ "$n" -le 2 ] || [[ "$(readlink "$fd")" == socket:* ]] || fail "fd $n of the parked shim: $(readlink "$fd")"
  done
  [ "$(state_status "$c")" = created ]
  h start "$c"
  [ "$(state_status "$c")" = running ]
  [ "$(cat "/proc/$pid/comm")" = sleep ]
  h kill "$c" KILL
  wait_for has_status "$c" stopped
  h delete "$c"
  assert_clean "$ROOT" "$c" "$pid"
  assert_no_monitor "$c"
}

@test "lxc: the shim's bind is gone before the process runs; argv is passed as argv, never split" {
  lxc_conf
  new_id c
  new_bundle b sh -c 'ls -d /dev/.hutch-init /.hutch 2>&1; printf "[%s]" "$0" "$1"' 'a b' 'c  d'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "$stderr"
  [[ "$output" == *"/dev/.hutch-init: No such file or directory"* ]]
  [[ "$output" == *"/.hutch: No such file or directory"* ]]
  [[ "$output" == *"[a b][c  d]"* ]] || fail "$output"
}

@test "lxc: linux.resources are written into liblxc's cgroups and read back (memory, cpu, pids)" {
  lxc_conf
  new_id c
  new_bundle b sleep 1000
  C=$c cfg "$b" 'c["linux"]["resources"] = {"memory": {"limit": 67108864}, "cpu": {"quota": 50000, "period": 100000, "shares": 512}, "pids": {"limit": 42}}' \
    'c["linux"]["cgroupsPath"] = "/hutch-lxc-test/" + E["C"]'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  pid=$(state_pid "$c")
  [ "$(cg_dir "$pid" memory)" = "/sys/fs/cgroup/memory/hutch-lxc-test/$c" ]
  [ "$(cat "$(cg_dir "$pid" memory)/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat "$(cg_dir "$pid" cpu,cpuacct 2>/dev/null || cg_dir "$pid" cpu)/cpu.cfs_quota_us")" = 50000 ] ||
    [ "$(cat "/sys/fs/cgroup/cpu/hutch-lxc-test/$c/cpu.cfs_quota_us")" = 50000 ]
  [ "$(cat "/sys/fs/cgroup/cpu/hutch-lxc-test/$c/cpu.shares")" = 512 ]
  [ "$(cat "/sys/fs/cgroup/pids/hutch-lxc-test/$c/pids.max")" = 42 ]
  # update goes to the same files
  h update --memory 33554432 "$c"
  [ "$(cat "/sys/fs/cgroup/memory/hutch-lxc-test/$c/memory.limit_in_bytes")" = 33554432 ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
  assert_no_monitor "$c"
  [ ! -e "/sys/fs/cgroup/memory/hutch-lxc-test/$c" ] && [ ! -e "/sys/fs/cgroup/memory/hutch-lxc-test" ]
}

@test "lxc: exec, ps, pause/resume and events --stats work on an lxc container" {
  lxc_conf
  new_id c
  new_bundle b sleep 1000
  h run -d --bundle "$b" "$c"
  hrun exec --env X=1 --cwd /tmp --user 65534 "$c" sh -c 'echo "$X $(pwd) $(id -u)"; exit 5'
  [ "$status" -eq 5 ] && [ "$output" = "1 /tmp 65534" ] || fail "exec: $status $output $stderr"
  h ps --format json "$c"
  [[ "$output" == *"$(state_pid "$c")"* ]]
  h pause "$c"
  [ "$(state_status "$c")" = paused ]
  h resume "$c"
  [ "$(state_status "$c")" = running ]
  hrun events --stats "$c"
  [ "$status" -eq 0 ] && [[ "$output" == *'"type":"stats"'* ]] || fail "events: $output $stderr"
  pid=$(state_pid "$c")
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "lxc: refusals name the field, exit 1 and leave nothing" {
  lxc_conf
  new_id c
  new_bundle b true
  cfg "$b" 'c["linux"]["intelRdt"] = {"closID": "x"}'
  expect_fail "linux.intelRdt: Intel RDT is not honoured by backend lxc" run --bundle "$b" "$c"
  assert_clean "$ROOT" "$c"
  new_bundle b true
  cfg "$b" 'c["mounts"].append({"destination": "/mnt", "type": "bind", "source": "/tmp", "options": ["rbind", "rro"]})'
  expect_fail "is not honoured by backend lxc" run --bundle "$b" "$c"
  [[ "$stderr" == *"mounts[7].options[1]"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c"
  new_bundle b true
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"] + [{"type": "mount", "path": "/proc/1/ns/mnt"}]'
  expect_fail "linux.namespaces" run --bundle "$b" "$c"
  assert_clean "$ROOT" "$c"
  new_bundle b true
  expect_fail "--systemd-cgroup: not supported by the lxc backend" --systemd-cgroup run --bundle "$b" "$c"
  assert_clean "$ROOT" "$c"
  assert_no_monitor "$c"
}

@test "lxc: validate --backend lxc warns about what create refuses" {
  new_bundle b true
  cfg "$b" 'c["linux"]["intelRdt"] = {"closID": "x"}'
  run "$HUTCH" validate --bundle "$b" --backend lxc
  [ "$status" -eq 1 ]
  [[ "$output" == *"linux.intelRdt"*"not honoured by backend lxc"* ]] || fail "$output"
  # Once per field, and the verdict says create on lxc would refuse it.
  [ "$(grep -c '^warning: linux.intelRdt: ' <<<"$output")" -eq 1 ]
  [ "${lines[-1]}" = "unusable: 0 errors, 1 warning; backend lxc refuses 1 of the fields" ]
}

@test "lxc: every namespace type features --backend lxc claims is a namespace of the container's own" {
  lxc_conf
  run "$HUTCH" features --backend lxc
  [ "$status" -eq 0 ]
  claimed=$(echo "$output" | json_get - '" ".join(d["linux"]["namespaces"])')
  for ns in $claimed; do
    case $ns in
      mount) file=mnt ;; network) file=net ;; user | time) continue ;; # need maps/offsets: namespaces.bats
      *) file=$ns ;;
    esac
    new_id c
    new_bundle b readlink /proc/self/ns/$file
    NS=$ns cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != E["NS"]] + [{"type": E["NS"]}]'
    hrun run --bundle "$b" "$c"
    [ "$status" -eq 0 ] || fail "$ns: $stderr"
    [ "$output" != "$(readlink /proc/self/ns/$file)" ] || fail "$ns: the container shares the host's"
  done
}

@test "lxc: a hutch.conf rule and the annotation choose lxc; other ids stay native" {
  printf 'backend lxc = lxc-*\n' >"$TMP/hutch.conf"
  export HUTCH_CONFIG=$TMP/hutch.conf
  new_bundle b sleep 1000
  for id in lxc-a-$$ nat-$$; do
    hcreate "$id" "$b"
    [ "$status" -eq 0 ] || fail "$stderr"
    echo "$id" >>"$TMP/ids"
  done
  [ "$(json_get "$ROOT/lxc-a-$$/state.json" 'd["backend"]')" = lxc ]
  [ "$(json_get "$ROOT/nat-$$/state.json" 'd["backend"]')" = native ]
  h delete -f "lxc-a-$$"
  h delete -f "nat-$$"
  new_id c
  new_bundle b true
  cfg "$b" 'c["annotations"] = {"run.hutch.backend": "lxc"}'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] && [ "$(json_get "$ROOT/$c/state.json" 'd["backend"]')" = lxc ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c"
}

@test "lxc: a user namespace with uid/gid maps: the maps inside, the process is the mapped root" {
  lxc_conf
  new_id c
  new_bundle b sh -c 'cat /proc/self/uid_map; id -u'
  chown -R 100000:100000 "$b/rootfs"
  cfg "$b" 'c["linux"]["namespaces"].append({"type": "user"})' \
    'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    'c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "$stderr"
  [[ "${lines[0]}" =~ ^\ *0\ +100000\ +65536$ ]] || fail "${lines[0]}"
  [ "${lines[1]}" = 0 ]
  assert_clean "$ROOT" "$c"
}

@test "lxc: a bind mount gets its flags (liblxc binds without them; the shim sets them)" {
  lxc_conf
  new_id c
  mkdir -p "$TMP/src"
  new_bundle b sh -c 'grep " /mnt " /proc/mounts'
  cfg "$b" 'c["mounts"].append({"destination": "/mnt", "type": "bind", "source": E["TMP"] + "/src", "options": ["bind", "nosuid", "nodev", "noexec", "ro"]})'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "$stderr"
  for o in ro nosuid nodev noexec; do
    [[ ",$(echo "$output" | awk '{ print $4 }')," == *",$o,"* ]] || fail "option $o missing: $output"
  done
  assert_clean "$ROOT" "$c"
}

@test "lxc: CVE-2019-5736: the parked shim's exe cannot be opened for writing, and an entrypoint of /proc/self/exe cannot run it as the runtime" {
  lxc_conf
  shim=$(dirname "$HUTCH")/hutch-lxc-init
  before=$(sha256sum "$shim" | cut -d' ' -f1)
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "$stderr"
  pid=$(state_pid "$c")
  run "$PY" -c 'import sys; open(sys.argv[1], "r+b")' "/proc/$pid/exe"
  [ "$status" -ne 0 ] && [[ "$output" == *"Read-only file system"* || "$output" == *"Text file busy"* ]] ||
    fail "the shim's exe opened for writing: $output"
  h delete -f "$c"
  new_id c
  new_bundle b /proc/self/exe
  hrun run --bundle "$b" "$c"
  [ "$status" -ne 0 ]
  [[ "$stderr$output" == *"to be started by hutch's lxc backend only"* ]] || fail "$output $stderr"
  [ "$(sha256sum "$shim" | cut -d' ' -f1)" = "$before" ]
  assert_clean "$ROOT" "$c"
}
