#pragma once
/* linux.resources.devices: the device allow/deny list, in order. On cgroup
 * v1 it goes to the devices controller's devices.allow/devices.deny; on a
 * cgroup2-only host it becomes an eBPF program (device_filter.h). */
#include "engine/cgroup/layout.h"
#include "spec/model.h"
#include "util/error.h"

int cgroup_apply_devices(const struct cgroup_layout *layout, const struct cgroup_set *set,
                         const oci_device_cgroups *rules, struct hutch_error **err);
