/* Checking a config against what a backend honours (validate --backend). */
#include "backend/backend.h"
#include "helpers.h"
#include "spec/support.h"
#include "spec/version.h"
#include "tap.h"

#include <stdlib.h>

static oci_strings strings(char **items, size_t n)
{
  return (oci_strings) { items, n, true };
}

/* A backend that runs only pid+mount namespaces, two hooks, a few mount
 * options and no seccomp, and does not apply process.scheduler. */
static void fake_support(struct oci_support *s, struct oci_features *f, struct oci_features_linux *l)
{
  static char *hooks[] = { "createRuntime", "poststop" };
  static char *options[] = { "bind", "ro", "nosuid" };
  static char *namespaces[] = { "pid", "mount" };
  static char *caps[] = { "CAP_KILL" };
  static const char *const unhonoured[] = { "process.scheduler", "linux.personality", "mounts[].type" };
  memset(f, 0, sizeof *f);
  memset(l, 0, sizeof *l);
  f->oci_version_min = (char *) "1.0.0";
  f->oci_version_max = (char *) "1.3.0";
  f->hooks = strings(hooks, 2);
  f->mount_options = strings(options, 3);
  l->namespaces = strings(namespaces, 2);
  l->capabilities = strings(caps, 1);
  f->linux_ = l;
  *s = (struct oci_support) { "fake", true, f, unhonoured, 3 };
}

static struct diag_list check(const char *json)
{
  struct oci_support s;
  struct oci_features f;
  struct oci_features_linux l;
  fake_support(&s, &f, &l);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = check_config(json, &diags);
  if (cfg)
    oci_config_check_support(cfg, &s, &diags);
  oci_config_free(cfg);
  return diags;
}

static void expect(const char *json, const char *path, const char *fragment, bool present)
{
  struct diag_list diags = check(json);
  const struct diag *d = find_diag(&diags, DIAG_WARNING, path);
  bool ok = present ? d && strstr(d->message, fragment) && strstr(d->message, "fake") : d == NULL;
  tap_ok(ok, "%s warning at \"%s\"", present ? "a" : "no", path);
  if (!ok)
    dump_diags(&diags);
  diag_list_release(&diags);
}

#define BASE "\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"}"
#define PROC_WITH(extra) \
  "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0}" extra "}"

static void test_fake_backend(void)
{
  expect("{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"}]}}", "linux.namespaces[1].type",
         "namespace type \"ipc\"", true);
  expect("{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}", "linux.namespaces[0].type", "", false);
  expect("{" BASE ",\"hooks\":{\"poststart\":[{\"path\":\"/x\"}]}}", "hooks.poststart", "hook kind", true);
  expect("{" BASE ",\"hooks\":{\"createRuntime\":[{\"path\":\"/x\"}]}}", "hooks.createRuntime", "", false);
  expect("{" BASE ",\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",\"rro\",\"size=1k\"]}]}",
         "mounts[0].options[1]", "mount option \"rro\"", true);
  expect("{" BASE ",\"mounts\":[{\"destination\":\"/a\",\"options\":[\"ro\",\"rro\",\"size=1k\"]}]}",
         "mounts[0].options[2]", "", false); /* filesystem data, not an option */
  expect("{" BASE ",\"mounts\":[{\"destination\":\"/a\",\"type\":\"tmpfs\"}]}", "mounts[0].type", "not honoured", true);
  expect("{" BASE "," PROC_WITH(",\"scheduler\":{\"policy\":\"SCHED_BATCH\"}") "}", "process.scheduler", "not honoured",
         true);
  expect("{" BASE "," PROC_WITH(",\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_CHOWN\"]}") "}",
         "process.capabilities.bounding[1]", "capability \"CAP_CHOWN\"", true);
  expect("{" BASE ",\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}}}", "linux.seccomp", "seccomp", true);
  expect("{" BASE ",\"linux\":{\"resources\":{\"pids\":{\"limit\":5}}}}", "linux.resources", "cgroup", true);
  expect("{" BASE ",\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}", "linux.intelRdt", "Intel RDT", true);
  expect("{" BASE ",\"linux\":{\"personality\":{\"domain\":\"LINUX\"}}}", "linux.personality", "not honoured", true);
  expect("{" BASE ",\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_LOCAL\"}}}", "linux.memoryPolicy.mode",
         "memory policy mode", true);
  expect("{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"eth0\":{}}}}",
         "linux.netDevices", "network devices", true);
  expect("{" BASE "," PROC_WITH(",\"apparmorProfile\":\"p\"") "}", "process.apparmorProfile", "AppArmor", true);
}

static void test_proxmox(void)
{
  const struct hutch_backend *b = hutch_backend_lookup("proxmox");
  tap_ok(b != NULL && strcmp(b->name, "proxmox") == 0, "backend proxmox is registered");
  if (!b)
    return;
  struct arena a;
  arena_init(&a);
  struct oci_support s;
  b->describe(&s, &a);
  const struct oci_features *f = s.features;
  const struct oci_features_linux *l = f->linux_;
  tap_ok(s.implemented && b->create && b->start && b->run && b->state && b->kill && b->delete_ && b->exec &&
             b->ps && b->pause && b->resume && b->update,
         "proxmox runs containers: every lifecycle operation is there");
  tap_ok(f->hooks.len == 5 && !oci_strings_contain(&f->hooks, "createContainer") &&
             oci_strings_contain(&f->hooks, "startContainer"),
         "proxmox: five hook kinds, not createContainer");
  tap_ok(l->namespaces.len == 7 && !oci_strings_contain(&l->namespaces, "time") &&
             oci_strings_contain(&l->namespaces, "user"),
         "proxmox: every namespace a PVE CT has, no time namespace");
  tap_ok(!l->apparmor->enabled.value && !l->selinux->enabled.value && !l->intel_rdt->enabled.value &&
             !l->cgroup->systemd.value && !l->net_devices->enabled.value && l->seccomp->enabled.value,
         "proxmox: seccomp; PVE's own LSM profile, no RDT, systemd driver or netDevices");
  tap_ok(oci_strings_contain(&f->mount_options, "bind") && oci_strings_contain(&f->mount_options, "nosuid") &&
             oci_strings_contain(&f->mount_options, "tmpcopyup") && !oci_strings_contain(&f->mount_options, "idmap") &&
             !oci_strings_contain(&f->mount_options, "rro"),
         "proxmox: bind and its flags, tmpcopyup (by the shim); not idmap or the recursive attributes");
  tap_str_eq(f->oci_version_max, HUTCH_OCI_VERSION_MAX, "proxmox: ociVersionMax");
  const struct annotation_check {
    const char *json, *path;
  } refused[] = {
    { "{" BASE ",\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}", "linux.intelRdt" },
    { "{" BASE ",\"domainname\":\"example.org\"}", "domainname" },
    { "{" BASE ",\"linux\":{\"resources\":{\"blockIO\":{\"weight\":100}}}}", "linux.resources.blockIO" },
    { "{" BASE ",\"linux\":{\"resources\":{\"memory\":{\"reservation\":1048576}}}}",
      "linux.resources.memory.reservation" },
    { "{" BASE ",\"hooks\":{\"createContainer\":[{\"path\":\"/bin/true\"}]}}", "hooks.createContainer" },
  };
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    struct diag_list diags = DIAG_LIST_INIT;
    struct oci_config *cfg = check_config(refused[i].json, &diags);
    oci_config_check_support(cfg, &s, &diags);
    tap_ok(find_diag(&diags, DIAG_WARNING, refused[i].path) != NULL, "proxmox: %s is refused by its path",
           refused[i].path);
    oci_config_free(cfg);
    diag_list_release(&diags);
  }
  arena_release(&a);
  tap_ok(hutch_backend_lookup("docker") == NULL, "an unknown backend is not found");
}

static void test_native(void)
{
  const struct hutch_backend *b = hutch_backend_lookup("native");
  struct arena a;
  arena_init(&a);
  struct oci_support s;
  b->describe(&s, &a);
  const struct oci_features *f = s.features;
  const struct oci_features_linux *l = f->linux_;
  tap_ok(s.implemented && b->create && b->start && b->run && b->state && b->kill && b->delete_ && b->exec,
         "native runs containers: every lifecycle operation is there");
  tap_ok(f->hooks.len == 6 && oci_strings_contain(&f->hooks, "poststart"), "native: all six hook kinds");
  tap_ok(l->namespaces.len == 8 && oci_strings_contain(&l->namespaces, "time"), "native: all eight namespace types");
  tap_ok(oci_strings_contain(&f->mount_options, "rro") && oci_strings_contain(&f->mount_options, "rbind") &&
             oci_strings_contain(&f->mount_options, "ridmap") && oci_strings_contain(&f->mount_options, "tmpcopyup"),
         "native: every mount option, tmpcopyup included");
  tap_ok(l->cgroup->v1.value && l->cgroup->v2.value && l->cgroup->systemd.value && !l->cgroup->systemd_user.value,
         "native: cgroup v1, v2 and the systemd driver, not systemd's user instance");
  tap_ok(l->seccomp->enabled.value && oci_strings_contain(&l->seccomp->actions, "SCMP_ACT_KILL_PROCESS") &&
             oci_strings_contain(&l->seccomp->actions, "SCMP_ACT_NOTIFY") && l->seccomp->operators.len == 7 &&
             oci_strings_contain(&l->seccomp->known_flags, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") &&
             l->seccomp->supported_flags.len <= l->seccomp->known_flags.len,
         "native: seccomp, every action, every flag known, the supported ones a subset");
  tap_ok(l->intel_rdt->enabled.value && l->intel_rdt->schemata.value && l->intel_rdt->monitoring.value &&
             l->net_devices->enabled.value && l->mount_extensions->idmap->enabled.value,
         "native: idmap, RDT and netDevices claimed");
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = check_config("{" BASE ",\"linux\":{\"resources\":{\"pids\":{\"limit\":5}}}}", &diags);
  oci_config_check_support(cfg, &s, &diags);
  tap_ok(find_diag(&diags, DIAG_WARNING, "linux.resources.pids") == NULL &&
             find_diag(&diags, DIAG_WARNING, "linux.resources") == NULL,
         "native: a pids limit is honoured");
  diag_list_release(&diags);
  oci_config_free(cfg);
  cfg = check_config("{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"network\"}],\"netDevices\":{\"d0\":{}}}}",
                     &diags);
  oci_config_check_support(cfg, &s, &diags);
  tap_ok(find_diag(&diags, DIAG_WARNING, "linux.netDevices") == NULL && s.n_unhonoured == 0,
         "native: netDevices honoured, no valid field left unapplied");
  oci_config_free(cfg);
  diag_list_release(&diags);
  arena_release(&a);
}

/* The lxc backend claims what the native engine does, less what liblxc's
 * mount entries and cgroup drivers cannot take. */
static void test_lxc(void)
{
  const struct hutch_backend *b = hutch_backend_lookup("lxc");
  struct arena a;
  arena_init(&a);
  struct oci_support s;
  b->describe(&s, &a);
  const struct oci_features *f = s.features;
  const struct oci_features_linux *l = f->linux_;
  tap_ok(s.implemented && b->create && b->start && b->run && b->state && b->kill && b->delete_ && b->exec &&
             b->ps && b->pause && b->resume && b->update && b->stats,
         "lxc runs containers: every lifecycle operation is there");
  tap_ok(f->hooks.len == 6 && l->namespaces.len == 8, "lxc: all six hook kinds, all eight namespace types");
  tap_ok(oci_strings_contain(&f->mount_options, "rbind") && oci_strings_contain(&f->mount_options, "nosuid") &&
             !oci_strings_contain(&f->mount_options, "rro") && !oci_strings_contain(&f->mount_options, "idmap") &&
             oci_strings_contain(&f->mount_options, "tmpcopyup"),
         "lxc: liblxc's mount options and tmpcopyup, not the recursive attributes or idmap");
  tap_ok(l->cgroup->v1.value && l->cgroup->v2.value && !l->cgroup->systemd.value && !l->intel_rdt->enabled.value &&
             !l->mount_extensions->idmap->enabled.value && l->seccomp->enabled.value,
         "lxc: cgroup v1 and v2, seccomp; no systemd driver, RDT or ID-mapped mounts");
  const struct annotation_check {
    const char *json, *path;
  } refused[] = {
    { "{" BASE ",\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}}", "linux.intelRdt" },
    { "{" BASE ",\"mounts\":[{\"destination\":\"/m\",\"type\":\"bind\",\"source\":\"/tmp\","
      "\"options\":[\"bind\"],\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
      "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}]}]}",
      "mounts[0].uidMappings" },
  };
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    struct diag_list diags = DIAG_LIST_INIT;
    struct oci_config *cfg = check_config(refused[i].json, &diags);
    oci_config_check_support(cfg, &s, &diags);
    tap_ok(find_diag(&diags, DIAG_WARNING, refused[i].path) != NULL, "lxc: %s is refused by its path",
           refused[i].path);
    oci_config_free(cfg);
    diag_list_release(&diags);
  }
  arena_release(&a);
}

int main(void)
{
  test_fake_backend();
  test_proxmox();
  test_native();
  test_lxc();
  return tap_done();
}
