#pragma once
/* Helpers shared by the unit tests. */
#include "spec/config.h"
#include "util/diag.h"

/* Parses and validates a config given as JSON text. */
struct oci_config *check_config(const char *json, struct diag_list *diags);

/* Reads a file below tests/data; exits the test on failure. */
char *read_data_file(const char *relative, size_t *len);

/* The first diagnostic of this level at exactly this path, or NULL. */
const struct diag *find_diag(const struct diag_list *diags, enum diag_level level, const char *path);

/* Prints every diagnostic as a TAP comment (for failures). */
void dump_diags(const struct diag_list *diags);
