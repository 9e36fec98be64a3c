#include "engine/cgroup/resources.h"
#include "engine/cgroup/control_file.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RES "linux.resources"
/* Control files read here are a line or a short list; the cap only keeps a
 * misbehaving file from being read without end. */
#define CONTROL_FILE_MAX (1u << 20)
/* The files of one ordered group (write_ordered). */
#define ORDERED_MAX 4
/* The kernel's range for cpu.shares (MIN_SHARES, MAX_SHARES). */
#define SHARES_MIN 2u
#define SHARES_MAX 262144u
/* blkio.weight's range on v1 (CFQ). BFQ also takes 1..9, which the io.weight
 * conversion maps to its floor. */
#define BLKIO_WEIGHT_MIN 10u
#define BLKIO_WEIGHT_MAX 1000u

enum ctl {
  CTL_MEMORY,
  CTL_CPU,
  CTL_CPUSET,
  CTL_PIDS,
  CTL_BLKIO,
  CTL_HUGETLB,
  CTL_NET_CLS,
  CTL_NET_PRIO,
  CTL_RDMA,
  CTL_COUNT
};

/* A controller's name among a v1 mount's options, and on cgroup v2 (NULL:
 * v1 only). */
static const struct {
  const char *v1;
  const char *v2;
} ctl_names[CTL_COUNT] = {
  [CTL_MEMORY] = { "memory", "memory" },
  [CTL_CPU] = { "cpu", "cpu" },
  [CTL_CPUSET] = { "cpuset", "cpuset" },
  [CTL_PIDS] = { "pids", "pids" },
  [CTL_BLKIO] = { "blkio", "io" },
  [CTL_HUGETLB] = { "hugetlb", "hugetlb" },
  [CTL_NET_CLS] = { "net_cls", NULL },
  [CTL_NET_PRIO] = { "net_prio", NULL },
  [CTL_RDMA] = { "rdma", "rdma" },
};

struct target {
  const struct control_dir *dir; /* NULL: on no hierarchy of this host */
  bool v2;
};

/* A v2 controller to enable above the container, and the first field that
 * needs it (for the error if enabling fails). */
struct enable_req {
  char *ctrl;
  char *field;
};

struct ctx {
  const struct cgroup_layout *layout;
  const struct cgroup_set *set;
  bool update;
  const struct cgroup_hierarchy *v2h; /* NULL on a v1-only host */
  size_t v2i;                         /* its index in the layout */
  const char *v2dir;
  struct control_dir *dirs; /* the container's directory in each hierarchy, opened at first use */
  char *v2_controllers; /* the v2 root's cgroup.controllers, read once */
  struct target t[CTL_COUNT];
  bool resolved[CTL_COUNT];
  struct enable_req *enable;
  size_t n_enable;
};

/* ---- small helpers ---------------------------------------------------- */

/* runc cannot tell an explicit 0 (or "") from an absent value in most
 * fields (Go zero values) and skips both; hutch does the same, so that a
 * config behaves as under runc: memory limit, reservation, swap, kernel and
 * kernelTCP; cpu shares, quota, period, realtimeRuntime, realtimePeriod,
 * cpus and mems; blockIO weights; network.classID. The others (pids.limit,
 * whose 0 is a real limit, swappiness, burst, idle, hugepage and rdma
 * limits) are written whenever present. */
static bool given_i64(const oci_opt_i64 *v)
{
  return v->set && v->value != 0;
}

static bool given_u64(const oci_opt_u64 *v)
{
  return v->set && v->value != 0;
}

static bool given_u16(const oci_opt_u16 *v)
{
  return v->set && v->value != 0;
}

static bool given_str(const char *s)
{
  return s && *s;
}

/* Whether word is one of the items of list, separated by any of seps. */
static bool list_has(const char *list, const char *word, const char *seps)
{
  size_t len = strlen(word);
  for (const char *p = list; *p;) {
    size_t n = strcspn(p, seps);
    if (n == len && memcmp(p, word, len) == 0)
      return true;
    p += n;
    p += strspn(p, seps);
  }
  return false;
}

/* v1 takes -1 for "no limit", v2 takes "max". */
static void format_limit(char *buf, size_t size, int64_t value, bool v2)
{
  if (v2 && value == -1)
    snprintf(buf, size, "max");
  else
    snprintf(buf, size, "%" PRId64, value);
}

static int read_control(const struct control_dir *dir, const char *file, const char *field, char **out,
                        struct hutch_error **err)
{
  size_t len;
  if (control_file_read(dir, file, CONTROL_FILE_MAX, out, &len, err) < 0)
    return hutch_error_prefix(err, "%s: ", field);
  return 0;
}

/* A file holding one number, or "max" (read as UINT64_MAX). */
static int read_u64(const struct control_dir *dir, const char *file, const char *field, uint64_t *out,
                    struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  if (read_control(dir, file, field, &text, err) < 0)
    return -1;
  text[strcspn(text, "\n")] = '\0';
  if (strcmp(text, "max") == 0) {
    *out = UINT64_MAX;
    return 0;
  }
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 10);
  if (errno || end == text || *end || text[0] == '-')
    return hutch_fail(err, 0, "%s: %s/%s holds \"%s\", not a number", field, dir->path, file, text);
  *out = v;
  return 0;
}

/* ---- writing control files ------------------------------------------- */

/* The error for e, of the open of dir/file (!opened) or of the write. */
static int write_failed(int e, bool opened, const char *field, const struct control_dir *dir, const char *file,
                        struct hutch_error **err)
{
  if (opened)
    return hutch_fail(err, e, "%s: write %s", field, file);
  if (e == ENOENT)
    return hutch_fail_as(err, ENOENT, "%s: %s does not exist in %s", field, file, dir->path);
  return hutch_fail(err, e, "%s: open %s", field, file);
}

/* 0, or the errno of the open (*opened false) or of the write. */
static int try_write(const struct control_dir *dir, const char *file, const char *value, bool *opened)
{
  return control_file_write(dir, file, value, strlen(value), opened);
}

static int write_value(const struct control_dir *dir, const char *file, const char *value, const char *field,
                       struct hutch_error **err)
{
  bool opened;
  int e = try_write(dir, file, value, &opened);
  return e ? write_failed(e, opened, field, dir, file, err) : 0;
}

/* The next entry of a file written one entry at a time. */
static int write_entry(struct control_writer *w, const char *value, const char *field, struct hutch_error **err)
{
  bool opened;
  int e = control_writer_put(w, value, strlen(value), &opened);
  return e ? write_failed(e, opened, field, w->dir, w->name, err) : 0;
}

struct ordered_write {
  const char *file;
  const char *field;
  char value[48];
};

/* The kernel checks each of these values against the current others (a CFS
 * quota against the burst and the parent's bandwidth, an RT runtime against
 * the period), so a value that had to go second on this particular change is
 * refused with EINVAL: it is tried again once the others are in, as runc
 * does. */
static int write_ordered(const struct control_dir *dir, const struct ordered_write *w, size_t n,
                         struct hutch_error **err)
{
  bool again[ORDERED_MAX] = { false };
  for (size_t i = 0; i < n && i < ORDERED_MAX; i++) {
    bool opened;
    int e = try_write(dir, w[i].file, w[i].value, &opened);
    if (e == EINVAL && opened && n > 1)
      again[i] = true;
    else if (e)
      return write_failed(e, opened, w[i].field, dir, w[i].file, err);
  }
  for (size_t i = 0; i < n && i < ORDERED_MAX; i++)
    if (again[i] && write_value(dir, w[i].file, w[i].value, w[i].field, err) < 0)
      return -1;
  return 0;
}

/* ---- where each controller is ---------------------------------------- */

static int v2_root_controllers(struct ctx *c, const char *field, const char **out, struct hutch_error **err)
{
  if (!c->v2_controllers) {
    cleanup_control_dir struct control_dir root = CONTROL_DIR_INIT;
    int e = control_dir_open(&root, c->v2h->mountpoint);
    if (e)
      return hutch_fail(err, e, "%s: open %s", field, c->v2h->mountpoint);
    if (read_control(&root, "cgroup.controllers", field, &c->v2_controllers, err) < 0)
      return -1;
  }
  *out = c->v2_controllers;
  return 0;
}

/* The container's directory in hierarchy i, opened at its first use and
 * kept for every later file in it. */
static int hierarchy_dir(struct ctx *c, size_t i, const char *field, const struct control_dir **out,
                         struct hutch_error **err)
{
  struct control_dir *d = &c->dirs[i];
  if (d->fd < 0) {
    int e = control_dir_open(d, c->set->dirs[i]);
    if (e)
      return hutch_fail(err, e, "%s: open %s", field, c->set->dirs[i]);
  }
  *out = d;
  return 0;
}

/* The v1 hierarchy that has the controller, else the cgroup2 one when its
 * root offers it: on a hybrid host the kernel binds each controller to at
 * most one of them. */
static int find(struct ctx *c, enum ctl ctl, const char *field, const struct target **out, struct hutch_error **err)
{
  if (!c->resolved[ctl]) {
    struct target t = { NULL, false };
    for (size_t i = 0; i < c->layout->n && !t.dir; i++) {
      const struct cgroup_hierarchy *h = &c->layout->items[i];
      if (h->version == CGROUP_V1 && list_has(h->controllers, ctl_names[ctl].v1, ",") &&
          hierarchy_dir(c, i, field, &t.dir, err) < 0)
        return -1;
    }
    if (!t.dir && c->v2h && ctl_names[ctl].v2) {
      const char *avail;
      if (v2_root_controllers(c, field, &avail, err) < 0)
        return -1;
      if (list_has(avail, ctl_names[ctl].v2, " \n")) {
        if (hierarchy_dir(c, c->v2i, field, &t.dir, err) < 0)
          return -1;
        t.v2 = true;
      }
    }
    c->t[ctl] = t;
    c->resolved[ctl] = true;
  }
  *out = &c->t[ctl];
  return 0;
}

static void queue_enable(struct ctx *c, const char *ctrl, const char *field)
{
  for (size_t i = 0; i < c->n_enable; i++)
    if (strcmp(c->enable[i].ctrl, ctrl) == 0)
      return;
  c->enable = xrealloc(c->enable, (c->n_enable + 1) * sizeof *c->enable);
  c->enable[c->n_enable++] = (struct enable_req){ xstrdup(ctrl), xstrdup(field) };
}

/* find, failing with the field's name when the controller is nowhere; a v2
 * controller is queued for enabling above the container. */
static int require(struct ctx *c, enum ctl ctl, const char *field, const struct target **out,
                   struct hutch_error **err)
{
  if (find(c, ctl, field, out, err) < 0)
    return -1;
  if (!(*out)->dir) {
    const char *name = c->layout->kind == CGROUP_LAYOUT_V2 && ctl_names[ctl].v2 ? ctl_names[ctl].v2 : ctl_names[ctl].v1;
    return hutch_fail(err, 0, "%s: no %s controller on this host", field, name);
  }
  if ((*out)->v2)
    queue_enable(c, ctl_names[ctl].v2, field);
  return 0;
}

/* cgroup v2 only lets a cgroup use a controller its parent enabled in
 * cgroup.subtree_control, and the parent only one its own parent enabled:
 * each is enabled from the hierarchy's root down to the container's parent,
 * where it is not already. */
static int enable_controllers(struct ctx *c, struct hutch_error **err)
{
  if (c->n_enable == 0)
    return 0;
  cleanup_free char *root = xstrdup(c->v2h->mountpoint);
  size_t root_len = strlen(root);
  while (root_len > 0 && root[root_len - 1] == '/')
    root[--root_len] = '\0';
  const char *dir = c->v2dir;
  if (strncmp(dir, root, root_len) != 0 || (dir[root_len] != '/' && dir[root_len] != '\0'))
    return hutch_fail(err, 0, "%s: cgroup %s is not below the cgroup2 mount %s", c->enable[0].field, dir,
                      c->v2h->mountpoint);
  cleanup_strbuf struct strbuf ancestor = STRBUF_INIT;
  for (const char *slash = dir + root_len; (slash = strchr(slash, '/')); slash++) {
    strbuf_truncate(&ancestor, 0);
    if (slash == dir)
      strbuf_adds(&ancestor, "/");
    else
      strbuf_add(&ancestor, dir, (size_t) (slash - dir));
    cleanup_control_dir struct control_dir above = CONTROL_DIR_INIT;
    int e = control_dir_open(&above, ancestor.buf);
    if (e)
      return hutch_fail(err, e, "%s: open %s", c->enable[0].field, ancestor.buf);
    cleanup_free char *enabled = NULL;
    if (read_control(&above, "cgroup.subtree_control", c->enable[0].field, &enabled, err) < 0)
      return -1;
    /* One write per controller, so that a refusal names its field. */
    cleanup_control_writer struct control_writer file = CONTROL_WRITER(&above, "cgroup.subtree_control");
    for (size_t i = 0; i < c->n_enable; i++) {
      if (list_has(enabled, c->enable[i].ctrl, " \n"))
        continue;
      cleanup_free char *cmd = xasprintf("+%s", c->enable[i].ctrl);
      bool opened;
      e = control_writer_put(&file, cmd, strlen(cmd), &opened);
      if (e && !opened)
        return hutch_fail(err, e, "%s: open %s/cgroup.subtree_control", c->enable[i].field, ancestor.buf);
      if (e)
        return hutch_fail(err, e, "%s: enable %s in %s/cgroup.subtree_control", c->enable[i].field,
                          c->enable[i].ctrl, ancestor.buf);
    }
  }
  return 0;
}

/* ---- memory ----------------------------------------------------------- */

/* The first field that needs the memory controller. kernel and kernelTCP
 * do not: they are deprecated, and skipped where the kernel lacks them. */
static const char *memory_field(const struct oci_memory *m)
{
  if (given_i64(&m->limit))
    return RES ".memory.limit";
  if (given_i64(&m->reservation))
    return RES ".memory.reservation";
  if (given_i64(&m->swap))
    return RES ".memory.swap";
  if (m->swappiness.set)
    return RES ".memory.swappiness";
  if (m->disable_oom_killer.set)
    return RES ".memory.disableOOMKiller";
  if (m->use_hierarchy.set)
    return RES ".memory.useHierarchy";
  return NULL;
}

static int check_byte_limit(const oci_opt_i64 *v, const char *field, struct hutch_error **err)
{
  if (v->set && v->value < -1)
    return hutch_fail(err, 0, "%s: %" PRId64 " is neither -1 (unlimited) nor a byte count", field, v->value);
  return 0;
}

static int host_swappiness(uint64_t *out, struct hutch_error **err)
{
  cleanup_control_dir struct control_dir vm = CONTROL_DIR_INIT;
  int e = control_dir_open(&vm, "/proc/sys/vm");
  if (e)
    return hutch_fail(err, e, RES ".memory.swappiness: open /proc/sys/vm");
  return read_u64(&vm, "swappiness", RES ".memory.swappiness", out, err);
}

/* checkBeforeUpdate: a new limit below what the cgroup already uses would
 * have the kernel reclaim or OOM-kill right away (v1 refuses it with EBUSY
 * only when reclaim fails; v2 never refuses). */
static int check_usage(const struct target *t, const struct oci_memory *m, struct hutch_error **err)
{
  const char *usage_file = t->v2 ? "memory.current" : "memory.usage_in_bytes";
  uint64_t usage = 0;
  if ((given_i64(&m->limit) && m->limit.value > 0) || (given_i64(&m->swap) && m->swap.value > 0)) {
    if (read_u64(t->dir, usage_file, RES ".memory.checkBeforeUpdate", &usage, err) < 0)
      return -1;
  }
  if (given_i64(&m->limit) && m->limit.value > 0 && (uint64_t) m->limit.value < usage)
    return hutch_fail(err, 0, RES ".memory.limit: %" PRId64 " is below the current usage (%" PRIu64 " bytes)",
                      m->limit.value, usage);
  if (!given_i64(&m->swap) || m->swap.value <= 0)
    return 0;
  /* swap is memory plus swap: compare with both. */
  const char *swap_file = t->v2 ? "memory.swap.current" : "memory.memsw.usage_in_bytes";
  bool exists = false;
  if (control_file_exists(t->dir, swap_file, &exists, err) < 0)
    return hutch_error_prefix(err, RES ".memory.checkBeforeUpdate: ");
  if (!exists) /* no swap accounting: nothing to compare with */
    return 0;
  uint64_t swap_usage;
  if (read_u64(t->dir, swap_file, RES ".memory.checkBeforeUpdate", &swap_usage, err) < 0)
    return -1;
  uint64_t total = t->v2 ? usage + swap_usage : swap_usage;
  if ((uint64_t) m->swap.value < total)
    return hutch_fail(err, 0,
                      RES ".memory.swap: %" PRId64 " is below the current memory+swap usage (%" PRIu64 " bytes)",
                      m->swap.value, total);
  return 0;
}

static int check_memory(struct ctx *c, const struct oci_memory *m, struct hutch_error **err)
{
  if (check_byte_limit(&m->limit, RES ".memory.limit", err) < 0 ||
      check_byte_limit(&m->reservation, RES ".memory.reservation", err) < 0 ||
      check_byte_limit(&m->swap, RES ".memory.swap", err) < 0 ||
      check_byte_limit(&m->kernel, RES ".memory.kernel", err) < 0 ||
      check_byte_limit(&m->kernel_tcp, RES ".memory.kernelTCP", err) < 0)
    return -1;
  const char *field = memory_field(m);
  if (!field)
    return 0;
  const struct target *t;
  if (require(c, CTL_MEMORY, field, &t, err) < 0)
    return -1;
  if (t->v2) {
    /* memory.oom.group kills the whole cgroup together: it does not keep
     * the OOM killer away, and v2 has nothing that does. */
    if (m->disable_oom_killer.set && m->disable_oom_killer.value)
      return hutch_fail(err, 0, RES ".memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer");
    if (m->use_hierarchy.set && !m->use_hierarchy.value)
      return hutch_fail(err, 0, RES ".memory.useHierarchy: cgroup v2 is always hierarchical");
    /* v2 has no per-cgroup swappiness: every cgroup reclaims with the host's
     * vm.swappiness. A request for that very value is met; any other is
     * refused rather than silently dropped (runc drops it, crun refuses any). */
    if (m->swappiness.set) {
      uint64_t host;
      if (host_swappiness(&host, err) < 0)
        return -1;
      if (m->swappiness.value != host)
        return hutch_fail(err, 0,
                          RES ".memory.swappiness: cgroup v2 has no per-cgroup swappiness; the host's "
                            "vm.swappiness (%" PRIu64 ") applies, not %" PRIu64,
                          host, m->swappiness.value);
    }
  } else if (given_i64(&m->limit) && m->limit.value == -1 && given_i64(&m->swap) && m->swap.value != -1) {
    return hutch_fail(err, 0,
                      RES ".memory.swap: %" PRId64 " is below the memory limit (-1, unlimited): swap counts "
                        "memory plus swap, and v1 keeps it at least the memory limit",
                      m->swap.value);
  }
  if (c->update && m->check_before_update.set && m->check_before_update.value && check_usage(t, m, err) < 0)
    return -1;
  return 0;
}

/* Deprecated kernel memory limits: kernels since 5.16 accept a write to
 * memory.kmem.limit_in_bytes and ignore it, later ones drop the file. The
 * spec marks the field NOT RECOMMENDED and runc ignores it, so it is not
 * refused; but the user is told it had no effect. */
static int write_kmem(const struct control_dir *dir, const oci_opt_i64 *v, const char *file, const char *field,
                      struct hutch_error **err)
{
  if (!given_i64(v))
    return 0;
  char buf[24];
  format_limit(buf, sizeof buf, v->value, false);
  bool opened;
  int e = try_write(dir, file, buf, &opened);
  if (e != 0 && e != ENOENT && e != EOPNOTSUPP)
    return write_failed(e, opened, field, dir, file, err);
  uint64_t now = UINT64_MAX;
  if (e == 0 && read_u64(dir, file, field, &now, NULL) < 0)
    now = UINT64_MAX;
  if (v->value >= 0 && now >= (UINT64_C(1) << 62))
    log_warning("%s: this kernel does not limit kernel memory any more (%s); the limit has no effect", field, file);
  return 0;
}

static int write_memory_v1(const struct control_dir *dir, const struct oci_memory *m, struct hutch_error **err)
{
  bool has_limit = given_i64(&m->limit), has_swap = given_i64(&m->swap);
  int64_t limit = m->limit.value, swap = m->swap.value;
  const char *swap_field = RES ".memory.swap";
  bool memsw = false;
  if ((has_limit || has_swap) && control_file_exists(dir, "memory.memsw.limit_in_bytes", &memsw, err) < 0)
    return hutch_error_prefix(err, "%s: ", has_swap ? swap_field : RES ".memory.limit");
  /* The kernel keeps memory+swap at least the memory limit, so unlimited
   * memory needs unlimited memory+swap (runc does the same). */
  if (has_limit && limit == -1 && !has_swap && memsw) {
    has_swap = true;
    swap = -1;
    swap_field = RES ".memory.limit";
  }
  /* Without swap accounting the kernel cannot limit swap. "Unlimited" and
   * "as much as memory" are let through as runc lets them through on v2;
   * any real limit is refused. */
  if (has_swap && !memsw) {
    if (swap != -1 && !(has_limit && swap == limit))
      return hutch_fail_as(err, ENOENT,
                           "%s: swap accounting is off on this host (no memory.memsw.limit_in_bytes in %s)", swap_field,
                           dir->path);
    has_swap = false;
  }
  /* Whatever the old values, writing memory+swap first is safe when it does
   * not go below the old memory limit, and writing the memory limit first is
   * safe otherwise (the new memory+swap is then at most the old limit, which
   * is at most the old memory+swap). */
  bool swap_first = false;
  if (has_limit && has_swap) {
    if (swap == -1) {
      swap_first = true;
    } else {
      uint64_t current;
      if (read_u64(dir, "memory.limit_in_bytes", RES ".memory.limit", &current, err) < 0)
        return -1;
      swap_first = current < (uint64_t) swap;
    }
  }
  char lbuf[24], sbuf[24];
  format_limit(lbuf, sizeof lbuf, limit, false);
  format_limit(sbuf, sizeof sbuf, swap, false);
  if (swap_first && write_value(dir, "memory.memsw.limit_in_bytes", sbuf, swap_field, err) < 0)
    return -1;
  if (has_limit && write_value(dir, "memory.limit_in_bytes", lbuf, RES ".memory.limit", err) < 0)
    return -1;
  if (has_swap && !swap_first && write_value(dir, "memory.memsw.limit_in_bytes", sbuf, swap_field, err) < 0)
    return -1;
  char buf[24];
  if (given_i64(&m->reservation)) {
    format_limit(buf, sizeof buf, m->reservation.value, false);
    if (write_value(dir, "memory.soft_limit_in_bytes", buf, RES ".memory.reservation", err) < 0)
      return -1;
  }
  if (write_kmem(dir, &m->kernel, "memory.kmem.limit_in_bytes", RES ".memory.kernel", err) < 0 ||
      write_kmem(dir, &m->kernel_tcp, "memory.kmem.tcp.limit_in_bytes", RES ".memory.kernelTCP", err) < 0)
    return -1;
  if (m->swappiness.set) {
    snprintf(buf, sizeof buf, "%" PRIu64, m->swappiness.value);
    if (write_value(dir, "memory.swappiness", buf, RES ".memory.swappiness", err) < 0)
      return -1;
  }
  if (m->disable_oom_killer.set &&
      write_value(dir, "memory.oom_control", m->disable_oom_killer.value ? "1" : "0", RES ".memory.disableOOMKiller",
                  err) < 0)
    return -1;
  if (m->use_hierarchy.set &&
      write_value(dir, "memory.use_hierarchy", m->use_hierarchy.value ? "1" : "0", RES ".memory.useHierarchy", err) < 0)
    return -1;
  return 0;
}

/* memory.swap.max: the spec's swap is memory plus swap, v2's is swap alone. */
static int v2_swap_max(const struct control_dir *dir, const struct oci_memory *m, char *buf, size_t size,
                       struct hutch_error **err)
{
  int64_t swap = m->swap.value;
  uint64_t limit;
  if (given_i64(&m->limit))
    limit = m->limit.value == -1 ? UINT64_MAX : (uint64_t) m->limit.value;
  else if (read_u64(dir, "memory.max", RES ".memory.swap", &limit, err) < 0) /* an update of swap alone */
    return -1;
  /* Unlimited memory leaves nothing for a memory+swap total to bound
   * separately: swap is unlimited too. */
  if (swap == -1 || limit == UINT64_MAX) {
    snprintf(buf, size, "max");
    return 0;
  }
  if ((uint64_t) swap < limit)
    return hutch_fail(err, 0, RES ".memory.swap: %" PRId64 " is below the memory limit (%" PRIu64 "): swap counts "
                                "memory plus swap", swap, limit);
  snprintf(buf, size, "%" PRIu64, (uint64_t) swap - limit);
  return 0;
}

static int write_memory_v2(const struct control_dir *dir, const struct oci_memory *m, struct hutch_error **err)
{
  char buf[24];
  if (given_i64(&m->limit)) {
    format_limit(buf, sizeof buf, m->limit.value, true);
    if (write_value(dir, "memory.max", buf, RES ".memory.limit", err) < 0)
      return -1;
  }
  if (given_i64(&m->swap)) {
    if (v2_swap_max(dir, m, buf, sizeof buf, err) < 0)
      return -1;
    bool opened;
    int e = try_write(dir, "memory.swap.max", buf, &opened);
    /* Without swap accounting there is no memory.swap.max: "max" and "0"
     * (swap equal to the limit) are let through, as runc does. */
    if (e && !(!opened && e == ENOENT && (strcmp(buf, "max") == 0 || strcmp(buf, "0") == 0)))
      return write_failed(e, opened, RES ".memory.swap", dir, "memory.swap.max", err);
  }
  if (given_i64(&m->reservation)) {
    format_limit(buf, sizeof buf, m->reservation.value, true);
    if (write_value(dir, "memory.low", buf, RES ".memory.reservation", err) < 0)
      return -1;
  }
  /* kernel, kernelTCP: deprecated and absent from v2; swappiness,
   * disableOOMKiller, useHierarchy: checked in check_memory, nothing to write. */
  return 0;
}

static int write_memory(struct ctx *c, const struct oci_memory *m, struct hutch_error **err)
{
  if (!memory_field(m) && !given_i64(&m->kernel) && !given_i64(&m->kernel_tcp))
    return 0;
  const struct target *t;
  if (find(c, CTL_MEMORY, RES ".memory", &t, err) < 0)
    return -1;
  if (!t->dir) /* only kernel/kernelTCP, and no memory controller at all */
    return 0;
  return t->v2 ? write_memory_v2(t->dir, m, err) : write_memory_v1(t->dir, m, err);
}

/* ---- cpu and cpuset --------------------------------------------------- */

/* cpu.shares (2..262144, default 1024) to cpu.weight (1..10000, default
 * 100), the linear map runc and crun used until 2025:
 *   weight = 1 + (shares - 2) * 9999 / 262142
 * It keeps both ends (2 -> 1, 262144 -> 10000) but takes the v1 default
 * 1024 to 39, not 100. */
static uint64_t shares_to_weight(uint64_t shares)
{
  return 1 + (shares - SHARES_MIN) * 9999 / (SHARES_MAX - SHARES_MIN);
}

/* blkio.weight (10..1000) to io.weight (1..10000), as runc and crun:
 *   weight = 1 + (blkio - 10) * 9999 / 990 */
static uint64_t blkio_to_io_weight(uint64_t weight)
{
  if (weight < BLKIO_WEIGHT_MIN)
    return 1;
  return 1 + (weight - BLKIO_WEIGHT_MIN) * 9999 / (BLKIO_WEIGHT_MAX - BLKIO_WEIGHT_MIN);
}

static int check_cpu(struct ctx *c, const struct oci_cpu *cpu, struct hutch_error **err)
{
  const struct target *t;
  if (given_u64(&cpu->shares)) {
    if (cpu->shares.value < SHARES_MIN || cpu->shares.value > SHARES_MAX)
      return hutch_fail(err, 0, RES ".cpu.shares: %" PRIu64 " is outside %u..%u", cpu->shares.value, SHARES_MIN,
                        SHARES_MAX);
    if (require(c, CTL_CPU, RES ".cpu.shares", &t, err) < 0)
      return -1;
  }
  if (given_i64(&cpu->quota)) {
    if (cpu->quota.value < -1)
      return hutch_fail(err, 0, RES ".cpu.quota: %" PRId64 " is neither -1 (unlimited) nor positive", cpu->quota.value);
    if (require(c, CTL_CPU, RES ".cpu.quota", &t, err) < 0)
      return -1;
  }
  if (given_u64(&cpu->period) && require(c, CTL_CPU, RES ".cpu.period", &t, err) < 0)
    return -1;
  if (cpu->burst.set && require(c, CTL_CPU, RES ".cpu.burst", &t, err) < 0)
    return -1;
  if (cpu->idle.set && require(c, CTL_CPU, RES ".cpu.idle", &t, err) < 0)
    return -1;
  if (given_i64(&cpu->realtime_runtime)) {
    if (require(c, CTL_CPU, RES ".cpu.realtimeRuntime", &t, err) < 0)
      return -1;
    if (t->v2)
      return hutch_fail(err, 0, RES ".cpu.realtimeRuntime: cgroup v2 has no real-time group scheduling");
  }
  if (given_u64(&cpu->realtime_period)) {
    if (require(c, CTL_CPU, RES ".cpu.realtimePeriod", &t, err) < 0)
      return -1;
    if (t->v2)
      return hutch_fail(err, 0, RES ".cpu.realtimePeriod: cgroup v2 has no real-time group scheduling");
  }
  if (given_str(cpu->cpus) && require(c, CTL_CPUSET, RES ".cpu.cpus", &t, err) < 0)
    return -1;
  if (given_str(cpu->mems) && require(c, CTL_CPUSET, RES ".cpu.mems", &t, err) < 0)
    return -1;
  return 0;
}

/* cpu.max: "quota period". A quota alone is written alone, and the kernel
 * keeps the period (100000 on a new cgroup); a period alone keeps the quota
 * read back, so an update of one never resets the other. */
static int v2_cpu_max(const struct control_dir *dir, const struct oci_cpu *cpu, char *buf, size_t size,
                      struct hutch_error **err)
{
  char quota[24];
  if (given_i64(&cpu->quota)) {
    format_limit(quota, sizeof quota, cpu->quota.value, true);
  } else {
    cleanup_free char *current = NULL;
    if (read_control(dir, "cpu.max", RES ".cpu.period", &current, err) < 0)
      return -1;
    size_t n = strcspn(current, " \n");
    if (n == 0 || n >= sizeof quota)
      return hutch_fail(err, 0, RES ".cpu.period: %s/cpu.max holds \"%s\", not \"quota period\"", dir->path, current);
    memcpy(quota, current, n);
    quota[n] = '\0';
  }
  if (given_u64(&cpu->period))
    snprintf(buf, size, "%s %" PRIu64, quota, cpu->period.value);
  else
    snprintf(buf, size, "%s", quota);
  return 0;
}

static int write_cpu_bandwidth(const struct target *t, const struct oci_cpu *cpu, struct hutch_error **err)
{
  struct ordered_write w[ORDERED_MAX];
  size_t n = 0;
  if (t->v2) {
    if (given_i64(&cpu->quota) || given_u64(&cpu->period)) {
      w[n] = (struct ordered_write){ "cpu.max", given_i64(&cpu->quota) ? RES ".cpu.quota" : RES ".cpu.period", "" };
      if (v2_cpu_max(t->dir, cpu, w[n].value, sizeof w[n].value, err) < 0)
        return -1;
      n++;
    }
    if (cpu->burst.set) {
      w[n] = (struct ordered_write){ "cpu.max.burst", RES ".cpu.burst", "" };
      snprintf(w[n++].value, sizeof w[0].value, "%" PRIu64, cpu->burst.value);
    }
    return write_ordered(t->dir, w, n, err);
  }
  if (given_u64(&cpu->period)) {
    w[n] = (struct ordered_write){ "cpu.cfs_period_us", RES ".cpu.period", "" };
    snprintf(w[n++].value, sizeof w[0].value, "%" PRIu64, cpu->period.value);
  }
  if (given_i64(&cpu->quota)) {
    w[n] = (struct ordered_write){ "cpu.cfs_quota_us", RES ".cpu.quota", "" };
    snprintf(w[n++].value, sizeof w[0].value, "%" PRId64, cpu->quota.value);
  }
  if (cpu->burst.set) {
    w[n] = (struct ordered_write){ "cpu.cfs_burst_us", RES ".cpu.burst", "" };
    snprintf(w[n++].value, sizeof w[0].value, "%" PRIu64, cpu->burst.value);
  }
  if (write_ordered(t->dir, w, n, err) < 0)
    return -1;
  n = 0;
  if (given_u64(&cpu->realtime_period)) {
    w[n] = (struct ordered_write){ "cpu.rt_period_us", RES ".cpu.realtimePeriod", "" };
    snprintf(w[n++].value, sizeof w[0].value, "%" PRIu64, cpu->realtime_period.value);
  }
  if (given_i64(&cpu->realtime_runtime)) {
    w[n] = (struct ordered_write){ "cpu.rt_runtime_us", RES ".cpu.realtimeRuntime", "" };
    snprintf(w[n++].value, sizeof w[0].value, "%" PRId64, cpu->realtime_runtime.value);
  }
  return write_ordered(t->dir, w, n, err);
}

static int write_cpu(struct ctx *c, const struct oci_cpu *cpu, struct hutch_error **err)
{
  const struct target *t;
  bool any = given_u64(&cpu->shares) || given_i64(&cpu->quota) || given_u64(&cpu->period) || cpu->burst.set ||
             cpu->idle.set || given_i64(&cpu->realtime_runtime) || given_u64(&cpu->realtime_period);
  if (any) {
    if (find(c, CTL_CPU, RES ".cpu", &t, err) < 0)
      return -1;
    char buf[24];
    /* The kernel refuses a weight for an idle group (sched_group_set_shares),
     * so idle goes off before the weight is written and on after it. */
    if (cpu->idle.set) {
      snprintf(buf, sizeof buf, "%" PRId64, cpu->idle.value);
      if (cpu->idle.value == 0 && write_value(t->dir, "cpu.idle", buf, RES ".cpu.idle", err) < 0)
        return -1;
    }
    if (given_u64(&cpu->shares)) {
      char weight[24];
      if (t->v2)
        snprintf(weight, sizeof weight, "%" PRIu64, shares_to_weight(cpu->shares.value));
      else
        snprintf(weight, sizeof weight, "%" PRIu64, cpu->shares.value);
      if (write_value(t->dir, t->v2 ? "cpu.weight" : "cpu.shares", weight, RES ".cpu.shares", err) < 0)
        return -1;
    }
    if (write_cpu_bandwidth(t, cpu, err) < 0)
      return -1;
    if (cpu->idle.set && cpu->idle.value != 0 && write_value(t->dir, "cpu.idle", buf, RES ".cpu.idle", err) < 0)
      return -1;
  }
  if (given_str(cpu->cpus) || given_str(cpu->mems)) {
    if (find(c, CTL_CPUSET, RES ".cpu.cpus", &t, err) < 0)
      return -1;
    if (given_str(cpu->cpus) && write_value(t->dir, "cpuset.cpus", cpu->cpus, RES ".cpu.cpus", err) < 0)
      return -1;
    if (given_str(cpu->mems) && write_value(t->dir, "cpuset.mems", cpu->mems, RES ".cpu.mems", err) < 0)
      return -1;
  }
  return 0;
}

/* ---- pids ------------------------------------------------------------- */

static int check_pids(struct ctx *c, const struct oci_pids *p, struct hutch_error **err)
{
  if (!p->limit.set)
    return 0;
  if (p->limit.value < -1)
    return hutch_fail(err, 0, RES ".pids.limit: %" PRId64 " is neither -1 (unlimited) nor a count", p->limit.value);
  const struct target *t;
  return require(c, CTL_PIDS, RES ".pids.limit", &t, err);
}

static int write_pids(struct ctx *c, const struct oci_pids *p, struct hutch_error **err)
{
  if (!p->limit.set)
    return 0;
  const struct target *t;
  if (find(c, CTL_PIDS, RES ".pids.limit", &t, err) < 0)
    return -1;
  char buf[24];
  /* Both versions take "max"; 0 is a real limit (no new process at all). */
  format_limit(buf, sizeof buf, p->limit.value, true);
  return write_value(t->dir, "pids.max", buf, RES ".pids.limit", err);
}

/* ---- blockIO ---------------------------------------------------------- */

static const char *const throttle_names[4] = {
  "throttleReadBpsDevice",
  "throttleWriteBpsDevice",
  "throttleReadIOPSDevice",
  "throttleWriteIOPSDevice",
};
static const char *const throttle_v1_files[4] = {
  "blkio.throttle.read_bps_device",
  "blkio.throttle.write_bps_device",
  "blkio.throttle.read_iops_device",
  "blkio.throttle.write_iops_device",
};
static const char *const io_max_keys[4] = { "rbps", "wbps", "riops", "wiops" };

static const oci_throttle_devices *throttle_list(const struct oci_block_io *b, size_t k)
{
  switch (k) {
  case 0:
    return &b->throttle_read_bps_device;
  case 1:
    return &b->throttle_write_bps_device;
  case 2:
    return &b->throttle_read_iops_device;
  default:
    return &b->throttle_write_iops_device;
  }
}

static int check_blkio_weight(struct ctx *c, uint16_t weight, const char *field, struct hutch_error **err)
{
  const struct target *t;
  if (require(c, CTL_BLKIO, field, &t, err) < 0)
    return -1;
  if (t->v2 && weight > BLKIO_WEIGHT_MAX)
    return hutch_fail(err, 0, "%s: %u is above %u", field, weight, BLKIO_WEIGHT_MAX);
  return 0;
}

static int check_blkio(struct ctx *c, const struct oci_block_io *b, struct hutch_error **err)
{
  const struct target *t;
  if (given_u16(&b->weight) && check_blkio_weight(c, b->weight.value, RES ".blockIO.weight", err) < 0)
    return -1;
  if (given_u16(&b->leaf_weight)) {
    if (require(c, CTL_BLKIO, RES ".blockIO.leafWeight", &t, err) < 0)
      return -1;
    if (t->v2)
      return hutch_fail(err, 0, RES ".blockIO.leafWeight: cgroup v2 has no leaf weight");
  }
  for (size_t i = 0; i < b->weight_device.len; i++) {
    const struct oci_weight_device *d = &b->weight_device.items[i];
    cleanup_free char *field = xasprintf(RES ".blockIO.weightDevice[%zu]", i);
    if (given_u16(&d->weight) && check_blkio_weight(c, d->weight.value, field, err) < 0)
      return -1;
    if (given_u16(&d->leaf_weight)) {
      if (require(c, CTL_BLKIO, field, &t, err) < 0)
        return -1;
      if (t->v2)
        return hutch_fail(err, 0, "%s.leafWeight: cgroup v2 has no leaf weight", field);
    }
  }
  for (size_t k = 0; k < ARRAY_SIZE(throttle_names); k++) {
    if (throttle_list(b, k)->len == 0)
      continue;
    cleanup_free char *field = xasprintf(RES ".blockIO.%s", throttle_names[k]);
    if (require(c, CTL_BLKIO, field, &t, err) < 0)
      return -1;
  }
  return 0;
}

static int write_blkio_v1(const struct control_dir *dir, const struct oci_block_io *b, struct hutch_error **err)
{
  /* Without CFQ (gone since 5.0) the weights are BFQ's, under its own names. */
  bool cfq;
  if (control_file_exists(dir, "blkio.weight", &cfq, err) < 0)
    return hutch_error_prefix(err, RES ".blockIO: ");
  const char *weight_file = cfq ? "blkio.weight" : "blkio.bfq.weight";
  const char *device_file = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
  char buf[64];
  if (given_u16(&b->weight)) {
    snprintf(buf, sizeof buf, "%u", b->weight.value);
    bool opened;
    int e = try_write(dir, weight_file, buf, &opened);
    if (e && !opened && e == ENOENT)
      return hutch_fail_as(err, ENOENT,
                           RES ".blockIO.weight: neither blkio.weight nor blkio.bfq.weight exists in %s (the I/O "
                             "scheduler has no weights; BFQ has)",
                           dir->path);
    if (e)
      return write_failed(e, opened, RES ".blockIO.weight", dir, weight_file, err);
  }
  if (given_u16(&b->leaf_weight)) {
    snprintf(buf, sizeof buf, "%u", b->leaf_weight.value);
    if (write_value(dir, "blkio.leaf_weight", buf, RES ".blockIO.leafWeight", err) < 0)
      return -1;
  }
  cleanup_control_writer struct control_writer weights = CONTROL_WRITER(dir, device_file);
  cleanup_control_writer struct control_writer leaves = CONTROL_WRITER(dir, "blkio.leaf_weight_device");
  for (size_t i = 0; i < b->weight_device.len; i++) {
    const struct oci_weight_device *d = &b->weight_device.items[i];
    cleanup_free char *field = xasprintf(RES ".blockIO.weightDevice[%zu]", i);
    if (given_u16(&d->weight)) {
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->weight.value);
      if (write_entry(&weights, buf, field, err) < 0)
        return -1;
    }
    if (given_u16(&d->leaf_weight)) {
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %u", d->major, d->minor, d->leaf_weight.value);
      if (write_entry(&leaves, buf, field, err) < 0)
        return -1;
    }
  }
  for (size_t k = 0; k < ARRAY_SIZE(throttle_v1_files); k++) {
    const oci_throttle_devices *list = throttle_list(b, k);
    cleanup_control_writer struct control_writer file = CONTROL_WRITER(dir, throttle_v1_files[k]);
    for (size_t i = 0; i < list->len; i++) {
      const struct oci_throttle_device *d = &list->items[i];
      if (!d->rate.set)
        continue;
      cleanup_free char *field = xasprintf(RES ".blockIO.%s[%zu]", throttle_names[k], i);
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, d->rate.value);
      if (write_entry(&file, buf, field, err) < 0)
        return -1;
    }
  }
  return 0;
}

/* One io.max line per device, every limit the config gives it. */
struct io_limit {
  int64_t major, minor;
  uint64_t value[4];
  bool set[4];
  size_t first_k, first_i; /* the entry that named the device first, for errors */
};

static int write_io_max(const struct control_dir *dir, const struct oci_block_io *b, struct hutch_error **err)
{
  cleanup_free struct io_limit *limits = NULL;
  size_t n = 0;
  for (size_t k = 0; k < ARRAY_SIZE(io_max_keys); k++) {
    const oci_throttle_devices *list = throttle_list(b, k);
    for (size_t i = 0; i < list->len; i++) {
      const struct oci_throttle_device *d = &list->items[i];
      if (!d->rate.set)
        continue;
      size_t j = 0;
      while (j < n && !(limits[j].major == d->major && limits[j].minor == d->minor))
        j++;
      if (j == n) {
        limits = xrealloc(limits, (n + 1) * sizeof *limits);
        limits[n++] = (struct io_limit){ .major = d->major, .minor = d->minor, .first_k = k, .first_i = i };
      }
      limits[j].value[k] = d->rate.value;
      limits[j].set[k] = true;
    }
  }
  cleanup_control_writer struct control_writer file = CONTROL_WRITER(dir, "io.max");
  cleanup_strbuf struct strbuf line = STRBUF_INIT;
  for (size_t j = 0; j < n; j++) {
    strbuf_truncate(&line, 0);
    strbuf_addf(&line, "%" PRId64 ":%" PRId64, limits[j].major, limits[j].minor);
    for (size_t k = 0; k < ARRAY_SIZE(io_max_keys); k++)
      if (limits[j].set[k])
        strbuf_addf(&line, " %s=%" PRIu64, io_max_keys[k], limits[j].value[k]);
    cleanup_free char *field = xasprintf(RES ".blockIO.%s[%zu]", throttle_names[limits[j].first_k], limits[j].first_i);
    if (write_entry(&file, line.buf, field, err) < 0)
      return -1;
  }
  return 0;
}

static int write_blkio_v2(const struct control_dir *dir, const struct oci_block_io *b, struct hutch_error **err)
{
  bool any_weight = given_u16(&b->weight);
  for (size_t i = 0; i < b->weight_device.len; i++)
    any_weight |= given_u16(&b->weight_device.items[i].weight);
  if (any_weight) {
    /* io.weight is the cost model's (iocost), on its 1..10000 scale;
     * without it BFQ's io.bfq.weight takes blkio's own 1..1000. */
    bool iocost, bfq = false;
    if (control_file_exists(dir, "io.weight", &iocost, err) < 0 ||
        (!iocost && control_file_exists(dir, "io.bfq.weight", &bfq, err) < 0))
      return hutch_error_prefix(err, RES ".blockIO: ");
    if (!iocost && !bfq)
      return hutch_fail_as(err, ENOENT, RES ".blockIO.%s: neither io.weight nor io.bfq.weight exists in %s",
                           given_u16(&b->weight) ? "weight" : "weightDevice", dir->path);
    cleanup_control_writer struct control_writer file = CONTROL_WRITER(dir, iocost ? "io.weight" : "io.bfq.weight");
    char buf[64];
    if (given_u16(&b->weight)) {
      if (iocost)
        snprintf(buf, sizeof buf, "default %" PRIu64, blkio_to_io_weight(b->weight.value));
      else
        snprintf(buf, sizeof buf, "%u", b->weight.value);
      if (write_entry(&file, buf, RES ".blockIO.weight", err) < 0)
        return -1;
    }
    for (size_t i = 0; i < b->weight_device.len; i++) {
      const struct oci_weight_device *d = &b->weight_device.items[i];
      if (!given_u16(&d->weight))
        continue;
      uint64_t w = iocost ? blkio_to_io_weight(d->weight.value) : d->weight.value;
      snprintf(buf, sizeof buf, "%" PRId64 ":%" PRId64 " %" PRIu64, d->major, d->minor, w);
      cleanup_free char *field = xasprintf(RES ".blockIO.weightDevice[%zu]", i);
      if (write_entry(&file, buf, field, err) < 0)
        return -1;
    }
  }
  return write_io_max(dir, b, err);
}

static int write_blkio(struct ctx *c, const struct oci_block_io *b, struct hutch_error **err)
{
  bool any = given_u16(&b->weight) || given_u16(&b->leaf_weight) || b->weight_device.len > 0;
  for (size_t k = 0; k < ARRAY_SIZE(throttle_names); k++)
    any |= throttle_list(b, k)->len > 0;
  if (!any)
    return 0;
  const struct target *t;
  if (find(c, CTL_BLKIO, RES ".blockIO", &t, err) < 0)
    return -1;
  if (!t->dir) /* only weightDevice entries with nothing to write */
    return 0;
  return t->v2 ? write_blkio_v2(t->dir, b, err) : write_blkio_v1(t->dir, b, err);
}

/* ---- hugepageLimits --------------------------------------------------- */

/* The kernel names a huge page size by its largest whole unit (mem_fmt in
 * mm/hugetlb_cgroup.c): 2 MiB pages are "2MB", so the spec's "2048KB"
 * means the same file. False if page_size is not <digits><K|M|G>B. */
static bool hugetlb_name(const char *page_size, char *buf, size_t size)
{
  const char *p = page_size;
  uint64_t n = 0;
  if (*p < '1' || *p > '9')
    return false;
  for (; *p >= '0' && *p <= '9'; p++) {
    if (n > (UINT64_MAX - 9) / 10)
      return false;
    n = n * 10 + (uint64_t) (*p - '0');
  }
  unsigned shift = p[0] == 'K' ? 10 : p[0] == 'M' ? 20 : p[0] == 'G' ? 30 : 0;
  if (!shift || p[1] != 'B' || p[2] != '\0' || n > (UINT64_MAX >> shift))
    return false;
  uint64_t bytes = n << shift;
  if (bytes >= (UINT64_C(1) << 30))
    snprintf(buf, size, "%" PRIu64 "GB", bytes >> 30);
  else if (bytes >= (UINT64_C(1) << 20))
    snprintf(buf, size, "%" PRIu64 "MB", bytes >> 20);
  else
    snprintf(buf, size, "%" PRIu64 "KB", bytes >> 10);
  return true;
}

static int check_hugetlb(struct ctx *c, const oci_hugepage_limits *h, struct hutch_error **err)
{
  if (h->len == 0)
    return 0;
  for (size_t i = 0; i < h->len; i++) {
    char name[32];
    const char *size = h->items[i].page_size;
    if (!size || !hugetlb_name(size, name, sizeof name))
      return hutch_fail(err, 0, RES ".hugepageLimits[%zu].pageSize: \"%s\" is not a page size like \"2MB\"", i,
                        size ? size : "");
  }
  const struct target *t;
  return require(c, CTL_HUGETLB, RES ".hugepageLimits", &t, err);
}

/* Writes the fault limit, and the reservation limit where the kernel has
 * one (5.7+): reservation accounting is what the spec asks for since 1.1.0
 * (it fails mmap instead of SIGBUS at fault time), and the fault limit still
 * bounds MAP_NORESERVE mappings and is what older tools read back. */
static int write_hugetlb(struct ctx *c, const oci_hugepage_limits *h, struct hutch_error **err)
{
  if (h->len == 0)
    return 0;
  const struct target *t;
  if (find(c, CTL_HUGETLB, RES ".hugepageLimits", &t, err) < 0)
    return -1;
  const char *suffix = t->v2 ? "max" : "limit_in_bytes";
  for (size_t i = 0; i < h->len; i++) {
    char name[32], value[24];
    hugetlb_name(h->items[i].page_size, name, sizeof name);
    snprintf(value, sizeof value, "%" PRIu64, h->items[i].limit);
    cleanup_free char *field = xasprintf(RES ".hugepageLimits[%zu]", i);
    cleanup_free char *fault = xasprintf("hugetlb.%s.%s", name, suffix);
    cleanup_free char *rsvd = xasprintf("hugetlb.%s.rsvd.%s", name, suffix);
    bool opened;
    int e = try_write(t->dir, fault, value, &opened);
    if (e && !opened && e == ENOENT)
      return hutch_fail_as(err, ENOENT, "%s.pageSize: this host has no %s huge pages (no %s in %s)", field, name, fault,
                           t->dir->path);
    if (e)
      return write_failed(e, opened, field, t->dir, fault, err);
    e = try_write(t->dir, rsvd, value, &opened);
    if (e && !(!opened && e == ENOENT))
      return write_failed(e, opened, field, t->dir, rsvd, err);
  }
  return 0;
}

/* ---- network, rdma ---------------------------------------------------- */

static int check_network(struct ctx *c, const struct oci_network *n, struct hutch_error **err)
{
  const struct target *t;
  if (n->class_id.set && n->class_id.value != 0 && require(c, CTL_NET_CLS, RES ".network.classID", &t, err) < 0)
    return -1;
  if (n->priorities.len > 0 && require(c, CTL_NET_PRIO, RES ".network.priorities", &t, err) < 0)
    return -1;
  return 0;
}

static int write_network(struct ctx *c, const struct oci_network *n, struct hutch_error **err)
{
  const struct target *t;
  char buf[64];
  if (n->class_id.set && n->class_id.value != 0) {
    if (find(c, CTL_NET_CLS, RES ".network.classID", &t, err) < 0)
      return -1;
    snprintf(buf, sizeof buf, "%" PRIu32, n->class_id.value);
    if (write_value(t->dir, "net_cls.classid", buf, RES ".network.classID", err) < 0)
      return -1;
  }
  if (n->priorities.len == 0)
    return 0;
  if (find(c, CTL_NET_PRIO, RES ".network.priorities", &t, err) < 0)
    return -1;
  cleanup_control_writer struct control_writer file = CONTROL_WRITER(t->dir, "net_prio.ifpriomap");
  cleanup_strbuf struct strbuf line = STRBUF_INIT;
  for (size_t i = 0; i < n->priorities.len; i++) {
    const struct oci_net_priority *p = &n->priorities.items[i];
    strbuf_truncate(&line, 0);
    strbuf_addf(&line, "%s %" PRIu32, p->name ? p->name : "", p->priority);
    cleanup_free char *field = xasprintf(RES ".network.priorities[%zu]", i);
    if (write_entry(&file, line.buf, field, err) < 0)
      return -1;
  }
  return 0;
}

static int check_rdma(struct ctx *c, const oci_rdmas *rdma, struct hutch_error **err)
{
  if (rdma->len == 0)
    return 0;
  for (size_t i = 0; i < rdma->len; i++) {
    const struct oci_rdma *d = &rdma->items[i];
    if (!d->hca_handles.set && !d->hca_objects.set)
      return hutch_fail(err, 0, RES ".rdma.%s: needs hcaHandles or hcaObjects", d->device);
  }
  const struct target *t;
  return require(c, CTL_RDMA, RES ".rdma", &t, err);
}

static int write_rdma(struct ctx *c, const oci_rdmas *rdma, struct hutch_error **err)
{
  if (rdma->len == 0)
    return 0;
  const struct target *t;
  if (find(c, CTL_RDMA, RES ".rdma", &t, err) < 0)
    return -1;
  cleanup_control_writer struct control_writer file = CONTROL_WRITER(t->dir, "rdma.max");
  cleanup_strbuf struct strbuf line = STRBUF_INIT;
  for (size_t i = 0; i < rdma->len; i++) {
    const struct oci_rdma *d = &rdma->items[i];
    strbuf_truncate(&line, 0);
    strbuf_adds(&line, d->device);
    if (d->hca_handles.set)
      strbuf_addf(&line, " hca_handle=%" PRIu32, d->hca_handles.value);
    if (d->hca_objects.set)
      strbuf_addf(&line, " hca_object=%" PRIu32, d->hca_objects.value);
    cleanup_free char *field = xasprintf(RES ".rdma.%s", d->device);
    if (write_entry(&file, line.buf, field, err) < 0)
      return -1;
  }
  return 0;
}

/* ---- unified ---------------------------------------------------------- */

static int check_unified(struct ctx *c, const oci_string_map *u, struct hutch_error **err)
{
  if (u->len == 0)
    return 0;
  if (!c->v2h)
    return hutch_fail(err, 0, RES ".unified: this host has no cgroup v2 hierarchy");
  for (size_t i = 0; i < u->len; i++) {
    const char *key = u->items[i].key;
    cleanup_free char *field = xasprintf(RES ".unified.%s", key);
    if (!key[0] || strchr(key, '/') || strstr(key, ".."))
      return hutch_fail(err, 0, "%s: not a file name in the container's cgroup", field);
    const char *dot = strchr(key, '.');
    if (!dot || dot == key)
      return hutch_fail(err, 0, "%s: not a cgroup file name (like \"memory.max\")", field);
    cleanup_free char *ctrl = xstrndup(key, (size_t) (dot - key));
    /* cgroup.* are the core's files, there in every cgroup. */
    if (strcmp(ctrl, "cgroup") == 0)
      continue;
    const char *avail;
    if (v2_root_controllers(c, field, &avail, err) < 0)
      return -1;
    if (!list_has(avail, ctrl, " \n"))
      return hutch_fail(err, 0, "%s: controller %s is not available in the cgroup v2 hierarchy", field, ctrl);
    queue_enable(c, ctrl, field);
  }
  return 0;
}

/* Each value is written as given; one of several lines (io.max for two
 * devices) is written a line at a time, since the kernel reads one entry per
 * write, as runc does. */
static int write_unified(struct ctx *c, const oci_string_map *u, struct hutch_error **err)
{
  for (size_t i = 0; i < u->len; i++) {
    const char *key = u->items[i].key;
    const char *value = u->items[i].value ? u->items[i].value : "";
    cleanup_free char *field = xasprintf(RES ".unified.%s", key);
    const struct control_dir *dir = NULL;
    if (hierarchy_dir(c, c->v2i, field, &dir, err) < 0)
      return -1;
    cleanup_control_writer struct control_writer file = CONTROL_WRITER(dir, key);
    if (!strchr(value, '\n')) {
      if (write_entry(&file, value, field, err) < 0)
        return -1;
      continue;
    }
    for (const char *p = value; *p;) {
      size_t n = strcspn(p, "\n");
      if (n > 0) {
        cleanup_free char *line = xstrndup(p, n);
        if (write_entry(&file, line, field, err) < 0)
          return -1;
      }
      p += n;
      if (*p)
        p++;
    }
  }
  return 0;
}

/* ---- the whole ---------------------------------------------------------- */

static int check_all(struct ctx *c, const struct oci_resources *r, struct hutch_error **err)
{
  if (r->memory && check_memory(c, r->memory, err) < 0)
    return -1;
  if (r->cpu && check_cpu(c, r->cpu, err) < 0)
    return -1;
  if (r->pids && check_pids(c, r->pids, err) < 0)
    return -1;
  if (r->block_io && check_blkio(c, r->block_io, err) < 0)
    return -1;
  if (check_hugetlb(c, &r->hugepage_limits, err) < 0)
    return -1;
  if (r->network && check_network(c, r->network, err) < 0)
    return -1;
  if (check_rdma(c, &r->rdma, err) < 0)
    return -1;
  return check_unified(c, &r->unified, err);
}

static int write_all(struct ctx *c, const struct oci_resources *r, struct hutch_error **err)
{
  if (r->memory && write_memory(c, r->memory, err) < 0)
    return -1;
  if (r->cpu && write_cpu(c, r->cpu, err) < 0)
    return -1;
  if (r->pids && write_pids(c, r->pids, err) < 0)
    return -1;
  if (r->block_io && write_blkio(c, r->block_io, err) < 0)
    return -1;
  if (write_hugetlb(c, &r->hugepage_limits, err) < 0)
    return -1;
  if (r->network && write_network(c, r->network, err) < 0)
    return -1;
  if (write_rdma(c, &r->rdma, err) < 0)
    return -1;
  return write_unified(c, &r->unified, err);
}

static void ctx_release(struct ctx *c)
{
  for (size_t i = 0; i < c->n_enable; i++) {
    free(c->enable[i].ctrl);
    free(c->enable[i].field);
  }
  free(c->enable);
  free(c->v2_controllers);
  for (size_t i = 0; i < c->layout->n; i++)
    control_dir_close(&c->dirs[i]);
  free(c->dirs);
}

int cgroup_apply_resources(const struct cgroup_layout *layout, const struct cgroup_set *set,
                           const struct oci_resources *r, bool update, struct hutch_error **err)
{
  if (!r)
    return 0;
  if (set->n != layout->n)
    return hutch_fail(err, 0, RES ": %zu cgroup directories for %zu hierarchies", set->n, layout->n);
  struct ctx c = { .layout = layout, .set = set, .update = update };
  c.dirs = xcalloc(layout->n ? layout->n : 1, sizeof *c.dirs);
  for (size_t i = 0; i < layout->n; i++) {
    c.dirs[i] = (struct control_dir) CONTROL_DIR_INIT;
    if (layout->items[i].version == CGROUP_V2) {
      c.v2h = &layout->items[i];
      c.v2i = i;
      c.v2dir = set->dirs[i];
    }
  }
  /* Everything the config and the host decide is checked before the first
   * write, so a refused config leaves the cgroup as it was. */
  int rc = check_all(&c, r, err);
  if (rc == 0)
    rc = enable_controllers(&c, err);
  if (rc == 0)
    rc = write_all(&c, r, err);
  ctx_release(&c);
  return rc;
}
