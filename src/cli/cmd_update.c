/* hutch update: change the resource limits of a container. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec update_options[] = {
  { "resources", 'r', OPT_STRING, "FILE", "linux.resources JSON from FILE, or - for stdin", false },
  { "blkio-weight", 0, OPT_STRING, "N", "block I/O weight (10 to 1000)", false },
  { "cpu-period", 0, OPT_STRING, "N", "CFS period in microseconds", false },
  { "cpu-quota", 0, OPT_STRING, "N", "CFS quota in microseconds", false },
  { "cpu-burst", 0, OPT_STRING, "N", "CFS burst in microseconds", false },
  { "cpu-share", 0, OPT_STRING, "N", "CPU shares", false },
  { "cpu-rt-period", 0, OPT_STRING, "N", "realtime period in microseconds", false },
  { "cpu-rt-runtime", 0, OPT_STRING, "N", "realtime runtime in microseconds", false },
  { "cpuset-cpus", 0, OPT_STRING, "LIST", "CPUs allowed", false },
  { "cpuset-mems", 0, OPT_STRING, "LIST", "memory nodes allowed", false },
  { "cpu-idle", 0, OPT_STRING, "0|1", "SCHED_IDLE for the cgroup", false },
  { "memory", 0, OPT_STRING, "BYTES", "memory limit", false },
  { "memory-reservation", 0, OPT_STRING, "BYTES", "memory soft limit", false },
  { "memory-swap", 0, OPT_STRING, "BYTES", "memory plus swap limit", false },
  { "pids-limit", 0, OPT_STRING, "N", "maximum number of processes", false },
  { "l3-cache-schema", 0, OPT_STRING, "SCHEMA", "Intel RDT L3 cache schema", false },
  { "mem-bw-schema", 0, OPT_STRING, "SCHEMA", "Intel RDT memory bandwidth schema", false },
  { "kernel-memory", 0, OPT_STRING, "BYTES", "ignored (deprecated)", true },
  { "kernel-memory-tcp", 0, OPT_STRING, "BYTES", "ignored (deprecated)", true },
};

const struct cli_command cli_cmd_update = {
  .name = "update",
  .summary = "change the resource limits of a container",
  .usage = "<container-id>",
  CLI_OPTIONS(update_options),
  .min_args = 1,
  .max_args = 1,
  .run = cli_not_implemented,
};
