#pragma once
/* A minimal TAP producer for the C unit tests: one line per assertion, the
 * plan at the end, exit status 1 if anything failed. */
#include <stdbool.h>
#include <string.h>

void tap_ok(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A known gap: reported as "not ok ... # TODO", which TAP does not count as a failure. */
void tap_todo(bool ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tap_done(void);

/* Equality of two strings (NULL-safe), with both printed on failure. */
void tap_str_eq(const char *got, const char *want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The directory holding tests/data (set by meson as TEST_DATA_DIR). */
const char *tap_data_dir(void);
