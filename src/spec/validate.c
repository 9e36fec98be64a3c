/* The entry point of validation and the top-level rules: ociVersion,
 * platforms, root, hostname, annotations. */
#include "spec/config.h"
#include "spec/names.h"
#include "spec/validate_internal.h"
#include "spec/version.h"
#include "util/json.h"
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

static void validate_version(struct vctx *v)
{
  const char *ver = v->cfg->oci_version;
  if (!ver)
    return;
  struct semver sv;
  if (!semver_parse(ver, &sv)) {
    verror(v, "ociVersion", "\"%s\" is not a SemVer 2.0.0 version", ver);
    return;
  }
  if (!oci_version_supported(&sv))
    verror(v, "ociVersion", "%s is not supported: hutch accepts %s through %s (any patch release of 1.0 to 1.3)",
           ver, HUTCH_OCI_VERSION_MIN, HUTCH_OCI_VERSION_MAX);
}

static void validate_platforms(struct vctx *v)
{
  const void *present[OCI_PLATFORM_COUNT] = {
    [OCI_PLATFORM_SOLARIS] = v->cfg->solaris,
    [OCI_PLATFORM_WINDOWS] = v->cfg->windows,
    [OCI_PLATFORM_VM] = v->cfg->vm,
    [OCI_PLATFORM_ZOS] = v->cfg->zos,
    [OCI_PLATFORM_FREEBSD] = v->cfg->freebsd,
  };
  for (int i = 0; i < OCI_PLATFORM_COUNT; i++) {
    const char *name = oci_enum_name(&oci_enum_platform, i);
    if (present[i])
      verror(v, name, "platform \"%s\" is not supported by hutch (it runs Linux containers only)", name);
  }
}

static void validate_root(struct vctx *v)
{
  const struct oci_root *root = v->cfg->root;
  /* Required everywhere but Windows Hyper-V, which hutch does not run. */
  require(v, root != NULL, "root");
  if (root && root->path && !root->path[0])
    verror(v, "root.path", "must not be empty");
}

/* Without a UTS namespace of its own the container would rename the host. */
static void validate_names(struct vctx *v)
{
  static const char *const keys[] = { "hostname", "domainname" };
  const char *values[] = { v->cfg->hostname, v->cfg->domainname };
  for (size_t i = 0; i < 2; i++) {
    if (values[i] && values[i][0] && !find_namespace(v->cfg, OCI_NS_UTS))
      verror(v, keys[i], "needs a \"uts\" entry in linux.namespaces (hutch will not rename the host)");
    if (values[i] && strlen(values[i]) > 64)
      verror(v, keys[i], "longer than the kernel's 64-byte limit");
  }
}

static void validate_annotations(struct vctx *v)
{
  static const char *const allowed[] = {
    "org.opencontainers.image.os", "org.opencontainers.image.os.version",
    "org.opencontainers.image.os.features", "org.opencontainers.image.architecture",
    "org.opencontainers.image.variant", "org.opencontainers.image.author",
    "org.opencontainers.image.created", "org.opencontainers.image.stopSignal",
  };
  const oci_string_map *a = &v->cfg->annotations;
  for (size_t i = 0; i < a->len; i++) {
    const char *key = a->items[i].key;
    if (!key[0]) {
      verror(v, "annotations", "keys must not be empty");
      continue;
    }
    if (strncmp(key, "org.opencontainers.", 19) != 0)
      continue;
    bool ok = false;
    for (size_t j = 0; j < sizeof allowed / sizeof *allowed; j++)
      ok |= strcmp(key, allowed[j]) == 0;
    if (!ok)
      vwarn(v, vpath(v, "annotations.%s", key), "the org.opencontainers prefix is reserved by the spec");
  }
}

void oci_process_validate(const struct oci_process *p, struct diag_list *diags)
{
  struct vctx v = { .cfg = NULL, .diags = diags };
  validate_process(&v, p, "");
}

void oci_resources_validate(const struct oci_resources *r, struct diag_list *diags)
{
  struct vctx v = { .cfg = NULL, .diags = diags };
  validate_resources(&v, r, "linux.resources");
}

void oci_config_validate(const struct oci_config *cfg, struct diag_list *diags)
{
  struct vctx v = { .cfg = cfg, .diags = diags };
  validate_version(&v);
  validate_platforms(&v);
  validate_root(&v);
  validate_names(&v);
  validate_annotations(&v);
  validate_mounts(&v);
  validate_hooks(&v);
  if (cfg->process)
    validate_process(&v, cfg->process, "process");
  else
    vwarn(&v, "process", "absent: the container can be created but `start` will fail");
  validate_linux(&v);
}
