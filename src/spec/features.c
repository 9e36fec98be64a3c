#include "spec/features.h"
#include "spec/codec.h"
#include "spec/schema_macros.h"

#include "util/json_writer.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

DEFINE_TYPE(oci_type_features_flag, struct oci_features_flag,
  OBOOL(struct oci_features_flag, enabled, "enabled"));

#define C struct oci_features_cgroup
DEFINE_TYPE(oci_type_features_cgroup, C,
  OBOOL(C, v1, "v1"), OBOOL(C, v2, "v2"), OBOOL(C, systemd, "systemd"),
  OBOOL(C, systemd_user, "systemdUser"), OBOOL(C, rdma, "rdma"));
#undef C

#define SC struct oci_features_seccomp
DEFINE_TYPE(oci_type_features_seccomp, SC,
  OBOOL(SC, enabled, "enabled"),
  STRARR(SC, actions, "actions"),
  STRARR(SC, operators, "operators"),
  STRARR(SC, archs, "archs"),
  STRARR(SC, known_flags, "knownFlags"),
  STRARR(SC, supported_flags, "supportedFlags"));
#undef SC

#define R struct oci_features_intel_rdt
DEFINE_TYPE(oci_type_features_intel_rdt, R,
  OBOOL(R, enabled, "enabled"), OBOOL(R, schemata, "schemata"), OBOOL(R, monitoring, "monitoring"));
#undef R

DEFINE_TYPE(oci_type_features_memory_policy, struct oci_features_memory_policy,
  STRARR(struct oci_features_memory_policy, modes, "modes"),
  STRARR(struct oci_features_memory_policy, flags, "flags"));

DEFINE_TYPE(oci_type_features_mount_extensions, struct oci_features_mount_extensions,
  OBJ(struct oci_features_mount_extensions, idmap, "idmap", struct oci_features_flag, oci_type_features_flag));

#define L struct oci_features_linux
DEFINE_TYPE(oci_type_features_linux, L,
  STRARR(L, namespaces, "namespaces"),
  STRARR(L, capabilities, "capabilities"),
  OBJ(L, cgroup, "cgroup", struct oci_features_cgroup, oci_type_features_cgroup),
  OBJ(L, seccomp, "seccomp", struct oci_features_seccomp, oci_type_features_seccomp),
  OBJ(L, apparmor, "apparmor", struct oci_features_flag, oci_type_features_flag),
  OBJ(L, selinux, "selinux", struct oci_features_flag, oci_type_features_flag),
  OBJ(L, intel_rdt, "intelRdt", struct oci_features_intel_rdt, oci_type_features_intel_rdt),
  OBJ(L, memory_policy, "memoryPolicy", struct oci_features_memory_policy, oci_type_features_memory_policy),
  OBJ(L, mount_extensions, "mountExtensions", struct oci_features_mount_extensions,
      oci_type_features_mount_extensions),
  OBJ(L, net_devices, "netDevices", struct oci_features_flag, oci_type_features_flag));
#undef L

#define X struct oci_features_extension
DEFINE_TYPE(oci_type_features_extension, X,
  STR(X, kind, "kind", REQUIRED),
  STR(X, name, "name", REQUIRED),
  STRARR(X, commands, "commands"),
  STRARR(X, values, "values"),
  STR(X, description, "description"));
#undef X

#define F struct oci_features
DEFINE_TYPE(oci_type_features, F,
  STR(F, oci_version_min, "ociVersionMin", REQUIRED),
  STR(F, oci_version_max, "ociVersionMax", REQUIRED),
  STRARR(F, hooks, "hooks"),
  STRARR(F, mount_options, "mountOptions"),
  STRMAP(F, annotations, "annotations"),
  STRARR(F, potentially_unsafe_config_annotations, "potentiallyUnsafeConfigAnnotations"),
  OBJ(F, linux_, "linux", struct oci_features_linux, oci_type_features_linux));
#undef F

void oci_features_write(struct strbuf *out, const struct oci_features *f, const char *indent)
{
  if (!f->vendor_extensions.len) {
    oci_encode(out, &oci_type_features, f, indent);
    return;
  }
  struct strbuf list = STRBUF_INIT;
  struct json_writer w;
  json_writer_init(&w, &list, NULL);
  json_w_begin_array(&w);
  for (size_t i = 0; i < f->vendor_extensions.len; i++)
    oci_encode_into(&w, &oci_type_features_extension, &f->vendor_extensions.items[i]);
  json_w_end_array(&w);
  /* A copy whose annotations have the list too; the caller's is left as is. */
  struct oci_features copy = *f;
  size_t n = f->annotations.len;
  struct oci_kv *kv = xcalloc(n + 1, sizeof *kv);
  if (n)
    memcpy(kv, f->annotations.items, n * sizeof *kv);
  kv[n] = (struct oci_kv) { (char *) OCI_FEATURES_EXTENSIONS_KEY, (char *) strbuf_str(&list) };
  copy.annotations = (oci_string_map) { kv, n + 1, true };
  oci_encode(out, &oci_type_features, &copy, indent);
  free(kv);
  strbuf_release(&list);
}

bool oci_strings_contain(const oci_strings *list, const char *name)
{
  for (size_t i = 0; i < list->len; i++)
    if (list->items[i] && strcmp(list->items[i], name) == 0)
      return true;
  return false;
}

/* "a b c" as a list; an empty word ("" between two blanks, or a leading
 * blank) is kept as "", which names the global options. */
static void split_words(oci_strings *out, struct arena *arena, const char *words)
{
  if (!words)
    return;
  size_t n = 1;
  for (const char *p = words; *p; p++)
    n += *p == ' ';
  out->items = arena_calloc(arena, n, sizeof *out->items);
  out->len = 0;
  out->set = true;
  for (const char *p = words;;) {
    const char *end = strchrnul(p, ' ');
    out->items[out->len++] = arena_strndup(arena, p, (size_t) (end - p));
    if (!*end)
      break;
    p = end + 1;
  }
}

void oci_features_add_extension(struct oci_features *f, struct arena *arena, const char *kind, const char *name,
                                const char *commands, const char *values, const char *description)
{
  oci_features_extensions *list = &f->vendor_extensions;
  struct oci_features_extension *items = arena_calloc(arena, list->len + 1, sizeof *items);
  if (list->len)
    memcpy(items, list->items, list->len * sizeof *items);
  struct oci_features_extension *e = &items[list->len];
  e->kind = arena_strdup(arena, kind);
  e->name = arena_strdup(arena, name);
  split_words(&e->commands, arena, commands);
  split_words(&e->values, arena, values);
  e->description = arena_strdup(arena, description);
  list->items = items;
  list->len++;
  list->set = true;
}
