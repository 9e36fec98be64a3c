#!/usr/bin/env bash
# Runs libFuzzer targets for a bounded time each, on a fresh copy of their
# seed corpus, and reports one TAP line per target with its number of
# executions.
#
#   tests/fuzz/run.sh BUILD-DIR SECONDS [TARGET...]     default: every target
#
# Seeds: the JSON documents (the spec's fixtures, hutch's test configs) for
# the document targets, tests/fuzz/seeds/<set> for the others.
set -uo pipefail
build=$1
seconds=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data
all=(fuzz_config fuzz_state fuzz_process fuzz_resources fuzz_cli fuzz_seccomp_metadata)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# seeds TARGET DIR: the corpus the target starts from.
seeds() {
  local target=$1 dir=$2 i=0 f
  mkdir -p "$dir"
  case $target in
  fuzz_cli) cp "$here"/seeds/cli/* "$dir/" ;;
  fuzz_seccomp_metadata) cp "$here"/seeds/metadata/* "$dir/" ;;
  *)
    while IFS= read -r -d '' f; do
      cp "$f" "$dir/seed-$i.json"
      i=$((i + 1))
    done < <(find "$data" -name '*.json' -print0)
    [ "$target" = fuzz_state ] && cp "$here"/seeds/state/* "$dir/"
    ;;
  esac
}

dict_of() {
  case $1 in
  fuzz_cli) echo "$here/cli.dict" ;;
  fuzz_seccomp_metadata) echo "" ;;
  *) echo "$here/config.dict" ;;
  esac
}

echo "1..${#targets[@]}"
n=0
for target in "${targets[@]}"; do
  n=$((n + 1))
  fuzzer=$build/$target
  corpus=$work/$target
  seeds "$target" "$corpus"
  dict=$(dict_of "$target")
  log=$work/$target.log
  "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    ${dict:+-dict="$dict"} -artifact_prefix="$work/$target-" "$corpus" >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
    echo "ok $n - $target: ${runs} executions in ${seconds} s, no crash, no leak"
  else
    echo "not ok $n - $target failed (exit status $status)"
    sed 's/^/# /' "$log" | tail -60
    for a in "$work/$target"-crash-* "$work/$target"-leak-* "$work/$target"-timeout-* "$work/$target"-oom-*; do
      [ -f "$a" ] && { echo "# input $(basename "$a"):"; base64 "$a" | sed 's/^/#   /'; }
    done
  fi
done
