/* The steps every cgroup manager shares, and the dispatch to the one a
 * container has (manager_cgroupfs.c, manager_systemd.c, manager_none.c). */
#include "engine/cgroup/manager.h"
#include "engine/cgroup/devices.h"
#include "engine/cgroup/resources.h"
#include "engine/ipc/dbus.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

static const struct cgroup_manager_ops *ops_of(enum cgroup_manager_kind kind)
{
  switch (kind) {
  case CGROUP_MANAGER_SYSTEMD:
    return &cgroup_manager_systemd_ops;
  case CGROUP_MANAGER_NONE:
    return &cgroup_manager_none_ops;
  case CGROUP_MANAGER_CGROUPFS:
    break;
  }
  return &cgroup_manager_cgroupfs_ops;
}

void cgroup_manager_init(struct cgroup_manager *m, enum cgroup_manager_kind kind)
{
  memset(m, 0, sizeof *m);
  m->kind = kind;
  m->ops = ops_of(kind);
  arena_init(&m->arena);
}

int cgroup_manager_plan(struct cgroup_manager *m, const char *cgroups_path, const char *id,
                        const struct oci_resources *r, struct hutch_error **err)
{
  m->id = arena_strdup(&m->arena, id ? id : "");
  return m->ops->plan(m, cgroups_path, id, r, err);
}

int cgroup_manager_prepare(struct cgroup_manager *m, const struct oci_resources *r, struct hutch_error **err)
{
  return m->ops->prepare ? m->ops->prepare(m, r, err) : 0;
}

int cgroup_manager_enter(struct cgroup_manager *m, pid_t pid, const struct oci_resources *r,
                               struct hutch_error **err)
{
  return m->ops->enter ? m->ops->enter(m, pid, r, err) : 0;
}

int cgroup_manager_write_limits(struct cgroup_manager *m, const struct oci_resources *r, struct hutch_error **err)
{
  if (!r)
    return 0;
  if (r->devices.set && cgroup_apply_devices(&m->layout, &m->set, &r->devices, err) < 0)
    return -1;
  /* systemd keeps a quota rounded to its own unit; the files agree with it. */
  if (m->kind == CGROUP_MANAGER_SYSTEMD)
    r = systemd_resources_for_files(r, &m->arena);
  return cgroup_apply_resources(&m->layout, &m->set, r, false, err);
}

/* The record says "" where create made nothing; the set wants NULL. A
 * record with fewer entries than directories names nothing for the rest. */
static char **copy_strings(char *const *items, size_t len, size_t n, bool empty_is_null)
{
  char **out = xcalloc(n ? n : 1, sizeof *out);
  for (size_t i = 0; items && i < n && i < len; i++)
    out[i] = items[i] && (items[i][0] || !empty_is_null) ? xstrdup(items[i]) : NULL;
  return out;
}

int cgroup_manager_open_recorded(struct cgroup_manager *m, const oci_strings *dirs, const oci_strings *created,
                                 const char *unit, struct hutch_error **err)
{
  size_t n = dirs->len;
  cgroup_manager_init(m, unit ? CGROUP_MANAGER_SYSTEMD : n ? CGROUP_MANAGER_CGROUPFS : CGROUP_MANAGER_NONE);
  m->set.n = n;
  m->set.dirs = copy_strings(dirs->items, n, n, false);
  m->set.created = copy_strings(created->items, created->len, n, true);
  m->dirs_made = true;
  m->unit_name = unit;
  (void) err;
  return 0;
}

void cgroup_manager_adopt_planned_leaves(struct cgroup_manager *m)
{
  for (size_t i = 0; i < m->set.n; i++) {
    free(m->set.created[i]);
    m->set.created[i] = xstrdup(m->set.dirs[i]);
  }
  m->dirs_made = true;
  m->unit_name = NULL;
}

int cgroup_manager_update(struct cgroup_manager *m, const struct oci_resources *limits,
                          const struct oci_resources *merged, struct hutch_error **err)
{
  /* Only update needs the hierarchies of recorded directories, found by
   * their mount points among the ones mounted now. */
  if (!m->layout.n && m->set.n && cgroup_layout_for_dirs(m->set.dirs, m->set.n, &m->layout, err) < 0)
    return -1;
  return m->ops->update(m, limits, merged, err);
}

int cgroup_manager_destroy(struct cgroup_manager *m, struct hutch_error **err)
{
  if (!m->ops) /* never planned */
    return 0;
  if (m->ops->destroy && m->ops->destroy(m, err) < 0)
    return -1;
  if (!m->dirs_made)
    return 0;
  m->dirs_made = false;
  return m->set.n ? cgroup_remove(&m->set, err) : 0;
}

const struct cgroup_set *cgroup_manager_visible(const struct cgroup_manager *m)
{
  return m->kind == CGROUP_MANAGER_NONE ? &m->view : &m->set;
}

void cgroup_manager_release(struct cgroup_manager *m)
{
  cgroup_set_release(&m->set);
  cgroup_set_release(&m->view);
  cgroup_layout_release(&m->layout);
  dbus_close(m->bus);
  systemd_unit_release(&m->unit);
  arena_release(&m->arena);
  memset(m, 0, sizeof *m);
}
