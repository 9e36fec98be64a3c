#include "engine/fs/copy_tree.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper than any real image; bounds the recursion on a crafted one. */
enum { MAX_DEPTH = 256 };

struct copier {
  struct strbuf path; /* relative to the tree, for errors */
  const char *where;
};

static int fail_at(struct copier *c, const char *op, struct hutch_error **err)
{
  return hutch_fail_errno(err, "%s: %s %s", c->where, op, c->path.len ? c->path.buf : ".");
}

static int copy_data(int from, int to, off_t size)
{
  while (size > 0) {
    ssize_t n = copy_file_range(from, NULL, to, NULL, (size_t) size, 0);
    if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
      n = sendfile(to, from, NULL, (size_t) size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    if (n == 0) /* the file shrank while we copied: take what there was */
      break;
    size -= n;
  }
  return 0;
}

/* Owner, mode and times of the entry name in dir, made like st. An owner
 * this user namespace cannot express (EINVAL) stays ours: the alternative
 * is no container at all. */
static int copy_attrs(struct copier *c, int dir, const char *name, const struct stat *st, struct hutch_error **err)
{
  if (fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return fail_at(c, "chown", err);
  /* Symlinks have no mode of their own on Linux. */
  if (!S_ISLNK(st->st_mode) && fchmodat(dir, name, st->st_mode & 07777, 0) < 0)
    return fail_at(c, "chmod", err);
  struct timespec times[2] = { st->st_atim, st->st_mtim };
  if (utimensat(dir, name, times, AT_SYMLINK_NOFOLLOW) < 0)
    return fail_at(c, "set the times of", err);
  return 0;
}

static int copy_dir(struct copier *c, int from, int to, unsigned depth, struct hutch_error **err);

static int copy_entry(struct copier *c, int from, int to, const char *name, unsigned depth,
                      struct hutch_error **err)
{
  struct stat st;
  if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return fail_at(c, "stat", err);
  if (S_ISDIR(st.st_mode)) {
    if (mkdirat(to, name, 0700) < 0 && errno != EEXIST)
      return fail_at(c, "mkdir", err);
    cleanup_close int sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int sub_to = sub_from < 0 ? -1 : openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub_from < 0 || sub_to < 0)
      return fail_at(c, "open", err);
    if (copy_dir(c, sub_from, sub_to, depth + 1, err) < 0)
      return -1;
  } else if (S_ISREG(st.st_mode)) {
    cleanup_close int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
      return fail_at(c, "open", err);
    cleanup_close int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (out < 0)
      return fail_at(c, "create", err);
    if (copy_data(in, out, st.st_size) < 0)
      return fail_at(c, "copy", err);
  } else if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(from, name, target, sizeof target - 1);
    if (n < 0)
      return fail_at(c, "readlink", err);
    target[n] = '\0';
    if (symlinkat(target, to, name) < 0)
      return fail_at(c, "symlink", err);
  } else if (mknodat(to, name, st.st_mode, st.st_rdev) < 0) {
    return fail_at(c, "mknod", err);
  }
  return copy_attrs(c, to, name, &st, err);
}

static int copy_dir(struct copier *c, int from, int to, unsigned depth, struct hutch_error **err)
{
  if (depth > MAX_DEPTH)
    return hutch_fail(err, ELOOP, "%s: %s: more than %d directories deep", c->where, c->path.buf, MAX_DEPTH);
  int fd = dup(from);
  if (fd < 0)
    return fail_at(c, "dup", err);
  DIR *d = fdopendir(fd);
  if (!d) {
    close(fd);
    return fail_at(c, "read", err);
  }
  int r = 0;
  size_t base = c->path.len;
  for (struct dirent *e; r == 0 && (errno = 0, e = readdir(d));) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    strbuf_addf(&c->path, "%s%s", base ? "/" : "", e->d_name);
    r = copy_entry(c, from, to, e->d_name, depth, err);
    strbuf_truncate(&c->path, base);
  }
  if (r == 0 && errno)
    r = fail_at(c, "read", err);
  closedir(d);
  return r;
}

int copy_tree(int from_dir, int to_dir, const char *where, struct hutch_error **err)
{
  struct copier c = { STRBUF_INIT, where };
  int r = copy_dir(&c, from_dir, to_dir, 0, err);
  strbuf_release(&c.path);
  return r;
}
