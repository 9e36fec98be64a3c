/* start: release a created container's process, then run poststart. */
#include "backend/native/native.h"
#include "engine/fdpass.h"
#include "engine/hooks.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
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

/* Connects to the waiting init and reads its answer: "ok" or the error. */
static int release_init(const struct container_dir *dir, struct hutch_error **err)
{
  cleanup_free char *path = xasprintf("%s/%s", dir->path, START_SOCKET);
  cleanup_close int sock = unix_connect(path, err);
  if (sock < 0)
    return -1;
  char reply[2048];
  size_t len = 0;
  for (;;) {
    ssize_t n = read(sock, reply + len, sizeof reply - 1 - len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    len += (size_t) n;
    if (len == sizeof reply - 1)
      break;
  }
  reply[len] = '\0';
  if (strcmp(reply, "ok") == 0)
    return 0;
  return hutch_fail(err, 0, "%s", len ? reply : "the container process exited before it started");
}

int native_start(const struct hutch_runtime *rt, const char *id, struct hutch_error **err)
{
  struct container_dir dir;
  if (container_dir_open(rt->root, id, &dir, err) < 0)
    return -1;
  struct arena arena;
  arena_init(&arena);
  struct container_record *rec = NULL;
  struct oci_config *cfg = NULL;
  int r = -1;
  if (record_read(dir.fd, &arena, &rec, err) < 0)
    goto out;
  switch (container_status(dir.fd, rec)) {
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
  if (!(cfg = snapshot_read(dir.fd, err)))
    goto out;
  if (!cfg->process) {
    /* It can never start: stop it rather than leave it waiting forever. */
    kill_and_wait(rec);
    hutch_fail(err, 0, "process: required to start the container (config.json has none)");
    goto out;
  }
  if (release_init(&dir, err) < 0) {
    destroy_after_failure(&dir, rec, cfg);
    goto out;
  }
  unlinkat(dir.fd, START_SOCKET, 0);
  rec->started = (oci_opt_bool) { true, true };
  if (record_write(dir.fd, rec, err) < 0)
    goto out;
  if (cfg->hooks && cfg->hooks->kinds[OCI_HOOK_POSTSTART].len) {
    cleanup_free char *state = record_state_json(rec, OCI_STATUS_RUNNING, 0);
    /* Since 1.3.0 a failing poststart hook stops the container. */
    if (hooks_run(&cfg->hooks->kinds[OCI_HOOK_POSTSTART], "poststart", state, err) < 0) {
      destroy_after_failure(&dir, rec, cfg);
      goto out;
    }
  }
  r = 0;
out:
  oci_config_free(cfg);
  arena_release(&arena);
  container_dir_close(&dir);
  return r;
}
