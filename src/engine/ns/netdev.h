#pragma once
/* linux.netDevices: host interfaces moved into the container's network
 * namespace, over rtnetlink (no ip(8), no libmnl). The caller stays in its
 * own network namespace throughout; a short-lived child opens the netlink
 * socket inside the container's. */
#include "spec/model.h"
#include "util/error.h"

/* Checks, changing nothing, that every move is possible, as the spec asks
 * before any move: each host interface exists, the container's namespace is
 * not the caller's own, and each target name (`name`, else the host name) is
 * free there unless it ends in "%d", a template the kernel expands. Errors
 * name linux.netDevices.<host>, or linux.netDevices.<host>.name for a clash
 * of a given name. */
int netdev_check_all(const oci_net_devices *devs, int target_netns_fd, struct hutch_error **err);

/* Called by the runtime (host network namespace) once the container's init
 * exists, before it runs anything; target_netns_fd is its /proc/<pid>/ns/net.
 * Runs netdev_check_all, then moves each interface in order, renamed to
 * `name` if given, with its permanent global-scope addresses of every family
 * re-added and the link set up inside. Nothing is kept: the interfaces are
 * never managed or moved back afterwards.
 *
 * On failure, the interfaces this call already moved are moved back under
 * their host names with their saved addresses and up/down state (best
 * effort; what cannot be restored is logged as a warning), so the host is as
 * before; the error names the interface that failed. */
int netdev_move_all(const oci_net_devices *devs, int target_netns_fd, struct hutch_error **err);
