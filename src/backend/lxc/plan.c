/* config.json to liblxc configuration items (lxc.container.conf(5) of
 * liblxc 5.0). Only what liblxc does well is given to it; the process and
 * what must be done after pivot_root is the shim's (shim.c). */
#include "backend/lxc/lxc.h"
#include "engine/fs/mount_options.h"
#include "spec/names.h"
#include "engine/fs/safe_path.h"
#include "util/cleanup.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void lxc_items_release(struct lxc_items *items)
{
  for (size_t i = 0; i < items->n; i++) {
    free(items->items[i].key);
    free(items->items[i].value);
  }
  free(items->items);
  memset(items, 0, sizeof *items);
}

static void add(struct lxc_items *out, const char *key, const char *value)
{
  if (out->n == out->cap) {
    out->cap = out->cap ? 2 * out->cap : 32;
    out->items = xrealloc(out->items, out->cap * sizeof *out->items);
  }
  out->items[out->n++] = (struct lxc_item) { xstrdup(key), xstrdup(value) };
}

static void addf(struct lxc_items *out, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(struct lxc_items *out, const char *key, const char *fmt, ...)
{
  struct strbuf sb = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&sb, fmt, ap);
  va_end(ap);
  add(out, key, strbuf_str(&sb));
  strbuf_release(&sb);
}

/* liblxc's name of a namespace (as in /proc/PID/ns). */
static const char *ns_name(int type)
{
  static const char *const names[OCI_NS_COUNT] = {
    [OCI_NS_PID] = "pid",   [OCI_NS_NETWORK] = "net", [OCI_NS_MOUNT] = "mnt",    [OCI_NS_IPC] = "ipc",
    [OCI_NS_UTS] = "uts",   [OCI_NS_USER] = "user",   [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
  };
  return type >= 0 && type < OCI_NS_COUNT ? names[type] : NULL;
}

/* A field of an fstab line: liblxc reads lxc.mount.entry with getmntent(3),
 * which splits on blanks and decodes octal escapes. */
static void add_fstab_field(struct strbuf *sb, const char *s)
{
  for (; *s; s++) {
    unsigned char c = (unsigned char) *s;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\\')
      strbuf_addf(sb, "\\%03o", c);
    else
      strbuf_addc(sb, (char) c);
  }
}

static bool has_option(const struct oci_mount *m, const char *name)
{
  for (size_t i = 0; i < m->options.len; i++)
    if (strcmp(m->options.items[i], name) == 0)
      return true;
  return false;
}

/* liblxc applies mount(8)'s flags and propagation and hands every other
 * option to the filesystem as data (mode=, newinstance). The recursive
 * attributes, idmap and symfollow are hutch's own machinery (mount_setattr,
 * ID-mapped trees): refused rather than given to a filesystem as data it
 * would reject or ignore. tmpcopyup is the shim's (lxc_mount_by_shim). */
static const char *const lxc_refused_options[] = {
  "ratime",   "rdev",     "rdiratime",   "rexec",      "ridmap",       "rnoatime",   "rnodev", "rnodiratime",
  "rnoexec",  "rnorelatime", "rnostrictatime", "rnosuid", "rnosymfollow", "rrelatime", "rro",   "rrw",
  "rstrictatime", "rsuid", "rsymfollow", "idmap",     "nosymfollow",  "symfollow",
};

bool lxc_mount_option_supported(const char *opt);
bool lxc_mount_option_supported(const char *opt)
{
  for (size_t i = 0; i < sizeof lxc_refused_options / sizeof *lxc_refused_options; i++)
    if (strcmp(opt, lxc_refused_options[i]) == 0)
      return false;
  return true;
}

static bool has_dev_tmpfs(const struct oci_config *cfg)
{
  for (size_t i = 0; i < cfg->mounts.len; i++) {
    const struct oci_mount *m = &cfg->mounts.items[i];
    if (m->type && strcmp(m->type, "tmpfs") == 0 && strcmp(m->destination, "/dev") == 0)
      return true;
  }
  return false;
}

const char *lxc_shim_mount_point(const struct oci_config *cfg)
{
  return has_dev_tmpfs(cfg) ? LXC_SHIM_IN_DEV : LXC_SHIM_IN_ROOT;
}

bool lxc_mount_by_shim(const struct oci_mount *m)
{
  /* tmpcopyup needs the image's files under the mount point, copied by
   * hutch's engine: the shim mounts it. */
  return mount_is_tmpcopyup(m);
}

static bool is_cgroup(const struct oci_mount *m)
{
  return m->type && (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0);
}

static bool new_cgroupns(const struct oci_config *cfg)
{
  const struct oci_linux *l = cfg->linux_;
  for (size_t i = 0; l && i < l->namespaces.len; i++)
    if (l->namespaces.items[i].type.value == OCI_NS_CGROUP && !l->namespaces.items[i].path)
      return true;
  return false;
}

bool lxc_mount_by_hook(const struct oci_config *cfg, const struct oci_mount *m)
{
  return is_cgroup(m) && !new_cgroupns(cfg);
}

bool lxc_needs_mount_hook(const struct oci_config *cfg)
{
  const struct oci_hooks *h = cfg->hooks;
  if (h && (h->kinds[OCI_HOOK_PRESTART].len || h->kinds[OCI_HOOK_CREATE_RUNTIME].len ||
            h->kinds[OCI_HOOK_CREATE_CONTAINER].len))
    return true;
  for (size_t i = 0; i < cfg->mounts.len; i++)
    if (lxc_mount_by_hook(cfg, &cfg->mounts.items[i]))
      return true;
  return false;
}

static bool is_bind(const struct oci_mount *m)
{
  return (m->type && strcmp(m->type, "bind") == 0) || has_option(m, "bind") || has_option(m, "rbind");
}

/* Whether an earlier mount of the config covers dest: it lands in that
 * mount, which does not exist yet, so it is left for liblxc to make there. */
static bool under_earlier_mount(const struct oci_config *cfg, size_t i)
{
  const char *dest = cfg->mounts.items[i].destination;
  for (size_t k = 0; k < i; k++) {
    const char *d = cfg->mounts.items[k].destination;
    size_t n = strlen(d);
    while (n > 1 && d[n - 1] == '/')
      n--;
    if (strncmp(dest, d, n) == 0 && (dest[n] == '/' || n == 1))
      return true;
  }
  return false;
}

/* dest inside the root, through the image's symlinks (resolved in the root),
 * made when missing; relative to the root. NULL with *err. */
static char *resolve_destination(const struct lxc_plan_in *in, const char *dest, bool dir, size_t i,
                                 struct hutch_error **err)
{
  cleanup_close int fd = safe_ensure(in->root_fd, dest, dir, err);
  if (fd < 0)
    return hutch_error_prefix(err, "mounts[%zu].destination: ", i), NULL;
  char link[32], real[4096];
  ssize_t n = readlink(fd_path(fd, link), real, sizeof real - 1);
  size_t rn = strlen(in->rootfs);
  if (n <= 0)
    return hutch_fail_errno(err, "mounts[%zu].destination: %s", i, dest), NULL;
  real[n] = 0;
  if (strncmp(real, in->rootfs, rn) != 0 || (real[rn] != '/' && real[rn] != 0))
    return hutch_fail(err, EXDEV, "mounts[%zu].destination: %s is not in the root", i, dest), NULL;
  return xstrdup(real[rn] ? real + rn + 1 : ".");
}

static int plan_mount(const struct lxc_plan_in *in, const struct oci_mount *m, size_t i, struct lxc_items *out,
                      struct hutch_error **err)
{
  if (m->uid_mappings.len || m->gid_mappings.len)
    return hutch_fail(err, 0, "mounts[%zu].uidMappings: not supported by the lxc backend", i);
  const char *type = m->type ? m->type : "none";
  if (lxc_mount_by_shim(m) || lxc_mount_by_hook(in->cfg, m))
    return 0;
  if (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0) {
    /* liblxc mounts the container's own view of its cgroups. */
    if (strcmp(m->destination, "/sys/fs/cgroup") != 0)
      return hutch_fail(err, 0, "mounts[%zu].destination: the lxc backend mounts cgroups only at /sys/fs/cgroup", i);
    /* ":force": liblxc skips it in a cgroup namespace otherwise. */
    add(out, "lxc.mount.auto", has_option(m, "ro") ? "cgroup:ro:force" : "cgroup:rw:force");
    return 0;
  }
  for (size_t k = 0; k < m->options.len; k++)
    if (!lxc_mount_option_supported(m->options.items[k]))
      return hutch_fail(err, 0, "mounts[%zu].options[%zu]: \"%s\" is not supported by the lxc backend", i, k,
                        m->options.items[k]);
  bool bind = is_bind(m);
  if (has_option(m, "tmpcopyup"))
    return hutch_fail(err, 0, "mounts[%zu].options: tmpcopyup applies to tmpfs mounts only", i);
  cleanup_free char *source = NULL;
  if (bind && m->source && m->source[0] != '/')
    source = xasprintf("%s/%s", in->bundle, m->source);
  else
    source = xstrdup(m->source ? m->source : type);
  /* runc makes a missing mount point: a file for a bind of a file. */
  bool file = false;
  struct stat st;
  if (bind && stat(source, &st) < 0)
    return hutch_fail_errno(err, "mounts[%zu].source: %s", i, source);
  if (bind && !S_ISDIR(st.st_mode))
    file = true;
  struct strbuf sb = STRBUF_INIT;
  add_fstab_field(&sb, source);
  strbuf_addc(&sb, ' ');
  cleanup_free char *resolved = NULL;
  const char *dest = m->destination;
  if (in->root_fd >= 0 && !under_earlier_mount(in->cfg, i)) {
    if (!(resolved = resolve_destination(in, dest, !file, i, err))) {
      strbuf_release(&sb);
      return -1;
    }
    dest = resolved;
  }
  while (*dest == '/')
    dest++;
  add_fstab_field(&sb, *dest ? dest : ".");
  strbuf_addc(&sb, ' ');
  add_fstab_field(&sb, bind ? "none" : type);
  strbuf_addc(&sb, ' ');
  for (size_t k = 0; k < m->options.len; k++) {
    add_fstab_field(&sb, m->options.items[k]);
    strbuf_addc(&sb, ',');
  }
  if (bind && !has_option(m, "bind") && !has_option(m, "rbind"))
    strbuf_adds(&sb, "rbind,");
  strbuf_addf(&sb, "create=%s 0 0", file ? "file" : "dir");
  add(out, "lxc.mount.entry", strbuf_str(&sb));
  /* liblxc 5.0 takes one devpts off /dev/pts after the mounts (the one it
   * would make instead): a second one on top keeps the config's, in its
   * place in the order. */
  if (strcmp(type, "devpts") == 0)
    add(out, "lxc.mount.entry", strbuf_str(&sb));
  strbuf_release(&sb);
  return 0;
}

/* In a user namespace a device node cannot be made: liblxc binds the host's. */
static void plan_device_binds(const struct oci_linux *l, struct lxc_items *out)
{
  static const char *const defaults[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                                          "/dev/tty" };
  for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++)
    addf(out, "lxc.mount.entry", "%s %s none bind,create=file 0 0", defaults[i], defaults[i] + 1);
  for (size_t i = 0; l && i < l->devices.len; i++) {
    struct strbuf sb = STRBUF_INIT;
    add_fstab_field(&sb, l->devices.items[i].path);
    strbuf_addc(&sb, ' ');
    add_fstab_field(&sb, l->devices.items[i].path + 1);
    strbuf_adds(&sb, " none bind,create=file 0 0");
    add(out, "lxc.mount.entry", strbuf_str(&sb));
    strbuf_release(&sb);
  }
}

static int plan_namespaces(const struct oci_linux *l, bool *userns, struct lxc_items *out, struct hutch_error **err)
{
  struct strbuf clone = STRBUF_INIT;
  bool mount_ns = false;
  *userns = false;
  for (size_t i = 0; l && i < l->namespaces.len; i++) {
    const struct oci_namespace *ns = &l->namespaces.items[i];
    const char *name = ns_name(ns->type.value);
    if (!name) {
      strbuf_release(&clone);
      return hutch_fail(err, 0, "linux.namespaces[%zu].type: unknown", i);
    }
    if (ns->type.value == OCI_NS_MOUNT) {
      if (ns->path) {
        strbuf_release(&clone);
        return hutch_fail(err, 0, "linux.namespaces[%zu].path: joining a mount namespace is not supported by the lxc "
                                  "backend", i);
      }
      mount_ns = true;
    }
    if (ns->type.value == OCI_NS_USER && !ns->path)
      *userns = true;
    if (ns->path) {
      cleanup_free char *key = xasprintf("lxc.namespace.share.%s", name);
      add(out, key, ns->path);
    } else {
      strbuf_addf(&clone, "%s%s", clone.len ? " " : "", name);
    }
  }
  if (!mount_ns) {
    strbuf_release(&clone);
    return hutch_fail(err, 0, "linux.namespaces: the lxc backend needs a mount namespace of the container's own");
  }
  add(out, "lxc.namespace.clone", strbuf_str(&clone));
  bool new_net = strstr(strbuf_str(&clone), "net") != NULL;
  /* A network namespace of its own has the loopback device only. */
  add(out, "lxc.net.0.type", new_net ? "empty" : "none");
  strbuf_release(&clone);
  return 0;
}

static void plan_idmaps(const struct oci_linux *l, struct lxc_items *out)
{
  for (size_t i = 0; i < l->uid_mappings.len; i++) {
    const struct oci_id_mapping *m = &l->uid_mappings.items[i];
    addf(out, "lxc.idmap", "u %u %u %u", m->container_id, m->host_id, m->size);
  }
  for (size_t i = 0; i < l->gid_mappings.len; i++) {
    const struct oci_id_mapping *m = &l->gid_mappings.items[i];
    addf(out, "lxc.idmap", "g %u %u %u", m->container_id, m->host_id, m->size);
  }
}

static int plan_rlimits(const struct oci_process *p, struct lxc_items *out, struct hutch_error **err)
{
  for (size_t i = 0; p && i < p->rlimits.len; i++) {
    const struct oci_rlimit *r = &p->rlimits.items[i];
    if (strncmp(r->type, "RLIMIT_", 7) != 0)
      return hutch_fail(err, 0, "process.rlimits[%zu].type: unknown", i);
    char name[32];
    size_t k = 0;
    for (const char *c = r->type + 7; *c && k < sizeof name - 1; c++)
      name[k++] = (char) tolower((unsigned char) *c);
    name[k] = 0;
    cleanup_free char *key = xasprintf("lxc.prlimit.%s", name);
    char soft[24], hard[24];
    if (r->soft == UINT64_MAX)
      snprintf(soft, sizeof soft, "unlimited");
    else
      snprintf(soft, sizeof soft, "%llu", (unsigned long long) r->soft);
    if (r->hard == UINT64_MAX)
      snprintf(hard, sizeof hard, "unlimited");
    else
      snprintf(hard, sizeof hard, "%llu", (unsigned long long) r->hard);
    addf(out, key, "%s:%s", soft, hard);
  }
  return 0;
}

int lxc_plan(const struct lxc_plan_in *in, struct lxc_items *out, struct hutch_error **err)
{
  const struct oci_config *cfg = in->cfg;
  const struct oci_linux *l = cfg->linux_;
  const struct oci_process *p = cfg->process;
  memset(out, 0, sizeof *out);
  add(out, "lxc.log.file", in->log_file);
  add(out, "lxc.log.level", in->debug ? "DEBUG" : "ERROR");
  addf(out, "lxc.rootfs.path", "dir:%s", in->rootfs);
  add(out, "lxc.rootfs.managed", "0");
  /* Mounted where it is, as runc does, rather than at liblxc's own place:
   * hooks before pivot_root see the mounts under the bundle's root path. */
  add(out, "lxc.rootfs.mount", in->rootfs);
  /* The config's own mounts make /dev, /dev/pts and the rest. */
  add(out, "lxc.autodev", "0");
  add(out, "lxc.mount.auto", "");
  add(out, "lxc.tty.max", "0");
  add(out, "lxc.pty.max", "0");
  add(out, "lxc.console.path", "none");
  /* hutch's cgroup engine writes the limits into the cgroup liblxc makes
   * here: the same path in every hierarchy. */
  add(out, "lxc.cgroup.relative", "1");
  add(out, "lxc.cgroup.dir.container", in->cgroup_dir);
  addf(out, "lxc.cgroup.dir.monitor", "%s.monitor", in->cgroup_dir);
  /* Where a monitor that returns moves to remove its own cgroup: named for
   * the container too, and removed with it (liblxc's default, lxc.pivot,
   * would stay). */
  addf(out, "lxc.cgroup.dir.monitor.pivot", "%s.pivot", in->cgroup_dir);
  bool userns = false;
  if (plan_namespaces(l, &userns, out, err) < 0)
    goto fail;
  if (l)
    plan_idmaps(l, out);
  for (size_t i = 0; l && i < l->time_offsets.len; i++) {
    const struct oci_time_offset *t = &l->time_offsets.items[i];
    cleanup_free char *key = xasprintf("lxc.time.offset.%s", strcmp(t->clock, "boottime") == 0 ? "boot" : "monotonic");
    /* liblxc takes one number and one unit, and hands a nanosecond value
     * to the kernel unnormalised: seconds, or nanoseconds alone. */
    if (t->nanosecs.value && t->secs.value) {
      hutch_fail(err, 0, "linux.timeOffsets.%s: the lxc backend takes whole seconds or nanoseconds alone, not both",
                 t->clock);
      goto fail;
    }
    if (t->nanosecs.value)
      addf(out, key, "%lldns", (long long) t->nanosecs.value);
    else
      addf(out, key, "%llds", (long long) t->secs.value);
  }
  if (cfg->hostname && cfg->hostname[0]) {
    add(out, "lxc.uts.name", cfg->hostname);
  } else {
    /* Unset, liblxc names a new UTS namespace after the container; runc's
     * keeps the name it was copied with. */
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) == 0 && host[0])
      add(out, "lxc.uts.name", host);
  }
  if (plan_rlimits(p, out, err) < 0)
    goto fail;
  for (size_t i = 0; l && i < l->sysctl.len; i++) {
    cleanup_free char *key = xasprintf("lxc.sysctl.%s", l->sysctl.items[i].key);
    add(out, key, l->sysctl.items[i].value);
  }
  add(out, "lxc.apparmor.profile", p && p->apparmor_profile ? p->apparmor_profile : "unconfined");
  if (p && p->selinux_label)
    add(out, "lxc.selinux.context", p->selinux_label);
  for (size_t i = 0; i < cfg->mounts.len; i++)
    if (plan_mount(in, &cfg->mounts.items[i], i, out, err) < 0)
      goto fail;
  if (userns)
    plan_device_binds(l, out);
  else if (has_dev_tmpfs(cfg))
    /* liblxc may open the container's /dev/null before the shim makes the
     * devices: the host's node is bound there (the same device). */
    add(out, "lxc.mount.entry", "/dev/null dev/null none bind,create=file 0 0");
  /* The hooks of lifecycle steps 3-5 run where runc runs them: after the
   * mounts, before pivot_root. liblxc runs a hook through sh -c, so the
   * shim's path must be a plain one. */
  if (in->mount_hook) {
    for (const char *c = in->shim; *c; c++)
      if (!isalnum((unsigned char) *c) && !strchr("/._+-", *c))
        goto fail_path;
    add(out, "lxc.hook.version", "1");
    addf(out, "lxc.hook.mount", "%s hook %d", in->shim, in->sync_fd);
  }
  struct strbuf sb = STRBUF_INIT;
  add_fstab_field(&sb, in->shim);
  strbuf_addf(&sb, " %s none bind,ro,create=file 0 0", lxc_shim_mount_point(cfg));
  add(out, "lxc.mount.entry", strbuf_str(&sb));
  strbuf_release(&sb);
  return 0;
fail_path:
  hutch_fail(err, 0, "hooks: the lxc backend cannot run them from %s (a path liblxc would give to a shell)", in->shim);
fail:
  lxc_items_release(out);
  return -1;
}
