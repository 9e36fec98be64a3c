#!/usr/bin/env bats
# exec: a new process in a running container.

load helpers
load cgroup_helpers

# A running container (sleep 1000) named $c, init pid $pid.
start_sleeper() {
  new_id c
  new_bundle b sleep 1000
  cfg "$b" 'c["process"]["env"].append("FROM_CONFIG=yes")' 'c["hostname"] = "exec-host"'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  pid=$(state_pid "$c")
}

@test "exec: output, in the container's namespaces and cgroup" {
  start_sleeper
  hrun exec "$c" sh -c 'hostname; tr "\0" " " </proc/1/cmdline; echo; cat /proc/self/cgroup'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = exec-host ]
  [ "${lines[1]}" = "sleep 1000 " ]
  # the container's cgroup, which is the root of its cgroup namespace
  [ "${#lines[@]}" -eq $((2 + $(wc -l <"/proc/$pid/cgroup"))) ]
  for l in "${lines[@]:2}"; do
    [ "${l##*:}" = / ] || fail "exec'd process not in the container's cgroup: $l"
  done
  delete_clean "$c" -f
}

@test "exec: the process's exit status is exec's" {
  start_sleeper
  hrun exec "$c" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  hrun exec "$c" true
  [ "$status" -eq 0 ]
  hrun exec "$c" sh -c 'kill -9 $$'
  [ "$status" -eq 137 ]
  delete_clean "$c" -f
}

@test "exec: -e adds to the config's environment; --cwd; --user uid:gid; -g" {
  start_sleeper
  hrun exec -e FOO=bar --env "TWO=x y" "$c" env
  [ "$status" -eq 0 ]
  for want in FOO=bar "TWO=x y" FROM_CONFIG=yes "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"; do
    printf '%s\n' "${lines[@]}" | grep -qxF "$want" || fail "missing $want in: $output"
  done
  hrun exec --cwd /proc/self "$c" pwd -P
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^/proc/[0-9]+$ ]]
  hrun exec --cwd /etc "$c" pwd
  [ "$status" -eq 0 ]
  [ "$output" = /etc ]
  hrun exec --user 1000:1001 -g 3000 --additional-gids 3001 "$c" sh -c 'id -u; id -g; grep ^Groups /proc/self/status'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1001 ]
  [ "$(echo "${lines[2]}" | awk '{ $1 = $1; print }')" = "Groups: 3000 3001" ]
  delete_clean "$c" -f
}

@test "exec -d --pid-file: digits only, the process runs in the container, and killing it by pid works" {
  start_sleeper
  hrun -o "$TMP/exec.out" exec -d --pid-file "$TMP/exec.pid" "$c" sleep 2000
  [ "$status" -eq 0 ]
  grep -Eq '^[0-9]+$' "$TMP/exec.pid"
  epid=$(cat "$TMP/exec.pid")
  [ "$(wc -c <"$TMP/exec.pid")" -eq "${#epid}" ]
  [ "$(tr '\0' ' ' <"/proc/$epid/cmdline")" = "sleep 2000 " ]
  [ "$(readlink "/proc/$epid/ns/pid")" = "$(readlink "/proc/$pid/ns/pid")" ]
  [ "$(readlink "/proc/$epid/ns/mnt")" = "$(readlink "/proc/$pid/ns/mnt")" ]
  diff "/proc/$epid/cgroup" "/proc/$pid/cgroup"
  # in the container's view it is not pid 1
  [ "$(awk '/^NSpid:/ { print $NF }' "/proc/$epid/status")" != 1 ]
  kill -9 "$epid"
  wait_for pid_gone "$epid"
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "exec --process FILE: an OCI process object" {
  start_sleeper
  cat >"$TMP/process.json" <<'JSON'
{
  "args": ["sh", "-c", "echo \"$FOO\"; pwd; id -u; id -g; grep ^NoNewPrivs /proc/self/status"],
  "cwd": "/tmp",
  "env": ["FOO=from-json", "PATH=/bin"],
  "user": {"uid": 1234, "gid": 4321},
  "noNewPrivileges": true,
  "terminal": false
}
JSON
  hrun exec --process "$TMP/process.json" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-json ]
  [ "${lines[1]}" = /tmp ]
  [ "${lines[2]}" = 1234 ]
  [ "${lines[3]}" = 4321 ]
  [ "$(echo "${lines[4]}" | awk '{ $1 = $1; print }')" = "NoNewPrivs: 1" ]
  # the config's environment is not added: the file's env is the environment
  hrun exec -p "$TMP/process.json" "$c"
  [ "$status" -eq 0 ]
  cat >"$TMP/env.json" <<'JSON'
{"args": ["env"], "cwd": "/", "env": ["ONLY=this"], "user": {"uid": 0, "gid": 0}}
JSON
  hrun exec -p "$TMP/env.json" "$c"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "HOME=/root ONLY=this " ]
  delete_clean "$c" -f
}

@test "exec --process with an invalid process object fails with 255, naming the field" {
  start_sleeper
  echo '{"args": ["true"], "cwd": "relative", "user": {"uid": 0, "gid": 0}}' >"$TMP/bad.json"
  hrun exec --process "$TMP/bad.json" "$c"
  [ "$status" -eq 255 ]
  [[ "$stderr" == *cwd* ]]
  delete_clean "$c" -f
}

@test "exec into a stopped container: cannot exec in a stopped container (255)" {
  new_id c
  new_bundle b true
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  wait_for has_status "$c" stopped
  hrun exec "$c" true
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"cannot exec in a stopped container"* ]]
  delete_clean "$c"
}

@test "exec's own failures exit 255: a missing program, an unknown id" {
  start_sleeper
  hrun exec "$c" /no/such/program
  [ "$status" -eq 255 ]
  [[ "$stderr" == */no/such/program* ]]
  hrun exec "$c" no-such-program
  [ "$status" -eq 255 ]
  [[ "$stderr" == *no-such-program* ]]
  hrun exec --cwd /no/such/dir "$c" true
  [ "$status" -eq 255 ]
  hrun exec --user notanumber "$c" true
  [ "$status" -eq 255 ]
  new_id other
  hrun exec "$other" true
  [ "$status" -eq 255 ]
  [[ "$stderr" == *"container does not exist"* ]]
  # the container is unharmed
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

@test "exec: signals sent to hutch exec reach the process" {
  start_sleeper
  bg_start "$TMP/exec.out" exec "$c" sh -c 'trap "echo got-TERM; exit 9" TERM; echo ready; while :; do sleep 0.1; done'
  wait_for grep -q ready "$TMP/exec.out"
  kill -TERM "$BG_PID"
  rc=0
  wait "$BG_PID" || rc=$?
  [ "$rc" -eq 9 ] || fail "exec exited $rc"
  grep -q got-TERM "$TMP/exec.out"
  delete_clean "$c" -f
}

@test "exec --cap adds a capability; the process gets the config's capabilities otherwise" {
  start_sleeper
  hrun exec "$c" grep ^CapEff /proc/self/status
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | awk '{ print $2 }')" = "$(cap_hex 29 5 10)" ]
  hrun exec --cap CAP_SYS_ADMIN "$c" grep -E '^Cap(Eff|Bnd)' /proc/self/status
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | awk '{ print $2 }' | tr '\n' ' ')" = "$(cap_hex 29 5 10 21) $(cap_hex 29 5 10 21) " ]
  delete_clean "$c" -f
}

@test "exec -d --preserve-fds passes fd 3 on" {
  start_sleeper
  echo three >"$TMP/three"
  rc=0
  "$HUTCH" --root "$ROOT" exec --preserve-fds 1 "$c" sh -c 'cat <&3; ls /proc/self/fd/4 2>/dev/null || echo no-4' \
    </dev/null >"$TMP/out" 2>"$TMP/err" 3<"$TMP/three" 4<"$TMP/three" || rc=$?
  [ "$rc" -eq 0 ] || fail "exec: $rc $(cat "$TMP/err")"
  [ "$(cat "$TMP/out" | tr '\n' ' ')" = "three no-4 " ]
  delete_clean "$c" -f
}

@test "exec's processes are killed with the container by delete -f" {
  start_sleeper
  hrun -o "$TMP/exec.out" exec -d --pid-file "$TMP/exec.pid" "$c" sleep 2000
  [ "$status" -eq 0 ]
  epid=$(cat "$TMP/exec.pid")
  h delete -f "$c"
  wait_for pid_gone "$epid"
  assert_clean "$ROOT" "$c" "$pid"
}

@test "exec -e overrides a variable of the config: one value, the last, and PATH is used for the lookup (runc)" {
  start_sleeper
  mkdir -p "$b/rootfs/opt/bin"
  printf '#!/bin/sh\necho optprog\n' >"$b/rootfs/opt/bin/optprog"
  chmod 755 "$b/rootfs/opt/bin/optprog"
  hrun exec -e FROM_CONFIG=overridden "$c" env
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]}" | grep -c '^FROM_CONFIG=')" -eq 1 ] || fail "env: $output"
  printf '%s\n' "${lines[@]}" | grep -qx FROM_CONFIG=overridden
  hrun exec -e PATH=/opt/bin:/bin "$c" optprog
  [ "$status" -eq 0 ] || fail "exec exited $status: $stderr"
  [ "$output" = optprog ]
  delete_clean "$c" -f
}

# The container's cgroup directory in every hierarchy, from the host's view.
container_cgroup_dirs() {
  local pid=$1 line path opts mnt
  # "ID:controllers:path"; the unified hierarchy's controllers are empty.
  while IFS= read -r line; do
    opts=$(echo "$line" | cut -d: -f2)
    path=$(echo "$line" | cut -d: -f3-)
    mnt=$(cg_mount "${opts%%,*}")
    [ -z "$mnt" ] || echo "$mnt$path"
  done <"/proc/$pid/cgroup"
}

@test "exec --cgroup: the process goes into the named sub-cgroups, the rest stay the container's" {
  # liblxc sets cgroup.clone_children: a new cpuset sub-cgroup inherits the
  # container's cpus, so the empty one this test joins cannot be made there.
  [ "${HUTCH_SUITE_BACKEND:-}" != lxc ] || skip "lxc: liblxc's cpuset sub-cgroups inherit cpus (clone_children)"
  start_sleeper
  container_cgroup_dirs "$pid" >"$TMP/dirs"
  [ -s "$TMP/dirs" ] || fail "no cgroups for $pid"
  while read -r dir; do
    mkdir "$dir/sub" "$dir/mem"
    # A new cpuset cgroup has no CPUs or nodes: the kernel refuses members.
    if [ -e "$dir/cpuset.cpus" ]; then
      for s in sub mem; do
        cat "$dir/cpuset.cpus" >"$dir/$s/cpuset.cpus"
        cat "$dir/cpuset.mems" >"$dir/$s/cpuset.mems"
      done
    fi
  done <"$TMP/dirs"
  # Controller-less: every hierarchy.
  hrun exec --cgroup sub "$c" cat /proc/self/cgroup
  [ "$status" -eq 0 ] || fail "$stderr"
  for l in "${lines[@]}"; do
    [ "${l##*:}" = /sub ] || fail "not in sub: $l ($output)"
  done
  # Per controller, with a default for the others.
  hrun exec --cgroup memory:mem --cgroup sub "$c" cat /proc/self/cgroup
  [ "$status" -eq 0 ] || fail "$stderr"
  for l in "${lines[@]}"; do
    case "$l" in
    *:memory:*) [ "${l##*:}" = /mem ] || fail "memory: $l" ;;
    *) [ "${l##*:}" = /sub ] || fail "not in sub: $l" ;;
    esac
  done
  # Nothing started when a sub-cgroup is missing, escapes or cannot take it.
  empty=$(grep cpuset "$TMP/dirs" || true)
  if [ -n "$empty" ]; then
    mkdir "$empty/nocpus"
    hrun exec --cgroup cpuset:nocpus "$c" true
    [ "$status" -eq 255 ] && [[ "$stderr" == *"--cgroup: "*"nocpus/cgroup.procs"* ]] || fail "$status $stderr"
  fi
  hrun exec --cgroup nosuch "$c" true
  [ "$status" -eq 255 ] && [[ "$stderr" == *"is not a cgroup of the container"* ]] || fail "$status $stderr"
  hrun exec --cgroup ../x "$c" true
  [ "$status" -eq 255 ] && [[ "$stderr" == *"would leave the container's cgroup"* ]] || fail "$status $stderr"
  delete_clean "$c" -f
}
