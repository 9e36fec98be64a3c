#include "spec/upgrade.h"
#include "spec/version.h"
#include "util/arena.h"
#include "util/json.h"
#include "util/json_writer.h"

#include <stdio.h>
#include <string.h>

struct upgrade {
  struct arena *arena;
  struct diag_list *changes;
};

static struct json_node *object_member(const struct json_node *object, const char *key, enum json_type type)
{
  if (!object || object->type != JSON_OBJECT)
    return NULL;
  struct json_node *n = json_object_get(object, key);
  return n && n->type == type ? n : NULL;
}

static ptrdiff_t member_index(const struct json_node *object, const char *key)
{
  for (size_t i = 0; i < object->u.object.len; i++)
    if (strcmp(object->u.object.items[i].key, key) == 0)
      return (ptrdiff_t) i;
  return -1;
}

static void object_remove(struct json_node *object, const char *key)
{
  ptrdiff_t i = member_index(object, key);
  if (i < 0)
    return;
  struct json_member *items = object->u.object.items;
  memmove(items + i, items + i + 1, (object->u.object.len - (size_t) i - 1) * sizeof *items);
  object->u.object.len--;
}

/* The arena owns the tree; a member is added by growing a copy there. */
static void object_insert(struct arena *arena, struct json_node *object, size_t at, const char *key,
                          struct json_node *value)
{
  size_t len = object->u.object.len;
  struct json_member *items = arena_calloc(arena, len + 1, sizeof *items);
  memcpy(items, object->u.object.items, at * sizeof *items);
  memcpy(items + at + 1, object->u.object.items + at, (len - at) * sizeof *items);
  items[at] = (struct json_member) { arena_strdup(arena, key), strlen(key), value };
  object->u.object.items = items;
  object->u.object.len = len + 1;
}

static struct json_node *new_node(struct arena *arena, enum json_type type)
{
  struct json_node *n = arena_calloc(arena, 1, sizeof *n);
  n->type = type;
  return n;
}

static void set_string(struct arena *arena, struct json_node *n, const char *s)
{
  n->type = JSON_STRING;
  n->u.string.ptr = arena_strdup(arena, s);
  n->u.string.len = strlen(s);
}

static void upgrade_version(struct upgrade *u, struct json_node *root, const char *version)
{
  struct json_node *n = object_member(root, "ociVersion", JSON_STRING);
  /* One that does not parse is the validator's to report. */
  if (!n || !oci_version_before(version, 1, 3))
    return;
  diag_add(u->changes, DIAG_WARNING, "ociVersion", "\"%s\" -> \"%s\"", version, HUTCH_OCI_VERSION_SPEC);
  set_string(u->arena, n, HUTCH_OCI_VERSION_SPEC);
}

/* prestart runs where createRuntime runs and before it (spec 1.1.0), so its
 * hooks go first in createRuntime, in their order. */
static void upgrade_prestart(struct upgrade *u, struct json_node *root)
{
  struct json_node *hooks = object_member(root, "hooks", JSON_OBJECT);
  struct json_node *prestart = object_member(hooks, "prestart", JSON_ARRAY);
  if (!prestart)
    return;
  struct json_node *create_runtime = json_object_get(hooks, "createRuntime");
  if (create_runtime && create_runtime->type != JSON_ARRAY)
    return;
  size_t moved = prestart->u.array.len;
  if (create_runtime) {
    size_t old = create_runtime->u.array.len;
    struct json_node **items = arena_calloc(u->arena, moved + old, sizeof *items);
    /* An empty array's items may be NULL, which memcpy may not be given. */
    if (moved)
      memcpy(items, prestart->u.array.items, moved * sizeof *items);
    if (old)
      memcpy(items + moved, create_runtime->u.array.items, old * sizeof *items);
    create_runtime->u.array.items = items;
    create_runtime->u.array.len = moved + old;
    object_remove(hooks, "prestart");
  } else {
    size_t at = (size_t) member_index(hooks, "prestart");
    object_remove(hooks, "prestart");
    object_insert(u->arena, hooks, at, "createRuntime", prestart);
  }
  diag_add(u->changes, DIAG_WARNING, "hooks.prestart",
           "%zu hook%s moved to the front of hooks.createRuntime (prestart is deprecated since 1.0.2)", moved,
           moved == 1 ? "" : "s");
}

static void upgrade_kernel_memory(struct upgrade *u, struct json_node *resources)
{
  struct json_node *memory = object_member(resources, "memory", JSON_OBJECT);
  static const char *const keys[] = { "kernel", "kernelTCP" };
  static const char *const paths[] = { "linux.resources.memory.kernel", "linux.resources.memory.kernelTCP" };
  for (size_t i = 0; memory && i < sizeof keys / sizeof keys[0]; i++) {
    if (member_index(memory, keys[i]) < 0)
      continue;
    object_remove(memory, keys[i]);
    diag_add(u->changes, DIAG_WARNING, paths[i],
             "dropped (kernel memory limits are deprecated since 1.1.0, and cgroup v2 has none)");
  }
}

/* From 1.3.0 a pids limit of 0 allows no process at all; before, runc and
 * crun read 0 as "not set", so that is what such a config meant. */
static void upgrade_pids_zero(struct upgrade *u, struct json_node *resources, const char *version)
{
  struct json_node *pids = object_member(resources, "pids", JSON_OBJECT);
  struct json_node *limit = object_member(pids, "limit", JSON_NUMBER);
  int64_t value;
  if (!limit || !json_number_to_i64(limit, &value) || value != 0 || !oci_version_before(version, 1, 3))
    return;
  limit->u.number.text = "-1";
  limit->u.number.is_integer = true;
  diag_add(u->changes, DIAG_WARNING, "linux.resources.pids.limit",
           "0 -> -1 (before 1.3.0, 0 meant no limit; from 1.3.0 it means no process at all)");
}

/* enableCMT and enableMBM were removed in 1.3.0; enableMonitoring asks for
 * both kinds of monitoring the host has. */
static void upgrade_intel_rdt(struct upgrade *u, struct json_node *linux_section)
{
  struct json_node *rdt = object_member(linux_section, "intelRdt", JSON_OBJECT);
  if (!rdt)
    return;
  static const char *const keys[] = { "enableCMT", "enableMBM" };
  static const char *const paths[] = { "linux.intelRdt.enableCMT", "linux.intelRdt.enableMBM" };
  bool wanted = false;
  ptrdiff_t first = -1;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    ptrdiff_t at = member_index(rdt, keys[i]);
    if (at < 0)
      continue;
    struct json_node *v = rdt->u.object.items[at].value;
    wanted = wanted || (v->type == JSON_BOOL && v->u.boolean);
    if (first < 0 || at < first)
      first = at;
  }
  if (first < 0)
    return;
  bool has_monitoring = member_index(rdt, "enableMonitoring") >= 0;
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    if (member_index(rdt, keys[i]) < 0)
      continue;
    object_remove(rdt, keys[i]);
    diag_add(u->changes, DIAG_WARNING, paths[i], "removed in 1.3.0: %s",
             wanted && !has_monitoring ? "replaced by enableMonitoring true" : "dropped");
  }
  if (wanted && !has_monitoring) {
    struct json_node *on = new_node(u->arena, JSON_BOOL);
    on->u.boolean = true;
    object_insert(u->arena, rdt, (size_t) first, "enableMonitoring", on);
  }
}

/* Only Linux ever allowed a relative destination (1.2.0, deprecated at once),
 * to be read as relative to "/". */
static void upgrade_mount_destinations(struct upgrade *u, struct json_node *root)
{
  struct json_node *mounts = object_member(root, "mounts", JSON_ARRAY);
  if (!mounts || !object_member(root, "linux", JSON_OBJECT))
    return;
  for (size_t i = 0; i < mounts->u.array.len; i++) {
    struct json_node *dest = object_member(mounts->u.array.items[i], "destination", JSON_STRING);
    if (!dest || dest->u.string.ptr[0] == '/' || dest->u.string.len == 0 ||
        strlen(dest->u.string.ptr) != dest->u.string.len)
      continue;
    size_t len = dest->u.string.len + 2;
    char *abs = arena_alloc(u->arena, len);
    abs[0] = '/';
    memcpy(abs + 1, dest->u.string.ptr, len - 1);
    char path[48];
    snprintf(path, sizeof path, "mounts[%zu].destination", i);
    diag_add(u->changes, DIAG_WARNING, path,
             "\"%s\" -> \"%s\" (relative destinations are deprecated since 1.2.0, read as relative to \"/\")",
             dest->u.string.ptr, abs);
    dest->u.string.ptr = abs;
    dest->u.string.len = len - 1;
  }
}

static void upgrade_zos(struct upgrade *u, struct json_node *root)
{
  struct json_node *zos = object_member(root, "zos", JSON_OBJECT);
  if (!zos || member_index(zos, "devices") < 0)
    return;
  object_remove(zos, "devices");
  diag_add(u->changes, DIAG_WARNING, "zos.devices", "removed in 1.2.1: dropped");
}

int oci_config_upgrade(const char *text, size_t len, struct strbuf *out, struct diag_list *changes,
                       struct diag_list *diags)
{
  struct arena arena;
  arena_init(&arena);
  struct json_parse_error error;
  struct json_node *root = json_parse(&arena, text, len, &error);
  if (!root || root->type != JSON_OBJECT) {
    if (root)
      diag_add(diags, DIAG_ERROR, "", "config.json is %s, not an object", json_type_name(root->type));
    else
      diag_add(diags, DIAG_ERROR, error.path, "invalid JSON in config.json at line %u, column %u: %s", error.line,
               error.column, error.message);
    arena_release(&arena);
    return -1;
  }
  struct upgrade u = { &arena, changes };
  struct json_node *version_node = object_member(root, "ociVersion", JSON_STRING);
  const char *version = version_node ? arena_strdup(&arena, version_node->u.string.ptr) : NULL;
  struct json_node *linux_section = object_member(root, "linux", JSON_OBJECT);
  struct json_node *resources = object_member(linux_section, "resources", JSON_OBJECT);

  upgrade_version(&u, root, version);
  upgrade_prestart(&u, root);
  upgrade_mount_destinations(&u, root);
  upgrade_kernel_memory(&u, resources);
  upgrade_pids_zero(&u, resources, version);
  upgrade_intel_rdt(&u, linux_section);
  upgrade_zos(&u, root);

  struct json_writer w;
  json_writer_init(&w, out, "\t");
  json_w_node(&w, root);
  strbuf_addc(out, '\n');
  arena_release(&arena);
  return 0;
}
