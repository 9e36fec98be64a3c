/* Warnings for valid fields that the chosen backend will not honour. */
#include "spec/names.h"
#include "spec/schema.h"
#include "spec/support.h"
#include "spec/validate_internal.h"
#include "spec/walk.h"

#include <string.h>

struct support_ctx {
  struct vctx *v;
  const struct oci_support *support;
};

static void not_honoured(struct vctx *v, const struct oci_support *s, const char *path, const char *what)
{
  vwarn(v, path, "%s not honoured by backend %s", what, s->backend);
}

/* Field-level: a present field whose schema path is listed as unhonoured.
 * Fields below it are not listed, so each is reported once. */
static void visit_field(const char *path, const char *schema_path, const struct oci_field *field,
                        const void *value, void *opaque)
{
  struct support_ctx *c = opaque;
  /* An empty label or profile asks for nothing, as runc reads it. */
  if (field->kind == OCI_K_STRING && !**(char *const *) value)
    return;
  for (size_t i = 0; i < c->support->n_unhonoured; i++) {
    const char *rule = c->support->unhonoured[i];
    if (strcmp(schema_path, rule) == 0)
      not_honoured(c->v, c->support, path, "set, but");
  }
}

static void check_list(struct vctx *v, const struct oci_support *s, const oci_strings *honoured, const char *name,
                       const char *path, const char *what)
{
  if (!oci_strings_contain(honoured, name))
    vwarn(v, path, "%s \"%s\" is not honoured by backend %s", what, name, s->backend);
}

static void check_hooks(struct vctx *v, const struct oci_support *s, const struct oci_features *f)
{
  const struct oci_hooks *h = v->cfg->hooks;
  if (!h)
    return;
  for (int k = 0; k < OCI_HOOK_KIND_COUNT; k++) {
    const char *kind = oci_enum_name(&oci_enum_hook_kind, k);
    if (h->kinds[k].len)
      check_list(v, s, &f->hooks, kind, vpath(v, "hooks.%s", kind), "hook kind");
  }
}

static void check_mounts(struct vctx *v, const struct oci_support *s, const struct oci_features *f)
{
  const struct oci_features_linux *fl = f->linux_;
  bool idmap = fl && fl->mount_extensions && fl->mount_extensions->idmap &&
               fl->mount_extensions->idmap->enabled.value;
  for (size_t i = 0; i < v->cfg->mounts.len; i++) {
    const struct oci_mount *m = &v->cfg->mounts.items[i];
    for (size_t j = 0; j < m->options.len; j++) {
      const char *o = m->options.items[j];
      /* Options hutch does not know go to the filesystem as data. */
      if (o && oci_mount_option_known(o))
        check_list(v, s, &f->mount_options, o, vpath(v, "mounts[%zu].options[%zu]", i, j), "mount option");
    }
    if ((m->uid_mappings.set || m->gid_mappings.set) && !idmap)
      not_honoured(v, s, vpath(v, "mounts[%zu].uidMappings", i), "ID-mapped mounts are");
  }
}

static bool flag_on(const struct oci_features_flag *flag)
{
  return flag && flag->enabled.value;
}

static void check_process(struct vctx *v, const struct oci_support *s, const struct oci_features_linux *fl)
{
  const struct oci_process *p = v->cfg->process;
  if (!p)
    return;
  if (p->capabilities) {
    const oci_strings *sets[] = { &p->capabilities->bounding, &p->capabilities->effective,
                                  &p->capabilities->inheritable, &p->capabilities->permitted,
                                  &p->capabilities->ambient };
    static const char *const names[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
    for (size_t k = 0; k < 5; k++)
      for (size_t i = 0; i < sets[k]->len; i++) {
        const char *cap = sets[k]->items[i];
        if (cap && oci_capability_lookup(cap) >= 0)
          check_list(v, s, &fl->capabilities, cap, vpath(v, "process.capabilities.%s[%zu]", names[k], i),
                     "capability");
      }
  }
  if (p->apparmor_profile && *p->apparmor_profile && !flag_on(fl->apparmor))
    not_honoured(v, s, "process.apparmorProfile", "AppArmor is");
  if (p->selinux_label && *p->selinux_label && !flag_on(fl->selinux))
    not_honoured(v, s, "process.selinuxLabel", "SELinux is");
}

static void check_seccomp(struct vctx *v, const struct oci_support *s, const struct oci_features_linux *fl)
{
  const struct oci_seccomp *sc = v->cfg->linux_->seccomp;
  if (!sc)
    return;
  if (!fl->seccomp || !fl->seccomp->enabled.value) {
    not_honoured(v, s, "linux.seccomp", "seccomp is");
    return;
  }
  const struct oci_features_seccomp *fs = fl->seccomp;
  if (sc->default_action.set)
    check_list(v, s, &fs->actions, oci_enum_name(&oci_enum_seccomp_action, sc->default_action.value),
               "linux.seccomp.defaultAction", "seccomp action");
  for (size_t i = 0; i < sc->architectures.len; i++)
    check_list(v, s, &fs->archs, oci_enum_name(&oci_enum_seccomp_arch, sc->architectures.items[i]),
               vpath(v, "linux.seccomp.architectures[%zu]", i), "seccomp architecture");
  for (size_t i = 0; i < sc->flags.len; i++)
    check_list(v, s, &fs->supported_flags, oci_enum_name(&oci_enum_seccomp_flag, sc->flags.items[i]),
               vpath(v, "linux.seccomp.flags[%zu]", i), "seccomp flag");
  for (size_t i = 0; i < sc->syscalls.len; i++) {
    const struct oci_syscall *r = &sc->syscalls.items[i];
    if (r->action.set)
      check_list(v, s, &fs->actions, oci_enum_name(&oci_enum_seccomp_action, r->action.value),
                 vpath(v, "linux.seccomp.syscalls[%zu].action", i), "seccomp action");
    for (size_t j = 0; j < r->args.len; j++)
      if (r->args.items[j].op.set)
        check_list(v, s, &fs->operators, oci_enum_name(&oci_enum_seccomp_operator, r->args.items[j].op.value),
                   vpath(v, "linux.seccomp.syscalls[%zu].args[%zu].op", i, j), "seccomp operator");
  }
}

static void check_linux(struct vctx *v, const struct oci_support *s, const struct oci_features_linux *fl)
{
  const struct oci_linux *l = v->cfg->linux_;
  if (!l)
    return;
  for (size_t i = 0; i < l->namespaces.len; i++)
    if (l->namespaces.items[i].type.set)
      check_list(v, s, &fl->namespaces, oci_enum_name(&oci_enum_namespace_type, l->namespaces.items[i].type.value),
                 vpath(v, "linux.namespaces[%zu].type", i), "namespace type");
  bool cgroups = fl->cgroup && (fl->cgroup->v1.value || fl->cgroup->v2.value);
  if (l->resources && !cgroups)
    not_honoured(v, s, "linux.resources", "cgroup resources are");
  if (l->resources && cgroups && l->resources->rdma.len && !fl->cgroup->rdma.value)
    not_honoured(v, s, "linux.resources.rdma", "the rdma controller is");
  check_seccomp(v, s, fl);
  if (l->intel_rdt) {
    const struct oci_features_intel_rdt *r = fl->intel_rdt;
    if (!r || !r->enabled.value)
      not_honoured(v, s, "linux.intelRdt", "Intel RDT is");
    else if (l->intel_rdt->schemata.set && !r->schemata.value)
      not_honoured(v, s, "linux.intelRdt.schemata", "set, but");
    else if (l->intel_rdt->enable_monitoring.set && !r->monitoring.value)
      not_honoured(v, s, "linux.intelRdt.enableMonitoring", "set, but");
  }
  if (l->memory_policy) {
    const struct oci_features_memory_policy *m = fl->memory_policy;
    static const oci_strings none = { NULL, 0, false };
    if (l->memory_policy->mode.set)
      check_list(v, s, m ? &m->modes : &none, oci_enum_name(&oci_enum_mpol_mode, l->memory_policy->mode.value),
                 "linux.memoryPolicy.mode", "memory policy mode");
    for (size_t i = 0; i < l->memory_policy->flags.len; i++)
      check_list(v, s, m ? &m->flags : &none, oci_enum_name(&oci_enum_mpol_flag, l->memory_policy->flags.items[i]),
                 vpath(v, "linux.memoryPolicy.flags[%zu]", i), "memory policy flag");
  }
  if (l->net_devices.len && !flag_on(fl->net_devices))
    not_honoured(v, s, "linux.netDevices", "moving network devices is");
  if (l->mount_label && *l->mount_label && !flag_on(fl->selinux))
    not_honoured(v, s, "linux.mountLabel", "SELinux is");
}

void oci_config_check_support(const struct oci_config *cfg, const struct oci_support *support,
                              struct diag_list *diags)
{
  struct vctx v = { .cfg = cfg, .diags = diags };
  size_t first = diags->len;
  if (!support->implemented) {
    vwarn(&v, "", "backend %s is not implemented yet: it cannot run this or any container", support->backend);
    return;
  }
  const struct oci_features *f = support->features;
  static const struct oci_features_linux no_linux;
  const struct oci_features_linux *fl = f->linux_ ? f->linux_ : &no_linux;
  check_hooks(&v, support, f);
  check_mounts(&v, support, f);
  check_process(&v, support, fl);
  check_linux(&v, support, fl);
  struct support_ctx c = { &v, support };
  oci_walk(&oci_type_config, cfg, visit_field, &c);
  /* A field the checks above name is often in the unhonoured list too;
   * one refusal per field, the more specific one. */
  diag_drop_repeated_paths(diags, first);
}
