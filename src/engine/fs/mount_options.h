#pragma once
/* OCI mount options (config.md's table) turned into what mount(2) and
 * mount_setattr(2) take. */
#include <stdbool.h>
#include <stdint.h>

#include "spec/model.h"

struct mount_plan {
  unsigned long flags;       /* MS_* for the mount itself (MS_BIND, MS_RDONLY, ...) */
  unsigned long cleared;     /* MS_* an option asked to clear ("rw", "suid", "dev"...) */
  unsigned long propagation; /* MS_SHARED, MS_SLAVE, MS_PRIVATE, MS_UNBINDABLE, maybe | MS_REC */
  uint64_t attr_set;         /* MOUNT_ATTR_* to apply recursively (the "r" options) */
  uint64_t attr_clr;
  bool recursive_attrs; /* some "r" option was given: mount_setattr(AT_RECURSIVE) */
  bool idmap;  /* "idmap" or "ridmap" */
  bool ridmap; /* "ridmap": recursive */
  bool tmpcopyup;
  char *data; /* the options mount(8) does not know, comma-joined; NULL if none */
};

/* Never fails: unknown options become filesystem data, as the spec says. */
void mount_plan_build(const oci_strings *options, struct mount_plan *out);
void mount_plan_release(struct mount_plan *plan);

bool mount_plan_is_bind(const struct mount_plan *plan);

/* The plan's per-mount flags (ro, nosuid, nodev, noexec, nodiratime,
 * nosymfollow, the access-time mode) and the ones it clears ("rw", "suid",
 * ...) as MOUNT_ATTR_* for mount_setattr. */
void mount_plan_attrs(const struct mount_plan *plan, uint64_t *set, uint64_t *clr);

/* The flags (nosuid, nodev, noexec, ro) the mount at path carries. The
 * kernel keeps them locked on a bind mount made in a user namespace and
 * refuses a remount that drops them, so a remount must repeat them. */
unsigned long mount_locked_flags(const char *path);

/* A tmpfs with tmpcopyup: the image's files under its mount point are
 * copied in, which hutch's engine does (a backend whose mounts another
 * program makes leaves this one to hutch's shim). */
bool mount_is_tmpcopyup(const struct oci_mount *m);
