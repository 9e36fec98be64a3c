#!/usr/bin/env bats
# Cgroup placement (every v1 hierarchy and the unified one), cgroupsPath,
# and the devices controller.

load helpers

# mountpoint_of HIERARCHY-LINE: the host mount point of a /proc/PID/cgroup
# line's hierarchy ("4:memory:/x" -> /sys/fs/cgroup/memory).
mountpoint_of() {
  local ctrl
  ctrl=$(echo "$1" | cut -d: -f2)
  if [ -z "$ctrl" ]; then
    awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo
  else
    ctrl=${ctrl#name=}
    awk -v c="$ctrl" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c || o[i] == "name=" c) { print $5; exit } }' /proc/self/mountinfo
  fi
}

@test "cgroups: the container's processes are in <caller's cgroup>/hutch-ID in every hierarchy" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  [ "$(wc -l <"/proc/$pid/cgroup")" -eq "$(wc -l </proc/self/cgroup)" ]
  [ "$(wc -l </proc/self/cgroup)" -ge 2 ]
  while IFS= read -r mine; do
    key=${mine%:*}
    theirs=$(grep -F "$key:" "/proc/$pid/cgroup" | head -1)
    want="${mine%/}/hutch-$c"
    [ "$theirs" = "$want" ] || fail "hierarchy $key: $theirs, expected $want"
    # the directory exists and holds the init
    dir="$(mountpoint_of "$mine")${want##*:}"
    [ -d "$dir" ] || fail "no $dir"
    grep -qx "$pid" "$dir/cgroup.procs" || fail "$pid not in $dir/cgroup.procs"
  done </proc/self/cgroup
  # the unified hierarchy is among them
  grep -q "^0::.*/hutch-$c\$" "/proc/$pid/cgroup"
  delete_clean "$c" -f
}

@test "cgroups: exec'd processes join the container's cgroups" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  hrun -o "$TMP/e.out" exec -d --pid-file "$TMP/e.pid" "$c" sleep 1001
  [ "$status" -eq 0 ]
  diff "/proc/$(cat "$TMP/e.pid")/cgroup" "/proc/$pid/cgroup"
  delete_clean "$c" -f
}

@test "cgroups: an absolute linux.cgroupsPath is used in every hierarchy and removed on delete, with the parent hutch made" {
  new_id c
  new_bundle b sleep 1000
  top="hutch-test-$RANDOM$RANDOM"
  TOP=$top cfg "$b" 'c["linux"]["cgroupsPath"] = "/" + E["TOP"] + "/c"'
  for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
    [ ! -e "$m/$top" ]
  done
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  while IFS= read -r line; do
    [ "${line#*:*:}" = "/$top/c" ] || fail "not in /$top/c: $line"
  done <"/proc/$pid/cgroup"
  for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
    grep -qx "$pid" "$m/$top/c/cgroup.procs" || fail "$pid not in $m/$top/c"
  done
  h delete -f "$c"
  assert_clean "$ROOT" "$c" "$pid"
  for m in $(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo); do
    [ ! -e "$m/$top/c" ] || fail "left: $m/$top/c"
    [ ! -e "$m/$top" ] || fail "left: $m/$top (hutch made it)"
  done
}

@test "cgroups: an existing parent of cgroupsPath is not removed on delete" {
  new_id c
  new_bundle b sleep 1000
  top="hutch-test-$RANDOM$RANDOM"
  mems=$(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo)
  for m in $mems; do
    mkdir "$m/$top"
    # as an administrator would: a usable cpuset
    if [ -e "$m/$top/cpuset.cpus" ]; then
      cat "$m/cpuset.cpus" >"$m/$top/cpuset.cpus"
      cat "$m/cpuset.mems" >"$m/$top/cpuset.mems"
    fi
  done
  TOP=$top cfg "$b" 'c["linux"]["cgroupsPath"] = "/" + E["TOP"] + "/c"'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  st=$status
  if [ "$st" -eq 0 ]; then
    h delete -f "$c"
  fi
  left=""
  for m in $mems; do
    [ ! -e "$m/$top/c" ] || left="$left $m/$top/c"
    [ -d "$m/$top" ] || left="$left (gone: $m/$top)"
  done
  for m in $mems; do rmdir "$m/$top" 2>/dev/null || true; done
  [ "$st" -eq 0 ] || fail "run -d exited $st"
  [ -z "$left" ] || fail "$left"
  assert_clean "$ROOT" "$c"
}

@test "cgroups: resources.devices deny-all still lets the container use /dev/null, zero, urandom, tty" {
  new_id c
  new_bundle b sh -c 'echo x >/dev/null && echo null-ok; head -c1 /dev/zero | wc -c; head -c1 /dev/urandom | wc -c'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "null-ok 1 1 " ]
  assert_clean "$ROOT" "$c"
}

@test "cgroups: resources.devices deny-all refuses a device node made in the container; an allow rule lets it through" {
  # /dev/fuse (c 10:229): not among the default devices, and opening it needs
  # no capability, so only the devices cgroup can refuse it. (This host
  # refuses block devices such as the root disk even to root outside any
  # container, so a block device would prove nothing here.)
  [ -c /dev/fuse ] && (: </dev/fuse) || skip "no usable /dev/fuse on this host"
  new_id c
  new_bundle b sh -c 'mknod /dev/fuse-node c 10 229 && echo made; if head -c0 /dev/fuse-node; then echo OPENED; fi'
  cfg "$b" 'for s in ("bounding", "effective", "permitted"): c["process"]["capabilities"][s].append("CAP_MKNOD")'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = made ]
  [[ "$stderr" == *"Operation not permitted"* ]]
  assert_clean "$ROOT" "$c"
  # the control: with an allow rule for that device it opens
  new_id c2
  cfg "$b" 'c["linux"]["resources"]["devices"].append({"allow": True, "type": "c", "major": 10, "minor": 229, "access": "rw"})'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "made OPENED " ]
  assert_clean "$ROOT" "$c2"
}

@test "cgroups: the devices cgroup of a deny-all container lists only the allowed devices" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  dir=$(find /sys/fs/cgroup/devices -type d -name "hutch-$c" 2>/dev/null || true)
  [ -n "$dir" ]
  ! grep -qx "a \*:\* rwm" "$dir/devices.list"
  grep -qx "c 1:3 rwm" "$dir/devices.list"
  ! grep -q "^b 254:" "$dir/devices.list"
  delete_clean "$c" -f
}
