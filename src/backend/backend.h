#pragma once
/* The backend interface: one ops table per way of running a container
 * (native engine, liblxc, Proxmox VE). The CLI picks a backend by name for a
 * new container; the state of an existing one records which backend owns it. */
#include <stdbool.h>
#include <stdint.h>

#include <sys/types.h>

#include "spec/features.h"
#include "util/error.h"
#include "util/json_writer.h"
#include "util/strbuf.h"
#include "spec/model.h"
#include "spec/state.h"
#include "spec/support.h"
#include "util/arena.h"

/* What every command knows from the global options. */
struct hutch_runtime {
  char **argv;      /* hutch's own, for re-executing from a sealed copy */
  const char *root; /* state directory */
  bool systemd_cgroup;
  bool no_cgroups; /* --cgroup-manager disabled: the container stays in the caller's cgroups */
  bool debug;
};

struct hutch_bundle; /* bundle.h */

struct hutch_create_opts {
  const char *id;
  const char *bundle;             /* as given */
  struct hutch_bundle *loaded;    /* its config.json, read and validated by the caller (required) */
  const char *pid_file;
  const char *console_socket;
  const char *pidfd_socket;
  int preserve_fds;
  bool no_pivot;
  bool no_new_keyring;
  bool detach;       /* run -d */
  bool keep;         /* run --keep */
  bool no_subreaper; /* run --no-subreaper */
};

struct hutch_exec_opts {
  const char *id;
  const char *process_file; /* --process; otherwise the fields below and args */
  char **args;
  size_t n_args;
  bool tty;
  bool detach;
  const char *pid_file;
  const char *console_socket;
  const char *pidfd_socket;
  const char *cwd;
  const char *user; /* "uid[:gid]" */
  const char **env;
  size_t n_env;
  const char **additional_gids;
  size_t n_additional_gids;
  const char **caps;
  size_t n_caps;
  bool no_new_privs;
  int preserve_fds;
  const char *apparmor;      /* --apparmor: process.apparmorProfile */
  const char *process_label; /* --process-label: process.selinuxLabel */
  const char **cgroups;      /* --cgroup: "[controllers:]path" sub-cgroups */
  size_t n_cgroups;
  bool ignore_paused;
};

struct hutch_container;   /* container.h: an existing container, opened and locked */
struct container_record; /* engine/state/store.h */

/* Each operation returns 0 or -1 with *err; errors carry the wording
 * callers match on ("container does not exist", "container not running").
 * An operation a backend does not have is NULL: hutch_backend_require
 * answers for it, so no caller calls through a NULL pointer.
 *
 * The operations on an existing container get it opened, locked and with
 * its state read and checked by the caller (hutch_container_open), which
 * also releases it; they do not open it again. */
struct hutch_backend {
  const char *name;
  const char *summary;
  /* The keys this backend reads from hutch.conf as "NAME.KEY = VALUE"
   * (NULL-terminated; NULL: none). */
  const char *const *settings;
  /* Fills *out (allocating in arena) with what this backend honours at this
   * commit: the truth `features` prints and `validate` checks against. */
  void (*describe)(struct oci_support *out, struct arena *arena);
  /* Records the backend's name in the state (container_record.backend):
   * later commands route by it. */
  int (*create)(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, struct hutch_error **err);
  int (*start)(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err);
  /* create + start in one; in the foreground *exit_status gets the
   * container process's status (128+N for signal N). */
  int (*run)(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
             struct hutch_error **err);
  int (*state)(const struct hutch_runtime *rt, struct hutch_container *c, struct strbuf *json,
               struct hutch_error **err);
  /* The status `list` shows, from a record read without the lock (list
   * must not wait for a busy container): creator_gone as for
   * container_status. Required of a backend that has create. */
  enum oci_status (*status)(const struct hutch_runtime *rt, int dir_fd, const struct container_record *rec,
                            bool creator_gone);
  int (*kill)(const struct hutch_runtime *rt, struct hutch_container *c, int sig, bool all, struct hutch_error **err);
  /* Opened with HUTCH_OPEN_ANY_STATE: c->rec is NULL when the state is
   * missing or not believable (c->state_err says why), and delete -f must
   * still clean up what it can. */
  int (*delete_)(const struct hutch_runtime *rt, struct hutch_container *c, bool force, struct hutch_error **err);
  int (*exec)(const struct hutch_runtime *rt, struct hutch_container *c, const struct hutch_exec_opts *opts,
              int *exit_status, struct hutch_error **err);
  int (*ps)(const struct hutch_runtime *rt, struct hutch_container *c, pid_t **pids, size_t *n,
            struct hutch_error **err);
  int (*pause)(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err);
  int (*resume)(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err);
  int (*update)(const struct hutch_runtime *rt, struct hutch_container *c, const struct oci_resources *resources,
                struct hutch_error **err);
  /* runc's statistics object (the `data` of a "stats" event) into w, and
   * the OOM kills so far into *oom_kills. A container that is not running
   * fails with code ESRCH (*oom_kills still set). */
  int (*stats)(const struct hutch_runtime *rt, struct hutch_container *c, struct json_writer *w, uint64_t *oom_kills,
               struct hutch_error **err);
};

/* The operations by name, for hutch_backend_require. */
enum hutch_op {
  HUTCH_OP_CREATE,
  HUTCH_OP_START,
  HUTCH_OP_RUN,
  HUTCH_OP_STATE,
  HUTCH_OP_STATUS,
  HUTCH_OP_KILL,
  HUTCH_OP_DELETE,
  HUTCH_OP_EXEC,
  HUTCH_OP_PS,
  HUTCH_OP_PAUSE,
  HUTCH_OP_RESUME,
  HUTCH_OP_UPDATE,
  HUTCH_OP_STATS,
};

/* 0 when b has op; otherwise -1 with *err "not supported by the <name>
 * backend" (code ENOSYS), which the CLI prints after the command's name. */
int hutch_backend_require(const struct hutch_backend *b, enum hutch_op op, struct hutch_error **err);

extern const struct hutch_backend hutch_backend_native;
extern const struct hutch_backend hutch_backend_lxc;
extern const struct hutch_backend hutch_backend_proxmox;

#define HUTCH_DEFAULT_BACKEND "native"
/* Every backend's name, space-separated: what shells complete for --backend
 * (a unit test checks it against the registry). */
#define HUTCH_BACKEND_NAMES "native lxc proxmox"

/* The backend of that name, or NULL. */
const struct hutch_backend *hutch_backend_lookup(const char *name);
/* "native, lxc, proxmox", for messages. */
const char *hutch_backend_names(void);

/* Refuses, naming the field, what b's features document does not claim
 * (every "not honoured" of oci_config_check_support), an LSM label the host
 * cannot apply, and a config without root. */
struct oci_config;
int hutch_check_support(const struct hutch_backend *b, const struct oci_config *cfg, struct hutch_error **err);

/* The part of every features document that does not depend on the backend:
 * version range and annotations naming hutch. Allocates in arena. */
struct oci_features *hutch_features_base(struct arena *arena, const char *backend);

/* For a backend that cannot run containers yet: a features document that
 * claims nothing (empty lists, every flag false) and implemented = false. */
void hutch_describe_unimplemented(struct oci_support *out, struct arena *arena, const char *backend);
