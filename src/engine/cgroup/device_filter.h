#pragma once
/* The device list on cgroup v2: an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE)
 * that decides like the v1 list would, attached to the container's cgroup. */
#include <stddef.h>

#include "spec/model.h"
#include "util/error.h"

/* The v1 rules that every container keeps usable (default devices). */
extern const char *const device_default_rules[];
extern const size_t device_default_rule_count;

/* Builds the program from the rules (in order, later ones win, then the
 * defaults), loads it and attaches it to the cgroup2 directory dir. */
int device_filter_attach(const char *dir, const oci_device_cgroups *rules, struct hutch_error **err);
