#!/usr/bin/env bash
# The end-to-end suite against several runtimes, one after the other, and a
# table of the results per scenario (Markdown), for comparing hutch with the
# runtimes it replaces on the very same scenarios.
#
#   tests/e2e/compare.sh [RUNTIME...]    default: build/src/hutch lxc:build/src/hutch /usr/bin/crun /usr/sbin/runc
#
# lxc:PATH is hutch at PATH with the lxc backend chosen by its hutch.conf
# (run.sh BACKEND=lxc), in a column "hutch (lxc)".
#
# Each runtime's TAP stream is kept in $OUT_DIR (default: a new /tmp dir).
# Exits 0 when every run passed every scenario.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ $# -eq 0 ]; then
  set -- "$HERE/../../build/src/hutch" "lxc:$HERE/../../build/src/hutch" /usr/bin/crun /usr/sbin/runc
fi
OUT_DIR=${OUT_DIR:-$(mktemp -d /tmp/hutch-e2e-compare.XXXXXX)}
mkdir -p "$OUT_DIR"

names=()
status=0
for rt in "$@"; do
  backend=
  if [ "${rt#lxc:}" != "$rt" ]; then
    backend=lxc
    rt=${rt#lxc:}
  fi
  name=$(basename "$rt")
  [ -z "$backend" ] || name="$name ($backend)"
  # two runtimes of one name (two builds of hutch) keep separate columns
  for existing in "${names[@]}"; do
    [ "$existing" = "$name" ] && name="$name#${#names[@]}"
  done
  names+=("$name")
  echo "running the suite with $rt ..." >&2
  BACKEND=$backend bash "$HERE/run.sh" "$rt" >"$OUT_DIR/$name.tap" 2>"$OUT_DIR/$name.err" || status=1
done

# One row per scenario (in plan order), one column per runtime.
python3 - "$OUT_DIR" "${names[@]}" <<'EOF'
import re, sys
out_dir, names = sys.argv[1], sys.argv[2:]
order, results = [], {}
line_re = re.compile(r'^(ok|not ok) (\d+) - (\S+)(.*)$')
for name in names:
    with open(f"{out_dir}/{name}.tap") as f:
        for line in f:
            m = line_re.match(line.rstrip("\n"))
            if not m:
                continue
            verdict, _, scenario, rest = m.groups()
            if scenario not in order:
                order.append(scenario)
            if "# SKIP" in rest:
                verdict = "skip"
            results[(scenario, name)] = "pass" if verdict == "ok" else ("skip" if verdict == "skip" else "FAIL")
print("| scenario | " + " | ".join(names) + " |")
print("|---|" + "---|" * len(names))
for s in order:
    print(f"| {s} | " + " | ".join(results.get((s, n), "-") for n in names) + " |")
for n in names:
    p = sum(1 for s in order if results.get((s, n)) == "pass")
    f = sum(1 for s in order if results.get((s, n)) == "FAIL")
    print(f"\n{n}: {p} passed, {f} failed", end="")
print()
EOF
echo "TAP streams in $OUT_DIR" >&2
exit "$status"
