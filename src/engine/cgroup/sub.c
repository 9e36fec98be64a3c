#include "engine/cgroup/sub.h"
#include "util/cleanup.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

/* A sub-path stays inside the container's cgroup: relative, no "..". */
static int check_path(const char *spec, const char *path, struct hutch_error **err)
{
  if (!*path)
    return hutch_fail(err, 0, "--cgroup %s: empty path", spec);
  if (path[0] == '/')
    return hutch_fail(err, 0, "--cgroup %s: the path is relative to the container's cgroup, not absolute", spec);
  for (const char *p = path; *p;) {
    size_t len = strcspn(p, "/");
    if (len == 2 && p[0] == '.' && p[1] == '.')
      return hutch_fail(err, 0, "--cgroup %s: \"..\" would leave the container's cgroup", spec);
    p += len;
    p += strspn(p, "/");
  }
  return 0;
}

/* Whether a v1 hierarchy's mount options name controller. */
static bool has_controller(const char *controllers, const char *controller, size_t len)
{
  for (const char *p = controllers; *p;) {
    size_t n = strcspn(p, ",");
    if (n == len && strncmp(p, controller, len) == 0)
      return true;
    p += n;
    p += *p == ',';
  }
  return false;
}

/* The entry that names one of this hierarchy's controllers, else the
 * controller-less one, else NULL. */
static const char *path_for(const struct cgroup_hierarchy *h, const char *const *specs, size_t n_specs)
{
  const char *fallback = NULL;
  for (size_t i = 0; i < n_specs; i++) {
    const char *colon = strchr(specs[i], ':');
    if (!colon) {
      fallback = specs[i];
      continue;
    }
    if (h->version != CGROUP_V1)
      continue;
    for (const char *c = specs[i]; c < colon;) {
      size_t len = strcspn(c, ",:");
      if (has_controller(h->controllers, c, len))
        return colon + 1;
      c += len;
      c += *c == ',';
    }
  }
  return fallback;
}

int cgroup_sub_resolve(const struct cgroup_layout *layout, char *const *base, size_t n, const char *const *specs,
                       size_t n_specs, char ***dirs, struct hutch_error **err)
{
  *dirs = NULL;
  for (size_t i = 0; i < n_specs; i++) {
    const char *colon = strchr(specs[i], ':');
    if (colon && (colon == specs[i] || colon[-1] == ','))
      return hutch_fail(err, 0, "--cgroup %s: expected [<controller>[,<controller>...]:]<path>", specs[i]);
    if (colon && layout->kind == CGROUP_LAYOUT_V2)
      return hutch_fail(err, 0, "--cgroup %s: cgroup v2 has one hierarchy, give the path without controllers",
                        specs[i]);
    if (check_path(specs[i], colon ? colon + 1 : specs[i], err) < 0)
      return -1;
    if (layout->kind == CGROUP_LAYOUT_V2 && n_specs > 1)
      return hutch_fail(err, 0, "--cgroup: cgroup v2 takes a single path");
  }
  char **out = xcalloc(n ? n : 1, sizeof *out);
  for (size_t i = 0; i < n; i++) {
    const char *sub = path_for(&layout->items[i], specs, n_specs);
    out[i] = sub ? xasprintf("%s/%s", base[i], sub) : xstrdup(base[i]);
    if (!sub)
      continue;
    struct stat st;
    int e = stat(out[i], &st) < 0 ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;
    if (e) {
      hutch_fail(err, 0, "--cgroup %s: %s is not a cgroup of the container (%s)", sub, out[i], strerror(e));
      cgroup_sub_release(out, i + 1);
      return -1;
    }
  }
  *dirs = out;
  return 0;
}

void cgroup_sub_release(char **dirs, size_t n)
{
  for (size_t i = 0; dirs && i < n; i++)
    free(dirs[i]);
  free(dirs);
}
