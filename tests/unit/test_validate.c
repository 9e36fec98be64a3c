/* Validator behaviour beyond the table of invalid configs: what is accepted,
 * what only warns, and the documents hutch itself produces. */
#include "helpers.h"
#include "spec/default_config.h"
#include "spec/version.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>

#define BASE "\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"rootfs\"}"
#define PROC "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}}"

static void expect_valid(const char *what, const char *json)
{
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = check_config(json, &diags);
  bool ok = cfg && diag_count(&diags, DIAG_ERROR) == 0;
  tap_ok(ok, "accepted: %s", what);
  if (!ok)
    dump_diags(&diags);
  oci_config_free(cfg);
  diag_list_release(&diags);
}

/* Neither an error nor a warning: nothing a user would see on create. */
static void expect_silent(const char *what, const char *json)
{
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = check_config(json, &diags);
  bool ok = cfg && diag_count(&diags, DIAG_ERROR) == 0 && diag_count(&diags, DIAG_WARNING) == 0;
  tap_ok(ok, "accepted without a warning: %s", what);
  if (!ok)
    dump_diags(&diags);
  oci_config_free(cfg);
  diag_list_release(&diags);
}

static void expect_warning(const char *what, const char *json, const char *path, const char *fragment)
{
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = check_config(json, &diags);
  const struct diag *d = find_diag(&diags, DIAG_WARNING, path);
  bool ok = cfg && diag_count(&diags, DIAG_ERROR) == 0 && d && strstr(d->message, fragment);
  tap_ok(ok, "warning only: %s (at \"%s\")", what, path);
  if (!ok)
    dump_diags(&diags);
  oci_config_free(cfg);
  diag_list_release(&diags);
}

static void test_versions(void)
{
  static const char *const accepted[] = { "1.0.0", "1.0.2-dev", "1.1.0", "1.2.1", "1.3.0", "1.3.7", "1.3.0-rc.1+build.5" };
  static const char *const refused[] = { "0.5.0-dev", "1.4.0", "2.0.0", "1.3", "v1.3.0", "1.03.0", "1.3.0-", "" };
  char json[256];
  for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++) {
    snprintf(json, sizeof json, "{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}", accepted[i]);
    expect_valid(accepted[i], json);
  }
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    struct diag_list diags = DIAG_LIST_INIT;
    snprintf(json, sizeof json, "{\"ociVersion\":\"%s\",\"root\":{\"path\":\"r\"}}", refused[i]);
    struct oci_config *cfg = check_config(json, &diags);
    tap_ok(find_diag(&diags, DIAG_ERROR, "ociVersion") != NULL, "refused ociVersion \"%s\"", refused[i]);
    oci_config_free(cfg);
    diag_list_release(&diags);
  }
  struct semver v;
  tap_ok(semver_parse("1.2.3-alpha.1+sha.5", &v) && v.major == 1 && v.minor == 2 && v.patch == 3 && v.prerelease,
         "semver parts");
}

static void test_warnings(void)
{
  expect_warning("prestart is deprecated", "{" BASE ",\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\"}]}}",
                 "hooks.prestart", "deprecated");
  expect_warning("memory.kernel is deprecated",
                 "{" BASE ",\"linux\":{\"resources\":{\"memory\":{\"kernel\":1048576}}}}",
                 "linux.resources.memory.kernel", "deprecated");
  expect_warning("memory.kernelTCP is deprecated",
                 "{" BASE ",\"linux\":{\"resources\":{\"memory\":{\"kernelTCP\":1048576}}}}",
                 "linux.resources.memory.kernelTCP", "deprecated");
  expect_warning("an unknown capability warns (spec 1.1.0)",
                 "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
                 "\"capabilities\":{\"bounding\":[\"CAP_NOT_A_THING\"]}}}",
                 "process.capabilities.bounding[0]", "unknown capability");
  expect_warning("ambient without inheritable warns",
                 "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0},"
                 "\"capabilities\":{\"ambient\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\"]}}}",
                 "process.capabilities.ambient[0]", "inheritable");
  expect_warning("a relative mount destination is read from /",
                 "{" BASE ",\"mounts\":[{\"destination\":\"tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\"}]}",
                 "mounts[0].destination", "relative");
  expect_warning("the org.opencontainers prefix is reserved",
                 "{" BASE ",\"annotations\":{\"org.opencontainers.foo\":\"x\"}}", "annotations.org.opencontainers.foo",
                 "reserved");
  expect_warning("a config without process can be created, not started", "{" BASE "}", "process", "start");
  expect_warning("mappings without idmap still map",
                 "{" BASE ",\"mounts\":[{\"destination\":\"/d\",\"source\":\"/s\",\"options\":[\"bind\"],"
                 "\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
                 "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}]}",
                 "mounts[0].options", "idmap");
}

static void test_accepted(void)
{
  expect_valid("pids.limit may be absent (1.3.0) and 0 is a limit",
               "{" BASE ",\"linux\":{\"resources\":{\"pids\":{}}}}");
  expect_valid("pids.limit 0", "{" BASE ",\"linux\":{\"resources\":{\"pids\":{\"limit\":0}}}}");
  expect_valid("valueTwo may be left out with MASKED_EQ (Go omits a zero)",
               "{" BASE ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"clone\"],"
               "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":2114060288,\"op\":\"SCMP_CMP_MASKED_EQ\"}]}]}}}");
  expect_valid("errnoRet with SCMP_ACT_TRACE",
               "{" BASE ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_TRACE\",\"defaultErrnoRet\":5}}}");
  expect_valid("idmap with the user namespace's mappings",
               "{" BASE ",\"mounts\":[{\"destination\":\"/d\",\"source\":\"/s\",\"options\":[\"bind\",\"idmap\"]}],"
               "\"linux\":{\"namespaces\":[{\"type\":\"user\"}],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10}],"
               "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":10}]}}");
  expect_valid("a netDevices template name may repeat",
               "{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"a\":{\"name\":\"eth%d\"},"
               "\"b\":{\"name\":\"eth%d\"}}}}");
  expect_valid("kernel.hostname that agrees with hostname",
               "{" BASE ",\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"uts\"}],"
               "\"sysctl\":{\"kernel.hostname\":\"h\",\"kernel.domainname\":\"d\"}}}");
  expect_silent("rootfsPropagation rprivate (crun's default)", "{" BASE "," PROC ",\"linux\":{\"rootfsPropagation\":\"rprivate\"}}");
  expect_silent("rootfsPropagation rslave", "{" BASE "," PROC ",\"linux\":{\"rootfsPropagation\":\"rslave\"}}");
  expect_valid("sysctl in slash form", "{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],"
                                      "\"sysctl\":{\"net/ipv4/ip_forward\":\"1\"}}}");
  expect_valid("hostname with a joined uts namespace",
               "{" BASE ",\"hostname\":\"h\",\"linux\":{\"namespaces\":[{\"type\":\"uts\",\"path\":\"/proc/1/ns/uts\"}]}}");
  expect_valid("empty hostname without uts namespace", "{" BASE ",\"hostname\":\"\"}");
  expect_valid("closID \"/\" is the root group", "{" BASE ",\"linux\":{\"intelRdt\":{\"closID\":\"/\"}}}");
  expect_valid("MPOL_PREFERRED without nodes means local",
               "{" BASE ",\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_PREFERRED\"}}}");
  expect_valid("consoleSize is ignored without a terminal", "{" BASE ",\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
                                                            "\"user\":{\"uid\":0,\"gid\":0},\"consoleSize\":{\"height\":1,\"width\":1}}}");
  expect_valid("base with process", "{" BASE "," PROC "}");

  size_t len;
  char *text = read_data_file("full-config.json", &len);
  expect_valid("full-config.json (every Linux field)", text);
  free(text);
}

static void test_default_configs(void)
{
  struct oci_config *cfg = oci_default_config(false, 0, 0);
  struct strbuf out = STRBUF_INIT;
  oci_config_write(&out, cfg, "\t");
  expect_valid("the default `hutch spec` config", out.buf);
  tap_ok(cfg->process && cfg->process->terminal.value && cfg->root->readonly.value, "default: terminal, readonly root");
  strbuf_release(&out);
  oci_config_free(cfg);

  cfg = oci_default_config(true, 1234, 5678);
  oci_config_write(&out, cfg, "\t");
  expect_valid("the rootless `hutch spec` config", out.buf);
  const struct oci_linux *l = cfg->linux_;
  bool userns = false, netns = false;
  for (size_t i = 0; i < l->namespaces.len; i++) {
    userns |= l->namespaces.items[i].type.value == OCI_NS_USER;
    netns |= l->namespaces.items[i].type.value == OCI_NS_NETWORK;
  }
  tap_ok(userns && !netns, "rootless: a user namespace, no network namespace");
  tap_ok(l->uid_mappings.len == 1 && l->uid_mappings.items[0].host_id == 1234 && l->gid_mappings.items[0].host_id == 5678,
         "rootless: the caller's ids map to root");
  tap_ok(!l->resources, "rootless: no cgroup resources");
  bool gid_option = strstr(out.buf, "gid=5") != NULL;
  tap_ok(!gid_option, "rootless: no gid= mount option");
  strbuf_release(&out);
  oci_config_free(cfg);
}

int main(void)
{
  test_versions();
  test_warnings();
  test_accepted();
  test_default_configs();
  return tap_done();
}
