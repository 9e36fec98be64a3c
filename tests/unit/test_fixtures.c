/* The runtime-spec v1.3.0 schema fixtures: every file under test/<kind>/good
 * is accepted and every file under test/<kind>/bad refused, for the same
 * reason the schema refuses it. Where hutch goes further than the schema
 * (versions it supports, platforms it runs), the reason is checked too. */
#include "helpers.h"
#include "spec/codec.h"
#include "spec/features.h"
#include "spec/state.h"
#include "tap.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct expectation {
  const char *file;
  const char *error_path; /* NULL: no error at all */
};

/* Good configs that hutch, as a Linux runtime for spec 1.0-1.3, refuses
 * after the schema accepted them. */
static const struct expectation good_config_refusals[] = {
  { "spec-example.json", "ociVersion" }, /* "0.5.0-dev" predates 1.0 */
  { "freebsd-example.json", "freebsd" },
  { "freebsd-minimal.json", "freebsd" },
  { "zos-example.json", "zos" },
  { "zos-minimal.json", "zos" },
  /* Without a network namespace of its own there is nowhere to move them. */
  { "linux-netdevice.json", "linux.netDevices" },
};

static const struct expectation bad_configs[] = {
  { "invalid-json.json", "" },
  { "freebsd-vnet-disable.json", "freebsd.jail.vnet" },
  { "linux-hugepage.json", "linux.resources.hugepageLimits[0].pageSize" },
  { "linux-netdevice.json", "linux.netDevices.eth0.name" },
  { "linux-rdma.json", "linux.resources.rdma.mlx5_1.hcaHandles" },
};

static const struct expectation bad_features[] = {
  { "missing-ociVersionMax.json", "ociVersionMax" },
};

static const struct expectation bad_states[] = {
  { "invalid-json.json", "" },
};

static const char *lookup(const struct expectation *table, size_t n, const char *file, bool *found)
{
  for (size_t i = 0; i < n; i++) {
    if (strcmp(table[i].file, file) == 0) {
      *found = true;
      return table[i].error_path;
    }
  }
  *found = false;
  return NULL;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

typedef void (*fixture_fn)(const char *kind, const char *verdict, const char *file, const char *text, size_t len);

static size_t for_each_fixture(const char *kind, const char *verdict, fixture_fn fn)
{
  char dir[4096];
  snprintf(dir, sizeof dir, "%s/runtime-spec-v1.3.0/schema/test/%s/%s", tap_data_dir(), kind, verdict);
  struct dirent **entries;
  int n = scandir(dir, &entries, NULL, by_name);
  if (n < 0) {
    printf("Bail out! cannot list %s\n", dir);
    exit(1);
  }
  size_t count = 0;
  for (int i = 0; i < n; i++) {
    const char *name = entries[i]->d_name;
    size_t nl = strlen(name);
    if (nl > 5 && strcmp(name + nl - 5, ".json") == 0) {
      char rel[512];
      snprintf(rel, sizeof rel, "runtime-spec-v1.3.0/schema/test/%s/%s/%s", kind, verdict, name);
      size_t len;
      char *text = read_data_file(rel, &len);
      fn(kind, verdict, name, text, len);
      free(text);
      count++;
    }
    free(entries[i]);
  }
  free(entries);
  return count;
}

static void check_result(const char *what, const struct diag_list *diags, const char *error_path, bool expected_known)
{
  if (!expected_known) {
    tap_ok(false, "%s: no expectation recorded for this fixture", what);
    return;
  }
  if (!error_path) {
    bool ok = diag_count(diags, DIAG_ERROR) == 0;
    tap_ok(ok, "%s is accepted", what);
    if (!ok)
      dump_diags(diags);
    return;
  }
  bool ok = find_diag(diags, DIAG_ERROR, error_path) != NULL;
  tap_ok(ok, "%s is refused at \"%s\"", what, error_path);
  if (!ok)
    dump_diags(diags);
}

static void config_fixture(const char *kind, const char *verdict, const char *file, const char *text, size_t len)
{
  bool good = strcmp(verdict, "good") == 0;
  char what[256];
  snprintf(what, sizeof what, "%s/%s/%s", kind, verdict, file);

  /* Schema level: the decoder alone. */
  struct diag_list decoded = DIAG_LIST_INIT;
  struct oci_config *cfg = oci_config_parse(text, len, &decoded);
  if (good) {
    tap_ok(cfg && diag_count(&decoded, DIAG_ERROR) == 0, "%s matches the schema", what);
    if (diag_count(&decoded, DIAG_ERROR))
      dump_diags(&decoded);
  }
  oci_config_free(cfg);
  diag_list_release(&decoded);

  /* Runtime level: decoder and validator. */
  struct diag_list diags = DIAG_LIST_INIT;
  cfg = oci_config_parse_and_validate(text, len, &diags);
  bool known;
  const char *path = good ? lookup(good_config_refusals, ARRAY_LEN(good_config_refusals), file, &known)
                          : lookup(bad_configs, ARRAY_LEN(bad_configs), file, &known);
  if (good && !known)
    known = true; /* a good fixture hutch has no reason to refuse */
  check_result(what, &diags, path, known);
  oci_config_free(cfg);
  diag_list_release(&diags);
}

static void document_fixture(const struct oci_type *type, const struct expectation *bad, size_t n_bad,
                             const char *kind, const char *verdict, const char *file, const char *text, size_t len)
{
  bool good = strcmp(verdict, "good") == 0;
  char what[256];
  snprintf(what, sizeof what, "%s/%s/%s", kind, verdict, file);
  struct arena a;
  arena_init(&a);
  struct diag_list diags = DIAG_LIST_INIT;
  oci_decode_document(&a, type, text, len, file, &diags);
  bool known = true;
  const char *path = good ? NULL : lookup(bad, n_bad, file, &known);
  check_result(what, &diags, path, known);
  diag_list_release(&diags);
  arena_release(&a);
}

static void features_fixture(const char *kind, const char *verdict, const char *file, const char *text, size_t len)
{
  document_fixture(&oci_type_features, bad_features, ARRAY_LEN(bad_features), kind, verdict, file, text, len);
}

static void state_fixture(const char *kind, const char *verdict, const char *file, const char *text, size_t len)
{
  document_fixture(&oci_type_state, bad_states, ARRAY_LEN(bad_states), kind, verdict, file, text, len);
}

int main(void)
{
  size_t n = 0;
  n += for_each_fixture("config", "good", config_fixture);
  n += for_each_fixture("config", "bad", config_fixture);
  n += for_each_fixture("features", "good", features_fixture);
  n += for_each_fixture("features", "bad", features_fixture);
  n += for_each_fixture("state", "good", state_fixture);
  n += for_each_fixture("state", "bad", state_fixture);
  tap_ok(n == 19, "all 19 fixtures of v1.3.0 were found (found %zu)", n);
  return tap_done();
}
