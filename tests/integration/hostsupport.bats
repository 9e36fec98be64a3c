#!/usr/bin/env bats
# What depends on the host: AppArmor and SELinux labels, Intel RDT
# (resctrl) and the systemd cgroup driver fail clearly by name where the
# host lacks them (systemd.bats tests the driver against a stand-in),
# leaving nothing; and `hutch features` claims what is implemented.

load helpers

apparmor_on() { [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; }
selinux_on() { [ -e /sys/fs/selinux/enforce ]; }

# refused_cfg TEXT CODE...: a container whose config CODE changes must fail
# create with exit 1 and TEXT in the error, leaving nothing.
refused_cfg() {
  local text=$1 id b
  shift
  new_id id
  new_bundle b sleep 1000
  cfg "$b" "$@"
  hcreate "$id" "$b"
  [ "$status" -eq 1 ] || fail "create exited $status, expected 1"
  grep -qF -- "$text" "$TMP/$id.out.err" || fail "no \"$text\" in: $(cat "$TMP/$id.out.err")"
  assert_clean "$ROOT" "$id"
  [ -z "$(state_status "$id")" ]
}

@test "lsm: process.apparmorProfile where AppArmor is not enabled fails create by name, nothing left" {
  ! apparmor_on || skip "AppArmor is enabled here"
  refused_cfg "process.apparmorProfile: AppArmor is not enabled on this host" \
    'c["process"]["apparmorProfile"] = "hutch-test-profile"'
}

@test "lsm: process.selinuxLabel and linux.mountLabel where SELinux is not enabled fail create by name, nothing left" {
  ! selinux_on || skip "SELinux is enabled here"
  refused_cfg "process.selinuxLabel: SELinux is not enabled on this host" \
    'c["process"]["selinuxLabel"] = "system_u:system_r:container_t:s0:c1,c2"'
  refused_cfg "linux.mountLabel: SELinux is not enabled on this host" \
    'c["linux"]["mountLabel"] = "system_u:object_r:container_file_t:s0:c1,c2"'
}

@test "lsm: an empty apparmorProfile / selinuxLabel asks for nothing and runs" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["process"]["apparmorProfile"] = ""' 'c["process"]["selinuxLabel"] = ""'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  assert_clean "$ROOT" "$c"
}

@test "lsm: exec --process with apparmorProfile / selinuxLabel where the LSM is off fails by name; the container is untouched" {
  ! apparmor_on && ! selinux_on || skip "an LSM is enabled here"
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  echo '{"args": ["touch", "/dev/shm/ran"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "apparmorProfile": "hutch-test-profile"}' >"$TMP/aa.json"
  hrun exec --process "$TMP/aa.json" "$c"
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"process.apparmorProfile: AppArmor is not enabled on this host"* ]] || fail "$stderr"
  echo '{"args": ["touch", "/dev/shm/ran"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "selinuxLabel": "system_u:system_r:container_t:s0"}' >"$TMP/se.json"
  hrun exec --process "$TMP/se.json" "$c"
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"process.selinuxLabel: SELinux is not enabled on this host"* ]] || fail "$stderr"
  [ ! -e "/proc/$(state_pid "$c")/root/dev/shm/ran" ]
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "lsm: exec --apparmor / --process-label (runc's flags) where the LSM is off fail by name as the config fields do" {
  ! apparmor_on && ! selinux_on || skip "an LSM is enabled here"
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  hrun exec --apparmor hutch-test-profile "$c" touch /dev/shm/ran
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"AppArmor is not enabled on this host"* ]] || fail "$stderr"
  hrun exec --process-label system_u:system_r:container_t:s0 "$c" touch /dev/shm/ran
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"SELinux is not enabled on this host"* ]] || fail "$stderr"
  [ ! -e "/proc/$(state_pid "$c")/root/dev/shm/ran" ]
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "rdt: linux.intelRdt where resctrl is not mounted fails create naming linux.intelRdt, nothing left" {
  ! grep -q " /sys/fs/resctrl resctrl " /proc/self/mounts || skip "resctrl is mounted here"
  refused_cfg "linux.intelRdt: resctrl is not mounted" \
    'c["linux"]["intelRdt"] = {"closID": "hutch-test", "l3CacheSchema": "L3:0=f"}'
  refused_cfg "linux.intelRdt: resctrl is not mounted" 'c["linux"]["intelRdt"] = {"enableMonitoring": True}'
}

@test "systemd: --systemd-cgroup without a reachable systemd fails clearly, nothing left" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["linux"]["cgroupsPath"] = "system.slice:hutch:test"'
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TMP/no-bus" hrun -o "$TMP/c.out" --systemd-cgroup create --bundle "$b" "$c"
  [ "$status" -eq 1 ]
  grep -qF -- "--systemd-cgroup: cannot reach systemd (connect $TMP/no-bus: No such file or directory)" \
    "$TMP/c.out.err" || fail "$(cat "$TMP/c.out.err")"
  assert_clean "$ROOT" "$c"
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TMP/no-bus" hrun -o "$TMP/r.out" --systemd-cgroup run --bundle "$b" "$c"
  [ "$status" -eq 1 ]
  grep -qF "cannot reach systemd" "$TMP/r.out.err"
  assert_clean "$ROOT" "$c"
  # Where neither systemd's private socket nor the system bus exists, the
  # system bus's socket is named.
  if [ ! -e /run/systemd/private ] && [ ! -e /run/dbus/system_bus_socket ]; then
    env -u DBUS_SYSTEM_BUS_ADDRESS "$HUTCH" --root "$ROOT" --systemd-cgroup create --bundle "$b" "$c" \
      </dev/null >"$TMP/d.out" 2>"$TMP/d.out.err" 3>&- && fail "create succeeded"
    grep -qF "cannot reach systemd (connect /run/dbus/system_bus_socket: No such file or directory)" \
      "$TMP/d.out.err" || fail "$(cat "$TMP/d.out.err")"
    assert_clean "$ROOT" "$c"
  fi
}

@test "features: seccomp with SCMP_ACT_NOTIFY and the LOG flag, memoryPolicy, idmap, intelRdt, apparmor, selinux, cgroup v1/v2/rdma/systemd" {
  hrun features
  [ "$status" -eq 0 ]
  echo "$output" >"$TMP/f.json"
  f() { json_get "$TMP/f.json" "$1"; }
  [ "$(f "d['linux']['seccomp']['enabled']")" = True ]
  [ "$(f "'SCMP_ACT_NOTIFY' in d['linux']['seccomp']['actions']")" = True ]
  for a in SCMP_ACT_ALLOW SCMP_ACT_ERRNO SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_LOG; do
    [ "$(f "'$a' in d['linux']['seccomp']['actions']")" = True ] || fail "no $a"
  done
  [ "$(f "'SECCOMP_FILTER_FLAG_LOG' in d['linux']['seccomp']['supportedFlags']")" = True ]
  [ "$(f "'SCMP_CMP_EQ' in d['linux']['seccomp']['operators']")" = True ]
  for m in MPOL_DEFAULT MPOL_BIND MPOL_INTERLEAVE MPOL_PREFERRED MPOL_LOCAL; do
    [ "$(f "'$m' in d['linux']['memoryPolicy']['modes']")" = True ] || fail "no $m"
  done
  [ "$(f "sorted(d['linux']['memoryPolicy']['flags'])")" = "['MPOL_F_NUMA_BALANCING', 'MPOL_F_RELATIVE_NODES', 'MPOL_F_STATIC_NODES']" ]
  [ "$(f "d['linux']['mountExtensions']['idmap']['enabled']")" = True ]
  [ "$(f "'idmap' in d['mountOptions'] and 'ridmap' in d['mountOptions']")" = True ]
  [ "$(f "d['linux']['intelRdt']['enabled']")" = True ]
  [ "$(f "d['linux']['apparmor']['enabled']")" = True ]
  [ "$(f "d['linux']['selinux']['enabled']")" = True ]
  [ "$(f "d['linux']['cgroup']['v1'], d['linux']['cgroup']['v2'], d['linux']['cgroup']['rdma']")" = "True True True" ]
  # the systemd driver as root; not a user's systemd instance
  [ "$(f "d['linux']['cgroup'].get('systemd', False), d['linux']['cgroup'].get('systemdUser', False)")" = "True False" ]
}
