#!/usr/bin/env bats
# linux.namespaces: new ones, joined ones, and what the config sets in them.

load helpers

@test "hostname and domainname are set in the container's UTS namespace only" {
  new_id c
  new_bundle b sh -c 'hostname; cat /proc/sys/kernel/domainname; uname -n'
  cfg "$b" 'c["hostname"] = "box-one"' 'c["domainname"] = "example.test"'
  host_name=$(hostname)
  host_domain=$(cat /proc/sys/kernel/domainname)
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "box-one example.test box-one " ]
  [ "$(hostname)" = "$host_name" ]
  [ "$(cat /proc/sys/kernel/domainname)" = "$host_domain" ]
  assert_clean "$ROOT" "$c"
}

@test "a new user namespace with uidMappings/gidMappings: the maps inside, and files owned by the mapped host ids" {
  new_id c
  new_bundle b sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /tmp/made-inside; mkdir /tmp/dir-inside; echo ok'
  chown -R 100000:100000 "$b/rootfs"
  cfg "$b" 'c["linux"]["namespaces"].append({"type": "user"})' \
    'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    'c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    'c["root"]["readonly"] = False'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | awk '{ $1 = $1; print }')" = "0 100000 65536" ]
  [ "$(echo "${lines[1]}" | awk '{ $1 = $1; print }')" = "0 100000 65536" ]
  [ "${lines[2]}" = 0 ]
  [ "${lines[3]}" = ok ]
  [ "$(stat -c %u:%g "$b/rootfs/tmp/made-inside")" = 100000:100000 ]
  [ "$(stat -c %u:%g "$b/rootfs/tmp/dir-inside")" = 100000:100000 ]
  assert_clean "$ROOT" "$c"
}

@test "a user namespace with a non-root user mapped: file ownership outside follows the mapping" {
  new_id c
  new_bundle b sh -c 'id -u; touch /data/by-1000'
  mkdir "$TMP/data"
  chown 101000:101000 "$TMP/data"
  mkdir "$b/rootfs/data"
  cfg "$b" 'c["linux"]["namespaces"].append({"type": "user"})' \
    'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    'c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    'c["process"]["user"] = {"uid": 1000, "gid": 1000}' \
    'c["mounts"].append({"destination": "/data", "type": "bind", "source": E["TMP"] + "/data", "options": ["rbind", "rw"]})'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = 1000 ]
  [ "$(stat -c %u:%g "$TMP/data/by-1000")" = 101000:101000 ]
  assert_clean "$ROOT" "$c"
}

@test "a time namespace with timeOffsets: boottime and monotonic offsets inside" {
  new_id c
  new_bundle b sh -c 'cat /proc/self/timens_offsets; cut -d" " -f1 /proc/uptime'
  cfg "$b" 'c["linux"]["namespaces"].append({"type": "time"})' \
    'c["linux"]["timeOffsets"] = {"boottime": {"secs": 31536000, "nanosecs": 0}, "monotonic": {"secs": 86400, "nanosecs": 500}}'
  host_up=$(cut -d' ' -f1 /proc/uptime)
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | grep -E '^(monotonic|boottime)' | awk '{ $1 = $1; print }' | sort | tr '\n' ,)" = "boottime 31536000 0,monotonic 86400 500," ]
  up=$(echo "$output" | tail -1)
  # /proc/uptime follows CLOCK_BOOTTIME: a year more than the host's
  awk -v u="$up" -v h="$host_up" 'BEGIN { d = u - h; exit !(d > 31536000 - 5 && d < 31536000 + 60) }' ||
    fail "uptime inside $up, host $host_up"
  assert_clean "$ROOT" "$c"
}

@test "joining a namespace by path: the uts namespace of another container's init" {
  new_id a
  new_bundle ba sleep 1000
  cfg "$ba" 'c["hostname"] = "shared-uts"'
  hrun -o "$TMP/a.out" run -d --bundle "$ba" "$a"
  [ "$status" -eq 0 ]
  apid=$(state_pid "$a")
  new_id c
  new_bundle b sh -c 'hostname; readlink /proc/self/ns/uts'
  APID=$apid cfg "$b" 'del c["hostname"]' \
    'c["linux"]["namespaces"] = [n if n["type"] != "uts" else {"type": "uts", "path": "/proc/%s/ns/uts" % E["APID"]} for n in c["linux"]["namespaces"]]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = shared-uts ]
  [ "${lines[1]}" = "$(readlink "/proc/$apid/ns/uts")" ]
  assert_clean "$ROOT" "$c"
  # the joined namespace is not destroyed with the joiner: A is intact
  [ "$(state_status "$a")" = running ]
  [ "$(nsenter -t "$apid" -u hostname)" = shared-uts ]
  delete_clean "$a" -f
}

@test "joining a namespace by path of the wrong type is refused, naming linux.namespaces[i].path" {
  new_id a
  new_bundle ba sleep 1000
  hrun -o "$TMP/a.out" run -d --bundle "$ba" "$a"
  [ "$status" -eq 0 ]
  apid=$(state_pid "$a")
  new_id c
  new_bundle b true
  # index 3 is "uts" in the default config
  [ "$(json_get "$b/config.json" "d['linux']['namespaces'][3]['type']")" = uts ]
  APID=$apid cfg "$b" 'c["linux"]["namespaces"][3]["path"] = "/proc/%s/ns/net" % E["APID"]'
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "linux.namespaces\[3\].path" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  # a path that is not a namespace at all
  cfg "$b" 'c["linux"]["namespaces"][3]["path"] = "/etc/hostname"'
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "linux.namespaces\[3\].path" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
  delete_clean "$a" -f
}

@test "a new network namespace has only lo" {
  new_id c
  new_bundle b sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; ls /sys/class/net'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "lo lo " ]
  # the host has more than that
  [ "$(tail -n +3 /proc/net/dev | wc -l)" -gt 1 ]
  assert_clean "$ROOT" "$c"
}

@test "linux.sysctl: net.ipv4.ip_forward=1 in a new network namespace, read back inside; the host is untouched" {
  new_id c
  new_bundle b cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ip_default_ttl
  cfg "$b" 'c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "net.ipv4.ip_default_ttl": "42"}'
  host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
  host_ttl=$(cat /proc/sys/net/ipv4/ip_default_ttl)
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "1 42 " ]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
  [ "$(cat /proc/sys/net/ipv4/ip_default_ttl)" = "$host_ttl" ]
  assert_clean "$ROOT" "$c"
}

@test "each new namespace differs from the host's; ones not asked for are shared" {
  new_id c
  new_bundle b sleep 1000
  # no ipc namespace in this one
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "ipc"]'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  for ns in pid net uts mnt cgroup; do
    [ "$(readlink "/proc/$pid/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ] || fail "$ns is the host's"
  done
  [ "$(readlink "/proc/$pid/ns/ipc")" = "$(readlink /proc/self/ns/ipc)" ]
  [ "$(readlink "/proc/$pid/ns/user")" = "$(readlink /proc/self/ns/user)" ]
  delete_clean "$c" -f
}

@test "a cgroup namespace: the container sees its own cgroup as /" {
  new_id c
  new_bundle b cat /proc/self/cgroup
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq "$(wc -l </proc/self/cgroup)" ]
  for l in "${lines[@]}"; do
    [ "${l##*:}" = / ] || fail "not rooted: $l"
  done
  assert_clean "$ROOT" "$c"
}

# userns_bundle VAR [args]: a bundle with a user namespace mapping 0 -> 100000.
userns_bundle() {
  new_bundle "$@"
  local dir=${!1}
  chown -R 100000:100000 "$dir/rootfs"
  cfg "$dir" 'c["linux"]["namespaces"].append({"type": "user"})' \
    'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]' \
    'c["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
}

@test "exec into a container with a user namespace joins it" {
  new_id c
  userns_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  [ "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" = 100000 ]
  hrun -o "$TMP/e.out" exec -d --pid-file "$TMP/e.pid" "$c" sleep 1001
  [ "$status" -eq 0 ]
  epid=$(cat "$TMP/e.pid")
  [ "$(readlink "/proc/$epid/ns/user")" = "$(readlink "/proc/$pid/ns/user")" ]
  [ "$(awk '/^Uid:/ { print $2 }' "/proc/$epid/status")" = 100000 ]
  hrun exec "$c" sh -c 'id -u; cat /proc/self/uid_map'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo "${lines[1]}" | awk '{ $1 = $1; print }')" = "0 100000 65536" ]
  delete_clean "$c" -f
}

@test "exec into a container with a time namespace sees its clock offsets" {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["linux"]["namespaces"].append({"type": "time"})' \
    'c["linux"]["timeOffsets"] = {"boottime": {"secs": 31536000, "nanosecs": 0}}'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  host_up=$(cut -d' ' -f1 /proc/uptime)
  hrun exec "$c" cut -d" " -f1 /proc/uptime
  [ "$status" -eq 0 ]
  awk -v u="$output" -v h="$host_up" 'BEGIN { d = u - h; exit !(d > 31536000 - 5 && d < 31536000 + 60) }' ||
    fail "uptime in exec $output, host $host_up"
  delete_clean "$c" -f
}

@test "joining another container's network namespace: the same interfaces, a shared loopback" {
  new_id a
  new_bundle ba sleep 1000
  hrun -o "$TMP/a.out" run -d --bundle "$ba" "$a"
  [ "$status" -eq 0 ]
  apid=$(state_pid "$a")
  new_id c
  new_bundle b sh -c 'readlink /proc/self/ns/net'
  APID=$apid cfg "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "network" else {"type": "network", "path": "/proc/%s/ns/net" % E["APID"]} for n in c["linux"]["namespaces"]]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = "$(readlink "/proc/$apid/ns/net")" ]
  assert_clean "$ROOT" "$c"
  # A's network namespace survives the joiner's deletion
  [ -e "/proc/$apid/ns/net" ]
  [ "$(state_status "$a")" = running ]
  delete_clean "$a" -f
}

@test "an ipc namespace: System V objects of the host are not visible" {
  new_id c
  new_bundle b sh -c 'cat /proc/sysvipc/shm | wc -l'
  # a shared memory segment on the host
  id=$("$PY" -c 'import ctypes; libc = ctypes.CDLL(None); print(libc.shmget(0, 4096, 0o1600))')
  [ "$id" -ge 0 ]
  hrun run --bundle "$b" "$c"
  ipcrm -m "$id" 2>/dev/null || "$PY" -c "import ctypes; ctypes.CDLL(None).shmctl($id, 0, None)"
  [ "$status" -eq 0 ]
  # only the header line
  [ "$output" = 1 ]
  assert_clean "$ROOT" "$c"
}

# The mount points under a directory in the host's mount table.
host_mounts_under() { awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo; }

@test "no mount namespace: the host's is inherited, the root is entered by chroot, and delete takes the mounts away" {
  new_id c
  new_bundle b sh -c 'ls /; cat /proc/self/mountinfo | wc -l; readlink /proc/self/ns/mnt; sleep 1000'
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"]' \
    'c["root"]["readonly"] = True'
  # The root filesystem is itself a mount point before the container, as
  # with podman's overlay: that one must survive delete.
  mount --bind "$b/rootfs" "$b/rootfs"
  echo "$b/rootfs" >>"$TMP/own_mounts"
  before=$(host_mounts_under "$b/rootfs" | wc -l)
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "$stderr"
  h start "$c"
  wait_for grep -q "^mnt:" "$TMP/$c.out"
  # The container's view: the image at /, and the host's mount namespace.
  grep -qx bin "$TMP/$c.out"
  [ "$(grep '^mnt:' "$TMP/$c.out")" = "$(readlink /proc/self/ns/mnt)" ]
  # Its mounts (proc, dev, ...) are in the host's table, below its root.
  [ "$(host_mounts_under "$b/rootfs" | wc -l)" -gt $((before + 3)) ]
  # exec lands in the same root.
  hrun exec "$c" sh -c 'ls /'
  [ "$status" -eq 0 ] && [ "$output" = "$(ls "$b/rootfs")" ] || fail "$output $stderr"
  # Read-only root: the container's bind is, the host's mount below is not.
  hrun exec "$c" touch /newfile
  [ "$status" -ne 0 ]
  touch "$b/rootfs/hostfile" && rm "$b/rootfs/hostfile"
  h kill "$c" KILL
  wait_for has_status "$c" stopped
  delete_clean "$c"
  [ "$(host_mounts_under "$b/rootfs" | wc -l)" -eq "$before" ] || fail "left: $(host_mounts_under "$b/rootfs")"
  umount "$b/rootfs"
  sed -i '$d' "$TMP/own_mounts"
}

@test "no mount namespace, create fails: the mounts made so far are gone" {
  new_id c
  new_bundle b true
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"]' \
    'c["mounts"].append({"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["nosuchoption=1"]})'
  mkdir "$b/rootfs/data"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 1 ] || fail "$status $stderr"
  [ -z "$(host_mounts_under "$b/rootfs")" ] || fail "left: $(host_mounts_under "$b/rootfs")"
  assert_clean "$ROOT" "$c"
}

@test "user namespace: a bind mount whose source lies under a 0700 root-owned directory works (opened on the host side)" {
  mkdir -p "$TMP/private/vol/sub"
  echo volume-content >"$TMP/private/vol/file"
  chmod 700 "$TMP/private"
  chmod 755 "$TMP/private/vol"
  new_id c
  userns_bundle b sh -c 'cat /vol/file; ls /vol; if echo x >/vol/new; then echo wrote; else echo read-only; fi'
  V=$TMP/private/vol cfg "$b" 'c["mounts"].append({"destination": "/vol", "type": "bind", "source": E["V"], "options": ["rbind", "ro"]})'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "${lines[0]}" = volume-content ]
  [ "$(echo "${lines[1]}" "${lines[2]}")" = "file sub" ] || fail "$output"
  [ "${lines[3]}" = read-only ]
  # the host directory stays as it was
  [ "$(stat -c %a "$TMP/private")" = 700 ]
  [ ! -e "$TMP/private/vol/new" ]
  assert_clean "$ROOT" "$c"
}

@test "user namespace: a bind mount through a symlink in the image still lands inside the root" {
  mkdir -p "$TMP/src" "$TMP/outside"
  echo in-volume >"$TMP/src/f"
  new_id c
  userns_bundle b sh -c 'cat /link/f; cat /etc/f'
  ln -s /etc "$b/rootfs/link"
  S=$TMP/src cfg "$b" 'c["mounts"].append({"destination": "/link", "type": "bind", "source": E["S"], "options": ["bind"]})'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  # the link led to the image's /etc, not the host's
  [ "$(echo $output)" = "in-volume in-volume" ] || fail "$output"
  [ ! -e /etc/f ]
  assert_clean "$ROOT" "$c"
}
