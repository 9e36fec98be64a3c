/* update: new resource limits for a container, applied to its cgroups and
 * folded into its config snapshot, so later commands see them. */
#include "backend/native/native.h"
#include "engine/cgroup/resources.h"
#include "engine/cgroup/systemd.h"
#include "engine/ipc/dbus.h"
#include "spec/codec.h"
#include "spec/config.h"
#include "spec/schema.h"
#include "spec/version.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/strbuf.h"

#include <errno.h>

/* The snapshot's resources with r folded in: what the container's limits
 * are once the update is done. */
static struct oci_resources *merge_into_snapshot(struct oci_config *cfg, const struct oci_resources *r)
{
  struct oci_linux *l = cfg->linux_;
  if (!l)
    l = cfg->linux_ = arena_calloc(&cfg->arena, 1, sizeof *l);
  if (!l->resources)
    l->resources = arena_calloc(&cfg->arena, 1, sizeof *l->resources);
  oci_overlay(&cfg->arena, &oci_type_resources, l->resources, r);
  return l->resources;
}

static int save_snapshot(int dir_fd, const struct oci_config *cfg, struct hutch_error **err)
{
  cleanup_strbuf struct strbuf out = STRBUF_INIT;
  oci_config_write(&out, cfg, NULL);
  return write_file_atomic_at(dir_fd, CONFIG_SNAPSHOT, out.buf, out.len, 0600, ATOMIC_REPLACE, err);
}

/* What goes to the cgroups of r: not the device list, which create set and
 * update never changes (runc), and the pids limit as the config's version
 * means it. pids holds the adjusted limit when one is needed. */
static struct oci_resources for_cgroups(const struct oci_resources *r, const char *version, struct oci_pids *pids)
{
  struct oci_resources out = *r;
  out.devices = (oci_device_cgroups) { NULL, 0, false };
  if (out.pids && out.pids->limit.set) {
    *pids = *out.pids;
    pids->limit.value = oci_pids_limit_effective(version, pids->limit.value);
    out.pids = pids;
  }
  return out;
}

/* systemd is given every limit the container has after the update, not
 * only the ones changed: a period alone, a quota alone or swap alone mean
 * nothing to it without the rest (runc merges the same way). */
static int tell_systemd(const char *unit, const struct cgroup_layout *layout, const struct oci_config *cfg,
                        const struct oci_resources *merged, struct hutch_error **err)
{
  struct oci_pids pids;
  struct oci_resources all = for_cgroups(merged, cfg->oci_version, &pids);
  cleanup_dbus_conn struct dbus_conn *bus = NULL;
  if (systemd_connect(&bus, err) < 0)
    return -1;
  return systemd_set_unit_resources(bus, unit, layout->kind == CGROUP_LAYOUT_V2, &all, err);
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

int native_update(const struct hutch_runtime *rt, struct hutch_container *c, const struct oci_resources *r,
                  struct hutch_error **err)
{
  (void) rt;
  const struct container_record *rec = c->rec;
  struct oci_config *cfg = NULL;
  struct cgroup_layout layout = { 0 };
  int rc = -1;
  enum oci_status status = container_status(c->dir.fd, rec, true);
  if (status == OCI_STATUS_STOPPED) {
    hutch_fail(err, 0, "container not running");
    goto out;
  }
  if (!(cfg = snapshot_read(c->dir.fd, err)))
    goto out;
  struct oci_pids pids;
  struct oci_resources limits = for_cgroups(r, cfg->oci_version, &pids);
  struct cgroup_set set = { rec->cgroup_dirs.items, rec->cgroup_created.items, rec->cgroup_dirs.len };
  if (cgroup_layout_for_dirs(set.dirs, set.n, &layout, err) < 0)
    goto out;
  const struct oci_resources *merged = merge_into_snapshot(cfg, &limits);
  const struct oci_resources *files = &limits;
  if (rec->systemd_unit) {
    /* systemd first, as runc: it re-applies its unit's properties now and
     * then, and would put the old limits back over the files. */
    if (tell_systemd(rec->systemd_unit, &layout, cfg, merged, err) < 0)
      goto out;
    files = systemd_resources_for_files(with_period(&limits, merged, &cfg->arena), &cfg->arena);
  }
  if (cgroup_apply_resources(&layout, &set, files, true, err) < 0)
    goto out;
  rc = save_snapshot(c->dir.fd, cfg, err);
out:
  cgroup_layout_release(&layout);
  oci_config_free(cfg);
  return rc;
}
