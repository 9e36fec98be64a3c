#pragma once
/* Paths inside a container's root, resolved so that nothing in the image (a
 * symlink to "/etc", "../../..") can lead outside it: every lookup is
 * openat2(RESOLVE_IN_ROOT) relative to an fd of the root. */
#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* openat2(root_fd, path, flags, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS). */
int safe_open(int root_fd, const char *path, int flags, mode_t mode);

/* Opens path (O_PATH) inside the root, creating it when missing: a
 * directory (with parents) when want_dir, else an empty file (parents as
 * directories). An existing entry of the other kind is left as it is (the
 * mount decides if it fits). */
int safe_ensure(int root_fd, const char *path, bool want_dir, struct hutch_error **err);

/* "/proc/self/fd/N" for mount(2) targets; buf must hold 32 bytes. */
const char *fd_path(int fd, char *buf);
