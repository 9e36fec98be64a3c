#pragma once
/* Diagnostics about a document (config.json, process.json): every problem
 * found, each tied to the JSON path it is about, so `validate` can list them
 * all and the engine can refuse with the first error. */
#include <stdbool.h>
#include <stddef.h>

enum diag_level {
  DIAG_ERROR,
  DIAG_WARNING,
  DIAG_DEBUG, /* e.g. an unknown field that is ignored */
};

struct diag {
  enum diag_level level;
  char *path; /* "linux.resources.memory.limit", "" for the document itself */
  char *message;
};

struct diag_list {
  struct diag *items;
  size_t len;
  size_t cap;
};

#define DIAG_LIST_INIT { NULL, 0, 0 }

void diag_add(struct diag_list *list, enum diag_level level, const char *path,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));
size_t diag_count(const struct diag_list *list, enum diag_level level);
/* The first error, or NULL. */
const struct diag *diag_first_error(const struct diag_list *list);
/* Finds a diagnostic of the given level at exactly this path, or NULL. */
const struct diag *diag_find(const struct diag_list *list, enum diag_level level, const char *path);
/* "path: message" (or just the message for the document itself); caller frees. */
char *diag_format(const struct diag *d);
const char *diag_level_name(enum diag_level level);
/* Among the diagnostics from index `from` on, keeps only the first of each
 * path: for checks that may reach one field by two roads. */
void diag_drop_repeated_paths(struct diag_list *list, size_t from);
void diag_list_release(struct diag_list *list);

static inline void diag_list_releasep(struct diag_list *list)
{
  diag_list_release(list);
}
#define cleanup_diags __attribute__((cleanup(diag_list_releasep)))
