/* state, kill, delete and ps of an existing container. */
#include "backend/native/native.h"
#include "engine/cgroup_freezer.h"
#include "engine/cgroup_stats.h"
#include "engine/process_info.h"
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

/* Opens, locks and reads a container; on success the caller releases. */
static int open_container(const struct hutch_runtime *rt, const char *id, struct container_dir *dir,
                          struct arena *arena, struct container_record **rec, struct hutch_error **err)
{
  if (container_dir_open(rt->root, id, dir, err) < 0)
    return -1;
  arena_init(arena);
  if (record_read(dir->fd, arena, rec, err) < 0) {
    /* A directory without state: a create that crashed. Nothing runs there. */
    if ((*err)->code == ENOENT) {
      hutch_error_free(*err);
      *err = NULL;
      hutch_fail_as(err, ENOENT, "container does not exist: %s", id);
    }
    arena_release(arena);
    container_dir_close(dir);
    return -1;
  }
  return 0;
}

int native_state(const struct hutch_runtime *rt, const char *id, struct strbuf *json, struct hutch_error **err)
{
  struct container_dir dir;
  struct arena arena;
  struct container_record *rec;
  if (open_container(rt, id, &dir, &arena, &rec, err) < 0)
    return -1;
  struct oci_state st;
  record_to_state(rec, container_status(dir.fd, rec), &st);
  oci_state_write(json, &st, "  ");
  arena_release(&arena);
  container_dir_close(&dir);
  return 0;
}

static int signal_init(const struct container_record *rec, int sig, struct hutch_error **err)
{
  pid_t pid = (pid_t) rec->pid.value;
  cleanup_close int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
  /* The pidfd pins the process; the start time proves it is ours. */
  if (pidfd < 0 || !process_is_alive(pid, rec->start_time.value))
    return hutch_fail_as(err, ESRCH, "container not running");
  if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
    return hutch_fail_errno(err, "kill");
  return 0;
}

int native_kill(const struct hutch_runtime *rt, const char *id, int sig, bool all, struct hutch_error **err)
{
  struct container_dir dir;
  struct arena arena;
  struct container_record *rec;
  if (open_container(rt, id, &dir, &arena, &rec, err) < 0)
    return -1;
  int r = 0;
  enum oci_status status = container_status(dir.fd, rec);
  if (status != OCI_STATUS_CREATED && status != OCI_STATUS_RUNNING && status != OCI_STATUS_PAUSED) {
    /* runc keeps --all only for this: "not running" is then no error. */
    if (!all)
      r = hutch_fail(err, 0, "container not running");
  } else if (all) {
    struct cgroup_set set = { rec->cgroup_dirs.items, rec->cgroup_created.items, rec->cgroup_dirs.len };
    r = cgroup_signal_all(&set, sig, err);
  } else {
    r = signal_init(rec, sig, err);
  }
  /* As runc: SIGKILL to a paused container takes effect at once. */
  if (r == 0 && status == OCI_STATUS_PAUSED && sig == SIGKILL)
    r = cgroup_freezer_set(rec->cgroup_dirs.items, rec->cgroup_dirs.len, false, err);
  arena_release(&arena);
  container_dir_close(&dir);
  return r;
}

int native_delete(const struct hutch_runtime *rt, const char *id, bool force, struct hutch_error **err)
{
  struct container_dir dir;
  if (container_dir_open(rt->root, id, &dir, err) < 0) {
    /* delete -f of what is not there succeeds: containerd relies on it. */
    if (force && (*err)->code == ENOENT) {
      hutch_error_free(*err);
      *err = NULL;
      return 0;
    }
    return -1;
  }
  struct arena arena;
  arena_init(&arena);
  struct container_record *rec = NULL;
  int r = -1;
  if (record_read(dir.fd, &arena, &rec, err) < 0) {
    /* No readable state: a crash before it was written, so nothing runs.
     * The directory goes either way; without --force, as runc, say so. */
    bool missing = (*err)->code == ENOENT;
    hutch_error_free(*err);
    *err = NULL;
    r = container_dir_remove(&dir, err);
    if (r == 0 && !force) {
      r = -1;
      if (missing)
        hutch_fail_as(err, ENOENT, "container does not exist: %s", id);
      else
        hutch_fail(err, 0, "%s: the state was unreadable; the directory was removed", id);
    }
    goto out;
  }
  enum oci_status status = container_status(dir.fd, rec);
  if ((status == OCI_STATUS_RUNNING || status == OCI_STATUS_PAUSED) && !force) {
    hutch_fail(err, 0, "cannot delete container %s that is not stopped: %s", id,
               oci_enum_name(&oci_enum_status, status));
    goto out;
  }
  if (status == OCI_STATUS_CREATING && !force) {
    hutch_fail(err, 0, "cannot delete container %s while it is being created", id);
    goto out;
  }
  struct hutch_error *cfg_err = NULL;
  struct oci_config *cfg = snapshot_read(dir.fd, &cfg_err);
  hutch_error_free(cfg_err);
  r = container_destroy(&dir, rec, cfg, err);
  oci_config_free(cfg);
out:
  arena_release(&arena);
  container_dir_close(&dir);
  return r;
}

static int set_paused(const struct hutch_runtime *rt, const char *id, bool pause, struct hutch_error **err)
{
  struct container_dir dir;
  struct arena arena;
  struct container_record *rec;
  if (open_container(rt, id, &dir, &arena, &rec, err) < 0)
    return -1;
  enum oci_status status = container_status(dir.fd, rec);
  int r;
  if (pause && status != OCI_STATUS_RUNNING)
    r = hutch_fail(err, 0, status == OCI_STATUS_PAUSED ? "container already paused" : "container not running");
  else if (!pause && status != OCI_STATUS_PAUSED)
    r = hutch_fail(err, 0, "container not paused");
  else
    r = cgroup_freezer_set(rec->cgroup_dirs.items, rec->cgroup_dirs.len, pause, err);
  arena_release(&arena);
  container_dir_close(&dir);
  return r;
}

int native_pause(const struct hutch_runtime *rt, const char *id, struct hutch_error **err)
{
  return set_paused(rt, id, true, err);
}

int native_resume(const struct hutch_runtime *rt, const char *id, struct hutch_error **err)
{
  return set_paused(rt, id, false, err);
}

int native_ps(const struct hutch_runtime *rt, const char *id, pid_t **pids, size_t *n, struct hutch_error **err)
{
  struct container_dir dir;
  struct arena arena;
  struct container_record *rec;
  if (open_container(rt, id, &dir, &arena, &rec, err) < 0)
    return -1;
  struct cgroup_set set = { rec->cgroup_dirs.items, rec->cgroup_created.items, rec->cgroup_dirs.len };
  int r;
  if (container_status(dir.fd, rec) == OCI_STATUS_STOPPED && !set.n)
    r = hutch_fail(err, 0, "container not running");
  else
    r = cgroup_pids(&set, pids, n, err);
  arena_release(&arena);
  container_dir_close(&dir);
  return r;
}

int native_stats(const struct hutch_runtime *rt, const char *id, struct json_writer *w, uint64_t *oom_kills,
                 struct hutch_error **err)
{
  struct container_dir dir;
  struct arena arena;
  struct container_record *rec;
  if (open_container(rt, id, &dir, &arena, &rec, err) < 0)
    return -1;
  int r;
  *oom_kills = 0;
  if (container_status(dir.fd, rec) == OCI_STATUS_STOPPED) {
    /* The OOM killer may be why it stopped: its count stays readable until delete. */
    *oom_kills = cgroup_oom_kills(rec->cgroup_dirs.items, rec->cgroup_dirs.len);
    r = hutch_fail_as(err, ESRCH, "container not running");
  } else if ((r = cgroup_stats_write(rec->cgroup_dirs.items, rec->cgroup_dirs.len, w, err)) == 0)
    *oom_kills = cgroup_oom_kills(rec->cgroup_dirs.items, rec->cgroup_dirs.len);
  arena_release(&arena);
  container_dir_close(&dir);
  return r;
}
