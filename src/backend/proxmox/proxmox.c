/* The proxmox backend: turns the bundle into a Proxmox VE container (VMID,
 * pct, /etc/pve/lxc/<vmid>.conf). Not built yet; it states that it honours
 * nothing. */
#include "backend/backend.h"

static void proxmox_describe(struct oci_support *out, struct arena *arena)
{
  hutch_describe_unimplemented(out, arena, "proxmox");
}

const struct hutch_backend hutch_backend_proxmox = {
  .name = "proxmox",
  .summary = "a Proxmox VE container managed with pct",
  .describe = proxmox_describe,
};
