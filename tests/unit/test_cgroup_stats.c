/* hutch events --stats: runc's types.Stats read from plain directory trees
 * standing in for cgroupfs. The hybrid tree holds what a container cgroup
 * on the CI machine held (v1 cpu, cpuacct, cpuset, memory, blkio, pids;
 * cgroup2 at "unified" with only hugetlb), copied from a process run in
 * it; the v1 and v2 trees are what those kernels print. The output is
 * parsed back with the project's JSON reader (which refuses repeated keys)
 * and checked value by value. Needs no root and leaves /sys/fs/cgroup
 * alone. */
#include "helpers.h"
#include "tap.h"
#include "engine/cgroup/freezer.h"
#include "engine/cgroup/stats.h"
#include "util/arena.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/json_writer.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/hutch-cgstats-XXXXXX";
static struct arena arena;
static const char *tcase = ""; /* prefix of every assertion */

#define V1_UNLIMITED "9223372036854771712"

/* ---- files ------------------------------------------------------------ */

static void mkdir_p(const char *relative)
{
  cleanup_free char *path = xasprintf("%s/%s", tmp, relative);
  for (char *p = path + strlen(tmp) + 1;; p++) {
    if (*p != '/' && *p != '\0')
      continue;
    char c = *p;
    *p = '\0';
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
      tap_diag("mkdir %s: %s", path, strerror(errno));
    *p = c;
    if (!c)
      return;
  }
}

struct file {
  const char *name;
  const char *content;
};

/* Writes files into tmp/dir, creating it. */
static void put_files(const char *dir, const struct file *files, size_t n)
{
  mkdir_p(dir);
  for (size_t i = 0; i < n; i++) {
    cleanup_free char *path = xasprintf("%s/%s/%s", tmp, dir, files[i].name);
    if (!test_write_file(path, files[i].content))
      tap_diag("write %s: %s", path, strerror(errno));
  }
}
#define PUT(dir, files) put_files(dir, files, ARRAY_SIZE(files))

static void put(const char *dir, const char *name, const char *content)
{
  struct file f = { name, content };
  put_files(dir, &f, 1);
}

static void drop(const char *dir, const char *name)
{
  cleanup_free char *path = xasprintf("%s/%s/%s", tmp, dir, name);
  if (unlink(path) < 0)
    tap_diag("unlink %s: %s", path, strerror(errno));
}

/* ---- running and looking at the output --------------------------------- */

/* The stats of tmp/<dirs>, parsed; NULL (with *err set when the call
 * failed) otherwise. *text gets the JSON written, "" on failure. */
static struct json_node *stats_full(const char *const *dirs, size_t n, char **text, struct hutch_error **err)
{
  char **abs = xcalloc(n + 1, sizeof *abs);
  for (size_t i = 0; i < n; i++)
    abs[i] = xasprintf("%s/%s", tmp, dirs[i]);
  struct strbuf out = STRBUF_INIT;
  struct json_writer w;
  json_writer_init(&w, &out, NULL);
  int r = cgroup_stats_write(abs, n, &w, err);
  for (size_t i = 0; i < n; i++)
    free(abs[i]);
  free(abs);
  *text = strbuf_detach(&out);
  if (r < 0)
    return NULL;
  struct json_parse_error perr;
  struct json_node *root = json_parse(&arena, *text, strlen(*text), &perr);
  if (!root)
    tap_diag("%s: output is not JSON (%s at %s): %s", tcase, perr.message, perr.path, *text);
  return root;
}

static struct json_node *stats(const char *const *dirs, size_t n)
{
  cleanup_error struct hutch_error *err = NULL;
  cleanup_free char *text = NULL;
  struct json_node *root = stats_full(dirs, n, &text, &err);
  tap_ok(root != NULL, "%s: the statistics are read and written as JSON", tcase);
  if (err)
    tap_diag("%s", err->msg);
  return root;
}

/* The node at a dotted path; array items by index ("cpu.usage.percpu.1"). */
static const struct json_node *at(const struct json_node *n, const char *path)
{
  char buf[256];
  snprintf(buf, sizeof buf, "%s", path);
  char *save = NULL;
  for (char *part = strtok_r(buf, ".", &save); part && n; part = strtok_r(NULL, ".", &save)) {
    if (n->type == JSON_OBJECT) {
      n = json_object_get(n, part);
    } else if (n->type == JSON_ARRAY) {
      char *end;
      unsigned long i = strtoul(part, &end, 10);
      n = *end == '\0' && i < n->u.array.len ? n->u.array.items[i] : NULL;
    } else {
      n = NULL;
    }
  }
  return n;
}

static void is_u64(const struct json_node *root, const char *path, uint64_t want)
{
  const struct json_node *n = root ? at(root, path) : NULL;
  uint64_t got = 0;
  bool ok = n && n->type == JSON_NUMBER && json_number_to_u64(n, &got) && got == want;
  tap_ok(ok, "%s: %s = %" PRIu64, tcase, path, want);
  if (!ok && n && n->type == JSON_NUMBER)
    tap_diag("  got %s", n->u.number.text);
  else if (!ok)
    tap_diag("  got %s", n ? json_type_name(n->type) : "nothing");
}

static void is_i64(const struct json_node *root, const char *path, int64_t want)
{
  const struct json_node *n = root ? at(root, path) : NULL;
  int64_t got = 0;
  bool ok = n && n->type == JSON_NUMBER && json_number_to_i64(n, &got) && got == want;
  tap_ok(ok, "%s: %s = %" PRId64, tcase, path, want);
}

/* A number kept as the kernel's text (pressure averages). */
static void is_number_text(const struct json_node *root, const char *path, const char *want)
{
  const struct json_node *n = root ? at(root, path) : NULL;
  tap_str_eq(n && n->type == JSON_NUMBER ? n->u.number.text : NULL, want, "%s: %s = %s", tcase, path, want);
}

static void is_str(const struct json_node *root, const char *path, const char *want)
{
  const struct json_node *n = root ? at(root, path) : NULL;
  tap_str_eq(n && n->type == JSON_STRING ? n->u.string.ptr : NULL, want, "%s: %s = \"%s\"", tcase, path, want);
}

static void is_absent(const struct json_node *root, const char *path)
{
  tap_ok(root && !at(root, path), "%s: %s is left out", tcase, path);
}

static void is_null(const struct json_node *root, const char *path)
{
  const struct json_node *n = root ? at(root, path) : NULL;
  tap_ok(n && n->type == JSON_NULL, "%s: %s is null", tcase, path);
}

/* Items of an array or members of an object. */
static void has_len(const struct json_node *root, const char *path, size_t want)
{
  const struct json_node *n = root ? at(root, path) : NULL;
  size_t got = !n ? SIZE_MAX
               : n->type == JSON_ARRAY  ? n->u.array.len
               : n->type == JSON_OBJECT ? n->u.object.len
                                        : SIZE_MAX;
  tap_ok(got == want, "%s: %s has %zu entries", tcase, path, want);
  if (got != want && got != SIZE_MAX)
    tap_diag("  got %zu", got);
}

/* The nth member name of an object. */
static void key_is(const struct json_node *root, const char *path, size_t i, const char *want)
{
  const struct json_node *n = root ? at(root, path) : NULL;
  const char *got = n && n->type == JSON_OBJECT && i < n->u.object.len ? n->u.object.items[i].key : NULL;
  tap_str_eq(got, want, "%s: key %zu of %s is %s", tcase, i, path, want);
}

static uint64_t ticks_ns(uint64_t ticks)
{
  long hz = sysconf(_SC_CLK_TCK);
  return ticks * UINT64_C(1000000000) / (uint64_t) (hz > 0 ? hz : 100);
}

/* ---- the hybrid host (this CI machine) --------------------------------- */

#define HY_MEMORY "hybrid/memory/process_api/c2caa2cd1505d03b6acc5677c74b57b6/hutch-t"

static const struct file hy_cpu[] = {
  { "cgroup.clone_children", "0\n" },
  { "cgroup.procs", "13604\n" },
  { "tasks", "13604\n" },
  { "notify_on_release", "0\n" },
  { "cpu.cfs_burst_us", "0\n" },
  { "cpu.cfs_period_us", "100000\n" },
  { "cpu.cfs_quota_us", "50000\n" },
  { "cpu.idle", "0\n" },
  { "cpu.rt_period_us", "1000000\n" },
  { "cpu.rt_runtime_us", "0\n" },
  { "cpu.shares", "1024\n" },
  { "cpu.stat", "nr_periods 12\nnr_throttled 7\nthrottled_time 302201285\nnr_bursts 0\nburst_time 0\n" },
  { "cpu.stat.local", "throttled_time 302201285\n" },
};

static const struct file hy_cpuacct[] = {
  { "cgroup.clone_children", "0\n" },
  { "cgroup.procs", "13604\n" },
  { "notify_on_release", "0\n" },
  { "cpuacct.stat", "user 19\nsystem 24\n" },
  { "cpuacct.usage", "438648081\n" },
  { "cpuacct.usage_all", "cpu user system\n0 203990126 0\n1 0 247989945\n" },
  { "cpuacct.usage_percpu", "191913448 246734633 \n" },
  { "cpuacct.usage_percpu_sys", "0 247989945 \n" },
  { "cpuacct.usage_percpu_user", "203990126 0 \n" },
  { "cpuacct.usage_sys", "247989945\n" },
  { "cpuacct.usage_user", "203990126\n" },
};

static const struct file hy_cpuset[] = {
  { "cgroup.clone_children", "0\n" },
  { "cgroup.procs", "13604\n" },
  { "notify_on_release", "0\n" },
  { "cpuset.cpu_exclusive", "0\n" },
  { "cpuset.cpus", "0-1\n" },
  { "cpuset.effective_cpus", "0-1\n" },
  { "cpuset.effective_mems", "0\n" },
  { "cpuset.mem_exclusive", "0\n" },
  { "cpuset.mem_hardwall", "0\n" },
  { "cpuset.memory_migrate", "0\n" },
  { "cpuset.memory_pressure", "0\n" },
  { "cpuset.memory_spread_page", "0\n" },
  { "cpuset.memory_spread_slab", "0\n" },
  { "cpuset.mems", "0\n" },
  { "cpuset.sched_load_balance", "1\n" },
  { "cpuset.sched_relax_domain_level", "-1\n" },
};

static const char hy_memory_stat[] =
    "cache 33865728\nrss 114688\nrss_huge 0\nshmem 0\nmapped_file 0\ndirty 0\nwriteback 0\n"
    "workingset_refault_anon 0\nworkingset_refault_file 24\nswap 0\nswapcached 0\npgpgin 1079\npgpgout 767\n"
    "pgfault 867\npgmajfault 1\ninactive_anon 110592\nactive_anon 4096\ninactive_file 33783808\nactive_file 81920\n"
    "unevictable 0\nhierarchical_memory_limit 268435456\nhierarchical_memsw_limit 9223372036854771712\n"
    "total_cache 33865728\ntotal_rss 114688\ntotal_rss_huge 0\ntotal_shmem 0\ntotal_mapped_file 0\ntotal_dirty 0\n"
    "total_writeback 0\ntotal_workingset_refault_anon 0\ntotal_workingset_refault_file 24\ntotal_swap 0\n"
    "total_swapcached 0\ntotal_pgpgin 1079\ntotal_pgpgout 767\ntotal_pgfault 867\ntotal_pgmajfault 1\n"
    "total_inactive_anon 110592\ntotal_active_anon 4096\ntotal_inactive_file 33783808\ntotal_active_file 81920\n"
    "total_unevictable 0\n";

static const struct file hy_memory[] = {
  { "cgroup.clone_children", "0\n" },
  { "cgroup.event_control", "" },
  { "cgroup.procs", "13604\n" },
  { "notify_on_release", "0\n" },
  { "memory.failcnt", "0\n" },
  { "memory.force_empty", "" },
  { "memory.kmem.failcnt", "0\n" },
  { "memory.kmem.limit_in_bytes", V1_UNLIMITED "\n" },
  { "memory.kmem.max_usage_in_bytes", "184320\n" },
  { "memory.kmem.slabinfo", "" },
  { "memory.kmem.tcp.failcnt", "0\n" },
  { "memory.kmem.tcp.limit_in_bytes", V1_UNLIMITED "\n" },
  { "memory.kmem.tcp.max_usage_in_bytes", "0\n" },
  { "memory.kmem.tcp.usage_in_bytes", "0\n" },
  { "memory.kmem.usage_in_bytes", "81920\n" },
  { "memory.limit_in_bytes", "268435456\n" },
  { "memory.max_usage_in_bytes", "67723264\n" },
  { "memory.memsw.failcnt", "0\n" },
  { "memory.memsw.limit_in_bytes", V1_UNLIMITED "\n" },
  { "memory.memsw.max_usage_in_bytes", "67723264\n" },
  { "memory.memsw.usage_in_bytes", "34164736\n" },
  { "memory.move_charge_at_immigrate", "0\n" },
  { "memory.numa_stat", "total=8296 N0=8296\nfile=8268 N0=8268\nanon=28 N0=28\nunevictable=0 N0=0\n"
                        "hierarchical_total=8296 N0=8296\nhierarchical_file=8268 N0=8268\n"
                        "hierarchical_anon=28 N0=28\nhierarchical_unevictable=0 N0=0\n" },
  { "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n" },
  { "memory.pressure_level", "" },
  { "memory.soft_limit_in_bytes", V1_UNLIMITED "\n" },
  { "memory.stat", hy_memory_stat },
  { "memory.swappiness", "60\n" },
  { "memory.usage_in_bytes", "34164736\n" },
  { "memory.use_hierarchy", "1\n" },
};

static const struct file hy_devices[] = {
  { "cgroup.procs", "13604\n" },
  { "devices.list", "c 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\nc 5:0 rwm\nc 136:* rwm\n" },
};

static const struct file hy_freezer[] = {
  { "cgroup.procs", "13604\n" },
  { "freezer.self_freezing", "0\n" },
  { "freezer.parent_freezing", "0\n" },
  { "freezer.state", "THAWED\n" },
};

/* bfq is built in but does not schedule this disk: its tables are empty,
 * and the throttle layer's have the numbers. */
static const struct file hy_blkio[] = {
  { "cgroup.clone_children", "0\n" },
  { "cgroup.procs", "13604\n" },
  { "notify_on_release", "0\n" },
  { "blkio.bfq.io_service_bytes", "Total 0\n" },
  { "blkio.bfq.io_service_bytes_recursive", "Total 0\n" },
  { "blkio.bfq.io_serviced", "Total 0\n" },
  { "blkio.bfq.io_serviced_recursive", "Total 0\n" },
  { "blkio.bfq.weight", "100\n" },
  { "blkio.bfq.weight_device", "default 100\n" },
  { "blkio.reset_stats", "" },
  { "blkio.throttle.io_service_bytes", "254:0 Read 134316032\n254:0 Write 67108864\n254:0 Sync 201424896\n"
                                       "254:0 Async 0\n254:0 Discard 0\n254:0 Total 201424896\nTotal 201424896\n" },
  { "blkio.throttle.io_service_bytes_recursive",
    "254:0 Read 134316032\n254:0 Write 67108864\n254:0 Sync 201424896\n254:0 Async 0\n254:0 Discard 0\n"
    "254:0 Total 201424896\nTotal 201424896\n" },
  { "blkio.throttle.io_serviced",
    "254:0 Read 152\n254:0 Write 64\n254:0 Sync 216\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 216\nTotal 216\n" },
  { "blkio.throttle.io_serviced_recursive",
    "254:0 Read 152\n254:0 Write 64\n254:0 Sync 216\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 216\nTotal 216\n" },
  { "blkio.throttle.read_bps_device", "" },
  { "blkio.throttle.read_iops_device", "" },
  { "blkio.throttle.write_bps_device", "" },
  { "blkio.throttle.write_iops_device", "" },
};

static const struct file hy_pids[] = {
  { "cgroup.clone_children", "0\n" },
  { "cgroup.procs", "13604\n" },
  { "notify_on_release", "0\n" },
  { "pids.current", "1\n" },
  { "pids.events", "max 0\n" },
  { "pids.max", "100\n" },
  { "pids.peak", "2\n" },
};

static const struct file hy_systemd[] = {
  { "cgroup.procs", "13604\n" },
  { "notify_on_release", "0\n" },
};

/* cgroup2 with no controller enabled below the root: cpu.stat counts usage
 * only, and the pressure files are there. */
static const struct file hy_unified[] = {
  { "cgroup.controllers", "" },
  { "cgroup.events", "populated 1\nfrozen 0\n" },
  { "cgroup.freeze", "0\n" },
  { "cgroup.max.depth", "max\n" },
  { "cgroup.max.descendants", "max\n" },
  { "cgroup.pressure", "1\n" },
  { "cgroup.procs", "13604\n" },
  { "cgroup.stat", "nr_descendants 0\nnr_subsys_perf_event 1\nnr_subsys_hugetlb 0\nnr_dying_descendants 0\n"
                   "nr_dying_subsys_perf_event 0\nnr_dying_subsys_hugetlb 0\n" },
  { "cgroup.subtree_control", "" },
  { "cgroup.threads", "13604\n" },
  { "cgroup.type", "domain\n" },
  { "cpu.pressure", "some avg10=0.32 avg60=0.11 avg300=0.02 total=152235\n"
                    "full avg10=0.32 avg60=0.11 avg300=0.02 total=152173\n" },
  { "cpu.stat", "usage_usec 438648\nuser_usec 197973\nsystem_usec 240675\nnice_usec 0\n" },
  { "cpu.stat.local", "" },
  { "io.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=58781\n"
                   "full avg10=0.00 avg60=0.00 avg300=0.00 total=58776\n" },
  { "memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n"
                       "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n" },
};

/* hutch enables hugetlb in the cgroup2 tree when hugepageLimits asks. */
static const struct file hy_unified_hugetlb[] = {
  { "hugetlb.1GB.current", "0\n" },
  { "hugetlb.1GB.events", "max 0\n" },
  { "hugetlb.1GB.events.local", "max 0\n" },
  { "hugetlb.1GB.max", V1_UNLIMITED "\n" },
  { "hugetlb.1GB.numa_stat", "total=0 N0=0\n" },
  { "hugetlb.1GB.rsvd.current", "0\n" },
  { "hugetlb.1GB.rsvd.max", V1_UNLIMITED "\n" },
  { "hugetlb.2MB.current", "2097152\n" },
  { "hugetlb.2MB.events", "max 3\n" },
  { "hugetlb.2MB.events.local", "max 3\n" },
  { "hugetlb.2MB.max", "4194304\n" },
  { "hugetlb.2MB.numa_stat", "total=2097152 N0=2097152\n" },
  { "hugetlb.2MB.rsvd.current", "4194304\n" },
  { "hugetlb.2MB.rsvd.max", "4194304\n" },
};

static void build_hybrid(void)
{
  PUT("hybrid/cpu/hutch-t", hy_cpu);
  PUT("hybrid/cpuacct/hutch-t", hy_cpuacct);
  PUT("hybrid/cpuset/hutch-t", hy_cpuset);
  PUT(HY_MEMORY, hy_memory);
  PUT("hybrid/devices/hutch-t", hy_devices);
  PUT("hybrid/freezer/hutch-t", hy_freezer);
  PUT("hybrid/blkio/hutch-t", hy_blkio);
  PUT("hybrid/pids/hutch-t", hy_pids);
  PUT("hybrid/systemd/hutch-t", hy_systemd);
  PUT("hybrid/unified/hutch-t", hy_unified);
}

/* The cgroup2 directory first: the v1 hierarchies must still win. */
static const char *const hybrid_dirs[] = {
  "hybrid/unified/hutch-t", "hybrid/cpu/hutch-t",    "hybrid/cpuacct/hutch-t", "hybrid/cpuset/hutch-t",
  HY_MEMORY,                "hybrid/devices/hutch-t", "hybrid/freezer/hutch-t", "hybrid/blkio/hutch-t",
  "hybrid/pids/hutch-t",    "hybrid/systemd/hutch-t",
};

static void test_hybrid(void)
{
  tcase = "hybrid";
  build_hybrid();
  const struct json_node *r = stats(hybrid_dirs, ARRAY_SIZE(hybrid_dirs));

  /* runc's top-level keys, in its order */
  static const char *const top[] = { "cpu", "cpuset", "memory", "pids", "blkio", "hugetlb", "intel_rdt",
                                     "network_interfaces" };
  has_len(r, "", ARRAY_SIZE(top));
  for (size_t i = 0; i < ARRAY_SIZE(top); i++)
    key_is(r, "", i, top[i]);

  /* cpuacct, not the cgroup2 cpu.stat (438648 µs) */
  is_u64(r, "cpu.usage.total", 438648081);
  has_len(r, "cpu.usage.percpu", 2);
  is_u64(r, "cpu.usage.percpu.0", 191913448);
  is_u64(r, "cpu.usage.percpu.1", 246734633);
  is_u64(r, "cpu.usage.percpu_kernel.0", 0);
  is_u64(r, "cpu.usage.percpu_kernel.1", 247989945);
  is_u64(r, "cpu.usage.percpu_user.0", 203990126);
  is_u64(r, "cpu.usage.percpu_user.1", 0);
  is_u64(r, "cpu.usage.kernel", ticks_ns(24));
  is_u64(r, "cpu.usage.user", ticks_ns(19));
  is_u64(r, "cpu.throttling.periods", 12);
  is_u64(r, "cpu.throttling.throttledPeriods", 7);
  is_u64(r, "cpu.throttling.throttledTime", 302201285);
  is_number_text(r, "cpu.psi.some.avg10", "0.32");
  is_number_text(r, "cpu.psi.some.avg60", "0.11");
  is_number_text(r, "cpu.psi.some.avg300", "0.02");
  is_u64(r, "cpu.psi.some.total", 152235);
  is_u64(r, "cpu.psi.full.total", 152173);

  has_len(r, "cpuset.cpus", 2);
  is_u64(r, "cpuset.cpus.1", 1);
  has_len(r, "cpuset.mems", 1);
  is_u64(r, "cpuset.mems.0", 0);
  is_u64(r, "cpuset.cpu_exclusive", 0);
  is_u64(r, "cpuset.sched_load_balance", 1);
  is_i64(r, "cpuset.sched_relax_domain_level", -1);
  has_len(r, "cpuset", 11);

  is_u64(r, "memory.cache", 33865728);
  is_u64(r, "memory.usage.usage", 34164736);
  is_u64(r, "memory.usage.max", 67723264);
  is_u64(r, "memory.usage.failcnt", 0);
  is_u64(r, "memory.usage.limit", 268435456);
  is_u64(r, "memory.swap.usage", 34164736);
  is_u64(r, "memory.swap.max", 67723264);
  is_u64(r, "memory.swap.limit", UINT64_C(9223372036854771712));
  is_u64(r, "memory.kernel.usage", 81920);
  is_u64(r, "memory.kernel.max", 184320);
  is_u64(r, "memory.kernel.limit", UINT64_C(9223372036854771712));
  is_u64(r, "memory.kernelTCP.limit", UINT64_C(9223372036854771712));
  is_u64(r, "memory.kernelTCP.failcnt", 0);
  is_absent(r, "memory.kernelTCP.usage"); /* 0: omitempty */
  is_absent(r, "memory.kernelTCP.max");
  has_len(r, "memory.raw", 42);
  is_u64(r, "memory.raw.total_cache", 33865728);
  is_u64(r, "memory.raw.hierarchical_memsw_limit", UINT64_C(9223372036854771712));
  is_u64(r, "memory.raw.rss_huge", 0);
  is_u64(r, "memory.psi.some.total", 0);
  is_number_text(r, "memory.psi.full.avg300", "0.00");

  is_u64(r, "pids.current", 1);
  is_u64(r, "pids.limit", 100);

  has_len(r, "blkio.ioServiceBytesRecursive", 6);
  is_u64(r, "blkio.ioServiceBytesRecursive.0.major", 254);
  is_absent(r, "blkio.ioServiceBytesRecursive.0.minor"); /* 0: omitempty */
  is_str(r, "blkio.ioServiceBytesRecursive.0.op", "Read");
  is_u64(r, "blkio.ioServiceBytesRecursive.0.value", 134316032);
  is_str(r, "blkio.ioServiceBytesRecursive.1.op", "Write");
  is_u64(r, "blkio.ioServiceBytesRecursive.1.value", 67108864);
  is_str(r, "blkio.ioServiceBytesRecursive.3.op", "Async");
  is_absent(r, "blkio.ioServiceBytesRecursive.3.value");
  is_str(r, "blkio.ioServiceBytesRecursive.5.op", "Total");
  has_len(r, "blkio.ioServicedRecursive", 6);
  is_u64(r, "blkio.ioServicedRecursive.0.value", 152);
  is_u64(r, "blkio.ioServicedRecursive.1.value", 64);
  is_absent(r, "blkio.ioQueueRecursive");
  is_absent(r, "blkio.sectorsRecursive");
  is_u64(r, "blkio.psi.some.total", 58781);
  is_u64(r, "blkio.psi.full.total", 58776);

  has_len(r, "hugetlb", 0);
  has_len(r, "intel_rdt", 0);
  is_null(r, "network_interfaces");

  tcase = "hybrid with hugetlb on cgroup2";
  PUT("hybrid/unified/hutch-t", hy_unified_hugetlb);
  r = stats(hybrid_dirs, ARRAY_SIZE(hybrid_dirs));
  has_len(r, "hugetlb", 2);
  key_is(r, "hugetlb", 0, "1GB");
  key_is(r, "hugetlb", 1, "2MB");
  is_u64(r, "hugetlb.2MB.usage", 4194304); /* the reservation counter, as runc */
  is_u64(r, "hugetlb.2MB.failcnt", 3);
  is_absent(r, "hugetlb.2MB.max"); /* v2 keeps no peak */
  is_absent(r, "hugetlb.1GB.usage");
  is_u64(r, "hugetlb.1GB.failcnt", 0);
}

/* ---- a v1 host: cpu and cpuacct co-mounted, cfq, hugetlb on v1 ------------- */

static const struct file v1_cpu_cpuacct[] = {
  { "cgroup.procs", "4242\n4250\n" },
  { "cpu.cfs_period_us", "100000\n" },
  { "cpu.cfs_quota_us", "-1\n" },
  { "cpu.shares", "1024\n" },
  { "cpu.stat", "nr_periods 0\nnr_throttled 0\nthrottled_time 0\n" },
  { "cpuacct.stat", "user 1234\nsystem 567\n" },
  { "cpuacct.usage", "18023475812\n" },
  { "cpuacct.usage_percpu", "4505868953 4505868953 4505868953 4505868953 \n" },
};

/* No swap accounting (no memsw files) and Linux 6.1+ (no kmem limit). */
static const struct file v1_memory[] = {
  { "cgroup.procs", "4242\n4250\n" },
  { "memory.failcnt", "17\n" },
  { "memory.kmem.failcnt", "0\n" },
  { "memory.kmem.max_usage_in_bytes", "2187264\n" },
  { "memory.kmem.usage_in_bytes", "1921024\n" },
  { "memory.kmem.tcp.failcnt", "0\n" },
  { "memory.kmem.tcp.limit_in_bytes", V1_UNLIMITED "\n" },
  { "memory.kmem.tcp.max_usage_in_bytes", "0\n" },
  { "memory.kmem.tcp.usage_in_bytes", "0\n" },
  { "memory.limit_in_bytes", "536870912\n" },
  { "memory.max_usage_in_bytes", "536870912\n" },
  { "memory.stat", "cache 104857600\nrss 398458880\nrss_huge 0\nshmem 0\nmapped_file 1048576\n"
                   "total_cache 104857600\ntotal_rss 398458880\n" },
  { "memory.usage_in_bytes", "503316480\n" },
  { "memory.use_hierarchy", "1\n" },
};

static const struct file v1_cpuset[] = {
  { "cpuset.cpu_exclusive", "1\n" },
  { "cpuset.cpus", "0-3,8-9\n" },
  { "cpuset.mem_exclusive", "0\n" },
  { "cpuset.mem_hardwall", "1\n" },
  { "cpuset.memory_migrate", "0\n" },
  { "cpuset.memory_pressure", "0\n" },
  { "cpuset.memory_spread_page", "0\n" },
  { "cpuset.memory_spread_slab", "0\n" },
  { "cpuset.mems", "0,1\n" },
  { "cpuset.sched_load_balance", "1\n" },
  { "cpuset.sched_relax_domain_level", "2\n" },
};

/* A disk scheduled by cfq: its recursive tables, and the throttle layer's,
 * which must not be used then. */
static const struct file v1_blkio[] = {
  { "blkio.sectors_recursive", "8:0 86016\n" },
  { "blkio.io_service_time_recursive", "8:0 Read 9875123\n8:0 Write 1234567\n8:0 Sync 11109690\n8:0 Async 0\n"
                                       "8:0 Total 11109690\nTotal 11109690\n" },
  { "blkio.io_wait_time_recursive", "8:0 Read 512\n8:0 Write 0\n8:0 Sync 512\n8:0 Async 0\n8:0 Total 512\n"
                                    "Total 512\n" },
  { "blkio.io_merged_recursive", "8:0 Read 3\n8:0 Write 0\n8:0 Sync 3\n8:0 Async 0\n8:0 Total 3\nTotal 3\n" },
  { "blkio.io_queued_recursive", "8:0 Read 0\n8:0 Write 0\n8:0 Sync 0\n8:0 Async 0\n8:0 Total 0\nTotal 0\n" },
  { "blkio.time_recursive", "8:0 5120\n" },
  { "blkio.io_serviced_recursive", "8:0 Read 1024\n8:0 Write 16\n8:0 Sync 1040\n8:0 Async 0\n8:0 Total 1040\n"
                                   "Total 1040\n" },
  { "blkio.io_service_bytes_recursive", "8:0 Read 44040192\n8:0 Write 65536\n8:0 Sync 44105728\n8:0 Async 0\n"
                                        "8:0 Total 44105728\nTotal 44105728\n" },
  { "blkio.throttle.io_service_bytes_recursive", "8:0 Read 1\n8:0 Write 1\nTotal 2\n" },
  { "blkio.throttle.io_serviced_recursive", "8:0 Read 1\n8:0 Write 1\nTotal 2\n" },
};

/* 2MB with reservation counters, 1GB as a kernel before 5.7 shows it. */
static const struct file v1_hugetlb[] = {
  { "hugetlb.2MB.failcnt", "0\n" },
  { "hugetlb.2MB.limit_in_bytes", V1_UNLIMITED "\n" },
  { "hugetlb.2MB.max_usage_in_bytes", "2097152\n" },
  { "hugetlb.2MB.usage_in_bytes", "0\n" },
  { "hugetlb.2MB.rsvd.failcnt", "2\n" },
  { "hugetlb.2MB.rsvd.limit_in_bytes", "8388608\n" },
  { "hugetlb.2MB.rsvd.max_usage_in_bytes", "8388608\n" },
  { "hugetlb.2MB.rsvd.usage_in_bytes", "6291456\n" },
  { "hugetlb.1GB.failcnt", "0\n" },
  { "hugetlb.1GB.limit_in_bytes", V1_UNLIMITED "\n" },
  { "hugetlb.1GB.max_usage_in_bytes", "1073741824\n" },
  { "hugetlb.1GB.usage_in_bytes", "1073741824\n" },
};

static const struct file v1_pids[] = {
  { "pids.current", "2\n" },
  { "pids.max", "max\n" },
};

static void test_v1(void)
{
  tcase = "v1";
  PUT("v1/cpu,cpuacct/c1", v1_cpu_cpuacct);
  PUT("v1/memory/c1", v1_memory);
  PUT("v1/cpuset/c1", v1_cpuset);
  PUT("v1/blkio/c1", v1_blkio);
  PUT("v1/hugetlb/c1", v1_hugetlb);
  PUT("v1/pids/c1", v1_pids);
  put("v1/systemd/c1", "cgroup.procs", "4242\n4250\n");
  static const char *const dirs[] = { "v1/memory/c1", "v1/cpu,cpuacct/c1", "v1/cpuset/c1", "v1/blkio/c1",
                                      "v1/hugetlb/c1", "v1/pids/c1", "v1/systemd/c1" };
  const struct json_node *r = stats(dirs, ARRAY_SIZE(dirs));

  is_u64(r, "cpu.usage.total", UINT64_C(18023475812));
  has_len(r, "cpu.usage.percpu", 4);
  is_absent(r, "cpu.usage.percpu_kernel"); /* no cpuacct.usage_all before Linux 4.16 */
  is_u64(r, "cpu.usage.user", ticks_ns(1234));
  is_u64(r, "cpu.usage.kernel", ticks_ns(567));
  has_len(r, "cpu.throttling", 0); /* no quota: all zero, all omitempty */
  is_absent(r, "cpu.psi");

  is_u64(r, "cpuset.cpu_exclusive", 1);
  has_len(r, "cpuset.cpus", 6);
  is_u64(r, "cpuset.cpus.3", 3);
  is_u64(r, "cpuset.cpus.4", 8);
  is_u64(r, "cpuset.cpus.5", 9);
  has_len(r, "cpuset.mems", 2);
  is_u64(r, "cpuset.mem_hardwall", 1);
  is_i64(r, "cpuset.sched_relax_domain_level", 2);

  is_u64(r, "memory.cache", 104857600);
  is_u64(r, "memory.usage.usage", 503316480);
  is_u64(r, "memory.usage.failcnt", 17);
  is_u64(r, "memory.usage.limit", 536870912);
  is_absent(r, "memory.swap");
  is_u64(r, "memory.kernel.usage", 1921024);
  is_u64(r, "memory.kernel.limit", 0);
  is_u64(r, "memory.kernelTCP.limit", UINT64_C(9223372036854771712));
  has_len(r, "memory.raw", 7);
  is_absent(r, "memory.psi");

  is_u64(r, "pids.current", 2);
  is_absent(r, "pids.limit"); /* "max" reads as 0, omitempty */

  has_len(r, "blkio.sectorsRecursive", 1);
  is_u64(r, "blkio.sectorsRecursive.0.major", 8);
  is_absent(r, "blkio.sectorsRecursive.0.op");
  is_u64(r, "blkio.sectorsRecursive.0.value", 86016);
  is_u64(r, "blkio.ioTimeRecursive.0.value", 5120);
  has_len(r, "blkio.ioQueueRecursive", 5);
  is_absent(r, "blkio.ioQueueRecursive.0.value");
  is_u64(r, "blkio.ioMergedRecursive.0.value", 3);
  is_u64(r, "blkio.ioWaitTimeRecursive.0.value", 512);
  is_u64(r, "blkio.ioServiceTimeRecursive.1.value", 1234567);
  is_u64(r, "blkio.ioServicedRecursive.0.value", 1024);
  is_u64(r, "blkio.ioServiceBytesRecursive.0.value", 44040192);
  has_len(r, "blkio.ioServiceBytesRecursive", 5);
  is_absent(r, "blkio.psi");

  has_len(r, "hugetlb", 2);
  is_u64(r, "hugetlb.2MB.usage", 6291456);
  is_u64(r, "hugetlb.2MB.max", 8388608);
  is_u64(r, "hugetlb.2MB.failcnt", 2);
  is_u64(r, "hugetlb.1GB.usage", 1073741824);
  is_u64(r, "hugetlb.1GB.max", 1073741824);

  /* bfq statistics without the debug ones, and a group cut short: read up
   * to the first table without entries, as runc does. */
  tcase = "v1 bfq";
  put("v1/blkio-bfq/c1", "blkio.bfq.io_serviced_recursive", "8:16 Read 10\n8:16 Write 2\nTotal 12\n");
  put("v1/blkio-bfq/c1", "blkio.bfq.io_service_bytes_recursive", "Total 0\n");
  put("v1/blkio-bfq/c1", "blkio.throttle.io_service_bytes_recursive", "8:16 Read 40960\nTotal 40960\n");
  static const char *const bfq[] = { "v1/blkio-bfq/c1" };
  r = stats(bfq, 1);
  has_len(r, "blkio", 1);
  is_u64(r, "blkio.ioServicedRecursive.0.minor", 16);
  is_u64(r, "blkio.ioServicedRecursive.1.value", 2);
  is_absent(r, "blkio.ioServiceBytesRecursive");
}

/* ---- a cgroup v2 host ------------------------------------------------------ */

static const char v2_memory_stat[] =
    "anon 8527872\nfile 41754624\nkernel 1548288\nkernel_stack 49152\npagetables 217088\nsec_pagetables 0\n"
    "percpu 1296\nsock 0\nvmalloc 8192\nshmem 0\nzswap 0\nzswapped 0\nfile_mapped 14020608\nfile_dirty 0\n"
    "file_writeback 0\nswapcached 0\nanon_thp 0\nfile_thp 0\nshmem_thp 0\ninactive_anon 8466432\n"
    "active_anon 61440\ninactive_file 31670272\nactive_file 10084352\nunevictable 0\n"
    "slab_reclaimable 845760\nslab_unreclaimable 244584\nslab 1090344\nworkingset_refault_anon 0\n"
    "workingset_refault_file 0\nworkingset_activate_anon 0\nworkingset_activate_file 0\n"
    "workingset_restore_anon 0\nworkingset_restore_file 0\nworkingset_nodereclaim 0\npgscan 0\npgsteal 0\n"
    "pgscan_kswapd 0\npgscan_direct 0\npgscan_khugepaged 0\npgsteal_kswapd 0\npgsteal_direct 0\n"
    "pgsteal_khugepaged 0\npgfault 15735\npgmajfault 246\npgrefill 0\npgactivate 2462\npgdeactivate 0\n"
    "pglazyfree 0\npglazyfreed 0\nzswpin 0\nzswpout 0\nthp_fault_alloc 0\nthp_collapse_alloc 0\n";

static const struct file v2_files[] = {
  { "cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n" },
  { "cgroup.procs", "3101\n3140\n3141\n" },
  { "cgroup.events", "populated 1\nfrozen 0\n" },
  { "cpu.max", "max 100000\n" },
  { "cpu.stat", "usage_usec 2516343\nuser_usec 1802211\nsystem_usec 714132\nnice_usec 0\n"
                "core_sched.force_idle_usec 0\nnr_periods 120\nnr_throttled 12\nthrottled_usec 83450\n"
                "nr_bursts 0\nburst_usec 0\n" },
  { "cpu.pressure", "some avg10=1.25 avg60=0.40 avg300=0.09 total=1905563\n"
                    "full avg10=0.80 avg60=0.21 avg300=0.05 total=1209003\n" },
  { "cpuset.cpus", "\n" },
  { "cpuset.cpus.effective", "0-3\n" },
  { "cpuset.mems", "\n" },
  { "cpuset.mems.effective", "0\n" },
  { "memory.current", "52477952\n" },
  { "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n" },
  { "memory.max", "max\n" },
  { "memory.peak", "60817408\n" },
  { "memory.stat", v2_memory_stat },
  { "memory.swap.current", "1048576\n" },
  { "memory.swap.max", "max\n" },
  { "memory.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=3621\n"
                       "full avg10=0.00 avg60=0.00 avg300=0.00 total=3390\n" },
  { "io.stat", "254:0 rbytes=27136000 wbytes=4096 rios=812 wios=1 dbytes=0 dios=0\n"
               "253:0 rbytes=0 wbytes=0 rios=3 wios=0 dbytes=0 dios=0\n" },
  { "io.pressure", "some avg10=0.00 avg60=0.12 avg300=0.03 total=410271\n"
                   "full avg10=0.00 avg60=0.12 avg300=0.03 total=401863\n" },
  { "pids.current", "3\n" },
  { "pids.max", "max\n" },
  { "pids.peak", "5\n" },
  { "hugetlb.2MB.current", "2097152\n" },
  { "hugetlb.2MB.events", "max 1\n" },
  { "hugetlb.2MB.max", "2097152\n" },
};

static void test_v2(void)
{
  tcase = "v2";
  PUT("v2/system.slice/hutch-c2", v2_files);
  static const char *const dirs[] = { "v2/system.slice/hutch-c2" };
  const struct json_node *r = stats(dirs, 1);

  is_u64(r, "cpu.usage.total", UINT64_C(2516343000));
  is_u64(r, "cpu.usage.user", UINT64_C(1802211000));
  is_u64(r, "cpu.usage.kernel", UINT64_C(714132000));
  is_absent(r, "cpu.usage.percpu");
  is_u64(r, "cpu.throttling.periods", 120);
  is_u64(r, "cpu.throttling.throttledPeriods", 12);
  is_u64(r, "cpu.throttling.throttledTime", 83450000);
  is_number_text(r, "cpu.psi.some.avg10", "1.25");
  is_number_text(r, "cpu.psi.full.avg60", "0.21");
  is_u64(r, "cpu.psi.full.total", 1209003);

  /* runc reads no cpuset statistics on v2 */
  is_absent(r, "cpuset.cpus");
  is_u64(r, "cpuset.sched_load_balance", 0);

  is_u64(r, "memory.cache", 41754624); /* "file" */
  is_u64(r, "memory.usage.usage", 52477952);
  is_u64(r, "memory.usage.max", 60817408);
  is_u64(r, "memory.usage.limit", UINT64_MAX);
  is_u64(r, "memory.usage.failcnt", 0);
  is_u64(r, "memory.swap.usage", 52477952 + 1048576); /* memory plus swap, as v1 counts it */
  is_u64(r, "memory.swap.limit", UINT64_MAX);
  is_absent(r, "memory.swap.max");
  is_absent(r, "memory.kernel");
  is_absent(r, "memory.kernelTCP");
  has_len(r, "memory.raw", 53);
  is_u64(r, "memory.raw.anon", 8527872);
  is_u64(r, "memory.raw.pgmajfault", 246);
  is_u64(r, "memory.psi.some.total", 3621);

  is_u64(r, "pids.current", 3);
  is_absent(r, "pids.limit");

  has_len(r, "blkio.ioServiceBytesRecursive", 4);
  is_u64(r, "blkio.ioServiceBytesRecursive.0.major", 254);
  is_str(r, "blkio.ioServiceBytesRecursive.0.op", "Read");
  is_u64(r, "blkio.ioServiceBytesRecursive.0.value", 27136000);
  is_str(r, "blkio.ioServiceBytesRecursive.1.op", "Write");
  is_u64(r, "blkio.ioServiceBytesRecursive.1.value", 4096);
  is_u64(r, "blkio.ioServiceBytesRecursive.2.major", 253);
  is_absent(r, "blkio.ioServiceBytesRecursive.2.value");
  has_len(r, "blkio.ioServicedRecursive", 4);
  is_u64(r, "blkio.ioServicedRecursive.0.value", 812);
  is_u64(r, "blkio.ioServicedRecursive.2.value", 3);
  is_u64(r, "blkio.psi.full.total", 401863);

  is_u64(r, "hugetlb.2MB.usage", 2097152); /* no .rsvd.current: the plain counter */
  is_u64(r, "hugetlb.2MB.failcnt", 1);

  tcase = "v2 with limits";
  put("v2/system.slice/hutch-c2", "memory.max", "536870912\n");
  put("v2/system.slice/hutch-c2", "memory.swap.max", "268435456\n");
  put("v2/system.slice/hutch-c2", "pids.max", "1024\n");
  r = stats(dirs, 1);
  is_u64(r, "memory.usage.limit", 536870912);
  is_u64(r, "memory.swap.limit", 536870912 + 268435456);
  is_u64(r, "pids.limit", 1024);

  tcase = "v2 with a swap limit and no memory limit";
  put("v2/system.slice/hutch-c2", "memory.max", "max\n");
  r = stats(dirs, 1);
  is_u64(r, "memory.swap.limit", UINT64_MAX); /* saturated, not wrapped */

  tcase = "v2 without swap accounting, peak or pids";
  drop("v2/system.slice/hutch-c2", "memory.swap.current");
  drop("v2/system.slice/hutch-c2", "memory.swap.max");
  drop("v2/system.slice/hutch-c2", "memory.peak");
  drop("v2/system.slice/hutch-c2", "pids.current");
  drop("v2/system.slice/hutch-c2", "pids.max");
  r = stats(dirs, 1);
  is_absent(r, "memory.swap");
  is_absent(r, "memory.usage.max");
  is_u64(r, "pids.current", 3); /* counted from cgroup.procs */
  is_absent(r, "pids.limit");
}

/* ---- nothing there ------------------------------------------------------- */

static const char empty_stats[] =
    "{\"cpu\":{},\"cpuset\":{\"cpu_exclusive\":0,\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
    "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,\"sched_load_balance\":0,"
    "\"sched_relax_domain_level\":0},\"memory\":{},\"pids\":{},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},"
    "\"network_interfaces\":null}";

static void test_empty(void)
{
  tcase = "no files";
  mkdir_p("empty/v1/c1");
  put("empty/v2/c1", "cgroup.controllers", "\n");
  static const char *const dirs[] = { "empty/v1/c1", "empty/v2/c1" };
  cleanup_error struct hutch_error *err = NULL;
  cleanup_free char *text = NULL;
  stats_full(dirs, ARRAY_SIZE(dirs), &text, &err);
  tap_str_eq(text, empty_stats, "%s: runc's shape with nothing in it", tcase);

  tcase = "no directories";
  cleanup_free char *none = NULL;
  stats_full(NULL, 0, &none, &err);
  tap_str_eq(none, empty_stats, "%s: runc's shape with nothing in it", tcase);

  /* A v1 directory's cgroup.procs is not counted: runc does that on v2 only. */
  tcase = "v1 without pids";
  put("empty/v1/c1", "cgroup.procs", "1\n2\n");
  static const char *const v1[] = { "empty/v1/c1" };
  const struct json_node *r = stats(v1, 1);
  has_len(r, "pids", 0);
}

/* ---- errors ---------------------------------------------------------------- */

/* Each case: one file made unparsable in a copy of a tree; the error must
 * name that file, and nothing may have been written. */
struct bad_case {
  const char *name;
  const char *content;
  const char *want; /* in the message, after the file's path */
};

static void expect_error(const char *dir, const char *file, const char *want)
{
  static const char *dirs[1];
  dirs[0] = dir;
  cleanup_error struct hutch_error *err = NULL;
  cleanup_free char *text = NULL;
  struct json_node *root = stats_full(dirs, 1, &text, &err);
  cleanup_free char *path = xasprintf("%s/%s/%s", tmp, dir, file);
  bool named = err && strstr(err->msg, path) && strstr(err->msg, want);
  tap_ok(!root && named, "%s: %s is refused, naming it", tcase, file);
  if (!named)
    tap_diag("  message: %s", err ? err->msg : "no error");
  tap_str_eq(text, "", "%s: nothing is written", tcase);
}

static void test_errors(void)
{
  static const struct bad_case v2_bad[] = {
    { "memory.stat", "anon 1\nfile lots\n", "line 2" },
    { "memory.current", "12k\n", "not a number" },
    { "cpu.stat", "usage_usec\n", "line 1" },
    { "cpu.pressure", "some avg10=abc avg60=0.00 avg300=0.00 total=1\n", "not a decimal" },
    { "memory.pressure", "some avg10=00.5 avg60=0.00 avg300=0.00 total=1\n", "not a decimal" },
    { "io.pressure", "some avg10 avg60=0.00\n", "key=value" },
    { "io.stat", "sda rbytes=1\n", "major:minor" },
    { "io.stat", "8:0 rbytes=-\n", "key=number" },
    { "pids.current", "three\n", "not a number" },
    { "pids.max", "1 2\n", "not a number" },
    { "hugetlb.2MB.events", "max\n", "line 1" },
  };
  for (size_t i = 0; i < ARRAY_SIZE(v2_bad); i++) {
    tcase = "v2 error";
    cleanup_free char *dir = xasprintf("bad/v2-%zu", i);
    PUT(dir, v2_files);
    put(dir, v2_bad[i].name, v2_bad[i].content);
    expect_error(dir, v2_bad[i].name, v2_bad[i].want);
  }

  static const struct bad_case v1_bad[] = {
    { "cpuacct.usage_all", "0 1 2\n", "cpu user system" },
    { "cpuacct.usage_all", "cpu user system\n0 1\n", "line 2" },
    { "cpuacct.usage_percpu", "1 2 x\n", "not a number" },
    { "cpuacct.stat", "user 1 2\n", "line 1" },
    { "cpuset.cpus", "0-1,a\n", "list of ids" },
    { "cpuset.cpus", "3-1\n", "list of ids" },
    { "cpuset.mems", "0,\n", "list of ids" },
    { "cpuset.cpus", "70000\n", "list of ids" },
    { "cpuset.sched_relax_domain_level", "-\n", "not a number" },
    { "memory.kmem.usage_in_bytes", "18446744073709551616\n", "not a number" },
    { "blkio.throttle.io_service_bytes_recursive", "254:0 Read 1 2 3\n", "line 1" },
  };
  for (size_t i = 0; i < ARRAY_SIZE(v1_bad); i++) {
    tcase = "v1 error";
    cleanup_free char *dir = xasprintf("bad/v1-%zu", i);
    PUT(dir, hy_cpuacct);
    PUT(dir, hy_cpuset);
    PUT(dir, hy_memory);
    PUT(dir, hy_blkio);
    put(dir, v1_bad[i].name, v1_bad[i].content);
    expect_error(dir, v1_bad[i].name, v1_bad[i].want);
  }

  tcase = "unreadable file";
  PUT("bad/dir-file", hy_pids);
  drop("bad/dir-file", "pids.current");
  mkdir_p("bad/dir-file/pids.current");
  expect_error("bad/dir-file", "pids.current", "not a regular file (a directory)");

  tcase = "no such cgroup";
  static const char *const gone[] = { "bad/gone" };
  cleanup_error struct hutch_error *err = NULL;
  cleanup_free char *text = NULL;
  stats_full(gone, 1, &text, &err);
  tap_ok(err && err->code == ENOENT && strstr(err->msg, "bad/gone"), "%s: refused with ENOENT, naming it", tcase);
  tap_str_eq(text, "", "%s: nothing is written", tcase);
}

/* Parsing leniency that matches runc: blank lines, a negative count
 * (read as 0), "max" where a count is expected. */
static void test_lenient(void)
{
  tcase = "lenient";
  put("lenient/c1", "pids.current", "\n4\n\n");
  put("lenient/c1", "pids.max", "-1\n");
  put("lenient/c1", "cpuset.cpu_exclusive", "0\n");
  put("lenient/c1", "cpuset.cpus", "\n");
  put("lenient/c1", "cpu.pressure", "some avg10=0.00 avg60=0.00 avg300=0.00 total=7 future=1\nother x\n");
  static const char *const dirs[] = { "lenient/c1" };
  const struct json_node *r = stats(dirs, 1);
  is_u64(r, "pids.current", 4);
  is_absent(r, "pids.limit");
  is_absent(r, "cpuset.cpus"); /* an empty set */
  is_u64(r, "cpu.psi.some.total", 7);
  is_absent(r, "cpu.psi.full");
}

static bool frozen_in(char **dirs, char **controllers, size_t n)
{
  struct cgroup_set set = { dirs, NULL, n, controllers };
  return cgroup_freezer_frozen(&set);
}

/* pause/resume and state read the freezer of the directory the set's
 * controllers name, v1's before v2's; a set that does not know them (the
 * record of an older hutch) is looked into directory by directory. */
static void test_freezer(void)
{
  cleanup_free char *cpu = xasprintf("%s/fz/cpu/hutch-t", tmp);
  cleanup_free char *renamed = xasprintf("%s/fz/fr/hutch-t", tmp);
  cleanup_free char *unified = xasprintf("%s/fz/unified/hutch-t", tmp);
  cleanup_free char *decoy = xasprintf("%s/fz/decoy/hutch-t", tmp);
  char cpu_ctl[] = "cpu,cpuacct", freezer_ctl[] = "freezer", v2_ctl[] = "";
  put("fz/cpu/hutch-t", "cpu.shares", "1024\n");
  put("fz/fr/hutch-t", "freezer.state", "FROZEN\n");
  char *v1[] = { cpu, renamed }, *v1_ctl[] = { cpu_ctl, freezer_ctl };
  tap_ok(frozen_in(v1, v1_ctl, 2), "the v1 freezer's dir, whatever its mount's name: FROZEN is frozen");
  put("fz/fr/hutch-t", "freezer.state", "THAWED\n");
  tap_ok(!frozen_in(v1, v1_ctl, 2), "THAWED is not frozen");
  put("fz/fr/hutch-t", "freezer.state", "FREEZING\n");
  tap_ok(frozen_in(v1, v1_ctl, 2), "FREEZING counts as frozen (on its way to paused)");
  tap_ok(frozen_in(v1, NULL, 2), "controllers unknown: the freezer is found by its file");

  /* The controllers decide: a freezer.state elsewhere is not the freezer. */
  put("fz/decoy/hutch-t", "freezer.state", "FROZEN\n");
  put("fz/fr/hutch-t", "freezer.state", "THAWED\n");
  char *decoyed[] = { decoy, renamed }, *decoyed_ctl[] = { cpu_ctl, freezer_ctl };
  tap_ok(!frozen_in(decoyed, decoyed_ctl, 2), "only the dir of the freezer hierarchy is read");

  put("fz/unified/hutch-t", "cgroup.freeze", "0\n");
  put("fz/fr/hutch-t", "freezer.state", "FROZEN\n");
  char *hybrid[] = { unified, cpu, renamed }, *hybrid_ctl[] = { v2_ctl, cpu_ctl, freezer_ctl };
  tap_ok(frozen_in(hybrid, hybrid_ctl, 3), "hybrid: the v1 freezer wins over the v2 directory before it");
  tap_ok(frozen_in(hybrid, NULL, 3), "hybrid, controllers unknown: the v1 freezer wins too");
  put("fz/unified/hutch-t", "cgroup.freeze", "1\n");
  char *v2_only[] = { cpu, unified }, *v2_only_ctl[] = { cpu_ctl, v2_ctl };
  tap_ok(frozen_in(v2_only, v2_only_ctl, 2), "without a v1 freezer, cgroup.freeze 1 is frozen");
  char *none[] = { cpu }, *none_ctl[] = { cpu_ctl };
  tap_ok(!frozen_in(none, none_ctl, 1), "no freezer at all: not frozen");
  cleanup_error struct hutch_error *err = NULL;
  struct cgroup_set none_set = { none, NULL, 1, none_ctl };
  tap_ok(cgroup_freezer_set(&none_set, true, &err) < 0 && err && strstr(err->msg, "no cgroup freezer"),
         "pause without a freezer says so: %s", err ? err->msg : "(no error)");
}

int main(void)
{
  if (!mkdtemp(tmp)) {
    printf("Bail out! mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  arena_init(&arena);
  test_hybrid();
  test_v1();
  test_v2();
  test_empty();
  test_errors();
  test_lenient();
  test_freezer();
  arena_release(&arena);
  if (test_remove_tree(tmp) < 0)
    tap_diag("remove %s: %s", tmp, strerror(errno));
  return tap_done();
}
