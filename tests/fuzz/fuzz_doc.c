#include "fuzz_doc.h"
#include "util/arena.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>

void fuzz_document(const struct oci_type *type, const char *text, size_t len,
                   void (*validate)(const void *obj, struct diag_list *diags))
{
  struct arena arena;
  arena_init(&arena);
  struct diag_list diags = DIAG_LIST_INIT;
  void *obj = oci_decode_document(&arena, type, text, len, "input", &diags);
  if (obj && diag_count(&diags, DIAG_ERROR) == 0) {
    struct strbuf out = STRBUF_INIT;
    oci_encode(&out, type, obj, NULL);
    struct arena again_arena;
    arena_init(&again_arena);
    struct diag_list again_diags = DIAG_LIST_INIT;
    void *again = oci_decode_document(&again_arena, type, out.buf, out.len, "again", &again_diags);
    struct strbuf where = STRBUF_INIT;
    if (!again || diag_count(&again_diags, DIAG_ERROR) || !oci_equal(type, obj, again, &where)) {
      fprintf(stderr, "round trip failed at %s\n%s\n", strbuf_str(&where), strbuf_str(&out));
      abort();
    }
    strbuf_release(&where);
    diag_list_release(&again_diags);
    arena_release(&again_arena);
    strbuf_release(&out);
  }
  if (obj && validate) {
    validate(obj, &diags);
    for (size_t i = 0; i < diags.len; i++)
      free(diag_format(&diags.items[i]));
  }
  diag_list_release(&diags);
  arena_release(&arena);
}
