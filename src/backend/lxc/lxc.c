/* The lxc backend: runs the bundle as an LXC container through liblxc. Not
 * built yet; it states that it honours nothing. */
#include "backend/backend.h"

static void lxc_describe(struct oci_support *out, struct arena *arena)
{
  hutch_describe_unimplemented(out, arena, "lxc");
}

const struct hutch_backend hutch_backend_lxc = {
  .name = "lxc",
  .summary = "an LXC container through liblxc",
  .describe = lxc_describe,
};
