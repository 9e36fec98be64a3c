/* The container's first process, from the fork to the exec of
 * process.args: namespaces, root filesystem, hooks inside the container,
 * terminal, the wait for `start`, then the process attributes. Every failure
 * goes back to the runtime as a SYNC_ERROR with its cause, and the process
 * exits. */
#include "backend/native/native.h"
#include "engine/ipc/fdpass.h"
#include "engine/process/hooks.h"
#include "engine/ns/loopback.h"
#include "engine/process/setup.h"
#include "engine/fs/rootfs.h"
#include "engine/process/seccomp.h"
#include "engine/ipc/sync.h"
#include "engine/process/terminal.h"
#include "spec/codec.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/log.h"
#include "util/prefault.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

struct init_state {
  const struct init_args *a;
  int sync_fd;         /* a->sync_fd, or where it moved */
  int start_listen_fd; /* a->start_listen_fd, or where it moved */
  int reply_fd;        /* start's connection once accepted, else -1 */
  bool setgroups_ok;   /* read while /proc is still the host's */
  bool in_cgroup;
};

/* Waits (once) until the runtime has moved us into the container's cgroup,
 * then makes the cgroup namespace, which must be rooted there. */
static int enter_cgroup(void *opaque, struct hutch_error **err)
{
  struct init_state *s = opaque;
  if (s->in_cgroup)
    return 0;
  struct sync_msg msg;
  if (sync_expect(s->sync_fd, SYNC_CGROUP_DONE, &msg, NULL, err) < 0)
    return -1;
  if (s->a->ns->new_cgroup && unshare(CLONE_NEWCGROUP) < 0)
    return hutch_fail_errno(err, "create the cgroup namespace");
  s->in_cgroup = true;
  return 0;
}

/* Where the runtime listens now: `start`'s connection once it came, the
 * sync socket before (and throughout for run). */
static int reply_fd(const struct init_state *s)
{
  return s->reply_fd >= 0 ? s->reply_fd : s->sync_fd;
}

static void __attribute__((noreturn)) fail_out(struct init_state *s, struct hutch_error *err)
{
  const char *msg = err && err->msg ? err->msg : "container init failed";
  struct hutch_error *ignored = NULL;
  sync_send(reply_fd(s), SYNC_ERROR, err ? err->code : 0, msg, -1, &ignored);
  hutch_error_free(ignored);
  _exit(1);
}

/* Hooks inside the container see the container's view of the pid. */
static char *hook_state(const struct init_args *a, enum oci_status status)
{
  struct oci_state st = {
    .oci_version = a->cfg->oci_version,
    .id = (char *) a->id,
    .status = { status, true },
    .pid = { getpid(), true },
    .bundle = (char *) a->bundle,
    .annotations = a->cfg->annotations,
  };
  struct strbuf out = STRBUF_INIT;
  oci_state_write(&out, &st, NULL);
  return strbuf_detach(&out);
}

static int become_root_in_userns(struct hutch_error **err)
{
  if (setresgid(0, 0, 0) < 0)
    return hutch_fail_errno(err, "setgid 0 in the user namespace");
  if (setresuid(0, 0, 0) < 0)
    return hutch_fail_errno(err, "setuid 0 in the user namespace");
  return 0;
}

static int set_names(const struct oci_config *cfg, struct hutch_error **err)
{
  if (cfg->hostname && cfg->hostname[0] && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
    return hutch_fail_errno(err, "hostname: sethostname");
  if (cfg->domainname && cfg->domainname[0] && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
    return hutch_fail_errno(err, "domainname: setdomainname");
  return 0;
}

static int run_container_hooks(const struct init_args *a, int kind, const char *name, enum oci_status status,
                               struct hutch_error **err)
{
  if (!a->cfg->hooks || !a->cfg->hooks->kinds[kind].len)
    return 0;
  cleanup_free char *state = hook_state(a, status);
  return hooks_run(&a->cfg->hooks->kinds[kind], name, state, err);
}

static int setup_terminal(struct init_state *s, struct hutch_error **err)
{
  const struct oci_process *p = s->a->cfg->process;
  if (!p || !p->terminal.value)
    return 0;
  cleanup_close int master = -1;
  cleanup_close int slave = -1;
  if (pty_open(&master, &slave, err) < 0)
    return -1;
  if (p->console_size && pty_set_size(master, (unsigned) p->console_size->height,
                                      (unsigned) p->console_size->width, err) < 0)
    return -1;
  if (pty_bind_console(slave, err) < 0)
    return -1;
  /* The runtime hands it to --console-socket, or proxies it for run. */
  if (sync_send(s->sync_fd, SYNC_PTY, 0, NULL, master, err) < 0)
    return -1;
  /* The session's leader must be the container's process, born later. */
  if (s->a->split_pidns_fd >= 0)
    return pty_take_stdio(slave, err);
  /* Now, not at start: the stdio `create` was given must not stay open in
   * the parked init, or a caller waiting for EOF on it (containerd's shim
   * reads create's output to the end) never sees create return. */
  return pty_make_controlling(slave, err);
}

static int prepare_root(struct init_state *s, struct hutch_error **err)
{
  const struct init_args *a = s->a;
  struct rootfs_ctx ctx = {
    .cfg = a->cfg,
    .bundle = a->bundle,
    .rootfs = a->rootfs,
    .userns = a->ns->new_user || a->ns->join_user,
    .cgroupns = a->ns->new_cgroup,
    .cgroup_layout = a->cgroup_layout,
    .cgroup_set = a->cgroups,
    .cgroup_barrier = enter_cgroup,
    .mount_trees = a->mount_trees,
    .barrier_opaque = s,
    .host_mounts = a->host_mounts,
    .proc_pidns_fd = a->split_pidns_fd,
    .root_fd = -1,
  };
  if (rootfs_prepare(&ctx, err) < 0 || enter_cgroup(s, err) < 0)
    return -1;
  /* prestart and createRuntime run in the runtime's namespaces now that the
   * mounts exist, then createContainer runs here, still before pivot_root. */
  struct sync_msg msg;
  if (sync_send(s->sync_fd, SYNC_PRESTART, 0, NULL, -1, err) < 0 ||
      sync_expect(s->sync_fd, SYNC_HOOKS_DONE, &msg, NULL, err) < 0)
    return -1;
  /* Lifecycle steps 3-5 come after step 2, where "created" begins. */
  if (run_container_hooks(a, OCI_HOOK_CREATE_CONTAINER, "createContainer", OCI_STATUS_CREATED, err) < 0)
    return -1;
  if (rootfs_pivot(&ctx, a->no_pivot, err) < 0)
    return -1;
  /* Before a read-only root can refuse it. */
  if (process_ensure_cwd(a->cfg->process, err) < 0)
    return -1;
  if (setup_terminal(s, err) < 0)
    return -1;
  return rootfs_finish(a->cfg, err);
}

/* Moves fd above the fds handed to the container (they are set to survive
 * exec), so that it cannot pass into the process by accident. */
static int move_above(int *fd, int first, struct hutch_error **err)
{
  if (*fd < 0 || *fd >= first)
    return 0;
  int moved = fcntl(*fd, F_DUPFD_CLOEXEC, first);
  if (moved < 0)
    return hutch_fail_errno(err, "move fd %d", *fd);
  close(*fd);
  *fd = moved;
  return 0;
}

/* From "created" on the init can be seen by the container's own processes
 * (exec, or another container joining its pid namespace), and one that may
 * ptrace can read through whatever it holds. It keeps the container's root
 * and cwd and, of its fds, only stdio, the ones handed over, and the way to
 * the runtime: nothing that leads to the host. */
static int drop_host_fds(struct init_state *s, struct hutch_error **err)
{
  int first = 3 + s->a->preserve_fds;
  if (move_above(&s->sync_fd, first, err) < 0 || move_above(&s->start_listen_fd, first, err) < 0)
    return -1;
  log_silence();
  /* The pid namespace to join: closed once joined, before the container's
   * process is born (enter_pid_namespace). */
  int keep[] = { s->sync_fd, s->start_listen_fd, s->a->split_pidns_fd };
  return fds_close_except(first, keep, 3, err);
}

/* The set-up ran outside the joined pid namespace, where no process of the
 * container could watch it work with host paths. Once it holds nothing of
 * the host and no more privilege than the container's process, that
 * process is born inside; this one tells the runtime its pid and leaves.
 * The join (for children) needs CAP_SYS_ADMIN, so it comes first. */
static int join_pid_namespace(struct init_state *s, struct hutch_error **err)
{
  int ns = s->a->split_pidns_fd;
  if (setns(ns, CLONE_NEWPID) < 0)
    return hutch_fail_errno(err, "join the pid namespace");
  close(ns);
  return 0;
}

static int enter_pid_namespace(struct init_state *s, struct hutch_error **err)
{
  pid_t pid = (pid_t) syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid < 0)
    return hutch_fail_errno(err, "start the container process in its pid namespace");
  if (pid > 0) {
    sync_send(s->sync_fd, SYNC_PID, pid, NULL, -1, NULL);
    _exit(0);
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  const struct oci_process *p = s->a->cfg->process;
  if (p && p->terminal.value)
    return pty_become_controlling(err);
  return 0;
}

/* Blocks until `start` (or run) says go; afterwards answers go to
 * reply_fd(s). */
static int wait_for_start(struct init_state *s, struct hutch_error **err)
{
  if (s->start_listen_fd < 0) {
    struct sync_msg msg;
    return sync_expect(s->sync_fd, SYNC_START, &msg, NULL, err);
  }
  /* The runtime that created us has gone; only `start` can go on. */
  close(s->sync_fd);
  s->sync_fd = -1;
  int conn;
  do
    conn = accept4(s->start_listen_fd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    return hutch_fail_errno(err, "wait for start");
  close(s->start_listen_fd);
  s->start_listen_fd = -1;
  s->reply_fd = conn;
  return 0;
}

/* Sends a seccomp notify fd to the runtime (at create the runtime that
 * made us, at start `start` or run), which passes it to the agent: the
 * process must not keep the listener of its own filter. */
static int send_notify_fd(struct init_state *s, int notify_fd, struct hutch_error **err)
{
  if (notify_fd < 0)
    return 0;
  int r = sync_send(reply_fd(s), SYNC_SECCOMP_FD, 0, NULL, notify_fd, err);
  close(notify_fd);
  return r;
}

/* Everything of the process a fork or a wait keeps, down to its identity
 * and capabilities (and its seccomp filter, without noNewPrivileges, while
 * that still needs CAP_SYS_ADMIN): done before the init can be seen by the
 * container's processes, as runc's is, so that one that may ptrace gains
 * nothing by seizing it. */
static int become_process(struct init_state *s, struct hutch_error **err)
{
  const struct init_args *a = s->a;
  const struct oci_process *p = a->cfg->process;
  if (!p)
    return 0; /* `start` will say it cannot start without one */
  if (process_set_rlimits(p, err) < 0 || process_set_oom_score_adj(p, err) < 0 ||
      process_apply_attrs(p, a->cfg->linux_, err) < 0)
    return -1;
  /* A keyring of its own, so the container cannot read the caller's keys. */
  if (!a->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, a->id) < 0 && errno != ENOSYS)
    return hutch_fail_errno(err, "create a session keyring");
  /* Before the filter, which may deny getcwd (the check needs it). */
  if (process_enter_cwd(p->cwd, err) < 0)
    return -1;
  if (a->split_pidns_fd >= 0 && join_pid_namespace(s, err) < 0)
    return -1;
  bool nnp = p->no_new_privileges.value;
  int notify_fd = -1;
  if (process_finalize(p, nnp ? NULL : a->seccomp, s->setgroups_ok, &notify_fd, err) < 0)
    return -1;
  return send_notify_fd(s, notify_fd, err);
}

/* After start: with noNewPrivileges the filter goes in as late as can be
 * (as runc does), then the program is found in the environment it gets. */
static int finish_process(struct init_state *s, char **path, char ***env, struct hutch_error **err)
{
  const struct init_args *a = s->a;
  const struct oci_process *p = a->cfg->process;
  if (!p)
    return hutch_fail(err, 0, "process: required to start the container");
  int notify_fd = -1;
  if (a->seccomp && p->no_new_privileges.value &&
      (seccomp_load_program(a->seccomp, &notify_fd, err) < 0 || send_notify_fd(s, notify_fd, err) < 0))
    return -1;
  *env = process_environment(p, a->extra_env, a->n_extra_env);
  *path = process_find_executable(p->args.items[0], *env, err);
  return *path ? 0 : -1;
}

void native_init(const struct init_args *a)
{
  struct init_state s = { .a = a, .sync_fd = a->sync_fd, .start_listen_fd = a->start_listen_fd, .reply_fd = -1 };
  struct hutch_error *err = NULL;
  struct sync_msg msg;
  /* The lock on the state directory must not stay held while we wait. */
  for (size_t i = 0; i < 2; i++)
    if (a->close_fds[i] >= 0)
      close(a->close_fds[i]);
  /* A runtime that dies before the container is created takes us with it
   * (nothing would ever clean up after us); and its end of the socket must
   * not be ours too, or a read here would wait forever. */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (a->runtime_sync_fd >= 0)
    close(a->runtime_sync_fd);
  /* Every page the init writes is a copy of one of the runtime's. Copied
   * now, before it joins the container's cgroup, they are charged where the
   * runtime's memory is: the container's memory limit then has to hold only
   * what its own process needs (runc and crun charge their set-up to it). */
  prefault_unshare_private_memory();
  if (sync_send(s.sync_fd, SYNC_ALIVE, 0, NULL, -1, &err) < 0)
    fail_out(&s, err);

  if (a->wait_userns_map && (sync_expect(s.sync_fd, SYNC_USERNS_MAPPED, &msg, NULL, &err) < 0 ||
                             become_root_in_userns(&err) < 0))
    fail_out(&s, err);
  if ((a->ns->new_flags & CLONE_NEWNET) && loopback_up(&err) < 0)
    fail_out(&s, err);
  s.setgroups_ok = process_setgroups_allowed();
  if (set_names(a->cfg, &err) < 0 || prepare_root(&s, &err) < 0 ||
      process_check_program(a->cfg->process, &err) < 0)
    fail_out(&s, err);
  /* Before the filter, which may not know close_range. */
  if (drop_host_fds(&s, &err) < 0 || process_prepare_fds(3 + a->preserve_fds, &err) < 0 ||
      become_process(&s, &err) < 0 || (a->split_pidns_fd >= 0 && enter_pid_namespace(&s, &err) < 0))
    fail_out(&s, err);
  /* A change of credentials clears the parent-death signal: again. */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (sync_send(s.sync_fd, SYNC_READY, 0, NULL, -1, &err) < 0 ||
      sync_expect(s.sync_fd, SYNC_CREATED, &msg, NULL, &err) < 0)
    fail_out(&s, err);
  /* The runtime waits for this answer before it exits, or its exit could
   * still kill us. */
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (sync_send(s.sync_fd, SYNC_CREATED, 0, NULL, -1, &err) < 0)
    fail_out(&s, err);
  if (wait_for_start(&s, &err) < 0)
    fail_out(&s, err);
  /* In the container, as the container's process: as runc runs them. */
  if (run_container_hooks(a, OCI_HOOK_START_CONTAINER, "startContainer", OCI_STATUS_CREATED, &err) < 0)
    fail_out(&s, err);

  char *path = NULL;
  char **env = NULL;
  if (finish_process(&s, &path, &env, &err) < 0)
    fail_out(&s, err);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  /* `start` learns here that the process is about to run; run learns it
   * when the sync socket closes on exec. */
  if (s.reply_fd >= 0 && sync_send(s.reply_fd, SYNC_STARTED, 0, NULL, -1, &err) < 0)
    _exit(1);
  const oci_strings *args = &a->cfg->process->args;
  char **argv = xcalloc(args->len + 1, sizeof *argv);
  memcpy(argv, args->items, args->len * sizeof *argv);
  execve(path, argv, env);
  int saved = errno;
  hutch_fail(&err, saved, "exec %s", path);
  if (s.reply_fd >= 0) {
    /* Too late to tell `start`: say it where the container's output goes. */
    dprintf(2, "hutch: %s\n", err->msg);
    _exit(127);
  }
  fail_out(&s, err);
}
