#include "engine/fs/host_mounts.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
  char *out = s;
  for (char *p = s; *p;) {
    if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7' && p[3] >= '0' && p[3] <= '7') {
      *out++ = (char) (((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
      p += 4;
    } else {
      *out++ = *p++;
    }
  }
  *out = '\0';
}

int mount_ids_at(const char *mountinfo, const char *path, struct mount_ids *out, struct hutch_error **err)
{
  out->ids = NULL;
  out->n = 0;
  cleanup_fclose FILE *f = fopen(mountinfo, "re");
  if (!f)
    return hutch_fail_errno(err, "open %s", mountinfo);
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0) {
    /* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ..." */
    unsigned long long id;
    char *point = NULL;
    if (sscanf(line, "%llu %*u %*s %*s %ms", &id, &point) != 2) {
      free(point);
      continue;
    }
    unescape(point);
    if (strcmp(point, path) == 0) {
      out->ids = xrealloc(out->ids, (out->n + 1) * sizeof *out->ids);
      out->ids[out->n++] = id;
    }
    free(point);
  }
  return 0;
}

void mount_ids_release(struct mount_ids *ids)
{
  free(ids->ids);
  ids->ids = NULL;
  ids->n = 0;
}

static bool contains(const struct mount_ids *ids, uint64_t id)
{
  for (size_t i = 0; ids && i < ids->n; i++)
    if (ids->ids[i] == id)
      return true;
  return false;
}

uint64_t mount_new_at(const char *mountinfo, const char *path, const struct mount_ids *before)
{
  struct mount_ids now;
  if (mount_ids_at(mountinfo, path, &now, NULL) < 0)
    return 0;
  uint64_t found = 0;
  for (size_t i = now.n; i-- > 0 && !found;)
    if (!contains(before, now.ids[i]))
      found = now.ids[i];
  mount_ids_release(&now);
  return found;
}

int mount_detach_at(const char *path, uint64_t id, struct hutch_error **err)
{
  struct mount_ids now;
  if (mount_ids_at("/proc/self/mountinfo", path, &now, err) < 0)
    return -1;
  bool present = contains(&now, id), top = now.n && now.ids[now.n - 1] == id;
  mount_ids_release(&now);
  if (!present)
    return 0;
  /* Something was mounted over it since: detaching by path would take
   * that instead. */
  if (!top)
    return hutch_fail(err, 0, "%s: the container's root mount %llu is covered by another mount; left in place", path,
                      (unsigned long long) id);
  if (umount2(path, MNT_DETACH) < 0)
    return hutch_fail_errno(err, "detach the container's mounts at %s", path);
  return 0;
}
