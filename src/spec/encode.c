#include "spec/codec.h"
#include "spec/model.h"
#include "spec/schema_access.h"
#include "util/json.h"
#include "util/json_writer.h"

#include <string.h>

static void encode_object(struct json_writer *w, const struct oci_type *type, const void *obj);

static void encode_value(struct json_writer *w, const struct oci_field *f, const void *p)
{
  switch (f->kind) {
  case OCI_K_STRING:
    json_w_string(w, *(char *const *) p);
    break;
  case OCI_K_BOOL:
    json_w_bool(w, f->plain ? *(const bool *) p : ((const oci_opt_bool *) p)->value);
    break;
  case OCI_K_I32:
    json_w_i64(w, ((const oci_opt_i32 *) p)->value);
    break;
  case OCI_K_I64:
    json_w_i64(w, f->plain ? *(const int64_t *) p : ((const oci_opt_i64 *) p)->value);
    break;
  case OCI_K_U8:
    json_w_u64(w, ((const oci_opt_u8 *) p)->value);
    break;
  case OCI_K_U16:
    json_w_u64(w, ((const oci_opt_u16 *) p)->value);
    break;
  case OCI_K_U32:
    json_w_u64(w, f->plain ? *(const uint32_t *) p : ((const oci_opt_u32 *) p)->value);
    break;
  case OCI_K_U64:
    json_w_u64(w, f->plain ? *(const uint64_t *) p : ((const oci_opt_u64 *) p)->value);
    break;
  case OCI_K_ENUM:
    json_w_string(w, oci_enum_name(f->values, ((const oci_opt_enum *) p)->value));
    break;
  case OCI_K_OBJECT:
    encode_object(w, f->type, *(void *const *) p);
    break;
  case OCI_K_OBJECT_ARRAY: {
    struct oci_array_view v = oci_array_at(p);
    json_w_begin_array(w);
    for (size_t i = 0; i < v.len; i++)
      encode_object(w, f->type, (const char *) v.items + i * f->type->size);
    json_w_end_array(w);
    break;
  }
  case OCI_K_OBJECT_MAP: {
    struct oci_array_view v = oci_array_at(p);
    json_w_begin_object(w);
    for (size_t i = 0; i < v.len; i++) {
      const char *element = (const char *) v.items + i * f->type->size;
      json_w_key(w, oci_map_key(element));
      encode_object(w, f->type, element);
    }
    json_w_end_object(w);
    break;
  }
  case OCI_K_STRING_ARRAY: {
    struct oci_array_view v = oci_array_at(p);
    json_w_begin_array(w);
    for (size_t i = 0; i < v.len; i++) {
      /* An entry that failed to decode stays NULL in a partial model. */
      const char *item = ((char *const *) v.items)[i];
      if (item)
        json_w_string(w, item);
      else
        json_w_null(w);
    }
    json_w_end_array(w);
    break;
  }
  case OCI_K_U32_ARRAY: {
    struct oci_array_view v = oci_array_at(p);
    json_w_begin_array(w);
    for (size_t i = 0; i < v.len; i++)
      json_w_u64(w, ((const uint32_t *) v.items)[i]);
    json_w_end_array(w);
    break;
  }
  case OCI_K_ENUM_ARRAY: {
    struct oci_array_view v = oci_array_at(p);
    json_w_begin_array(w);
    for (size_t i = 0; i < v.len; i++)
      json_w_string(w, oci_enum_name(f->values, ((const int *) v.items)[i]));
    json_w_end_array(w);
    break;
  }
  case OCI_K_STRING_MAP: {
    struct oci_array_view v = oci_array_at(p);
    json_w_begin_object(w);
    for (size_t i = 0; i < v.len; i++) {
      const struct oci_kv *kv = &((const struct oci_kv *) v.items)[i];
      json_w_key(w, kv->key);
      if (kv->value)
        json_w_string(w, kv->value);
      else
        json_w_null(w);
    }
    json_w_end_object(w);
    break;
  }
  case OCI_K_RAW:
    json_w_node(w, *(const struct json_node *const *) p);
    break;
  }
}

/* A map element's key is not among its type's fields, so it is not repeated. */
static void encode_object(struct json_writer *w, const struct oci_type *type, const void *obj)
{
  json_w_begin_object(w);
  for (size_t i = 0; i < type->n_fields; i++) {
    const struct oci_field *f = &type->fields[i];
    const void *p = oci_field_ptr(obj, f);
    if (!oci_field_present(f, p))
      continue;
    json_w_key(w, f->name);
    encode_value(w, f, p);
  }
  json_w_end_object(w);
}

void oci_encode_into(struct json_writer *w, const struct oci_type *type, const void *obj)
{
  encode_object(w, type, obj);
}

void oci_encode(struct strbuf *out, const struct oci_type *type, const void *obj, const char *indent)
{
  struct json_writer w;
  json_writer_init(&w, out, indent);
  encode_object(&w, type, obj);
}
