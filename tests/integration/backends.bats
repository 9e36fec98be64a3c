#!/usr/bin/env bats
# Choosing the backend of a new container (docs/backends.md) and the
# answer of a backend that lacks an operation. proxmox on a host without
# Proxmox VE stands for a backend that cannot make the container (its tools
# are missing), native for one that can.

load helpers

setup() {
  common_setup
  # Each test its own hutch.conf (none until written).
  export HUTCH_CONFIG=$TMP/hutch.conf
}

annotate() { # annotate BUNDLE NAME: annotations["run.hutch.backend"] = NAME
  cfg "$1" "c.setdefault('annotations', {})['run.hutch.backend'] = '$2'"
}

# expect_refused TEXT ARGS...: exit 1 saying TEXT (quotes as written, not
# as the text log escapes them), and no trace of the container (the id is
# the last argument).
expect_refused() {
  local text=$1
  shift
  hrun "$@"
  [ "$status" -eq 1 ] || fail "hutch $* exited $status, expected 1 (stderr: $stderr)"
  local said=${stderr//\\\"/\"}
  [[ "$said" == *"$text"* ]] || fail "hutch $*: stderr lacks \"$text\": $said"
  [ ! -e "$ROOT/${*: -1}" ] || fail "create left $ROOT/${*: -1} behind"
  if [ -d "$ROOT" ]; then
    [ -z "$(ls -A "$ROOT" | grep -v '^@seccomp$')" ] || fail "state left: $(ls -A "$ROOT")"
  fi
}

recorded_backend() { json_get "$ROOT/$1/state.json" "d['backend']"; }

@test "backends: proxmox chosen by each source is tried, and without PVE fails leaving nothing" {
  new_id c
  new_bundle b
  local no_pve="proxmox: /usr/sbin/pct: No such file or directory (not a Proxmox VE node?"
  expect_refused "create: $no_pve" create --backend proxmox --bundle "$b" "$c"
  expect_refused "run: $no_pve" run --backend proxmox --bundle "$b" "$c"
  expect_refused "create: $no_pve" --backend proxmox create --bundle "$b" "$c"
  annotate "$b" proxmox
  expect_refused "run: $no_pve" run --bundle "$b" "$c"
  cfg "$b" "del c['annotations']['run.hutch.backend']"
  printf '# rules\n\nbackend native = other-*\nbackend proxmox = %s\n' "$c" >"$HUTCH_CONFIG"
  expect_refused "create: $no_pve" create --bundle "$b" "$c"
  printf 'backend native = other-*\ndefault-backend = proxmox\nproxmox.pct = /nonexistent/pct\n' >"$HUTCH_CONFIG"
  expect_refused "run: proxmox: /nonexistent/pct: No such file" run --bundle "$b" "$c"
}

@test "backends: native chosen by each source runs the container and is recorded" {
  new_bundle b
  new_id c1
  h run --backend native --bundle "$b" "$c1"
  new_id c2
  h --backend native run --bundle "$b" "$c2"
  new_id c3
  annotate "$b" native
  h run --bundle "$b" "$c3"
  cfg "$b" "del c['annotations']['run.hutch.backend']"
  new_id c4
  printf 'backend native = %s\ndefault-backend = proxmox\n' "$c4" >"$HUTCH_CONFIG"
  hcreate "$c4" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  [ "$(recorded_backend "$c4")" = native ]
  new_id c5
  printf 'default-backend = native\n' >"$HUTCH_CONFIG"
  hcreate "$c5" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  [ "$(recorded_backend "$c5")" = native ]
  rm "$HUTCH_CONFIG"
  new_id c6
  hcreate "$c6" "$b"
  [ "$status" -eq 0 ] || fail "create: $stderr"
  [ "$(recorded_backend "$c6")" = native ]
  # Later commands route by the record, not by what would be chosen now.
  printf 'default-backend = proxmox\n' >"$HUTCH_CONFIG"
  h --backend proxmox start "$c6"
  h delete -f "$c6"
  h delete -f "$c5"
  h delete -f "$c4"
}

@test "backends: the first source present decides" {
  new_bundle b
  annotate "$b" proxmox
  printf 'default-backend = proxmox\n' >"$HUTCH_CONFIG"
  new_id c1
  h --backend proxmox run --backend native --bundle "$b" "$c1"
  new_id c2
  h --backend native run --bundle "$b" "$c2"
  annotate "$b" native
  printf 'backend proxmox = *\n' >"$HUTCH_CONFIG"
  new_id c3
  h run --bundle "$b" "$c3"
  # hutch.conf is not read at all when a higher source decides.
  printf 'this is not a setting\n' >"$HUTCH_CONFIG"
  new_id c4
  h run --bundle "$b" "$c4"
}

@test "backends: an unknown name is refused by its source" {
  new_id c
  new_bundle b
  expect_refused "create: --backend: unknown backend \"bogus\" (expected one of: native, lxc, proxmox)" \
    create --backend bogus --bundle "$b" "$c"
  expect_refused "run: global option --backend: unknown backend \"bogus\"" --backend bogus run --bundle "$b" "$c"
  annotate "$b" bogus
  expect_refused "create: annotations[\"run.hutch.backend\"]: unknown backend \"bogus\"" create --bundle "$b" "$c"
  cfg "$b" "del c['annotations']['run.hutch.backend']"
  printf '# comment\n\nbackend bogus = x-*\n' >"$HUTCH_CONFIG"
  expect_refused "run: $HUTCH_CONFIG:3: unknown backend \"bogus\"" run --bundle "$b" "$c"
  printf 'default-backend = native\nfrobnicate\n' >"$HUTCH_CONFIG"
  expect_refused "create: $HUTCH_CONFIG:2: expected \"default-backend = NAME\", \"backend NAME = GLOB\" or" \
    create --bundle "$b" "$c"
  rm "$HUTCH_CONFIG"
  mkdir "$HUTCH_CONFIG"
  expect_refused "create: $HUTCH_CONFIG is not a regular file (a directory)" create --bundle "$b" "$c"
}

@test "backends: a container of a backend without the operation gets its answer, not a crash" {
  local id=alien-$BATS_TEST_NUMBER
  mkdir -p "$ROOT/$id"
  : >"$ROOT/$id/hutch.owner"
  printf '{"ociVersion":"1.3.0","id":"%s","phase":"created","bundle":"/b","backend":"proxmox"}' "$id" \
    >"$ROOT/$id/state.json"
  expect_fail "events: not supported by the proxmox backend" events --stats "$id"
  # Its state is the proxmox backend's: no pid, so stopped.
  h state "$id"
  [ "$(json_get "$HOUT" "d['status']")" = stopped ]
  # Nothing of it was touched.
  [ -f "$ROOT/$id/state.json" ]
  rm -r "${ROOT:?}/$id"
}

@test "backends: --backend is in create's, run's and the global help" {
  h create --help
  [[ "$output" == *"--backend NAME"* ]]
  h run --help
  [[ "$output" == *"--backend NAME"* ]]
  h --help
  [[ "$output" == *"--backend NAME"* ]]
}
