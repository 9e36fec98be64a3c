#!/usr/bin/env bats
# events: runc's JSON statistics (and OOM) events for a running container.

load helpers

# The v1 directory of a controller for a config's absolute cgroupsPath.
v1_dir() { echo "/sys/fs/cgroup/$1$2"; }

# at_least N FILE PATTERN: FILE has N or more lines containing PATTERN.
at_least() { [ "$(grep -cF -- "$3" "$2")" -ge "$1" ]; }
pids_in() { [ "$(cat "$(v1_dir pids "$1")/pids.current")" -eq "$2" ]; }

@test "events --stats: one stats event whose numbers are the container's cgroup's" {
  new_id c
  new_bundle b sh -c 'sleep 1000 & sleep 1000 & wait'
  cg="/hutch-$c"
  cfg "$b" "c['linux']['cgroupsPath'] = '$cg'" \
    "c['linux']['resources'] = {'memory': {'limit': 33554432}, 'pids': {'limit': 40}}"
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  h start "$c"
  wait_for pids_in "$cg" 3
  h events --stats "$c"
  [ "${#lines[@]}" -eq 1 ]
  echo "$output" >"$TMP/ev.json"
  [ "$(json_get "$TMP/ev.json" "d['type'], d['id']")" = "stats $c" ]
  [ "$(json_get "$TMP/ev.json" "d['data']['memory']['usage']['limit']")" = \
    "$(cat "$(v1_dir memory "$cg")/memory.limit_in_bytes")" ]
  [ "$(json_get "$TMP/ev.json" "d['data']['memory']['usage']['limit']")" = 33554432 ]
  [ "$(json_get "$TMP/ev.json" "d['data']['pids']")" = "{'current': 3, 'limit': 40}" ]
  [ "$(json_get "$TMP/ev.json" "d['data']['memory']['usage']['usage'] > 0")" = True ]
  [ "$(json_get "$TMP/ev.json" "d['data']['cpu']['usage']['total'] > 0")" = True ]
  [ "$(json_get "$TMP/ev.json" "len(d['data']['cpu']['usage']['percpu']) == $(nproc)")" = True ]
  h kill "$c" KILL
  wait_for has_status "$c" stopped
  delete_clean "$c"
}

@test "events --interval: a stats event per interval until the container stops, then exit 0" {
  new_id c
  new_bundle b sleep 1000
  hcreate "$c" "$b"
  h start "$c"
  bg_start "$TMP/events.out" events --interval 100ms "$c"
  wait_for at_least 3 "$TMP/events.out" '"type":"stats"' 
  h kill "$c" KILL
  wait_for has_status "$c" stopped
  wait_for pid_gone "$BG_PID"
  wait "$BG_PID"
  "$PY" - "$TMP/events.out" "$c" <<'PY'
import json, sys
events = [json.loads(l) for l in open(sys.argv[1])]
assert len(events) >= 3, events
assert all(e["type"] == "stats" and e["id"] == sys.argv[2] and "memory" in e["data"] for e in events), events
PY
  delete_clean "$c"
}

@test "events: an oom event when the OOM killer strikes in the container" {
  new_id c
  # The shell holds 64 MiB in a variable: over the 16 MiB limit.
  new_bundle b sh -c 'sleep 0.5; x=$(head -c 67108864 /dev/zero | tr "\0" a); sleep 1000'
  cfg "$b" "c['linux']['resources'] = {'memory': {'limit': 16777216, 'swap': 16777216}}"
  hcreate "$c" "$b"
  bg_start "$TMP/events.out" events --interval 100ms "$c"
  wait_for grep -q '"type":"stats"' "$TMP/events.out"
  h start "$c"
  wait_for grep -q '"type":"oom"' "$TMP/events.out"
  grep -qx "{\"type\":\"oom\",\"id\":\"$c\"}" "$TMP/events.out"
  h delete -f "$c"
  wait_for pid_gone "$BG_PID"
  assert_clean "$ROOT" "$c"
}

@test "events: bad --interval, a stopped and a missing container fail clearly" {
  new_id c
  new_bundle b true
  hcreate "$c" "$b"
  expect_fail '--interval: invalid duration' events --interval 5x "$c"
  expect_fail '--interval: duration value must be greater than 0' events --interval 0 "$c"
  h start "$c"
  wait_for has_status "$c" stopped
  expect_fail "container not running" events --stats "$c"
  delete_clean "$c"
  expect_fail "container does not exist" events --stats "$c"
  [ -z "$(ls -A "$ROOT")" ]
}
