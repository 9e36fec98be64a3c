#include "spec/config.h"
#include "spec/codec.h"
#include "spec/schema.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/json.h"
#include "util/xalloc.h"

#include <stdlib.h>

struct oci_config *oci_config_new(void)
{
  struct oci_config *cfg = xcalloc(1, sizeof *cfg);
  arena_init(&cfg->arena);
  return cfg;
}

void oci_config_free(struct oci_config *cfg)
{
  if (!cfg)
    return;
  arena_release(&cfg->arena);
  free(cfg);
}

struct oci_config *oci_config_parse(const char *text, size_t len, struct diag_list *diags)
{
  struct oci_config *cfg = oci_config_new();
  struct json_parse_error error;
  /* The tree lives in the config's arena: raw members point into it. */
  struct json_node *root = json_parse(&cfg->arena, text, len, &error);
  if (!root) {
    diag_add(diags, DIAG_ERROR, error.path, "invalid JSON in config.json at line %u, column %u: %s", error.line,
             error.column, error.message);
    oci_config_free(cfg);
    return NULL;
  }
  oci_decode_node(&cfg->arena, &oci_type_config, root, cfg, NULL, diags);
  return cfg;
}

int oci_config_read(int dirfd, const char *path, unsigned flags, struct oci_config **out, struct diag_list *diags,
                    struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  size_t len;
  if (read_regular_file_at(dirfd, path, OCI_CONFIG_MAX_SIZE, flags, &text, &len, err) < 0)
    return -1;
  *out = oci_config_parse(text, len, diags);
  return 0;
}

struct oci_config *oci_config_parse_and_validate(const char *text, size_t len, struct diag_list *diags)
{
  struct oci_config *cfg = oci_config_parse(text, len, diags);
  /* Even after type errors: `validate` lists every problem at once. The
   * rules skip fields that failed to decode (they are left unset). */
  if (cfg)
    oci_config_validate(cfg, diags);
  return cfg;
}

void oci_config_write(struct strbuf *out, const struct oci_config *cfg, const char *indent)
{
  oci_encode(out, &oci_type_config, cfg, indent);
}
