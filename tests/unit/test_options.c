/* The runc-style option parser. */
#include "cli/options.h"
#include "tap.h"

#include <stdarg.h>

static const struct opt_spec specs[] = {
  { "bundle", 'b', OPT_STRING, "DIR", "", false, NULL },
  { "detach", 'd', OPT_BOOL, NULL, "", false, NULL },
  { "env", 'e', OPT_STRING_LIST, "K=V", "", false, NULL },
  { "no-pivot", 0, OPT_BOOL, NULL, "", false, NULL },
};
enum { BUNDLE, DETACH, ENV, NO_PIVOT };

static int parse(bool stop, struct parsed_args *out, struct hutch_error **err, int argc, ...)
{
  char *argv[16];
  va_list ap;
  va_start(ap, argc);
  for (int i = 0; i < argc; i++)
    argv[i] = va_arg(ap, char *);
  va_end(ap);
  return parse_args(specs, 4, argc, argv, stop, out, err);
}

int main(void)
{
  struct parsed_args a;
  struct hutch_error *err = NULL;

  tap_ok(parse(false, &a, &err, 5, "--bundle", "/b", "id", "-d", "-no-pivot") == 0, "long, short and one-dash long");
  tap_str_eq(a.values[BUNDLE].value, "/b", "--bundle value");
  tap_ok(a.values[DETACH].flag && a.values[NO_PIVOT].flag, "flags after the positional argument");
  tap_ok(a.n_positional == 1 && strcmp(a.positional[0], "id") == 0, "one positional argument");
  parsed_args_release(&a);

  tap_ok(parse(false, &a, &err, 3, "--bundle=/x", "--detach=false", "-b=/y") == 0, "--opt=value forms");
  tap_str_eq(a.values[BUNDLE].value, "/y", "the last value wins");
  tap_ok(a.values[DETACH].set && !a.values[DETACH].flag, "--detach=false");
  parsed_args_release(&a);

  tap_ok(parse(false, &a, &err, 4, "-e", "A=1", "--env=B=2", "x") == 0, "repeated list option");
  tap_ok(a.values[ENV].count == 2 && strcmp(a.values[ENV].list[1], "B=2") == 0, "both values kept in order");
  parsed_args_release(&a);

  tap_ok(parse(false, &a, &err, 4, "id", "--", "-d", "--bundle") == 0, "-- ends options");
  tap_ok(a.n_positional == 3 && !a.values[DETACH].set, "what follows -- is positional");
  parsed_args_release(&a);

  tap_ok(parse(true, &a, &err, 4, "-d", "id", "ls", "-l") == 0, "exec style stops at the first argument");
  tap_ok(a.values[DETACH].flag && a.n_positional == 3 && strcmp(a.positional[2], "-l") == 0,
         "options after the id belong to the command");
  parsed_args_release(&a);

  tap_ok(parse(false, &a, &err, 2, "-", "--help") == 0 && a.help && a.n_positional == 1, "--help and a lone -");
  parsed_args_release(&a);

  tap_ok(parse(false, &a, &err, 1, "--bogus=1") < 0 && err && strstr(err->msg, "unknown option --bogus"),
         "an unknown option is named");
  hutch_error_free(err);
  err = NULL;
  tap_ok(parse(false, &a, &err, 1, "--bundle") < 0 && err && strstr(err->msg, "--bundle needs a value"),
         "a missing value is named");
  hutch_error_free(err);
  err = NULL;
  tap_ok(parse(false, &a, &err, 1, "--detach=maybe") < 0 && err && strstr(err->msg, "invalid boolean value \"maybe\""),
         "a bad boolean is named");
  hutch_error_free(err);

  bool b;
  tap_ok(parse_bool("True", &b) && b && parse_bool("0", &b) && !b && !parse_bool("yes", &b), "Go's boolean spellings");
  return tap_done();
}
