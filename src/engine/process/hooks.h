#pragma once
/* OCI hooks: each runs with the container state JSON on stdin, its own
 * args and env, and an optional timeout; hooks of one kind run in order. */
#include "spec/model.h"
#include "util/error.h"

/* Runs every hook of the list; stops at the first that fails (non-zero exit,
 * a signal, or running past its timeout), with an error that names it
 * ("hooks.poststart[1]: ...") and quotes what it printed. */
int hooks_run(const oci_hook_list *hooks, const char *kind, const char *state_json, struct hutch_error **err);

/* For poststop: failures are logged as warnings and the rest still run. */
void hooks_run_warn_only(const oci_hook_list *hooks, const char *kind, const char *state_json);
