#pragma once
/* The command-line front end: global options, the command table and what
 * every command file shares. One file per command (cmd_<name>.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "backend/backend.h"
#include "cli/options.h"
#include "util/error.h"
#include "util/log.h"

struct cli_globals {
  char **argv;      /* hutch's own */
  const char *root; /* state directory; NULL means the default */
  const char *log;
  enum log_format log_format;
  bool debug;
  bool systemd_cgroup;
  bool no_cgroups; /* --cgroup-manager disabled */
  const char *rootless; /* "true", "false" or "auto" */
  const char *backend;  /* --backend: for the containers create and run make; NULL if not given */
};

struct cli_command {
  const char *name;
  const char *summary;
  const char *usage; /* arguments after the options, e.g. "<container-id>" */
  const struct opt_spec *options;
  size_t n_options;
  bool stop_at_positional; /* exec: everything after the id is the command */
  int min_args;
  int max_args; /* -1: no limit */
  /* Returns the exit status. Errors are reported with cli_report(). */
  int (*run)(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args);
};

#define CLI_OPTIONS(array) array, sizeof(array) / sizeof((array)[0])

/* Logs err at error level (to --log, in its format) and, when the log is not
 * stderr, also prints it on stderr; returns 1. */
int cli_report(const struct cli_command *cmd, struct hutch_error *err);

/* The run function of commands that are not built yet: says so, exits 1. */
int cli_not_implemented(const struct cli_command *cmd, const struct cli_globals *globals,
                        const struct parsed_args *args);

/* Option lookups by name for command files. */
const struct opt_value *cli_opt(const struct cli_command *cmd, const struct parsed_args *args, const char *name);
const char *cli_opt_string(const struct cli_command *cmd, const struct parsed_args *args, const char *name,
                           const char *fallback);
bool cli_opt_flag(const struct cli_command *cmd, const struct parsed_args *args, const char *name);

void cli_print_command_help(const struct cli_command *cmd);
/* hutch --help: commands and global options. */
void cli_print_usage(FILE *out);

extern const struct cli_command *const cli_commands[];
extern const size_t cli_command_count;

struct hutch_backend;
struct hutch_runtime;
/* The runtime context of a command, from the global options. */
void cli_runtime(const struct cli_globals *globals, struct hutch_runtime *out);
/* create and run: chooses the backend (backend/select.h) for the bundle
 * read once, and has it create (or run, filling *exit_status). */
int cli_launch(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args,
               int *exit_status);
struct hutch_create_opts;
/* create's and run's shared options. */
int cli_create_opts(const struct cli_command *cmd, const struct parsed_args *args, struct hutch_create_opts *out,
                    struct hutch_error **err);
/* A non-negative count given to --flag. */
int cli_parse_count(const char *flag, const char *value, int *out, struct hutch_error **err);

struct hutch_container;
/* Opens the container id for a command on it (locked, state read and
 * checked, owner found: backend/container.h) and checks that its backend
 * has op, answering "not supported by the <name> backend" otherwise. The
 * caller closes c either way. */
int cli_open_container(const struct hutch_runtime *rt, const char *id, unsigned flags, enum hutch_op op,
                       struct hutch_container *c,
                       struct hutch_error **err);

/* Reports err (unless NULL) and returns 1; for command files' error paths. */
int cli_fail(const struct cli_command *cmd, struct hutch_error *err);
/* The backend of that name, or NULL with *err naming the valid ones. */
const struct hutch_backend *cli_find_backend(const char *name, struct hutch_error **err);
