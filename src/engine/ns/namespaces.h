#pragma once
/* linux.namespaces: which to create, which to join, and the user-namespace
 * ID maps and time-namespace offsets that must be in place before anything
 * runs inside. */
#include <stdbool.h>
#include <sys/types.h>

#include "spec/model.h"
#include "util/error.h"

struct ns_join {
  int type; /* enum oci_namespace_type */
  int fd;   /* opened and checked */
};

struct ns_plan {
  int new_flags; /* CLONE_NEW* to create, without CLONE_NEWTIME and CLONE_NEWCGROUP */
  bool new_user, new_pid, new_mount, new_time, new_cgroup, new_uts;
  struct ns_join joins[OCI_NS_COUNT];
  size_t n_joins;
  bool join_user;
};

/* Opens every namespace to join and checks it is of the type the config
 * says (an error names linux.namespaces[i].path otherwise). */
int ns_plan_build(const struct oci_config *cfg, struct ns_plan *out, struct hutch_error **err);
void ns_plan_release(struct ns_plan *plan);

/* setns into the joined namespaces, the user namespace first, all but the
 * one of except_type (-1: none). */
int ns_join_all(const struct ns_plan *plan, int except_type, struct hutch_error **err);
/* The opened fd of the namespace of that type to join, or -1. */
int ns_join_fd(const struct ns_plan *plan, int type);

/* Writes uid_map and gid_map of pid (the parent does this for its child). */
int ns_write_id_maps(pid_t pid, const struct oci_linux *l, struct hutch_error **err);

/* Creates the time namespace for the caller's future children and sets its
 * offsets (allowed only until a process enters it). */
int ns_unshare_time(const struct oci_linux *l, struct hutch_error **err);

int ns_clone_flag(int type);
