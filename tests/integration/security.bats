#!/usr/bin/env bats
# What a hostile image or process must not achieve: mounts redirected out of
# the rootfs by symlinks, host directories reached through leaked fds
# (CVE-2024-21626), and the runtime binary overwritten through
# /proc/PID/exe (CVE-2019-5736).

load helpers

add_mount() { # add_mount BUNDLE JSON-OBJECT
  M=$2 cfg "$1" 'c["mounts"].append(json.loads(E["M"]))'
}

# A createContainer hook that saves the mount table of the container's mount
# namespace before pivot_root, where host paths are still visible.
save_mountinfo_hook() {
  cfg "$1" 'c.setdefault("hooks", {})["createContainer"] = [{"path": "/bin/sh",
      "args": ["sh", "-c", "cat /proc/self/mountinfo >" + E["TMP"] + "/mountinfo.create"]}]'
}

# mounted_at PATH: whether the saved table has a mount point exactly there.
mounted_at() {
  awk -v p="$1" '$5 == p { found = 1 } END { exit !found }' "$TMP/mountinfo.create"
}

# escape_test in-root|dangling LINK-TARGET MOUNT-JSON: rootfs/mnt is a
# symlink to LINK-TARGET, and MOUNT-JSON mounts something at /mnt. With
# in-root, the place the link names inside the rootfs exists, so create must
# succeed and mount there; with dangling, create may also refuse. Either way
# nothing may reach the host's $TMP/outside.
escape_test() {
  local mode=$1 target=$2 mount=$3
  mkdir -p "$TMP/outside"
  echo host >"$TMP/outside/host-marker"
  new_id c
  new_bundle b sh -c 'echo inside >/mnt/escape-file && echo wrote; ls -A /mnt'
  rm -rf "$b/rootfs/mnt"
  ln -s "$target" "$b/rootfs/mnt"
  [ "$mode" = dangling ] || mkdir -p "$b/rootfs$TMP/outside"
  add_mount "$b" "$mount"
  save_mountinfo_hook "$b"
  hcreate "$c" "$b"
  if [ "$mode" = in-root ]; then
    [ "$status" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  fi
  if [ "$status" -eq 0 ]; then
    pid=$(state_pid "$c")
    # in the container's mount namespace, nothing is mounted on the host path
    ! mounted_at "$TMP/outside" || fail "mounted on the host's $TMP/outside: $(grep " $TMP/outside " "$TMP/mountinfo.create")"
    # but inside the rootfs, where the link leads when resolved in the root
    mounted_at "$b/rootfs$TMP/outside" || fail "not mounted at $b/rootfs$TMP/outside"
    # the host sees nothing either
    ! awk -v p="$TMP/outside" '$5 == p { found = 1 } END { exit !found }' /proc/self/mountinfo
    h start "$c"
    wait_for has_status "$c" stopped
    grep -qx wrote "$TMP/$c.out"
    ! grep -qx host-marker "$TMP/$c.out" || fail "the container saw the host directory: $(cat "$TMP/$c.out")"
    delete_clean "$c"
    assert_clean "$ROOT" "$c" "$pid"
  else
    [ "$status" -eq 1 ] || fail "create exited $status"
    assert_clean "$ROOT" "$c"
  fi
  # the host directory is untouched
  [ "$(ls -A "$TMP/outside")" = host-marker ]
}

@test "security: an absolute symlink in the image cannot redirect a tmpfs mount to the host" {
  escape_test in-root "$TMP/outside" '{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"}'
}

@test "security: a relative ../../ symlink cannot redirect a mount out of the rootfs" {
  escape_test in-root "../../../../../../../../../../../..$TMP/outside" '{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"}'
}

@test "security: a dangling symlink to a host path cannot redirect a mount to the host" {
  escape_test dangling "$TMP/outside" '{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"}'
  escape_test dangling "../../../../../../../../../../../..$TMP/outside" '{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs"}'
}

@test "security: a symlink cannot redirect a bind mount to the host" {
  mkdir "$TMP/src"
  echo from-src >"$TMP/src/src-file"
  escape_test in-root "$TMP/outside" "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$TMP/src\", \"options\": [\"rbind\", \"rw\"]}"
  # the file went into the bind source, as the container asked, not to the host path
  [ "$(cat "$TMP/src/escape-file")" = inside ]
}

@test "security: a symlinked parent directory cannot redirect a nested mount destination" {
  mkdir -p "$TMP/outside/deeper"
  new_id c
  new_bundle b sh -c 'echo inside >/a/deeper/f && echo wrote'
  ln -s "$TMP/outside" "$b/rootfs/a"
  add_mount "$b" '{"destination": "/a/deeper", "type": "tmpfs", "source": "tmpfs"}'
  save_mountinfo_hook "$b"
  hcreate "$c" "$b"
  if [ "$status" -eq 0 ]; then
    ! mounted_at "$TMP/outside/deeper" || fail "mounted on the host's $TMP/outside/deeper"
    h start "$c"
    wait_for has_status "$c" stopped
    delete_clean "$c"
  fi
  assert_clean "$ROOT" "$c"
  [ -z "$(ls -A "$TMP/outside/deeper")" ]
}

@test "security: a device node path through a symlink stays in the rootfs" {
  mkdir -p "$TMP/outside"
  new_id c
  new_bundle b true
  ln -s "$TMP/outside" "$b/rootfs/devdir"
  cfg "$b" 'c["linux"]["devices"] = [{"path": "/devdir/null2", "type": "c", "major": 1, "minor": 3}]'
  hcreate "$c" "$b"
  if [ "$status" -eq 0 ]; then
    delete_clean "$c"
  fi
  assert_clean "$ROOT" "$c"
  [ -z "$(ls -A "$TMP/outside")" ] || fail "a node was made on the host: $(ls -l "$TMP/outside")"
}

# ---- leaked file descriptors (CVE-2024-21626) ----------------------------

# fds_only_stdio FILE: `ls -l /proc/self/fd` output shows fds 0-2, plus at
# most the directory ls itself reads.
fds_only_stdio() {
  local fds extra
  fds=$(awk '$9 ~ /^[0-9]+$/ { print $9 }' "$1" | sort -n | tr '\n' ' ')
  # fd 3 may be ls's own directory (its link is gone by the time ls reads it)
  extra=$(awk '$9 ~ /^[0-9]+$/ && $9 > 2 && !($9 == 3 && ($11 == "" || $11 ~ /^\/proc\/[0-9]+\/fd$/)) { print $9 " -> " $11 }' "$1")
  [ "$fds" = "0 1 2 " ] || [ "$fds" = "0 1 2 3 " ] || fail "fds: $fds ($(cat "$1"))"
  [ -z "$extra" ] || fail "leaked into the container: $extra"
}

@test "security: the container process holds only fds 0, 1, 2 (run, with the caller's extra fds open)" {
  mkdir "$TMP/hostdir"
  new_id c
  new_bundle b ls -l /proc/self/fd
  rc=0
  "$HUTCH" --root "$ROOT" run --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" \
    3<"$TMP/hostdir" 4<"$TMP/hostdir" 7<"$b/config.json" 9<"$TMP/hostdir" || rc=$?
  [ "$rc" -eq 0 ] || fail "run exited $rc: $(cat "$TMP/err")"
  fds_only_stdio "$TMP/out"
  assert_clean "$ROOT" "$c"
}

@test "security: the container process holds only fds 0, 1, 2 (create + start)" {
  mkdir "$TMP/hostdir"
  new_id c
  new_bundle b ls -l /proc/self/fd
  rc=0
  "$HUTCH" --root "$ROOT" create --bundle "$b" "$c" </dev/null >"$TMP/out" 2>"$TMP/err" \
    3<"$TMP/hostdir" 5<"$TMP/hostdir" 8<"$b/config.json" || rc=$?
  [ "$rc" -eq 0 ] || fail "create exited $rc: $(cat "$TMP/err")"
  h start "$c" 5<"$TMP/hostdir"
  wait_for has_status "$c" stopped
  fds_only_stdio "$TMP/out"
  delete_clean "$c"
}

@test "security: an exec'd process holds only fds 0, 1, 2" {
  mkdir "$TMP/hostdir"
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  rc=0
  "$HUTCH" --root "$ROOT" exec "$c" ls -l /proc/self/fd </dev/null >"$TMP/out" 2>"$TMP/err" \
    3<"$TMP/hostdir" 6<"$TMP/hostdir" || rc=$?
  [ "$rc" -eq 0 ] || fail "exec exited $rc: $(cat "$TMP/err")"
  fds_only_stdio "$TMP/out"
  delete_clean "$c" -f
}

# cwd_check OUT-FILE: the process's output shows it was inside the container.
# The program prints "cwd=<getcwd>" and lists its working directory.
cwd_inside() {
  local out=$1
  ! grep -q HOST-MARKER "$out" || fail "the process saw a host directory: $(cat "$out")"
  grep -q '^cwd=/' "$out" || fail "cwd outside the root: $(cat "$out")"
}

CWD_PROG='echo "cwd=$(pwd -P)"; ls -A; touch ./ESCAPED 2>/dev/null; true'

@test "security: process.cwd /proc/self/fd/3..9 fails or stays inside the container (hutch's own fds)" {
  mkdir "$TMP/hostdir"
  touch "$TMP/hostdir/HOST-MARKER"
  for n in 3 4 5 6 7 8 9; do
    new_id c
    new_bundle b sh -c "$CWD_PROG"
    N=$n cfg "$b" 'c["process"]["cwd"] = "/proc/self/fd/" + E["N"]' 'c["root"]["readonly"] = False'
    hrun run --bundle "$b" "$c"
    if [ "$status" -eq 0 ]; then
      cwd_inside "$HOUT"
    fi
    assert_clean "$ROOT" "$c"
  done
  # nothing was written anywhere on the host we can see
  [ -z "$(find "$TMP" "$REPO" -name ESCAPED -not -path "$TMP/bundle.*/rootfs/*" 2>/dev/null)" ]
}

@test "security: an image's symlink through /proc/1/root (no pid namespace) cannot make hutch create a cwd or mask a path on the host" {
  mkdir "$TMP/hostdir"
  touch "$TMP/hostdir/secret"
  new_id c
  new_bundle b true
  # The host's /proc in the container: /proc/1/root is the host's root.
  ln -s "/proc/1/root$TMP/hostdir" "$b/rootfs/evil"
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]' \
    'c["process"]["cwd"] = "/evil/made-by-hutch"'
  hrun run --bundle "$b" "$c"
  [ "$status" -ne 0 ]
  [ ! -e "$TMP/hostdir/made-by-hutch" ] || fail "process.cwd was created on the host"
  assert_clean "$ROOT" "$c"
  new_id c
  new_bundle b true
  ln -s "/proc/1/root$TMP/hostdir" "$b/rootfs/evil"
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "pid"]' \
    'c["linux"]["maskedPaths"] = ["/evil/secret"]' 'c["linux"]["readonlyPaths"] = ["/evil"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -ne 0 ]
  [[ "$stderr" == *"linux.maskedPaths[0]: /evil/secret: "* ]] || fail "not refused by path: $stderr"
  [ -f "$TMP/hostdir/secret" ] && [ ! -c "$TMP/hostdir/secret" ]
  ! grep -q "$TMP/hostdir" /proc/self/mountinfo || fail "a mount reached the host directory"
  assert_clean "$ROOT" "$c"
}

@test "security: process.cwd /proc/self/fd/N never reaches a host directory the caller leaked" {
  mkdir "$TMP/hostdir"
  touch "$TMP/hostdir/HOST-MARKER"
  for n in 3 4 5 6 7 8 9; do
    new_id c
    new_bundle b sh -c "$CWD_PROG"
    N=$n cfg "$b" 'c["process"]["cwd"] = "/proc/self/fd/" + E["N"]' 'c["root"]["readonly"] = False'
    rc=0
    "$HUTCH" --root "$ROOT" run --bundle "$b" "$c" </dev/null >"$TMP/out.$n" 2>"$TMP/err.$n" \
      3<"$TMP/hostdir" 4<"$TMP/hostdir" 5<"$TMP/hostdir" 6<"$TMP/hostdir" 7<"$TMP/hostdir" \
      8<"$TMP/hostdir" 9<"$TMP/hostdir" || rc=$?
    if [ "$rc" -eq 0 ]; then
      cwd_inside "$TMP/out.$n"
    fi
    assert_clean "$ROOT" "$c"
    [ ! -e "$TMP/hostdir/ESCAPED" ] || fail "fd $n: the container wrote into the host directory"
  done
}

@test "security: exec --cwd /proc/self/fd/N fails or stays inside the container" {
  mkdir "$TMP/hostdir"
  touch "$TMP/hostdir/HOST-MARKER"
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  for n in 3 4 5 6 7 8 9; do
    # hutch's own fds
    hrun exec --cwd "/proc/self/fd/$n" "$c" sh -c "$CWD_PROG"
    if [ "$status" -eq 0 ]; then
      cwd_inside "$HOUT"
    else
      [ "$status" -eq 255 ] || fail "exec --cwd fd $n: exited $status"
    fi
  done
  # a host directory held by the caller at fd 7
  rc=0
  "$HUTCH" --root "$ROOT" exec --cwd /proc/self/fd/7 "$c" sh -c "$CWD_PROG" </dev/null >"$TMP/out" 2>"$TMP/err" \
    7<"$TMP/hostdir" || rc=$?
  if [ "$rc" -eq 0 ]; then
    cwd_inside "$TMP/out"
  else
    [ "$rc" -eq 255 ] || fail "exec exited $rc"
  fi
  [ ! -e "$TMP/hostdir/ESCAPED" ]
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}

# ---- /proc/PID/exe of a hutch process (CVE-2019-5736) --------------------

@test "security: the hutch binary cannot be read or written through /proc/PID/exe of a parked init" {
  # a copy, so that a failure cannot damage the build
  HB=$TMP/hutch-copy
  cp "$HUTCH" "$HB"
  sum=$(sha256sum <"$HB")
  new_id a
  new_bundle ba sleep 1000
  rc=0
  "$HB" --root "$ROOT" run -d --bundle "$ba" "$a" </dev/null >"$TMP/a.out" 2>&1 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "run -d A: $(cat "$TMP/a.out")"
  apid=$(state_pid "$a")
  # B joins A's pid namespace and stays created: its init is hutch code
  new_id bb
  new_bundle bb_dir sleep 1000
  APID=$apid cfg "$bb_dir" 'c["linux"]["namespaces"] = [n if n["type"] != "pid" else {"type": "pid", "path": "/proc/%s/ns/pid" % E["APID"]} for n in c["linux"]["namespaces"]]'
  "$HB" --root "$ROOT" create --bundle "$bb_dir" "$bb" </dev/null >"$TMP/b.out" 2>&1 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "create B: $(cat "$TMP/b.out")"
  [ "$(state_status "$bb")" = created ]
  bpid=$(state_pid "$bb")
  # the parked init runs the hutch copy, and is visible in A's pid namespace
  [ "$(readlink "/proc/$bpid/exe")" = "$HB" ] || echo "# note: B's init exe is $(readlink "/proc/$bpid/exe")" >&3
  n=$(awk '/^NSpid:/ { print $3 }' "/proc/$bpid/status")
  [ -n "$n" ]
  rc=0
  "$HB" --root "$ROOT" exec "$a" sh -c "
    tr '\\0' ' ' </proc/$n/cmdline; echo
    if cat /proc/$n/exe >/dev/null; then echo READ-OK; fi
    if echo x >>/proc/$n/exe; then echo APPEND-OK; fi
    if echo x >/proc/$n/exe; then echo WRITE-OK; fi
    true" </dev/null >"$TMP/exec.out" 2>"$TMP/exec.err" 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "exec: $rc $(cat "$TMP/exec.err")"
  ! grep -q -- -OK "$TMP/exec.out" || fail "$(cat "$TMP/exec.out")"
  [ "$(grep -c "Permission denied" "$TMP/exec.err")" -ge 2 ] || fail "$(cat "$TMP/exec.err")"
  [ "$(sha256sum <"$HB")" = "$sum" ]
  [ "$(sha256sum <"$HUTCH")" = "$sum" ]
}

@test "security: an exec'd process cannot open the exe of the exec helper or of its own runtime" {
  HB=$TMP/hutch-copy
  cp "$HUTCH" "$HB"
  sum=$(sha256sum <"$HB")
  new_id a
  new_bundle ba sleep 1000
  "$HB" --root "$ROOT" run -d --bundle "$ba" "$a" </dev/null >"$TMP/a.out" 2>&1 3>&-
  # every process visible in the container: none may give write access to a hutch binary
  rc=0
  "$HB" --root "$ROOT" exec "$a" sh -c '
    for p in /proc/[0-9]*; do
      if echo x >>$p/exe 2>/dev/null; then echo "WROTE $p $(readlink $p/exe)"; fi
    done; true' </dev/null >"$TMP/exec.out" 2>"$TMP/exec.err" 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "exec: $(cat "$TMP/exec.err")"
  ! grep -q WROTE "$TMP/exec.out" || fail "$(cat "$TMP/exec.out")"
  [ "$(sha256sum <"$HB")" = "$sum" ]
}

@test "security: a container with CAP_SYS_PTRACE cannot overwrite the hutch binary through another container's parked init in its pid namespace" {
  # CVE-2019-5736 in the shape of a pod with a shared pid namespace and a
  # debugging container: A may ptrace, B joins A's pid namespace and is left
  # created. A process of A opens B's /proc/N/exe, waits until B's init has
  # exec'd (so the binary is no longer busy), then reopens it for writing.
  HB=$TMP/hutch-copy
  cp "$HUTCH" "$HB"
  sum=$(sha256sum <"$HB")
  new_id a
  new_bundle ba sleep 1000
  cfg "$ba" 'for s in ("bounding", "effective", "permitted"): c["process"]["capabilities"][s].append("CAP_SYS_PTRACE")'
  rc=0
  "$HB" --root "$ROOT" run -d --bundle "$ba" "$a" </dev/null >"$TMP/a.out" 2>&1 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "run -d A: $(cat "$TMP/a.out")"
  apid=$(state_pid "$a")
  new_id bb
  new_bundle bb_dir sleep 1000
  APID=$apid cfg "$bb_dir" 'c["linux"]["namespaces"] = [n if n["type"] != "pid" else {"type": "pid", "path": "/proc/%s/ns/pid" % E["APID"]} for n in c["linux"]["namespaces"]]'
  "$HB" --root "$ROOT" create --bundle "$bb_dir" "$bb" </dev/null >"$TMP/b.out" 2>&1 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "create B: $(cat "$TMP/b.out")"
  bpid=$(state_pid "$bb")
  n=$(awk '/^NSpid:/ { print $3 }' "/proc/$bpid/status")
  [ -n "$n" ]
  log=/proc/$apid/root/dev/shm/log
  "$HB" --root "$ROOT" exec -d "$a" sh -c "
    if ! (exec 5</proc/$n/exe); then echo open-refused >/dev/shm/log; exit 0; fi
    exec 5</proc/$n/exe
    echo opened >/dev/shm/log
    while [ ! -e /dev/shm/go ]; do sleep 0.05; done
    if echo EVIL >>/proc/self/fd/5; then echo WROTE; else echo write-refused; fi >>/dev/shm/log" \
    </dev/null >"$TMP/exec.out" 2>&1 3>&- || rc=$?
  [ "$rc" -eq 0 ] || fail "exec -d: $(cat "$TMP/exec.out")"
  wait_for grep -q -e opened -e open-refused "$log"
  if grep -q opened "$log"; then
    # B's init leaves the hutch code for its program
    "$HB" --root "$ROOT" start "$bb" </dev/null >"$TMP/start.out" 2>&1 3>&- || fail "start B: $(cat "$TMP/start.out")"
    touch "/proc/$apid/root/dev/shm/go"
    wait_for grep -q -e WROTE -e write-refused "$log"
  fi
  [ "$(sha256sum <"$HB")" = "$sum" ] || fail "the hutch binary was modified from inside the container: $(cat "$log")"
  ! grep -q WROTE "$log"
  [ "$(sha256sum <"$HUTCH")" = "$sum" ]
}

# CVE-2019-5736 as an image would mount it, against both builds: the
# dynamically linked one (ASan, what `meson setup` gives and distributions
# ship) and the static release binary (HUTCH_STATIC, scripts/build.sh
# release). Each attack runs against a copy of the binary, so that a failure
# cannot damage the build.

# exe_attack_image BUNDLE: the image's ELF interpreter is the attacker
# (tests/integration/attack/exe_interp.c), plus the scripts it hands over to.
exe_attack_image() {
  local b=$1 dir=$REPO/tests/integration/attack
  [ "$(uname -m)" = x86_64 ] || fail "the attacker interpreter is written for x86_64"
  mkdir -p "$b/rootfs/lib64"
  cc -nostdlib -static -fno-stack-protector -fno-pie -no-pie -O2 \
    -o "$b/rootfs/lib64/ld-linux-x86-64.so.2" "$dir/exe_interp.c" || fail "cannot build the attacker"
  cp "$dir/exe_write.sh" "$dir/exe_scan.sh" "$b/rootfs/"
}

both_builds() {
  [ -n "${HUTCH_STATIC:-}" ] || fail "set HUTCH_STATIC to a static build of hutch (scripts/build.sh release; scripts/test.sh does)"
  file -L "$HUTCH" | grep -q "dynamically linked" || fail "$HUTCH is not dynamically linked"
  file -L "$HUTCH_STATIC" | grep -q "statically linked" || fail "$HUTCH_STATIC is not statically linked"
  echo "$HUTCH" "$HUTCH_STATIC"
}

@test "security: CVE-2019-5736 through the image's ELF interpreter: an entrypoint of /proc/self/exe cannot write to hutch (dynamic and static builds)" {
  for build in $(both_builds); do
    HB=$TMP/hutch-copy
    cp "$build" "$HB"
    sum=$(sha256sum <"$HB")
    new_id c
    new_bundle b /proc/self/exe
    exe_attack_image "$b"
    rc=0
    "$HB" --root "$ROOT" run -d --bundle "$b" "$c" </dev/null >"$TMP/c.out" 2>&1 3>&- || rc=$?
    [ "$rc" -eq 0 ] || fail "run -d ($build): $(cat "$TMP/c.out")"
    # hutch has exited: its file is no longer busy, and the attacker has 3 s
    wait_for has_status "$c" stopped
    [ "$(sha256sum <"$HB")" = "$sum" ] || fail "$build: the hutch binary was modified from inside the container: $(cat "$TMP/c.out")"
    ! grep -q WROTE "$TMP/c.out" || fail "$build: $(cat "$TMP/c.out")"
    if [ "$build" = "$HUTCH" ]; then
      # the attacker did run and did hold the binary: refused by the kernel
      grep -q "^refused: .*Read-only file system" "$TMP/c.out" || fail "$build: $(cat "$TMP/c.out")"
    fi
    "$HB" --root "$ROOT" delete -f "$c" </dev/null >/dev/null 2>&1 3>&-
    assert_clean "$ROOT" "$c"
  done
}

@test "security: CVE-2019-5736 through exec of /proc/self/exe: no process of the container can write to hutch (dynamic and static builds)" {
  for build in $(both_builds); do
    HB=$TMP/hutch-copy
    cp "$build" "$HB"
    sum=$(sha256sum <"$HB")
    new_id a
    new_bundle ba sh /exe_scan.sh
    exe_attack_image "$ba"
    rc=0
    "$HB" --root "$ROOT" run -d --bundle "$ba" "$a" </dev/null >"$TMP/a.out" 2>&1 3>&- || rc=$?
    [ "$rc" -eq 0 ] || fail "run -d ($build): $(cat "$TMP/a.out")"
    # The exec'd program is hutch itself: the dynamic build comes up under
    # the image's interpreter (the attacker); the static one runs and blocks
    # on its --log FIFO until the container's pid 1 has hold of its exe.
    "$HB" --root "$ROOT" exec -d "$a" /proc/self/exe --log /dev/shm/block state x </dev/null >"$TMP/x.out" 2>&1 3>&- ||
      fail "exec -d ($build): $(cat "$TMP/x.out")"
    wait_for grep -q -e WROTE -e refused "$TMP/a.out" "$TMP/x.out"
    [ "$(sha256sum <"$HB")" = "$sum" ] || fail "$build: the hutch binary was modified from inside the container: $(cat "$TMP/a.out" "$TMP/x.out")"
    ! grep -q WROTE "$TMP/a.out" "$TMP/x.out" || fail "$build: $(cat "$TMP/a.out" "$TMP/x.out")"
    grep -q "^refused: .*Read-only file system" "$TMP/a.out" "$TMP/x.out" || fail "$build: $(cat "$TMP/a.out" "$TMP/x.out")"
    "$HB" --root "$ROOT" delete -f "$a" </dev/null >/dev/null 2>&1 3>&-
    assert_clean "$ROOT" "$a"
  done
}

# ---- a container that may ptrace sees no host through hutch's processes ---

# ptrace_scanner_bundle VAR: a bundle whose process may ptrace (no user
# namespace), with the scanner (attack/fd_scan.sh) in its root and the host
# marker it hunts for at $MARKER.
ptrace_scanner_bundle() {
  local psb
  new_bundle psb sleep 1000
  cfg "$psb" 'for s in ("bounding", "effective", "permitted"): c["process"]["capabilities"][s].append("CAP_SYS_PTRACE")'
  cp "$REPO/tests/integration/attack/fd_scan.sh" "$psb/rootfs/fd_scan.sh"
  MARKER=$TMP/host-marker
  SECRET=host-secret-$$-$RANDOM
  echo "$SECRET" >"$MARKER"
  mkdir -p "$TMP/hostdir"
  printf -v "$1" '%s' "$psb"
}

@test "security: exec under a ptracing scanner: no process hutch starts in the container leads to a host file" {
  ptrace_scanner_bundle b
  set_args "$b" sh /fd_scan.sh
  new_id c
  M=$MARKER S=$SECRET cfg "$b" 'c["process"]["env"] += ["MARKER=" + E["M"], "SECRET=" + E["S"]]'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  wait_for grep -q scanning "$TMP/c.out"
  # many execs, each with a host directory leaked by the caller at fd 7
  for i in $(seq 30); do
    "$HUTCH" --root "$ROOT" exec "$c" true </dev/null >"$TMP/x.out" 2>&1 7<"$TMP/hostdir" 3>&- ||
      echo "# exec $i: $(cat "$TMP/x.out")" >&3
  done
  sleep 0.5
  ! grep -q FOUND "$TMP/c.out" || fail "the container reached the host: $(grep FOUND "$TMP/c.out")"
  delete_clean "$c" -f
}

@test "security: a parked init under a ptracing scanner leads to no host file (create with a leaked host fd and --log)" {
  ptrace_scanner_bundle b
  new_id c
  # the caller leaks a host directory at fd 7; hutch logs to a host file
  "$HUTCH" --root "$ROOT" --log "$TMP/hutch.log" create --bundle "$b" "$c" </dev/null >"$TMP/c.out" 2>&1 \
    7<"$TMP/hostdir" 3>&- || fail "create: $(cat "$TMP/c.out")"
  hrun -o "$TMP/scan.out" exec -d "$c" env MARKER="$MARKER" SECRET="$SECRET" sh /fd_scan.sh
  [ "$status" -eq 0 ]
  wait_for grep -q scanning "$TMP/scan.out"
  sleep 1
  ! grep -q FOUND "$TMP/scan.out" || fail "the container reached the host: $(grep FOUND "$TMP/scan.out")"
  # and the parked init holds nothing but stdio and its socket to `start`
  pid=$(state_pid "$c")
  fds=$(ls "/proc/$pid/fd" | sort -n)
  [ "$(echo "$fds" | head -n3 | tr '\n' ' ')" = "0 1 2 " ] || fail "the parked init holds fds $(ls -l "/proc/$pid/fd")"
  [ "$(echo "$fds" | wc -l)" = 4 ] || fail "the parked init holds fds $(ls -l "/proc/$pid/fd")"
  readlink "/proc/$pid/fd/$(echo "$fds" | tail -n1)" | grep -q '^socket:' || fail "$(ls -l "/proc/$pid/fd")"
  delete_clean "$c" -f
}

@test "security: create into a ptracing container's pid namespace: the init is seen only once it holds nothing of the host" {
  # a pod whose pid namespace is shared, and a debugging container in it
  ptrace_scanner_bundle ba
  set_args "$ba" sh /fd_scan.sh
  M=$MARKER S=$SECRET cfg "$ba" 'c["process"]["env"] += ["MARKER=" + E["M"], "SECRET=" + E["S"]]'
  new_id a
  hrun -o "$TMP/a.out" run -d --bundle "$ba" "$a"
  [ "$status" -eq 0 ]
  wait_for grep -q scanning "$TMP/a.out"
  apid=$(state_pid "$a")
  for i in 1 2 3; do
    new_id c
    new_bundle b sh -c 'echo started; sleep 1000'
    APID=$apid cfg "$b" 'c["linux"]["namespaces"] = [n if n["type"] != "pid" else {"type": "pid", "path": "/proc/%s/ns/pid" % E["APID"]} for n in c["linux"]["namespaces"]]'
    # a slow createRuntime hook holds the set-up open for the scanner
    cfg "$b" 'c["hooks"] = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "0.3"]}]}'
    "$HUTCH" --root "$ROOT" --log "$TMP/hutch.log" create --bundle "$b" "$c" </dev/null >"$TMP/c.out" 2>&1 \
      7<"$TMP/hostdir" 3>&- || fail "create: $(cat "$TMP/c.out")"
    h start "$c"
    wait_for grep -q started "$TMP/c.out"
    h delete -f "$c"
  done
  sleep 0.3
  ! grep -q FOUND "$TMP/a.out" || fail "the container reached the host: $(grep FOUND "$TMP/a.out")"
  delete_clean "$a" -f
}

@test "security: a parked init has already become the container's process: its user, capabilities and filter, nothing more" {
  # A process of the container that may ptrace can seize whatever it sees in
  # its pid namespace; the parked init must not be worth seizing.
  new_id c
  new_bundle b sh -c 'sleep 1000'
  cfg "$b" 'c["process"]["user"] = {"uid": 1000, "gid": 1000}' \
    'c["process"]["capabilities"] = {"bounding": ["CAP_KILL", "CAP_CHOWN"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}' \
    'c["process"]["noNewPrivileges"] = False' \
    'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"}]}'
  hcreate "$c" "$b"
  [ "$status" -eq 0 ] || fail "create: $(cat "$TMP/$c.out.err")"
  pid=$(state_pid "$c")
  st=/proc/$pid/status
  [ "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "$st")" = 1000100010001000 ] || fail "$(grep -E '^(Uid|Gid)' "$st")"
  [ "$(awk '/^Gid:/ { print $2 }' "$st")" = 1000 ]
  [ "$(awk '/^CapEff:/ { print $2 }' "$st")" = "$(cap_hex 5)" ] || fail "CapEff $(awk '/^CapEff:/ { print $2 }' "$st")"
  [ "$(awk '/^CapPrm:/ { print $2 }' "$st")" = "$(cap_hex 5)" ]
  [ "$(awk '/^CapBnd:/ { print $2 }' "$st")" = "$(cap_hex 0 5)" ]
  [ "$(awk '/^Seccomp:/ { print $2 }' "$st")" = 2 ]
  # and it still starts as it should
  h start "$c"
  [ "$(state_status "$c")" = running ]
  delete_clean "$c" -f
}
