#include "cli/options.h"
#include "util/xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool parse_bool(const char *s, bool *out)
{
  static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
  static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };
  for (size_t i = 0; i < 6; i++) {
    if (strcmp(s, yes[i]) == 0) {
      *out = true;
      return true;
    }
    if (strcmp(s, no[i]) == 0) {
      *out = false;
      return true;
    }
  }
  return false;
}

const char *opt_fixed_values(const struct opt_spec *o, char *buf, size_t size)
{
  const char *list = o->values;
  if (!list && o->metavar && strchr(o->metavar, '|'))
    list = o->metavar;
  if (o->type == OPT_BOOL || !list)
    return NULL;
  snprintf(buf, size, "%s", list);
  for (char *p = buf; *p; p++)
    if (*p == '|')
      *p = ' ';
  return buf;
}

size_t opt_index(const struct opt_spec *specs, size_t n_specs, const char *name)
{
  for (size_t i = 0; i < n_specs; i++)
    if (strcmp(specs[i].name, name) == 0)
      return i;
  abort(); /* a command asked for an option it does not define */
}

static const struct opt_spec *find_spec(const struct opt_spec *specs, size_t n_specs, const char *name,
                                        size_t len, size_t *index)
{
  for (size_t i = 0; i < n_specs; i++) {
    bool long_match = strlen(specs[i].name) == len && strncmp(specs[i].name, name, len) == 0;
    bool short_match = len == 1 && specs[i].short_name == name[0];
    if (long_match || short_match) {
      *index = i;
      return &specs[i];
    }
  }
  return NULL;
}

static void add_positional(struct parsed_args *out, const char *arg)
{
  out->positional = xrealloc(out->positional, (out->n_positional + 1) * sizeof *out->positional);
  out->positional[out->n_positional++] = arg;
}

static void add_list_value(struct opt_value *v, const char *value)
{
  v->list = xrealloc(v->list, (v->count + 1) * sizeof *v->list);
  v->list[v->count++] = value;
}

int parse_args(const struct opt_spec *specs, size_t n_specs, int argc, char **argv, bool stop_at_positional,
               struct parsed_args *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  if (n_specs > OPT_MAX)
    abort();
  bool options_done = false;
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    if (options_done || arg[0] != '-' || arg[1] == '\0') {
      add_positional(out, arg);
      if (stop_at_positional)
        options_done = true;
      continue;
    }
    if (strcmp(arg, "--") == 0) {
      options_done = true;
      continue;
    }
    const char *name = arg + 1;
    if (*name == '-')
      name++;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t) (eq - name) : strlen(name);
    if ((len == 4 && strncmp(name, "help", 4) == 0) || (len == 1 && name[0] == 'h')) {
      out->help = true;
      continue;
    }
    size_t idx;
    const struct opt_spec *spec = find_spec(specs, n_specs, name, len, &idx);
    if (!spec) {
      parsed_args_release(out);
      return hutch_fail(err, 0, "unknown option %.*s", (int) (len + (size_t) (name - arg)), arg);
    }
    struct opt_value *v = &out->values[idx];
    if (spec->type == OPT_BOOL) {
      bool b = true;
      if (eq && !parse_bool(eq + 1, &b)) {
        parsed_args_release(out);
        return hutch_fail(err, 0, "invalid boolean value \"%s\" for option --%s (expected true or false)", eq + 1,
                          spec->name);
      }
      v->set = true;
      v->flag = b;
      continue;
    }
    const char *value;
    if (eq) {
      value = eq + 1;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      parsed_args_release(out);
      return hutch_fail(err, 0, "option --%s needs a value", spec->name);
    }
    v->set = true;
    if (spec->type == OPT_STRING_LIST)
      add_list_value(v, value);
    else
      v->value = value;
  }
  return 0;
}

void parsed_args_release(struct parsed_args *args)
{
  for (size_t i = 0; i < OPT_MAX; i++)
    free(args->values[i].list);
  free(args->positional);
  memset(args, 0, sizeof *args);
}
