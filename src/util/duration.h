#pragma once
/* Durations as runc's command line takes them (Go's time.ParseDuration):
 * "5s", "250ms", "1m30s", "1.5h". */
#include <stdint.h>

#include "util/error.h"

/* Parses text into nanoseconds. Units: ns, us (or µs), ms, s, m, h; each
 * number may have a fraction; a bare "0" is zero. Overflow, a missing unit
 * and a sign are errors (runc has no use for negative durations). */
int duration_parse(const char *text, uint64_t *ns, struct hutch_error **err);
