#include "spec/schema_access.h"

bool oci_field_present(const struct oci_field *f, const void *p)
{
  if (f->plain)
    return true;
  switch (f->kind) {
  case OCI_K_STRING:
  case OCI_K_OBJECT:
  case OCI_K_RAW:
    return *(void *const *) p != NULL;
  case OCI_K_BOOL:
    return ((const oci_opt_bool *) p)->set;
  case OCI_K_I32:
    return ((const oci_opt_i32 *) p)->set;
  case OCI_K_I64:
    return ((const oci_opt_i64 *) p)->set;
  case OCI_K_U8:
    return ((const oci_opt_u8 *) p)->set;
  case OCI_K_U16:
    return ((const oci_opt_u16 *) p)->set;
  case OCI_K_U32:
    return ((const oci_opt_u32 *) p)->set;
  case OCI_K_U64:
    return ((const oci_opt_u64 *) p)->set;
  case OCI_K_ENUM:
    return ((const oci_opt_enum *) p)->set;
  case OCI_K_OBJECT_ARRAY:
  case OCI_K_OBJECT_MAP:
  case OCI_K_STRING_ARRAY:
  case OCI_K_U32_ARRAY:
  case OCI_K_ENUM_ARRAY:
  case OCI_K_STRING_MAP:
    return oci_array_at(p).set;
  }
  return false;
}
