/* The properties of the container's transient unit: how it is placed, and
 * linux.resources translated where systemd has a property for the limit,
 * as runc translates them (docs/systemd.md there lists the mapping). Every
 * limit also goes to the cgroup files afterwards; these properties are what
 * systemd re-applies on its own, so they must not be looser. */
#include "engine/cgroup/systemd.h"
#include "engine/cgroup/device_filter.h"
#include "util/cleanup.h"
#include "util/cpulist.h"
#include "util/file.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RES "linux.resources"
/* systemd's "infinity" for limits and for CPUQuotaPerSecUSec. */
#define SD_INFINITY UINT64_MAX
/* The kernel's default CFS period, which a quota alone is measured in. */
#define DEFAULT_CPU_PERIOD 100000u
/* systemd holds a quota in percent of a CPU: 10 ms per second. */
#define QUOTA_STEP_USEC 10000u
/* The versions of systemd that added the properties used below. */
#define SD_CPU_QUOTA_PERIOD 242
#define SD_ALLOWED_CPUS 244
#define SD_DEVICE_MAJOR_SYNTAX 240
#define SD_CPU_IDLE 252
#define SD_OOM_POLICY 253
/* The CPU or node numbers a mask may name (8 KiB of bits). */
#define CPU_ID_MAX 65535u
/* The kernel's range for cpu.shares, and the weight range of cpu.weight. */
#define SHARES_MIN 2u
#define SHARES_MAX 262144u

/* ---- marshalling one property ------------------------------------------------ */

static void prop_open(struct dbus_writer *w, const char *name, const char *signature)
{
  dbusw_struct_open(w);
  dbusw_string(w, name);
  dbusw_variant_open(w, signature);
}

static void prop_bool(struct dbus_writer *w, const char *name, bool v)
{
  prop_open(w, name, "b");
  dbusw_bool(w, v);
}

static void prop_string(struct dbus_writer *w, const char *name, const char *v)
{
  prop_open(w, name, "s");
  dbusw_string(w, v);
}

static void prop_u64(struct dbus_writer *w, const char *name, uint64_t v)
{
  prop_open(w, name, "t");
  dbusw_u64(w, v);
}

static void prop_strings1(struct dbus_writer *w, const char *name, const char *v)
{
  prop_open(w, name, "as");
  struct dbusw_array a;
  dbusw_array_open(&a, w, 's');
  dbusw_string(w, v);
  dbusw_array_close(&a, w);
}

static void prop_pid(struct dbus_writer *w, pid_t pid)
{
  prop_open(w, "PIDs", "au");
  struct dbusw_array a;
  dbusw_array_open(&a, w, 'u');
  dbusw_u32(w, (uint32_t) pid);
  dbusw_array_close(&a, w);
}

static void prop_bytes(struct dbus_writer *w, const char *name, const uint8_t *bytes, size_t n)
{
  prop_open(w, name, "ay");
  struct dbusw_array a;
  dbusw_array_open(&a, w, 'y');
  for (size_t i = 0; i < n; i++)
    dbusw_byte(w, bytes[i]);
  dbusw_array_close(&a, w);
}

/* ---- devices ------------------------------------------------------------------ */

enum { PERM_R = 1, PERM_W = 2, PERM_M = 4 };

struct dev_rule {
  char type; /* 'c' or 'b' */
  int64_t major, minor; /* -1: any */
  unsigned perms;
};

/* The v1 device list as the kernel keeps it: a default (allow or deny)
 * and exceptions to it. Rules change it as devices.allow and devices.deny
 * writes do: "a" resets, others add an exception or take permissions off
 * the exception for exactly that type and numbers. */
struct dev_list {
  bool default_allow;
  struct dev_rule *ex;
  size_t n;
};

static unsigned perms_of(const char *access)
{
  unsigned p = 0;
  for (const char *c = access && *access ? access : "rwm"; *c; c++)
    p |= *c == 'r' ? PERM_R : *c == 'w' ? PERM_W : *c == 'm' ? PERM_M : 0;
  return p;
}

static void dev_apply(struct dev_list *l, bool allow, char type, int64_t major, int64_t minor, unsigned perms)
{
  if (type == 'a') {
    l->default_allow = allow;
    l->n = 0;
    return;
  }
  size_t i = 0;
  while (i < l->n && !(l->ex[i].type == type && l->ex[i].major == major && l->ex[i].minor == minor))
    i++;
  if (allow != l->default_allow) {
    if (i < l->n) {
      l->ex[i].perms |= perms;
    } else {
      l->ex = xrealloc(l->ex, (l->n + 1) * sizeof *l->ex);
      l->ex[l->n++] = (struct dev_rule){ type, major, minor, perms };
    }
  } else if (i < l->n) {
    l->ex[i].perms &= ~perms;
    if (!l->ex[i].perms)
      memmove(&l->ex[i], &l->ex[i + 1], (--l->n - i) * sizeof *l->ex);
  }
}

/* "c 1:3 rwm", "b *:* m": the defaults hutch adds after the config's list. */
static void dev_apply_text(struct dev_list *l, const char *rule)
{
  char type = rule[0];
  char *p = (char *) rule + 2;
  int64_t num[2];
  for (int k = 0; k < 2; k++) {
    if (*p == '*') {
      num[k] = -1;
      p++;
    } else {
      num[k] = strtoll(p, &p, 10);
    }
    p++; /* ':' then ' ' */
  }
  dev_apply(l, true, type, num[0], num[1], perms_of(p));
}

/* The group systemd names a major by before v240 ("char-pts"), from
 * /proc/devices; NULL when the major has none or the file cannot be read,
 * and the rule is then the cgroup files' alone. */
static char *device_group(char type, int64_t major)
{
  cleanup_free char *text = NULL;
  size_t len;
  cleanup_error struct hutch_error *ignored = NULL;
  if (read_file_at(AT_FDCWD, "/proc/devices", 1 << 20, &text, &len, &ignored) < 0)
    return NULL;
  bool in_section = false;
  char *save = NULL;
  for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    if (strcmp(line, "Character devices:") == 0 || strcmp(line, "Block devices:") == 0) {
      in_section = (line[0] == 'C') == (type == 'c');
      continue;
    }
    char *end;
    long long m = strtoll(line, &end, 10);
    if (in_section && end != line && m == major && *end == ' ')
      return xasprintf("%s-%s", type == 'c' ? "char" : "block", end + 1);
  }
  return NULL;
}

static void write_device_allow(struct dbus_writer *w, const struct dev_list *l, int version)
{
  prop_open(w, "DeviceAllow", "a(ss)");
  struct dbusw_array a;
  dbusw_array_open(&a, w, '(');
  for (size_t i = 0; i < l->n; i++) {
    const struct dev_rule *r = &l->ex[i];
    const char *kind = r->type == 'c' ? "char" : "block";
    cleanup_free char *path = NULL;
    if (r->major < 0 && r->minor >= 0) {
      log_warning(RES ".devices: systemd has no rule for minor %" PRId64 " of any major; only the cgroup has it",
                  r->minor);
      continue;
    }
    if (r->major < 0)
      path = xasprintf("%s-*", kind);
    else if (r->minor < 0)
      path = version >= SD_DEVICE_MAJOR_SYNTAX ? xasprintf("%s-%" PRId64, kind, r->major)
                                               : device_group(r->type, r->major);
    else
      path = xasprintf("/dev/%s/%" PRId64 ":%" PRId64, kind, r->major, r->minor);
    if (!path)
      continue;
    char perms[4];
    size_t k = 0;
    if (r->perms & PERM_R)
      perms[k++] = 'r';
    if (r->perms & PERM_W)
      perms[k++] = 'w';
    if (r->perms & PERM_M)
      perms[k++] = 'm';
    perms[k] = '\0';
    dbusw_struct_open(w);
    dbusw_string(w, path);
    dbusw_string(w, perms);
  }
  dbusw_array_close(&a, w);
}

/* systemd keeps an allow list only. Denying everything but the list is
 * "strict"; the list is the container's rules plus hutch's defaults, as
 * cgroup_apply_devices writes them. */
static void write_devices(struct dbus_writer *w, const oci_device_cgroups *rules, int version)
{
  /* A new v1 cgroup allows everything until told otherwise. */
  struct dev_list l = { .default_allow = true };
  for (size_t i = 0; i < rules->len; i++) {
    const struct oci_device_cgroup *d = &rules->items[i];
    char type = d->type && d->type[0] ? d->type[0] : 'a';
    int64_t major = d->major.set && d->major.value >= 0 ? d->major.value : -1;
    int64_t minor = d->minor.set && d->minor.value >= 0 ? d->minor.value : -1;
    dev_apply(&l, d->allow, type, major, minor, perms_of(d->access));
  }
  for (size_t i = 0; i < device_default_rule_count; i++)
    dev_apply_text(&l, device_default_rules[i]);
  if (l.default_allow) {
    if (l.n == 0) {
      /* Everything allowed: no list at all, and clear what a unit had. */
      prop_open(w, "DeviceAllow", "a(ss)");
      struct dbusw_array a;
      dbusw_array_open(&a, w, '(');
      dbusw_array_close(&a, w);
      prop_string(w, "DevicePolicy", "auto");
    } else {
      log_warning(RES ".devices: systemd cannot hold a deny list; only the cgroup has it");
    }
    free(l.ex);
    return;
  }
  /* An empty DeviceAllow first drops whatever the unit had. */
  prop_open(w, "DeviceAllow", "a(ss)");
  struct dbusw_array a;
  dbusw_array_open(&a, w, '(');
  dbusw_array_close(&a, w);
  prop_string(w, "DevicePolicy", "strict");
  write_device_allow(w, &l, version);
  free(l.ex);
}

/* ---- cpu ------------------------------------------------------------------------ */

/* Quota in microseconds per second of CPU time, rounded up to whole
 * percents as systemd stores it; *rounded is the quota that gives. */
static uint64_t quota_per_sec(int64_t quota, uint64_t period, int64_t *rounded)
{
  *rounded = quota;
  if (quota <= 0)
    return SD_INFINITY;
  if (period == 0)
    period = DEFAULT_CPU_PERIOD;
  unsigned __int128 per_sec = (unsigned __int128) quota * 1000000u / period;
  if (per_sec % QUOTA_STEP_USEC)
    per_sec = (per_sec / QUOTA_STEP_USEC + 1) * QUOTA_STEP_USEC;
  if (per_sec >= SD_INFINITY)
    return SD_INFINITY;
  unsigned __int128 q = per_sec * period / 1000000u;
  if (q <= INT64_MAX)
    *rounded = (int64_t) q;
  return (uint64_t) per_sec;
}

static void write_cpu_quota(struct dbus_writer *w, int64_t quota, uint64_t period, int version)
{
  if (quota == 0 && period == 0)
    return;
  if (period && version >= SD_CPU_QUOTA_PERIOD)
    prop_u64(w, "CPUQuotaPeriodUSec", period);
  int64_t rounded;
  prop_u64(w, "CPUQuotaPerSecUSec", quota_per_sec(quota, period, &rounded));
}

/* "0-3,8" to systemd's mask: byte i bit j is CPU 8i+j. */
static int write_mask(struct dbus_writer *w, const char *name, const char *list, const char *field,
                      struct hutch_error **err)
{
  char why[128];
  if (!cpulist_valid(list, CPU_ID_MAX, why, sizeof why))
    return hutch_fail(err, 0, "%s: %s", field, why);
  uint8_t bits[CPU_ID_MAX / 8 + 1] = { 0 };
  size_t used = 0;
  for (const char *p = list; *p;) {
    while (*p == ' ' || *p == ',')
      p++;
    if (!*p)
      break;
    char *end;
    unsigned long lo = strtoul(p, &end, 10), hi = lo;
    p = end;
    while (*p == ' ')
      p++;
    if (*p == '-') {
      hi = strtoul(p + 1, &end, 10);
      p = end;
    }
    for (unsigned long id = lo; id <= hi; id++) {
      bits[id / 8] |= (uint8_t) (1u << (id % 8));
      if (id / 8 + 1 > used)
        used = id / 8 + 1;
    }
  }
  if (used == 0)
    return hutch_fail(err, 0, "%s: an empty list", field);
  prop_bytes(w, name, bits, used);
  return 0;
}

/* As cgroup_resources.c converts for cpu.weight (keep the two alike). */
static uint64_t shares_to_weight(uint64_t shares)
{
  if (shares < SHARES_MIN)
    shares = SHARES_MIN;
  if (shares > SHARES_MAX)
    shares = SHARES_MAX;
  return 1 + (shares - SHARES_MIN) * 9999 / (SHARES_MAX - SHARES_MIN);
}

/* ---- resources ------------------------------------------------------------------ */

/* Zero means "not given", as in cgroup_resources.c (runc cannot tell the
 * two apart). */
static bool given_i64(const oci_opt_i64 *v)
{
  return v->set && v->value != 0;
}

static bool given_u64(const oci_opt_u64 *v)
{
  return v->set && v->value != 0;
}

static uint64_t tasks_max(int64_t limit)
{
  if (limit < 0)
    return SD_INFINITY;
  /* systemd refuses 0; one task is the closest it takes. */
  return limit == 0 ? 1 : (uint64_t) limit;
}

static int write_v1_resources(struct dbus_writer *w, const struct oci_resources *r, int version,
                              struct hutch_error **err)
{
  if (r->memory && given_i64(&r->memory->limit))
    prop_u64(w, "MemoryLimit", (uint64_t) r->memory->limit.value);
  const struct oci_cpu *cpu = r->cpu;
  if (cpu && given_u64(&cpu->shares))
    prop_u64(w, "CPUShares", cpu->shares.value);
  if (cpu)
    write_cpu_quota(w, given_i64(&cpu->quota) ? cpu->quota.value : 0, given_u64(&cpu->period) ? cpu->period.value : 0,
                    version);
  if (r->block_io && r->block_io->weight.set && r->block_io->weight.value)
    prop_u64(w, "BlockIOWeight", r->block_io->weight.value);
  if (r->pids && r->pids->limit.set)
    prop_u64(w, "TasksMax", tasks_max(r->pids->limit.value));
  return 0;
}

static bool parse_u64(const char *s, uint64_t *out)
{
  if (*s < '0' || *s > '9')
    return false;
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  while (*end == ' ' || *end == '\n' || *end == '\t')
    end++;
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

/* "max" or a number. */
static bool parse_limit(const char *s, uint64_t *out)
{
  while (*s == ' ' || *s == '\t')
    s++;
  if (strncmp(s, "max", 3) == 0 && strspn(s + 3, " \t\n") == strlen(s + 3)) {
    *out = SD_INFINITY;
    return true;
  }
  return parse_u64(s, out);
}

static const char *unified_value(const struct oci_resources *r, const char *key)
{
  for (size_t i = 0; i < r->unified.len; i++)
    if (strcmp(r->unified.items[i].key, key) == 0)
      return r->unified.items[i].value;
  return NULL;
}

static bool idle_wanted(const struct oci_resources *r, int version)
{
  if (version < SD_CPU_IDLE)
    return false;
  const char *u = unified_value(r, "cpu.idle");
  uint64_t v;
  if (u && parse_u64(u, &v) && v == 1)
    return true;
  return r->cpu && r->cpu->idle.set && r->cpu->idle.value == 1;
}

static int write_unified(struct dbus_writer *w, const struct oci_resources *r, int version, struct hutch_error **err)
{
  static const struct {
    const char *key, *prop;
  } limits[] = {
    { "memory.high", "MemoryHigh" }, { "memory.low", "MemoryLow" },         { "memory.min", "MemoryMin" },
    { "memory.max", "MemoryMax" },   { "memory.swap.max", "MemorySwapMax" }, { "pids.max", "TasksMax" },
  };
  for (size_t i = 0; i < r->unified.len; i++) {
    const char *key = r->unified.items[i].key, *value = r->unified.items[i].value;
    uint64_t v;
    bool known = false;
    for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
      if (strcmp(key, limits[k].key) != 0)
        continue;
      known = true;
      if (!parse_limit(value, &v))
        return hutch_fail(err, 0, RES ".unified.%s: \"%s\" is neither \"max\" nor a number", key, value);
      if (strcmp(key, "pids.max") == 0 && v == 0)
        v = 1;
      prop_u64(w, limits[k].prop, v);
    }
    if (known)
      continue;
    if (strcmp(key, "cpu.weight") == 0) {
      if (idle_wanted(r, version))
        continue; /* CPUWeight=0 stands for idle already */
      if (!parse_u64(value, &v))
        return hutch_fail(err, 0, RES ".unified.cpu.weight: \"%s\" is not a number", value);
      prop_u64(w, "CPUWeight", v);
    } else if (strcmp(key, "cpu.max") == 0) {
      char quota[32] = "";
      uint64_t period = DEFAULT_CPU_PERIOD;
      int64_t q = 0;
      int n = sscanf(value, "%31s %" SCNu64, quota, &period);
      if (n < 1)
        return hutch_fail(err, 0, RES ".unified.cpu.max: \"%s\" is not \"quota [period]\"", value);
      if (strcmp(quota, "max") != 0) {
        uint64_t u;
        if (!parse_u64(quota, &u) || u > INT64_MAX)
          return hutch_fail(err, 0, RES ".unified.cpu.max: \"%s\" is not \"quota [period]\"", value);
        q = (int64_t) u;
      }
      write_cpu_quota(w, q, period, version);
    } else if (strcmp(key, "cpuset.cpus") == 0 || strcmp(key, "cpuset.mems") == 0) {
      if (version < SD_ALLOWED_CPUS)
        continue;
      cleanup_free char *field = xasprintf(RES ".unified.%s", key);
      if (write_mask(w, key[7] == 'c' ? "AllowedCPUs" : "AllowedMemoryNodes", value, field, err) < 0)
        return -1;
    } else if (strcmp(key, "memory.oom.group") == 0) {
      if (version < SD_OOM_POLICY)
        continue;
      if (parse_u64(value, &v) && v <= 1)
        prop_string(w, "OOMPolicy", v ? "kill" : "continue");
    }
    /* Other keys have no property: the cgroup files get them. */
  }
  return 0;
}

static int write_v2_resources(struct dbus_writer *w, const struct oci_resources *r, int version,
                              struct hutch_error **err)
{
  const struct oci_memory *m = r->memory;
  if (m) {
    int64_t limit = given_i64(&m->limit) ? m->limit.value : 0;
    int64_t swap = given_i64(&m->swap) ? m->swap.value : 0;
    if (limit)
      prop_u64(w, "MemoryMax", (uint64_t) limit);
    if (given_i64(&m->reservation))
      prop_u64(w, "MemoryLow", (uint64_t) m->reservation.value);
    /* v1's swap counts memory too; v2's is swap alone. What cannot be
     * converted is left to the cgroup files, which refuse it by name. */
    if ((limit == -1 && swap == 0) || swap == -1)
      prop_u64(w, "MemorySwapMax", SD_INFINITY);
    else if (swap > 0 && limit > 0 && swap > limit)
      prop_u64(w, "MemorySwapMax", (uint64_t) (swap - limit));
  }
  const struct oci_cpu *cpu = r->cpu;
  bool idle = idle_wanted(r, version);
  if (idle)
    prop_u64(w, "CPUWeight", 0);
  else if (cpu && given_u64(&cpu->shares))
    prop_u64(w, "CPUWeight", shares_to_weight(cpu->shares.value));
  if (cpu)
    write_cpu_quota(w, given_i64(&cpu->quota) ? cpu->quota.value : 0, given_u64(&cpu->period) ? cpu->period.value : 0,
                    version);
  if (r->pids && r->pids->limit.set)
    prop_u64(w, "TasksMax", tasks_max(r->pids->limit.value));
  return write_unified(w, r, version, err);
}

static int write_resources(struct dbus_writer *w, const struct oci_resources *r, bool v2, int version,
                           struct hutch_error **err)
{
  if (r->devices.set)
    write_devices(w, &r->devices, version);
  if ((v2 ? write_v2_resources : write_v1_resources)(w, r, version, err) < 0)
    return -1;
  const struct oci_cpu *cpu = r->cpu;
  if (cpu && version >= SD_ALLOWED_CPUS) {
    if (cpu->cpus && *cpu->cpus && write_mask(w, "AllowedCPUs", cpu->cpus, RES ".cpu.cpus", err) < 0)
      return -1;
    if (cpu->mems && *cpu->mems && write_mask(w, "AllowedMemoryNodes", cpu->mems, RES ".cpu.mems", err) < 0)
      return -1;
  }
  return 0;
}

bool systemd_props_need_version(const struct oci_resources *r, bool v2)
{
  if (!r)
    return false;
  const struct oci_cpu *cpu = r->cpu;
  if (r->devices.set)
    return true;
  if (cpu && (given_u64(&cpu->period) || (cpu->cpus && *cpu->cpus) || (cpu->mems && *cpu->mems)))
    return true;
  return v2 && ((cpu && cpu->idle.set) || r->unified.len);
}

int systemd_props_write(struct dbus_writer *w, const struct systemd_props *p, struct hutch_error **err)
{
  struct dbusw_array a;
  dbusw_array_open(&a, w, '(');
  cleanup_free char *description = xasprintf("hutch container %s", p->id);
  prop_string(w, "Description", description);
  if (p->unit->is_slice) {
    /* A slice is placed by its name; the parent is only wanted. */
    prop_strings1(w, "Wants", p->unit->slice);
  } else {
    prop_string(w, "Slice", p->unit->slice);
    /* The container manages its own cgroup below the scope. */
    prop_bool(w, "Delegate", true);
  }
  if (p->pid > 0)
    prop_pid(w, p->pid);
  /* Accounting on whatever the limits: the statistics need it, and a
   * memory cgroup joined late misses what was charged before. */
  prop_bool(w, "MemoryAccounting", true);
  prop_bool(w, "CPUAccounting", true);
  prop_bool(w, p->v2 ? "IOAccounting" : "BlockIOAccounting", true);
  prop_bool(w, "TasksAccounting", true);
  /* No ordering against shutdown.target and the like: a container is not
   * a service of this boot. */
  prop_bool(w, "DefaultDependencies", false);
  if (p->resources && write_resources(w, p->resources, p->v2, p->version, err) < 0)
    return -1;
  dbusw_array_close(&a, w);
  return 0;
}

int systemd_resource_props_write(struct dbus_writer *w, const struct oci_resources *r, bool v2, int version,
                                 struct hutch_error **err)
{
  struct dbusw_array a;
  dbusw_array_open(&a, w, '(');
  if (write_resources(w, r, v2, version, err) < 0)
    return -1;
  dbusw_array_close(&a, w);
  return 0;
}

const struct oci_resources *systemd_resources_for_files(const struct oci_resources *r, struct arena *arena)
{
  if (!r || !r->cpu || !given_i64(&r->cpu->quota))
    return r;
  int64_t rounded;
  quota_per_sec(r->cpu->quota.value, given_u64(&r->cpu->period) ? r->cpu->period.value : 0, &rounded);
  if (rounded == r->cpu->quota.value)
    return r;
  struct oci_resources *copy = arena_alloc(arena, sizeof *copy);
  struct oci_cpu *cpu = arena_alloc(arena, sizeof *cpu);
  *copy = *r;
  *cpu = *r->cpu;
  cpu->quota.value = rounded;
  copy->cpu = cpu;
  return copy;
}
