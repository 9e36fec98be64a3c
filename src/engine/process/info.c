#include "engine/process/info.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

bool process_info_read(pid_t pid, struct process_info *out)
{
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0)
    return false;
  buf[n] = '\0';
  /* The command name may contain spaces and ')': fields start after the last ')'. */
  char *p = strrchr(buf, ')');
  if (!p || p[1] != ' ')
    return false;
  p += 2;
  out->state = *p;
  /* state is field 3; start_time is field 22. */
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (!p)
      return false;
    p++;
  }
  out->start_time = strtoull(p, NULL, 10);
  return true;
}

bool process_is_alive(pid_t pid, uint64_t start_time)
{
  struct process_info info;
  if (pid <= 0 || !process_info_read(pid, &info))
    return false;
  return info.state != 'Z' && info.state != 'X' && info.start_time == start_time;
}

bool process_is_own_child(pid_t pid)
{
  if (pid <= 0)
    return false;
  siginfo_t info;
  memset(&info, 0, sizeof info);
  return waitid(P_PID, (id_t) pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}
