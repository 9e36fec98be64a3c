# TAP for the package tests: ok NAME COMMAND... prints one line for the
# command's success (its output, on failure, as comments) and counts the
# failures in $failed.
n=0
failed=0
ok() {
  local name=$1
  shift
  n=$((n + 1))
  if out=$("$@" 2>&1); then
    echo "ok $n - $name"
  else
    echo "not ok $n - $name"
    printf '%s\n' "$out" | tail -15 | sed 's/^/# /'
    failed=$((failed + 1))
  fi
}
