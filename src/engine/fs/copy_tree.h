#pragma once
/* The "tmpcopyup" mount option: what an image has under a tmpfs mount point
 * is copied into the fresh tmpfs, so mounting one does not hide it. */
#include "util/error.h"

/* Copies the contents of the directory from_dir into to_dir: directories,
 * regular files, symlinks (as links, never followed), device nodes, fifos
 * and sockets, with owner, mode and times. Both are directory fds; nothing
 * outside them is reached (every name is resolved *at its parent fd
 * without following links). Owners the caller cannot set (ids not mapped
 * in its user namespace) are left as the caller's. where names the tree in
 * errors. */
int copy_tree(int from_dir, int to_dir, const char *where, struct hutch_error **err);
