#!/usr/bin/env bats
# linux.netDevices: host links moved into the container's network namespace.
# The "host" is a network namespace each test makes (ip netns), so the
# machine's own links are never touched; hutch runs in it through nsenter,
# which changes nothing else (cgroups and mounts stay the machine's).

load helpers

setup() {
  common_setup
  NETNS=hutch-nd-${TMP##*.}
  ip netns add "$NETNS"
  REAL_HUTCH=$HUTCH
  HUTCH=$TMP/hutch-in-netns
  printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s "$@"\n' "$NETNS" "$REAL_HUTCH" >"$HUTCH"
  chmod +x "$HUTCH"
  export HUTCH
}

teardown() {
  common_teardown
  ip netns del "$NETNS"
}

in_host() { ip netns exec "$NETNS" "$@"; }

# A veth pair in the test's "host" namespace: $1 (to move) and its peer.
make_veth() {
  in_host ip link add "$1" mtu 1400 type veth peer name "$1p"
  in_host ip link set "$1" address 02:00:00:00:00:42
  in_host ip addr add 10.77.0.2/24 dev "$1"
  in_host ip addr add fd00:77::2/64 dev "$1" nodad
}

@test "netDevices: a host link moves in, renamed, with its addresses, MTU and MAC, and up" {
  make_veth vh0
  new_id c
  new_bundle b sh -c 'ip -o link show eth1; ip -o addr show dev eth1'
  cfg "$b" "c['linux']['netDevices'] = {'vh0': {'name': 'eth1'}}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "$stderr"
  [[ "${lines[0]}" == *" eth1@"*"<"*",UP,"*"mtu 1400"* ]] || fail "link: ${lines[0]}"
  [[ "${lines[0]}" == *"link/ether 02:00:00:00:00:42"* ]] || fail "mac: ${lines[0]}"
  grep -q "inet 10.77.0.2/24" "$HOUT" || fail "no IPv4 address: $output"
  grep -q "inet6 fd00:77::2/64" "$HOUT" || fail "no IPv6 address: $output"
  # It left the host; the container's namespace died with it, and the
  # kernel destroyed the virtual pair.
  ! in_host ip link show vh0 2>/dev/null
  assert_clean "$ROOT" "$c"
}

@test "netDevices: a %d template takes the next free number in the container" {
  make_veth vh1
  new_id c
  new_bundle b sh -c 'ip -o link show | grep -c " net0@"; ip -o addr show dev net0 | grep -c 10.77.0.2/24'
  cfg "$b" "c['linux']['netDevices'] = {'vh1': {'name': 'net%d'}}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "$stderr"
  [ "${lines[0]}" = 1 ] && [ "${lines[1]}" = 1 ] || fail "$output"
  assert_clean "$ROOT" "$c"
}

@test "netDevices: a name taken in the container or a missing host link fail by name, nothing moved or left" {
  make_veth vh2
  new_id c
  new_bundle b true
  cfg "$b" "c['linux']['netDevices'] = {'vh2': {'name': 'lo'}}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"linux.netDevices.vh2.name"*"lo"* ]] || fail "$stderr"
  in_host ip -o addr show dev vh2 | grep -q 10.77.0.2/24
  assert_clean "$ROOT" "$c"
  new_id c2
  cfg "$b" "c['linux']['netDevices'] = {'nosuch0': {}}"
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"linux.netDevices.nosuch0"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c2"
}

@test "netDevices: moved before the createRuntime hooks run" {
  make_veth vh3
  new_id c
  new_bundle b true
  # The hook reads the state on stdin and looks into the container's namespace.
  cat >"$TMP/hook.sh" <<HOOK
#!/bin/sh
pid=\$(/usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
exec nsenter --net=/proc/\$pid/ns/net ip -o link show vh3 >"$TMP/hook.out"
HOOK
  chmod +x "$TMP/hook.sh"
  cfg "$b" "c['linux']['netDevices'] = {'vh3': {}}" \
    "c['hooks'] = {'createRuntime': [{'path': '$TMP/hook.sh'}]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "$stderr"
  grep -q "vh3@.*,UP>" "$TMP/hook.out" || fail "hook saw: $(cat "$TMP/hook.out")"
  assert_clean "$ROOT" "$c"
}
