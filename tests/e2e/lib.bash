# Helpers for the end-to-end client suite (sourced by run.sh inside the
# private namespace). Conventions:
#   - every client command goes through x/xin (bounded by STEP_TIMEOUT), which
#     sets OUT (stdout), ERR (stderr), RC and logs the command to the scenario's
#     diagnostics;
#   - a scenario is a shell function; it checks with `want DESCRIPTION TEST...`
#     and the runner turns any failed `want` (or a non-zero return) into `not ok`
#     with the diagnostics as `#` lines.

# ---- running commands ------------------------------------------------------

# x CMD...: run CMD bounded, stdin from /dev/null; sets OUT ERR RC.
x() { xin "" "$@"; }

# xin INPUT CMD...: like x, with INPUT (plus a newline) on stdin; INPUT ""
# means /dev/null.
xin() {
  local input=$1
  shift
  if [ -n "$input" ]; then
    printf '%s\n' "$input" | timeout -k 5 "$STEP_TIMEOUT" "$@" >"$W/.o" 2>"$W/.e"
    RC=${PIPESTATUS[1]}
  else
    timeout -k 5 "$STEP_TIMEOUT" "$@" >"$W/.o" 2>"$W/.e" </dev/null
    RC=$?
  fi
  OUT=$(tr -d '\000\r' <"$W/.o")
  ERR=$(tr -d '\000\r' <"$W/.e")
  log_cmd "$*"
}

# Log one command with its status and (shortened) output into the diagnostics.
log_cmd() {
  local line=$1
  line=${line//" $PODMAN_GLOBALS"/}
  line=${line//" $CTR_GLOBALS"/}
  line=${line//"$W"/\$W}
  [ ${#line} -gt 240 ] && line="${line:0:240}..."
  echo "\$ $line  => rc=$RC"
  [ -n "$OUT" ] && printf '%s\n' "$OUT" | head -n 12 | cut -c1-300 | sed 's/^/  out: /'
  [ -n "$ERR" ] && printf '%s\n' "$ERR" | head -n 12 | cut -c1-300 | sed 's/^/  err: /'
  if [ "$RC" = 124 ]; then echo "  (timed out after ${STEP_TIMEOUT}s)"; fi
  return 0
}

# xtty ROWS COLS CMD...: run CMD on a new pseudo-terminal of that size
# (pty_run.py), bounded; sets OUT/ERR/RC like x (the terminal's output is OUT).
xtty() { x python3 "$HERE/pty_run.py" "$@"; }

# ---- checks --------------------------------------------------------------

# want DESCRIPTION TEST...: TEST is a command (usually [ ... ]); a failure is
# counted and explained.
want() {
  local d=$1
  shift
  if "$@"; then
    return 0
  fi
  echo "FAILED: $d"
  FAILS=$((FAILS + 1))
  return 1
}

# not CMD...: negation usable as want's TEST.
not() { ! "$@"; }

# has HAYSTACK NEEDLE: fixed-string containment.
has() { case "$1" in *"$2"*) return 0 ;; esac; return 1; }

# matches STRING ERE
matches() { printf '%s' "$1" | grep -Eq -- "$2"; }

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 10; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

note() { echo "note: $*"; }

# ---- cgroups ---------------------------------------------------------------

# cg_mount CONTROLLER: mount point of the v1 hierarchy holding CONTROLLER
# ("" = the cgroup2 mount). Hierarchies covered by a later mount (the tmpfs
# over .../unified when HIDE_UNIFIED=1) are skipped via statfs.
cg_mount() {
  local m
  m=$(awk -v want="$1" '{
    for (s = 7; s <= NF && $s != "-"; s++) ;
    fstype = $(s + 1); opts = $(s + 3)
    if (want == "" && fstype == "cgroup2") print $5
    if (want != "" && fstype == "cgroup") {
      n = split(opts, o, ",")
      for (i = 1; i <= n; i++) if (o[i] == want) print $5
    }
  }' /proc/self/mountinfo | tail -n1)
  case $(stat -f -c %T "$m" 2>/dev/null) in cgroupfs | cgroup2fs) echo "$m" ;; esac
}

# cg_v2: true when the host is cgroup v2 only.
cg_v2() { [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; }

# cg_dir CONTROLLER PID: host directory of PID's cgroup for CONTROLLER.
cg_dir() {
  local ctrl=$1 pid=$2 line mnt
  if cg_v2 || [ -z "$ctrl" ]; then
    line=$(grep '^0::' "/proc/$pid/cgroup" 2>/dev/null)
    mnt=$(cg_mount "")
  else
    line=$(awk -F: -v c="$ctrl" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) print }' "/proc/$pid/cgroup" 2>/dev/null)
    mnt=$(cg_mount "$ctrl")
  fi
  [ -n "$line" ] && [ -n "$mnt" ] || return 1
  line=${line#*:}
  echo "$mnt${line#*:}"
}

# cg_value PID V1CONTROLLER V1FILE V2FILE: first line of the limit file of
# PID's cgroup (v1 name or v2 name, whichever the host has).
cg_value() {
  local d
  if cg_v2; then
    d=$(cg_dir "" "$1") && head -n1 "$d/$4" 2>/dev/null
  else
    d=$(cg_dir "$2" "$1") && head -n1 "$d/$3" 2>/dev/null
  fi
}

# cg_leftovers: every directory below our cgroup parent in every (visible)
# hierarchy, one per line (the parent itself is not listed).
cg_leftovers() {
  local d
  for d in $(findmnt -n -l -t cgroup,cgroup2 -o TARGET 2>/dev/null | sort -u); do
    case $(stat -f -c %T "$d" 2>/dev/null) in cgroupfs | cgroup2fs) ;; *) continue ;; esac
    [ -d "$d/$TAG" ] && find "$d/$TAG" -mindepth 1 -type d 2>/dev/null
  done
  return 0
}

# no_container_cgroups: nothing below our parent but conmon's own cgroup.
no_container_cgroups() { [ -z "$(cg_leftovers | grep -vE '/conmon$')" ]; }

# cg_sweep: remove every cgroup below and including our parent (retrying,
# exiting tasks keep v1 cgroups busy for a moment).
cg_sweep() {
  local d i left
  for i in 1 2 3 4 5 6 7 8 9 10; do
    left=0
    for d in $(findmnt -n -l -t cgroup,cgroup2 -o TARGET 2>/dev/null | sort -u); do
      case $(stat -f -c %T "$d" 2>/dev/null) in cgroupfs | cgroup2fs) ;; *) continue ;; esac
      [ -d "$d/$TAG" ] || continue
      find "$d/$TAG" -depth -type d -exec rmdir {} \; 2>/dev/null
      [ -d "$d/$TAG" ] && left=1
    done
    [ $left = 0 ] && return 0
    sleep 0.5
  done
  return 1
}

# ---- /proc helpers -----------------------------------------------------------

# status_field PID FIELD: a field of /proc/PID/status (host view).
status_field() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null; }

# counter_above FILE N: the number in FILE is greater than N.
counter_above() { local v; v=$(cat "$1" 2>/dev/null); [ "${v:-0}" -gt "$2" ]; }
