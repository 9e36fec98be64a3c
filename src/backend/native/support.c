/* What the native backend honours at this commit: its features document and
 * the fields it refuses. One table, so `features`, `validate --backend
 * native` and create's refusals always agree. */
#include "backend/native/native.h"
#include "spec/names.h"
#include "spec/support.h"
#include "util/strbuf.h"

#include <string.h>

static void strings_from(struct arena *a, oci_strings *out, const char *const *names, size_t n, const char *skip1,
                         const char *skip2, const char *skip3)
{
  char **items = arena_calloc(a, n ? n : 1, sizeof *items);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    const char *name = names[i];
    if ((skip1 && strcmp(name, skip1) == 0) || (skip2 && strcmp(name, skip2) == 0) ||
        (skip3 && strcmp(name, skip3) == 0))
      continue;
    items[k++] = (char *) name;
  }
  *out = (oci_strings) { items, k, true };
}

/* Known to hutch and accepted by this kernel. */
static void supported_seccomp_flags(struct arena *a, oci_strings *out)
{
  char **items = arena_calloc(a, OCI_SECCOMP_FLAG_COUNT, sizeof *items);
  size_t k = 0;
  for (int flag = 0; flag < OCI_SECCOMP_FLAG_COUNT; flag++)
    if (seccomp_kernel_has_flag(flag))
      items[k++] = (char *) oci_enum_name(&oci_enum_seccomp_flag, flag);
  *out = (oci_strings) { items, k, true };
}

void native_describe(struct oci_support *out, struct arena *a)
{
  hutch_describe_unimplemented(out, a, "native");
  struct oci_features *f = (struct oci_features *) out->features;
  struct oci_features_linux *l = f->linux_;
  strings_from(a, &f->hooks, oci_enum_hook_kind.names, oci_enum_hook_kind.count, NULL, NULL, NULL);
  strings_from(a, &f->mount_options, oci_mount_option_names, oci_mount_option_count, NULL, NULL, NULL);
  l->mount_extensions->idmap->enabled = (oci_opt_bool) { true, true };
  /* Applied when the host runs them; refused (naming the field) otherwise. */
  l->apparmor->enabled = (oci_opt_bool) { true, true };
  /* Through /sys/fs/resctrl when it is mounted; refused naming the field otherwise. */
  l->intel_rdt->enabled = l->intel_rdt->schemata = l->intel_rdt->monitoring = (oci_opt_bool) { true, true };
  l->selinux->enabled = (oci_opt_bool) { true, true };
  l->net_devices->enabled = (oci_opt_bool) { true, true };
  strings_from(a, &l->namespaces, oci_enum_namespace_type.names, oci_enum_namespace_type.count, NULL, NULL, NULL);
  strings_from(a, &l->capabilities, oci_capability_names, oci_capability_count, NULL, NULL, NULL);
  strings_from(a, &l->memory_policy->modes, oci_enum_mpol_mode.names, oci_enum_mpol_mode.count, NULL, NULL, NULL);
  strings_from(a, &l->memory_policy->flags, oci_enum_mpol_flag.names, oci_enum_mpol_flag.count, NULL, NULL, NULL);
  l->seccomp->enabled = (oci_opt_bool) { true, true };
  /* The four newest architectures need libseccomp 2.6; the flags are
   * handed to seccomp(2) by hutch itself. */
  strings_from(a, &l->seccomp->actions, oci_enum_seccomp_action.names, oci_enum_seccomp_action.count, NULL, NULL,
               NULL);
  strings_from(a, &l->seccomp->operators, oci_enum_seccomp_operator.names, oci_enum_seccomp_operator.count, NULL, NULL,
               NULL);
  static const char *const archs[] = {
    "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_PARISC",
    "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",
  };
  strings_from(a, &l->seccomp->archs, archs, sizeof archs / sizeof *archs, NULL, NULL, NULL);
  strings_from(a, &l->seccomp->known_flags, oci_enum_seccomp_flag.names, oci_enum_seccomp_flag.count, NULL, NULL,
               NULL);
  supported_seccomp_flags(a, &l->seccomp->supported_flags);
  l->cgroup->v1 = (oci_opt_bool) { true, true };
  l->cgroup->rdma = (oci_opt_bool) { true, true };
  l->cgroup->v2 = (oci_opt_bool) { true, true };
  /* --systemd-cgroup as root; not a user's systemd instance (systemdUser). */
  l->cgroup->systemd = (oci_opt_bool) { true, true };
  out->implemented = true;
  /* No valid field is left unapplied: what this host cannot do is refused
   * by the engine when it gets there, naming the field. */
  out->unhonoured = NULL;
  out->n_unhonoured = 0;
}

