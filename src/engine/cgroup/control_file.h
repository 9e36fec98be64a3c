#pragma once
/* Reading and writing the control files of a cgroup directory (and of the
 * kernel's other directories of tunables, /proc/sys/vm): the directory is
 * opened once and every file is opened below it, never through a symbolic
 * link. Messages name the file by the directory's path and its name. */
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

struct control_dir {
  int fd;     /* O_PATH; -1 when not open */
  char *path; /* for messages */
};
#define CONTROL_DIR_INIT { -1, NULL }

/* 0, or the errno of opening path as a directory (ENOENT, ENOTDIR, ...):
 * the same errno an open of a file in it by its full path would get, so that
 * callers keep telling a cgroup that is gone from one that is broken. */
int control_dir_open(struct control_dir *out, const char *path);
void control_dir_close(struct control_dir *dir);
#define cleanup_control_dir __attribute__((cleanup(control_dir_close)))

/* *out false when dir has no file name (a controller or a kernel without
 * it). */
int control_file_exists(const struct control_dir *dir, const char *name, bool *out, struct hutch_error **err);

/* Reads dir/name whole, refusing a file larger than max and anything that is
 * not a regular file (a symbolic link included). *out is NUL-terminated;
 * the caller frees it. A missing file fails with ENOENT. */
int control_file_read(const struct control_dir *dir, const char *name, size_t max, char **out, size_t *len,
                      struct hutch_error **err);

/* Writes value to dir/name with one write(2), which the kernel takes as one
 * command. Returns 0 or an errno; *opened (may be NULL) tells whether that
 * errno is the open's (false) or the write's (true). */
int control_file_write(const struct control_dir *dir, const char *name, const char *value, size_t len, bool *opened);

/* For a directory touched once (cgroup.procs at enter, cgroup.kill, a
 * probe): the file opened by its full path, O_NOFOLLOW as above, without a
 * directory fd first: the start path pays two syscalls less per hierarchy. */
int control_file_write_in(const char *dir_path, const char *name, const char *value, size_t len, bool *opened);
int control_file_exists_in(const char *dir_path, const char *name, bool *out, struct hutch_error **err);

/* A control file taking one write per entry (io.max, blkio.throttle.*,
 * net_prio.ifpriomap, rdma.max, cgroup.subtree_control): the kernel parses
 * one entry per write. The file is opened at the first entry, so that a file
 * no entry is written to need not exist. */
struct control_writer {
  const struct control_dir *dir;
  const char *name;
  int fd;
};
#define CONTROL_WRITER(dir, name) { (dir), (name), -1 }

/* As control_file_write, for the next entry. */
int control_writer_put(struct control_writer *w, const char *value, size_t len, bool *opened);
void control_writer_close(struct control_writer *w);
#define cleanup_control_writer __attribute__((cleanup(control_writer_close)))
