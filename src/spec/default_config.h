#pragma once
/* The starter config.json that `hutch spec` writes (the shape runc's has). */
#include <stdbool.h>
#include <sys/types.h>

#include "spec/model.h"

/* rootless: adjust for a caller without privileges, mapping uid/gid to root
 * in a new user namespace (as `runc spec --rootless`). */
struct oci_config *oci_default_config(bool rootless, uid_t uid, gid_t gid);
