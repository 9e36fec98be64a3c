#pragma once
/* process.capabilities, applied with the raw syscalls (no libcap needed). */
#include <stdint.h>

#include "spec/model.h"
#include "util/error.h"

struct cap_sets {
  uint64_t bounding, effective, inheritable, permitted, ambient;
};

/* Names to bit sets. A name hutch or this kernel does not know is logged as
 * a warning and skipped, as the spec asks (1.1.0). */
void caps_from_config(const struct oci_capabilities *c, struct cap_sets *out);

/* Drops what is not in the bounding set; needs CAP_SETPCAP, so call it
 * before changing user. */
int caps_drop_bounding(const struct cap_sets *sets, struct hutch_error **err);

/* Sets effective, permitted and inheritable, then raises the ambient ones. */
int caps_set(const struct cap_sets *sets, struct hutch_error **err);

/* The caller's permitted and inheritable sets. */
int caps_get_current(uint64_t *permitted, uint64_t *inheritable);

/* Highest capability number this kernel knows. */
int caps_last(void);
