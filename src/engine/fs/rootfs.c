/* The root filesystem sequence (see rootfs.h for the order). */
#include "engine/fs/mount_options.h"
#include "engine/fs/mounts.h"
#include "engine/fs/devices.h"
#include "engine/fs/rootfs.h"
#include "engine/fs/safe_path.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The propagation is applied recursively either way, so "rshared" and
 * "shared" are the same here. */
static unsigned long propagation_flag(int value)
{
  switch (value) {
  case OCI_PROPAGATION_SHARED:
  case OCI_PROPAGATION_RSHARED:
    return MS_SHARED;
  case OCI_PROPAGATION_SLAVE:
  case OCI_PROPAGATION_RSLAVE:
    return MS_SLAVE;
  case OCI_PROPAGATION_UNBINDABLE:
  case OCI_PROPAGATION_RUNBINDABLE:
    return MS_UNBINDABLE;
  default:
    return MS_PRIVATE;
  }
}

int rootfs_prepare(struct rootfs_ctx *ctx, struct hutch_error **err)
{
  const struct oci_linux *l = ctx->cfg->linux_;
  /* Nothing mounted from here on may reach the host. A shared root starts
   * private, then becomes shared after pivot_root in a new peer group. In
   * the host's own mount namespace only the root bind below is changed. */
  unsigned long first = MS_SLAVE;
  if (l && l->rootfs_propagation.set && propagation_flag(l->rootfs_propagation.value) != MS_SLAVE)
    first = MS_PRIVATE;
  if (!ctx->host_mounts && mount(NULL, "/", NULL, MS_REC | first, NULL) < 0)
    return hutch_fail_errno(err, "make / %s", first == MS_SLAVE ? "rslave" : "rprivate");
  /* pivot_root needs the new root to be a mount point; in the host's
   * namespace it is the one mount the container's others hang below. */
  if (mount(ctx->rootfs, ctx->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
    return hutch_fail_errno(err, "bind the root filesystem %s", ctx->rootfs);
  if (ctx->host_mounts && mount(NULL, ctx->rootfs, NULL, MS_REC | MS_PRIVATE, NULL) < 0)
    return hutch_fail_errno(err, "make the root bind %s private", ctx->rootfs);
  ctx->root_fd = open(ctx->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (ctx->root_fd < 0)
    return hutch_fail_errno(err, "open the root filesystem %s", ctx->rootfs);
  for (size_t i = 0; i < ctx->cfg->mounts.len; i++)
    if (mount_entry(ctx, &ctx->cfg->mounts.items[i], i, err) < 0)
      return -1;
  return devices_create(ctx, err);
}

static int pivot(int root_fd, struct hutch_error **err)
{
  /* pivot_root(".", ".") stacks the old root under the new one; detaching
   * it leaves no path to the host. */
  if (fchdir(root_fd) < 0)
    return hutch_fail_errno(err, "chdir to the root filesystem");
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return hutch_fail_errno(err, "pivot_root");
  if (umount2(".", MNT_DETACH) < 0)
    return hutch_fail_errno(err, "detach the old root");
  if (chdir("/") < 0)
    return hutch_fail_errno(err, "chdir /");
  return 0;
}

/* --no-pivot: for a root on a ramdisk, where pivot_root is impossible. */
static int move_root(const char *rootfs, struct hutch_error **err)
{
  if (chdir(rootfs) < 0)
    return hutch_fail_errno(err, "chdir to %s", rootfs);
  if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
    return hutch_fail_errno(err, "move %s to /", rootfs);
  if (chroot(".") < 0)
    return hutch_fail_errno(err, "chroot");
  if (chdir("/") < 0)
    return hutch_fail_errno(err, "chdir /");
  return 0;
}

/* The host's mount namespace: its root stays where it is. */
static int enter_root(int root_fd, struct hutch_error **err)
{
  if (fchdir(root_fd) < 0)
    return hutch_fail_errno(err, "chdir to the root filesystem");
  if (chroot(".") < 0)
    return hutch_fail_errno(err, "chroot");
  if (chdir("/") < 0)
    return hutch_fail_errno(err, "chdir /");
  return 0;
}

int rootfs_pivot(struct rootfs_ctx *ctx, bool no_pivot, struct hutch_error **err)
{
  int r = ctx->host_mounts ? enter_root(ctx->root_fd, err)
          : no_pivot       ? move_root(ctx->rootfs, err)
                           : pivot(ctx->root_fd, err);
  close(ctx->root_fd);
  ctx->root_fd = -1;
  if (r < 0)
    return -1;
  return 0;
}

int sysctl_write(int root_fd, const struct oci_kv *kv, struct hutch_error **err)
{
  cleanup_free char *path = xasprintf("/proc/sys/%s", kv->key);
  for (char *p = path + strlen("/proc/sys/"); *p; p++)
    if (*p == '.')
      *p = '/';
  cleanup_close int fd = safe_open(root_fd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return hutch_fail_errno(err, "linux.sysctl.%s: open %s", kv->key, path);
  size_t len = strlen(kv->value);
  if (write(fd, kv->value, len) != (ssize_t) len)
    return hutch_fail_errno(err, "linux.sysctl.%s: write \"%s\"", kv->key, kv->value);
  return 0;
}

/* These run after pivot_root, where /proc may be a proc in which the
 * process doing the work has no pid (see rootfs_ctx.proc_pidns_fd): no
 * /proc/self paths, only fds and the mount API. */

/* A copy of the mount at what, on top of target. */
static int move_onto(int tree, int target)
{
  return (int) syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

static int make_readonly(int root, const char *path, size_t i, struct hutch_error **err)
{
  cleanup_close int fd = safe_open(root, path, O_PATH | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return errno == ENOENT ? 0 : hutch_fail_errno(err, "linux.readonlyPaths[%zu]: %s", i, path);
  cleanup_close int tree = (int) syscall(SYS_open_tree, fd, "",
                                         OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
  if (tree < 0)
    return hutch_fail_errno(err, "linux.readonlyPaths[%zu]: bind %s", i, path);
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return hutch_fail_errno(err, "linux.readonlyPaths[%zu]: make %s read-only", i, path);
  if (move_onto(tree, fd) < 0)
    return hutch_fail_errno(err, "linux.readonlyPaths[%zu]: mount %s read-only", i, path);
  return 0;
}

static int empty_readonly_tmpfs(void)
{
  cleanup_close int fs = (int) syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  if (fs < 0 || syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
      syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
}

static int mask(int root, const char *path, size_t i, struct hutch_error **err)
{
  cleanup_close int fd = safe_open(root, path, O_PATH | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return errno == ENOENT ? 0 : hutch_fail_errno(err, "linux.maskedPaths[%zu]: %s", i, path);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return hutch_fail_errno(err, "linux.maskedPaths[%zu]: stat %s", i, path);
  cleanup_close int cover = S_ISDIR(st.st_mode)
                              ? empty_readonly_tmpfs()
                              : (int) syscall(SYS_open_tree, AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (cover < 0 || move_onto(cover, fd) < 0)
    return hutch_fail_errno(err, "linux.maskedPaths[%zu]: mask %s", i, path);
  return 0;
}

int rootfs_finish(const struct oci_config *cfg, struct hutch_error **err)
{
  const struct oci_linux *l = cfg->linux_;
  if (l && (l->sysctl.len || l->readonly_paths.len || l->masked_paths.len)) {
    /* After pivot_root "/" is the container's root, and these paths run
     * through the image's symlinks: resolved inside that root, no magic
     * link, so a /proc/<pid>/root of a host /proc cannot lead out of it. */
    cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
      return hutch_fail_errno(err, "open the container's root");
    for (size_t i = 0; i < l->sysctl.len; i++)
      if (sysctl_write(root, &l->sysctl.items[i], err) < 0)
        return -1;
    for (size_t i = 0; i < l->readonly_paths.len; i++)
      if (make_readonly(root, l->readonly_paths.items[i], i, err) < 0)
        return -1;
    for (size_t i = 0; i < l->masked_paths.len; i++)
      if (mask(root, l->masked_paths.items[i], i, err) < 0)
        return -1;
  }
  /* Last, so the binds of readonlyPaths and maskedPaths are still allowed:
   * unbindable would refuse them. runc applies unbindable to / alone. */
  if (l && l->rootfs_propagation.set) {
    int v = l->rootfs_propagation.value;
    unsigned long flag = propagation_flag(v);
    if (flag != MS_UNBINDABLE || v == OCI_PROPAGATION_RUNBINDABLE)
      flag |= MS_REC;
    if (mount(NULL, "/", NULL, flag, NULL) < 0)
      return hutch_fail_errno(err, "linux.rootfsPropagation: set on /");
  }
  if (cfg->root && cfg->root->readonly.value &&
      mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | (mount_locked_flags("/") & ~MS_RDONLY), NULL) < 0)
    return hutch_fail_errno(err, "root.readonly: remount / read-only");
  return 0;
}
