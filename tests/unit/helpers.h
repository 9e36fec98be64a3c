#pragma once
/* Helpers shared by the unit tests. */
#include "spec/config.h"
#include "util/diag.h"
#include "util/error.h"

#include <stdbool.h>

/* Parses and validates a config given as JSON text. */
struct oci_config *check_config(const char *json, struct diag_list *diags);

/* Reads a file below tests/data; exits the test on failure. */
char *read_data_file(const char *relative, size_t *len);

/* The first diagnostic of this level at exactly this path, or NULL. */
const struct diag *find_diag(const struct diag_list *diags, enum diag_level level, const char *path);

/* Prints every diagnostic as a TAP comment (for failures). */
void dump_diags(const struct diag_list *diags);

/* Fake host files (cgroup, resctrl trees) made and read by the tests. */
bool test_write_file(const char *path, const char *text);
/* The whole file, malloc'd; NULL when it cannot be read. */
char *test_read_file(const char *path);
/* Removes a directory tree; entries already gone do not count. */
int test_remove_tree(const char *dir);

/* An error's message for a TAP line, or "no error". */
const char *test_error_msg(const struct hutch_error *err);
