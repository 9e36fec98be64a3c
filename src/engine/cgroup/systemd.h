#pragma once
/* The systemd cgroup driver (--systemd-cgroup), as runc's: the container's
 * cgroup is a transient unit that systemd makes and removes, asked for over
 * D-Bus (dbus.h). linux.cgroupsPath is "slice:prefix:name"; the unit is
 * "prefix-name.scope" in that slice, or "name" itself when it is a slice.
 * systemd makes the unit's directory in the hierarchies it manages; hutch
 * makes it in the others and still writes every limit to the cgroup files
 * (cgroup_resources.h), as runc's drivers do. */
#include <stdbool.h>
#include <sys/types.h>

#include "engine/cgroup/layout.h"
#include "engine/ipc/dbus.h"
#include "spec/model.h"
#include "util/arena.h"
#include "util/error.h"

struct systemd_unit {
  char *slice; /* the parent slice: "system.slice", "-.slice" for the root */
  char *name;  /* "hutch-ID.scope", or a slice's own name */
  char *path;  /* below a hierarchy's mount point: "/system.slice/hutch-ID.scope" */
  bool is_slice;
};

/* systemd's unit name rules: [A-Za-z0-9:_.\-] only (no '/', so a name is
 * one path component), at most 255 bytes, a known suffix. */
bool systemd_unit_name_valid(const char *name);

/* Where a slice lives, as systemd nests slices by their dashes:
 * "a-b.slice" -> "/a.slice/a-b.slice", "-.slice" (the root) -> "". Refuses,
 * as runc does, names without the suffix, with '/', or with an empty
 * dash-separated part ("a--b.slice", "-a.slice"). */
int systemd_slice_path(const char *slice, char **out, struct hutch_error **err);

/* The unit of linux.cgroupsPath (NULL or "" means ":hutch:<id>"): runc's
 * rules; an empty slice is "system.slice". Errors name linux.cgroupsPath. */
int systemd_unit_from_config(const char *cgroups_path, const char *id, struct systemd_unit *out,
                             struct hutch_error **err);
void systemd_unit_release(struct systemd_unit *u);

/* The container's directory in every hierarchy: mount point + unit path. */
void systemd_cgroup_set(const struct cgroup_layout *layout, const struct systemd_unit *u, struct cgroup_set *out);

/* ---- unit properties (cgroup_systemd_props.c) ------------------------------ */

struct systemd_props {
  const char *id;
  const struct systemd_unit *unit;
  pid_t pid;   /* goes into the scope; 0: none */
  bool v2;     /* the cgroup v2 property names: only a v2-only host has them */
  int version; /* systemd's version, -1 when unknown */
  const struct oci_resources *resources; /* NULL: none */
};

/* Whether the properties depend on systemd's version (newer properties,
 * device rule syntax), so that it is asked only then. */
bool systemd_props_need_version(const struct oci_resources *r, bool v2);

/* Writes the a(sv) of StartTransientUnit: description, slice (or Wants=
 * for a slice), Delegate, PIDs, accounting, DefaultDependencies=no, the
 * device policy, and the limits that map to systemd's properties. */
int systemd_props_write(struct dbus_writer *w, const struct systemd_props *p, struct hutch_error **err);

/* Writes the a(sv) of SetUnitProperties: the limits of r alone, as at
 * StartTransientUnit. */
int systemd_resource_props_write(struct dbus_writer *w, const struct oci_resources *r, bool v2, int version,
                                 struct hutch_error **err);

/* systemd keeps a CPU quota in whole percents of a CPU; like runc, the
 * quota written to the cgroup files is rounded up the same way, so both
 * agree. Returns r or a copy (in arena) with the rounded quota. */
const struct oci_resources *systemd_resources_for_files(const struct oci_resources *r, struct arena *arena);

/* ---- talking to systemd ---------------------------------------------------- */

/* Connects to systemd (dbus_system_address). Failure reads
 * "--systemd-cgroup: cannot reach systemd (connect PATH: ...)". */
int systemd_connect(struct dbus_conn **out, struct hutch_error **err);

/* StartTransientUnit(unit, "replace", properties), then waits for the job
 * to finish with result "done". A unit of that name that exists is an
 * error (after one ResetFailedUnit, as runc, in case it is a failed
 * leftover). *queued: systemd took the job, so the unit may exist even if
 * this fails later, and is ours to stop. */
int systemd_start_unit(struct dbus_conn *c, const struct systemd_unit *u, const char *id, pid_t pid, bool v2,
                       const struct oci_resources *r, bool *queued, struct hutch_error **err);

/* SetUnitProperties(unit, runtime, limits of r): what `update` tells
 * systemd before it writes the files, as runc does, so that systemd does
 * not put back the old limits when it next applies the unit's. */
int systemd_set_unit_resources(struct dbus_conn *c, const char *unit, bool v2, const struct oci_resources *r,
                               struct hutch_error **err);

/* StopUnit(unit, "replace") and waits for the job, then ResetFailedUnit so a
 * unit that failed does not linger. A unit that is gone already is fine. */
int systemd_stop_unit(struct dbus_conn *c, const char *unit, struct hutch_error **err);
