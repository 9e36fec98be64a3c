#pragma once
/* The CVE-2019-5736 guard: nothing in a container may reach the hutch
 * binary on the host through /proc/<pid>/exe and write to it.
 *
 * Every process that enters a container is forked from hutch, so at first
 * its exe is hutch's. The container reaches it in more ways than one: an
 * entrypoint of /proc/self/exe runs it again inside (a dynamically linked
 * build then loads the image's ELF interpreter, attacker code holding
 * /proc/self/exe), an exec'd copy of it is an ordinary process of the
 * container, and a container process with CAP_SYS_PTRACE opens
 * /proc/<pid>/exe of any hutch process in its pid namespace. Making the
 * process non-dumpable covers none of these.
 *
 * So before it starts anything that will enter a container, hutch makes
 * sure it runs from an executable that cannot be written: the binary is
 * re-executed through a detached, read-only bind mount of itself (open_tree
 * and mount_setattr: no mount is added anywhere, nothing is copied), or, where
 * that is not permitted, from a sealed memfd copy. /proc/<pid>/exe of every
 * process forked after that names the read-only file: an open for writing
 * fails with EROFS (or EPERM on the sealed copy). A binary already on a
 * read-only mount needs neither. */
#include <stdbool.h>

#include "util/error.h"

/* True when /proc/self/exe cannot be opened for writing by anyone: a sealed
 * memfd, or a file on a read-only mount. */
bool exe_guard_is_sealed(void);

/* Unless already sealed, re-executes the current command (argv, the same
 * environment) from a read-only view of the binary. Returns only on error;
 * after the re-exec the command starts over, sealed. */
int exe_guard_ensure_sealed(char **argv, struct hutch_error **err);

/* Makes the calling process non-dumpable: its memory, fds and root are then
 * out of reach of unprivileged processes that can see it. */
int exe_guard_protect(struct hutch_error **err);

/* The directory hutch was started from (its helper executables sit there in
 * a build tree), known also after the re-execution from a copy, which has
 * none: carried across exec in the environment and taken out of it at once,
 * so it reaches no hook or container. NULL if unknown. */
const char *exe_guard_original_dir(void);
/* Puts it back into the environment for an exec of a helper of ours. */
void exe_guard_pass_original_dir(void);
