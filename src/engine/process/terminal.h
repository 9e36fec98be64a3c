#pragma once
/* Pseudo-terminals for process.terminal: allocated inside the container from
 * its own /dev/ptmx, so the pty belongs to the container's devpts. */
#include <stdbool.h>

#include "util/error.h"

/* Opens a pty pair from /dev/ptmx of the current root. */
int pty_open(int *master, int *slave, struct hutch_error **err);
int pty_set_size(int fd, unsigned rows, unsigned cols, struct hutch_error **err);
/* Binds the slave onto /dev/console (created if missing). */
int pty_bind_console(int slave, struct hutch_error **err);
/* New session, the slave as controlling terminal and as fds 0, 1 and 2. */
int pty_make_controlling(int slave, struct hutch_error **err);
/* Its two halves, for when the process that will lead the session is not
 * yet born: the slave as fds 0, 1 and 2; then, in that process, a new
 * session with fd 0 as its controlling terminal. */
int pty_take_stdio(int slave, struct hutch_error **err);
int pty_become_controlling(struct hutch_error **err);
