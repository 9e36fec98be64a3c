/* hutch update: change the resource limits of a container, from a
 * linux.resources JSON document (--resources FILE, or - for stdin) or from
 * runc's per-field options. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"
#include "spec/codec.h"
#include "spec/config.h"
#include "spec/schema.h"
#include "util/cleanup.h"
#include "util/file.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct opt_spec update_options[] = {
  { "resources", 'r', OPT_STRING, "FILE", "linux.resources JSON from FILE, or - for stdin", false, NULL },
  { "blkio-weight", 0, OPT_STRING, "N", "block I/O weight (blockIO.weight; the kernel takes 10 to 1000)", false, NULL },
  { "cpu-period", 0, OPT_STRING, "N", "CFS period in microseconds", false, NULL },
  { "cpu-quota", 0, OPT_STRING, "N", "CFS quota in microseconds", false, NULL },
  { "cpu-burst", 0, OPT_STRING, "N", "CFS burst in microseconds", false, NULL },
  { "cpu-share", 0, OPT_STRING, "N", "CPU shares", false, NULL },
  { "cpu-rt-period", 0, OPT_STRING, "N", "realtime period in microseconds", false, NULL },
  { "cpu-rt-runtime", 0, OPT_STRING, "N", "realtime runtime in microseconds", false, NULL },
  { "cpuset-cpus", 0, OPT_STRING, "LIST", "CPUs allowed", false, NULL },
  { "cpuset-mems", 0, OPT_STRING, "LIST", "memory nodes allowed", false, NULL },
  { "cpu-idle", 0, OPT_STRING, "0|1", "SCHED_IDLE for the cgroup", false, NULL },
  { "memory", 0, OPT_STRING, "BYTES", "memory limit", false, NULL },
  { "memory-reservation", 0, OPT_STRING, "BYTES", "memory soft limit", false, NULL },
  { "memory-swap", 0, OPT_STRING, "BYTES", "memory plus swap limit", false, NULL },
  { "pids-limit", 0, OPT_STRING, "N", "maximum number of processes", false, NULL },
  { "l3-cache-schema", 0, OPT_STRING, "SCHEMA", "Intel RDT L3 cache schema", false, NULL },
  { "mem-bw-schema", 0, OPT_STRING, "SCHEMA", "Intel RDT memory bandwidth schema", false, NULL },
  { "kernel-memory", 0, OPT_STRING, "BYTES", "ignored (deprecated)", true, NULL },
  { "kernel-memory-tcp", 0, OPT_STRING, "BYTES", "ignored (deprecated)", true, NULL },
};

static int read_resources_document(const char *path, struct arena *arena, struct oci_resources **out,
                                   struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  size_t len;
  /* "-" is the caller's own stdin, a pipe as often as not; a named file
   * must be a regular one. */
  int r = strcmp(path, "-") == 0
            ? read_file_at(AT_FDCWD, "/dev/stdin", OCI_CONFIG_MAX_SIZE, &text, &len, err)
            : read_regular_file_at(AT_FDCWD, path, OCI_CONFIG_MAX_SIZE, REGULAR_FOLLOW, &text, &len, err);
  if (r < 0)
    return hutch_error_prefix(err, "--resources: ");
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  *out = oci_decode_document(arena, &oci_type_resources, text, len, "the resources document", &diags);
  if (*out)
    oci_resources_validate(*out, &diags);
  const struct diag *bad = diag_first_error(&diags);
  if (bad)
    return hutch_fail(err, 0, "--resources: %s%s%s", bad->path, bad->path[0] ? ": " : "", bad->message);
  return 0;
}

/* A number with an optional binary suffix ("512m", "1g", "-1"), as runc's
 * options take them. */
static bool parse_size(const char *s, int64_t *out)
{
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno || end == s)
    return false;
  long long mult = 1;
  switch (tolower((unsigned char) *end)) {
  case 'k': mult = 1LL << 10; end++; break;
  case 'm': mult = 1LL << 20; end++; break;
  case 'g': mult = 1LL << 30; end++; break;
  case 't': mult = 1LL << 40; end++; break;
  default: break;
  }
  if (*end == 'b' || *end == 'B')
    end++;
  if (*end || (v > 0 && v > INT64_MAX / mult))
    return false;
  *out = v * mult;
  return true;
}

struct size_flag {
  const char *name;
  bool is_unsigned;
  size_t offset_in; /* where in the sub-object */
  int object;       /* 0 memory, 1 cpu, 2 pids, 3 blockIO */
};

static int resources_from_flags(const struct cli_command *cmd, const struct parsed_args *args, struct arena *a,
                                struct oci_resources *r, struct hutch_error **err)
{
  struct oci_memory *mem = arena_calloc(a, 1, sizeof *mem);
  struct oci_cpu *cpu = arena_calloc(a, 1, sizeof *cpu);
  struct oci_pids *pids = arena_calloc(a, 1, sizeof *pids);
  struct oci_block_io *bio = arena_calloc(a, 1, sizeof *bio);
  bool any_mem = false, any_cpu = false, any_pids = false, any_bio = false;
  static const struct {
    const char *flag;
    int kind; /* 0 i64 memory, 1 u64 cpu, 2 i64 cpu, 3 string cpu, 4 i64 pids, 5 u16 blkio */
    size_t offset;
  } table[] = {
    { "memory", 0, offsetof(struct oci_memory, limit) },
    { "memory-reservation", 0, offsetof(struct oci_memory, reservation) },
    { "memory-swap", 0, offsetof(struct oci_memory, swap) },
    { "cpu-share", 1, offsetof(struct oci_cpu, shares) },
    { "cpu-period", 1, offsetof(struct oci_cpu, period) },
    { "cpu-burst", 1, offsetof(struct oci_cpu, burst) },
    { "cpu-rt-period", 1, offsetof(struct oci_cpu, realtime_period) },
    { "cpu-quota", 2, offsetof(struct oci_cpu, quota) },
    { "cpu-rt-runtime", 2, offsetof(struct oci_cpu, realtime_runtime) },
    { "cpu-idle", 2, offsetof(struct oci_cpu, idle) },
    { "cpuset-cpus", 3, offsetof(struct oci_cpu, cpus) },
    { "cpuset-mems", 3, offsetof(struct oci_cpu, mems) },
    { "pids-limit", 4, offsetof(struct oci_pids, limit) },
    { "blkio-weight", 5, offsetof(struct oci_block_io, weight) },
  };
  for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
    const char *v = cli_opt_string(cmd, args, table[i].flag, NULL);
    if (!v)
      continue;
    int64_t n = 0;
    if (table[i].kind != 3 && (!parse_size(v, &n) || (table[i].kind == 1 && n < 0) ||
                               (table[i].kind == 5 && (n < 0 || n > 65535))))
      return hutch_fail(err, 0, "--%s: \"%s\" is not a valid value", table[i].flag, v);
    switch (table[i].kind) {
    case 0:
      *(oci_opt_i64 *) ((char *) mem + table[i].offset) = (oci_opt_i64) { n, true };
      any_mem = true;
      break;
    case 1:
      *(oci_opt_u64 *) ((char *) cpu + table[i].offset) = (oci_opt_u64) { (uint64_t) n, true };
      any_cpu = true;
      break;
    case 2:
      *(oci_opt_i64 *) ((char *) cpu + table[i].offset) = (oci_opt_i64) { n, true };
      any_cpu = true;
      break;
    case 3:
      *(char **) ((char *) cpu + table[i].offset) = arena_strdup(a, v);
      any_cpu = true;
      break;
    case 4:
      pids->limit = (oci_opt_i64) { n, true };
      any_pids = true;
      break;
    default:
      bio->weight = (oci_opt_u16) { (uint16_t) n, true };
      any_bio = true;
    }
  }
  static const char *const rdt[] = { "l3-cache-schema", "mem-bw-schema" };
  for (size_t i = 0; i < 2; i++)
    if (cli_opt(cmd, args, rdt[i])->set)
      return hutch_fail(err, 0, "--%s: updating Intel RDT is not implemented (set linux.intelRdt at create)", rdt[i]);
  r->memory = any_mem ? mem : NULL;
  r->cpu = any_cpu ? cpu : NULL;
  r->pids = any_pids ? pids : NULL;
  r->block_io = any_bio ? bio : NULL;
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  oci_resources_validate(r, &diags);
  const struct diag *bad = diag_first_error(&diags);
  if (bad)
    return hutch_fail(err, 0, "%s: %s", bad->path, bad->message);
  return 0;
}

static int update_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const char *id = args->positional[0];
  struct arena arena;
  arena_init(&arena);
  struct oci_resources flags_resources = { 0 };
  struct oci_resources *r = &flags_resources;
  const char *doc = cli_opt_string(cmd, args, "resources", NULL);
  int rc = 0;
  cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
  if ((doc ? read_resources_document(doc, &arena, &r, &err) : resources_from_flags(cmd, args, &arena, r, &err)) < 0 ||
      cli_open_container(&rt, id, HUTCH_OPEN_STATE, HUTCH_OP_UPDATE, &c, &err) < 0 ||
      c.backend->update(&rt, &c, r, &err) < 0)
    rc = cli_fail(cmd, err);
  arena_release(&arena);
  return rc;
}

const struct cli_command cli_cmd_update = {
  .name = "update",
  .summary = "change the resource limits of a container",
  .usage = "<container-id>",
  CLI_OPTIONS(update_options),
  .min_args = 1,
  .max_args = 1,
  .run = update_run,
};
