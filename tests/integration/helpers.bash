# Shared helpers for the container lifecycle tests (loaded by every
# *.bats file here except cli.bats). HUTCH names the binary under test.
#
# Each test gets its own temp dir $TMP, its own state root $ROOT=$TMP/state,
# unique container ids (new_id), bundles copied from a per-file template
# (new_bundle), and a teardown that deletes every container it made and
# checks that nothing is left behind (assert_clean).

bats_require_minimum_version 1.5.0

PY=/usr/bin/python3
REPO=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HUTCH_TIMEOUT=${HUTCH_TIMEOUT:-60}

fail() {
  printf '%s\n' "$*" >&2
  return 1
}

# ---- set-up and tear-down ----------------------------------------------

# A template bundle (busybox rootfs + `hutch spec` config, args ["true"],
# terminal false), made once per file; new_bundle copies it.
common_setup_file() {
  : "${HUTCH:?set HUTCH to the hutch binary}"
  export TEMPLATE="$BATS_FILE_TMPDIR/template"
  "$REPO/scripts/make-bundle.sh" "$HUTCH" "$TEMPLATE" true >/dev/null
}

common_setup() {
  : "${HUTCH:?set HUTCH to the hutch binary}"
  TMP=$(mktemp -d /tmp/hutch-it.XXXXXX)
  # A container whose root is mapped to another host uid must be able to
  # reach its bundle.
  chmod 755 "$TMP"
  ROOT=$TMP/state
  export TMP ROOT
  HRUN_N=0
  : >"$TMP/ids"
  : >"$TMP/bgpids"
  : >"$TMP/own_mounts"
}

common_teardown() {
  local problems=0 pid id
  # Background processes this test started (recorded by bg_start), by pid.
  while read -r pid; do
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  done <"$TMP/bgpids"
  # Host mounts the test made itself (host_mount), innermost first.
  tac "$TMP/own_mounts" | while read -r m; do umount "$m" 2>/dev/null || true; done
  while read -r id; do
    [ -n "$id" ] || continue
    pid=$(state_pid "$id" 2>/dev/null || true)
    timeout -k 5 30 "$HUTCH" --root "$ROOT" delete -f "$id" </dev/null >/dev/null 2>&1 3>&- || {
      echo "teardown: delete -f $id failed" >&2
      problems=1
    }
    assert_clean "$ROOT" "$id" "$pid" || problems=1
  done <"$TMP/ids"
  # Whatever a failed test left mounted must not make rm -rf reach the host.
  local m
  for m in $(awk -v t="$TMP" '$5 == t || index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$TMP"
  return "$problems"
}

setup_file() { common_setup_file; }
setup() { common_setup; }
teardown() { common_teardown; }

# host_mount MOUNT-ARGS... TARGET: a mount on the host that teardown undoes.
host_mount() {
  mount "$@"
  echo "${*: -1}" >>"$TMP/own_mounts"
}

# ---- ids and bundles ---------------------------------------------------

# new_id VAR: a unique container id, remembered for teardown.
new_id() {
  local n
  n=$(wc -l <"$TMP/ids")
  printf -v "$1" 'it%s-%s-%s' "$BATS_TEST_NUMBER" "${TMP##*.}" "$n"
  echo "${!1}" >>"$TMP/ids"
}

# new_bundle VAR [args...]: a fresh copy of the template bundle under $TMP;
# with args, process.args is set to them.
new_bundle() {
  local dir
  dir=$(mktemp -d "$TMP/bundle.XXXX")
  rmdir "$dir"
  cp -a "$TEMPLATE" "$dir"
  printf -v "$1" '%s' "$dir"
  shift
  if [ $# -gt 0 ]; then
    set_args "$dir" "$@"
  fi
}

# set_args BUNDLE args...: process.args = args.
set_args() {
  local b=$1
  shift
  "$PY" - "$b/config.json" "$@" <<'PY'
import json, sys
path, args = sys.argv[1], sys.argv[2:]
c = json.load(open(path))
c["process"]["args"] = args
json.dump(c, open(path, "w"), indent="\t")
PY
}

# cfg BUNDLE CODE...: runs each Python statement on the config `c`
# (environment in E, json module as json), then writes it back.
cfg() {
  local b=$1
  shift
  "$PY" - "$b/config.json" "$@" <<'PY'
import json, os, sys
path = sys.argv[1]
c = json.load(open(path))
E = os.environ
for code in sys.argv[2:]:
    exec(code)
json.dump(c, open(path, "w"), indent="\t")
PY
}

# json_get FILE-OR-- EXPR: evaluates a Python expression on the parsed JSON `d`.
json_get() {
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1]) if sys.argv[1] != '-' else sys.stdin); print($2)" "$1"
}

# ---- running hutch -----------------------------------------------------

# hrun [-o FILE] ARGS...: runs `hutch --root $ROOT ARGS` with stdin from
# /dev/null and stdout/stderr in files (a container init holding them cannot
# block us). Sets status, output (stdout), stderr, and HOUT/HERR (the files).
# lines (stdout's lines). Never fails by itself.
hrun() {
  local out
  if [ "$1" = "-o" ]; then
    out=$2
    shift 2
  else
    HRUN_N=$((HRUN_N + 1))
    out="$TMP/hrun.$HRUN_N.out"
  fi
  HOUT=$out
  HERR=$out.err
  status=0
  timeout -k 5 "$HUTCH_TIMEOUT" "$HUTCH" --root "$ROOT" "$@" </dev/null >"$HOUT" 2>"$HERR" 3>&- || status=$?
  output=$(cat "$HOUT")
  stderr=$(cat "$HERR")
  mapfile -t lines <"$HOUT"
  echo "# hutch $* -> $status" >&2
  [ -z "$stderr" ] || printf '#   stderr: %s\n' "$stderr" >&2
  return 0
}

# h ARGS...: hutch that must succeed (stdio like hrun); prints its stdout.
h() {
  hrun "$@"
  [ "$status" -eq 0 ] || fail "hutch $* exited $status: $stderr"
}

# expect_fail ERROR-TEXT ARGS...: hutch must exit 1 and say ERROR-TEXT.
expect_fail() {
  local text=$1
  shift
  hrun "$@"
  [ "$status" -eq 1 ] || fail "hutch $* exited $status, expected 1 (stderr: $stderr)"
  [[ "$stderr" == *"$text"* ]] || fail "hutch $*: stderr lacks \"$text\": $stderr"
}

# The container's stdout/stderr when made with hcreate/hrun_bg: $TMP/ID.out.
hcreate() { # hcreate ID BUNDLE [create options...]
  local id=$1 b=$2
  shift 2
  hrun -o "$TMP/$id.out" create --bundle "$b" "$@" "$id"
}

# Starts hutch in the background (its own pid in BG_PID, recorded for
# teardown), stdout/stderr to FILE.
bg_start() { # bg_start FILE ARGS...
  local out=$1
  shift
  "$HUTCH" --root "$ROOT" "$@" </dev/null >"$out" 2>"$out.err" 3>&- &
  BG_PID=$!
  echo "$BG_PID" >>"$TMP/bgpids"
}

# wait_for COND-COMMAND...: polls up to 10 s.
wait_for() {
  local i
  for i in $(seq 200); do
    "$@" && return 0
    sleep 0.05
  done
  fail "timed out waiting for: $*"
}

# ---- state ---------------------------------------------------------------

state_json() { "$HUTCH" --root "$ROOT" state "$1" </dev/null 2>/dev/null 3>&-; }
state_field() { # state_field ID FIELD: empty when there is no such container
  state_json "$1" | json_get - "d['$2']" 2>/dev/null || true
}
state_pid() { state_field "$1" pid; }
state_status() { state_field "$1" status; }

has_status() { [ "$(state_status "$1")" = "$2" ]; }

# ---- the clean-up check ------------------------------------------------

pid_gone() { # gone, or a zombie waiting for its (non-hutch) reaper
  local pid=$1
  [ -e "/proc/$pid" ] || return 0
  [ "$(awk '/^State:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" = Z ] && return 0
  [ -e "/proc/$pid" ] || return 0
  return 1
}

# assert_clean ROOT ID [PID]: nothing of the container is left: no state
# dir, no hutch-ID cgroup in any hierarchy, no mount under $TMP, no process.
assert_clean() {
  local root=$1 id=$2 pid=${3:-} left i
  if [ -e "$root/$id" ]; then
    fail "left behind: state dir $root/$id ($(ls -A "$root/$id" | tr '\n' ' '))"
    return 1
  fi
  # (find fails when a cgroup of someone else's vanishes during its walk)
  left=$(find /sys/fs/cgroup -type d -name "hutch-$id" 2>/dev/null || true)
  if [ -n "$left" ]; then
    fail "left behind: cgroups $left"
    return 1
  fi
  left=$(awk -v t="$TMP" '$5 == t || index($5, t "/") == 1 { print $5 }' /proc/self/mountinfo |
    grep -vxF -f "$TMP/own_mounts" || true)
  if [ -n "$left" ]; then
    fail "left behind: mounts $left"
    return 1
  fi
  if [ -n "$pid" ] && [ "$pid" != 0 ]; then
    for i in $(seq 100); do
      pid_gone "$pid" && break
      sleep 0.05
    done
    if ! pid_gone "$pid"; then
      fail "left behind: process $pid ($(cat /proc/$pid/comm 2>/dev/null))"
      return 1
    fi
  fi
  return 0
}

# delete_clean ID: delete (must succeed), then assert_clean.
delete_clean() {
  local id=$1 pid
  shift
  pid=$(state_pid "$id" 2>/dev/null || true)
  h delete "$@" "$id"
  assert_clean "$ROOT" "$id" "$pid"
}

# The hex of a capability set, as /proc/PID/status shows it.
cap_hex() { # cap_hex NUMBER...
  local mask=0 n
  for n in "$@"; do
    mask=$((mask | (1 << n)))
  done
  printf '%016x' "$mask"
}
