#pragma once
/* Generic conversion between JSON and the typed model, driven by the schema
 * tables: decode (with a diagnostic per problem, each naming its JSON path),
 * encode, and structural equality. */
#include <stdbool.h>
#include <stddef.h>

#include "spec/schema.h"
#include "util/arena.h"
#include "util/diag.h"
#include "util/strbuf.h"

struct json_node;

/* Parses text as JSON and decodes it as `type` into a new object allocated in
 * arena. Returns NULL only when the text is not JSON (one error is added);
 * otherwise the object, with an error diagnostic for every field that does
 * not match the schema. `what` names the document in messages ("config.json"). */
void *oci_decode_document(struct arena *arena, const struct oci_type *type, const char *text, size_t len,
                          const char *what, struct diag_list *diags);

/* Decodes an already parsed JSON object into obj (zeroed by the caller). */
void oci_decode_node(struct arena *arena, const struct oci_type *type, const struct json_node *node,
                     void *obj, const char *base_path, struct diag_list *diags);

/* Writes obj as JSON. indent NULL: compact; otherwise e.g. "\t". */
struct json_writer;
/* The same, as one value of a document w is writing. */
void oci_encode_into(struct json_writer *w, const struct oci_type *type, const void *obj);
void oci_encode(struct strbuf *out, const struct oci_type *type, const void *obj, const char *indent);

/* Copies every field present in src over dst (objects field by field,
 * arrays and maps whole); what src lacks, dst keeps. Used by `update` to
 * fold new limits into the config snapshot. src must outlive dst's use. */
void oci_overlay(struct arena *arena, const struct oci_type *type, void *dst, const void *src);

/* True when a and b hold the same data. Otherwise false, and the JSON path of
 * the first difference is appended to where (if non-NULL). */
bool oci_equal(const struct oci_type *type, const void *a, const void *b, struct strbuf *where);
