#pragma once
/* pause/resume: the freezer of the container's cgroup, v1 (freezer.state)
 * or v2 (cgroup.freeze), found by the files its directories hold. */
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* Freezes or thaws, and waits until the kernel reports it done. */
int cgroup_freezer_set(char *const *dirs, size_t n, bool frozen, struct hutch_error **err);

/* True when the cgroup is frozen (false without a freezer). */
bool cgroup_freezer_frozen(char *const *dirs, size_t n);
