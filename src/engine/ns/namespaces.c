#include "engine/ns/namespaces.h"
#include "spec/names.h"
#include "util/cleanup.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

int ns_clone_flag(int type)
{
  switch (type) {
  case OCI_NS_PID:
    return CLONE_NEWPID;
  case OCI_NS_NETWORK:
    return CLONE_NEWNET;
  case OCI_NS_MOUNT:
    return CLONE_NEWNS;
  case OCI_NS_IPC:
    return CLONE_NEWIPC;
  case OCI_NS_UTS:
    return CLONE_NEWUTS;
  case OCI_NS_USER:
    return CLONE_NEWUSER;
  case OCI_NS_CGROUP:
    return CLONE_NEWCGROUP;
  case OCI_NS_TIME:
    return CLONE_NEWTIME;
  default:
    return 0;
  }
}

int ns_plan_build(const struct oci_config *cfg, struct ns_plan *out, struct hutch_error **err)
{
  memset(out, 0, sizeof *out);
  const struct oci_linux *l = cfg->linux_;
  for (size_t i = 0; l && i < l->namespaces.len; i++) {
    const struct oci_namespace *ns = &l->namespaces.items[i];
    int type = ns->type.value;
    int flag = ns_clone_flag(type);
    if (ns->path) {
      int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        ns_plan_release(out);
        return hutch_fail_errno(err, "linux.namespaces[%zu].path: open %s", i, ns->path);
      }
      int actual = ioctl(fd, NS_GET_NSTYPE);
      if (actual != flag) {
        close(fd);
        ns_plan_release(out);
        return hutch_fail(err, 0, "linux.namespaces[%zu].path: %s is not a %s namespace", i, ns->path,
                          oci_enum_name(&oci_enum_namespace_type, type));
      }
      out->joins[out->n_joins++] = (struct ns_join) { type, fd };
      out->join_user |= type == OCI_NS_USER;
      continue;
    }
    switch (type) {
    case OCI_NS_TIME:
      out->new_time = true;
      break;
    case OCI_NS_CGROUP:
      out->new_cgroup = true;
      break;
    default:
      out->new_flags |= flag;
    }
    out->new_user |= type == OCI_NS_USER;
    out->new_pid |= type == OCI_NS_PID;
    out->new_mount |= type == OCI_NS_MOUNT;
    out->new_uts |= type == OCI_NS_UTS;
  }
  return 0;
}

void ns_plan_release(struct ns_plan *plan)
{
  for (size_t i = 0; i < plan->n_joins; i++)
    if (plan->joins[i].fd >= 0)
      close(plan->joins[i].fd);
  plan->n_joins = 0;
}

int ns_join_fd(const struct ns_plan *plan, int type)
{
  for (size_t i = 0; i < plan->n_joins; i++)
    if (plan->joins[i].type == type)
      return plan->joins[i].fd;
  return -1;
}

int ns_join_all(const struct ns_plan *plan, int except_type, struct hutch_error **err)
{
  /* The user namespace first: it decides what the others may be joined with. */
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < plan->n_joins; i++) {
      const struct ns_join *j = &plan->joins[i];
      if ((pass == 0) != (j->type == OCI_NS_USER) || j->type == except_type)
        continue;
      if (setns(j->fd, ns_clone_flag(j->type)) < 0)
        return hutch_fail_errno(err, "join the %s namespace", oci_enum_name(&oci_enum_namespace_type, j->type));
    }
  }
  return 0;
}

static int write_map(pid_t pid, const char *file, const oci_id_mappings *maps, struct hutch_error **err)
{
  cleanup_strbuf struct strbuf text = STRBUF_INIT;
  for (size_t i = 0; i < maps->len; i++)
    strbuf_addf(&text, "%u %u %u\n", maps->items[i].container_id, maps->items[i].host_id, maps->items[i].size);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int) pid, file);
  cleanup_close int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hutch_fail_errno(err, "open %s", path);
  /* The kernel takes the whole map in a single write. */
  if (write(fd, text.buf, text.len) != (ssize_t) text.len)
    return hutch_fail_errno(err, "linux.%s: write %s", strcmp(file, "uid_map") == 0 ? "uidMappings" : "gidMappings",
                            path);
  return 0;
}

int ns_write_id_maps(pid_t pid, const struct oci_linux *l, struct hutch_error **err)
{
  if (write_map(pid, "uid_map", &l->uid_mappings, err) < 0)
    return -1;
  return write_map(pid, "gid_map", &l->gid_mappings, err);
}

int ns_unshare_time(const struct oci_linux *l, struct hutch_error **err)
{
  if (unshare(CLONE_NEWTIME) < 0)
    return hutch_fail_errno(err, "create the time namespace");
  cleanup_strbuf struct strbuf text = STRBUF_INIT;
  for (size_t i = 0; l && i < l->time_offsets.len; i++) {
    const struct oci_time_offset *t = &l->time_offsets.items[i];
    /* CLOCK_MONOTONIC is 1, CLOCK_BOOTTIME 7. */
    int clock = strcmp(t->clock, "boottime") == 0 ? 7 : 1;
    strbuf_addf(&text, "%d %lld %u\n", clock, (long long) t->secs.value, (unsigned) t->nanosecs.value);
  }
  if (!text.len)
    return 0;
  cleanup_close int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hutch_fail_errno(err, "open /proc/self/timens_offsets");
  if (write(fd, text.buf, text.len) != (ssize_t) text.len)
    return hutch_fail_errno(err, "linux.timeOffsets: write /proc/self/timens_offsets");
  return 0;
}
