#include "spec/default_config.h"
#include "spec/config.h"
#include "spec/version.h"

#include <stdlib.h>
#include <string.h>

/* Kept as JSON: it reads like the file it produces. */
static const char default_config_json[] =
  "{"
  "\"ociVersion\":\"" HUTCH_OCI_VERSION_SPEC "\","
  "\"process\":{"
  "  \"terminal\":true,"
  "  \"user\":{\"uid\":0,\"gid\":0},"
  "  \"args\":[\"sh\"],"
  "  \"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"TERM=xterm\"],"
  "  \"cwd\":\"/\","
  "  \"capabilities\":{"
  "    \"bounding\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
  "    \"effective\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"],"
  "    \"permitted\":[\"CAP_AUDIT_WRITE\",\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\"]"
  "  },"
  "  \"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
  "  \"noNewPrivileges\":true"
  "},"
  "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
  "\"hostname\":\"hutch\","
  "\"mounts\":["
  "  {\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
  "  {\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
  "   \"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
  "  {\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
  "   \"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\",\"gid=5\"]},"
  "  {\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
  "   \"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
  "  {\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
  "   \"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
  "  {\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
  "   \"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
  "  {\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
  "   \"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}"
  "],"
  "\"linux\":{"
  "  \"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},"
  "  \"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},"
  "                {\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
  "  \"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\",\"/proc/latency_stats\","
  "                 \"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\",\"/sys/firmware\","
  "                 \"/proc/scsi\"],"
  "  \"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\",\"/proc/sysrq-trigger\"]"
  "}"
  "}";

/* uid=/gid= options name IDs the rootless user cannot map. */
static void drop_id_options(struct oci_mount *m)
{
  size_t kept = 0;
  for (size_t i = 0; i < m->options.len; i++) {
    const char *o = m->options.items[i];
    if (strncmp(o, "uid=", 4) == 0 || strncmp(o, "gid=", 4) == 0)
      continue;
    m->options.items[kept++] = m->options.items[i];
  }
  m->options.len = kept;
}

static void make_rootless(struct oci_config *cfg, uid_t uid, gid_t gid)
{
  struct oci_linux *l = cfg->linux_;
  /* A new network namespace would leave the container without network;
   * the user namespace takes its place in the list. */
  for (size_t i = 0; i < l->namespaces.len; i++) {
    if (l->namespaces.items[i].type.value == OCI_NS_NETWORK) {
      l->namespaces.items[i].type.value = OCI_NS_USER;
      break;
    }
  }
  struct oci_id_mapping *maps = arena_calloc(&cfg->arena, 2, sizeof *maps);
  maps[0] = (struct oci_id_mapping) { 0, (uint32_t) uid, 1 };
  maps[1] = (struct oci_id_mapping) { 0, (uint32_t) gid, 1 };
  l->uid_mappings.items = &maps[0];
  l->uid_mappings.len = 1;
  l->uid_mappings.set = true;
  l->gid_mappings.items = &maps[1];
  l->gid_mappings.len = 1;
  l->gid_mappings.set = true;
  /* Cgroups cannot be written without privileges. */
  l->resources = NULL;

  for (size_t i = 0; i < cfg->mounts.len; i++) {
    struct oci_mount *m = &cfg->mounts.items[i];
    drop_id_options(m);
    /* sysfs cannot be mounted in a user namespace without a network
     * namespace of its own: bind the host's, read-only. */
    if (strcmp(m->destination, "/sys") == 0) {
      static const char *const sys_options[] = { "rbind", "nosuid", "noexec", "nodev", "ro" };
      size_t n = sizeof sys_options / sizeof *sys_options;
      m->type = arena_strdup(&cfg->arena, "none");
      m->source = arena_strdup(&cfg->arena, "/sys");
      m->options.items = arena_calloc(&cfg->arena, n, sizeof(char *));
      for (size_t k = 0; k < n; k++)
        m->options.items[k] = arena_strdup(&cfg->arena, sys_options[k]);
      m->options.len = n;
    }
  }
}

struct oci_config *oci_default_config(bool rootless, uid_t uid, gid_t gid)
{
  struct diag_list diags = DIAG_LIST_INIT;
  struct oci_config *cfg = oci_config_parse(default_config_json, sizeof default_config_json - 1, &diags);
  /* The template is part of the program: failing to read it is a bug. */
  if (!cfg || diag_count(&diags, DIAG_ERROR))
    abort();
  diag_list_release(&diags);
  if (rootless)
    make_rootless(cfg, uid, gid);
  return cfg;
}
