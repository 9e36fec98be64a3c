#pragma once
/* Internal to the native backend: how create, start, run, exec and the
 * rest share the container launch. */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend/backend.h"
#include "backend/bundle.h"
#include "backend/container.h"
#include "engine/cgroup/manager.h"
#include "engine/fs/host_mounts.h"
#include "engine/ns/namespaces.h"
#include "engine/process/seccomp.h"
#include "engine/state/store.h"
#include "spec/model.h"
#include "util/error.h"

/* What the init process (the container's pid 1, or its first process) gets
 * from the runtime; it inherits it through the fork. */
struct init_args {
  const struct oci_config *cfg;
  const char *id;
  const char *bundle;
  const char *rootfs;
  const struct ns_plan *ns;
  const struct cgroup_layout *cgroup_layout;
  const struct cgroup_set *cgroups;
  int sync_fd;          /* the child's end */
  int runtime_sync_fd;  /* the runtime's end: closed at once, or the init would never see EOF */
  int start_listen_fd;  /* create: start.sock, where `start` connects; -1 for run */
  /* A joined pid namespace that the set-up runs outside of: once it holds
   * nothing of the host, the init forks the container's process into it
   * and exits (native_init). -1 otherwise. */
  int split_pidns_fd;
  bool wait_userns_map; /* the runtime writes our uid/gid maps */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds; /* fds 3 .. 3+preserve_fds-1 are handed over */
  int close_fds[2];  /* the runtime's state directory fds: their lock must not outlive create */
  const int *mount_trees; /* per mounts[] entry, or -1 */
  const struct seccomp_program *seccomp; /* compiled by the runtime; NULL without linux.seccomp */
  bool host_mounts; /* no mount namespace of its own (see host_mounts.h) */
  char **extra_env; /* LISTEN_FDS etc. */
  size_t n_extra_env;
};

void __attribute__((noreturn)) native_init(const struct init_args *args);

struct launch;
/* A backend that builds the container another way (lxc) drives the same
 * launch: the same config checks, state, cgroup plan, hooks and record, with
 * its own way to the parked first process. */
struct launch_driver {
  const struct hutch_backend *backend;
  /* From the prepared launch to a process waiting for `start`: sets l->pid
   * and talks with it on l->sync_fd up to SYNC_READY; the cgroups it makes
   * are the ones l->cgroups planned. */
  int (*start)(struct launch *l, bool for_run, struct hutch_error **err);
  /* Called once the state says "created" and the process has answered. */
  void (*created)(struct launch *l);
  /* Undoes what start made beyond what launch_abort knows. */
  void (*abort)(struct launch *l);
  /* run in the foreground: the process has exited, the container goes
   * (before its record and state directory). */
  void (*finished)(const struct container_record *rec);
};

/* A container being launched, from create to "ready". */
struct launch {
  const struct launch_driver *driver; /* NULL: the native engine */
  const struct hutch_runtime *rt;
  const struct hutch_create_opts *opts;
  /* Borrowed from opts->loaded: */
  const char *bundle; /* absolute */
  struct oci_config *cfg;
  const char *config_text;
  size_t config_len;
  char *rootfs; /* absolute */
  struct container_dir dir;
  struct cgroup_manager cgroups;
  struct ns_plan ns;
  struct container_record rec;
  int sync_fd;
  int console_fd;
  int start_listen_fd;
  int pty_master; /* run in the foreground with a terminal */
  int *mount_trees; /* per mounts[] entry: prepared ID-mapped tree or -1 */
  int pidfd_sock; /* --pidfd-socket, connected */
  int notify_fd;  /* the init's seccomp listener, for the agent */
  struct seccomp_program seccomp; /* len 0 without linux.seccomp */
  bool host_mounts;               /* no mount namespace of its own */
  struct mount_ids mounts_before; /* then: the mounts at the root before ours */
  bool split_pidns;               /* see init_args.split_pidns_fd */
  bool init_alive;                /* SYNC_ALIVE came already */
  pid_t pid;
  bool dir_created;
};

/* launch_cgroups.c: the manager the runtime was told to use, planned
 * (where the cgroups go, which create will make) before anything is made. */
int launch_plan_cgroups(struct launch *l, struct hutch_error **err);
/* The record's cgroup directories, what create made of them and the unit. */
void launch_record_cgroups(struct launch *l);

/* launch_host.c: made on the host side before the init exists. */
int launch_prepare_mount_trees(struct launch *l, struct hutch_error **err);
int launch_setup_notify(struct launch *l, struct hutch_error **err);

/* linux.netDevices into the network namespace of l->pid, addresses kept. */
int launch_move_net_devices(struct launch *l, struct hutch_error **err);

/* prestart and createRuntime, in the runtime's namespaces, seeing "created". */
int launch_run_runtime_hooks(struct launch *l, struct hutch_error **err);

/* The first process's conversation up to SYNC_READY, from its SYNC_ALIVE
 * on: cgroup, prestart hooks, pty, seccomp fd. */
int launch_supervise(struct launch *l, struct hutch_error **err);

/* create's work up to a parked init: on failure everything made is undone. */
int launch_container(struct launch *l, bool for_run, struct hutch_error **err);
/* create and run with the given driver (NULL: the native engine). */
int launch_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts,
                  const struct launch_driver *driver, struct hutch_error **err);
int launch_run(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, const struct launch_driver *driver,
               int *exit_status, struct hutch_error **err);

/* Undoes a launch that failed or that `run` finished. */
void launch_abort(struct launch *l);
void launch_release(struct launch *l);

/* The state JSON for hooks and `state`. */
char *record_state_json(const struct container_record *rec, enum oci_status status, pid_t pid_override);

/* Kills what is left, runs poststop hooks (warnings only), removes the
 * cgroups and the state directory: lifecycle step 12 and 13. */
int container_destroy(struct container_dir *dir, const struct container_record *rec, const struct oci_config *cfg,
                      struct hutch_error **err);

/* Reads the config.json snapshot taken at create. */
struct oci_config *snapshot_read(int dir_fd, struct hutch_error **err);

/* A pidfd of the recorded container process, or -1 when it is gone or the
 * record's pid names another process (not of the start time, not in the
 * container's cgroups). */
int container_pidfd(const struct container_record *rec);

/* Sends SIGKILL and waits (up to 10 s) until the process is gone. */
void kill_and_wait(const struct container_record *rec);

/* Waits for a child in the foreground: forwards signals, proxies the pty,
 * returns the exit status (128+N for signal N). */
int foreground_wait(pid_t pid, int pty_master, int *status, struct hutch_error **err);

/* Hands a container process's seccomp notify fd to the agent at
 * linux.seccomp.listenerPath, with the container's state (status and pid
 * as given). The runtime does this, never the container process: that one
 * holds no connection to the host when it loads its filter. */
int seccomp_forward(const struct oci_seccomp *sc, const struct container_record *rec, pid_t pid,
                    enum oci_status status, int notify_fd, struct hutch_error **err);

/* Writes the pid, digits only, atomically (temp + rename) to path. */
/* --pidfd-socket: a pidfd of pid, sent over the connected socket. */
int pidfd_send(int sock, pid_t pid, struct hutch_error **err);

int pid_file_write(const char *path, pid_t pid, struct hutch_error **err);

/* The operations (backend.h documents them). */
int native_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, struct hutch_error **err);
int native_start(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err);
int native_run(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
               struct hutch_error **err);
int native_state(const struct hutch_runtime *rt, struct hutch_container *c, struct strbuf *json,
                 struct hutch_error **err);
enum oci_status native_status(const struct hutch_runtime *rt, int dir_fd, const struct container_record *rec,
                              bool creator_gone);
int native_kill(const struct hutch_runtime *rt, struct hutch_container *c, int sig, bool all,
                struct hutch_error **err);
int native_delete(const struct hutch_runtime *rt, struct hutch_container *c, bool force, struct hutch_error **err);
int native_exec(const struct hutch_runtime *rt, struct hutch_container *c, const struct hutch_exec_opts *opts,
                int *exit_status, struct hutch_error **err);
/* The process an exec runs: --process's document, or the config's process
 * with exec's flags over it (runc's rules). */
struct oci_process *native_exec_process(const struct hutch_exec_opts *opts, const struct oci_config *cfg,
                                        struct arena *arena, struct hutch_error **err);
/* runc's rules for exec's terminal: a tty detached needs --console-socket,
 * which is for a detached tty only. */
int exec_check_terminal(bool tty, const struct hutch_exec_opts *opts, struct hutch_error **err);
int native_pause(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err);
int native_resume(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err);
int native_update(const struct hutch_runtime *rt, struct hutch_container *c, const struct oci_resources *r,
                  struct hutch_error **err);
int native_stats(const struct hutch_runtime *rt, struct hutch_container *c, struct json_writer *w,
                 uint64_t *oom_kills, struct hutch_error **err);
int native_ps(const struct hutch_runtime *rt, struct hutch_container *c, pid_t **pids, size_t *n,
              struct hutch_error **err);

/* The last steps before exec, in the order runc uses: without
 * noNewPrivileges the seccomp filter goes in while we still hold
 * CAP_SYS_ADMIN, before user and capabilities change; with it, after. */
int process_finalize(const struct oci_process *p, const struct seccomp_program *seccomp, bool setgroups_allowed,
                     int *notify_fd, struct hutch_error **err);

/* Compiles cfg's linux.seccomp in the runtime, before anything is made,
 * through the cache under the state root: the container process only has
 * to load it. Without linux.seccomp, prog->len stays 0. */
int seccomp_prepare(const struct hutch_runtime *rt, const struct oci_config *cfg, struct seccomp_program *prog,
                    struct hutch_error **err);

/* Scheduler, I/O priority, personality and NUMA policy: while the process
 * still holds the privileges they may need (CAP_SYS_NICE for real time). */
int process_apply_attrs(const struct oci_process *p, const struct oci_linux *l, struct hutch_error **err);

void native_describe(struct oci_support *out, struct arena *arena);
