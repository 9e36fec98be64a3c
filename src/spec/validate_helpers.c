/* What the validator's rule files share: JSON paths for messages, namespace
 * lookups, path checks, repeated keys, the environment, id mappings and CPU
 * lists (validate_internal.h declares them). */
#include "spec/validate_internal.h"
#include "util/cpulist.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

const char *vpath(struct vctx *v, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(v->path, sizeof v->path, fmt, ap);
  va_end(ap);
  return v->path;
}

const struct oci_namespace *find_namespace(const struct oci_config *cfg, enum oci_namespace_type type)
{
  if (!cfg->linux_)
    return NULL;
  const oci_namespaces *ns = &cfg->linux_->namespaces;
  for (size_t i = 0; i < ns->len; i++)
    if (ns->items[i].type.set && ns->items[i].type.value == (int) type)
      return &ns->items[i];
  return NULL;
}

bool has_new_namespace(const struct oci_config *cfg, enum oci_namespace_type type)
{
  const struct oci_namespace *ns = find_namespace(cfg, type);
  return ns && !ns->path;
}

bool is_absolute(const char *path)
{
  return path && path[0] == '/';
}

bool has_dotdot(const char *path)
{
  const char *p = path;
  while ((p = strstr(p, "..")) != NULL) {
    bool starts = p == path || p[-1] == '/';
    bool ends = p[2] == '\0' || p[2] == '/';
    if (starts && ends)
      return true;
    p += 2;
  }
  return false;
}

void check_env(struct vctx *v, const oci_strings *env, const char *base)
{
  for (size_t i = 0; i < env->len; i++) {
    const char *e = env->items[i];
    if (!e)
      continue;
    const char *eq = strchr(e, '=');
    if (!eq || eq == e)
      verror(v, vpath(v, "%s[%zu]", base, i), "expected \"KEY=value\", got \"%s\"", e);
  }
}

static bool ranges_overlap(uint32_t a, uint32_t b, uint32_t size_a, uint32_t size_b)
{
  return a < (uint64_t) b + size_b && b < (uint64_t) a + size_a;
}

struct keyed {
  const char *key;
  size_t index;
};

static int compare_keyed(const void *a, const void *b)
{
  const struct keyed *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  if (c)
    return c;
  return x->index < y->index ? -1 : x->index > y->index;
}

void for_each_repeat(const char *const *keys, size_t n, void (*fn)(size_t later, size_t first, void *ctx), void *ctx)
{
  if (n < 2)
    return;
  struct keyed *sorted = xcalloc(n, sizeof *sorted);
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (keys[i])
      sorted[m++] = (struct keyed) { keys[i], i };
  qsort(sorted, m, sizeof *sorted, compare_keyed);
  size_t run_start = 0;
  for (size_t i = 1; i < m; i++) {
    if (strcmp(sorted[i].key, sorted[run_start].key) != 0)
      run_start = i;
    else
      fn(sorted[i].index, sorted[run_start].index, ctx);
  }
  free(sorted);
}

bool has_error_under(const struct vctx *v, const char *path)
{
  size_t n = strlen(path);
  for (size_t i = 0; i < v->diags->len; i++) {
    const struct diag *d = &v->diags->items[i];
    if (d->level == DIAG_ERROR && strncmp(d->path, path, n) == 0 &&
        (d->path[n] == '\0' || d->path[n] == '.' || d->path[n] == '['))
      return true;
  }
  return false;
}

void require(struct vctx *v, bool present, const char *path)
{
  /* A member that is there but failed to decode was reported already. */
  if (!present && !has_error_under(v, path))
    verror(v, path, "required");
}

void check_id_mappings(struct vctx *v, const oci_id_mappings *maps, const char *base)
{
  /* The kernel's limit on uid_map/gid_map lines. */
  enum { MAX_MAPPINGS = 340 };
  if (maps->len > MAX_MAPPINGS) {
    verror(v, vpath(v, "%s", base), "%zu entries; the kernel accepts at most %d", maps->len, MAX_MAPPINGS);
    return;
  }
  for (size_t i = 0; i < maps->len; i++) {
    const struct oci_id_mapping *m = &maps->items[i];
    if (has_error_under(v, vpath(v, "%s[%zu]", base, i)))
      continue; /* its numbers did not decode */
    if (m->size == 0) {
      verror(v, vpath(v, "%s[%zu].size", base, i), "must be greater than 0");
      continue;
    }
    /* (uid_t) -1 is never an ID: a range must end at 4294967294. */
    if ((uint64_t) m->container_id + m->size > UINT32_MAX)
      verror(v, vpath(v, "%s[%zu].size", base, i), "containerID %u + size %u goes past the 32-bit ID range",
             m->container_id, m->size);
    if ((uint64_t) m->host_id + m->size > UINT32_MAX)
      verror(v, vpath(v, "%s[%zu].size", base, i), "hostID %u + size %u goes past the 32-bit ID range",
             m->host_id, m->size);
    for (size_t j = 0; j < i; j++) {
      const struct oci_id_mapping *o = &maps->items[j];
      if (o->size == 0)
        continue;
      if (ranges_overlap(m->container_id, o->container_id, m->size, o->size)) {
        verror(v, vpath(v, "%s[%zu].containerID", base, i), "range overlaps %s[%zu]", base, j);
        break;
      }
      if (ranges_overlap(m->host_id, o->host_id, m->size, o->size)) {
        verror(v, vpath(v, "%s[%zu].hostID", base, i), "range overlaps %s[%zu]", base, j);
        break;
      }
    }
  }
}

void check_cpu_list(struct vctx *v, const char *list, const char *path)
{
  char why[128];
  /* CPU and node numbers beyond this do not exist on any Linux build. */
  if (!cpulist_valid(list, 8191, why, sizeof why))
    verror(v, path, "\"%s\" is not a valid list (%s); expected e.g. \"0-3,7\"", list, why);
}
