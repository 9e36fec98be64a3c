/* The proxmox backend's operations (proxmox.h has the process model).
 * create and run are the native launch behind a driver that has PVE build
 * and start the CT; start, state, status and kill are native's on the
 * record, whose pid is the proxy; delete, exec, ps, pause, resume and
 * update go through PVE's tools or to the CT's own processes. */
#include "backend/native/native.h"
#include "backend/proxmox/proxmox.h"
#include "engine/cgroup/layout.h"
#include "engine/cgroup/freezer.h"
#include "engine/process/exe_guard.h"
#include "engine/ipc/fdpass.h"
#include "engine/process/terminal.h"
#include "engine/process/info.h"
#include "spec/codec.h"
#include "spec/config.h"
#include "spec/schema.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/magic.h>

#ifndef HUTCH_LIBEXECDIR
#define HUTCH_LIBEXECDIR "/usr/libexec/hutch"
#endif

#define CREATE_TRIES 5

static bool host_cgroup_v2(void)
{
  struct statfs st;
  return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

static unsigned long host_mem_mib(void)
{
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
  return pages > 0 && size > 0 ? (unsigned long) ((unsigned long long) pages * (unsigned long long) size >> 20) : 1024;
}

static unsigned vmid_of(const struct container_record *rec)
{
  return rec && rec->backend_id ? (unsigned) strtoul(rec->backend_id, NULL, 10) : 0;
}

/* The shim next to hutch in a build tree, in libexecdir once installed. */
static char *shim_source(void)
{
  const char *dir = exe_guard_original_dir();
  if (dir) {
    char *path = xasprintf("%s/%s", dir, PVE_SHIM_NAME);
    if (access(path, R_OK) == 0)
      return path;
    free(path);
  }
  return xasprintf("%s/%s", HUTCH_LIBEXECDIR, PVE_SHIM_NAME);
}

/* What the driver knows between start and abort. */
static struct {
  struct pve_settings settings;
  unsigned vmid;
  char *template_path;
  char *run_dir;
} made;

/* A copy per container: what the CT's root may do to its /.hutch reaches
 * nothing of the host's, nor another container. */
static int copy_shim(int work_fd, struct hutch_error **err)
{
  cleanup_free char *src = shim_source();
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (read_regular_file_at(AT_FDCWD, src, 64u << 20, REGULAR_FOLLOW, &text, &len, err) < 0)
    return hutch_error_prefix(err, "proxmox: the CT's init %s (install hutch's proxmox shim): ", src);
  return write_file_atomic_at(work_fd, "init", text, len, 0755, ATOMIC_REPLACE, err);
}

/* work/init.sock, where the shim connects: its owner is the CT's root. */
static int listen_for_shim(const struct launch *l, int work_fd, uid_t uid, gid_t gid, struct hutch_error **err)
{
  cleanup_close int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return hutch_fail_errno(err, "socket");
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  snprintf(addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/%s", work_fd, PVE_SOCKET_NAME);
  if (bind(sock, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(sock, 1) < 0)
    return hutch_fail_errno(err, "bind %s/%s", made.run_dir, PVE_SOCKET_NAME);
  if (fchownat(work_fd, PVE_SOCKET_NAME, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
      fchmodat(work_fd, PVE_SOCKET_NAME, 0600, 0) < 0)
    return hutch_fail_errno(err, "%s/%s", made.run_dir, PVE_SOCKET_NAME);
  return steal_fd(&sock);
}


static void remove_template(void)
{
  if (made.template_path) {
    unlink(made.template_path);
    free(made.template_path);
    made.template_path = NULL;
  }
}

static char *template_volid(const struct pve_settings *s, const char *run_dir)
{
  return xasprintf("%s:vztmpl/hutch-%s.tar", s->template_storage, strrchr(run_dir, '/') + 1);
}

static bool already_exists(const char *msg)
{
  return msg && strstr(msg, "already exists");
}

/* pct create with a VMID from nextid, again when another creator was faster. */
static int create_ct(struct launch *l, const struct pve_plan *plan, const char *volid, struct hutch_error **err)
{
  for (int attempt = 0;; attempt++) {
    unsigned vmid;
    if (pve_next_vmid(&made.settings, &vmid, err) < 0)
      return -1;
    char id[16];
    snprintf(id, sizeof id, "%u", vmid);
    /* Named in the state before PVE has it: a create that dies is cleaned. */
    made.vmid = vmid;
    l->rec.backend_id = arena_strdup(&l->cfg->arena, id);
    if (record_write(l->dir.fd, &l->rec, err) < 0)
      return -1;
    char **argv = xcalloc(plan->n_create_args + 5, sizeof *argv);
    size_t n = 0;
    argv[n++] = (char *) made.settings.pct;
    argv[n++] = (char *) "create";
    argv[n++] = id;
    argv[n++] = (char *) volid;
    for (size_t i = 0; i < plan->n_create_args; i++)
      argv[n++] = plan->create_args[i];
    int r = pve_call("pct create", argv, NULL, err);
    free(argv);
    if (r == 0)
      return 0;
    /* Someone else's CT: not ours to destroy, not in our state. */
    made.vmid = 0;
    l->rec.backend_id = NULL;
    struct hutch_error *ignored = NULL;
    record_write(l->dir.fd, &l->rec, &ignored);
    hutch_error_free(ignored);
    if (!already_exists((*err)->msg) || attempt + 1 >= CREATE_TRIES)
      return -1;
    hutch_error_free(*err);
    *err = NULL;
  }
}

static int write_work_files(struct launch *l, int work_fd, const struct pve_plan *plan, struct hutch_error **err)
{
  if (copy_shim(work_fd, err) < 0)
    return -1;
  /* The shim reads it as the CT's root; nobody else in the CT may. */
  if (write_file_atomic_at(work_fd, "config.json", l->config_text, l->config_len, 0600, ATOMIC_REPLACE, err) < 0)
    return -1;
  if (fchownat(work_fd, "config.json", plan->root_uid, plan->root_gid, AT_SYMLINK_NOFOLLOW) < 0)
    return hutch_fail_errno(err, "%s/config.json", made.run_dir);
  return 0;
}

static int socket_activation_fds(void)
{
  const char *lf = getenv("LISTEN_FDS"), *lp = getenv("LISTEN_PID");
  return lf && lp && atoi(lp) == getpid() && atoi(lf) > 0 ? atoi(lf) : 0;
}

static int start_proxy(struct launch *l, int init_listen_fd, struct hutch_error **err)
{
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return hutch_fail_errno(err, "socketpair");
  struct pve_proxy_args args = {
    .id = l->opts->id,
    .sysctl = l->cfg->linux_ ? &l->cfg->linux_->sysctl : NULL,
    .sync_fd = sv[1],
    .init_listen_fd = init_listen_fd,
    .start_listen_fd = l->start_listen_fd,
    .preserve_fds = l->opts->preserve_fds,
  };
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(sv[0]);
    close(sv[1]);
    return hutch_fail(err, saved, "fork the proxy: %s", strerror(saved));
  }
  if (pid == 0) {
    /* The state directory's lock is create's alone. */
    close(sv[0]);
    close(l->dir.fd);
    close(l->dir.root_fd);
    pve_proxy_main(&args);
  }
  close(sv[1]);
  l->sync_fd = sv[0];
  l->pid = pid;
  return 0;
}

/* Before anything is made: a host without PVE says so plainly. */
static int check_tools(const struct pve_settings *s, struct hutch_error **err)
{
  const char *tools[] = { s->pct, s->pvesh, s->pvesm };
  for (size_t i = 0; i < sizeof tools / sizeof *tools; i++)
    if (access(tools[i], X_OK) < 0)
      return hutch_fail(err, errno, "proxmox: %s: %s (not a Proxmox VE node? hutch.conf's proxmox.* settings name "
                        "PVE's tools)", tools[i], strerror(errno));
  return 0;
}

static int pve_start_container(struct launch *l, bool for_run, struct hutch_error **err)
{
  (void) for_run;
  memset(&made, 0, sizeof made);
  if (pve_settings_load(l->cfg, &l->cfg->arena, &made.settings, err) < 0 || check_tools(&made.settings, err) < 0)
    return -1;
  /* Named in the record before it is made: delete after a crash finds it. */
  char *work = pve_run_dir_make(l->opts->id, err);
  if (!work)
    return -1;
  made.run_dir = work;
  l->rec.backend_dir = arena_strdup(&l->cfg->arena, work);
  if (record_write(l->dir.fd, &l->rec, err) < 0)
    return -1;
  cleanup_close int work_fd = open(work, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (work_fd < 0)
    return hutch_fail_errno(err, "%s", work);
  cleanup_free char *description = xasprintf(
      "OCI container %s, run by hutch (bundle %s, /.hutch from %s); delete it with hutch delete", l->opts->id,
      l->bundle, work);
  struct pve_plan_in in = {
    .cfg = l->cfg,
    .settings = &made.settings,
    .work_dir = work,
    .description = description,
    .cgroup_v2 = host_cgroup_v2(),
    .host_mem_mib = host_mem_mib(),
  };
  struct pve_plan plan;
  if (pve_plan_build(&in, &plan, err) < 0)
    return -1;
  int r = -1;
  cleanup_close int init_listen = -1;
  /* Named for this create alone: a shared storage may hold another's. */
  cleanup_free char *volid = template_volid(&made.settings, work);
  if (write_work_files(l, work_fd, &plan, err) < 0)
    goto out;
  if (!(made.template_path = pve_volume_path(&made.settings, volid, err)))
    goto out;
  if (pve_template_write(l->rootfs, made.template_path, plan.unprivileged, err) < 0)
    goto out;
  if (create_ct(l, &plan, volid, err) < 0)
    goto out;
  /* PVE has unpacked it into the CT's volume. */
  remove_template();
  for (size_t i = 0; i < plan.n_raw; i++)
    log_debug("proxmox: CT %u: %s", made.vmid, plan.raw[i]);
  if (pve_conf_append(&made.settings, made.vmid, plan.raw, plan.n_raw, err) < 0 ||
      pve_conf_verify(&made.settings, made.vmid, plan.raw, plan.n_raw, err) < 0)
    goto out;
  if ((init_listen = listen_for_shim(l, work_fd, plan.root_uid, plan.root_gid, err)) < 0)
    goto out;
  /* PVE makes and limits the CT's cgroups (lxc/<vmid>). The engine's
   * cgroupsPath holds the process it knows, the proxy, without limits: it
   * is where the engine looks for it and what it removes. */
  if (cgroup_manager_prepare(&l->cgroups, NULL, err) < 0)
    goto out;
  launch_record_cgroups(l);
  if (record_write(l->dir.fd, &l->rec, err) < 0 || start_proxy(l, init_listen, err) < 0 ||
      cgroup_manager_enter(&l->cgroups, l->pid, NULL, err) < 0)
    goto out;
  close(init_listen);
  init_listen = -1;
  char id[16];
  snprintf(id, sizeof id, "%u", made.vmid);
  char *start[] = { (char *) made.settings.pct, (char *) "start", id, NULL };
  if (pve_call("pct start", start, NULL, err) < 0)
    goto out;
  pid_t init = 0;
  if (pve_ct_pid(&made.settings, made.vmid, &init, err) < 0)
    goto out;
  struct process_info init_info;
  if (init <= 0 || !process_info_read(init, &init_info)) {
    /* The shim ended already: what it said (a missing program) is on its
     * way through the proxy, unless it never got that far. */
    struct pollfd said = { l->sync_fd, POLLIN, 0 };
    if (poll(&said, 1, 2000) > 0 && launch_supervise(l, err) < 0)
      goto out;
    if (!*err)
      hutch_fail(err, ESRCH, "proxmox: CT %u stopped right after pct start (its init, hutch's shim, failed: see "
                 "PVE's log of the CT's start)", made.vmid);
    goto out;
  }
  l->rec.backend_pid = (oci_opt_i64) { init, true };
  l->rec.backend_pid_start = (oci_opt_u64) { init_info.start_time, true };
  l->init_alive = true;
  r = launch_supervise(l, err);
out:
  pve_plan_release(&plan);
  return r;
}

static void pve_abort(struct launch *l)
{
  (void) l;
  remove_template();
  struct hutch_error *e = NULL;
  if (made.vmid && pve_ct_destroy(&made.settings, made.vmid, &e) < 0)
    log_warning("%s", e->msg);
  hutch_error_free(e);
  made.vmid = 0;
  pve_run_dir_remove(made.run_dir);
  free(made.run_dir);
  made.run_dir = NULL;
}

static void pve_finished(const struct container_record *rec);

static const struct launch_driver pve_driver = {
  .backend = &hutch_backend_proxmox,
  .start = pve_start_container,
  .abort = pve_abort,
  .finished = pve_finished,
};

static int check_runtime_options(const struct hutch_runtime *rt, struct hutch_error **err)
{
  if (rt->systemd_cgroup)
    return hutch_fail(err, 0, "--systemd-cgroup: not supported by the proxmox backend (PVE places its CTs)");
  if (rt->no_cgroups)
    return hutch_fail(err, 0, "--cgroup-manager disabled: not supported by the proxmox backend (PVE places its CTs)");
  if (getenv("NOTIFY_SOCKET"))
    return hutch_fail(err, 0, "NOTIFY_SOCKET: sd_notify is not supported by the proxmox backend");
  if (socket_activation_fds())
    return hutch_fail(err, 0, "LISTEN_FDS: socket activation is not supported by the proxmox backend");
  return 0;
}

int pve_create(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, struct hutch_error **err)
{
  if (check_runtime_options(rt, err) < 0)
    return -1;
  return launch_create(rt, opts, &pve_driver, err);
}

int pve_run_container(const struct hutch_runtime *rt, const struct hutch_create_opts *opts, int *exit_status,
                      struct hutch_error **err)
{
  if (check_runtime_options(rt, err) < 0)
    return -1;
  return launch_run(rt, opts, &pve_driver, exit_status, err);
}

int pve_settings_of(const struct container_record *rec, struct arena *arena, struct pve_settings *out,
                    struct hutch_error **err)
{
  /* The record keeps the config's annotations, where the per-container
   * settings are. */
  struct oci_config cfg = { 0 };
  cfg.annotations = rec->annotations;
  return pve_settings_load(&cfg, arena, out, err);
}

/* run in the foreground, once the process has exited. */
static void pve_finished(const struct container_record *rec)
{
  unsigned vmid = vmid_of(rec);
  struct hutch_error *e = NULL;
  if (vmid && pve_ct_is_ours(&made.settings, vmid, rec->backend_dir) && pve_ct_destroy(&made.settings, vmid, &e) < 0)
    log_warning("%s", e->msg);
  hutch_error_free(e);
  pve_run_dir_remove(rec->backend_dir);
}

static enum oci_status pve_status(const struct hutch_runtime *rt, int dir_fd, const struct container_record *rec,
                                  bool creator_gone);
static int freeze(const struct hutch_runtime *rt, struct hutch_container *c, bool frozen, struct hutch_error **err);
static bool ct_init_alive(const struct container_record *rec);

/* The CT's processes: those in the pid namespace of its init. */
static int ct_pids(const struct container_record *rec, pid_t **pids, size_t *n, struct hutch_error **err)
{
  *pids = NULL;
  *n = 0;
  if (!ct_init_alive(rec))
    return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%lld/ns/pid", (long long) rec->backend_pid.value);
  struct stat ns;
  if (stat(path, &ns) < 0)
    return 0;
  DIR *d = opendir("/proc");
  if (!d)
    return hutch_fail_errno(err, "/proc");
  size_t cap = 0;
  for (struct dirent *e; (e = readdir(d));) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0)
      continue;
    snprintf(path, sizeof path, "/proc/%ld/ns/pid", pid);
    struct stat st;
    if (stat(path, &st) < 0 || st.st_ino != ns.st_ino || st.st_dev != ns.st_dev)
      continue;
    if (*n == cap) {
      cap = cap ? cap * 2 : 16;
      *pids = xrealloc(*pids, cap * sizeof **pids);
    }
    (*pids)[(*n)++] = (pid_t) pid;
  }
  closedir(d);
  return 0;
}

/* The CT's init as recorded at create: the same process (its start time),
 * in a pid namespace that is not ours. A pid reused by a host process after
 * the CT stopped is never taken for it. */
static bool ct_init_alive(const struct container_record *rec)
{
  if (!rec->backend_pid.set || !rec->backend_pid_start.set ||
      !process_is_alive((pid_t) rec->backend_pid.value, rec->backend_pid_start.value))
    return false;
  char path[64];
  snprintf(path, sizeof path, "/proc/%lld/ns/pid", (long long) rec->backend_pid.value);
  struct stat theirs, ours;
  return stat(path, &theirs) == 0 && stat("/proc/self/ns/pid", &ours) == 0 &&
         (theirs.st_ino != ours.st_ino || theirs.st_dev != ours.st_dev);
}

/* A pidfd of the CT's init, opened before it is checked (ct_init_alive),
 * so that a signal sent through it cannot reach a process that took the
 * pid since; -1 when the init is gone. */
static int ct_init_pidfd(const struct container_record *rec)
{
  if (!rec->backend_pid.set || rec->backend_pid.value <= 0)
    return -1;
  int pidfd = (int) syscall(SYS_pidfd_open, (pid_t) rec->backend_pid.value, 0);
  if (pidfd >= 0 && !ct_init_alive(rec)) {
    close(pidfd);
    return -1;
  }
  return pidfd;
}

/* sig to pid if it is (still) in the pid namespace ns: pinned by a pidfd
 * first, then checked, then signalled through the pin. */
static void signal_in_pidns(pid_t pid, const struct stat *ns, int sig)
{
  cleanup_close int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/pid", (int) pid);
  struct stat st;
  if (stat(path, &st) == 0 && st.st_ino == ns->st_ino && st.st_dev == ns->st_dev)
    syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
}

/* SIGSTOP to the process itself (the shim cannot pass it on): each child of
 * the CT's init, pinned and checked to be in the CT's pid namespace before
 * the signal goes through the pin. */
static int stop_ct_process(const struct container_record *rec, struct hutch_error **err)
{
  char path[96];
  snprintf(path, sizeof path, "/proc/%lld/ns/pid", (long long) rec->backend_pid.value);
  struct stat ns;
  if (stat(path, &ns) < 0)
    return hutch_fail(err, ESRCH, "container not running");
  snprintf(path, sizeof path, "/proc/%lld/task/%lld/children", (long long) rec->backend_pid.value,
           (long long) rec->backend_pid.value);
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (read_file_at(AT_FDCWD, path, 1 << 16, &text, &len, err) < 0)
    return -1;
  for (char *p = text, *end; *p; p = end) {
    long pid = strtol(p, &end, 10);
    if (end == p)
      break;
    if (pid > 0)
      signal_in_pidns((pid_t) pid, &ns, SIGSTOP);
  }
  return 0;
}

static int pve_kill(const struct hutch_runtime *rt, struct hutch_container *c, int sig, bool all,
                    struct hutch_error **err)
{
  if (!all) {
    /* To the CT's init, which passes it on to the process: a SIGKILL, which
     * it cannot pass on, ends the CT and with it the process (the proxy
     * then dies of it too). Its pid is the CT's while the proxy lives. */
    enum oci_status status = pve_status(rt, c->dir.fd, c->rec, true);
    if (status != OCI_STATUS_CREATED && status != OCI_STATUS_RUNNING && status != OCI_STATUS_PAUSED)
      return hutch_fail(err, 0, "container not running");
    cleanup_close int init = ct_init_pidfd(c->rec);
    if (init < 0)
      return hutch_fail(err, ESRCH, "container not running");
    /* SIGSTOP cannot be passed on: it goes to the shim's children. */
    if (sig == SIGSTOP)
      return stop_ct_process(c->rec, err);
    if (syscall(SYS_pidfd_send_signal, init, sig, NULL, 0) < 0)
      return hutch_fail(err, ESRCH, "container not running");
    /* As runc: SIGKILL to a paused container takes effect at once. */
    if (status == OCI_STATUS_PAUSED && sig == SIGKILL)
      return freeze(rt, c, false, err);
    return 0;
  }
  /* --all: every process of the CT, the shim too (SIGKILL ends the CT). */
  cleanup_close int init = ct_init_pidfd(c->rec);
  if (init < 0)
    return 0;
  char path[64];
  snprintf(path, sizeof path, "/proc/%lld/ns/pid", (long long) c->rec->backend_pid.value);
  struct stat ns;
  if (stat(path, &ns) < 0 || syscall(SYS_pidfd_send_signal, init, 0, NULL, 0) < 0)
    return 0;
  pid_t *pids = NULL;
  size_t n = 0;
  if (ct_pids(c->rec, &pids, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    signal_in_pidns(pids[i], &ns, sig);
  free(pids);
  return 0;
}

static int pve_ps(const struct hutch_runtime *rt, struct hutch_container *c, pid_t **pids, size_t *n,
                  struct hutch_error **err)
{
  (void) rt;
  if (ct_pids(c->rec, pids, n, err) < 0)
    return -1;
  /* The shim is PVE's init of the CT, not the container's process. */
  for (size_t i = 0; i < *n; i++)
    if (c->rec->backend_pid.set && (*pids)[i] == (pid_t) c->rec->backend_pid.value) {
      (*pids)[i] = (*pids)[--*n];
      break;
    }
  return 0;
}

static int pve_delete(const struct hutch_runtime *rt, struct hutch_container *c, bool force, struct hutch_error **err)
{
  if (c->rec) {
    enum oci_status status = pve_status(rt, c->dir.fd, c->rec, true);
    if ((status == OCI_STATUS_RUNNING || status == OCI_STATUS_PAUSED) && !force)
      return hutch_fail(err, 0, "cannot delete container %s that is not stopped: %s", c->rec->id,
                        oci_enum_name(&oci_enum_status, status));
    unsigned vmid = vmid_of(c->rec);
    if (vmid) {
      struct pve_settings s;
      if (pve_settings_of(c->rec, &c->arena, &s, err) < 0)
        return -1;
      if (!pve_ct_is_ours(&s, vmid, c->rec->backend_dir))
        log_debug("proxmox: CT %u is gone or not this container's: left alone", vmid);
      else if (pve_ct_destroy(&s, vmid, err) < 0)
        return -1;
    }
    /* A create that died may have left its template. */
    struct pve_settings s;
    struct hutch_error *ignored = NULL;
    if (strcmp(c->rec->phase, "creating") == 0 && c->rec->backend_dir &&
        pve_settings_of(c->rec, &c->arena, &s, &ignored) == 0) {
      cleanup_free char *volid = template_volid(&s, c->rec->backend_dir);
      cleanup_free char *path = pve_volume_path(&s, volid, &ignored);
      if (path)
        unlink(path);
    }
    hutch_error_free(ignored);
    pve_run_dir_remove(c->rec->backend_dir);
  }
  return native_delete(rt, c, true, err);
}

/* The CT's cgroups, as its init sees them (its freezer among them). */
static int ct_cgroups(const struct container_record *rec, struct cgroup_layout *layout, struct cgroup_set *set,
                      struct hutch_error **err)
{
  char path[64];
  snprintf(path, sizeof path, "/proc/%lld/cgroup", (long long) rec->backend_pid.value);
  if (cgroup_layout_read("/proc/self/mountinfo", path, layout, err) < 0)
    return -1;
  cgroup_set_own(layout, set);
  /* PVE's cgroup of the CT, lxc/<vmid>, holds all of it: the init may sit
   * in any cgroup below it that the container's root chose. */
  char part[32];
  int len = snprintf(part, sizeof part, "/lxc/%u", vmid_of(rec));
  for (size_t i = 0; i < set->n; i++) {
    char *at = strstr(set->dirs[i], part);
    while (at && at[len] && at[len] != '/')
      at = strstr(at + 1, part);
    if (!at)
      return hutch_fail(err, EPERM, "proxmox: the CT's init is not in a cgroup below lxc/%u", vmid_of(rec));
    at[len] = 0;
  }
  return 0;
}

static bool ct_frozen(const struct container_record *rec)
{
  if (!ct_init_alive(rec))
    return false;
  struct cgroup_layout layout = { 0 };
  struct cgroup_set set = { 0 };
  struct hutch_error *ignored = NULL;
  bool frozen = ct_cgroups(rec, &layout, &set, &ignored) == 0 && cgroup_freezer_frozen(&set);
  hutch_error_free(ignored);
  cgroup_set_release(&set);
  cgroup_layout_release(&layout);
  return frozen;
}

static enum oci_status pve_status(const struct hutch_runtime *rt, int dir_fd, const struct container_record *rec,
                                  bool creator_gone)
{
  enum oci_status status = native_status(rt, dir_fd, rec, creator_gone);
  return status == OCI_STATUS_RUNNING && ct_frozen(rec) ? OCI_STATUS_PAUSED : status;
}

static int pve_state(const struct hutch_runtime *rt, struct hutch_container *c, struct strbuf *json,
                     struct hutch_error **err)
{
  (void) err;
  struct oci_state st;
  record_to_state(c->rec, pve_status(rt, c->dir.fd, c->rec, true), &st);
  oci_state_write(json, &st, "  ");
  return 0;
}

static int freeze(const struct hutch_runtime *rt, struct hutch_container *c, bool frozen, struct hutch_error **err)
{
  enum oci_status status = pve_status(rt, c->dir.fd, c->rec, true);
  if (frozen && status != OCI_STATUS_RUNNING)
    return hutch_fail(err, 0, status == OCI_STATUS_PAUSED ? "container already paused" : "container not running");
  if (!frozen && status != OCI_STATUS_PAUSED)
    return hutch_fail(err, 0, "container not paused");
  struct cgroup_layout layout = { 0 };
  struct cgroup_set set = { 0 };
  int r = ct_cgroups(c->rec, &layout, &set, err);
  if (r == 0)
    r = cgroup_freezer_set(&set, frozen, err);
  cgroup_set_release(&set);
  cgroup_layout_release(&layout);
  return r;
}

static int pve_pause(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err)
{
  return freeze(rt, c, true, err);
}

static int pve_resume(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err)
{
  return freeze(rt, c, false, err);
}

static int pve_update(const struct hutch_runtime *rt, struct hutch_container *c, const struct oci_resources *r,
                      struct hutch_error **err)
{
  (void) rt;
  unsigned vmid = vmid_of(c->rec);
  struct pve_settings s;
  if (pve_settings_of(c->rec, &c->arena, &s, err) < 0)
    return -1;
  if (!vmid || !pve_ct_is_ours(&s, vmid, c->rec->backend_dir))
    return hutch_fail(err, 0, "container not running");
  char **args = NULL;
  size_t n = 0;
  if (pve_plan_update(r, host_cgroup_v2(), host_mem_mib(), &args, &n, err) < 0)
    return -1;
  int rc = 0;
  if (n) {
    char id[16];
    snprintf(id, sizeof id, "%u", vmid);
    char **argv = xcalloc(n + 4, sizeof *argv);
    argv[0] = (char *) s.pct;
    argv[1] = (char *) "set";
    argv[2] = id;
    memcpy(argv + 3, args, n * sizeof *args);
    rc = pve_call("pct set", argv, NULL, err);
    free(argv);
  }
  for (size_t i = 0; i < n; i++)
    free(args[i]);
  free(args);
  return rc;
}

/* The exec's process in the CT's /.hutch, 0600 and the CT root's. */
static char *exec_process_file(const struct container_record *rec, const struct oci_config *cfg,
                               const struct strbuf *json, struct hutch_error **err)
{
  if (!rec->backend_dir) {
    hutch_fail(err, 0, "exec: the container has no /.hutch directory (made by an older hutch?)");
    return NULL;
  }
  bool userns = false;
  for (size_t i = 0; cfg->linux_ && i < cfg->linux_->namespaces.len; i++)
    userns = userns || cfg->linux_->namespaces.items[i].type.value == OCI_NS_USER;
  uid_t root = userns ? PVE_USERNS_BASE : 0;
  char *path = xasprintf("%s/exec-XXXXXX", rec->backend_dir);
  int fd = mkostemp(path, O_CLOEXEC);
  if (fd < 0) {
    hutch_fail_errno(err, "exec: %s", path);
    free(path);
    return NULL;
  }
  bool ok = fchown(fd, root, root) == 0 && fchmod(fd, 0600) == 0 &&
            write(fd, json->buf, json->len) == (ssize_t) json->len;
  int saved = errno;
  close(fd);
  if (!ok) {
    unlink(path);
    hutch_fail(err, saved, "exec: write %s: %s", path, strerror(saved));
    free(path);
    return NULL;
  }
  return path;
}

/* exec -t under an engine: a pty whose master goes to the console socket;
 * pct exec gets the slave as its stdio and terminal. */
static int pty_for_console(const char *path, int *slave, struct hutch_error **err)
{
  cleanup_close int sock = unix_connect(path, err);
  if (sock < 0)
    return hutch_error_prefix(err, "--console-socket: ");
  cleanup_close int master = -1;
  if (pty_open(&master, slave, err) < 0)
    return -1;
  if (fd_send(sock, master, "/dev/ptmx", err) < 0) {
    close(*slave);
    *slave = -1;
    return hutch_error_prefix(err, "--console-socket: ");
  }
  return 0;
}

static int pve_exec(const struct hutch_runtime *rt, struct hutch_container *c, const struct hutch_exec_opts *opts,
                    int *exit_status, struct hutch_error **err)
{
  *exit_status = 255;
  enum oci_status status = pve_status(rt, c->dir.fd, c->rec, true);
  if (status != OCI_STATUS_RUNNING && status != OCI_STATUS_CREATED)
    return hutch_fail(err, 0, "cannot exec in a %s container", oci_enum_name(&oci_enum_status, status));
  if (opts->pidfd_socket || opts->preserve_fds || opts->n_cgroups)
    return hutch_fail(err, ENOSYS, "exec: %s is not implemented by the proxmox backend (pct exec)",
                      opts->pidfd_socket   ? "--pidfd-socket"
                      : opts->preserve_fds ? "--preserve-fds"
                                           : "--cgroup");
  struct oci_config *cfg = snapshot_read(c->dir.fd, err);
  if (!cfg)
    return -1;
  int r = -1;
  struct pve_settings s;
  int pty_slave = -1;
  char *process_file = NULL, *in_ct = NULL;
  struct oci_process *p = native_exec_process(opts, cfg, &c->arena, err);
  if (!p || pve_settings_of(c->rec, &c->arena, &s, err) < 0)
    goto out;
  if (!p->args.len) {
    hutch_fail(err, 0, "exec: no command given");
    goto out;
  }
  if ((p->apparmor_profile && p->apparmor_profile[0]) || (p->selinux_label && p->selinux_label[0])) {
    hutch_fail(err, 0, "process.%s: not honoured by backend proxmox (PVE's own profile applies)",
               p->apparmor_profile ? "apparmorProfile" : "selinuxLabel");
    goto out;
  }
  if (exec_check_terminal(p->terminal.value, opts, err) < 0)
    goto out;
  /* lxc-attach makes the process's terminal in the CT when its stdin is
   * one: the process itself takes it as it comes. */
  p->terminal = (oci_opt_bool) { false, true };
  if (opts->console_socket && pty_for_console(opts->console_socket, &pty_slave, err) < 0)
    goto out;
  struct strbuf json = STRBUF_INIT;
  oci_encode(&json, &oci_type_process, p, NULL);
  /* The process (its env may hold secrets) goes as a file only the CT's
   * root may read, not on argv, which every host user sees. */
  if (!(process_file = exec_process_file(c->rec, cfg, &json, err))) {
    strbuf_release(&json);
    goto out;
  }
  in_ct = xasprintf("/" PVE_CT_DIR "/%s", strrchr(process_file, '/') + 1);
  char id[16];
  snprintf(id, sizeof id, "%u", vmid_of(c->rec));
  char *argv[] = { (char *) s.pct, (char *) "exec", id, (char *) "--keep-env", (char *) "0", (char *) "--",
                   (char *) PVE_CT_SHIM, (char *) "exec", in_ct, NULL };
  /* The lock is for state changes; the process may run for days. */
  close(c->dir.fd);
  c->dir.fd = -1;
  pid_t pid = fork();
  if (pid == 0) {
    static char *const env[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "TERM=xterm", NULL };
    if (pty_slave >= 0) {
      setsid();
      if (dup2(pty_slave, 0) < 0 || dup2(pty_slave, 1) < 0 || dup2(pty_slave, 2) < 0 ||
          ioctl(0, TIOCSCTTY, 0) < 0)
        _exit(127);
    }
    syscall(SYS_close_range, 3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(argv[0], argv, env);
    _exit(127);
  }
  strbuf_release(&json);
  if (pty_slave >= 0) {
    close(pty_slave);
    pty_slave = -1;
  }
  if (pid < 0) {
    hutch_fail_errno(err, "fork");
    goto out;
  }
  if (opts->pid_file && pid_file_write(opts->pid_file, pid, err) < 0)
    goto out;
  if (opts->detach) {
    *exit_status = 0;
    r = 0;
    goto out;
  }
  r = foreground_wait(pid, -1, exit_status, err);
  unlink(process_file);
out:
  free(process_file);
  free(in_ct);
  if (pty_slave >= 0)
    close(pty_slave);
  oci_config_free(cfg);
  return r;
}

/* native_start; when a startContainer or poststart hook failed, it has
 * destroyed the container as the spec says, and the CT goes with it. */
static int pve_start(const struct hutch_runtime *rt, struct hutch_container *c, struct hutch_error **err)
{
  if (native_start(rt, c, err) == 0)
    return 0;
  if (faccessat(c->dir.fd, STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
    return -1;
  unsigned vmid = vmid_of(c->rec);
  struct pve_settings s;
  struct hutch_error *e = NULL;
  if (vmid && pve_settings_of(c->rec, &c->arena, &s, &e) == 0 && pve_ct_is_ours(&s, vmid, c->rec->backend_dir))
    pve_ct_destroy(&s, vmid, &e);
  if (e)
    log_warning("%s", e->msg);
  hutch_error_free(e);
  pve_run_dir_remove(c->rec->backend_dir);
  return -1;
}

static void describe(struct oci_support *out, struct arena *arena)
{
  pve_describe(out, arena);
}

const struct hutch_backend hutch_backend_proxmox = {
  .name = "proxmox",
  .summary = "a Proxmox VE container managed with pct",
  .settings = pve_setting_keys,
  .describe = describe,
  .create = pve_create,
  .run = pve_run_container,
  .start = pve_start,
  .state = pve_state,
  .status = pve_status,
  .kill = pve_kill,
  .delete_ = pve_delete,
  .exec = pve_exec,
  .ps = pve_ps,
  .pause = pve_pause,
  .resume = pve_resume,
  .update = pve_update,
};
