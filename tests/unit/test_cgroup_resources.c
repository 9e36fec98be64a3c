/* linux.resources applied to plain directory trees standing in for
 * cgroupfs: a v1 host, a cgroup2-only host and a hybrid one like the CI
 * machine (v1 controllers, cgroup2 at "unified" holding only hugetlb).
 * Checks what lands in which file, in which order (inotify reports each
 * close after writing), that absent fields write nothing, and the errors.
 * Needs no root and leaves /sys/fs/cgroup alone. */
#include "helpers.h"
#include "tap.h"
#include "engine/cgroup/layout.h"
#include "engine/cgroup/resources.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/hutch-cgres-XXXXXX";

#define UNLIMITED "9223372036854771712\n" /* what v1 shows for no limit */
#define C1 "/a/c1/"                       /* the container's cgroupsPath, as a path fragment */

/* ---- files ------------------------------------------------------------ */

/* ---- fake hosts ------------------------------------------------------- */

struct hier_spec {
  enum cgroup_version version;
  const char *dir;         /* below the tree's root */
  const char *controllers; /* v1 mount options; "" for cgroup2 */
};

static const struct hier_spec v1_host[] = {
  { CGROUP_V1, "memory", "memory" },
  { CGROUP_V1, "cpu,cpuacct", "cpu,cpuacct" },
  { CGROUP_V1, "cpuset", "cpuset" },
  { CGROUP_V1, "pids", "pids" },
  { CGROUP_V1, "blkio", "blkio" },
  { CGROUP_V1, "hugetlb", "hugetlb" },
  { CGROUP_V1, "net_cls,net_prio", "net_cls,net_prio" },
  { CGROUP_V1, "rdma", "rdma" },
  { CGROUP_V1, "systemd", "name=systemd" },
};

static const struct hier_spec v2_host[] = {
  { CGROUP_V2, "unified", "" },
};

/* This CI machine: cpu and cpuacct apart, no net_cls/net_prio/hugetlb/rdma
 * on v1, hugetlb alone on cgroup2. */
static const struct hier_spec hybrid_host[] = {
  { CGROUP_V1, "cpu", "cpu" },         { CGROUP_V1, "cpuacct", "cpuacct" }, { CGROUP_V1, "cpuset", "cpuset" },
  { CGROUP_V1, "memory", "memory" },   { CGROUP_V1, "devices", "devices" }, { CGROUP_V1, "freezer", "freezer" },
  { CGROUP_V1, "blkio", "blkio" },     { CGROUP_V1, "pids", "pids" },       { CGROUP_V1, "systemd", "name=systemd" },
  { CGROUP_V2, "unified", "" },
};

struct file_spec {
  const char *ctrl;
  const char *name;
  const char *content;
};

/* What a new v1 cgroup of each controller holds (the files used here). */
static const struct file_spec v1_files[] = {
  { "memory", "memory.limit_in_bytes", UNLIMITED },
  { "memory", "memory.soft_limit_in_bytes", UNLIMITED },
  { "memory", "memory.memsw.limit_in_bytes", UNLIMITED },
  { "memory", "memory.kmem.limit_in_bytes", UNLIMITED }, /* no kmem.tcp: that one is skipped */
  { "memory", "memory.swappiness", "60\n" },
  { "memory", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\n" },
  { "memory", "memory.use_hierarchy", "1\n" },
  { "memory", "memory.usage_in_bytes", "104857600\n" },
  { "memory", "memory.memsw.usage_in_bytes", "115343360\n" },
  { "cpu", "cpu.shares", "1024\n" },
  { "cpu", "cpu.cfs_quota_us", "-1\n" },
  { "cpu", "cpu.cfs_period_us", "100000\n" },
  { "cpu", "cpu.cfs_burst_us", "0\n" },
  { "cpu", "cpu.rt_runtime_us", "0\n" },
  { "cpu", "cpu.rt_period_us", "1000000\n" },
  { "cpu", "cpu.idle", "0\n" },
  { "cpuset", "cpuset.cpus", "0-3\n" },
  { "cpuset", "cpuset.mems", "0\n" },
  { "pids", "pids.max", "max\n" },
  { "blkio", "blkio.weight", "500\n" },
  { "blkio", "blkio.weight_device", "" },
  { "blkio", "blkio.leaf_weight", "500\n" },
  { "blkio", "blkio.leaf_weight_device", "" },
  { "blkio", "blkio.throttle.read_bps_device", "" },
  { "blkio", "blkio.throttle.write_bps_device", "" },
  { "blkio", "blkio.throttle.read_iops_device", "" },
  { "blkio", "blkio.throttle.write_iops_device", "" },
  { "hugetlb", "hugetlb.2MB.limit_in_bytes", UNLIMITED },
  { "hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes", UNLIMITED },
  { "hugetlb", "hugetlb.1GB.limit_in_bytes", UNLIMITED }, /* a kernel without reservation files for 1GB */
  { "net_cls", "net_cls.classid", "0\n" },
  { "net_prio", "net_prio.ifpriomap", "lo 0\n" },
  { "rdma", "rdma.max", "" },
};

/* A new cgroup2 cgroup, for the controllers its parent enabled. */
static const struct file_spec v2_files[] = {
  { "cgroup", "cgroup.freeze", "0\n" },
  { "memory", "memory.max", "max\n" },
  { "memory", "memory.high", "max\n" },
  { "memory", "memory.low", "0\n" },
  { "memory", "memory.swap.max", "max\n" },
  { "memory", "memory.current", "104857600\n" },
  { "memory", "memory.swap.current", "10485760\n" },
  { "cpu", "cpu.weight", "100\n" },
  { "cpu", "cpu.max", "max 100000\n" },
  { "cpu", "cpu.max.burst", "0\n" },
  { "cpu", "cpu.idle", "0\n" },
  { "cpuset", "cpuset.cpus", "\n" },
  { "cpuset", "cpuset.mems", "\n" },
  { "pids", "pids.max", "max\n" },
  { "io", "io.weight", "default 100\n" },
  { "io", "io.max", "" },
  { "hugetlb", "hugetlb.2MB.max", "max\n" },
  { "hugetlb", "hugetlb.2MB.rsvd.max", "max\n" },
  { "hugetlb", "hugetlb.1GB.max", "max\n" },
  { "rdma", "rdma.max", "" },
};

struct tree {
  char *root;
  struct cgroup_layout layout;
  struct cgroup_set set;
  int inotify;
  int wd[3 * ARRAY_SIZE(hybrid_host)];
  char *label[3 * ARRAY_SIZE(hybrid_host)];
  size_t n_watch;
  struct strbuf log; /* "label/name\n" per close after writing */
};

static char *tpath(const struct tree *t, const char *relative)
{
  return xasprintf("%s/%s", t->root, relative);
}

static void put(const struct tree *t, const char *relative, const char *content)
{
  cleanup_free char *path = tpath(t, relative);
  if (!test_write_file(path, content))
    tap_diag("write %s: %s", path, strerror(errno));
}

static void drop(const struct tree *t, const char *relative)
{
  cleanup_free char *path = tpath(t, relative);
  if (unlink(path) < 0)
    tap_diag("unlink %s: %s", path, strerror(errno));
}

static char *get(const struct tree *t, const char *relative)
{
  cleanup_free char *path = tpath(t, relative);
  return test_read_file(path);
}

static bool present(const struct tree *t, const char *relative)
{
  cleanup_free char *path = tpath(t, relative);
  return access(path, F_OK) == 0;
}

/* want NULL: the file must not exist. */
static void expect(const struct tree *t, const char *relative, const char *want)
{
  cleanup_free char *got = get(t, relative);
  tap_str_eq(got, want, "%s", relative);
}

static void watch(struct tree *t, const char *relative)
{
  cleanup_free char *path = tpath(t, relative);
  int wd = inotify_add_watch(t->inotify, path, IN_CLOSE_WRITE);
  if (wd < 0) {
    tap_diag("inotify_add_watch %s: %s", path, strerror(errno));
    return;
  }
  t->wd[t->n_watch] = wd;
  t->label[t->n_watch++] = xstrdup(relative);
}

static void drain(struct tree *t)
{
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
  for (;;) {
    ssize_t n = read(t->inotify, buf, sizeof buf);
    if (n <= 0)
      return;
    for (char *p = buf; p < buf + n;) {
      const struct inotify_event *ev = (const struct inotify_event *) p;
      for (size_t i = 0; i < t->n_watch; i++)
        if (t->wd[i] == ev->wd && ev->len)
          strbuf_addf(&t->log, "%s/%s\n", t->label[i], ev->name);
      p += sizeof *ev + ev->len;
    }
  }
}

/* The files written so far, in order, space-separated: with a label, only
 * the names of that directory's files; else "label/name" for all. */
static char *writes(struct tree *t, const char *label)
{
  drain(t);
  struct strbuf out = STRBUF_INIT;
  size_t label_len = label ? strlen(label) : 0;
  for (const char *p = strbuf_str(&t->log); *p;) {
    size_t n = strcspn(p, "\n");
    const char *entry = p;
    size_t len = n;
    if (label) {
      bool mine = n > label_len && strncmp(p, label, label_len) == 0 && p[label_len] == '/' &&
                  !memchr(p + label_len + 1, '/', n - label_len - 1);
      entry = p + label_len + 1;
      len = mine ? n - label_len - 1 : 0;
    }
    if (len) {
      if (out.len)
        strbuf_addc(&out, ' ');
      strbuf_add(&out, entry, len);
    }
    p += n + (p[n] == '\n');
  }
  return strbuf_detach(&out);
}

/* Starts the record afresh. */
static void forget_writes(struct tree *t)
{
  drain(t);
  strbuf_truncate(&t->log, 0);
}

static void expect_writes(struct tree *t, const char *label, const char *want, const char *what)
{
  cleanup_free char *got = writes(t, label);
  tap_str_eq(got, want, "%s", what);
}

static bool ctrl_in(const char *ctrl, const char *controllers)
{
  size_t len = strlen(ctrl);
  for (const char *p = controllers; *p;) {
    size_t n = strcspn(p, ", \n");
    if (n == len && strncmp(p, ctrl, len) == 0)
      return true;
    p += n;
    p += strspn(p, ", \n");
  }
  return false;
}

/* Builds the hierarchies below tmp/name, the container's directory
 * "/a/c1" in each, and the files its controllers give it. v2_controllers:
 * the cgroup2 root's cgroup.controllers. */
static bool tree_make(struct tree *t, const char *name, const struct hier_spec *specs, size_t n,
                      const char *v2_controllers)
{
  memset(t, 0, sizeof *t);
  t->inotify = -1;
  t->root = xasprintf("%s/%s", tmp, name);
  /* A tree that cannot be made fails here: its tests would not run. */
  if (mkdir(t->root, 0755) < 0) {
    tap_ok(false, "mkdir %s: %s", t->root, strerror(errno));
    return false;
  }
  bool v1 = false, v2 = false;
  t->layout.items = xcalloc(n, sizeof *t->layout.items);
  for (size_t i = 0; i < n; i++) {
    struct cgroup_hierarchy *h = &t->layout.items[t->layout.n++];
    h->version = specs[i].version;
    h->mountpoint = tpath(t, specs[i].dir);
    h->controllers = xstrdup(specs[i].controllers);
    h->self_path = xstrdup("/");
    v1 |= h->version == CGROUP_V1;
    v2 |= h->version == CGROUP_V2;
    if (mkdir(h->mountpoint, 0755) < 0)
      tap_diag("mkdir %s: %s", h->mountpoint, strerror(errno));
  }
  t->layout.kind = !v2 ? CGROUP_LAYOUT_V1 : v1 ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_V2;
  cleanup_error struct hutch_error *err = NULL;
  if (cgroup_set_compute(&t->layout, "/a/c1", "c1", &t->set, &err) < 0) {
    tap_ok(false, "%s tree: %s", name, err ? err->msg : "?");
    return false;
  }
  /* A v1 cpuset directory comes with (empty) cpuset.cpus and cpuset.mems,
   * which create fills from the parent's: made here as mkdir would. */
  for (size_t i = 0; i < n; i++) {
    if (specs[i].version != CGROUP_V1 || !ctrl_in("cpuset", specs[i].controllers))
      continue;
    static const char *const levels[] = { "/a", "/a/c1" };
    for (size_t l = 0; l < ARRAY_SIZE(levels); l++) {
      cleanup_free char *dir = xasprintf("%s%s", t->layout.items[i].mountpoint, levels[l]);
      cleanup_free char *cpus = xasprintf("%s/cpuset.cpus", dir);
      cleanup_free char *mems = xasprintf("%s/cpuset.mems", dir);
      if (mkdir(dir, 0755) < 0 || !test_write_file(cpus, "\n") || !test_write_file(mems, "\n"))
        tap_diag("%s: %s", dir, strerror(errno));
    }
    cleanup_free char *root_cpus = xasprintf("%s/cpuset.cpus", t->layout.items[i].mountpoint);
    cleanup_free char *root_mems = xasprintf("%s/cpuset.mems", t->layout.items[i].mountpoint);
    test_write_file(root_cpus, "0-1\n");
    test_write_file(root_mems, "0\n");
  }
  if (cgroup_create(&t->set, NULL, &err) < 0) {
    tap_ok(false, "%s tree: %s", name, err ? err->msg : "?");
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    const struct cgroup_hierarchy *h = &t->layout.items[i];
    if (h->version == CGROUP_V1) {
      for (size_t f = 0; f < ARRAY_SIZE(v1_files); f++) {
        if (!ctrl_in(v1_files[f].ctrl, h->controllers))
          continue;
        cleanup_free char *path = xasprintf("%s/%s", t->set.dirs[i], v1_files[f].name);
        test_write_file(path, v1_files[f].content);
      }
      continue;
    }
    cleanup_free char *controllers = xasprintf("%s/cgroup.controllers", h->mountpoint);
    cleanup_free char *root_ctl = xasprintf("%s/cgroup.subtree_control", h->mountpoint);
    cleanup_free char *a_ctl = xasprintf("%s/a/cgroup.subtree_control", h->mountpoint);
    test_write_file(controllers, v2_controllers);
    test_write_file(root_ctl, "");
    test_write_file(a_ctl, "");
    for (size_t f = 0; f < ARRAY_SIZE(v2_files); f++) {
      if (strcmp(v2_files[f].ctrl, "cgroup") != 0 && !ctrl_in(v2_files[f].ctrl, v2_controllers))
        continue;
      cleanup_free char *path = xasprintf("%s/%s", t->set.dirs[i], v2_files[f].name);
      test_write_file(path, v2_files[f].content);
    }
  }
  t->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (t->inotify < 0) {
    tap_ok(false, "inotify_init1: %s", strerror(errno));
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    watch(t, specs[i].dir);
    cleanup_free char *a = xasprintf("%s/a", specs[i].dir);
    watch(t, a);
    cleanup_free char *c1 = xasprintf("%s/a/c1", specs[i].dir);
    watch(t, c1);
  }
  return true;
}

static void tree_free(struct tree *t)
{
  if (t->root && test_remove_tree(t->root) < 0)
    tap_diag("remove %s: %s", t->root, strerror(errno));
  if (t->inotify >= 0)
    close(t->inotify);
  for (size_t i = 0; i < t->n_watch; i++)
    free(t->label[i]);
  strbuf_release(&t->log);
  cgroup_set_release(&t->set);
  cgroup_layout_release(&t->layout);
  free(t->root);
  memset(t, 0, sizeof *t);
}

static bool v1_tree(struct tree *t)
{
  return tree_make(t, "v1", v1_host, ARRAY_SIZE(v1_host), "");
}

static bool v2_tree(struct tree *t)
{
  return tree_make(t, "v2", v2_host, ARRAY_SIZE(v2_host), "cpuset cpu io memory hugetlb pids rdma misc\n");
}

static bool hybrid_tree(struct tree *t)
{
  return tree_make(t, "hybrid", hybrid_host, ARRAY_SIZE(hybrid_host), "hugetlb\n");
}

/* ---- applying ---------------------------------------------------------- */

/* Applies the linux.resources object given as JSON; the error message, or
 * NULL on success, is left in *msg (caller frees). */
static int apply(struct tree *t, const char *resources, bool update, char **msg)
{
  cleanup_free char *text = xasprintf("{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":%s}}", resources);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = oci_config_parse(text, strlen(text), &diags);
  *msg = NULL;
  if (!cfg || !cfg->linux_ || !cfg->linux_->resources) {
    tap_diag("cannot parse %s", resources);
    for (size_t i = 0; i < diags.len; i++)
      tap_diag("  %s: %s", diags.items[i].path, diags.items[i].message);
    diag_list_release(&diags);
    oci_config_free(cfg);
    *msg = xstrdup("(unparsable test config)");
    return -1;
  }
  diag_list_release(&diags);
  cleanup_error struct hutch_error *err = NULL;
  int rc = cgroup_apply_resources(&t->layout, &t->set, cfg->linux_->resources, update, &err);
  oci_config_free(cfg);
  if (rc < 0)
    *msg = xstrdup(err ? err->msg : "(failed without an error)");
  else if (err)
    *msg = xasprintf("(succeeded with an error: %s)", err->msg);
  return rc;
}

static void expect_ok(struct tree *t, const char *resources, bool update, const char *what)
{
  cleanup_free char *msg = NULL;
  int rc = apply(t, resources, update, &msg);
  tap_ok(rc == 0 && !msg, "%s", what);
  if (msg)
    tap_diag("  %s", msg);
}

static void expect_error(struct tree *t, const char *resources, bool update, const char *want)
{
  cleanup_free char *msg = NULL;
  int rc = apply(t, resources, update, &msg);
  tap_ok(rc < 0, "refused: %s", resources);
  tap_str_eq(msg, want, "  with the message naming the field");
}

/* The same with a message that ends in the tree's own directory. */
static void expect_error_in(struct tree *t, const char *resources, const char *want_head, const char *dir)
{
  cleanup_free char *path = tpath(t, dir);
  cleanup_free char *want = xasprintf("%s%s", want_head, path);
  expect_error(t, resources, false, want);
}

/* ---- v1 ---------------------------------------------------------------- */

static void test_v1_nothing_present(void)
{
  struct tree t;
  if (!v1_tree(&t))
    return;
  cleanup_error struct hutch_error *err = NULL;
  tap_ok(cgroup_apply_resources(&t.layout, &t.set, NULL, false, &err) == 0 && !err, "v1: no resources at all");
  expect_ok(&t, "{}", false, "v1: an empty resources object");
  expect_ok(&t, "{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}", false, "v1: devices only (not ours)");
  expect_ok(&t,
            "{\"memory\":{\"checkBeforeUpdate\":true},\"cpu\":{\"cpus\":\"\"},\"pids\":{},"
            "\"blockIO\":{},\"network\":{},\"hugepageLimits\":[],\"rdma\":{},\"unified\":{}}",
            true, "v1: objects without fields");
  expect_ok(&t, "{\"memory\":{\"limit\":0,\"swap\":0},\"cpu\":{\"shares\":0,\"quota\":0,\"period\":0}}", false,
            "v1: zeros runc treats as unset");
  expect_writes(&t, NULL, "", "v1: none of that wrote a file");
  tree_free(&t);
}

static void test_v1_everything(void)
{
  struct tree t;
  if (!v1_tree(&t))
    return;
  expect_ok(&t,
            "{\"memory\":{\"limit\":1073741824,\"reservation\":536870912,\"swap\":2147483648,"
            "\"kernel\":67108864,\"kernelTCP\":16777216,\"swappiness\":10,\"disableOOMKiller\":true,"
            "\"useHierarchy\":true},"
            "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"burst\":10000,"
            "\"realtimeRuntime\":950000,\"realtimePeriod\":1000000,\"cpus\":\"0-1\",\"mems\":\"0\",\"idle\":0},"
            "\"pids\":{\"limit\":100},"
            "\"blockIO\":{\"weight\":300,\"leafWeight\":200,"
            "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":400,\"leafWeight\":100},"
            "{\"major\":8,\"minor\":16,\"weight\":20}],"
            "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
            "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":2097152}],"
            "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":100},"
            "{\"major\":8,\"minor\":16,\"rate\":300}],"
            "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":200}]},"
            "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304},{\"pageSize\":\"1GB\",\"limit\":0}],"
            "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":5},"
            "{\"name\":\"lo\",\"priority\":7}]},"
            "\"rdma\":{\"mlx5_0\":{\"hcaHandles\":2,\"hcaObjects\":2000},\"mlx4_0\":{\"hcaObjects\":9}}}",
            false, "v1: every field");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "1073741824");
  expect(&t, "memory" C1 "memory.soft_limit_in_bytes", "536870912");
  expect(&t, "memory" C1 "memory.memsw.limit_in_bytes", "2147483648");
  expect(&t, "memory" C1 "memory.kmem.limit_in_bytes", "67108864");
  tap_ok(!present(&t, "memory" C1 "memory.kmem.tcp.limit_in_bytes"), "kernelTCP: skipped where the file is absent");
  expect(&t, "memory" C1 "memory.swappiness", "10");
  expect(&t, "memory" C1 "memory.oom_control", "1");
  expect(&t, "memory" C1 "memory.use_hierarchy", "1");
  /* The old limit (unlimited) is above the new memory+swap: limit first. */
  expect_writes(&t, "memory/a/c1",
                "memory.limit_in_bytes memory.memsw.limit_in_bytes memory.soft_limit_in_bytes "
                "memory.kmem.limit_in_bytes memory.swappiness memory.oom_control memory.use_hierarchy",
                "memory: the writes, in order");
  expect(&t, "cpu,cpuacct" C1 "cpu.shares", "512");
  expect(&t, "cpu,cpuacct" C1 "cpu.cfs_quota_us", "50000");
  expect(&t, "cpu,cpuacct" C1 "cpu.cfs_period_us", "100000");
  expect(&t, "cpu,cpuacct" C1 "cpu.cfs_burst_us", "10000");
  expect(&t, "cpu,cpuacct" C1 "cpu.rt_runtime_us", "950000");
  expect(&t, "cpu,cpuacct" C1 "cpu.rt_period_us", "1000000");
  expect(&t, "cpu,cpuacct" C1 "cpu.idle", "0");
  expect_writes(&t, "cpu,cpuacct/a/c1",
                "cpu.idle cpu.shares cpu.cfs_period_us cpu.cfs_quota_us cpu.cfs_burst_us cpu.rt_period_us "
                "cpu.rt_runtime_us",
                "cpu: idle off before shares, period before quota before burst, RT period before runtime");
  expect(&t, "cpuset" C1 "cpuset.cpus", "0-1");
  expect(&t, "cpuset" C1 "cpuset.mems", "0");
  expect(&t, "pids" C1 "pids.max", "100");
  expect(&t, "blkio" C1 "blkio.weight", "300");
  expect(&t, "blkio" C1 "blkio.leaf_weight", "200");
  /* One write per entry: a plain file shows them back to back. */
  expect(&t, "blkio" C1 "blkio.weight_device", "8:0 4008:16 20");
  expect(&t, "blkio" C1 "blkio.leaf_weight_device", "8:0 100");
  expect(&t, "blkio" C1 "blkio.throttle.read_bps_device", "8:0 1048576");
  expect(&t, "blkio" C1 "blkio.throttle.write_bps_device", "8:0 2097152");
  expect(&t, "blkio" C1 "blkio.throttle.read_iops_device", "8:0 1008:16 300");
  expect(&t, "blkio" C1 "blkio.throttle.write_iops_device", "8:0 200");
  expect(&t, "hugetlb" C1 "hugetlb.2MB.limit_in_bytes", "4194304");
  expect(&t, "hugetlb" C1 "hugetlb.2MB.rsvd.limit_in_bytes", "4194304");
  expect(&t, "hugetlb" C1 "hugetlb.1GB.limit_in_bytes", "0");
  tap_ok(!present(&t, "hugetlb" C1 "hugetlb.1GB.rsvd.limit_in_bytes"), "hugetlb: no reservation file, none made");
  expect(&t, "net_cls,net_prio" C1 "net_cls.classid", "1048577");
  expect(&t, "net_cls,net_prio" C1 "net_prio.ifpriomap", "eth0 5lo 7");
  expect(&t, "rdma" C1 "rdma.max", "mlx5_0 hca_handle=2 hca_object=2000mlx4_0 hca_object=9");
  expect(&t, "systemd" C1 "memory.limit_in_bytes", NULL);
  tree_free(&t);
}

static void test_v1_memory_order(void)
{
  struct tree t;
  if (!v1_tree(&t))
    return;
  /* Raising both above the old limit: memory+swap must go first. */
  put(&t, "memory" C1 "memory.limit_in_bytes", "1073741824\n");
  put(&t, "memory" C1 "memory.memsw.limit_in_bytes", "1073741824\n");
  forget_writes(&t);
  expect_ok(&t, "{\"memory\":{\"limit\":2147483648,\"swap\":3221225472}}", true, "v1: raise limit and swap");
  expect_writes(&t, "memory/a/c1", "memory.memsw.limit_in_bytes memory.limit_in_bytes",
                "raising: memory+swap first");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "2147483648");
  expect(&t, "memory" C1 "memory.memsw.limit_in_bytes", "3221225472");
  /* Lowering both below the old limit: the limit must go first. */
  forget_writes(&t);
  expect_ok(&t, "{\"memory\":{\"limit\":268435456,\"swap\":536870912}}", true, "v1: lower limit and swap");
  expect_writes(&t, "memory/a/c1", "memory.limit_in_bytes memory.memsw.limit_in_bytes", "lowering: limit first");
  /* Unlimited memory takes memory+swap along, first. */
  forget_writes(&t);
  expect_ok(&t, "{\"memory\":{\"limit\":-1}}", true, "v1: limit -1 alone");
  expect_writes(&t, "memory/a/c1", "memory.memsw.limit_in_bytes memory.limit_in_bytes",
                "limit -1: memory+swap set to -1 first");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "-1");
  expect(&t, "memory" C1 "memory.memsw.limit_in_bytes", "-1");
  expect_error(&t, "{\"memory\":{\"limit\":-1,\"swap\":1073741824}}", false,
               "linux.resources.memory.swap: 1073741824 is below the memory limit (-1, unlimited): swap counts "
               "memory plus swap, and v1 keeps it at least the memory limit");
  expect_error(&t, "{\"memory\":{\"reservation\":-2}}", false,
               "linux.resources.memory.reservation: -2 is neither -1 (unlimited) nor a byte count");

  /* No swap accounting: a real swap limit is refused before anything is
   * written; "unlimited" and "equal to the limit" pass. */
  drop(&t, "memory" C1 "memory.memsw.limit_in_bytes");
  put(&t, "memory" C1 "memory.limit_in_bytes", UNLIMITED);
  forget_writes(&t);
  expect_error_in(&t, "{\"memory\":{\"limit\":1073741824,\"swap\":2147483648}}",
                  "linux.resources.memory.swap: swap accounting is off on this host (no "
                  "memory.memsw.limit_in_bytes in ",
                  "memory/a/c1)");
  expect(&t, "memory" C1 "memory.limit_in_bytes", UNLIMITED);
  expect_ok(&t, "{\"memory\":{\"limit\":1073741824,\"swap\":1073741824}}", false, "swap = limit without accounting");
  expect_ok(&t, "{\"memory\":{\"limit\":1073741824,\"swap\":-1}}", false, "swap -1 without accounting");
  expect_ok(&t, "{\"memory\":{\"limit\":-1}}", false, "limit -1 without accounting");
  tap_ok(!present(&t, "memory" C1 "memory.memsw.limit_in_bytes"), "  and no memsw file appears");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "-1");

  /* kmem where the kernel dropped it: silently skipped. */
  drop(&t, "memory" C1 "memory.kmem.limit_in_bytes");
  expect_ok(&t, "{\"memory\":{\"kernel\":1048576,\"kernelTCP\":1048576}}", false, "kernel memory without the files");
  tree_free(&t);
}

static void test_v1_check_before_update(void)
{
  struct tree t;
  if (!v1_tree(&t))
    return;
  /* usage 100 MiB, memory+swap usage 110 MiB */
  expect_error(&t, "{\"memory\":{\"limit\":52428800,\"checkBeforeUpdate\":true}}", true,
               "linux.resources.memory.limit: 52428800 is below the current usage (104857600 bytes)");
  expect(&t, "memory" C1 "memory.limit_in_bytes", UNLIMITED);
  expect_error(&t, "{\"memory\":{\"limit\":209715200,\"swap\":110000000,\"checkBeforeUpdate\":true}}", true,
               "linux.resources.memory.swap: 110000000 is below the current memory+swap usage (115343360 bytes)");
  expect_ok(&t, "{\"memory\":{\"limit\":209715200,\"checkBeforeUpdate\":true}}", true, "update above the usage");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "209715200");
  expect_ok(&t, "{\"memory\":{\"limit\":52428800,\"checkBeforeUpdate\":true}}", false,
            "checkBeforeUpdate is not looked at on create");
  expect_ok(&t, "{\"memory\":{\"limit\":41943040,\"checkBeforeUpdate\":false}}", true,
            "update without checkBeforeUpdate");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "41943040");
  tree_free(&t);
}

/* Whether writing 100000 to /proc/self/oom_score_adj fails with EINVAL (it
 * is out of range), which makes it a stand-in for a refusing control file. */
static bool oom_score_adj_refuses(void)
{
  int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  bool refused = write(fd, "100000", 6) < 0 && errno == EINVAL;
  close(fd);
  return refused;
}

/* Puts /proc/self/oom_score_adj in the place of the file at path, by a bind
 * mount in a mount namespace of this process's own: control files are
 * opened without following a symbolic link, so a link cannot stand in. */
static bool bind_oom_score_adj(const char *path)
{
  if (geteuid() != 0 || !oom_score_adj_refuses())
    return false;
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount("/proc/self/oom_score_adj", path, NULL, MS_BIND, NULL) < 0) {
    tap_diag("bind /proc/self/oom_score_adj on %s: %s", path, strerror(errno));
    return false;
  }
  return true;
}

static void test_v1_cpu(void)
{
  struct tree t;
  if (!v1_tree(&t))
    return;
  expect_ok(&t, "{\"cpu\":{\"shares\":2048,\"idle\":1}}", false, "v1: shares with idle on");
  expect_writes(&t, "cpu,cpuacct/a/c1", "cpu.shares cpu.idle", "idle goes on after the shares");
  expect(&t, "cpu,cpuacct" C1 "cpu.idle", "1");
  expect_ok(&t, "{\"cpu\":{\"quota\":-1}}", false, "quota -1");
  expect(&t, "cpu,cpuacct" C1 "cpu.cfs_quota_us", "-1");
  expect_error(&t, "{\"cpu\":{\"shares\":1}}", false, "linux.resources.cpu.shares: 1 is outside 2..262144");
  expect_error(&t, "{\"cpu\":{\"shares\":300000}}", false,
               "linux.resources.cpu.shares: 300000 is outside 2..262144");
  expect_error(&t, "{\"cpu\":{\"quota\":-5}}", false,
               "linux.resources.cpu.quota: -5 is neither -1 (unlimited) nor positive");

  /* A refused value is tried again after the others: cfs_period_us stands
   * in for a file whose kernel says EINVAL (oom_score_adj takes no 100000). */
  cleanup_free char *period = tpath(&t, "cpu,cpuacct" C1 "cpu.cfs_period_us");
  if (bind_oom_score_adj(period)) {
    expect_error(&t, "{\"cpu\":{\"period\":100000,\"quota\":30000}}", false,
                 "linux.resources.cpu.period: write cpu.cfs_period_us: Invalid argument");
    expect(&t, "cpu,cpuacct" C1 "cpu.cfs_quota_us", "30000");
    tap_ok(true, "  the quota went in between the two tries of the period");
    if (umount2(period, MNT_DETACH) < 0)
      tap_diag("umount %s: %s", period, strerror(errno));
  } else {
    tap_ok(true, "EINVAL retry # SKIP needs root and a /proc/self/oom_score_adj that refuses 100000 with EINVAL");
  }

  drop(&t, "cpu,cpuacct" C1 "cpu.idle");
  drop(&t, "cpu,cpuacct" C1 "cpu.cfs_burst_us");
  expect_error_in(&t, "{\"cpu\":{\"idle\":1}}", "linux.resources.cpu.idle: cpu.idle does not exist in ",
                  "cpu,cpuacct/a/c1");
  expect_error_in(&t, "{\"cpu\":{\"burst\":0}}", "linux.resources.cpu.burst: cpu.cfs_burst_us does not exist in ",
                  "cpu,cpuacct/a/c1");
  tree_free(&t);
}

static void test_v1_pids_blkio_hugetlb(void)
{
  struct tree t;
  if (!v1_tree(&t))
    return;
  expect_ok(&t, "{\"pids\":{\"limit\":0}}", false, "pids 0");
  expect(&t, "pids" C1 "pids.max", "0");
  expect_ok(&t, "{\"pids\":{\"limit\":-1}}", false, "pids -1");
  expect(&t, "pids" C1 "pids.max", "max");
  expect_error(&t, "{\"pids\":{\"limit\":-2}}", false,
               "linux.resources.pids.limit: -2 is neither -1 (unlimited) nor a count");

  /* No CFQ: BFQ's files. */
  drop(&t, "blkio" C1 "blkio.weight");
  drop(&t, "blkio" C1 "blkio.weight_device");
  put(&t, "blkio" C1 "blkio.bfq.weight", "100\n");
  put(&t, "blkio" C1 "blkio.bfq.weight_device", "");
  expect_ok(&t, "{\"blockIO\":{\"weight\":700,\"weightDevice\":[{\"major\":253,\"minor\":0,\"weight\":50}]}}", false,
            "blkio weights through BFQ");
  expect(&t, "blkio" C1 "blkio.bfq.weight", "700");
  expect(&t, "blkio" C1 "blkio.bfq.weight_device", "253:0 50");
  drop(&t, "blkio" C1 "blkio.bfq.weight");
  expect_error_in(&t, "{\"blockIO\":{\"weight\":700}}",
                  "linux.resources.blockIO.weight: neither blkio.weight nor blkio.bfq.weight exists in ",
                  "blkio/a/c1 (the I/O scheduler has no weights; BFQ has)");
  drop(&t, "blkio" C1 "blkio.leaf_weight");
  expect_error_in(&t, "{\"blockIO\":{\"leafWeight\":700}}",
                  "linux.resources.blockIO.leafWeight: blkio.leaf_weight does not exist in ", "blkio/a/c1");

  expect_ok(&t, "{\"hugepageLimits\":[{\"pageSize\":\"2048KB\",\"limit\":2097152}]}", false,
            "hugetlb: 2048KB is the kernel's 2MB");
  expect(&t, "hugetlb" C1 "hugetlb.2MB.limit_in_bytes", "2097152");
  expect(&t, "hugetlb" C1 "hugetlb.2MB.rsvd.limit_in_bytes", "2097152");
  expect_error_in(&t, "{\"hugepageLimits\":[{\"pageSize\":\"64KB\",\"limit\":0}]}",
                  "linux.resources.hugepageLimits[0].pageSize: this host has no 64KB huge pages (no "
                  "hugetlb.64KB.limit_in_bytes in ",
                  "hugetlb/a/c1)");
  expect_error(&t, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1},{\"pageSize\":\"2mb\",\"limit\":1}]}",
               false,
               "linux.resources.hugepageLimits[1].pageSize: \"2mb\" is not a page size like \"2MB\"");
  expect(&t, "hugetlb" C1 "hugetlb.2MB.limit_in_bytes", "2097152");
  expect_error(&t, "{\"rdma\":{\"mlx5_0\":{}}}", false, "linux.resources.rdma.mlx5_0: needs hcaHandles or hcaObjects");
  expect_error(&t, "{\"unified\":{\"pids.max\":\"10\"}}", false,
               "linux.resources.unified: this host has no cgroup v2 hierarchy");
  tree_free(&t);
}

/* ---- v2 ---------------------------------------------------------------- */

static void test_v2_everything(void)
{
  struct tree t;
  if (!v2_tree(&t))
    return;
  expect_ok(&t,
            "{\"memory\":{\"limit\":1073741824,\"reservation\":268435456,\"swap\":2147483648,\"kernel\":1,"
            "\"useHierarchy\":true,\"disableOOMKiller\":false},"
            "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":200000,\"burst\":1000,\"idle\":1,"
            "\"cpus\":\"0-1\",\"mems\":\"0\"},"
            "\"pids\":{\"limit\":-1},"
            "\"blockIO\":{\"weight\":500,\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":1000}],"
            "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576},"
            "{\"major\":8,\"minor\":16,\"rate\":2048}],"
            "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":0,\"rate\":100}]},"
            "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":4194304},{\"pageSize\":\"1GB\",\"limit\":0}],"
            "\"rdma\":{\"mlx5_0\":{\"hcaHandles\":3}}}",
            false, "v2: every field it has");
  expect(&t, "unified" C1 "memory.max", "1073741824");
  expect(&t, "unified" C1 "memory.swap.max", "1073741824");
  expect(&t, "unified" C1 "memory.low", "268435456");
  expect(&t, "unified" C1 "cpu.weight", "39");
  expect(&t, "unified" C1 "cpu.max", "50000 200000");
  expect(&t, "unified" C1 "cpu.max.burst", "1000");
  expect(&t, "unified" C1 "cpu.idle", "1");
  expect(&t, "unified" C1 "cpuset.cpus", "0-1");
  expect(&t, "unified" C1 "cpuset.mems", "0");
  expect(&t, "unified" C1 "pids.max", "max");
  expect(&t, "unified" C1 "io.weight", "default 49508:0 10000");
  expect(&t, "unified" C1 "io.max", "8:0 rbps=1048576 wiops=1008:16 rbps=2048");
  expect(&t, "unified" C1 "hugetlb.2MB.max", "4194304");
  expect(&t, "unified" C1 "hugetlb.2MB.rsvd.max", "4194304");
  expect(&t, "unified" C1 "hugetlb.1GB.max", "0");
  expect(&t, "unified" C1 "rdma.max", "mlx5_0 hca_handle=3");
  /* One write per controller, root first. */
  expect(&t, "unified/cgroup.subtree_control", "+memory+cpu+cpuset+pids+io+hugetlb+rdma");
  expect(&t, "unified/a/cgroup.subtree_control", "+memory+cpu+cpuset+pids+io+hugetlb+rdma");
  expect_writes(&t, NULL,
                "unified/cgroup.subtree_control unified/a/cgroup.subtree_control unified/a/c1/memory.max "
                "unified/a/c1/memory.swap.max unified/a/c1/memory.low unified/a/c1/cpu.weight unified/a/c1/cpu.max "
                "unified/a/c1/cpu.max.burst unified/a/c1/cpu.idle unified/a/c1/cpuset.cpus unified/a/c1/cpuset.mems "
                "unified/a/c1/pids.max unified/a/c1/io.weight unified/a/c1/io.max unified/a/c1/hugetlb.2MB.max "
                "unified/a/c1/hugetlb.2MB.rsvd.max unified/a/c1/hugetlb.1GB.max unified/a/c1/rdma.max",
                "v2: controllers enabled first, then the files, in order");
  tree_free(&t);
}

static void test_v2_memory(void)
{
  struct tree t;
  if (!v2_tree(&t))
    return;
  /* Already enabled at the root: only the missing level is written. */
  put(&t, "unified/cgroup.subtree_control", "cpu memory\n");
  expect_ok(&t, "{\"memory\":{\"limit\":-1,\"swap\":2147483648}}", false, "v2: limit -1 with a swap total");
  expect(&t, "unified/cgroup.subtree_control", "cpu memory\n");
  expect(&t, "unified/a/cgroup.subtree_control", "+memory");
  expect(&t, "unified" C1 "memory.max", "max");
  expect(&t, "unified" C1 "memory.swap.max", "max");
  expect_ok(&t, "{\"memory\":{\"limit\":1073741824,\"swap\":1073741824}}", false, "swap = limit");
  expect(&t, "unified" C1 "memory.swap.max", "0");
  expect_ok(&t, "{\"memory\":{\"swap\":-1}}", false, "swap -1");
  expect(&t, "unified" C1 "memory.swap.max", "max");
  put(&t, "unified" C1 "memory.max", "536870912\n");
  expect_ok(&t, "{\"memory\":{\"swap\":1073741824}}", true, "swap alone, against the current memory.max");
  expect(&t, "unified" C1 "memory.swap.max", "536870912");
  expect_error(&t, "{\"memory\":{\"swap\":268435456}}", true,
               "linux.resources.memory.swap: 268435456 is below the memory limit (536870912): swap counts memory "
               "plus swap");
  expect_ok(&t, "{\"memory\":{\"reservation\":-1}}", false, "reservation -1");
  expect(&t, "unified" C1 "memory.low", "max");

  /* What v2 cannot do is refused before anything is written. */
  forget_writes(&t);
  expect_error(&t, "{\"memory\":{\"limit\":1,\"disableOOMKiller\":true}}", false,
               "linux.resources.memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
  expect_error(&t, "{\"memory\":{\"limit\":1,\"useHierarchy\":false}}", false,
               "linux.resources.memory.useHierarchy: cgroup v2 is always hierarchical");
  expect_error(&t, "{\"memory\":{\"limit\":1},\"cpu\":{\"realtimeRuntime\":1000}}", false,
               "linux.resources.cpu.realtimeRuntime: cgroup v2 has no real-time group scheduling");
  expect_error(&t, "{\"memory\":{\"limit\":1},\"cpu\":{\"realtimePeriod\":1000}}", false,
               "linux.resources.cpu.realtimePeriod: cgroup v2 has no real-time group scheduling");
  expect_error(&t, "{\"memory\":{\"limit\":1},\"blockIO\":{\"leafWeight\":100}}", false,
               "linux.resources.blockIO.leafWeight: cgroup v2 has no leaf weight");
  expect_error(&t, "{\"memory\":{\"limit\":1},\"network\":{\"classID\":1}}", false,
               "linux.resources.network.classID: no net_cls controller on this host");
  expect_writes(&t, NULL, "", "v2: the refused configs wrote nothing, not even subtree_control");

  /* swappiness: only the host's own value is met. */
  cleanup_free char *host_text = test_read_file("/proc/sys/vm/swappiness");
  unsigned host = host_text ? (unsigned) strtoul(host_text, NULL, 10) : 60;
  cleanup_free char *same = xasprintf("{\"memory\":{\"swappiness\":%u}}", host);
  cleanup_free char *other = xasprintf("{\"memory\":{\"swappiness\":%u}}", (host + 1) % 101);
  cleanup_free char *want = xasprintf("linux.resources.memory.swappiness: cgroup v2 has no per-cgroup swappiness; "
                                      "the host's vm.swappiness (%u) applies, not %u",
                                      host, (host + 1) % 101);
  expect_ok(&t, same, false, "v2: swappiness equal to the host's");
  expect_error(&t, other, false, want);

  /* checkBeforeUpdate: usage 100 MiB, swap usage 10 MiB. */
  expect_error(&t, "{\"memory\":{\"limit\":52428800,\"checkBeforeUpdate\":true}}", true,
               "linux.resources.memory.limit: 52428800 is below the current usage (104857600 bytes)");
  expect_error(&t, "{\"memory\":{\"limit\":110000000,\"swap\":110000000,\"checkBeforeUpdate\":true}}", true,
               "linux.resources.memory.swap: 110000000 is below the current memory+swap usage (115343360 bytes)");

  /* No swap accounting. */
  drop(&t, "unified" C1 "memory.swap.max");
  expect_ok(&t, "{\"memory\":{\"limit\":1073741824,\"swap\":1073741824}}", false, "swap = limit without swap.max");
  expect_error_in(&t, "{\"memory\":{\"limit\":1073741824,\"swap\":2147483648}}",
                  "linux.resources.memory.swap: memory.swap.max does not exist in ", "unified/a/c1");
  tree_free(&t);
}

static void test_v2_cpu_and_io(void)
{
  struct tree t;
  if (!v2_tree(&t))
    return;
  expect_ok(&t, "{\"cpu\":{\"quota\":30000}}", false, "v2: quota alone keeps the period");
  expect(&t, "unified" C1 "cpu.max", "30000");
  expect_ok(&t, "{\"cpu\":{\"quota\":-1,\"period\":100000}}", false, "quota -1");
  expect(&t, "unified" C1 "cpu.max", "max 100000");
  put(&t, "unified" C1 "cpu.max", "20000 100000\n");
  expect_ok(&t, "{\"cpu\":{\"period\":50000}}", true, "period alone keeps the quota");
  expect(&t, "unified" C1 "cpu.max", "20000 50000");
  expect_ok(&t, "{\"cpu\":{\"shares\":2}}", false, "shares 2");
  expect(&t, "unified" C1 "cpu.weight", "1");
  expect_ok(&t, "{\"cpu\":{\"shares\":262144}}", false, "shares 262144");
  expect(&t, "unified" C1 "cpu.weight", "10000");
  expect_ok(&t, "{\"blockIO\":{\"weight\":10}}", false, "blkio weight 10");
  expect(&t, "unified" C1 "io.weight", "default 1");
  expect_ok(&t, "{\"blockIO\":{\"weight\":1000}}", false, "blkio weight 1000");
  expect(&t, "unified" C1 "io.weight", "default 10000");
  expect_error(&t, "{\"blockIO\":{\"weight\":1001}}", false, "linux.resources.blockIO.weight: 1001 is above 1000");
  /* BFQ only: its own scale. */
  drop(&t, "unified" C1 "io.weight");
  put(&t, "unified" C1 "io.bfq.weight", "default 100\n");
  expect_ok(&t, "{\"blockIO\":{\"weight\":500}}", false, "blkio weight through io.bfq.weight");
  expect(&t, "unified" C1 "io.bfq.weight", "500");
  tree_free(&t);

  /* A root that does not offer io. */
  if (!tree_make(&t, "v2-noio", v2_host, ARRAY_SIZE(v2_host), "cpu memory pids\n"))
    return;
  expect_error(&t, "{\"blockIO\":{\"weight\":500}}", false,
               "linux.resources.blockIO.weight: no io controller on this host");
  expect_error(&t, "{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":0}]}", false,
               "linux.resources.hugepageLimits: no hugetlb controller on this host");
  tree_free(&t);
}

static void test_v2_unified(void)
{
  struct tree t;
  if (!v2_tree(&t))
    return;
  expect_ok(&t,
            "{\"memory\":{\"limit\":1073741824},"
            "\"unified\":{\"memory.max\":\"2147483648\",\"pids.max\":\"10\",\"cgroup.freeze\":\"0\","
            "\"io.max\":\"8:0 rbps=1\\n8:16 wbps=2\\n\"}}",
            false, "v2: unified keys");
  expect(&t, "unified" C1 "memory.max", "2147483648");
  tap_ok(true, "  unified is written last and wins over memory.limit");
  expect(&t, "unified" C1 "pids.max", "10");
  expect(&t, "unified" C1 "cgroup.freeze", "0");
  expect(&t, "unified" C1 "io.max", "8:0 rbps=18:16 wbps=2");
  expect(&t, "unified/cgroup.subtree_control", "+memory+pids+io");
  expect(&t, "unified/a/cgroup.subtree_control", "+memory+pids+io");

  expect_error(&t, "{\"unified\":{\"../memory.max\":\"1\"}}", false,
               "linux.resources.unified.../memory.max: not a file name in the container's cgroup");
  expect_error(&t, "{\"unified\":{\"memory/max\":\"1\"}}", false,
               "linux.resources.unified.memory/max: not a file name in the container's cgroup");
  expect_error(&t, "{\"unified\":{\"..\":\"1\"}}", false,
               "linux.resources.unified...: not a file name in the container's cgroup");
  expect_error(&t, "{\"unified\":{\"nodot\":\"1\"}}", false,
               "linux.resources.unified.nodot: not a cgroup file name (like \"memory.max\")");
  expect_error(&t, "{\"unified\":{\"perf_event.x\":\"1\"}}", false,
               "linux.resources.unified.perf_event.x: controller perf_event is not available in the cgroup v2 "
               "hierarchy");
  expect_error_in(&t, "{\"unified\":{\"misc.max\":\"res 1\"}}",
                  "linux.resources.unified.misc.max: misc.max does not exist in ", "unified/a/c1");

  /* Enabling fails: the intermediate cgroup has no subtree_control. */
  drop(&t, "unified/a/cgroup.subtree_control");
  cleanup_free char *msg = NULL;
  apply(&t, "{\"unified\":{\"rdma.max\":\"mlx5_0 hca_handle=1\"}}", false, &msg);
  tap_ok(msg && strncmp(msg, "linux.resources.unified.rdma.max: open ", 39) == 0 &&
             strstr(msg, "/a/cgroup.subtree_control: No such file or directory"),
         "enabling in a parent that cannot: the error names the key (%s)", msg ? msg : "no error");
  tree_free(&t);
}

/* ---- hybrid ------------------------------------------------------------ */

static void test_hybrid(void)
{
  struct tree t;
  if (!hybrid_tree(&t))
    return;
  expect_ok(&t,
            "{\"memory\":{\"limit\":1073741824},\"cpu\":{\"shares\":512,\"cpus\":\"1\"},\"pids\":{\"limit\":50},"
            "\"blockIO\":{\"weight\":200},"
            "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":8388608}],"
            "\"unified\":{\"hugetlb.1GB.max\":\"0\"}}",
            false, "hybrid: v1 controllers and hugetlb on cgroup2");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "1073741824");
  expect(&t, "cpu" C1 "cpu.shares", "512");
  expect(&t, "cpuacct" C1 "cpu.shares", NULL);
  expect(&t, "cpuset" C1 "cpuset.cpus", "1");
  expect(&t, "pids" C1 "pids.max", "50");
  expect(&t, "blkio" C1 "blkio.weight", "200");
  expect(&t, "unified" C1 "hugetlb.2MB.max", "8388608");
  expect(&t, "unified" C1 "hugetlb.2MB.rsvd.max", "8388608");
  expect(&t, "unified" C1 "hugetlb.1GB.max", "0");
  expect(&t, "unified/cgroup.subtree_control", "+hugetlb");
  expect(&t, "unified/a/cgroup.subtree_control", "+hugetlb");
  expect_writes(&t, "unified/a/c1", "hugetlb.2MB.max hugetlb.2MB.rsvd.max hugetlb.1GB.max",
                "hybrid: cgroup2 gets hugetlb only");

  forget_writes(&t);
  expect_error(&t, "{\"memory\":{\"limit\":1},\"network\":{\"classID\":1048577}}", false,
               "linux.resources.network.classID: no net_cls controller on this host");
  expect_error(&t, "{\"network\":{\"priorities\":[{\"name\":\"eth0\",\"priority\":1}]}}", false,
               "linux.resources.network.priorities: no net_prio controller on this host");
  expect_error(&t, "{\"rdma\":{\"mlx5_0\":{\"hcaHandles\":1}}}", false,
               "linux.resources.rdma: no rdma controller on this host");
  expect_error(&t, "{\"unified\":{\"memory.max\":\"1\"}}", false,
               "linux.resources.unified.memory.max: controller memory is not available in the cgroup v2 hierarchy");
  expect_writes(&t, NULL, "", "hybrid: the refused configs wrote nothing");
  expect(&t, "memory" C1 "memory.limit_in_bytes", "1073741824");

  /* A set that does not match the layout. */
  struct cgroup_set short_set = { t.set.dirs, t.set.created, 1, t.set.controllers };
  cleanup_error struct hutch_error *err = NULL;
  struct oci_resources empty;
  memset(&empty, 0, sizeof empty);
  tap_ok(cgroup_apply_resources(&t.layout, &short_set, &empty, false, &err) < 0 && err &&
             strcmp(err->msg, "linux.resources: 1 cgroup directories for 10 hierarchies") == 0,
         "a set that does not match the layout is refused");
  tree_free(&t);
}

int main(void)
{
  if (!mkdtemp(tmp)) {
    printf("Bail out! mkdtemp: %s\n", strerror(errno));
    return 1;
  }
  test_v1_nothing_present();
  test_v1_everything();
  test_v1_memory_order();
  test_v1_check_before_update();
  test_v1_cpu();
  test_v1_pids_blkio_hugetlb();
  test_v2_everything();
  test_v2_memory();
  test_v2_cpu_and_io();
  test_v2_unified();
  test_hybrid();
  if (test_remove_tree(tmp) < 0)
    tap_diag("remove %s: %s", tmp, strerror(errno));
  return tap_done();
}
