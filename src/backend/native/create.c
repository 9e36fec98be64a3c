/* create: the container waits for `start`; hutch exits and the init is
 * re-parented to the caller (a shim or conmon, as a child subreaper). */
#include "backend/native/native.h"
#include "engine/process/exe_guard.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

int launch_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts,
                  const struct launch_driver *driver, struct hutch_error **err)
{
  struct launch l = { .rt = rt, .opts = opts, .driver = driver };
  int r = launch_container(&l, false, err);
  if (r < 0)
    launch_abort(&l);
  launch_release(&l);
  return r;
}

int native_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, struct hutch_error **err)
{
  return launch_create(rt, opts, NULL, err);
}
