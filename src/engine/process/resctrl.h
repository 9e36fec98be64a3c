#pragma once
/* linux.intelRdt through resctrl (config-linux.md, v1.3.0 rules): the
 * container's CLOS group and its schemata, and a monitoring group. */
#include <stdbool.h>
#include <sys/types.h>

#include "spec/model.h"
#include "util/error.h"

#define RESCTRL_ROOT "/sys/fs/resctrl"

struct resctrl_placement {
  char *group;         /* the CLOS directory the container was put in */
  char *created_group; /* the same when hutch made it (removed on delete), else NULL */
  char *monitor;       /* mon_groups/<id> when enableMonitoring, else NULL */
};

/* Sets up the group for the container and moves pid into it. root is
 * RESCTRL_ROOT except in tests; a missing resctrl is an error naming the
 * field. */
int resctrl_setup(const char *root, const struct oci_intel_rdt *rdt, const char *id, pid_t pid,
                  struct resctrl_placement *out, struct hutch_error **err);

/* Removes what resctrl_setup made (never a group named by closID). */
int resctrl_remove(const char *created_group, const char *monitor, struct hutch_error **err);

void resctrl_placement_release(struct resctrl_placement *p);
