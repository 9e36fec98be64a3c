#pragma once
/* ID-mapped mounts (mounts[].uidMappings/gidMappings, "idmap"/"ridmap").
 * Mapping a mount of a host filesystem needs CAP_SYS_ADMIN in the host's
 * user namespace, which the container's init does not have: the runtime
 * prepares each one as a detached mount tree before the init exists, and
 * the init only moves it into place. */
#include <stdbool.h>
#include <stdint.h>

#include "spec/model.h"
#include "util/error.h"

/* A user namespace holding these mappings, as an fd (for MOUNT_ATTR_IDMAP). */
int idmap_userns_fd(const oci_id_mappings *uids, const oci_id_mappings *gids, struct hutch_error **err);

/* A detached copy of source (recursive for rbind), ID-mapped through
 * userns_fd (recursively for ridmap), with the MOUNT_ATTR_* in attrs set. */
int idmap_open_tree(const char *source, bool rbind, bool ridmap, int userns_fd, uint64_t attrs,
                    struct hutch_error **err);
