#!/usr/bin/env bats
# The command line as callers see it: runc's conventions, exit statuses,
# messages, logs. HUTCH names the binary under test.

setup() {
  : "${HUTCH:?set HUTCH to the hutch binary}"
  TMP=$(mktemp -d)
  mkdir -p "$TMP/bundle/rootfs"
}

teardown() {
  rm -rf "$TMP"
}

json_get() { # json_get FILE-OR-- EXPR: evaluates a Python expression on the parsed JSON `d`
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1]) if sys.argv[1] != '-' else sys.stdin); print($2)" "$1"
}

@test "--version prints the three lines go-runc parses" {
  run "$HUTCH" --version
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^hutch\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  # The release meson.build declares.
  local declared
  declared=$(sed -n "s/^  version : '\(.*\)',$/\1/p" "$BATS_TEST_DIRNAME/../../meson.build")
  [ -n "$declared" ]
  [ "${lines[0]}" = "hutch version $declared" ]
  [[ "${lines[1]}" =~ ^commit:\ [0-9a-f]+|unknown$ ]]
  [ "${lines[2]}" = "spec: 1.3.0" ]
  run "$HUTCH" -v
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^hutch\ version ]]
}

@test "--help lists every runc command" {
  run "$HUTCH" --help
  [ "$status" -eq 0 ]
  for c in create start run exec state list ps kill pause resume update events delete checkpoint restore spec features validate; do
    [[ "$output" == *"  $c "* ]] || { echo "missing $c"; false; }
  done
}

@test "every command has --help" {
  for c in create start run exec state list ps kill pause resume update events delete checkpoint restore spec features validate help; do
    run "$HUTCH" "$c" --help
    [ "$status" -eq 0 ] || { echo "$c --help: $status"; false; }
    [[ "${lines[0]}" == "Usage: hutch $c "* ]]
  done
}

@test "an unknown command is named, with a usage hint, exit 1" {
  run "$HUTCH" frobnicate
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = 'hutch: unknown command "frobnicate"' ]
  [[ "${lines[1]}" == *"hutch --help"* ]]
}

@test "an unknown flag is named, with a usage hint, exit 1" {
  run "$HUTCH" spec --bogus
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "hutch: spec: unknown option --bogus" ]
  [[ "${lines[1]}" == *"hutch spec --help"* ]]
  run "$HUTCH" --bogus=1 spec
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = "hutch: unknown option --bogus" ]
}

@test "a missing value and a bad boolean are named" {
  run "$HUTCH" spec --bundle
  [ "$status" -eq 1 ]
  [[ "$output" == *"option --bundle needs a value"* ]]
  run "$HUTCH" spec --rootless=perhaps
  [ "$status" -eq 1 ]
  [[ "$output" == *'invalid boolean value "perhaps"'* ]]
}

@test "commands not built yet say so and exit 1" {
  for args in "checkpoint c1" "restore c1"; do
    run $HUTCH --root "$TMP/state" $args
    [ "$status" -eq 1 ] || { echo "$args: status $status"; false; }
    [[ "$output" == *"not implemented yet"* ]] || { echo "$args: $output"; false; }
  done
  [ ! -e "$TMP/state" ]
}

@test "runc's spelling variants: one dash, =value, flags after arguments, --" {
  run "$HUTCH" -root "$TMP/r" kill c1 -a
  [ "$status" -eq 1 ]
  [[ "$output" == *"container does not exist"* ]]
  run "$HUTCH" --root="$TMP/r" --log-format=json delete --force=true c1
  [ "$status" -eq 0 ]
  run "$HUTCH" --root "$TMP/r" delete -- -f
  [ "$status" -eq 1 ]
  [[ "$output" == *'container does not exist: -f"'* ]]
  run "$HUTCH" --root "$TMP/r" delete ../x
  [ "$status" -eq 1 ]
  [[ "$output" == *'invalid container ID format'* ]]
  run "$HUTCH" state
  [ "$status" -eq 1 ]
  [[ "$output" == *"missing argument"* ]]
  run "$HUTCH" state a b
  [ "$status" -eq 1 ]
  [[ "$output" == *"too many arguments"* ]]
}

@test "--log-format json writes one JSON object per line to --log, and the error to stderr" {
  run "$HUTCH" --root "$TMP/r" --log "$TMP/log.json" --log-format json state c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"hutch: state: container does not exist: c1"* ]]
  [ "$(wc -l < "$TMP/log.json")" -eq 1 ]
  [ "$(json_get "$TMP/log.json" "d['level']")" = "error" ]
  [[ "$(json_get "$TMP/log.json" "d['msg']")" == "state: container does not exist"* ]]
  json_get "$TMP/log.json" "__import__('datetime').datetime.strptime(d['time'], '%Y-%m-%dT%H:%M:%SZ')"
  [ "$(json_get "$TMP/log.json" "sorted(d)")" = "['level', 'msg', 'time']" ]
}

@test "--log-format text and unknown formats" {
  run "$HUTCH" --root "$TMP/r" --log "$TMP/log.txt" state c1
  [ "$status" -eq 1 ]
  grep -Eq '^time="[0-9T:-]+Z" level=error msg="state: container does not exist' "$TMP/log.txt"
  run "$HUTCH" --log-format xml state c1
  [ "$status" -eq 1 ]
  [[ "$output" == *'invalid --log-format "xml"'* ]]
}

@test "spec writes a tab-indented config.json that validate accepts" {
  run "$HUTCH" spec --bundle "$TMP/bundle"
  [ "$status" -eq 0 ]
  [ "$(sed -n 2p "$TMP/bundle/config.json")" = $'\t"ociVersion": "1.3.0",' ]
  [ "$(json_get "$TMP/bundle/config.json" "d['ociVersion'], d['process']['args'], d['process']['terminal']")" = "1.3.0 ['sh'] True" ]
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 0 ]
  [[ "${lines[-1]}" == "valid: 0 errors, "* ]]
}

@test "spec refuses to overwrite an existing config.json and leaves it untouched" {
  echo '{"mine": true}' > "$TMP/bundle/config.json"
  run "$HUTCH" spec -b "$TMP/bundle"
  [ "$status" -eq 1 ]
  [[ "$output" == *"config.json already exists"* ]]
  [ "$(cat "$TMP/bundle/config.json")" = '{"mine": true}' ]
  [ "$(ls -A "$TMP/bundle" | sort | tr '\n' ' ')" = "config.json rootfs " ]
}

@test "spec into a missing directory fails cleanly" {
  run "$HUTCH" spec --bundle "$TMP/nope"
  [ "$status" -eq 1 ]
  [[ "$output" == *"bundle $TMP/nope: No such file or directory"* ]]
  [ ! -e "$TMP/nope" ]
}

@test "spec --rootless maps the caller to root and drops what needs privileges" {
  run "$HUTCH" spec --rootless --bundle "$TMP/bundle"
  [ "$status" -eq 0 ]
  [ "$(json_get "$TMP/bundle/config.json" "sorted(n['type'] for n in d['linux']['namespaces'])")" = "['cgroup', 'ipc', 'mount', 'pid', 'user', 'uts']" ]
  [ "$(json_get "$TMP/bundle/config.json" "d['linux']['uidMappings'][0]['hostID']")" = "$(id -u)" ]
  [ "$(json_get "$TMP/bundle/config.json" "'resources' in d['linux']")" = "False" ]
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 0 ]
}

@test "validate lists every problem with its JSON path, exit 1" {
  cat > "$TMP/bundle/config.json" <<'JSON'
{
  "ociVersion": "1.9.0",
  "root": {"path": "rootfs"},
  "process": {"cwd": "relative", "args": ["sh"], "user": {"uid": 0, "gid": 0}},
  "linux": {
    "namespaces": [{"type": "pid"}, {"type": "pid"}],
    "resources": {"memory": {"limit": "1G"}}
  }
}
JSON
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 1 ]
  [[ "$output" == *'error: linux.resources.memory.limit: expected an integer, got "1G"'* ]]
  [[ "$output" == *"error: ociVersion: 1.9.0 is not supported"* ]]
  [[ "$output" == *"error: process.cwd: must be an absolute path"* ]]
  [[ "$output" == *'error: linux.namespaces[1].type: "pid" repeated'* ]]
  [[ "${lines[-1]}" == "invalid: 4 errors, "* ]]
}

@test "validate --format json" {
  "$HUTCH" spec --bundle "$TMP/bundle"
  run "$HUTCH" validate --bundle "$TMP/bundle" --format json
  [ "$status" -eq 0 ]
  echo "$output" > "$TMP/out.json"
  [ "$(json_get "$TMP/out.json" "d['valid'], d['backend']")" = "True native" ]
  [ "$(json_get "$TMP/out.json" "[p['level'] for p in d['problems'] if p['level'] == 'error']")" = "[]" ]
  rmdir "$TMP/bundle/rootfs"
  run "$HUTCH" validate --bundle "$TMP/bundle" -f json
  [ "$status" -eq 1 ]
  echo "$output" > "$TMP/out.json"
  [ "$(json_get "$TMP/out.json" "d['valid'], [p['path'] for p in d['problems'] if p['level'] == 'error']")" = "False ['root.path']" ]
}

@test "validate: invalid JSON is reported with line and column" {
  printf '{\n  "ociVersion": "1.3.0",\n  "root": {"path": "rootfs"},,\n}\n' > "$TMP/bundle/config.json"
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 1 ]
  [[ "$output" == *"invalid JSON in config.json at line 3, column 30"* ]]
}

@test "validate: missing rootfs, missing config.json, unknown backend or format" {
  "$HUTCH" spec --bundle "$TMP/bundle"
  rmdir "$TMP/bundle/rootfs"
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 1 ]
  [[ "$output" == *'error: root.path: "rootfs": No such file or directory'* ]]
  rm "$TMP/bundle/config.json"
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 1 ]
  [[ "$output" == *"config.json: No such file or directory"* ]]
  run "$HUTCH" validate --bundle "$TMP/bundle" --backend docker
  [ "$status" -eq 1 ]
  # stderr carries the text log line, where quotes are escaped as logrus does
  [[ "$output" == *'unknown backend \"docker\" (expected one of: native, lxc, proxmox)'* ]]
  run "$HUTCH" validate --bundle "$TMP/bundle" --format yaml
  [ "$status" -eq 1 ]
  [[ "$output" == *'unknown format \"yaml\"'* ]]
}

@test "validate warns about deprecated fields and the chosen backend" {
  cat > "$TMP/bundle/config.json" <<'JSON'
{"ociVersion": "1.3.0", "root": {"path": "rootfs"},
 "hooks": {"prestart": [{"path": "/bin/true"}]},
 "linux": {"resources": {"memory": {"kernel": 1048576}}}}
JSON
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning: hooks.prestart: deprecated"* ]]
  [[ "$output" == *"warning: linux.resources.memory.kernel: deprecated"* ]]
  [ "${lines[-1]}" = "valid: 0 errors, 3 warnings" ]
  # What the backend refuses makes the bundle unusable there: create on
  # proxmox would refuse it.
  run "$HUTCH" validate --bundle "$TMP/bundle" --backend proxmox
  [ "$status" -eq 1 ]
  [[ "$output" == *"warning: linux.resources.memory.kernel: set, but not honoured by backend proxmox"* ]]
  [ "${lines[-1]}" = "unusable: 0 errors, 4 warnings; backend proxmox refuses 1 of the fields" ]
  run "$HUTCH" validate --bundle "$TMP/bundle" --backend proxmox --format json
  [ "$status" -eq 1 ]
  echo "$output" >"$TMP/v.json"
  [ "$(json_get "$TMP/v.json" 'd["valid"], d["usable"]')" = "True False" ]
}

@test "validate: an empty LSM label asks for nothing; execCPUAffinity is refused where pct exec cannot apply it" {
  cat > "$TMP/bundle/config.json" <<'JSON'
{"ociVersion": "1.3.0", "root": {"path": "rootfs"},
 "process": {"cwd": "/", "args": ["sh"], "user": {"uid": 0, "gid": 0}, "apparmorProfile": "", "selinuxLabel": ""},
 "linux": {"mountLabel": ""}}
JSON
  for backend in native lxc proxmox; do
    run "$HUTCH" validate --bundle "$TMP/bundle" --backend "$backend"
    [ "$status" -eq 0 ] || fail "$backend: $output"
    [ "$output" = "valid: 0 errors, 0 warnings" ]
  done
  /usr/bin/python3 - "$TMP/bundle/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
c["process"]["execCPUAffinity"] = {"initial": "0"}
json.dump(c, open(sys.argv[1], "w"))
PY
  run "$HUTCH" validate --bundle "$TMP/bundle" --backend proxmox
  [ "$status" -eq 1 ]
  [[ "$output" == *"warning: process.execCPUAffinity: set, but not honoured by backend proxmox"* ]]
}

@test "validate refuses other platforms by name" {
  echo '{"ociVersion": "1.3.0", "root": {"path": "rootfs"}, "windows": {"layerFolders": ["C:\\l"]}}' > "$TMP/bundle/config.json"
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 1 ]
  [[ "$output" == *'error: windows: platform "windows" is not supported by hutch'* ]]
}

@test "validate --debug shows ignored unknown fields" {
  echo '{"ociVersion": "1.3.0", "root": {"path": "rootfs"}, "vendorThing": 1}' > "$TMP/bundle/config.json"
  run "$HUTCH" validate --bundle "$TMP/bundle"
  [ "$status" -eq 0 ]
  [[ "$output" != *"vendorThing"* ]]
  run "$HUTCH" --debug validate --bundle "$TMP/bundle"
  [ "$status" -eq 0 ]
  [[ "$output" == *"debug: vendorThing: unknown field, ignored"* ]]
}

@test "features lists hutch's own annotations, options and files in annotations[io.hutch.vendorExtensions]" {
  local backend
  for backend in native lxc proxmox; do
    "$HUTCH" features --backend "$backend" >"$TMP/f.json"
    # Every option listed is in that command's --help (or the global one),
    # with the same words; every command listed exists.
    json_get "$TMP/f.json" '"\n".join("%s %s %s" % (e["kind"], e["name"], " ".join(e.get("commands", [""]))) for e in json.loads(d["annotations"]["io.hutch.vendorExtensions"]))' >"$TMP/ext"
    # Nothing the spec does not define at the top (features.md forbids it),
    # and the annotations say who may change hutch's behaviour.
    [ "$(json_get "$TMP/f.json" 'sorted(d)')" = "['annotations', 'hooks', 'linux', 'mountOptions', 'ociVersionMax', 'ociVersionMin', 'potentiallyUnsafeConfigAnnotations']" ]
    [ "$(json_get "$TMP/f.json" 'd["potentiallyUnsafeConfigAnnotations"]')" = "['run.hutch.']" ]
    grep -qx 'annotation run.hutch.backend ' "$TMP/ext"
    grep -qx 'file /etc/hutch/hutch.conf ' "$TMP/ext"
    grep -qx 'command validate ' "$TMP/ext"
    grep -qx 'option --upgrade validate' "$TMP/ext"
    grep -qx 'option --backend create' "$TMP/ext"
    local kind name cmd
    while read -r kind name cmd; do
      case $kind in
      option)
        "$HUTCH" $cmd --help | grep -q "^  $name[ ,]" || fail "$backend: $name not in hutch $cmd --help"
        ;;
      command)
        "$HUTCH" --help | grep -q "^  $name " || fail "$backend: no command $name"
        ;;
      esac
    done <"$TMP/ext"
    # The proxmox backend's own annotations, in its document only.
    if [ "$backend" = proxmox ]; then
      grep -qx 'annotation run.hutch.proxmox.storage ' "$TMP/ext"
    else
      ! grep -q 'run.hutch.proxmox' "$TMP/ext"
    fi
  done
  [ "$(json_get "$TMP/f.json" '[e["values"] for e in json.loads(d["annotations"]["io.hutch.vendorExtensions"]) if e["name"] == "run.hutch.backend"][0]')" = "['native', 'lxc', 'proxmox']" ]
}

@test "features is truthful: what native applies, what proxmox leaves out" {
  run "$HUTCH" features
  [ "$status" -eq 0 ]
  echo "$output" > "$TMP/f.json"
  [ "$(json_get "$TMP/f.json" "d['ociVersionMin'], d['ociVersionMax']")" = "1.0.0 1.3.0" ]
  [ "$(json_get "$TMP/f.json" "len(d['hooks']), len(d['linux']['namespaces']), d['linux']['seccomp']['enabled']")" = "6 8 True" ]
  [ "$(json_get "$TMP/f.json" "'tmpcopyup' in d['mountOptions'], 'rro' in d['mountOptions'], 'idmap' in d['mountOptions']")" = "True True True" ]
  [ "$(json_get "$TMP/f.json" "d['annotations']['io.hutch.backend']")" = "native" ]
  run "$HUTCH" features --backend proxmox
  [ "$status" -eq 0 ]
  echo "$output" > "$TMP/p.json"
  [ "$(json_get "$TMP/p.json" "len(d['hooks']), 'createContainer' in d['hooks'], len(d['linux']['namespaces'])")" = "5 False 7" ]
  run "$HUTCH" features extra
  [ "$status" -eq 1 ]
}
