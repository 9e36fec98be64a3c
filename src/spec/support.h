#pragma once
/* What a backend honours, stated in the spec's own terms: its features
 * document (value-level: which hooks, namespaces, mount options, seccomp
 * actions...) plus the config fields it does not apply at all. Backends fill
 * this; `features` prints it and `validate --backend` checks configs against
 * it, so both always tell the same story. */
#include <stdbool.h>
#include <stddef.h>

#include "spec/features.h"
#include "spec/model.h"
#include "util/diag.h"

struct oci_support {
  const char *backend;
  bool implemented; /* false: the backend cannot run containers yet */
  const struct oci_features *features;
  /* Schema paths ("process.scheduler", "mounts[].uidMappings",
   * "linux.netDevices") that are valid but not honoured; a field matches when
   * its schema path equals an entry or lies below it. */
  const char *const *unhonoured;
  size_t n_unhonoured;
};

/* Adds a warning for every field of cfg that the backend will not honour. */
void oci_config_check_support(const struct oci_config *cfg, const struct oci_support *support,
                              struct diag_list *diags);
