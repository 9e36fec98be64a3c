#pragma once
/* A bundle's config.json, read and validated once by whoever calls create
 * or run: backend selection reads its annotations, and the backend's create
 * works from it as it is, so the file is neither read nor parsed twice. */
#include <stddef.h>

#include "spec/model.h"
#include "util/error.h"

struct hutch_bundle {
  char *path;        /* absolute, symbolic links resolved */
  char *config_text; /* as read: the snapshot a backend may keep */
  size_t config_len;
  struct oci_config *cfg; /* parsed and valid (warnings are logged); backends may adjust it */
};

/* Reads dir/config.json (a regular file, bounded) and validates it: the
 * first error fails the load, naming its JSON path. */
int hutch_bundle_load(const char *dir, struct hutch_bundle *out, struct hutch_error **err);
void hutch_bundle_release(struct hutch_bundle *b);
