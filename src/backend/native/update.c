/* update: new resource limits for a container, applied to its cgroups and
 * folded into its config snapshot, so later commands see them. */
#include "backend/native/native.h"
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

int native_update(const struct hutch_runtime *rt, struct hutch_container *c, const struct oci_resources *r,
                  struct hutch_error **err)
{
  (void) rt;
  const struct container_record *rec = c->rec;
  struct oci_config *cfg = NULL;
  struct cgroup_manager m;
  cgroup_manager_init(&m, CGROUP_MANAGER_NONE);
  int rc = -1;
  enum oci_status status = container_status(c->dir.fd, rec, true);
  if (status == OCI_STATUS_STOPPED) {
    hutch_fail(err, 0, "container not running");
    goto out;
  }
  if (!(cfg = snapshot_read(c->dir.fd, err)))
    goto out;
  struct oci_pids pids, merged_pids;
  struct oci_resources limits = for_cgroups(r, cfg->oci_version, &pids);
  struct oci_resources merged = for_cgroups(merge_into_snapshot(cfg, &limits), cfg->oci_version, &merged_pids);
  if (cgroup_manager_open_recorded(&m, &rec->cgroup_dirs, &rec->cgroup_created,
                                   rec->systemd_unit, err) < 0 ||
      cgroup_manager_update(&m, &limits, &merged, err) < 0)
    goto out;
  rc = save_snapshot(c->dir.fd, cfg, err);
out:
  cgroup_manager_release(&m);
  oci_config_free(cfg);
  return rc;
}
