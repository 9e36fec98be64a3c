/* Decoding config.json into the typed model. */
#include "helpers.h"
#include "spec/codec.h"
#include "spec/schema.h"
#include "tap.h"

#include <stdint.h>
#include <stdlib.h>

static void test_full_config(void)
{
  size_t len;
  char *text = read_data_file("full-config.json", &len);
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = oci_config_parse(text, len, &diags);
  tap_ok(cfg && diag_count(&diags, DIAG_ERROR) == 0, "full-config.json decodes without errors");
  if (!cfg) {
    dump_diags(&diags);
    return;
  }
  tap_str_eq(cfg->oci_version, "1.3.0", "ociVersion");
  tap_ok(cfg->root && cfg->root->readonly.set && cfg->root->readonly.value, "root.readonly");
  tap_ok(cfg->mounts.len == 3 && cfg->mounts.items[1].uid_mappings.len == 1 &&
             cfg->mounts.items[1].uid_mappings.items[0].host_id == 100000,
         "mounts[1].uidMappings[0].hostID");
  const struct oci_process *p = cfg->process;
  tap_ok(p && p->user && p->user->additional_gids.len == 3 && p->user->additional_gids.items[2] == UINT32_MAX,
         "additionalGids keep uint32 max");
  tap_ok(p->rlimits.len == 2 && p->rlimits.items[1].hard == UINT64_MAX, "RLIM_INFINITY as uint64");
  tap_ok(p->scheduler && p->scheduler->policy.value == OCI_SCHED_DEADLINE && p->scheduler->flags.len == 2 &&
             p->scheduler->flags.items[1] == OCI_SCHED_FLAG_RECLAIM,
         "scheduler policy and flags as enums");
  tap_ok(p->oom_score_adj.set && p->oom_score_adj.value == -500, "negative oomScoreAdj");
  tap_str_eq(p->args.items[2], "echo \"quoted\" \\ back\xc3\xa9", "escaped argument");
  tap_ok(cfg->hooks && cfg->hooks->kinds[OCI_HOOK_CREATE_RUNTIME].len == 1 &&
             cfg->hooks->kinds[OCI_HOOK_CREATE_RUNTIME].items[0].timeout.value == 5,
         "hooks.createRuntime[0].timeout");
  const struct oci_linux *l = cfg->linux_;
  tap_ok(l && l->namespaces.len == 8 && l->namespaces.items[7].type.value == OCI_NS_TIME, "time namespace");
  tap_ok(l->time_offsets.len == 2 && l->time_offsets.items[1].secs.value == -10, "timeOffsets map entries");
  tap_ok(l->net_devices.len == 2 && !l->net_devices.items[1].name, "netDevices entry without name");
  tap_str_eq(l->net_devices.items[0].host_name, "eth1", "netDevices keeps the host name as key");
  tap_ok(l->resources && l->resources->pids && l->resources->pids->limit.set && l->resources->pids->limit.value == 0,
         "pids.limit 0 is a set limit, not absent");
  tap_ok(l->resources->rdma.len == 1 && l->resources->rdma.items[0].hca_objects.value == 10000, "rdma map");
  tap_ok(l->seccomp && l->seccomp->syscalls.len == 4 && l->seccomp->syscalls.items[2].args.items[0].value == UINT64_MAX,
         "seccomp argument value as uint64");
  tap_ok(l->seccomp->syscalls.items[1].args.items[0].value_two.set, "valueTwo 0 is present");
  tap_ok(l->memory_policy && l->memory_policy->mode.value == OCI_MPOL_INTERLEAVE, "memoryPolicy.mode");
  tap_ok(l->personality && l->personality->domain.value == OCI_PERSONALITY_LINUX32, "personality.domain");
  tap_ok(l->rootfs_propagation.set && l->rootfs_propagation.value == OCI_PROPAGATION_SLAVE, "rootfsPropagation");
  tap_ok(cfg->annotations.len == 3 && cfg->annotations.items[1].value[0] == '\0', "empty annotation value");
  oci_config_free(cfg);
  diag_list_release(&diags);
  free(text);
}

static void test_null_and_unknown(void)
{
  struct diag_list diags = DIAG_LIST_INIT;
  const char *json = "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"hostname\":null,\"x-vendor\":{\"a\":1},"
                     "\"linux\":{\"resources\":{\"oomScoreAdj\":5}}}";
  struct oci_config *cfg = oci_config_parse(json, strlen(json), &diags);
  tap_ok(cfg && diag_count(&diags, DIAG_ERROR) == 0, "null and unknown fields are not errors");
  tap_ok(cfg && cfg->hostname == NULL, "null leaves an optional field unset");
  tap_ok(find_diag(&diags, DIAG_DEBUG, "x-vendor") != NULL, "an unknown top-level field is noted at debug level");
  tap_ok(find_diag(&diags, DIAG_DEBUG, "linux.resources.oomScoreAdj") != NULL, "an unknown nested field is noted");
  oci_config_free(cfg);
  diag_list_release(&diags);

  json = "{\"ociVersion\":null,\"root\":{\"path\":\"r\"}}";
  cfg = oci_config_parse(json, strlen(json), &diags);
  const struct diag *d = find_diag(&diags, DIAG_ERROR, "ociVersion");
  tap_ok(d && strstr(d->message, "expected a string, got null"), "null for a required field is a type error");
  oci_config_free(cfg);
  diag_list_release(&diags);
}

static void test_all_errors_listed(void)
{
  struct diag_list diags = DIAG_LIST_INIT;
  const char *json = "{\"ociVersion\":1,\"root\":{\"path\":\"r\",\"readonly\":\"yes\"},"
                     "\"linux\":{\"resources\":{\"memory\":{\"limit\":\"1G\"}}}}";
  struct oci_config *cfg = oci_config_parse(json, strlen(json), &diags);
  tap_ok(diag_count(&diags, DIAG_ERROR) == 3, "three problems give three errors");
  const struct diag *d = find_diag(&diags, DIAG_ERROR, "linux.resources.memory.limit");
  tap_ok(d && strcmp(d->message, "expected an integer, got \"1G\"") == 0,
         "linux.resources.memory.limit: expected an integer, got \"1G\"");
  tap_ok(find_diag(&diags, DIAG_ERROR, "ociVersion") && find_diag(&diags, DIAG_ERROR, "root.readonly"),
         "ociVersion and root.readonly are named");
  oci_config_free(cfg);
  diag_list_release(&diags);
}

static void test_process_document(void)
{
  /* `exec --process` reads a process object on its own. */
  struct arena a;
  arena_init(&a);
  struct diag_list diags = DIAG_LIST_INIT;
  const char *json = "{\"cwd\":\"/\",\"args\":[\"ls\"],\"user\":{\"uid\":0,\"gid\":\"x\"}}";
  struct oci_process *p = oci_decode_document(&a, &oci_type_process, json, strlen(json), "process.json", &diags);
  tap_ok(p && p->args.len == 1, "a process document decodes");
  tap_ok(find_diag(&diags, DIAG_ERROR, "user.gid") != NULL, "its paths start at the document root");
  diag_list_release(&diags);
  arena_release(&a);
}

int main(void)
{
  test_full_config();
  test_null_and_unknown();
  test_all_errors_listed();
  test_process_document();
  return tap_done();
}
