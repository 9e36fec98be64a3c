/* Rules for `linux.seccomp`. */
#include "spec/names.h"
#include "spec/validate_internal.h"

#include <stdio.h>
#include <string.h>

static bool takes_errno(int action)
{
  return action == OCI_SECCOMP_ACT_ERRNO || action == OCI_SECCOMP_ACT_TRACE;
}

void validate_seccomp(struct vctx *v, const struct oci_seccomp *s)
{
  if (s->default_action.set) {
    if (s->default_errno_ret.set && !takes_errno(s->default_action.value))
      verror(v, "linux.seccomp.defaultErrnoRet", "set, but defaultAction %s takes no errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
             oci_enum_name(&oci_enum_seccomp_action, s->default_action.value));
    if (s->default_action.value == OCI_SECCOMP_ACT_NOTIFY)
      verror(v, "linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
  }
  if (s->listener_metadata && !s->listener_path)
    verror(v, "linux.seccomp.listenerMetadata", "set without listenerPath");
  if (s->listener_path && !is_absolute(s->listener_path))
    verror(v, "linux.seccomp.listenerPath", "must be an absolute path, got \"%s\"", s->listener_path);

  bool notify = false;
  for (size_t i = 0; i < s->syscalls.len; i++) {
    const struct oci_syscall *sc = &s->syscalls.items[i];
    if (sc->names.set && sc->names.len == 0)
      verror(v, vpath(v, "linux.seccomp.syscalls[%zu].names", i), "must name at least one system call");
    for (size_t j = 0; j < sc->names.len; j++)
      if (sc->names.items[j] && !sc->names.items[j][0])
        verror(v, vpath(v, "linux.seccomp.syscalls[%zu].names[%zu]", i, j), "must not be empty");
    if (sc->action.set) {
      notify |= sc->action.value == OCI_SECCOMP_ACT_NOTIFY;
      if (sc->errno_ret.set && !takes_errno(sc->action.value))
        verror(v, vpath(v, "linux.seccomp.syscalls[%zu].errnoRet", i),
               "set, but action %s takes no errno (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE do)",
               oci_enum_name(&oci_enum_seccomp_action, sc->action.value));
    }
    for (size_t j = 0; j < sc->args.len; j++) {
      const struct oci_syscall_arg *a = &sc->args.items[j];
      if (a->index > 5)
        verror(v, vpath(v, "linux.seccomp.syscalls[%zu].args[%zu].index", i, j),
               "%u is not an argument index (system calls have arguments 0 to 5)", (unsigned) a->index);
    }
  }
  if (notify && !s->listener_path)
    verror(v, "linux.seccomp.listenerPath", "required when a rule uses SCMP_ACT_NOTIFY");
}
