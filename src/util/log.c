#include "util/log.h"
#include "util/json_writer.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Set once from the global CLI options before any command runs. */
static struct {
  int fd;
  enum log_format format;
  bool debug;
} log_state = { STDERR_FILENO, LOG_FORMAT_TEXT, false };

int log_open(const char *path, enum log_format format, bool debug, struct hutch_error **err)
{
  log_state.format = format;
  log_state.debug = debug;
  if (!path || !*path) {
    log_state.fd = STDERR_FILENO;
    return 0;
  }
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return hutch_fail_errno(err, "open log file %s", path);
  log_state.fd = fd;
  return 0;
}

void log_close(void)
{
  if (log_state.fd != STDERR_FILENO)
    close(log_state.fd);
  log_state.fd = STDERR_FILENO;
}

int log_fd(void)
{
  return log_state.fd;
}

void log_silence(void)
{
  log_state.fd = -1;
}

bool log_to_stderr(void)
{
  return log_state.fd == STDERR_FILENO;
}

static const char *level_name(enum log_level level)
{
  switch (level) {
  case LOG_LEVEL_ERROR:
    return "error";
  case LOG_LEVEL_WARNING:
    return "warning"; /* logrus' spelling, which callers decode */
  case LOG_LEVEL_INFO:
    return "info";
  case LOG_LEVEL_DEBUG:
    return "debug";
  }
  return "info";
}

void log_format_line(struct strbuf *out, enum log_format format, enum log_level level, long long t,
                     const char *msg)
{
  char stamp[64];
  time_t tt = (time_t) t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (format == LOG_FORMAT_JSON) {
    /* Keys in logrus' (alphabetical) order. */
    struct json_writer w;
    json_writer_init(&w, out, NULL);
    json_w_begin_object(&w);
    json_w_key(&w, "level");
    json_w_string(&w, level_name(level));
    json_w_key(&w, "msg");
    json_w_string(&w, msg);
    json_w_key(&w, "time");
    json_w_string(&w, stamp);
    json_w_end_object(&w);
    return;
  }
  strbuf_addf(out, "time=\"%s\" level=%s msg=", stamp, level_name(level));
  json_escape_string(out, msg, strlen(msg));
}

void log_msg(enum log_level level, const char *fmt, ...)
{
  if (level == LOG_LEVEL_DEBUG && !log_state.debug)
    return;
  int saved_errno = errno;
  struct strbuf msg = STRBUF_INIT;
  va_list ap;
  va_start(ap, fmt);
  strbuf_vaddf(&msg, fmt, ap);
  va_end(ap);
  struct strbuf line = STRBUF_INIT;
  log_format_line(&line, log_state.format, level, (long long) time(NULL), strbuf_str(&msg));
  strbuf_addc(&line, '\n');
  /* One write per line keeps lines whole when several processes append. */
  ssize_t r = log_state.fd >= 0 ? write(log_state.fd, line.buf, line.len) : 0;
  (void) r;
  strbuf_release(&line);
  strbuf_release(&msg);
  errno = saved_errno;
}
