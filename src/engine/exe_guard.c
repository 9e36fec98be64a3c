#include "engine/exe_guard.h"
#include "spec/names.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define SEALED_ENV "_HUTCH_SEALED_EXE"

extern char **environ;

bool exe_guard_config_has_userns(const struct oci_config *cfg)
{
  for (size_t i = 0; cfg->linux_ && i < cfg->linux_->namespaces.len; i++)
    if (cfg->linux_->namespaces.items[i].type.value == OCI_NS_USER)
      return true; /* new or joined: either way not the host's */
  return false;
}

bool exe_guard_config_has_private_pidns(const struct oci_config *cfg)
{
  for (size_t i = 0; cfg->linux_ && i < cfg->linux_->namespaces.len; i++) {
    const struct oci_namespace *ns = &cfg->linux_->namespaces.items[i];
    if (ns->type.value == OCI_NS_PID)
      return ns->path == NULL;
  }
  return false;
}

bool exe_guard_needs_copy(bool own_userns, bool private_pidns, const struct oci_process *p)
{
  if (own_userns)
    return false;
  if (!private_pidns)
    return true;
  /* Without a capabilities object the process keeps every capability. */
  if (!p || !p->capabilities)
    return true;
  const oci_strings *b = &p->capabilities->bounding;
  for (size_t i = 0; i < b->len; i++)
    if (b->items[i] && strcmp(b->items[i], "CAP_SYS_PTRACE") == 0)
      return true;
  return false;
}

bool exe_guard_is_sealed(void)
{
  return getenv(SEALED_ENV) != NULL;
}

int exe_guard_reexec_sealed(char **argv, struct hutch_error **err)
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
  if (setenv(SEALED_ENV, "1", 1) < 0)
    return hutch_fail_errno(err, "setenv");
  fexecve(copy, argv, environ);
  return hutch_fail_errno(err, "execute the sealed copy of the hutch binary");
}

int exe_guard_protect(struct hutch_error **err)
{
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
    return hutch_fail_errno(err, "prctl(PR_SET_DUMPABLE)");
  return 0;
}
