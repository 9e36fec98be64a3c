#pragma once
/* hutch's own log: stderr by default, or the file given with --log, as text
 * (time="..." level=... msg="...") or as one JSON object per line
 * ({"level","msg","time"}), which containerd decodes to show the last error. */
#include <stdbool.h>

#include "util/error.h"

enum log_level {
  LOG_LEVEL_ERROR,
  LOG_LEVEL_WARNING,
  LOG_LEVEL_INFO,
  LOG_LEVEL_DEBUG,
};

enum log_format {
  LOG_FORMAT_TEXT,
  LOG_FORMAT_JSON,
};

/* path NULL or "" means stderr. The file is opened for appending. */
int log_open(const char *path, enum log_format format, bool debug, struct hutch_error **err);
void log_close(void);
/* Drops every later message: for a process that has closed the log file
 * because a container can see it (it reports over its sync socket). */
void log_silence(void);
/* The fd lines go to (2 for stderr, -1 when silenced). */
int log_fd(void);
bool log_to_stderr(void);

void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

/* Formats one log line (without the trailing newline) into out; exposed for
 * tests. t is seconds since the epoch. */
struct strbuf;
void log_format_line(struct strbuf *out, enum log_format format, enum log_level level, long long t,
                     const char *msg);
