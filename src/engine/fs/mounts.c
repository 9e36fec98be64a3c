/* mounts[]: one entry at a time, targets resolved inside the root. */
#include "engine/fs/copy_tree.h"
#include "engine/fs/mount_options.h"
#include "engine/fs/mounts.h"
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

static int set_propagation(const char *target, unsigned long propagation, const char *what, struct hutch_error **err)
{
  if (propagation && mount(NULL, target, NULL, propagation, NULL) < 0)
    return hutch_fail_errno(err, "%s: set propagation", what);
  return 0;
}

/* The "r" options: mount_setattr over the whole tree just mounted. */
static int set_recursive_attrs(int root_fd, const char *dest, const struct mount_plan *plan, const char *what,
                               struct hutch_error **err)
{
  if (!plan->recursive_attrs)
    return 0;
  /* Re-resolve: the fd taken before mounting names the covered directory. */
  cleanup_close int fd = safe_open(root_fd, dest, O_PATH, 0);
  if (fd < 0)
    return hutch_fail_errno(err, "%s: reopen", what);
  struct mount_attr attr = { .attr_set = plan->attr_set, .attr_clr = plan->attr_clr };
  if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return hutch_fail_errno(err, "%s: mount_setattr", what);
  return 0;
}

static int bind_mount(const struct rootfs_ctx *ctx, const struct oci_mount *m, const struct mount_plan *plan,
                      const char *dest, const char *what, struct hutch_error **err)
{
  const char *src = m->source;
  cleanup_free char *joined = NULL;
  if (src[0] != '/')
    src = joined = xasprintf("%s/%s", ctx->bundle, src);
  struct stat st;
  if (stat(src, &st) < 0)
    return hutch_fail_errno(err, "%s: source %s", what, src);
  cleanup_close int target = safe_ensure(ctx->root_fd, dest, S_ISDIR(st.st_mode), err);
  if (target < 0)
    return hutch_error_prefix(err, "%s: ", what);
  char tpath[32];
  fd_path(target, tpath);
  if (mount(src, tpath, NULL, MS_BIND | (plan->flags & MS_REC), NULL) < 0)
    return hutch_fail_errno(err, "%s: bind %s", what, src);
  /* A bind mount ignores every other flag: they need a remount. */
  unsigned long extra = plan->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (extra || plan->cleared) {
    cleanup_close int mounted = safe_open(ctx->root_fd, dest, O_PATH, 0);
    if (mounted < 0)
      return hutch_fail_errno(err, "%s: reopen", what);
    char mpath[32];
    fd_path(mounted, mpath);
    unsigned long keep = mount_locked_flags(mpath) & ~plan->cleared & ~MS_RDONLY;
    if (mount(NULL, mpath, NULL, MS_REMOUNT | MS_BIND | extra | keep, NULL) < 0)
      return hutch_fail_errno(err, "%s: remount with its options", what);
  }
  return 0;
}

static int copy_up(const struct rootfs_ctx *ctx, int below, const char *dest, const char *what,
                   struct hutch_error **err)
{
  cleanup_close int top = safe_open(ctx->root_fd, dest, O_RDONLY | O_DIRECTORY, 0);
  if (top < 0)
    return hutch_fail_errno(err, "%s: tmpcopyup: open the new tmpfs at %s", what, dest);
  char where[96];
  snprintf(where, sizeof where, "%s: tmpcopyup", what);
  return copy_tree(below, top, where, err);
}

static int fsconfig_string(int fs, const char *key, const char *value)
{
  if (value)
    return (int) syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, key, value, 0);
  return (int) syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, key, NULL, 0);
}

bool proc_mount_takes_pidns(void)
{
  cleanup_close int fs = (int) syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  cleanup_close int ns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
  return fs >= 0 && ns >= 0 && syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "pidns", NULL, ns) == 0;
}

/* proc for a pid namespace the mounting process is not in (it enters it
 * only later, once it holds nothing of the host): the new mount API with
 * the "pidns" option. */
static int proc_mount_for(const struct mount_plan *plan, int pidns_fd, int target, const char *what,
                          struct hutch_error **err)
{
  cleanup_close int fs = (int) syscall(SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fs < 0)
    return hutch_fail_errno(err, "%s: fsopen proc", what);
  cleanup_free char *data = plan->data ? xstrdup(plan->data) : NULL;
  for (char *opt, *rest = data; data && (opt = strsep(&rest, ","));) {
    if (!*opt)
      continue;
    char *value = strchr(opt, '=');
    if (value)
      *value++ = '\0';
    if (fsconfig_string(fs, opt, value) < 0)
      return hutch_fail_errno(err, "%s: proc option %s", what, opt);
  }
  if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_FD, "pidns", NULL, pidns_fd) < 0)
    return hutch_fail_errno(err, "%s: proc for the container's pid namespace", what);
  if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return hutch_fail_errno(err, "%s: create proc", what);
  unsigned attrs = 0;
  attrs |= (plan->flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0;
  attrs |= (plan->flags & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0;
  attrs |= (plan->flags & MS_NODEV) ? MOUNT_ATTR_NODEV : 0;
  attrs |= (plan->flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0;
  cleanup_close int mnt = (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, attrs);
  if (mnt < 0)
    return hutch_fail_errno(err, "%s: fsmount proc", what);
  if (syscall(SYS_move_mount, mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hutch_fail_errno(err, "%s: move proc into place", what);
  return 0;
}

static int fs_mount(const struct rootfs_ctx *ctx, const struct oci_mount *m, const struct mount_plan *plan,
                    const char *dest, const char *what, struct hutch_error **err)
{
  cleanup_close int target = safe_ensure(ctx->root_fd, dest, true, err);
  if (target < 0)
    return hutch_error_prefix(err, "%s: ", what);
  char tpath[32];
  fd_path(target, tpath);
  const char *type = m->type ? m->type : "none";
  const char *source = m->source ? m->source : type;
  /* linux.mountLabel: the SELinux context of the filesystems mounted here
   * (proc and sysfs take none; create checked SELinux runs). */
  const char *label = ctx->cfg->linux_ ? ctx->cfg->linux_->mount_label : NULL;
  cleanup_free char *data = NULL;
  if (label && label[0] && strcmp(type, "proc") != 0 && strcmp(type, "sysfs") != 0)
    data = xasprintf("%s%scontext=\"%s\"", plan->data ? plan->data : "", plan->data ? "," : "", label);
  /* tmpcopyup: the directory under the mount point stays reachable
   * through this fd once the tmpfs covers it. */
  if (ctx->proc_pidns_fd >= 0 && strcmp(type, "proc") == 0)
    return proc_mount_for(plan, ctx->proc_pidns_fd, target, what, err);
  cleanup_close int below = plan->tmpcopyup ? openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
  if (plan->tmpcopyup && below < 0)
    return hutch_fail_errno(err, "%s: tmpcopyup: open %s", what, dest);
  if (mount(source, tpath, type, plan->flags, data ? data : plan->data) == 0)
    return below < 0 ? 0 : copy_up(ctx, below, dest, what, err);
  /* sysfs cannot be mounted in a user namespace that does not own the
   * network namespace: bind the host's instead, as runc does. */
  if (errno == EPERM && strcmp(type, "sysfs") == 0 && ctx->userns) {
    if (mount("/sys", tpath, NULL, MS_BIND | MS_REC, NULL) < 0)
      return hutch_fail_errno(err, "%s: bind /sys in place of sysfs", what);
    return 0;
  }
  return hutch_fail_errno(err, "%s: mount %s", what, type);
}

/* A "cgroup" mount: on v2 one cgroup2 filesystem; on v1 and hybrid hosts a
 * tmpfs holding one directory per hierarchy. With a cgroup namespace (and no
 * user namespace, where v1 cannot be mounted) the hierarchies are mounted
 * afresh, rooted at the container's cgroup; otherwise the container's
 * directories are bound there. */
static int cgroup_mount(const struct rootfs_ctx *ctx, const struct mount_plan *plan, const char *dest,
                        const char *what, struct hutch_error **err)
{
  const struct cgroup_layout *layout = ctx->cgroup_layout;
  const struct cgroup_set *set = ctx->cgroup_set;
  unsigned long flags = plan->flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME | MS_RDONLY);
  cleanup_close int target = safe_ensure(ctx->root_fd, dest, true, err);
  if (target < 0)
    return hutch_error_prefix(err, "%s: ", what);
  char tpath[32];
  fd_path(target, tpath);
  bool fresh = ctx->cgroupns && !ctx->userns;

  if (layout->kind == CGROUP_LAYOUT_V2) {
    if (fresh || (ctx->cgroupns && ctx->userns)) {
      if (mount("cgroup2", tpath, "cgroup2", flags, NULL) < 0)
        return hutch_fail_errno(err, "%s: mount cgroup2", what);
    } else if (mount(set->dirs[0], tpath, NULL, MS_BIND | MS_REC, NULL) < 0) {
      return hutch_fail_errno(err, "%s: bind %s", what, set->dirs[0]);
    }
    return 0;
  }

  if (mount("tmpfs", tpath, "tmpfs", flags & ~MS_RDONLY, "mode=755") < 0)
    return hutch_fail_errno(err, "%s: mount tmpfs", what);
  cleanup_close int top = safe_open(ctx->root_fd, dest, O_PATH | O_DIRECTORY, 0);
  if (top < 0)
    return hutch_fail_errno(err, "%s: reopen", what);
  for (size_t i = 0; i < layout->n; i++) {
    const struct cgroup_hierarchy *h = &layout->items[i];
    const char *name = strrchr(h->mountpoint, '/');
    name = name ? name + 1 : h->mountpoint;
    if (mkdirat(top, name, 0755) < 0 && errno != EEXIST)
      return hutch_fail_errno(err, "%s: mkdir %s", what, name);
    cleanup_close int sub = openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0)
      return hutch_fail_errno(err, "%s: open %s", what, name);
    char spath[32];
    fd_path(sub, spath);
    int r;
    if (fresh && h->version == CGROUP_V1)
      r = mount("cgroup", spath, "cgroup", flags, h->controllers);
    else if (fresh)
      r = mount("cgroup2", spath, "cgroup2", flags, NULL);
    else
      r = mount(set->dirs[i], spath, NULL, MS_BIND | MS_REC, NULL);
    if (r < 0)
      return hutch_fail_errno(err, "%s: mount the %s hierarchy", what, name);
  }
  /* The tmpfs and every hierarchy below it at once (a bind takes none of
   * the flags it is given); flags a mount already has, locked ones of a
   * user namespace among them, stay. */
  struct mount_attr attr = { 0 };
  attr.attr_set |= (flags & MS_RDONLY) ? MOUNT_ATTR_RDONLY : 0;
  attr.attr_set |= (flags & MS_NOSUID) ? MOUNT_ATTR_NOSUID : 0;
  attr.attr_set |= (flags & MS_NODEV) ? MOUNT_ATTR_NODEV : 0;
  attr.attr_set |= (flags & MS_NOEXEC) ? MOUNT_ATTR_NOEXEC : 0;
  if (attr.attr_set && syscall(SYS_mount_setattr, top, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr) < 0)
    return hutch_fail_errno(err, "%s: set its options on every hierarchy", what);
  return 0;
}

int bind_tree_open(const char *source, bool rbind, uint64_t attr_set, uint64_t attr_clr, struct hutch_error **err)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rbind ? AT_RECURSIVE : 0);
  cleanup_close int tree = (int) syscall(SYS_open_tree, AT_FDCWD, source, flags);
  if (tree < 0)
    return hutch_fail_errno(err, "source %s", source);
  /* As a bind followed by a remount: the options apply to its top. */
  struct mount_attr attr = { .attr_set = attr_set, .attr_clr = attr_clr };
  if ((attr_set || attr_clr) && syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return hutch_fail_errno(err, "set the options of %s", source);
  return steal_fd(&tree);
}

/* The runtime made the tree already; only its place is left to set. */
static int prepared_mount(const struct rootfs_ctx *ctx, const char *dest, size_t index, const char *what,
                          struct hutch_error **err)
{
  int tree = ctx->mount_trees[index];
  struct stat st;
  if (fstat(tree, &st) < 0)
    return hutch_fail_errno(err, "%s: stat the mapped tree", what);
  cleanup_close int target = safe_ensure(ctx->root_fd, dest, S_ISDIR(st.st_mode), err);
  if (target < 0)
    return hutch_error_prefix(err, "%s: ", what);
  if (syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hutch_fail_errno(err, "%s: move the ID-mapped mount into place", what);
  return 0;
}

int mount_entry(const struct rootfs_ctx *ctx, const struct oci_mount *m, size_t index, struct hutch_error **err)
{
  char what[64];
  snprintf(what, sizeof what, "mounts[%zu]", index);
  struct mount_plan plan;
  mount_plan_build(&m->options, &plan);
  /* Relative destinations are relative to "/" (deprecated since 1.2.0). */
  const char *dest = m->destination;
  int r;
  if (ctx->mount_trees && ctx->mount_trees[index] >= 0)
    r = prepared_mount(ctx, dest, index, what, err);
  else if (plan.idmap || m->uid_mappings.len || m->gid_mappings.len)
    r = hutch_fail(err, 0, "%s: the ID-mapped mount was not prepared", what);
  else if (plan.tmpcopyup && (!m->type || strcmp(m->type, "tmpfs") != 0 || mount_plan_is_bind(&plan)))
    r = hutch_fail(err, 0, "%s.options: tmpcopyup applies to tmpfs mounts only", what);
  else if (mount_plan_is_bind(&plan))
    r = bind_mount(ctx, m, &plan, dest, what, err);
  else if (m->type && (strcmp(m->type, "cgroup") == 0 || strcmp(m->type, "cgroup2") == 0))
    r = (ctx->cgroup_barrier && ctx->cgroup_barrier(ctx->barrier_opaque, err) < 0)
          ? -1
          : cgroup_mount(ctx, &plan, dest, what, err);
  else
    r = fs_mount(ctx, m, &plan, dest, what, err);
  if (r == 0 && plan.propagation) {
    cleanup_close int fd = safe_open(ctx->root_fd, dest, O_PATH, 0);
    char p[32];
    r = fd < 0 ? hutch_fail_errno(err, "%s: reopen", what) : set_propagation(fd_path(fd, p), plan.propagation, what, err);
  }
  if (r == 0)
    r = set_recursive_attrs(ctx->root_fd, dest, &plan, what, err);
  mount_plan_release(&plan);
  return r;
}

int mounts_set_bind_flags(const struct oci_config *cfg, int root_fd, struct hutch_error **err)
{
  for (size_t i = 0; i < cfg->mounts.len; i++) {
    const struct oci_mount *m = &cfg->mounts.items[i];
    struct mount_plan plan;
    mount_plan_build(&m->options, &plan);
    uint64_t set = 0, clr = 0;
    if (mount_plan_is_bind(&plan))
      mount_plan_attrs(&plan, &set, &clr);
    mount_plan_release(&plan);
    if (!set && !clr)
      continue;
    cleanup_close int fd = safe_open(root_fd, m->destination, O_PATH | O_CLOEXEC, 0);
    if (fd < 0)
      return hutch_fail_errno(err, "mounts[%zu]: reopen %s", i, m->destination);
    struct mount_attr attr = { .attr_set = set, .attr_clr = clr };
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
      return hutch_fail_errno(err, "mounts[%zu].options: set on %s", i, m->destination);
  }
  return 0;
}
