#!/usr/bin/env bats
# process.*: what the container's process gets (read back from inside).

load helpers

@test "process.env is the environment, nothing of the caller's leaks in, HOME is added" {
  new_id c
  new_bundle b env
  cfg "$b" 'c["process"]["env"] = ["PATH=/bin:/sbin", "FOO=bar baz", "EMPTY="]'
  FROM_CALLER=leak hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "EMPTY= FOO=bar baz HOME=/root PATH=/bin:/sbin " ]
  assert_clean "$ROOT" "$c"
}

@test "process.cwd is the working directory" {
  new_id c
  new_bundle b sh -c 'pwd -P; ls'
  mkdir -p "$b/rootfs/srv/work"
  touch "$b/rootfs/srv/work/here"
  cfg "$b" 'c["process"]["cwd"] = "/srv/work"'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = /srv/work ]
  [ "${lines[1]}" = here ]
  assert_clean "$ROOT" "$c"
}

@test "process.user: uid, gid and additionalGids" {
  new_id c
  new_bundle b sh -c 'id -u; id -g; id -G; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
  cfg "$b" 'c["process"]["user"] = {"uid": 1000, "gid": 1001, "additionalGids": [2000, 2001]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1000 ]
  [ "${lines[1]}" = 1001 ]
  [ "$(echo "${lines[2]}" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "1001 2000 2001 " ] ||
    [ "$(echo "${lines[2]}" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "2000 2001 " ]
  [ "$(echo "${lines[3]}" | tr -s '\t ' ' ')" = "Uid: 1000 1000 1000 1000" ]
  [ "$(echo "${lines[4]}" | tr -s '\t ' ' ')" = "Gid: 1001 1001 1001 1001" ]
  [ "$(echo "${lines[5]}" | tr -s '\t ' ' ' | sed 's/ $//')" = "Groups: 2000 2001" ]
  assert_clean "$ROOT" "$c"
}

@test "process.user without additionalGids leaves no supplementary groups" {
  new_id c
  new_bundle b grep -E "^Groups:" /proc/self/status
  cfg "$b" 'c["process"]["user"] = {"uid": 0, "gid": 0}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr -d '\t ')" = "Groups:" ]
  assert_clean "$ROOT" "$c"
}

@test "process.user.umask applies to the process" {
  new_id c
  new_bundle b sh -c 'umask; touch /dev/shm/f; mkdir /dev/shm/d; stat -c %a /dev/shm/f /dev/shm/d'
  cfg "$b" 'c["process"]["user"]["umask"] = 0o027'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "0027 640 750 " ]
  assert_clean "$ROOT" "$c"
}

@test "process.rlimits: soft and hard limits (ulimit -n, ulimit -c, /proc/self/limits)" {
  new_id c
  new_bundle b sh -c 'ulimit -n; ulimit -Hn; grep -E "^Max (open files|core file size)" /proc/self/limits'
  cfg "$b" 'c["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 768},
                                        {"type": "RLIMIT_CORE", "soft": 1048576, "hard": 2097152}]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 512 ]
  [ "${lines[1]}" = 768 ]
  [ "$(echo "${lines[2]}" | awk '{ $1 = $1; print }')" = "Max core file size 1048576 2097152 bytes" ]
  [ "$(echo "${lines[3]}" | awk '{ $1 = $1; print }')" = "Max open files 512 768 files" ]
  assert_clean "$ROOT" "$c"
  # ulimit -c counts blocks: check it against the limit it reports in bytes
  new_id c2
  set_args "$b" sh -c 'ulimit -c'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$output" = 1024 ] || [ "$output" = 2048 ]
  assert_clean "$ROOT" "$c2"
}

@test "process.capabilities (root, the default config): the five sets in /proc/self/status" {
  new_id c
  new_bundle b grep ^Cap /proc/self/status
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  # CAP_AUDIT_WRITE 29, CAP_KILL 5, CAP_NET_BIND_SERVICE 10
  set3=$(cap_hex 29 5 10)
  [ "$(echo "$output" | tr -s '\t ' ' ' | tr '\n' ' ')" = "CapInh: $(cap_hex) CapPrm: $set3 CapEff: $set3 CapBnd: $set3 CapAmb: $(cap_hex) " ]
  assert_clean "$ROOT" "$c"
}

@test "process.capabilities (non-root with ambient): each set as configured" {
  new_id c
  new_bundle b cat /proc/self/status
  cfg "$b" 'c["process"]["user"] = {"uid": 1000, "gid": 1000}' 'c["process"]["capabilities"] = {
      "bounding": ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
      "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "inheritable": ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  caps=$(echo "$output" | grep ^Cap | tr -s '\t ' ' ' | tr '\n' ' ')
  [ "$caps" = "CapInh: $(cap_hex 0 5 10) CapPrm: $(cap_hex 5 10) CapEff: $(cap_hex 5 10) CapBnd: $(cap_hex 0 1 5 10 13) CapAmb: $(cap_hex 5 10) " ] ||
    fail "got: $caps"
  assert_clean "$ROOT" "$c"
}

@test "process.capabilities: an empty set drops everything (even for root)" {
  new_id c
  new_bundle b grep ^Cap /proc/self/status
  cfg "$b" 'c["process"]["capabilities"] = {"bounding": [], "permitted": [], "effective": []}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  z=$(cap_hex)
  [ "$(echo "$output" | tr -s '\t ' ' ' | tr '\n' ' ')" = "CapInh: $z CapPrm: $z CapEff: $z CapBnd: $z CapAmb: $z " ]
  assert_clean "$ROOT" "$c"
}

@test "process.noNewPrivileges: NoNewPrivs is 1 when set, 0 when false" {
  new_id c
  new_bundle b grep ^NoNewPrivs /proc/self/status
  [ "$(awk '/^NoNewPrivs/ { print $2 }' /proc/self/status)" = 0 ] || skip "the test runner itself has no_new_privs"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr -s '\t ' ' ')" = "NoNewPrivs: 1" ]
  assert_clean "$ROOT" "$c"
  new_id c2
  cfg "$b" 'c["process"]["noNewPrivileges"] = False'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr -s '\t ' ' ')" = "NoNewPrivs: 0" ]
  assert_clean "$ROOT" "$c2"
}

@test "process.oomScoreAdj is written; unset leaves the caller's value" {
  new_id c
  new_bundle b cat /proc/self/oom_score_adj
  mine=$(cat /proc/self/oom_score_adj)
  want=$((mine < 500 ? 500 : mine + 1))
  WANT=$want cfg "$b" 'c["process"]["oomScoreAdj"] = int(E["WANT"])'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = "$want" ]
  assert_clean "$ROOT" "$c"
  new_id c2
  cfg "$b" 'del c["process"]["oomScoreAdj"]'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$output" = "$mine" ]
  assert_clean "$ROOT" "$c2"
}

@test "HOME comes from the container's /etc/passwd when process.env has none, and an explicit HOME wins" {
  new_id c
  new_bundle b sh -c 'echo "$HOME"'
  echo "app:x:1000:1000:app:/home/app:/bin/sh" >>"$b/rootfs/etc/passwd"
  cfg "$b" 'c["process"]["user"] = {"uid": 1000, "gid": 1000}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = /home/app ]
  assert_clean "$ROOT" "$c"
  new_id c2
  cfg "$b" 'c["process"]["user"] = {"uid": 0, "gid": 0}'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$output" = /root ]
  assert_clean "$ROOT" "$c2"
  new_id c3
  cfg "$b" 'c["process"]["env"].append("HOME=/elsewhere")'
  hrun run --bundle "$b" "$c3"
  [ "$status" -eq 0 ]
  [ "$output" = /elsewhere ]
  assert_clean "$ROOT" "$c3"
}

@test "process.args[0] is looked up in the container's PATH, in order" {
  new_id c
  new_bundle b whoami-prog first
  mkdir -p "$b/rootfs/opt/a" "$b/rootfs/opt/b"
  printf '#!/bin/sh\necho "a: $0 $*"\n' >"$b/rootfs/opt/a/whoami-prog"
  printf '#!/bin/sh\necho "b: $0 $*"\n' >"$b/rootfs/opt/b/whoami-prog"
  chmod 755 "$b/rootfs/opt/a/whoami-prog" "$b/rootfs/opt/b/whoami-prog"
  # not executable: skipped
  mkdir -p "$b/rootfs/opt/c"
  printf '#!/bin/sh\necho c\n' >"$b/rootfs/opt/c/whoami-prog"
  cfg "$b" 'c["process"]["env"] = ["PATH=/opt/c:/opt/b:/opt/a:/bin"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = "b: /opt/b/whoami-prog first" ]
  assert_clean "$ROOT" "$c"
}

@test "a missing or non-executable program fails create (as runc), naming it, and leaves nothing" {
  new_id c
  new_bundle b no-such-program arg
  hcreate "$c" "$b"
  [ "$status" -eq 1 ] || fail "create exited $status"
  grep -q 'no-such-program.*executable file not found' "$TMP/$c.out.err" || fail "$(cat "$TMP/$c.out.err")"
  assert_clean "$ROOT" "$c"
  new_id c2
  set_args "$b" /etc/passwd
  hcreate "$c2" "$b"
  [ "$status" -eq 1 ]
  grep -qi '/etc/passwd.*permission denied' "$TMP/$c2.out.err" || fail "$(cat "$TMP/$c2.out.err")"
  assert_clean "$ROOT" "$c2"
  new_id c3
  set_args "$b" /bin/no-such-program
  hrun run --bundle "$b" "$c3"
  [ "$status" -eq 1 ]
  [[ "$stderr" == */bin/no-such-program*"No such file"* ]]
  assert_clean "$ROOT" "$c3"
}

@test "the program is looked up at create in the PATH exec will use: the last PATH in process.env" {
  new_id c
  new_bundle b sh -c 'echo "path=$PATH"'
  cfg "$b" 'c["process"]["env"] = ["PATH=/nope", "PATH=/bin"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "$output" = "path=/bin" ]
  assert_clean "$ROOT" "$c"
}

@test "a program only the final user cannot run fails start, not create; delete cleans up" {
  new_id c
  new_bundle b /bin/rootonly
  install -m 0700 "$(readlink -f "$b/rootfs/bin/busybox")" "$b/rootfs/bin/rootonly"
  cfg "$b" 'c["process"]["user"] = {"uid": 65534, "gid": 65534}'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  pid=$(state_pid "$c")
  hrun start "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == */bin/rootonly*"Permission denied"* ]] || fail "start: $stderr"
  wait_for pid_gone "$pid"
  hrun delete -f "$c"
  [ "$status" -eq 0 ]
  assert_clean "$ROOT" "$c" "$pid"
}

@test "a PATH with relative entries is searched at start, from process.cwd" {
  new_id c
  new_bundle b myprog
  mkdir -p "$b/rootfs/work/bin"
  printf '#!/bin/sh\necho relative-path-found\n' >"$b/rootfs/work/bin/myprog"
  chmod 755 "$b/rootfs/work/bin/myprog"
  cfg "$b" 'c["process"]["cwd"] = "/work"' 'c["process"]["env"] = ["PATH=bin:/bin"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "$output" = relative-path-found ]
  assert_clean "$ROOT" "$c"
}

@test "--preserve-fds: run passes fd 3 on at the same number; later fds are not passed" {
  new_id c
  new_bundle b sh -c 'cat <&3; cat /proc/self/fd/3; ls /proc/self/fd/4 2>/dev/null || echo no-fd-4'
  echo secret-three >"$TMP/three"
  echo secret-four >"$TMP/four"
  rc=0
  "$HUTCH" --root "$ROOT" run --preserve-fds 1 --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" \
    3<"$TMP/three" 4<"$TMP/four" || rc=$?
  [ "$rc" -eq 0 ] || fail "run exited $rc: $(cat "$TMP/err")"
  [ "$(cat "$TMP/out" | tr '\n' ' ')" = "secret-three secret-three no-fd-4 " ]
  assert_clean "$ROOT" "$c"
}

@test "--preserve-fds 2 with create and start" {
  new_id c
  new_bundle b sh -c 'cat <&3; cat <&4; ls /proc/self/fd/5 2>/dev/null || echo no-fd-5'
  echo three >"$TMP/three"
  echo four >"$TMP/four"
  echo five >"$TMP/five"
  rc=0
  "$HUTCH" --root "$ROOT" create --preserve-fds 2 --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" \
    3<"$TMP/three" 4<"$TMP/four" 5<"$TMP/five" || rc=$?
  [ "$rc" -eq 0 ] || fail "create exited $rc: $(cat "$TMP/err")"
  h start "$c"
  wait_for has_status "$c" stopped
  [ "$(cat "$TMP/out" | tr '\n' ' ')" = "three four no-fd-5 " ]
  delete_clean "$c"
}

@test "the process is the container's pid 1 with the config's args, in the container's root" {
  new_id c
  new_bundle b sh -c 'echo $$; tr "\0" " " </proc/1/cmdline; echo; readlink /proc/1/exe; ls /'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = "sh -c echo \$\$; tr \"\\0\" \" \" </proc/1/cmdline; echo; readlink /proc/1/exe; ls / " ]
  [ "${lines[2]}" = /bin/busybox ]
  [ "$(printf '%s ' "${lines[@]:3}")" = "bin dev etc proc root sys tmp " ]
  assert_clean "$ROOT" "$c"
}

@test "socket activation: LISTEN_FDS fds are passed on, the container sees LISTEN_FDS=n and LISTEN_PID=1; --preserve-fds counts after them" {
  new_id c
  new_bundle b sh -c 'echo "fds=$LISTEN_FDS pid=$LISTEN_PID"; cat <&3; cat <&4; cat <&5; ls /proc/self/fd/6 2>/dev/null || echo no-6'
  echo listen-one >"$TMP/l1"
  echo listen-two >"$TMP/l2"
  echo preserved >"$TMP/p1"
  echo extra >"$TMP/x"
  rc=0
  HUTCH_BIN=$HUTCH R=$ROOT B=$b C=$c /bin/sh -c 'LISTEN_PID=$$ LISTEN_FDS=2 exec "$HUTCH_BIN" --root "$R" run --preserve-fds 1 --bundle "$B" "$C"' \
    </dev/null >"$TMP/out" 2>"$TMP/err" 3<"$TMP/l1" 4<"$TMP/l2" 5<"$TMP/p1" 6<"$TMP/x" || rc=$?
  [ "$rc" -eq 0 ] || fail "run exited $rc: $(cat "$TMP/err")"
  [ "$(tr '\n' ' ' <"$TMP/out")" = "fds=2 pid=1 listen-one listen-two preserved no-6 " ] || fail "got: $(cat "$TMP/out")"
  assert_clean "$ROOT" "$c"
}

@test "socket activation: LISTEN_PID of another process is ignored" {
  new_id c
  new_bundle b sh -c 'echo "fds=${LISTEN_FDS:-none}"; ls /proc/self/fd/3 2>/dev/null || echo no-3'
  echo listen-one >"$TMP/l1"
  rc=0
  LISTEN_PID=1 LISTEN_FDS=1 "$HUTCH" --root "$ROOT" run --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" 3<"$TMP/l1" || rc=$?
  [ "$rc" -eq 0 ] || fail "run exited $rc: $(cat "$TMP/err")"
  [ "$(tr '\n' ' ' <"$TMP/out")" = "fds=none no-3 " ] || fail "got: $(cat "$TMP/out")"
  assert_clean "$ROOT" "$c"
}
