/* hutch-lxc's part of the lxc backend: the container is built by liblxc.
 * A monitor process of ours runs liblxc's start with hutch's shim as the
 * container's first process; the launch (native.h) follows the shim as it
 * follows the native init. Once the state says "created", the monitor is
 * ended: the container's process then belongs to the caller (conmon or a
 * containerd shim reap it as child subreapers, as with runc), and every later
 * command works on hutch's record. */
#include "backend/lxc/lxc.h"
#include "backend/native/native.h"
#include "engine/process/exe_guard.h"
#include "engine/ipc/sync.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lxc/lxccontainer.h>

/* hutch-lxc-init sits next to hutch-lxc. */
static char *shim_path(struct hutch_error **err)
{
  const char *dir = exe_guard_original_dir();
  char *path = dir ? xasprintf("%s/%s", dir, LXC_SHIM_NAME) : NULL;
  if (!path || access(path, X_OK) < 0) {
    free(path);
    path = xasprintf("%s/%s", HUTCH_LIBEXECDIR, LXC_SHIM_NAME);
  }
  if (access(path, X_OK) < 0) {
    hutch_fail_errno(err, "lxc backend: %s", path);
    free(path);
    return NULL;
  }
  return path;
}

/* liblxc puts the container's cgroup at one path in every hierarchy: from
 * each hierarchy's root (lxc.cgroup.relative = 0), or below the monitor's
 * own cgroup there, which is ours (relative = 1). *relative says which
 * gives the cgroups the launch planned. */
static char *cgroup_tail(const struct launch *l, bool below_self, struct hutch_error **err)
{
  char *rel = NULL;
  for (size_t i = 0; i < l->cgroups.set.n; i++) {
    const struct cgroup_hierarchy *h = &l->cgroups.layout.items[i];
    cleanup_free char *base = below_self && strcmp(h->self_path, "/") != 0
                                  ? xasprintf("%s%s", h->mountpoint, h->self_path)
                                  : xstrdup(h->mountpoint);
    const char *dir = l->cgroups.set.dirs[i];
    size_t n = strlen(base);
    if (strncmp(dir, base, n) != 0 || dir[n] != '/' || (rel && strcmp(rel, dir + n + 1) != 0)) {
      free(rel);
      return NULL;
    }
    if (!rel)
      rel = xstrdup(dir + n + 1);
  }
  if (!rel)
    hutch_fail(err, 0, "linux.cgroupsPath: no cgroup hierarchy is mounted");
  return rel;
}

/* liblxc takes lxc.cgroup.relative = 0 as "below the cgroups of pid 1",
 * which in a pid namespace of a caller's own is not the root: so always
 * relative, below the monitor's cgroups, which are ours, or the roots of
 * the hierarchies once the monitor has moved there (*from_root). */
static char *cgroup_dir_of(const struct launch *l, bool *from_root, struct hutch_error **err)
{
  struct hutch_error *none = NULL;
  char *rel = cgroup_tail(l, true, &none);
  *from_root = false;
  if (!rel && !none) {
    rel = cgroup_tail(l, false, &none);
    *from_root = true;
  }
  if (!rel && !none)
    hutch_fail(err, 0, "linux.cgroupsPath: the lxc backend needs the same cgroup path in every hierarchy");
  else if (none)
    *err = none;
  return rel;
}

/* The last lines liblxc logged, for an error message. */
static char *log_tail(int dir_fd)
{
  char *text = NULL;
  size_t len = 0;
  struct hutch_error *ignored = NULL;
  if (read_regular_file_at(dir_fd, LXC_WORK_DIR "/lxc.log", 1 << 20, REGULAR_NOFOLLOW, &text, &len, &ignored) < 0) {
    hutch_error_free(ignored);
    return xstrdup("no log");
  }
  while (len && text[len - 1] == '\n')
    text[--len] = 0;
  /* The first ERROR line says why; later ones are the unwinding. */
  char *first = strstr(text, " ERROR ");
  char *line = first ? first + 7 : text;
  char *end = strchr(line, '\n');
  if (end)
    *end = 0;
  char *out = xstrdup(line);
  free(text);
  return out;
}

struct monitor_args {
  const char *shim_mount_point;
  const struct cgroup_layout *layout;
  bool from_root; /* the monitor moves to the root cgroups first */
  const char *id;
  const char *lxcpath;
  const struct lxc_items *items;
  const char *shim;
  int sync_fd;
  int listen_fd;
  int listen_fds; /* socket activation: the first of the fds handed over */
  int preserve_fds;
  bool no_new_keyring;
  const char *bundle;
};

static void __attribute__((noreturn)) monitor_fail(int sync_fd, const char *what, const char *detail)
{
  char msg[1024];
  snprintf(msg, sizeof msg, "%s: %s", what, detail);
  sync_send(sync_fd, SYNC_ERROR, 0, msg, -1, NULL);
  _exit(1);
}

/* The monitor: liblxc's start, which returns when the container's first
 * process exits (or when we end it, once the container is created). */
static void __attribute__((noreturn)) monitor_main(struct monitor_args *a)
{
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  /* The shim gets its two sockets right above the fds handed over; the
   * rest of ours must not reach it. */
  int first = 3 + a->preserve_fds;
  int sync_fd = fcntl(a->sync_fd, F_DUPFD, first + 2);
  int listen_fd = a->listen_fd >= 0 ? fcntl(a->listen_fd, F_DUPFD, first + 2) : -1;
  if (sync_fd < 0 || (a->listen_fd >= 0 && listen_fd < 0) || dup2(sync_fd, first) < 0 ||
      (listen_fd >= 0 && dup2(listen_fd, first + 1) < 0))
    monitor_fail(a->sync_fd, "lxc backend: move fds", strerror(errno));
  sync_fd = first;
  listen_fd = listen_fd >= 0 ? first + 1 : -1;
  if (syscall(SYS_close_range, (unsigned) (listen_fd >= 0 ? first + 2 : first + 1), ~0U, 0) < 0)
    monitor_fail(sync_fd, "lxc backend: close_range", strerror(errno));
  log_silence();
  if (a->from_root) {
    struct cgroup_set roots = { 0 };
    roots.n = a->layout->n;
    roots.dirs = xcalloc(roots.n ? roots.n : 1, sizeof *roots.dirs);
    roots.created = xcalloc(roots.n ? roots.n : 1, sizeof *roots.created);
    for (size_t i = 0; i < roots.n; i++)
      roots.dirs[i] = xstrdup(a->layout->items[i].mountpoint);
    struct hutch_error *e = NULL;
    if (cgroup_enter(&roots, getpid(), &e) < 0)
      monitor_fail(sync_fd, "lxc backend: move the monitor to the root cgroups", e->msg);
    cgroup_set_release(&roots);
  }
  struct lxc_container *c = lxc_container_new(a->id, a->lxcpath);
  if (!c)
    monitor_fail(sync_fd, "liblxc: cannot make container", a->id);
  c->clear_config(c);
  for (size_t i = 0; i < a->items->n; i++) {
    const struct lxc_item *it = &a->items->items[i];
    if (!c->set_config_item(c, it->key, it->value)) {
      char what[1024];
      snprintf(what, sizeof what, "%s = %s", it->key, it->value);
      monitor_fail(sync_fd, "liblxc refused", what);
    }
  }
  c->want_daemonize(c, false);
  c->want_close_all_fds(c, false);
  char fd_arg[16], listen_arg[16], preserve_arg[16], activation_arg[16];
  snprintf(activation_arg, sizeof activation_arg, "%d", a->listen_fds);
  snprintf(fd_arg, sizeof fd_arg, "%d", sync_fd);
  snprintf(listen_arg, sizeof listen_arg, "%d", listen_fd);
  snprintf(preserve_arg, sizeof preserve_arg, "%d", a->preserve_fds);
  char shim[64];
  snprintf(shim, sizeof shim, "/%s", a->shim_mount_point);
  char *argv[] = { shim, fd_arg,  listen_arg, preserve_arg,
                   (char *) (a->no_new_keyring ? "1" : "0"), (char *) a->id, (char *) a->bundle, activation_arg,
                   NULL };
  bool ok = c->start(c, 0, argv);
  /* The runtime reads liblxc's log when the shim never spoke. */
  _exit(ok ? 0 : 1);
}

/* The host pid of the process behind a pidfd (its fdinfo, in our pid
 * namespace). */
static pid_t pidfd_pid(int pidfd)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
  char *text = NULL;
  size_t len = 0;
  struct hutch_error *ignored = NULL;
  if (read_file_at(AT_FDCWD, path, 4096, &text, &len, &ignored) < 0) {
    hutch_error_free(ignored);
    return -1;
  }
  char *p = strstr(text, "\nPid:");
  pid_t pid = p ? (pid_t) strtol(p + 5, NULL, 10) : -1;
  free(text);
  return pid;
}

/* The cgroup of pid in hierarchy h, from /proc/PID/cgroup, as a path on
 * the host; NULL when it has no line for h. */
static char *cgroup_of(const char *table, const struct cgroup_hierarchy *h)
{
  for (const char *line = table; line && *line;) {
    const char *end = strchr(line, '\n');
    size_t len = end ? (size_t) (end - line) : strlen(line);
    const char *c1 = memchr(line, ':', len);
    const char *c2 = c1 ? memchr(c1 + 1, ':', len - (size_t) (c1 + 1 - line)) : NULL;
    if (c2) {
      size_t clen = (size_t) (c2 - c1 - 1);
      bool match = h->version == CGROUP_V2 ? clen == 0 && strncmp(line, "0:", 2) == 0
                                           : clen == strlen(h->controllers) && strncmp(c1 + 1, h->controllers, clen) == 0;
      if (match) {
        const char *path = c2 + 1;
        size_t plen = len - (size_t) (path - line);
        return xasprintf("%s%.*s", h->mountpoint, (int) (strcmp(h->mountpoint, "") && plen == 1 ? 0 : plen), path);
      }
    }
    line = end ? end + 1 : NULL;
  }
  return NULL;
}

/* liblxc decides where the cgroups go; the record must name them, so they
 * must be the ones planned (and named in cgroupsPath). */
static int check_placement(const struct launch *l, struct hutch_error **err)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/cgroup", (int) l->pid);
  cleanup_free char *table = NULL;
  size_t len = 0;
  if (read_file_at(AT_FDCWD, path, 1 << 16, &table, &len, err) < 0)
    return -1;
  for (size_t i = 0; i < l->cgroups.set.n; i++) {
    cleanup_free char *actual = cgroup_of(table, &l->cgroups.layout.items[i]);
    if (actual && strcmp(actual, l->cgroups.set.dirs[i]) != 0)
      return hutch_fail(err, 0, "linux.cgroupsPath: liblxc put the container in %s, not %s", actual,
                        l->cgroups.set.dirs[i]);
  }
  return 0;
}

/* Written into the cgroups liblxc made, before anything of the container
 * runs: the same code as native's; and the network devices moved in as
 * native moves them (liblxc's phys type loses their addresses). */
static int apply_limits(struct launch *l, struct hutch_error **err)
{
  if (check_placement(l, err) < 0 || launch_move_net_devices(l, err) < 0)
    return -1;
  return cgroup_manager_write_limits(&l->cgroups, l->cfg->linux_ ? l->cfg->linux_->resources : NULL, err);
}

static int config_memfd(const struct launch *l, struct hutch_error **err)
{
  int fd = memfd_create("config.json", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0)
    return hutch_fail_errno(err, "memfd_create");
  for (size_t done = 0; done < l->config_len;) {
    ssize_t n = write(fd, l->config_text + done, l->config_len - done);
    if (n <= 0) {
      close(fd);
      return hutch_fail_errno(err, "write the config for the shim");
    }
    done += (size_t) n;
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0) {
    close(fd);
    return hutch_fail_errno(err, "seal the config for the shim");
  }
  return fd;
}

static pid_t monitor_pid; /* one launch per process */

static int socket_activation_fds(void)
{
  const char *lf = getenv("LISTEN_FDS"), *lp = getenv("LISTEN_PID");
  return lf && lp && atoi(lp) == getpid() && atoi(lf) > 0 ? atoi(lf) : 0;
}

static pid_t parent_of(pid_t pid)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
  char *text = NULL;
  size_t len = 0;
  struct hutch_error *ignored = NULL;
  if (read_file_at(AT_FDCWD, path, 4096, &text, &len, &ignored) < 0) {
    hutch_error_free(ignored);
    return -1;
  }
  /* "pid (comm) state ppid ...": comm may hold anything but its last ')'. */
  char *close = strrchr(text, ')');
  int ppid = -1;
  if (!close || sscanf(close + 1, " %*c %d", &ppid) != 1)
    ppid = -1;
  free(text);
  return (pid_t) ppid;
}

/* The container's first process, from a process below it (the mount hook
 * under liblxc's sh): the one whose parent is the monitor. */
static pid_t first_process_above(pid_t pid)
{
  for (int depth = 0; pid > 1 && depth < 8; depth++) {
    pid_t parent = parent_of(pid);
    if (parent == monitor_pid)
      return pid;
    pid = parent;
  }
  return -1;
}

/* The container's cgroups for the mount hook, which mounts them as native
 * does (its /proc may be liblxc's for a joined pid namespace). */
static int send_cgroups(const struct launch *l, struct hutch_error **err)
{
  struct strbuf text = STRBUF_INIT;
  for (size_t i = 0; i < l->cgroups.set.n; i++) {
    const struct cgroup_hierarchy *h = &l->cgroups.layout.items[i];
    strbuf_addf(&text, "%d\t%s\t%s\t%s\n", h->version == CGROUP_V2 ? 2 : 1, h->mountpoint, h->controllers,
                l->cgroups.set.dirs[i]);
  }
  int fd = memfd_create("cgroups", MFD_CLOEXEC);
  int r = 0;
  if (fd < 0 || write(fd, text.buf ? text.buf : "", text.len) != (ssize_t) text.len)
    r = hutch_fail_errno(err, "the cgroups for the mount hook");
  if (r == 0)
    r = sync_send(l->sync_fd, SYNC_CGROUP_DONE, 0, NULL, fd, err);
  if (fd >= 0)
    close(fd);
  strbuf_release(&text);
  return r;
}

/* Lifecycle steps 3-5, asked for by the mount hook (the shim, run by liblxc
 * after the mounts and before pivot_root): limits, then prestart and
 * createRuntime here, then the config goes to the hook for createContainer. */
static int serve_mount_hook(struct launch *l, int hook_pidfd, struct hutch_error **err)
{
  pid_t hook = pidfd_pid(hook_pidfd);
  l->pid = hook > 0 ? first_process_above(hook) : -1;
  if (l->pid <= 0)
    return hutch_fail(err, ESRCH, "the container's first process is not above its mount hook");
  if (apply_limits(l, err) < 0 || launch_run_runtime_hooks(l, err) < 0)
    return -1;
  cleanup_close int cfg_fd = config_memfd(l, err);
  /* The bundle rides in the message: the hook's state names it. */
  if (strlen(l->bundle) >= sizeof ((struct sync_msg *) 0)->text)
    return hutch_fail(err, ENAMETOOLONG, "hooks: the lxc backend passes a bundle path of at most 1023 bytes");
  if (cfg_fd < 0 || sync_send(l->sync_fd, SYNC_HOOKS_DONE, l->pid, l->bundle, cfg_fd, err) < 0)
    return -1;
  return send_cgroups(l, err);
}

static void remove_monitor_cgroups(const struct launch *l)
{
  /* liblxc's monitor, on its way out, moves into <pivot>/lxc.pivot. */
  static const char *const suffixes[] = { ".monitor", ".pivot/lxc.pivot", ".pivot" };
  for (size_t i = 0; i < l->cgroups.set.n; i++)
    for (size_t k = 0; k < 3; k++) {
      cleanup_free char *dir = xasprintf("%s%s", l->cgroups.set.dirs[i], suffixes[k]);
      if (rmdir(dir) < 0 && errno != ENOENT)
        log_debug("lxc backend: rmdir %s: %s", dir, strerror(errno));
    }
}

/* In a user namespace liblxc binds the shim as the container's root, which
 * may not enter the directories above it (a build tree under a 0700 home):
 * then a copy in a directory it can enter, removed with the monitor. */
static char shim_copy_dir[64];

static bool enterable_by_all(const char *path)
{
  char buf[PATH_MAX];
  snprintf(buf, sizeof buf, "%s", path);
  for (char *slash = strrchr(buf, '/'); slash && slash != buf; slash = strrchr(buf, '/')) {
    *slash = 0;
    struct stat st;
    if (stat(buf, &st) < 0 || !(st.st_mode & S_IXOTH))
      return false;
  }
  return true;
}

static char *shim_for_userns(const char *shim, struct hutch_error **err)
{
  snprintf(shim_copy_dir, sizeof shim_copy_dir, "/tmp/hutch-lxc-shim.XXXXXX");
  if (!mkdtemp(shim_copy_dir) || chmod(shim_copy_dir, 0711) < 0) {
    shim_copy_dir[0] = 0;
    return hutch_fail_errno(err, "lxc backend: a directory for the shim"), NULL;
  }
  char *copy = xasprintf("%s/%s", shim_copy_dir, LXC_SHIM_NAME);
  cleanup_close int from = open(shim, O_RDONLY | O_CLOEXEC);
  cleanup_close int to = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
  struct stat st;
  bool ok = from >= 0 && to >= 0 && fstat(from, &st) == 0;
  for (off_t done = 0; ok && done < st.st_size;) {
    ssize_t n = sendfile(to, from, NULL, (size_t) (st.st_size - done));
    ok = n > 0;
    done += n > 0 ? n : 0;
  }
  if (!ok || fchmod(to, 0755) < 0) {
    hutch_fail_errno(err, "lxc backend: copy %s", shim);
    free(copy);
    return NULL;
  }
  return copy;
}

static void remove_shim_copy(void)
{
  if (!shim_copy_dir[0])
    return;
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/%s", shim_copy_dir, LXC_SHIM_NAME);
  unlink(path);
  rmdir(shim_copy_dir);
  shim_copy_dir[0] = 0;
}

static void end_monitor(const struct launch *l)
{
  remove_shim_copy();
  if (monitor_pid > 0) {
    kill(monitor_pid, SIGKILL);
    waitpid(monitor_pid, NULL, 0);
    monitor_pid = 0;
  }
  remove_monitor_cgroups(l);
}

static int remove_work_dir(const struct launch *l, struct hutch_error **err)
{
  return remove_tree_at(l->dir.fd, LXC_WORK_DIR, err);
}

static int lxc_start_container(struct launch *l, bool for_run, struct hutch_error **err)
{
  cleanup_free char *shim = shim_path(err);
  if (!shim)
    return -1;
  if (l->ns.new_user && !enterable_by_all(shim)) {
    char *copy = shim_for_userns(shim, err);
    if (!copy)
      return -1;
    free(shim);
    shim = copy;
  }
  bool from_root = false;
  cleanup_free char *cgroup_dir = cgroup_dir_of(l, &from_root, err);
  if (!cgroup_dir)
    return -1;
  /* hutch-<id>, hutch's own name, left empty by a create that died: liblxc
   * will not make a cgroup that is there, nor join one. */
  const char *path = l->cfg->linux_ ? l->cfg->linux_->cgroups_path : NULL;
  for (size_t i = 0; (!path || !*path) && i < l->cgroups.set.n; i++)
    if (rmdir(l->cgroups.set.dirs[i]) == 0)
      log_debug("lxc backend: removed the empty %s left by an earlier create", l->cgroups.set.dirs[i]);
  for (size_t i = 0; i < l->cgroups.set.n; i++)
    if (access(l->cgroups.set.dirs[i], F_OK) == 0)
      return hutch_fail(err, EEXIST, "linux.cgroupsPath: %s exists; the lxc backend makes the container's cgroup and "
                        "cannot join one", l->cgroups.set.dirs[i]);
  if (mkdirat(l->dir.fd, LXC_WORK_DIR, 0700) < 0)
    return hutch_fail_errno(err, "%s/%s", l->dir.path, LXC_WORK_DIR);
  cleanup_free char *work = xasprintf("%s/%s", l->dir.path, LXC_WORK_DIR);
  cleanup_free char *log_file = xasprintf("%s/lxc.log", work);
  /* liblxc writes nothing under its lxcpath here (the log goes to the work
   * directory) but makes the container's root check it may enter it. In a
   * user namespace that root cannot enter hutch's 0700 state directory; it
   * can enter the root filesystem it is to run from. */
  const char *lxcpath = l->ns.new_user ? l->rootfs : work;
  cleanup_close int root_fd = open(l->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return hutch_fail_errno(err, "root.path: %s", l->rootfs);
  struct lxc_plan_in in = {
    .root_fd = root_fd,
    .cfg = l->cfg,
    .bundle = l->bundle,
    .rootfs = l->rootfs,
    .shim = shim,
    .cgroup_dir = cgroup_dir,
    .log_file = log_file,
    .debug = l->rt->debug,
    .sync_fd = 3 + l->opts->preserve_fds + socket_activation_fds(),
    .mount_hook = lxc_needs_mount_hook(l->cfg),
  };
  struct lxc_items items;
  if (lxc_plan(&in, &items, err) < 0)
    return -1;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    lxc_items_release(&items);
    return hutch_fail_errno(err, "socketpair");
  }
  l->sync_fd = sv[0];
  /* Socket activation: fds passed to us under LISTEN_FDS go on at the same
   * numbers, before the --preserve-fds ones (as native). */
  int listen_fds = socket_activation_fds();
  /* The container's process comes to us when the monitor ends. */
  if (for_run && !l->opts->detach)
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  struct monitor_args args = {
    .shim_mount_point = lxc_shim_mount_point(l->cfg),
    .layout = &l->cgroups.layout,
    .from_root = from_root,
    .id = l->opts->id,
    .lxcpath = lxcpath,
    .items = &items,
    .shim = shim,
    .sync_fd = sv[1],
    .listen_fd = l->start_listen_fd,
    .listen_fds = listen_fds,
    .preserve_fds = listen_fds + l->opts->preserve_fds,
    .no_new_keyring = l->opts->no_new_keyring,
    .bundle = l->bundle,
  };
  /* Recorded before liblxc makes them: a create that dies leaves a state
   * naming them. */
  l->cgroups.dirs_made = true;
  pid_t pid = fork();
  if (pid == 0)
    monitor_main(&args);
  int saved = errno;
  close(sv[1]);
  lxc_items_release(&items);
  if (pid < 0)
    return hutch_fail(err, saved, "fork the lxc monitor: %s", strerror(saved));
  monitor_pid = pid;
  /* The mount hook speaks first when there is one, then the shim. */
  bool hooked = false;
  for (;;) {
    struct sync_msg msg = { 0 };
    int pidfd = -1;
    struct hutch_error *recv_err = NULL;
    bool got = sync_recv(l->sync_fd, &msg, &pidfd, &recv_err) == 0;
    hutch_error_free(recv_err);
    if (got && msg.type == SYNC_ERROR)
      return hutch_fail(err, 0, "%s", msg.text);
    if (!got || pidfd < 0 || (msg.type != SYNC_ALIVE && (msg.type != SYNC_PRESTART || hooked))) {
      if (pidfd >= 0)
        close(pidfd);
      waitpid(monitor_pid, NULL, 0);
      monitor_pid = 0;
      cleanup_free char *why = log_tail(l->dir.fd);
      return hutch_fail(err, 0, "liblxc could not start the container: %s", why);
    }
    if (msg.type == SYNC_PRESTART) {
      hooked = true;
      int r = serve_mount_hook(l, pidfd, err);
      close(pidfd);
      if (r < 0)
        return -1;
      continue;
    }
    pid_t alive = pidfd_pid(pidfd);
    close(pidfd);
    if (alive <= 0 || (hooked && alive != l->pid))
      return hutch_fail(err, ESRCH, "the container's first process is not the one its mount hook ran under");
    l->pid = alive;
    break;
  }
  l->init_alive = true;
  if (!hooked && apply_limits(l, err) < 0)
    return -1;
  cleanup_close int cfg_fd = config_memfd(l, err);
  if (cfg_fd < 0 || sync_send(l->sync_fd, SYNC_CGROUP_DONE, l->pid, NULL, cfg_fd, err) < 0)
    return -1;
  return launch_supervise(l, err);
}

/* Created: the monitor goes, and what liblxc wrote with it. */
static void lxc_created(struct launch *l)
{
  end_monitor(l);
  struct hutch_error *e = NULL;
  if (remove_work_dir(l, &e) < 0)
    log_warning("%s", e->msg);
  hutch_error_free(e);
}

static void lxc_abort(struct launch *l)
{
  if (l->pid > 0)
    kill(l->pid, SIGKILL);
  end_monitor(l);
  struct hutch_error *e = NULL;
  if (l->dir.fd >= 0 && remove_work_dir(l, &e) < 0)
    log_warning("%s", e->msg);
  hutch_error_free(e);
}

static const struct launch_driver lxc_driver = {
  .backend = &hutch_backend_lxc,
  .start = lxc_start_container,
  .created = lxc_created,
  .abort = lxc_abort,
};

/* What the lxc backend cannot do, refused before anything is made: liblxc
 * makes and places the cgroups itself, and the sd_notify proxy is the native
 * engine's (a caller waiting for READY=1 would wait forever). */
static int check_cgroup_manager(const struct hutch_runtime *rt, struct hutch_error **err)
{
  if (getenv("NOTIFY_SOCKET"))
    return hutch_fail(err, 0, "NOTIFY_SOCKET: sd_notify is not supported by the lxc backend");
  if (rt->systemd_cgroup)
    return hutch_fail(err, 0, "--systemd-cgroup: not supported by the lxc backend");
  if (rt->no_cgroups)
    return hutch_fail(err, 0, "--cgroup-manager disabled: not supported by the lxc backend");
  return 0;
}

static int lxc_engine_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts,
                             struct hutch_error **err)
{
  if (check_cgroup_manager(rt, err) < 0)
    return -1;
  return launch_create(rt, opts, &lxc_driver, err);
}

static int lxc_engine_run(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
                          struct hutch_error **err)
{
  if (check_cgroup_manager(rt, err) < 0)
    return -1;
  return launch_run(rt, opts, &lxc_driver, exit_status, err);
}

const struct lxc_engine hutch_lxc_engine = {
  .create = lxc_engine_create,
  .run = lxc_engine_run,
};
