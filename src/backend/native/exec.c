/* exec: a new process in a running container. A helper joins the
 * container's namespaces (through a pidfd of its init) and starts the
 * process as hutch's own child (CLONE_PARENT), which gets the process
 * attributes and execs; hutch waits for it in the foreground or leaves it
 * to the caller with --detach. */
#include "backend/native/native.h"
#include "engine/process/exe_guard.h"
#include "engine/ipc/fdpass.h"
#include "engine/process/lsm.h"
#include "engine/process/attrs.h"
#include "engine/process/info.h"
#include "engine/process/setup.h"
#include "engine/cgroup/sub.h"
#include "engine/process/seccomp.h"
#include "engine/ipc/sync.h"
#include "engine/process/terminal.h"
#include "spec/codec.h"
#include "spec/config.h"
#include "spec/names.h"
#include "spec/schema.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct exec_ctx {
  const struct hutch_exec_opts *opts;
  struct arena *arena;
  struct oci_process *process;
  const struct oci_seccomp *seccomp; /* the container's filter applies to exec'd processes too */
  struct seccomp_program seccomp_prog; /* compiled here, loaded by the child */
  const struct oci_linux *linux_;     /* personality and NUMA policy too */
  const struct container_record *rec;
  pid_t init_pid;
  int init_pidfd; /* pins init_pid: what is opened by its number is checked against it */
  char **cgroup_dirs; /* --cgroup: one per container cgroup directory, or NULL */
  bool userns; /* the container has a user namespace of its own */
  int sync_fd;
  int console_fd;
  int pidfd_sock; /* --pidfd-socket, connected */
  int pty_master;
  int notify_fd; /* the process's seccomp listener, until its pid is known */
  pid_t pid;
};

static int read_process_file(struct exec_ctx *x, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  size_t len;
  if (read_regular_file_at(AT_FDCWD, x->opts->process_file, OCI_CONFIG_MAX_SIZE, REGULAR_FOLLOW, &text, &len, err) < 0)
    return hutch_error_prefix(err, "--process: ");
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  x->process = oci_decode_document(x->arena, &oci_type_process, text, len, x->opts->process_file, &diags);
  if (x->process)
    oci_process_validate(x->process, &diags);
  const struct diag *bad = diag_first_error(&diags);
  if (bad)
    return hutch_fail(err, 0, "--process %s: %s%s%s", x->opts->process_file, bad->path, bad->path[0] ? ": " : "",
                      bad->message);
  return 0;
}

static void append(struct arena *a, oci_strings *list, const char *value)
{
  char **items = arena_calloc(a, list->len + 1, sizeof *items);
  if (list->len)
    memcpy(items, list->items, list->len * sizeof *items);
  items[list->len] = arena_strdup(a, value);
  list->items = items;
  list->len++;
  list->set = true;
}

static bool parse_id(const char *s, uint32_t *out)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end || v > UINT32_MAX)
    return false;
  *out = (uint32_t) v;
  return true;
}

/* Without --process: the config's process with the command-line overrides,
 * as runc builds it. */
static int process_from_flags(struct exec_ctx *x, const struct oci_process *base, struct hutch_error **err)
{
  const struct hutch_exec_opts *o = x->opts;
  struct arena *a = x->arena;
  struct oci_process *p = arena_calloc(a, 1, sizeof *p);
  if (base)
    *p = *base;
  p->args = (oci_strings) { NULL, 0, false };
  for (size_t i = 0; i < o->n_args; i++)
    append(a, &p->args, o->args[i]);
  p->terminal = (oci_opt_bool) { o->tty, true };
  p->console_size = NULL;
  if (o->cwd)
    p->cwd = arena_strdup(a, o->cwd);
  if (!p->cwd)
    p->cwd = (char *) "/";
  oci_strings env = p->env;
  p->env = env;
  for (size_t i = 0; i < o->n_env; i++)
    append(a, &p->env, o->env[i]);
  struct oci_user *u = arena_calloc(a, 1, sizeof *u);
  if (base && base->user)
    *u = *base->user;
  if (o->user) {
    cleanup_free char *copy = xstrdup(o->user);
    char *colon = strchr(copy, ':');
    if (colon)
      *colon++ = '\0';
    uint32_t id;
    if (!parse_id(copy, &id))
      return hutch_fail(err, 0, "--user: \"%s\" is not a numeric uid[:gid]", o->user);
    u->uid = (oci_opt_u32) { id, true };
    if (colon) {
      if (!parse_id(colon, &id))
        return hutch_fail(err, 0, "--user: \"%s\" is not a numeric uid[:gid]", o->user);
      u->gid = (oci_opt_u32) { id, true };
    }
  }
  if (o->n_additional_gids) {
    uint32_t *gids = arena_calloc(a, o->n_additional_gids, sizeof *gids);
    for (size_t i = 0; i < o->n_additional_gids; i++)
      if (!parse_id(o->additional_gids[i], &gids[i]))
        return hutch_fail(err, 0, "--additional-gids: \"%s\" is not a numeric gid", o->additional_gids[i]);
    u->additional_gids = (oci_u32s) { gids, o->n_additional_gids, true };
  }
  p->user = u;
  if (o->n_caps) {
    struct oci_capabilities *c = arena_calloc(a, 1, sizeof *c);
    if (base && base->capabilities)
      *c = *base->capabilities;
    for (size_t i = 0; i < o->n_caps; i++) {
      if (oci_capability_lookup(o->caps[i]) < 0)
        return hutch_fail(err, 0, "--cap: unknown capability \"%s\"", o->caps[i]);
      append(a, &c->bounding, o->caps[i]);
      append(a, &c->effective, o->caps[i]);
      append(a, &c->permitted, o->caps[i]);
      if (c->inheritable.len)
        append(a, &c->ambient, o->caps[i]);
    }
    p->capabilities = c;
  }
  if (o->no_new_privs)
    p->no_new_privileges = (oci_opt_bool) { true, true };
  x->process = p;
  return 0;
}

struct oci_process *native_exec_process(const struct hutch_exec_opts *opts, const struct oci_config *cfg,
                                        struct arena *arena, struct hutch_error **err)
{
  struct exec_ctx x = { .opts = opts, .arena = arena };
  if (opts->process_file ? read_process_file(&x, err) < 0 : process_from_flags(&x, cfg->process, err) < 0)
    return NULL;
  if (opts->apparmor)
    x.process->apparmor_profile = arena_strdup(arena, opts->apparmor);
  if (opts->process_label)
    x.process->selinux_label = arena_strdup(arena, opts->process_label);
  return x.process;
}

int exec_check_terminal(bool tty, const struct hutch_exec_opts *opts, struct hutch_error **err)
{
  if (tty && opts->detach && !opts->console_socket)
    return hutch_fail(err, 0, "cannot allocate tty if hutch will detach without setting console socket");
  if (opts->console_socket && (!tty || !opts->detach))
    return hutch_fail(err, 0, "cannot use console socket if hutch will not detach or allocate tty");
  return 0;
}

static int check_unhonoured(const struct oci_process *p, struct hutch_error **err)
{
  return lsm_check(p, NULL, err);
}

/* The namespaces of the init that differ from ours: those to join. */
static int namespaces_to_join(pid_t pid, bool *userns)
{
  static const struct {
    const char *name;
    int flag;
  } kinds[] = {
    { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS },      { "pid", CLONE_NEWPID },
    { "net", CLONE_NEWNET },   { "ipc", CLONE_NEWIPC },     { "uts", CLONE_NEWUTS },
    { "cgroup", CLONE_NEWCGROUP }, { "time", 0x00000080 /* CLONE_NEWTIME */ },
  };
  int flags = 0;
  for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
    char mine[64], theirs[64];
    snprintf(mine, sizeof mine, "/proc/self/ns/%s", kinds[i].name);
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/%s", (int) pid, kinds[i].name);
    struct stat a, b;
    if (stat(mine, &a) < 0 || stat(theirs, &b) < 0)
      continue;
    if (a.st_ino != b.st_ino || a.st_dev != b.st_dev)
      flags |= kinds[i].flag;
  }
  *userns = flags & CLONE_NEWUSER;
  return flags;
}

/* Closes every fd but stdio, the handed-over ones (below first) and the
 * sync socket, which moves above them if it sits among them. Nothing may be
 * logged afterwards: the log file is gone too. */
static int drop_host_fds(int *sync_fd, int first, struct hutch_error **err)
{
  if (*sync_fd < first) {
    int moved = fcntl(*sync_fd, F_DUPFD_CLOEXEC, first);
    if (moved < 0)
      return hutch_fail_errno(err, "move the sync socket");
    close(*sync_fd);
    *sync_fd = moved;
  }
  log_silence();
  return fds_close_except(first, sync_fd, 1, err);
}

/* Whether the process init_pidfd pins is still alive, so that its pid has
 * not gone to another process since anything was opened by that number. */
static bool init_alive(const struct exec_ctx *x)
{
  return syscall(SYS_pidfd_send_signal, x->init_pidfd, 0, NULL, 0) == 0;
}

static int enter_init_root(const struct exec_ctx *x, struct hutch_error **err)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/root", (int) x->init_pid);
  cleanup_close int root = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return hutch_fail_errno(err, "enter the container's root %s", path);
  if (!init_alive(x))
    return hutch_fail(err, ESRCH, "enter the container's root: its process has exited");
  if (fchdir(root) < 0 || chroot(".") < 0 || chdir("/") < 0)
    return hutch_fail_errno(err, "enter the container's root %s", path);
  return 0;
}

/* The process itself: born with everything set that a process keeps across
 * fork, it waits to be in all of the container's cgroups, then only takes
 * its terminal and the final CPU affinity and execs. */
static void __attribute__((noreturn)) exec_child(const struct exec_ctx *x, int sync_fd, bool cwd_deferred)
{
  struct hutch_error *err = NULL;
  struct sync_msg msg;
  const struct oci_process *p = x->process;
  if (sync_expect(sync_fd, SYNC_CGROUP_DONE, &msg, NULL, &err) < 0)
    goto fail;
  /* What names the process itself (/proc/self/...) resolves only here. */
  if (cwd_deferred && process_enter_cwd(p->cwd, &err) < 0)
    goto fail;
  char **env = process_environment(p, NULL, 0);
  char *path = process_find_executable(p->args.items[0], env, &err);
  if (!path)
    goto fail;
  char **argv = xcalloc(p->args.len + 1, sizeof *argv);
  memcpy(argv, p->args.items, p->args.len * sizeof *argv);
  /* execCPUAffinity.final: once in the container's cgroup (spec 1.2.1). */
  if (p->exec_cpu_affinity && p->exec_cpu_affinity->final && p->exec_cpu_affinity->final[0] &&
      process_set_cpu_affinity(p->exec_cpu_affinity->final, "process.execCPUAffinity.final", &err) < 0)
    goto fail;
  if (p->terminal.value && pty_become_controlling(&err) < 0)
    goto fail;
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execve(path, argv, env);
  hutch_fail_errno(&err, "exec %s", path);
fail:
  sync_send(sync_fd, SYNC_ERROR, 0, err ? err->msg : "exec failed", -1, NULL);
  _exit(255);
}

/* In the container's namespaces, before the process exists: its terminal
 * and every attribute a child inherits, down to its identity, capabilities
 * and seccomp filter. What is born into the container's pid namespace then
 * has no more privilege than the program it becomes, so a container process
 * that may ptrace gains nothing by seizing it. */
static int prepare_process(struct exec_ctx *x, int *sync_fd, bool *cwd_deferred, struct hutch_error **err)
{
  const struct oci_process *p = x->process;
  if (p->terminal.value) {
    cleanup_close int master = -1;
    cleanup_close int slave = -1;
    if (pty_open(&master, &slave, err) < 0)
      return -1;
    if (p->console_size &&
        pty_set_size(master, (unsigned) p->console_size->height, (unsigned) p->console_size->width, err) < 0)
      return -1;
    /* The runtime hands it on to --console-socket or keeps it. */
    if (sync_send(*sync_fd, SYNC_PTY, 0, NULL, master, err) < 0 || pty_take_stdio(slave, err) < 0)
      return -1;
  }
  if (process_set_rlimits(p, err) < 0 || process_set_oom_score_adj(p, err) < 0 ||
      process_apply_attrs(p, x->linux_, err) < 0)
    return -1;
  /* Before the filter, which may not know close_range. */
  if (drop_host_fds(sync_fd, 3 + x->opts->preserve_fds, err) < 0 ||
      process_prepare_fds(3 + x->opts->preserve_fds, err) < 0)
    return -1;
  /* Before the filter, which may deny getcwd (the check needs it). A path
   * through /proc/self names a process: not this one, which is outside the
   * container's pid namespace; the process itself goes there. */
  *cwd_deferred = false;
  if (process_enter_cwd(p->cwd, err) < 0) {
    if ((*err)->code != ENOENT || strncmp(p->cwd, "/proc/", 6) != 0)
      return -1;
    hutch_error_free(*err);
    *err = NULL;
    *cwd_deferred = true;
  }
  int notify_fd = -1;
  if (process_finalize(p, x->seccomp ? &x->seccomp_prog : NULL, !x->userns, &notify_fd, err) < 0)
    return -1;
  /* The runtime reaches the agent; the process must not hold the listener
   * of its own filter, or it could answer for itself. */
  if (notify_fd >= 0) {
    int r = sync_send(*sync_fd, SYNC_SECCOMP_FD, 0, NULL, notify_fd, err);
    close(notify_fd);
    if (r < 0)
      return -1;
  }
  return 0;
}

static void __attribute__((noreturn)) helper_main(struct exec_ctx *x, int sync_fd, int flags)
{
  struct hutch_error *err = NULL;
  struct sync_msg msg;
  /* execCPUAffinity.initial: where we run until we are in the cgroup. */
  const struct oci_cpu_affinity *aff = x->process->exec_cpu_affinity;
  if (aff && aff->initial && aff->initial[0] &&
      process_set_cpu_affinity(aff->initial, "process.execCPUAffinity.initial", &err) < 0)
    goto fail;
  if (sync_expect(sync_fd, SYNC_CGROUP_DONE, &msg, NULL, &err) < 0)
    goto fail;
  /* A container in our mount namespace has its root by chroot alone: the
   * init's root directory is where we go too, before any user namespace
   * takes CAP_SYS_CHROOT away. */
  if (!(flags & CLONE_NEWNS) && enter_init_root(x, &err) < 0)
    goto fail;
  if (flags && setns(x->init_pidfd, flags) < 0) {
    hutch_fail_errno(&err, "join the container's namespaces");
    goto fail;
  }
  bool cwd_deferred;
  if (prepare_process(x, &sync_fd, &cwd_deferred, &err) < 0)
    goto fail;
  pid_t pid = (pid_t) syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    exec_child(x, sync_fd, cwd_deferred);
  if (pid < 0) {
    hutch_fail_errno(&err, "start the process");
    goto fail;
  }
  sync_send(sync_fd, SYNC_PID, pid, NULL, -1, NULL);
  _exit(0);
fail:
  sync_send(sync_fd, SYNC_ERROR, 0, err ? err->msg : "exec helper failed", -1, NULL);
  _exit(255);
}

/* Once the process exists: into the cgroups it could not be born in, then
 * let it go. */
static int release_child(struct exec_ctx *x, const struct cgroup_set *late, struct hutch_error **err)
{
  if (late->n && cgroup_enter(late, x->pid, err) < 0)
    return x->cgroup_dirs ? hutch_error_prefix(err, "--cgroup: ") : -1;
  if (sync_send(x->sync_fd, SYNC_CGROUP_DONE, 0, NULL, -1, err) < 0)
    return -1;
  if (x->notify_fd >= 0) {
    int r = seccomp_forward(x->seccomp, x->rec, x->pid, OCI_STATUS_RUNNING, x->notify_fd, err);
    close(x->notify_fd);
    x->notify_fd = -1;
    if (r < 0)
      return -1;
  }
  return 0;
}

/* Messages until the process has exec'd (the socket closes) or failed. */
static int supervise(struct exec_ctx *x, const struct cgroup_set *late, struct hutch_error **err)
{
  for (;;) {
    struct sync_msg msg;
    int fd = -1;
    struct hutch_error *recv_err = NULL;
    if (sync_recv(x->sync_fd, &msg, &fd, &recv_err) < 0) {
      bool closed = recv_err->code == EPIPE;
      hutch_error_free(recv_err);
      if (closed && x->pid > 0)
        return 0;
      return hutch_fail(err, 0, "exec: the process exited before it started");
    }
    switch (msg.type) {
    case SYNC_PID:
      /* Only the helper knows it, and only once; anything else is a process
       * of the container speaking on the socket it inherited. */
      if (x->pid > 0 || !process_is_own_child(msg.value))
        return hutch_fail(err, EPROTO, "exec: a pid that is not the process started");
      x->pid = msg.value;
      if (release_child(x, late, err) < 0)
        return -1;
      break;
    case SYNC_PTY:
      if (x->console_fd >= 0) {
        int r = fd_send(x->console_fd, fd, "/dev/ptmx", err);
        close(fd);
        if (r < 0)
          return hutch_error_prefix(err, "--console-socket: ");
      } else if (x->pty_master < 0) {
        x->pty_master = fd;
      } else {
        close(fd);
      }
      break;
    case SYNC_SECCOMP_FD:
      /* Forwarded once the process's pid is known, for the agent's state. */
      if (x->notify_fd >= 0 || x->pid > 0) {
        if (fd >= 0)
          close(fd);
        return hutch_fail(err, EPROTO, "exec: an unexpected seccomp fd");
      }
      x->notify_fd = fd;
      break;
    case SYNC_ERROR:
      return hutch_fail(err, 0, "%s", msg.text);
    default:
      if (fd >= 0)
        close(fd);
      return hutch_fail(err, EPROTO, "exec: unexpected message %u", msg.type);
    }
  }
}

/* --cgroup: the container's sub-cgroups, checked before anything starts. */
static int choose_cgroups(struct exec_ctx *x, const struct container_record *rec, struct hutch_error **err)
{
  if (!rec->cgroup_dirs.len)
    return hutch_fail(err, 0, "--cgroup: the container has no cgroup");
  struct cgroup_layout layout;
  if (cgroup_layout_for_dirs(rec->cgroup_dirs.items, rec->cgroup_dirs.len, &layout, err) < 0)
    return hutch_error_prefix(err, "--cgroup: ");
  int r = cgroup_sub_resolve(&layout, rec->cgroup_dirs.items, rec->cgroup_dirs.len, x->opts->cgroups,
                             x->opts->n_cgroups, &x->cgroup_dirs, err);
  cgroup_layout_release(&layout);
  return r;
}

/* The helper goes into every cgroup of the container but the pids one, so
 * that the process is born under the container's devices, memory and other
 * limits, and only one task (the process) ever counts against pids.max, as
 * with runc and crun; the runtime moves the process into the pids cgroup
 * before it may run. On a host where pids is a controller of the one v2
 * hierarchy, both are moved in with it. */
static void split_cgroups(const struct cgroup_set *all, const struct cgroup_layout *layout, struct cgroup_set *early,
                          struct cgroup_set *late)
{
  early->dirs = xcalloc(all->n ? all->n : 1, sizeof *early->dirs);
  late->dirs = xcalloc(1, sizeof *late->dirs);
  early->n = late->n = 0;
  early->created = late->created = NULL;
  early->controllers = late->controllers = NULL;
  for (size_t i = 0; i < all->n; i++) {
    const struct cgroup_hierarchy *h = i < layout->n ? &layout->items[i] : NULL;
    bool pids_v1 = h && h->version == CGROUP_V1 && cgroup_controllers_include(h->controllers, "pids", strlen("pids"));
    if (pids_v1 && !late->n)
      late->dirs[late->n++] = all->dirs[i];
    else
      early->dirs[early->n++] = all->dirs[i];
  }
}

static int launch(struct exec_ctx *x, const struct container_record *rec, struct hutch_error **err)
{
  int flags = namespaces_to_join(x->init_pid, &x->userns);
  /* Compared through /proc/<pid>/ns by number: still the same process? */
  if (!init_alive(x))
    return hutch_fail(err, ESRCH, "the container's process has exited");
  if (exe_guard_protect(err) < 0)
    return -1;
  struct cgroup_set all = { x->cgroup_dirs ? x->cgroup_dirs : rec->cgroup_dirs.items, NULL, rec->cgroup_dirs.len,
                            NULL };
  struct cgroup_layout layout = { 0 };
  if (all.n && cgroup_layout_for_dirs(all.dirs, all.n, &layout, err) < 0)
    return -1;
  struct cgroup_set early, late;
  split_cgroups(&all, &layout, &early, &late);
  cgroup_layout_release(&layout);
  int r = -1;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    hutch_fail_errno(err, "socketpair");
    goto out;
  }
  x->sync_fd = sv[0];
  pid_t helper = fork();
  if (helper < 0) {
    close(sv[1]);
    hutch_fail_errno(err, "fork");
    goto out;
  }
  if (helper == 0) {
    close(sv[0]);
    helper_main(x, sv[1], flags);
  }
  close(sv[1]);
  r = early.n ? cgroup_enter(&early, helper, err) : 0;
  if (r < 0 && x->cgroup_dirs)
    hutch_error_prefix(err, "--cgroup: ");
  if (r == 0)
    r = sync_send(x->sync_fd, SYNC_CGROUP_DONE, 0, NULL, -1, err);
  if (r == 0)
    r = supervise(x, &late, err);
  /* A helper still waiting for CGROUP_DONE would wait forever. */
  if (r < 0)
    kill(helper, SIGKILL);
  waitpid(helper, NULL, 0);
  if (r < 0 && x->pid > 0) {
    kill(x->pid, SIGKILL);
    waitpid(x->pid, NULL, 0);
    x->pid = 0;
  }
out:
  free(early.dirs);
  free(late.dirs);
  return r;
}

int native_exec(const struct hutch_runtime *rt, struct hutch_container *c, const struct hutch_exec_opts *opts,
                int *exit_status, struct hutch_error **err)
{
  struct exec_ctx x = {
    .opts = opts, .init_pidfd = -1, .sync_fd = -1, .console_fd = -1, .pty_master = -1, .pidfd_sock = -1, .notify_fd = -1,
  };
  struct arena *arena = &c->arena;
  x.arena = arena;
  struct container_record *rec = c->rec;
  struct oci_config *cfg = NULL;
  int r = -1;
  *exit_status = 255;
  /* The CLI has sealed already (before it opened anything, as the re-exec
   * starts the command afresh): this only checks, unless a caller did not. */
  if (exe_guard_ensure_sealed(rt->argv, err) < 0)
    return -1;
  enum oci_status status = container_status(c->dir.fd, rec, true);
  if (status == OCI_STATUS_PAUSED && !opts->ignore_paused) {
    hutch_fail(err, 0, "cannot exec in a paused container (use --ignore-paused to override)");
    goto out;
  }
  if (status != OCI_STATUS_RUNNING && status != OCI_STATUS_CREATED && status != OCI_STATUS_PAUSED) {
    hutch_fail(err, 0, "cannot exec in a %s container", oci_enum_name(&oci_enum_status, status));
    goto out;
  }
  if (!(cfg = snapshot_read(c->dir.fd, err)))
    goto out;
  if (opts->process_file ? read_process_file(&x, err) < 0 : process_from_flags(&x, cfg->process, err) < 0)
    goto out;
  /* runc's flags win over the document, as they do over the config. */
  if (opts->apparmor)
    x.process->apparmor_profile = arena_strdup(arena, opts->apparmor);
  if (opts->process_label)
    x.process->selinux_label = arena_strdup(arena, opts->process_label);
  if (opts->n_cgroups && choose_cgroups(&x, rec, err) < 0)
    goto out;
  x.seccomp = cfg->linux_ ? cfg->linux_->seccomp : NULL;
  x.linux_ = cfg->linux_;
  x.rec = rec;
  if (!x.process->args.len) {
    hutch_fail(err, 0, "exec: no command given");
    goto out;
  }
  if (check_unhonoured(x.process, err) < 0)
    goto out;
  if (exec_check_terminal(x.process->terminal.value, opts, err) < 0)
    goto out;
  x.init_pid = (pid_t) rec->pid.value;
  /* Pinned and checked (start time, cgroups) once; whatever is opened by
   * the number later is checked against the pin. */
  x.init_pidfd = container_pidfd(rec);
  if (x.init_pidfd < 0) {
    hutch_fail(err, ESRCH, "cannot exec: the container's process has exited");
    goto out;
  }
  if (seccomp_prepare(rt, cfg, &x.seccomp_prog, err) < 0)
    goto out;
  /* The lock is for state changes; the process may run for days. */
  close(c->dir.fd);
  c->dir.fd = -1;
  if (opts->pidfd_socket && (x.pidfd_sock = unix_connect(opts->pidfd_socket, err)) < 0) {
    hutch_error_prefix(err, "--pidfd-socket: ");
    goto out;
  }
  if (opts->console_socket && (x.console_fd = unix_connect(opts->console_socket, err)) < 0) {
    hutch_error_prefix(err, "--console-socket: ");
    goto out;
  }
  sigset_t all, previous;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &previous);
  r = launch(&x, rec, err);
  if (r == 0 && opts->pid_file)
    r = pid_file_write(opts->pid_file, x.pid, err);
  if (r == 0 && x.pidfd_sock >= 0)
    r = pidfd_send(x.pidfd_sock, x.pid, err);
  if (r == 0 && !opts->detach)
    r = foreground_wait(x.pid, x.pty_master, exit_status, err);
  else if (r == 0)
    *exit_status = 0;
  sigprocmask(SIG_SETMASK, &previous, NULL);
out:
  if (x.init_pidfd >= 0)
    close(x.init_pidfd);
  if (x.sync_fd >= 0)
    close(x.sync_fd);
  if (x.pidfd_sock >= 0)
    close(x.pidfd_sock);
  if (x.console_fd >= 0)
    close(x.console_fd);
  if (x.pty_master >= 0)
    close(x.pty_master);
  if (x.notify_fd >= 0)
    close(x.notify_fd);
  seccomp_program_release(&x.seccomp_prog);
  cgroup_sub_release(x.cgroup_dirs, rec ? rec->cgroup_dirs.len : 0);
  oci_config_free(cfg);
  return r;
}
