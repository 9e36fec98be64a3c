/* hutch events: print container statistics and events as JSON. Not built yet: the options are parsed
 * (so scripts get the right errors) and the command says so. */
#include "cli/cli.h"

static const struct opt_spec events_options[] = {
  { "interval", 0, OPT_STRING, "DURATION", "time between stats events (default 5s)", false },
  { "stats", 0, OPT_BOOL, NULL, "print one stats event and exit", false },
};

const struct cli_command cli_cmd_events = {
  .name = "events",
  .summary = "print container statistics and events as JSON",
  .usage = "<container-id>",
  CLI_OPTIONS(events_options),
  .min_args = 1,
  .max_args = 1,
  .run = cli_not_implemented,
};
