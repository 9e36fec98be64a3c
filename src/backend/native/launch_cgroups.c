/* The container's cgroups at create: which manager has them (the global
 * --systemd-cgroup / --cgroup-manager), and what the record says of them. */
#include "backend/native/native.h"

#include <unistd.h>

void launch_record_cgroups(struct launch *l)
{
  const struct cgroup_set *set = &l->cgroups.set;
  char **created = arena_calloc(&l->cfg->arena, set->n ? set->n : 1, sizeof *created);
  for (size_t i = 0; i < set->n; i++)
    created[i] = set->created[i] ? set->created[i] : (char *) "";
  l->rec.cgroup_dirs = (oci_strings) { set->dirs, set->n, true };
  l->rec.cgroup_created = (oci_strings) { created, set->n, true };
  l->rec.cgroup_controllers = (oci_strings) { set->controllers, set->controllers ? set->n : 0, set->controllers != NULL };
  l->rec.systemd_unit = (char *) l->cgroups.unit_name;
}

/* What the manager made beyond its plan (a systemd unit) is recorded before
 * it writes a limit. */
static int record_made(void *ctx, const struct cgroup_manager *m, struct hutch_error **err)
{
  (void) m;
  struct launch *l = ctx;
  launch_record_cgroups(l);
  return record_write(l->dir.fd, &l->rec, err);
}

/* Where the cgroups go and which of them create will make, decided (and
 * recorded by the caller) before any is made: a create killed midway leaves
 * a state that names them, so delete -f finds and removes them. */
int launch_plan_cgroups(struct launch *l, struct hutch_error **err)
{
  enum cgroup_manager_kind kind = l->rt->no_cgroups        ? CGROUP_MANAGER_NONE
                                  : l->rt->systemd_cgroup ? CGROUP_MANAGER_SYSTEMD
                                                          : CGROUP_MANAGER_CGROUPFS;
  /* A user's systemd instance and its delegated subtree are another
   * manager (runc's systemdUser); hutch does not have it. */
  if (kind == CGROUP_MANAGER_SYSTEMD && geteuid() != 0)
    return hutch_fail(err, 0, "--systemd-cgroup: rootless containers (a systemd user instance) are not supported");
  cgroup_manager_init(&l->cgroups, kind);
  l->cgroups.on_made = record_made;
  l->cgroups.on_made_ctx = l;
  const struct oci_linux *lx = l->cfg->linux_;
  return cgroup_manager_plan(&l->cgroups, lx ? lx->cgroups_path : NULL, l->opts->id, lx ? lx->resources : NULL, err);
}
