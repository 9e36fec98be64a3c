#pragma once
/* Internal to the lxc backend. The container is built by liblxc (its
 * namespaces, id maps, root filesystem and mounts); hutch's shim is its
 * first process and applies the rest of process and linux the way the native
 * init does, then waits for `start`. From "created" on the container is an
 * ordinary hutch record (pid, cgroups), so the commands after create are the
 * native backend's. liblxc is linked only into the helper executable
 * hutch-lxc (Debian has no static liblxc, and the native start path must
 * stay static); hutch itself hands create and run to it. */
#include <stdbool.h>
#include <stddef.h>

#include "backend/backend.h"
#include "engine/state/store.h"
#include "spec/model.h"
#include "util/error.h"

/* What hutch-lxc adds: create and run through liblxc. hutch has no
 * definition of it and executes hutch-lxc instead. */
struct lxc_engine {
  int (*create)(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, struct hutch_error **err);
  int (*run)(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
             struct hutch_error **err);
};
extern const struct lxc_engine hutch_lxc_engine __attribute__((weak));

/* Where both are installed (meson sets it); a build tree has them next to
 * hutch. */
#ifndef HUTCH_LIBEXECDIR
#define HUTCH_LIBEXECDIR "/usr/libexec/hutch"
#endif
#define LXC_HELPER_NAME "hutch-lxc"
#define LXC_SHIM_NAME "hutch-lxc-init"
/* Where the shim is bound while it sets up (the shim removes it): in the
 * config's /dev tmpfs, which the container's root may write even in a user
 * namespace, else in a directory liblxc makes in the root. */
#define LXC_SHIM_IN_DEV "dev/.hutch-init"
#define LXC_SHIM_IN_ROOT ".hutch/init"
/* The one of the two a config uses, without the leading '/'. */
const char *lxc_shim_mount_point(const struct oci_config *cfg);
/* The container directory's part for liblxc and the shim (removed once the
 * container is created). */
#define LXC_WORK_DIR BACKEND_WORK_DIR

void lxc_describe(struct oci_support *out, struct arena *arena);

/* One liblxc configuration item. */
struct lxc_item {
  char *key;
  char *value;
};
struct lxc_items {
  struct lxc_item *items;
  size_t n, cap;
};
void lxc_items_release(struct lxc_items *items);

/* A mount the shim makes after pivot_root rather than liblxc: a tmpfs with
 * tmpcopyup (the image's files are copied in by hutch's engine). */
bool lxc_mount_by_shim(const struct oci_mount *m);
/* A mount the mount hook (the shim, before pivot_root) makes: a cgroup
 * mount without a cgroup namespace binds the container's own cgroups from
 * the host, as native does (liblxc's shows their full paths). */
bool lxc_mount_by_hook(const struct oci_config *cfg, const struct oci_mount *m);
/* Whether liblxc must run the mount hook: create-time hooks or such mounts. */
bool lxc_needs_mount_hook(const struct oci_config *cfg);

struct lxc_plan_in {
  const struct oci_config *cfg;
  const char *bundle;     /* absolute */
  const char *rootfs;     /* absolute */
  /* The root, to resolve mount destinations in it (the image's symlinks
   * followed inside it, as runc does; liblxc refuses them), making missing
   * ones; -1: destinations as written. */
  int root_fd;
  const char *shim;       /* hutch-lxc-init, bound read-only at /.hutch/init */
  const char *cgroup_dir; /* the container's cgroup below the monitor's, no leading '/' */
  const char *log_file;
  bool debug;
  /* The shim's sync socket in the container's first process: the mount
   * hook (the shim again) inherits it there. */
  int sync_fd;
  bool mount_hook; /* lxc_needs_mount_hook */
};
/* The liblxc configuration of a container, from its typed config: what
 * liblxc does (namespaces, id maps, root, mounts, hostname, rlimits, sysctl,
 * labels, network devices, cgroup placement). Errors name the field. */
int lxc_plan(const struct lxc_plan_in *in, struct lxc_items *out, struct hutch_error **err);
