#include "engine/fs/idmap.h"
#include "engine/ns/namespaces.h"
#include "util/cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int idmap_userns_fd(const oci_id_mappings *uids, const oci_id_mappings *gids, struct hutch_error **err)
{
  /* A child in a fresh user namespace whose maps we write; its namespace
   * outlives it through the fd. */
  int ready[2];
  if (pipe2(ready, O_CLOEXEC) < 0)
    return hutch_fail_errno(err, "pipe");
  pid_t child = (pid_t) syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, NULL, NULL, NULL, NULL);
  if (child == 0) {
    char c;
    close(ready[1]);
    ssize_t n = read(ready[0], &c, 1); /* until the parent is done */
    (void) n;
    _exit(0);
  }
  close(ready[0]);
  if (child < 0) {
    close(ready[1]);
    return hutch_fail_errno(err, "create a user namespace for an ID-mapped mount");
  }
  struct oci_linux maps = { .uid_mappings = *uids, .gid_mappings = *gids };
  int fd = -1;
  if (ns_write_id_maps(child, &maps, err) == 0) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int) child);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      hutch_fail_errno(err, "open %s", path);
  }
  close(ready[1]);
  waitpid(child, NULL, 0);
  return fd;
}

int idmap_open_tree(const char *source, bool rbind, bool ridmap, int userns_fd, uint64_t attrs,
                    struct hutch_error **err)
{
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rbind ? AT_RECURSIVE : 0);
  cleanup_close int tree = (int) syscall(SYS_open_tree, AT_FDCWD, source, flags);
  if (tree < 0)
    return hutch_fail_errno(err, "open_tree %s", source);
  struct mount_attr attr = {
    .attr_set = MOUNT_ATTR_IDMAP,
    .userns_fd = (unsigned long long) userns_fd,
  };
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return hutch_fail_errno(err, "ID-map %s", source);
  if (attrs) {
    struct mount_attr more = { .attr_set = attrs };
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (rbind ? AT_RECURSIVE : 0), &more, sizeof more) < 0)
      return hutch_fail_errno(err, "set the options of %s", source);
  }
  return steal_fd(&tree);
}
