#!/usr/bin/env bats
# hutch update: new limits for a running container, read back from its
# cgroup files and from the config snapshot <root>/<id>/config.json.

load helpers
load cgroup_helpers

# A running container (sleep 1000) named $c with a 256 MiB memory limit and
# 100 pids.
start_limited() {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["linux"]["resources"]["memory"] = {"limit": 268435456}' \
    'c["linux"]["resources"]["pids"] = {"limit": 100}'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
}

# update_stdin ID FILE: hutch update --resources - ID with FILE on stdin;
# sets status and stderr like hrun.
update_stdin() {
  status=0
  timeout -k 5 "$HUTCH_TIMEOUT" "$HUTCH" --root "$ROOT" update --resources - "$1" <"$2" >"$TMP/upd.out" 2>"$TMP/upd.err" 3>&- || status=$?
  stderr=$(cat "$TMP/upd.err")
  echo "# hutch update --resources - $1 <$2 -> $status" >&2
  [ -z "$stderr" ] || printf '#   stderr: %s\n' "$stderr" >&2
}

snapshot() { # snapshot ID EXPR: EXPR on the container's config snapshot
  json_get "$ROOT/$1/config.json" "$2"
}

@test "update: runc's flags change memory, pids, cpu and cpuset on a running container" {
  start_limited
  last=$(($(nproc --all) - 1))
  h update --memory 128m --memory-reservation 64m --pids-limit 50 --cpu-share 300 \
    --cpu-period 200000 --cpu-quota 20000 --cpuset-cpus "$last" "$c"
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 134217728 ]
  [ "$(cg_read memory "$c" memory.soft_limit_in_bytes)" = 67108864 ]
  [ "$(cg_read pids "$c" pids.max)" = 50 ]
  [ "$(cg_read cpu "$c" cpu.shares)" = 300 ]
  [ "$(cg_read cpu "$c" cpu.cfs_period_us)" = 200000 ]
  [ "$(cg_read cpu "$c" cpu.cfs_quota_us)" = 20000 ]
  [ "$(cg_read cpuset "$c" cpuset.cpus)" = "$last" ]
  # the container's own view
  hrun exec "$c" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "134217728 50 " ]
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "update: --memory-swap and --pids-limit -1 (max)" {
  [ -e "$(cg_dir memory $$)/memory.memsw.limit_in_bytes" ] || skip "no swap accounting"
  start_limited
  h update --memory 128m --memory-swap 192m --pids-limit -1 "$c"
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 134217728 ]
  [ "$(cg_read memory "$c" memory.memsw.limit_in_bytes)" = 201326592 ]
  [ "$(cg_read pids "$c" pids.max)" = max ]
  delete_clean "$c" -f
}

@test "update --resources -: a linux.resources document on stdin" {
  start_limited
  cat >"$TMP/r.json" <<'JSON'
{"memory": {"limit": 100663296}, "pids": {"limit": 33}, "cpu": {"shares": 700, "quota": 40000, "period": 100000}}
JSON
  update_stdin "$c" "$TMP/r.json"
  [ "$status" -eq 0 ]
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 100663296 ]
  [ "$(cg_read pids "$c" pids.max)" = 33 ]
  [ "$(cg_read cpu "$c" cpu.shares)" = 700 ]
  [ "$(cg_read cpu "$c" cpu.cfs_quota_us)" = 40000 ]
  # and from a file
  echo '{"pids": {"limit": 44}}' >"$TMP/r2.json"
  h update --resources "$TMP/r2.json" "$c"
  [ "$(cg_read pids "$c" pids.max)" = 44 ]
  # what the document does not name stays
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 100663296 ]
  delete_clean "$c" -f
}

@test "update: the new limits land in the config snapshot, the rest of it unchanged" {
  start_limited
  before=$(snapshot "$c" "d['process']['args'], d['root']['path'], d['linux']['resources']['devices']")
  h update --pids-limit 77 --cpu-share 600 "$c"
  [ "$(snapshot "$c" "d['linux']['resources']['pids']['limit']")" = 77 ]
  [ "$(snapshot "$c" "d['linux']['resources']['cpu']['shares']")" = 600 ]
  # the memory limit from create is kept
  [ "$(snapshot "$c" "d['linux']['resources']['memory']['limit']")" = 268435456 ]
  [ "$(snapshot "$c" "d['process']['args'], d['root']['path'], d['linux']['resources']['devices']")" = "$before" ]
  echo '{"memory": {"limit": 134217728}}' >"$TMP/r.json"
  update_stdin "$c" "$TMP/r.json"
  [ "$status" -eq 0 ]
  [ "$(snapshot "$c" "d['linux']['resources']['memory']['limit']")" = 134217728 ]
  [ "$(snapshot "$c" "d['linux']['resources']['pids']['limit']")" = 77 ]
  # the snapshot still makes a container: state reads it
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "update: checkBeforeUpdate refuses a memory limit below the current usage, the limit unchanged" {
  start_limited
  usage=$(cg_read memory "$c" memory.usage_in_bytes)
  [ "$usage" -gt 8192 ]
  echo '{"memory": {"limit": 4096, "checkBeforeUpdate": true}}' >"$TMP/r.json"
  update_stdin "$c" "$TMP/r.json"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"linux.resources.memory.limit"* ]] || fail "$stderr"
  [[ "$stderr" == *"usage"* ]] || fail "$stderr"
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 268435456 ]
  [ "$(snapshot "$c" "d['linux']['resources']['memory']['limit']")" = 268435456 ]
  # a limit above the usage passes the same check
  echo '{"memory": {"limit": 201326592, "checkBeforeUpdate": true}}' >"$TMP/r.json"
  update_stdin "$c" "$TMP/r.json"
  [ "$status" -eq 0 ]
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 201326592 ]
  delete_clean "$c" -f
}

@test "update: an invalid document is refused naming the JSON path, nothing changed" {
  start_limited
  echo '{"memory": {"limit": "1G"}}' >"$TMP/r.json"
  update_stdin "$c" "$TMP/r.json"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"memory.limit"* ]] || fail "$stderr"
  echo '{"pids": {"limit": 10}, "cpu": {"shares": "many"}}' >"$TMP/r.json"
  update_stdin "$c" "$TMP/r.json"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"cpu.shares"* ]] || fail "$stderr"
  echo '{"pids": {"limit": 10}' >"$TMP/r.json"
  update_stdin "$c" "$TMP/r.json"
  [ "$status" -eq 1 ]
  hrun update --pids-limit lots "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"--pids-limit"* ]] || fail "$stderr"
  # nothing of it was applied
  [ "$(cg_read pids "$c" pids.max)" = 100 ]
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 268435456 ]
  [ "$(snapshot "$c" "d['linux']['resources']['pids']['limit']")" = 100 ]
  delete_clean "$c" -f
}

@test "update of a stopped container fails, and of a missing one" {
  new_id c
  new_bundle b true
  hcreate "$c" "$b"
  [ "$status" -eq 0 ]
  h start "$c"
  wait_for has_status "$c" stopped
  before=$(cat "$ROOT/$c/config.json")
  hrun update --pids-limit 5 "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"not running"* ]] || fail "$stderr"
  [ "$(cat "$ROOT/$c/config.json")" = "$before" ]
  delete_clean "$c"
  new_id gone
  hrun update --pids-limit 5 "$gone"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"does not exist"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$gone"
}
