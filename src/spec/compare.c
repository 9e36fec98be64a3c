#include "spec/codec.h"
#include "spec/model.h"
#include "spec/schema_access.h"
#include "util/json.h"

#include <stdio.h>
#include <string.h>

static bool str_equal(const char *a, const char *b)
{
  if (!a || !b)
    return a == b;
  return strcmp(a, b) == 0;
}

static bool raw_equal(const struct json_node *a, const struct json_node *b)
{
  if (!a || !b)
    return a == b;
  if (a->type != b->type)
    return false;
  switch (a->type) {
  case JSON_NULL:
    return true;
  case JSON_BOOL:
    return a->u.boolean == b->u.boolean;
  case JSON_NUMBER:
    return strcmp(a->u.number.text, b->u.number.text) == 0;
  case JSON_STRING:
    return a->u.string.len == b->u.string.len && memcmp(a->u.string.ptr, b->u.string.ptr, a->u.string.len) == 0;
  case JSON_ARRAY:
    if (a->u.array.len != b->u.array.len)
      return false;
    for (size_t i = 0; i < a->u.array.len; i++)
      if (!raw_equal(a->u.array.items[i], b->u.array.items[i]))
        return false;
    return true;
  case JSON_OBJECT:
    if (a->u.object.len != b->u.object.len)
      return false;
    for (size_t i = 0; i < a->u.object.len; i++)
      if (strcmp(a->u.object.items[i].key, b->u.object.items[i].key) != 0 ||
          !raw_equal(a->u.object.items[i].value, b->u.object.items[i].value))
        return false;
    return true;
  }
  return false;
}

static bool object_equal(const struct oci_type *type, const void *a, const void *b, struct strbuf *where);

static void note(struct strbuf *where, const char *name)
{
  if (!where)
    return;
  if (where->len && name[0] != '[')
    strbuf_addc(where, '.');
  strbuf_adds(where, name);
}

static bool array_equal(const struct oci_field *f, const void *pa, const void *pb, struct strbuf *where)
{
  struct oci_array_view a = oci_array_at(pa), b = oci_array_at(pb);
  if (a.set != b.set || a.len != b.len)
    return false;
  for (size_t i = 0; i < a.len; i++) {
    bool same;
    size_t saved = where ? where->len : 0;
    char index[32];
    switch (f->kind) {
    case OCI_K_OBJECT_ARRAY:
    case OCI_K_OBJECT_MAP: {
      const char *ea = (const char *) a.items + i * f->type->size;
      const char *eb = (const char *) b.items + i * f->type->size;
      if (f->kind == OCI_K_OBJECT_MAP)
        note(where, oci_map_key(ea) ? oci_map_key(ea) : "?");
      else {
        snprintf(index, sizeof index, "[%zu]", i);
        note(where, index);
      }
      same = (f->kind == OCI_K_OBJECT_ARRAY || str_equal(oci_map_key(ea), oci_map_key(eb))) &&
             object_equal(f->type, ea, eb, where);
      break;
    }
    case OCI_K_STRING_ARRAY:
      same = str_equal(((char *const *) a.items)[i], ((char *const *) b.items)[i]);
      break;
    case OCI_K_U32_ARRAY:
      same = ((const uint32_t *) a.items)[i] == ((const uint32_t *) b.items)[i];
      break;
    case OCI_K_ENUM_ARRAY:
      same = ((const int *) a.items)[i] == ((const int *) b.items)[i];
      break;
    case OCI_K_STRING_MAP: {
      const struct oci_kv *x = &((const struct oci_kv *) a.items)[i];
      const struct oci_kv *y = &((const struct oci_kv *) b.items)[i];
      same = str_equal(x->key, y->key) && str_equal(x->value, y->value);
      break;
    }
    default:
      same = false;
    }
    if (!same)
      return false;
    if (where)
      strbuf_truncate(where, saved);
  }
  return true;
}

#define OPT_EQUAL(T, pa, pb) \
  (((const T *) (pa))->set == ((const T *) (pb))->set && ((const T *) (pa))->value == ((const T *) (pb))->value)

static bool field_equal(const struct oci_field *f, const void *pa, const void *pb, struct strbuf *where)
{
  switch (f->kind) {
  case OCI_K_STRING:
    return str_equal(*(char *const *) pa, *(char *const *) pb);
  case OCI_K_BOOL:
    return f->plain ? *(const bool *) pa == *(const bool *) pb : OPT_EQUAL(oci_opt_bool, pa, pb);
  case OCI_K_I32:
    return OPT_EQUAL(oci_opt_i32, pa, pb);
  case OCI_K_I64:
    return f->plain ? *(const int64_t *) pa == *(const int64_t *) pb : OPT_EQUAL(oci_opt_i64, pa, pb);
  case OCI_K_U8:
    return OPT_EQUAL(oci_opt_u8, pa, pb);
  case OCI_K_U16:
    return OPT_EQUAL(oci_opt_u16, pa, pb);
  case OCI_K_U32:
    return f->plain ? *(const uint32_t *) pa == *(const uint32_t *) pb : OPT_EQUAL(oci_opt_u32, pa, pb);
  case OCI_K_U64:
    return f->plain ? *(const uint64_t *) pa == *(const uint64_t *) pb : OPT_EQUAL(oci_opt_u64, pa, pb);
  case OCI_K_ENUM:
    return OPT_EQUAL(oci_opt_enum, pa, pb);
  case OCI_K_OBJECT: {
    const void *a = *(void *const *) pa, *b = *(void *const *) pb;
    if (!a || !b)
      return a == b;
    return object_equal(f->type, a, b, where);
  }
  case OCI_K_OBJECT_ARRAY:
  case OCI_K_OBJECT_MAP:
  case OCI_K_STRING_ARRAY:
  case OCI_K_U32_ARRAY:
  case OCI_K_ENUM_ARRAY:
  case OCI_K_STRING_MAP:
    return array_equal(f, pa, pb, where);
  case OCI_K_RAW:
    return raw_equal(*(const struct json_node *const *) pa, *(const struct json_node *const *) pb);
  }
  return false;
}

static bool object_equal(const struct oci_type *type, const void *a, const void *b, struct strbuf *where)
{
  for (size_t i = 0; i < type->n_fields; i++) {
    const struct oci_field *f = &type->fields[i];
    size_t saved = where ? where->len : 0;
    note(where, f->name);
    if (!field_equal(f, oci_field_ptr(a, f), oci_field_ptr(b, f), where))
      return false;
    if (where)
      strbuf_truncate(where, saved);
  }
  return true;
}

bool oci_equal(const struct oci_type *type, const void *a, const void *b, struct strbuf *where)
{
  return object_equal(type, a, b, where);
}
