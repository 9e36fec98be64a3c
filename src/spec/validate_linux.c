/* Rules for `linux` (resources and seccomp have files of their own). */
#include "spec/names.h"
#include "spec/validate_internal.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void validate_namespaces(struct vctx *v, const struct oci_linux *l)
{
  const oci_namespaces *ns = &l->namespaces;
  for (size_t i = 0; i < ns->len; i++) {
    const struct oci_namespace *n = &ns->items[i];
    if (!n->type.set)
      continue;
    for (size_t j = 0; j < i; j++) {
      if (ns->items[j].type.set && ns->items[j].type.value == n->type.value) {
        verror(v, vpath(v, "linux.namespaces[%zu].type", i), "\"%s\" repeated (first at linux.namespaces[%zu])",
               oci_enum_name(&oci_enum_namespace_type, n->type.value), j);
        break;
      }
    }
    if (n->path && !is_absolute(n->path))
      verror(v, vpath(v, "linux.namespaces[%zu].path", i), "must be an absolute path, got \"%s\"", n->path);
  }
}

static void validate_user_mappings(struct vctx *v, const struct oci_linux *l)
{
  check_id_mappings(v, &l->uid_mappings, "linux.uidMappings");
  check_id_mappings(v, &l->gid_mappings, "linux.gidMappings");
  bool new_userns = has_new_namespace(v->cfg, OCI_NS_USER);
  bool joined_userns = find_namespace(v->cfg, OCI_NS_USER) && !new_userns;
  bool mapped = l->uid_mappings.len > 0 || l->gid_mappings.len > 0;
  const char *which = l->uid_mappings.len ? "linux.uidMappings" : "linux.gidMappings";
  /* containerd, CRI-O and podman send the mappings of a user namespace
   * they ask to join: they describe it, they are not applied. */
  if (mapped && joined_userns)
    vwarn(v, which, "describes the joined user namespace; it is not applied");
  else if (mapped && !new_userns)
    verror(v, which, "set, but linux.namespaces has no \"user\" namespace to apply it to");
  if (new_userns) {
    if (!l->uid_mappings.len)
      verror(v, "linux.uidMappings", "required with a new user namespace");
    if (!l->gid_mappings.len)
      verror(v, "linux.gidMappings", "required with a new user namespace");
  }
}

static void validate_time_offsets(struct vctx *v, const struct oci_linux *l)
{
  if (!l->time_offsets.set)
    return;
  if (l->time_offsets.len > 0 && !has_new_namespace(v->cfg, OCI_NS_TIME))
    verror(v, "linux.timeOffsets", "needs a new \"time\" namespace in linux.namespaces");
  for (size_t i = 0; i < l->time_offsets.len; i++) {
    const struct oci_time_offset *t = &l->time_offsets.items[i];
    if (strcmp(t->clock, "monotonic") != 0 && strcmp(t->clock, "boottime") != 0)
      verror(v, vpath(v, "linux.timeOffsets.%s", t->clock),
             "unknown clock (a time namespace offsets \"monotonic\" and \"boottime\" only)");
    if (t->nanosecs.set && t->nanosecs.value >= 1000000000u)
      verror(v, vpath(v, "linux.timeOffsets.%s.nanosecs", t->clock), "%u is not below 1000000000",
             (unsigned) t->nanosecs.value);
  }
}

struct device_repeat {
  struct vctx *v;
  const oci_devices *devs;
};

static void device_repeated(size_t later, size_t first, void *opaque)
{
  struct device_repeat *c = opaque;
  const struct oci_device *a = &c->devs->items[first], *b = &c->devs->items[later];
  if (a->type.value == b->type.value && a->major.value == b->major.value && a->minor.value == b->minor.value)
    return;
  verror(c->v, vpath(c->v, "linux.devices[%zu].path", later), "\"%s\" is already linux.devices[%zu], another device",
         b->path, first);
}

static void validate_devices(struct vctx *v, const struct oci_linux *l)
{
  const oci_devices *devs = &l->devices;
  for (size_t i = 0; i < devs->len; i++) {
    const struct oci_device *d = &devs->items[i];
    if (d->path && !is_absolute(d->path))
      verror(v, vpath(v, "linux.devices[%zu].path", i), "must be an absolute path, got \"%s\"", d->path);
    bool fifo = d->type.set && d->type.value == OCI_DEVICE_FIFO;
    if (d->type.set && !fifo) {
      if (!d->major.set)
        verror(v, vpath(v, "linux.devices[%zu].major", i), "required for a device of type \"%s\"",
               oci_enum_name(&oci_enum_device_type, d->type.value));
      if (!d->minor.set)
        verror(v, vpath(v, "linux.devices[%zu].minor", i), "required for a device of type \"%s\"",
               oci_enum_name(&oci_enum_device_type, d->type.value));
    }
    if (d->major.set && (d->major.value < 0 || d->major.value > 4095))
      verror(v, vpath(v, "linux.devices[%zu].major", i), "%lld is outside the kernel's 0..4095",
             (long long) d->major.value);
    if (d->minor.set && (d->minor.value < 0 || d->minor.value > 1048575))
      verror(v, vpath(v, "linux.devices[%zu].minor", i), "%lld is outside the kernel's 0..1048575",
             (long long) d->minor.value);
    /* Older containerd and Docker wrote st_mode with the file type bits
     * (e.g. 8630); runc masks them off, and so does hutch. */
    uint32_t mode = d->file_mode.value;
    if (d->file_mode.set && (mode & ~0170000u) > 07777)
      verror(v, vpath(v, "linux.devices[%zu].fileMode", i), "%u holds more than permission bits", (unsigned) mode);
    else if (d->file_mode.set && mode > 0777)
      vwarn(v, vpath(v, "linux.devices[%zu].fileMode", i), "%u has file type or special bits; only %04o is used",
            (unsigned) mode, (unsigned) (mode & 0777));
  }
  /* The same node twice is harmless; the same path for two devices is not. */
  const char **paths = xcalloc(devs->len ? devs->len : 1, sizeof *paths);
  for (size_t i = 0; i < devs->len; i++)
    paths[i] = devs->items[i].path;
  struct device_repeat ctx = { v, devs };
  for_each_repeat(paths, devs->len, device_repeated, &ctx);
  free(paths);
}

/* An interface name the kernel accepts: 1..15 bytes, no '/', ':' or space. */
static bool valid_ifname(const char *name, bool allow_template)
{
  size_t len = strlen(name);
  if (len == 0 || len > 15 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return false;
  for (const char *p = name; *p; p++) {
    if (*p == '/' || *p == ':' || isspace((unsigned char) *p))
      return false;
    if (*p == '%' && !(allow_template && strcmp(p, "%d") == 0))
      return false;
  }
  return true;
}

static void validate_net_devices(struct vctx *v, const struct oci_linux *l)
{
  const oci_net_devices *nd = &l->net_devices;
  if (nd->len > 0 && !find_namespace(v->cfg, OCI_NS_NETWORK))
    verror(v, "linux.netDevices", "needs a \"network\" entry in linux.namespaces");
  for (size_t i = 0; i < nd->len; i++) {
    const struct oci_net_device *d = &nd->items[i];
    if (!valid_ifname(d->host_name, false))
      verror(v, vpath(v, "linux.netDevices.%s", d->host_name), "not a valid interface name");
    const char *target = d->name ? d->name : d->host_name;
    if (d->name && !valid_ifname(d->name, true))
      verror(v, vpath(v, "linux.netDevices.%s.name", d->host_name),
             "\"%s\" is not a valid interface name (1 to 15 bytes, no '/', ':' or spaces; \"%%d\" only at the end)",
             d->name);
    if (strstr(target, "%d"))
      continue; /* the kernel picks a free number */
    for (size_t j = 0; j < i; j++) {
      const char *other = nd->items[j].name ? nd->items[j].name : nd->items[j].host_name;
      if (strcmp(other, target) == 0) {
        verror(v, vpath(v, "linux.netDevices.%s", d->host_name), "would be named \"%s\" like linux.netDevices.%s",
               target, nd->items[j].host_name);
        break;
      }
    }
  }
}

static bool sysctl_is(const char *key, const char *name)
{
  return strcmp(key, name) == 0;
}

/* Which namespace isolates a sysctl, or -1 when it is host-wide. */
static int sysctl_namespace(const char *key)
{
  static const char *const ipc[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
  };
  for (size_t i = 0; i < sizeof ipc / sizeof *ipc; i++)
    if (sysctl_is(key, ipc[i]))
      return OCI_NS_IPC;
  if (strncmp(key, "fs.mqueue.", 10) == 0)
    return OCI_NS_IPC;
  if (strncmp(key, "net.", 4) == 0)
    return OCI_NS_NETWORK;
  if (sysctl_is(key, "kernel.hostname") || sysctl_is(key, "kernel.domainname"))
    return OCI_NS_UTS;
  return -1;
}

/* kernel.hostname and kernel.domainname are the same setting as hostname
 * and domainname: which would win depends on the order a runtime applies
 * them, so a config that gives both must agree with itself (runc and crun
 * refuse it too). */
static void check_name_sysctl(struct vctx *v, const struct oci_kv *kv, const char *key)
{
  const char *field = sysctl_is(key, "kernel.hostname")     ? "hostname"
                      : sysctl_is(key, "kernel.domainname") ? "domainname"
                                                             : NULL;
  if (!field)
    return;
  const char *given = field[0] == 'h' ? v->cfg->hostname : v->cfg->domainname;
  if (given && given[0] && strcmp(given, kv->value) != 0)
    verror(v, vpath(v, "linux.sysctl.%s", kv->key), "\"%s\" contradicts %s \"%s\"", kv->value, field, given);
}

static void validate_sysctl(struct vctx *v, const struct oci_linux *l)
{
  for (size_t i = 0; i < l->sysctl.len; i++) {
    const struct oci_kv *kv = &l->sysctl.items[i];
    char key[256];
    size_t n = strlen(kv->key);
    if (n == 0 || n >= sizeof key || kv->key[0] == '/' || kv->key[0] == '.' || has_dotdot(kv->key) ||
        strstr(kv->key, "..")) {
      verror(v, vpath(v, "linux.sysctl.%s", kv->key), "not a sysctl name");
      continue;
    }
    /* "net/ipv4/ip_forward" and "net.ipv4.ip_forward" name the same file. */
    for (size_t k = 0; k <= n; k++)
      key[k] = kv->key[k] == '/' ? '.' : kv->key[k];
    int ns = sysctl_namespace(key);
    if (ns < 0)
      verror(v, vpath(v, "linux.sysctl.%s", kv->key), "not namespaced: it would change the host");
    else if (!find_namespace(v->cfg, (enum oci_namespace_type) ns))
      verror(v, vpath(v, "linux.sysctl.%s", kv->key), "needs a \"%s\" entry in linux.namespaces",
             oci_enum_name(&oci_enum_namespace_type, ns));
    check_name_sysctl(v, kv, key);
  }
}

static void validate_path_list(struct vctx *v, const oci_strings *paths, const char *base)
{
  for (size_t i = 0; i < paths->len; i++)
    if (paths->items[i] && !is_absolute(paths->items[i]))
      verror(v, vpath(v, "%s[%zu]", base, i), "must be an absolute path, got \"%s\"", paths->items[i]);
}

static void validate_intel_rdt(struct vctx *v, const struct oci_intel_rdt *r)
{
  if (r->clos_id && strcmp(r->clos_id, "/") != 0 &&
      (!r->clos_id[0] || strchr(r->clos_id, '/') || strcmp(r->clos_id, ".") == 0 || strcmp(r->clos_id, "..") == 0))
    verror(v, "linux.intelRdt.closID", "\"%s\" is not a resctrl group name (\"/\" or a name without '/')",
           r->clos_id);
  if (r->l3_cache_schema) {
    if (strchr(r->l3_cache_schema, '\n'))
      verror(v, "linux.intelRdt.l3CacheSchema", "must be a single line");
    else if (strncmp(r->l3_cache_schema, "L3", 2) != 0)
      vwarn(v, "linux.intelRdt.l3CacheSchema", "should start with \"L3:\"");
  }
  if (r->mem_bw_schema && (strncmp(r->mem_bw_schema, "MB:", 3) != 0 || strchr(r->mem_bw_schema, '\n')))
    verror(v, "linux.intelRdt.memBwSchema", "must be one line starting with \"MB:\", got \"%s\"", r->mem_bw_schema);
  for (size_t i = 0; i < r->schemata.len; i++)
    if (r->schemata.items[i] && strchr(r->schemata.items[i], '\n'))
      verror(v, vpath(v, "linux.intelRdt.schemata[%zu]", i), "must be a single line");
}

static void validate_memory_policy(struct vctx *v, const struct oci_memory_policy *m)
{
  if (!m->mode.set) {
    require(v, false, "linux.memoryPolicy.mode"); /* by the prose; the schema omits it */
    return;
  }
  int mode = m->mode.value;
  bool nodes = m->nodes && m->nodes[0];
  const char *name = oci_enum_name(&oci_enum_mpol_mode, mode);
  if ((mode == OCI_MPOL_DEFAULT || mode == OCI_MPOL_LOCAL) && nodes)
    verror(v, "linux.memoryPolicy.nodes", "must be empty for %s", name);
  if ((mode == OCI_MPOL_BIND || mode == OCI_MPOL_INTERLEAVE || mode == OCI_MPOL_WEIGHTED_INTERLEAVE ||
       mode == OCI_MPOL_PREFERRED_MANY) &&
      !nodes)
    verror(v, "linux.memoryPolicy.nodes", "required (non-empty) for %s", name);
  if (nodes)
    check_cpu_list(v, m->nodes, "linux.memoryPolicy.nodes");
  bool is_static = false, is_relative = false;
  for (size_t i = 0; i < m->flags.len; i++) {
    is_static |= m->flags.items[i] == OCI_MPOL_F_STATIC_NODES;
    is_relative |= m->flags.items[i] == OCI_MPOL_F_RELATIVE_NODES;
  }
  if (is_static && is_relative)
    verror(v, "linux.memoryPolicy.flags", "MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other");
}

static void validate_propagation(struct vctx *v, const struct oci_linux *l)
{
  /* crun, podman and many engines write the "r" forms (crun's default is
   * "rprivate"); the propagation is applied recursively either way, so they
   * mean what the spec's names do: a note for --debug, not a warning on
   * every run. */
  if (l->rootfs_propagation.set && l->rootfs_propagation.value >= OCI_PROPAGATION_RPRIVATE)
    diag_add(v->diags, DIAG_DEBUG, "linux.rootfsPropagation", "\"%s\" is not in the spec's list; read as \"%s\"",
          oci_enum_name(&oci_enum_propagation, l->rootfs_propagation.value),
          oci_enum_name(&oci_enum_propagation, l->rootfs_propagation.value - OCI_PROPAGATION_RPRIVATE));
}

static void validate_cgroups_path(struct vctx *v, const struct oci_linux *l)
{
  if (l->cgroups_path && has_dotdot(l->cgroups_path))
    verror(v, "linux.cgroupsPath", "\"%s\" has a \"..\" component", l->cgroups_path);
}

void validate_linux(struct vctx *v)
{
  const struct oci_linux *l = v->cfg->linux_;
  if (!l)
    return;
  validate_namespaces(v, l);
  validate_user_mappings(v, l);
  validate_time_offsets(v, l);
  validate_devices(v, l);
  validate_net_devices(v, l);
  validate_sysctl(v, l);
  validate_path_list(v, &l->masked_paths, "linux.maskedPaths");
  validate_path_list(v, &l->readonly_paths, "linux.readonlyPaths");
  validate_cgroups_path(v, l);
  validate_propagation(v, l);
  if (l->resources)
    validate_resources(v, l->resources, "linux.resources");
  if (l->seccomp)
    validate_seccomp(v, l->seccomp);
  if (l->intel_rdt)
    validate_intel_rdt(v, l->intel_rdt);
  if (l->memory_policy)
    validate_memory_policy(v, l->memory_policy);
  if (l->personality) {
    /* Required by the prose; the schema omits it. */
    require(v, l->personality->domain.set, "linux.personality.domain");
    for (size_t i = 0; i < l->personality->flags.len; i++)
      verror(v, vpath(v, "linux.personality.flags[%zu]", i), "unknown flag \"%s\" (the spec defines none)",
             l->personality->flags.items[i] ? l->personality->flags.items[i] : "");
  }
}
