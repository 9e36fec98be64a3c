/* What the native commands share once a container exists. */
#include "backend/native/native.h"
#include "engine/cgroup/freezer.h"
#include "engine/ipc/fdpass.h"
#include "engine/process/hooks.h"
#include "engine/process/lsm.h"
#include "engine/process/attrs.h"
#include "engine/process/info.h"
#include "engine/process/resctrl.h"
#include "engine/process/setup.h"
#include "engine/process/seccomp.h"
#include "engine/state/check.h"
#include "spec/codec.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

char *record_state_json(const struct container_record *rec, enum oci_status status, pid_t pid_override)
{
  struct oci_state st;
  record_to_state(rec, status, &st);
  if (pid_override > 0)
    st.pid = (oci_opt_i64) { pid_override, true };
  /* Hooks get the OCI state only; runc's extras are for `state`. */
  st.rootfs = st.created = st.owner = NULL;
  struct strbuf out = STRBUF_INIT;
  oci_state_write(&out, &st, NULL);
  return strbuf_detach(&out);
}

struct oci_config *snapshot_read(int dir_fd, struct hutch_error **err)
{
  struct oci_config *cfg = NULL;
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  if (oci_config_read(dir_fd, CONFIG_SNAPSHOT, REGULAR_NOFOLLOW, &cfg, &diags, err) < 0)
    return NULL;
  if (!cfg || diag_count(&diags, DIAG_ERROR)) {
    oci_config_free(cfg);
    hutch_fail(err, 0, "the config snapshot in the state directory is unreadable");
    return NULL;
  }
  return cfg;
}

int container_pidfd(const struct container_record *rec)
{
  if (!rec->pid.set || rec->pid.value <= 0)
    return -1;
  pid_t pid = (pid_t) rec->pid.value;
  int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return -1;
  /* Checked after the pidfd pins it: the pid is not reused meanwhile. */
  struct cgroup_set set = record_cgroups(rec);
  if (!process_is_alive(pid, rec->start_time.value) || !process_in_cgroups(pid, &set)) {
    close(pidfd);
    return -1;
  }
  return pidfd;
}

void kill_and_wait(const struct container_record *rec)
{
  cleanup_close int pidfd = container_pidfd(rec);
  if (pidfd < 0)
    return;
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  /* A frozen process only dies once thawed. */
  struct cgroup_set set = record_cgroups(rec);
  if (cgroup_freezer_frozen(&set))
    cgroup_freezer_set(&set, false, NULL);
  /* Readable once it has exited; bounded, as a process stuck in the kernel
   * (uninterruptible I/O) may take its time. */
  struct pollfd p = { pidfd, POLLIN, 0 };
  while (poll(&p, 1, 10000) < 0 && errno == EINTR)
    ;
}

int container_destroy(struct container_dir *dir, const struct container_record *rec, const struct oci_config *cfg,
                      struct hutch_error **err)
{
  kill_and_wait(rec);
  struct cgroup_set set = record_cgroups(rec);
  /* Whatever the record says of the init, everything in the container's
   * cgroups goes: processes outlive an init without a pid namespace of its
   * own, and a create that died may have left one behind unrecorded. */
  if (set.n) {
    struct hutch_error *ignored = NULL;
    cgroup_signal_all(&set, SIGKILL, &ignored);
    hutch_error_free(ignored);
    if (cgroup_freezer_frozen(&set))
      cgroup_freezer_set(&set, false, NULL);
  }
  /* The processes are gone: their mounts in the host's table can go. One
   * that cannot is reported, not a reason to keep a dead container. */
  if (rec->host_root_mount.set && rec->rootfs) {
    struct hutch_error *merr = NULL;
    if (mount_detach_at(rec->rootfs, rec->host_root_mount.value, &merr) < 0)
      log_warning("%s", merr->msg);
    hutch_error_free(merr);
  }
  struct cgroup_manager m;
  int r = cgroup_manager_open_recorded(&m, &rec->cgroup_dirs, &rec->cgroup_created,
                                       rec->systemd_unit, err);
  if (r == 0)
    r = cgroup_manager_destroy(&m, err);
  cgroup_manager_release(&m);
  if (r == 0)
    r = resctrl_remove(rec->rdt_group_created, rec->rdt_monitor, err);
  if (r < 0)
    return -1;
  if (cfg && cfg->hooks && cfg->hooks->kinds[OCI_HOOK_POSTSTOP].len) {
    cleanup_free char *state = record_state_json(rec, OCI_STATUS_STOPPED, 0);
    hooks_run_warn_only(&cfg->hooks->kinds[OCI_HOOK_POSTSTOP], "poststop", state);
  }
  return container_dir_remove(dir, err);
}

int process_apply_attrs(const struct oci_process *p, const struct oci_linux *l, struct hutch_error **err)
{
  if (p->scheduler && process_set_scheduler(p->scheduler, err) < 0)
    return -1;
  if (p->io_priority && process_set_io_priority(p->io_priority, err) < 0)
    return -1;
  if (l && l->personality && process_set_personality(l->personality, err) < 0)
    return -1;
  if (l && l->memory_policy && process_set_memory_policy(l->memory_policy, err) < 0)
    return -1;
  return 0;
}

int process_finalize(const struct oci_process *p, const struct seccomp_program *seccomp, bool setgroups_allowed,
                     int *notify_fd, struct hutch_error **err)
{
  /* Labels take effect at exec; /proc/self/attr needs the privileges we
   * still have. */
  if (lsm_set_exec_labels(p, err) < 0)
    return -1;
  bool nnp = p->no_new_privileges.value;
  if (seccomp && !nnp && seccomp_load_program(seccomp, notify_fd, err) < 0)
    return -1;
  if (process_set_identity(p, setgroups_allowed, err) < 0)
    return -1;
  if (seccomp && nnp && seccomp_load_program(seccomp, notify_fd, err) < 0)
    return -1;
  return 0;
}

int seccomp_prepare(const struct hutch_runtime *rt, const struct oci_config *cfg, struct seccomp_program *prog,
                    struct hutch_error **err)
{
  memset(prog, 0, sizeof *prog);
  const struct oci_seccomp *sc = cfg->linux_ ? cfg->linux_->seccomp : NULL;
  if (!sc)
    return 0;
  /* '@' is not allowed in a container ID: no container can own this name. */
  cleanup_free char *cache = xasprintf("%s/@seccomp", rt->root);
  return seccomp_compile(sc, cache, prog, err);
}

int seccomp_forward(const struct oci_seccomp *sc, const struct container_record *rec, pid_t pid,
                    enum oci_status status, int notify_fd, struct hutch_error **err)
{
  if (!sc || !sc->listener_path)
    return hutch_fail(err, 0, "linux.seccomp: SCMP_ACT_NOTIFY without listenerPath");
  cleanup_close int sock = unix_connect(sc->listener_path, err);
  if (sock < 0)
    return hutch_error_prefix(err, "linux.seccomp.listenerPath: ");
  struct oci_state st = {
    .oci_version = rec->oci_version,
    .id = rec->id,
    .status = { status, true },
    .pid = { pid, true },
    .bundle = rec->bundle,
    .annotations = rec->annotations,
  };
  struct strbuf state = STRBUF_INIT;
  oci_state_write(&state, &st, NULL);
  int r = seccomp_send_listener(sock, notify_fd, rec->oci_version, pid, sc->listener_metadata, state.buf, err);
  strbuf_release(&state);
  return r;
}

int pidfd_send(int sock, pid_t pid, struct hutch_error **err)
{
  cleanup_close int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return hutch_fail_errno(err, "--pidfd-socket: pidfd_open %d", (int) pid);
  if (fd_send(sock, pidfd, "pidfd", err) < 0)
    return hutch_error_prefix(err, "--pidfd-socket: ");
  return 0;
}

int pid_file_write(const char *path, pid_t pid, struct hutch_error **err)
{
  char buf[24];
  int n = snprintf(buf, sizeof buf, "%d", (int) pid);
  return write_file_atomic_at(AT_FDCWD, path, buf, (size_t) n, 0644, ATOMIC_REPLACE, err);
}
