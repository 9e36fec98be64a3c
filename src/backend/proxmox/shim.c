/* hutch-proxmox-init: the init of a Proxmox VE container that hutch made.
 * PVE (lxc-start) has built the CT and runs us as its init from /.hutch,
 * a read-only bind of the container's work directory. We take the
 * engine's stdio from the proxy, apply what the native init applies in
 * the container (terminal, sysctl, readonly and masked paths, bind flags,
 * the process's attributes, identity and seccomp) and park; at start the
 * process is forked, signals sent to us go on to it, and its wait status
 * goes back to the proxy before we end (and the CT with us).
 *
 * Also `init exec PROCESS-JSON`, run by `pct exec`: an exec's process set
 * up the same way, then exec'd in place (lxc-attach waits for it).
 *
 * Static, without sanitizers: it runs inside any root filesystem. */
#include "backend/native/native.h"
#include "backend/proxmox/proxmox.h"
#include "engine/process/hooks.h"
#include "engine/fs/mount_options.h"
#include "engine/process/setup.h"
#include "engine/fs/mounts.h"
#include "engine/fs/rootfs.h"
#include "engine/process/seccomp.h"
#include "engine/ipc/sync.h"
#include "engine/process/terminal.h"
#include "spec/codec.h"
#include "spec/config.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

struct shim {
  int sock;
  struct oci_config *cfg;
  struct seccomp_program seccomp;
  char id[1024];
  pid_t proxy_pid; /* hooks' view of the container's pid */
  int max_fd;      /* the highest fd handed over */
};

static void __attribute__((noreturn)) fail_out(struct shim *s, struct hutch_error *err)
{
  const char *msg = err && err->msg ? err->msg : "container init failed";
  if (s->sock >= 0)
    sync_send(s->sock, SYNC_ERROR, err ? err->code : 0, msg, -1, NULL);
  else
    dprintf(2, "hutch-proxmox-init: %s\n", msg);
  _exit(1);
}

static int read_config(struct shim *s, struct hutch_error **err)
{
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (read_regular_file_at(AT_FDCWD, PVE_CT_CONFIG, OCI_CONFIG_MAX_SIZE, REGULAR_NOFOLLOW, &text, &len, err) < 0)
    return -1;
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  s->cfg = oci_config_parse_and_validate(text, len, &diags);
  if (!s->cfg || diag_first_error(&diags))
    return hutch_fail(err, EINVAL, "config.json does not parse in the container");
  /* The proxy has written linux.sysctl: the CT's /proc/sys is read-only. */
  if (s->cfg->linux_)
    s->cfg->linux_->sysctl.len = 0;
  return 0;
}

static int connect_proxy(struct shim *s, struct hutch_error **err)
{
  s->sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s->sock < 0)
    return hutch_fail_errno(err, "socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", PVE_CT_SOCKET);
  if (connect(s->sock, (struct sockaddr *) &addr, sizeof addr) < 0) {
    int saved = errno;
    close(s->sock);
    s->sock = -1;
    return hutch_fail(err, saved, "connect to hutch at %s: %s", PVE_CT_SOCKET, strerror(saved));
  }
  return 0;
}

/* The caller's fds, each to its number; then the proxy's pid (CGROUP_DONE). */
static int receive_fds(struct shim *s, struct hutch_error **err)
{
  for (;;) {
    struct sync_msg msg;
    int fd = -1;
    if (sync_recv(s->sock, &msg, &fd, err) < 0)
      return -1;
    if (msg.type == SYNC_CGROUP_DONE) {
      s->proxy_pid = msg.value;
      snprintf(s->id, sizeof s->id, "%s", msg.text);
      return 0;
    }
    if (msg.type != SYNC_FD || fd < 0 || msg.value < 0 || msg.value > 1024) {
      if (fd >= 0)
        close(fd);
      return hutch_fail(err, EPROTO, "unexpected message %u from hutch", msg.type);
    }
    /* The socket itself may sit on the number wanted. */
    if (s->sock == msg.value) {
      int moved = fcntl(s->sock, F_DUPFD_CLOEXEC, 1025);
      if (moved < 0)
        return hutch_fail_errno(err, "move the socket");
      close(s->sock);
      s->sock = moved;
    }
    if (fd != msg.value) {
      if (dup2(fd, msg.value) < 0)
        return hutch_fail_errno(err, "fd %d", msg.value);
      close(fd);
    } else {
      fcntl(fd, F_SETFD, 0);
    }
    if (msg.value > s->max_fd)
      s->max_fd = msg.value;
  }
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
  if (sync_send(s->sock, SYNC_PTY, 0, NULL, master, err) < 0)
    return -1;
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0)
      return hutch_fail_errno(err, "terminal: stdio");
  return 0;
}

static char *hook_state(const struct shim *s)
{
  struct oci_state st = {
    .oci_version = s->cfg->oci_version,
    .id = (char *) s->id,
    .status = { OCI_STATUS_CREATED, true },
    .pid = { s->proxy_pid, true },
    .bundle = (char *) "/",
    .annotations = s->cfg->annotations,
  };
  struct strbuf out = STRBUF_INIT;
  oci_state_write(&out, &st, NULL);
  return strbuf_detach(&out);
}

/* In the container, before parking: what does not change the process. */
static int set_up(struct shim *s, struct hutch_error **err)
{
  const struct oci_config *cfg = s->cfg;
  cleanup_close int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return hutch_fail_errno(err, "open /");
  bool userns = false;
  for (size_t i = 0; cfg->linux_ && i < cfg->linux_->namespaces.len; i++)
    userns = userns || cfg->linux_->namespaces.items[i].type.value == OCI_NS_USER;
  struct rootfs_ctx ctx = { .cfg = cfg, .userns = userns, .root_fd = root_fd, .proc_pidns_fd = -1 };
  for (size_t i = 0; i < cfg->mounts.len; i++)
    if (mount_is_tmpcopyup(&cfg->mounts.items[i]) && mount_entry(&ctx, &cfg->mounts.items[i], i, err) < 0)
      return -1;
  if (mounts_set_bind_flags(cfg, root_fd, err) < 0 || process_ensure_cwd(cfg->process, err) < 0 ||
      setup_terminal(s, err) < 0 || rootfs_finish(cfg, err) < 0 || process_check_program(cfg->process, err) < 0)
    return -1;
  const struct oci_linux *l = cfg->linux_;
  if (l && l->seccomp && seccomp_compile(l->seccomp, NULL, &s->seccomp, err) < 0)
    return -1;
  return 0;
}

/* The process's own set-up, in the child, then exec. Failures go to
 * err_pipe (the parent reports them). */
static void __attribute__((noreturn)) run_process(struct shim *s, const struct oci_process *p, int err_pipe)
{
  struct hutch_error *err = NULL;
  if (p->terminal.value && pty_become_controlling(&err) < 0)
    goto fail;
  if (!err && (process_set_rlimits(p, &err) < 0 || process_set_oom_score_adj(p, &err) < 0 ||
               process_apply_attrs(p, s->cfg ? s->cfg->linux_ : NULL, &err) < 0))
    goto fail;
  if (!err && s->id[0] && syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, s->id) < 0 && errno != ENOSYS)
    hutch_fail_errno(&err, "create a session keyring");
  if (err || process_enter_cwd(p->cwd, &err) < 0)
    goto fail;
  const struct seccomp_program *sc = s->seccomp.len ? &s->seccomp : NULL;
  int notify_fd = -1;
  if (process_finalize(p, sc, process_setgroups_allowed(), &notify_fd, &err) < 0)
    goto fail;
  char **env = process_environment(p, NULL, 0);
  char *path = process_find_executable(p->args.items[0], env, &err);
  if (!path)
    goto fail;
  char **args = xcalloc(p->args.len + 1, sizeof *args);
  memcpy(args, p->args.items, p->args.len * sizeof *args);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execve(path, args, env);
  hutch_fail_errno(&err, "exec %s", path);
fail:
  if (err_pipe >= 0)
    dprintf(err_pipe, "%s", err && err->msg ? err->msg : "exec failed");
  else
    dprintf(2, "hutch: %s\n", err && err->msg ? err->msg : "exec failed");
  _exit(127);
}

/* While the process runs, PID 1 keeps only what it needs to pass signals
 * on: no capability but CAP_KILL, none to gain, not dumpable. A process of
 * the container that takes it over (ptrace) gains nothing it has not. The
 * bounding set stays: lxc-attach (pct exec) gives what it attaches no more
 * than the init's. */
static void drop_privileges(void)
{
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = { { 0 } };
  data[0].effective = data[0].permitted = 1u << CAP_KILL;
  syscall(SYS_capset, &hdr, data);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/* The parent's part after the fork: nothing of the caller's stays with us,
 * signals go to the process, its wait status to the proxy. The proxy gone
 * (killed, the engine's child no more) ends the process too: it would
 * otherwise run on with no one to answer for it. */
static void __attribute__((noreturn)) supervise(struct shim *s, pid_t child)
{
  int keep[] = { s->sock };
  fds_close_except(0, keep, 1, NULL);
  drop_privileges();
  sigset_t all;
  sigfillset(&all);
  int sigfd = signalfd(-1, &all, SFD_CLOEXEC);
  for (;;) {
    struct pollfd fds[2] = { { sigfd, POLLIN, 0 }, { s->sock, POLLIN, 0 } };
    if (poll(fds, 2, -1) < 0)
      continue;
    if (fds[1].revents & (POLLHUP | POLLERR)) {
      kill(child, SIGKILL);
      _exit(137);
    }
    if (fds[1].revents & POLLIN) {
      /* Nothing comes from the proxy now; drain what does. */
      char drain[64];
      if (recv(s->sock, drain, sizeof drain, MSG_DONTWAIT) == 0) {
        kill(child, SIGKILL);
        _exit(137);
      }
    }
    if (!(fds[0].revents & POLLIN))
      continue;
    struct signalfd_siginfo si;
    if (read(sigfd, &si, sizeof si) != sizeof si)
      continue;
    if (si.ssi_signo != SIGCHLD) {
      kill(child, (int) si.ssi_signo);
      continue;
    }
    /* Reap every orphan of the CT; the process's status is the answer. */
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      if (pid == child) {
        sync_send(s->sock, SYNC_EXIT, status, NULL, -1, NULL);
        _exit(0);
      }
  }
}

static int start_process(struct shim *s, struct hutch_error **err)
{
  const struct oci_process *p = s->cfg->process;
  if (!p)
    return hutch_fail(err, 0, "process: required to start the container");
  if (s->cfg->hooks && s->cfg->hooks->kinds[OCI_HOOK_START_CONTAINER].len) {
    cleanup_free char *state = hook_state(s);
    if (hooks_run(&s->cfg->hooks->kinds[OCI_HOOK_START_CONTAINER], "startContainer", state, err) < 0)
      return -1;
  }
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) < 0)
    return hutch_fail_errno(err, "pipe");
  pid_t child = fork();
  if (child < 0)
    return hutch_fail_errno(err, "fork the process");
  if (child == 0) {
    close(pipefd[0]);
    close(s->sock);
    run_process(s, p, pipefd[1]);
  }
  close(pipefd[1]);
  char why[1024];
  ssize_t n;
  do
    n = read(pipefd[0], why, sizeof why - 1);
  while (n < 0 && errno == EINTR);
  close(pipefd[0]);
  if (n > 0) {
    why[n] = 0;
    waitpid(child, NULL, 0);
    return hutch_fail(err, 0, "%s", why);
  }
  if (sync_send(s->sock, SYNC_STARTED, child, NULL, -1, err) < 0)
    return -1;
  supervise(s, child);
}

static int init_main(void)
{
  struct shim s = { .sock = -1 };
  struct hutch_error *err = NULL;
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  log_silence();
  if (connect_proxy(&s, &err) < 0 || receive_fds(&s, &err) < 0 || read_config(&s, &err) < 0)
    fail_out(&s, err);
  if (set_up(&s, &err) < 0)
    fail_out(&s, err);
  struct sync_msg msg;
  if (sync_send(s.sock, SYNC_READY, 0, NULL, -1, &err) < 0 || sync_expect(s.sock, SYNC_START, &msg, NULL, &err) < 0)
    fail_out(&s, err);
  /* Nothing of hutch's may be reached once the process runs. */
  if (start_process(&s, &err) < 0)
    fail_out(&s, err);
  return 1;
}

/* pct exec: argv[2] names the exec's process (JSON), in /.hutch. */
static int exec_main(const char *process_path)
{
  struct shim s = { .sock = -1 };
  struct hutch_error *err = NULL;
  log_silence();
  struct arena arena;
  arena_init(&arena);
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (strncmp(process_path, "/" PVE_CT_DIR "/exec-", strlen(PVE_CT_DIR) + 7) != 0 || strstr(process_path, "/..") ||
      read_regular_file_at(AT_FDCWD, process_path, OCI_CONFIG_MAX_SIZE, REGULAR_NOFOLLOW, &text, &len, &err) < 0) {
    hutch_fail(&err, EINVAL, "exec: %s is not the process from hutch", process_path);
    fail_out(&s, err);
  }
  cleanup_diags struct diag_list diags = DIAG_LIST_INIT;
  struct oci_process *p = oci_decode_document(&arena, &oci_type_process, text, len, "process", &diags);
  if (p)
    oci_process_validate(p, &diags);
  if (!p || diag_first_error(&diags) || !p->args.len) {
    hutch_fail(&err, EINVAL, "exec: the process from hutch does not parse");
    fail_out(&s, err);
  }
  if (read_config(&s, &err) < 0)
    fail_out(&s, err);
  const struct oci_linux *l = s.cfg->linux_;
  if (l && l->seccomp && seccomp_compile(l->seccomp, NULL, &s.seccomp, &err) < 0)
    fail_out(&s, err);
  /* As a shell says it: podman and containerd turn these into 127 and 126. */
  if (process_check_program(p, &err) < 0) {
    dprintf(2, "hutch: %s\n", err->msg);
    _exit(err->code == EACCES ? 126 : 127);
  }
  run_process(&s, p, -1);
}

int main(int argc, char **argv)
{
  if (argc == 3 && strcmp(argv[1], "exec") == 0)
    return exec_main(argv[2]);
  if (argc != 1 || getpid() != 1) {
    fprintf(stderr, "%s: the init of a Proxmox VE container made by hutch; not to be run by hand\n", argv[0]);
    return 1;
  }
  return init_main();
}
