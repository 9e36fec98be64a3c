/* The entry point of validation and the top-level rules: ociVersion,
 * platforms, root, hostname, annotations. */
#include "spec/config.h"
#include "spec/names.h"
#include "spec/validate_internal.h"
#include "spec/version.h"

#include <stdlib.h>
#include <stdio.h>
#include <string.h>

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
