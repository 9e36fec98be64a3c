/* The container's cgroups at create: where they go, which of them create
 * makes (recorded before they are made), their limits, and the systemd unit
 * under --systemd-cgroup; none at all under --cgroup-manager disabled. */
#include "backend/native/native.h"
#include "engine/cgroup/devices.h"
#include "engine/cgroup/resources.h"
#include "util/log.h"

#include <string.h>
#include <unistd.h>

void launch_record_cgroups(struct launch *l)
{
  char **created = arena_calloc(&l->cfg->arena, l->cgroups.n ? l->cgroups.n : 1, sizeof *created);
  for (size_t i = 0; i < l->cgroups.n; i++)
    created[i] = l->cgroups.created[i] ? l->cgroups.created[i] : (char *) "";
  l->rec.cgroup_created = (oci_strings) { created, l->cgroups.n, true };
}

/* --systemd-cgroup, up to the spawn: the unit's name and directories, and
 * the connection, so that a systemd out of reach fails before any process
 * exists. The unit itself needs the init's pid (launch_start_systemd_unit). */
static int setup_systemd_cgroups(struct launch *l, struct hutch_error **err)
{
  /* A user's systemd instance and its delegated subtree are another
   * driver (runc's systemdUser); hutch does not have it. */
  if (geteuid() != 0)
    return hutch_fail(err, 0, "--systemd-cgroup: rootless containers (a systemd user instance) are not supported");
  const char *path = l->cfg->linux_ ? l->cfg->linux_->cgroups_path : NULL;
  if (systemd_unit_from_config(path, l->opts->id, &l->unit, err) < 0)
    return -1;
  if (cgroup_layout_read("/proc/self/mountinfo", "/proc/self/cgroup", &l->layout, err) < 0)
    return -1;
  systemd_cgroup_set(&l->layout, &l->unit, &l->cgroups);
  return systemd_connect(&l->systemd, err);
}

/* systemd makes the unit with the init in it (as runc does, so that the
 * process never runs outside its unit's accounting), and the unit's
 * directories in the hierarchies it manages. hutch makes the others, as
 * runc's v1 driver does, then writes every limit to the files. */
int launch_start_systemd_unit(struct launch *l, struct hutch_error **err)
{
  const struct oci_resources *r = l->cfg->linux_ ? l->cfg->linux_->resources : NULL;
  int rc = systemd_start_unit(l->systemd, &l->unit, l->opts->id, l->pid, l->layout.kind == CGROUP_LAYOUT_V2, r,
                              &l->unit_started, err);
  if (rc < 0)
    return -1;
  /* Recorded only now: a unit of that name that was there before is not
   * this container's to stop. */
  l->rec.systemd_unit = l->unit.name;
  /* created[] says exactly what cgroup_create made, also on failure. */
  l->cgroups_created = true;
  if (cgroup_create(&l->cgroups, err) < 0)
    return -1;
  launch_record_cgroups(l);
  if (record_write(l->dir.fd, &l->rec, err) < 0)
    return -1;
  if (r && r->devices.set && cgroup_apply_devices(&l->layout, &l->cgroups, &r->devices, err) < 0)
    return -1;
  r = systemd_resources_for_files(r, &l->cfg->arena);
  if (r && cgroup_apply_resources(&l->layout, &l->cgroups, r, false, err) < 0)
    return -1;
  return 0;
}

/* --cgroup-manager disabled: nothing to hold a limit, so a config that asks
 * for one is refused by its path rather than run without it. The device
 * list every engine sends is only warned about: without the devices cgroup
 * the nodes in /dev are what the container can reach. */
static int check_no_cgroups(const struct launch *l, struct hutch_error **err)
{
  const struct oci_resources *r = l->cfg->linux_ ? l->cfg->linux_->resources : NULL;
  if (!r)
    return 0;
  static const char why[] = "cannot be honoured with --cgroup-manager disabled (no cgroups)";
  const char *field = r->memory            ? "memory"
                      : r->cpu             ? "cpu"
                      : r->block_io        ? "blockIO"
                      : r->hugepage_limits.len ? "hugepageLimits"
                      : r->network         ? "network"
                      : r->pids            ? "pids"
                      : r->rdma.len        ? "rdma"
                      : r->unified.len     ? "unified"
                                           : NULL;
  if (field)
    return hutch_fail(err, 0, "linux.resources.%s: %s", field, why);
  if (r->devices.len)
    log_warning("linux.resources.devices: not enforced with --cgroup-manager disabled (no devices cgroup)");
  return 0;
}

/* Where the cgroups go and which of them create will make, decided (and
 * recorded by the caller) before any is made: a create killed midway leaves
 * a state that names them, so delete -f finds and removes them. */
int launch_plan_cgroups(struct launch *l, struct hutch_error **err)
{
  if (l->rt->no_cgroups) {
    if (check_no_cgroups(l, err) < 0 ||
        cgroup_layout_read("/proc/self/mountinfo", "/proc/self/cgroup", &l->layout, err) < 0)
      return -1;
    /* A cgroup mount in the container shows the caller's cgroups; the
     * container records none, so no later command signals or removes them. */
    cgroup_set_own(&l->layout, &l->cgroup_view);
    return 0;
  }
  if (l->rt->systemd_cgroup)
    return setup_systemd_cgroups(l, err);
  if (cgroup_layout_read("/proc/self/mountinfo", "/proc/self/cgroup", &l->layout, err) < 0)
    return -1;
  const char *path = l->cfg->linux_ ? l->cfg->linux_->cgroups_path : NULL;
  if (cgroup_set_compute(&l->layout, path, l->opts->id, &l->cgroups, err) < 0)
    return hutch_error_prefix(err, "linux.cgroupsPath: ");
  /* hutch-<id> is hutch's own name: one there already was left by a create
   * that died before it could record it, and is taken over. */
  cgroup_plan_created(&l->cgroups, !path || !*path);
  return 0;
}

int launch_make_cgroups(struct launch *l, struct hutch_error **err)
{
  if (l->rt->no_cgroups || l->rt->systemd_cgroup)
    return 0;
  l->cgroups_created = true;
  if (cgroup_create(&l->cgroups, err) < 0)
    return -1;
  const struct oci_resources *r = l->cfg->linux_ ? l->cfg->linux_->resources : NULL;
  if (r && r->devices.set && cgroup_apply_devices(&l->layout, &l->cgroups, &r->devices, err) < 0)
    return -1;
  if (r && cgroup_apply_resources(&l->layout, &l->cgroups, r, false, err) < 0)
    return -1;
  return 0;
}
