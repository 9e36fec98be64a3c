#pragma once
/* The container process's attributes (config.md "process"), applied by the
 * process itself just before it execs the user program. */
#include <stdbool.h>

#include "spec/model.h"
#include "util/error.h"

/* rlimits, before privileges are dropped (raising a hard limit needs
 * CAP_SYS_RESOURCE). */
int process_set_rlimits(const struct oci_process *p, struct hutch_error **err);
int process_set_oom_score_adj(const struct oci_process *p, struct hutch_error **err);

/* Groups, gid, uid and capabilities, in the order the kernel needs:
 * bounding set, setgroups, setgid, setuid (keeping capabilities), capset,
 * ambient. setgroups_allowed is false in a user namespace whose
 * /proc/self/setgroups says "deny". */
int process_set_identity(const struct oci_process *p, bool setgroups_allowed, struct hutch_error **err);
/* false in a user namespace whose /proc/self/setgroups says "deny" (read it
 * while /proc is one that shows us). */
bool process_setgroups_allowed(void);

/* Creates process.cwd where it is missing, as runc does: in the container's
 * root (call it after pivot_root), each directory made owned by the
 * process's user. */
int process_ensure_cwd(const struct oci_process *p, struct hutch_error **err);

/* chdir to process.cwd and check the result lies inside the container root
 * (a directory fd leaked from the host would show "(unreachable)"). */
int process_enter_cwd(const char *cwd, struct hutch_error **err);

/* The environment for execve: process.env, plus HOME from the container's
 * /etc/passwd when unset (as runc does). NULL-terminated; caller frees the
 * array (not the strings, which belong to the config or are leaked into the
 * process image on purpose). */
char **process_environment(const struct oci_process *p, char **extra, size_t n_extra);

/* args[0] looked up like execvp(3) does, with PATH from env (or the default
 * PATH). Returns a malloc'd path or NULL with *err. */
char *process_find_executable(const char *arg0, char *const *env, struct hutch_error **err);

/* The early form of that lookup, done when the container is created: runc and
 * crun report a missing or non-executable program from create, and podman and
 * containerd turn that report into exit statuses 127 and 126. Checks only
 * what cannot change by exec time except through a startContainer hook. */
int process_check_program(const struct oci_process *p, struct hutch_error **err);

/* Marks every fd from first_to_close on close-on-exec; the fds from 3 up to
 * there (--preserve-fds, LISTEN_FDS) are handed over, so they lose it. */
int process_prepare_fds(int first_to_close, struct hutch_error **err);
