/* The proxy: what engines see as the container's process. PVE's CT runs
 * under PVE (lxc-start, systemd), never as a child of the engine, so the
 * engine's child is this small process instead, as runsc's is: it hands
 * the engine's stdio to the CT's shim, enters the CT's namespaces (hooks
 * and nsenter find them through state.pid), passes signals on, and exits
 * with the process's exit status.
 *
 * It talks with the runtime on sync_fd as the native init does (SYNC_PRESTART
 * … SYNC_READY, SYNC_CREATED), and with the shim on work/init.sock. */
#include "backend/proxmox/proxmox.h"
#include "engine/fs/rootfs.h"
#include "engine/ipc/sync.h"
#include "util/cleanup.h"
#include "util/fds.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SO_PEERPIDFD
#define SO_PEERPIDFD 77
#endif

/* How long the CT has to start its shim after pct start returned. */
#define SHIM_CONNECT_TIMEOUT_MS 120000

struct proxy {
  const struct pve_proxy_args *args;
  int sync_fd;
  int shim;       /* connected to the shim */
  int shim_pidfd; /* the CT's init */
  int sigfd;
};

static void __attribute__((noreturn)) fail(struct proxy *p, struct hutch_error *err)
{
  if (p->sync_fd >= 0)
    sync_send(p->sync_fd, SYNC_ERROR, err ? err->code : 0, err && err->msg ? err->msg : "proxmox proxy failed", -1,
              NULL);
  _exit(1);
}

static bool is_ct_init(pid_t pid)
{
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/%d/status", (int) pid);
  cleanup_fclose FILE *f = fopen(path, "re");
  bool one = false;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "NSpid:", 6) == 0) {
      char *last = strrchr(line, '\t');
      one = last && strtol(last + 1, NULL, 10) == 1 && strchr(line + 6, '\t') != last;
    }
  return one;
}

/* The shim's connection, waited for while the runtime can still tell us to
 * give up (its end closing). */
static int accept_shim(struct proxy *p, struct hutch_error **err)
{
  struct pollfd fds[2] = { { p->args->init_listen_fd, POLLIN, 0 }, { p->sync_fd, POLLIN, 0 } };
  int n;
  do
    n = poll(fds, 2, SHIM_CONNECT_TIMEOUT_MS);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return hutch_fail_errno(err, "proxmox proxy: poll");
  if (n == 0)
    return hutch_fail(err, ETIMEDOUT, "proxmox: the CT started but its init (hutch's shim) did not connect");
  if (fds[1].revents)
    return hutch_fail(err, EPIPE, "proxmox proxy: the runtime went away");
  p->shim = accept4(p->args->init_listen_fd, NULL, NULL, SOCK_CLOEXEC);
  if (p->shim < 0)
    return hutch_fail_errno(err, "proxmox proxy: accept the shim");
  close(p->args->init_listen_fd);
  struct ucred cred;
  socklen_t clen = sizeof cred;
  if (getsockopt(p->shim, SOL_SOCKET, SO_PEERCRED, &cred, &clen) < 0)
    return hutch_fail_errno(err, "proxmox proxy: the shim's credentials");
  /* Only the CT's init is let in: pid 1 of a pid namespace not ours. */
  if (!is_ct_init(cred.pid))
    return hutch_fail(err, EPERM, "proxmox proxy: pid %d connected, not the CT's init", (int) cred.pid);
  socklen_t len = sizeof p->shim_pidfd;
  if (getsockopt(p->shim, SOL_SOCKET, SO_PEERPIDFD, &p->shim_pidfd, &len) < 0) {
    p->shim_pidfd = (int) syscall(SYS_pidfd_open, cred.pid, 0);
    if (p->shim_pidfd < 0)
      return hutch_fail_errno(err, "proxmox proxy: pidfd_open the shim");
  }
  return 0;
}

/* stdio and the preserved fds, each at the number the process gets. */
static int hand_over_fds(struct proxy *p, struct hutch_error **err)
{
  for (int fd = 0; fd < 3 + p->args->preserve_fds; fd++) {
    if (fcntl(fd, F_GETFD) < 0)
      continue; /* a closed stdio stays closed */
    if (sync_send(p->shim, SYNC_FD, fd, NULL, fd, err) < 0)
      return -1;
  }
  return 0;
}

/* Only what serves the CT's process stays open: every fd of the caller's
 * went to the shim already. */
static int close_inherited(struct proxy *p, struct hutch_error **err)
{
  int null = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0)
    return hutch_fail_errno(err, "proxmox proxy: /dev/null");
  for (int fd = 0; fd < 3; fd++)
    if (dup2(null, fd) < 0)
      return hutch_fail_errno(err, "proxmox proxy: stdio");
  close(null);
  int keep[] = { p->sync_fd, p->shim, p->shim_pidfd, p->args->start_listen_fd };
  return fds_close_except(3, keep, 4, err);
}

/* /proc/self/fdinfo of a pidfd names its process as we see it. */
static pid_t pidfd_pid(int pidfd)
{
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
  cleanup_fclose FILE *f = fopen(path, "re");
  pid_t pid = 0;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "Pid:", 4) == 0)
      pid = (pid_t) strtol(line + 4, NULL, 10);
  return pid;
}

static int join_ct_namespaces(struct proxy *p, struct hutch_error **err)
{
  int flags = CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP;
  pid_t pid = pidfd_pid(p->shim_pidfd);
  if (pid <= 0)
    return hutch_fail(err, ESRCH, "proxmox proxy: the CT's init is gone");
  /* Its user namespace too when the CT (unprivileged) has one. */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/user", (int) pid);
  struct stat theirs, ours;
  if (stat(path, &theirs) == 0 && stat("/proc/self/ns/user", &ours) == 0 && theirs.st_ino != ours.st_ino)
    flags |= CLONE_NEWUSER;
  /* First the two that linux.sysctl is about, while our /proc/sys is
   * still the host's, writable one. */
  if (setns(p->shim_pidfd, CLONE_NEWNET | CLONE_NEWIPC) < 0)
    return hutch_fail_errno(err, "proxmox proxy: enter the CT's namespaces");
  const oci_string_map *sysctl = p->args->sysctl;
  if (sysctl && sysctl->len) {
    cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
      return hutch_fail_errno(err, "proxmox proxy: open /");
    for (size_t i = 0; i < sysctl->len; i++)
      if (sysctl_write(root, &sysctl->items[i], err) < 0)
        return -1;
  }
  if (setns(p->shim_pidfd, flags & ~(CLONE_NEWNET | CLONE_NEWIPC)) < 0)
    return hutch_fail_errno(err, "proxmox proxy: enter the CT's namespaces");
  return 0;
}

/* The shim's messages while it sets up: its pty goes on to the runtime. */
static int follow_setup(struct proxy *p, struct hutch_error **err)
{
  for (;;) {
    struct sync_msg msg;
    int fd = -1;
    if (sync_recv(p->shim, &msg, &fd, err) < 0)
      return hutch_error_prefix(err, "proxmox: the CT's init: ");
    switch (msg.type) {
    case SYNC_READY:
      return 0;
    case SYNC_PTY: {
      int r = fd >= 0 ? sync_send(p->sync_fd, SYNC_PTY, 0, NULL, fd, err) : 0;
      if (fd >= 0)
        close(fd);
      if (r < 0)
        return -1;
      break;
    }
    case SYNC_ERROR:
      return hutch_fail(err, 0, "%s", msg.text);
    default:
      if (fd >= 0)
        close(fd);
      return hutch_fail(err, EPROTO, "proxmox: unexpected message %u from the CT's init", msg.type);
    }
  }
}

/* START to the shim; its answer (STARTED or the error) to reply_fd. */
static int release(struct proxy *p, int reply_fd, bool close_when_started, struct hutch_error **err)
{
  if (sync_send(p->shim, SYNC_START, 0, NULL, -1, err) < 0)
    return -1;
  struct sync_msg msg;
  if (sync_recv(p->shim, &msg, NULL, err) < 0)
    return hutch_fail(err, 0, "the container process exited before it started");
  if (msg.type == SYNC_ERROR) {
    sync_send(reply_fd, SYNC_ERROR, 0, msg.text, -1, NULL);
    return hutch_fail(err, 0, "%s", msg.text);
  }
  if (msg.type != SYNC_STARTED)
    return hutch_fail(err, EPROTO, "proxmox: unexpected message %u from the CT's init", msg.type);
  if (close_when_started)
    return 0;
  return sync_send(reply_fd, SYNC_STARTED, 0, NULL, -1, err);
}

static void __attribute__((noreturn)) exit_like(int status)
{
  if (WIFEXITED(status))
    _exit(WEXITSTATUS(status));
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
  /* A status naming a signal that stops rather than ends (the shim's word
   * is the container's) must not leave us stopped. */
  if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU)
    _exit(128 + sig);
  /* Die of the same signal, without a core of our own. */
  struct rlimit none = { 0, 0 };
  setrlimit(RLIMIT_CORE, &none);
  signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  sigprocmask(SIG_UNBLOCK, &set, NULL);
  raise(sig);
  _exit(128 + sig);
}

/* Until the process ends: signals to us go to it (through the shim, which
 * passes them on), its exit status becomes ours. A CT stopped from PVE
 * ends without one: as killed. */
static void __attribute__((noreturn)) serve(struct proxy *p)
{
  for (;;) {
    struct pollfd fds[2] = { { p->shim, POLLIN, 0 }, { p->sigfd, POLLIN, 0 } };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      exit_like(SIGKILL);
    }
    if (fds[1].revents) {
      struct signalfd_siginfo si;
      if (read(p->sigfd, &si, sizeof si) == sizeof si && si.ssi_signo != SIGCHLD)
        syscall(SYS_pidfd_send_signal, p->shim_pidfd, (int) si.ssi_signo, NULL, 0);
    }
    if (fds[0].revents) {
      struct sync_msg msg;
      struct hutch_error *err = NULL;
      if (sync_recv(p->shim, &msg, NULL, &err) < 0) {
        hutch_error_free(err);
        exit_like(SIGKILL);
      }
      if (msg.type == SYNC_EXIT)
        exit_like(msg.value);
    }
  }
}

static int wait_for_start(struct proxy *p, struct hutch_error **err)
{
  int listen_fd = p->args->start_listen_fd;
  if (listen_fd < 0) {
    /* run: the runtime's SYNC_START; EOF on sync_fd tells it we are off. */
    struct sync_msg msg;
    if (sync_expect(p->sync_fd, SYNC_START, &msg, NULL, err) < 0)
      return -1;
    if (release(p, p->sync_fd, true, err) < 0)
      return -1;
    close(p->sync_fd);
    p->sync_fd = -1;
    return 0;
  }
  close(p->sync_fd);
  p->sync_fd = -1;
  /* Until start: a CT stopped meanwhile (pct stop, the shim killed) ends us. */
  for (;;) {
    struct pollfd fds[2] = { { listen_fd, POLLIN, 0 }, { p->shim, POLLIN, 0 } };
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      return hutch_fail_errno(err, "proxmox proxy: poll");
    }
    if (fds[1].revents) {
      struct sync_msg msg;
      struct hutch_error *e = NULL;
      if (sync_recv(p->shim, &msg, NULL, &e) < 0) {
        hutch_error_free(e);
        exit_like(SIGKILL);
      }
      if (msg.type == SYNC_EXIT)
        exit_like(msg.value);
      continue;
    }
    int conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
      continue;
    int r = release(p, conn, false, err);
    close(conn);
    close(listen_fd);
    return r;
  }
}

void pve_proxy_main(const struct pve_proxy_args *args)
{
  struct proxy p = { .args = args, .sync_fd = args->sync_fd, .shim = -1, .shim_pidfd = -1, .sigfd = -1 };
  struct hutch_error *err = NULL;
  /* Until the state names us we die with the runtime (as the native init). */
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  sigset_t all;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, NULL);
  if (accept_shim(&p, &err) < 0 || hand_over_fds(&p, &err) < 0)
    fail(&p, err);
  if (sync_send(p.shim, SYNC_CGROUP_DONE, (int) getpid(), args->id, -1, &err) < 0 || close_inherited(&p, &err) < 0 ||
      follow_setup(&p, &err) < 0 || join_ct_namespaces(&p, &err) < 0)
    fail(&p, err);
  /* prestart and createRuntime run now, seeing our namespaces, the CT's. */
  struct sync_msg msg;
  if (sync_send(p.sync_fd, SYNC_PRESTART, 0, NULL, -1, &err) < 0 ||
      sync_expect(p.sync_fd, SYNC_HOOKS_DONE, &msg, NULL, &err) < 0 ||
      sync_send(p.sync_fd, SYNC_READY, 0, NULL, -1, &err) < 0 ||
      sync_expect(p.sync_fd, SYNC_CREATED, &msg, NULL, &err) < 0)
    fail(&p, err);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  if (sync_send(p.sync_fd, SYNC_CREATED, 0, NULL, -1, &err) < 0)
    _exit(1);
  sigset_t forwarded;
  sigfillset(&forwarded);
  p.sigfd = signalfd(-1, &forwarded, SFD_CLOEXEC);
  if (wait_for_start(&p, &err) < 0) {
    if (p.sync_fd >= 0)
      fail(&p, err);
    syscall(SYS_pidfd_send_signal, p.shim_pidfd, SIGKILL, NULL, 0);
    _exit(1);
  }
  serve(&p);
}
