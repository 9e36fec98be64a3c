/* libFuzzer target for the config reader. Properties checked on every input:
 * no crash, no leak, no undefined behaviour (ASan + UBSan), and for any input
 * that decodes without error: emit -> parse gives an equal model. The other
 * documents hutch reads (process.json, state, features, resources) go through
 * the same decoder and are fed too. */
#include "spec/codec.h"
#include "spec/config.h"
#include "spec/features.h"
#include "spec/schema.h"
#include "spec/state.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_roundtrip(const struct oci_config *cfg)
{
  struct strbuf out = STRBUF_INIT;
  oci_config_write(&out, cfg, NULL);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *again = oci_config_parse(out.buf, out.len, &diags);
  struct strbuf where = STRBUF_INIT;
  if (!again || diag_count(&diags, DIAG_ERROR) || !oci_equal(&oci_type_config, cfg, again, &where)) {
    fprintf(stderr, "round trip failed at %s\n%s\n", strbuf_str(&where), strbuf_str(&out));
    abort();
  }
  strbuf_release(&where);
  oci_config_free(again);
  diag_list_release(&diags);
  strbuf_release(&out);
}

static void decode_as(const struct oci_type *type, const char *text, size_t len)
{
  struct arena arena;
  arena_init(&arena);
  struct diag_list diags = DIAG_LIST_INIT;
  void *obj = oci_decode_document(&arena, type, text, len, "input", &diags);
  if (obj) {
    struct strbuf out = STRBUF_INIT;
    oci_encode(&out, type, obj, "\t");
    strbuf_release(&out);
  }
  diag_list_release(&diags);
  arena_release(&arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *) data;
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = oci_config_parse(text, size, &diags);
  if (cfg) {
    if (diag_count(&diags, DIAG_ERROR) == 0)
      check_roundtrip(cfg);
    oci_config_validate(cfg, &diags);
    for (size_t i = 0; i < diags.len; i++)
      free(diag_format(&diags.items[i]));
  }
  oci_config_free(cfg);
  diag_list_release(&diags);

  decode_as(&oci_type_process, text, size);
  decode_as(&oci_type_resources, text, size);
  decode_as(&oci_type_state, text, size);
  decode_as(&oci_type_features, text, size);
  return 0;
}
