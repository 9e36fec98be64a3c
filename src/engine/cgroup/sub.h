#pragma once
/* exec --cgroup: the sub-cgroups of the container an exec'd process goes
 * into, as runc takes them: "[<controller>[,<controller>...]:]<path>", the
 * path relative to the container's cgroup. A controller-less entry applies
 * to every hierarchy that no entry names a controller of. */
#include <stddef.h>

#include "engine/cgroup/layout.h"
#include "util/error.h"

/* layout: the hierarchies of base's directories, in the same order (see
 * cgroup_layout_for_dirs). On success *dirs gets one directory per base
 * directory (the sub-cgroup, or the base itself where no entry applies),
 * each of which exists; the caller frees them with cgroup_sub_release. On
 * cgroup v2 (a unified-only host) only one controller-less entry is
 * accepted, as runc does. */
int cgroup_sub_resolve(const struct cgroup_layout *layout, char *const *base, size_t n, const char *const *specs,
                       size_t n_specs, char ***dirs, struct hutch_error **err);
void cgroup_sub_release(char **dirs, size_t n);
