# podman 4.3 + conmon scenarios: `podman --runtime RT` (the runtime keeps its
# default root, inside the suite's private /run; see run.sh). After each
# scenario the runner removes every container (rm -af -t 0).

# Shells that say "ready" once their trap is set: a signal sent before that
# would meet pid 1's default (ignore) or kill it, and prove nothing.
# One that honours SIGTERM (pid 1 ignores signals it has no handler for):
LOOP_TERM='trap "echo got-term; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
# One that ignores SIGTERM:
LOOP_IGNORE='trap "" TERM; echo ready; while :; do sleep 0.1; done'
# One that notes SIGTERM and goes on:
LOOP_NOTE_TERM='trap "echo got-term" TERM; echo ready; while :; do sleep 0.1; done'
# A long-running pid 1 that exits on SIGTERM.
IDLE='trap "exit 0" TERM; sleep 1000 & wait'

# pm_detach ARGS...: podman run -d (our cgroup parent) ARGS; sets CID, or fails.
pm_detach() {
  pm run -d "${PRUN[@]}" "$@"
  CID=$OUT
  want "podman run -d succeeds" [ "$RC" = 0 ] && want "podman run -d prints a 64-hex id" matches "$CID" '^[0-9a-f]{64}$'
}
# pm_field CID FORMAT: the inspect field (into OUT).
pm_field() { pm inspect -f "$2" "$1"; }
# pm_pid CID: the container's init pid (host view), into PID.
pm_pid() {
  pm_field "$1" '{{.State.Pid}}'
  PID=$OUT
  [ "${PID:-0}" -gt 0 ] 2>/dev/null
}
pm_status() { timeout 10 "${P[@]}" inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
pm_is() { [ "$(pm_status "$1")" = "$2" ]; }
top_shows() { timeout 10 "${P[@]}" top "$1" args 2>/dev/null | grep -q -- "$2"; }
pm_logs_has() { timeout 10 "${P[@]}" logs "$1" 2>&1 | grep -q -- "$2"; }
# pm_ready CID: the container's shell said "ready" (its traps are set).
pm_ready() { want "the container's shell is ready" wait_for 10 pm_logs_has "$1" '^ready$'; }

# ---- basic run ---------------------------------------------------------------

scenario podman-run-output sc_podman_run_output podman
sc_podman_run_output() {
  pm run --rm "${PRUN[@]}" "$IMG" sh -c 'echo hello-out; echo hello-err >&2; cat /proc/1/cmdline | tr "\0" " "'
  want "exit 0" [ "$RC" = 0 ]
  want "stdout carries the container's stdout" has "$OUT" hello-out
  want "the container's stderr reaches podman's stderr" has "$ERR" hello-err
  want "the command runs as pid 1 of its own pid namespace" has "$OUT" "sh -c echo hello-out"
}

scenario podman-runtime-is-used sc_podman_runtime_used podman
sc_podman_runtime_used() {
  pm_detach "$IMG" sh -c "$IDLE" || return 1
  pm_field "$CID" '{{.OCIRuntime}}'
  want "inspect names the runtime under test" [ "$OUT" = "$RT" ]
  rt_podman state "$CID"
  local st=$OUT
  want "the runtime's own state knows the container" [ "$RC" = 0 ]
  want "runtime state is running" matches "$st" '"status": *"running"'
  pm_pid "$CID"
  want "runtime state pid = podman's State.Pid" matches "$st" "\"pid\": *$PID[,}]"
}

scenario podman-exit-code sc_podman_exit_code podman
sc_podman_exit_code() {
  pm run --rm "${PRUN[@]}" "$IMG" sh -c 'exit 3'
  want "exit 3 propagates" [ "$RC" = 3 ]
  pm run --rm "${PRUN[@]}" "$IMG" false
  want "false gives 1" [ "$RC" = 1 ]
  pm run --rm "${PRUN[@]}" "$IMG" sh -c 'exit 255'
  want "exit 255 propagates" [ "$RC" = 255 ]
}

scenario podman-inspect-exit-code sc_podman_inspect_exit podman
sc_podman_inspect_exit() {
  pm run --name "$TAG-ix" "${PRUN[@]}" "$IMG" sh -c 'exit 5'
  want "run returns 5" [ "$RC" = 5 ]
  pm_field "$TAG-ix" '{{.State.Status}} {{.State.ExitCode}}'
  want "State is 'exited 5'" [ "$OUT" = "exited 5" ]
  pm wait "$TAG-ix"
  want "podman wait prints 5" [ "$OUT" = 5 ]
}

scenario podman-stdin sc_podman_stdin podman
sc_podman_stdin() {
  pmin "hello-stdin" run --rm -i "${PRUN[@]}" "$IMG" sh -c 'cat; echo after-eof'
  want "stdin echoed, then EOF reached" [ "$OUT" = "$(printf 'hello-stdin\nafter-eof')" ]
}

scenario podman-run-tty sc_podman_run_tty podman
sc_podman_run_tty() {
  xtty 33 77 "${P[@]}" run --rm -it "${PRUN[@]}" "$IMG" sh -c 'tty; stty size; test -t 0 && echo stdin-is-tty' 
  want "run -it succeeds" [ "$RC" = 0 ]
  want "tty prints a /dev/pts/N (a real pty of the container's devpts)" matches "$OUT" '/dev/pts/[0-9]+'
  want "the window size reaches the container (33 77)" has "$OUT" "33 77"
  want "stdin is the tty" has "$OUT" stdin-is-tty
}

scenario podman-process-attrs sc_podman_process_attrs podman
sc_podman_process_attrs() {
  pm run --rm "${PRUN[@]}" -e FOO=bar -w /tmp -u 65534:65534 --hostname e2e-host "$IMG" \
    sh -c 'echo "$FOO $(pwd) $(id -u):$(id -g) $(hostname)"'
  want "env, cwd, user and hostname applied" [ "$OUT" = "bar /tmp 65534:65534 e2e-host" ]
  pm run --rm "${PRUN[@]}" --ulimit nofile=512:512 --ulimit nproc=1024:1024 "$IMG" sh -c 'ulimit -n; ulimit -Hn'
  want "--ulimit nofile=512:512" [ "$OUT" = "$(printf '512\n512')" ]
  pm run --rm "${PRUN[@]}" --oom-score-adj 123 "$IMG" cat /proc/self/oom_score_adj
  want "--oom-score-adj 123" [ "$OUT" = 123 ]
  pm run --rm "${PRUN[@]}" --security-opt no-new-privileges "$IMG" grep NoNewPrivs /proc/self/status
  want "no-new-privileges sets NoNewPrivs" matches "$OUT" 'NoNewPrivs:[[:space:]]*1'
}

scenario podman-missing-binary sc_podman_missing_binary podman
sc_podman_missing_binary() {
  pm run --rm "${PRUN[@]}" "$IMG" /no-such-binary
  want "a missing command gives 127 (podman maps the runtime's error)" [ "$RC" = 127 ]
  want "the error names the command" has "$ERR" /no-such-binary
  pm run --rm "${PRUN[@]}" "$IMG" /etc/passwd
  want "a non-executable command gives 126" [ "$RC" = 126 ]
  want "the error says permission denied" matches "$ERR" '[Pp]ermission denied'
}

# ---- detached containers and exec ---------------------------------------------------

scenario podman-exec sc_podman_exec podman
sc_podman_exec() {
  pm_detach "$IMG" sh -c "$IDLE" || return 1
  pm exec "$CID" sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
  want "exec output" has "$OUT" exec-ok
  want "exec joins the container's pid namespace" has "$OUT" "sh -c trap"
  pm exec "$CID" sh -c 'exit 7'
  want "exec exit code 7" [ "$RC" = 7 ]
  pmin ping exec -i "$CID" cat
  want "exec -i stdin" [ "$OUT" = ping ]
  pm exec -u 65534 -e XV=1 -w /seed "$CID" sh -c 'echo "$(id -u) $XV $(pwd)"'
  want "exec -u/-e/-w" [ "$OUT" = "65534 1 /seed" ]
  pm exec "$CID" sh -c 'kill -KILL $$'
  want "exec killed by SIGKILL gives 137" [ "$RC" = 137 ]
  pm exec "$CID" /no-such-binary
  want "exec of a missing binary gives 127" [ "$RC" = 127 ]
}

scenario podman-exec-tty sc_podman_exec_tty podman
sc_podman_exec_tty() {
  pm_detach "$IMG" sh -c "$IDLE" || return 1
  xtty 21 61 "${P[@]}" exec -it "$CID" sh -c 'tty; stty size' 
  want "exec -it succeeds" [ "$RC" = 0 ]
  want "tty prints /dev/pts/N" matches "$OUT" '/dev/pts/[0-9]+'
  want "window size 21 61" has "$OUT" "21 61"
}

scenario podman-exec-detached sc_podman_exec_detached podman
sc_podman_exec_detached() {
  pm_detach -v "$W/vol:/out" "$IMG" sh -c "$IDLE" || return 1
  rm -f "$W/vol/exec-d" "$W/vol/go"
  # The process waits for a file made only after exec -d returned: an exec -d
  # that waited for its process would time out.
  pm exec -d "$CID" sh -c 'while [ ! -e /out/go ]; do sleep 0.1; done; echo done > /out/exec-d'
  want "exec -d returns while its process still runs" [ "$RC" = 0 ]
  want "the process has not finished yet" [ ! -e "$W/vol/exec-d" ]
  touch "$W/vol/go"
  want "the detached process runs to completion" wait_for 10 grep -qx done "$W/vol/exec-d"
}

scenario podman-logs sc_podman_logs podman
sc_podman_logs() {
  pm_detach "$IMG" sh -c 'echo line-out; echo line-err >&2; exec sleep 1000' || return 1
  want "the lines reach the log" wait_for 10 pm_logs_has "$CID" line-err
  pm logs "$CID"
  want "logs has stdout" has "$OUT" line-out
  want "logs has stderr" has "$ERR" line-err
}

scenario podman-stop-sigterm sc_podman_stop_term podman
sc_podman_stop_term() {
  pm_detach "$IMG" sh -c "$LOOP_TERM" || return 1
  pm_ready "$CID" || return 1
  pm stop -t 30 "$CID"
  want "stop succeeds" [ "$RC" = 0 ]
  pm_field "$CID" '{{.State.Status}} {{.State.ExitCode}}'
  want "exited with the trap's code 42 (SIGTERM honoured, not killed)" [ "$OUT" = "exited 42" ]
  pm logs "$CID"
  want "the trap ran" has "$OUT" got-term
}

scenario podman-stop-timeout-kill sc_podman_stop_kill podman
sc_podman_stop_kill() {
  pm_detach "$IMG" sh -c "$LOOP_NOTE_TERM" || return 1
  pm_ready "$CID" || return 1
  pm stop -t 2 "$CID"
  want "stop succeeds" [ "$RC" = 0 ]
  pm_field "$CID" '{{.State.Status}} {{.State.ExitCode}}'
  want "exited 137 (SIGKILL after the timeout)" [ "$OUT" = "exited 137" ]
  pm logs "$CID"
  want "SIGTERM came first (the trap noted it)" has "$OUT" got-term
}

scenario podman-kill sc_podman_kill podman
sc_podman_kill() {
  pm_detach "$IMG" sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done' || return 1
  pm_ready "$CID" || return 1
  pm kill -s USR1 "$CID"
  want "kill -s USR1 succeeds" [ "$RC" = 0 ]
  want "the signal reaches the process (trap output in logs)" wait_for 10 pm_logs_has "$CID" got-usr1
  pm_is "$CID" running
  want "still running after USR1" [ $? = 0 ]
  pm kill "$CID"
  want "kill (SIGKILL) succeeds" [ "$RC" = 0 ]
  want "the container exits" wait_for 10 pm_is "$CID" exited
  pm_field "$CID" '{{.State.ExitCode}}'
  want "exit code 137" [ "$OUT" = 137 ]
}

scenario podman-rm sc_podman_rm podman
sc_podman_rm() {
  pm_detach "$IMG" sh -c "$IDLE" || return 1
  pm_pid "$CID" || return 1
  local pid=$PID memcg
  memcg=$(cg_dir memory "$pid")
  pm rm "$CID"
  want "rm of a running container is refused" [ "$RC" != 0 ]
  pm rm -f -t 0 "$CID"
  want "rm -f succeeds" [ "$RC" = 0 ]
  pm container exists "$CID"
  want "the container is gone" [ "$RC" = 1 ]
  want "its process is gone" wait_for 5 not kill -0 "$pid"
  rt_podman state "$CID"
  want "the runtime's state is gone" [ "$RC" != 0 ]
  if [ -n "$memcg" ]; then
    want "its cgroup $memcg is removed" wait_for 5 not test -d "$memcg"
  fi
  # and a stopped one with plain rm
  pm run --name "$TAG-rm2" "${PRUN[@]}" "$IMG" true
  pm rm "$TAG-rm2"
  want "rm of a stopped container" [ "$RC" = 0 ]
  rt_podman list -q
  want "runtime list is empty" [ -z "$OUT" ]
}

scenario podman-restart sc_podman_restart podman
sc_podman_restart() {
  : >"$W/vol/restarts"
  pm_detach -v "$W/vol:/out" "$IMG" sh -c "echo start >> /out/restarts; $IDLE" || return 1
  want "the first process ran" wait_for 10 grep -q start "$W/vol/restarts"
  pm_pid "$CID"
  local pid1=$PID
  pm restart -t 5 "$CID"
  want "restart succeeds (the runtime re-creates the same id)" [ "$RC" = 0 ]
  pm_pid "$CID"
  want "a new init process" [ "$PID" != "$pid1" ]
  want "the new process ran" wait_for 10 sh -c '[ "$(grep -c start "$1")" = 2 ]' _ "$W/vol/restarts"
  pm_is "$CID" running
  want "running" [ $? = 0 ]
}

scenario podman-pause-unpause sc_podman_pause podman
sc_podman_pause() {
  pm_detach -v "$W/vol:/out" "$IMG" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /out/count; sleep 0.05; done' || return 1
  want "the counter started" wait_for 10 test -s "$W/vol/count"
  pm pause "$CID"
  want "pause succeeds" [ "$RC" = 0 ]
  pm_field "$CID" '{{.State.Status}}'
  want "State.Status paused" [ "$OUT" = paused ]
  rt_podman state "$CID"
  want "runtime state paused" matches "$OUT" '"status": *"paused"'
  sleep 0.3
  local a b
  a=$(cat "$W/vol/count")
  sleep 1
  b=$(cat "$W/vol/count")
  want "the counter stops while paused ($a -> $b)" [ "$a" = "$b" ]
  pm unpause "$CID"
  want "unpause succeeds" [ "$RC" = 0 ]
  pm_field "$CID" '{{.State.Status}}'
  want "State.Status running" [ "$OUT" = running ]
  want "the counter runs again (past $b)" wait_for 10 counter_above "$W/vol/count" "${b:-0}"
}

scenario podman-top sc_podman_top podman
sc_podman_top() {
  pm_detach "$IMG" sh -c 'sleep 1001 & sleep 1002 & wait' || return 1
  want "both children started" wait_for 10 top_shows "$CID" "sleep 1002"
  pm top "$CID" pid args
  want "top succeeds" [ "$RC" = 0 ]
  want "top lists the container's processes" has "$OUT" "sleep 1001"
  want "top lists them all" has "$OUT" "sleep 1002"
}

scenario podman-stats sc_podman_stats podman
sc_podman_stats() {
  pm_detach "$IMG" sh -c "$IDLE" || return 1
  pm stats --no-stream --no-reset --format '{{.MemUsage}}|{{.PIDs}}' "$CID"
  want "stats succeeds" [ "$RC" = 0 ]
  want "non-zero memory usage" matches "$OUT" '^[0-9.]*[1-9][0-9.]*[kMG]?B '
  want "pids counted" matches "$OUT" '\|[1-9][0-9]*$'
}

# ---- resources ----------------------------------------------------------------------

scenario podman-memory sc_podman_memory podman
sc_podman_memory() {
  pm_detach --memory 64m "$IMG" sh -c "$IDLE" || return 1
  pm_pid "$CID" || return 1
  want "memory limit in the container's cgroup (64m)" \
    [ "$(cg_value "$PID" memory memory.limit_in_bytes memory.max)" = 67108864 ]
  local f=/sys/fs/cgroup/memory/memory.limit_in_bytes
  cg_v2 && f=/sys/fs/cgroup/memory.max
  pm exec "$CID" cat "$f"
  want "the container's /sys/fs/cgroup shows its own limit" [ "$OUT" = 67108864 ]
}

scenario podman-oom-kill sc_podman_oom podman
sc_podman_oom() {
  pm run --name "$TAG-oom" "${PRUN[@]}" --memory 32m --memory-swap 32m "$IMG" \
    sh -c 'x=$(head -c 200000000 /dev/zero | tr "\0" a); echo survived'
  want "the process is OOM-killed (137)" [ "$RC" = 137 ]
  want "before it could finish" not has "$OUT" survived
  # conmon 2.1.6 does not report OOM kills on this cgroup-v1 host with any
  # runtime (State.OOMKilled stays false with runc and crun too): not checked
  pm_field "$TAG-oom" '{{.State.OOMKilled}}'
  note "OOMKilled=$OUT"
}

scenario podman-cpus sc_podman_cpus podman
sc_podman_cpus() {
  pm_detach --cpus 0.5 --cpu-shares 512 "$IMG" sh -c "$IDLE" || return 1
  pm_pid "$CID" || return 1
  if cg_v2; then
    want "cpu.max 50000 100000" [ "$(cg_value "$PID" cpu x cpu.max)" = "50000 100000" ]
  else
    want "cpu.cfs_quota_us 50000" [ "$(cg_value "$PID" cpu cpu.cfs_quota_us x)" = 50000 ]
    want "cpu.cfs_period_us 100000" [ "$(cg_value "$PID" cpu cpu.cfs_period_us x)" = 100000 ]
    want "cpu.shares 512" [ "$(cg_value "$PID" cpu cpu.shares x)" = 512 ]
  fi
}

scenario podman-pids-limit sc_podman_pids podman
sc_podman_pids() {
  pm_detach --pids-limit 20 "$IMG" sh -c "$IDLE" || return 1
  pm_pid "$CID" || return 1
  want "pids.max 20" [ "$(cg_value "$PID" pids pids.max pids.max)" = 20 ]
  pm exec "$CID" sh -c 'for i in $(seq 40); do sleep 100 & done'
  want "forks beyond the limit fail" matches "$ERR" "can't fork|Resource temporarily unavailable"
  want "the cgroup holds at most 20 tasks" [ "$(cg_value "$PID" pids pids.current pids.current)" -le 20 ]
}

scenario podman-update sc_podman_update podman
sc_podman_update() {
  pm_detach --memory 64m "$IMG" sh -c "$IDLE" || return 1
  pm_pid "$CID" || return 1
  pm update --memory 128m --cpus 0.25 "$CID"
  want "podman update succeeds (runtime update --resources)" [ "$RC" = 0 ]
  want "memory limit now 128m in the cgroup" \
    [ "$(cg_value "$PID" memory memory.limit_in_bytes memory.max)" = 134217728 ]
  if cg_v2; then
    want "cpu.max 25000 100000" [ "$(cg_value "$PID" cpu x cpu.max)" = "25000 100000" ]
  else
    want "cpu quota now 25000" [ "$(cg_value "$PID" cpu cpu.cfs_quota_us x)" = 25000 ]
  fi
  # (podman 4.3 does not refresh HostConfig.Memory after update: not checked)
}

# ---- security -------------------------------------------------------------------------

scenario podman-cap-drop sc_podman_caps podman
sc_podman_caps() {
  pm run --rm "${PRUN[@]}" --cap-drop all --cap-add CHOWN,KILL "$IMG" grep -E '^Cap(Eff|Bnd|Prm)' /proc/self/status
  want "CapEff is exactly CHOWN|KILL" matches "$OUT" 'CapEff:[[:space:]]*0000000000000021'
  want "CapBnd is exactly CHOWN|KILL" matches "$OUT" 'CapBnd:[[:space:]]*0000000000000021'
  pm run --rm "${PRUN[@]}" --cap-drop all "$IMG" sh -c 'grep CapEff /proc/self/status; chown 65534 /tmp'
  want "no capabilities at all" matches "$OUT" 'CapEff:[[:space:]]*0000000000000000'
  want "chown is refused without CAP_CHOWN" [ "$RC" != 0 ]
}

scenario podman-seccomp-profile sc_podman_seccomp podman
sc_podman_seccomp() {
  cat >"$W/seccomp-nomkdir.json" <<'EOF'
{
  "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [
    { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }
  ]
}
EOF
  pm run --rm "${PRUN[@]}" --security-opt "seccomp=$W/seccomp-nomkdir.json" "$IMG" \
    sh -c 'grep Seccomp: /proc/self/status; mkdir /tmp/d && echo made; echo alive'
  want "the filter is installed" matches "$OUT" 'Seccomp:[[:space:]]*2'
  want "mkdir is denied with EPERM" matches "$ERR" 'Operation not permitted'
  want "mkdir did not happen" not has "$OUT" made
  want "other syscalls still work" has "$OUT" alive
  pm run --rm "${PRUN[@]}" "$IMG" sh -c 'grep Seccomp: /proc/self/status; mkdir /tmp/d && echo made'
  want "podman's default profile is installed too" matches "$OUT" 'Seccomp:[[:space:]]*2'
  want "and mkdir works under it" has "$OUT" made
}

scenario podman-read-only sc_podman_readonly podman
sc_podman_readonly() {
  pm run --rm "${PRUN[@]}" --read-only "$IMG" sh -c 'touch /x; echo rc=$?; touch /tmp/y && echo tmp-ok'
  want "writing to / fails" has "$OUT" "rc=1"
  want "with EROFS" matches "$ERR" 'Read-only file system'
  want "the --read-only-tmpfs /tmp is writable" has "$OUT" tmp-ok
}

scenario podman-masked-paths sc_podman_masked podman
sc_podman_masked() {
  # podman's masked paths that exist on this kernel, checked against the host
  local timer_host firmware_host
  timer_host=$(wc -c </proc/timer_list 2>/dev/null || echo absent)
  firmware_host=$(ls /sys/firmware 2>/dev/null | wc -l)
  pm run --rm "${PRUN[@]}" "$IMG" sh -c 'echo "timer_list=$(wc -c < /proc/timer_list)"; echo "firmware=$(ls /sys/firmware | wc -l)"
    grep -E " /proc/(sys|bus) " /proc/mounts; echo 1 > /proc/sys/vm/overcommit_memory; echo w=$?'
  want "/proc/timer_list is masked (empty inside, $timer_host bytes on the host)" matches "$OUT" '^timer_list=0$'
  want "the host's timer_list is not empty (else the check above proves nothing)" [ "$timer_host" != 0 ]
  want "/sys/firmware is masked (empty inside, $firmware_host entries on the host)" matches "$OUT" '^firmware=0$'
  want "/proc/sys is mounted read-only" matches "$OUT" ' /proc/sys [a-z]+ ro,'
  want "writing to /proc/sys fails" has "$OUT" "w=1"
}

scenario podman-userns-map sc_podman_userns podman
sc_podman_userns() {
  pm_detach --uidmap 0:200000:65536 --gidmap 0:200000:65536 "$IMG" sh -c "$IDLE" || return 1
  pm exec "$CID" sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; stat -c %u /bin/busybox'
  want "uid_map 0 200000 65536" matches "$OUT" '^[[:space:]]*0[[:space:]]+200000[[:space:]]+65536'
  want "gid_map 0 200000 65536" [ "$(printf '%s\n' "$OUT" | grep -cE '^[[:space:]]*0[[:space:]]+200000[[:space:]]+65536')" = 2 ]
  want "root inside, image files owned by root inside" [ "$(printf '%s\n' "$OUT" | tail -n 2 | tr '\n' ' ')" = "0 0 " ]
  pm_pid "$CID" || return 1
  want "the init runs as host uid 200000" [ "$(status_field "$PID" Uid)" = 200000 ]
}

scenario podman-userns-auto sc_podman_userns_auto podman
sc_podman_userns_auto() {
  pm_detach --userns auto:size=65536 "$IMG" sh -c "$IDLE" || return 1
  pm exec "$CID" sh -c 'cat /proc/self/uid_map; id -u; stat -c %u:%g /bin/busybox'
  local host_start
  host_start=$(printf '%s\n' "$OUT" | awk 'NR == 1 { print $2 }')
  want "uid_map: 65536 ids from 0 at a host id of the containers range" \
    matches "$(printf '%s\n' "$OUT" | head -n1)" '^[[:space:]]*0[[:space:]]+[0-9]+[[:space:]]+65536$'
  want "the range starts inside containers:400000:300000 ($host_start)" [ "${host_start:-0}" -ge 400000 ]
  want "and ends inside it" [ "${host_start:-0}" -le $((700000 - 65536)) ]
  want "root inside, image files owned by root inside" [ "$(printf '%s\n' "$OUT" | tail -n 2 | tr '\n' ' ')" = "0 0:0 " ]
  pm_pid "$CID" || return 1
  want "the init runs as host uid $host_start" [ "$(status_field "$PID" Uid)" = "$host_start" ]
}

# ---- mounts ---------------------------------------------------------------------------

scenario podman-tmpfs sc_podman_tmpfs podman
sc_podman_tmpfs() {
  pm run --rm "${PRUN[@]}" --tmpfs /seed --tmpfs /scratch:size=1m,mode=1777 "$IMG" \
    sh -c 'grep -E " /(seed|scratch) " /proc/mounts; cat /seed/hello.txt; stat -c %a /scratch; df -k /scratch | tail -n1'
  want "/seed is a tmpfs" matches "$OUT" '^[^ ]+ /seed tmpfs '
  want "tmpcopyup: the image's /seed content is in it" has "$OUT" seed-from-image
  want "/scratch is a tmpfs" matches "$OUT" '^[^ ]+ /scratch tmpfs '
  want "mode 1777" matches "$OUT" '^1777$'
  want "size=1m" matches "$OUT" '^[^ ]+ +1024 '
}

scenario podman-bind-volume sc_podman_volume podman
sc_podman_volume() {
  echo from-host >"$W/vol/in.txt"
  rm -f "$W/vol/out.txt"
  pm run --rm "${PRUN[@]}" -v "$W/vol:/data" "$IMG" sh -c 'cat /data/in.txt; echo from-container > /data/out.txt'
  want "reads the host file" has "$OUT" from-host
  want "writes through to the host dir" [ "$(cat "$W/vol/out.txt" 2>/dev/null)" = from-container ]
  pm run --rm "${PRUN[@]}" -v "$W/vol:/data:ro" "$IMG" sh -c 'cat /data/in.txt; echo x > /data/ro.txt'
  want ":ro reads" has "$OUT" from-host
  want ":ro refuses writes" matches "$ERR" 'Read-only file system'
  want "nothing written" [ ! -e "$W/vol/ro.txt" ]
}

scenario podman-shm-size sc_podman_shm podman
sc_podman_shm() {
  pm run --rm "${PRUN[@]}" --shm-size 16m "$IMG" sh -c 'df -k /dev/shm | tail -n1'
  want "/dev/shm is 16m" matches "$OUT" '^[^ ]+ +16384 '
}

scenario podman-device sc_podman_device podman
sc_podman_device() {
  pm run --rm "${PRUN[@]}" --device /dev/zero:/dev/e2ezero "$IMG" sh -c 'ls -l /dev/e2ezero; head -c 5 /dev/e2ezero | wc -c'
  want "the device node exists (char 1,5)" matches "$OUT" '^c.* 1, +5 .*/dev/e2ezero'
  want "and is readable (device cgroup allows it)" matches "$OUT" '^5$'
}

scenario podman-sysctl sc_podman_sysctl podman
sc_podman_sysctl() {
  pm run --rm "${PRUN[@]}" --sysctl net.ipv4.ip_forward=1 --sysctl kernel.shmmax=123456789 "$IMG" \
    sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
  want "namespaced sysctls set" [ "$OUT" = "$(printf '1\n123456789')" ]
}

scenario podman-join-namespaces sc_podman_join_ns podman
sc_podman_join_ns() {
  pm_detach --name "$TAG-a" "$IMG" sh -c 'echo shared > /dev/shm/marker; sleep 1003 & wait' || return 1
  want "the first container is set up" wait_for 10 top_shows "$CID" "sleep 1003"
  pm run --rm "${PRUN[@]}" --pid "container:$TAG-a" --ipc "container:$TAG-a" --uts "container:$TAG-a" "$IMG" \
    sh -c 'ps -o args | grep -c "^[s]leep 1003"; cat /dev/shm/marker'
  want "sees the other container's sleep (shared pid ns)" matches "$OUT" '^1$'
  want "shares its IPC namespace (/dev/shm)" has "$OUT" shared
}

scenario podman-privileged sc_podman_privileged podman
sc_podman_privileged() {
  pm run --rm "${PRUN[@]}" --privileged "$IMG" sh -c 'grep CapEff /proc/self/status; ls /dev | wc -l; grep -c " /proc/sys " /proc/mounts; true'
  want "runs" [ "$RC" = 0 ]
  local bnd
  bnd=$(awk '$1=="CapBnd:" {print $2}' /proc/self/status)
  want "every capability the host allows ($bnd)" matches "$OUT" "CapEff:[[:space:]]*$bnd"
}
