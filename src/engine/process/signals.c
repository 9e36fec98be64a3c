#include "engine/process/signals.h"

#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
  const char *name;
  int number;
} signals[] = {
  { "HUP", SIGHUP },   { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },     { "TRAP", SIGTRAP },
  { "ABRT", SIGABRT }, { "IOT", SIGIOT },       { "BUS", SIGBUS },     { "FPE", SIGFPE },     { "KILL", SIGKILL },
  { "USR1", SIGUSR1 }, { "SEGV", SIGSEGV },     { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },   { "ALRM", SIGALRM },
  { "TERM", SIGTERM }, { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },   { "STOP", SIGSTOP },
  { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },     { "XCPU", SIGXCPU },
  { "XFSZ", SIGXFSZ }, { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },   { "WINCH", SIGWINCH }, { "IO", SIGIO },
  { "POLL", SIGPOLL }, { "PWR", SIGPWR },       { "SYS", SIGSYS },
};

static bool parse_int(const char *s, long *out)
{
  if (!*s)
    return false;
  errno = 0;
  char *end;
  long v = strtol(s, &end, 10);
  if (errno || *end)
    return false;
  *out = v;
  return true;
}

int signal_parse(const char *s)
{
  long n;
  if (parse_int(s, &n))
    return n > 0 && n < _NSIG ? (int) n : -1;
  if (strncasecmp(s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof signals / sizeof *signals; i++)
    if (strcasecmp(s, signals[i].name) == 0)
      return signals[i].number;
  /* RTMIN, RTMIN+n, RTMAX, RTMAX-n */
  if (strncasecmp(s, "RTMIN", 5) == 0 || strncasecmp(s, "RTMAX", 5) == 0) {
    bool min = toupper((unsigned char) s[3]) == 'I';
    int base = min ? SIGRTMIN : SIGRTMAX;
    const char *rest = s + 5;
    if (!*rest)
      return base;
    if ((min && *rest != '+') || (!min && *rest != '-') || !parse_int(rest + 1, &n) || n < 0)
      return -1;
    long sig = min ? base + n : base - n;
    return sig >= SIGRTMIN && sig <= SIGRTMAX ? (int) sig : -1;
  }
  return -1;
}
