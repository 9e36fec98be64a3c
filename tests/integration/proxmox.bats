#!/usr/bin/env bats
# The proxmox backend against stand-in pct, pvesh and pvesm
# (tests/proxmox/standin) that behave as PVE's tools do (read from their sources) and
# start real LXC containers from the config PVE would generate: the whole
# path down to a running CT, its limits in the cgroup files, refusals,
# a VMID taken meanwhile, a locked config, failures half-way, and what is
# left (on hutch's side and PVE's) after delete.
load helpers

STANDIN=$REPO/tests/proxmox/standin

setup() {
  common_setup
  PVE=$TMP/pve
  "$STANDIN/mkroot" "$PVE" >/dev/null || fail "mkroot failed"
  write_conf
}

teardown() {
  local problems=0
  common_teardown || problems=1
  return "$problems"
}

teardown_file() {
  # liblxc's parents of the stand-in CTs' cgroups, when nothing is in them.
  local d
  for d in /sys/fs/cgroup/*/lxc/* /sys/fs/cgroup/*/lxc.monitor/* /sys/fs/cgroup/*/lxc.pivot/*; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  for d in /sys/fs/cgroup/*/lxc /sys/fs/cgroup/*/lxc.monitor /sys/fs/cgroup/*/lxc.pivot; do
    [ -d "$d" ] && rmdir "$d" 2>/dev/null
  done
  return 0
}

# write_conf [LINES...]: hutch.conf sending every container to the
# stand-in node, plus LINES.
write_conf() {
  {
    echo "default-backend = proxmox"
    echo "proxmox.pct = $PVE/bin/pct"
    echo "proxmox.pvesh = $PVE/bin/pvesh"
    echo "proxmox.pvesm = $PVE/bin/pvesm"
    echo "proxmox.config-dir = $PVE/etc/pve/lxc"
    echo "proxmox.lock-dir = $PVE/run/lock/lxc"
    echo "proxmox.storage = ctstore"
    echo "proxmox.rootfs-size = 0"
    printf '%s\n' "$@"
  } >"$TMP/hutch.conf"
  export HUTCH_CONFIG=$TMP/hutch.conf
}

pct() { "$PVE/bin/pct" "$@"; }

# The VMID hutch recorded for a container.
vmid_of() { json_get "$ROOT/$1/state.json" "d['backendId']"; }
ct_init_of() { json_get "$ROOT/$1/state.json" "d['backendPid']"; }

# Nothing of the CT is left on PVE's side: no config, volume, template,
# /.hutch directory, lxc directory, cgroup or running CT.
assert_pve_clean() { # assert_pve_clean ID [VMID]
  local id=$1 vmid=${2:-100} left
  left=$(pct list)
  [ -z "$left" ] || fail "pct list still shows: $left"
  left=$(ls -A "$PVE/etc/pve/lxc" "$PVE/var/lib/vz/template/cache" "$PVE/var/lib/lxc")
  left=$(echo "$left" | grep -v ':$' | grep -v '^$' || true)
  [ -z "$left" ] || fail "PVE's files are left: $left"
  left=$(find "$PVE/var/lib/ctstore" -mindepth 2 2>/dev/null | head -3)
  [ -z "$left" ] || fail "a CT volume is left: $left"
  left=$(ls -d /run/hutch-proxmox/"$id"-* 2>/dev/null || true)
  [ -z "$left" ] || fail "the CT's /.hutch source is left: $left"
  left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 6 -type d -path "*/lxc/$vmid" 2>/dev/null || true)
  [ -z "$left" ] || fail "the CT's cgroup is left: $left"
}

# The CT's limiting cgroup (lxc/<vmid>, not the inner ns) in the v1
# hierarchy holding CONTROLLER.
ct_cg() { # ct_cg INITPID CONTROLLER
  local path
  path=$(awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $3 }' "/proc/$1/cgroup")
  echo "/sys/fs/cgroup/$2${path%/ns}"
}

@test "proxmox: run in the foreground prints the output, returns the exit status, leaves nothing" {
  new_id c
  new_bundle b sh -c 'echo "out $(hostname)"; echo err >&2; exit 3'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 3 ] || fail "run exited $status: $stderr"
  [ "$output" = "out hutch" ] || fail "stdout: $output"
  [[ "$stderr" == *err* ]] || fail "stderr: $stderr"
  assert_clean "$ROOT" "$c"
  assert_pve_clean "$c"
}

@test "proxmox: create registers a PVE CT and parks; start, exec, kill and delete drive it" {
  new_id c
  new_bundle b sh -c 'echo started; trap "echo got TERM; exit 7" TERM; while :; do sleep 0.1; done'
  hcreate "$c" "$b" --pid-file "$TMP/pid"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  local vmid init proxy
  vmid=$(vmid_of "$c")
  init=$(ct_init_of "$c")
  proxy=$(cat "$TMP/pid")
  [ "$vmid" = 100 ]
  h state "$c"
  [ "$(json_get "$HOUT" "d['status'], d['pid']")" = "created $proxy" ]
  # PVE knows it: listed, described, tagged, unmanaged, with hutch's init.
  pct list | grep -q "^100 *running" || fail "pct list: $(pct list)"
  pct config 100 >"$TMP/conf"
  grep -q "^description: OCI container $c," "$TMP/conf" || fail "$(cat "$TMP/conf")"
  grep -q '^tags: hutch' "$TMP/conf"
  grep -q '^ostype: unmanaged' "$TMP/conf"
  grep -q '^lxc.init.cmd: /.hutch/init' "$TMP/conf"
  # The proxy is the engine's kind of process, in the CT's namespaces but
  # not its pid namespace; the CT's init is hutch's shim.
  [ "$(readlink "/proc/$proxy/ns/net")" = "$(readlink "/proc/$init/ns/net")" ]
  [ "$(readlink "/proc/$proxy/ns/net")" != "$(readlink /proc/self/ns/net)" ]
  [ "$(readlink "/proc/$proxy/ns/pid")" != "$(readlink "/proc/$init/ns/pid")" ]
  [ "$(tr '\0' ' ' <"/proc/$init/cmdline")" = "/.hutch/init " ]
  # Nothing runs before start.
  [ ! -s "$TMP/$c.out" ] || fail "output before start: $(cat "$TMP/$c.out")"
  h start "$c"
  h state "$c"
  [ "$(json_get "$HOUT" "d['status']")" = running ]
  hrun exec "$c" sh -c 'echo "in $(hostname)"; exit 5'
  [ "$status" -eq 5 ] && [ "$output" = "in hutch" ] || fail "exec: $status $output $stderr"
  hrun exec --user 1000:1000 --cwd /tmp --env X=y "$c" sh -c 'echo "$(id -u):$(id -g) $(pwd) $X"'
  [ "$status" -eq 0 ] && [ "$output" = "1000:1000 /tmp y" ] || fail "exec as user: $status $output $stderr"
  h ps "$c"
  [ "${#lines[@]}" -ge 2 ] || fail "ps: $output"
  h kill "$c" TERM
  local i
  for i in $(seq 50); do kill -0 "$proxy" 2>/dev/null || break; sleep 0.1; done
  grep -q "got TERM" "$TMP/$c.out" || fail "the process did not get SIGTERM: $(cat "$TMP/$c.out")"
  h state "$c"
  [ "$(json_get "$HOUT" "d['status']")" = stopped ]
  h delete "$c"
  assert_clean "$ROOT" "$c" "$proxy"
  assert_pve_clean "$c"
}

@test "proxmox: the proxy dies of the process's signal; stdin reaches the process" {
  new_id c
  new_bundle b sh -c 'read line; echo "read $line"; kill -KILL $$'
  status=0
  echo hello | timeout -k 5 "$HUTCH_TIMEOUT" "$HUTCH" --root "$ROOT" run --bundle "$b" "$c" >"$TMP/out" 2>"$TMP/err" || status=$?
  [ "$status" -eq 137 ] || fail "run of a process killed by SIGKILL exited $status: $(cat "$TMP/err")"
  [ "$(cat "$TMP/out")" = "read hello" ] || fail "stdout: $(cat "$TMP/out")"
  assert_clean "$ROOT" "$c"
  assert_pve_clean "$c"
}

@test "proxmox: limits are written by PVE from pct's options; update goes through pct set; pause freezes" {
  new_id c
  new_bundle b sh -c 'while :; do sleep 0.1; done'
  cfg "$b" "c['linux']['resources'] = {'memory': {'limit': 268435456}, 'pids': {'limit': 100}, 'cpu': {'quota': 50000, 'period': 100000, 'shares': 512}, 'devices': [{'allow': False, 'access': 'rwm'}]}"
  hrun run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  local init
  init=$(ct_init_of "$c")
  [ "$(cat "$(ct_cg "$init" memory)/memory.limit_in_bytes")" = 268435456 ]
  [ "$(cat "$(ct_cg "$init" pids)/pids.max")" = 100 ]
  [ "$(cat "$(ct_cg "$init" cpu)/cpu.cfs_quota_us")" = 50000 ]
  [ "$(cat "$(ct_cg "$init" cpu)/cpu.shares")" = 512 ]
  pct config 100 | grep -q '^memory: 256$'
  h update --memory 134217728 "$c"
  [ "$(cat "$(ct_cg "$init" memory)/memory.limit_in_bytes")" = 134217728 ]
  pct config 100 | grep -q '^memory: 128$' || fail "pct config: $(pct config 100)"
  expect_fail "linux.resources.pids: the proxmox backend updates memory" update --pids-limit 10 "$c"
  h pause "$c"
  h state "$c"
  [ "$(json_get "$HOUT" "d['status']")" = paused ]
  [ "$(cat "/sys/fs/cgroup/freezer$(awk -F: '$2 == "freezer" { print $3 }' "/proc/$init/cgroup")/freezer.state")" = FROZEN ]
  h resume "$c"
  h state "$c"
  [ "$(json_get "$HOUT" "d['status']")" = running ]
  h delete -f "$c"
  assert_pve_clean "$c"
}

@test "proxmox: an unprivileged CT for a user namespace with PVE's map; the rootfs owners come back" {
  new_id c
  new_bundle b sh -c 'echo "$(id -u) $(stat -c %u /bin/busybox) $(awk "{print \$2}" /proc/self/uid_map)"'
  chown -R 100000:100000 "$b/rootfs"
  cfg "$b" "c['linux']['namespaces'].append({'type': 'user'})" \
    "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]" \
    "c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "$output" = "0 0 100000" ] || fail "in the CT: $output"
  assert_pve_clean "$c"
}

@test "proxmox: fields PVE cannot be told are refused by path before anything is made" {
  new_id c
  new_bundle b
  cfg "$b" "c['hostname'] = 'web_1'"
  expect_fail 'is not a DNS name, which Proxmox VE requires' run --bundle "$b" "$c"
  new_bundle b2
  cfg "$b2" "c['linux']['resources'] = {'blockIO': {'weight': 100}}"
  expect_fail "linux.resources.blockIO" create --bundle "$b2" "$c"
  new_bundle b3
  cfg "$b3" "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']"
  expect_fail "linux.namespaces: no network namespace" create --bundle "$b3" "$c"
  [ ! -e "$ROOT/$c" ]
  assert_pve_clean "$c"
  hrun validate --bundle "$b2" --backend proxmox
  [ "$status" -eq 1 ]
  [[ "$output$stderr" == *"linux.resources.blockIO: set, but not honoured by backend proxmox"* ]]
  h features --backend proxmox
  [ "$(json_get "$HOUT" "'createContainer' in d['hooks'], 'time' in d['linux']['namespaces']")" = "False False" ]
}

@test "proxmox: a VMID taken between nextid and create is retried with the next" {
  new_id c
  new_bundle b true
  # Another creator's CT 100, and a pvesh that still answers 100 once.
  pct create 100 "$(make_template)" --rootfs ctstore:0 --ostype unmanaged --unprivileged 0 >/dev/null
  cat >"$TMP/pvesh" <<EOF
#!/bin/sh
if [ ! -e "$TMP/asked" ]; then : >"$TMP/asked"; echo '"100"'; exit 0; fi
exec "$PVE/bin/pvesh" "\$@"
EOF
  chmod +x "$TMP/pvesh"
  sed -i "s|^proxmox.pvesh = .*|proxmox.pvesh = $TMP/pvesh|" "$HUTCH_CONFIG"
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  [ "$(vmid_of "$c")" = 101 ]
  h delete -f "$c"
  # The other creator's CT is not ours to touch.
  pct config 100 >/dev/null
  pct destroy 100 --purge >/dev/null
  rm "$PVE/var/lib/vz/template/cache/other.tar"
  assert_pve_clean "$c" 101
}

@test "proxmox: a CT config PVE holds locked fails create at that step and leaves nothing" {
  new_id c
  new_bundle b true
  # PVE's config lock of the VMID create will get, held by another tool.
  flock "$PVE/run/lock/lxc/pve-config-100.lock" sleep 30 &
  local holder=$!
  echo "$holder" >>"$TMP/bgpids"
  sleep 0.3
  hcreate "$c" "$b"
  kill "$holder" 2>/dev/null
  [ "$status" -eq 1 ] || fail "create exited $status"
  [[ "$stderr" == *"pct create failed"*"got timeout"* ]] || fail "stderr: $stderr"
  [ ! -e "$ROOT/$c" ]
  assert_pve_clean "$c"
}

@test "proxmox: a failure half-way (pct start) destroys the CT and says which step" {
  new_id c
  new_bundle b true
  write_conf "proxmox.net0 = name=eth0,bridge=vmbr9"
  hrun create --bundle "$b" "$c"
  [ "$status" -eq 1 ] || fail "create exited $status"
  [[ "$stderr" == *"pct start failed"* ]] || fail "stderr: $stderr"
  [ ! -e "$ROOT/$c" ]
  assert_pve_clean "$c"
}

@test "proxmox: a CT destroyed in PVE shows as stopped, and delete cleans up hutch's side" {
  new_id c
  new_bundle b sh -c 'while :; do sleep 0.1; done'
  hrun run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  pct destroy 100 --force --purge >/dev/null
  local i
  for i in $(seq 50); do
    h state "$c"
    [ "$(json_get "$HOUT" "d['status']")" = stopped ] && break
    sleep 0.1
  done
  [ "$(json_get "$HOUT" "d['status']")" = stopped ]
  h delete "$c"
  assert_clean "$ROOT" "$c"
  assert_pve_clean "$c"
}

# A template tar in the stand-in's template storage (for a CT not hutch's).
make_template() {
  tar -C "$TEMPLATE/rootfs" -cf "$PVE/var/lib/vz/template/cache/other.tar" . && echo "local:vztmpl/other.tar"
}

@test "proxmox: a CT PVE has locked (a backup) is not changed or destroyed under it" {
  new_id c
  new_bundle b sh -c 'while :; do sleep 0.1; done'
  hrun run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  pct set 100 --lock backup
  expect_fail "CT is locked (backup)" update --memory 134217728 "$c"
  expect_fail "CT is locked (backup)" delete -f "$c"
  pct list | grep -q "^100 *running" || fail "the locked CT was stopped: $(pct list)"
  pct unlock 100
  h delete -f "$c"
  assert_clean "$ROOT" "$c"
  assert_pve_clean "$c"
}
