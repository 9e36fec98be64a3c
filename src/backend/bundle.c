#include "backend/bundle.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/diag.h"
#include "util/file.h"
#include "util/log.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

int hutch_bundle_load(const char *dir, struct hutch_bundle *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  /* Absolute: state and hooks name the bundle, and hooks run elsewhere. */
  out->path = realpath(dir, NULL);
  if (!out->path)
    return hutch_fail_errno(err, "bundle %s", dir);
  cleanup_close int bundle_fd = open(out->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (bundle_fd < 0)
    return hutch_fail_errno(err, "bundle %s", out->path);
  if (read_regular_file_at(bundle_fd, "config.json", OCI_CONFIG_MAX_SIZE, REGULAR_FOLLOW, &out->config_text,
                           &out->config_len, err) < 0)
    return hutch_error_prefix(err, "bundle %s: ", out->path);
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  out->cfg = oci_config_parse_and_validate(out->config_text, out->config_len, &diags);
  for (size_t i = 0; i < diags.len; i++) {
    const struct diag *d = &diags.items[i];
    if (d->level == DIAG_WARNING)
      log_warning("config.json: %s%s%s", d->path, d->path[0] ? ": " : "", d->message);
    else if (d->level == DIAG_DEBUG)
      log_debug("config.json: %s: %s", d->path, d->message);
  }
  const struct diag *bad = diag_first_error(&diags);
  if (bad) {
    size_t n = diag_count(&diags, DIAG_ERROR);
    return hutch_fail(err, 0, "config.json: %s%s%s%s", bad->path, bad->path[0] ? ": " : "", bad->message,
                      n > 1 ? " (and more: see hutch validate)" : "");
  }
  return 0;
}

void hutch_bundle_release(struct hutch_bundle *b)
{
  oci_config_free(b->cfg);
  free(b->config_text);
  free(b->path);
  memset(b, 0, sizeof *b);
}
