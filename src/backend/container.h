#pragma once
/* An existing container as every command after create sees it: its
 * directory opened and locked, its state read and checked once, and the
 * backend that owns it. The CLI opens it, routes by its record and hands it
 * to the backend's operation, so nothing is validated or parsed twice. */
#include <stdbool.h>

#include "engine/state/store.h"
#include "util/arena.h"
#include "util/error.h"

struct hutch_backend;

struct hutch_container {
  /* Locked. An operation may close dir.fd early to let other commands in
   * (exec, while its process runs); the rest is released by
   * hutch_container_close. */
  struct container_dir dir;
  struct arena arena;
  /* The state, checked (state_check.h) before anything in it is believed.
   * NULL only when opened with HUTCH_OPEN_ANY_STATE and the state is missing
   * or not believable: state_err then says why. */
  struct container_record *rec;
  struct hutch_error *state_err; /* code ENOENT: no state yet; EBADMSG: unreadable or not hutch's */
  const struct hutch_backend *backend;
};

enum hutch_open_flags {
  HUTCH_OPEN_STATE = 0,     /* a missing or bad state fails the open */
  HUTCH_OPEN_ANY_STATE = 1, /* it does not (delete, which cleans up either) */
};

/* Opens and locks <root>/<id> and reads its state. Fails with code ENOENT
 * "container does not exist: ID" (also for a directory without state,
 * unless HUTCH_OPEN_ANY_STATE), EBADMSG for a state that is unreadable or
 * not hutch's to have written, EPERM for a directory hutch did not make, and
 * for a state naming a backend hutch does not know. The owner is the backend
 * the state names; a directory without believable state is native's, as only
 * native writes state before the container exists. Release with
 * hutch_container_close, also after a failed open. */
int hutch_container_open(const char *root, const char *id, unsigned flags, struct hutch_container *c,
                         struct hutch_error **err);
void hutch_container_close(struct hutch_container *c);

/* For a container declared before it is opened: closing it is a no-op. */
#define HUTCH_CONTAINER_INIT { .dir = { .root_fd = -1, .fd = -1 } }

static inline void hutch_container_closep(struct hutch_container *c)
{
  hutch_container_close(c);
}
#define cleanup_container __attribute__((cleanup(hutch_container_closep)))
