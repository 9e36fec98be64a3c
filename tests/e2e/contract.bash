# The runc command-line contract details the clients rely on
# (runc's, as go-runc and containerd call it): --version lines, --log-format json as
# containerd's shim decodes it, --pid-file contents, the last error surfacing
# through the clients.

# go-runc's Version(): "runc version X" / "commit: " / "spec: " prefixes.
scenario contract-version sc_contract_version
sc_contract_version() {
  x "$RT" --version
  want "--version exits 0" [ "$RC" = 0 ]
  want "first line is '<name> version X'" matches "$(printf '%s\n' "$OUT" | head -n1)" '^[a-z][a-z0-9_-]* version [0-9]'
  want "a 'commit: ' line" matches "$OUT" '^commit: [^ ]+'
  want "a 'spec: 1.x.y' line" matches "$OUT" '^spec: 1\.[0-9]+\.[0-9]+'
}

# Every line of a --log-format json file: one object with level (logrus
# names), msg, and an RFC 3339 time (what the shim's decoder needs).
check_json_log() { # check_json_log FILE: prints problems, the last error msg as "LAST: ..."
  python3 - "$1" <<'EOF'
import json, re, sys
ok_levels = {"panic", "fatal", "error", "warning", "info", "debug", "trace"}
rfc3339 = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$')
last = None
raw = open(sys.argv[1], "rb").read()
if not raw:
    print("PROBLEM: empty log")
if raw and not raw.endswith(b"\n"):
    print("PROBLEM: last line not newline-terminated")
for n, line in enumerate(raw.split(b"\n")[:-1], 1):
    try:
        o = json.loads(line.decode("utf-8"))
    except Exception as e:
        print(f"PROBLEM: line {n} is not one JSON object: {line[:120]!r} ({e})")
        continue
    if not isinstance(o, dict):
        print(f"PROBLEM: line {n} is not an object"); continue
    if o.get("level") not in ok_levels:
        print(f"PROBLEM: line {n} level {o.get('level')!r}")
    if not isinstance(o.get("msg"), str) or not o["msg"]:
        print(f"PROBLEM: line {n} has no msg")
    if not isinstance(o.get("time"), str) or not rfc3339.match(o["time"]):
        print(f"PROBLEM: line {n} time {o.get('time')!r} is not RFC 3339")
    if o.get("level") == "error":
        last = o.get("msg")
print(f"LAST: {last}")
EOF
}

scenario contract-log-json sc_contract_log_json
sc_contract_log_json() {
  local r=$W/rt-direct log=$W/direct-log.json res
  mkdir -p "$r"
  rm -f "$log"
  x "$RT" --root "$r" --log "$log" --log-format json state no-such-container
  want "state of a missing container fails" [ "$RC" != 0 ]
  want "the error also goes to stderr" [ -n "$ERR" ]
  res=$(check_json_log "$log")
  echo "$res"
  want "the log is valid JSON lines" not has "$res" PROBLEM
  want "the last error says 'does not exist' (runc's wording, which containerd matches)" matches "$res" 'LAST: .*does not exist'
  mkdir -p "$W/badbundle"
  rm -f "$log"
  x "$RT" --root "$r" --log "$log" --log-format json create --bundle "$W/badbundle" e2e-bad
  want "create without config.json fails" [ "$RC" != 0 ]
  res=$(check_json_log "$log")
  echo "$res"
  want "valid JSON lines again" not has "$res" PROBLEM
  want "the error mentions config.json" matches "$res" 'LAST: .*config\.json'
  x "$RT" --root "$r" list -q
  want "nothing was left in the root" [ -z "$OUT" ]
}

# containerd reads <bundle>/log.json after a failed create and shows the last
# error: the runtime's own message must come through ctr.
scenario contract-ctr-create-error sc_contract_ctr_error ctr
sc_contract_ctr_error() {
  ct run --rm "${CRUN[@]}" "$IMG" "$TAG-err" /no-such-binary
  want "ctr run fails" [ "$RC" != 0 ]
  want "as an OCI runtime create failure" has "$ERR" "OCI runtime create failed"
  want "the shim could decode the runtime's JSON log" not has "$ERR" "unable to retrieve OCI runtime error"
  want "the runtime's message names the binary" has "$ERR" no-such-binary
  ct containers delete "$TAG-err"
  rt_ctd list -q
  want "no state left in the runtime root" [ -z "$OUT" ]
  want "no cgroup left for it" not has "$(cg_leftovers)" "$TAG-err"
}

# --pid-file: decimal digits only, no newline (go-runc/conmon Atoi the file).
scenario contract-pid-file sc_contract_pid_file podman
sc_contract_pid_file() {
  pm_detach "$IMG" sh -c "$IDLE" || return 1
  pm_pid "$CID" || return 1
  local f
  f=$(find "$W/podman/runroot" -path "*$CID*" -name pidfile 2>/dev/null | head -n1)
  want "conmon's runtime pid file exists" [ -n "$f" ] || return 1
  want "it holds digits only ($(od -c "$f" | head -n2 | tr -s ' ' | tr '\n' '|'))" matches "$(cat "$f")" '^[0-9]+$'
  want "no trailing newline" [ "$(wc -c <"$f")" = "${#PID}" ]
  want "it is the container's init pid" [ "$(cat "$f")" = "$PID" ]
}

scenario contract-runtime-list sc_contract_list podman
sc_contract_list() {
  pm_detach --name "$TAG-l1" "$IMG" sh -c "$IDLE" || return 1
  local c1=$CID
  pm_detach --name "$TAG-l2" "$IMG" sh -c "$IDLE" || return 1
  rt_podman list --format json
  want "runtime list --format json parses" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$OUT"
  want "lists both podman containers" [ "$(printf '%s' "$OUT" | grep -oE "$c1|$CID" | sort -u | wc -l)" = 2 ]
  rt_podman ps --format json "$CID"
  want "runtime ps --format json is an array of pids" python3 -c 'import json,sys; v=json.loads(sys.argv[1]); assert isinstance(v,list) and v and all(isinstance(p,int) for p in v)' "$OUT"
}

sc_leftovers_inside() {
  podman_clean
  ctd_clean
  if [ -n "${READY[podman]:-}" ]; then
    rt_podman list -q
    want "the runtime root under podman is empty" [ -z "$OUT" ]
  fi
  if [ -n "$CTD_PID" ]; then
    rt_ctd list -q
    want "the runtime root under containerd is empty" [ -z "$OUT" ]
  fi
  local left
  # exiting tasks keep a v1 cgroup busy for a moment
  want "no container cgroup is left under /$TAG" wait_for 10 no_container_cgroups ||
    cg_leftovers | grep -vE '/conmon$' | head -n 10
  # podman's runtime root is the runtime's default, /run/<name>
  left=$(grep -E " (/run/$(basename "$RT")|$CTD_ROOT_RT)[/ ]" /proc/self/mountinfo)
  want "no mounts left under the runtime roots" [ -z "$left" ]
  return 0
}

# `create` returns with the container's init re-parented to the caller's
# subreaper: conmon under podman, the shim under containerd. A runtime that
# kept a monitor process in between would show up as the init's parent.
scenario contract-init-parent sc_contract_init_parent ctr
sc_contract_init_parent() {
  pm_detach "$IMG" sh -c "$IDLE" || return 1
  pm_pid "$CID" || return 1
  pm_field "$CID" '{{.State.ConmonPid}}'
  local conmon=$OUT ppid
  ppid=$(status_field "$PID" PPid)
  want "podman: the init has a parent" [ -n "$ppid" ]
  want "podman: the init's parent ($ppid) is conmon ($conmon)" [ "$ppid" = "$conmon" ]
  ctr_detach "$TAG-par" "$IMG" "$TAG-par" sh -c "$IDLE" || return 1
  local pid
  pid=$(ctr_pid "$TAG-par")
  ppid=$(status_field "$pid" PPid)
  want "containerd: the init's parent is the task's shim ($(tr '\0' ' ' <"/proc/$ppid/cmdline" 2>/dev/null | cut -c1-80))" \
    matches "$(tr '\0' ' ' <"/proc/$ppid/cmdline" 2>/dev/null)" "containerd-shim-runc-v2 .*-id $TAG-par( |\$)"
}
