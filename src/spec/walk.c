#include "spec/walk.h"
#include "spec/schema_access.h"
#include "util/strbuf.h"

#include <stdio.h>

struct walker {
  oci_walk_fn fn;
  void *ctx;
  struct strbuf path;
  struct strbuf schema_path;
};

static void walk_object(struct walker *w, const struct oci_type *type, const void *obj);

static void push(struct walker *w, const char *concrete, const char *general, size_t *saved_a, size_t *saved_b)
{
  *saved_a = w->path.len;
  *saved_b = w->schema_path.len;
  if (w->path.len && concrete[0] != '[')
    strbuf_addc(&w->path, '.');
  strbuf_adds(&w->path, concrete);
  if (w->schema_path.len && general[0] != '[')
    strbuf_addc(&w->schema_path, '.');
  strbuf_adds(&w->schema_path, general);
}

static void pop(struct walker *w, size_t a, size_t b)
{
  strbuf_truncate(&w->path, a);
  strbuf_truncate(&w->schema_path, b);
}

static void walk_elements(struct walker *w, const struct oci_field *f, const void *p)
{
  struct oci_array_view v = oci_array_at(p);
  for (size_t i = 0; i < v.len; i++) {
    const char *element = (const char *) v.items + i * f->type->size;
    char index[32];
    size_t a, b;
    if (f->kind == OCI_K_OBJECT_MAP) {
      push(w, oci_map_key(element), "{}", &a, &b);
    } else {
      snprintf(index, sizeof index, "[%zu]", i);
      push(w, index, "[]", &a, &b);
    }
    walk_object(w, f->type, element);
    pop(w, a, b);
  }
}

static void walk_object(struct walker *w, const struct oci_type *type, const void *obj)
{
  for (size_t i = 0; i < type->n_fields; i++) {
    const struct oci_field *f = &type->fields[i];
    const void *p = oci_field_ptr(obj, f);
    if (!oci_field_present(f, p))
      continue;
    size_t a, b;
    push(w, f->name, f->name, &a, &b);
    w->fn(strbuf_str(&w->path), strbuf_str(&w->schema_path), f, p, w->ctx);
    if (f->kind == OCI_K_OBJECT)
      walk_object(w, f->type, *(void *const *) p);
    else if (f->kind == OCI_K_OBJECT_ARRAY || f->kind == OCI_K_OBJECT_MAP)
      walk_elements(w, f, p);
    pop(w, a, b);
  }
}

void oci_walk(const struct oci_type *type, const void *obj, oci_walk_fn fn, void *ctx)
{
  struct walker w = { fn, ctx, STRBUF_INIT, STRBUF_INIT };
  walk_object(&w, type, obj);
  strbuf_release(&w.path);
  strbuf_release(&w.schema_path);
}
