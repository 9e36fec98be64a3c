#pragma once
/* Whole-file reads, atomic writes, and removing a tree. */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

struct stat;

/* Reads the whole file at dirfd/path (AT_FDCWD for plain paths), refusing
 * anything larger than max_size. *out is NUL-terminated; caller frees. For
 * the kernel's files (/proc, cgroupfs), which are what they say they are. */
int read_file_at(int dirfd, const char *path, size_t max_size, char **out, size_t *out_len,
                 struct hutch_error **err);

/* Reads the open fd to its end, refusing more than max_size bytes; st is
 * the fd's (it sizes the first buffer), path names it in messages. */
int read_fd_whole(int fd, const struct stat *st, const char *path, size_t max_size, char **out, size_t *out_len,
                  struct hutch_error **err);

enum regular_file_flags {
  REGULAR_FOLLOW = 0,
  REGULAR_NOFOLLOW = 1, /* a symbolic link as the last component is refused */
};

/* Opens dirfd/path for reading only if it is a regular file: the open
 * cannot block (O_NONBLOCK: a FIFO opens at once, then is refused), and a
 * device, socket or directory is refused by its kind. For every file a user,
 * a bundle or a state directory hands hutch. Returns the fd or -1 with *err. */
int open_regular_at(int dirfd, const char *path, unsigned flags, struct hutch_error **err);

/* read_file_at for such files. */
int read_regular_file_at(int dirfd, const char *path, size_t max_size, unsigned flags, char **out,
                         size_t *out_len, struct hutch_error **err);

/* As read_regular_file_at, naming the file `shown` in messages (a directory
 * fd's path and the name below it). */
int read_regular_file_shown(int dirfd, const char *path, const char *shown, size_t max_size, unsigned flags,
                            char **out, size_t *out_len, struct hutch_error **err);

/* "a FIFO", "a directory", ... for messages. */
const char *file_type_name(mode_t mode);

enum atomic_write_flags {
  ATOMIC_REPLACE = 0,
  ATOMIC_NO_REPLACE = 1, /* fail with EEXIST if the target exists */
};

/* Writes data to dirfd/name through a temporary file in the same directory,
 * fsync and rename, so readers see the old file or the new one, never half of
 * one, and a crash leaves no partial target. */
int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                         enum atomic_write_flags flags, struct hutch_error **err);

/* Removes dir_fd/name and everything below it, following no symbolic link;
 * a missing name is no error. */
int remove_tree_at(int dir_fd, const char *name, struct hutch_error **err);
