/* compat/heap.c, the musl build's allocator, driven through its own entry
 * points (here it does not replace this process's malloc). */
#include "child.h"
#include "compat/heap.h"
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool aligned(const void *p, size_t alignment)
{
  return ((uintptr_t) p % alignment) == 0;
}

static bool all_bytes(const unsigned char *p, size_t n, unsigned char value)
{
  for (size_t i = 0; i < n; i++)
    if (p[i] != value)
      return false;
  return true;
}

/* True if body, run in a child, was stopped by SIGABRT. */
static bool aborts(void (*body)(void))
{
  int status = run_in_child(body);
  return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void sizes_and_alignment(void)
{
  static const size_t sizes[] = { 0, 1, 15, 16, 17, 100, 1000, 4096, 65520, 65521, 1 << 20 };
  bool ok = true;
  for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
    unsigned char *p = heap_alloc(sizes[i]);
    if (!p || !aligned(p, 16) || heap_usable_size(p) < sizes[i]) {
      tap_diag("size %zu: %p, usable %zu", sizes[i], (void *) p, p ? heap_usable_size(p) : 0);
      ok = false;
      continue;
    }
    memset(p, 0xab, sizes[i]);
    heap_release(p);
  }
  tap_ok(ok, "every size from 0 to 1 MiB: a 16-byte aligned block of at least that size");
}

static void reuse(void)
{
  void *a = heap_alloc(40);
  heap_release(a);
  void *b = heap_alloc(33);
  tap_ok(a == b, "a freed block is handed out again for a size of its class");
  void *c = heap_alloc(200);
  tap_ok(c != b, "a live block is not handed out twice");
  heap_release(b);
  heap_release(c);
}

static uintptr_t span_starts[64], span_ends[64];
static size_t n_spans;

static void collect_span(uintptr_t start, uintptr_t end)
{
  if (n_spans < 64) {
    span_starts[n_spans] = start;
    span_ends[n_spans] = end;
    n_spans++;
  }
}

/* Blocks of many sizes, over several chunks: none overlaps another, and
 * each lies in a span the init's pre-fault walks. */
static void no_overlap(void)
{
  enum { COUNT = 3000 };
  static unsigned char *blocks[COUNT];
  static size_t lengths[COUNT];
  for (size_t i = 0; i < COUNT; i++) {
    lengths[i] = (i * 7919) % 2000 + 1;
    blocks[i] = heap_alloc(lengths[i]);
    if (blocks[i])
      memset(blocks[i], (int) (i & 0xff), lengths[i]);
  }
  bool intact = true;
  for (size_t i = 0; i < COUNT; i++)
    if (!blocks[i] || !all_bytes(blocks[i], lengths[i], (unsigned char) (i & 0xff)))
      intact = false;
  tap_ok(intact, "%d blocks of 1-2000 bytes (about 3 MiB, several chunks): each keeps what was written", COUNT);

  n_spans = 0;
  heap_for_each_used_span(collect_span);
  bool covered = n_spans > 1;
  for (size_t i = 0; i < COUNT && covered; i++) {
    bool in_span = false;
    for (size_t s = 0; s < n_spans; s++)
      if ((uintptr_t) blocks[i] >= span_starts[s] && (uintptr_t) blocks[i] + lengths[i] <= span_ends[s])
        in_span = true;
    covered = in_span;
  }
  tap_ok(covered, "the used spans (%zu) cover every small block", n_spans);
  for (size_t i = 0; i < COUNT; i++)
    heap_release(blocks[i]);
}

static void zeroed(void)
{
  unsigned char *dirty = heap_alloc(300);
  memset(dirty, 0xff, 300);
  heap_release(dirty);
  unsigned char *p = heap_alloc_zeroed(30, 10);
  tap_ok(p == dirty && all_bytes(p, 300, 0), "calloc of a reused block clears it");
  heap_release(p);
  unsigned char *big = heap_alloc_zeroed(1, 200000);
  tap_ok(big && all_bytes(big, 200000, 0), "calloc of a large block is zero");
  heap_release(big);
  errno = 0;
  tap_ok(!heap_alloc_zeroed(SIZE_MAX / 2, 3) && errno == ENOMEM, "calloc whose size overflows: NULL, ENOMEM");
  errno = 0;
  tap_ok(!heap_alloc(SIZE_MAX - 100) && errno == ENOMEM, "malloc of nearly SIZE_MAX: NULL, ENOMEM");
}

static void resize(void)
{
  unsigned char *p = heap_resize(NULL, 20);
  tap_ok(p != NULL, "realloc(NULL, n) allocates");
  for (int i = 0; i < 20; i++)
    p[i] = (unsigned char) i;
  tap_ok(heap_resize(p, 10) == p, "shrinking keeps the block");
  unsigned char *q = heap_resize(p, 100000);
  bool kept = q != NULL;
  for (int i = 0; kept && i < 20; i++)
    kept = q[i] == i;
  tap_ok(kept, "growing into a mapped block keeps the contents");
  memset(q, 7, 100000);
  unsigned char *r = heap_resize(q, 300000);
  tap_ok(r && all_bytes(r, 100000, 7), "growing a mapped block keeps the contents");
  heap_release(r);
}

static void alignment(void)
{
  void *a = heap_alloc_aligned(64, 100);
  void *b = heap_alloc_aligned(4096, 5000);
  tap_ok(a && b && aligned(a, 64) && aligned(b, 4096) && heap_usable_size(a) >= 100 && heap_usable_size(b) >= 5000,
         "aligned blocks of 64 and 4096 bytes");
  if (b)
    memset(b, 1, 5000);
  heap_release(a);
  heap_release(b);
  errno = 0;
  tap_ok(!heap_alloc_aligned(24, 10) && errno == EINVAL, "an alignment that is not a power of two: EINVAL");
  errno = 0;
  tap_ok(!heap_alloc_aligned(2 * (size_t) sysconf(_SC_PAGESIZE), 10) && errno == EINVAL,
         "an alignment over a page: EINVAL");
}

static void double_free(void)
{
  void *p = heap_alloc(50);
  heap_release(p);
  heap_release(p);
}

static void foreign_free(void)
{
  char buffer[64];
  memset(buffer, 0x5a, sizeof buffer);
  heap_release(buffer + 32);
}

static void overwritten_head(void)
{
  unsigned char *p = heap_alloc(50);
  heap_release(p);
  memset(p - 16, 0, 16); /* an overflow out of the block before it */
  heap_alloc(50);
}

static void usable_after_free(void)
{
  void *p = heap_alloc(50);
  heap_release(p);
  printf("%zu\n", heap_usable_size(p));
}

int main(void)
{
  sizes_and_alignment();
  reuse();
  no_overlap();
  zeroed();
  resize();
  alignment();
  tap_ok(aborts(double_free), "a double free stops the process");
  tap_ok(aborts(foreign_free), "freeing a pointer that is not the heap's stops the process");
  tap_ok(aborts(overwritten_head), "taking a free block whose head was overwritten stops the process");
  tap_ok(aborts(usable_after_free), "asking the size of a freed block stops the process");
  return tap_done();
}
