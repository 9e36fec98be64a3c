#include "helpers.h"
#include "tap.h"
#include "util/file.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct oci_config *check_config(const char *json, struct diag_list *diags)
{
  return oci_config_parse_and_validate(json, strlen(json), diags);
}

char *read_data_file(const char *relative, size_t *len)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", tap_data_dir(), relative);
  char *text = NULL;
  struct hutch_error *err = NULL;
  if (read_file_at(AT_FDCWD, path, 1 << 24, &text, len, &err) < 0) {
    printf("Bail out! %s\n", err->msg);
    exit(1);
  }
  return text;
}

const struct diag *find_diag(const struct diag_list *diags, enum diag_level level, const char *path)
{
  return diag_find(diags, level, path);
}

void dump_diags(const struct diag_list *diags)
{
  for (size_t i = 0; i < diags->len; i++)
    tap_diag("  %s: %s: %s", diag_level_name(diags->items[i].level), diags->items[i].path,
             diags->items[i].message);
}
