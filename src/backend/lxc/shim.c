/* hutch-lxc-init: the first process of an lxc-backend container. liblxc has
 * made the namespaces, the root and the mounts and pivoted into it; the shim
 * does the rest the native init does (devices, hooks in the container,
 * terminal, readonly and masked paths, the process's attributes, identity
 * and seccomp), parks until `start` with nothing of the host left, and
 * execs process.args. It speaks the native init's sync protocol, so the
 * runtime follows it with the native code.
 *
 * Static (it runs inside any root filesystem) and executed from a read-only
 * bind that it detaches before the container's process can exist.
 *
 * argv: SYNC_FD START_LISTEN_FD|-1 PRESERVE_FDS NO_NEW_KEYRING ID BUNDLE LISTEN_FDS
 * (PRESERVE_FDS counts the LISTEN_FDS of socket activation, which come first). */
#include "backend/native/native.h"
#include "backend/lxc/lxc.h"
#include "engine/ipc/fdpass.h"
#include "engine/process/hooks.h"
#include "engine/ns/loopback.h"
#include "engine/fs/mount_options.h"
#include "engine/fs/safe_path.h"
#include "engine/process/setup.h"
#include "engine/fs/mounts.h"
#include "engine/fs/devices.h"
#include "engine/fs/rootfs.h"
#include "engine/process/seccomp.h"
#include "engine/ipc/sync.h"
#include "engine/process/terminal.h"
#include "spec/codec.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/fds.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

struct shim {
  int sync_fd;
  int listen_fd;
  int reply_fd;
  int preserve_fds;
  bool no_new_keyring;
  const char *id;
  const char *bundle;
  struct oci_config *cfg;
  struct seccomp_program seccomp;
  bool userns;
  pid_t state_pid; /* hooks' view of the container's pid; 0: ours */
  const char *self; /* where liblxc started us from */
};

static int reply_fd(const struct shim *s)
{
  return s->reply_fd >= 0 ? s->reply_fd : s->sync_fd;
}

static void __attribute__((noreturn)) fail_out(struct shim *s, struct hutch_error *err)
{
  const char *msg = err && err->msg ? err->msg : "container init failed";
  sync_send(reply_fd(s), SYNC_ERROR, err ? err->code : 0, msg, -1, NULL);
  _exit(1);
}

/* The config comes as a sealed memfd: the runtime's copy, already
 * validated, and nothing on a path the container could swap. */
static int receive_config(struct shim *s, enum sync_type type, struct sync_msg *msg, struct hutch_error **err)
{
  int fd = -1;
  if (sync_expect(s->sync_fd, type, msg, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return hutch_fail(err, EPROTO, "no config from the runtime");
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 || (size_t) st.st_size > OCI_CONFIG_MAX_SIZE) {
    close(fd);
    return hutch_fail(err, EINVAL, "the config from the runtime is not a config");
  }
  size_t len = (size_t) st.st_size;
  cleanup_free char *text = xmalloc(len + 1);
  for (size_t done = 0; done < len;) {
    ssize_t n = pread(fd, text + done, len - done, (off_t) done);
    if (n <= 0) {
      close(fd);
      return hutch_fail_errno(err, "read the config");
    }
    done += (size_t) n;
  }
  text[len] = 0;
  close(fd);
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  s->cfg = oci_config_parse_and_validate(text, len, &diags);
  if (!s->cfg || diag_first_error(&diags))
    return hutch_fail(err, EINVAL, "config.json does not parse in the container");
  return 0;
}

static char *hook_state(const struct shim *s, enum oci_status status)
{
  struct oci_state st = {
    .oci_version = s->cfg->oci_version,
    .id = (char *) s->id,
    .status = { status, true },
    .pid = { s->state_pid ? s->state_pid : getpid(), true },
    .bundle = (char *) s->bundle,
    .annotations = s->cfg->annotations,
  };
  struct strbuf out = STRBUF_INIT;
  oci_state_write(&out, &st, NULL);
  return strbuf_detach(&out);
}

static int run_hooks(const struct shim *s, int kind, const char *name, struct hutch_error **err)
{
  if (!s->cfg->hooks || !s->cfg->hooks->kinds[kind].len)
    return 0;
  cleanup_free char *state = hook_state(s, OCI_STATUS_CREATED);
  return hooks_run(&s->cfg->hooks->kinds[kind], name, state, err);
}

static int setup_terminal(struct shim *s, struct hutch_error **err)
{
  const struct oci_process *p = s->cfg->process;
  if (!p || !p->terminal.value)
    return 0;
  cleanup_close int master = -1;
  cleanup_close int slave = -1;
  if (pty_open(&master, &slave, err) < 0)
    return -1;
  if (p->console_size &&
      pty_set_size(master, (unsigned) p->console_size->height, (unsigned) p->console_size->width, err) < 0)
    return -1;
  if (pty_bind_console(slave, err) < 0)
    return -1;
  if (sync_send(s->sync_fd, SYNC_PTY, 0, NULL, master, err) < 0)
    return -1;
  return pty_make_controlling(slave, err);
}

/* The shim's own mount goes before anything of the container's can run:
 * it is where we were started from (self). */
static int remove_shim_mount(const char *self, struct hutch_error **err)
{
  if (umount2(self, MNT_DETACH) < 0)
    return hutch_fail_errno(err, "detach %s", self);
  /* liblxc made the mount point; what it made goes (a read-only root
   * keeps it). */
  if (unlink(self) < 0 && errno != ENOENT && errno != EROFS)
    return hutch_fail_errno(err, "remove %s", self);
  if (strcmp(self, "/" LXC_SHIM_IN_ROOT) == 0 && rmdir("/.hutch") < 0 && errno != ENOENT && errno != EROFS &&
      errno != ENOTEMPTY)
    return hutch_fail_errno(err, "remove /.hutch");
  return 0;
}

static int send_notify_fd(struct shim *s, int notify_fd, struct hutch_error **err)
{
  if (notify_fd < 0)
    return 0;
  int r = sync_send(reply_fd(s), SYNC_SECCOMP_FD, 0, NULL, notify_fd, err);
  close(notify_fd);
  return r;
}

/* As the native init's set-up in the container, after pivot_root. */
static int set_up(struct shim *s, struct hutch_error **err)
{
  const struct oci_config *cfg = s->cfg;
  if (cfg->domainname && cfg->domainname[0] && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
    return hutch_fail_errno(err, "domainname: setdomainname");
  cleanup_close int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return hutch_fail_errno(err, "open /");
  struct rootfs_ctx ctx = { .cfg = cfg, .userns = s->userns, .root_fd = root_fd, .proc_pidns_fd = -1 };
  for (size_t i = 0; i < cfg->mounts.len; i++)
    if (lxc_mount_by_shim(&cfg->mounts.items[i]) && mount_entry(&ctx, &cfg->mounts.items[i], i, err) < 0)
      return -1;
  if (devices_create(&ctx, err) < 0 || mounts_set_bind_flags(cfg, root_fd, err) < 0)
    return -1;
  if (process_ensure_cwd(cfg->process, err) < 0 || setup_terminal(s, err) < 0)
    return -1;
  /* A missing program fails create, as with runc (podman and containerd
   * turn that into 127 and 126): checked as root, before the identity. */
  if (remove_shim_mount(s->self, err) < 0 || rootfs_finish(cfg, err) < 0 ||
      process_check_program(cfg->process, err) < 0)
    return -1;
  /* Nothing of the host from here on: stdio, the fds handed over, the way
   * back to the runtime. Before the filter, which may not allow close_range. */
  int keep[] = { s->sync_fd, s->listen_fd };
  if (fds_close_except(3 + s->preserve_fds, keep, 2, err) < 0)
    return -1;
  const struct oci_process *p = cfg->process;
  if (!p)
    return 0;
  if (process_set_rlimits(p, err) < 0 || process_set_oom_score_adj(p, err) < 0 ||
      process_apply_attrs(p, cfg->linux_, err) < 0)
    return -1;
  if (!s->no_new_keyring && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, s->id) < 0 && errno != ENOSYS)
    return hutch_fail_errno(err, "create a session keyring");
  if (process_enter_cwd(p->cwd, err) < 0)
    return -1;
  int notify_fd = -1;
  bool nnp = p->no_new_privileges.value;
  const struct seccomp_program *sc = s->seccomp.len ? &s->seccomp : NULL;
  if (process_finalize(p, nnp ? NULL : sc, process_setgroups_allowed(), &notify_fd, err) < 0)
    return -1;
  return send_notify_fd(s, notify_fd, err);
}

static int wait_for_start(struct shim *s, struct hutch_error **err)
{
  if (s->listen_fd < 0) {
    struct sync_msg msg;
    return sync_expect(s->sync_fd, SYNC_START, &msg, NULL, err);
  }
  close(s->sync_fd);
  s->sync_fd = -1;
  int conn;
  do
    conn = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
  while (conn < 0 && errno == EINTR);
  if (conn < 0)
    return hutch_fail_errno(err, "wait for start");
  close(s->listen_fd);
  s->listen_fd = -1;
  s->reply_fd = conn;
  return 0;
}

/* The last pid of the NSpid line of /proc/PID/status: how the container's
 * own pid namespace sees it. */
static pid_t pid_in_container(pid_t pid)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
  cleanup_free char *text = NULL;
  size_t len = 0;
  struct hutch_error *ignored = NULL;
  if (read_file_at(AT_FDCWD, path, 1 << 16, &text, &len, &ignored) < 0) {
    hutch_error_free(ignored);
    return pid;
  }
  char *line = strstr(text, "\nNSpid:");
  if (!line)
    return pid;
  line += 7;
  char *end = strchr(line, '\n');
  if (end)
    *end = 0;
  char *last = strrchr(line, '\t');
  return last ? (pid_t) strtol(last + 1, NULL, 10) : pid;
}

/* The container's cgroups as the runtime sees them: "VERSION\tMOUNTPOINT
 * \tCONTROLLERS\tDIR" lines in a memfd. Not read here from /proc, which in
 * a joined pid namespace liblxc has replaced. */
static int receive_cgroups(struct shim *s, struct cgroup_layout *layout, struct cgroup_set *set,
                           struct hutch_error **err)
{
  struct sync_msg msg;
  int fd = -1;
  if (sync_expect(s->sync_fd, SYNC_CGROUP_DONE, &msg, &fd, err) < 0)
    return -1;
  if (fd < 0)
    return hutch_fail(err, EPROTO, "no cgroups from the runtime");
  char buf[16384];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  close(fd);
  if (n < 0)
    return hutch_fail_errno(err, "read the cgroups from the runtime");
  buf[n] = 0;
  size_t lines = 0;
  for (ssize_t i = 0; i < n; i++)
    lines += buf[i] == '\n';
  layout->items = xcalloc(lines ? lines : 1, sizeof *layout->items);
  set->dirs = xcalloc(lines ? lines : 1, sizeof *set->dirs);
  set->created = xcalloc(lines ? lines : 1, sizeof *set->created);
  bool v1 = false, v2 = false;
  char *save = NULL;
  for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
    char *f[4] = { NULL, NULL, NULL, NULL };
    char *fs = NULL;
    f[0] = strtok_r(line, "\t", &fs);
    for (int k = 1; k < 4 && f[k - 1]; k++)
      f[k] = strtok_r(NULL, "\t", &fs);
    /* strtok_r folds the empty controllers field of a v2 hierarchy. */
    if (f[0] && f[1] && f[2] && !f[3]) {
      f[3] = f[2];
      f[2] = (char *) "";
    }
    if (!f[0] || !f[1] || !f[3])
      return hutch_fail(err, EPROTO, "a cgroup line from the runtime does not parse");
    struct cgroup_hierarchy *h = &layout->items[layout->n++];
    h->version = strcmp(f[0], "2") == 0 ? CGROUP_V2 : CGROUP_V1;
    if (h->version == CGROUP_V2)
      v2 = true;
    else
      v1 = true;
    h->mountpoint = xstrdup(f[1]);
    h->controllers = xstrdup(f[2]);
    h->self_path = xstrdup("/");
    set->dirs[set->n++] = xstrdup(f[3]);
  }
  layout->kind = v1 && v2 ? CGROUP_LAYOUT_HYBRID : v2 ? CGROUP_LAYOUT_V2 : CGROUP_LAYOUT_V1;
  return 0;
}

/* The mounts that need the host's view (lxc_mount_by_hook), into the root
 * liblxc has mounted at its own path. */
static int hook_mounts(struct shim *s, struct hutch_error **err)
{
  const struct oci_config *cfg = s->cfg;
  struct cgroup_layout layout = { 0 };
  struct cgroup_set set = { 0 };
  if (receive_cgroups(s, &layout, &set, err) < 0)
    return -1;
  bool any = false;
  for (size_t i = 0; i < cfg->mounts.len; i++)
    any = any || lxc_mount_by_hook(cfg, &cfg->mounts.items[i]);
  const char *rootfs = getenv("LXC_ROOTFS_MOUNT");
  cleanup_close int root_fd = rootfs ? open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  int r = 0;
  if (any && !rootfs)
    r = hutch_fail(err, EINVAL, "mount hook: liblxc named no root (LXC_ROOTFS_MOUNT)");
  else if (any && root_fd < 0)
    r = hutch_fail_errno(err, "mount hook: open %s", rootfs);
  struct rootfs_ctx ctx = {
    .cfg = cfg,
    .rootfs = rootfs,
    .userns = s->userns,
    .cgroup_layout = &layout,
    .cgroup_set = &set,
    .root_fd = root_fd,
    .proc_pidns_fd = -1,
  };
  for (size_t i = 0; r == 0 && i < cfg->mounts.len; i++)
    if (lxc_mount_by_hook(cfg, &cfg->mounts.items[i]))
      r = mount_entry(&ctx, &cfg->mounts.items[i], i, err);
  cgroup_set_release(&set);
  cgroup_layout_release(&layout);
  return r;
}

/* liblxc's mount hook, run after the mounts and before pivot_root in the
 * container's mount namespace, where the host's paths still resolve: the
 * runtime runs prestart and createRuntime meanwhile, then createContainer
 * runs here, as runc runs it. */
static int hook_main(int sync_fd)
{
  struct shim s = { .sync_fd = sync_fd, .listen_fd = -1, .reply_fd = -1 };
  /* The hooks we run must not inherit the way to the runtime. */
  fcntl(sync_fd, F_SETFD, FD_CLOEXEC);
  log_silence();
  struct hutch_error *err = NULL;
  int self = (int) syscall(SYS_pidfd_open, getpid(), 0);
  if (self < 0) {
    hutch_fail_errno(&err, "pidfd_open");
    fail_out(&s, err);
  }
  if (sync_send(sync_fd, SYNC_PRESTART, 0, NULL, self, &err) < 0)
    _exit(1);
  close(self);
  struct sync_msg msg;
  if (receive_config(&s, SYNC_HOOKS_DONE, &msg, &err) < 0)
    fail_out(&s, err);
  s.state_pid = pid_in_container((pid_t) msg.value);
  s.id = getenv("LXC_NAME");
  s.bundle = msg.text;
  const struct oci_linux *l = s.cfg->linux_;
  for (size_t i = 0; l && i < l->namespaces.len; i++)
    s.userns = s.userns || l->namespaces.items[i].type.value == OCI_NS_USER;
  if (hook_mounts(&s, &err) < 0)
    fail_out(&s, err);
  if (run_hooks(&s, OCI_HOOK_CREATE_CONTAINER, "createContainer", &err) < 0)
    fail_out(&s, err);
  return 0;
}

static int parse_fd(const char *s)
{
  char *end;
  long v = strtol(s, &end, 10);
  return *end || v < -1 || v > 65536 ? -2 : (int) v;
}

int main(int argc, char **argv)
{
  if (argc >= 3 && strcmp(argv[1], "hook") == 0)
    return hook_main(parse_fd(argv[2]) >= 0 ? parse_fd(argv[2]) : 3);
  struct shim s = { .reply_fd = -1 };
  if (argc != 8 || (s.sync_fd = parse_fd(argv[1])) < 0 || (s.listen_fd = parse_fd(argv[2])) < -1 ||
      (s.preserve_fds = parse_fd(argv[3])) < 0) {
    fprintf(stderr, "%s: to be started by hutch's lxc backend only\n", argv[0]);
    return 1;
  }
  /* Inherited through liblxc without close-on-exec: the runtime sees the
   * sync socket close at our exec. */
  fcntl(s.sync_fd, F_SETFD, FD_CLOEXEC);
  if (s.listen_fd >= 0)
    fcntl(s.listen_fd, F_SETFD, FD_CLOEXEC);
  s.no_new_keyring = strcmp(argv[4], "1") == 0;
  s.id = argv[5];
  s.bundle = argv[6];
  int activation = parse_fd(argv[7]);
  if (strcmp(argv[0], "/" LXC_SHIM_IN_DEV) != 0 && strcmp(argv[0], "/" LXC_SHIM_IN_ROOT) != 0) {
    fprintf(stderr, "%s: to be started by hutch's lxc backend only\n", argv[0]);
    return 1;
  }
  s.self = argv[0];
  log_silence();
  struct hutch_error *err = NULL;
  /* The runtime learns our pid as the host sees it from a pidfd. */
  cleanup_close int self = (int) syscall(SYS_pidfd_open, getpid(), 0);
  if (self < 0) {
    hutch_fail_errno(&err, "pidfd_open");
    fail_out(&s, err);
  }
  if (sync_send(s.sync_fd, SYNC_ALIVE, 0, NULL, self, &err) < 0)
    _exit(1);
  close(self);
  self = -1;
  struct sync_msg cfg_msg;
  if (receive_config(&s, SYNC_CGROUP_DONE, &cfg_msg, &err) < 0)
    fail_out(&s, err);
  const struct oci_linux *l = s.cfg->linux_;
  bool new_net = false;
  for (size_t i = 0; l && i < l->namespaces.len; i++) {
    if (l->namespaces.items[i].type.value == OCI_NS_USER)
      s.userns = true;
    if (l->namespaces.items[i].type.value == OCI_NS_NETWORK && !l->namespaces.items[i].path)
      new_net = true;
  }
  /* liblxc leaves a new network namespace's loopback down; runc does not. */
  if (new_net && loopback_up(&err) < 0)
    fail_out(&s, err);
  if (l && l->seccomp && seccomp_compile(l->seccomp, NULL, &s.seccomp, &err) < 0)
    fail_out(&s, err);
  if (set_up(&s, &err) < 0)
    fail_out(&s, err);
  struct sync_msg msg;
  if (sync_send(s.sync_fd, SYNC_READY, 0, NULL, -1, &err) < 0 || sync_expect(s.sync_fd, SYNC_CREATED, &msg, NULL, &err) < 0)
    fail_out(&s, err);
  /* liblxc made us die with its monitor; the runtime ends the monitor now
   * that the state says who we are, and our exit goes to the caller. */
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (sync_send(s.sync_fd, SYNC_CREATED, 0, NULL, -1, &err) < 0)
    fail_out(&s, err);
  if (wait_for_start(&s, &err) < 0)
    fail_out(&s, err);
  if (run_hooks(&s, OCI_HOOK_START_CONTAINER, "startContainer", &err) < 0)
    fail_out(&s, err);
  const struct oci_process *p = s.cfg->process;
  if (!p) {
    hutch_fail(&err, 0, "process: required to start the container");
    fail_out(&s, err);
  }
  int notify_fd = -1;
  if (s.seccomp.len && p->no_new_privileges.value &&
      (seccomp_load_program(&s.seccomp, &notify_fd, &err) < 0 || send_notify_fd(&s, notify_fd, &err) < 0))
    fail_out(&s, err);
  static char listen_env[32];
  char *extra[2] = { listen_env, (char *) "LISTEN_PID=1" };
  snprintf(listen_env, sizeof listen_env, "LISTEN_FDS=%d", activation);
  char **env = process_environment(p, extra, activation > 0 ? 2 : 0);
  char *path = process_find_executable(p->args.items[0], env, &err);
  if (!path)
    fail_out(&s, err);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  if (s.reply_fd >= 0 && sync_send(s.reply_fd, SYNC_STARTED, 0, NULL, -1, &err) < 0)
    _exit(1);
  char **args = xcalloc(p->args.len + 1, sizeof *args);
  memcpy(args, p->args.items, p->args.len * sizeof *args);
  execve(path, args, env);
  hutch_fail(&err, errno, "exec %s", path);
  if (s.reply_fd >= 0) {
    dprintf(2, "hutch: %s\n", err->msg);
    _exit(127);
  }
  fail_out(&s, err);
}
