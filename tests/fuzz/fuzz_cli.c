/* libFuzzer target for the command line: the input is argv (arguments
 * separated by NUL bytes), read by the same code main() uses up to the point
 * where a command would run; every argument through the parsers of values
 * given on the command line (signals, durations, container ids); and the
 * input as a whole as hutch.conf, the other place a backend is chosen. */
#include "backend/select.h"
#include "cli/parse.h"
#include "engine/process/signals.h"
#include "engine/state/store.h"
#include "util/duration.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_ARGS = 48 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *copy = malloc(size + 1);
  memcpy(copy, data, size);
  copy[size] = '\0';
  char *argv[MAX_ARGS + 2];
  int argc = 0;
  argv[argc++] = (char *) "hutch";
  for (char *p = copy; argc <= MAX_ARGS && p <= copy + size; p += strlen(p) + 1)
    argv[argc++] = p;
  argv[argc] = NULL;

  struct hutch_conf conf;
  struct hutch_error *cerr = NULL;
  hutch_conf_parse("hutch.conf", (const char *) data, size, &conf, &cerr);
  hutch_error_free(cerr);
  hutch_conf_release(&conf);

  struct cli_invocation inv;
  const char *context;
  struct hutch_error *err = NULL;
  cli_parse(argc, argv, &inv, &context, &err);
  hutch_error_free(err);
  cli_invocation_release(&inv);

  for (int i = 1; i < argc; i++) {
    signal_parse(argv[i]);
    uint64_t ns;
    struct hutch_error *derr = NULL;
    duration_parse(argv[i], &ns, &derr);
    hutch_error_free(derr);
    container_id_valid(argv[i]);
  }
  free(copy);
  return 0;
}
