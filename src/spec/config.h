#pragma once
/* config.json: read once into the typed model, checked in one place. */
#include <stdbool.h>
#include <stddef.h>

#include "spec/model.h"
#include "util/diag.h"
#include "util/error.h"
#include "util/strbuf.h"

/* Upper bound on config.json's size: real ones are a few KiB; this keeps a
 * hostile bundle from making hutch read without end. */
#define OCI_CONFIG_MAX_SIZE (16u * 1024 * 1024)

/* Decodes config.json text. Returns NULL only when the text is not JSON;
 * every schema problem is added to diags as an error with its JSON path.
 * The result must still pass oci_config_validate before use. */
struct oci_config *oci_config_parse(const char *text, size_t len, struct diag_list *diags);

/* Reads and decodes dirfd/path (AT_FDCWD for plain paths), which must be a
 * regular file (flags: enum regular_file_flags). Returns -1 with *err only
 * when the file cannot be read; otherwise as oci_config_parse. */
int oci_config_read(int dirfd, const char *path, unsigned flags, struct oci_config **out, struct diag_list *diags,
                    struct hutch_error **err);

/* Applies the rules the spec sets beyond the schema (absolute paths, no
 * repeated namespaces, errnoRet only with ERRNO/TRACE, supported ociVersion,
 * Linux only, ...), adding an error or warning per problem. Pure: it looks at
 * the model only, never at the filesystem. */
void oci_config_validate(const struct oci_config *cfg, struct diag_list *diags);

/* The rules for a process object on its own (`exec --process`); paths are
 * relative to the document ("cwd", "user.uid"). */
void oci_process_validate(const struct oci_process *p, struct diag_list *diags);

/* The rules for a linux.resources object on its own (`update --resources`). */
void oci_resources_validate(const struct oci_resources *r, struct diag_list *diags);

/* Parse, then validate when the parse succeeded: the whole check. Returns
 * NULL when the text is not JSON. */
struct oci_config *oci_config_parse_and_validate(const char *text, size_t len, struct diag_list *diags);

/* Serialises the model (indent as for oci_encode). */
void oci_config_write(struct strbuf *out, const struct oci_config *cfg, const char *indent);

/* An empty config whose arena callers can allocate into (used by `spec`). */
struct oci_config *oci_config_new(void);
void oci_config_free(struct oci_config *cfg);

static inline void oci_config_freep(struct oci_config **cfg)
{
  oci_config_free(*cfg);
}
#define cleanup_config __attribute__((cleanup(oci_config_freep)))
