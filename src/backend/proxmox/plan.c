/* config.json → a PVE container: pct create's options and the raw lxc.*
 * lines, computed from the typed config, refusing by JSON path what PVE
 * cannot be told. Pure (no PVE, no files but stat of host paths), so the
 * translation is unit-tested on a table of configs. */
#include "backend/proxmox/proxmox.h"
#include "spec/version.h"
#include "engine/cgroup/device_filter.h"
#include "engine/fs/mount_options.h"
#include "spec/names.h"
#include "util/cpulist.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define MIB (1024ull * 1024ull)

struct strv {
  char **items;
  size_t n, cap;
};

static void __attribute__((format(printf, 2, 3))) strv_addf(struct strv *v, const char *fmt, ...)
{
  if (v->n + 1 >= v->cap) {
    v->cap = v->cap ? v->cap * 2 : 16;
    v->items = xrealloc(v->items, v->cap * sizeof *v->items);
  }
  va_list ap;
  va_start(ap, fmt);
  if (vasprintf(&v->items[v->n], fmt, ap) < 0)
    abort();
  va_end(ap);
  v->items[++v->n] = NULL;
}

static void strv_free(struct strv *v)
{
  for (size_t i = 0; i < v->n; i++)
    free(v->items[i]);
  free(v->items);
  memset(v, 0, sizeof *v);
}

struct plan_ctx {
  const struct pve_plan_in *in;
  const struct oci_config *cfg;
  struct strv args, raw;
  bool unprivileged;
  bool fuse; /* /dev/fuse asked for: PVE's fuse feature */
  unsigned next_dev, next_mp;
};

/* The raw cgroup key for a controller file on this host. */
static const char *cgroup_key(const struct plan_ctx *c)
{
  return c->in->cgroup_v2 ? "lxc.cgroup2" : "lxc.cgroup";
}

/* PVE's dns-name: labels of letters, digits and '-', dot-separated. */
static bool dns_name(const char *s)
{
  size_t len = strlen(s), label = 0;
  if (!len || len > 255)
    return false;
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    if (ch == '.') {
      if (!label || s[i - 1] == '-')
        return false;
      label = 0;
      continue;
    }
    if (!isalnum((unsigned char) ch) && ch != '-')
      return false;
    if (ch == '-' && label == 0)
      return false;
    if (++label > 63)
      return false;
  }
  return label && s[len - 1] != '-';
}

/* What a conf line and a pct property string cannot hold. */
static bool plain_path(const char *s)
{
  for (const char *p = s; *p; p++)
    if ((unsigned char) *p <= ' ' || *p == ',' || *p == ';' || *p == '=' || *p == 0x7f || *p == '#')
      return false;
  size_t n = strlen(s);
  bool dot_end = (n >= 2 && strcmp(s + n - 2, "/.") == 0) || (n >= 3 && strcmp(s + n - 3, "/..") == 0);
  return s[0] == '/' && !strstr(s, "/./") && !strstr(s, "/../") && !dot_end;
}

static int plan_namespaces(struct plan_ctx *c, struct hutch_error **err)
{
  const struct oci_linux *l = c->cfg->linux_;
  bool have[OCI_NS_COUNT] = { false };
  for (size_t i = 0; l && i < l->namespaces.len; i++) {
    const struct oci_namespace *ns = &l->namespaces.items[i];
    if (ns->path)
      return hutch_fail(err, 0, "linux.namespaces[%zu].path: a Proxmox VE container has namespaces of its own and "
                        "joins none", i);
    if (ns->type.value == OCI_NS_TIME)
      return hutch_fail(err, 0, "linux.namespaces[%zu]: a Proxmox VE container has no time namespace", i);
    have[ns->type.value] = true;
  }
  static const int required[] = { OCI_NS_PID, OCI_NS_MOUNT, OCI_NS_NETWORK, OCI_NS_IPC, OCI_NS_UTS };
  for (size_t i = 0; i < sizeof required / sizeof *required; i++)
    if (!have[required[i]])
      return hutch_fail(err, 0, "linux.namespaces: no %s namespace: a Proxmox VE container always has its own, it "
                        "cannot share the host's", oci_enum_name(&oci_enum_namespace_type, required[i]));
  c->unprivileged = have[OCI_NS_USER];
  if (!c->unprivileged)
    return 0;
  /* PVE unpacks and maps unprivileged CTs with its one default range. */
  const oci_id_mappings *maps[2] = { &l->uid_mappings, &l->gid_mappings };
  static const char *const names[2] = { "linux.uidMappings", "linux.gidMappings" };
  for (int k = 0; k < 2; k++) {
    const oci_id_mappings *m = maps[k];
    if (m->len != 1 || m->items[0].container_id != 0 || m->items[0].host_id != PVE_USERNS_BASE ||
        m->items[0].size != PVE_USERNS_SIZE)
      return hutch_fail(err, 0, "%s: an unprivileged Proxmox VE container maps 0:%u:%u (one range); other maps "
                        "are not supported", names[k], PVE_USERNS_BASE, PVE_USERNS_SIZE);
  }
  return 0;
}

static unsigned long long mib_up(long long bytes)
{
  return ((unsigned long long) bytes + MIB - 1) / MIB;
}

static int plan_memory(struct plan_ctx *c, const struct oci_memory *m, bool update, struct hutch_error **err)
{
  unsigned long long mem = c->in->host_mem_mib, swap = 0;
  bool limited = m && m->limit.set && m->limit.value > 0;
  /* runc's reading: a swap of 0 is none given. */
  bool swap_given = m && m->swap.set && m->swap.value != 0;
  if (limited) {
    mem = mib_up(m->limit.value);
    if (mem < 16)
      return hutch_fail(err, 0, "linux.resources.memory.limit: %lld bytes is below Proxmox VE's smallest CT memory "
                        "(16 MiB)", (long long) m->limit.value);
  }
  if (swap_given) {
    if (m->swap.value == -1)
      swap = c->in->host_mem_mib; /* PVE has no "unlimited": as much as the host has memory */
    else if (!limited)
      return hutch_fail(err, 0, "linux.resources.memory.swap: Proxmox VE limits swap only beside a memory limit");
    else if (m->swap.value < m->limit.value)
      return hutch_fail(err, 0, "linux.resources.memory.swap: below memory.limit");
    else
      swap = mib_up(m->swap.value) - mem;
  }
  /* update changes what it is given; create says all (PVE's own defaults
   * are 512 MiB of memory and of swap, OCI's no limit and no swap asked). */
  if (!update || limited) {
    strv_addf(&c->args, "--memory");
    strv_addf(&c->args, "%llu", mem);
  }
  if (!update || swap_given) {
    strv_addf(&c->args, "--swap");
    strv_addf(&c->args, "%llu", swap);
  }
  return 0;
}

static size_t cpulist_count(const char *list)
{
  size_t n = 0;
  const char *p = list;
  while (*p) {
    char *end;
    unsigned long a = strtoul(p, &end, 10), b = a;
    if (*end == '-')
      b = strtoul(end + 1, &end, 10);
    n += b >= a ? b - a + 1 : 0;
    p = *end == ',' ? end + 1 : end;
    if (end == p && *p)
      p++;
  }
  return n;
}

static int plan_cpu(struct plan_ctx *c, const struct oci_cpu *cpu, struct hutch_error **err)
{
  if (!cpu)
    return 0;
  if (cpu->quota.set && cpu->quota.value > 0) {
    uint64_t period = cpu->period.set && cpu->period.value ? cpu->period.value : 100000;
    double limit = (double) cpu->quota.value / (double) period;
    if (limit > 8192)
      return hutch_fail(err, 0, "linux.resources.cpu.quota: %lld/%llu CPUs is above Proxmox VE's cpulimit (8192)",
                        (long long) cpu->quota.value, (unsigned long long) period);
    /* PVE writes int(100000 * cpulimit) µs: below 1 ms the kernel refuses
     * it, and 0 would mean no limit. */
    if (limit < 0.01)
      return hutch_fail(err, 0, "linux.resources.cpu.quota: %lld/%llu CPUs is below what Proxmox VE can set (0.01)",
                        (long long) cpu->quota.value, (unsigned long long) period);
    /* PVE writes int(100000 * cpulimit) over a period of 100000. */
    strv_addf(&c->args, "--cpulimit");
    strv_addf(&c->args, "%.5f", limit);
  } else if (cpu->period.set && !(cpu->quota.set && cpu->quota.value != -1)) {
    /* A period without a quota limits nothing. */
  }
  if (cpu->shares.set && cpu->shares.value > 0) {
    uint64_t units = cpu->shares.value;
    if (c->in->cgroup_v2)
      /* PVE writes cpuunits as cpu.weight on v2: runc's shares→weight. */
      units = units < 2 ? 1 : 1 + ((units - 2) * 9999) / 262142;
    if (units > (c->in->cgroup_v2 ? 10000u : 500000u))
      units = c->in->cgroup_v2 ? 10000u : 500000u;
    if (!c->in->cgroup_v2 && units < 2)
      units = 2;
    strv_addf(&c->args, "--cpuunits");
    strv_addf(&c->args, "%llu", (unsigned long long) units);
  }
  if (cpu->cpus && cpu->cpus[0]) {
    size_t n = cpulist_count(cpu->cpus);
    if (!n || n > 8192)
      return hutch_fail(err, 0, "linux.resources.cpu.cpus: \"%s\" is not 1 to 8192 CPUs", cpu->cpus);
    /* cores sizes the CT in PVE's UI; the raw set pins exactly these
     * (PVE picks no cpuset of its own then). */
    strv_addf(&c->args, "--cores");
    strv_addf(&c->args, "%zu", n);
    strv_addf(&c->raw, "%s.cpuset.cpus: %s", cgroup_key(c), cpu->cpus);
  }
  if (cpu->mems && cpu->mems[0])
    strv_addf(&c->raw, "%s.cpuset.mems: %s", cgroup_key(c), cpu->mems);
  return 0;
}

static int plan_device_rules(struct plan_ctx *c, const oci_device_cgroups *rules, struct hutch_error **err)
{
  for (size_t i = 0; i < rules->len; i++) {
    const struct oci_device_cgroup *r = &rules->items[i];
    const char *type = r->type && r->type[0] ? r->type : "a";
    const char *access = r->access && r->access[0] ? r->access : "rwm";
    if (strspn(access, "rwm") != strlen(access))
      return hutch_fail(err, 0, "linux.resources.devices[%zu].access: \"%s\"", i, access);
    char major[24] = "*", minor[24] = "*";
    if (r->major.set && r->major.value >= 0)
      snprintf(major, sizeof major, "%lld", (long long) r->major.value);
    if (r->minor.set && r->minor.value >= 0)
      snprintf(minor, sizeof minor, "%lld", (long long) r->minor.value);
    const char *verb = r->allow ? "allow" : "deny";
    /* As runc: the rules in order, a leading "deny all" first resets. */
    if (strcmp(type, "a") == 0 && strcmp(major, "*") == 0 && strcmp(minor, "*") == 0)
      strv_addf(&c->raw, "%s.devices.%s: a", cgroup_key(c), verb);
    else
      strv_addf(&c->raw, "%s.devices.%s: %s %s:%s %s", cgroup_key(c), verb, type, major, minor, access);
  }
  if (!rules->len)
    return 0;
  /* The rules replace PVE's: what every container keeps usable (liblxc's
   * console and ptys among them) and the nodes of linux.devices stay
   * allowed, as native and runc keep them. */
  for (size_t i = 0; i < device_default_rule_count; i++)
    strv_addf(&c->raw, "%s.devices.allow: %s", cgroup_key(c), device_default_rules[i]);
  const struct oci_linux *l = c->cfg ? c->cfg->linux_ : NULL;
  for (size_t i = 0; l && i < l->devices.len; i++) {
    const struct oci_device *d = &l->devices.items[i];
    char type = d->type.value == OCI_DEVICE_BLOCK ? 'b' : 'c';
    strv_addf(&c->raw, "%s.devices.allow: %c %lld:%lld rwm", cgroup_key(c), type, (long long) d->major.value,
              (long long) d->minor.value);
  }
  return 0;
}

static int plan_resources(struct plan_ctx *c, struct hutch_error **err)
{
  const struct oci_resources *r = c->cfg->linux_ ? c->cfg->linux_->resources : NULL;
  if (plan_memory(c, r ? r->memory : NULL, false, err) < 0)
    return -1;
  if (!r)
    return 0;
  if (plan_cpu(c, r->cpu, err) < 0)
    return -1;
  /* 0 allows no process from 1.3.0 on; an older config meant no limit. */
  long long pids = r->pids && r->pids->limit.set ? oci_pids_limit_effective(c->cfg->oci_version, r->pids->limit.value)
                                                 : -1;
  if (pids >= 0)
    strv_addf(&c->raw, "%s.pids.max: %lld", cgroup_key(c), pids);
  return plan_device_rules(c, &r->devices, err);
}

/* The nodes PVE makes in every CT's /dev: the basic ones, and its own
 * consoles /dev/tty1... (lxc.tty.max), which a host's virtual terminal
 * cannot be bound over. */
static bool pve_default_device(const char *path)
{
  if (strncmp(path, "/dev/tty", 8) == 0 && path[8] >= '1' && path[8] <= '9' && strspn(path + 8, "0123456789") ==
      strlen(path + 8))
    return true;
  static const char *const nodes[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                                       "/dev/tty", "/dev/console", "/dev/ptmx" };
  for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
    if (strcmp(path, nodes[i]) == 0)
      return true;
  return false;
}

static bool node_is(const char *path, bool is_block, long long maj, long long min)
{
  struct stat st;
  return stat(path, &st) == 0 && (is_block ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode)) &&
         (long long) major(st.st_rdev) == maj && (long long) minor(st.st_rdev) == min;
}

/* The host's node of that number: udev's /dev/char|block/M:m, else the
 * first in /dev itself. */
static bool host_node(bool is_block, long long maj, long long min, char *out, size_t size)
{
  snprintf(out, size, "/dev/%s/%lld:%lld", is_block ? "block" : "char", maj, min);
  if (node_is(out, is_block, maj, min))
    return true;
  DIR *d = opendir("/dev");
  bool found = false;
  for (struct dirent *e; d && !found && (e = readdir(d));) {
    if (e->d_type != (is_block ? DT_BLK : DT_CHR))
      continue;
    snprintf(out, size, "/dev/%s", e->d_name);
    found = plain_path(out) && node_is(out, is_block, maj, min);
  }
  if (d)
    closedir(d);
  return found;
}

/* devN passes a host node through at the same path: the config's node must
 * be that one. */
static int plan_devices(struct plan_ctx *c, struct hutch_error **err)
{
  const struct oci_linux *l = c->cfg->linux_;
  for (size_t i = 0; l && i < l->devices.len; i++) {
    const struct oci_device *d = &l->devices.items[i];
    if (pve_default_device(d->path))
      continue;
    /* PVE's fuse feature binds it (and lets the CT mount fuse). */
    if (strcmp(d->path, "/dev/fuse") == 0 && d->type.value == OCI_DEVICE_CHAR && d->major.value == 10 &&
        d->minor.value == 229) {
      c->fuse = true;
      continue;
    }
    if (!plain_path(d->path) || strncmp(d->path, "/dev/", 5) != 0)
      return hutch_fail(err, 0, "linux.devices[%zu].path: Proxmox VE passes through nodes under /dev only, at a plain "
                        "path", i);
    struct stat st;
    bool is_block = d->type.value == OCI_DEVICE_BLOCK;
    long long want_major = d->major.value, want_minor = d->minor.value;
    bool same = stat(d->path, &st) == 0 && (is_block ? S_ISBLK(st.st_mode) : S_ISCHR(st.st_mode)) &&
                (long long) major(st.st_rdev) == want_major && (long long) minor(st.st_rdev) == want_minor;
    if (!same) {
      /* Another path in the CT: the host's node of that number (udev's
       * /dev/char and /dev/block name them), bound there. */
      char host[300];
      if (!host_node(is_block, want_major, want_minor, host, sizeof host))
        return hutch_fail(err, 0, "linux.devices[%zu]: Proxmox VE passes through nodes of the host: it has no %s "
                          "%lld:%lld in /dev", i, is_block ? "block device" : "character device", want_major,
                          want_minor);
      strv_addf(&c->raw, "lxc.mount.entry: %s %s none bind,create=file 0 0", host, d->path + 1);
      continue;
    }
    if (c->next_dev > 255)
      return hutch_fail(err, 0, "linux.devices: more than 256 devices");
    struct strv opt = { 0 };
    strv_addf(&opt, "%s", d->path);
    if (d->file_mode.set && (d->file_mode.value & 07000))
      return hutch_fail(err, 0, "linux.devices[%zu].fileMode: Proxmox VE sets permission bits only (0%o)", i,
                        (unsigned) d->file_mode.value);
    if (d->file_mode.set)
      strv_addf(&opt, ",mode=0%03o", (unsigned) d->file_mode.value & 0777);
    if (d->uid.set)
      strv_addf(&opt, ",uid=%u", (unsigned) d->uid.value);
    if (d->gid.set)
      strv_addf(&opt, ",gid=%u", (unsigned) d->gid.value);
    strv_addf(&c->args, "--dev%u", c->next_dev++);
    size_t len = 0;
    for (size_t k = 0; k < opt.n; k++)
      len += strlen(opt.items[k]);
    char *joined = xcalloc(len + 1, 1);
    for (size_t k = 0; k < opt.n; k++)
      strcat(joined, opt.items[k]);
    strv_addf(&c->args, "%s", joined);
    free(joined);
    strv_free(&opt);
  }
  return 0;
}

static bool has_option(const struct oci_mount *m, const char *o)
{
  for (size_t i = 0; i < m->options.len; i++)
    if (strcmp(m->options.items[i], o) == 0)
      return true;
  return false;
}

/* The kernel filesystems every PVE CT gets from liblxc (mount.auto, autodev,
 * devpts): the config's entries for them are PVE's, with PVE's options. */
static bool pve_provides(const struct oci_mount *m, const char *dest)
{
  static const struct { const char *dest, *type; } own[] = {
    { "/proc", "proc" },       { "/sys", "sysfs" },          { "/dev", "tmpfs" },
    { "/dev/pts", "devpts" },  { "/dev/mqueue", "mqueue" },  { "/sys/fs/cgroup", "cgroup" },
    { "/sys/fs/cgroup", "cgroup2" },
  };
  for (size_t i = 0; i < sizeof own / sizeof *own; i++)
    if (m->type && strcmp(dest, own[i].dest) == 0 && strcmp(m->type, own[i].type) == 0)
      return true;
  return false;
}

/* Options liblxc's mount entries take, for tmpfs. */
static void tmpfs_options(const struct oci_mount *m, char *buf, size_t size)
{
  snprintf(buf, size, "%s", "rw");
  for (size_t i = 0; i < m->options.len; i++) {
    const char *o = m->options.items[i];
    bool keep = strcmp(o, "ro") == 0 || strcmp(o, "nosuid") == 0 || strcmp(o, "nodev") == 0 ||
                strcmp(o, "noexec") == 0 || strncmp(o, "mode=", 5) == 0 || strncmp(o, "size=", 5) == 0 ||
                strncmp(o, "uid=", 4) == 0 || strncmp(o, "gid=", 4) == 0;
    if (!keep)
      continue;
    if (strlen(buf) + strlen(o) + 2 < size && !strchr(o, ' ')) {
      strcat(buf, ",");
      strcat(buf, o);
    }
  }
}

static int plan_mounts(struct plan_ctx *c, struct hutch_error **err)
{
  for (size_t i = 0; i < c->cfg->mounts.len; i++) {
    const struct oci_mount *m = &c->cfg->mounts.items[i];
    /* Since 1.3 a relative destination is relative to the root. */
    char dest[4096];
    snprintf(dest, sizeof dest, "%s%s", m->destination[0] == '/' ? "" : "/", m->destination);
    size_t dl = strlen(dest);
    while (dl > 1 && dest[dl - 1] == '/')
      dest[--dl] = 0;
    if (pve_provides(m, dest))
      continue;
    if (!plain_path(dest) || strcmp(dest, "/") == 0 || strcmp(dest, "/" PVE_CT_DIR) == 0 ||
        strncmp(dest, "/" PVE_CT_DIR "/", strlen(PVE_CT_DIR) + 2) == 0)
      return hutch_fail(err, 0, "mounts[%zu].destination: \"%s\" cannot be a Proxmox VE mount point (no spaces, "
                        "commas, '=', '#', '/./' or '/../'; not / or /%s)", i, m->destination, PVE_CT_DIR);
    bool bind = (m->type && strcmp(m->type, "bind") == 0) || has_option(m, "bind") || has_option(m, "rbind");
    bool ro = has_option(m, "ro");
    if (bind) {
      struct stat st;
      if (!m->source || !plain_path(m->source))
        return hutch_fail(err, 0, "mounts[%zu].source: a bind source for Proxmox VE is an absolute plain path", i);
      if (stat(m->source, &st) < 0)
        return hutch_fail(err, errno, "mounts[%zu].source: %s: %s", i, m->source, strerror(errno));
      /* PVE's mpN binds one file system, not the ones below it. */
      if (S_ISDIR(st.st_mode) && !has_option(m, "rbind")) {
        if (c->next_mp > 255)
          return hutch_fail(err, 0, "mounts: more than 256 bind mounts of directories");
        /* A host directory as mpN: PVE shows it, never backs it up. */
        strv_addf(&c->args, "--mp%u", c->next_mp++);
        strv_addf(&c->args, "%s,mp=%s%s", m->source, dest, ro ? ",ro=1" : "");
      } else {
        strv_addf(&c->raw, "lxc.mount.entry: %s %s none %sbind,create=%s%s 0 0", m->source, dest + 1,
                  has_option(m, "rbind") ? "r" : "", S_ISDIR(st.st_mode) ? "dir" : "file", ro ? ",ro" : "");
      }
      continue;
    }
    /* The image's files copied in: the shim mounts it, with the engine. */
    if (mount_is_tmpcopyup(m))
      continue;
    if (m->type && strcmp(m->type, "tmpfs") == 0) {
      char opts[512];
      tmpfs_options(m, opts, sizeof opts);
      strv_addf(&c->raw, "lxc.mount.entry: tmpfs %s tmpfs %s,create=dir 0 0", dest + 1, opts);
      continue;
    }
    return hutch_fail(err, 0, "mounts[%zu].type: \"%s\" at %s: the proxmox backend mounts binds, tmpfs and PVE's "
                      "own proc, sysfs, devpts, mqueue and cgroup", i, m->type ? m->type : "", dest);
  }
  return 0;
}

/* The namespaced keys a CT may set: PVE's IPC list and the network's. The
 * proxy writes them (liblxc's lxc.sysctl fails on the read-only /proc/sys of
 * proc:mixed); the rest are the host's. */
static bool pve_ipc_sysctl(const char *key)
{
  static const char *const ipc[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                     "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  if (strncmp(key, "fs.mqueue.", 10) == 0)
    return true;
  for (size_t i = 0; i < sizeof ipc / sizeof *ipc; i++)
    if (strcmp(key, ipc[i]) == 0)
      return true;
  return false;
}

static int plan_sysctl(struct plan_ctx *c, struct hutch_error **err)
{
  const struct oci_linux *l = c->cfg->linux_;
  for (size_t i = 0; l && i < l->sysctl.len; i++) {
    const char *k = l->sysctl.items[i].key, *v = l->sysctl.items[i].value;
    if (strpbrk(v, "\n\r") || strpbrk(k, " \t\n\r/"))
      return hutch_fail(err, 0, "linux.sysctl[\"%s\"]: holds a line break or a space", k);
    if (!pve_ipc_sysctl(k) && strncmp(k, "net.", 4) != 0)
      return hutch_fail(err, 0, "linux.sysctl[\"%s\"]: not one a Proxmox VE container may set (IPC and net.* only)",
                        k);
  }
  return 0;
}

/* A privileged PVE CT's bounding set lacks five capabilities (common.conf):
 * a process that asks for one needs the list cleared first. */
static void plan_capabilities(struct plan_ctx *c)
{
  const struct oci_process *p = c->cfg->process;
  if (c->unprivileged || !p || !p->capabilities)
    return;
  static const char *const dropped[] = { "CAP_MAC_ADMIN", "CAP_MAC_OVERRIDE", "CAP_SYS_TIME", "CAP_SYS_MODULE",
                                         "CAP_SYS_RAWIO" };
  bool wanted = false;
  for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++)
    wanted = wanted || oci_strings_contain(&p->capabilities->bounding, dropped[i]);
  if (!wanted)
    return;
  /* Cleared, then dropped again but for those asked for. */
  strv_addf(&c->raw, "lxc.cap.drop: ");
  char again[128] = "";
  for (size_t i = 0; i < sizeof dropped / sizeof *dropped; i++) {
    if (oci_strings_contain(&p->capabilities->bounding, dropped[i]))
      continue;
    size_t at = strlen(again);
    snprintf(again + at, sizeof again - at, "%s", at ? " " : "");
    for (const char *q = dropped[i] + 4; *q && strlen(again) + 1 < sizeof again; q++) {
      size_t k = strlen(again);
      again[k] = (char) tolower((unsigned char) *q);
      again[k + 1] = 0;
    }
  }
  if (again[0])
    strv_addf(&c->raw, "lxc.cap.drop: %s", again);
}

static const char *host_arch(void)
{
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__i386__)
  return "i386";
#else
  return "amd64";
#endif
}

int pve_plan_build(const struct pve_plan_in *in, struct pve_plan *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  struct plan_ctx c = { .in = in, .cfg = in->cfg };
  const struct pve_settings *s = in->settings;
  int r = -1;
  if (!plain_path(in->work_dir)) {
    hutch_fail(err, 0, "proxmox: the CT's directory %s cannot be bound into a Proxmox VE container (no spaces, "
               "commas, '=' or '#')", in->work_dir);
    goto out;
  }
  if (plan_namespaces(&c, err) < 0)
    goto out;
  if (strspn(s->rootfs_size, "0123456789") != strlen(s->rootfs_size) || !s->rootfs_size[0]) {
    hutch_fail(err, 0, "proxmox.rootfs-size: \"%s\" is not a whole number of GiB", s->rootfs_size);
    goto out;
  }
  strv_addf(&c.args, "--rootfs");
  strv_addf(&c.args, "%s:%s", s->storage, s->rootfs_size);
  strv_addf(&c.args, "--ostype");
  strv_addf(&c.args, "unmanaged");
  strv_addf(&c.args, "--arch");
  strv_addf(&c.args, "%s", host_arch());
  strv_addf(&c.args, "--unprivileged");
  strv_addf(&c.args, "%d", c.unprivileged ? 1 : 0);
  const char *hostname = in->cfg->hostname;
  if (hostname && hostname[0]) {
    if (!dns_name(hostname)) {
      hutch_fail(err, 0, "hostname: \"%s\" is not a DNS name, which Proxmox VE requires (letters, digits, '-' and "
                 "'.')", hostname);
      goto out;
    }
    strv_addf(&c.args, "--hostname");
    strv_addf(&c.args, "%s", hostname);
  }
  if (in->description) {
    strv_addf(&c.args, "--description");
    strv_addf(&c.args, "%s", in->description);
  }
  strv_addf(&c.args, "--tags");
  strv_addf(&c.args, "hutch");
  for (int i = 0; i < PVE_MAX_NET; i++) {
    if (!s->net[i])
      continue;
    if (strpbrk(s->net[i], " \t\n\r")) {
      hutch_fail(err, 0, "proxmox.net%d: \"%s\" holds a space", i, s->net[i]);
      goto out;
    }
    strv_addf(&c.args, "--net%d", i);
    strv_addf(&c.args, "%s", s->net[i]);
  }
  if (plan_resources(&c, err) < 0 || plan_devices(&c, err) < 0 || plan_mounts(&c, err) < 0 ||
      plan_sysctl(&c, err) < 0)
    goto out;
  plan_capabilities(&c);
  /* keyctl: an unprivileged CT gets PVE's "keyctl errno 38" filter unless
   * told otherwise; what the process may do is its config's seccomp's. */
  if (c.unprivileged || c.fuse) {
    strv_addf(&c.args, "--features");
    strv_addf(&c.args, "%s%s%s", c.unprivileged ? "keyctl=1" : "", c.unprivileged && c.fuse ? "," : "",
              c.fuse ? "fuse=1" : "");
  }
  /* The shim: its directory, read-only, and it as the CT's init. */
  strv_addf(&c.raw, "lxc.mount.entry: %s %s none bind,ro,create=dir 0 0", in->work_dir, PVE_CT_DIR);
  strv_addf(&c.raw, "lxc.init.cmd: %s", PVE_CT_SHIM);
  /* pct shutdown's signal: the shim passes SIGTERM on to the process (PVE's
   * default SIGPWR would mean nothing to it). */
  strv_addf(&c.raw, "lxc.signal.halt: SIGTERM");
  out->unprivileged = c.unprivileged;
  out->root_uid = c.unprivileged ? PVE_USERNS_BASE : 0;
  out->root_gid = c.unprivileged ? PVE_USERNS_BASE : 0;
  out->create_args = c.args.items;
  out->n_create_args = c.args.n;
  out->raw = c.raw.items;
  out->n_raw = c.raw.n;
  memset(&c.args, 0, sizeof c.args);
  memset(&c.raw, 0, sizeof c.raw);
  r = 0;
out:
  strv_free(&c.args);
  strv_free(&c.raw);
  return r;
}

void pve_plan_release(struct pve_plan *plan)
{
  struct strv v[2] = {
    { plan->create_args, plan->n_create_args, 0 },
    { plan->raw, plan->n_raw, 0 },
  };
  for (int i = 0; i < 2; i++)
    strv_free(&v[i]);
  memset(plan, 0, sizeof *plan);
}

/* The first field of r that pct set cannot change, or NULL: what update
 * is not given to do is refused, never dropped. */
static const char *update_unsupported(const struct oci_resources *r)
{
  const struct oci_memory *m = r->memory;
  const struct oci_cpu *cpu = r->cpu;
  const struct {
    bool set;
    const char *field;
  } others[] = {
    { r->pids != NULL, "pids" },
    { r->devices.len > 0, "devices" },
    { r->block_io != NULL, "blockIO" },
    { r->hugepage_limits.len > 0, "hugepageLimits" },
    { r->network != NULL, "network" },
    { r->rdma.len > 0, "rdma" },
    { r->unified.len > 0, "unified" },
    { m && m->reservation.set, "memory.reservation" },
    { m && m->kernel.set, "memory.kernel" },
    { m && m->kernel_tcp.set, "memory.kernelTCP" },
    { m && m->swappiness.set, "memory.swappiness" },
    { m && m->disable_oom_killer.set, "memory.disableOOMKiller" },
    { m && m->use_hierarchy.set, "memory.useHierarchy" },
    { m && m->check_before_update.set, "memory.checkBeforeUpdate" },
    { cpu && cpu->burst.set, "cpu.burst" },
    { cpu && cpu->realtime_runtime.set, "cpu.realtimeRuntime" },
    { cpu && cpu->realtime_period.set, "cpu.realtimePeriod" },
    { cpu && cpu->cpus, "cpu.cpus" },
    { cpu && cpu->mems, "cpu.mems" },
    { cpu && cpu->idle.set, "cpu.idle" },
  };
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    if (others[i].set)
      return others[i].field;
  return NULL;
}

int pve_plan_update(const struct oci_resources *r, bool cgroup_v2, unsigned long host_mem_mib, char ***args,
                    size_t *n, struct hutch_error **err)
{
  struct pve_plan_in in = { .cgroup_v2 = cgroup_v2, .host_mem_mib = host_mem_mib };
  struct plan_ctx c = { .in = &in };
  *args = NULL;
  *n = 0;
  const char *field = update_unsupported(r);
  if (field)
    return hutch_fail(err, 0, "linux.resources.%s: the proxmox backend updates memory, swap, cpu quota and shares "
                      "(pct set); not this", field);
  /* What pct set has no word for is refused, not dropped. */
  const struct oci_cpu *cpu = r->cpu;
  if (cpu && cpu->period.set && !cpu->quota.set)
    return hutch_fail(err, 0, "linux.resources.cpu.period: Proxmox VE keeps a CPU limit as quota/period: give "
                      "cpu.quota too");
  if (cpu && cpu->quota.set && (cpu->quota.value == 0 || cpu->quota.value < -1))
    return hutch_fail(err, 0, "linux.resources.cpu.quota: %lld is neither -1 (no limit) nor a quota",
                      (long long) cpu->quota.value);
  if (r->memory && r->memory->limit.set && r->memory->limit.value <= 0)
    return hutch_fail(err, 0, "linux.resources.memory.limit: Proxmox VE cannot lift a CT's memory limit; give a "
                      "size");
  if (r->memory && r->memory->swap.set && r->memory->swap.value != 0 &&
      !(r->memory->limit.set && r->memory->limit.value > 0)) {
    strv_free(&c.args);
    return hutch_fail(err, 0, "linux.resources.memory.swap: Proxmox VE sets swap beside memory: give memory.limit too");
  }
  if (r->cpu && r->cpu->quota.set && r->cpu->quota.value == -1) {
    strv_addf(&c.args, "--cpulimit");
    strv_addf(&c.args, "0");
  }
  if ((r->memory && plan_memory(&c, r->memory, true, err) < 0) || plan_cpu(&c, r->cpu, err) < 0) {
    strv_free(&c.args);
    strv_free(&c.raw);
    return -1;
  }
  strv_free(&c.raw);
  *args = c.args.items;
  *n = c.args.n;
  return 0;
}
