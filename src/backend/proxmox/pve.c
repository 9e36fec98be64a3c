/* PVE's tools and its config files, as PVE's sources define them:
 * exit codes vary (any non-zero is failure), keys PVE does not take are
 * dropped with a warning and exit 0 (so what is written is read back), and
 * a CT's config is changed only under PVE's flock, by rename. */
#include "backend/proxmox/proxmox.h"
#include "util/cleanup.h"
#include "engine/state/store.h"
#include "util/file.h"
#include "util/log.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define OUTPUT_MAX (1024 * 1024)

/* PVE's tools are Perl run as root: they get a plain environment, not the
 * engine's (pct exec would carry it into the CT). */
static char *const tool_env[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", (char *) "LC_ALL=C", NULL };

static void drain(int *fd, struct strbuf *sb)
{
  char buf[4096];
  ssize_t n = read(*fd, buf, sizeof buf);
  if (n > 0) {
    if (sb && sb->len + (size_t) n <= OUTPUT_MAX)
      strbuf_add(sb, buf, (size_t) n);
    return;
  }
  if (n < 0 && errno == EINTR)
    return;
  close(*fd);
  *fd = -1;
}

int pve_run(char *const argv[], struct strbuf *out, struct strbuf *errout, int *status, struct hutch_error **err)
{
  int po[2], pe[2];
  if (pipe2(po, O_CLOEXEC) < 0)
    return hutch_fail_errno(err, "pipe");
  if (pipe2(pe, O_CLOEXEC) < 0) {
    close(po[0]);
    close(po[1]);
    return hutch_fail_errno(err, "pipe");
  }
  pid_t pid = fork();
  if (pid < 0) {
    int saved = errno;
    close(po[0]), close(po[1]), close(pe[0]), close(pe[1]);
    return hutch_fail(err, saved, "fork: %s", strerror(saved));
  }
  if (pid == 0) {
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null < 0 || dup2(null, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
      _exit(127);
    /* Nothing of ours (the state directory's lock, the proxy's sockets)
     * goes to PVE, whose pct start leaves a CT monitor running. */
    syscall(SYS_close_range, 3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(argv[0], argv, tool_env);
    dprintf(2, "%s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(po[1]);
  close(pe[1]);
  int fds[2] = { po[0], pe[0] };
  while (fds[0] >= 0 || fds[1] >= 0) {
    struct pollfd p[2] = { { fds[0], POLLIN, 0 }, { fds[1], POLLIN, 0 } };
    if (poll(p, 2, -1) < 0) {
      if (errno == EINTR)
        continue;
      break;
    }
    if (fds[0] >= 0 && p[0].revents)
      drain(&fds[0], out);
    if (fds[1] >= 0 && p[1].revents)
      drain(&fds[1], errout);
  }
  if (fds[0] >= 0)
    close(fds[0]);
  if (fds[1] >= 0)
    close(fds[1]);
  int ws;
  while (waitpid(pid, &ws, 0) < 0)
    if (errno != EINTR)
      return hutch_fail_errno(err, "wait for %s", argv[0]);
  *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
  return 0;
}

/* A tool's stderr on one line ("; " between its lines), its end kept when
 * long: PVE's error comes last, its details (400 ... key: msg) before. */
static void last_line(const struct strbuf *sb, char *buf, size_t size)
{
  buf[0] = 0;
  size_t k = 0;
  for (size_t i = 0; i < sb->len && size > 1; i++) {
    char ch = sb->buf[i];
    if (ch == '\n') {
      while (k && buf[k - 1] == ' ')
        k--;
      if (k && (k < 2 || strncmp(buf + k - 2, "; ", 2) != 0) && i + 1 < sb->len && k + 2 < size) {
        buf[k++] = ';';
        buf[k++] = ' ';
      }
      continue;
    }
    if (k + 1 >= size) {
      /* Keep the end: drop the first half. */
      size_t half = k / 2;
      memmove(buf, buf + half, k - half);
      k -= half;
    }
    buf[k++] = (unsigned char) ch < 0x20 ? ' ' : ch;
  }
  while (k && (buf[k - 1] == ' ' || buf[k - 1] == ';'))
    k--;
  buf[k] = 0;
}

int pve_call(const char *step, char *const argv[], struct strbuf *out, struct hutch_error **err)
{
  struct strbuf errout = STRBUF_INIT;
  int status = 0;
  if (pve_run(argv, out, &errout, &status, err) < 0) {
    strbuf_release(&errout);
    return hutch_error_prefix(err, "proxmox: %s: ", step);
  }
  if (status != 0) {
    char line[1024];
    last_line(&errout, line, sizeof line);
    strbuf_release(&errout);
    return hutch_fail(err, 0, "proxmox: %s failed (%s exited with %d): %s", step, argv[0], status,
                      line[0] ? line : "no message");
  }
  strbuf_release(&errout);
  return 0;
}

int pve_next_vmid(const struct pve_settings *s, unsigned *vmid, struct hutch_error **err)
{
  char *argv[] = { (char *) s->pvesh, (char *) "get", (char *) "/cluster/nextid", (char *) "--output-format",
                   (char *) "json", NULL };
  struct strbuf out = STRBUF_INIT;
  if (pve_call("pvesh get /cluster/nextid", argv, &out, err) < 0) {
    strbuf_release(&out);
    return -1;
  }
  /* A JSON string ("100") or number (100). */
  const char *p = out.buf ? out.buf : "";
  p += strspn(p, " \t\n\"");
  char *end;
  unsigned long v = strtoul(p, &end, 10);
  bool ok = end != p && v >= 100 && v <= 999999999;
  strbuf_release(&out);
  if (!ok)
    return hutch_fail(err, EPROTO, "proxmox: pvesh get /cluster/nextid: not a VMID");
  *vmid = (unsigned) v;
  return 0;
}

char *pve_volume_path(const struct pve_settings *s, const char *volid, struct hutch_error **err)
{
  char *argv[] = { (char *) s->pvesm, (char *) "path", (char *) volid, NULL };
  struct strbuf out = STRBUF_INIT;
  if (pve_call("pvesm path", argv, &out, err) < 0) {
    strbuf_release(&out);
    return NULL;
  }
  char *path = strbuf_detach(&out);
  path[strcspn(path, "\n")] = 0;
  if (path[0] != '/') {
    free(path);
    hutch_fail(err, EPROTO, "proxmox: pvesm path %s: not a path", volid);
    return NULL;
  }
  return path;
}

bool pve_ct_exists(const struct pve_settings *s, unsigned vmid)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/%u.conf", s->config_dir, vmid);
  return access(path, F_OK) == 0;
}

bool pve_ct_is_ours(const struct pve_settings *s, unsigned vmid, const char *marker)
{
  if (!marker || !marker[0])
    return false;
  cleanup_close int dir = open(s->config_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  char name[32];
  snprintf(name, sizeof name, "%u.conf", vmid);
  cleanup_free char *text = NULL;
  size_t len = 0;
  struct hutch_error *ignored = NULL;
  if (dir < 0 || read_regular_file_at(dir, name, 1024 * 1024, REGULAR_NOFOLLOW, &text, &len, &ignored) < 0) {
    hutch_error_free(ignored);
    return false;
  }
  return memmem(text, len, marker, strlen(marker)) != NULL;
}

/* PVE's lock_config: flock with a 10 s timeout. */
static int lock_ct(const struct pve_settings *s, unsigned vmid, struct hutch_error **err)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/pve-config-%u.lock", s->lock_dir, vmid);
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    return hutch_fail_errno(err, "proxmox: open %s", path);
  for (int tries = 0;; tries++) {
    if (flock(fd, LOCK_EX | LOCK_NB) == 0)
      return fd;
    if (errno != EWOULDBLOCK || tries >= 100) {
      int saved = errno;
      close(fd);
      return hutch_fail(err, saved == EWOULDBLOCK ? ETIMEDOUT : saved,
                        "proxmox: can't lock file '%s' - got timeout (CT %u is busy in PVE)", path, vmid);
    }
    struct timespec ts = { 0, 100 * 1000 * 1000 };
    nanosleep(&ts, NULL);
  }
}

int pve_conf_append(const struct pve_settings *s, unsigned vmid, char *const *lines, size_t n,
                    struct hutch_error **err)
{
  cleanup_close int lock = lock_ct(s, vmid, err);
  if (lock < 0)
    return -1;
  cleanup_close int dir = open(s->config_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return hutch_fail_errno(err, "proxmox: %s", s->config_dir);
  char name[32];
  snprintf(name, sizeof name, "%u.conf", vmid);
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (read_regular_file_at(dir, name, 1024 * 1024, REGULAR_NOFOLLOW, &text, &len, err) < 0)
    return hutch_error_prefix(err, "proxmox: CT %u: ", vmid);
  /* PVE's lock property: a backup or a migration owns the CT now. */
  for (const char *p = text; p && *p;) {
    if (strncmp(p, "lock:", 5) == 0) {
      const char *e = strchr(p, '\n');
      return hutch_fail(err, EBUSY, "proxmox: CT %u is locked (%.*s)", vmid, (int) ((e ? e : p + strlen(p)) - p - 5),
                        p + 5);
    }
    if (*p == '[') /* snapshots and pending changes follow */
      break;
    p = strchr(p, '\n');
    p = p ? p + 1 : NULL;
  }
  /* Raw lines belong to the current config: before any [section]. */
  size_t head = len;
  for (const char *p = text; p && *p;) {
    if (*p == '[') {
      head = (size_t) (p - text);
      break;
    }
    p = strchr(p, '\n');
    p = p ? p + 1 : NULL;
  }
  struct strbuf sb = STRBUF_INIT;
  strbuf_add(&sb, text, head);
  if (sb.len && sb.buf[sb.len - 1] != '\n')
    strbuf_addc(&sb, '\n');
  for (size_t i = 0; i < n; i++) {
    if (strchr(lines[i], '\n')) {
      strbuf_release(&sb);
      return hutch_fail(err, EINVAL, "proxmox: a config line holds a newline");
    }
    strbuf_addf(&sb, "%s\n", lines[i]);
  }
  strbuf_add(&sb, text + head, len - head);
  int r = write_file_atomic_at(dir, name, sb.buf, sb.len, 0640, ATOMIC_REPLACE, err);
  strbuf_release(&sb);
  return r < 0 ? hutch_error_prefix(err, "proxmox: CT %u: ", vmid) : 0;
}

int pve_conf_verify(const struct pve_settings *s, unsigned vmid, char *const *lines, size_t n,
                    struct hutch_error **err)
{
  char id[16];
  snprintf(id, sizeof id, "%u", vmid);
  char *argv[] = { (char *) s->pct, (char *) "config", id, (char *) "--current", NULL };
  struct strbuf out = STRBUF_INIT;
  if (pve_call("pct config", argv, &out, err) < 0) {
    strbuf_release(&out);
    return -1;
  }
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++) {
    /* pct config prints "key: value" as written; find the whole line. */
    size_t l = strlen(lines[i]);
    bool found = false;
    for (const char *p = out.buf; p && *p && !found;) {
      const char *e = strchr(p, '\n');
      size_t pl = e ? (size_t) (e - p) : strlen(p);
      while (pl && p[pl - 1] == ' ')
        pl--;
      size_t ll = l;
      while (ll && lines[i][ll - 1] == ' ')
        ll--;
      found = pl == ll && strncmp(p, lines[i], ll) == 0;
      p = e ? e + 1 : NULL;
    }
    if (!found)
      r = hutch_fail(err, 0, "proxmox: CT %u: PVE dropped \"%s\" from its config (this PVE does not take the key)",
                     vmid, lines[i]);
  }
  strbuf_release(&out);
  return r;
}

int pve_ct_pid(const struct pve_settings *s, unsigned vmid, pid_t *pid, struct hutch_error **err)
{
  char id[16];
  snprintf(id, sizeof id, "%u", vmid);
  char *argv[] = { (char *) s->pct, (char *) "status", id, (char *) "--verbose", NULL };
  struct strbuf out = STRBUF_INIT;
  *pid = 0;
  if (pve_call("pct status", argv, &out, err) < 0) {
    strbuf_release(&out);
    return -1;
  }
  bool running = out.buf && strstr(out.buf, "status: running");
  const char *p = out.buf ? strstr(out.buf, "\npid: ") : NULL;
  if (running && p)
    *pid = (pid_t) strtol(p + 6, NULL, 10);
  strbuf_release(&out);
  return 0;
}

int pve_ct_destroy(const struct pve_settings *s, unsigned vmid, struct hutch_error **err)
{
  if (!pve_ct_exists(s, vmid))
    return 0;
  char id[16];
  snprintf(id, sizeof id, "%u", vmid);
  /* --force stops it first: no separate stop that a CT stopping by itself
   * meanwhile would make fail. */
  char *destroy[] = { (char *) s->pct, (char *) "destroy", id, (char *) "--purge", (char *) "--force", NULL };
  return pve_call("pct destroy", destroy, NULL, err);
}

char *pve_run_dir_make(const char *id, struct hutch_error **err)
{
  if (mkdir(PVE_RUN_DIR, 0711) < 0 && errno != EEXIST) {
    hutch_fail_errno(err, "proxmox: %s", PVE_RUN_DIR);
    return NULL;
  }
  /* Ours only: a directory of root's that no one else may change. */
  struct stat st;
  if (lstat(PVE_RUN_DIR, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022)) {
    hutch_fail(err, EPERM, "proxmox: %s is not a directory of root's that only root may change", PVE_RUN_DIR);
    return NULL;
  }
  char *path = xasprintf("%s/%.64s-XXXXXX", PVE_RUN_DIR, id);
  if (!mkdtemp(path) || chmod(path, 0755) < 0) {
    hutch_fail_errno(err, "proxmox: %s", path);
    free(path);
    return NULL;
  }
  return path;
}

void pve_run_dir_remove(const char *path)
{
  size_t len = strlen(PVE_RUN_DIR);
  if (!path || strncmp(path, PVE_RUN_DIR "/", len + 1) != 0 || strchr(path + len + 1, '/') ||
      strcmp(path + len + 1, ".") == 0 || strcmp(path + len + 1, "..") == 0 || !path[len + 1])
    return;
  int parent = open(PVE_RUN_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (parent < 0)
    return;
  struct hutch_error *e = NULL;
  if (remove_tree_at(parent, path + len + 1, &e) < 0)
    log_warning("%s", e->msg);
  hutch_error_free(e);
  close(parent);
}
