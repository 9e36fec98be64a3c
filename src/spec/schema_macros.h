#pragma once
/* Macros for writing schema tables (internal to spec/). Each checks at
 * compile time that the member has the C type its kind implies, so a table
 * entry cannot silently disagree with the struct it describes. */
#include <stddef.h>

#include "spec/model.h"
#include "spec/schema.h"
#include "util/cleanup.h"

#define TYPE_CHECK(S, m, T) \
  (0 * sizeof(char[__builtin_types_compatible_p(__typeof__(((S *) 0)->m), T) ? 1 : -1]))
#define OFF(S, m, T) (offsetof(S, m) + TYPE_CHECK(S, m, T))

#define STR(S, m, json, ...) { .name = json, .kind = OCI_K_STRING, .offset = OFF(S, m, char *), __VA_ARGS__ }
#define OBOOL(S, m, json, ...) { .name = json, .kind = OCI_K_BOOL, .offset = OFF(S, m, oci_opt_bool), __VA_ARGS__ }
#define PBOOL(S, m, json, ...) { .name = json, .kind = OCI_K_BOOL, .offset = OFF(S, m, bool), .plain = true, __VA_ARGS__ }
#define OI32(S, m, json, ...) { .name = json, .kind = OCI_K_I32, .offset = OFF(S, m, oci_opt_i32), __VA_ARGS__ }
#define OI64(S, m, json, ...) { .name = json, .kind = OCI_K_I64, .offset = OFF(S, m, oci_opt_i64), __VA_ARGS__ }
#define PI64(S, m, json, ...) { .name = json, .kind = OCI_K_I64, .offset = OFF(S, m, int64_t), .plain = true, __VA_ARGS__ }
#define OU8(S, m, json, ...) { .name = json, .kind = OCI_K_U8, .offset = OFF(S, m, oci_opt_u8), __VA_ARGS__ }
#define OU16(S, m, json, ...) { .name = json, .kind = OCI_K_U16, .offset = OFF(S, m, oci_opt_u16), __VA_ARGS__ }
#define OU32(S, m, json, ...) { .name = json, .kind = OCI_K_U32, .offset = OFF(S, m, oci_opt_u32), __VA_ARGS__ }
#define PU32(S, m, json, ...) { .name = json, .kind = OCI_K_U32, .offset = OFF(S, m, uint32_t), .plain = true, __VA_ARGS__ }
#define OU64(S, m, json, ...) { .name = json, .kind = OCI_K_U64, .offset = OFF(S, m, oci_opt_u64), __VA_ARGS__ }
#define PU64(S, m, json, ...) { .name = json, .kind = OCI_K_U64, .offset = OFF(S, m, uint64_t), .plain = true, __VA_ARGS__ }
#define ENUM(S, m, json, e, ...) { .name = json, .kind = OCI_K_ENUM, .offset = OFF(S, m, oci_opt_enum), .values = &e, __VA_ARGS__ }
#define OBJ(S, m, json, Sub, t, ...) { .name = json, .kind = OCI_K_OBJECT, .offset = OFF(S, m, Sub *), .type = &t, __VA_ARGS__ }
/* Arrays are checked through the type of their items pointer. */
#define OBJARR(S, m, json, Sub, t, ...) \
  { .name = json, .kind = OCI_K_OBJECT_ARRAY, .offset = offsetof(S, m) + TYPE_CHECK(S, m.items, Sub *), .type = &t, __VA_ARGS__ }
#define OBJMAP(S, m, json, Sub, t, ...) \
  { .name = json, .kind = OCI_K_OBJECT_MAP, .offset = offsetof(S, m) + TYPE_CHECK(S, m.items, Sub *), .type = &t, __VA_ARGS__ }
#define STRARR(S, m, json, ...) { .name = json, .kind = OCI_K_STRING_ARRAY, .offset = OFF(S, m, oci_strings), __VA_ARGS__ }
#define U32ARR(S, m, json, ...) { .name = json, .kind = OCI_K_U32_ARRAY, .offset = OFF(S, m, oci_u32s), __VA_ARGS__ }
#define ENUMARR(S, m, json, e, ...) { .name = json, .kind = OCI_K_ENUM_ARRAY, .offset = OFF(S, m, oci_enums), .values = &e, __VA_ARGS__ }
#define STRMAP(S, m, json, ...) { .name = json, .kind = OCI_K_STRING_MAP, .offset = OFF(S, m, oci_string_map), __VA_ARGS__ }
#define RAW(S, m, json, ...) { .name = json, .kind = OCI_K_RAW, .offset = OFF(S, m, struct json_node *), __VA_ARGS__ }

#define REQUIRED .required = true

#define DEFINE_TYPE(var, S, ...)                                                        \
  static const struct oci_field var##_fields[] = { __VA_ARGS__ };                      \
  const struct oci_type var = { #S, sizeof(S), var##_fields, ARRAY_SIZE(var##_fields) }
