/* The cgroupfs manager: hutch makes the container's directories in every
 * mounted hierarchy, writes the limits, and moves the init in. */
#include "engine/cgroup/manager.h"
#include "engine/cgroup/resources.h"

static int plan(struct cgroup_manager *m, const char *cgroups_path, const char *id, const struct oci_resources *r,
                struct hutch_error **err)
{
  (void) r;
  if (cgroup_layout_read("/proc/self/mountinfo", "/proc/self/cgroup", &m->layout, err) < 0)
    return -1;
  if (cgroup_set_compute(&m->layout, cgroups_path, id, &m->set, err) < 0)
    return hutch_error_prefix(err, "linux.cgroupsPath: ");
  /* hutch-<id> is hutch's own name: one there already was left by a create
   * that died before it could record it, and is taken over. */
  cgroup_plan_created(&m->set, !cgroups_path || !*cgroups_path);
  return 0;
}

/* The limits are in place before the init enters: nothing of the
 * container ever runs without them. */
static int prepare(struct cgroup_manager *m, const struct oci_resources *r, struct hutch_error **err)
{
  m->dirs_made = true;
  bool replanned = false;
  if (cgroup_create(&m->set, &replanned, err) < 0)
    return -1;
  /* The hierarchy changed since the plan was recorded: the record says
   * what was made before any limit is written. */
  if (replanned && m->on_made && m->on_made(m->on_made_ctx, m, err) < 0)
    return -1;
  return cgroup_manager_write_limits(m, r, err);
}

static int enter(struct cgroup_manager *m, pid_t pid, const struct oci_resources *r, struct hutch_error **err)
{
  (void) r;
  return cgroup_enter(&m->set, pid, err);
}

static int update(struct cgroup_manager *m, const struct oci_resources *limits, const struct oci_resources *merged,
                  struct hutch_error **err)
{
  (void) merged;
  return cgroup_apply_resources(&m->layout, &m->set, limits, true, err);
}

const struct cgroup_manager_ops cgroup_manager_cgroupfs_ops = {
  .plan = plan,
  .prepare = prepare,
  .enter = enter,
  .update = update,
  .destroy = NULL,
};
