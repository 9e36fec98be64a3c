# containerd 1.6 + containerd-shim-runc-v2 scenarios, driven with ctr:
# `ctr run --runc-binary RT --runc-root ROOT` (the shim's runc options
# BinaryName and Root; the runtime then gets --root ROOT/<namespace>).
# After each scenario the runner kills and deletes every task and container.

# ctr_detach ID ARGS... IMAGE-ARGS: ctr run -d; fails unless the task RUNs.
ctr_detach() {
  local id=$1
  shift
  ct run -d "${CRUN[@]}" "$@"
  want "ctr run -d succeeds" [ "$RC" = 0 ] || return 1
  want "the task is RUNNING" wait_for 5 ctr_is "$id" RUNNING
}
ctr_status() { timeout 10 "${C[@]}" tasks ls 2>/dev/null | awk -v c="$1" '$1==c {print $3}'; }
ctr_is() { [ "$(ctr_status "$1")" = "$2" ]; }
ctr_ps_count_is() { [ "$(timeout 10 "${C[@]}" tasks ps "$1" 2>/dev/null | grep -cE '^[0-9]+')" = "$2" ]; }
ctr_pid() { timeout 10 "${C[@]}" tasks ls 2>/dev/null | awk -v c="$1" '$1==c {print $2}'; }

scenario ctr-run-output sc_ctr_run_output ctr
sc_ctr_run_output() {
  ct run --rm "${CRUN[@]}" "$IMG" "$TAG-out" sh -c 'echo hello-out; echo hello-err >&2; cat /proc/1/cmdline | tr "\0" " "'
  want "exit 0" [ "$RC" = 0 ]
  want "stdout" has "$OUT" hello-out
  want "stderr" has "$ERR" hello-err
  want "pid 1 of its own pid namespace" has "$OUT" "sh -c echo hello-out"
}

scenario ctr-exit-code sc_ctr_exit_code ctr
sc_ctr_exit_code() {
  ct run --rm "${CRUN[@]}" "$IMG" "$TAG-ex1" sh -c 'exit 3'
  want "exit 3 propagates" [ "$RC" = 3 ]
  ct run --rm "${CRUN[@]}" "$IMG" "$TAG-ex2" sh -c 'exit 255'
  want "exit 255 propagates" [ "$RC" = 255 ]
}

scenario ctr-stdin sc_ctr_stdin ctr
sc_ctr_stdin() {
  # ctr never closes the task's stdin at EOF: read one line
  xin hello-stdin "${C[@]}" run --rm "${CRUN[@]}" "$IMG" "$TAG-in" sh -c 'read l; echo "got:$l"'
  want "stdin reaches the task" [ "$OUT" = got:hello-stdin ]
}

# ctr sets the window size only after the task started: wait for it (busybox
# stty prints nothing while the size is 0 0).
TTY_SIZE='tty; i=0; while [ $i -lt 100 ]; do s=$(stty size 2>/dev/null); [ -n "$s" ] && [ "$s" != "0 0" ] && break; i=$((i+1)); sleep 0.1; done; echo "$s"'

scenario ctr-run-tty sc_ctr_run_tty ctr
sc_ctr_run_tty() {
  xtty 33 77 "${C[@]}" run -t --rm "${CRUN[@]}" "$IMG" "$TAG-tty" sh -c "$TTY_SIZE" 
  want "ctr run -t succeeds (console socket)" [ "$RC" = 0 ]
  want "tty prints /dev/pts/N" matches "$OUT" '/dev/pts/[0-9]+'
  want "window size 33 77 reaches the container" has "$OUT" "33 77"
}

scenario ctr-detached-state sc_ctr_detached ctr
sc_ctr_detached() {
  ctr_detach "$TAG-d" "$IMG" "$TAG-d" sh -c "$IDLE" || return 1
  local pid
  pid=$(ctr_pid "$TAG-d")
  rt_ctd state "$TAG-d"
  want "the runtime's state under --runc-root/<namespace> knows the task" [ "$RC" = 0 ]
  want "runtime state running, pid $pid" matches "$OUT" "\"pid\": *$pid[,}]"
  want "the init pid file is digits only" matches "$(cat "$W/ctd/state/io.containerd.runtime.v2.task/$TAG/$TAG-d/init.pid" 2>/dev/null)" '^[0-9]+$'
}

scenario ctr-exec sc_ctr_exec ctr
sc_ctr_exec() {
  ctr_detach "$TAG-e" "$IMG" "$TAG-e" sh -c "$IDLE" || return 1
  ct tasks exec --exec-id e1 "$TAG-e" sh -c 'echo exec-ok; cat /proc/1/cmdline | tr "\0" " "'
  want "exec output" has "$OUT" exec-ok
  want "exec joins the pid namespace" has "$OUT" "sh -c trap"
  ct tasks exec --exec-id e2 "$TAG-e" sh -c 'exit 7'
  want "exec exit code 7" [ "$RC" = 7 ]
  xin ping "${C[@]}" tasks exec --exec-id e3 "$TAG-e" sh -c 'read l; echo "got:$l"'
  want "exec stdin" [ "$OUT" = got:ping ]
  ct tasks exec --exec-id e4 --cwd /seed "$TAG-e" sh -c 'pwd'
  want "exec --cwd" [ "$OUT" = /seed ]
  ct tasks exec --exec-id e6 "$TAG-e" sh -c 'kill -KILL $$'
  want "exec killed by SIGKILL gives 137" [ "$RC" = 137 ]
  ct tasks exec --exec-id e5 "$TAG-e" /no-such-binary
  want "exec of a missing binary fails" [ "$RC" != 0 ]
  want "with the runtime's message naming it" has "$ERR" no-such-binary
}

scenario ctr-exec-tty sc_ctr_exec_tty ctr
sc_ctr_exec_tty() {
  ctr_detach "$TAG-et" "$IMG" "$TAG-et" sh -c "$IDLE" || return 1
  xtty 21 61 "${C[@]}" tasks exec -t --exec-id t1 "$TAG-et" sh -c "$TTY_SIZE" 
  want "exec -t succeeds" [ "$RC" = 0 ]
  want "tty prints /dev/pts/N" matches "$OUT" '/dev/pts/[0-9]+'
  want "window size 21 61" has "$OUT" "21 61"
}

scenario ctr-kill-delete sc_ctr_kill ctr
# ctr tasks delete exits 0 but warns "exit with non-zero exit code N".
ctr_delete_code() {
  ct tasks delete "$1"
  if [ "$RC" = 0 ]; then
    DCODE=$(printf '%s' "$ERR" | sed -n 's/.*exit with non-zero exit code \([0-9]*\).*/\1/p' | head -n1)
    DCODE=${DCODE:-0}
  else
    DCODE=failed
  fi
}
sc_ctr_kill() {
  rm -f "$W/vol/usr1" "$W/vol/k1-ready" "$W/vol/k3-ready"
  # the shells say "ready" once their traps are set: a signal before that
  # would meet pid 1's default and prove nothing
  ctr_detach "$TAG-k1" --mount "type=bind,src=$W/vol,dst=/out,options=rbind:rw" "$IMG" "$TAG-k1" \
    sh -c 'trap "echo got-usr1 > /out/usr1" USR1; trap "exit 42" TERM; touch /out/k1-ready; while :; do sleep 0.1; done' || return 1
  want "the shell is ready" wait_for 10 test -e "$W/vol/k1-ready" || return 1
  ct tasks kill -s SIGUSR1 "$TAG-k1"
  want "kill -s SIGUSR1 succeeds" [ "$RC" = 0 ]
  want "the signal reaches the process" wait_for 5 grep -q got-usr1 "$W/vol/usr1"
  want "still running" ctr_is "$TAG-k1" RUNNING
  ct tasks kill "$TAG-k1"
  want "kill (SIGTERM) succeeds" [ "$RC" = 0 ]
  want "the trapping shell stops" wait_for 10 ctr_is "$TAG-k1" STOPPED
  ctr_delete_code "$TAG-k1"
  want "task delete reports the trap's exit code 42" [ "$DCODE" = 42 ]
  ct containers delete "$TAG-k1"
  want "container delete" [ "$RC" = 0 ]
  rt_ctd state "$TAG-k1"
  want "the runtime's state is gone" [ "$RC" != 0 ]

  ctr_detach "$TAG-k3" --mount "type=bind,src=$W/vol,dst=/out,options=rbind:rw" "$IMG" "$TAG-k3" \
    sh -c 'trap "" TERM; touch /out/k3-ready; while :; do sleep 0.1; done' || return 1
  want "the shell is ready" wait_for 10 test -e "$W/vol/k3-ready" || return 1
  ct tasks kill -s SIGTERM "$TAG-k3"
  # an observation window: a SIGTERM that killed the shell would show by now
  sleep 0.5
  want "an ignored SIGTERM leaves it running" ctr_is "$TAG-k3" RUNNING
  ct tasks kill -s SIGKILL "$TAG-k3"
  want "SIGKILL stops it" wait_for 10 ctr_is "$TAG-k3" STOPPED
  ctr_delete_code "$TAG-k3"
  want "exit status 137" [ "$DCODE" = 137 ]
  ct tasks delete "$TAG-k3"
  want "a second delete says not found" [ "$RC" != 0 ]
}

scenario ctr-pause-resume sc_ctr_pause ctr
sc_ctr_pause() {
  rm -f "$W/vol/ccount"
  ctr_detach "$TAG-p" --mount "type=bind,src=$W/vol,dst=/out,options=rbind:rw" "$IMG" "$TAG-p" \
    sh -c 'i=0; while :; do i=$((i+1)); echo $i > /out/ccount; sleep 0.05; done' || return 1
  want "the counter started" wait_for 10 test -s "$W/vol/ccount"
  ct tasks pause "$TAG-p"
  want "pause succeeds" [ "$RC" = 0 ]
  want "status PAUSED" ctr_is "$TAG-p" PAUSED
  rt_ctd state "$TAG-p"
  want "runtime state paused" matches "$OUT" '"status": *"paused"'
  sleep 0.3
  local a b
  a=$(cat "$W/vol/ccount")
  sleep 1
  b=$(cat "$W/vol/ccount")
  want "the counter stops ($a -> $b)" [ "$a" = "$b" ]
  ct tasks resume "$TAG-p"
  want "resume succeeds" [ "$RC" = 0 ]
  want "status RUNNING" ctr_is "$TAG-p" RUNNING
  want "the counter runs again (past $b)" wait_for 10 counter_above "$W/vol/ccount" "${b:-0}"
}

scenario ctr-task-ps sc_ctr_ps ctr
sc_ctr_ps() {
  ctr_detach "$TAG-ps" "$IMG" "$TAG-ps" sh -c 'sleep 1001 & sleep 1002 & wait' || return 1
  local pid n
  pid=$(ctr_pid "$TAG-ps")
  want "both children started" wait_for 10 ctr_ps_count_is "$TAG-ps" 3
  ct tasks ps "$TAG-ps"
  want "task ps succeeds" [ "$RC" = 0 ]
  want "lists the init pid $pid" matches "$OUT" "^$pid( |\$)"
  n=$(printf '%s\n' "$OUT" | grep -cE '^[0-9]+')
  want "lists all 3 processes (got $n)" [ "$n" = 3 ]
}

scenario ctr-metrics sc_ctr_metrics ctr
sc_ctr_metrics() {
  ctr_detach "$TAG-m" "$IMG" "$TAG-m" sh -c "$IDLE" || return 1
  ct tasks metrics "$TAG-m"
  want "metrics succeeds" [ "$RC" = 0 ]
  want "non-zero memory usage" matches "$OUT" '^memory\.(usage_in_bytes|usage)[[:space:]]+[1-9]'
  want "cpu usage reported" matches "$OUT" '^(cpuacct\.usage|cpu\.usage_usec)[[:space:]]+[0-9]'
  want "pids counted" matches "$OUT" '^pids\.current[[:space:]]+[1-9]'
}

scenario ctr-resources sc_ctr_resources ctr
sc_ctr_resources() {
  ctr_detach "$TAG-r" --memory-limit 67108864 --cpus 0.5 "$IMG" "$TAG-r" sh -c "$IDLE" || return 1
  local pid d
  pid=$(ctr_pid "$TAG-r")
  d=$(cg_dir memory "$pid")
  want "cgroup is ctr's default /<namespace>/<id> ($d)" has "$d" "/$TAG/$TAG-r"
  want "memory limit 64m" [ "$(cg_value "$pid" memory memory.limit_in_bytes memory.max)" = 67108864 ]
  if cg_v2; then
    want "cpu.max 50000 100000" [ "$(cg_value "$pid" cpu x cpu.max)" = "50000 100000" ]
  else
    want "cfs quota 50000" [ "$(cg_value "$pid" cpu cpu.cfs_quota_us x)" = 50000 ]
  fi
}

scenario ctr-security-opts sc_ctr_security ctr
sc_ctr_security() {
  ct run --rm "${CRUN[@]}" --read-only --seccomp --cap-drop CAP_CHOWN "$IMG" "$TAG-sec" \
    sh -c 'grep -E "^(Seccomp|CapEff|NoNewPrivs):" /proc/self/status; touch /x; echo rc=$?'
  want "default seccomp profile installed" matches "$OUT" 'Seccomp:[[:space:]]*2'
  want "CAP_CHOWN dropped from the default set (a80425fb -> a80425fa)" matches "$OUT" 'CapEff:[[:space:]]*00000000a80425fa'
  want "no_new_privs (ctr's default)" matches "$OUT" 'NoNewPrivs:[[:space:]]*1'
  want "read-only rootfs" has "$OUT" rc=1
}

scenario ctr-bind-mount sc_ctr_mount ctr
sc_ctr_mount() {
  echo from-host >"$W/vol/cin.txt"
  rm -f "$W/vol/cout.txt"
  ct run --rm "${CRUN[@]}" --mount "type=bind,src=$W/vol,dst=/data,options=rbind:rw" "$IMG" "$TAG-mnt" \
    sh -c 'cat /data/cin.txt; echo from-container > /data/cout.txt'
  want "reads the host file" has "$OUT" from-host
  want "writes through" [ "$(cat "$W/vol/cout.txt" 2>/dev/null)" = from-container ]
}

scenario ctr-userns sc_ctr_userns ctr
sc_ctr_userns() {
  ct run --rm "${CRUN[@]}" --uidmap 0:300000:65536 --gidmap 0:300000:65536 "$IMG" "$TAG-uns" \
    sh -c 'cat /proc/self/uid_map; id -u; stat -c %u /bin/busybox'
  want "runs" [ "$RC" = 0 ]
  want "uid_map 0 300000 65536" matches "$OUT" '^[[:space:]]*0[[:space:]]+300000[[:space:]]+65536'
  want "root inside, image owned by root inside" [ "$(printf '%s\n' "$OUT" | tail -n 2 | tr '\n' ' ')" = "0 0 " ]
}

# The containerd setup a Kubernetes RuntimeClass (handler: hutch) relies on:
# a CRI runtime entry of type io.containerd.runc.v2 whose options name the
# runtime binary. A second containerd (own config, root, state, socket) with
# the CRI plugin enabled; no CNI, no network. See docs/kubernetes.md.
scenario ctr-cri-runtimeclass sc_ctr_cri
sc_ctr_cri() {
  local d=$W/ctd-cri i
  mkdir -p "$d/cni/net.d" "$d/cni/bin"
  cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.internal.v1.opt", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = ""
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$IMG"
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$d/cni/bin"
    conf_dir = "$d/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hutch]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hutch.options]
        BinaryName = "$RT"
        Root = "$d/rtroot"
        SystemdCgroup = false
EOF
  x containerd --config "$d/config.toml" config dump
  want "config dump succeeds" [ "$RC" = 0 ]
  want "the dump has the runtime entry" has "$OUT" '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.hutch]'
  want "with runtime_type io.containerd.runc.v2" matches "$OUT" 'runtime_type = "io.containerd.runc.v2"'
  want "and BinaryName = the runtime" has "$OUT" "BinaryName = \"$RT\""
  containerd --config "$d/config.toml" >"$d/containerd.log" 2>&1 9>&- &
  CTD2_PID=$!
  for i in $(seq 150); do
    [ -S "$d/containerd.sock" ] && timeout 5 ctr --address "$d/containerd.sock" version >/dev/null 2>&1 && break
    sleep 0.1
  done
  x ctr --address "$d/containerd.sock" plugins ls
  want "containerd with the CRI config starts" [ "$RC" = 0 ]
  want "the cri plugin loaded (ok)" matches "$OUT" 'io\.containerd\.grpc\.v1[[:space:]]+cri[[:space:]]+[^ ]+[[:space:]]+ok'
  if ! matches "$OUT" 'cri[[:space:]]+[^ ]+[[:space:]]+ok'; then
    grep -iE 'level=(error|fatal)|cri' "$d/containerd.log" | tail -n 5
  fi
  stop_daemon "$CTD2_PID"
  CTD2_PID=""
}
