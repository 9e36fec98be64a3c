/* Rules for `mounts` and `hooks`. */
#include "spec/names.h"
#include "spec/validate_internal.h"

#include <stdio.h>
#include <string.h>

static bool has_option(const struct oci_mount *m, const char *name)
{
  for (size_t i = 0; i < m->options.len; i++)
    if (m->options.items[i] && strcmp(m->options.items[i], name) == 0)
      return true;
  return false;
}

static void validate_mount(struct vctx *v, const struct oci_mount *m, size_t i)
{
  if (m->destination) {
    if (!m->destination[0])
      verror(v, vpath(v, "mounts[%zu].destination", i), "must not be empty");
    else if (!is_absolute(m->destination))
      vwarn(v, vpath(v, "mounts[%zu].destination", i),
            "\"%s\" is relative: read as relative to \"/\" (deprecated since 1.2.0)", m->destination);
  }
  bool bind = has_option(m, "bind") || has_option(m, "rbind");
  if (bind && (!m->source || !m->source[0]))
    verror(v, vpath(v, "mounts[%zu].source", i), "required for a bind mount");

  if (m->uid_mappings.set && !m->gid_mappings.set)
    verror(v, vpath(v, "mounts[%zu].gidMappings", i), "required when uidMappings is set");
  if (m->gid_mappings.set && !m->uid_mappings.set)
    verror(v, vpath(v, "mounts[%zu].uidMappings", i), "required when gidMappings is set");
  char base[64];
  snprintf(base, sizeof base, "mounts[%zu].uidMappings", i);
  check_id_mappings(v, &m->uid_mappings, base);
  snprintf(base, sizeof base, "mounts[%zu].gidMappings", i);
  check_id_mappings(v, &m->gid_mappings, base);

  bool idmap = has_option(m, "idmap") || has_option(m, "ridmap");
  bool own_mappings = m->uid_mappings.len > 0 && m->gid_mappings.len > 0;
  if (idmap && !own_mappings && !find_namespace(v->cfg, OCI_NS_USER))
    verror(v, vpath(v, "mounts[%zu].options", i),
           "\"%s\" needs uidMappings and gidMappings on the mount or a user namespace to take them from",
           has_option(m, "ridmap") ? "ridmap" : "idmap");
  if (!idmap && (m->uid_mappings.len || m->gid_mappings.len))
    vwarn(v, vpath(v, "mounts[%zu].options", i),
          "the mount has ID mappings but no \"idmap\" or \"ridmap\" option; it is ID-mapped anyway");
}

void validate_mounts(struct vctx *v)
{
  const oci_mounts *mounts = &v->cfg->mounts;
  for (size_t i = 0; i < mounts->len; i++)
    validate_mount(v, &mounts->items[i], i);
}

void validate_hooks(struct vctx *v)
{
  const struct oci_hooks *h = v->cfg->hooks;
  if (!h)
    return;
  for (int k = 0; k < OCI_HOOK_KIND_COUNT; k++) {
    const char *kind = oci_enum_name(&oci_enum_hook_kind, k);
    const oci_hook_list *list = &h->kinds[k];
    if (k == OCI_HOOK_PRESTART && list->len > 0)
      vwarn(v, "hooks.prestart", "deprecated since 1.0.2; use createRuntime");
    for (size_t i = 0; i < list->len; i++) {
      const struct oci_hook *hook = &list->items[i];
      if (hook->path && !is_absolute(hook->path))
        verror(v, vpath(v, "hooks.%s[%zu].path", kind, i), "must be an absolute path, got \"%s\"", hook->path);
      if (hook->timeout.set && hook->timeout.value < 1)
        verror(v, vpath(v, "hooks.%s[%zu].timeout", kind, i), "must be greater than 0, got %lld",
               (long long) hook->timeout.value);
      char base[64];
      snprintf(base, sizeof base, "hooks.%s[%zu].env", kind, i);
      check_env(v, &hook->env, base);
    }
  }
}
