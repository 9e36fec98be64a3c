#pragma once
/* The container's device nodes (devices.c): the default ones and
 * linux.devices, made or bound inside the root, /dev/ptmx and the /dev
 * symlinks. */
#include "engine/fs/rootfs.h"
#include "util/error.h"

int devices_create(const struct rootfs_ctx *ctx, struct hutch_error **err);
