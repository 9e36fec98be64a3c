#pragma once
/* The backend interface: one ops table per way of running a container
 * (native engine, liblxc, Proxmox VE). The CLI picks a backend by name for a
 * new container; the state of an existing one records which backend owns it. */
#include <stdbool.h>

#include "spec/features.h"
#include "spec/support.h"
#include "util/arena.h"

struct hutch_backend {
  const char *name;
  const char *summary;
  /* Fills *out (allocating in arena) with what this backend honours at this
   * commit: the truth `features` prints and `validate` checks against. */
  void (*describe)(struct oci_support *out, struct arena *arena);
  /* Container operations (create, start, state, kill, delete, exec, pause,
   * resume, update, events) join here as the backends gain them. */
};

extern const struct hutch_backend hutch_backend_native;
extern const struct hutch_backend hutch_backend_lxc;
extern const struct hutch_backend hutch_backend_proxmox;

#define HUTCH_DEFAULT_BACKEND "native"

/* The backend of that name, or NULL. */
const struct hutch_backend *hutch_backend_lookup(const char *name);
/* "native, lxc, proxmox", for messages. */
const char *hutch_backend_names(void);

/* The part of every features document that does not depend on the backend:
 * version range and annotations naming hutch. Allocates in arena. */
struct oci_features *hutch_features_base(struct arena *arena, const char *backend);

/* For a backend that cannot run containers yet: a features document that
 * claims nothing (empty lists, every flag false) and implemented = false. */
void hutch_describe_unimplemented(struct oci_support *out, struct arena *arena, const char *backend);
