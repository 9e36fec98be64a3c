/* The cgroup v2 device program, on a real cgroup2 directory: a child in
 * the cgroup may open what the list allows and nothing it denies. Needs
 * root and a cgroup2 mount (this host's /sys/fs/cgroup/unified, or
 * /sys/fs/cgroup on a pure v2 host). */
#include "engine/cgroup/device_filter.h"
#include "tap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char *cgroup2_root(void)
{
  static const char *const candidates[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };
  for (size_t i = 0; i < 2; i++) {
    struct statfs st;
    if (statfs(candidates[i], &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC)
      return candidates[i];
  }
  return NULL;
}

/* In a child moved into dir: 0 if path opens for reading, else errno. */
static int try_open_in(const char *dir, const char *path, int flags)
{
  int pipefd[2];
  if (pipe(pipefd) < 0)
    return -1;
  pid_t pid = fork();
  if (pid == 0) {
    char procs[4096], me[16];
    snprintf(procs, sizeof procs, "%s/cgroup.procs", dir);
    int fd = open(procs, O_WRONLY);
    int n = snprintf(me, sizeof me, "%d", (int) getpid());
    int result = fd >= 0 && write(fd, me, (size_t) n) == n ? 0 : -2;
    if (result == 0) {
      int dev = open(path, flags);
      result = dev >= 0 ? 0 : errno;
    }
    ssize_t w = write(pipefd[1], &result, sizeof result);
    _exit(w == sizeof result ? 0 : 1);
  }
  close(pipefd[1]);
  int result = -1;
  if (read(pipefd[0], &result, sizeof result) != sizeof result)
    result = -1;
  close(pipefd[0]);
  waitpid(pid, NULL, 0);
  return result;
}

int main(void)
{
  const char *root = cgroup2_root();
  if (geteuid() != 0 || !root) {
    tap_ok(false, "needs root and a cgroup2 mount (euid %d, cgroup2 %s)", (int) geteuid(), root ? root : "none");
    return tap_done();
  }
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/hutch-devtest-%d", root, (int) getpid());
  tap_ok(mkdir(dir, 0755) == 0, "a throwaway cgroup2 directory");

  tap_ok(try_open_in(dir, "/dev/zero", O_RDONLY) == 0, "before the program, /dev/zero opens");
  /* Deny everything, allow kmsg (c 1:11, not a default) for reading only. */
  struct oci_device_cgroup rules[] = {
    { .allow = false, .access = (char *) "rwm" },
    { .allow = true, .type = (char *) "c", .major = { 1, true }, .minor = { 11, true }, .access = (char *) "r" },
    { .allow = false, .type = (char *) "c", .major = { 1, true }, .minor = { 3, true }, .access = (char *) "rwm" },
  };
  oci_device_cgroups list = { rules, 3, true };
  struct hutch_error *err = NULL;
  int r = device_filter_attach(dir, &list, &err);
  tap_ok(r == 0, "the program loads and attaches%s%s", err ? ": " : "", err ? err->msg : "");
  hutch_error_free(err);
  mknod("/tmp/hutch-devtest-kmsg", S_IFCHR | 0600, makedev(1, 11));
  tap_ok(try_open_in(dir, "/tmp/hutch-devtest-kmsg", O_RDONLY) == 0, "an allowed device (c 1:11 r) opens for reading");
  tap_ok(try_open_in(dir, "/tmp/hutch-devtest-kmsg", O_WRONLY) == EPERM, "but not for writing: the rule allows r only");
  unlink("/tmp/hutch-devtest-kmsg");
  tap_ok(try_open_in(dir, "/dev/full", O_RDWR) == 0, "a default device (c 1:7) stays usable after deny-all");
  /* The defaults come after the list and win, as they do in runc. */
  tap_ok(try_open_in(dir, "/dev/null", O_RDWR) == 0, "the defaults win over a deny of /dev/null in the list");
  mknod("/tmp/hutch-devtest-loop0", S_IFBLK | 0600, makedev(7, 0));
  int denied = try_open_in(dir, "/tmp/hutch-devtest-loop0", O_RDONLY);
  tap_ok(denied == EPERM, "a device the list denies (b 7:0) is refused with EPERM (got %d)", denied);
  unlink("/tmp/hutch-devtest-loop0");
  tap_ok(rmdir(dir) == 0, "the cgroup is removed (the program goes with it)");
  return tap_done();
}
