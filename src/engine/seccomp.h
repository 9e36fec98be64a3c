#pragma once
/* linux.seccomp through libseccomp: the filter is built and loaded by the
 * container process itself, as late as it can be (see process_setup). */
#include <stdbool.h>

#include "spec/model.h"
#include "util/error.h"

/* Builds and loads the filter. Unknown syscall names (not on this
 * architecture) are skipped, as runc does. When a rule uses SCMP_ACT_NOTIFY,
 * *notify_fd (if non-NULL) gets the listener fd, else -1. */
int seccomp_apply(const struct oci_seccomp *s, int *notify_fd, struct hutch_error **err);

/* Whether some rule uses SCMP_ACT_NOTIFY. */
bool seccomp_uses_notify(const struct oci_seccomp *s);

/* The container process state (config.md, seccomp listener): one message
 * per connection, the notify fd in its SCM_RIGHTS, then the socket closes.
 * state_json is the container's state; pid as the runtime sees it. */
int seccomp_send_listener(int sock, int notify_fd, const char *oci_version, int pid, const char *metadata,
                          const char *state_json, struct hutch_error **err);

/* The version of the libseccomp hutch runs with ("2.5.4"). */
const char *seccomp_library_version(void);
