#pragma once
/* The CVE-2019-5736 guard: a process in the container must not be able to
 * open the hutch binary through /proc/<pid>/exe of a hutch process that
 * enters the container, and write to it.
 *
 * The cheap part, always: the entering process is made non-dumpable before
 * it becomes visible in the container. /proc/<pid>/exe (and fd/, mem, root)
 * of a non-dumpable process then needs CAP_SYS_PTRACE in the user namespace
 * its memory belongs to: the host's. A container in a user namespace of its
 * own, or without CAP_SYS_PTRACE, can never have that. The exec of the user
 * program makes the process dumpable again, with the program as its exe.
 *
 * The costly part, only when needed: a process in the host's user namespace
 * with CAP_SYS_PTRACE could pass that check. Whoever can see the entering
 * process counts: the container's own processes, and every process of a pid
 * namespace it shares (the host's, or one joined by path, as pods do). When
 * any of them may hold that capability, hutch first re-executes itself from
 * a sealed, read-only memfd copy: the exe they could reach is then that
 * copy, not the file on disk. */
#include <stdbool.h>

#include "spec/model.h"
#include "util/error.h"

/* True when dumpability alone does not protect the process that enters:
 * its user namespace is the host's (own_userns false) and either a process
 * with these capabilities may hold CAP_SYS_PTRACE, or the pid namespace is
 * shared with processes hutch knows nothing about (private_pidns false). */
bool exe_guard_needs_copy(bool own_userns, bool private_pidns, const struct oci_process *p);
/* Whether the config gives the container a pid namespace of its own. */
bool exe_guard_config_has_private_pidns(const struct oci_config *cfg);
/* Whether the config gives the container a user namespace (new or joined). */
bool exe_guard_config_has_userns(const struct oci_config *cfg);

/* Re-executes the current command from a sealed memfd copy of the binary,
 * unless already running from one. Returns only on error. */
int exe_guard_reexec_sealed(char **argv, struct hutch_error **err);

/* True when this process runs from the sealed copy. */
bool exe_guard_is_sealed(void);

/* Makes the calling process non-dumpable. */
int exe_guard_protect(struct hutch_error **err);
