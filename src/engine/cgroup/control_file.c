#include "engine/cgroup/control_file.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int control_dir_open(struct control_dir *out, const char *path)
{
  int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return errno;
  out->fd = fd;
  out->path = xstrdup(path);
  return 0;
}

void control_dir_close(struct control_dir *dir)
{
  if (dir->fd >= 0)
    close(dir->fd);
  free(dir->path);
  dir->fd = -1;
  dir->path = NULL;
}

/* path is below dirfd; messages name dir_path/name. */
static int exists_at(int dirfd, const char *path, const char *dir_path, const char *name, bool *out,
                     struct hutch_error **err)
{
  if (faccessat(dirfd, path, F_OK, 0) == 0) {
    *out = true;
    return 0;
  }
  if (errno != ENOENT)
    return hutch_fail_errno(err, "access %s/%s", dir_path, name);
  *out = false;
  return 0;
}

int control_file_exists(const struct control_dir *dir, const char *name, bool *out, struct hutch_error **err)
{
  return exists_at(dir->fd, name, dir->path, name, out, err);
}

int control_file_exists_in(const char *dir_path, const char *name, bool *out, struct hutch_error **err)
{
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", dir_path, name) >= (int) sizeof path)
    return hutch_fail(err, ENAMETOOLONG, "access %s/%s", dir_path, name);
  return exists_at(AT_FDCWD, path, dir_path, name, out, err);
}

int control_file_read(const struct control_dir *dir, const char *name, size_t max, char **out, size_t *len,
                      struct hutch_error **err)
{
  cleanup_free char *path = xasprintf("%s/%s", dir->path, name);
  return read_regular_file_shown(dir->fd, name, path, max, REGULAR_NOFOLLOW, out, len, err);
}

/* O_TRUNC is what a shell's `echo 1 > file` passes too, and cgroupfs ignores
 * it; a plain file standing in for a control file then holds exactly what
 * was written. Returns the fd, or -1 with errno. */
static int open_write_at(int dirfd, const char *name)
{
  /* O_NONBLOCK: a FIFO standing in for a control file fails the open
   * (ENXIO) rather than waiting for a reader. */
  return openat(dirfd, name, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
}

static int open_write(const struct control_dir *dir, const char *name)
{
  return open_write_at(dir->fd, name);
}

/* A short write would leave the kernel with part of a command: EIO. */
static int write_once(int fd, const char *value, size_t len)
{
  ssize_t n;
  do
    n = write(fd, value, len);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return errno;
  return (size_t) n == len ? 0 : EIO;
}

int control_file_write(const struct control_dir *dir, const char *name, const char *value, size_t len, bool *opened)
{
  cleanup_close int fd = open_write(dir, name);
  if (opened)
    *opened = fd >= 0;
  if (fd < 0)
    return errno;
  return write_once(fd, value, len);
}

int control_file_write_in(const char *dir_path, const char *name, const char *value, size_t len, bool *opened)
{
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%s/%s", dir_path, name) >= (int) sizeof path)
    return ENAMETOOLONG;
  cleanup_close int fd = open_write_at(AT_FDCWD, path);
  if (opened)
    *opened = fd >= 0;
  if (fd < 0)
    return errno;
  return write_once(fd, value, len);
}

int control_writer_put(struct control_writer *w, const char *value, size_t len, bool *opened)
{
  if (w->fd < 0)
    w->fd = open_write(w->dir, w->name);
  if (opened)
    *opened = w->fd >= 0;
  if (w->fd < 0)
    return errno;
  return write_once(w->fd, value, len);
}

void control_writer_close(struct control_writer *w)
{
  if (w->fd >= 0)
    close(w->fd);
  w->fd = -1;
}
