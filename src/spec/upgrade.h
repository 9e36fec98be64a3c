#pragma once
/* `hutch validate --upgrade`: a config.json written for an older spec,
 * rewritten for runtime-spec 1.3.0 where the spec deprecates a field and
 * names what replaces it. The document is rewritten as a JSON tree, so the
 * fields hutch does not know and the order of keys survive. */
#include "util/diag.h"
#include "util/strbuf.h"

#include <stddef.h>

/* Writes the upgraded document of text[0..len) to out (pretty, ending in a
 * newline) and one entry per change to changes (level warning, the JSON path
 * of what was changed, what was done). Returns -1, with an error in diags
 * and nothing in out, when text is not JSON or not an object. */
int oci_config_upgrade(const char *text, size_t len, struct strbuf *out, struct diag_list *changes,
                       struct diag_list *diags);
