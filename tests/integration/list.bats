#!/usr/bin/env bats
# list and ps.

load helpers

# The pids in the container's cgroup, from the host (pids hierarchy).
cgroup_pids() {
  sort -n "$(find /sys/fs/cgroup/pids -type d -name "hutch-$1")/cgroup.procs" | tr '\n' ' '
}

@test "list --format json prints null with no containers; an empty table has only the header" {
  mkdir -p "$ROOT"
  hrun list --format json
  [ "$status" -eq 0 ]
  [ "$output" = null ]
  hrun list
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  [ "$(echo "${lines[0]}" | awk '{ $1 = $1; print }')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
  hrun list -q
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "list: a --root that does not exist is an error" {
  rc=0
  "$HUTCH" --root "$TMP/none" list </dev/null >/dev/null 2>&1 || rc=$?
  [ "$rc" -eq 1 ]
  [ ! -e "$TMP/none" ]
}

@test "list (json, table, -q): every container with its pid, status, bundle and owner" {
  new_id c1
  new_id c2
  new_bundle b1 sleep 1000
  new_bundle b2 sleep 1000
  hcreate "$c1" "$b1"
  [ "$status" -eq 0 ]
  hrun -o "$TMP/c2.out" run -d --bundle "$b2" "$c2"
  [ "$status" -eq 0 ]
  p1=$(state_pid "$c1")
  p2=$(state_pid "$c2")
  hrun list --format json
  [ "$status" -eq 0 ]
  echo "$output" >"$TMP/list.json"
  [ "$(json_get "$TMP/list.json" "' '.join('%s,%s,%s,%s,%s' % (e['id'], e['pid'], e['status'], e['bundle'], e['owner']) for e in sorted(d, key=lambda e: e['id']))")" = \
    "$c1,$p1,created,$b1,root $c2,$p2,running,$b2,root" ]
  [ "$(json_get "$TMP/list.json" "sorted(set(k for e in d for k in e))")" = "['bundle', 'created', 'id', 'ociVersion', 'owner', 'pid', 'rootfs', 'status']" ]
  hrun list
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | awk '{ $1 = $1; print }')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
  row1=$(printf '%s\n' "${lines[@]}" | awk -v id="$c1" '$1 == id { print $1, $2, $3, $4, $6 }')
  row2=$(printf '%s\n' "${lines[@]}" | awk -v id="$c2" '$1 == id { print $1, $2, $3, $4, $6 }')
  [ "$row1" = "$c1 $p1 created $b1 root" ] || fail "row: $row1"
  [ "$row2" = "$c2 $p2 running $b2 root" ] || fail "row: $row2"
  hrun list -q
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$c1" "$c2" | sort | tr '\n' ' ')" ]
  delete_clean "$c1"
  delete_clean "$c2" -f
  hrun list --format json
  [ "$output" = null ]
}

@test "list shows a stopped container as stopped with pid 0" {
  new_id c
  new_bundle b true
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  wait_for has_status "$c" stopped
  hrun list -f json
  [ "$status" -eq 0 ]
  echo "$output" >"$TMP/list.json"
  [ "$(json_get "$TMP/list.json" "d[0]['id'], d[0]['status'], d[0]['pid']")" = "$c stopped 0" ]
  delete_clean "$c"
}

@test "ps --format json: the host pids of every process in the container" {
  new_id c
  new_bundle b sh -c 'sleep 1000 & sleep 1000 & wait'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  count3() { [ "$(cgroup_pids "$c" | wc -w)" -eq 3 ]; }
  wait_for count3
  hrun ps --format json "$c"
  [ "$status" -eq 0 ]
  echo "$output" >"$TMP/ps.json"
  got=$(json_get "$TMP/ps.json" "' '.join(str(p) for p in sorted(d)) + ' '")
  [ "$got" = "$(cgroup_pids "$c")" ] || fail "ps: $got, cgroup: $(cgroup_pids "$c")"
  [[ " $got" == *" $pid "* ]]
  # they are ours: each one's parent chain leads to the init
  for p in $got; do
    [ "$p" = "$pid" ] || [ "$(awk '/^PPid:/ { print $2 }' "/proc/$p/status")" = "$pid" ]
  done
  # an exec'd process is listed too
  hrun -o "$TMP/exec.out" exec -d --pid-file "$TMP/exec.pid" "$c" sleep 1001
  [ "$status" -eq 0 ]
  hrun ps -f json "$c"
  echo "$output" >"$TMP/ps.json"
  [ "$(json_get "$TMP/ps.json" "$(cat "$TMP/exec.pid") in d")" = True ]
  delete_clean "$c" -f
}

@test "ps ID -ef: the host ps table, only the container's rows" {
  new_id c
  new_bundle b sh -c 'sleep 1000 & wait'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  count2() { [ "$(cgroup_pids "$c" | wc -w)" -eq 2 ]; }
  wait_for count2
  hrun ps "$c" -ef
  [ "$status" -eq 0 ]
  [ "$(echo "${lines[0]}" | awk '{ print $1, $2, $3 }')" = "UID PID PPID" ]
  rows=$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -n | tr '\n' ' ')
  [ "$rows" = "$(cgroup_pids "$c")" ] || fail "rows: $rows; cgroup: $(cgroup_pids "$c")"
  # the rows are the host's ps rows for those pids
  printf '%s\n' "${lines[@]:1}" | grep -q "sleep 1000"
  hrun ps --format table "$c"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -n | tr '\n' ' ')" = "$(cgroup_pids "$c")" ]
  delete_clean "$c" -f
}

@test "ps of a created container lists its (parked) init" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  pid=$(state_pid "$c")
  hrun ps -f json "$c"
  [ "$status" -eq 0 ]
  [ "$output" = "[$pid]" ]
  delete_clean "$c"
}
