#pragma once
/* The entries of `mounts` (mounts.c): each made inside the container's
 * root, resolved against an fd of it; bind sources opened on the host side
 * beforehand; the flags of binds another program made. rootfs.c calls them
 * in the spec's order. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/fs/rootfs.h"
#include "spec/model.h"
#include "util/error.h"

/* Whether this kernel's proc takes the "pidns" option (Linux 6.15 on), so
 * that a process outside a pid namespace can mount proc for it. */
bool proc_mount_takes_pidns(void);

/* A detached copy of a bind source (recursive for rbind) with the options
 * applied to its top, for the runtime to open while it can still reach the
 * source (see rootfs_ctx.mount_trees). */
int bind_tree_open(const char *source, bool rbind, uint64_t attr_set, uint64_t attr_clr, struct hutch_error **err);

/* One entry of `mounts`, already inside the new mount namespace. */
int mount_entry(const struct rootfs_ctx *ctx, const struct oci_mount *m, size_t index, struct hutch_error **err);

/* Sets each bind mount's flags (nosuid, nodev, noexec, ro...) on its top
 * mount under root_fd, as runc sets them: for a backend whose mounts were
 * made by another program (liblxc binds without them). */
int mounts_set_bind_flags(const struct oci_config *cfg, int root_fd, struct hutch_error **err);
