#pragma once
/* Visits every field that is present in a model object, depth first. */
#include "spec/schema.h"

/* path: where the value is ("mounts[2].options");
 * schema_path: the same with indices and map keys generalised
 * ("mounts[].options", "linux.netDevices.{}.name"), for matching rules. */
typedef void (*oci_walk_fn)(const char *path, const char *schema_path, const struct oci_field *field,
                            const void *value, void *ctx);

void oci_walk(const struct oci_type *type, const void *obj, oci_walk_fn fn, void *ctx);
