#!/bin/bash
# Self test of the Proxmox VE stand-ins (pct, pvesh, pvesm, pveversion).
# Run as root on a host with liblxc (lxc-start ...) and busybox-static.
# Prints "ok N - ..." / "not ok N - ..." lines and exits non-zero on failure.

set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FAILED=0
N=0

ok() { N=$((N + 1)); echo "ok $N - $*"; }
notok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $*"; }
check() { # check "description" command...
	local d=$1
	shift
	if "$@"; then ok "$d"; else notok "$d"; fi
}
diag() { sed 's/^/#   /'; }
has_line() { # has_line "$text" "exact line"
	grep -qxF -- "$2" <<<"$1"
}
rc_and_line() { # rc_and_line rc expected_rc "$text" "exact line"
	[ "$1" = "$2" ] && has_line "$3" "$4"
}

if [ "$(id -u)" != 0 ]; then
	echo "not ok 1 - must run as root"
	exit 1
fi
for t in lxc-start lxc-stop lxc-info lxc-attach lxc-wait; do
	command -v "$t" >/dev/null || { echo "not ok 1 - $t missing (apt-get install -y lxc)"; exit 1; }
done
BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || { echo "not ok 1 - $BUSYBOX missing (apt-get install -y busybox-static)"; exit 1; }

TMP=$(mktemp -d /tmp/pvestandin-selftest.XXXXXX)
# an unprivileged CT's root (uid 100000) must be able to traverse to its rootfs
chmod 711 "$TMP"
R=$TMP/root
FLOCK_PID=
cleanup() {
	[ -n "$FLOCK_PID" ] && kill "$FLOCK_PID" 2>/dev/null
	for id in 100 101 102 103; do
		if [ -e "$R/etc/pve/lxc/$id.conf" ]; then
			"$R/bin/pct" unlock "$id" >/dev/null 2>&1
			"$R/bin/pct" destroy "$id" --force --purge >/dev/null 2>&1
		fi
	done
	rm -rf "$TMP"
}
trap cleanup EXIT

PCT=$R/bin/pct
PVESH=$R/bin/pvesh
PVESM=$R/bin/pvesm

# --- root and template ----------------------------------------------------
check "mkroot creates a stand-in root" "$HERE/mkroot" "$R"
check "bin/pct is a symlink to the stand-in" test -L "$R/bin/pct"
check "etc/pve/lxc links to nodes/standin/lxc" test "$(readlink "$R/etc/pve/lxc")" = nodes/standin/lxc
check "/etc/subuid has root:100000:65536" grep -q '^root:100000:65536$' /etc/subuid
check "/etc/subgid has root:100000:65536" grep -q '^root:100000:65536$' /etc/subgid

BB=$TMP/bb
mkdir -p "$BB/bin" "$BB/sbin" "$BB/dev" "$BB/proc" "$BB/sys" "$BB/tmp" "$BB/etc" "$BB/usr/bin"
cp "$BUSYBOX" "$BB/bin/busybox"
ln -s busybox "$BB/bin/sh"
ln -s busybox "$BB/bin/sleep"
cp "$BUSYBOX" "$BB/usr/bin/suidbox"
chmod 4755 "$BB/usr/bin/suidbox"
chmod 1777 "$BB/tmp"
echo 'root:x:0:0:root:/root:/bin/sh' >"$BB/etc/passwd"
tar -C "$BB" --numeric-owner -cf "$R/var/lib/vz/template/cache/bb.tar" .
check "template is visible through pvesm path" \
	test "$("$PVESM" path local:vztmpl/bb.tar)" = "$R/var/lib/vz/template/cache/bb.tar"

check "pveversion reports 9.1" bash -c "'$R/bin/pveversion' | grep -q '^pve-manager/9.1.0/standin (running kernel: '"
check "pveversion -v reports pve-container and lxc-pve" \
	bash -c "'$R/bin/pveversion' -v | grep -q '^pve-container: ' && '$R/bin/pveversion' -v | grep -q '^lxc-pve: 6.0.5-3$'"

# --- nextid ---------------------------------------------------------------
check "pvesh get /cluster/nextid -> 100" test "$("$PVESH" get /cluster/nextid)" = 100
check "pvesh nextid json is a string" test "$("$PVESH" get /cluster/nextid --output-format json)" = '"100"'

# --- privileged CT 100 ----------------------------------------------------
out=$("$PCT" create 100 local:vztmpl/bb.tar --rootfs ctstore:0 --ostype unmanaged --unprivileged 0 \
	--memory 256 --hostname t1 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct create 100"; else notok "pct create 100 (rc=$rc)"; echo "$out" | diag; fi
CONF=$R/etc/pve/lxc/100.conf
check "conf has rootfs volume line" grep -qx 'rootfs: ctstore:100/subvol-100-disk-0.subvol,size=0T' "$CONF"
check "conf has no lock after create" bash -c "! grep -q '^lock:' '$CONF'"
check "conf has hostname/memory/swap defaults" \
	bash -c "grep -qx 'hostname: t1' '$CONF' && grep -qx 'memory: 256' '$CONF' && grep -qx 'swap: 512' '$CONF'"
VOL=$R/var/lib/ctstore/images/100/subvol-100-disk-0.subvol
check "volume directory was extracted" test -x "$VOL/bin/busybox"
check "privileged CT keeps owner 0" test "$(stat -c %u "$VOL/bin/busybox")" = 0
check "setuid bit survives extraction" test -u "$VOL/usr/bin/suidbox"
printf 'lxc.init.cmd: /bin/sleep 1000\nlxc.no_new_privs: 1\n' >>"$CONF"

cfg_out=$("$PCT" config 100 2>"$TMP/err")
check "pct config shows the raw lxc.init.cmd" grep -qx 'lxc.init.cmd: /bin/sleep 1000' <<<"$cfg_out"
check "pct config drops lxc.no_new_privs" eval '! grep -q no_new_privs <<<"$cfg_out"'
check "pct config warns about lxc.no_new_privs" \
	grep -qx 'vm 100 - unable to parse config: lxc.no_new_privs: 1' "$TMP/err"

check "pct status: stopped" test "$("$PCT" status 100 2>/dev/null)" = "status: stopped"

# start with an extra fd open: it must not leak into lxc-start
out=$("$PCT" start 100 2>&1 9>"$TMP/leakcheck")
rc=$?
if [ $rc = 0 ]; then ok "pct start 100"; else notok "pct start 100 (rc=$rc)"; echo "$out" | diag; fi
check "generated lxc config uses the volume as rootfs" \
	grep -qx "lxc.rootfs.path = dir:$VOL" "$R/var/lib/lxc/100/config"
check "generated lxc config drops lxc.no_new_privs" bash -c "! grep -q no_new_privs '$R/var/lib/lxc/100/config'"
out=$("$PCT" start 100 2>&1)
rc=$?
check "pct start again fails: CT 100 already running" \
	rc_and_line $rc 255 "$out" 'CT 100 already running'

st=$("$PCT" status 100 --verbose 2>/dev/null)
check "pct status --verbose: running" grep -qx 'status: running' <<<"$st"
check "pct status --verbose: name and maxmem" \
	eval 'has_line "$st" "name: t1" && has_line "$st" "maxmem: 268435456"'
pid=$(awk '/^pid:/{print $2}' <<<"$st")
check "pct status --verbose: pid" test -n "$pid"
check "pid runs /bin/sleep 1000" test "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "/bin/sleep 1000 "
check "/proc/<pid>/root is the rootfs" test "/proc/$pid/root/bin/busybox" -ef "$VOL/bin/busybox"
check "memory limit in lxc/100 cgroup" \
	test "$(cat /sys/fs/cgroup/memory/lxc/100/memory.limit_in_bytes 2>/dev/null)" = 268435456
lxcpid=$(pgrep -f "lxc-start -F -n 100 -P $R/var/lib/lxc" | head -1)
check "lxc-start runs daemonized (own session, not our child)" \
	bash -c "[ -n '$lxcpid' ] && [ \"\$(ps -o sid= -p $lxcpid | tr -d ' ')\" != \"\$(ps -o sid= -p $$ | tr -d ' ')\" ] && [ \"\$(ps -o ppid= -p $lxcpid | tr -d ' ')\" != $$ ]"
check "caller's fd 9 did not leak into lxc-start" \
	bash -c "! ls -l /proc/$lxcpid/fd 2>/dev/null | grep -q leakcheck"
check "lxc-start stderr goes to run/pve/ct-100.stderr" \
	bash -c "ls -l /proc/$lxcpid/fd/2 | grep -q '$R/run/pve/ct-100.stderr'"

"$PCT" exec 100 --keep-env 0 -- /bin/sh -c 'exit 7' 2>/dev/null
rc=$?
check "pct exec returns the command's status (7)" test $rc = 7
check "pct exec runs in the CT (hostname t1)" \
	test "$("$PCT" exec 100 --keep-env 0 -- /bin/sh -c hostname 2>/dev/null)" = t1
out=$("$PCT" exec 100 ls -la 2>&1)
check "pct exec 100 ls -la -> Unknown option: la" grep -qx 'Unknown option: la' <<<"$out"
out=$("$PCT" exec 100 2>&1)
check "pct exec without command" \
	grep -qx 'missing command at /usr/share/perl5/PVE/CLI/pct.pm line 246.' <<<"$out"

out=$("$PCT" create 100 local:vztmpl/bb.tar --rootfs ctstore:0 2>&1)
rc=$?
check "pct create 100 again fails" test $rc != 0
check "... with 'CT 100 already exists on node'" grep -qx "CT 100 already exists on node 'standin'" <<<"$out"
check "pvesh nextid now 101" test "$("$PVESH" get /cluster/nextid)" = 101
out=$("$PVESH" get /cluster/nextid --vmid 100 2>&1)
check "pvesh nextid --vmid 100 refused" \
	eval 'has_line "$out" "400 Parameter verification failed." && has_line "$out" "vmid: VM 100 already exists"'

check "pct list shows CT 100 running" \
	bash -c "'$PCT' list 2>/dev/null | grep -q '^100        running                 t1'"

"$PCT" set 100 --memory 300 2>/dev/null
check "pct set --memory on a running CT writes lxc/100" \
	test "$(cat /sys/fs/cgroup/memory/lxc/100/memory.limit_in_bytes 2>/dev/null)" = 314572800
check "pct set --memory updates the conf" grep -qx 'memory: 300' "$CONF"

out=$("$PCT" stop 100 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct stop 100"; else notok "pct stop 100 (rc=$rc)"; echo "$out" | diag; fi
check "pct status: stopped after stop" test "$("$PCT" status 100 2>/dev/null)" = "status: stopped"
out=$("$PCT" stop 100 2>&1)
check "pct stop again: CT 100 not running" grep -qx 'CT 100 not running' <<<"$out"

out=$("$PCT" destroy 100 --purge 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct destroy 100 --purge"; else notok "pct destroy 100 --purge (rc=$rc)"; echo "$out" | diag; fi
check "destroy printed the purge message" grep -qx 'purging CT 100 from related configurations..' <<<"$out"
check "no conf left" test ! -e "$CONF"
check "no volume left" test ! -e "$VOL"
check "no lxc dir left" test ! -e "$R/var/lib/lxc/100"
check "no cgroup dirs left" bash -c "! ls -d /sys/fs/cgroup/*/lxc/100 /sys/fs/cgroup/*/lxc.monitor/100 2>/dev/null | grep -q ."

# --- unprivileged CT 101 --------------------------------------------------
out=$("$PCT" create 101 local:vztmpl/bb.tar --rootfs ctstore:0 --ostype unmanaged --unprivileged 1 \
	--hostname u1 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct create 101 (unprivileged)"; else notok "pct create 101 (rc=$rc)"; echo "$out" | diag; fi
VOL1=$R/var/lib/ctstore/images/101/subvol-101-disk-0.subvol
check "unprivileged: conf has unprivileged: 1" grep -qx 'unprivileged: 1' "$R/etc/pve/lxc/101.conf"
check "unprivileged: files shifted to uid 100000" test "$(stat -c %u:%g "$VOL1/bin/busybox")" = 100000:100000
check "unprivileged: volume root owned by 100000" test "$(stat -c %u "$VOL1")" = 100000
check "unprivileged: setuid bit kept after shifting" test -u "$VOL1/usr/bin/suidbox"
echo 'lxc.init.cmd: /bin/sleep 1000' >>"$R/etc/pve/lxc/101.conf"
out=$("$PCT" start 101 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct start 101 (unprivileged)"; else notok "pct start 101 (rc=$rc)"; echo "$out" | diag; fi
check "unprivileged: userns idmap in lxc config" grep -qx 'lxc.idmap = u 0 100000 65536' "$R/var/lib/lxc/101/config"
check "unprivileged: exec sees uid 0 mapped to 100000" \
	bash -c "'$PCT' exec 101 --keep-env 0 -- /bin/sh -c 'cat /proc/self/uid_map' 2>/dev/null | grep -Eq '^ +0 +100000 +65536$'"
pid=$("$PCT" status 101 --verbose 2>/dev/null | awk '/^pid:/{print $2}')
check "unprivileged: init runs as host uid 100000" test "$(stat -c %u "/proc/$pid" 2>/dev/null)" = 100000

# --- lock handling ----------------------------------------------------------
# hold the config flock in a process whose pid we know (flock(1) would fork a child)
bash -c 'exec 9>>"$1" && flock -x 9 && exec sleep 30' _ "$R/run/lock/lxc/pve-config-101.lock" &
FLOCK_PID=$!
for _ in $(seq 50); do
	flock -n -x "$R/run/lock/lxc/pve-config-101.lock" true 2>/dev/null || break
	sleep 0.1
done
start=$(date +%s)
out=$("$PCT" set 101 --memory 128 2>&1)
rc=$?
end=$(date +%s)
kill "$FLOCK_PID" 2>/dev/null
wait "$FLOCK_PID" 2>/dev/null
FLOCK_PID=
check "pct set with a held flock fails" test $rc != 0
check "... printing 'trying to acquire lock...'" grep -q '^trying to acquire lock\.\.\.' <<<"$out"
check "... and the got-timeout error" \
	grep -qx "can't lock file '$R/run/lock/lxc/pve-config-101.lock' - got timeout" <<<"$out"
check "... after about 10 s" test $((end - start)) -ge 9 -a $((end - start)) -le 13
check "conf unchanged by the failed set" bash -c "! grep -q '^memory: 128' '$R/etc/pve/lxc/101.conf'"

sed -i '1i lock: backup' "$R/etc/pve/lxc/101.conf"
out=$("$PCT" set 101 --memory 128 2>&1)
check "pct set refuses a locked CT: CT is locked (backup)" grep -qx 'CT is locked (backup)' <<<"$out"
"$PCT" unlock 101 2>/dev/null

out=$("$PCT" destroy 101 2>&1)
check "destroy of a running CT refused" grep -qx 'unable to destroy CT 101 - container is running' <<<"$out"
out=$("$PCT" destroy 101 --force 2>&1)
rc=$?
check "destroy --force stops and destroys" \
	rc_and_line $rc 0 "$out" 'forced to stop CT 101 before destroying!'
check "unprivileged CT fully removed" \
	bash -c "[ ! -e '$R/etc/pve/lxc/101.conf' ] && [ ! -e '$VOL1' ] && ! ls -d /sys/fs/cgroup/*/lxc/101 2>/dev/null | grep -q ."

# --- parameter checks ---------------------------------------------------------
out=$("$PCT" create 102 local:vztmpl/bb.tar --rootfs local:0 2>&1)
check "rootfs on a storage without rootdir is refused" \
	grep -qx "storage: storage 'local' does not support container directories" <<<"$out"
out=$("$PCT" create 102 local:vztmpl/bb.tar --memory 8 --hostname a_b --rootfs ctstore:0 2>&1)
rc=$?
check "validation errors: exit 255" test $rc = 255
check "validation errors: 400 Parameter verification failed." grep -qx '400 Parameter verification failed.' <<<"$out"
check "validation errors: memory minimum" grep -qx 'memory: value must have a minimum value of 16' <<<"$out"
check "validation errors: hostname dns-name" \
	grep -qx 'hostname: invalid format - value does not look like a valid DNS name' <<<"$out"
check "validation errors: usage line" grep -qx 'pct create <vmid> <ostemplate> \[OPTIONS\]' <<<"$out"
out=$("$PCT" create 102 local:vztmpl/bb.tar --bogus 1 2>&1)
check "unknown option" eval 'has_line "$out" "Unknown option: bogus" && has_line "$out" "400 unable to parse option"'
out=$("$PCT" create 102 local:vztmpl/missing.tar --rootfs ctstore:0 --ostype unmanaged 2>&1)
rc=$?
check "missing template: task error, exit 255" test $rc = 255
check "missing template: message" grep -qx "unable to create CT 102 - can't find file 'local:vztmpl/missing.tar'" <<<"$out"
check "missing template: nothing left behind" \
	bash -c "[ ! -e '$R/etc/pve/lxc/102.conf' ] && [ -z \"\$(ls '$R/var/lib/ctstore/images/102' 2>/dev/null)\" ]"
out=$("$PCT" config 999 2>&1)
check "config of a missing CT" grep -qx "Configuration file 'nodes/standin/lxc/999.conf' does not exist" <<<"$out"
out=$("$PCT" create 102 local:vztmpl/bb.tar --rootfs ctstore:0 --dev0 /dev/nonexistent 2>&1)
check "devN needs an existing device node" grep -qx 'Device /dev/nonexistent does not exist' <<<"$out"
check "pct list prints nothing without CTs" test -z "$("$PCT" list 2>&1)"

# --- emulated 8.4: no entrypoint/env ------------------------------------------
echo 8.4 >"$R/standin.version"
out=$("$PCT" create 102 local:vztmpl/bb.tar --rootfs ctstore:0 --entrypoint /bin/sh 2>&1)
check "8.4: --entrypoint is an unknown option" grep -qx 'Unknown option: entrypoint' <<<"$out"
echo 9.1 >"$R/standin.version"

# --- 9.1: OCI image import (entrypoint, env, cwd, user) -------------------------
OCI=$TMP/oci
mkdir -p "$OCI/blobs/sha256"
tar -C "$BB" --numeric-owner -cf "$TMP/layer.tar" .
diffid=$(sha256sum "$TMP/layer.tar" | cut -d' ' -f1)
gzip -n -c "$TMP/layer.tar" >"$TMP/layer.tar.gz"
layer=$(sha256sum "$TMP/layer.tar.gz" | cut -d' ' -f1)
lsize=$(stat -c %s "$TMP/layer.tar.gz")
cp "$TMP/layer.tar.gz" "$OCI/blobs/sha256/$layer"
printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/sleep"],"Cmd":["1000"],"Env":["A=1","B=two words"],"WorkingDir":"/tmp","User":"0:0"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$diffid" >"$TMP/config.json"
cfgd=$(sha256sum "$TMP/config.json" | cut -d' ' -f1)
cp "$TMP/config.json" "$OCI/blobs/sha256/$cfgd"
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%s}]}' \
	"$cfgd" "$(stat -c %s "$TMP/config.json")" "$layer" "$lsize" >"$TMP/manifest.json"
mand=$(sha256sum "$TMP/manifest.json" | cut -d' ' -f1)
cp "$TMP/manifest.json" "$OCI/blobs/sha256/$mand"
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s}]}' \
	"$mand" "$(stat -c %s "$TMP/manifest.json")" >"$OCI/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' >"$OCI/oci-layout"
tar -C "$OCI" -cf "$R/var/lib/vz/template/cache/app.tar" oci-layout index.json blobs
out=$("$PCT" create 103 local:vztmpl/app.tar --rootfs ctstore:0 --ostype unmanaged --hostname app 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct create 103 from an OCI archive"; else notok "pct create 103 from OCI (rc=$rc)"; echo "$out" | diag; fi
check "OCI: 'Detected OCI archive'" grep -qx 'Detected OCI archive' <<<"$out"
C3=$R/etc/pve/lxc/103.conf
check "OCI: entrypoint" grep -qx 'entrypoint: /bin/sleep 1000' "$C3"
check "OCI: cmode console" grep -qx 'cmode: console' "$C3"
check "OCI: env as lxc.environment.runtime" \
	bash -c "grep -qx 'lxc.environment.runtime: A=1' '$C3' && grep -qx 'lxc.environment.runtime: B=two words' '$C3'"
check "OCI: lxc.init.cwd and lxc.signal.halt" \
	bash -c "grep -qx 'lxc.init.cwd: /tmp' '$C3' && grep -qx 'lxc.signal.halt: SIGTERM' '$C3'"
check "OCI: rootfs shifted for the unprivileged default" \
	test "$(stat -c %u "$R/var/lib/ctstore/images/103/subvol-103-disk-0.subvol/bin/busybox")" = 100000
out=$("$PCT" start 103 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct start 103 (OCI app)"; else notok "pct start 103 (rc=$rc)"; echo "$out" | diag; fi
pid=$("$PCT" status 103 --verbose 2>/dev/null | awk '/^pid:/{print $2}')
check "OCI: init is the entrypoint" test "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "/bin/sleep 1000 "
check "OCI: init has the image env" grep -qz '^B=two words$' "/proc/$pid/environ"
check "OCI: init cwd is WorkingDir" test "/proc/$pid/cwd" -ef "$R/var/lib/ctstore/images/103/subvol-103-disk-0.subvol/tmp"
out=$("$PCT" shutdown 103 --timeout 1 2>&1)
rc=$?
check "shutdown of an init ignoring SIGTERM: container did not stop" \
	rc_and_line $rc 255 "$out" 'container did not stop'
out=$("$PCT" shutdown 103 --timeout 1 --forceStop 1 2>&1)
rc=$?
check "shutdown --forceStop 1 kills after the timeout" test $rc = 0
check "OCI: stopped" test "$("$PCT" status 103 2>/dev/null)" = "status: stopped"
"$PCT" destroy 103 >/dev/null 2>&1
check "OCI: destroyed" test ! -e "$C3"

echo "# $N tests, $FAILED failed"
[ $FAILED = 0 ]
