/* The native backend: hutch's own engine (namespaces, cgroups, mounts,
 * seccomp, capabilities, hooks). The engine arrives with the next issue; until
 * then this backend states that it honours nothing. */
#include "backend/backend.h"

static void native_describe(struct oci_support *out, struct arena *arena)
{
  hutch_describe_unimplemented(out, arena, "native");
}

const struct hutch_backend hutch_backend_native = {
  .name = "native",
  .summary = "hutch's own engine",
  .describe = native_describe,
};
