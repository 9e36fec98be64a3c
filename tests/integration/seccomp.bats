#!/usr/bin/env bats
# linux.seccomp: actions, argument filters, flags, noNewPrivileges, exec,
# and SCMP_ACT_NOTIFY with a seccomp agent (seccomp_agent.py).

load helpers

# set_seccomp BUNDLE JSON: linux.seccomp = JSON.
set_seccomp() {
  S=$2 cfg "$1" 'c["linux"]["seccomp"] = json.loads(E["S"])'
}

# What the container runs to try mkdir: the result, and whether the
# directory is there afterwards.
MKDIR_PROG='mkdir /dev/shm/d; echo "rc=$?"; if [ -d /dev/shm/d ]; then echo made; else echo absent; fi'

# deny_mkdir [ERRNO-RET-JSON-MEMBER]: a profile allowing everything but
# mkdir and mkdirat, refused with SCMP_ACT_ERRNO.
deny_mkdir() {
  echo "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"${1:+, $1}}]}"
}

status_field() { # status_field FIELD TEXT: the value of "FIELD:" in /proc/PID/status text
  echo "$2" | awk -v f="$1:" '$1 == f { print $2 }'
}

@test "seccomp: without a profile mkdir works (the control for the tests below)" {
  new_id c
  new_bundle b sh -c "$MKDIR_PROG; grep ^Seccomp: /proc/self/status"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = rc=0 ]
  [ "${lines[1]}" = made ]
  [ "$(status_field Seccomp "$output")" = 0 ]
  assert_clean "$ROOT" "$c"
}

@test "seccomp: SCMP_ACT_ERRNO for mkdir/mkdirat fails mkdir with EPERM by default, with errnoRet when given" {
  new_id c
  new_bundle b sh -c "$MKDIR_PROG; grep ^Seccomp: /proc/self/status"
  set_seccomp "$b" "$(deny_mkdir)"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = rc=1 ]
  [ "${lines[1]}" = absent ]
  [ "$(status_field Seccomp "$output")" = 2 ]
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c"
  # errnoRet 1 is EPERM too
  new_id c1
  set_seccomp "$b" "$(deny_mkdir '"errnoRet": 1')"
  hrun run --bundle "$b" "$c1"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = rc=1 ]
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c1"
  # another errnoRet is what mkdir gets
  new_id c2
  set_seccomp "$b" "$(deny_mkdir '"errnoRet": 28')"
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = absent ]
  [[ "$stderr" == *"No space left on device"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c2"
}

@test "seccomp: an args filter denies personality(PER_LINUX32) only" {
  new_id c
  new_bundle b sh -c 'linux64 uname -m; echo "rc64=$?"; linux32 uname -m; echo "rc32=$?"'
  set_seccomp "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
    "args": [{"index": 0, "value": 8, "op": "SCMP_CMP_EQ"}]}]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "$(uname -m)" ]
  [ "${lines[1]}" = rc64=0 ]
  [ "${lines[2]}" != rc32=0 ] || fail "personality(PER_LINUX32) was allowed: $output"
  [[ "$stderr" == *"Operation not permitted"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c"
  # the control: without the filter linux32 works
  new_id c2
  cfg "$b" 'del c["linux"]["seccomp"]'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "${lines[3]}" = rc32=0 ]
  assert_clean "$ROOT" "$c2"
}

@test "seccomp: SCMP_ACT_KILL_PROCESS (and SCMP_ACT_KILL) end the process by SIGSYS" {
  new_id c
  new_bundle b mkdir /dev/shm/d
  set_seccomp "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL_PROCESS"}]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq $((128 + 31)) ] || fail "run exited $status, expected 159 (SIGSYS)"
  assert_clean "$ROOT" "$c"
  # a child killed so: its shell sees 128+SIGSYS
  new_id c2
  set_args "$b" sh -c "$MKDIR_PROG"
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = rc=159 ]
  [ "${lines[1]}" = absent ]
  assert_clean "$ROOT" "$c2"
  new_id c3
  set_args "$b" mkdir /dev/shm/d
  set_seccomp "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_KILL"}]}'
  hrun run --bundle "$b" "$c3"
  [ "$status" -eq 159 ] || fail "run exited $status, expected 159 (SIGSYS)"
  assert_clean "$ROOT" "$c3"
}

# seccomp audit records (type=1326) reach the kernel log when no audit
# daemon takes them: audit_pid PID CODE waits for one of PID with CODE.
audit_record() {
  dmesg 2>/dev/null | grep "type=1326" | grep -E " pid=$1 .*comm=\"mkdir\".* code=$2( |\$)"
}

# A bundle without a pid namespace (so $! is the host pid the kernel logs)
# that runs mkdir as a child and prints its pid and status.
mkdir_child_bundle() {
  new_bundle "$1" sh -c 'mkdir /dev/shm/d & p=$!; wait $p; echo "pid=$p rc=$?"'
  cfg "${!1}" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]'
}

@test "seccomp: SCMP_ACT_LOG allows the call and logs it" {
  dmesg >/dev/null 2>&1 || skip "cannot read the kernel log"
  ! pidof auditd >/dev/null || skip "auditd takes the audit records here"
  new_id c
  mkdir_child_bundle b
  set_seccomp "$b" '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_LOG"}]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [[ "$output" == *" rc=0" ]] || fail "mkdir failed under SCMP_ACT_LOG: $output $stderr"
  p=$(echo "$output" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
  [ -n "$p" ]
  wait_for audit_record "$p" 0x7ffc0000
  assert_clean "$ROOT" "$c"
}

@test "seccomp: flags SECCOMP_FILTER_FLAG_LOG: the filter works and its SCMP_ACT_ERRNO is logged (not without the flag)" {
  dmesg >/dev/null 2>&1 || skip "cannot read the kernel log"
  ! pidof auditd >/dev/null || skip "auditd takes the audit records here"
  grep -qw errno /proc/sys/kernel/seccomp/actions_logged || skip "errno is not among the logged actions"
  new_id c0
  mkdir_child_bundle b
  set_seccomp "$b" "$(deny_mkdir)"
  hrun run --bundle "$b" "$c0"
  [ "$status" -eq 0 ]
  [[ "$output" == *" rc=1" ]] || fail "$output"
  p0=$(echo "$output" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
  assert_clean "$ROOT" "$c0"
  new_id c
  cfg "$b" 'c["linux"]["seccomp"]["flags"] = ["SECCOMP_FILTER_FLAG_LOG"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [[ "$output" == *" rc=1" ]] || fail "$output"
  [[ "$stderr" == *"Operation not permitted"* ]]
  p=$(echo "$output" | sed -n 's/^pid=\([0-9]*\) .*/\1/p')
  [ -n "$p" ] && [ -n "$p0" ]
  wait_for audit_record "$p" 0x50000
  # logged in order: the first run's denial would be there by now
  ! audit_record "$p0" 0x50000 || fail "SCMP_ACT_ERRNO was logged without SECCOMP_FILTER_FLAG_LOG"
  assert_clean "$ROOT" "$c"
}

# The system calls busybox sh, echo and cat need, and hutch between loading
# the filter and exec'ing the process (identity, capabilities, fds).
ALLOW_LIST='"read", "write", "readv", "writev", "pread64", "pwrite64", "open", "openat", "openat2", "close",
  "close_range", "stat", "fstat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "lseek", "mmap", "mprotect",
  "munmap", "mremap", "madvise", "brk", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigsuspend",
  "sigaltstack", "ioctl", "access", "faccessat", "faccessat2", "pipe", "pipe2", "poll", "ppoll", "select",
  "pselect6", "dup", "dup2", "dup3", "fcntl", "getdents", "getdents64", "getcwd", "chdir", "fchdir", "readlink",
  "readlinkat", "umask", "uname", "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid",
  "getgroups", "setgroups", "setuid", "setgid", "setresuid", "setresgid", "setreuid", "setregid", "getresuid",
  "getresgid", "setfsuid", "setfsgid", "capget", "capset", "prctl", "arch_prctl", "set_tid_address",
  "set_robust_list", "rseq", "futex", "getrandom", "clone", "clone3", "fork", "vfork", "execve", "execveat",
  "exit", "exit_group", "wait4", "waitid", "kill", "tgkill", "tkill", "getpgrp", "getpgid", "setpgid", "getsid",
  "setsid", "getrlimit", "setrlimit", "prlimit64", "getrusage", "sysinfo", "times", "time", "gettimeofday",
  "clock_gettime", "clock_nanosleep", "nanosleep", "sched_yield", "sched_getaffinity", "getpriority",
  "setpriority", "restart_syscall", "sendmsg", "recvmsg", "sendto", "recvfrom", "socket", "connect",
  "socketpair", "shutdown", "getsockopt", "setsockopt", "personality", "keyctl"'

@test "seccomp: defaultAction SCMP_ACT_ERRNO with an allow list that lets sh run" {
  new_id c
  new_bundle b sh -c "echo hello; cat /proc/self/status | grep -c ^Seccomp: ; $MKDIR_PROG"
  set_seccomp "$b" "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [$ALLOW_LIST], \"action\": \"SCMP_ACT_ALLOW\"}]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "${lines[0]}" = hello ]
  [ "${lines[2]}" = rc=1 ]
  [ "${lines[3]}" = absent ]
  [[ "$stderr" == *"Operation not permitted"* ]]
  assert_clean "$ROOT" "$c"
  # with the default errnoRet it is that errno instead
  new_id c2
  cfg "$b" 'c["linux"]["seccomp"]["defaultErrnoRet"] = 13'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "${lines[2]}" = rc=1 ]
  [[ "$stderr" == *"Permission denied"* ]] || fail "$stderr"
  assert_clean "$ROOT" "$c2"
}

@test "seccomp: the filter applies with noNewPrivileges true and with false" {
  for nnp in True False; do
    new_id c
    new_bundle b sh -c "$MKDIR_PROG; cat /proc/self/status"
    set_seccomp "$b" "$(deny_mkdir)"
    NNP=$nnp cfg "$b" 'c["process"]["noNewPrivileges"] = E["NNP"] == "True"'
    hrun run --bundle "$b" "$c"
    [ "$status" -eq 0 ] || fail "noNewPrivileges $nnp: run exited $status: $stderr"
    [ "${lines[0]}" = rc=1 ] || fail "noNewPrivileges $nnp: $output"
    [ "${lines[1]}" = absent ]
    [ "$(status_field Seccomp "$output")" = 2 ]
    if [ "$nnp" = True ]; then want=1; else want=0; fi
    [ "$(status_field NoNewPrivs "$output")" = "$want" ] || fail "noNewPrivileges $nnp: NoNewPrivs $(status_field NoNewPrivs "$output")"
    assert_clean "$ROOT" "$c"
  done
}

@test "seccomp: exec'd processes get the container's filter (flags and --process)" {
  new_id c
  new_bundle b sleep 1000
  set_seccomp "$b" "$(deny_mkdir)"
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  hrun exec "$c" sh -c "$MKDIR_PROG; grep ^Seccomp: /proc/self/status"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = rc=1 ]
  [ "${lines[1]}" = absent ]
  [ "$(status_field Seccomp "$output")" = 2 ]
  cat >"$TMP/p.json" <<JSON
{"args": ["sh", "-c", "mkdir /dev/shm/p; echo rc=\$?"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "noNewPrivileges": false}
JSON
  hrun exec --process "$TMP/p.json" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = rc=1 ]
  delete_clean "$c" -f
}

# ---- SCMP_ACT_NOTIFY --------------------------------------------------------

# start_agent: the seccomp agent listening at $TMP/agent/sock.
start_agent() {
  mkdir "$TMP/agent"
  "$PY" "$BATS_TEST_DIRNAME/seccomp_agent.py" "$TMP/agent/sock" "$TMP/agent" </dev/null >"$TMP/agent/log" 2>&1 3>&- &
  echo $! >>"$TMP/bgpids"
  disown $!
  wait_for test -e "$TMP/agent/ready"
}

notify_profile() {
  echo "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"listenerPath\": \"$TMP/agent/sock\",
    \"listenerMetadata\": \"$1\",
    \"syscalls\": [{\"names\": [\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_NOTIFY\"}]}"
}

# conn N EXPR: EXPR on what the agent got on connection N: d (its record)
# and m (the message, parsed).
conn() {
  "$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
m = json.loads(d["data"])
v = eval(sys.argv[2])
print(" ".join(map(str, v)) if isinstance(v, tuple) else v)' "$TMP/agent/conn.$1.json" "$2"
}

# check_message N ID PID STATUS METADATA BUNDLE
check_message() {
  local n=$1 id=$2 pid=$3 st=$4 meta=$5 bundle=$6
  [ "$(conn "$n" "d['fds'], d['fd_msgs'], d['eof']")" = "1 1 True" ] || fail "connection $n: $(cat "$TMP/agent/conn.$n.json")"
  [ "$(conn "$n" "d['fd_links'][0]")" = "anon_inode:seccomp notify" ] || fail "the fd is $(conn "$n" "d['fd_links']")"
  [ "$(conn "$n" "m['ociVersion']")" = "$(json_get "$bundle/config.json" "d['ociVersion']")" ]
  [ "$(conn "$n" "m['fds']")" = "['seccompFd']" ]
  [ "$(conn "$n" "m['pid']")" -gt 0 ]
  [ "$(conn "$n" "m['pid']")" = "$pid" ] || fail "message pid $(conn "$n" "m['pid']"), expected $pid"
  [ "$(conn "$n" "m['metadata']")" = "$meta" ]
  [ "$(conn "$n" "m['state']['id']")" = "$id" ]
  [[ " $st " == *" $(conn "$n" "m['state']['status']") "* ]] || fail "state.status $(conn "$n" "m['state']['status']"), expected one of: $st"
  [ "$(conn "$n" "m['state']['bundle']")" = "$bundle" ]
}

@test "seccomp: SCMP_ACT_NOTIFY sends the agent one message with the listener fd; once the agent closes it, mkdir gets ENOSYS" {
  start_agent
  new_id c
  new_bundle b sh -c "$MKDIR_PROG; sleep 1000"
  set_seccomp "$b" "$(notify_profile "agent meta 1")"
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  pid=$(state_pid "$c")
  h start "$c"
  wait_for test -e "$TMP/agent/conn.1.json"
  check_message 1 "$c" "$pid" "creating" "agent meta 1" "$b"
  wait_for grep -q rc= "$TMP/$c.out"
  [ "$(head -n2 "$TMP/$c.out" | tr '\n' ' ')" = "rc=1 absent " ] || fail "$(cat "$TMP/$c.out")"
  grep -q "Function not implemented" "$TMP/$c.out.err" || fail "$(cat "$TMP/$c.out.err")"
  # exactly one connection
  sleep 0.2
  [ "$(ls "$TMP/agent" | grep -c '^conn\.')" = 1 ]
  delete_clean "$c" -f
}

@test "seccomp: SCMP_ACT_NOTIFY for exec: a second message on a new connection, for the exec'd process" {
  start_agent
  new_id c
  new_bundle b sleep 1000
  set_seccomp "$b" "$(notify_profile "exec-meta")"
  HUTCH_TIMEOUT=20
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run -d: $stderr"
  wait_for test -e "$TMP/agent/conn.1.json"
  check_message 1 "$c" "$(state_pid "$c")" "creating created running" "exec-meta" "$b"
  hrun exec --pid-file "$TMP/e.pid" "$c" sh -c "$MKDIR_PROG"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "rc=1 absent " ]
  [[ "$stderr" == *"Function not implemented"* ]] || fail "$stderr"
  wait_for test -e "$TMP/agent/conn.2.json"
  check_message 2 "$c" "$(cat "$TMP/e.pid")" "running" "exec-meta" "$b"
  sleep 0.2
  [ "$(ls "$TMP/agent" | grep -c '^conn\.')" = 2 ]
  delete_clean "$c" -f
}
