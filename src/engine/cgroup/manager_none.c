/* --cgroup-manager disabled: the container stays in the caller's cgroups,
 * which it shows through a cgroup mount, and records none, so no later
 * command signals or removes them. Nothing holds a limit. */
#include "engine/cgroup/manager.h"
#include "util/log.h"

/* A config asking for a limit is refused by its path rather than run
 * without it. The device list every engine sends is only warned about:
 * without the devices cgroup the nodes in /dev are what the container can
 * reach. */
static int refuse_limits(const struct oci_resources *r, struct hutch_error **err)
{
  if (!r)
    return 0;
  static const char why[] = "cannot be honoured with --cgroup-manager disabled (no cgroups)";
  const char *field = r->memory                ? "memory"
                      : r->cpu                 ? "cpu"
                      : r->block_io            ? "blockIO"
                      : r->hugepage_limits.len ? "hugepageLimits"
                      : r->network             ? "network"
                      : r->pids                ? "pids"
                      : r->rdma.len            ? "rdma"
                      : r->unified.len         ? "unified"
                                               : NULL;
  if (field)
    return hutch_fail(err, 0, "linux.resources.%s: %s", field, why);
  if (r->devices.len)
    log_warning("linux.resources.devices: not enforced with --cgroup-manager disabled (no devices cgroup)");
  return 0;
}

static int plan(struct cgroup_manager *m, const char *cgroups_path, const char *id, const struct oci_resources *r,
                struct hutch_error **err)
{
  (void) cgroups_path;
  (void) id;
  if (refuse_limits(r, err) < 0 ||
      cgroup_layout_read("/proc/self/mountinfo", "/proc/self/cgroup", &m->layout, err) < 0)
    return -1;
  cgroup_set_own(&m->layout, &m->view);
  return 0;
}

static int update(struct cgroup_manager *m, const struct oci_resources *limits, const struct oci_resources *merged,
                  struct hutch_error **err)
{
  (void) m;
  (void) merged;
  return refuse_limits(limits, err);
}

const struct cgroup_manager_ops cgroup_manager_none_ops = {
  .plan = plan,
  .prepare = NULL,
  .enter = NULL,
  .update = update,
  .destroy = NULL,
};
