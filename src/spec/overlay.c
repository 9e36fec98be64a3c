#include "spec/codec.h"
#include "spec/schema_access.h"

#include <string.h>

/* The bytes a field occupies, by kind (and plainness). */
static size_t field_size(const struct oci_field *f)
{
  switch (f->kind) {
  case OCI_K_STRING:
  case OCI_K_OBJECT:
  case OCI_K_RAW:
    return sizeof(void *);
  case OCI_K_BOOL:
    return f->plain ? sizeof(bool) : sizeof(oci_opt_bool);
  case OCI_K_I32:
    return sizeof(oci_opt_i32);
  case OCI_K_I64:
    return f->plain ? sizeof(int64_t) : sizeof(oci_opt_i64);
  case OCI_K_U8:
    return sizeof(oci_opt_u8);
  case OCI_K_U16:
    return sizeof(oci_opt_u16);
  case OCI_K_U32:
    return f->plain ? sizeof(uint32_t) : sizeof(oci_opt_u32);
  case OCI_K_U64:
    return f->plain ? sizeof(uint64_t) : sizeof(oci_opt_u64);
  case OCI_K_ENUM:
    return sizeof(oci_opt_enum);
  default:
    return sizeof(struct oci_array_view);
  }
}

void oci_overlay(struct arena *arena, const struct oci_type *type, void *dst, const void *src)
{
  for (size_t i = 0; i < type->n_fields; i++) {
    const struct oci_field *f = &type->fields[i];
    const void *s = oci_field_ptr(src, f);
    void *d = (char *) dst + f->offset;
    if (!oci_field_present(f, s))
      continue;
    if (f->kind == OCI_K_OBJECT) {
      void *sub_src = *(void *const *) s;
      void *sub_dst = *(void **) d;
      if (!sub_dst) {
        sub_dst = arena_calloc(arena, 1, f->type->size);
        *(void **) d = sub_dst;
      }
      oci_overlay(arena, f->type, sub_dst, sub_src);
      continue;
    }
    memcpy(d, s, field_size(f));
  }
}
