#pragma once
/* The state of a container (runtime.md "State"), as `state` prints it and as
 * hooks receive it on stdin. runc adds rootfs, created and owner; callers
 * such as containerd read them, so hutch writes them too. */
#include <stdbool.h>

#include "spec/model.h"
#include "util/strbuf.h"

enum oci_status {
  OCI_STATUS_CREATING,
  OCI_STATUS_CREATED,
  OCI_STATUS_RUNNING,
  OCI_STATUS_STOPPED,
  OCI_STATUS_PAUSED, /* runc's addition, which containerd and podman rely on */
  OCI_STATUS_COUNT
};

struct oci_state {
  char *oci_version;
  char *id;
  oci_opt_enum status; /* enum oci_status */
  oci_opt_i64 pid;     /* absent while creating; 0 once stopped (as runc) */
  char *bundle;        /* absolute */
  oci_string_map annotations;
  char *rootfs;
  char *created; /* RFC 3339 */
  char *owner;
};

extern const struct oci_type oci_type_state;
extern const struct oci_enum oci_enum_status;

/* Writes the state JSON. */
void oci_state_write(struct strbuf *out, const struct oci_state *state, const char *indent);
