/* The proxmox backend's translation: a table of configs, each with the pct
 * create options and raw conf lines it must give (values worked out from
 * PVE's sources: MiB, cpulimit = quota/period, cpuunits = shares on v1 and
 * runc's weight on v2), or the JSON path of its refusal. */
#include "backend/proxmox/proxmox.h"
#include "helpers.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE "\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"]," \
             "\"user\":{\"uid\":0,\"gid\":0}}"
#define NS "{\"type\":\"pid\"},{\"type\":\"mount\"},{\"type\":\"network\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}"
#define LINUX(extra) "\"linux\":{\"namespaces\":[" NS "]" extra "}"

struct row {
  const char *what;
  const char *json;
  bool v2;
  const char *want_args; /* substrings of the joined options, '|' separated */
  const char *want_raw;  /* substrings of the joined raw lines, '|' separated */
  const char *refused;   /* the error's start, or NULL */
};

static const struct row rows[] = {
  { "the minimal CT", "{" BASE "," LINUX("") "}", false,
    "--rootfs ctstore:0|--ostype unmanaged|--unprivileged 0|--memory 2048|--swap 0|--tags hutch|--net0 name=eth0",
    "lxc.mount.entry: /state/c/work .hutch none bind,ro,create=dir 0 0|lxc.init.cmd: /.hutch/init|"
    "lxc.signal.halt: SIGTERM",
    NULL },
  { "memory and swap in MiB, rounded up", "{" BASE "," LINUX(",\"resources\":{\"memory\":{\"limit\":268435457,"
                                                              "\"swap\":536870912}}") "}",
    false, "--memory 257|--swap 255", NULL, NULL },
  { "memory below PVE's 16 MiB", "{" BASE "," LINUX(",\"resources\":{\"memory\":{\"limit\":1048576}}") "}", false,
    NULL, NULL, "linux.resources.memory.limit" },
  { "unlimited swap is the host's memory", "{" BASE "," LINUX(",\"resources\":{\"memory\":{\"limit\":33554432,"
                                                               "\"swap\":-1}}") "}",
    false, "--memory 32|--swap 2048", NULL, NULL },
  { "cpulimit from quota/period, cpuunits = shares on v1",
    "{" BASE "," LINUX(",\"resources\":{\"cpu\":{\"quota\":150000,\"period\":100000,\"shares\":512}}") "}", false,
    "--cpulimit 1.50000|--cpuunits 512", NULL, NULL },
  { "cpuunits = runc's weight on v2", "{" BASE "," LINUX(",\"resources\":{\"cpu\":{\"shares\":1024}}") "}", true,
    "--cpuunits 39", NULL, NULL },
  { "cores counts cpuset.cpus, the raw line pins them",
    "{" BASE "," LINUX(",\"resources\":{\"cpu\":{\"cpus\":\"0-2,5\",\"mems\":\"0\"}}") "}", true, "--cores 4",
    "lxc.cgroup2.cpuset.cpus: 0-2,5|lxc.cgroup2.cpuset.mems: 0", NULL },
  { "pids limit 0 of a 1.3 config: no process at all, not unlimited",
    "{" BASE "," LINUX(",\"resources\":{\"pids\":{\"limit\":0}}") "}", false, NULL, "lxc.cgroup.pids.max: 0", NULL },
  { "pids and device rules in order, v1 keys",
    "{" BASE "," LINUX(",\"resources\":{\"pids\":{\"limit\":64},\"devices\":[{\"allow\":false,\"access\":\"rwm\"},"
                       "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"}]}") "}",
    false, NULL, "lxc.cgroup.pids.max: 64|lxc.cgroup.devices.deny: a|lxc.cgroup.devices.allow: c 1:3 rwm", NULL },
  { "hostname", "{" BASE ",\"hostname\":\"web-1.example\"," LINUX("") "}", false, "--hostname web-1.example", NULL,
    NULL },
  { "a hostname PVE refuses", "{" BASE ",\"hostname\":\"web_1\"," LINUX("") "}", false, NULL, NULL, "hostname:" },
  { "no network namespace", "{" BASE ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"},"
                            "{\"type\":\"ipc\"},{\"type\":\"uts\"}]}}",
    false, NULL, NULL, "linux.namespaces: no network namespace" },
  { "a joined namespace", "{" BASE ",\"linux\":{\"namespaces\":[" NS ",{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]}}",
    false, NULL, NULL, "linux.namespaces[5].path" },
  { "a user namespace with PVE's map is unprivileged",
    "{" BASE ",\"linux\":{\"namespaces\":[" NS ",{\"type\":\"user\"}],"
    "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
    "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}}",
    false, "--unprivileged 1|--features keyctl=1", NULL, NULL },
  { "another id map", "{" BASE ",\"linux\":{\"namespaces\":[" NS ",{\"type\":\"user\"}],"
                      "\"uidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":65536}],"
                      "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]}}",
    false, NULL, NULL, "linux.uidMappings" },
  { "binds: a directory is mpN (rbind: a raw rbind, which mpN is not), a file a raw entry; PVE's own mounts are PVE's",
    "{" BASE ",\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"bind\",\"ro\"]},"
    "{\"destination\":\"/deep\",\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rbind\"]},"
    "{\"destination\":\"/etc/hostname\",\"type\":\"bind\",\"source\":\"/etc/hostname\",\"options\":[\"bind\"]},"
    "{\"destination\":\"/run\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"nosuid\",\"size=65536k\"]}],"
    LINUX("") "}",
    false, "--mp0 /tmp,mp=/data,ro=1",
    "lxc.mount.entry: /tmp deep none rbind,create=dir 0 0|"
    "lxc.mount.entry: /etc/hostname etc/hostname none bind,create=file 0 0|"
    "lxc.mount.entry: tmpfs run tmpfs rw,nosuid,size=65536k,create=dir 0 0",
    NULL },
  { "a filesystem PVE does not mount", "{" BASE ",\"mounts\":[{\"destination\":\"/x\",\"type\":\"nfs\",\"source\":"
                                       "\"h:/e\"}]," LINUX("") "}",
    false, NULL, NULL, "mounts[0].type" },
  { "a destination PVE cannot hold", "{" BASE ",\"mounts\":[{\"destination\":\"/a b\",\"type\":\"tmpfs\",\"source\":"
                                     "\"tmpfs\"}]," LINUX("") "}",
    false, NULL, NULL, "mounts[0].destination" },
  { "IPC and net.* sysctl are taken (the proxy writes them)",
    "{" BASE "," LINUX(",\"sysctl\":{\"kernel.shmmax\":\"1000\",\"net.ipv4.ip_forward\":\"1\"}") "}", false, NULL,
    NULL, NULL },
  { "a host sysctl", "{" BASE "," LINUX(",\"sysctl\":{\"kernel.domainname\":\"x\"}") "}", false, NULL, NULL,
    "linux.sysctl[\"kernel.domainname\"]" },
  { "/dev/fuse is PVE's fuse feature", "{" BASE "," LINUX(",\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\","
                                                           "\"major\":10,\"minor\":229}]") "}",
    false, "--features fuse=1", NULL, NULL },
  { "a capability a privileged CT drops clears PVE's drop list",
    "{\"ociVersion\":\"1.3.0\",\"root\":{\"path\":\"r\"},\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
    "\"user\":{\"uid\":0,\"gid\":0},\"capabilities\":{\"bounding\":[\"CAP_SYS_TIME\"]}}," LINUX("") "}",
    false, NULL, "lxc.cap.drop: \n|lxc.cap.drop: mac_admin mac_override sys_module sys_rawio", NULL },
};

static char *join(char **items, size_t n)
{
  size_t len = 1;
  for (size_t i = 0; i < n; i++)
    len += strlen(items[i]) + 1;
  char *out = calloc(1, len);
  for (size_t i = 0; i < n; i++) {
    strcat(out, items[i]);
    strcat(out, i + 1 < n && items[i][0] == '-' ? " " : "\n");
  }
  return out;
}

static bool has_all(const char *text, const char *want, char *missing, size_t size)
{
  if (!want)
    return true;
  char *copy = strdup(want);
  bool ok = true;
  for (char *save = NULL, *w = strtok_r(copy, "|", &save); w; w = strtok_r(NULL, "|", &save))
    if (!strstr(text, w)) {
      snprintf(missing, size, "%s", w);
      ok = false;
      break;
    }
  free(copy);
  return ok;
}

int main(void)
{
  struct pve_settings s = {
    .pct = "/usr/sbin/pct", .storage = "ctstore", .rootfs_size = "0", .template_storage = "local",
    .net = { "name=eth0,bridge=vmbr0,ip=dhcp" },
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    const struct row *r = &rows[i];
    struct diag_list diags = DIAG_LIST_INIT;
    struct oci_config *cfg = check_config(r->json, &diags);
    if (!cfg || diag_first_error(&diags)) {
      dump_diags(&diags);
      tap_ok(false, "%s: the config is valid", r->what);
      oci_config_free(cfg);
      diag_list_release(&diags);
      continue;
    }
    struct pve_plan_in in = {
      .cfg = cfg, .settings = &s, .work_dir = "/state/c/work", .cgroup_v2 = r->v2, .host_mem_mib = 2048,
    };
    struct pve_plan plan;
    struct hutch_error *err = NULL;
    int rc = pve_plan_build(&in, &plan, &err);
    if (r->refused) {
      tap_ok(rc < 0 && err && strncmp(err->msg, r->refused, strlen(r->refused)) == 0, "%s: refused by path (%s)",
             r->what, test_error_msg(err));
    } else if (rc < 0) {
      tap_ok(false, "%s: %s", r->what, test_error_msg(err));
    } else {
      char *args = join(plan.create_args, plan.n_create_args);
      char *raw = join(plan.raw, plan.n_raw);
      char missing[256] = "";
      bool ok = has_all(args, r->want_args, missing, sizeof missing) && has_all(raw, r->want_raw, missing, sizeof missing);
      tap_ok(ok, "%s%s%s", r->what, ok ? "" : ": missing ", missing);
      if (!ok)
        printf("# args: %s\n# raw: %s\n", args, raw);
      free(args);
      free(raw);
      pve_plan_release(&plan);
    }
    hutch_error_free(err);
    oci_config_free(cfg);
    diag_list_release(&diags);
  }
  /* update: pct set's options, refusing what pct set cannot change */
  struct oci_memory mem = { .limit = { 64 << 20, true } };
  struct oci_resources res = { .memory = &mem };
  char **args = NULL;
  size_t n = 0;
  struct hutch_error *err = NULL;
  int rc = pve_plan_update(&res, false, 2048, &args, &n, &err);
  char *joined = rc == 0 ? join(args, n) : strdup("");
  tap_ok(rc == 0 && strstr(joined, "--memory 64") && !strstr(joined, "--swap"),
         "update: memory in MiB, swap left as it is (%s)", joined);
  free(joined);
  for (size_t i = 0; i < n; i++)
    free(args[i]);
  free(args);
  struct oci_pids pids = { .limit = { 10, true } };
  struct oci_resources res2 = { .pids = &pids };
  rc = pve_plan_update(&res2, false, 2048, &args, &n, &err);
  tap_ok(rc < 0 && err && strncmp(err->msg, "linux.resources.pids", 20) == 0, "update: pids is refused by path (%s)",
         test_error_msg(err));
  hutch_error_free(err);
  /* Every field pct set cannot change is refused by name, none dropped. */
  struct oci_memory mem2 = { .limit = { 64 << 20, true }, .reservation = { 32 << 20, true } };
  struct oci_cpu cpu = { .shares = { 512, true }, .burst = { 1000, true } };
  struct oci_block_io bio = { .weight = { 100, true } };
  struct oci_cpu period_only = { .period = { 200000, true } };
  struct oci_cpu zero_quota = { .quota = { 0, true } };
  struct oci_memory unlimited = { .limit = { -1, true } };
  const struct {
    struct oci_resources r;
    const char *field;
  } refused[] = {
    { { .memory = &mem2 }, "linux.resources.memory.reservation" },
    { { .cpu = &cpu }, "linux.resources.cpu.burst" },
    { { .block_io = &bio }, "linux.resources.blockIO" },
    { { .cpu = &period_only }, "linux.resources.cpu.period" },
    { { .cpu = &zero_quota }, "linux.resources.cpu.quota" },
    { { .memory = &unlimited }, "linux.resources.memory.limit" },
  };
  for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
    err = NULL;
    rc = pve_plan_update(&refused[i].r, false, 2048, &args, &n, &err);
    tap_ok(rc < 0 && err && strncmp(err->msg, refused[i].field, strlen(refused[i].field)) == 0 &&
             err->msg[strlen(refused[i].field)] == ':',
           "update: %s is refused by path (%s)", refused[i].field, test_error_msg(err));
    hutch_error_free(err);
  }
  tap_done();
  return 0;
}
