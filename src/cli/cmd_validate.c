/* hutch validate: check a bundle for template and bundle authors, listing
 * every problem with its JSON path, not only the first. */
#include "backend/backend.h"
#include "cli/cli.h"
#include "spec/config.h"
#include "util/file.h"
#include "spec/support.h"
#include "util/cleanup.h"
#include "util/json_writer.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const struct opt_spec validate_options[] = {
  { "bundle", 'b', OPT_STRING, "DIR", "the bundle to check (default: the current directory)", false },
  { "backend", 0, OPT_STRING, "NAME", "warn about fields this backend will not honour: native (default), lxc, proxmox", false },
  { "format", 'f', OPT_STRING, "FORMAT", "text (default) or json", false },
};

/* root.path must name a directory (relative to the bundle unless absolute). */
static void check_root(int bundle_fd, const struct oci_config *cfg, struct diag_list *diags)
{
  if (!cfg->root || !cfg->root->path || !cfg->root->path[0])
    return;
  struct stat st;
  if (fstatat(bundle_fd, cfg->root->path, &st, 0) < 0)
    diag_add(diags, DIAG_ERROR, "root.path", "\"%s\": %s", cfg->root->path, strerror(errno));
  else if (!S_ISDIR(st.st_mode))
    diag_add(diags, DIAG_ERROR, "root.path", "\"%s\" is not a directory", cfg->root->path);
}

static void print_text(const struct diag_list *diags, bool debug)
{
  for (size_t i = 0; i < diags->len; i++) {
    const struct diag *d = &diags->items[i];
    if (d->level == DIAG_DEBUG && !debug)
      continue;
    printf("%s: %s%s%s\n", diag_level_name(d->level), d->path, d->path[0] ? ": " : "", d->message);
  }
  size_t errors = diag_count(diags, DIAG_ERROR), warnings = diag_count(diags, DIAG_WARNING);
  printf("%s: %zu error%s, %zu warning%s\n", errors ? "invalid" : "valid", errors, errors == 1 ? "" : "s",
         warnings, warnings == 1 ? "" : "s");
}

static void print_json(const struct diag_list *diags, const char *bundle, const char *backend, bool debug)
{
  struct strbuf out = STRBUF_INIT;
  struct json_writer w;
  json_writer_init(&w, &out, "  ");
  json_w_begin_object(&w);
  json_w_key(&w, "bundle");
  json_w_string(&w, bundle);
  json_w_key(&w, "backend");
  json_w_string(&w, backend);
  json_w_key(&w, "valid");
  json_w_bool(&w, diag_count(diags, DIAG_ERROR) == 0);
  json_w_key(&w, "problems");
  json_w_begin_array(&w);
  for (size_t i = 0; i < diags->len; i++) {
    const struct diag *d = &diags->items[i];
    if (d->level == DIAG_DEBUG && !debug)
      continue;
    json_w_begin_object(&w);
    json_w_key(&w, "level");
    json_w_string(&w, diag_level_name(d->level));
    json_w_key(&w, "path");
    json_w_string(&w, d->path);
    json_w_key(&w, "message");
    json_w_string(&w, d->message);
    json_w_end_object(&w);
  }
  json_w_end_array(&w);
  json_w_end_object(&w);
  printf("%s\n", strbuf_str(&out));
  strbuf_release(&out);
}

static int validate_run(const struct cli_command *cmd, const struct cli_globals *globals,
                        const struct parsed_args *args)
{
  const char *bundle = cli_opt_string(cmd, args, "bundle", ".");
  const char *format = cli_opt_string(cmd, args, "format", "text");
  cleanup_error struct hutch_error *err = NULL;
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
    hutch_fail(&err, 0, "--format: unknown format \"%s\" (expected text or json)", format);
    return cli_report(cmd, err);
  }
  const struct hutch_backend *backend = cli_find_backend(cli_opt_string(cmd, args, "backend", HUTCH_DEFAULT_BACKEND), &err);
  if (!backend)
    return cli_report(cmd, err);

  cleanup_close int bundle_fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (bundle_fd < 0) {
    hutch_fail_errno(&err, "bundle %s", bundle);
    return cli_report(cmd, err);
  }
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  cleanup_config struct oci_config *cfg = NULL;
  if (oci_config_read(bundle_fd, "config.json", REGULAR_FOLLOW, &cfg, &diags, &err) < 0) {
    hutch_error_prefix(&err, "bundle %s: ", bundle);
    return cli_report(cmd, err);
  }
  if (cfg) {
    oci_config_validate(cfg, &diags);
    check_root(bundle_fd, cfg, &diags);
    struct arena arena;
    arena_init(&arena);
    struct oci_support support;
    backend->describe(&support, &arena);
    oci_config_check_support(cfg, &support, &diags);
    arena_release(&arena);
  }
  if (strcmp(format, "json") == 0)
    print_json(&diags, bundle, backend->name, globals->debug);
  else
    print_text(&diags, globals->debug);
  return diag_count(&diags, DIAG_ERROR) ? 1 : 0;
}

const struct cli_command cli_cmd_validate = {
  .name = "validate",
  .summary = "check a bundle's config.json and list every problem",
  .usage = "",
  CLI_OPTIONS(validate_options),
  .min_args = 0,
  .max_args = 0,
  .run = validate_run,
};
