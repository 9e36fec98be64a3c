#!/usr/bin/env bats
# ID-mapped bind mounts ("idmap", "ridmap") in a container with a user
# namespace mapping 0 -> 100000 (65536 ids). The bundle's rootfs stays owned
# by host root; the mounts go to directories that exist in it.

load helpers

MAP='{"containerID": 0, "hostID": 100000, "size": 65536}'

# A host directory owned by root holding a root-owned file, in $TMP/hostdir.
make_hostdir() {
  mkdir "$TMP/hostdir"
  echo from-host >"$TMP/hostdir/file"
  chown -R 0:0 "$TMP/hostdir"
  chmod 755 "$TMP/hostdir"
}

# userns_bundle VAR ARGS...: a bundle with the user namespace and mappings.
userns_bundle() {
  new_bundle "$@"
  M=$MAP cfg "${!1}" 'c["linux"]["namespaces"].append({"type": "user"})' \
    'c["linux"]["uidMappings"] = [json.loads(E["M"])]' \
    'c["linux"]["gidMappings"] = [json.loads(E["M"])]'
}

add_mount() { # add_mount BUNDLE JSON
  J=$2 cfg "$1" 'c["mounts"].append(json.loads(E["J"]))'
}

@test "idmap: with idmap and mount mappings, host-root files show owner 0 inside; a file made inside is host root's" {
  make_hostdir
  new_id c
  userns_bundle b sh -c 'stat -c "%u:%g" /tmp/file /tmp; cat /tmp/file; echo made >/tmp/new-file && mkdir /tmp/new-dir && echo wrote'
  add_mount "$b" "{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$TMP/hostdir\",
    \"options\": [\"bind\", \"idmap\"], \"uidMappings\": [$MAP], \"gidMappings\": [$MAP]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 0:0 ]
  [ "${lines[2]}" = from-host ]
  [ "${lines[3]}" = wrote ]
  [ "$(stat -c %u:%g "$TMP/hostdir/new-file")" = 0:0 ]
  [ "$(stat -c %u:%g "$TMP/hostdir/new-dir")" = 0:0 ]
  [ "$(cat "$TMP/hostdir/new-file")" = made ]
  assert_clean "$ROOT" "$c"
}

@test "idmap: the same bind mount without idmap shows host root's files as nobody (65534), and cannot write" {
  make_hostdir
  new_id c
  userns_bundle b sh -c 'stat -c "%u:%g" /tmp/file /tmp; if echo x >/tmp/new-file; then echo wrote; else echo refused; fi'
  add_mount "$b" "{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$TMP/hostdir\", \"options\": [\"bind\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "${lines[0]}" = 65534:65534 ]
  [ "${lines[1]}" = 65534:65534 ]
  [ "${lines[2]}" = refused ]
  [ ! -e "$TMP/hostdir/new-file" ]
  assert_clean "$ROOT" "$c"
}

@test "idmap: ridmap with rbind and no mount mappings uses the container's mappings, submounts included" {
  make_hostdir
  mkdir "$TMP/hostdir/sub"
  host_mount -t tmpfs -o mode=755 tmpfs "$TMP/hostdir/sub"
  echo in-sub >"$TMP/hostdir/sub/subfile"
  new_id c
  userns_bundle b sh -c 'stat -c "%u:%g" /root/file /root/sub/subfile; echo x >/root/sub/made && echo wrote'
  add_mount "$b" "{\"destination\": \"/root\", \"type\": \"bind\", \"source\": \"$TMP/hostdir\", \"options\": [\"rbind\", \"ridmap\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 0:0 ]
  [ "${lines[2]}" = wrote ]
  [ "$(stat -c %u:%g "$TMP/hostdir/sub/made")" = 0:0 ]
  assert_clean "$ROOT" "$c"
}

@test "idmap: idmap (not recursive) with rbind maps the top mount only" {
  make_hostdir
  mkdir "$TMP/hostdir/sub"
  host_mount -t tmpfs -o mode=755 tmpfs "$TMP/hostdir/sub"
  echo in-sub >"$TMP/hostdir/sub/subfile"
  new_id c
  userns_bundle b sh -c 'stat -c "%u:%g" /root/file /root/sub/subfile'
  add_mount "$b" "{\"destination\": \"/root\", \"type\": \"bind\", \"source\": \"$TMP/hostdir\", \"options\": [\"rbind\", \"idmap\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 65534:65534 ]
  assert_clean "$ROOT" "$c"
}

@test "idmap: the mount's own mappings are used, not the container's: on-disk 0 -> host 101000 shows as 1000 inside" {
  make_hostdir
  new_id c
  userns_bundle b sh -c 'stat -c "%u:%g" /tmp/file /tmp'
  add_mount "$b" "{\"destination\": \"/tmp\", \"type\": \"bind\", \"source\": \"$TMP/hostdir\",
    \"options\": [\"bind\", \"idmap\"],
    \"uidMappings\": [{\"containerID\": 0, \"hostID\": 101000, \"size\": 1000}],
    \"gidMappings\": [{\"containerID\": 0, \"hostID\": 102000, \"size\": 1000}]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "${lines[0]}" = 1000:2000 ]
  [ "${lines[1]}" = 1000:2000 ]
  assert_clean "$ROOT" "$c"
}
