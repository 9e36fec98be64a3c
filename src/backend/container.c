#include "backend/container.h"
#include "backend/backend.h"
#include "engine/state/check.h"

#include <errno.h>
#include <string.h>

/* The owner of a container whose state could not be believed: the state
 * still names one if it decodes (the check is about what hutch would act
 * on, not whose it is); otherwise native's. */
static int find_backend(struct hutch_container *c, const char *named, struct hutch_error **err)
{
  if (!named) {
    c->backend = &hutch_backend_native;
    return 0;
  }
  c->backend = hutch_backend_lookup(named);
  if (!c->backend)
    return hutch_fail(err, 0, "%s: state names an unknown backend \"%s\"", c->dir.id, named);
  return 0;
}

int hutch_container_open(const char *root, const char *id, unsigned flags, struct hutch_container *c,
                         struct hutch_error **err)
{
  memset(c, 0, sizeof *c);
  arena_init(&c->arena);
  if (container_dir_open(root, id, &c->dir, err) < 0)
    return -1;
  struct container_record *rec = NULL;
  struct hutch_error *state_err = NULL;
  bool read_ok = record_read(c->dir.fd, &c->arena, &rec, &state_err) == 0;
  if (read_ok && record_check(c->dir.fd, rec, id, &state_err) == 0) {
    c->rec = rec;
    return find_backend(c, rec->backend, err);
  }
  if (find_backend(c, read_ok ? rec->backend : NULL, err) < 0) {
    hutch_error_free(state_err);
    return -1;
  }
  if (flags & HUTCH_OPEN_ANY_STATE) {
    c->state_err = state_err;
    return 0;
  }
  /* A directory without state: a create that died before its first
   * record, so nothing was made yet. */
  if (state_err->code == ENOENT) {
    hutch_error_free(state_err);
    return hutch_fail_as(err, ENOENT, "container does not exist: %s", id);
  }
  *err = state_err;
  return hutch_error_prefix(err, "%s: ", id);
}

void hutch_container_close(struct hutch_container *c)
{
  hutch_error_free(c->state_err);
  c->state_err = NULL;
  c->rec = NULL;
  arena_release(&c->arena);
  container_dir_close(&c->dir);
}
