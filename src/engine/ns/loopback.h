#pragma once
/* The loopback interface of a new network namespace starts down; runc and
 * crun bring it up, and programs expect 127.0.0.1 to answer. */
#include "util/error.h"

/* Sets "lo" of the caller's network namespace up. */
int loopback_up(struct hutch_error **err);
