/* What the runtime makes ready on the host side before the init exists:
 * detached mount trees (ID-mapped mounts, and bind sources opened while the
 * host's permissions still apply) and the sd_notify socket's directory,
 * bound into the container. */
#include "backend/native/native.h"
#include "engine/fs/idmap.h"
#include "engine/fs/mount_options.h"
#include "engine/fs/mounts.h"
#include "engine/fs/rootfs.h"
#include "engine/ipc/sd_notify.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

/* The detached trees the init moves into place (mounts.c): made here, in
 * the host's user namespace. An ID-mapped mount needs CAP_SYS_ADMIN over the
 * filesystem's, which the init lacks; and a bind source must be opened
 * before the user namespace takes the host's permissions away (a volume
 * under a 0700 root-owned directory is out of reach from inside). */
int launch_prepare_mount_trees(struct launch *l, struct hutch_error **err)
{
  const oci_mounts *mounts = &l->cfg->mounts;
  bool userns = l->ns.new_user || l->ns.join_user;
  for (size_t i = 0; i < mounts->len; i++) {
    const struct oci_mount *m = &mounts->items[i];
    struct mount_plan plan;
    mount_plan_build(&m->options, &plan);
    bool mapped = plan.idmap || m->uid_mappings.len || m->gid_mappings.len;
    bool bind = mount_plan_is_bind(&plan);
    bool rbind = (plan.flags & MS_REC) != 0;
    uint64_t set, clr;
    mount_plan_attrs(&plan, &set, &clr);
    bool ridmap = plan.ridmap;
    mount_plan_release(&plan);
    if (!mapped && !(bind && userns))
      continue;
    if (!bind)
      return hutch_fail(err, 0, "mounts[%zu].options: ID-mapped mounts need \"bind\" or \"rbind\"", i);
    if (!l->mount_trees) {
      l->mount_trees = xcalloc(mounts->len, sizeof *l->mount_trees);
      for (size_t k = 0; k < mounts->len; k++)
        l->mount_trees[k] = -1;
    }
    cleanup_free char *source = m->source[0] == '/' ? xstrdup(m->source) : xasprintf("%s/%s", l->bundle, m->source);
    if (!mapped) {
      l->mount_trees[i] = bind_tree_open(source, rbind, set, clr, err);
      if (l->mount_trees[i] < 0)
        return hutch_error_prefix(err, "mounts[%zu]: ", i);
      continue;
    }
    /* Without mappings of its own the mount takes the container's (the
     * spec allows it; the validator made sure there is a user namespace). */
    bool own = m->uid_mappings.len && m->gid_mappings.len;
    const struct oci_linux *lx = l->cfg->linux_;
    cleanup_close int map_ns = idmap_userns_fd(own ? &m->uid_mappings : &lx->uid_mappings,
                                               own ? &m->gid_mappings : &lx->gid_mappings, err);
    if (map_ns < 0)
      return hutch_error_prefix(err, "mounts[%zu]: ", i);
    l->mount_trees[i] = idmap_open_tree(source, rbind, ridmap, map_ns, set, err);
    if (l->mount_trees[i] < 0)
      return hutch_error_prefix(err, "mounts[%zu]: ", i);
  }
  return 0;
}

/* sd_notify (sd_notify.h): the directory of hutch's socket bound where the
 * process will look, and NOTIFY_SOCKET in its environment, as runc does. The
 * config snapshot keeps the config as given. */
int launch_setup_notify(struct launch *l, struct hutch_error **err)
{
  if (!notify_host_socket() || !l->cfg->process)
    return 0;
  if (mkdirat(l->dir.fd, NOTIFY_DIR, 0755) < 0 || fchmodat(l->dir.fd, NOTIFY_DIR, 0755, 0) < 0)
    return hutch_fail_errno(err, "NOTIFY_SOCKET: create %s/%s", l->dir.path, NOTIFY_DIR);
  struct arena *a = &l->cfg->arena;
  oci_mounts *mounts = &l->cfg->mounts;
  struct oci_mount *items = arena_calloc(a, mounts->len + 1, sizeof *items);
  if (mounts->len)
    memcpy(items, mounts->items, mounts->len * sizeof *items);
  static const char *const options[] = { "bind", "nosuid", "noexec", "nodev", "ro" };
  struct oci_mount *m = &items[mounts->len];
  m->destination = (char *) NOTIFY_DIR_IN_CONTAINER;
  m->source = arena_alloc(a, strlen(l->dir.path) + sizeof "/" NOTIFY_DIR);
  sprintf(m->source, "%s/%s", l->dir.path, NOTIFY_DIR);
  m->type = (char *) "bind";
  m->options = (oci_strings) { (char **) options, sizeof options / sizeof *options, true };
  *mounts = (oci_mounts) { items, mounts->len + 1, true };
  oci_strings *env = &l->cfg->process->env;
  char **vars = arena_calloc(a, env->len + 1, sizeof *vars);
  if (env->len)
    memcpy(vars, env->items, env->len * sizeof *vars);
  vars[env->len] = (char *) "NOTIFY_SOCKET=" NOTIFY_SOCKET_IN_CONTAINER;
  *env = (oci_strings) { vars, env->len + 1, true };
  return 0;
}
