#include "engine/process/setup.h"
#include "engine/fs/safe_path.h"
#include "engine/process/caps.h"
#include "spec/names.h"
#include "util/cleanup.h"
#include "util/file.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int process_set_rlimits(const struct oci_process *p, struct hutch_error **err)
{
  for (size_t i = 0; i < p->rlimits.len; i++) {
    const struct oci_rlimit *r = &p->rlimits.items[i];
    int resource = oci_rlimit_lookup(r->type);
    struct rlimit lim = { (rlim_t) r->soft, (rlim_t) r->hard };
    if (resource < 0 || setrlimit(resource, &lim) < 0)
      return hutch_fail_errno(err, "process.rlimits[%zu]: set %s to %llu/%llu", i, r->type,
                              (unsigned long long) r->soft, (unsigned long long) r->hard);
  }
  return 0;
}

int process_set_oom_score_adj(const struct oci_process *p, struct hutch_error **err)
{
  if (!p->oom_score_adj.set)
    return 0; /* the spec: leave it alone when unset */
  char buf[16];
  int n = snprintf(buf, sizeof buf, "%d", (int) p->oom_score_adj.value);
  cleanup_close int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0 || write(fd, buf, (size_t) n) != n)
    return hutch_fail_errno(err, "process.oomScoreAdj: write %s", buf);
  return 0;
}

bool process_setgroups_allowed(void)
{
  char buf[8] = { 0 };
  int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return true;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  return n <= 0 || strncmp(buf, "deny", 4) != 0;
}

int process_set_identity(const struct oci_process *p, bool setgroups_allowed, struct hutch_error **err)
{
  struct cap_sets sets;
  bool caps = p->capabilities != NULL;
  if (caps) {
    caps_from_config(p->capabilities, &sets);
    if (caps_drop_bounding(&sets, err) < 0)
      return -1;
  }
  uid_t uid = p->user ? p->user->uid.value : 0;
  gid_t gid = p->user ? p->user->gid.value : 0;
  if (setgroups_allowed) {
    size_t n = p->user ? p->user->additional_gids.len : 0;
    if (setgroups(n, n ? (const gid_t *) p->user->additional_gids.items : NULL) < 0)
      return hutch_fail_errno(err, "process.user.additionalGids: setgroups");
  } else if (p->user && p->user->additional_gids.len) {
    return hutch_fail(err, EPERM, "process.user.additionalGids: setgroups is denied in this user namespace");
  }
  if (setresgid(gid, gid, gid) < 0)
    return hutch_fail_errno(err, "process.user.gid: setgid %u", (unsigned) gid);
  /* Keep the permitted set across the uid change; capset decides after. */
  if (caps && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return hutch_fail_errno(err, "prctl(PR_SET_KEEPCAPS)");
  if (setresuid(uid, uid, uid) < 0)
    return hutch_fail_errno(err, "process.user.uid: setuid %u", (unsigned) uid);
  if (caps && caps_set(&sets, err) < 0)
    return -1;
  if (p->user && p->user->umask.set)
    umask((mode_t) p->user->umask.value);
  if (p->no_new_privileges.value && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hutch_fail_errno(err, "process.noNewPrivileges: prctl");
  return 0;
}

int process_enter_cwd(const char *cwd, struct hutch_error **err)
{
  if (chdir(cwd) < 0)
    return hutch_fail_errno(err, "process.cwd: chdir %s", cwd);
  char buf[4096];
  /* getcwd reports a directory outside the root as "(unreachable)/..."
   * (the signature of a leaked host directory, CVE-2024-21626), and fails
   * with ENOENT for one that was removed, the whole root filesystem too. */
  if (!getcwd(buf, sizeof buf)) {
    if (errno == ENOENT)
      return hutch_fail_as(err, ENOENT, "process.cwd: %s no longer exists (was the root filesystem removed?)", cwd);
    return hutch_fail(err, EPERM, "process.cwd: %s is outside the container", cwd);
  }
  if (buf[0] != '/')
    return hutch_fail(err, EPERM, "process.cwd: %s is outside the container", cwd);
  return 0;
}

int process_ensure_cwd(const struct oci_process *p, struct hutch_error **err)
{
  if (!p || !p->cwd || p->cwd[0] != '/')
    return 0;
  uid_t uid = p->user ? p->user->uid.value : 0;
  gid_t gid = p->user ? p->user->gid.value : 0;
  /* Inside the container's root ("/" since pivot_root) and through no
   * magic link: an image's symlink to /proc/<pid>/root of a host /proc
   * must not make us create and chown a directory on the host. */
  cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0)
    return hutch_fail_errno(err, "process.cwd: open /");
  cleanup_free char *path = xstrdup(p->cwd);
  /* Component by component, so each directory made here (and only those)
   * can be given to the process's user, who will work in it. */
  for (char *slash = path + 1;; slash++) {
    bool last = *slash == '\0';
    if (!last && *slash != '/')
      continue;
    *slash = '\0';
    char *name = strrchr(path, '/') + 1;
    if (*name && strcmp(name, ".") != 0 && strcmp(name, "..") != 0) {
      name[-1] = '\0';
      cleanup_close int parent = safe_open(root, path[0] ? path : "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
      name[-1] = '/';
      if (parent < 0)
        return hutch_fail_errno(err, "process.cwd: %s", path);
      if (mkdirat(parent, name, 0755) == 0) {
        if (fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
          return hutch_fail_errno(err, "process.cwd: chown %s to %u:%u", path, (unsigned) uid, (unsigned) gid);
      } else if (errno != EEXIST) {
        return hutch_fail_errno(err, "process.cwd: create %s", path);
      }
    }
    if (last)
      break;
    *slash = '/';
  }
  return 0;
}

static const char *env_get(char *const *env, const char *name)
{
  size_t n = strlen(name);
  for (; env && *env; env++)
    if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
      return *env + n + 1;
  return NULL;
}

/* The image's /etc/passwd is the container's to make: a FIFO there must not
 * hang us, nor /dev/zero or a huge file keep us reading. */
enum { PASSWD_MAX = 4 << 20 };

/* The home directory of uid in the container's /etc/passwd, or "/". */
static char *home_of(uid_t uid)
{
  cleanup_free char *text = NULL;
  size_t len;
  if (read_regular_file_at(AT_FDCWD, "/etc/passwd", PASSWD_MAX, REGULAR_FOLLOW, &text, &len, NULL) < 0)
    return xstrdup("HOME=/");
  for (char *line, *rest = text; (line = strsep(&rest, "\n"));) {
    char *fields[7];
    char *p = line;
    int n = 0;
    for (char *tok; n < 7 && (tok = strsep(&p, ":")); n++)
      fields[n] = tok;
    if (n >= 6 && strtoul(fields[2], NULL, 10) == uid && fields[5][0])
      return xasprintf("HOME=%s", fields[5]);
  }
  return xstrdup("HOME=/");
}

/* Adds entry, replacing an earlier one of the same name: the last wins,
 * as in runc, and as the PATH lookup below expects. */
static void env_put(char **env, size_t *k, char *entry)
{
  /* The scan is quadratic: past a sane size, keep everything as given. */
  if (*k > 4096) {
    env[(*k)++] = entry;
    return;
  }
  const char *eq = strchr(entry, '=');
  size_t name_len = eq ? (size_t) (eq - entry) : strlen(entry);
  for (size_t i = 0; i < *k; i++) {
    if (strncmp(env[i], entry, name_len) == 0 && env[i][name_len] == '=') {
      env[i] = entry;
      return;
    }
  }
  env[(*k)++] = entry;
}

char **process_environment(const struct oci_process *p, char **extra, size_t n_extra)
{
  size_t n = p->env.len;
  char **env = xcalloc(n + n_extra + 2, sizeof *env);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (p->env.items[i])
      env_put(env, &k, p->env.items[i]);
  for (size_t i = 0; i < n_extra; i++)
    env_put(env, &k, extra[i]);
  if (!env_get(env, "HOME"))
    env[k++] = home_of(p->user ? p->user->uid.value : 0);
  env[k] = NULL;
  return env;
}

static bool is_executable_file(const char *path)
{
  struct stat st;
  if (stat(path, &st) < 0)
    return false;
  if (!S_ISREG(st.st_mode)) {
    errno = EACCES; /* what execve says of a directory or a device */
    return false;
  }
  return access(path, X_OK) == 0;
}

char *process_find_executable(const char *arg0, char *const *env, struct hutch_error **err)
{
  if (strchr(arg0, '/')) {
    if (!is_executable_file(arg0))
      return hutch_fail_errno(err, "exec: \"%s\"", arg0), NULL;
    return xstrdup(arg0);
  }
  const char *path = env_get(env, "PATH");
  if (!path)
    path = DEFAULT_PATH;
  cleanup_free char *copy = xstrdup(path);
  char *p = copy;
  for (char *dir; (dir = strsep(&p, ":"));) {
    char *candidate = xasprintf("%s/%s", *dir ? dir : ".", arg0);
    if (is_executable_file(candidate))
      return candidate;
    free(candidate);
  }
  hutch_fail(err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
  return NULL;
}

/* Whether a lookup done now, before process.cwd is entered, means what the
 * one at exec time will: not for a relative program path, nor for a PATH with
 * relative entries. */
static bool lookup_independent_of_cwd(const char *arg0, const char *path)
{
  if (strchr(arg0, '/'))
    return arg0[0] == '/';
  cleanup_free char *copy = xstrdup(path);
  char *p = copy;
  for (char *dir; (dir = strsep(&p, ":"));)
    if (dir[0] != '/')
      return false;
  return true;
}

int process_check_program(const struct oci_process *p, struct hutch_error **err)
{
  if (!p || p->args.len == 0)
    return 0;
  /* The PATH exec will see: the last one wins (env_put), null items skipped. */
  const char *path_entry = NULL;
  for (size_t i = 0; i < p->env.len; i++)
    if (p->env.items[i] && strncmp(p->env.items[i], "PATH=", 5) == 0)
      path_entry = p->env.items[i];
  const char *path = path_entry ? path_entry + 5 : DEFAULT_PATH;
  if (!lookup_independent_of_cwd(p->args.items[0], path))
    return 0;
  char *env[] = { path_entry ? (char *) path_entry : NULL, NULL };
  cleanup_free char *found = process_find_executable(p->args.items[0], env, err);
  return found ? 0 : -1;
}

int process_prepare_fds(int first_to_close, struct hutch_error **err)
{
  for (int fd = 3; fd < first_to_close; fd++) {
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0 && fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC) < 0)
      return hutch_fail_errno(err, "preserve fd %d", fd);
  }
  if (syscall(SYS_close_range, (unsigned) first_to_close, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
    return hutch_fail_errno(err, "close_range");
  return 0;
}
