/* Opening an existing container once for a command (backend/container.h):
 * what is refused, what delete still gets, and which backend owns it. */
#include "backend/backend.h"
#include "backend/container.h"
#include "helpers.h"
#include "tap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char root[256];

static void make_container(const char *id, const char *state)
{
  char path[512];
  snprintf(path, sizeof path, "%s/%s", root, id);
  mkdir(path, 0711);
  snprintf(path, sizeof path, "%s/%s/%s", root, id, OWNER_MARKER);
  test_write_file(path, "");
  if (state) {
    snprintf(path, sizeof path, "%s/%s/%s", root, id, STATE_FILE);
    test_write_file(path, state);
  }
}

static void state_of(char *buf, size_t size, const char *id, const char *backend)
{
  snprintf(buf, size,
           "{\"ociVersion\":\"1.3.0\",\"id\":\"%s\",\"phase\":\"created\",\"bundle\":\"/b\",\"backend\":\"%s\"}", id,
           backend);
}

static void expect_open_fails(const char *id, unsigned flags, int code, const char *want, const char *what)
{
  struct hutch_container c = HUTCH_CONTAINER_INIT;
  struct hutch_error *err = NULL;
  int r = hutch_container_open(root, id, flags, &c, &err);
  tap_ok(r < 0 && err && err->code == code && strstr(err->msg, want), "%s (%s)", what, test_error_msg(err));
  hutch_container_close(&c);
  hutch_error_free(err);
}

static void test_refused(void)
{
  expect_open_fails("nothere", HUTCH_OPEN_ANY_STATE, ENOENT, "container does not exist: nothere",
                    "a missing container does not exist");
  expect_open_fails("../x", HUTCH_OPEN_STATE, 0, "invalid container ID format", "an invalid id is refused");
  char path[512];
  snprintf(path, sizeof path, "%s/foreign", root);
  mkdir(path, 0700);
  snprintf(path, sizeof path, "%s/foreign/data", root);
  test_write_file(path, "x");
  expect_open_fails("foreign", HUTCH_OPEN_ANY_STATE, EPERM, "was not made by hutch", "a foreign directory: EPERM");
  make_container("nostate", NULL);
  expect_open_fails("nostate", HUTCH_OPEN_STATE, ENOENT, "container does not exist: nostate",
                    "no state yet: it does not exist");
  make_container("corrupt", "{not json");
  expect_open_fails("corrupt", HUTCH_OPEN_STATE, EBADMSG, "corrupt: corrupt state.json",
                    "a corrupt state: EBADMSG, named");
  char state[512];
  state_of(state, sizeof state, "alien", "bogus");
  make_container("alien", state);
  expect_open_fails("alien", HUTCH_OPEN_ANY_STATE, 0, "alien: state names an unknown backend \"bogus\"",
                    "a state naming an unknown backend");
}

static void test_any_state(void)
{
  struct hutch_container c = HUTCH_CONTAINER_INIT;
  struct hutch_error *err = NULL;
  tap_ok(hutch_container_open(root, "nostate", HUTCH_OPEN_ANY_STATE, &c, &err) == 0 && !c.rec && c.state_err &&
           c.state_err->code == ENOENT && c.backend == &hutch_backend_native,
         "for delete, no state is native's, with the reason kept (%s)", test_error_msg(err));
  hutch_container_close(&c);
  tap_ok(hutch_container_open(root, "corrupt", HUTCH_OPEN_ANY_STATE, &c, &err) == 0 && !c.rec && c.state_err &&
           c.state_err->code == EBADMSG && c.backend == &hutch_backend_native,
         "for delete, a corrupt state is native's, with the reason kept (%s)", test_error_msg(err));
  hutch_container_close(&c);
  hutch_error_free(err);
}

static void test_owner_and_lock(void)
{
  char state[512];
  state_of(state, sizeof state, "lx", "lxc");
  make_container("lx", state);
  state_of(state, sizeof state, "nat", "native");
  make_container("nat", state);
  struct hutch_container c = HUTCH_CONTAINER_INIT;
  struct hutch_error *err = NULL;
  tap_ok(hutch_container_open(root, "lx", HUTCH_OPEN_STATE, &c, &err) == 0 && c.backend == &hutch_backend_lxc &&
           c.rec && strcmp(c.rec->id, "lx") == 0,
         "the owner is the backend its state names (%s)", test_error_msg(err));
  hutch_container_close(&c);
  tap_ok(hutch_container_open(root, "nat", HUTCH_OPEN_STATE, &c, &err) == 0 && c.backend == &hutch_backend_native,
         "native's is native's (%s)", test_error_msg(err));
  tap_ok(c.dir.fd >= 0 && container_dir_busy(c.dir.fd), "it is held locked while open");
  hutch_container_close(&c);
  tap_ok(c.dir.fd < 0 && !c.rec, "closing releases it");
  hutch_container_close(&c);
  tap_ok(true, "closing twice is harmless");
  hutch_error_free(err);
}

int main(void)
{
  snprintf(root, sizeof root, "/tmp/hutch-container.XXXXXX");
  if (!mkdtemp(root))
    return 1;
  test_refused();
  test_any_state();
  test_owner_and_lock();
  test_remove_tree(root);
  return tap_done();
}
