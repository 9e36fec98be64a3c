#include "backend/backend.h"
#include "backend/select.h"
#include "spec/version.h"
#include "util/cleanup.h"
#include "version.h"

#include <errno.h>
#include <string.h>

static const struct hutch_backend *const backends[] = {
  &hutch_backend_native,
  &hutch_backend_lxc,
  &hutch_backend_proxmox,
};

const struct hutch_backend *hutch_backend_lookup(const char *name)
{
  for (size_t i = 0; i < ARRAY_SIZE(backends); i++)
    if (strcmp(backends[i]->name, name) == 0)
      return backends[i];
  return NULL;
}

int hutch_backend_require(const struct hutch_backend *b, enum hutch_op op, struct hutch_error **err)
{
  bool has;
  switch (op) {
  case HUTCH_OP_CREATE: has = b->create; break;
  case HUTCH_OP_START: has = b->start; break;
  case HUTCH_OP_RUN: has = b->run; break;
  case HUTCH_OP_STATE: has = b->state; break;
  case HUTCH_OP_STATUS: has = b->status; break;
  case HUTCH_OP_KILL: has = b->kill; break;
  case HUTCH_OP_DELETE: has = b->delete_; break;
  case HUTCH_OP_EXEC: has = b->exec; break;
  case HUTCH_OP_PS: has = b->ps; break;
  case HUTCH_OP_PAUSE: has = b->pause; break;
  case HUTCH_OP_RESUME: has = b->resume; break;
  case HUTCH_OP_UPDATE: has = b->update; break;
  case HUTCH_OP_STATS: has = b->stats; break;
  default: has = false;
  }
  if (!has)
    return hutch_fail_as(err, ENOSYS, "not supported by the %s backend", b->name);
  return 0;
}

const char *hutch_backend_names(void)
{
  return "native, lxc, proxmox";
}

struct oci_features *hutch_features_base(struct arena *arena, const char *backend)
{
  struct oci_features *f = arena_calloc(arena, 1, sizeof *f);
  f->oci_version_min = arena_strdup(arena, HUTCH_OCI_VERSION_MIN);
  f->oci_version_max = arena_strdup(arena, HUTCH_OCI_VERSION_MAX);
  struct oci_kv *kv = arena_calloc(arena, 3, sizeof *kv);
  kv[0] = (struct oci_kv) { arena_strdup(arena, "io.hutch.backend"), arena_strdup(arena, backend) };
  kv[1] = (struct oci_kv) { arena_strdup(arena, "io.hutch.commit"), arena_strdup(arena, HUTCH_COMMIT) };
  kv[2] = (struct oci_kv) { arena_strdup(arena, "io.hutch.version"), arena_strdup(arena, HUTCH_VERSION) };
  f->annotations.items = kv;
  f->annotations.len = 3;
  f->annotations.set = true;
  /* run.hutch.backend chooses the backend, run.hutch.proxmox.* storages:
   * an engine that passes annotations from untrusted users on must know
   * (a value ending in "." is a prefix, features.md says). */
  char **unsafe = arena_calloc(arena, 1, sizeof *unsafe);
  unsafe[0] = arena_strdup(arena, "run.hutch.");
  f->potentially_unsafe_config_annotations = (oci_strings) { unsafe, 1, true };
  oci_features_add_extension(f, arena, "annotation", HUTCH_BACKEND_ANNOTATION, NULL, HUTCH_BACKEND_NAMES,
                             "the backend that runs the container, unless create's or run's --backend, or the "
                             "global --backend, names one");
  oci_features_add_extension(f, arena, "file", HUTCH_CONF_DEFAULT_PATH, NULL, NULL,
                             "chooses the backend by container id (rules, default-backend) and holds backend "
                             "settings (BACKEND.SETTING = VALUE); HUTCH_CONFIG names another file");
  return f;
}

static void set_empty(oci_strings *list)
{
  list->items = NULL;
  list->len = 0;
  list->set = true;
}

static struct oci_features_flag *flag_off(struct arena *arena)
{
  struct oci_features_flag *flag = arena_calloc(arena, 1, sizeof *flag);
  flag->enabled = (oci_opt_bool) { false, true };
  return flag;
}

void hutch_describe_unimplemented(struct oci_support *out, struct arena *arena, const char *backend)
{
  struct oci_features *f = hutch_features_base(arena, backend);
  set_empty(&f->hooks);
  set_empty(&f->mount_options);
  struct oci_features_linux *l = arena_calloc(arena, 1, sizeof *l);
  set_empty(&l->namespaces);
  set_empty(&l->capabilities);
  l->cgroup = arena_calloc(arena, 1, sizeof *l->cgroup);
  oci_opt_bool no = { false, true };
  l->cgroup->v1 = l->cgroup->v2 = l->cgroup->systemd = l->cgroup->systemd_user = l->cgroup->rdma = no;
  l->seccomp = arena_calloc(arena, 1, sizeof *l->seccomp);
  l->seccomp->enabled = no;
  l->apparmor = flag_off(arena);
  l->selinux = flag_off(arena);
  l->intel_rdt = arena_calloc(arena, 1, sizeof *l->intel_rdt);
  l->intel_rdt->enabled = l->intel_rdt->schemata = l->intel_rdt->monitoring = no;
  l->memory_policy = arena_calloc(arena, 1, sizeof *l->memory_policy);
  set_empty(&l->memory_policy->modes);
  set_empty(&l->memory_policy->flags);
  l->mount_extensions = arena_calloc(arena, 1, sizeof *l->mount_extensions);
  l->mount_extensions->idmap = flag_off(arena);
  l->net_devices = flag_off(arena);
  f->linux_ = l;
  *out = (struct oci_support) { .backend = backend, .implemented = false, .features = f };
}
