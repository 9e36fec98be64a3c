#!/usr/bin/env bash
# Stress and fault injection against a hutch binary (root needed; not part of
# the CI run: it takes minutes). Every container uses a state root of this
# run's own, and after every step the script looks for what must not be left:
# a state directory, a hutch-<id> cgroup in any hierarchy, a mount below the
# run's directory, a process of the container.
#
#   tests/stress/run.sh [HUTCH]            default: build/src/hutch
#   knobs: PAR=10 SEQ=100 (parallel run+delete), KILLS=200 (random SIGKILLs),
#          STORM=20 (concurrent commands on one id), SEED (for the kills)
#
# Prints one line per part and ends with "N leftovers" (0 is the bar).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
hutch=${1:-$top/build/src/hutch}
PAR=${PAR:-10}
SEQ=${SEQ:-100}
KILLS=${KILLS:-200}
STORM=${STORM:-20}
RANDOM=${SEED:-$$}

[ "$(id -u)" -eq 0 ] || { echo "stress: needs root" >&2; exit 1; }
work=$(mktemp -d /tmp/hutch-stress.XXXXXX)
root=$work/state
mkdir -p "$root"
leftovers=0
cleanup() {
  for id in $(ls "$root" 2>/dev/null); do "$hutch" --root "$root" delete -f "$id" >/dev/null 2>&1; done
  awk -v t="$work" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

h() { "$hutch" --root "$root" "$@" </dev/null; }

# The bundles: /bin/true, a sleeper, and a sleeper whose create is slowed by
# a createRuntime hook (a wider window for the kills).
"$top/scripts/make-bundle.sh" "$hutch" "$work/true" /bin/true >/dev/null
"$top/scripts/make-bundle.sh" "$hutch" "$work/sleep" sleep 1000 >/dev/null
"$top/scripts/make-bundle.sh" "$hutch" "$work/slow" sleep 1000 >/dev/null
/usr/bin/python3 - "$work/slow/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["hooks"] = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "0.05"]}]}
json.dump(c, open(p, "w"))
PY

# check ID WHAT: counts what the container left, naming it.
check() {
  local id=$1 what=$2 left=""
  [ -e "$root/$id" ] && left+=" state-dir($(ls -A "$root/$id" 2>/dev/null | tr '\n' ','))"
  local cg
  cg=$(find /sys/fs/cgroup -type d -name "hutch-$id" 2>/dev/null || true)
  [ -n "$cg" ] && left+=" cgroups($cg)"
  local mnt
  mnt=$(awk -v t="$work/" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo)
  [ -n "$mnt" ] && left+=" mounts($mnt)"
  if [ -n "$left" ]; then
    leftovers=$((leftovers + 1))
    echo "  LEFT after $what ($id):$left"
  fi
}

# ---- 1: parallel run + delete ------------------------------------------------
part1() {
  local w=$1 i fails=0
  for ((i = 1; i <= SEQ; i++)); do
    h run --bundle "$work/true" "p$w-$i" >/dev/null 2>&1 || fails=$((fails + 1))
    h delete -f "p$w-$i" >/dev/null 2>&1
  done
  echo "$fails" >"$work/fails.$w"
}
start=$(date +%s%N)
for ((w = 1; w <= PAR; w++)); do part1 "$w" & done
wait
end=$(date +%s%N)
fails=$(cat "$work"/fails.* | awk '{s += $1} END {print s + 0}')
before=$leftovers
for ((w = 1; w <= PAR; w++)); do for ((i = 1; i <= SEQ; i++)); do check "p$w-$i" "parallel run"; done; done
echo "parallel run+delete: $((PAR * SEQ)) cycles in $(((end - start) / 1000000)) ms, $fails failures, $((leftovers - before)) leftovers"

# ---- 2: SIGKILL at a random moment -----------------------------------------
# killed PID: SIGKILL after 0-60 ms (the process may be done by then).
killed() {
  local ms=$((RANDOM % 60))
  sleep "0.$(printf '%03d' "$ms")"
  kill -KILL "$1" 2>/dev/null
  wait "$1" 2>/dev/null
}
declare -A kills_of
before=$leftovers
for ((k = 1; k <= KILLS; k++)); do
  id=k$k
  bundle=$work/sleep
  ((RANDOM % 2)) && bundle=$work/slow
  op=$((RANDOM % 5))
  case $op in
  0) name=create; h create --bundle "$bundle" "$id" >/dev/null 2>&1 & killed $! ;;
  1) name=start
     h create --bundle "$bundle" "$id" >/dev/null 2>&1
     h start "$id" >/dev/null 2>&1 & killed $! ;;
  2) name=run; h run -d --bundle "$bundle" "$id" >/dev/null 2>&1 & killed $! ;;
  3) name=exec
     h run -d --bundle "$bundle" "$id" >/dev/null 2>&1
     h exec "$id" sleep 0.1 >/dev/null 2>&1 & killed $! ;;
  4) name=delete
     h run -d --bundle "$bundle" "$id" >/dev/null 2>&1
     h delete -f "$id" >/dev/null 2>&1 & killed $! ;;
  esac
  kills_of[$name]=$((${kills_of[$name]:-0} + 1))
  if ! h delete -f "$id" >"$work/del.err" 2>&1; then
    leftovers=$((leftovers + 1))
    echo "  delete -f after a killed $name ($id) failed: $(cat "$work/del.err")"
  fi
  check "$id" "killed $name"
done
summary=""
for n in create start run exec delete; do summary+=" $n ${kills_of[$n]:-0},"; done
echo "random SIGKILLs: $KILLS (${summary%,}), each followed by delete -f: $((leftovers - before)) leftovers"

# ---- 3: storms on one id ---------------------------------------------------
before=$leftovers
for ((i = 1; i <= STORM; i++)); do h create --bundle "$work/sleep" storm >"$work/storm.$i" 2>&1 & done
wait
won=$(grep -L . "$work"/storm.* | wc -l)
refused=$(grep -l "already exists" "$work"/storm.* | wc -l)
[ "$won" -eq 1 ] || { leftovers=$((leftovers + 1)); echo "  $won creates of one id succeeded"; }
echo "concurrent creates of one id: $STORM tried, $won won, $refused refused with \"already exists\""
# start, exec, kill, state and delete -f all at once on it
for ((i = 1; i <= STORM; i++)); do
  case $((i % 5)) in
  0) h start storm ;;
  1) h exec storm true ;;
  2) h kill storm KILL ;;
  3) h state storm ;;
  4) h delete -f storm ;;
  esac >"$work/mix.$i" 2>&1 &
done
wait
odd=$(grep -h -i -e "No such file" -e "corrupt" -e "protocol" "$work"/mix.* | sort -u)
[ -z "$odd" ] || { leftovers=$((leftovers + 1)); echo "  odd answers: $odd"; }
h delete -f storm >/dev/null 2>&1
check storm "a storm of mixed commands"
echo "mixed commands on one id: $STORM at once, $((leftovers - before)) problems"

echo "$leftovers leftovers"
[ "$leftovers" -eq 0 ]
