/* hutch validate: check a bundle for template and bundle authors, listing
 * every problem with its JSON path, not only the first. */
#include "backend/backend.h"
#include "cli/cli.h"
#include "spec/config.h"
#include "util/file.h"
#include "spec/support.h"
#include "spec/upgrade.h"
#include "util/cleanup.h"
#include "util/json_writer.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct opt_spec validate_options[] = {
  { "bundle", 'b', OPT_STRING, "DIR", "the bundle to check (default: the current directory)", false, NULL },
  { "backend", 0, OPT_STRING, "NAME", "warn about fields this backend will not honour: native (default), lxc, proxmox", false, HUTCH_BACKEND_NAMES },
  { "format", 'f', OPT_STRING, "FORMAT", "text (default) or json", false, "text json" },
  { "upgrade", 0, OPT_BOOL, NULL, "print the config rewritten for runtime-spec 1.3.0 (what changed goes to stderr)", false, NULL },
  { "output", 0, OPT_STRING, "FILE", "with --upgrade: write the upgraded config here (atomically) instead of stdout", false, NULL },
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

/* What validate found: the problems, and how many of them are fields the
 * chosen backend does not honour, which create on it refuses; with
 * --upgrade, what the upgrade changed too (NULL otherwise). */
struct findings {
  struct diag_list diags;
  size_t refused;
  const struct diag_list *changes;
};

static void findings_release(struct findings *f)
{
  diag_list_release(&f->diags);
}
#define cleanup_findings __attribute__((cleanup(findings_release)))

static bool usable(const struct findings *f)
{
  return diag_count(&f->diags, DIAG_ERROR) == 0 && f->refused == 0;
}

static void print_text(FILE *out, const struct findings *f, const char *backend, bool debug)
{
  const struct diag_list *diags = &f->diags;
  for (size_t i = 0; i < diags->len; i++) {
    const struct diag *d = &diags->items[i];
    if (d->level == DIAG_DEBUG && !debug)
      continue;
    fprintf(out, "%s: %s%s%s\n", diag_level_name(d->level), d->path, d->path[0] ? ": " : "", d->message);
  }
  size_t errors = diag_count(diags, DIAG_ERROR), warnings = diag_count(diags, DIAG_WARNING);
  const char *verdict = errors ? "invalid" : f->refused ? "unusable" : "valid";
  fprintf(out, "%s: %zu error%s, %zu warning%s", verdict, errors, errors == 1 ? "" : "s", warnings,
          warnings == 1 ? "" : "s");
  if (f->refused)
    fprintf(out, "; backend %s refuses %zu of the fields", backend, f->refused);
  fputc('\n', out);
}

static void print_json(FILE *file, const struct findings *f, const char *bundle, const char *backend, bool debug)
{
  const struct diag_list *diags = &f->diags;
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
  json_w_key(&w, "usable");
  json_w_bool(&w, usable(f));
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
  if (f->changes) {
    json_w_key(&w, "changes");
    json_w_begin_array(&w);
    for (size_t i = 0; i < f->changes->len; i++) {
      json_w_begin_object(&w);
      json_w_key(&w, "path");
      json_w_string(&w, f->changes->items[i].path);
      json_w_key(&w, "message");
      json_w_string(&w, f->changes->items[i].message);
      json_w_end_object(&w);
    }
    json_w_end_array(&w);
  }
  json_w_end_object(&w);
  fprintf(file, "%s\n", strbuf_str(&out));
  strbuf_release(&out);
}

/* Everything validate checks in a config it could read. */
static void check_config(int bundle_fd, const struct oci_config *cfg, const struct hutch_backend *backend,
                         struct findings *f)
{
  oci_config_validate(cfg, &f->diags);
  check_root(bundle_fd, cfg, &f->diags);
  struct arena arena;
  arena_init(&arena);
  struct oci_support support;
  backend->describe(&support, &arena);
  /* Each of these is a field create on this backend refuses
   * (hutch_check_support): valid, but not usable there. */
  size_t before = f->diags.len;
  oci_config_check_support(cfg, &support, &f->diags);
  f->refused = f->diags.len - before;
  arena_release(&arena);
}

static void print_findings(FILE *out, const char *format, const struct findings *f, const char *bundle,
                           const struct hutch_backend *backend, bool debug)
{
  if (strcmp(format, "json") == 0) {
    print_json(out, f, bundle, backend->name, debug);
    return;
  }
  for (size_t i = 0; f->changes && i < f->changes->len; i++)
    fprintf(out, "upgraded: %s: %s\n", f->changes->items[i].path, f->changes->items[i].message);
  if (f->changes && f->changes->len == 0)
    fprintf(out, "upgraded: nothing to change\n");
  print_text(out, f, backend->name, debug);
}

/* output names a file to replace: write it in its own directory, so the
 * rename that makes it appear whole stays on one file system. */
static int write_output(const char *output, const char *data, size_t len, struct hutch_error **err)
{
  cleanup_free char *copy = xstrdup(output);
  char *slash = strrchr(copy, '/');
  const char *dir = ".", *name = copy;
  if (slash) {
    *slash = '\0';
    dir = slash == copy ? "/" : copy;
    name = slash + 1;
  }
  if (!*name)
    return hutch_fail(err, 0, "--output %s: names a directory, not a file", output);
  cleanup_close int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return hutch_fail_errno(err, "--output %s", output);
  /* A config replaced keeps its mode and owner (it may hold secrets in its
   * environment, readable by its owner only); a new one gets the umask's. */
  struct stat old;
  bool replacing = fstatat(dirfd, name, &old, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(old.st_mode);
  mode_t mask = umask(0);
  umask(mask);
  mode_t mode = replacing ? old.st_mode & 07777 : 0666 & ~mask;
  if (write_file_atomic_at(dirfd, name, data, len, mode, ATOMIC_REPLACE, err) < 0) {
    hutch_error_prefix(err, "--output %s: ", output);
    return -1;
  }
  if (replacing && (old.st_uid != geteuid() || old.st_gid != getegid()) &&
      fchownat(dirfd, name, old.st_uid, old.st_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hutch_fail_errno(err, "--output %s: give it back to %u:%u", output, (unsigned) old.st_uid,
                            (unsigned) old.st_gid);
  return 0;
}

/* --upgrade: stdout (or --output) gets the config and nothing else, so it
 * can be redirected into a file; the changes and the problems go to stderr. */
static int upgrade_run(const struct cli_command *cmd, const struct cli_globals *globals, const char *bundle,
                       int bundle_fd, const char *format, const struct hutch_backend *backend, const char *output)
{
  cleanup_error struct hutch_error *err = NULL;
  cleanup_free char *text = NULL;
  size_t len;
  if (read_regular_file_at(bundle_fd, "config.json", OCI_CONFIG_MAX_SIZE, REGULAR_FOLLOW, &text, &len, &err) < 0) {
    hutch_error_prefix(&err, "bundle %s: config.json: ", bundle);
    return cli_report(cmd, err);
  }
  cleanup_diags struct diag_list changes = DIAG_LIST_INIT;
  cleanup_findings struct findings found = { DIAG_LIST_INIT, 0, NULL };
  cleanup_strbuf struct strbuf upgraded = STRBUF_INIT;
  if (oci_config_upgrade(text, len, &upgraded, &changes, &found.diags) == 0) {
    found.changes = &changes;
    cleanup_config struct oci_config *cfg = oci_config_parse(strbuf_str(&upgraded), upgraded.len, &found.diags);
    if (cfg)
      check_config(bundle_fd, cfg, backend, &found);
  }
  print_findings(stderr, format, &found, bundle, backend, globals->debug);
  /* What the backend refuses is still written: the upgrade is right for
   * the spec, and another backend may run it. */
  if (diag_count(&found.diags, DIAG_ERROR))
    return 1;
  if (!output) {
    fputs(strbuf_str(&upgraded), stdout);
    return fflush(stdout) == 0 ? 0 : 1;
  }
  if (write_output(output, strbuf_str(&upgraded), upgraded.len, &err) < 0)
    return cli_report(cmd, err);
  return 0;
}

static int validate_run(const struct cli_command *cmd, const struct cli_globals *globals,
                        const struct parsed_args *args)
{
  const char *bundle = cli_opt_string(cmd, args, "bundle", ".");
  const char *format = cli_opt_string(cmd, args, "format", "text");
  const char *output = cli_opt_string(cmd, args, "output", NULL);
  bool upgrade = cli_opt_flag(cmd, args, "upgrade");
  cleanup_error struct hutch_error *err = NULL;
  if (strcmp(format, "text") != 0 && strcmp(format, "json") != 0) {
    hutch_fail(&err, 0, "--format: unknown format \"%s\" (expected text or json)", format);
    return cli_report(cmd, err);
  }
  if (output && !upgrade) {
    hutch_fail(&err, 0, "--output: only with --upgrade");
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
  if (upgrade)
    return upgrade_run(cmd, globals, bundle, bundle_fd, format, backend, output);
  cleanup_findings struct findings found = { DIAG_LIST_INIT, 0, NULL };
  cleanup_config struct oci_config *cfg = NULL;
  if (oci_config_read(bundle_fd, "config.json", REGULAR_FOLLOW, &cfg, &found.diags, &err) < 0) {
    hutch_error_prefix(&err, "bundle %s: ", bundle);
    return cli_report(cmd, err);
  }
  if (cfg)
    check_config(bundle_fd, cfg, backend, &found);
  print_findings(stdout, format, &found, bundle, backend, globals->debug);
  return usable(&found) ? 0 : 1;
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
