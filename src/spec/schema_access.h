#pragma once
/* Reading model data through the schema tables (internal to spec/). */
#include <stdbool.h>
#include <string.h>

#include "spec/model.h"
#include "spec/schema.h"

static inline const void *oci_field_ptr(const void *obj, const struct oci_field *f)
{
  return (const char *) obj + f->offset;
}

static inline struct oci_array_view oci_array_at(const void *p)
{
  struct oci_array_view v;
  memcpy(&v, p, sizeof v);
  return v;
}

/* The map key of an OBJECT_MAP element (its first member). */
static inline const char *oci_map_key(const void *element)
{
  const char *key;
  memcpy(&key, element, sizeof key);
  return key;
}

/* Whether the field holds a value (absent optional fields hold none). */
bool oci_field_present(const struct oci_field *f, const void *p);
