#pragma once
/* The container's root filesystem, in the order the spec implies: mount
 * propagation, the root bind, `mounts` in order, devices and /dev links
 * (rootfs_prepare, before the hooks that run before pivot_root); pivot_root
 * (rootfs_pivot); then sysctl, readonlyPaths, maskedPaths and a read-only
 * root (rootfs_finish). Every path inside the root is resolved against an fd
 * of it, so the image cannot redirect a mount to the host. */
#include <stdbool.h>
#include <stdint.h>

#include "engine/cgroup/layout.h"
#include "spec/model.h"
#include "util/error.h"

struct rootfs_ctx {
  const struct oci_config *cfg;
  const char *bundle; /* absolute */
  const char *rootfs; /* absolute host path of root.path */
  bool userns;        /* in a new user namespace: device nodes are bound from the host */
  bool cgroupns;      /* in a new cgroup namespace */
  const struct cgroup_layout *cgroup_layout;
  const struct cgroup_set *cgroup_set;
  /* Called once before anything that needs the process in its cgroup (a
   * cgroup mount): the runtime moves it there meanwhile, and on cgroup v1
   * that move can take milliseconds, which mounts can overlap. */
  int (*cgroup_barrier)(void *opaque, struct hutch_error **err);
  void *barrier_opaque;
  /* Per entry of `mounts`: a detached tree the runtime prepared (ID-mapped,
   * see idmap.h, or a bind source opened on the host side), or -1. NULL
   * when there is none. */
  const int *mount_trees;
  /* No mount namespace of its own: the mounts go into the runtime's, below
   * a private bind of the root, and the process chroots instead of
   * pivot_root (which would move the host's root). */
  bool host_mounts;
  /* The pid namespace the container's process will enter after the set-up
   * (see native_init): proc is mounted for it. -1 when the set-up runs in
   * the container's own pid namespace already. */
  int proc_pidns_fd;
  int root_fd; /* set by rootfs_prepare */
};

int rootfs_prepare(struct rootfs_ctx *ctx, struct hutch_error **err);
int rootfs_pivot(struct rootfs_ctx *ctx, bool no_pivot, struct hutch_error **err);
int rootfs_finish(const struct oci_config *cfg, struct hutch_error **err);

/* One entry of linux.sysctl through /proc/sys under root_fd (resolved in
 * it), which shows the namespaces of the process that writes (net.*: its
 * network's, IPC keys: its IPC's). */
int sysctl_write(int root_fd, const struct oci_kv *kv, struct hutch_error **err);
