#pragma once
/* A state.json is a file on disk: whoever could write it (a bug, a crash, a
 * hand) must not make hutch signal a host process, remove a cgroup, stop a
 * systemd unit or detach a mount that is not the container's. These checks
 * run before anything in a record is acted on. */
#include <stdbool.h>
#include <sys/types.h>

#include "engine/cgroup/layout.h"
#include "engine/state/store.h"
#include "util/error.h"

/* Checks every path and name in rec against what hutch itself could have
 * written for container id: cgroup directories clean, absolute, inside a
 * cgroup filesystem but not a hierarchy's root, and named for the container
 * (the id in their last component, or the config snapshot's cgroupsPath);
 * what create made of them, the systemd unit, the resctrl groups and the
 * root mount likewise. Fails with code EBADMSG, naming the field. */
int record_check(int dir_fd, const struct container_record *rec, const char *id, struct hutch_error **err);

/* Whether pid is in one of the cgroups of set (or below one): what a pid
 * from a state file must be before it is signalled. True for an empty set
 * (a container without cgroups has only its start time to go by). */
bool process_in_cgroups(pid_t pid, const struct cgroup_set *set);
