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
	for id in ${A:-} ${B:-} ${C:-} ${D:-}; do
		if [ -e "$R/etc/pve/lxc/$id.conf" ]; then
			"$R/bin/pct" unlock "$id" >/dev/null 2>&1
			"$R/bin/pct" destroy "$id" --force --purge >/dev/null 2>&1
		fi
	done
	rm -rf "$TMP"
	# liblxc's lock files for our lxcpath (/run/lxc/lock/<lxcpath>/.<vmid>)
	case "$TMP" in /tmp/pvestandin-selftest.*) rm -rf "/run/lxc/lock$TMP" ;; esac
	return 0
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
# VMIDs name host-global cgroups (lxc/<vmid>); the stand-in's nextid skips the ones
# a container of another root uses, so 100 is expected only on an idle host.
A=$("$PVESH" get /cluster/nextid)
if ls -d /sys/fs/cgroup/*/lxc/100 /sys/fs/cgroup/*/lxc.monitor/100 >/dev/null 2>&1; then
	check "pvesh get /cluster/nextid -> a VMID (lxc/100 busy on this host)" test "$A" -ge 100
else
	check "pvesh get /cluster/nextid -> 100" test "$A" = 100
fi
check "pvesh nextid json is a string" test "$("$PVESH" get /cluster/nextid --output-format json)" = "\"$A\""

# --- privileged CT $A ----------------------------------------------------
out=$("$PCT" create "$A" local:vztmpl/bb.tar --rootfs ctstore:0 --ostype unmanaged --unprivileged 0 \
	--memory 256 --hostname t1 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct create $A"; else notok "pct create $A (rc=$rc)"; echo "$out" | diag; fi
CONF=$R/etc/pve/lxc/$A.conf
check "conf has rootfs volume line" grep -qx "rootfs: ctstore:$A/subvol-$A-disk-0.subvol,size=0T" "$CONF"
check "conf has no lock after create" bash -c "! grep -q '^lock:' '$CONF'"
check "conf has hostname/memory/swap defaults" \
	bash -c "grep -qx 'hostname: t1' '$CONF' && grep -qx 'memory: 256' '$CONF' && grep -qx 'swap: 512' '$CONF'"
VOL=$R/var/lib/ctstore/images/$A/subvol-$A-disk-0.subvol
check "volume directory was extracted" test -x "$VOL/bin/busybox"
check "privileged CT keeps owner 0" test "$(stat -c %u "$VOL/bin/busybox")" = 0
check "setuid bit survives extraction" test -u "$VOL/usr/bin/suidbox"
printf 'lxc.init.cmd: /bin/sleep 1000\nlxc.no_new_privs: 1\n' >>"$CONF"

cfg_out=$("$PCT" config "$A" 2>"$TMP/err")
check "pct config shows the raw lxc.init.cmd" grep -qx 'lxc.init.cmd: /bin/sleep 1000' <<<"$cfg_out"
check "pct config drops lxc.no_new_privs" eval '! grep -q no_new_privs <<<"$cfg_out"'
check "pct config warns about lxc.no_new_privs" \
	grep -qx "vm $A - unable to parse config: lxc.no_new_privs: 1" "$TMP/err"

check "pct status: stopped" test "$("$PCT" status "$A" 2>/dev/null)" = "status: stopped"

# start with an extra fd open: it must not leak into lxc-start
out=$("$PCT" start "$A" 2>&1 9>"$TMP/leakcheck")
rc=$?
if [ $rc = 0 ]; then ok "pct start $A"; else notok "pct start $A (rc=$rc)"; echo "$out" | diag; fi
check "generated lxc config uses the volume as rootfs" \
	grep -qx "lxc.rootfs.path = dir:$VOL" "$R/var/lib/lxc/$A/config"
check "generated lxc config drops lxc.no_new_privs" bash -c "! grep -q no_new_privs '$R/var/lib/lxc/$A/config'"
out=$("$PCT" start "$A" 2>&1)
rc=$?
check "pct start again fails: CT $A already running" \
	rc_and_line $rc 255 "$out" "CT $A already running"

st=$("$PCT" status "$A" --verbose 2>/dev/null)
check "pct status --verbose: running" grep -qx 'status: running' <<<"$st"
check "pct status --verbose: name and maxmem" \
	eval 'has_line "$st" "name: t1" && has_line "$st" "maxmem: 268435456"'
pid=$(awk '/^pid:/{print $2}' <<<"$st")
check "pct status --verbose: pid" test -n "$pid"
check "pid runs /bin/sleep 1000" test "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "/bin/sleep 1000 "
check "/proc/<pid>/root is the rootfs" test "/proc/$pid/root/bin/busybox" -ef "$VOL/bin/busybox"
check "memory limit in lxc/$A cgroup" \
	test "$(cat /sys/fs/cgroup/memory/lxc/$A/memory.limit_in_bytes 2>/dev/null)" = 268435456
lxcpid=$(pgrep -f "lxc-start -F -n $A -P $R/var/lib/lxc" | head -1)
check "lxc-start runs daemonized (own session, not our child)" \
	bash -c "[ -n '$lxcpid' ] && [ \"\$(ps -o sid= -p $lxcpid | tr -d ' ')\" != \"\$(ps -o sid= -p $$ | tr -d ' ')\" ] && [ \"\$(ps -o ppid= -p $lxcpid | tr -d ' ')\" != $$ ]"
check "caller's fd 9 did not leak into lxc-start" \
	bash -c "! ls -l /proc/$lxcpid/fd 2>/dev/null | grep -q leakcheck"
check "lxc-start stderr goes to run/pve/ct-$A.stderr" \
	bash -c "ls -l /proc/$lxcpid/fd/2 | grep -q '$R/run/pve/ct-$A.stderr'"

"$PCT" exec "$A" --keep-env 0 -- /bin/sh -c 'exit 7' 2>/dev/null
rc=$?
check "pct exec returns the command's status (7)" test $rc = 7
check "pct exec runs in the CT (hostname t1)" \
	test "$("$PCT" exec "$A" --keep-env 0 -- /bin/sh -c hostname 2>/dev/null)" = t1
out=$("$PCT" exec "$A" ls -la 2>&1)
check "pct exec $A ls -la -> Unknown option: la" grep -qx 'Unknown option: la' <<<"$out"
out=$("$PCT" exec "$A" 2>&1)
check "pct exec without command" \
	grep -qx 'missing command at /usr/share/perl5/PVE/CLI/pct.pm line 246.' <<<"$out"

out=$("$PCT" create "$A" local:vztmpl/bb.tar --rootfs ctstore:0 2>&1)
rc=$?
check "pct create $A again fails" test $rc != 0
check "... with 'CT $A already exists on node'" grep -qx "CT $A already exists on node 'standin'" <<<"$out"
B=$("$PVESH" get /cluster/nextid)
check "pvesh nextid now skips $A" test "$B" -gt "$A"
out=$("$PVESH" get /cluster/nextid --vmid "$A" 2>&1)
check "pvesh nextid --vmid $A refused" \
	eval 'has_line "$out" "400 Parameter verification failed." && has_line "$out" "vmid: VM $A already exists"'

check "pct list shows CT $A running" \
	has_line "$("$PCT" list 2>/dev/null)" "$(printf '%-10s %-10s %-12s %-20s' "$A" running '' t1)"

"$PCT" set "$A" --memory 300 2>/dev/null
check "pct set --memory on a running CT writes lxc/$A" \
	test "$(cat /sys/fs/cgroup/memory/lxc/$A/memory.limit_in_bytes 2>/dev/null)" = 314572800
check "pct set --memory updates the conf" grep -qx 'memory: 300' "$CONF"

out=$("$PCT" stop "$A" 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct stop $A"; else notok "pct stop $A (rc=$rc)"; echo "$out" | diag; fi
check "pct status: stopped after stop" test "$("$PCT" status "$A" 2>/dev/null)" = "status: stopped"
out=$("$PCT" stop "$A" 2>&1)
check "pct stop again: CT $A not running" grep -qx "CT $A not running" <<<"$out"

out=$("$PCT" destroy "$A" --purge 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct destroy $A --purge"; else notok "pct destroy $A --purge (rc=$rc)"; echo "$out" | diag; fi
check "destroy printed the purge message" grep -qx "purging CT $A from related configurations.." <<<"$out"
check "no conf left" test ! -e "$CONF"
check "no volume left" test ! -e "$VOL"
check "no lxc dir left" test ! -e "$R/var/lib/lxc/$A"
check "no cgroup dirs left" bash -c "! ls -d /sys/fs/cgroup/*/lxc/$A /sys/fs/cgroup/*/lxc.monitor/$A 2>/dev/null | grep -q ."

# The remaining CTs use VMIDs far above 100 (derived from our pid) so that a test
# suite running concurrently on this host with its own root is unlikely to use the
# same host-global cgroup lxc/<vmid>; pvesh --vmid asserts that they are free.
BASE=$((500000 + ($$ % 100000) * 3))
B=$("$PVESH" get /cluster/nextid --vmid $BASE)
C=$("$PVESH" get /cluster/nextid --vmid $((BASE + 1)))
D=$("$PVESH" get /cluster/nextid --vmid $((BASE + 2)))
check "pvesh nextid --vmid N returns a free N" test "$B" = $BASE
# --- unprivileged CT $B --------------------------------------------------
out=$("$PCT" create $B local:vztmpl/bb.tar --rootfs ctstore:0 --ostype unmanaged --unprivileged 1 \
	--hostname u1 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct create $B (unprivileged)"; else notok "pct create $B (rc=$rc)"; echo "$out" | diag; fi
VOL1=$R/var/lib/ctstore/images/$B/subvol-$B-disk-0.subvol
check "unprivileged: conf has unprivileged: 1" grep -qx 'unprivileged: 1' "$R/etc/pve/lxc/$B.conf"
check "unprivileged: files shifted to uid 100000" test "$(stat -c %u:%g "$VOL1/bin/busybox")" = 100000:100000
check "unprivileged: volume root owned by 100000" test "$(stat -c %u "$VOL1")" = 100000
check "unprivileged: setuid bit kept after shifting" test -u "$VOL1/usr/bin/suidbox"
echo 'lxc.init.cmd: /bin/sleep 1000' >>"$R/etc/pve/lxc/$B.conf"
out=$("$PCT" start $B 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct start $B (unprivileged)"; else notok "pct start $B (rc=$rc)"; echo "$out" | diag; fi
check "unprivileged: userns idmap in lxc config" grep -qx 'lxc.idmap = u 0 100000 65536' "$R/var/lib/lxc/$B/config"
check "unprivileged: exec sees uid 0 mapped to 100000" \
	bash -c "'$PCT' exec $B --keep-env 0 -- /bin/sh -c 'cat /proc/self/uid_map' 2>/dev/null | grep -Eq '^ +0 +100000 +65536$'"
pid=$("$PCT" status $B --verbose 2>/dev/null | awk '/^pid:/{print $2}')
check "unprivileged: init runs as host uid 100000" test "$(stat -c %u "/proc/$pid" 2>/dev/null)" = 100000

# --- lock handling ----------------------------------------------------------
# hold the config flock in a process whose pid we know (flock(1) would fork a child)
bash -c 'exec 9>>"$1" && flock -x 9 && exec sleep 30' _ "$R/run/lock/lxc/pve-config-$B.lock" &
FLOCK_PID=$!
for _ in $(seq 50); do
	flock -n -x "$R/run/lock/lxc/pve-config-$B.lock" true 2>/dev/null || break
	sleep 0.1
done
start=$(date +%s)
out=$("$PCT" set $B --memory 128 2>&1)
rc=$?
end=$(date +%s)
kill "$FLOCK_PID" 2>/dev/null
wait "$FLOCK_PID" 2>/dev/null
FLOCK_PID=
check "pct set with a held flock fails" test $rc != 0
check "... printing 'trying to acquire lock...'" grep -q '^trying to acquire lock\.\.\.' <<<"$out"
check "... and the got-timeout error" \
	grep -qx "can't lock file '$R/run/lock/lxc/pve-config-$B.lock' - got timeout" <<<"$out"
check "... after about 10 s" test $((end - start)) -ge 9 -a $((end - start)) -le 13
check "conf unchanged by the failed set" bash -c "! grep -q '^memory: 128' '$R/etc/pve/lxc/$B.conf'"

sed -i '1i lock: backup' "$R/etc/pve/lxc/$B.conf"
out=$("$PCT" set $B --memory 128 2>&1)
check "pct set refuses a locked CT: CT is locked (backup)" grep -qx 'CT is locked (backup)' <<<"$out"
"$PCT" unlock $B 2>/dev/null

out=$("$PCT" destroy $B 2>&1)
check "destroy of a running CT refused" grep -qx "unable to destroy CT $B - container is running" <<<"$out"
out=$("$PCT" destroy $B --force 2>&1)
rc=$?
check "destroy --force stops and destroys" \
	rc_and_line $rc 0 "$out" "forced to stop CT $B before destroying!"
check "unprivileged CT fully removed" \
	bash -c "[ ! -e '$R/etc/pve/lxc/$B.conf' ] && [ ! -e '$VOL1' ] && ! ls -d /sys/fs/cgroup/*/lxc/$B 2>/dev/null | grep -q ."

# --- parameter checks ---------------------------------------------------------
out=$("$PCT" create $C local:vztmpl/bb.tar --rootfs local:0 2>&1)
check "rootfs on a storage without rootdir is refused" \
	grep -qx "storage: storage 'local' does not support container directories" <<<"$out"
out=$("$PCT" create $C local:vztmpl/bb.tar --memory 8 --hostname a_b --rootfs ctstore:0 2>&1)
rc=$?
check "validation errors: exit 255" test $rc = 255
check "validation errors: 400 Parameter verification failed." grep -qx '400 Parameter verification failed.' <<<"$out"
check "validation errors: memory minimum" grep -qx 'memory: value must have a minimum value of 16' <<<"$out"
check "validation errors: hostname dns-name" \
	grep -qx 'hostname: invalid format - value does not look like a valid DNS name' <<<"$out"
check "validation errors: usage line" grep -qx 'pct create <vmid> <ostemplate> \[OPTIONS\]' <<<"$out"
out=$("$PCT" create $C local:vztmpl/bb.tar --bogus 1 2>&1)
check "unknown option" eval 'has_line "$out" "Unknown option: bogus" && has_line "$out" "400 unable to parse option"'
out=$("$PCT" create $C local:vztmpl/missing.tar --rootfs ctstore:0 --ostype unmanaged 2>&1)
rc=$?
check "missing template: task error, exit 255" test $rc = 255
check "missing template: message" grep -qx "unable to create CT $C - can't find file 'local:vztmpl/missing.tar'" <<<"$out"
check "missing template: nothing left behind" \
	bash -c "[ ! -e '$R/etc/pve/lxc/$C.conf' ] && [ -z \"\$(ls '$R/var/lib/ctstore/images/$C' 2>/dev/null)\" ]"
out=$("$PCT" config 999 2>&1)
check "config of a missing CT" grep -qx "Configuration file 'nodes/standin/lxc/999.conf' does not exist" <<<"$out"
out=$("$PCT" create $C local:vztmpl/bb.tar --rootfs ctstore:0 --dev0 /dev/nonexistent 2>&1)
check "devN needs an existing device node" grep -qx 'Device /dev/nonexistent does not exist' <<<"$out"
check "pct list prints nothing without CTs" test -z "$("$PCT" list 2>&1)"

# --- emulated 8.4: no entrypoint/env ------------------------------------------
echo 8.4 >"$R/standin.version"
out=$("$PCT" create $C local:vztmpl/bb.tar --rootfs ctstore:0 --entrypoint /bin/sh 2>&1)
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
out=$("$PCT" create $D local:vztmpl/app.tar --rootfs ctstore:0 --ostype unmanaged --hostname app 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct create $D from an OCI archive"; else notok "pct create $D from OCI (rc=$rc)"; echo "$out" | diag; fi
check "OCI: 'Detected OCI archive'" grep -qx 'Detected OCI archive' <<<"$out"
C3=$R/etc/pve/lxc/$D.conf
check "OCI: entrypoint" grep -qx 'entrypoint: /bin/sleep 1000' "$C3"
check "OCI: cmode console" grep -qx 'cmode: console' "$C3"
check "OCI: env as lxc.environment.runtime" \
	bash -c "grep -qx 'lxc.environment.runtime: A=1' '$C3' && grep -qx 'lxc.environment.runtime: B=two words' '$C3'"
check "OCI: lxc.init.cwd and lxc.signal.halt" \
	bash -c "grep -qx 'lxc.init.cwd: /tmp' '$C3' && grep -qx 'lxc.signal.halt: SIGTERM' '$C3'"
check "OCI: rootfs shifted for the unprivileged default" \
	test "$(stat -c %u "$R/var/lib/ctstore/images/$D/subvol-$D-disk-0.subvol/bin/busybox")" = 100000
out=$("$PCT" start $D 2>&1)
rc=$?
if [ $rc = 0 ]; then ok "pct start $D (OCI app)"; else notok "pct start $D (rc=$rc)"; echo "$out" | diag; fi
pid=$("$PCT" status $D --verbose 2>/dev/null | awk '/^pid:/{print $2}')
check "OCI: init is the entrypoint" test "$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" = "/bin/sleep 1000 "
check "OCI: init has the image env" grep -qz '^B=two words$' "/proc/$pid/environ"
check "OCI: init cwd is WorkingDir" test "/proc/$pid/cwd" -ef "$R/var/lib/ctstore/images/$D/subvol-$D-disk-0.subvol/tmp"
out=$("$PCT" shutdown $D --timeout 1 2>&1)
rc=$?
check "shutdown of an init ignoring SIGTERM: container did not stop" \
	rc_and_line $rc 255 "$out" 'container did not stop'
out=$("$PCT" shutdown $D --timeout 1 --forceStop 1 2>&1)
rc=$?
check "shutdown --forceStop 1 kills after the timeout" test $rc = 0
check "OCI: stopped" test "$("$PCT" status $D 2>/dev/null)" = "status: stopped"
"$PCT" destroy $D >/dev/null 2>&1
check "OCI: destroyed" test ! -e "$C3"

echo "1..$N"
echo "# $N tests, $FAILED failed"
[ $FAILED = 0 ]
