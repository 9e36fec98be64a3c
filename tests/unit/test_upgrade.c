/* validate --upgrade's rewriting of older configs (spec/upgrade.c). */
#include "spec/upgrade.h"
#include "tap.h"
#include "util/json.h"
#include "util/json_writer.h"

#include <stdlib.h>

/* The upgraded document in compact form (so the expectations below are one
 * line each), and its changes as "path: message" lines. */
static int upgrade(const char *text, char **compact, char **changes)
{
  struct strbuf out = STRBUF_INIT, list = STRBUF_INIT;
  struct diag_list diags = DIAG_LIST_INIT, changed = DIAG_LIST_INIT;
  int r = oci_config_upgrade(text, strlen(text), &out, &changed, &diags);
  *compact = NULL;
  if (r == 0) {
    struct arena a;
    arena_init(&a);
    struct json_parse_error e;
    struct json_node *n = json_parse(&a, strbuf_str(&out), out.len, &e);
    struct strbuf flat = STRBUF_INIT;
    struct json_writer w;
    json_writer_init(&w, &flat, NULL);
    if (n)
      json_w_node(&w, n);
    *compact = strbuf_detach(&flat);
    arena_release(&a);
  }
  for (size_t i = 0; i < changed.len; i++)
    strbuf_addf(&list, "%s: %s\n", changed.items[i].path, changed.items[i].message);
  for (size_t i = 0; i < diags.len; i++)
    strbuf_addf(&list, "error %s: %s\n", diags.items[i].path, diags.items[i].message);
  *changes = strbuf_detach(&list);
  strbuf_release(&out);
  diag_list_release(&diags);
  diag_list_release(&changed);
  return r;
}

static void expect(const char *name, const char *in, const char *want, const char *change_fragment)
{
  char *got, *changes;
  int r = upgrade(in, &got, &changes);
  tap_ok(r == 0, "%s: upgraded", name);
  tap_str_eq(got, want, "%s: document", name);
  if (change_fragment) {
    bool listed = strstr(changes, change_fragment) != NULL;
    tap_ok(listed, "%s: change listed as \"%s\"", name, change_fragment);
    if (!listed)
      tap_diag("changes listed: %s", changes);
  } else
    tap_str_eq(changes, "", "%s: no change listed", name);
  free(got);
  free(changes);
}

int main(void)
{
  expect("current config untouched",
         "{\"ociVersion\":\"1.3.0\",\"x-vendor\":{\"b\":1,\"a\":[2.50,null]},\"root\":{\"path\":\"rootfs\"}}",
         "{\"ociVersion\":\"1.3.0\",\"x-vendor\":{\"b\":1,\"a\":[2.50,null]},\"root\":{\"path\":\"rootfs\"}}", NULL);
  expect("version raised", "{\"ociVersion\":\"1.0.2\",\"z\":1}", "{\"ociVersion\":\"1.3.0\",\"z\":1}",
         "ociVersion: \"1.0.2\" -> \"1.3.0\"");
  expect("a later patch release kept", "{\"ociVersion\":\"1.3.7\"}", "{\"ociVersion\":\"1.3.7\"}", NULL);
  expect("an unparsable version left to the validator", "{\"ociVersion\":\"one\"}", "{\"ociVersion\":\"one\"}",
         NULL);

  expect("prestart becomes createRuntime in place",
         "{\"hooks\":{\"poststop\":[],\"prestart\":[{\"path\":\"/a\"}],\"poststart\":[]}}",
         "{\"hooks\":{\"poststop\":[],\"createRuntime\":[{\"path\":\"/a\"}],\"poststart\":[]}}",
         "hooks.prestart: 1 hook moved to the front of hooks.createRuntime");
  expect("prestart goes before existing createRuntime hooks",
         "{\"hooks\":{\"createRuntime\":[{\"path\":\"/c\"}],\"prestart\":[{\"path\":\"/a\"},{\"path\":\"/b\"}]}}",
         "{\"hooks\":{\"createRuntime\":[{\"path\":\"/a\"},{\"path\":\"/b\"},{\"path\":\"/c\"}]}}",
         "2 hooks moved");
  expect("createRuntime of the wrong type: nothing moved",
         "{\"hooks\":{\"createRuntime\":{},\"prestart\":[]}}", "{\"hooks\":{\"createRuntime\":{},\"prestart\":[]}}",
         NULL);

  expect("kernel memory dropped",
         "{\"linux\":{\"resources\":{\"memory\":{\"kernel\":1,\"limit\":9,\"kernelTCP\":2}}}}",
         "{\"linux\":{\"resources\":{\"memory\":{\"limit\":9}}}}", "linux.resources.memory.kernelTCP: dropped");
  expect("pids limit 0 of an old config kept unlimited",
         "{\"ociVersion\":\"1.2.1\",\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}",
         "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"pids\":{\"limit\":-1}}}}",
         "linux.resources.pids.limit: 0 -> -1");
  expect("-0 is 0 too", "{\"ociVersion\":\"1.0.2\",\"linux\":{\"resources\":{\"pids\":{\"limit\":-0}}}}",
         "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"pids\":{\"limit\":-1}}}}",
         "linux.resources.pids.limit: 0 -> -1");
  expect("empty hook lists", "{\"hooks\":{\"createRuntime\":[],\"prestart\":[]}}",
         "{\"hooks\":{\"createRuntime\":[]}}", "0 hooks moved");
  expect("pids limit 0 of a 1.3 config means 0",
         "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}",
         "{\"ociVersion\":\"1.3.0\",\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}", NULL);

  expect("relative mount destination made absolute",
         "{\"linux\":{},\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"run/x\",\"type\":\"tmpfs\"}]}",
         "{\"linux\":{},\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/run/x\",\"type\":\"tmpfs\"}]}",
         "mounts[1].destination: \"run/x\" -> \"/run/x\"");
  expect("not on a platform that never allowed one", "{\"windows\":{},\"mounts\":[{\"destination\":\"c\"}]}",
         "{\"windows\":{},\"mounts\":[{\"destination\":\"c\"}]}", NULL);

  expect("enableCMT becomes enableMonitoring where it was",
         "{\"linux\":{\"intelRdt\":{\"closID\":\"a\",\"enableCMT\":true,\"enableMBM\":false}}}",
         "{\"linux\":{\"intelRdt\":{\"closID\":\"a\",\"enableMonitoring\":true}}}",
         "linux.intelRdt.enableCMT: removed in 1.3.0: replaced by enableMonitoring true");
  expect("both false: dropped", "{\"linux\":{\"intelRdt\":{\"enableMBM\":false}}}",
         "{\"linux\":{\"intelRdt\":{}}}", "linux.intelRdt.enableMBM: removed in 1.3.0: dropped");
  expect("an explicit enableMonitoring wins",
         "{\"linux\":{\"intelRdt\":{\"enableMonitoring\":false,\"enableMBM\":true}}}",
         "{\"linux\":{\"intelRdt\":{\"enableMonitoring\":false}}}", "enableMBM: removed in 1.3.0: dropped");
  expect("zos.devices dropped", "{\"zos\":{\"devices\":[],\"namespaces\":[]}}", "{\"zos\":{\"namespaces\":[]}}",
         "zos.devices: removed in 1.2.1");

  char *got, *changes;
  int r = upgrade("{\"a\":", &got, &changes);
  tap_ok(r < 0 && strstr(changes, "invalid JSON"), "invalid JSON refused");
  free(changes);
  r = upgrade("[1]", &got, &changes);
  tap_ok(r < 0 && strstr(changes, "not an object"), "an array refused");
  free(changes);
  return tap_done();
}
