#pragma once
/* Descriptors of the config model: for each struct in model.h, its JSON
 * member names, kinds and offsets. One table drives decoding (JSON → model),
 * encoding (model → JSON) and comparison, so the three cannot drift apart. */
#include <stdbool.h>
#include <stddef.h>

#include "spec/names.h"

enum oci_kind {
  OCI_K_STRING,       /* char * */
  OCI_K_BOOL,         /* oci_opt_bool, or bool when plain */
  OCI_K_I32,          /* oci_opt_i32 */
  OCI_K_I64,          /* oci_opt_i64, or int64_t when plain */
  OCI_K_U8,           /* oci_opt_u8 */
  OCI_K_U16,          /* oci_opt_u16 */
  OCI_K_U32,          /* oci_opt_u32, or uint32_t when plain */
  OCI_K_U64,          /* oci_opt_u64, or uint64_t when plain */
  OCI_K_ENUM,         /* oci_opt_enum, names in `values` */
  OCI_K_OBJECT,       /* pointer to `type`, NULL when absent */
  OCI_K_OBJECT_ARRAY, /* OCI_ARRAY(struct of `type`) */
  OCI_K_OBJECT_MAP,   /* OCI_ARRAY(struct of `type`), whose first member is the char *key */
  OCI_K_STRING_ARRAY, /* oci_strings */
  OCI_K_U32_ARRAY,    /* oci_u32s */
  OCI_K_ENUM_ARRAY,   /* oci_enums, names in `values` */
  OCI_K_STRING_MAP,   /* oci_string_map */
  OCI_K_RAW,          /* struct json_node *, kept as written */
};

struct oci_type;

struct oci_field {
  const char *name;
  enum oci_kind kind;
  size_t offset;
  bool plain;    /* scalar stored without a `set` flag (always present) */
  bool required; /* missing → "<path>: required" */
  const struct oci_type *type;   /* OBJECT, OBJECT_ARRAY, OBJECT_MAP */
  const struct oci_enum *values; /* ENUM, ENUM_ARRAY; for STRING: the allowed values */
};

struct oci_type {
  const char *name;
  size_t size;
  const struct oci_field *fields;
  size_t n_fields;
};

/* The root: struct oci_config. */
extern const struct oci_type oci_type_config;
/* struct oci_process, on its own for `exec --process`. */
extern const struct oci_type oci_type_process;
/* struct oci_resources, on its own for `update --resources`. */
extern const struct oci_type oci_type_resources;
/* struct oci_seccomp: its canonical text keys the compiled-filter cache. */
extern const struct oci_type oci_type_seccomp;
/* struct oci_intel_rdt: the decoder names the members 1.3.0 removed. */
extern const struct oci_type oci_type_intel_rdt;

/* The layout every OCI_ARRAY shares; generic code reads arrays through it. */
struct oci_array_view {
  void *items;
  size_t len;
  bool set;
};
