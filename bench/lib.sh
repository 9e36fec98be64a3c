# Shared by the bench/ scripts (sourced): the set-up every comparison needs.

# bench_require_root NAME: namespaces and cgroups need it.
bench_require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "$1: needs root (namespaces, cgroups)" >&2
    exit 1
  fi
}

# bench_enter_namespace SCRIPT ARGS...: re-executes SCRIPT in a private mount
# namespace (once). crun 1.8 refuses a hybrid cgroup host whose cgroup2
# mount holds controllers (this machine's layout): inside, /sys/fs/cgroup
# then shows only the v1 hierarchies, for every runtime alike; nothing
# outside the namespace changes.
bench_enter_namespace() {
  [ -n "${HUTCH_BENCH_IN_NS:-}" ] && return 0
  local hybrid=no
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
    hybrid=yes
  fi
  HUTCH_BENCH_IN_NS=1 HUTCH_BENCH_HYBRID=$hybrid exec unshare -m --propagation private "$@"
}

# bench_cgroup_view: inside the namespace, sets up that view; prints what
# the runtimes see.
bench_cgroup_view() {
  if [ "${HUTCH_BENCH_HYBRID:-no}" != yes ]; then
    echo "host layout as is"
    return 0
  fi
  local saved d
  saved=$(mktemp -d /tmp/hutch-bench-cg.XXXXXX)
  mount --rbind /sys/fs/cgroup "$saved"
  umount -l /sys/fs/cgroup
  mount -t tmpfs -o mode=755 cgroup-v1-view /sys/fs/cgroup
  for d in "$saved"/*; do
    [ "$(stat -f -c %T "$d")" = cgroupfs ] || continue
    mkdir "/sys/fs/cgroup/${d##*/}"
    mount --bind "$d" "/sys/fs/cgroup/${d##*/}"
  done
  umount -l "$saved"
  rmdir "$saved"
  echo "v1-only view of this hybrid host (private mount namespace)"
}

# bench_state_dir WORK: where the runtimes keep their state (--root). Their
# defaults (/run/crun, /run/runc, /run/hutch) are on tmpfs wherever /run is,
# as on any host whose init mounts it so; STATE=tmpfs (the default) gives
# every runtime a tmpfs there, inside the private namespace, also on a host
# whose /run is on disk (this one's). STATE=disk keeps it under WORK, where
# each fsync of a state file (hutch makes them; crun and runc do not) is a
# device write. Prints the directory.
bench_state_dir() {
  local dir=$1/state
  mkdir -p "$dir"
  case "${STATE:-tmpfs}" in
    tmpfs) mount -t tmpfs -o mode=700 bench-state "$dir" ;;
    disk) ;;
    *)
      echo "STATE=${STATE}: tmpfs or disk" >&2
      exit 1
      ;;
  esac
  echo "$dir"
}

# bench_deps: what the comparisons need, installed once from Debian, and the
# release hutch built.
bench_deps() {
  [ "${HUTCH_BENCH_NO_DEPS:-}" = 1 ] && return 0
  "$top/scripts/deps.sh"
  local missing=() p
  for p in crun runc time util-linux; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  "$top/scripts/build.sh" release
}

# bench_bundle DIR ARGS...: busybox-static with the first runtime's `spec`
# config (no terminal), process.args ARGS.
bench_bundle() {
  local dir=$1
  shift
  "$top/scripts/make-bundle.sh" "${runtimes[-1]}" "$dir" "$@" >/dev/null
  (cd "$dir" && rm -f config.json && "${runtimes[0]}" spec)
  ARGS=$(printf '%s\n' "$@") /usr/bin/python3 - "$dir/config.json" <<'PY'
import json, os, sys
path = sys.argv[1]
with open(path) as f:
    c = json.load(f)
c["process"]["args"] = os.environ["ARGS"].splitlines()
c["process"]["terminal"] = False
with open(path, "w") as f:
    json.dump(c, f, indent="\t")
PY
}
