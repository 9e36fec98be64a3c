/* The refusal every backend's create makes: a field its features document
 * does not claim, named by its path. */
#include "backend/backend.h"
#include "engine/process/lsm.h"
#include "spec/support.h"

#include <string.h>

int hutch_check_support(const struct hutch_backend *b, const struct oci_config *cfg, struct hutch_error **err)
{
  struct arena arena;
  arena_init(&arena);
  struct oci_support support;
  b->describe(&support, &arena);
  struct diag_list diags = DIAG_LIST_INIT;
  oci_config_check_support(cfg, &support, &diags);
  arena_release(&arena);
  int r = 0;
  for (size_t i = 0; i < diags.len && r == 0; i++) {
    const struct diag *d = &diags.items[i];
    if (d->level != DIAG_WARNING || !strstr(d->message, "not honoured"))
      continue;
    if (strstr(d->message, "set, but"))
      r = hutch_fail(err, 0, "%s: not supported by the %s backend", d->path, b->name);
    else
      r = hutch_fail(err, 0, "%s: %s", d->path, d->message);
  }
  diag_list_release(&diags);
  if (r < 0)
    return -1;
  if (lsm_check(cfg->process, cfg->linux_, err) < 0)
    return -1;
  if (!cfg->root)
    return hutch_fail(err, 0, "root: required");
  return 0;
}
