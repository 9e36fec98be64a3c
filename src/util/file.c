#include "util/file.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int read_fd_whole(int fd, const struct stat *st, const char *path, size_t max_size, char **out, size_t *out_len,
                  struct hutch_error **err)
{
  size_t cap = S_ISREG(st->st_mode) && st->st_size > 0 ? (size_t) st->st_size + 1 : 4096;
  if (cap > max_size + 2)
    cap = max_size + 2;
  cleanup_free char *buf = xmalloc(cap);
  size_t len = 0;
  for (;;) {
    if (len + 1 >= cap) {
      if (len > max_size)
        return hutch_fail(err, EFBIG, "read %s: larger than %zu bytes", path, max_size);
      /* One byte past the limit tells a file of exactly max_size from a larger one. */
      cap = cap * 2 > max_size + 2 ? max_size + 2 : cap * 2;
      buf = xrealloc(buf, cap);
    }
    ssize_t n = read(fd, buf + len, cap - len - 1);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return hutch_fail_errno(err, "read %s", path);
    }
    if (n == 0)
      break;
    len += (size_t) n;
  }
  buf[len] = '\0';
  *out = steal_pointer(&buf);
  *out_len = len;
  return 0;
}

int read_file_at(int dirfd, const char *path, size_t max_size, char **out, size_t *out_len,
                 struct hutch_error **err)
{
  cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return hutch_fail_errno(err, "open %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return hutch_fail_errno(err, "stat %s", path);
  if (S_ISDIR(st.st_mode))
    return hutch_fail(err, EISDIR, "read %s", path);
  return read_fd_whole(fd, &st, path, max_size, out, out_len, err);
}

/* open_regular_at, naming the file `shown` and handing its stat back. */
static int open_regular(int dirfd, const char *path, const char *shown, unsigned flags, struct stat *st,
                        struct hutch_error **err)
{
  int oflags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | ((flags & REGULAR_NOFOLLOW) ? O_NOFOLLOW : 0);
  int fd = openat(dirfd, path, oflags);
  if (fd < 0) {
    if (errno == ELOOP && (flags & REGULAR_NOFOLLOW))
      return hutch_fail_as(err, ELOOP, "%s is not a regular file (a symbolic link)", shown);
    return hutch_fail_errno(err, "open %s", shown);
  }
  if (fstat(fd, st) < 0) {
    int saved = errno;
    close(fd);
    return hutch_fail(err, saved, "stat %s", shown);
  }
  if (!S_ISREG(st->st_mode)) {
    close(fd);
    return hutch_fail_as(err, S_ISDIR(st->st_mode) ? EISDIR : EINVAL, "%s is not a regular file (%s)", shown,
                         file_type_name(st->st_mode));
  }
  return fd;
}

int open_regular_at(int dirfd, const char *path, unsigned flags, struct hutch_error **err)
{
  struct stat st;
  return open_regular(dirfd, path, path, flags, &st, err);
}

int read_regular_file_shown(int dirfd, const char *path, const char *shown, size_t max_size, unsigned flags,
                            char **out, size_t *out_len, struct hutch_error **err)
{
  struct stat st;
  cleanup_close int fd = open_regular(dirfd, path, shown, flags, &st, err);
  if (fd < 0)
    return -1;
  return read_fd_whole(fd, &st, shown, max_size, out, out_len, err);
}

int read_regular_file_at(int dirfd, const char *path, size_t max_size, unsigned flags, char **out,
                         size_t *out_len, struct hutch_error **err)
{
  return read_regular_file_shown(dirfd, path, path, max_size, flags, out, out_len, err);
}

const char *file_type_name(mode_t mode)
{
  switch (mode & S_IFMT) {
  case S_IFREG:
    return "a regular file";
  case S_IFDIR:
    return "a directory";
  case S_IFIFO:
    return "a FIFO";
  case S_IFSOCK:
    return "a socket";
  case S_IFCHR:
    return "a character device";
  case S_IFBLK:
    return "a block device";
  case S_IFLNK:
    return "a symbolic link";
  default:
    return "of an unknown type";
  }
}

static int write_all(int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += n;
    len -= (size_t) n;
  }
  return 0;
}

int write_file_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                         enum atomic_write_flags flags, struct hutch_error **err)
{
  const char *base = strrchr(name, '/');
  size_t dir_len = base ? (size_t) (base - name) + 1 : 0;
  base = base ? base + 1 : name;
  cleanup_free char *tmp = xasprintf("%.*s.%s.%d.tmp", (int) dir_len, name, base, (int) getpid());
  cleanup_close int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return hutch_fail_errno(err, "create %s", tmp);
  if (write_all(fd, data, len) < 0 || fchmod(fd, mode) < 0 || fsync(fd) < 0) {
    int saved = errno;
    unlinkat(dirfd, tmp, 0);
    return hutch_fail(err, saved, "write %s", tmp);
  }
  unsigned rflags = (flags & ATOMIC_NO_REPLACE) ? RENAME_NOREPLACE : 0;
  /* The raw call: not every libc wraps renameat2. */
  int r = (int) syscall(SYS_renameat2, dirfd, tmp, dirfd, name, rflags);
  /* NFS and 9p lack RENAME_NOREPLACE; a hard link refuses to replace too. */
  if (r < 0 && errno == EINVAL && rflags) {
    r = linkat(dirfd, tmp, dirfd, name, 0);
    if (r == 0)
      unlinkat(dirfd, tmp, 0);
  }
  if (r < 0) {
    int saved = errno;
    unlinkat(dirfd, tmp, 0);
    if (saved == EEXIST)
      return hutch_fail(err, 0, "%s already exists", name);
    return hutch_fail(err, saved, "rename %s to %s", tmp, name);
  }
  return 0;
}

int remove_tree_at(int dir_fd, const char *name, struct hutch_error **err)
{
  int fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT)
      return 0;
    /* Not a directory: one entry to unlink, never followed. */
    if ((errno == ENOTDIR || errno == ELOOP) && unlinkat(dir_fd, name, 0) == 0)
      return 0;
    return hutch_fail_errno(err, "remove %s", name);
  }
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return hutch_fail_errno(err, "read %s", name);
  }
  int r = 0;
  for (struct dirent *e; r == 0 && (e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    if (e->d_type == DT_DIR)
      r = remove_tree_at(dirfd(d), e->d_name, err);
    else if (unlinkat(dirfd(d), e->d_name, 0) < 0 && errno != ENOENT)
      r = hutch_fail_errno(err, "remove %s/%s", name, e->d_name);
  }
  closedir(d);
  if (r == 0 && unlinkat(dir_fd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
    r = hutch_fail_errno(err, "remove %s", name);
  return r;
}
