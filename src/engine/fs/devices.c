/* Device nodes: the defaults every container gets, linux.devices, and the
 * /dev links (runtime-linux.md). */
#include "engine/fs/devices.h"
#include "engine/fs/rootfs.h"
#include "engine/fs/safe_path.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct device_node {
  const char *path;
  mode_t type; /* S_IFCHR, S_IFBLK, S_IFIFO */
  unsigned major, minor;
  mode_t mode;
  uid_t uid;
  gid_t gid;
  bool set_owner;
};

static const struct device_node default_devices[] = {
  { "/dev/null", S_IFCHR, 1, 3, 0666, 0, 0, false },    { "/dev/zero", S_IFCHR, 1, 5, 0666, 0, 0, false },
  { "/dev/full", S_IFCHR, 1, 7, 0666, 0, 0, false },    { "/dev/random", S_IFCHR, 1, 8, 0666, 0, 0, false },
  { "/dev/urandom", S_IFCHR, 1, 9, 0666, 0, 0, false }, { "/dev/tty", S_IFCHR, 5, 0, 0666, 0, 0, false },
};

/* The directory of path, made if missing and opened for *at() calls;
 * *leaf points into path. */
static int open_dir_of(int root_fd, const char *path, const char **leaf, struct hutch_error **err)
{
  const char *slash = strrchr(path, '/');
  if (!slash || !slash[1])
    return hutch_fail(err, EINVAL, "device path %s", path);
  *leaf = slash + 1;
  cleanup_free char *dir = xstrndup(path, (size_t) (slash - path));
  cleanup_close int parent = safe_ensure(root_fd, dir[0] ? dir : "/", true, err);
  if (parent < 0)
    return -1;
  /* The parent is O_PATH: reopen it as a directory. */
  char ppath[32];
  int fd = open(fd_path(parent, ppath), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return hutch_fail_errno(err, "open the directory of %s", path);
  return fd;
}

static bool same_device(const struct stat *st, const struct device_node *d)
{
  return (st->st_mode & S_IFMT) == d->type &&
         (d->type == S_IFIFO || (major(st->st_rdev) == d->major && minor(st->st_rdev) == d->minor));
}

/* In a user namespace, where mknod of a real device is not allowed, the
 * host's node is bound over an empty file. Another container sharing this
 * /dev may have left one: it serves as well. */
static bool is_bind_point(const struct stat *st)
{
  return S_ISREG(st->st_mode) && st->st_size == 0;
}

/* 1: nothing there; 0: the device is there already; -1: something else. */
static int check_existing(int parent, const char *leaf, const struct device_node *d, bool bind,
                          struct hutch_error **err)
{
  struct stat st;
  if (fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return errno == ENOENT ? 1 : hutch_fail_errno(err, "stat %s", d->path);
  if (same_device(&st, d))
    return 0;
  if (bind && is_bind_point(&st))
    return 1;
  return hutch_fail(err, EEXIST, "%s exists and is not the device the config asks for", d->path);
}

static int bind_from_host(int parent, const char *leaf, const struct device_node *d, struct hutch_error **err)
{
  /* Never opened for writing if it is there already: a FIFO put in its
   * place would block the open. */
  int fd = openat(parent, leaf, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0000);
  if (fd >= 0) {
    close(fd);
  } else {
    struct stat st;
    if (errno != EEXIST || fstatat(parent, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0 || !is_bind_point(&st))
      return hutch_fail_errno(err, "create the mount point for %s", d->path);
  }
  cleanup_close int target = openat(parent, leaf, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0)
    return hutch_fail_errno(err, "open %s", d->path);
  char tpath[32];
  if (mount(d->path, fd_path(target, tpath), NULL, MS_BIND, NULL) < 0)
    return hutch_fail_errno(err, "bind %s from the host", d->path);
  return 0;
}

static int set_owner(int dir, const char *leaf, const struct device_node *d, struct hutch_error **err)
{
  if (d->set_owner && fchownat(dir, leaf, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hutch_fail_errno(err, "chown %s", d->path);
  return 0;
}

/* The caller has the umask at 0 (devices_create): mknod gives the node its
 * mode at once, and no chmod follows, which would follow a link that
 * another container sharing this /dev put in its place meanwhile, out of
 * the rootfs (the native init still has the host's root here). */
static int make_node_at(int dir, const char *leaf, const struct device_node *d, bool bind, struct hutch_error **err)
{
  bool bind_host_node = bind && d->type != S_IFIFO;
  int missing = check_existing(dir, leaf, d, bind_host_node, err);
  if (missing < 0)
    return -1;
  if (!missing)
    return 0;
  if (bind_host_node)
    return bind_from_host(dir, leaf, d, err);
  if (mknodat(dir, leaf, d->type | d->mode, makedev(d->major, d->minor)) < 0) {
    if (errno != EEXIST)
      return hutch_fail_errno(err, "mknod %s", d->path);
    /* Containers that share a rootfs and mount no /dev of their own make
     * the same nodes at the same time: one made by another is as good. */
    int gone = check_existing(dir, leaf, d, false, err);
    if (gone < 0)
      return -1;
    if (gone)
      return hutch_fail(err, EEXIST, "mknod %s: replaced while being made", d->path);
  }
  return set_owner(dir, leaf, d, err);
}

static int make_node(int root_fd, const struct device_node *d, bool bind, struct hutch_error **err)
{
  const char *leaf = NULL;
  cleanup_close int dir = open_dir_of(root_fd, d->path, &leaf, err);
  if (dir < 0)
    return -1;
  return make_node_at(dir, leaf, d, bind, err);
}

static void restore_umask(mode_t *saved)
{
  umask(*saved);
}

static mode_t node_type(int type)
{
  switch (type) {
  case OCI_DEVICE_BLOCK:
    return S_IFBLK;
  case OCI_DEVICE_FIFO:
    return S_IFIFO;
  default:
    return S_IFCHR; /* "c" and "u" (unbuffered character device) */
  }
}

static bool is_link_to(int dir, const char *leaf, const char *target)
{
  char buf[PATH_MAX];
  ssize_t n = readlinkat(dir, leaf, buf, sizeof buf);
  return n >= 0 && (size_t) n == strlen(target) && memcmp(buf, target, (size_t) n) == 0;
}

/* /dev/ptmx is the pts instance's, so ptys are the container's own. In a
 * /dev that containers share (a rootfs with no /dev mount) others replace it
 * at the same time: a link one of them made is the one wanted. */
static int link_ptmx(int dev, struct hutch_error **err)
{
  for (int attempt = 0; attempt < 3; attempt++) {
    if (is_link_to(dev, "ptmx", "pts/ptmx"))
      return 0;
    if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
      return hutch_fail_errno(err, "remove /dev/ptmx");
    if (symlinkat("pts/ptmx", dev, "ptmx") == 0)
      return 0;
    if (errno != EEXIST)
      return hutch_fail_errno(err, "symlink /dev/ptmx");
  }
  return hutch_fail(err, EEXIST, "symlink /dev/ptmx: replaced by something else while being made");
}

int devices_create(const struct rootfs_ctx *ctx, struct hutch_error **err)
{
  const struct oci_linux *l = ctx->cfg->linux_;
  __attribute__((cleanup(restore_umask), unused)) mode_t saved_umask = umask(0);
  /* The defaults and the links are all in /dev: one directory fd for them. */
  const char *leaf = NULL;
  cleanup_close int dev = open_dir_of(ctx->root_fd, default_devices[0].path, &leaf, err);
  if (dev < 0)
    return -1;
  for (size_t i = 0; i < sizeof default_devices / sizeof *default_devices; i++)
    if (make_node_at(dev, strrchr(default_devices[i].path, '/') + 1, &default_devices[i], ctx->userns, err) < 0)
      return -1;
  for (size_t i = 0; l && i < l->devices.len; i++) {
    const struct oci_device *d = &l->devices.items[i];
    struct device_node node = {
      .path = d->path,
      .type = node_type(d->type.value),
      .major = (unsigned) d->major.value,
      .minor = (unsigned) d->minor.value,
      /* The validator warns that only the permission bits are used. */
      .mode = (d->file_mode.set ? (mode_t) d->file_mode.value : 0666) & 0777,
      .uid = d->uid.value,
      .gid = d->gid.value,
      .set_owner = d->uid.set || d->gid.set,
    };
    if (make_node(ctx->root_fd, &node, ctx->userns, err) < 0)
      return hutch_error_prefix(err, "linux.devices[%zu]: ", i);
  }
  if (link_ptmx(dev, err) < 0)
    return -1;
  static const char *const links[][2] = {
    { "/proc/self/fd", "fd" },       { "/proc/self/fd/0", "stdin" },
    { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
  };
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
      return hutch_fail_errno(err, "symlink /dev/%s -> %s", links[i][1], links[i][0]);
  return 0;
}
