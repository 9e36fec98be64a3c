#pragma once
/* Times as the OCI state and runc's records write them. */
#include <stddef.h>

/* The current time in RFC 3339, UTC, with nanoseconds
 * ("2026-12-07T09:30:00.123456789Z"), as runc's "created". */
void rfc3339_now(char *buf, size_t size);
