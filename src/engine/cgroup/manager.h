#pragma once
/* Whoever owns a container's cgroups, behind one interface:
 *   cgroupfs  hutch makes the directories itself (v1, v2 and hybrid);
 *   systemd   a transient unit systemd makes with the init in it (runc's
 *             systemd driver), hutch making the directories in the
 *             hierarchies systemd does not manage;
 *   none      --cgroup-manager disabled: the container stays in the
 *             caller's cgroups, and a config asking for a limit is refused.
 * A launch goes through the same steps whichever it has: plan (decide,
 * nothing made), prepare (make what the init will enter), enter (the init
 * in), and destroy, of a failed launch or of a recorded container. Limits are written to the files by
 * every manager that has directories (as runc's drivers do); systemd is
 * told them too. */
#include <stdbool.h>
#include <sys/types.h>

#include "engine/cgroup/layout.h"
#include "engine/cgroup/systemd.h"
#include "spec/model.h"
#include "util/arena.h"
#include "util/error.h"

enum cgroup_manager_kind {
  CGROUP_MANAGER_CGROUPFS,
  CGROUP_MANAGER_SYSTEMD,
  CGROUP_MANAGER_NONE,
};

struct cgroup_manager;

/* Called by enter once what the manager made is known and before any
 * limit is written (systemd: the unit exists), so that the caller records
 * it first: a create killed then leaves a state that names it. */
typedef int cgroup_made_fn(void *ctx, const struct cgroup_manager *m, struct hutch_error **err);

struct cgroup_manager_ops {
  int (*plan)(struct cgroup_manager *m, const char *cgroups_path, const char *id, const struct oci_resources *r,
              struct hutch_error **err);
  int (*prepare)(struct cgroup_manager *m, const struct oci_resources *r, struct hutch_error **err);
  int (*enter)(struct cgroup_manager *m, pid_t pid, const struct oci_resources *r, struct hutch_error **err);
  /* limits: the update's fields; merged: every limit the container has
   * after it. Both are ready for the cgroups (no device list, pids by the
   * config's version). */
  int (*update)(struct cgroup_manager *m, const struct oci_resources *limits, const struct oci_resources *merged,
                struct hutch_error **err);
  /* Takes away what the manager made; a unit that will not stop is only
   * warned about (systemd collects a scope once its processes are gone). */
  int (*destroy)(struct cgroup_manager *m, struct hutch_error **err);
};

struct cgroup_manager {
  const struct cgroup_manager_ops *ops;
  enum cgroup_manager_kind kind;
  struct cgroup_layout layout;
  struct cgroup_set set;  /* the container's directories, one per hierarchy; none: empty */
  struct cgroup_set view; /* none: the caller's own, what a cgroup mount in the container shows */
  const char *id; /* the container's, as planned */
  struct systemd_unit unit;
  const char *unit_name; /* the unit once it is this container's (systemd took the job), or recorded */
  struct dbus_conn *bus;
  bool dirs_made; /* create ran: set.created says what to remove */
  cgroup_made_fn *on_made;
  void *on_made_ctx;
  struct arena arena; /* what the manager derives from the limits it is given */
};

void cgroup_manager_init(struct cgroup_manager *m, enum cgroup_manager_kind kind);

/* Where the cgroups go (linux.cgroupsPath, or the default for id) and which
 * directories prepare will make, nothing made yet; none refuses r's
 * limits here, by their path. */
int cgroup_manager_plan(struct cgroup_manager *m, const char *cgroups_path, const char *id,
                        const struct oci_resources *r, struct hutch_error **err);

/* What the init will enter: cgroupfs makes the directories and writes the
 * limits; systemd connects. The init may exist already, as long as it runs
 * nothing of the container and is in none of them yet: the launch clones it
 * first, so that its set-up overlaps with this work. */
int cgroup_manager_prepare(struct cgroup_manager *m, const struct oci_resources *r, struct hutch_error **err);

/* The init (pid) into the container's cgroups, after prepare; systemd
 * first makes the unit with it and then the rest, writing the limits once
 * on_made has recorded the unit. */
int cgroup_manager_enter(struct cgroup_manager *m, pid_t pid, const struct oci_resources *r,
                               struct hutch_error **err);

/* The limits in r (devices, then the rest) written to the directories; a
 * backend whose engine made them (lxc) calls it itself. */
int cgroup_manager_write_limits(struct cgroup_manager *m, const struct oci_resources *r, struct hutch_error **err);

/* What a later command (update, delete) works with: the recorded
 * directories, what create made of them ("" or NULL: nothing) and the
 * systemd unit (NULL: none, and no directories: no manager). */
int cgroup_manager_open_recorded(struct cgroup_manager *m, const oci_strings *dirs, const oci_strings *created,
                                 const char *unit, struct hutch_error **err);

/* delete -f of a container whose state cannot be believed: the directories
 * planned for it count as made (the leaves only: what was made above them
 * is not known), and no unit as started. */
void cgroup_manager_adopt_planned_leaves(struct cgroup_manager *m);

int cgroup_manager_update(struct cgroup_manager *m, const struct oci_resources *limits,
                          const struct oci_resources *merged, struct hutch_error **err);

/* Undoes what plan, prepare and enter made (a failed launch),
 * or what the recorded container has (delete). */
int cgroup_manager_destroy(struct cgroup_manager *m, struct hutch_error **err);

/* The cgroups a cgroup mount in the container shows. */
const struct cgroup_set *cgroup_manager_visible(const struct cgroup_manager *m);

void cgroup_manager_release(struct cgroup_manager *m);

extern const struct cgroup_manager_ops cgroup_manager_cgroupfs_ops;
extern const struct cgroup_manager_ops cgroup_manager_systemd_ops;
extern const struct cgroup_manager_ops cgroup_manager_none_ops;
