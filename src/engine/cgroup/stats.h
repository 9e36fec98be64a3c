#pragma once
/* hutch events: the statistics of a container's cgroup, written as the
 * `data` of runc's {"type":"stats"} event, i.e. runc's types.Stats, which
 * containerd (through go-runc), `ctr task metrics` and `podman stats`
 * decode. Keys, units and what is left out follow runc: nanoseconds for CPU
 * time, bytes for memory, v2 values mapped onto the v1 names. */
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"
#include "util/json_writer.h"

/* Reads the statistics of the container's cgroup directories (absolute
 * paths, one per hierarchy, in any order) and writes runc's `data` object
 * to w. Which controller and version a directory stands for is found from
 * the files it holds (memory.usage_in_bytes: v1 memory, memory.current: v2,
 * cpuacct.usage, cpu.stat, pids.current, blkio.*, io.stat, hugetlb.*,
 * *.pressure), so v1, v2 and hybrid hosts need no layout. Where two
 * directories offer the same statistic, v1 wins, as on a hybrid host the
 * v1 hierarchy is the one runc reads. A file that does not exist is
 * skipped (its keys are left out, or 0 where runc always writes them); one
 * that exists but cannot be read or parsed is an error naming it, as is a
 * directory that does not exist. On error nothing has been written to w. */
int cgroup_stats_write(char *const *dirs, size_t n, struct json_writer *w, struct hutch_error **err);

/* How many processes the OOM killer has killed in these cgroups so far
 * (v1 memory.oom_control, v2 memory.events); files that cannot be read
 * count as 0. `events` reports an "oom" event when this grows. */
uint64_t cgroup_oom_kills(char *const *dirs, size_t n);
