#!/usr/bin/env bats
# The root filesystem: mounts[], root.readonly, masked and read-only paths,
# devices, links, --no-pivot, rootfsPropagation, the cgroup mount.

load helpers

add_mount() { # add_mount BUNDLE JSON-OBJECT
  M=$2 cfg "$1" 'c["mounts"].append(json.loads(E["M"]))'
}

# The options field of /proc/mounts for a mount point, from inside.
@test "a tmpfs mount with options: mode, size and flags as /proc/mounts shows them" {
  new_id c
  new_bundle b sh -c 'grep " /scratch " /proc/mounts; stat -c %a /scratch; echo x >/scratch/f && echo written'
  add_mount "$b" '{"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "noexec", "mode=1770", "size=2m"]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  read -r src dst type opts _ <<<"${lines[0]}"
  [ "$dst $type" = "/scratch tmpfs" ]
  for o in rw nosuid nodev noexec size=2048k mode=1770; do
    [[ ",$opts," == *",$o,"* ]] || fail "option $o missing: $opts"
  done
  [ "${lines[1]}" = 1770 ]
  [ "${lines[2]}" = written ]
  assert_clean "$ROOT" "$c"
}

@test "a bind mount: reads and writes go to the host directory" {
  new_id c
  mkdir "$TMP/data"
  echo from-host >"$TMP/data/in"
  new_bundle b sh -c 'cat /data/in; echo from-container >/data/out'
  add_mount "$b" "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$TMP/data\", \"options\": [\"bind\", \"rw\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = from-host ]
  [ "$(cat "$TMP/data/out")" = from-container ]
  assert_clean "$ROOT" "$c"
}

@test "a read-only bind mount refuses writes" {
  new_id c
  mkdir "$TMP/data"
  echo from-host >"$TMP/data/in"
  new_bundle b sh -c 'cat /data/in; if echo x >/data/out; then echo WROTE; fi; if rm /data/in; then echo REMOVED; fi; grep " /data " /proc/mounts'
  add_mount "$b" "{\"destination\": \"/data\", \"type\": \"none\", \"source\": \"$TMP/data\", \"options\": [\"bind\", \"ro\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-host ]
  [[ "$output" != *WROTE* ]]
  [[ "$output" != *REMOVED* ]]
  [[ "$stderr" == *"Read-only file system"* ]]
  [[ "${lines[1]}" == *" ro,"* ]] || [[ "${lines[1]}" == *" ro "* ]]
  [ ! -e "$TMP/data/out" ]
  [ -e "$TMP/data/in" ]
  assert_clean "$ROOT" "$c"
}

@test "bind vs rbind: only rbind brings the submounts along" {
  new_id c
  mkdir -p "$TMP/tree/sub"
  echo top >"$TMP/tree/top"
  host_mount -t tmpfs tmpfs "$TMP/tree/sub"
  echo in-submount >"$TMP/tree/sub/file"
  new_bundle b sh -c 'cat /plain/top; ls /plain/sub; echo --; cat /recursive/top /recursive/sub/file'
  add_mount "$b" "{\"destination\": \"/plain\", \"type\": \"bind\", \"source\": \"$TMP/tree\", \"options\": [\"bind\"]}"
  add_mount "$b" "{\"destination\": \"/recursive\", \"type\": \"bind\", \"source\": \"$TMP/tree\", \"options\": [\"rbind\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "top -- top in-submount " ]
  assert_clean "$ROOT" "$c"
}

@test "a bind mount of a single file" {
  new_id c
  echo file-content >"$TMP/one-file"
  new_bundle b sh -c 'cat /etc/one; stat -c %F /etc/one'
  add_mount "$b" "{\"destination\": \"/etc/one\", \"type\": \"bind\", \"source\": \"$TMP/one-file\", \"options\": [\"bind\", \"ro\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = file-content ]
  [ "${lines[1]}" = "regular file" ]
  assert_clean "$ROOT" "$c"
}

@test "a relative mount destination is taken relative to /" {
  new_id c
  new_bundle b sh -c 'grep " /rel/dest " /proc/mounts | cut -d" " -f2,3'
  add_mount "$b" '{"destination": "rel/dest", "type": "tmpfs", "source": "tmpfs"}'
  cfg "$b" 'c["ociVersion"] = "1.0.2"'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = "/rel/dest tmpfs" ]
  assert_clean "$ROOT" "$c"
}

@test "mounts are made in order: a later mount goes on top of, or inside, an earlier one" {
  new_id c
  new_bundle b sh -c 'grep " /stack " /proc/mounts | tail -1 | cut -d" " -f4; grep " /stack/inner " /proc/mounts | cut -d" " -f2; stat -c %a /stack/inner'
  add_mount "$b" '{"destination": "/stack", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]}'
  add_mount "$b" '{"destination": "/stack", "type": "tmpfs", "source": "tmpfs", "options": ["size=3m"]}'
  add_mount "$b" '{"destination": "/stack/inner", "type": "tmpfs", "source": "tmpfs", "options": ["mode=700"]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *size=3072k* ]] || fail "top mount: ${lines[0]}"
  [ "${lines[1]}" = /stack/inner ]
  [ "${lines[2]}" = 700 ]
  assert_clean "$ROOT" "$c"
}

@test "root.readonly: writing to / fails; without it a write reaches the rootfs" {
  new_id c
  new_bundle b sh -c 'if touch /written; then echo WROTE; fi; echo x >/dev/shm/ok && echo tmpfs-ok'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = tmpfs-ok ]
  [[ "$stderr" == *"Read-only file system"* ]]
  [ ! -e "$b/rootfs/written" ]
  assert_clean "$ROOT" "$c"
  new_id c2
  cfg "$b" 'c["root"]["readonly"] = False'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "WROTE tmpfs-ok " ]
  [ -e "$b/rootfs/written" ]
  assert_clean "$ROOT" "$c2"
}

@test "maskedPaths: /proc files read empty, a masked directory is empty, a masked file in the image reads empty" {
  new_id c
  new_bundle b sh -c 'for f in /proc/kcore /proc/timer_list /proc/keys; do [ -e $f ] && echo "$f $(wc -c <$f)"; done
    ls -A /sys/firmware | wc -l; cat /etc/secret; echo end'
  echo top-secret >"$b/rootfs/etc/secret"
  cfg "$b" 'c["linux"]["maskedPaths"].append("/etc/secret")'
  [ -n "$(ls -A /sys/firmware)" ]
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  want=""
  for f in /proc/kcore /proc/timer_list /proc/keys; do
    if [ -e "$f" ]; then
      [ "$(head -c 100 "$f" | wc -c)" -gt 0 ] || [ "$f" = /proc/keys ]
      want="$want$f 0 "
    fi
  done
  [ -n "$want" ]
  [ "$(echo "$output" | tr '\n' ' ')" = "${want}0 end " ]
  # masking happens in the container: the image is untouched
  [ "$(cat "$b/rootfs/etc/secret")" = top-secret ]
  assert_clean "$ROOT" "$c"
}

@test "readonlyPaths: /proc/sys is not writable (while it is without the entry)" {
  new_id c
  new_bundle b sh -c 'if echo 1 >/proc/sys/net/ipv4/ip_forward; then echo WROTE; fi; cat /proc/sys/net/ipv4/ip_forward'
  # CAP_NET_ADMIN, so that only the read-only mount can refuse the write
  cfg "$b" 'for s in ("bounding", "effective", "permitted"): c["process"]["capabilities"][s].append("CAP_NET_ADMIN")'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = 0 ]
  assert_clean "$ROOT" "$c"
  # the control: without /proc/sys in readonlyPaths the same write works
  new_id c2
  cfg "$b" 'c["linux"]["readonlyPaths"].remove("/proc/sys")'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | tr '\n' ' ')" = "WROTE 1 " ]
  assert_clean "$ROOT" "$c2"
}

@test "default devices: null zero full random urandom tty are char devices with the right numbers, and work" {
  new_id c
  new_bundle b sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done
    echo x >/dev/null && echo null-ok
    head -c 3 /dev/zero | od -An -tx1
    if echo x >/dev/full; then echo FULL-WROTE; fi
    head -c 16 /dev/urandom | wc -c'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/null character special file 1:3 666" ]
  [ "${lines[1]}" = "/dev/zero character special file 1:5 666" ]
  [ "${lines[2]}" = "/dev/full character special file 1:7 666" ]
  [ "${lines[3]}" = "/dev/random character special file 1:8 666" ]
  [ "${lines[4]}" = "/dev/urandom character special file 1:9 666" ]
  [ "${lines[5]}" = "/dev/tty character special file 5:0 666" ]
  [ "${lines[6]}" = null-ok ]
  [ "$(echo "${lines[7]}" | tr -s ' ')" = " 00 00 00" ]
  [ "${lines[8]}" = 16 ]
  [[ "$stderr" == *"No space left on device"* ]]
  assert_clean "$ROOT" "$c"
}

@test "/dev links: ptmx -> pts/ptmx, fd, stdin, stdout, stderr" {
  new_id c
  new_bundle b sh -c 'for l in ptmx fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done; ls /dev/pts'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "ptmx pts/ptmx" ]
  [ "${lines[1]}" = "fd /proc/self/fd" ]
  [ "${lines[2]}" = "stdin /proc/self/fd/0" ]
  [ "${lines[3]}" = "stdout /proc/self/fd/1" ]
  [ "${lines[4]}" = "stderr /proc/self/fd/2" ]
  # the container's own devpts instance: no pty of the host
  [ "${lines[5]}" = ptmx ]
  assert_clean "$ROOT" "$c"
}

# Without a /dev mount of their own, containers of one bundle make their
# nodes and links in the same directory; started together, each finds some
# made by another between its look and its mknod or symlink.
@test "no /dev mount: containers sharing a rootfs start together, a stale /dev/ptmx is replaced" {
  new_bundle b sh -c 'readlink /dev/ptmx; stat -c "%F %t:%T" /dev/null'
  cfg "$b" 'c["mounts"] = [m for m in c["mounts"] if not m["destination"].startswith("/dev")]'
  local ids=() round w i
  for w in 1 2 3 4 5 6; do
    new_id i
    ids+=("$i")
  done
  for round in 1 2 3 4 5 6; do
    # Between rounds no container runs: /dev starts empty but for a stale ptmx.
    rm -rf "$b/rootfs/dev"
    mkdir "$b/rootfs/dev"
    echo stale >"$b/rootfs/dev/ptmx"
    for w in 1 2 3 4 5 6; do
      "$HUTCH" --root "$ROOT" run --bundle "$b" "${ids[w - 1]}-$round" </dev/null \
        >"$TMP/race.$w.$round.out" 2>"$TMP/race.$w.$round.err" &
    done
    for w in 1 2 3 4 5 6; do
      wait -n || fail "round $round: a run failed: $(cat "$TMP"/race.*."$round".err)"
    done
    for w in 1 2 3 4 5 6; do
      [ "$(cat "$TMP/race.$w.$round.out")" = "pts/ptmx
character special file 1:3" ] || fail "round $round, worker $w: $(cat "$TMP/race.$w.$round.out")"
      assert_clean "$ROOT" "${ids[w - 1]}-$round"
    done
  done
  [ "$(readlink "$b/rootfs/dev/ptmx")" = pts/ptmx ]
}

@test "linux.devices: /dev/fuse c 10:229 with fileMode and owner, a fifo, a node outside /dev" {
  new_id c
  new_bundle b sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/fuse; stat -c "%F %a" /dev/my-fifo; stat -c "%F %t:%T" /opt/nodes/null3; echo x >/opt/nodes/null3 && echo null3-ok'
  cfg "$b" 'c["linux"]["devices"] = [
      {"path": "/dev/fuse", "type": "c", "major": 10, "minor": 229, "fileMode": 0o666, "uid": 1000, "gid": 1001},
      {"path": "/dev/my-fifo", "type": "p", "fileMode": 0o640},
      {"path": "/opt/nodes/null3", "type": "c", "major": 1, "minor": 3}]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file a:e5 666 1000:1001" ]
  [ "${lines[1]}" = "fifo 640" ]
  # outside /dev too (allowed since 1.3.0)
  [ "${lines[2]}" = "character special file 1:3" ]
  [ "${lines[3]}" = null3-ok ]
  assert_clean "$ROOT" "$c"
}

@test "--no-pivot: the container runs in its root" {
  new_id c
  new_bundle b sh -c 'ls /; cd /; cd ../../..; ls; if test -e /lib; then echo HOST-LIB; fi'
  hrun run --no-pivot --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(printf '%s\n' "${lines[@]}" | sort -u | tr '\n' ' ')" = "bin dev etc proc root sys tmp " ]
  assert_clean "$ROOT" "$c"
}

# root_mountinfo PROPAGATION: the container's mountinfo line for /.
root_mountinfo() {
  new_id c
  new_bundle b sh -c 'awk "\$5 == \"/\"" /proc/self/mountinfo'
  P=$1 cfg "$b" 'c["linux"]["rootfsPropagation"] = E["P"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "rootfsPropagation $1: run exited $status: $stderr"
  assert_clean "$ROOT" "$c"
  ROOT_LINE=$output
}

@test "rootfsPropagation shared: / is in a peer group of its own" {
  root_mountinfo shared
  [[ "$ROOT_LINE" == *" shared:"* ]] || fail "$ROOT_LINE"
  # not the host's peer group
  host_peer=$(awk '$5 == "/" { for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print $i }' /proc/self/mountinfo)
  [ -z "$host_peer" ] || [[ "$ROOT_LINE" != *" $host_peer "* ]]
}

@test "rootfsPropagation private: / has no propagation" {
  root_mountinfo private
  [[ "$ROOT_LINE" != *" shared:"* && "$ROOT_LINE" != *" master:"* && "$ROOT_LINE" != *unbindable* ]] || fail "$ROOT_LINE"
}

@test "rootfsPropagation slave: / receives nothing it could send back" {
  root_mountinfo slave
  [[ "$ROOT_LINE" != *" shared:"* && "$ROOT_LINE" != *unbindable* ]] || fail "$ROOT_LINE"
}

@test "rootfsPropagation unbindable: / is unbindable (with the default readonlyPaths)" {
  root_mountinfo unbindable
  [[ "$ROOT_LINE" == *" unbindable "* ]] || fail "$ROOT_LINE"
}

# check_cgroup_mount [CONFIG-CODE...]: a container's /sys/fs/cgroup shows
# every hierarchy, each rooted at the container's cgroup, and the tmpfs and
# every hierarchy are ro, nosuid, nodev, noexec as the config asks.
check_cgroup_mount() {
  new_id c
  new_bundle b sh -c 'ls /sys/fs/cgroup; echo --; cat /sys/fs/cgroup/pids/cgroup.procs; echo --; if mkdir /sys/fs/cgroup/pids/x; then echo MADE; fi
    awk "\$5 ~ \"^/sys/fs/cgroup\" { print \"MNT\", \$5, \$6 }" /proc/self/mountinfo'
  [ $# -eq 0 ] || cfg "$b" "$@"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  local mnts n=0 where opts o want got procs
  mnts=$(echo "$output" | grep "^MNT ")
  while read -r _ where opts; do
    n=$((n + 1))
    for o in ro nosuid nodev noexec; do
      [[ ",$opts," == *",$o,"* ]] || fail "$where: $opts lacks $o"
    done
  done <<<"$mnts"
  [ "$n" -eq $(($(ls /sys/fs/cgroup | wc -l) + 1)) ] || fail "mounts: $mnts"
  output=$(echo "$output" | grep -v "^MNT ")
  want=$(ls /sys/fs/cgroup | sort | tr '\n' ' ')
  got=$(echo "$output" | sed -n '1,/^--$/p' | grep -vx -- -- | sort | tr '\n' ' ')
  [ "$got" = "$want" ] || fail "hierarchies: $got, host: $want"
  # only the container's processes (pid 1 and cat)
  procs=$(echo "$output" | sed -n '/^--$/,/^--$/p' | grep -vx -- -- | tr '\n' ' ')
  [[ " $procs" == *" 1 "* ]] || fail "cgroup.procs: $procs"
  [ "$(echo "$procs" | wc -w)" -le 2 ] || fail "cgroup.procs: $procs"
  [[ "$output" != *MADE* ]] || fail "mkdir in the cgroup mount succeeded"
  assert_clean "$ROOT" "$c"
}

@test "the cgroup mount at /sys/fs/cgroup shows every hierarchy, read-only, rooted at the container's cgroup" {
  # a cgroup namespace (hutch spec's default): each hierarchy mounted afresh
  check_cgroup_mount
}

@test "the cgroup mount without a cgroup namespace: the container's own cgroups bound there, read-only" {
  check_cgroup_mount 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"]'
}

@test "the cgroup mount without \"ro\": nosuid, nodev, noexec still reach every hierarchy" {
  new_id c
  new_bundle b sh -c 'awk "\$5 ~ \"^/sys/fs/cgroup/\" { print \$5, \$6 }" /proc/self/mountinfo'
  cfg "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "cgroup"]' \
    'for m in c["mounts"]:
    if m["type"] == "cgroup": m["options"] = [o for o in m["options"] if o != "ro"]'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run: $stderr"
  [ "${#lines[@]}" -gt 0 ] || fail "no hierarchy mounted"
  local where opts o
  for line in "${lines[@]}"; do
    read -r where opts <<<"$line"
    for o in nosuid nodev noexec; do
      [[ ",$opts," == *",$o,"* ]] || fail "$where: $opts lacks $o"
    done
  done
  assert_clean "$ROOT" "$c"
}

@test "/proc and /sys: proc of the container's pid namespace, sysfs read-only" {
  new_id c
  new_bundle b sh -c 'ls -d /proc/[0-9]* | wc -l; grep -E " /(proc|sys) " /proc/mounts | cut -d" " -f2,3,4 | cut -d, -f1'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  # sh, ls (and maybe wc): nothing of the host's processes
  [ "${lines[0]}" -le 3 ]
  [ "${lines[1]}" = "/proc proc rw" ]
  [ "${lines[2]}" = "/sys sysfs ro" ]
  assert_clean "$ROOT" "$c"
}

@test "a mount destination through an in-image symlink whose target is missing is created inside the rootfs (runc)" {
  # the common image layout /var/run -> ../run, with no /run in the image
  new_id c
  new_bundle b sh -c 'echo x >/var/run/pidfile && grep " /run " /proc/mounts | cut -d" " -f2,3'
  mkdir -p "$b/rootfs/var"
  ln -s ../run "$b/rootfs/var/run"
  add_mount "$b" '{"destination": "/var/run", "type": "tmpfs", "source": "tmpfs"}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status: $stderr"
  [ "$output" = "/run tmpfs" ]
  # made in the rootfs, through the link
  [ -d "$b/rootfs/run" ]
  [ -L "$b/rootfs/var/run" ]
  assert_clean "$ROOT" "$c"
}

@test "rbind with rro makes the submounts read-only too (ro only the top)" {
  new_id c
  mkdir -p "$TMP/tree/sub"
  host_mount -t tmpfs tmpfs "$TMP/tree/sub"
  new_bundle b sh -c 'if touch /r/sub/x; then echo RRO-SUB-WROTE; fi; if touch /r/y; then echo RRO-TOP-WROTE; fi
    if touch /o/sub/x; then echo ro-sub-wrote; fi; if touch /o/y; then echo RO-TOP-WROTE; fi'
  add_mount "$b" "{\"destination\": \"/r\", \"type\": \"bind\", \"source\": \"$TMP/tree\", \"options\": [\"rbind\", \"rro\"]}"
  add_mount "$b" "{\"destination\": \"/o\", \"type\": \"bind\", \"source\": \"$TMP/tree\", \"options\": [\"rbind\", \"ro\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$output" = ro-sub-wrote ]
  [ ! -e "$TMP/tree/y" ]
  assert_clean "$ROOT" "$c"
}

@test "bind mount flags nosuid, nodev, noexec are applied" {
  new_id c
  mkdir "$TMP/data"
  new_bundle b sh -c 'grep " /data " /proc/mounts | cut -d" " -f4'
  add_mount "$b" "{\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"$TMP/data\", \"options\": [\"bind\", \"nosuid\", \"nodev\", \"noexec\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  for o in rw nosuid nodev noexec; do
    [[ ",$output," == *",$o,"* ]] || fail "option $o missing: $output"
  done
  assert_clean "$ROOT" "$c"
}

@test "tmpcopyup: the image's files under a tmpfs mount point are copied in, owners, modes and links kept" {
  new_id c
  new_bundle b sh -c 'cd /data && ls -lna . sub | sed "s/  */ /g" | cut -d" " -f1,3,4,9- | sort;
    cat sub/file; readlink link; grep " /data " /proc/mounts | cut -d" " -f3; echo new > sub/new'
  mkdir -p "$b/rootfs/data/sub"
  echo image >"$b/rootfs/data/sub/file"
  chown 1234:567 "$b/rootfs/data/sub/file"
  # The default spec's root has no CAP_DAC_OVERRIDE: others may read.
  chmod 604 "$b/rootfs/data/sub/file"
  chmod 1757 "$b/rootfs/data/sub"
  ln -s sub/file "$b/rootfs/data/link"
  mkfifo "$b/rootfs/data/fifo"
  add_mount "$b" '{"destination": "/data", "type": "tmpfs", "source": "tmpfs", "options": ["tmpcopyup", "nosuid"]}'
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "$stderr"
  grep -qx -- "-rw----r-- 1234 567 file" "$HOUT" || fail "file: $output"
  grep -qx -- "drwxr-xrwt 0 0 sub" "$HOUT" || fail "sub: $output"
  grep -qx -- "prw-r--r-- 0 0 fifo" "$HOUT" || fail "fifo: $output"
  grep -q -- "^lrwxrwxrwx 0 0 link -> sub/file" "$HOUT" || fail "link: $output"
  grep -qx image "$HOUT" && grep -qx sub/file "$HOUT" && grep -qx tmpfs "$HOUT" || fail "$output"
  # The copy is the container's: the image is untouched.
  [ "$(cat "$b/rootfs/data/sub/file")" = image ] && [ ! -e "$b/rootfs/data/sub/new" ]
  assert_clean "$ROOT" "$c"
}

@test "tmpcopyup on something other than a tmpfs is refused by field" {
  new_id c
  new_bundle b true
  mkdir -p "$TMP/src"
  add_mount "$b" "{\"destination\": \"/mnt\", \"type\": \"bind\", \"source\": \"$TMP/src\", \"options\": [\"bind\", \"tmpcopyup\"]}"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 1 ] && [[ "$stderr" == *"options: tmpcopyup applies to tmpfs mounts only"* ]] || fail "$status $stderr"
  assert_clean "$ROOT" "$c"
}
