/* The native backend: hutch's own engine. */
#include "backend/native/native.h"

const struct hutch_backend hutch_backend_native = {
  .name = "native",
  .summary = "hutch's own engine",
  .describe = native_describe,
  .create = native_create,
  .start = native_start,
  .run = native_run,
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
