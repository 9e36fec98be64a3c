#!/usr/bin/env bats
# linux.resources: each field read back from the container's cgroup files on
# the host (and, where the container can see it, from inside), and the
# fields this host has no controller for refused by name with nothing left.

load helpers
load cgroup_helpers

# set_resources BUNDLE JSON: merges JSON into linux.resources (the default
# device list stays).
set_resources() {
  R=$2 cfg "$1" 'c["linux"].setdefault("resources", {}).update(json.loads(E["R"]))'
}

# created_with VAR JSON: a created container (its init parked in its
# cgroups) whose linux.resources has JSON merged in; its id in VAR.
created_with() {
  local var=$1 res=$2 id b
  new_id id
  new_bundle b sleep 1000
  set_resources "$b" "$res"
  hcreate "$id" "$b"
  [ "$status" -eq 0 ] || fail "create with $res: $(cat "$TMP/$id.out.err")"
  printf -v "$var" '%s' "$id"
}

# refused JSON TEXT...: create with JSON merged into linux.resources must exit
# 1 with each TEXT in its error, and leave nothing behind.
refused() {
  local res=$1 id b t
  shift
  new_id id
  new_bundle b sleep 1000
  set_resources "$b" "$res"
  hcreate "$id" "$b"
  [ "$status" -eq 1 ] || fail "create with $res exited $status, expected 1"
  for t in "$@"; do
    grep -qF -- "$t" "$TMP/$id.out.err" || fail "create with $res: no \"$t\" in: $(cat "$TMP/$id.out.err")"
  done
  assert_clean "$ROOT" "$id"
  [ -z "$(state_status "$id")" ] || fail "container $id exists after a failed create"
}

# host_has_file CONTROLLER FILE: whether a new cgroup in that v1 hierarchy
# gets FILE, probed with a cgroup of our own (files such as blkio.bfq.weight
# exist only below the root, and only once their I/O scheduler is loaded),
# so no test leans on what an earlier test or run loaded.
host_has_file() {
  local probe r=1
  probe="$(cg_mount "$1")/hutch-probe-$$-$BATS_TEST_NUMBER"
  mkdir "$probe" || fail "cannot make the probe cgroup $probe"
  [ -e "$probe/$2" ] && r=0
  rmdir "$probe"
  return $r
}

# ---- memory ----------------------------------------------------------------

@test "resources: memory.limit -> memory.limit_in_bytes, also as the container sees it" {
  created_with c '{"memory": {"limit": 268435456}}'
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 268435456 ]
  h start "$c"
  hrun exec "$c" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
  [ "$status" -eq 0 ]
  [ "$output" = 268435456 ]
  delete_clean "$c" -f
}

@test "resources: memory.reservation -> memory.soft_limit_in_bytes" {
  created_with c '{"memory": {"limit": 268435456, "reservation": 134217728}}'
  [ "$(cg_read memory "$c" memory.soft_limit_in_bytes)" = 134217728 ]
  [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 268435456 ]
  delete_clean "$c" -f
}

@test "resources: memory.swap -> memory.memsw.limit_in_bytes (or a clear error without swap accounting)" {
  if [ -e "$(cg_dir memory $$)/memory.memsw.limit_in_bytes" ]; then
    created_with c '{"memory": {"limit": 268435456, "swap": 536870912}}'
    [ "$(cg_read memory "$c" memory.memsw.limit_in_bytes)" = 536870912 ]
    [ "$(cg_read memory "$c" memory.limit_in_bytes)" = 268435456 ]
    delete_clean "$c" -f
  else
    refused '{"memory": {"limit": 268435456, "swap": 536870912}}' "linux.resources.memory.swap" "swap accounting is off"
  fi
}

@test "resources: memory.swappiness -> memory.swappiness" {
  created_with c '{"memory": {"swappiness": 17}}'
  [ "$(cg_read memory "$c" memory.swappiness)" = 17 ]
  delete_clean "$c" -f
}

@test "resources: memory.disableOOMKiller -> memory.oom_control oom_kill_disable 1" {
  created_with c '{"memory": {"limit": 268435456, "disableOOMKiller": true}}'
  dir=$(cg_ctr_dir memory "$c")
  grep -qx "oom_kill_disable 1" "$dir/memory.oom_control" || fail "$(cat "$dir/memory.oom_control")"
  delete_clean "$c" -f
}

# ---- cpu -------------------------------------------------------------------

@test "resources: cpu.shares -> cpu.shares" {
  created_with c '{"cpu": {"shares": 512}}'
  [ "$(cg_read cpu "$c" cpu.shares)" = 512 ]
  delete_clean "$c" -f
}

@test "resources: cpu.quota and cpu.period -> cpu.cfs_quota_us, cpu.cfs_period_us" {
  created_with c '{"cpu": {"quota": 30000, "period": 200000}}'
  [ "$(cg_read cpu "$c" cpu.cfs_quota_us)" = 30000 ]
  [ "$(cg_read cpu "$c" cpu.cfs_period_us)" = 200000 ]
  delete_clean "$c" -f
}

@test "resources: cpu.burst -> cpu.cfs_burst_us" {
  if ! host_has_file cpu cpu.cfs_burst_us; then
    refused '{"cpu": {"quota": 50000, "period": 100000, "burst": 20000}}' "linux.resources.cpu.burst"
    return 0
  fi
  created_with c '{"cpu": {"quota": 50000, "period": 100000, "burst": 20000}}'
  [ "$(cg_read cpu "$c" cpu.cfs_burst_us)" = 20000 ]
  [ "$(cg_read cpu "$c" cpu.cfs_quota_us)" = 50000 ]
  delete_clean "$c" -f
}

@test "resources: cpu.realtimeRuntime and realtimePeriod -> cpu.rt_runtime_us, cpu.rt_period_us" {
  if ! host_has_file cpu cpu.rt_runtime_us; then
    refused '{"cpu": {"realtimeRuntime": 20000, "realtimePeriod": 500000}}' "linux.resources.cpu.realtimeRuntime"
    return 0
  fi
  created_with c '{"cpu": {"realtimeRuntime": 20000, "realtimePeriod": 500000}}'
  [ "$(cg_read cpu "$c" cpu.rt_runtime_us)" = 20000 ]
  [ "$(cg_read cpu "$c" cpu.rt_period_us)" = 500000 ]
  delete_clean "$c" -f
}

@test "resources: cpu.cpus and cpu.mems -> cpuset.cpus, cpuset.mems, and the container runs on those CPUs" {
  last=$(($(nproc --all) - 1))
  node=$(cut -d, -f1 /sys/devices/system/node/online 2>/dev/null | cut -d- -f1)
  node=${node:-0}
  new_id c
  new_bundle b sh -c 'grep -E "^(Cpus|Mems)_allowed_list" /proc/self/status; sleep 1000'
  CPU=$last NODE=$node cfg "$b" 'c["linux"]["resources"]["cpu"] = {"cpus": E["CPU"], "mems": E["NODE"]}'
  hrun -o "$TMP/c.out" run -d --bundle "$b" "$c"
  [ "$status" -eq 0 ]
  [ "$(cg_read cpuset "$c" cpuset.cpus)" = "$last" ]
  [ "$(cg_read cpuset "$c" cpuset.mems)" = "$node" ]
  wait_for grep -q Mems_allowed_list "$TMP/c.out"
  grep -Eq "^Cpus_allowed_list:[[:space:]]+$last\$" "$TMP/c.out" || fail "$(cat "$TMP/c.out")"
  grep -Eq "^Mems_allowed_list:[[:space:]]+$node\$" "$TMP/c.out" || fail "$(cat "$TMP/c.out")"
  delete_clean "$c" -f
}

@test "resources: cpu.idle -> cpu.idle" {
  if ! host_has_file cpu cpu.idle; then
    refused '{"cpu": {"idle": 1}}' "linux.resources.cpu.idle"
    return 0
  fi
  created_with c '{"cpu": {"idle": 1}}'
  dir=$(cg_ctr_dir cpu "$c")
  [ -e "$dir/cpu.idle" ] || fail "no cpu.idle in $dir"
  [ "$(head -n1 "$dir/cpu.idle")" = 1 ]
  delete_clean "$c" -f
}

# ---- pids ------------------------------------------------------------------

@test "resources: pids.limit -> pids.max (42, 0, and -1 as max)" {
  created_with c '{"pids": {"limit": 42}}'
  [ "$(cg_read pids "$c" pids.max)" = 42 ]
  delete_clean "$c" -f
  created_with c0 '{"pids": {"limit": 0}}'
  [ "$(cg_read pids "$c0" pids.max)" = 0 ]
  delete_clean "$c0" -f
  created_with cm '{"pids": {"limit": -1}}'
  [ "$(cg_read pids "$cm" pids.max)" = max ]
  delete_clean "$cm" -f
}

@test "resources: pids.limit 1 keeps the container from forking; -1 does not" {
  new_id c
  new_bundle b sh -c 'ls / >/dev/null; echo forked'
  set_resources "$b" '{"pids": {"limit": 1}}'
  hrun run --bundle "$b" "$c"
  [ "$status" -ne 0 ] || fail "the fork was allowed: $output"
  [[ "$output" != *forked* ]]
  assert_clean "$ROOT" "$c"
  new_id c2
  set_resources "$b" '{"pids": {"limit": -1}}'
  hrun run --bundle "$b" "$c2"
  [ "$status" -eq 0 ]
  [ "$output" = forked ]
  assert_clean "$ROOT" "$c2"
}

# ---- blockIO ---------------------------------------------------------------

@test "resources: blockIO.weight -> blkio.weight or blkio.bfq.weight where the host has weights; refused by name where not" {
  if host_has_file blkio blkio.weight || host_has_file blkio blkio.bfq.weight; then
    created_with c '{"blockIO": {"weight": 300}}'
    dir=$(cg_ctr_dir blkio "$c")
    if [ -e "$dir/blkio.weight" ]; then f=blkio.weight; else f=blkio.bfq.weight; fi
    [ "$(awk '{ print $NF; exit }' "$dir/$f")" = 300 ]
    delete_clean "$c" -f
  else
    refused '{"blockIO": {"weight": 300}}' "linux.resources.blockIO.weight" "the I/O scheduler has no weights"
  fi
}

# A loop device of our own with the BFQ scheduler (which has per-device
# weights), detached in teardown.
teardown() {
  local dev sched
  if [ -s "${TMP:-/nonexistent}/loopdev" ]; then
    read -r dev sched <"$TMP/loopdev"
    # the loop device goes back to the scheduler it had
    [ -z "$sched" ] || echo "$sched" >"/sys/block/${dev##*/}/queue/scheduler" 2>/dev/null || true
    losetup -d "$dev" 2>/dev/null || true
  fi
  common_teardown
}

@test "resources: blockIO.weightDevice -> blkio.bfq.weight_device on a BFQ device; refused by name where the scheduler has no weights" {
  command -v losetup >/dev/null || skip "no losetup"
  truncate -s 8M "$TMP/disk.img"
  dev=$(losetup -f --show "$TMP/disk.img")
  name=${dev##*/}
  echo "$dev $(sed -n 's/.*\[\(.*\)\].*/\1/p' "/sys/block/$name/queue/scheduler")" >"$TMP/loopdev"
  IFS=: read -r maj min <"/sys/block/$name/dev"
  if ! echo bfq 2>/dev/null >"/sys/block/$name/queue/scheduler"; then
    # no BFQ on this host: the device has no weights, and hutch says which field
    refused "{\"blockIO\": {\"weightDevice\": [{\"major\": $maj, \"minor\": $min, \"weight\": 200}]}}" \
      "linux.resources.blockIO.weightDevice[0]"
    return 0
  fi
  grep -q '\[bfq\]' "/sys/block/$name/queue/scheduler"
  created_with c "{\"blockIO\": {\"weightDevice\": [{\"major\": $maj, \"minor\": $min, \"weight\": 200}]}}"
  dir=$(cg_ctr_dir blkio "$c")
  if [ -e "$dir/blkio.weight_device" ]; then f=blkio.weight_device; else f=blkio.bfq.weight_device; fi
  grep -qx "$maj:$min 200" "$dir/$f" || fail "$f: $(cat "$dir/$f")"
  delete_clean "$c" -f
  # a disk whose scheduler is not BFQ: the kernel refuses, hutch names the field
  disk=$(real_disk) || skip "no real disk"
  sched=$(cat "/sys/dev/block/$disk/queue/scheduler" 2>/dev/null || true)
  if [[ "$sched" != *"[bfq]"* ]] && [ ! -e "$(cg_dir blkio $$)/blkio.weight_device" ]; then
    refused "{\"blockIO\": {\"weightDevice\": [{\"major\": ${disk%:*}, \"minor\": ${disk#*:}, \"weight\": 200}]}}" \
      "linux.resources.blockIO.weightDevice[0]"
  fi
}

@test "resources: blockIO.throttle*Device -> blkio.throttle.{read,write}_{bps,iops}_device" {
  disk=$(real_disk) || skip "no real disk"
  maj=${disk%:*} min=${disk#*:}
  created_with c "{\"blockIO\": {
    \"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}],
    \"throttleWriteBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 2097152}],
    \"throttleReadIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 300}],
    \"throttleWriteIOPSDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 100}]}}"
  dir=$(cg_ctr_dir blkio "$c")
  grep -qx "$disk 1048576" "$dir/blkio.throttle.read_bps_device"
  grep -qx "$disk 2097152" "$dir/blkio.throttle.write_bps_device"
  grep -qx "$disk 300" "$dir/blkio.throttle.read_iops_device"
  grep -qx "$disk 100" "$dir/blkio.throttle.write_iops_device"
  delete_clean "$c" -f
}

@test "resources: throttling a device that does not exist is refused by name, nothing left" {
  disk=$(real_disk) || skip "no real disk"
  maj=${disk%:*}
  min=250
  while [ -e "/sys/dev/block/$maj:$min" ]; do min=$((min + 1)); done
  refused "{\"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $maj, \"minor\": $min, \"rate\": 1048576}]}}" \
    "linux.resources.blockIO.throttleReadBpsDevice[0]"
}

# ---- hugetlb ---------------------------------------------------------------

@test "resources: hugepageLimits 2MB -> hugetlb.2MB.max and hugetlb.2MB.rsvd.max (in the unified hutch-ID here)" {
  [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
  created_with c '{"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
  ctrl=hugetlb
  [ -n "$(cg_mount hugetlb)" ] || ctrl=""
  dir=$(cg_ctr_dir "$ctrl" "$c")
  if [ -z "$ctrl" ]; then
    [ "$dir" = "$(cg_mount "")$(grep '^0::' /proc/self/cgroup | cut -d: -f3 | sed 's,/$,,')/hutch-$c" ]
    [ "$(cat "$dir/hugetlb.2MB.max")" = 4194304 ]
    [ "$(cat "$dir/hugetlb.2MB.rsvd.max")" = 4194304 ]
  else
    [ "$(cat "$dir/hugetlb.2MB.limit_in_bytes")" = 4194304 ]
  fi
  delete_clean "$c" -f
}

# ---- what this host has no controller for ---------------------------------

@test "resources: network.classID -> net_cls.classid; refused by name, nothing left, without a net_cls controller" {
  if [ -n "$(cg_mount net_cls)" ]; then
    created_with c '{"network": {"classID": 1048577}}'
    [ "$(cg_read net_cls "$c" net_cls.classid)" = 1048577 ]
    delete_clean "$c" -f
  else
    refused '{"network": {"classID": 1048577}}' "linux.resources.network.classID" "net_cls"
  fi
}

@test "resources: network.priorities -> net_prio.ifpriomap; refused by name, nothing left, without a net_prio controller" {
  if [ -n "$(cg_mount net_prio)" ]; then
    created_with c '{"network": {"priorities": [{"name": "lo", "priority": 3}]}}'
    grep -qx "lo 3" "$(cg_ctr_dir net_prio "$c")/net_prio.ifpriomap"
    delete_clean "$c" -f
  else
    refused '{"network": {"priorities": [{"name": "lo", "priority": 3}]}}' "linux.resources.network.priorities" "net_prio"
  fi
}

@test "resources: rdma without an rdma controller is refused by name, nothing left" {
  [ -z "$(cg_mount rdma)" ] && ! grep -qw rdma "$(cg_mount "")/cgroup.controllers" || skip "this host has rdma"
  refused '{"rdma": {"mlx5_0": {"hcaHandles": 3, "hcaObjects": 10000}}}' "linux.resources.rdma"
}

@test "resources: unified memory.max with no memory controller on cgroup2 is refused by name, nothing left" {
  ! grep -qw memory "$(cg_mount "")/cgroup.controllers" || skip "memory is on cgroup2 here"
  refused '{"unified": {"memory.max": "268435456"}}' "linux.resources.unified.memory.max"
}

@test "resources: unified hugetlb.2MB.max is written on the unified hierarchy" {
  grep -qw hugetlb "$(cg_mount "")/cgroup.controllers" || skip "no hugetlb on cgroup2"
  [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
  created_with c '{"unified": {"hugetlb.2MB.max": "6291456"}}'
  [ "$(cg_read "" "$c" hugetlb.2MB.max)" = 6291456 ]
  delete_clean "$c" -f
}

@test "resources: unified keys with a / (or ..) are refused by name, nothing left" {
  refused '{"unified": {"../hugetlb.2MB.max": "2097152"}}' "linux.resources.unified.../hugetlb.2MB.max"
  refused '{"unified": {"hugetlb/hugetlb.2MB.max": "2097152"}}' "linux.resources.unified.hugetlb/hugetlb.2MB.max"
}
