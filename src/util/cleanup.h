#pragma once
/* Scope-bound release of resources, so every early return frees. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
  free(*(void **) p);
}

static inline void cleanup_closep(int *fd)
{
  if (*fd >= 0)
    close(*fd);
}

static inline void cleanup_fclosep(FILE **f)
{
  if (*f)
    fclose(*f);
}

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))
#define cleanup_fclose __attribute__((cleanup(cleanup_fclosep)))

/* Hands ownership out of a cleanup-annotated variable. */
#define steal_pointer(pp) \
  ({ __typeof__(*(pp)) stolen_ = *(pp); *(pp) = NULL; stolen_; })
#define steal_fd(fdp) \
  ({ int stolen_ = *(fdp); *(fdp) = -1; stolen_; })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
