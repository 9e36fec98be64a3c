/* run: create and start in one process. In the foreground hutch stays the
 * container process's parent: it forwards signals, proxies the terminal,
 * deletes the container when the process exits and exits with its status. */
#include "backend/native/native.h"
#include "engine/process/hooks.h"
#include "engine/process/info.h"
#include "engine/ipc/sd_notify.h"
#include "engine/ipc/sync.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/log.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Tells the init to go and waits until it has exec'd (the sync socket then
 * closes) or failed (it says why). */
static int release_init(struct launch *l, struct hutch_error **err)
{
  if (sync_send(l->sync_fd, SYNC_START, 0, NULL, -1, err) < 0)
    return -1;
  for (;;) {
    struct sync_msg msg;
    int fd = -1;
    struct hutch_error *recv_err = NULL;
    if (sync_recv(l->sync_fd, &msg, &fd, &recv_err) < 0) {
      bool exec_done = recv_err->code == EPIPE;
      hutch_error_free(recv_err);
      if (exec_done)
        return 0;
      return hutch_fail(err, 0, "start: lost the container process");
    }
    if (msg.type == SYNC_ERROR)
      return hutch_fail(err, 0, "%s", msg.text);
    if (msg.type != SYNC_SECCOMP_FD) {
      if (fd >= 0)
        close(fd);
      return hutch_fail(err, EPROTO, "start: unexpected message %u", msg.type);
    }
    const struct oci_seccomp *sc = l->cfg->linux_ ? l->cfg->linux_->seccomp : NULL;
    int r = seccomp_forward(sc, &l->rec, l->pid, OCI_STATUS_CREATING, fd, err);
    close(fd);
    if (r < 0)
      return -1;
  }
}

static int poststart(struct launch *l, struct hutch_error **err)
{
  const struct oci_hooks *h = l->cfg->hooks;
  if (!h || !h->kinds[OCI_HOOK_POSTSTART].len)
    return 0;
  cleanup_free char *state = record_state_json(&l->rec, OCI_STATUS_RUNNING, 0);
  return hooks_run(&h->kinds[OCI_HOOK_POSTSTART], "poststart", state, err);
}

/* READY=1 from the container to the caller's NOTIFY_SOCKET. Detached, run
 * returns once it has passed on (as runc); in the foreground a child of
 * ours waits for it, so that signals and the terminal are served
 * meanwhile. */
static int forward_ready(struct launch *l, int sock, bool in_background, struct hutch_error **err)
{
  cleanup_close int pidfd = (int) syscall(SYS_pidfd_open, l->pid, 0);
  if (pidfd < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: pidfd_open");
  if (!in_background)
    return notify_forward_ready(sock, pidfd, notify_host_socket(), l->pid, err);
  pid_t child = fork();
  if (child < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: fork");
  if (child == 0) {
    /* Not the lock on the state directory, nor the terminal: only these. */
    int keep[] = { sock, pidfd, log_fd() };
    struct hutch_error *e = NULL;
    if (fds_close_except(3, keep, 3, &e) < 0 || notify_forward_ready(sock, pidfd, notify_host_socket(), l->pid, &e) < 0)
      log_warning("%s", e->msg);
    _exit(0);
  }
  return 0;
}

int launch_run(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, const struct launch_driver *driver,
               int *exit_status, struct hutch_error **err)
{
  struct launch l = { .rt = rt, .opts = opts, .driver = driver };
  *exit_status = 0;
  /* Orphans of a container without a pid namespace come to us to be reaped. */
  if (!opts->detach && !opts->no_subreaper)
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  /* Signals wait in the queue until foreground_wait forwards them. */
  sigset_t all, previous;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &previous);
  int r = launch_container(&l, true, err);
  cleanup_close int notify_sock = -1;
  if (r == 0 && !driver && notify_host_socket() && l.cfg->process && (notify_sock = notify_socket_bind(l.dir.fd, err)) < 0)
    r = -1;
  if (r == 0)
    r = release_init(&l, err);
  if (r == 0 && !l.rec.started.value) {
    l.rec.started = (oci_opt_bool) { true, true };
    r = record_write(l.dir.fd, &l.rec, err);
  }
  if (r == 0)
    r = poststart(&l, err);
  if (r < 0) {
    sigprocmask(SIG_SETMASK, &previous, NULL);
    launch_abort(&l);
    launch_release(&l);
    return -1;
  }
  if (notify_sock >= 0 && forward_ready(&l, notify_sock, !opts->detach, err) < 0) {
    sigprocmask(SIG_SETMASK, &previous, NULL);
    launch_abort(&l);
    launch_release(&l);
    return -1;
  }
  if (opts->detach) {
    sigprocmask(SIG_SETMASK, &previous, NULL);
    launch_release(&l);
    return 0;
  }
  /* Other commands (kill, delete, exec) need the lock while we wait. */
  struct container_record rec = l.rec;
  close(l.dir.fd);
  l.dir.fd = -1;
  r = foreground_wait(l.pid, l.pty_master, exit_status, err);
  sigprocmask(SIG_SETMASK, &previous, NULL);
  if (r == 0 && !opts->keep) {
    struct container_dir dir;
    struct hutch_error *derr = NULL;
    /* delete -f from elsewhere may have been faster: nothing left to do. */
    if (container_dir_open(rt->root, opts->id, &dir, &derr) == 0) {
      l.pid = 0;
      if (driver && driver->finished)
        driver->finished(&rec);
      if (container_destroy(&dir, &rec, l.cfg, &derr) < 0)
        log_warning("run: clean-up after exit: %s", derr->msg);
      container_dir_close(&dir);
    }
    hutch_error_free(derr);
  }
  l.pid = 0;
  launch_release(&l);
  return r;
}

int native_run(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
               struct hutch_error **err)
{
  return launch_run(rt, opts, NULL, exit_status, err);
}
