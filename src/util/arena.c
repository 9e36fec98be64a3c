#include "util/arena.h"
#include "util/xalloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { ARENA_CHUNK = 16384, ARENA_ALIGN = 16 };

struct arena_chunk {
  struct arena_chunk *next;
  max_align_t data[];
};

void arena_init(struct arena *a)
{
  a->head = NULL;
  a->used = 0;
  a->capacity = 0;
}

void arena_release(struct arena *a)
{
  struct arena_chunk *c = a->head;
  while (c) {
    struct arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  arena_init(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
  size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t) (ARENA_ALIGN - 1);
  if (rounded < size || rounded > SIZE_MAX / 2)
    abort(); /* no real request gets near this */
  if (!a->head || a->capacity - a->used < rounded) {
    size_t cap = rounded > ARENA_CHUNK ? rounded : ARENA_CHUNK;
    struct arena_chunk *c = xmalloc(sizeof *c + cap);
    c->next = a->head;
    a->head = c;
    a->used = 0;
    a->capacity = cap;
  }
  void *p = (char *) a->head->data + a->used;
  a->used += rounded;
  return p;
}

void *arena_calloc(struct arena *a, size_t n, size_t size)
{
  size_t total;
  if (__builtin_mul_overflow(n, size, &total))
    total = SIZE_MAX;
  void *p = arena_alloc(a, total);
  memset(p, 0, total);
  return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
  char *p = arena_alloc(a, n + 1);
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
  return arena_strndup(a, s, strlen(s));
}
