/* parse -> emit -> parse gives an equal model, for every accepted input. */
#include "helpers.h"
#include "spec/codec.h"
#include "spec/default_config.h"
#include "spec/schema.h"
#include "spec/state.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>

static void roundtrip_model(const char *what, const struct oci_config *cfg)
{
  const char *indents[] = { NULL, "\t" };
  for (size_t k = 0; k < 2; k++) {
    struct strbuf out = STRBUF_INIT;
    oci_config_write(&out, cfg, indents[k]);
    struct diag_list diags = DIAG_LIST_INIT;
    struct oci_config *again = oci_config_parse(out.buf, out.len, &diags);
    bool parsed = again && diag_count(&diags, DIAG_ERROR) == 0;
    struct strbuf where = STRBUF_INIT;
    bool equal = parsed && oci_equal(&oci_type_config, cfg, again, &where);
    tap_ok(equal, "%s: %s output parses back to an equal model", what, indents[k] ? "indented" : "compact");
    if (!equal)
      tap_diag("  first difference at %s", strbuf_str(&where));

    /* A second emit gives the same bytes: the output is deterministic. */
    if (parsed) {
      struct strbuf out2 = STRBUF_INIT;
      oci_config_write(&out2, again, indents[k]);
      tap_ok(strcmp(out.buf, out2.buf) == 0, "%s: emitting twice gives the same text", what);
      strbuf_release(&out2);
    }
    strbuf_release(&where);
    oci_config_free(again);
    diag_list_release(&diags);
    strbuf_release(&out);
  }
}

static void roundtrip_file(const char *relative)
{
  size_t len;
  char *text = read_data_file(relative, &len);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = oci_config_parse(text, len, &diags);
  if (cfg && diag_count(&diags, DIAG_ERROR) == 0)
    roundtrip_model(relative, cfg);
  else
    tap_ok(false, "%s decodes", relative);
  oci_config_free(cfg);
  diag_list_release(&diags);
  free(text);
}

static void test_difference_is_seen(void)
{
  /* The comparison must be able to fail, or the tests above prove nothing. */
  size_t len;
  char *text = read_data_file("full-config.json", &len);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *a = oci_config_parse(text, len, &diags);
  struct oci_config *b = oci_config_parse(text, len, &diags);
  struct strbuf where = STRBUF_INIT;
  tap_ok(oci_equal(&oci_type_config, a, b, NULL), "two parses of one text are equal");

  b->linux_->resources->memory->swappiness.value = 61;
  tap_ok(!oci_equal(&oci_type_config, a, b, &where), "a changed integer is a difference");
  tap_str_eq(strbuf_str(&where), "linux.resources.memory.swappiness", "  and its path is named");
  b->linux_->resources->memory->swappiness.value = 60;

  strbuf_truncate(&where, 0);
  b->mounts.items[1].options.items[2] = (char *) "ro";
  tap_ok(!oci_equal(&oci_type_config, a, b, &where), "a changed string in an array is a difference");
  tap_str_eq(strbuf_str(&where), "mounts[1].options", "  and its path is named");

  strbuf_truncate(&where, 0);
  b = (oci_config_free(b), oci_config_parse(text, len, &diags));
  b->linux_->net_devices.items[0].name = NULL;
  tap_ok(!oci_equal(&oci_type_config, a, b, &where), "an absent member is a difference");
  tap_str_eq(strbuf_str(&where), "linux.netDevices.eth1.name", "  and its path is named");

  strbuf_truncate(&where, 0);
  b = (oci_config_free(b), oci_config_parse(text, len, &diags));
  b->linux_->masked_paths.set = false;
  b->linux_->masked_paths.len = 0;
  tap_ok(!oci_equal(&oci_type_config, a, b, &where), "absent and present arrays differ");
  strbuf_release(&where);
  oci_config_free(a);
  oci_config_free(b);
  diag_list_release(&diags);
  free(text);
}

static void test_state(void)
{
  struct oci_kv annotation = { (char *) "k", (char *) "v" };
  struct oci_state state = {
    .oci_version = (char *) "1.3.0",
    .id = (char *) "c1",
    .status = { OCI_STATUS_RUNNING, true },
    .pid = { 4242, true },
    .bundle = (char *) "/b",
    .annotations = { &annotation, 1, true },
  };
  struct strbuf out = STRBUF_INIT;
  oci_state_write(&out, &state, NULL);
  tap_str_eq(out.buf,
             "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"running\",\"pid\":4242,\"bundle\":\"/b\","
             "\"annotations\":{\"k\":\"v\"}}",
             "state JSON from the typed state");
  struct arena a;
  arena_init(&a);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_state *back = oci_decode_document(&a, &oci_type_state, out.buf, out.len, "state", &diags);
  tap_ok(back && diag_count(&diags, DIAG_ERROR) == 0 && oci_equal(&oci_type_state, &state, back, NULL),
         "state JSON reads back equal");
  strbuf_truncate(&out, 0);
  state.status.value = OCI_STATUS_CREATING;
  state.pid.set = false;
  state.annotations.set = false;
  oci_state_write(&out, &state, NULL);
  tap_ok(strstr(out.buf, "\"creating\"") && !strstr(out.buf, "pid") && !strstr(out.buf, "annotations"),
         "no pid while creating, no annotations when there are none");
  diag_list_release(&diags);
  arena_release(&a);
  strbuf_release(&out);
}

int main(void)
{
  test_state();
  static const char *const files[] = {
    "full-config.json",
    "runtime-spec-v1.3.0/schema/test/config/good/spec-example.json",
    "runtime-spec-v1.3.0/schema/test/config/good/minimal.json",
    "runtime-spec-v1.3.0/schema/test/config/good/minimal-for-start.json",
    "runtime-spec-v1.3.0/schema/test/config/good/linux-netdevice.json",
    "runtime-spec-v1.3.0/schema/test/config/good/linux-rdma.json",
    "runtime-spec-v1.3.0/schema/test/config/good/freebsd-example.json",
    "runtime-spec-v1.3.0/schema/test/config/good/zos-example.json",
  };
  for (size_t i = 0; i < sizeof files / sizeof *files; i++)
    roundtrip_file(files[i]);

  struct oci_config *def = oci_default_config(false, 0, 0);
  roundtrip_model("default spec", def);
  oci_config_free(def);
  def = oci_default_config(true, 1000, 1000);
  roundtrip_model("rootless spec", def);
  oci_config_free(def);

  test_difference_is_seen();
  return tap_done();
}
