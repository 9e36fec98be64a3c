#include "engine/process/exe_guard.h"
#include "util/cleanup.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Set across the re-exec only: a re-executed hutch that still finds itself
 * writable stops there instead of re-executing forever. */
#define REEXEC_ENV "_HUTCH_EXE_REEXEC"

extern char **environ;

static bool fd_is_sealed(int fd)
{
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals >= 0 && (seals & F_SEAL_WRITE))
    return true;
  struct statvfs vfs;
  return fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/* Asked several times on one start path; the answer holds for as long as
 * this process image does (an exec starts a new one). */
bool exe_guard_is_sealed(void)
{
  static int sealed = -1;
  if (sealed < 0) {
    cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    sealed = self >= 0 && fd_is_sealed(self);
  }
  return sealed;
}

/* A private, read-only mount of the binary alone, attached nowhere: it
 * lives as long as something holds it (the fd, then the process image). */
static int readonly_view(void)
{
  int tree = (int) syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return -1;
  struct mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
    close(tree);
    return -1;
  }
  return tree;
}

/* Where mounts are not ours to make (no CAP_SYS_ADMIN): a copy in memory,
 * sealed against every change. */
static int sealed_copy(struct hutch_error **err)
{
  cleanup_close int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0)
    return hutch_fail_errno(err, "open /proc/self/exe");
  struct stat st;
  if (fstat(self, &st) < 0)
    return hutch_fail_errno(err, "stat /proc/self/exe");
  cleanup_close int copy = memfd_create("hutch", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (copy < 0)
    return hutch_fail_errno(err, "memfd_create");
  for (off_t done = 0; done < st.st_size;) {
    ssize_t n = sendfile(copy, self, NULL, (size_t) (st.st_size - done));
    if (n <= 0)
      return hutch_fail_errno(err, "copy the hutch binary");
    done += n;
  }
  if (fcntl(copy, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
    return hutch_fail_errno(err, "seal the copy of the hutch binary");
  return steal_fd(&copy);
}

#define EXE_DIR_ENV "_HUTCH_EXE_DIR"

const char *exe_guard_original_dir(void)
{
  static char dir[PATH_MAX];
  static bool known;
  if (known)
    return dir[0] ? dir : NULL;
  known = true;
  const char *passed = getenv(EXE_DIR_ENV);
  if (passed) {
    snprintf(dir, sizeof dir, "%s", passed);
    unsetenv(EXE_DIR_ENV);
    return dir[0] ? dir : NULL;
  }
  /* Not passed: this image was started from its file, not a copy. */
  if (exe_guard_is_sealed() && getenv(REEXEC_ENV))
    return NULL;
  ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
  if (n <= 0) {
    dir[0] = 0;
    return NULL;
  }
  dir[n] = 0;
  char *slash = strrchr(dir, '/');
  if (!slash) {
    dir[0] = 0;
    return NULL;
  }
  *slash = 0;
  return dir;
}

void exe_guard_pass_original_dir(void)
{
  const char *dir = exe_guard_original_dir();
  if (dir)
    setenv(EXE_DIR_ENV, dir, 1);
}

int exe_guard_ensure_sealed(char **argv, struct hutch_error **err)
{
  /* Before anything replaces /proc/self/exe. */
  exe_guard_original_dir();
  bool reexecuted = getenv(REEXEC_ENV) != NULL;
  /* Nothing of ours may reach the container or its hooks. */
  unsetenv(REEXEC_ENV);
  if (exe_guard_is_sealed())
    return 0;
  if (reexecuted)
    return hutch_fail(err, EROFS, "the hutch binary is still writable after re-executing it read-only");
  cleanup_close int exe = readonly_view();
  if (exe < 0 && (exe = sealed_copy(err)) < 0)
    return -1;
  if (setenv(REEXEC_ENV, "1", 1) < 0)
    return hutch_fail_errno(err, "setenv");
  exe_guard_pass_original_dir();
  syscall(SYS_execveat, exe, "", argv, environ, AT_EMPTY_PATH);
  int saved = errno;
  unsetenv(REEXEC_ENV);
  unsetenv(EXE_DIR_ENV);
  return hutch_fail(err, saved, "re-execute hutch from a read-only copy of itself");
}

int exe_guard_protect(struct hutch_error **err)
{
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return hutch_fail_errno(err, "prctl(PR_SET_DUMPABLE)");
  return 0;
}
