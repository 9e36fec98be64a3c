# Cgroup look-ups shared by resources.bats, update.bats and freezer.bats
# (loaded after helpers.bash, which it does not repeat).

# cg_mount CONTROLLER: the host mount point of the v1 hierarchy that has
# CONTROLLER; with "" the cgroup2 mount. Reads the super options after the
# " - " separator, so the number of optional fields does not matter.
cg_mount() {
  awk -v want="$1" '{
    for (s = 7; s <= NF && $s != "-"; s++) ;
    fstype = $(s + 1); opts = $(s + 3)
    if (want == "" && fstype == "cgroup2") { print $5; exit }
    if (want != "" && fstype == "cgroup") {
      n = split(opts, o, ",")
      for (i = 1; i <= n; i++) if (o[i] == want) { print $5; exit }
    }
  }' /proc/self/mountinfo
}

# cg_dir CONTROLLER PID: the host directory of PID's cgroup in the hierarchy
# of CONTROLLER ("" for the unified one), from /proc/PID/cgroup.
cg_dir() {
  local ctrl=$1 pid=$2 line mnt
  if [ -z "$ctrl" ]; then
    line=$(grep '^0::' "/proc/$pid/cgroup")
  else
    line=$(awk -F: -v c="$ctrl" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print }' "/proc/$pid/cgroup")
  fi
  mnt=$(cg_mount "$ctrl")
  [ -n "$line" ] && [ -n "$mnt" ] || fail "no ${ctrl:-unified} cgroup for pid $pid"
  line=${line#*:}
  echo "$mnt${line#*:}"
}

# cg_ctr_dir CONTROLLER ID: the directory of container ID's cgroup in that
# hierarchy, which must be named hutch-ID.
cg_ctr_dir() {
  local pid dir
  pid=$(state_pid "$2")
  [ -n "$pid" ] || fail "no pid for container $2"
  dir=$(cg_dir "$1" "$pid")
  [ "$(basename "$dir")" = "hutch-$2" ] || fail "container $2 is in $dir, not in a hutch-$2 cgroup"
  [ -d "$dir" ] || fail "no $dir"
  echo "$dir"
}

# cg_read CONTROLLER ID FILE: the first line of FILE in the container's cgroup.
cg_read() {
  local dir
  dir=$(cg_ctr_dir "$1" "$2") || return 1
  head -n1 "$dir/$3"
}

# The block device a throttle can name: a whole disk backed by a device
# (not loop, zram or ram), as MAJ:MIN.
real_disk() {
  local d
  for d in /sys/block/*; do
    case ${d##*/} in loop* | zram* | ram*) continue ;; esac
    [ -e "$d/device" ] && { cat "$d/dev"; return 0; }
  done
  return 1
}
