#pragma once
/* Whole-file reads and atomic writes. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

/* Reads the whole file at dirfd/path (AT_FDCWD for plain paths), refusing
 * anything larger than max_size. *out is NUL-terminated; caller frees. */
int read_file_at(int dirfd, const char *path, size_t max_size, char **out, size_t *out_len,
                 struct hutch_error **err);

enum atomic_write_flags {
  ATOMIC_REPLACE = 0,
  ATOMIC_NO_REPLACE = 1, /* fail with EEXIST if the target exists */
};

/* Writes data to dirfd/name through a temporary file in the same directory,
 * fsync and rename, so readers see the old file or the new one, never half of
 * one, and a crash leaves no partial target. */
int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                         enum atomic_write_flags flags, struct hutch_error **err);
