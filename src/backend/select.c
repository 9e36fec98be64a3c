#include "backend/select.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_space(char c)
{
  /* \r too: a file written on another system still reads the same. */
  return c == ' ' || c == '\t' || c == '\r';
}

/* The next whitespace-separated word of [*p, end), or NULL at the end. */
static const char *next_word(const char **p, const char *end, size_t *len)
{
  while (*p < end && is_space(**p))
    (*p)++;
  if (*p == end)
    return NULL;
  const char *word = *p;
  while (*p < end && !is_space(**p) && **p != '=')
    (*p)++;
  *len = (size_t) (*p - word);
  /* "=" is a word of its own, spaced or not. */
  if (*len == 0 && **p == '=') {
    (*p)++;
    *len = 1;
  }
  return word;
}

static bool word_is(const char *word, size_t len, const char *s)
{
  return word && strlen(s) == len && strncmp(word, s, len) == 0;
}

static int usage_fail(struct hutch_error **err, const char *path, unsigned line, const char *start, const char *end)
{
  while (end > start && is_space(end[-1]))
    end--;
  int shown = (int) (end - start > 80 ? 80 : end - start);
  return hutch_fail(err, 0,
                    "%s:%u: expected \"default-backend = NAME\", \"backend NAME = GLOB\" or \"BACKEND.SETTING = VALUE\", "
                    "got \"%.*s\"",
                    path, line, shown, start);
}

static int name_backend(const char *path, unsigned line, const char *word, size_t len,
                        const struct hutch_backend **out, struct hutch_error **err)
{
  cleanup_free char *name = xstrndup(word, len);
  *out = hutch_backend_lookup(name);
  if (!*out)
    return hutch_fail(err, 0, "%s:%u: unknown backend \"%.64s\" (expected one of: %s)", path, line, name,
                      hutch_backend_names());
  return 0;
}

static int parse_setting(struct hutch_conf *conf, unsigned line, const char *key, size_t len, const char *dot,
                         const char *p, const char *end, struct hutch_error **err)
{
  const char *path = conf->path;
  const struct hutch_backend *b;
  if (name_backend(path, line, key, (size_t) (dot - key), &b, err) < 0)
    return -1;
  cleanup_free char *name = xstrndup(dot + 1, len - (size_t) (dot - key) - 1);
  bool known = false;
  for (const char *const *s = b->settings; s && *s && !known; s++)
    known = strcmp(*s, name) == 0;
  if (!known)
    return hutch_fail(err, 0, "%s:%u: the %s backend has no setting \"%.64s\"", path, line, b->name, name);
  if (hutch_conf_setting(conf, b, name))
    return hutch_fail(err, 0, "%s:%u: %s.%s given twice", path, line, b->name, name);
  size_t eq_len = 0;
  const char *eq = next_word(&p, end, &eq_len);
  if (!word_is(eq, eq_len, "="))
    return usage_fail(err, path, line, key, end);
  /* The value is the rest of the line: a pct option may hold spaces. */
  while (p < end && is_space(*p))
    p++;
  const char *value_end = end;
  while (value_end > p && is_space(value_end[-1]))
    value_end--;
  if (value_end == p)
    return hutch_fail(err, 0, "%s:%u: %s.%s has no value", path, line, b->name, name);
  struct hutch_conf_setting setting = { b, xstrdup(name), xstrndup(p, (size_t) (value_end - p)), line };
  conf->settings = xrealloc(conf->settings, (conf->n_settings + 1) * sizeof *conf->settings);
  conf->settings[conf->n_settings++] = setting;
  return 0;
}

const char *hutch_conf_setting(const struct hutch_conf *conf, const struct hutch_backend *b, const char *key)
{
  for (size_t i = 0; i < conf->n_settings; i++)
    if (conf->settings[i].backend == b && strcmp(conf->settings[i].key, key) == 0)
      return conf->settings[i].value;
  return NULL;
}

static int parse_line(struct hutch_conf *conf, unsigned line, const char *p, const char *end,
                      struct hutch_error **err)
{
  const char *path = conf->path;
  size_t len, name_len = 0, eq_len = 0, value_len = 0, extra_len = 0;
  const char *key = next_word(&p, end, &len);
  /* Comments take whole lines: a glob may hold any character but space. */
  if (!key || key[0] == '#')
    return 0;
  const char *start = key;
  const char *name = NULL;
  const char *dot = memchr(key, '.', len);
  if (dot)
    return parse_setting(conf, line, key, len, dot, p, end, err);
  if (word_is(key, len, "backend"))
    name = next_word(&p, end, &name_len);
  else if (!word_is(key, len, "default-backend"))
    return usage_fail(err, path, line, start, end);
  const char *eq = next_word(&p, end, &eq_len);
  const char *value = next_word(&p, end, &value_len);
  const char *extra = next_word(&p, end, &extra_len);
  if ((name && word_is(name, name_len, "=")) || !word_is(eq, eq_len, "=") || !value || word_is(value, value_len, "=") ||
      extra)
    return usage_fail(err, path, line, start, end);
  if (!name) {
    if (conf->default_backend)
      return hutch_fail(err, 0, "%s:%u: default-backend given twice (first on line %u)", path, line,
                        conf->default_line);
    conf->default_line = line;
    return name_backend(path, line, value, value_len, &conf->default_backend, err);
  }
  struct hutch_conf_rule rule = { .line = line };
  if (name_backend(path, line, name, name_len, &rule.backend, err) < 0)
    return -1;
  rule.glob = xstrndup(value, value_len);
  conf->rules = xrealloc(conf->rules, (conf->n_rules + 1) * sizeof *conf->rules);
  conf->rules[conf->n_rules++] = rule;
  return 0;
}

int hutch_conf_parse(const char *path, const char *text, size_t len, struct hutch_conf *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  out->path = xstrdup(path);
  if (memchr(text, '\0', len))
    return hutch_fail(err, 0, "%s: holds a NUL byte: not a text file", path);
  unsigned line = 1;
  for (const char *p = text, *end = text + len; p < end; line++) {
    const char *nl = memchr(p, '\n', (size_t) (end - p));
    const char *eol = nl ? nl : end;
    if (parse_line(out, line, p, eol, err) < 0)
      return -1;
    p = nl ? nl + 1 : end;
  }
  return 0;
}

int hutch_conf_load(const char *path, struct hutch_conf *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  cleanup_free char *text = NULL;
  size_t len;
  struct hutch_error *read_err = NULL;
  if (read_regular_file_at(AT_FDCWD, path, HUTCH_CONF_MAX_SIZE, REGULAR_FOLLOW, &text, &len, &read_err) < 0) {
    if (read_err->code == ENOENT) {
      hutch_error_free(read_err);
      out->path = xstrdup(path);
      return 0;
    }
    *err = read_err;
    return -1;
  }
  return hutch_conf_parse(path, text, len, out, err);
}

void hutch_conf_release(struct hutch_conf *conf)
{
  for (size_t i = 0; i < conf->n_rules; i++)
    free(conf->rules[i].glob);
  free(conf->rules);
  for (size_t i = 0; i < conf->n_settings; i++) {
    free(conf->settings[i].key);
    free(conf->settings[i].value);
  }
  free(conf->settings);
  free(conf->path);
  memset(conf, 0, sizeof *conf);
}

const char *hutch_conf_path(void)
{
  const char *env = getenv(HUTCH_CONF_ENV);
  if (!env)
    return HUTCH_CONF_DEFAULT_PATH;
  return env[0] ? env : NULL;
}

static int choose(const char *name, struct hutch_backend_choice *out, struct hutch_error **err)
{
  out->backend = hutch_backend_lookup(name);
  if (!out->backend)
    return hutch_fail(err, 0, "%s: unknown backend \"%.64s\" (expected one of: %s)", out->source, name,
                      hutch_backend_names());
  return 0;
}

static const char *annotation(const oci_string_map *map)
{
  for (size_t i = 0; map && i < map->len; i++)
    if (strcmp(map->items[i].key, HUTCH_BACKEND_ANNOTATION) == 0)
      return map->items[i].value;
  return NULL;
}

static int from_conf(const struct hutch_backend_request *req, struct hutch_backend_choice *out,
                     struct hutch_error **err)
{
  struct hutch_conf conf;
  if (hutch_conf_load(req->conf_path, &conf, err) < 0) {
    hutch_conf_release(&conf);
    return -1;
  }
  for (size_t i = 0; i < conf.n_rules; i++) {
    if (fnmatch(conf.rules[i].glob, req->id, 0) == 0) {
      out->backend = conf.rules[i].backend;
      snprintf(out->source, sizeof out->source, "%s:%u", conf.path, conf.rules[i].line);
      hutch_conf_release(&conf);
      return 0;
    }
  }
  if (conf.default_backend) {
    out->backend = conf.default_backend;
    snprintf(out->source, sizeof out->source, "%s:%u", conf.path, conf.default_line);
  }
  hutch_conf_release(&conf);
  return 0;
}

int hutch_backend_select(const struct hutch_backend_request *req, struct hutch_backend_choice *out,
                         struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  const char *named = annotation(req->annotations);
  if (req->command_flag) {
    snprintf(out->source, sizeof out->source, "--backend");
    return choose(req->command_flag, out, err);
  }
  if (req->global_flag) {
    snprintf(out->source, sizeof out->source, "global option --backend");
    return choose(req->global_flag, out, err);
  }
  if (named) {
    snprintf(out->source, sizeof out->source, "annotations[\"%s\"]", HUTCH_BACKEND_ANNOTATION);
    return choose(named, out, err);
  }
  if (req->conf_path && from_conf(req, out, err) < 0)
    return -1;
  if (!out->backend) {
    out->backend = hutch_backend_lookup(HUTCH_DEFAULT_BACKEND);
    snprintf(out->source, sizeof out->source, "the built-in default");
  }
  return 0;
}

int hutch_backend_choice_require(const struct hutch_backend_choice *choice, enum hutch_op op,
                                 struct hutch_error **err)
{
  struct hutch_error *why = NULL;
  if (hutch_backend_require(choice->backend, op, &why) == 0)
    return 0;
  int r = hutch_fail_as(err, why->code, "%s (chosen by %s)", why->msg, choice->source);
  hutch_error_free(why);
  return r;
}
