/* start: release a created container's process, then run poststart. */
#include "backend/native/native.h"
#include "engine/ipc/fdpass.h"
#include "engine/process/hooks.h"
#include "engine/ipc/sd_notify.h"
#include "engine/ipc/sync.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

/* After a failed startContainer or poststart hook: stop and destroy (the
 * spec's lifecycle steps 12 and 13), keeping the hook's error. */
static void destroy_after_failure(struct container_dir *dir, const struct container_record *rec,
                                  const struct oci_config *cfg)
{
  struct hutch_error *ignored = NULL;
  container_destroy(dir, rec, cfg, &ignored);
  hutch_error_free(ignored);
}

/* Connects to the waiting init and follows it to its exec: the seccomp
 * notify fd on the way goes to the agent, then "started" or the error. */
static int release_init(const struct container_dir *dir, const struct container_record *rec,
                        const struct oci_config *cfg, struct hutch_error **err)
{
  cleanup_free char *path = xasprintf("%s/%s", dir->path, START_SOCKET);
  cleanup_close int sock = unix_connect_type(path, SOCK_SEQPACKET, err);
  if (sock < 0)
    return -1;
  for (;;) {
    struct sync_msg msg;
    int fd = -1;
    struct hutch_error *recv_err = NULL;
    if (sync_recv(sock, &msg, &fd, &recv_err) < 0) {
      hutch_error_free(recv_err);
      return hutch_fail(err, 0, "the container process exited before it started");
    }
    switch (msg.type) {
    case SYNC_STARTED:
      return 0;
    case SYNC_ERROR:
      return hutch_fail(err, 0, "%s", msg.text);
    case SYNC_SECCOMP_FD: {
      /* The agent sees the state as runc's agents do: "creating". */
      const struct oci_seccomp *sc = cfg->linux_ ? cfg->linux_->seccomp : NULL;
      int r = seccomp_forward(sc, rec, (pid_t) rec->pid.value, OCI_STATUS_CREATING, fd, err);
      close(fd);
      if (r < 0)
        return -1;
      break;
    }
    default:
      if (fd >= 0)
        close(fd);
      return hutch_fail(err, EPROTO, "start: unexpected message %u from the container process", msg.type);
    }
  }
}

int native_start(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err)
{
  (void) rt;
  struct container_dir *dir = &c->dir;
  struct container_record *rec = c->rec;
  struct oci_config *cfg = NULL;
  cleanup_close int notify_sock = -1;
  int r = -1;
  switch (container_status(dir->fd, rec, true)) {
  case OCI_STATUS_CREATED:
    break;
  case OCI_STATUS_STOPPED:
    hutch_fail(err, 0, "cannot start a container that has stopped");
    goto out;
  case OCI_STATUS_CREATING:
    hutch_fail(err, 0, "cannot start a container that is still being created");
    goto out;
  default:
    hutch_fail(err, 0, "cannot start an already running container");
    goto out;
  }
  if (!(cfg = snapshot_read(dir->fd, err)))
    goto out;
  if (!cfg->process) {
    /* It can never start: stop it rather than leave it waiting forever. */
    kill_and_wait(rec);
    hutch_fail(err, 0, "process: required to start the container (config.json has none)");
    goto out;
  }
  /* Recorded first: a state that cannot be written (a full disk) must fail
   * start before the process runs, not after, so the answer is the truth. */
  rec->started = (oci_opt_bool) { true, true };
  if (record_write(dir->fd, rec, err) < 0)
    goto out;
  /* sd_notify: bound before the process runs, so no early READY is lost. */
  struct stat nd;
  if (notify_host_socket() && fstatat(dir->fd, NOTIFY_DIR, &nd, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(nd.st_mode) &&
      (notify_sock = notify_socket_bind(dir->fd, err)) < 0)
    goto out;
  if (release_init(dir, rec, cfg, err) < 0) {
    destroy_after_failure(dir, rec, cfg);
    goto out;
  }
  unlinkat(dir->fd, START_SOCKET, 0);
  if (cfg->hooks && cfg->hooks->kinds[OCI_HOOK_POSTSTART].len) {
    cleanup_free char *state = record_state_json(rec, OCI_STATUS_RUNNING, 0);
    /* Since 1.3.0 a failing poststart hook stops the container. */
    if (hooks_run(&cfg->hooks->kinds[OCI_HOOK_POSTSTART], "poststart", state, err) < 0) {
      destroy_after_failure(dir, rec, cfg);
      goto out;
    }
  }
  /* As runc: start returns once the container has said it is ready. */
  if (notify_sock >= 0) {
    cleanup_close int pidfd = container_pidfd(rec);
    if (pidfd >= 0 && notify_forward_ready(notify_sock, pidfd, notify_host_socket(), (pid_t) rec->pid.value, err) < 0)
      goto out;
  }
  r = 0;
out:
  oci_config_free(cfg);
  return r;
}
