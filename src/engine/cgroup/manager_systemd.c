/* The systemd manager (--systemd-cgroup), as runc's systemd driver: systemd
 * makes a transient unit with the init in it, so the process never runs
 * outside its unit's accounting, and the unit's directories in the
 * hierarchies it manages; hutch makes the others, as runc's v1 driver does,
 * and still writes every limit to the files. */
#include "engine/cgroup/manager.h"
#include "engine/cgroup/resources.h"
#include "engine/ipc/dbus.h"
#include "util/log.h"


static int plan(struct cgroup_manager *m, const char *cgroups_path, const char *id, const struct oci_resources *r,
                struct hutch_error **err)
{
  (void) r;
  if (systemd_unit_from_config(cgroups_path, id, &m->unit, err) < 0)
    return -1;
  if (cgroup_layout_read("/proc/self/mountinfo", "/proc/self/cgroup", &m->layout, err) < 0)
    return -1;
  systemd_cgroup_set(&m->layout, &m->unit, &m->set);
  return 0;
}

/* Connected first: a systemd out of reach fails before the init has done
 * more than its own set-up; the unit itself needs the init's pid. */
static int prepare(struct cgroup_manager *m, const struct oci_resources *r, struct hutch_error **err)
{
  (void) r;
  return systemd_connect(&m->bus, err);
}

static int enter(struct cgroup_manager *m, pid_t pid, const struct oci_resources *r, struct hutch_error **err)
{
  bool queued = false;
  int rc = systemd_start_unit(m->bus, &m->unit, m->id, pid, m->layout.kind == CGROUP_LAYOUT_V2, r, &queued,
                              err);
  /* Named only once systemd took the job: a unit of that name that was
   * there before is not this container's to stop. */
  if (queued)
    m->unit_name = m->unit.name;
  if (rc < 0)
    return -1;
  /* created[] says exactly what cgroup_create made, also on failure. */
  m->dirs_made = true;
  if (cgroup_create(&m->set, NULL, err) < 0)
    return -1;
  if (m->on_made && m->on_made(m->on_made_ctx, m, err) < 0)
    return -1;
  if (cgroup_manager_write_limits(m, r, err) < 0)
    return -1;
  /* systemd put the init in its own hierarchies; these are the others. */
  return cgroup_enter(&m->set, pid, err);
}

/* A quota given alone is per the container's period, which systemd's
 * rounding needs to know. */
static const struct oci_resources *with_period(const struct oci_resources *r, const struct oci_resources *merged,
                                               struct arena *arena)
{
  if (!r->cpu || !r->cpu->quota.set || r->cpu->period.set || !merged->cpu || !merged->cpu->period.set)
    return r;
  struct oci_resources *copy = arena_alloc(arena, sizeof *copy);
  struct oci_cpu *cpu = arena_alloc(arena, sizeof *cpu);
  *copy = *r;
  *cpu = *r->cpu;
  cpu->period = merged->cpu->period;
  copy->cpu = cpu;
  return copy;
}

/* systemd first, as runc: it re-applies its unit's properties now and then,
 * and would put the old limits back over the files. It is given every limit
 * the container has after the update, not only the ones changed: a period
 * alone, a quota alone or swap alone mean nothing to it without the rest. */
static int update(struct cgroup_manager *m, const struct oci_resources *limits, const struct oci_resources *merged,
                  struct hutch_error **err)
{
  if (!m->bus && systemd_connect(&m->bus, err) < 0)
    return -1;
  if (systemd_set_unit_resources(m->bus, m->unit_name, m->layout.kind == CGROUP_LAYOUT_V2, merged, err) < 0)
    return -1;
  const struct oci_resources *files = systemd_resources_for_files(with_period(limits, merged, &m->arena), &m->arena);
  return cgroup_apply_resources(&m->layout, &m->set, files, true, err);
}

/* The unit goes before the directories hutch made beside it. systemd out
 * of reach does not keep a container from going: it collects a scope once
 * its processes are gone anyway. */
static int destroy(struct cgroup_manager *m, struct hutch_error **err)
{
  (void) err;
  if (!m->unit_name)
    return 0;
  cleanup_error struct hutch_error *local = NULL;
  if ((!m->bus && systemd_connect(&m->bus, &local) < 0) || systemd_stop_unit(m->bus, m->unit_name, &local) < 0)
    log_warning("%s", local->msg);
  m->unit_name = NULL;
  return 0;
}

const struct cgroup_manager_ops cgroup_manager_systemd_ops = {
  .plan = plan,
  .prepare = prepare,
  .enter = enter,
  .update = update,
  .destroy = destroy,
};
