#!/usr/bin/env bash
# End-to-end tests: real clients (podman 4.3 + conmon, containerd 1.6 +
# containerd-shim-runc-v2 + ctr) driving an OCI runtime binary.
#
#   tests/e2e/run.sh RUNTIME          e.g. build/src/hutch, /usr/bin/crun, /usr/sbin/runc
#
# Prints TAP: the plan, one ok/not ok line per scenario, diagnostics as '#'
# lines; exits 0 when every scenario passed. Needs root and the Debian
# packages that scripts/deps.sh installs; installs nothing and uses no network
# (the image is made from busybox-static with `podman import`).
#
# Isolation: the suite re-runs itself as PID 1 of a private mount + PID
# namespace (nothing it starts outlives it). Inside: a tmpfs work dir holding
# podman's root/runroot/tmpdir and a private containers.conf/storage.conf/
# registries.conf (via env), containerd's own config/root/state/socket and
# namespace, the runtime's own --root for each client, and a cgroup parent
# /$TAG; private tmpfs over /run, /var/tmp and /var/lib/containers. The last
# TAP line is checked outside the namespace: no process, mount, cgroup or file
# of the run is left on the host.
#
# Environment knobs:
#   STEP_TIMEOUT=30    bound on each client command (s)
#   E2E_TIMEOUT=1200   bound on the whole suite (s)
#   HIDE_UNIFIED=0|1   cover /sys/fs/cgroup/unified with a tmpfs in the private
#                      namespace (crun 1.8 refuses hybrid hosts); default 1 for
#                      a runtime named crun*, 0 otherwise (hutch must not need it)
#   STORAGE_DRIVER=overlay|vfs
#   E2E_ONLY=REGEX     run only the scenarios whose name matches (others are
#                      reported as skipped)
#   KEEP_WORKDIR=1     keep a copy of the work dir's logs in /tmp/hutch-e2e-logs.*
#   E2E_TODO=REGEX=WHY scenarios known to fail: "not ok ... # TODO WHY"; several
#                      entries one per line
#   BACKEND=lxc        hutch only: the backend its /etc/hutch/hutch.conf names
#                      (a private overlay of /etc), as podman/containerd users
#                      select one; BACKEND=proxmox also makes a stand-in PVE
#                      node (tests/proxmox/standin) that hutch.conf points to
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STEP_TIMEOUT=${STEP_TIMEOUT:-30}
E2E_TIMEOUT=${E2E_TIMEOUT:-1200}
STORAGE_DRIVER=${STORAGE_DRIVER:-overlay}

# shellcheck source=lib.bash
. "$HERE/lib.bash"

# ---- scenario registry (also read by the outer process, to size the plan) ----
SC_NAMES=()
SC_FUNCS=()
SC_NEEDS=()
# scenario NAME FUNCTION [PREREQUISITE]: PREREQUISITE is a flag a setup
# scenario sets in READY when it passed.
scenario() {
  SC_NAMES+=("$1")
  SC_FUNCS+=("$2")
  SC_NEEDS+=("${3:-}")
}
declare -A READY=()

# known_failure NAME: the WHY of the first E2E_TODO line whose REGEX matches.
known_failure() {
  local entry
  while IFS= read -r entry; do
    [ -n "$entry" ] && [[ $1 =~ ${entry%%=*} ]] && { echo "${entry#*=}"; return 0; }
  done <<<"${E2E_TODO:-}"
  return 1
}

. "$HERE/setup.bash"
. "$HERE/podman.bash"
. "$HERE/containerd.bash"
. "$HERE/contract.bash"
scenario leftovers-inside sc_leftovers_inside
PLAN=$((${#SC_NAMES[@]} + 1)) # + the host check done by the outer process

die_tap() { # die_tap REASON: a TAP stream that fails as a whole
  echo "1..1"
  echo "not ok 1 - e2e setup"
  echo "# $1"
  exit 1
}

# =========================== outer process ==================================
if [ -z "${E2E_IN_NS:-}" ]; then
  [ $# -eq 1 ] || { echo "usage: $0 RUNTIME-BINARY" >&2; exit 2; }
  [ "$(id -u)" = 0 ] || die_tap "needs root"
  RT=$(readlink -f -- "$1" 2>/dev/null) || die_tap "no runtime binary $1"
  [ -x "$RT" ] || die_tap "not executable: $1"
  missing=""
  for c in podman conmon containerd ctr containerd-shim-runc-v2 unshare findmnt python3 busybox; do
    command -v "$c" >/dev/null 2>&1 || missing="$missing $c"
  done
  [ -x /bin/busybox ] || missing="$missing /bin/busybox(busybox-static)"
  [ -z "$missing" ] || die_tap "missing:$missing (scripts/deps.sh installs them)"

  if [ -z "${HIDE_UNIFIED:-}" ]; then
    HIDE_UNIFIED=0
    case $(basename "$RT") in
    crun*)
      [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] && HIDE_UNIFIED=1
      ;;
    esac
  fi
  TAG=hutch-e2e-$$
  W=$(mktemp -d "/tmp/$TAG.XXXXXX") || die_tap "mktemp failed"
  chmod 755 "$W"
  T0=$(date +%s)

  # What exists before, to tell what the run would leave behind.
  snapshot() {
    local d
    for d in /run /etc /var/lib /var/tmp "$PWD"; do
      find "$d" -mindepth 1 -maxdepth 1 2>/dev/null
    done | sort
  }
  before=$(snapshot)
  VLC_MADE=0
  if [ ! -e /var/lib/containers ]; then
    mkdir -p /var/lib/containers && VLC_MADE=1
  fi

  export RT TAG W HIDE_UNIFIED STEP_TIMEOUT STORAGE_DRIVER E2E_IN_NS=1
  # --kill-child=SIGTERM: when unshare dies, the inner script (PID 1 of the
  # namespace) gets SIGTERM and cleans up; when the inner script ends, the
  # kernel kills whatever is left in the namespace.
  unshare --mount --propagation private --pid --fork --kill-child=SIGTERM --mount-proc \
    -- bash "$HERE/run.sh" "$RT" &
  inner=$!
  # Stopping means signalling the inner script itself (unshare's child, by
  # pid): unshare dies of SIGTERM at once, and the host check would then run
  # while the inner clean-up is still going on.
  stop_inner() {
    local child
    for child in $(cat "/proc/$inner/task/$inner/children" 2>/dev/null); do
      kill -TERM "$child" 2>/dev/null
    done
  }
  trap stop_inner INT TERM
  (
    trap 'kill $! 2>/dev/null; exit 0' TERM
    sleep "$E2E_TIMEOUT" &
    wait $!
    echo "# overall timeout ${E2E_TIMEOUT}s: stopping" >&2
    stop_inner
  ) &
  watchdog=$!
  wait "$inner"
  rc=$?
  # a signal interrupts wait: wait again for the inner clean-up
  while kill -0 "$inner" 2>/dev/null; do
    wait "$inner"
    rc=$?
    [ "$rc" = 127 ] && break # not our child any more
  done
  kill "$watchdog" 2>/dev/null
  wait "$watchdog" 2>/dev/null

  # ---- the host check (last TAP line) ----
  problems=()
  sleep 0.2
  for pid in $(pgrep -f -- "$W" 2>/dev/null); do
    problems+=("process left: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-120)")
  done
  if grep -q -- "$W" /proc/self/mountinfo; then
    problems+=("mounts left in the host namespace: $(grep -c -- "$W" /proc/self/mountinfo)")
  fi
  left=$(find /sys/fs/cgroup -name "*$TAG*" 2>/dev/null)
  if [ -n "$left" ]; then
    problems+=("cgroups left: $(echo "$left" | head -5 | tr '\n' ' ')")
    for _ in 1 2 3 4 5; do
      find /sys/fs/cgroup -depth -type d -name "*$TAG*" -exec sh -c 'find "$1" -depth -type d -exec rmdir {} \;' _ {} \; 2>/dev/null
      [ -z "$(find /sys/fs/cgroup -name "*$TAG*" 2>/dev/null)" ] && break
      sleep 1
    done
  fi
  if [ "$VLC_MADE" = 1 ]; then
    rmdir /var/lib/containers 2>/dev/null || problems+=("/var/lib/containers not empty")
  fi
  if [ -n "$(ls -A "$W" 2>/dev/null)" ]; then
    problems+=("files left in $W: $(ls -A "$W" | head -5 | tr '\n' ' ')")
    rm -rf "$W"
  else
    rmdir "$W" 2>/dev/null
  fi
  # Other work on the machine may add entries meanwhile: only names that the
  # clients, the runtime or this suite make count as left behind.
  new=$(comm -13 <(echo "$before") <(snapshot))
  ours=$(echo "$new" | grep -E "$TAG|hutch|$(basename "$RT")|containers|containerd|cni|libpod|podman|conmon|netns|crun|runc|/oom\$|/sub[ug]id")
  [ -n "$ours" ] && problems+=("new entries on the host: $(echo "$ours" | head -5 | tr '\n' ' ')")
  others=$(echo "$new" | grep -vxF -- "$ours")
  [ -n "$new" ] && [ -n "$others" ] && echo "# new on the host, not from this run (not counted): $(echo "$others" | head -5 | tr '\n' ' ')"
  if [ ${#problems[@]} = 0 ]; then
    echo "ok $PLAN - host-clean-after-run"
  else
    echo "not ok $PLAN - host-clean-after-run"
    printf '# %s\n' "${problems[@]}"
    rc=1
  fi
  echo "# runtime=$RT hide_unified=$HIDE_UNIFIED elapsed=$(($(date +%s) - T0))s"
  exit "$rc"
fi

# =========================== inner process (PID 1) ==========================
FAILS=0
PASSED=0
FAILED=0
N=0
CTD_PID=""
CTD2_PID=""
INTERRUPTED=0

# fd 9 is the TAP stream (the daemons started here do not get it): a trap may
# fire while a scenario's output goes to its diagnostics file, and what the
# clean-up says must still reach the TAP.
exec 9>&1
echo "1..$PLAN"

# Mounts private to this namespace.
if [ "$HIDE_UNIFIED" = 1 ]; then
  mount -t tmpfs -o size=16m,mode=755 hutch-e2e-no-cgroup2 /sys/fs/cgroup/unified ||
    { echo "Bail out! cannot cover /sys/fs/cgroup/unified"; exit 1; }
fi
mount -t tmpfs -o mode=755 hutch-e2e-run /run &&
  mount -t tmpfs -o mode=1777 hutch-e2e-vartmp /var/tmp &&
  mount -t tmpfs -o mode=700 hutch-e2e-vlc /var/lib/containers &&
  mount -t tmpfs -o mode=755,size=4g hutch-e2e-work "$W" ||
  { echo "Bail out! private mounts failed"; exit 1; }
mkdir -p "$W/tmp" "$W/podman" "$W/ctd" "$W/vol"
export TMPDIR=$W/tmp
# podman --userns=auto takes its ranges from the subordinate ids of the user
# "containers": private /etc/subuid and /etc/subgid (bound over the host's,
# or on an overlay of /etc when the host has none).
printf 'containers:400000:300000\n' >"$W/subid"
# BACKEND=lxc: hutch chooses it from its system config file, the way an
# engine that knows only the binary's path gets it (a private /etc/hutch).
if [ -n "${BACKEND:-}" ]; then
  mkdir -p "$W/etc-upper/hutch" "$W/etc-work" && cp "$W/subid" "$W/etc-upper/subuid" &&
    cp "$W/subid" "$W/etc-upper/subgid" && printf 'default-backend = %s\n' "$BACKEND" >"$W/etc-upper/hutch/hutch.conf" &&
    if [ "$BACKEND" = proxmox ]; then
      "$HERE/../proxmox/standin/mkroot" "$W/pve" >/dev/null &&
        printf 'proxmox.%s\n' "pct = $W/pve/bin/pct" "pvesh = $W/pve/bin/pvesh" "pvesm = $W/pve/bin/pvesm" \
          "config-dir = $W/pve/etc/pve/lxc" "lock-dir = $W/pve/run/lock/lxc" "storage = ctstore" "rootfs-size = 0" \
          >>"$W/etc-upper/hutch/hutch.conf"
    fi &&
    mount -t overlay -o "lowerdir=/etc,upperdir=$W/etc-upper,workdir=$W/etc-work" hutch-e2e-etc /etc
elif [ -f /etc/subuid ] && [ -f /etc/subgid ]; then
  mount --bind "$W/subid" /etc/subuid && mount --bind "$W/subid" /etc/subgid
else
  mkdir -p "$W/etc-upper" "$W/etc-work" && cp "$W/subid" "$W/etc-upper/subuid" && cp "$W/subid" "$W/etc-upper/subgid" &&
    mount -t overlay -o "lowerdir=/etc,upperdir=$W/etc-upper,workdir=$W/etc-work" hutch-e2e-etc /etc
fi || { echo "Bail out! private subordinate ids failed"; exit 1; }
# conmon writes an "oom" marker into its working directory, which is ours.
cd "$W/tmp" || { echo "Bail out! cd $W/tmp"; exit 1; }

CTD_ROOT_RT=$W/ctd/rtroot         # the runtime's --root under containerd (+/<namespace>)
IMG=localhost/hutch-e2e:latest

# podman: private everything; the runtime and its root are given explicitly.
cat >"$W/podman/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
# podman passes --log-format=json (and reads the runtime's JSON log for the
# error of a failed create) only to runtimes named here
runtime_supports_json = ["crun", "runc", "kata", "runsc", "krun", "hutch"]
events_logger = "file"
events_logfile_path = "$W/podman/events.log"
image_copy_tmp_dir = "$W/tmp"
tmp_dir = "$W/podman/tmp"
static_dir = "$W/podman/root/libpod"
volume_path = "$W/podman/root/volumes"
[network]
network_config_dir = "$W/podman/net"
EOF
cat >"$W/podman/storage.conf" <<EOF
[storage]
driver = "$STORAGE_DRIVER"
graphroot = "$W/podman/root"
runroot = "$W/podman/runroot"
EOF
printf 'unqualified-search-registries = []\n' >"$W/podman/registries.conf"
export CONTAINERS_CONF=$W/podman/containers.conf
export CONTAINERS_STORAGE_CONF=$W/podman/storage.conf
export CONTAINERS_REGISTRIES_CONF=$W/podman/registries.conf
# No --runtime-flag root=...: podman 4.3 leaves it out of the exit command it
# gives conmon (`podman container cleanup`), whose `delete` would then look in
# the runtime's default root and leave the state and cgroup behind. The
# runtime's default root (/run/<name>) is inside this namespace's private /run.
PODMAN_GLOBALS="--root $W/podman/root --runroot $W/podman/runroot --tmpdir $W/podman/tmp --cgroup-manager cgroupfs --log-level error --runtime $RT"
# shellcheck disable=SC2206
P=(podman $PODMAN_GLOBALS)
PRUN=(--cgroup-parent "/$TAG")
pm() { x "${P[@]}" "$@"; }
pmin() { local in=$1; shift; xin "$in" "${P[@]}" "$@"; }

CTR_GLOBALS="--address $W/ctd/containerd.sock --namespace $TAG"
# shellcheck disable=SC2206
C=(ctr $CTR_GLOBALS)
CRUN=(--runc-binary "$RT" --runc-root "$CTD_ROOT_RT")
ct() { x "${C[@]}" "$@"; }

# The runtime itself, on the state root a client gave it (podman: the default).
rt_podman() { x "$RT" "$@"; }
rt_ctd() { x "$RT" --root "$CTD_ROOT_RT/$TAG" "$@"; }

podman_clean() {
  local ids
  ids=$(timeout 30 "${P[@]}" ps -aq 2>/dev/null)
  [ -n "$ids" ] && timeout 60 "${P[@]}" rm -af -t 0 >/dev/null 2>&1
  return 0
}
ctd_clean() {
  local c
  [ -n "$CTD_PID" ] || return 0
  for c in $(timeout 10 "${C[@]}" containers ls -q 2>/dev/null); do
    timeout 10 "${C[@]}" tasks kill -s SIGKILL "$c" >/dev/null 2>&1
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      timeout 10 "${C[@]}" tasks ls 2>/dev/null | awk -v c="$c" '$1==c {print $3}' | grep -q RUNNING || break
      sleep 0.1
    done
    timeout 10 "${C[@]}" tasks delete -f "$c" >/dev/null 2>&1
    timeout 10 "${C[@]}" containers delete "$c" >/dev/null 2>&1
  done
  return 0
}

stop_daemon() { # stop_daemon PID
  local pid=$1
  [ -n "$pid" ] || return 0
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

cleanup() {
  trap - EXIT INT TERM
  podman_clean
  ctd_clean
  stop_daemon "$CTD_PID"
  stop_daemon "$CTD2_PID"
  # conmon / shims of this run (all in this PID namespace): by PID.
  for pid in $(pgrep -f "containerd-shim-runc-v2 .*$W/" 2>/dev/null) $(pgrep -f "conmon .*$W/" 2>/dev/null); do
    kill -9 "$pid" 2>/dev/null
  done
  cg_sweep
  if [ "${KEEP_WORKDIR:-0}" = 1 ]; then
    keep=$(mktemp -d /tmp/hutch-e2e-logs.XXXXXX)
    cp -a "$W/ctd/containerd.log" "$W/ctd-cri/containerd.log" "$W/podman/events.log" "$keep/" 2>/dev/null
    echo "# logs kept in $keep" >&9
  fi
  grep -o " $W[^ ]*" /proc/self/mountinfo 2>/dev/null | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  umount -l "$W" 2>/dev/null
  echo "# $PASSED passed, $FAILED failed inside the namespace" >&9
}
trap cleanup EXIT
trap 'INTERRUPTED=1; echo "Bail out! interrupted" >&9; exit 1' INT TERM

echo "# runtime: $RT ($("$RT" --version 2>/dev/null | head -1))"
echo "# podman $(podman --version | awk '{print $3}'), conmon $(conmon --version | awk 'NR==1{print $3}'), containerd $(containerd --version | awk '{print $3}'), storage=$STORAGE_DRIVER, hide_unified=$HIDE_UNIFIED, tag=$TAG"

for idx in "${!SC_NAMES[@]}"; do
  N=$((N + 1))
  name=${SC_NAMES[$idx]}
  fn=${SC_FUNCS[$idx]}
  need=${SC_NEEDS[$idx]}
  # E2E_ONLY: setup scenarios (setup_*) always run, the others when selected
  if [ -n "${E2E_ONLY:-}" ] && ! [[ $name =~ $E2E_ONLY ]] && [ "${fn#setup_}" = "$fn" ]; then
    echo "ok $N - $name # SKIP not selected by E2E_ONLY"
    continue
  fi
  if [ -n "$need" ] && [ -z "${READY[$need]:-}" ]; then
    echo "not ok $N - $name"
    echo "# not run: prerequisite '$need' failed"
    FAILED=$((FAILED + 1))
    continue
  fi
  FAILS=0
  t0=$(now_ms)
  "$fn" >"$W/.diag" 2>&1
  rc=$?
  case $name in
  podman-* | contract-*) [ -n "${READY[podman]:-}" ] && podman_clean ;;
  esac
  case $name in
  ctr-* | contract-*) ctd_clean ;;
  esac
  ms=$(($(now_ms) - t0))
  if [ "$rc" = 0 ] && [ "$FAILS" = 0 ]; then
    echo "ok $N - $name"
    PASSED=$((PASSED + 1))
  elif todo_why=$(known_failure "$name"); then
    # known and named: reported, not counted as a failure
    echo "not ok $N - $name # TODO $todo_why"
    grep -v '^note:' "$W/.diag" | head -n 20 | sed 's/^/#   /'
  else
    echo "not ok $N - $name"
    [ "$FAILS" = 0 ] && echo "FAILED: scenario returned $rc" >>"$W/.diag"
    grep -v '^note:' "$W/.diag" | head -n 60 | sed 's/^/#   /'
    FAILED=$((FAILED + 1))
  fi
  [ "$ms" -gt 15000 ] && echo "# ($name took $((ms / 1000)) s)"
done
exit 0
