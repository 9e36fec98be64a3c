#pragma once
/* Bulk fd hygiene for processes that are about to be seen by a container. */
#include <stddef.h>

#include "util/error.h"

/* Closes every fd from first up, except those in keep (any order, repeats
 * and values below first allowed). */
int fds_close_except(int first, const int *keep, size_t n_keep, struct hutch_error **err);
