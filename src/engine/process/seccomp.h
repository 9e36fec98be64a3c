#pragma once
/* linux.seccomp through libseccomp: the runtime compiles the filter, the
 * container process loads it as late as it can (see process_finalize). */
#include <linux/filter.h>
#include <stdbool.h>

#include "spec/model.h"
#include "util/error.h"

/* A compiled filter, ready for seccomp(2). Compiling a large profile costs
 * milliseconds (libseccomp: ~6 ms for 270 rules here), so the runtime does
 * it once per distinct policy and keeps the result in a cache directory;
 * the container process only loads it. */
struct seccomp_program {
  struct sock_filter *insns;
  unsigned short len;
  unsigned long flags; /* SECCOMP_FILTER_FLAG_* */
};

/* Compiles s, or reads it from cache_dir (NULL: no cache) when the exact
 * same policy was compiled before by the same libseccomp. Unknown syscall
 * names (not on this architecture) are skipped, as runc does. */
int seccomp_compile(const struct oci_seccomp *s, const char *cache_dir, struct seccomp_program *out,
                    struct hutch_error **err);
void seccomp_program_release(struct seccomp_program *p);

/* Installs the program in the calling process. With a notify rule,
 * *notify_fd (if non-NULL) gets the listener fd, else -1. */
int seccomp_load_program(const struct seccomp_program *p, int *notify_fd, struct hutch_error **err);

/* Whether the running kernel accepts this linux.seccomp.flags value. */
bool seccomp_kernel_has_flag(int oci_flag);

/* Whether some rule uses SCMP_ACT_NOTIFY. */
bool seccomp_uses_notify(const struct oci_seccomp *s);

/* The container process state (config.md, seccomp listener): one message
 * per connection, the notify fd in its SCM_RIGHTS, then the socket closes.
 * state_json is the container's state; pid as the runtime sees it. */
int seccomp_send_listener(int sock, int notify_fd, const char *oci_version, int pid, const char *metadata,
                          const char *state_json, struct hutch_error **err);

/* The version of the libseccomp hutch runs with ("2.5.4"). */
const char *seccomp_library_version(void);
