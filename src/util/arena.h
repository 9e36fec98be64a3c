#pragma once
/* A bump allocator: a parsed config is built once and released at once, so
 * per-object frees would only cost time and create leak paths. */
#include <stddef.h>

struct arena_chunk;

struct arena {
  struct arena_chunk *head;
  size_t used;     /* bytes used in head */
  size_t capacity; /* bytes available in head */
};

void arena_init(struct arena *a);
void arena_release(struct arena *a);
void *arena_alloc(struct arena *a, size_t size) __attribute__((returns_nonnull));
void *arena_calloc(struct arena *a, size_t n, size_t size) __attribute__((returns_nonnull));
char *arena_strdup(struct arena *a, const char *s) __attribute__((returns_nonnull));
char *arena_strndup(struct arena *a, const char *s, size_t n) __attribute__((returns_nonnull));
