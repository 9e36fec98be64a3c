#pragma once
/* Shared by the validate_*.c files: one file per part of config.json. */
#include <stdbool.h>
#include <stdint.h>

#include "spec/model.h"
#include "util/diag.h"

struct vctx {
  const struct oci_config *cfg;
  struct diag_list *diags;
  char path[512]; /* scratch for the path of the current diagnostic */
};

/* Formats a JSON path into v->path and returns it. */
const char *vpath(struct vctx *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define verror(v, path, ...) diag_add((v)->diags, DIAG_ERROR, (path), __VA_ARGS__)
#define vwarn(v, path, ...) diag_add((v)->diags, DIAG_WARNING, (path), __VA_ARGS__)

/* The namespace entry of this type, or NULL when the config has none. */
const struct oci_namespace *find_namespace(const struct oci_config *cfg, enum oci_namespace_type type);
/* True when the config asks for a new (not joined) namespace of this type. */
bool has_new_namespace(const struct oci_config *cfg, enum oci_namespace_type type);

/* True when an error was already reported at path or below it. */
bool has_error_under(const struct vctx *v, const char *path);
/* Reports "<path>: required" unless present (or already reported). */
void require(struct vctx *v, bool present, const char *path);

bool is_absolute(const char *path);
/* True when a path has a ".." component. */
bool has_dotdot(const char *path);

/* Calls fn(later, first, ctx) for every key equal to an earlier one (NULL
 * keys are skipped). Sorts, so hostile lists cost n log n, not n squared. */
void for_each_repeat(const char *const *keys, size_t n, void (*fn)(size_t later, size_t first, void *ctx), void *ctx);

/* Checks a list of "KEY=value" entries (process.env, hooks' env). */
void check_env(struct vctx *v, const oci_strings *env, const char *base);
/* Checks ID mappings (linux.uidMappings, mounts[].uidMappings, ...). */
void check_id_mappings(struct vctx *v, const oci_id_mappings *maps, const char *base);
/* Checks a CPU or NUMA node list. */
void check_cpu_list(struct vctx *v, const char *list, const char *path);

void validate_process(struct vctx *v, const struct oci_process *p, const char *base);
void validate_mounts(struct vctx *v);
void validate_hooks(struct vctx *v);
void validate_linux(struct vctx *v);
void validate_resources(struct vctx *v, const struct oci_resources *r, const char *base);
void validate_seccomp(struct vctx *v, const struct oci_seccomp *s);
