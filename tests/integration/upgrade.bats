#!/usr/bin/env bats
# validate --upgrade: an older config rewritten for 1.3.0, on stdout or into
# a file, what changed on stderr; the rewritten bundle runs.

load helpers

# An older template's config: 1.0.2, a prestart hook that logs its kind,
# kernel memory, a relative destination, a pids limit of 0 (unlimited then).
old_bundle() {
  new_bundle "$1" sh -c 'echo ran'
  local b=${!1}
  cfg "$b" 'c["ociVersion"] = "1.0.2"' \
    'c["hooks"] = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "echo prestart >>" + E["TMP"] + "/hooks.log"]}], "createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "echo createRuntime >>" + E["TMP"] + "/hooks.log"]}]}' \
    'c["linux"].setdefault("resources", {})["memory"] = {"kernel": 4194304, "kernelTCP": 4194304}' \
    'c["linux"]["resources"]["pids"] = {"limit": 0}' \
    'c["mounts"].append({"destination": "mnt/scratch", "type": "tmpfs", "source": "tmpfs"})' \
    'c["x-template"] = {"owner": "ops", "order": [3, 1, 2]}'
}

@test "upgrade: the config on stdout, each change on stderr, unknown fields kept" {
  old_bundle b
  hrun validate --bundle "$b" --upgrade
  [ "$status" -eq 0 ] || fail "exit $status"
  grep -qx 'upgraded: ociVersion: "1.0.2" -> "1.3.0"' "$HERR"
  grep -q '^upgraded: hooks.prestart: 1 hook moved to the front of hooks.createRuntime' "$HERR"
  grep -q '^upgraded: linux.resources.memory.kernel: dropped' "$HERR"
  grep -q '^upgraded: linux.resources.memory.kernelTCP: dropped' "$HERR"
  grep -q '^upgraded: linux.resources.pids.limit: 0 -> -1' "$HERR"
  grep -q '^upgraded: mounts\[[0-9]*\].destination: "mnt/scratch" -> "/mnt/scratch"' "$HERR"
  grep -qx 'valid: 0 errors, 0 warnings' "$HERR"
  [ "$(json_get "$HOUT" 'd["ociVersion"]')" = 1.3.0 ]
  [ "$(json_get "$HOUT" '[h["args"][2].split()[1] for h in d["hooks"]["createRuntime"]]')" = "['prestart', 'createRuntime']" ]
  [ "$(json_get "$HOUT" '"prestart" in d["hooks"]')" = False ]
  [ "$(json_get "$HOUT" 'd["linux"]["resources"]["memory"]')" = "{}" ]
  [ "$(json_get "$HOUT" 'd["x-template"]')" = "{'owner': 'ops', 'order': [3, 1, 2]}" ]
  # The input is left as it was.
  [ "$(json_get "$b/config.json" 'd["ociVersion"]')" = 1.0.2 ]
}

@test "upgrade --output: written whole, validates without a warning, and runs as before" {
  old_bundle b
  hrun validate --bundle "$b" --upgrade --output "$b/config.json"
  [ "$status" -eq 0 ] || fail "exit $status"
  [ -z "$output" ]
  [ "$(ls -A "$b" | tr '\n' ' ')" = "config.json rootfs " ] || fail "left: $(ls -A "$b")"
  h validate --bundle "$b"
  [ "$output" = "valid: 0 errors, 0 warnings" ]
  hrun validate --bundle "$b" --upgrade
  grep -qx 'upgraded: nothing to change' "$HERR"
  local id
  new_id id
  h run --bundle "$b" "$id"
  [ "$output" = ran ]
  # The prestart hook still runs, first, in the runtime's namespace.
  [ "$(tr '\n' ' ' <"$TMP/hooks.log")" = "prestart createRuntime " ]
}

@test "upgrade refuses a result that does not validate, writing nothing" {
  old_bundle b
  cfg "$b" 'c["process"]["user"] = {"uid": -1, "gid": 0}'
  cp "$b/config.json" "$TMP/before.json"
  hrun validate --bundle "$b" --upgrade --output "$b/config.json"
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  grep -q '^error: process.user.uid: ' "$HERR"
  grep -q '^invalid: 1 error' "$HERR"
  cmp "$b/config.json" "$TMP/before.json"
  [ "$(ls -A "$b" | tr '\n' ' ')" = "config.json rootfs " ]
}

@test "upgrade: --output needs --upgrade; bad JSON and a missing directory are named" {
  old_bundle b
  hrun validate --bundle "$b" --output "$TMP/x.json"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"--output: only with --upgrade"* ]]
  [ ! -e "$TMP/x.json" ]
  hrun validate --bundle "$b" --upgrade --output "$TMP/no/such/dir/config.json"
  [ "$status" -eq 1 ]
  [[ "$stderr" == *"--output $TMP/no/such/dir/config.json: "* ]]
  printf '{"ociVersion": "1.0.2",' >"$b/config.json"
  hrun validate --bundle "$b" --upgrade
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  grep -q '^error: .*invalid JSON in config.json at line 1' "$HERR"
}

@test "validate names the intelRdt members 1.3.0 removed; upgrade replaces them" {
  new_bundle b true
  cfg "$b" 'c["linux"]["intelRdt"] = {"closID": "x", "enableCMT": True, "enableMBM": False}'
  h validate --bundle "$b"
  grep -qx 'warning: linux.intelRdt.enableCMT: removed in 1.3.0 and ignored: use enableMonitoring (hutch validate --upgrade rewrites it)' "$HOUT"
  grep -q '^warning: linux.intelRdt.enableMBM: removed in 1.3.0' "$HOUT"
  h validate --bundle "$b" --upgrade --output "$b/config.json"
  grep -q '^upgraded: linux.intelRdt.enableCMT: removed in 1.3.0: replaced by enableMonitoring true' "$HERR"
  [ "$(json_get "$b/config.json" 'd["linux"]["intelRdt"]')" = "{'closID': 'x', 'enableMonitoring': True}" ]
  h validate --bundle "$b"
  [ "$output" = "valid: 0 errors, 0 warnings" ]
}

@test "upgrade --output keeps a replaced config's mode and owner; --format json puts the changes in the document" {
  old_bundle b
  chmod 0600 "$b/config.json"
  chown 1234:2345 "$b/config.json"
  h validate --bundle "$b" --upgrade --output "$b/config.json"
  [ "$(stat -c '%a %u:%g' "$b/config.json")" = "600 1234:2345" ]
  [ "$(json_get "$b/config.json" 'd["ociVersion"]')" = 1.3.0 ]
  # A new file gets the umask's mode.
  (umask 027 && "$HUTCH" --root "$ROOT" validate --bundle "$b" --upgrade --output "$TMP/new.json" 2>/dev/null)
  [ "$(stat -c '%a' "$TMP/new.json")" = 640 ]
  old_bundle b2
  hrun validate --bundle "$b2" --upgrade --format json
  [ "$status" -eq 0 ]
  [ "$(json_get "$HERR" 'd["valid"], d["usable"], [c["path"] for c in d["changes"]][:2]')" = "True True ['ociVersion', 'hooks.prestart']" ]
  [ "$(json_get "$HOUT" 'd["ociVersion"]')" = 1.3.0 ]
}
