#pragma once
/* pause/resume: the freezer of the container's cgroup, v1 (freezer.state)
 * or v2 (cgroup.freeze): in the directory the set's controllers name, or,
 * where the set does not know them, found by the files its directories
 * hold. */
#include <stdbool.h>
#include <stddef.h>

#include "engine/cgroup/layout.h"
#include "util/error.h"

/* Freezes or thaws, and waits until the kernel reports it done. */
int cgroup_freezer_set(const struct cgroup_set *set, bool frozen, struct hutch_error **err);

/* True when the cgroup is frozen (false without a freezer). */
bool cgroup_freezer_frozen(const struct cgroup_set *set);
