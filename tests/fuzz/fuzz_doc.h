#pragma once
/* What the document targets share: decode a document of one type, validate
 * it, and check that what decodes cleanly encodes back to the same model. */
#include "spec/codec.h"
#include "util/diag.h"

#include <stddef.h>

/* validate may be NULL. Aborts (a libFuzzer crash) when the round trip
 * changes the model. */
void fuzz_document(const struct oci_type *type, const char *text, size_t len,
                   void (*validate)(const void *obj, struct diag_list *diags));
