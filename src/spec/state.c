#include "spec/state.h"
#include "spec/codec.h"
#include "spec/schema_macros.h"

static const char *const status_names[] = { "creating", "created", "running", "stopped", "paused" };
_Static_assert(ARRAY_SIZE(status_names) == OCI_STATUS_COUNT, "status names");
const struct oci_enum oci_enum_status = { "status", status_names, ARRAY_SIZE(status_names) };

#define S struct oci_state
DEFINE_TYPE(oci_type_state, struct oci_state,
  STR(S, oci_version, "ociVersion", REQUIRED),
  STR(S, id, "id", REQUIRED),
  ENUM(S, status, "status", oci_enum_status, REQUIRED),
  OI64(S, pid, "pid"),
  STR(S, bundle, "bundle", REQUIRED),
  STRMAP(S, annotations, "annotations"),
  STR(S, rootfs, "rootfs"),
  STR(S, created, "created"),
  STR(S, owner, "owner"));
#undef S

void oci_state_write(struct strbuf *out, const struct oci_state *state, const char *indent)
{
  oci_encode(out, &oci_type_state, state, indent);
}
