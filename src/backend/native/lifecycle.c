/* state, kill, delete and ps of an existing container. */
#include "backend/native/native.h"
#include "engine/cgroup/freezer.h"
#include "engine/cgroup/stats.h"
#include "engine/process/info.h"
#include "engine/state/check.h"
#include "util/log.h"
#include "spec/config.h"
#include "spec/names.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int native_state(const struct hutch_runtime *rt, struct hutch_container *c, struct strbuf *json,
                 struct hutch_error **err)
{
  (void) rt;
  (void) err;
  struct oci_state st;
  record_to_state(c->rec, container_status(c->dir.fd, c->rec, true), &st);
  oci_state_write(json, &st, "  ");
  return 0;
}

enum oci_status native_status(const struct hutch_runtime *rt, int dir_fd, const struct container_record *rec,
                              bool creator_gone)
{
  (void) rt;
  return container_status(dir_fd, rec, creator_gone);
}

static int signal_init(const struct container_record *rec, int sig, struct hutch_error **err)
{
  cleanup_close int pidfd = container_pidfd(rec);
  if (pidfd < 0)
    return hutch_fail_as(err, ESRCH, "container not running");
  if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return hutch_fail_errno(err, "kill");
  return 0;
}

int native_kill(const struct hutch_runtime *rt, struct hutch_container *c, int sig, bool all,
                struct hutch_error **err)
{
  (void) rt;
  const struct container_record *rec = c->rec;
  int r = 0;
  enum oci_status status = container_status(c->dir.fd, rec, true);
  struct cgroup_set set = record_cgroups(rec);
  if (all && set.n) {
    /* Whatever the state says: processes outlive an init without a pid
     * namespace, and a create that died leaves no pid to go by. */
    r = cgroup_signal_all(&set, sig, err);
  } else if (status != OCI_STATUS_CREATED && status != OCI_STATUS_RUNNING && status != OCI_STATUS_PAUSED) {
    /* runc keeps --all only for this: "not running" is then no error. */
    if (!all)
      r = hutch_fail(err, 0, "container not running");
  } else {
    r = signal_init(rec, sig, err);
  }
  /* As runc: SIGKILL to a paused container takes effect at once. */
  if (r == 0 && status == OCI_STATUS_PAUSED && sig == SIGKILL)
    r = cgroup_freezer_set(&set, false, err);
  return r;
}

/* The cgroups a container of this id would have, from its config snapshot
 * (or the default place) rather than from a state that cannot be trusted:
 * each one is named for the container by construction. */
static int derive_cgroups(const struct hutch_runtime *rt, int dir_fd, const char *id, struct cgroup_manager *m,
                          struct hutch_error **err)
{
  struct hutch_error *ignored = NULL;
  struct oci_config *cfg = snapshot_read(dir_fd, &ignored);
  hutch_error_free(ignored);
  const char *path = cfg && cfg->linux_ ? cfg->linux_->cgroups_path : NULL;
  /* The plan alone: no limit is checked, nothing is made. */
  cgroup_manager_init(m, rt->systemd_cgroup ? CGROUP_MANAGER_SYSTEMD : CGROUP_MANAGER_CGROUPFS);
  int r = cgroup_manager_plan(m, path, id, NULL, err);
  oci_config_free(cfg);
  if (r < 0)
    return -1;
  cgroup_manager_adopt_planned_leaves(m);
  return 0;
}

/* delete -f of a container whose state cannot be believed: everything in
 * the cgroups derived from its id is killed, those cgroups go, and the files
 * hutch made with them. */
static int destroy_unknown(const struct hutch_runtime *rt, struct container_dir *dir, struct hutch_error **err)
{
  struct cgroup_manager m;
  int r = derive_cgroups(rt, dir->fd, dir->id, &m, err);
  if (r == 0) {
    const struct cgroup_set *set = &m.set;
    struct hutch_error *ignored = NULL;
    cgroup_signal_all(set, SIGKILL, &ignored);
    hutch_error_free(ignored);
    if (cgroup_freezer_frozen(set))
      cgroup_freezer_set(set, false, NULL);
    r = cgroup_manager_destroy(&m, err);
  }
  cgroup_manager_release(&m);
  return r < 0 ? -1 : container_dir_remove(dir, err);
}

int native_delete(const struct hutch_runtime *rt, struct hutch_container *c, bool force, struct hutch_error **err)
{
  const char *id = c->dir.id;
  if (!c->rec) {
    if (c->state_err->code == ENOENT) {
      /* No state: a create that died before its first record had made
       * nothing yet. The directory goes; without --force, as runc, say so. */
      int r = container_dir_remove(&c->dir, err);
      if (r == 0 && !force)
        r = hutch_fail_as(err, ENOENT, "container does not exist: %s", id);
      return r;
    }
    if (force) {
      log_warning("delete: %s: %s; killing what runs in the cgroups named for it", id, c->state_err->msg);
      return destroy_unknown(rt, &c->dir, err);
    }
    return hutch_fail(err, 0, "%s: %s (delete -f kills what runs in the container's cgroups and removes it)", id,
                      c->state_err->msg);
  }
  enum oci_status status = container_status(c->dir.fd, c->rec, true);
  if ((status == OCI_STATUS_RUNNING || status == OCI_STATUS_PAUSED) && !force)
    return hutch_fail(err, 0, "cannot delete container %s that is not stopped: %s", id,
                      oci_enum_name(&oci_enum_status, status));
  struct hutch_error *cfg_err = NULL;
  struct oci_config *cfg = snapshot_read(c->dir.fd, &cfg_err);
  hutch_error_free(cfg_err);
  int r = container_destroy(&c->dir, c->rec, cfg, err);
  oci_config_free(cfg);
  return r;
}

static int set_paused(struct hutch_container *c, bool pause, struct hutch_error **err)
{
  const struct container_record *rec = c->rec;
  enum oci_status status = container_status(c->dir.fd, rec, true);
  int r;
  if (pause && status != OCI_STATUS_RUNNING)
    r = hutch_fail(err, 0, status == OCI_STATUS_PAUSED ? "container already paused" : "container not running");
  else if (!pause && status != OCI_STATUS_PAUSED)
    r = hutch_fail(err, 0, "container not paused");
  else {
    struct cgroup_set set = record_cgroups(rec);
    r = cgroup_freezer_set(&set, pause, err);
  }
  return r;
}

int native_pause(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err)
{
  (void) rt;
  return set_paused(c, true, err);
}

int native_resume(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err)
{
  (void) rt;
  return set_paused(c, false, err);
}

int native_ps(const struct hutch_runtime *rt, struct hutch_container *c, pid_t **pids, size_t *n,
              struct hutch_error **err)
{
  (void) rt;
  struct cgroup_set set = record_cgroups(c->rec);
  if (container_status(c->dir.fd, c->rec, true) == OCI_STATUS_STOPPED && !set.n)
    return hutch_fail(err, 0, "container not running");
  return cgroup_pids(&set, pids, n, err);
}

int native_stats(const struct hutch_runtime *rt, struct hutch_container *c, struct json_writer *w,
                 uint64_t *oom_kills, struct hutch_error **err)
{
  (void) rt;
  const struct container_record *rec = c->rec;
  int r;
  *oom_kills = 0;
  if (container_status(c->dir.fd, rec, true) == OCI_STATUS_STOPPED) {
    /* The OOM killer may be why it stopped: its count stays readable until delete. */
    *oom_kills = cgroup_oom_kills(rec->cgroup_dirs.items, rec->cgroup_dirs.len);
    r = hutch_fail_as(err, ESRCH, "container not running");
  } else if ((r = cgroup_stats_write(rec->cgroup_dirs.items, rec->cgroup_dirs.len, w, err)) == 0)
    *oom_kills = cgroup_oom_kills(rec->cgroup_dirs.items, rec->cgroup_dirs.len);
  return r;
}
