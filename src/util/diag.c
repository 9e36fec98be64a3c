#include "util/diag.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void diag_add(struct diag_list *list, enum diag_level level, const char *path, const char *fmt, ...)
{
  if (list->len == list->cap) {
    list->cap = list->cap ? list->cap * 2 : 8;
    list->items = xrealloc(list->items, list->cap * sizeof *list->items);
  }
  struct strbuf sb = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&sb, fmt, ap);
  va_end(ap);
  struct diag *d = &list->items[list->len++];
  d->level = level;
  d->path = xstrdup(path ? path : "");
  d->message = strbuf_detach(&sb);
}

size_t diag_count(const struct diag_list *list, enum diag_level level)
{
  size_t n = 0;
  for (size_t i = 0; i < list->len; i++)
    n += list->items[i].level == level;
  return n;
}

const struct diag *diag_first_error(const struct diag_list *list)
{
  for (size_t i = 0; i < list->len; i++)
    if (list->items[i].level == DIAG_ERROR)
      return &list->items[i];
  return NULL;
}

const struct diag *diag_find(const struct diag_list *list, enum diag_level level, const char *path)
{
  for (size_t i = 0; i < list->len; i++)
    if (list->items[i].level == level && strcmp(list->items[i].path, path) == 0)
      return &list->items[i];
  return NULL;
}

char *diag_format(const struct diag *d)
{
  if (!d->path[0])
    return xstrdup(d->message);
  return xasprintf("%s: %s", d->path, d->message);
}

const char *diag_level_name(enum diag_level level)
{
  switch (level) {
  case DIAG_ERROR:
    return "error";
  case DIAG_WARNING:
    return "warning";
  case DIAG_DEBUG:
    return "debug";
  }
  return "?";
}

void diag_drop_repeated_paths(struct diag_list *list, size_t from)
{
  size_t kept = from;
  for (size_t i = from; i < list->len; i++) {
    bool repeated = false;
    for (size_t j = from; j < kept && !repeated; j++)
      repeated = strcmp(list->items[j].path, list->items[i].path) == 0;
    if (repeated) {
      free(list->items[i].path);
      free(list->items[i].message);
    } else {
      list->items[kept++] = list->items[i];
    }
  }
  list->len = kept;
}

void diag_list_release(struct diag_list *list)
{
  for (size_t i = 0; i < list->len; i++) {
    free(list->items[i].path);
    free(list->items[i].message);
  }
  free(list->items);
  list->items = NULL;
  list->len = list->cap = 0;
}
