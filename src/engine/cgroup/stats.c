#include "engine/cgroup/stats.h"
#include "engine/cgroup/control_file.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Control files are small; the largest (cpuacct.usage_all on a machine with
 * thousands of CPUs, blkio tables over many disks) stay far below this. */
enum { STAT_FILE_MAX = 4 << 20 };

#define NSEC_PER_SEC UINT64_C(1000000000)
#define NSEC_PER_USEC UINT64_C(1000)

/* ---- what is read ----------------------------------------------------- */

struct u64_list {
  uint64_t *v;
  size_t n, cap;
};

struct kv {
  char *key;
  uint64_t value;
};

struct kv_list {
  struct kv *v;
  size_t n, cap;
};

struct psi_line {
  bool have;
  char avg10[16], avg60[16], avg300[16]; /* the kernel's text, a JSON number */
  uint64_t total;
};

struct psi {
  bool have;
  struct psi_line some, full;
};

struct cpu_usage {
  bool have;
  uint64_t total, kernel, user; /* ns */
  struct u64_list percpu, percpu_kernel, percpu_user;
};

struct mem_entry {
  bool have;
  uint64_t usage, max, failcnt, limit;
};

enum blkio_table {
  BLKIO_SERVICE_BYTES,
  BLKIO_SERVICED,
  BLKIO_QUEUED,
  BLKIO_SERVICE_TIME,
  BLKIO_WAIT_TIME,
  BLKIO_MERGED,
  BLKIO_TIME,
  BLKIO_SECTORS,
  BLKIO_TABLES,
};

/* runc's keys, in its order; "ioQueueRecursive" (not "Queued") is runc's spelling. */
static const char *const blkio_keys[BLKIO_TABLES] = {
  [BLKIO_SERVICE_BYTES] = "ioServiceBytesRecursive",
  [BLKIO_SERVICED] = "ioServicedRecursive",
  [BLKIO_QUEUED] = "ioQueueRecursive",
  [BLKIO_SERVICE_TIME] = "ioServiceTimeRecursive",
  [BLKIO_WAIT_TIME] = "ioWaitTimeRecursive",
  [BLKIO_MERGED] = "ioMergedRecursive",
  [BLKIO_TIME] = "ioTimeRecursive",
  [BLKIO_SECTORS] = "sectorsRecursive",
};

struct blkio_entry {
  uint64_t major, minor, value;
  char *op; /* NULL for tables without one (sectors, time) */
};

struct blkio_list {
  struct blkio_entry *v;
  size_t n, cap;
};

struct hugetlb_size {
  char *size; /* "2MB", as the file names spell it */
  uint64_t usage, max, failcnt;
};

/* The v1 cpuset flags, each cpuset.<name> and reported as <name>. */
static const char *const cpuset_flags[] = {
  "cpu_exclusive",      "mem_hardwall",       "mem_exclusive",   "memory_migrate",
  "memory_spread_page", "memory_spread_slab", "memory_pressure", "sched_load_balance",
};

struct stats {
  struct cpu_usage cpuacct; /* v1 cpuacct */
  struct cpu_usage cpu_v2;  /* cpu.stat's usage_usec and friends */
  struct {
    bool have;
    uint64_t periods, throttled_periods, throttled_time;
  } throttling;
  struct psi cpu_psi, memory_psi, io_psi;
  struct {
    bool have;
    struct u64_list cpus, mems;
    uint64_t flags[ARRAY_SIZE(cpuset_flags)];
    int64_t relax_domain_level;
  } cpuset;
  struct {
    bool have;
    uint64_t cache;
    struct mem_entry usage, swap, kernel, kernel_tcp;
    struct kv_list raw;
  } memory;
  struct {
    bool have;
    uint64_t current, limit;
  } pids;
  struct {
    bool have;
    struct blkio_list t[BLKIO_TABLES];
  } blkio;
  struct hugetlb_size *hugetlb;
  size_t n_hugetlb, cap_hugetlb;
};

static void u64_push(struct u64_list *l, uint64_t x)
{
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 8;
    l->v = xrealloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = x;
}

static void kv_list_release(struct kv_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i].key);
  free(l->v);
  memset(l, 0, sizeof *l);
}
#define cleanup_kv_list __attribute__((cleanup(kv_list_release)))

/* A key seen again keeps its last value, so the JSON object written from
 * the list never repeats a key. */
static void kv_set(struct kv_list *l, const char *key, size_t key_len, uint64_t value)
{
  for (size_t i = 0; i < l->n; i++)
    if (strlen(l->v[i].key) == key_len && memcmp(l->v[i].key, key, key_len) == 0) {
      l->v[i].value = value;
      return;
    }
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 64;
    l->v = xrealloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = (struct kv){ xstrndup(key, key_len), value };
}

static bool kv_get(const struct kv_list *l, const char *key, uint64_t *value)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->v[i].key, key) == 0) {
      *value = l->v[i].value;
      return true;
    }
  return false;
}

static void blkio_push(struct blkio_list *l, uint64_t major, uint64_t minor, const char *op, size_t op_len,
                       uint64_t value)
{
  if (l->n == l->cap) {
    l->cap = l->cap ? l->cap * 2 : 16;
    l->v = xrealloc(l->v, l->cap * sizeof *l->v);
  }
  l->v[l->n++] = (struct blkio_entry){ major, minor, value, op ? xstrndup(op, op_len) : NULL };
}

static void blkio_list_release(struct blkio_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i].op);
  free(l->v);
  memset(l, 0, sizeof *l);
}
#define cleanup_blkio_list __attribute__((cleanup(blkio_list_release)))

static void cpu_usage_release(struct cpu_usage *u)
{
  free(u->percpu.v);
  free(u->percpu_kernel.v);
  free(u->percpu_user.v);
}

static void stats_release(struct stats *s)
{
  cpu_usage_release(&s->cpuacct);
  cpu_usage_release(&s->cpu_v2);
  free(s->cpuset.cpus.v);
  free(s->cpuset.mems.v);
  kv_list_release(&s->memory.raw);
  for (size_t i = 0; i < BLKIO_TABLES; i++)
    blkio_list_release(&s->blkio.t[i]);
  for (size_t i = 0; i < s->n_hugetlb; i++)
    free(s->hugetlb[i].size);
  free(s->hugetlb);
}
#define cleanup_stats __attribute__((cleanup(stats_release)))

static void closedirp(DIR **d)
{
  if (*d)
    closedir(*d);
}

/* ---- arithmetic --------------------------------------------------------- */

/* Saturating: a sum or unit change that overflowed would report a small
 * number where the truth is "huge" (an unlimited limit, say). */
static uint64_t add_sat(uint64_t a, uint64_t b)
{
  return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t mul_sat(uint64_t a, uint64_t b)
{
  return b != 0 && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

/* cpuacct.stat counts clock ticks (USER_HZ); runc reports nanoseconds. */
static uint64_t ticks_to_ns(uint64_t ticks)
{
  long hz = sysconf(_SC_CLK_TCK);
  if (hz <= 0)
    hz = 100; /* USER_HZ on every Linux architecture */
  uint64_t h = (uint64_t) hz;
  return add_sat(mul_sat(ticks / h, NSEC_PER_SEC), (ticks % h) * NSEC_PER_SEC / h);
}

/* ---- text --------------------------------------------------------------- */

static int __attribute__((format(printf, 4, 5)))
bad_file(struct hutch_error **err, const struct control_dir *dir, const char *name, const char *fmt, ...)
{
  cleanup_strbuf struct strbuf why = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&why, fmt, ap);
  va_end(ap);
  return hutch_fail(err, 0, "%s/%s: %s", dir->path, name, strbuf_str(&why));
}

struct lines {
  char *p;
  unsigned no;
};

/* The next line, NUL-terminated in place; NULL at the end of the text. */
static char *next_line(struct lines *it)
{
  if (!*it->p)
    return NULL;
  char *line = it->p;
  char *nl = strchr(line, '\n');
  if (nl) {
    *nl = '\0';
    it->p = nl + 1;
  } else {
    it->p = line + strlen(line);
  }
  it->no++;
  return line;
}

struct field {
  const char *s;
  size_t len;
};

/* Splits at runs of the characters in seps without changing the text, so
 * that an error can still quote the whole line. Returns the number of
 * fields, which may exceed max (only max are stored). */
static size_t split(const char *text, const char *seps, struct field *f, size_t max)
{
  size_t n = 0;
  for (const char *p = text;;) {
    p += strspn(p, seps);
    if (!*p)
      return n;
    size_t len = strcspn(p, seps);
    if (n < max)
      f[n] = (struct field){ p, len };
    n++;
    p += len;
  }
}

static bool field_is(struct field f, const char *s)
{
  return f.len == strlen(s) && memcmp(f.s, s, f.len) == 0;
}

/* Decimal digits only, fitting in limit. */
static bool parse_digits(const char *s, size_t len, uint64_t limit, uint64_t *out)
{
  if (len == 0)
    return false;
  uint64_t v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return false;
    unsigned d = (unsigned) (s[i] - '0');
    if (v > (limit - d) / 10)
      return false;
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* A count as cgroup files print it; "max" (no limit) reads as UINT64_MAX.
 * A negative number reads as 0, as runc reads it, so that both runtimes
 * report the same. */
static bool parse_u64(const char *s, size_t len, uint64_t *out)
{
  if (len == 3 && memcmp(s, "max", 3) == 0) {
    *out = UINT64_MAX;
    return true;
  }
  if (len > 1 && s[0] == '-') {
    for (size_t i = 1; i < len; i++)
      if (s[i] < '0' || s[i] > '9')
        return false;
    *out = 0;
    return true;
  }
  return parse_digits(s, len, UINT64_MAX, out);
}

static bool parse_i64(const char *s, size_t len, int64_t *out)
{
  bool negative = len > 0 && s[0] == '-';
  uint64_t v;
  if (!parse_digits(s + negative, len - negative, (uint64_t) INT64_MAX + negative, &v))
    return false;
  /* -(v - 1) - 1 reaches INT64_MIN without overflowing. */
  *out = negative ? (v == 0 ? 0 : -(int64_t) (v - 1) - 1) : (int64_t) v;
  return true;
}

/* The kernel prints pressure averages as "%lu.%02lu". They are passed on as
 * that text, which is a JSON number once checked to be digits[.digits]
 * without a leading zero. */
static bool is_decimal(const char *s, size_t len)
{
  size_t i = 0;
  while (i < len && s[i] >= '0' && s[i] <= '9')
    i++;
  if (i == 0 || (i > 1 && s[0] == '0'))
    return false;
  if (i == len)
    return true;
  if (s[i] != '.')
    return false;
  size_t frac = ++i;
  while (i < len && s[i] >= '0' && s[i] <= '9')
    i++;
  return i == len && i > frac;
}

/* ---- files ---------------------------------------------------------------- */

/* 1 with the contents when dir/name was read, 0 when it does not exist (a
 * controller or kernel without it), -1 on any other failure. */
static int read_opt(const struct control_dir *dir, const char *name, char **text, struct hutch_error **err)
{
  struct hutch_error *e = NULL;
  size_t len;
  if (control_file_read(dir, name, STAT_FILE_MAX, text, &len, &e) == 0)
    return 1;
  /* Kernels built with PSI off by default show the pressure files but
   * refuse to read them until booted with psi=1: as good as absent. */
  if (e->code == ENOENT || e->code == EOPNOTSUPP) {
    hutch_error_free(e);
    return 0;
  }
  if (err && !*err)
    *err = e;
  else
    hutch_error_free(e);
  return -1;
}

/* A file holding one number: 1 and *out when it exists, 0 when it does not. */
static int read_u64_opt(const struct control_dir *dir, const char *name, uint64_t *out, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  struct field f[2];
  if (split(text, " \t\n", f, ARRAY_SIZE(f)) != 1 || !parse_u64(f[0].s, f[0].len, out))
    return bad_file(err, dir, name, "\"%.*s\" is not a number", (int) strcspn(text, "\n"), text);
  return 1;
}

/* A file of "key value" lines (cpu.stat, memory.stat, cpuacct.stat, ...). */
static int read_kv_opt(const struct control_dir *dir, const char *name, struct kv_list *out, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  struct lines it = { text, 0 };
  for (char *line; (line = next_line(&it));) {
    struct field f[2];
    size_t n = split(line, " \t", f, ARRAY_SIZE(f));
    if (n == 0)
      continue;
    uint64_t v;
    if (n != 2 || !parse_u64(f[1].s, f[1].len, &v))
      return bad_file(err, dir, name, "line %u: \"%s\" is not \"key number\"", it.no, line);
    kv_set(out, f[0].s, f[0].len, v);
  }
  return 1;
}

/* A list of ids as the kernel prints CPU and node sets ("0-3,8"). runc
 * reports the ids as 16-bit numbers, so larger ones are refused. */
static int read_id_list(const struct control_dir *dir, const char *name, struct u64_list *out, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  text[strcspn(text, "\n")] = '\0';
  for (const char *p = text; *p;) {
    size_t len = strcspn(p, ",");
    const char *dash = memchr(p, '-', len);
    size_t lo_len = dash ? (size_t) (dash - p) : len;
    uint64_t lo = 0, hi = 0;
    bool ok = parse_digits(p, lo_len, UINT16_MAX, &lo);
    if (ok && dash)
      ok = parse_digits(dash + 1, len - lo_len - 1, UINT16_MAX, &hi) && lo <= hi;
    else
      hi = lo;
    if (!ok)
      return bad_file(err, dir, name, "\"%s\" is not a list of ids", text);
    for (uint64_t id = lo; id <= hi; id++)
      u64_push(out, id);
    p += len;
    if (*p == ',' && *++p == '\0')
      return bad_file(err, dir, name, "\"%s\" is not a list of ids", text);
  }
  return 1;
}

/* ---- readers ---------------------------------------------------------------
 * Each reader looks at one directory and does nothing once its statistic
 * has been found; cgroup_stats_write runs each over every directory before
 * the next reader, v1 readers before v2 ones, so that on a hybrid host the
 * v1 hierarchy wins as it does for runc. */

typedef int stat_reader(const struct control_dir *dir, struct stats *s, struct hutch_error **err);

static int read_psi(const struct control_dir *dir, const char *name, struct psi *out, struct hutch_error **err)
{
  if (out->have)
    return 0;
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  struct lines it = { text, 0 };
  for (char *line; (line = next_line(&it));) {
    struct field f[8];
    size_t n = split(line, " \t", f, ARRAY_SIZE(f));
    if (n == 0)
      continue;
    struct psi_line *pl = field_is(f[0], "some") ? &out->some : field_is(f[0], "full") ? &out->full : NULL;
    if (!pl)
      continue; /* a kind of line a later kernel may add */
    if (n > ARRAY_SIZE(f))
      return bad_file(err, dir, name, "line %u: \"%s\" has too many fields", it.no, line);
    *pl = (struct psi_line){ .have = true, .avg10 = "0", .avg60 = "0", .avg300 = "0" };
    for (size_t i = 1; i < n; i++) {
      const char *eq = memchr(f[i].s, '=', f[i].len);
      if (!eq)
        return bad_file(err, dir, name, "line %u: \"%.*s\" is not key=value", it.no, (int) f[i].len, f[i].s);
      struct field key = { f[i].s, (size_t) (eq - f[i].s) };
      struct field val = { eq + 1, f[i].len - key.len - 1 };
      char *avg = field_is(key, "avg10")    ? pl->avg10
                  : field_is(key, "avg60")  ? pl->avg60
                  : field_is(key, "avg300") ? pl->avg300
                                            : NULL;
      if (avg) {
        if (!is_decimal(val.s, val.len) || val.len >= sizeof pl->avg10)
          return bad_file(err, dir, name, "line %u: \"%.*s\" is not a decimal number", it.no, (int) f[i].len,
                          f[i].s);
        memcpy(avg, val.s, val.len);
        avg[val.len] = '\0';
      } else if (field_is(key, "total")) {
        if (!parse_u64(val.s, val.len, &pl->total))
          return bad_file(err, dir, name, "line %u: \"%.*s\" is not a number", it.no, (int) f[i].len, f[i].s);
      }
    }
    out->have = true;
  }
  return 0;
}

static int read_cpu_psi(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  return read_psi(dir, "cpu.pressure", &s->cpu_psi, err);
}

static int read_memory_psi(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  return read_psi(dir, "memory.pressure", &s->memory_psi, err);
}

static int read_io_psi(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  return read_psi(dir, "io.pressure", &s->io_psi, err);
}

/* Whitespace-separated numbers (cpuacct.usage_percpu). */
static int read_u64_row(const struct control_dir *dir, const char *name, struct u64_list *out, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  for (const char *p = text;;) {
    p += strspn(p, " \t\n");
    if (!*p)
      return 1;
    size_t len = strcspn(p, " \t\n");
    uint64_t v;
    if (!parse_u64(p, len, &v))
      return bad_file(err, dir, name, "\"%.*s\" is not a number", (int) len, p);
    u64_push(out, v);
    p += len;
  }
}

/* cpuacct.usage_all: a "cpu user system" header, then one row per CPU in ns. */
static int read_usage_all(const struct control_dir *dir, struct cpu_usage *u, struct hutch_error **err)
{
  static const char name[] = "cpuacct.usage_all";
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  struct lines it = { text, 0 };
  char *header = next_line(&it);
  struct field f[3];
  if (!header || split(header, " \t", f, ARRAY_SIZE(f)) < 3 || !field_is(f[0], "cpu") || !field_is(f[1], "user") ||
      !field_is(f[2], "system"))
    return bad_file(err, dir, name, "the first line is not \"cpu user system\"");
  for (char *line; (line = next_line(&it));) {
    size_t n = split(line, " \t", f, ARRAY_SIZE(f));
    if (n == 0)
      continue;
    uint64_t cpu, user, kernel;
    if (n < 3 || !parse_u64(f[0].s, f[0].len, &cpu) || !parse_u64(f[1].s, f[1].len, &user) ||
        !parse_u64(f[2].s, f[2].len, &kernel))
      return bad_file(err, dir, name, "line %u: \"%s\" is not \"cpu user system\"", it.no, line);
    u64_push(&u->percpu_user, user);
    u64_push(&u->percpu_kernel, kernel);
  }
  return 1;
}

static int read_cpuacct(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  struct cpu_usage *u = &s->cpuacct;
  if (u->have)
    return 0;
  int r = read_u64_opt(dir, "cpuacct.usage", &u->total, err);
  if (r <= 0)
    return r;
  u->have = true;
  cleanup_kv_list struct kv_list kv = { 0 };
  if (read_kv_opt(dir, "cpuacct.stat", &kv, err) < 0)
    return -1;
  uint64_t ticks;
  if (kv_get(&kv, "user", &ticks))
    u->user = ticks_to_ns(ticks);
  if (kv_get(&kv, "system", &ticks))
    u->kernel = ticks_to_ns(ticks);
  if (read_u64_row(dir, "cpuacct.usage_percpu", &u->percpu, err) < 0)
    return -1;
  return read_usage_all(dir, u, err) < 0 ? -1 : 0;
}

/* cpu.stat is v1's throttling counters (ns) or v2's usage and throttling
 * (µs); on a hybrid host the cgroup2 directory has one holding only usage. */
static int read_cpu_stat(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  if (s->cpu_v2.have && s->throttling.have)
    return 0;
  cleanup_kv_list struct kv_list kv = { 0 };
  int r = read_kv_opt(dir, "cpu.stat", &kv, err);
  if (r <= 0)
    return r;
  uint64_t v;
  if (!s->cpu_v2.have && kv_get(&kv, "usage_usec", &v)) {
    s->cpu_v2.have = true;
    s->cpu_v2.total = mul_sat(v, NSEC_PER_USEC);
    if (kv_get(&kv, "user_usec", &v))
      s->cpu_v2.user = mul_sat(v, NSEC_PER_USEC);
    if (kv_get(&kv, "system_usec", &v))
      s->cpu_v2.kernel = mul_sat(v, NSEC_PER_USEC);
  }
  if (!s->throttling.have && kv_get(&kv, "nr_periods", &v)) {
    s->throttling.have = true;
    s->throttling.periods = v;
    if (kv_get(&kv, "nr_throttled", &v))
      s->throttling.throttled_periods = v;
    if (kv_get(&kv, "throttled_time", &v))
      s->throttling.throttled_time = v;
    else if (kv_get(&kv, "throttled_usec", &v))
      s->throttling.throttled_time = mul_sat(v, NSEC_PER_USEC);
  }
  return 0;
}

/* v1 only (cpuset.cpu_exclusive has no v2 counterpart): runc reports no
 * cpuset statistics on v2. */
static int read_cpuset(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  if (s->cpuset.have)
    return 0;
  int r = read_u64_opt(dir, "cpuset.cpu_exclusive", &s->cpuset.flags[0], err);
  if (r <= 0)
    return r;
  s->cpuset.have = true;
  for (size_t i = 1; i < ARRAY_SIZE(cpuset_flags); i++) {
    cleanup_free char *name = xasprintf("cpuset.%s", cpuset_flags[i]);
    if (read_u64_opt(dir, name, &s->cpuset.flags[i], err) < 0)
      return -1;
  }
  if (read_id_list(dir, "cpuset.cpus", &s->cpuset.cpus, err) < 0 ||
      read_id_list(dir, "cpuset.mems", &s->cpuset.mems, err) < 0)
    return -1;
  static const char relax[] = "cpuset.sched_relax_domain_level";
  cleanup_free char *text = NULL;
  r = read_opt(dir, relax, &text, err);
  if (r < 0)
    return -1;
  struct field f[2];
  if (r == 1 && (split(text, " \t\n", f, ARRAY_SIZE(f)) != 1 ||
                 !parse_i64(f[0].s, f[0].len, &s->cpuset.relax_domain_level)))
    return bad_file(err, dir, relax, "\"%.*s\" is not a number", (int) strcspn(text, "\n"), text);
  return 0;
}

/* One v1 memory counter set: <prefix>.usage_in_bytes and its siblings. */
static int read_mem_entry_v1(const struct control_dir *dir, const char *prefix, struct mem_entry *e,
                             struct hutch_error **err)
{
  cleanup_free char *usage = xasprintf("%s.usage_in_bytes", prefix);
  int r = read_u64_opt(dir, usage, &e->usage, err);
  if (r <= 0)
    return r;
  e->have = true;
  cleanup_free char *max = xasprintf("%s.max_usage_in_bytes", prefix);
  cleanup_free char *failcnt = xasprintf("%s.failcnt", prefix);
  /* memory.kmem.limit_in_bytes is gone since Linux 6.1; the others stay. */
  cleanup_free char *limit = xasprintf("%s.limit_in_bytes", prefix);
  if (read_u64_opt(dir, max, &e->max, err) < 0 || read_u64_opt(dir, failcnt, &e->failcnt, err) < 0 ||
      read_u64_opt(dir, limit, &e->limit, err) < 0)
    return -1;
  return 1;
}

static int read_memory_v1(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  if (s->memory.have)
    return 0;
  int r = read_mem_entry_v1(dir, "memory", &s->memory.usage, err);
  if (r <= 0)
    return r;
  s->memory.have = true;
  if (read_kv_opt(dir, "memory.stat", &s->memory.raw, err) < 0)
    return -1;
  kv_get(&s->memory.raw, "cache", &s->memory.cache);
  /* memsw is memory plus swap, and only there with swap accounting on. */
  if (read_mem_entry_v1(dir, "memory.memsw", &s->memory.swap, err) < 0 ||
      read_mem_entry_v1(dir, "memory.kmem", &s->memory.kernel, err) < 0 ||
      read_mem_entry_v1(dir, "memory.kmem.tcp", &s->memory.kernel_tcp, err) < 0)
    return -1;
  return 0;
}

static int read_memory_v2(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  if (s->memory.have)
    return 0;
  struct mem_entry *usage = &s->memory.usage;
  int r = read_u64_opt(dir, "memory.current", &usage->usage, err);
  if (r <= 0)
    return r;
  s->memory.have = usage->have = true;
  /* memory.peak since Linux 5.19. v2 has no failure count: failcnt stays 0, as in runc. */
  if (read_u64_opt(dir, "memory.max", &usage->limit, err) < 0 ||
      read_u64_opt(dir, "memory.peak", &usage->max, err) < 0 ||
      read_kv_opt(dir, "memory.stat", &s->memory.raw, err) < 0)
    return -1;
  kv_get(&s->memory.raw, "file", &s->memory.cache);
  /* v1's memsw counts memory plus swap and v2 counts swap alone; runc
   * reports the v1 meaning, and no peak, which cannot be summed. */
  uint64_t swap = 0, swap_limit = UINT64_MAX;
  r = read_u64_opt(dir, "memory.swap.current", &swap, err);
  if (r < 0 || (r == 1 && read_u64_opt(dir, "memory.swap.max", &swap_limit, err) < 0))
    return -1;
  if (r == 1) {
    s->memory.swap.have = true;
    s->memory.swap.usage = add_sat(swap, usage->usage);
    s->memory.swap.limit = swap_limit == UINT64_MAX ? UINT64_MAX : add_sat(swap_limit, usage->limit);
  }
  return 0;
}

static int read_pids(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  if (s->pids.have)
    return 0;
  int r = read_u64_opt(dir, "pids.current", &s->pids.current, err);
  if (r <= 0)
    return r;
  s->pids.have = true;
  if (read_u64_opt(dir, "pids.max", &s->pids.limit, err) < 0)
    return -1;
  /* runc reports no limit ("max") as 0. */
  if (s->pids.limit == UINT64_MAX)
    s->pids.limit = 0;
  return 0;
}

/* A cgroup2 directory without the pids controller: runc counts the
 * processes instead (and reports no limit). */
static int read_pids_from_procs(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  if (s->pids.have)
    return 0;
  bool v2;
  if (control_file_exists(dir, "cgroup.controllers", &v2, err) < 0)
    return -1;
  if (!v2)
    return 0;
  cleanup_free char *text = NULL;
  int r = read_opt(dir, "cgroup.procs", &text, err);
  if (r <= 0)
    return r;
  s->pids.have = true;
  for (const char *p = text; (p = strchr(p, '\n')); p++)
    s->pids.current++;
  return 0;
}

/* A v1 blkio table: "MAJ:MIN Op value" or "MAJ:MIN value" lines and a
 * closing "Total value". 1 when it had entries, 0 when absent or empty. */
static int read_blkio_file(const struct control_dir *dir, const char *name, struct blkio_list *out,
                           struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  struct lines it = { text, 0 };
  for (char *line; (line = next_line(&it));) {
    struct field f[4];
    size_t n = split(line, " \t:", f, ARRAY_SIZE(f));
    if (n == 0 || (n == 2 && field_is(f[0], "Total")))
      continue;
    uint64_t major, minor, value;
    bool has_op = n == 4;
    if ((n != 3 && n != 4) || !parse_u64(f[0].s, f[0].len, &major) || !parse_u64(f[1].s, f[1].len, &minor) ||
        !parse_u64(f[n - 1].s, f[n - 1].len, &value))
      return bad_file(err, dir, name, "line %u: \"%s\" is not \"major:minor [op] value\"", it.no, line);
    blkio_push(out, major, minor, has_op ? f[2].s : NULL, has_op ? f[2].len : 0, value);
  }
  return out->n > 0;
}

struct blkio_file {
  const char *name;
  enum blkio_table table;
};

/* The eight recursive tables of bfq's debug statistics and of cfq. */
#define BLKIO_RECURSIVE_FILES(prefix) \
  { prefix "sectors_recursive", BLKIO_SECTORS }, \
  { prefix "io_service_time_recursive", BLKIO_SERVICE_TIME }, \
  { prefix "io_wait_time_recursive", BLKIO_WAIT_TIME }, \
  { prefix "io_merged_recursive", BLKIO_MERGED }, \
  { prefix "io_queued_recursive", BLKIO_QUEUED }, \
  { prefix "time_recursive", BLKIO_TIME }, \
  { prefix "io_serviced_recursive", BLKIO_SERVICED }, \
  { prefix "io_service_bytes_recursive", BLKIO_SERVICE_BYTES }

static const struct blkio_file blkio_bfq_debug[] = { BLKIO_RECURSIVE_FILES("blkio.bfq.") };
static const struct blkio_file blkio_bfq[] = {
  { "blkio.bfq.io_serviced_recursive", BLKIO_SERVICED },
  { "blkio.bfq.io_service_bytes_recursive", BLKIO_SERVICE_BYTES },
};
static const struct blkio_file blkio_cfq[] = { BLKIO_RECURSIVE_FILES("blkio.") };
static const struct blkio_file blkio_throttle_recursive[] = {
  { "blkio.throttle.io_serviced_recursive", BLKIO_SERVICED },
  { "blkio.throttle.io_service_bytes_recursive", BLKIO_SERVICE_BYTES },
};
static const struct blkio_file blkio_throttle[] = {
  { "blkio.throttle.io_serviced", BLKIO_SERVICED },
  { "blkio.throttle.io_service_bytes", BLKIO_SERVICE_BYTES },
};

/* Which I/O scheduler accounts a disk decides which files have numbers:
 * bfq (with its debug statistics or without), cfq, or only the throttle
 * layer, which sees every bio. The same choice as runc's: the first group
 * whose first file has entries, read up to its first empty file. */
static const struct {
  const struct blkio_file *files;
  size_t n;
} blkio_groups[] = {
  { blkio_bfq_debug, ARRAY_SIZE(blkio_bfq_debug) },
  { blkio_bfq, ARRAY_SIZE(blkio_bfq) },
  { blkio_cfq, ARRAY_SIZE(blkio_cfq) },
  { blkio_throttle_recursive, ARRAY_SIZE(blkio_throttle_recursive) },
  { blkio_throttle, ARRAY_SIZE(blkio_throttle) },
};

static int read_blkio_v1(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  if (s->blkio.have)
    return 0;
  for (size_t g = 0; g < ARRAY_SIZE(blkio_groups); g++) {
    for (size_t i = 0; i < blkio_groups[g].n; i++) {
      const struct blkio_file *file = &blkio_groups[g].files[i];
      cleanup_blkio_list struct blkio_list list = { 0 };
      int r = read_blkio_file(dir, file->name, &list, err);
      if (r < 0)
        return -1;
      if (r == 0) {
        if (i == 0)
          break;
        return 0;
      }
      blkio_list_release(&s->blkio.t[file->table]);
      s->blkio.t[file->table] = list;
      memset(&list, 0, sizeof list);
      s->blkio.have = true;
    }
    if (s->blkio.have)
      return 0;
  }
  return 0;
}

/* io.stat: "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N ...",
 * mapped onto v1's tables as runc maps it. */
static int read_io_v2(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  static const char name[] = "io.stat";
  static const struct {
    const char *key;
    enum blkio_table table;
    const char *op;
  } io_keys[] = {
    { "rbytes", BLKIO_SERVICE_BYTES, "Read" },
    { "wbytes", BLKIO_SERVICE_BYTES, "Write" },
    { "rios", BLKIO_SERVICED, "Read" },
    { "wios", BLKIO_SERVICED, "Write" },
  };
  if (s->blkio.have)
    return 0;
  cleanup_free char *text = NULL;
  int r = read_opt(dir, name, &text, err);
  if (r <= 0)
    return r;
  s->blkio.have = true;
  struct lines it = { text, 0 };
  for (char *line; (line = next_line(&it));) {
    struct field dev;
    if (split(line, " \t", &dev, 1) == 0)
      continue;
    const char *colon = memchr(dev.s, ':', dev.len);
    uint64_t major, minor;
    if (!colon || !parse_u64(dev.s, (size_t) (colon - dev.s), &major) ||
        !parse_u64(colon + 1, dev.len - (size_t) (colon - dev.s) - 1, &minor))
      return bad_file(err, dir, name, "line %u: \"%s\" does not start with major:minor", it.no, line);
    for (const char *p = dev.s + dev.len;;) {
      p += strspn(p, " \t");
      if (!*p)
        break;
      struct field item = { p, strcspn(p, " \t") };
      p += item.len;
      const char *eq = memchr(item.s, '=', item.len);
      if (!eq)
        continue; /* runc skips these too */
      struct field key = { item.s, (size_t) (eq - item.s) };
      for (size_t k = 0; k < ARRAY_SIZE(io_keys); k++) {
        if (!field_is(key, io_keys[k].key))
          continue;
        uint64_t value;
        if (!parse_u64(eq + 1, item.len - key.len - 1, &value))
          return bad_file(err, dir, name, "line %u: \"%.*s\" is not key=number", it.no, (int) item.len, item.s);
        blkio_push(&s->blkio.t[io_keys[k].table], major, minor, io_keys[k].op, strlen(io_keys[k].op), value);
      }
    }
  }
  return 0;
}

static bool have_hugetlb_size(const struct stats *s, const char *size, size_t len)
{
  for (size_t i = 0; i < s->n_hugetlb; i++)
    if (strlen(s->hugetlb[i].size) == len && memcmp(s->hugetlb[i].size, size, len) == 0)
      return true;
  return false;
}

/* One page size. Like runc, the reservation counters (.rsvd., Linux 5.7+)
 * are preferred where the kernel has them. v1 keeps a peak and a failure
 * count; v2 has no peak and counts failures as "max" in .events. */
static int read_hugetlb_size(const struct control_dir *dir, const char *size, bool v2, struct hugetlb_size *h,
                             struct hutch_error **err)
{
  cleanup_free char *rsvd_usage = xasprintf(v2 ? "hugetlb.%s.rsvd.current" : "hugetlb.%s.rsvd.usage_in_bytes", size);
  int r = read_u64_opt(dir, rsvd_usage, &h->usage, err);
  if (r < 0)
    return -1;
  if (v2) {
    cleanup_free char *usage = xasprintf("hugetlb.%s.current", size);
    cleanup_free char *events = xasprintf("hugetlb.%s.events", size);
    cleanup_kv_list struct kv_list kv = { 0 };
    if ((r == 0 && read_u64_opt(dir, usage, &h->usage, err) < 0) || read_kv_opt(dir, events, &kv, err) < 0)
      return -1;
    kv_get(&kv, "max", &h->failcnt);
    return 0;
  }
  cleanup_free char *prefix = xasprintf(r == 1 ? "hugetlb.%s.rsvd" : "hugetlb.%s", size);
  cleanup_free char *usage = xasprintf("%s.usage_in_bytes", prefix);
  cleanup_free char *max = xasprintf("%s.max_usage_in_bytes", prefix);
  cleanup_free char *failcnt = xasprintf("%s.failcnt", prefix);
  if ((r == 0 && read_u64_opt(dir, usage, &h->usage, err) < 0) || read_u64_opt(dir, max, &h->max, err) < 0 ||
      read_u64_opt(dir, failcnt, &h->failcnt, err) < 0)
    return -1;
  return 0;
}

/* The page sizes are taken from the file names (hugetlb.2MB.current), not
 * from /sys/kernel/mm/hugepages: only what the cgroup shows can be read. */
static int read_hugetlb(const struct control_dir *dir, struct stats *s, bool v2, struct hutch_error **err)
{
  const char *suffix = v2 ? ".current" : ".usage_in_bytes";
  int fd = openat(dir->fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hutch_fail_errno(err, "open %s", dir->path);
  __attribute__((cleanup(closedirp))) DIR *d = fdopendir(fd);
  if (!d) {
    int e = errno;
    close(fd);
    return hutch_fail(err, e, "open %s", dir->path);
  }
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d);
    if (!e) {
      if (errno)
        return hutch_fail_errno(err, "read %s", dir->path);
      return 0;
    }
    if (strncmp(e->d_name, "hugetlb.", 8) != 0)
      continue;
    const char *size = e->d_name + 8;
    size_t len = strcspn(size, ".");
    if (len == 0 || strcmp(size + len, suffix) != 0 || have_hugetlb_size(s, size, len))
      continue;
    struct hugetlb_size h = { .size = xstrndup(size, len) };
    if (read_hugetlb_size(dir, h.size, v2, &h, err) < 0) {
      free(h.size);
      return -1;
    }
    if (s->n_hugetlb == s->cap_hugetlb) {
      s->cap_hugetlb = s->cap_hugetlb ? s->cap_hugetlb * 2 : 4;
      s->hugetlb = xrealloc(s->hugetlb, s->cap_hugetlb * sizeof *s->hugetlb);
    }
    s->hugetlb[s->n_hugetlb++] = h;
  }
}

static int read_hugetlb_v1(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  return read_hugetlb(dir, s, false, err);
}

static int read_hugetlb_v2(const struct control_dir *dir, struct stats *s, struct hutch_error **err)
{
  return read_hugetlb(dir, s, true, err);
}

static int compare_hugetlb(const void *a, const void *b)
{
  return strcmp(((const struct hugetlb_size *) a)->size, ((const struct hugetlb_size *) b)->size);
}

static stat_reader *const readers[] = {
  read_cpuacct,   read_cpu_stat,   read_cpu_psi, read_cpuset,          read_memory_v1,
  read_memory_v2, read_memory_psi, read_pids,    read_pids_from_procs, read_blkio_v1,
  read_io_v2,     read_io_psi,     read_hugetlb_v1, read_hugetlb_v2,
};

/* ---- writing -------------------------------------------------------------
 * Keys that runc marks omitempty are left out when 0 or empty, so that the
 * output is runc's, key for key. */

static void put_u64(struct json_writer *w, const char *key, uint64_t v)
{
  json_w_key(w, key);
  json_w_u64(w, v);
}

static void put_u64_nonzero(struct json_writer *w, const char *key, uint64_t v)
{
  if (v)
    put_u64(w, key, v);
}

static void put_list(struct json_writer *w, const char *key, const struct u64_list *l)
{
  if (l->n == 0)
    return;
  json_w_key(w, key);
  json_w_begin_array(w);
  for (size_t i = 0; i < l->n; i++)
    json_w_u64(w, l->v[i]);
  json_w_end_array(w);
}

static void put_psi_line(struct json_writer *w, const char *key, const struct psi_line *l)
{
  if (!l->have)
    return;
  json_w_key(w, key);
  json_w_begin_object(w);
  json_w_key(w, "avg10");
  json_w_number_text(w, l->avg10);
  json_w_key(w, "avg60");
  json_w_number_text(w, l->avg60);
  json_w_key(w, "avg300");
  json_w_number_text(w, l->avg300);
  put_u64(w, "total", l->total);
  json_w_end_object(w);
}

static void put_psi(struct json_writer *w, const struct psi *p)
{
  if (!p->have)
    return;
  json_w_key(w, "psi");
  json_w_begin_object(w);
  put_psi_line(w, "some", &p->some);
  put_psi_line(w, "full", &p->full);
  json_w_end_object(w);
}

static void put_mem_entry(struct json_writer *w, const char *key, const struct mem_entry *e)
{
  if (!e->have)
    return;
  json_w_key(w, key);
  json_w_begin_object(w);
  put_u64(w, "limit", e->limit);
  put_u64_nonzero(w, "usage", e->usage);
  put_u64_nonzero(w, "max", e->max);
  put_u64(w, "failcnt", e->failcnt);
  json_w_end_object(w);
}

static void write_cpu(struct json_writer *w, const struct stats *s)
{
  /* cpuacct has the per-CPU split that v2 lacks. */
  const struct cpu_usage *u = s->cpuacct.have ? &s->cpuacct : &s->cpu_v2;
  json_w_key(w, "cpu");
  json_w_begin_object(w);
  if (u->have) {
    json_w_key(w, "usage");
    json_w_begin_object(w);
    put_u64_nonzero(w, "total", u->total);
    put_list(w, "percpu", &u->percpu);
    put_list(w, "percpu_kernel", &u->percpu_kernel);
    put_list(w, "percpu_user", &u->percpu_user);
    put_u64(w, "kernel", u->kernel);
    put_u64(w, "user", u->user);
    json_w_end_object(w);
  }
  if (s->throttling.have) {
    json_w_key(w, "throttling");
    json_w_begin_object(w);
    put_u64_nonzero(w, "periods", s->throttling.periods);
    put_u64_nonzero(w, "throttledPeriods", s->throttling.throttled_periods);
    put_u64_nonzero(w, "throttledTime", s->throttling.throttled_time);
    json_w_end_object(w);
  }
  put_psi(w, &s->cpu_psi);
  json_w_end_object(w);
}

/* Always written, zeros included, as runc writes it (it has no omitempty
 * but on the two lists). */
static void write_cpuset(struct json_writer *w, const struct stats *s)
{
  json_w_key(w, "cpuset");
  json_w_begin_object(w);
  put_list(w, "cpus", &s->cpuset.cpus);
  put_u64(w, cpuset_flags[0], s->cpuset.flags[0]);
  put_list(w, "mems", &s->cpuset.mems);
  for (size_t i = 1; i < ARRAY_SIZE(cpuset_flags); i++)
    put_u64(w, cpuset_flags[i], s->cpuset.flags[i]);
  json_w_key(w, "sched_relax_domain_level");
  json_w_i64(w, s->cpuset.relax_domain_level);
  json_w_end_object(w);
}

static void write_memory(struct json_writer *w, const struct stats *s)
{
  json_w_key(w, "memory");
  json_w_begin_object(w);
  put_u64_nonzero(w, "cache", s->memory.cache);
  put_mem_entry(w, "usage", &s->memory.usage);
  put_mem_entry(w, "swap", &s->memory.swap);
  put_mem_entry(w, "kernel", &s->memory.kernel);
  put_mem_entry(w, "kernelTCP", &s->memory.kernel_tcp);
  if (s->memory.raw.n > 0) {
    json_w_key(w, "raw");
    json_w_begin_object(w);
    for (size_t i = 0; i < s->memory.raw.n; i++)
      put_u64(w, s->memory.raw.v[i].key, s->memory.raw.v[i].value);
    json_w_end_object(w);
  }
  put_psi(w, &s->memory_psi);
  json_w_end_object(w);
}

static void write_pids(struct json_writer *w, const struct stats *s)
{
  json_w_key(w, "pids");
  json_w_begin_object(w);
  put_u64_nonzero(w, "current", s->pids.current);
  put_u64_nonzero(w, "limit", s->pids.limit);
  json_w_end_object(w);
}

static void write_blkio(struct json_writer *w, const struct stats *s)
{
  json_w_key(w, "blkio");
  json_w_begin_object(w);
  for (size_t t = 0; t < BLKIO_TABLES; t++) {
    const struct blkio_list *l = &s->blkio.t[t];
    if (l->n == 0)
      continue;
    json_w_key(w, blkio_keys[t]);
    json_w_begin_array(w);
    for (size_t i = 0; i < l->n; i++) {
      json_w_begin_object(w);
      put_u64_nonzero(w, "major", l->v[i].major);
      put_u64_nonzero(w, "minor", l->v[i].minor);
      if (l->v[i].op && l->v[i].op[0]) {
        json_w_key(w, "op");
        json_w_string(w, l->v[i].op);
      }
      put_u64_nonzero(w, "value", l->v[i].value);
      json_w_end_object(w);
    }
    json_w_end_array(w);
  }
  put_psi(w, &s->io_psi);
  json_w_end_object(w);
}

static void write_hugetlb(struct json_writer *w, const struct stats *s)
{
  json_w_key(w, "hugetlb");
  json_w_begin_object(w);
  for (size_t i = 0; i < s->n_hugetlb; i++) {
    const struct hugetlb_size *h = &s->hugetlb[i];
    json_w_key(w, h->size);
    json_w_begin_object(w);
    put_u64_nonzero(w, "usage", h->usage);
    put_u64_nonzero(w, "max", h->max);
    put_u64(w, "failcnt", h->failcnt);
    json_w_end_object(w);
  }
  json_w_end_object(w);
}

struct open_dirs {
  struct control_dir *v;
  size_t n;
};

static void open_dirs_release(struct open_dirs *d)
{
  for (size_t i = 0; i < d->n; i++)
    control_dir_close(&d->v[i]);
  free(d->v);
}

int cgroup_stats_write(char *const *dirs, size_t n, struct json_writer *w, struct hutch_error **err)
{
  __attribute__((cleanup(open_dirs_release))) struct open_dirs cg = { xcalloc(n ? n : 1, sizeof *cg.v), 0 };
  for (; cg.n < n; cg.n++) {
    int e = control_dir_open(&cg.v[cg.n], dirs[cg.n]);
    if (e)
      return hutch_fail(err, e, "cgroup %s", dirs[cg.n]);
  }
  /* Everything is read before anything is written, so that a failure
   * leaves no half object in the caller's output. */
  cleanup_stats struct stats s = { 0 };
  for (size_t r = 0; r < ARRAY_SIZE(readers); r++)
    for (size_t i = 0; i < n; i++)
      if (readers[r](&cg.v[i], &s, err) < 0)
        return -1;
  if (s.n_hugetlb > 1)
    qsort(s.hugetlb, s.n_hugetlb, sizeof *s.hugetlb, compare_hugetlb);

  json_w_begin_object(w);
  write_cpu(w, &s);
  write_cpuset(w, &s);
  write_memory(w, &s);
  write_pids(w, &s);
  write_blkio(w, &s);
  write_hugetlb(w, &s);
  /* hutch sets up no resctrl group and no network interfaces of its own;
   * runc writes these two so when it has neither. */
  json_w_key(w, "intel_rdt");
  json_w_begin_object(w);
  json_w_end_object(w);
  json_w_key(w, "network_interfaces");
  json_w_null(w);
  json_w_end_object(w);
  return 0;
}

uint64_t cgroup_oom_kills(char *const *dirs, size_t n)
{
  static const char *const files[] = { "memory.oom_control", "memory.events" };
  uint64_t total = 0;
  for (size_t i = 0; i < n; i++) {
    cleanup_control_dir struct control_dir dir = CONTROL_DIR_INIT;
    if (control_dir_open(&dir, dirs[i]) != 0)
      continue;
    for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
      struct kv_list kv = { 0 };
      uint64_t v;
      if (read_kv_opt(&dir, files[f], &kv, NULL) > 0 && kv_get(&kv, "oom_kill", &v))
        total = add_sat(total, v);
      kv_list_release(&kv);
    }
  }
  return total;
}
