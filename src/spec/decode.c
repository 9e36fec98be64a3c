#include "spec/codec.h"
#include "spec/model.h"
#include "spec/schema.h"
#include "util/json.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct decoder {
  struct arena *arena;
  struct diag_list *diags;
  struct strbuf path;
};

/* Path helpers: each push returns the length to restore afterwards. */
static size_t path_push_key(struct strbuf *path, const char *key)
{
  size_t saved = path->len;
  if (path->len)
    strbuf_addc(path, '.');
  strbuf_adds(path, key);
  return saved;
}

static size_t path_push_index(struct strbuf *path, size_t index)
{
  size_t saved = path->len;
  strbuf_addf(path, "[%zu]", index);
  return saved;
}

static void __attribute__((format(printf, 2, 3))) fail(struct decoder *d, const char *fmt, ...)
{
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  diag_add(d->diags, DIAG_ERROR, strbuf_str(&d->path), "%s", msg);
}

static void fail_type(struct decoder *d, const char *expected, const struct json_node *n)
{
  char got[96];
  fail(d, "expected %s, got %s", expected, json_describe(n, got, sizeof got));
}

static void *slot(void *obj, const struct oci_field *f)
{
  return (char *) obj + f->offset;
}

struct int_range {
  const char *name;
  bool is_signed;
  int64_t smin, smax;
  uint64_t umax;
};

static const struct int_range *range_of(enum oci_kind kind)
{
  static const struct int_range i32 = { "int32", true, INT32_MIN, INT32_MAX, 0 };
  static const struct int_range i64 = { "int64", true, INT64_MIN, INT64_MAX, 0 };
  static const struct int_range u8 = { "uint8", false, 0, 0, UINT8_MAX };
  static const struct int_range u16 = { "uint16", false, 0, 0, UINT16_MAX };
  static const struct int_range u32 = { "uint32", false, 0, 0, UINT32_MAX };
  static const struct int_range u64 = { "uint64", false, 0, 0, UINT64_MAX };
  switch (kind) {
  case OCI_K_I32:
    return &i32;
  case OCI_K_I64:
    return &i64;
  case OCI_K_U8:
    return &u8;
  case OCI_K_U16:
    return &u16;
  case OCI_K_U32:
  case OCI_K_U32_ARRAY:
    return &u32;
  default:
    return &u64;
  }
}

/* Reads an integer of the kind's width; false (with a diagnostic) otherwise. */
static bool read_integer(struct decoder *d, enum oci_kind kind, const struct json_node *n, int64_t *s,
                         uint64_t *u)
{
  const struct int_range *r = range_of(kind);
  if (n->type != JSON_NUMBER || !n->u.number.is_integer) {
    fail_type(d, "an integer", n);
    return false;
  }
  if (r->is_signed) {
    int64_t v;
    if (!json_number_to_i64(n, &v) || v < r->smin || v > r->smax) {
      fail(d, "%s is out of range for %s (%" PRId64 " to %" PRId64 ")", n->u.number.text, r->name, r->smin,
           r->smax);
      return false;
    }
    *s = v;
    return true;
  }
  uint64_t v;
  if (!json_number_to_u64(n, &v) || v > r->umax) {
    fail(d, "%s is out of range for %s (0 to %" PRIu64 ")", n->u.number.text, r->name, r->umax);
    return false;
  }
  *u = v;
  return true;
}

static void store_integer(enum oci_kind kind, bool plain, void *p, int64_t s, uint64_t u)
{
  switch (kind) {
  case OCI_K_I32:
    *(oci_opt_i32 *) p = (oci_opt_i32) { (int32_t) s, true };
    break;
  case OCI_K_I64:
    if (plain)
      *(int64_t *) p = s;
    else
      *(oci_opt_i64 *) p = (oci_opt_i64) { s, true };
    break;
  case OCI_K_U8:
    *(oci_opt_u8 *) p = (oci_opt_u8) { (uint8_t) u, true };
    break;
  case OCI_K_U16:
    *(oci_opt_u16 *) p = (oci_opt_u16) { (uint16_t) u, true };
    break;
  case OCI_K_U32:
    if (plain)
      *(uint32_t *) p = (uint32_t) u;
    else
      *(oci_opt_u32 *) p = (oci_opt_u32) { (uint32_t) u, true };
    break;
  case OCI_K_U64:
    if (plain)
      *(uint64_t *) p = u;
    else
      *(oci_opt_u64 *) p = (oci_opt_u64) { u, true };
    break;
  default:
    break;
  }
}

static bool read_enum(struct decoder *d, const struct oci_enum *e, const struct json_node *n, int *out)
{
  if (n->type != JSON_STRING) {
    fail_type(d, "a string", n);
    return false;
  }
  int v = oci_enum_lookup(e, n->u.string.ptr);
  if (v < 0) {
    struct strbuf list = STRBUF_INIT;
    for (size_t i = 0; i < e->count; i++)
      strbuf_addf(&list, "%s%s", i ? ", " : "", e->names[i]);
    char got[96];
    fail(d, "unknown %s %s (expected one of: %s)", e->what, json_describe(n, got, sizeof got),
         strbuf_str(&list));
    strbuf_release(&list);
    return false;
  }
  *out = v;
  return true;
}

static void set_array(void *p, void *items, size_t len)
{
  struct oci_array_view v = { items, len, true };
  memcpy(p, &v, sizeof v);
}

static void decode_object(struct decoder *d, const struct oci_type *type, const struct json_node *n, void *obj);

static void decode_object_array(struct decoder *d, const struct oci_field *f, const struct json_node *n,
                                void *p)
{
  if (n->type != JSON_ARRAY) {
    fail_type(d, "an array", n);
    return;
  }
  size_t len = n->u.array.len;
  char *items = arena_calloc(d->arena, len, f->type->size);
  for (size_t i = 0; i < len; i++) {
    size_t saved = path_push_index(&d->path, i);
    decode_object(d, f->type, n->u.array.items[i], items + i * f->type->size);
    strbuf_truncate(&d->path, saved);
  }
  set_array(p, items, len);
}

static void decode_object_map(struct decoder *d, const struct oci_field *f, const struct json_node *n, void *p)
{
  if (n->type != JSON_OBJECT) {
    fail_type(d, "an object", n);
    return;
  }
  size_t len = n->u.object.len;
  char *items = arena_calloc(d->arena, len, f->type->size);
  for (size_t i = 0; i < len; i++) {
    const struct json_member *m = &n->u.object.items[i];
    char *element = items + i * f->type->size;
    /* The map key is the element's first member (model.h convention). */
    char *key = arena_strdup(d->arena, m->key);
    memcpy(element, &key, sizeof key);
    size_t saved = path_push_key(&d->path, m->key);
    decode_object(d, f->type, m->value, element);
    strbuf_truncate(&d->path, saved);
  }
  set_array(p, items, len);
}

static void decode_scalar_array(struct decoder *d, const struct oci_field *f, const struct json_node *n,
                                void *p)
{
  if (n->type != JSON_ARRAY) {
    fail_type(d, "an array", n);
    return;
  }
  size_t len = n->u.array.len;
  size_t elem = f->kind == OCI_K_STRING_ARRAY ? sizeof(char *)
              : f->kind == OCI_K_U32_ARRAY  ? sizeof(uint32_t)
                                            : sizeof(int);
  char *items = arena_calloc(d->arena, len, elem);
  for (size_t i = 0; i < len; i++) {
    const struct json_node *item = n->u.array.items[i];
    size_t saved = path_push_index(&d->path, i);
    if (f->kind == OCI_K_STRING_ARRAY) {
      if (item->type == JSON_STRING) {
        const char *s = item->u.string.ptr;
        memcpy(items + i * elem, &s, sizeof s);
      } else {
        fail_type(d, "a string", item);
      }
    } else if (f->kind == OCI_K_U32_ARRAY) {
      int64_t s;
      uint64_t u;
      if (read_integer(d, OCI_K_U32, item, &s, &u)) {
        uint32_t v = (uint32_t) u;
        memcpy(items + i * elem, &v, sizeof v);
      }
    } else {
      int v;
      if (read_enum(d, f->values, item, &v))
        memcpy(items + i * elem, &v, sizeof v);
    }
    strbuf_truncate(&d->path, saved);
  }
  set_array(p, items, len);
}

static void decode_string_map(struct decoder *d, const struct json_node *n, void *p)
{
  if (n->type != JSON_OBJECT) {
    fail_type(d, "an object", n);
    return;
  }
  size_t len = n->u.object.len;
  struct oci_kv *items = arena_calloc(d->arena, len, sizeof *items);
  for (size_t i = 0; i < len; i++) {
    const struct json_member *m = &n->u.object.items[i];
    size_t saved = path_push_key(&d->path, m->key);
    items[i].key = (char *) m->key;
    if (m->value->type == JSON_STRING)
      items[i].value = (char *) m->value->u.string.ptr;
    else
      fail_type(d, "a string", m->value);
    strbuf_truncate(&d->path, saved);
  }
  set_array(p, items, len);
}

static void decode_field(struct decoder *d, const struct oci_field *f, const struct json_node *n, void *obj)
{
  void *p = slot(obj, f);
  switch (f->kind) {
  case OCI_K_STRING:
    if (n->type != JSON_STRING) {
      fail_type(d, "a string", n);
      return;
    }
    if (f->values && oci_enum_lookup(f->values, n->u.string.ptr) < 0) {
      int ignored;
      read_enum(d, f->values, n, &ignored); /* reports the allowed values */
      return;
    }
    *(const char **) p = n->u.string.ptr;
    return;
  case OCI_K_BOOL:
    if (n->type != JSON_BOOL) {
      fail_type(d, "a boolean", n);
      return;
    }
    if (f->plain)
      *(bool *) p = n->u.boolean;
    else
      *(oci_opt_bool *) p = (oci_opt_bool) { n->u.boolean, true };
    return;
  case OCI_K_I32:
  case OCI_K_I64:
  case OCI_K_U8:
  case OCI_K_U16:
  case OCI_K_U32:
  case OCI_K_U64: {
    int64_t s = 0;
    uint64_t u = 0;
    if (read_integer(d, f->kind, n, &s, &u))
      store_integer(f->kind, f->plain, p, s, u);
    return;
  }
  case OCI_K_ENUM: {
    int v;
    if (read_enum(d, f->values, n, &v))
      *(oci_opt_enum *) p = (oci_opt_enum) { v, true };
    return;
  }
  case OCI_K_OBJECT: {
    if (n->type != JSON_OBJECT) {
      fail_type(d, "an object", n);
      return;
    }
    void *sub = arena_calloc(d->arena, 1, f->type->size);
    decode_object(d, f->type, n, sub);
    *(void **) p = sub;
    return;
  }
  case OCI_K_OBJECT_ARRAY:
    decode_object_array(d, f, n, p);
    return;
  case OCI_K_OBJECT_MAP:
    decode_object_map(d, f, n, p);
    return;
  case OCI_K_STRING_ARRAY:
  case OCI_K_U32_ARRAY:
  case OCI_K_ENUM_ARRAY:
    decode_scalar_array(d, f, n, p);
    return;
  case OCI_K_STRING_MAP:
    decode_string_map(d, n, p);
    return;
  case OCI_K_RAW:
    *(const struct json_node **) p = n;
    return;
  }
}

enum { MAX_FIELDS = 64 };

/* Members an earlier spec had and a later one removed. Ignored like any
 * unknown member, but named: a template written for the older spec learns
 * why its field does nothing. */
static const struct {
  const struct oci_type *type;
  const char *key;
  const char *message;
} removed_members[] = {
  { &oci_type_intel_rdt, "enableCMT",
    "removed in 1.3.0 and ignored: use enableMonitoring (hutch validate --upgrade rewrites it)" },
  { &oci_type_intel_rdt, "enableMBM",
    "removed in 1.3.0 and ignored: use enableMonitoring (hutch validate --upgrade rewrites it)" },
};

static void ignore_unknown(struct decoder *d, const struct oci_type *type, const char *key)
{
  for (size_t i = 0; i < sizeof removed_members / sizeof removed_members[0]; i++)
    if (removed_members[i].type == type && strcmp(removed_members[i].key, key) == 0) {
      diag_add(d->diags, DIAG_WARNING, strbuf_str(&d->path), "%s", removed_members[i].message);
      return;
    }
  /* The spec: a runtime MAY log unknown properties and MUST ignore them. */
  diag_add(d->diags, DIAG_DEBUG, strbuf_str(&d->path), "unknown field, ignored");
}

static void decode_object(struct decoder *d, const struct oci_type *type, const struct json_node *n, void *obj)
{
  if (n->type != JSON_OBJECT) {
    fail_type(d, "an object", n);
    return;
  }
  bool seen[MAX_FIELDS] = { false };
  for (size_t i = 0; i < n->u.object.len; i++) {
    const struct json_member *m = &n->u.object.items[i];
    size_t saved = path_push_key(&d->path, m->key);
    const struct oci_field *f = NULL;
    size_t fi;
    for (fi = 0; fi < type->n_fields; fi++) {
      if (strcmp(type->fields[fi].name, m->key) == 0) {
        f = &type->fields[fi];
        break;
      }
    }
    if (!f) {
      ignore_unknown(d, type, m->key);
    } else if (m->value->type == JSON_NULL && !f->required) {
      /* As Go's decoder does: null leaves an optional field unset. */
    } else {
      seen[fi] = true;
      decode_field(d, f, m->value, obj);
    }
    strbuf_truncate(&d->path, saved);
  }
  for (size_t fi = 0; fi < type->n_fields; fi++) {
    if (type->fields[fi].required && !seen[fi]) {
      size_t saved = path_push_key(&d->path, type->fields[fi].name);
      fail(d, "required");
      strbuf_truncate(&d->path, saved);
    }
  }
}

void oci_decode_node(struct arena *arena, const struct oci_type *type, const struct json_node *node, void *obj,
                     const char *base_path, struct diag_list *diags)
{
  struct decoder d = { arena, diags, STRBUF_INIT };
  if (base_path)
    strbuf_adds(&d.path, base_path);
  decode_object(&d, type, node, obj);
  strbuf_release(&d.path);
}

void *oci_decode_document(struct arena *arena, const struct oci_type *type, const char *text, size_t len,
                          const char *what, struct diag_list *diags)
{
  struct json_parse_error error;
  struct json_node *root = json_parse(arena, text, len, &error);
  if (!root) {
    diag_add(diags, DIAG_ERROR, error.path, "invalid JSON in %s at line %u, column %u: %s", what, error.line,
             error.column, error.message);
    return NULL;
  }
  void *obj = arena_calloc(arena, 1, type->size);
  oci_decode_node(arena, type, root, obj, NULL, diags);
  return obj;
}
