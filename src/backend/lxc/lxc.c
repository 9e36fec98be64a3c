/* The lxc backend's operations. create and run build the container through
 * liblxc, which only hutch-lxc links: hutch executes it for them. Every later
 * command works on the record create leaves, which is the native backend's
 * kind of record (the container's pid and cgroups), with the native code. */
#include "backend/lxc/lxc.h"
#include "backend/native/native.h"
#include "engine/process/exe_guard.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* hutch-lxc sits next to hutch in a build tree, in libexecdir once
 * installed. */
static char *helper_path(void)
{
  const char *dir = exe_guard_original_dir();
  if (dir) {
    char *path = xasprintf("%s/%s", dir, LXC_HELPER_NAME);
    if (access(path, X_OK) == 0)
      return path;
    free(path);
  }
  return xasprintf("%s/%s", HUTCH_LIBEXECDIR, LXC_HELPER_NAME);
}

/* The same command line, carried out by hutch-lxc. Returns only on failure. */
static int hand_over(const struct hutch_runtime *rt, struct hutch_error **err)
{
  if (!rt->argv || !rt->argv[0])
    return hutch_fail(err, EINVAL, "lxc backend: no command line to hand to %s", LXC_HELPER_NAME);
  cleanup_free char *path = helper_path();
  char *saved = rt->argv[0];
  rt->argv[0] = path;
  exe_guard_pass_original_dir();
  execv(path, rt->argv);
  rt->argv[0] = saved;
  return hutch_fail_errno(err, "lxc backend: %s (install hutch's lxc helper, or build with liblxc)", path);
}

static int lxc_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, struct hutch_error **err)
{
  if (&hutch_lxc_engine && hutch_lxc_engine.create)
    return hutch_lxc_engine.create(rt, opts, err);
  return hand_over(rt, err);
}

static int lxc_run(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
                   struct hutch_error **err)
{
  if (&hutch_lxc_engine && hutch_lxc_engine.run)
    return hutch_lxc_engine.run(rt, opts, exit_status, err);
  return hand_over(rt, err);
}

const struct hutch_backend hutch_backend_lxc = {
  .name = "lxc",
  .summary = "an LXC container through liblxc",
  .describe = lxc_describe,
  .create = lxc_create,
  .run = lxc_run,
  .start = native_start,
  .state = native_state,
  .status = native_status,
  .kill = native_kill,
  .delete_ = native_delete,
  .exec = native_exec,
  .ps = native_ps,
  .pause = native_pause,
  .resume = native_resume,
  .update = native_update,
  .stats = native_stats,
};
