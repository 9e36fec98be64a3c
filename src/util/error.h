#pragma once
/* Errors travel as an out-parameter: a function returns -1 (or NULL) and
 * fills *err with the errno that caused it and a message naming the object
 * ("mount /proc: Permission denied"), so the CLI can print one line. */
#include <stdarg.h>

struct hutch_error {
  int code; /* errno value, 0 when the failure is not a system error */
  char *msg;
};

/* Record a failure; returns -1 so callers can `return hutch_fail(...)`.
 * With code != 0 the message gets ": <strerror(code)>" appended. */
int hutch_fail(struct hutch_error **err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Records code for callers to test, without adding strerror to the
 * message (for messages callers match on, like "container does not exist"). */
int hutch_fail_as(struct hutch_error **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* As hutch_fail with code = errno. */
int hutch_fail_errno(struct hutch_error **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Prefix an existing error's message with more context ("create: ..."). */
int hutch_error_prefix(struct hutch_error **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void hutch_error_free(struct hutch_error *err);

static inline void hutch_error_freep(struct hutch_error **err)
{
  hutch_error_free(*err);
}
#define cleanup_error __attribute__((cleanup(hutch_error_freep)))
