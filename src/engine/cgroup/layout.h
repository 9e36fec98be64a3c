#pragma once
/* Cgroup placement of a container on cgroup v1, v2 and hybrid hosts (v1
 * controllers plus a cgroup2 mount, e.g. /sys/fs/cgroup/unified). One
 * interface whatever the layout: the container gets one directory per
 * mounted hierarchy. Resource limits are applied elsewhere; this unit only
 * finds, creates, fills, signals and removes the directories. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

enum cgroup_version {
  CGROUP_V1,
  CGROUP_V2,
};

struct cgroup_hierarchy {
  enum cgroup_version version;
  char *mountpoint;  /* "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified", "/sys/fs/cgroup" */
  char *controllers; /* v1: the mount's controller options ("cpu,cpuacct", "name=systemd"); v2: "" */
  char *self_path;   /* the caller's cgroup in this hierarchy, from /proc/self/cgroup ("/", "/user.slice") */
};

enum cgroup_layout_kind {
  CGROUP_LAYOUT_V1,     /* v1 hierarchies only */
  CGROUP_LAYOUT_HYBRID, /* v1 hierarchies and a cgroup2 mount */
  CGROUP_LAYOUT_V2,     /* one cgroup2 hierarchy */
};

struct cgroup_layout {
  enum cgroup_layout_kind kind;
  struct cgroup_hierarchy *items;
  size_t n;
};

/* Reads the mounted hierarchies from a mountinfo file (normally
 * "/proc/self/mountinfo") and the caller's membership from a cgroup file
 * (normally "/proc/self/cgroup"). v1 mounts of the same hierarchy seen more
 * than once count once; hierarchies the caller has no line for are skipped. */
int cgroup_layout_read(const char *mountinfo_path, const char *self_cgroup_path, struct cgroup_layout *out,
                       struct hutch_error **err);
void cgroup_layout_release(struct cgroup_layout *layout);

/* The container's directory in every hierarchy. */
struct cgroup_set {
  char **dirs;    /* absolute paths, one per hierarchy of the layout, same order */
  char **created; /* per dir: the outermost directory cgroup_create made (NULL: made none) */
  size_t n;
  /* Per dir: its hierarchy's controllers as the layout names them (v1: the
   * mount's, "cpu,cpuacct", "name=systemd"; v2: ""). NULL when unknown (a
   * record from a hutch that did not keep them): the directories are then
   * looked into instead. */
  char **controllers;
};

/* Whether a v1 controller list ("cpu,cpuacct") names controller. */
bool cgroup_controllers_include(const char *controllers, const char *controller, size_t len);

/* Where the container's cgroup goes, per hierarchy (OCI linux.cgroupsPath):
 *   absolute ("/a/b")  -> mountpoint + "/a/b"
 *   relative ("a/b")   -> mountpoint + self_path + "/a/b"
 *   NULL or ""         -> mountpoint + self_path + "/hutch-" + id
 * Refuses a path with a ".." component. */
int cgroup_set_compute(const struct cgroup_layout *layout, const char *cgroups_path, const char *id,
                       struct cgroup_set *out, struct hutch_error **err);

/* The caller's own cgroup in every hierarchy (nothing created). */
void cgroup_set_own(const struct cgroup_layout *layout, struct cgroup_set *out);

/* Fills set->controllers from the layout its dirs were computed from. */
void cgroup_set_note_controllers(struct cgroup_set *set, const struct cgroup_layout *layout);

/* The dir of the v1 hierarchy that has controller, else of the v2 one when
 * v2 is true; -1 when the set's controllers say there is none, -2 when it
 * does not know them. */
long cgroup_set_find(const struct cgroup_set *set, const char *controller, bool v2);

/* Fills created[] with what cgroup_create will make (the outermost missing
 * directory of each), before anything is made, so that a record of it can
 * be written first. With adopt_existing, a directory there already counts
 * as made by us (the names are hutch's own). */
void cgroup_plan_created(struct cgroup_set *set, bool adopt_existing);

/* mkdir -p of every directory, recording in created[] the outermost one it
 * made, so that cgroup_remove takes away exactly what create added. What
 * mkdir found overrides what cgroup_plan_created guessed (the hierarchy may
 * have changed in between), except a leaf the plan adopted; *changed (may
 * be NULL) is set when created[] changed, so that a record of the plan can
 * be rewritten. */
int cgroup_create(struct cgroup_set *set, bool *changed, struct hutch_error **err);

/* Moves pid into every directory (writes cgroup.procs). */
int cgroup_enter(const struct cgroup_set *set, pid_t pid, struct hutch_error **err);

/* The pids in the container's cgroup (cgroup.procs of the first directory
 * that has one, v2 preferred when it is the only hierarchy). Caller frees. */
int cgroup_pids(const struct cgroup_set *set, pid_t **pids, size_t *n, struct hutch_error **err);

/* Sends sig to every process in the cgroup; uses cgroup.kill for SIGKILL on
 * v2 when the kernel has it. */
int cgroup_signal_all(const struct cgroup_set *set, int sig, struct hutch_error **err);

/* Removes the directories cgroup_create made, innermost first, waiting
 * briefly for the kernel to release a cgroup whose last process just died.
 * Directories it did not create are left alone. */
int cgroup_remove(const struct cgroup_set *set, struct hutch_error **err);

void cgroup_set_release(struct cgroup_set *set);

/* For commands after create (update, events): the hierarchies of the
 * container's recorded directories, in the same order, found by mount
 * point among the ones mounted now. */
int cgroup_layout_for_dirs(char *const *dirs, size_t n, struct cgroup_layout *out, struct hutch_error **err);
