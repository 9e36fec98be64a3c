/* What the proxmox backend honours: the native engine's process and paths
 * (the shim applies them with the same code inside the CT), on the CT PVE
 * builds, less what a PVE container cannot be told. One table for
 * `features --backend proxmox`, `validate --backend proxmox` and create;
 * finer refusals (a joined namespace, a mount type, an id map other than
 * PVE's) are the plan's, by path (plan.c). */
#include "backend/native/native.h"
#include "backend/proxmox/proxmox.h"
#include "spec/names.h"
#include "spec/support.h"

#include <string.h>

static const char *const unhonoured[] = {
  "domainname",
  "process.apparmorProfile",
  "process.selinuxLabel",
  /* pct exec starts the process in the CT's cgroup, on any of its CPUs. */
  "process.execCPUAffinity",
  "linux.intelRdt",
  "linux.netDevices",
  "linux.timeOffsets",
  "linux.mountLabel",
  "linux.rootfsPropagation",
  "linux.resources.blockIO",
  "linux.resources.hugepageLimits",
  "linux.resources.network",
  "linux.resources.rdma",
  "linux.resources.unified",
  "linux.resources.memory.reservation",
  "linux.resources.memory.kernel",
  "linux.resources.memory.kernelTCP",
  "linux.resources.memory.swappiness",
  "linux.resources.memory.disableOOMKiller",
  "linux.resources.memory.checkBeforeUpdate",
  "linux.resources.cpu.realtimeRuntime",
  "linux.resources.cpu.realtimePeriod",
  "linux.resources.cpu.idle",
  "linux.resources.cpu.burst",
  "mounts[].uidMappings",
  "mounts[].gidMappings",
};

static void keep_only(struct arena *a, oci_strings *list, const char *const *names, size_t n)
{
  char **items = arena_calloc(a, n ? n : 1, sizeof *items);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (oci_strings_contain(list, names[i]))
      items[k++] = (char *) names[i];
  *list = (oci_strings) { items, k, true };
}

void pve_describe(struct oci_support *out, struct arena *a)
{
  native_describe(out, a);
  out->backend = "proxmox";
  struct oci_features *f = (struct oci_features *) out->features;
  f->annotations.items[0].value = arena_strdup(a, "proxmox");
  oci_features_add_extension(f, a, "annotation", PVE_ANNOTATION_PREFIX "storage", NULL, NULL,
                             "the PVE storage of the CT's root volume (over hutch.conf's proxmox.storage)");
  oci_features_add_extension(f, a, "annotation", PVE_ANNOTATION_PREFIX "rootfs-size", NULL, NULL,
                             "the size of the CT's root volume in GiB (over proxmox.rootfs-size)");
  oci_features_add_extension(f, a, "annotation", PVE_ANNOTATION_PREFIX "template-storage", NULL, NULL,
                             "the PVE storage the template tar is made in (over proxmox.template-storage)");
  /* createContainer would run in the CT's mount namespace with a path of
   * the runtime's: nothing of hutch's is there before the shim. */
  static const char *const hooks[] = { "prestart", "createRuntime", "startContainer", "poststart", "poststop" };
  keep_only(a, &f->hooks, hooks, sizeof hooks / sizeof *hooks);
  /* Every PVE CT has these of its own (user: unprivileged CTs). */
  static const char *const ns[] = { "pid", "network", "mount", "ipc", "uts", "cgroup", "user" };
  struct oci_features_linux *l = f->linux_;
  keep_only(a, &l->namespaces, ns, sizeof ns / sizeof *ns);
  /* lxc.mount.entry and mpN options; the shim sets a bind's flags and
   * mounts a tmpfs with tmpcopyup. */
  static const char *const opts[] = {
    "bind", "rbind", "ro", "rw", "nosuid", "suid", "nodev", "dev", "noexec", "exec", "noatime", "atime",
    "relatime", "norelatime", "strictatime", "nodiratime", "diratime", "private", "rprivate", "slave", "rslave",
    "tmpcopyup",
  };
  keep_only(a, &f->mount_options, opts, sizeof opts / sizeof *opts);
  oci_opt_bool no = { false, true };
  l->mount_extensions->idmap->enabled = no;
  l->intel_rdt->enabled = l->intel_rdt->schemata = l->intel_rdt->monitoring = no;
  l->apparmor->enabled = l->selinux->enabled = no; /* PVE's own profile applies */
  l->net_devices->enabled = no;
  l->cgroup->systemd = no;
  l->cgroup->rdma = no;
  /* The shim's listener fd has no agent to go to. */
  static const char *const actions[] = {
    "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",
  };
  keep_only(a, &l->seccomp->actions, actions, sizeof actions / sizeof *actions);
  out->unhonoured = unhonoured;
  out->n_unhonoured = sizeof unhonoured / sizeof *unhonoured;
}
