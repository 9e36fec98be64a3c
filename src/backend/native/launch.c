/* The runtime's side of creating a container: everything up to an init
 * that waits for `start`. Each step records what it made, so a failure at
 * any point is undone by launch_abort and leaves nothing behind. */
#include "backend/native/native.h"
#include "engine/process/exe_guard.h"
#include "engine/ipc/fdpass.h"
#include "engine/process/hooks.h"
#include "engine/ns/namespaces.h"
#include "engine/ns/netdev.h"
#include "engine/process/info.h"
#include "engine/process/resctrl.h"
#include "engine/fs/mounts.h"
#include "engine/fs/rootfs.h"
#include "engine/process/seccomp.h"
#include "engine/ipc/sync.h"
#include "spec/config.h"
#include "spec/version.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/log.h"
#include "util/timestamp.h"
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
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

/* Takes the bundle the caller loaded (config.json read and validated once)
 * and refuses what native cannot honour. */
static int load_config(struct launch *l, struct hutch_error **err)
{
  struct hutch_bundle *b = l->opts->loaded;
  if (!b || !b->cfg)
    return hutch_fail(err, EINVAL, "create: no bundle loaded (hutch_bundle_load)");
  l->bundle = b->path;
  l->cfg = b->cfg;
  l->config_text = b->config_text;
  l->config_len = b->config_len;
  if (hutch_check_support(l->driver ? l->driver->backend : &hutch_backend_native, l->cfg, err) < 0)
    return -1;
  struct oci_resources *res = l->cfg->linux_ ? l->cfg->linux_->resources : NULL;
  if (res && res->pids && res->pids->limit.set)
    res->pids->limit.value = oci_pids_limit_effective(l->cfg->oci_version, res->pids->limit.value);
  const char *root = l->cfg->root->path;
  l->rootfs = root[0] == '/' ? realpath(root, NULL) : NULL;
  if (root[0] != '/') {
    cleanup_free char *joined = xasprintf("%s/%s", l->bundle, root);
    l->rootfs = realpath(joined, NULL);
  }
  struct stat st;
  if (!l->rootfs || stat(l->rootfs, &st) < 0)
    return hutch_fail_errno(err, "root.path: %s", root);
  if (!S_ISDIR(st.st_mode))
    return hutch_fail(err, ENOTDIR, "root.path: %s", root);
  return 0;
}

static const struct oci_resources *resources_of(const struct launch *l)
{
  return l->cfg->linux_ ? l->cfg->linux_->resources : NULL;
}

static int check_terminal_options(const struct launch *l, bool for_run, struct hutch_error **err)
{
  bool terminal = l->cfg->process && l->cfg->process->terminal.value;
  bool detached = !for_run || l->opts->detach;
  if (terminal && detached && !l->opts->console_socket)
    return hutch_fail(err, 0, "cannot allocate tty if hutch will detach without setting console socket");
  if (!terminal && l->opts->console_socket)
    return hutch_fail(err, 0, "cannot use console socket if hutch will not detach or allocate tty");
  if (terminal && !detached && l->opts->console_socket)
    return hutch_fail(err, 0, "cannot use console socket if hutch will not detach or allocate tty");
  return 0;
}

/* fds 3.. handed over must exist, or our own would take their numbers and leak. */
static int check_preserved_fds(int n, struct hutch_error **err)
{
  for (int fd = 3; fd < 3 + n; fd++)
    if (fcntl(fd, F_GETFD) < 0)
      return hutch_fail(err, EBADF, "--preserve-fds: fd %d is not open", fd);
  return 0;
}

static void record_init(struct launch *l)
{
  struct container_record *r = &l->rec;
  struct arena *a = &l->cfg->arena;
  memset(r, 0, sizeof *r);
  r->oci_version = l->cfg->oci_version;
  r->id = (char *) l->opts->id;
  r->phase = (char *) "creating";
  r->bundle = (char *) l->bundle;
  r->rootfs = l->rootfs;
  /* Later commands route by it. */
  r->backend = (char *) (l->driver ? l->driver->backend->name : hutch_backend_native.name);
  char now[64];
  rfc3339_now(now, sizeof now);
  r->created = arena_strdup(a, now);
  r->annotations = l->cfg->annotations;
  r->own_pid_namespace = (oci_opt_bool) { l->ns.new_pid, true };
  launch_record_cgroups(l);
}

/* start.sock: the init accepts on it; `start` connects. Bound through the
 * directory fd, so a long --root cannot overflow sun_path. */
static int listen_for_start(struct launch *l, struct hutch_error **err)
{
  /* Message by message, as the sync socket: `start` gets the seccomp
   * notify fd, then "started" or the error. */
  cleanup_close int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return hutch_fail_errno(err, "socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", l->dir.fd, START_SOCKET);
  if (bind(sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return hutch_fail_errno(err, "bind %s/%s", l->dir.path, START_SOCKET);
  if (listen(sock, 1) < 0)
    return hutch_fail_errno(err, "listen on %s/%s", l->dir.path, START_SOCKET);
  l->start_listen_fd = steal_fd(&sock);
  return 0;
}

static char *state_json(const struct launch *l, enum oci_status status)
{
  return record_state_json(&l->rec, status, l->pid);
}

int launch_run_runtime_hooks(struct launch *l, struct hutch_error **err)
{
  const struct oci_hooks *h = l->cfg->hooks;
  if (!h || (!h->kinds[OCI_HOOK_PRESTART].len && !h->kinds[OCI_HOOK_CREATE_RUNTIME].len))
    return 0;
  /* runtime.md: the environment exists after step 2, so the hooks of steps
   * 3-5 see "created" (as runc reports, and the conformance suite checks). */
  cleanup_free char *state = state_json(l, OCI_STATUS_CREATED);
  if (hooks_run(&h->kinds[OCI_HOOK_PRESTART], "prestart", state, err) < 0)
    return -1;
  return hooks_run(&h->kinds[OCI_HOOK_CREATE_RUNTIME], "createRuntime", state, err);
}

/* The init works ahead of us (mounts before its cgroup move): when it has
 * failed meanwhile, a send finds it gone and its error waits unread. */
static int send_to_init(struct launch *l, enum sync_type type, struct hutch_error **err)
{
  struct hutch_error *send_err = NULL;
  /* CGROUP_DONE also tells the init its pid as the host sees it. */
  int value = type == SYNC_CGROUP_DONE ? l->pid : 0;
  if (sync_send(l->sync_fd, type, value, NULL, -1, &send_err) == 0)
    return 0;
  struct sync_msg msg;
  struct hutch_error *ignored = NULL;
  if (sync_recv(l->sync_fd, &msg, NULL, &ignored) == 0 && msg.type == SYNC_ERROR) {
    hutch_error_free(send_err);
    return hutch_fail(err, 0, "%s", msg.text);
  }
  hutch_error_free(ignored);
  *err = send_err;
  return -1;
}

static pid_t raw_clone(unsigned long flags)
{
  return (pid_t) syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
}

/* Joined namespaces or a time namespace: a helper joins and unshares, then
 * starts the init as our child (CLONE_PARENT), so `run` can wait for it. */
static void __attribute__((noreturn)) helper_main(struct launch *l, struct init_args *args)
{
  struct hutch_error *err = NULL;
  struct sync_msg msg;
  /* The runtime's end: the init must not inherit it (see native_init). */
  close(args->runtime_sync_fd);
  args->runtime_sync_fd = -1;
  if (ns_join_all(&l->ns, l->split_pidns ? OCI_NS_PID : -1, &err) < 0)
    goto fail;
  if (l->ns.new_user) {
    if (unshare(CLONE_NEWUSER) < 0) {
      hutch_fail_errno(&err, "create the user namespace");
      goto fail;
    }
    if (sync_send(args->sync_fd, SYNC_PID, 0, "map", -1, &err) < 0 ||
        sync_expect(args->sync_fd, SYNC_USERNS_MAPPED, &msg, NULL, &err) < 0)
      goto fail;
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
      hutch_fail_errno(&err, "become root in the user namespace");
      goto fail;
    }
  }
  if (l->ns.new_time && ns_unshare_time(l->cfg->linux_, &err) < 0)
    goto fail;
  if (unshare(l->ns.new_flags & ~CLONE_NEWUSER) < 0) {
    hutch_fail_errno(&err, "create the namespaces");
    goto fail;
  }
  pid_t pid = (pid_t) syscall(SYS_clone, CLONE_PARENT | SIGCHLD, NULL, NULL, NULL, NULL);
  if (pid == 0)
    native_init(args);
  if (pid < 0) {
    hutch_fail_errno(&err, "start the container process");
    goto fail;
  }
  sync_send(args->sync_fd, SYNC_PID, pid, NULL, -1, &err);
  _exit(0);
fail:
  sync_send(args->sync_fd, SYNC_ERROR, 0, err ? err->msg : "namespace helper failed", -1, NULL);
  _exit(1);
}

static int spawn(struct launch *l, struct init_args *args, struct hutch_error **err)
{
  bool direct = l->ns.n_joins == 0 && !l->ns.new_time;
  if (direct) {
    args->wait_userns_map = l->ns.new_user;
    pid_t pid = raw_clone((unsigned long) l->ns.new_flags);
    if (pid < 0)
      return hutch_fail_errno(err, "start the container process (clone)");
    if (pid == 0)
      native_init(args);
    l->pid = pid;
    if (l->ns.new_user) {
      if (ns_write_id_maps(pid, l->cfg->linux_, err) < 0)
        return -1;
      if (send_to_init(l, SYNC_USERNS_MAPPED, err) < 0)
        return -1;
    }
    return 0;
  }
  pid_t helper = fork();
  if (helper < 0)
    return hutch_fail_errno(err, "fork");
  if (helper == 0)
    helper_main(l, args);
  struct sync_msg msg;
  int r = 0;
  if (l->ns.new_user) {
    r = sync_expect(l->sync_fd, SYNC_PID, &msg, NULL, err);
    if (r == 0)
      r = ns_write_id_maps(helper, l->cfg->linux_, err);
    if (r == 0)
      r = sync_send(l->sync_fd, SYNC_USERNS_MAPPED, 0, NULL, -1, err);
  }
  /* The init, born of the helper, may say it is alive before the helper
   * has reported its pid. */
  while (r == 0 && (r = sync_recv(l->sync_fd, &msg, NULL, err)) == 0 && msg.type == SYNC_ALIVE)
    l->init_alive = true;
  if (r == 0 && msg.type == SYNC_ERROR)
    r = hutch_fail(err, 0, "%s", msg.text);
  else if (r == 0 && msg.type != SYNC_PID)
    r = hutch_fail(err, EPROTO, "unexpected message %u from the namespace helper", msg.type);
  waitpid(helper, NULL, 0);
  if (r < 0)
    return -1;
  l->pid = msg.value;
  return 0;
}

int launch_move_net_devices(struct launch *l, struct hutch_error **err)
{
  const struct oci_linux *lx = l->cfg->linux_;
  if (!lx || !lx->net_devices.len)
    return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/net", (int) l->pid);
  cleanup_close int netns = open(path, O_RDONLY | O_CLOEXEC);
  if (netns < 0)
    return hutch_fail_errno(err, "linux.netDevices: open %s", path);
  return netdev_move_all(&lx->net_devices, netns, err);
}

/* A mount namespace neither new nor joined is the runtime's own: the
 * container's mounts will be in the host's table, below its root bind. */
static int plan_host_mounts(struct launch *l, struct hutch_error **err)
{
  if (l->ns.new_mount)
    return 0;
  for (size_t i = 0; i < l->ns.n_joins; i++)
    if (l->ns.joins[i].type == OCI_NS_MOUNT)
      return 0;
  l->host_mounts = true;
  return mount_ids_at("/proc/self/mountinfo", l->rootfs, &l->mounts_before, err);
}

/* Split set-up (init_args.split_pidns_fd): the process we have been
 * talking to hands over to the container's process, born in the joined pid
 * namespace, and exits. */
static int take_split_pid(struct launch *l, pid_t pid, struct hutch_error **err)
{
  if (!l->split_pidns || !process_is_own_child(pid) || pid == l->pid)
    return hutch_fail(err, EPROTO, "a pid that is not the container's process");
  pid_t setup = l->pid;
  l->pid = pid;
  l->split_pidns = false; /* only once */
  waitpid(setup, NULL, 0);
  return 0;
}

/* The conversation with the init until it is ready. */
static int supervise_setup(struct launch *l, struct hutch_error **err)
{
  /* The cgroups are made while the init starts up (on another CPU, when
   * there is one): it runs nothing of the container before CGROUP_DONE. */
  if (cgroup_manager_prepare(&l->cgroups, resources_of(l), err) < 0)
    return -1;
  /* Into the cgroup only once the init has its own copy of its memory (see
   * native_init). */
  struct sync_msg alive;
  if (!l->init_alive && sync_expect(l->sync_fd, SYNC_ALIVE, &alive, NULL, err) < 0)
    return -1;
  l->init_alive = true;
  if (cgroup_manager_enter(&l->cgroups, l->pid, resources_of(l), err) < 0)
    return -1;
  const struct oci_intel_rdt *rdt = l->cfg->linux_ ? l->cfg->linux_->intel_rdt : NULL;
  if (rdt) {
    struct resctrl_placement place;
    if (resctrl_setup(RESCTRL_ROOT, rdt, l->opts->id, l->pid, &place, err) < 0)
      return -1;
    struct arena *a = &l->cfg->arena;
    l->rec.rdt_group_created = place.created_group ? arena_strdup(a, place.created_group) : NULL;
    l->rec.rdt_monitor = place.monitor ? arena_strdup(a, place.monitor) : NULL;
    resctrl_placement_release(&place);
  }
  /* The init is in its final network namespace and runs nothing yet; hooks
   * from createRuntime on see the devices in place. */
  if (launch_move_net_devices(l, err) < 0)
    return -1;
  if (send_to_init(l, SYNC_CGROUP_DONE, err) < 0)
    return -1;
  return launch_supervise(l, err);
}

int launch_supervise(struct launch *l, struct hutch_error **err)
{
  bool ready = false;
  for (;;) {
    struct sync_msg msg;
    int fd = -1;
    if (sync_recv(l->sync_fd, &msg, &fd, err) < 0)
      return -1;
    switch (msg.type) {
    case SYNC_PRESTART:
      if (launch_run_runtime_hooks(l, err) < 0)
        return -1;
      if (send_to_init(l, SYNC_HOOKS_DONE, err) < 0)
        return -1;
      break;
    case SYNC_SECCOMP_FD:
      /* Passed to the agent once the pid is final (end of launch_container). */
      if (l->notify_fd >= 0) {
        close(fd);
        return hutch_fail(err, EPROTO, "a second seccomp fd from the container process");
      }
      l->notify_fd = fd;
      break;
    case SYNC_PTY:
      if (l->console_fd >= 0) {
        int r = fd_send(l->console_fd, fd, "/dev/ptmx", err);
        close(fd);
        if (r < 0)
          return hutch_error_prefix(err, "--console-socket: ");
      } else {
        l->pty_master = fd;
      }
      break;
    case SYNC_PID:
      if (take_split_pid(l, msg.value, err) < 0)
        return -1;
      if (ready)
        return 0;
      break;
    case SYNC_READY:
      if (!l->split_pidns)
        return 0;
      ready = true; /* the new pid is still on its way */
      break;
    case SYNC_ERROR:
      return hutch_fail(err, 0, "%s", msg.text);
    default:
      if (fd >= 0)
        close(fd);
      return hutch_fail(err, EPROTO, "unexpected message %u from the container process", msg.type);
    }
  }
}

static int spawn_native(struct launch *l, struct hutch_error **err);
static int launch_created(struct launch *l, bool for_run, struct hutch_error **err);

int launch_container(struct launch *l, bool for_run, struct hutch_error **err)
{
  const struct hutch_create_opts *o = l->opts;
  l->sync_fd = l->console_fd = l->start_listen_fd = l->pty_master = l->pidfd_sock = l->notify_fd = -1;
  l->dir.fd = l->dir.root_fd = -1;
  /* Before anything is made: the re-exec starts this command afresh. */
  if (exe_guard_ensure_sealed(l->rt->argv, err) < 0)
    return -1;
  if (load_config(l, err) < 0 || check_terminal_options(l, for_run, err) < 0 ||
      check_preserved_fds(o->preserve_fds, err) < 0)
    return -1;
  /* Under another driver the container's first process compiles its
   * filter, and its namespaces are not ours to enter. */
  if (!l->driver && seccomp_prepare(l->rt, l->cfg, &l->seccomp, err) < 0)
    return -1;
  if (ns_plan_build(l->cfg, &l->ns, err) < 0)
    return -1;
  if (!l->driver && plan_host_mounts(l, err) < 0)
    return -1;
  /* A joined pid namespace is entered only after the set-up; a new user
   * namespace would lose the right to enter it, and an old kernel cannot
   * mount proc for it from outside: then it is entered first, as runc does. */
  l->split_pidns = !l->driver && ns_join_fd(&l->ns, OCI_NS_PID) >= 0 && !l->ns.new_user && proc_mount_takes_pidns();
  if (container_dir_create(l->rt->root, o->id, &l->dir, err) < 0)
    return -1;
  l->dir_created = true;
  if (write_file_atomic_at(l->dir.fd, CONFIG_SNAPSHOT, l->config_text, l->config_len, 0600, ATOMIC_REPLACE, err) < 0 ||
      launch_plan_cgroups(l, err) < 0)
    return -1;
  record_init(l);
  if (record_write(l->dir.fd, &l->rec, err) < 0)
    return -1;
  if (!for_run && listen_for_start(l, err) < 0)
    return -1;
  if (!l->driver && (launch_setup_notify(l, err) < 0 || launch_prepare_mount_trees(l, err) < 0))
    return -1;
  if (o->console_socket && (l->console_fd = unix_connect(o->console_socket, err)) < 0)
    return hutch_error_prefix(err, "--console-socket: ");
  if (o->pidfd_socket && (l->pidfd_sock = unix_connect(o->pidfd_socket, err)) < 0)
    return hutch_error_prefix(err, "--pidfd-socket: ");
  /* The agent gets the notify fd from `start` (or run), once the filter is
   * loaded. A path with no socket fails create already; connecting to see
   * would cost the agent a connection with nothing on it. */
  const struct oci_seccomp *sc = l->cfg->linux_ ? l->cfg->linux_->seccomp : NULL;
  if (sc && sc->listener_path && seccomp_uses_notify(sc)) {
    struct stat listener;
    if (stat(sc->listener_path, &listener) < 0)
      return hutch_fail_errno(err, "linux.seccomp.listenerPath: %s", sc->listener_path);
    if (!S_ISSOCK(listener.st_mode))
      return hutch_fail(err, ENOTSOCK, "linux.seccomp.listenerPath: %s", sc->listener_path);
  }
  if (exe_guard_protect(err) < 0)
    return -1;
  if (l->driver) {
    if (l->driver->start(l, for_run, err) < 0)
      return -1;
  } else if (spawn_native(l, err) < 0) {
    return -1;
  }
  return launch_created(l, for_run, err);
}

/* The native engine's init: cloned into its namespaces, followed up to
 * SYNC_READY. */
static int spawn_native(struct launch *l, struct hutch_error **err)
{
  const struct hutch_create_opts *o = l->opts;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return hutch_fail_errno(err, "socketpair");
  l->sync_fd = sv[0];
  /* Socket activation: fds passed to us under LISTEN_FDS go on to the
   * container at the same numbers, before the --preserve-fds ones. */
  int listen_fds = 0;
  const char *lf = getenv("LISTEN_FDS"), *lp = getenv("LISTEN_PID");
  if (lf && lp && atoi(lp) == getpid())
    listen_fds = atoi(lf) > 0 ? atoi(lf) : 0;
  static char listen_env[32];
  static char *extra_env[2];
  size_t n_extra = 0;
  if (listen_fds) {
    snprintf(listen_env, sizeof listen_env, "LISTEN_FDS=%d", listen_fds);
    extra_env[n_extra++] = listen_env;
    extra_env[n_extra++] = (char *) "LISTEN_PID=1";
  }
  struct init_args args = {
    .cfg = l->cfg,
    .id = o->id,
    .bundle = l->bundle,
    .rootfs = l->rootfs,
    .ns = &l->ns,
    .cgroup_layout = &l->cgroups.layout,
    .cgroups = cgroup_manager_visible(&l->cgroups),
    .sync_fd = sv[1],
    .runtime_sync_fd = sv[0],
    .start_listen_fd = l->start_listen_fd,
    .no_pivot = o->no_pivot,
    .no_new_keyring = o->no_new_keyring,
    .preserve_fds = listen_fds + o->preserve_fds,
    .extra_env = extra_env,
    .n_extra_env = n_extra,
    .close_fds = { l->dir.fd, l->dir.root_fd },
    .mount_trees = l->mount_trees,
    .seccomp = l->seccomp.len ? &l->seccomp : NULL,
    .host_mounts = l->host_mounts,
    .split_pidns_fd = l->split_pidns ? ns_join_fd(&l->ns, OCI_NS_PID) : -1,
  };
  int r = spawn(l, &args, err);
  close(sv[1]);
  if (r < 0)
    return -1;
  return supervise_setup(l, err);
}

/* The parked process is there: its record, pid file and pidfd, then the
 * last word with it. */
static int launch_created(struct launch *l, bool for_run, struct hutch_error **err)
{
  const struct hutch_create_opts *o = l->opts;
  const struct oci_seccomp *sc = l->cfg->linux_ ? l->cfg->linux_->seccomp : NULL;
  struct process_info info;
  if (!process_info_read(l->pid, &info))
    return hutch_fail(err, ESRCH, "the container process exited during create");
  l->rec.pid = (oci_opt_i64) { l->pid, true };
  if (l->host_mounts) {
    uint64_t id = mount_new_at("/proc/self/mountinfo", l->rootfs, &l->mounts_before);
    l->rec.host_root_mount = (oci_opt_u64) { id, id != 0 };
  }
  l->rec.start_time = (oci_opt_u64) { info.start_time, true };
  l->rec.phase = (char *) "created";
  /* Without start.sock the record reads "running" from here on whether it
   * says started or not (container_status); run releases the process next,
   * so it says so now and run does not write it again. */
  if (for_run && !l->driver && l->start_listen_fd < 0)
    l->rec.started = (oci_opt_bool) { true, true };
  if (record_write(l->dir.fd, &l->rec, err) < 0)
    return -1;
  if (o->pid_file && pid_file_write(o->pid_file, l->pid, err) < 0)
    return -1;
  if (l->pidfd_sock >= 0 && pidfd_send(l->pidfd_sock, l->pid, err) < 0)
    return -1;
  /* As runc's, the agent hears of the filter while the container is being
   * created. */
  if (l->notify_fd >= 0) {
    int forwarded = seccomp_forward(sc, &l->rec, l->pid, OCI_STATUS_CREATING, l->notify_fd, err);
    close(l->notify_fd);
    l->notify_fd = -1;
    if (forwarded < 0)
      return -1;
  }
  /* Until this the init dies with us; from here on the state tells who it
   * is. Its answer says it no longer would: only then may we exit. */
  struct sync_msg ack;
  if (send_to_init(l, SYNC_CREATED, err) < 0 || sync_expect(l->sync_fd, SYNC_CREATED, &ack, NULL, err) < 0)
    return -1;
  if (l->driver && l->driver->created)
    l->driver->created(l);
  return 0;
}

void launch_abort(struct launch *l)
{
  if (l->driver && l->driver->abort)
    l->driver->abort(l);
  if (l->pid > 0) {
    kill(l->pid, SIGKILL);
    waitpid(l->pid, NULL, 0);
    l->pid = 0;
  }
  struct hutch_error *err = NULL;
  resctrl_remove(l->rec.rdt_group_created, l->rec.rdt_monitor, NULL);
  /* Whatever the init had mounted in the host's namespace goes too. */
  for (uint64_t id; l->host_mounts && (id = mount_new_at("/proc/self/mountinfo", l->rootfs, &l->mounts_before));) {
    if (mount_detach_at(l->rootfs, id, &err) < 0) {
      log_warning("%s", err->msg);
      hutch_error_free(err);
      err = NULL;
      break;
    }
  }
  if (cgroup_manager_destroy(&l->cgroups, &err) < 0)
    log_warning("%s", err->msg);
  hutch_error_free(err);
  err = NULL;
  /* Lifecycle step 13 follows the destruction of step 12 whatever failed. */
  const struct oci_hooks *h = l->cfg ? l->cfg->hooks : NULL;
  if (l->dir_created && h && h->kinds[OCI_HOOK_POSTSTOP].len) {
    cleanup_free char *state = record_state_json(&l->rec, OCI_STATUS_STOPPED, 0);
    hooks_run_warn_only(&h->kinds[OCI_HOOK_POSTSTOP], "poststop", state);
  }
  if (l->dir_created && container_dir_remove(&l->dir, &err) < 0)
    log_warning("%s", err->msg);
  hutch_error_free(err);
  l->dir_created = false;
}

void launch_release(struct launch *l)
{
  if (l->sync_fd >= 0)
    close(l->sync_fd);
  if (l->console_fd >= 0)
    close(l->console_fd);
  if (l->start_listen_fd >= 0)
    close(l->start_listen_fd);
  if (l->pty_master >= 0)
    close(l->pty_master);
  if (l->pidfd_sock >= 0)
    close(l->pidfd_sock);
  if (l->notify_fd >= 0)
    close(l->notify_fd);
  for (size_t i = 0; l->mount_trees && l->cfg && i < l->cfg->mounts.len; i++)
    if (l->mount_trees[i] >= 0)
      close(l->mount_trees[i]);
  free(l->mount_trees);
  seccomp_program_release(&l->seccomp);
  mount_ids_release(&l->mounts_before);
  container_dir_close(&l->dir);
  cgroup_manager_release(&l->cgroups);
  ns_plan_release(&l->ns);
  /* cfg, config_text and bundle are the caller's (opts->loaded). */
  free(l->rootfs);
  memset(l, 0, sizeof *l);
}
