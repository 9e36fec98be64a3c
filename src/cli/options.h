#pragma once
/* Command-line parsing with runc's conventions (urfave/cli on Go's flag):
 * one or two dashes, "--opt value" and "--opt=value", booleans as "--flag",
 * "--flag=true" or "--flag=false", options after positional arguments unless
 * the command stops at its first argument (exec), and "--" ending options. */
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

enum opt_type {
  OPT_BOOL,
  OPT_STRING,
  OPT_STRING_LIST, /* repeatable: every occurrence is kept */
};

struct opt_spec {
  const char *name; /* long name without dashes */
  char short_name;  /* one-letter alias, 0 for none */
  enum opt_type type;
  const char *metavar; /* "DIR" in the help text */
  const char *help;
  bool hidden; /* accepted, not listed in --help */
  /* The values a shell completes for it, space-separated; NULL: a metavar
   * "a|b|c" lists them, DIR completes directories, FILE and PATH files. */
  const char *values;
};

enum { OPT_MAX = 32 };

struct opt_value {
  bool set;
  bool flag;         /* OPT_BOOL */
  const char *value; /* OPT_STRING: the last occurrence */
  const char **list; /* OPT_STRING_LIST */
  size_t count;
};

struct parsed_args {
  struct opt_value values[OPT_MAX]; /* same order as the specs */
  const char **positional;
  size_t n_positional;
  bool help; /* -h / --help was given */
};

/* Parses argv[0..argc). With stop_at_positional, the first argument that is
 * not an option ends option parsing (the rest are positional). Errors name
 * the offending option. Free with parsed_args_release. */
int parse_args(const struct opt_spec *specs, size_t n_specs, int argc, char **argv, bool stop_at_positional,
               struct parsed_args *out, struct hutch_error **err);
void parsed_args_release(struct parsed_args *args);

/* Go's strconv.ParseBool: 1 t T TRUE true True / 0 f F FALSE false False. */
bool parse_bool(const char *s, bool *out);

/* The fixed set of values o takes, space-separated in buf (its values, or
 * its metavar's "a|b|c"); NULL when it takes any value or none. */
const char *opt_fixed_values(const struct opt_spec *o, char *buf, size_t size);

/* Index of the option named name in specs (must exist). */
size_t opt_index(const struct opt_spec *specs, size_t n_specs, const char *name);
