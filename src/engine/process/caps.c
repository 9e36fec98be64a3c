#include "engine/process/caps.h"
#include "spec/names.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int caps_last(void)
{
  static int last = -1;
  if (last >= 0)
    return last;
  int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
  char buf[16] = { 0 };
  if (fd >= 0) {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n > 0)
      last = atoi(buf);
  }
  if (last <= 0)
    last = CAP_LAST_CAP;
  return last;
}

static uint64_t to_mask(const oci_strings *names, const char *set)
{
  uint64_t mask = 0;
  for (size_t i = 0; i < names->len; i++) {
    const char *name = names->items[i];
    int cap = name ? oci_capability_lookup(name) : -1;
    if (cap < 0 || cap > caps_last()) {
      log_warning("process.capabilities.%s[%zu]: %s is unknown to this kernel or hutch; ignored", set, i,
                  name ? name : "");
      continue;
    }
    mask |= 1ULL << cap;
  }
  return mask;
}

void caps_from_config(const struct oci_capabilities *c, struct cap_sets *out)
{
  out->bounding = to_mask(&c->bounding, "bounding");
  out->effective = to_mask(&c->effective, "effective");
  out->inheritable = to_mask(&c->inheritable, "inheritable");
  out->permitted = to_mask(&c->permitted, "permitted");
  out->ambient = to_mask(&c->ambient, "ambient");
}

int caps_drop_bounding(const struct cap_sets *sets, struct hutch_error **err)
{
  for (int cap = 0; cap <= caps_last(); cap++) {
    if (sets->bounding & (1ULL << cap))
      continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
      return hutch_fail_errno(err, "process.capabilities.bounding: drop capability %d", cap);
  }
  return 0;
}

static void warn_dropped(uint64_t wanted, uint64_t granted, const char *set)
{
  uint64_t lost = wanted & ~granted;
  for (int cap = 0; lost && cap < 64; cap++)
    if (lost & (1ULL << cap))
      log_warning("process.capabilities.%s: %s cannot be granted here (not in hutch's own permitted or bounding set); "
                  "left out",
                  set, cap < (int) oci_capability_count ? oci_capability_names[cap] : "?");
}

int caps_get_current(uint64_t *permitted, uint64_t *inheritable)
{
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &header, data) < 0)
    return -1;
  *permitted = data[0].permitted | ((uint64_t) data[1].permitted << 32);
  *inheritable = data[0].inheritable | ((uint64_t) data[1].inheritable << 32);
  return 0;
}

int caps_set(const struct cap_sets *wanted, struct hutch_error **err)
{
  /* What the kernel will grant: permitted and effective only from what we
   * hold, inheritable only from the bounding set. The spec (1.1.0) wants a
   * warning, not a failure, for what cannot be granted. */
  uint64_t have_permitted = ~0ULL, have_inheritable = 0;
  if (caps_get_current(&have_permitted, &have_inheritable) < 0)
    return hutch_fail_errno(err, "capget");
  /* Only the inheritable set asks about the bounding set: one prctl per
   * capability wanted there, not per capability the kernel knows. */
  uint64_t bounding = 0;
  for (int cap = 0; cap <= caps_last(); cap++)
    if ((wanted->inheritable & (1ULL << cap)) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1)
      bounding |= 1ULL << cap;
  struct cap_sets g = *wanted;
  g.permitted &= have_permitted;
  g.effective &= g.permitted;
  g.inheritable &= have_inheritable | (bounding & have_permitted);
  warn_dropped(wanted->permitted, g.permitted, "permitted");
  warn_dropped(wanted->effective & have_permitted, g.effective, "effective");
  warn_dropped(wanted->inheritable, g.inheritable, "inheritable");
  const struct cap_sets *sets = &g;
  struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
  struct __user_cap_data_struct data[2] = {
    { (uint32_t) sets->effective, (uint32_t) sets->permitted, (uint32_t) sets->inheritable },
    { (uint32_t) (sets->effective >> 32), (uint32_t) (sets->permitted >> 32), (uint32_t) (sets->inheritable >> 32) },
  };
  if (syscall(SYS_capset, &header, data) < 0)
    return hutch_fail_errno(err, "process.capabilities: capset");
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
    return hutch_fail_errno(err, "process.capabilities.ambient: clear");
  for (int cap = 0; cap <= caps_last(); cap++) {
    if (!(sets->ambient & (1ULL << cap)))
      continue;
    /* The kernel refuses an ambient capability that is not also permitted
     * and inheritable; the spec says such a capability is only a warning. */
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
      log_warning("process.capabilities.ambient: cannot raise capability %d: %s", cap,
                  errno == EPERM ? "not permitted and inheritable" : "refused");
  }
  return 0;
}
