#pragma once
/* A container without a mount namespace of its own shares the runtime's
 * (the spec's rule for a namespace type not listed), so the mounts made for
 * it land in the host's mount table. They all hang below one bind of the
 * root filesystem onto itself; detaching that bind takes them all, and
 * delete does so. Mounts are told apart by their mount IDs, so a root
 * filesystem that is itself a mount point (an overlay from podman or
 * containerd) is never touched. */
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

struct mount_ids {
  uint64_t *ids;
  size_t n;
};

/* The IDs of the mounts whose mount point is exactly path (absolute, no
 * symlinks), bottom to top, from a mountinfo file. */
int mount_ids_at(const char *mountinfo, const char *path, struct mount_ids *out, struct hutch_error **err);
void mount_ids_release(struct mount_ids *ids);

/* The topmost mount at path that is not in before: the container's root
 * bind. 0 if there is none. */
uint64_t mount_new_at(const char *mountinfo, const char *path, const struct mount_ids *before);

/* Detaches the mount id at path, with everything mounted below it, if it is
 * still the topmost one there; a mount that is gone already is no error. */
int mount_detach_at(const char *path, uint64_t id, struct hutch_error **err);
