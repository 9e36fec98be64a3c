/* Where PVE's tools and files are and which storages a CT gets: hutch.conf's
 * proxmox.* settings, over PVE's defaults, under a container's
 * run.hutch.proxmox.* annotations. */
#include "backend/proxmox/proxmox.h"
#include "backend/select.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const pve_setting_keys[] = {
  "pct", "pvesh", "pvesm", "config-dir", "lock-dir", "storage", "rootfs-size", "template-storage",
  "net0", "net1", "net2", "net3", "net4", "net5", "net6", "net7", NULL,
};

static const char **slot(struct pve_settings *s, const char *key)
{
  if (strcmp(key, "pct") == 0)
    return &s->pct;
  if (strcmp(key, "pvesh") == 0)
    return &s->pvesh;
  if (strcmp(key, "pvesm") == 0)
    return &s->pvesm;
  if (strcmp(key, "config-dir") == 0)
    return &s->config_dir;
  if (strcmp(key, "lock-dir") == 0)
    return &s->lock_dir;
  if (strcmp(key, "storage") == 0)
    return &s->storage;
  if (strcmp(key, "rootfs-size") == 0)
    return &s->rootfs_size;
  if (strcmp(key, "template-storage") == 0)
    return &s->template_storage;
  if (strncmp(key, "net", 3) == 0 && key[3] >= '0' && key[3] <= '9') {
    char *end;
    long n = strtol(key + 3, &end, 10);
    if (!*end && n >= 0 && n < PVE_MAX_NET && (key[3] != '0' || !key[4]))
      return &s->net[n];
  }
  return NULL;
}

/* Tools, files and networks are the host's business, not a container's
 * (a netN names bridges, VLANs and addresses the administrator decides):
 * annotations choose storages only. */
static bool annotation_may_set(const char *key)
{
  return strcmp(key, "storage") == 0 || strcmp(key, "rootfs-size") == 0 || strcmp(key, "template-storage") == 0;
}

/* PVE's storage ids: [a-z][a-z0-9._-]*[a-z0-9]; nothing else may reach a
 * property string. */
static bool storage_id(const char *v)
{
  size_t n = strlen(v);
  if (n < 2 || v[0] < 'a' || v[0] > 'z' || !(isalnum((unsigned char) v[n - 1]) && !isupper((unsigned char) v[n - 1])))
    return false;
  for (size_t i = 0; i < n; i++)
    if (!((v[i] >= 'a' && v[i] <= 'z') || (v[i] >= '0' && v[i] <= '9') || v[i] == '.' || v[i] == '_' || v[i] == '-'))
      return false;
  return true;
}

static bool clean_value(const char *v)
{
  for (const char *p = v; *p; p++)
    if ((unsigned char) *p < 0x20 || *p == 0x7f)
      return false;
  return *v != 0;
}

int pve_settings_load(const struct oci_config *cfg, struct arena *arena, struct pve_settings *out,
                      struct hutch_error **err)
{
  *out = (struct pve_settings) {
    .pct = "/usr/sbin/pct",
    .pvesh = "/usr/bin/pvesh",
    .pvesm = "/usr/sbin/pvesm",
    .config_dir = "/etc/pve/lxc",
    .lock_dir = "/run/lock/lxc",
    .storage = "local",
    .rootfs_size = "4",
    .template_storage = "local",
  };
  const char *path = hutch_conf_path();
  struct hutch_conf conf;
  if (path) {
    if (hutch_conf_load(path, &conf, err) < 0) {
      hutch_conf_release(&conf);
      return -1;
    }
    for (size_t i = 0; i < conf.n_settings; i++) {
      const struct hutch_conf_setting *s = &conf.settings[i];
      const char **dst = s->backend == &hutch_backend_proxmox ? slot(out, s->key) : NULL;
      if (dst)
        *dst = arena_strdup(arena, s->value);
    }
    hutch_conf_release(&conf);
  }
  const oci_string_map *a = &cfg->annotations;
  size_t plen = strlen(PVE_ANNOTATION_PREFIX);
  for (size_t i = 0; i < a->len; i++) {
    const char *k = a->items[i].key;
    if (strncmp(k, PVE_ANNOTATION_PREFIX, plen) != 0)
      continue;
    const char **dst = slot(out, k + plen);
    if (!dst || !annotation_may_set(k + plen))
      return hutch_fail(err, 0, "annotations[\"%s\"]: not a setting of the proxmox backend a container may choose "
                        "(storage, rootfs-size, template-storage)", k);
    if (!clean_value(a->items[i].value))
      return hutch_fail(err, 0, "annotations[\"%s\"]: empty or holds a control character", k);
    *dst = a->items[i].value;
  }
  if (!storage_id(out->storage) || !storage_id(out->template_storage))
    return hutch_fail(err, 0, "proxmox storage \"%s\": not a Proxmox VE storage id",
                      storage_id(out->storage) ? out->template_storage : out->storage);
  return 0;
}
