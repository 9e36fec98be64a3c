#!/usr/bin/env bash
# Runs a libFuzzer target for a bounded time on a fresh copy of the seed
# corpus (the spec's fixtures and hutch's own test configs) and reports one
# TAP line with the number of executions.
# Usage: tests/fuzz/run.sh FUZZER SECONDS
set -uo pipefail
fuzzer=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
i=0
while IFS= read -r -d '' f; do
  cp "$f" "$work/corpus/seed-$i.json"
  i=$((i + 1))
done < <(find "$data" -name '*.json' -print0)

echo "1..1"
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -dict="$here/config.dict" -artifact_prefix="$work/" "$work/corpus" >"$work/log" 2>&1
status=$?
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
if [ "$status" -eq 0 ] && [ -n "$runs" ]; then
  echo "ok 1 - $(basename "$fuzzer"): ${runs} executions in ${seconds} s, no crash, no leak"
else
  echo "not ok 1 - $(basename "$fuzzer") failed (exit status $status)"
  sed 's/^/# /' "$work/log" | tail -60
  for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-*; do
    [ -f "$a" ] && { echo "# input $(basename "$a"):"; base64 "$a" | sed 's/^/#   /'; }
  done
fi
