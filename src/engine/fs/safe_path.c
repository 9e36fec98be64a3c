#include "engine/fs/safe_path.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int safe_open(int root_fd, const char *path, int flags, mode_t mode)
{
  struct open_how how = {
    .flags = (unsigned long long) (flags | O_CLOEXEC),
    .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
  };
  while (*path == '/')
    path++;
  if (!*path)
    path = ".";
  long fd;
  do
    fd = syscall(SYS_openat2, root_fd, path, &how, sizeof how);
  while (fd < 0 && errno == EAGAIN); /* a concurrent rename: retry as the man page says */
  return (int) fd;
}

const char *fd_path(int fd, char *buf)
{
  snprintf(buf, 32, "/proc/self/fd/%d", fd);
  return buf;
}

/* Symlinks followed while creating a path, as the kernel's limit. */
enum { MAX_LINKS = 40 };

static int ensure(int root_fd, const char *path, bool want_dir, int links, struct hutch_error **err);

/* The leaf is a symlink whose target is missing (the usual /var/run ->
 * ../run of images): create the target, inside the root, as runc does. */
static int create_link_target(int root_fd, int parent, const char *dir_part, const char *leaf, bool dir, int links,
                              struct hutch_error **err)
{
  char target[4096];
  ssize_t n = readlinkat(parent, leaf, target, sizeof target - 1);
  if (n < 0)
    return hutch_fail_errno(err, "readlink %s/%s", dir_part, leaf);
  target[n] = '\0';
  if (links >= MAX_LINKS)
    return hutch_fail(err, ELOOP, "create %s/%s", dir_part, leaf);
  /* RESOLVE_IN_ROOT keeps ".." and absolute targets inside the root. */
  cleanup_free char *next = target[0] == '/' ? xstrdup(target) : xasprintf("%s/%s", dir_part, target);
  cleanup_close int fd = ensure(root_fd, next, dir, links + 1, err);
  return fd < 0 ? -1 : 0;
}

/* Creates the last component of path in its (already existing) parent. */
static int create_leaf(int root_fd, char *path, bool dir, int links, struct hutch_error **err)
{
  char *slash = strrchr(path, '/');
  const char *leaf = slash ? slash + 1 : path;
  cleanup_close int parent = -1;
  if (slash) {
    *slash = '\0';
    parent = safe_open(root_fd, path, O_PATH | O_DIRECTORY, 0);
    *slash = '/';
  } else {
    parent = safe_open(root_fd, ".", O_PATH | O_DIRECTORY, 0);
  }
  if (parent < 0)
    return hutch_fail_errno(err, "open parent of %s", path);
  int r;
  if (dir) {
    r = mkdirat(parent, leaf, 0755);
  } else {
    int fd = openat(parent, leaf, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
    r = fd < 0 ? -1 : close(fd);
  }
  if (r < 0 && errno != EEXIST)
    return hutch_fail_errno(err, "create %s", path);
  struct stat st;
  if (r < 0 && fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    if (slash)
      *slash = '\0';
    int rr = create_link_target(root_fd, parent, slash ? path : "", leaf, dir, links, err);
    if (slash)
      *slash = '/';
    return rr;
  }
  return 0;
}

int safe_ensure(int root_fd, const char *path, bool want_dir, struct hutch_error **err)
{
  return ensure(root_fd, path, want_dir, 0, err);
}

static int ensure(int root_fd, const char *path, bool want_dir, int links, struct hutch_error **err)
{
  int fd = safe_open(root_fd, path, O_PATH, 0);
  if (fd >= 0)
    return fd;
  if (errno != ENOENT)
    return hutch_fail_errno(err, "open %s", path);

  cleanup_free char *copy = xstrdup(path);
  /* Create each missing directory from the top, then the leaf. */
  char *p = copy;
  while (*p == '/')
    p++;
  for (char *slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
    *slash = '\0';
    int dfd = safe_open(root_fd, copy, O_PATH, 0);
    if (dfd >= 0) {
      close(dfd);
    } else if (errno != ENOENT || create_leaf(root_fd, copy, true, links, err) < 0) {
      if (errno != ENOENT)
        hutch_fail_errno(err, "open %s", copy);
      return -1;
    }
    *slash = '/';
  }
  if (create_leaf(root_fd, copy, want_dir, links, err) < 0)
    return -1;
  fd = safe_open(root_fd, path, O_PATH, 0);
  if (fd < 0)
    return hutch_fail_errno(err, "open %s", path);
  return fd;
}
