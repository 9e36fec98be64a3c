/* The musl build's _FORTIFY_SOURCE (src/compat/fortify.h): each overflow
 * below must stop its process with SIGABRT, each call within bounds must
 * not. Built like the static hutch binary (musl, fortify.h forced in, no
 * glibc): it prints TAP itself, it cannot link the glibc-built TAP helper. */
#include "child.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int test_number;
static int failures;

/* Lengths only known at run time: the compiler cannot fold the checks. */
static volatile size_t eight = 8, nine = 9, sixteen = 16;

static void run_child(const char *name, void (*body)(void), int want_abort)
{
  int status = run_in_child(body);
  if (status == -1) {
    printf("not ok %d - %s: fork/wait failed\n", ++test_number, name);
    failures++;
    return;
  }
  int aborted = WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
  int clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  int ok = want_abort ? aborted : clean;
  printf("%s %d - %s %s\n", ok ? "ok" : "not ok", ++test_number, name,
         want_abort ? "stops the process" : "runs");
  if (!ok) {
    printf("# status %#x\n", status);
    failures++;
  }
}

static char sink[64];

static void memcpy_within(void)
{
  char buf[8];
  memcpy(buf, sink, eight);
  sink[0] = buf[0];
}

static void memcpy_over(void)
{
  char buf[8];
  memcpy(buf, sink, nine);
  sink[0] = buf[0];
}

static void heap_memset_over(void)
{
  char *p = malloc(eight);
  if (!p)
    _exit(2);
  memset(p, 1, nine); /* level 3: the size malloc was given, known at run time */
  sink[0] = p[0];
  free(p);
}

static void snprintf_within(void)
{
  char buf[8];
  const char *volatile long_text = "abcdefghijk";
  snprintf(buf, eight, "%s", long_text);
  sink[0] = buf[0];
}

static void snprintf_over(void)
{
  char buf[8];
  snprintf(buf, sixteen, "%s", "abc");
  sink[0] = buf[0];
}

static void strcpy_over(void)
{
  char buf[4];
  const char *volatile src = "abcdefg";
  strcpy(buf, src);
  sink[0] = buf[0];
}

static void read_over(void)
{
  char buf[8];
  int fd = open("/dev/zero", O_RDONLY);
  if (read(fd, buf, sixteen) < 0)
    _exit(2);
  sink[0] = buf[0];
}

static void getcwd_over(void)
{
  char buf[4];
  if (getcwd(buf, sixteen))
    sink[0] = buf[0];
}

int main(void)
{
#if !defined(_FORTIFY_SOURCE) || _FORTIFY_SOURCE < 3
  printf("1..1\nnot ok 1 - built without _FORTIFY_SOURCE=3\n");
  return 1;
#endif
  printf("1..8\n");
  run_child("memcpy of 8 bytes into 8", memcpy_within, 0);
  run_child("memcpy of 9 bytes into 8", memcpy_over, 1);
  run_child("memset of 9 bytes into malloc(8)", heap_memset_over, 1);
  run_child("snprintf bounded by the buffer", snprintf_within, 0);
  run_child("snprintf told of 16 bytes in an 8-byte buffer", snprintf_over, 1);
  run_child("strcpy of 8 bytes into 4", strcpy_over, 1);
  run_child("read of 16 bytes into 8", read_over, 1);
  run_child("getcwd told of 16 bytes in a 4-byte buffer", getcwd_over, 1);
  return failures ? 1 : 0;
}
