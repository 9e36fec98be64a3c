/* The bundle's rootfs as a PVE template: a tar PVE unpacks with
 * --numeric-owner --acls --xattrs, shifting owners itself for an
 * unprivileged CT. GNU tar writes it (owners, modes, setuid bits, xattrs,
 * ACLs, device nodes, sparse files); for an unprivileged CT an owner map
 * undoes the shift a rootfs made for PVE's id map already carries. */
#include "backend/proxmox/proxmox.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The ids seen in the tree, for the owner maps (nftw has no user data). */
static struct {
  unsigned *uids, *gids;
  size_t n_uids, n_gids;
} seen;

static void add_id(unsigned **ids, size_t *n, unsigned id)
{
  for (size_t i = 0; i < *n; i++)
    if ((*ids)[i] == id)
      return;
  *ids = xrealloc(*ids, (*n + 1) * sizeof **ids);
  (*ids)[(*n)++] = id;
}

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
  (void) path, (void) ftw;
  if (type == FTW_NS)
    return 0;
  add_id(&seen.uids, &seen.n_uids, st->st_uid);
  add_id(&seen.gids, &seen.n_gids, st->st_gid);
  return 0;
}

/* GNU tar's --owner-map/--group-map: "+OLD NAME:NEW" per line. Ids in PVE's
 * range go back by its base; others stay (PVE then shifts them as if the
 * rootfs had not been made for the map). */
static int write_map(const char *path, const unsigned *ids, size_t n, struct hutch_error **err)
{
  cleanup_fclose FILE *f = fopen(path, "we");
  if (!f)
    return hutch_fail_errno(err, "proxmox: template: %s", path);
  for (size_t i = 0; i < n; i++) {
    unsigned id = ids[i];
    if (id >= PVE_USERNS_BASE && id < PVE_USERNS_BASE + PVE_USERNS_SIZE)
      fprintf(f, "+%u x:%u\n", id, id - PVE_USERNS_BASE);
  }
  if (fflush(f) != 0)
    return hutch_fail_errno(err, "proxmox: template: %s", path);
  return 0;
}

int pve_template_write(const char *rootfs, const char *dest, bool unprivileged, struct hutch_error **err)
{
  cleanup_free char *uid_map = xasprintf("%s.uidmap", dest);
  cleanup_free char *gid_map = xasprintf("%s.gidmap", dest);
  cleanup_free char *owner_opt = xasprintf("--owner-map=%s", uid_map);
  cleanup_free char *group_opt = xasprintf("--group-map=%s", gid_map);
  /* The image may hold what only its owners may read: so may the tar. */
  mode_t old_umask = umask(077);
  if (unprivileged) {
    memset(&seen, 0, sizeof seen);
    int r = 0;
    if (nftw(rootfs, collect, 64, FTW_PHYS | FTW_MOUNT) != 0)
      r = hutch_fail_errno(err, "proxmox: template: walk %s", rootfs);
    if (r == 0)
      r = write_map(uid_map, seen.uids, seen.n_uids, err);
    if (r == 0)
      r = write_map(gid_map, seen.gids, seen.n_gids, err);
    free(seen.uids);
    free(seen.gids);
    memset(&seen, 0, sizeof seen);
    if (r < 0) {
      unlink(uid_map);
      unlink(gid_map);
      umask(old_umask);
      return -1;
    }
  }
  char *argv[] = {
    (char *) "/bin/tar", (char *) "--create", (char *) "--file", (char *) dest, (char *) "--numeric-owner",
    (char *) "--acls", (char *) "--xattrs", (char *) "--xattrs-include=*", (char *) "--sparse",
    (char *) "--one-file-system", (char *) "--directory", (char *) rootfs,
    unprivileged ? owner_opt : (char *) ".", unprivileged ? group_opt : NULL, unprivileged ? (char *) "." : NULL,
    NULL,
  };
  int r = pve_call("make the template (tar)", argv, NULL, err);
  umask(old_umask);
  if (unprivileged) {
    unlink(uid_map);
    unlink(gid_map);
  }
  if (r < 0)
    unlink(dest);
  return r;
}
