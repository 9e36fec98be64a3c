#!/usr/bin/env bats
# --systemd-cgroup against a stand-in for systemd: this host's PID 1 is not
# systemd and there is no system bus, so the file runs a private dbus-daemon
# and systemd_mock.py on it (the mock makes a unit's directories in the
# hierarchies systemd manages, as systemd would, and logs every call), and
# points hutch at it with DBUS_SYSTEM_BUS_ADDRESS.

load helpers

# ---- the bus and the mock, once per file ---------------------------------

pid_alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && [ "$(awk '/^State:/ { print $2 }' "/proc/$1/status")" != Z ]; }

stop_pid() { # stop_pid PID: TERM, then KILL after 5 s
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 100); do
    pid_alive "$pid" || return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
}

setup_file() {
  common_setup_file
  command -v dbus-daemon >/dev/null || skip "no dbus-daemon (scripts/deps.sh installs it)"
  "$PY" -c 'import dbus, gi' 2>/dev/null || skip "no python3-dbus or python3-gi (scripts/deps.sh installs them)"
  BUSDIR=$(mktemp -d /tmp/hutch-sdbus.XXXXXX)
  export BUSDIR
  cat >"$BUSDIR/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$BUSDIR/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_type="method_call"/>
    <allow send_type="method_return"/>
    <allow send_type="error"/>
    <allow send_type="signal"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
  </policy>
</busconfig>
EOF
  dbus-daemon --config-file="$BUSDIR/bus.conf" --nofork --nopidfile --print-address=1 \
    </dev/null >"$BUSDIR/daemon.out" 2>&1 3>&- &
  echo $! >"$BUSDIR/daemon.pid"
  wait_for test -S "$BUSDIR/bus"
  export DBUS_SYSTEM_BUS_ADDRESS="unix:path=$BUSDIR/bus"
  export MOCK_LOG="$BUSDIR/calls.jsonl"
  : >"$MOCK_LOG"
  "$PY" "$BATS_TEST_DIRNAME/systemd_mock.py" "$DBUS_SYSTEM_BUS_ADDRESS" "$MOCK_LOG" "$BUSDIR/ready" \
    </dev/null >"$BUSDIR/mock.out" 2>&1 3>&- &
  echo $! >"$BUSDIR/mock.pid"
  wait_for test -s "$BUSDIR/ready" || fail "the mock did not start: $(cat "$BUSDIR/mock.out")"
}

teardown_file() {
  [ -n "${BUSDIR:-}" ] || return 0
  stop_pid "$(cat "$BUSDIR/mock.pid" 2>/dev/null)"
  stop_pid "$(cat "$BUSDIR/daemon.pid" 2>/dev/null)"
  rm -rf "$BUSDIR"
}

# ---- helpers ---------------------------------------------------------------

# sd ARGS...: hutch --systemd-cgroup ARGS (like hrun).
sd() { hrun --systemd-cgroup "$@"; }

# sdcreate ID BUNDLE: create with --systemd-cgroup; output in $TMP/ID.out.
sdcreate() { hrun -o "$TMP/$1.out" --systemd-cgroup create --bundle "$2" "$1"; }

# mock EXPR [METHOD UNIT]: EXPR on the mock's last METHOD call for UNIT (d),
# or on the list of all calls (calls) when no method is given.
mock() {
  "$PY" - "$MOCK_LOG" "$@" <<'PY'
import json, sys
calls = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
expr = sys.argv[2]
if len(sys.argv) > 3:
    method, unit = sys.argv[3], sys.argv[4]
    mine = [c for c in calls if c["method"] == method and c.get("unit") == unit]
    if not mine:
        sys.exit("the mock got no %s for %s" % (method, unit))
    d = mine[-1]
    p = d.get("props", {})
print(eval(expr))
PY
}

# mock_count METHOD UNIT: how many such calls the mock got.
mock_count() { mock "len([c for c in calls if c['method'] == '$1' and c.get('unit') == '$2'])"; }

# Mount points of every cgroup hierarchy.
cgroup_mounts() { awk '{ for (s = 7; $s != "-"; s++) ; if ($(s + 1) == "cgroup" || $(s + 1) == "cgroup2") print $5 }' /proc/self/mountinfo; }

# The v1 hierarchy of a controller, or the cgroup2 mount with "".
cg_mount_of() {
  awk -v want="$1" '{
    for (s = 7; $s != "-"; s++) ;
    if (want == "" && $(s + 1) == "cgroup2") { print $5; exit }
    if (want != "" && $(s + 1) == "cgroup") { n = split($(s + 3), o, ","); for (i = 1; i <= n; i++) if (o[i] == want) { print $5; exit } }
  }' /proc/self/mountinfo
}

# sd_clean ID [PATTERN]: nothing of the unit left in any hierarchy.
sd_clean() {
  local left
  left=$(find /sys/fs/cgroup -name "${2:-*$1*}" 2>/dev/null)
  [ -z "$left" ] || fail "left behind: $left"
}

# in_unit PID UNITPATH: PID is in UNITPATH ("/system.slice/x.scope") in
# every hierarchy, by /proc/PID/cgroup and by each cgroup.procs.
in_unit() {
  local pid=$1 path=$2 line mnt
  [ "$(wc -l <"/proc/$pid/cgroup")" -ge 2 ]
  while IFS= read -r line; do
    [ "${line##*:}" = "$path" ] || fail "hierarchy ${line%:*}: ${line##*:}, expected $path"
  done <"/proc/$pid/cgroup"
  for mnt in $(cgroup_mounts); do
    grep -qx "$pid" "$mnt$path/cgroup.procs" || fail "$pid not in $mnt$path/cgroup.procs"
  done
}

# ---- tests -------------------------------------------------------------------

@test "systemd: create/start/delete with system.slice:hutch:ID: the unit, its properties, the process in it, then gone" {
  new_id c
  new_bundle b sleep 1000
  ID=$c cfg "$b" 'c["linux"]["cgroupsPath"] = "system.slice:hutch:" + E["ID"]' \
    'c["linux"]["resources"] = dict(c["linux"].get("resources", {}), memory={"limit": 67108864}, pids={"limit": 50}, cpu={"shares": 512})'
  unit="hutch-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  pid=$(state_pid "$c")
  [ "$(mock 'd["mode"]' StartTransientUnit "$unit")" = replace ]
  [ "$(mock 'p["Slice"], p["Delegate"], p["DefaultDependencies"]' StartTransientUnit "$unit")" = "('system.slice', True, False)" ]
  [ "$(mock 'p["PIDs"]' StartTransientUnit "$unit")" = "[$pid]" ]
  [ "$(mock 'p["Description"]' StartTransientUnit "$unit")" = "hutch container $c" ]
  [ "$(mock 'p["MemoryLimit"], p["TasksMax"], p["CPUShares"]' StartTransientUnit "$unit")" = "(67108864, 50, 512)" ]
  [ "$(mock 'p["MemoryAccounting"], p["TasksAccounting"]' StartTransientUnit "$unit")" = "(True, True)" ]
  # hutch's default config denies every device but the usual ones
  [ "$(mock 'p["DevicePolicy"]' StartTransientUnit "$unit")" = strict ]
  [ "$(mock '["/dev/char/1:3", "rwm"] in p["DeviceAllow"]' StartTransientUnit "$unit")" = True ]
  [ "$(mock 'd["aux"]' StartTransientUnit "$unit")" = "[]" ]
  # in the scope in every hierarchy: the mock's and the ones hutch made
  in_unit "$pid" "/system.slice/$unit"
  mem=$(cg_mount_of memory)
  [ "$(cat "$mem/system.slice/$unit/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat "$(cg_mount_of pids)/system.slice/$unit/pids.max")" = 50 ]
  grep -q '"systemdUnit":"'"$unit"'"' "$ROOT/$c/state.json" || grep -q '"systemdUnit": "'"$unit"'"' "$ROOT/$c/state.json"
  h start "$c"
  [ "$(state_status "$c")" = running ]
  # exec'd processes join the scope too
  hrun -o "$TMP/e.out" exec -d --pid-file "$TMP/e.pid" "$c" sleep 1001
  [ "$status" -eq 0 ]
  in_unit "$(cat "$TMP/e.pid")" "/system.slice/$unit"
  [ "$(mock_count StopUnit "$unit")" = 0 ]
  h kill "$c" KILL
  wait_for has_status "$c" stopped
  h delete "$c"
  [ "$(mock 'd["mode"]' StopUnit "$unit")" = replace ]
  assert_clean "$ROOT" "$c" "$pid"
  sd_clean "$c"
}

@test "systemd: a nested slice expands to nested directories; all of it goes on delete -f" {
  new_id c
  new_bundle b sleep 1000
  ID=$c cfg "$b" 'c["linux"]["cgroupsPath"] = "hutchtest-a.slice:pfx:" + E["ID"]'
  unit="pfx-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  pid=$(state_pid "$c")
  [ "$(mock 'p["Slice"], p["PIDs"]' StartTransientUnit "$unit")" = "('hutchtest-a.slice', [$pid])" ]
  in_unit "$pid" "/hutchtest.slice/hutchtest-a.slice/$unit"
  h delete -f "$c"
  [ "$(mock_count StopUnit "$unit")" = 1 ]
  assert_clean "$ROOT" "$c" "$pid"
  sd_clean "$c"
  sd_clean "$c" 'hutchtest*'
}

@test "systemd: without cgroupsPath the unit is system.slice/hutch-ID.scope; run in the foreground cleans up" {
  new_id c
  new_bundle b sh -c 'echo ran'
  unit="hutch-$c.scope"
  sd run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "$output" = ran ]
  [ "$(mock 'p["Slice"]' StartTransientUnit "$unit")" = system.slice ]
  [ "$(mock_count StopUnit "$unit")" = 1 ]
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
}

@test "systemd: a slice unit (name ending in .slice) is made with Wants= and holds the process" {
  new_id c
  new_bundle b sleep 1000
  slice="system-hutch${c//-/_}.slice"
  S=$slice cfg "$b" 'c["linux"]["cgroupsPath"] = "system.slice:ignored:" + E["S"]'
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  pid=$(state_pid "$c")
  [ "$(mock 'p["Wants"], "Slice" in p, "PIDs" in p, "Delegate" in p' StartTransientUnit "$slice")" = "(['system.slice'], False, False, False)" ]
  in_unit "$pid" "/system.slice/$slice"
  h delete -f "$c"
  [ "$(mock_count StopUnit "$slice")" = 1 ]
  assert_clean "$ROOT" "$c" "$pid"
  sd_clean "$c" "$slice"
}

@test "systemd: linux.cgroupsPath not of the form slice:prefix:name, or with bad names, fails naming the field; nothing left" {
  before=$(mock 'len([c for c in calls if c["method"] == "StartTransientUnit"])')
  for p in "/abs/path" "a:b" "a:b:c:d" "system.slice:p:" "bad:p:n" "system.slice:p:../x" "a--b.slice:p:n" \
    "system.slice:p:-.slice"; do
    new_id c
    new_bundle b sleep 1000
    P=$p cfg "$b" 'c["linux"]["cgroupsPath"] = E["P"]'
    sdcreate "$c" "$b"
    [ "$status" -eq 1 ] || fail "cgroupsPath $p: create exited $status"
    [[ "$stderr" == *"linux.cgroupsPath: "* ]] || fail "cgroupsPath $p: $stderr"
    assert_clean "$ROOT" "$c"
    sd_clean "$c"
  done
  [ "$(mock 'len([c for c in calls if c["method"] == "StartTransientUnit"])')" = "$before" ]
}

@test "systemd: a bus that cannot be reached fails create and run clearly; nothing left" {
  new_id c
  new_bundle b sleep 1000
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TMP/no-bus" sdcreate "$c" "$b"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"--systemd-cgroup: cannot reach systemd (connect $TMP/no-bus: No such file or directory)"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
  DBUS_SYSTEM_BUS_ADDRESS="tcp:host=localhost,port=1" sd run --bundle "$b" "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"--systemd-cgroup: cannot reach systemd"*"no unix:path="* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
}

@test "systemd: a unit that exists already fails the second create clearly; the first container is untouched" {
  new_id c1
  new_id c2
  new_bundle b sleep 1000
  name="shared$RANDOM"
  N=$name cfg "$b" 'c["linux"]["cgroupsPath"] = "system.slice:hutch:" + E["N"]'
  unit="hutch-$name.scope"
  sdcreate "$c1" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  pid1=$(state_pid "$c1")
  sdcreate "$c2" "$b"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"--systemd-cgroup: unit $unit already exists"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c2"
  # runc's retry: ResetFailedUnit once, in case it was a failed leftover; never a stop
  [ "$(mock_count StartTransientUnit "$unit")" = 3 ]
  [ "$(mock_count ResetFailedUnit "$unit")" = 1 ]
  [ "$(mock_count StopUnit "$unit")" = 0 ]
  [ "$(state_status "$c1")" = created ]
  in_unit "$pid1" "/system.slice/$unit"
  h delete -f "$c1"
  assert_clean "$ROOT" "$c1" "$pid1"
  sd_clean "$name"
}

@test "systemd: a job that does not end \"done\" fails create; the process and everything else is gone" {
  new_id c
  new_bundle b sleep 1000
  ID=$c cfg "$b" 'c["linux"]["cgroupsPath"] = "system.slice:failjob:" + E["ID"]'
  unit="failjob-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"systemd could not start unit $unit (job failed)"* ]] || fail "$stderr"
  [ "$(mock_count ResetFailedUnit "$unit")" -ge 1 ]
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
}

@test "systemd: resources that systemd cannot take only in the files; cpu quota rounded as systemd holds it" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["linux"]["resources"] = dict(c["linux"].get("resources", {}), cpu={"quota": 33333, "period": 100000, "cpus": "0"})'
  unit="hutch-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  [ "$(mock 'p["CPUQuotaPerSecUSec"], p["CPUQuotaPeriodUSec"], p["AllowedCPUs"]' StartTransientUnit "$unit")" = "(340000, 100000, [1])" ]
  # systemd's version was asked for (the mock says 252)
  [ "$(mock 'len([c for c in calls if c["method"] == "Get" and c["property"] == "Version"]) > 0')" = True ]
  cpu=$(cg_mount_of cpu)
  [ "$(cat "$cpu/system.slice/$unit/cpu.cfs_quota_us")" = 34000 ]
  [ "$(cat "$(cg_mount_of cpuset)/system.slice/$unit/cpuset.cpus")" = 0 ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
}

@test "systemd: update tells systemd first (SetUnitProperties, runtime), then writes the files; the devices stay" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["linux"]["resources"] = dict(c["linux"].get("resources", {}), memory={"limit": 268435456})'
  unit="hutch-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  sd update --memory 134217728 --cpu-quota 33333 --cpu-period 100000 --pids-limit 50 "$c"
  [ "$status" -eq 0 ] || fail "update: $stderr"
  [ "$(mock 'd["runtime"], p["MemoryLimit"], p["CPUQuotaPerSecUSec"], p["TasksMax"]' SetUnitProperties "$unit")" = "(True, 134217728, 340000, 50)" ]
  # Limits only: no device policy, no PIDs, no slice.
  [ "$(mock '[k for k in p if k in ("DevicePolicy", "DeviceAllow", "PIDs", "Slice", "Delegate")]' SetUnitProperties "$unit")" = "[]" ]
  # The files agree with systemd, quota rounded as it holds it.
  [ "$(cat "$(cg_mount_of memory)/system.slice/$unit/memory.limit_in_bytes")" = 134217728 ]
  [ "$(cat "$(cg_mount_of cpu)/system.slice/$unit/cpu.cfs_quota_us")" = 34000 ]
  [ "$(cat "$(cg_mount_of pids)/system.slice/$unit/pids.max")" = 50 ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
}

@test "systemd: update of one setting gives systemd all the limits: a period alone keeps the quota" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["linux"]["resources"] = dict(c["linux"].get("resources", {}), cpu={"quota": 50000, "period": 100000}, memory={"limit": 268435456})'
  unit="hutch-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  sd update --cpu-period 200000 "$c"
  [ "$status" -eq 0 ] || fail "update: $stderr"
  [ "$(mock 'p["CPUQuotaPerSecUSec"], p["CPUQuotaPeriodUSec"], p["MemoryLimit"]' SetUnitProperties "$unit")" = "(250000, 200000, 268435456)" ]
  [ "$(cat "$(cg_mount_of cpu)/system.slice/$unit/cpu.cfs_quota_us")" = 50000 ]
  [ "$(cat "$(cg_mount_of cpu)/system.slice/$unit/cpu.cfs_period_us")" = 200000 ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
}

@test "systemd: an update that systemd refuses changes no file" {
  new_id c
  new_bundle b sleep 1000
  # The mock refuses SetUnitProperties for a unit named *failprops*.
  C=$c cfg "$b" 'c["linux"]["cgroupsPath"] = "system.slice:hutch:failprops-" + E["C"]'
  unit="hutch-failprops-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  pids=$(cg_mount_of pids)/system.slice/$unit/pids.max
  before=$(cat "$pids")
  sd update --pids-limit 7 "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"--systemd-cgroup: set the limits of unit $unit: "* ]] || fail "$stderr"
  [ "$(cat "$pids")" = "$before" ]
  h delete -f "$c"
  assert_clean "$ROOT" "$c"
  sd_clean "$c"
}

@test "systemd: delete while systemd is out of reach warns, removes what hutch made, and leaves the unit to systemd" {
  new_id c
  new_bundle b sleep 1000
  unit="hutch-$c.scope"
  sdcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  pid=$(state_pid "$c")
  DBUS_SYSTEM_BUS_ADDRESS="unix:path=$TMP/no-bus" hrun delete -f "$c"
  [ "$status" -eq 0 ] || fail "delete: $stderr"
  [[ "$stderr" == *"cannot reach systemd"* ]] || fail "no warning: $stderr"
  assert_clean "$ROOT" "$c" "$pid"
  # hutch's own directories (cpuset is not systemd's here) are gone
  [ ! -e "$(cg_mount_of cpuset)/system.slice/$unit" ]
  [ "$(mock_count StopUnit "$unit")" = 0 ]
  # systemd would collect the empty scope; the mock needs telling
  dbus-send --system --dest=org.freedesktop.systemd1 --print-reply /org/freedesktop/systemd1 \
    org.freedesktop.systemd1.Manager.StopUnit string:"$unit" string:replace >/dev/null
  sd_clean "$c"
}
