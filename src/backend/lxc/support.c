/* What the lxc backend honours: the native engine's truth (the shim applies
 * the process and the paths after pivot_root with the same code, and the
 * cgroup engine writes the limits), less what liblxc cannot take. One table
 * for `features --backend lxc`, `validate --backend lxc` and create. */
#include "backend/lxc/lxc.h"
#include "backend/native/native.h"
#include "spec/names.h"
#include "spec/support.h"

#include <string.h>

bool lxc_mount_option_supported(const char *opt);

/* Of the spec's mount options, those liblxc's mount entries apply. */
static void mount_options(struct arena *a, oci_strings *out)
{
  char **items = arena_calloc(a, oci_mount_option_count ? oci_mount_option_count : 1, sizeof *items);
  size_t k = 0;
  for (size_t i = 0; i < oci_mount_option_count; i++)
    if (lxc_mount_option_supported(oci_mount_option_names[i]))
      items[k++] = (char *) oci_mount_option_names[i];
  *out = (oci_strings) { items, k, true };
}

static const char *const unhonoured[] = {
  "linux.intelRdt",
  "mounts[].uidMappings",
  "mounts[].gidMappings",
};

void lxc_describe(struct oci_support *out, struct arena *a)
{
  native_describe(out, a);
  out->backend = "lxc";
  struct oci_features *f = (struct oci_features *) out->features;
  f->annotations.items[0].value = arena_strdup(a, "lxc");
  mount_options(a, &f->mount_options);
  struct oci_features_linux *l = f->linux_;
  oci_opt_bool no = { false, true };
  l->mount_extensions->idmap->enabled = no;
  l->intel_rdt->enabled = l->intel_rdt->schemata = l->intel_rdt->monitoring = no;
  /* liblxc's own cgroup drivers; hutch's systemd driver is native's. */
  l->cgroup->systemd = no;
  out->unhonoured = unhonoured;
  out->n_unhonoured = sizeof unhonoured / sizeof *unhonoured;
}

