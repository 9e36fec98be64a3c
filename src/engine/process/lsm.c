#include "engine/process/lsm.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

bool lsm_apparmor_enabled(void)
{
  char c = 0;
  int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = read(fd, &c, 1);
  close(fd);
  return n == 1 && c == 'Y';
}

bool lsm_selinux_enabled(void)
{
  return access("/sys/fs/selinux/enforce", F_OK) == 0;
}

int lsm_check(const struct oci_process *p, const struct oci_linux *l, struct hutch_error **err)
{
  if (p && p->apparmor_profile && p->apparmor_profile[0] && !lsm_apparmor_enabled())
    return hutch_fail(err, 0, "process.apparmorProfile: AppArmor is not enabled on this host");
  if (p && p->selinux_label && p->selinux_label[0] && !lsm_selinux_enabled())
    return hutch_fail(err, 0, "process.selinuxLabel: SELinux is not enabled on this host");
  if (l && l->mount_label && l->mount_label[0] && !lsm_selinux_enabled())
    return hutch_fail(err, 0, "linux.mountLabel: SELinux is not enabled on this host");
  return 0;
}

static int write_attr(const char *path, const char *value, const char *what, struct hutch_error **err)
{
  cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hutch_fail_errno(err, "%s: open %s", what, path);
  size_t len = strlen(value);
  if (write(fd, value, len) != (ssize_t) len)
    return hutch_fail_errno(err, "%s: set \"%s\"", what, value);
  return 0;
}

int lsm_set_exec_labels(const struct oci_process *p, struct hutch_error **err)
{
  if (p->apparmor_profile && p->apparmor_profile[0]) {
    char buf[4096];
    /* The profile change happens at the next exec, like aa_change_onexec. */
    size_t n = strlen(p->apparmor_profile);
    if (n > sizeof buf - 6)
      return hutch_fail(err, ENAMETOOLONG, "process.apparmorProfile");
    memcpy(buf, "exec ", 5);
    memcpy(buf + 5, p->apparmor_profile, n + 1);
    const char *path = access("/proc/self/attr/apparmor/exec", F_OK) == 0 ? "/proc/self/attr/apparmor/exec"
                                                                        : "/proc/self/attr/exec";
    if (write_attr(path, buf, "process.apparmorProfile", err) < 0)
      return -1;
  }
  if (p->selinux_label && p->selinux_label[0] &&
      write_attr("/proc/self/attr/exec", p->selinux_label, "process.selinuxLabel", err) < 0)
    return -1;
  return 0;
}
