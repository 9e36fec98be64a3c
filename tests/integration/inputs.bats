#!/usr/bin/env bats
# Files hutch reads from a bundle, the command line or a container image are
# taken for what they are: a FIFO, a device or a symbolic link where a regular
# file belongs is refused by name at once (never waited on), and nothing is
# left behind.

load helpers

# A short leash: a command that blocks on a FIFO would otherwise hold the
# suite for the default minute.
setup() {
  common_setup
  HUTCH_TIMEOUT=10
}

@test "inputs: a FIFO config.json is refused at once by create, run and validate; nothing left" {
  new_id c
  new_bundle b true
  rm "$b/config.json"
  mkfifo "$b/config.json"
  hcreate "$c" "$b"
  [ "$status" -eq 1 ] || fail "create exited $status (124 is the timeout: it blocked)"
  grep -q "config.json is not a regular file (a FIFO)" "$TMP/$c.out.err" || fail "$(cat "$TMP/$c.out.err")"
  assert_clean "$ROOT" "$c"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"config.json is not a regular file (a FIFO)"* ]]
  assert_clean "$ROOT" "$c"
  hrun validate --bundle "$b"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"not a regular file"* ]]
}

@test "inputs: config.json as a device or a directory is refused by its kind" {
  new_id c
  new_bundle b true
  rm "$b/config.json"
  ln -s /dev/zero "$b/config.json"
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "config.json is not a regular file (a character device)" "$TMP/$c.out.err" || fail "$(cat "$TMP/$c.out.err")"
  assert_clean "$ROOT" "$c"
  rm "$b/config.json"
  mkdir "$b/config.json"
  hcreate "$c" "$b"
  [ "$status" -eq 1 ]
  grep -q "config.json" "$TMP/$c.out.err"
  assert_clean "$ROOT" "$c"
}

@test "inputs: exec --process and update --resources refuse a FIFO; the container is untouched" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  mkfifo "$TMP/fifo"
  # exec's own failures exit 255, as runc's do
  hrun exec --process "$TMP/fifo" "$c"
  [ "$status" -eq 255 ] || fail "exec exited $status"
  [[ "$stderr" == *"--process: $TMP/fifo is not a regular file (a FIFO)"* ]] || fail "$stderr"
  expect_fail "is not a regular file (a FIFO)" update --resources "$TMP/fifo" "$c"
  [ "$(state_status "$c")" = running ]
  # a regular file still works for both
  echo '{"pids": {"limit": 99}}' >"$TMP/r.json"
  h update --resources "$TMP/r.json" "$c"
  delete_clean "$c" -f
}

@test "inputs: an image whose /etc/passwd is a FIFO, or /dev/zero, still runs (HOME=/) instead of hanging" {
  new_id c
  new_bundle b sh -c 'echo "home=$HOME"'
  rm -f "$b/rootfs/etc/passwd"
  mkdir -p "$b/rootfs/etc"
  mkfifo "$b/rootfs/etc/passwd"
  hrun run --bundle "$b" "$c"
  [ "$status" -eq 0 ] || fail "run exited $status (124: it blocked on the FIFO)"
  [ "$output" = "home=/" ]
  assert_clean "$ROOT" "$c"
  rm "$b/rootfs/etc/passwd"
  ln -s /dev/zero "$b/rootfs/etc/passwd"
  new_id c2
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$output" = "home=/" ]
  assert_clean "$ROOT" "$c2"
}

@test "inputs: exec into a container whose /etc/passwd became a FIFO does not hang" {
  new_id c
  new_bundle b sleep 1000
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  rm -f "$b/rootfs/etc/passwd"
  mkfifo "$b/rootfs/etc/passwd"
  hrun exec "$c" sh -c 'echo "home=$HOME"'
  [ "$status" -eq 0 ] || fail "exec exited $status"
  [ "$output" = "home=/" ]
  delete_clean "$c" -f
}

@test "inputs: an empty --root is a usage error for every command, not a crash" {
  new_bundle b true
  for cmd in "create --bundle $b x" "run --bundle $b x" "state x" "delete -f x" "list" "kill x" "exec x true"; do
    status=0
    # shellcheck disable=SC2086
    "$HUTCH" --root= $cmd </dev/null >"$TMP/out" 2>"$TMP/err" || status=$?
    [ "$status" -eq 1 ] || fail "--root= $cmd exited $status: $(cat "$TMP/err")"
    grep -q -- "--root: the state directory must not be an empty path" "$TMP/err" || fail "--root= $cmd: $(cat "$TMP/err")"
    "$HUTCH" --root "" $cmd </dev/null >"$TMP/out" 2>"$TMP/err" || status=$?
    grep -q -- "--root: the state directory must not be an empty path" "$TMP/err" || fail "--root '' $cmd: $(cat "$TMP/err")"
  done
}
