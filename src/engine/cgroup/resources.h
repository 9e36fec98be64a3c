#pragma once
/* linux.resources other than the device list (cgroup_devices.h): memory,
 * cpu, cpuset, pids, blockIO, hugepageLimits, network, rdma and unified,
 * written into the container's cgroup directories on v1, v2 and hybrid
 * hosts. */
#include <stdbool.h>

#include "engine/cgroup/layout.h"
#include "spec/model.h"
#include "util/error.h"

/* Writes the fields that are present and nothing else, so that joining an
 * existing cgroup without resources rewrites no limit. Each controller is
 * used where it is mounted: the v1 hierarchy that has it, else the cgroup2
 * hierarchy when its root offers it, in which case it is first enabled in
 * cgroup.subtree_control from that root down to the container's parent.
 * A field whose controller is on no hierarchy, or that the version in use
 * cannot express, is an error naming the field, found before anything is
 * written. `unified` is written last, so it overrides the typed fields.
 * update: a later `hutch update` rather than create; memory.checkBeforeUpdate
 * is honoured only then. NULL r writes nothing. */
int cgroup_apply_resources(const struct cgroup_layout *layout, const struct cgroup_set *set,
                           const struct oci_resources *r, bool update, struct hutch_error **err);
