#include "helpers.h"
#include "tap.h"
#include "util/file.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

bool test_write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return false;
  size_t len = strlen(text);
  bool ok = write(fd, text, len) == (ssize_t) len;
  return close(fd) == 0 && ok;
}

char *test_read_file(const char *path)
{
  char *text = NULL;
  size_t len;
  struct hutch_error *err = NULL;
  if (read_file_at(AT_FDCWD, path, 1 << 20, &text, &len, &err) < 0) {
    hutch_error_free(err);
    return NULL;
  }
  return text;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void) st;
  (void) flag;
  (void) ftw;
  return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

int test_remove_tree(const char *dir)
{
  return nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *test_error_msg(const struct hutch_error *err)
{
  return err ? err->msg : "no error";
}
