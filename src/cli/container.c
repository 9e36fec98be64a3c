/* What the commands on an existing container share: open it once, find
 * its backend, and refuse an operation that backend does not have, in one
 * place for all of them. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"

int cli_open_container(const struct hutch_runtime *rt, const char *id, unsigned flags, enum hutch_op op,
                       struct hutch_container *c, struct hutch_error **err)
{
  if (hutch_container_open(rt->root, id, flags, c, err) < 0)
    return -1;
  return hutch_backend_require(c->backend, op, err);
}
