#pragma once
/* linux.seccomp through libseccomp: the filter is built and loaded by the
 * container process itself, as late as it can be (see process_setup). */
#include <stdbool.h>

#include "spec/model.h"
#include "util/error.h"

/* Builds and loads the filter. Unknown syscall names (not on this
 * architecture) are skipped, as runc does. */
int seccomp_apply(const struct oci_seccomp *s, struct hutch_error **err);

/* The version of the libseccomp hutch runs with ("2.5.4"). */
const char *seccomp_library_version(void);
