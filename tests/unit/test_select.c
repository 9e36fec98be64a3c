/* Choosing the backend of a new container: hutch.conf's format and the
 * order of the sources (backend/select.h). */
#include "backend/select.h"
#include "helpers.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];

static int parse(const char *text, struct hutch_conf *conf, struct hutch_error **err)
{
  return hutch_conf_parse("/etc/hutch/hutch.conf", text, strlen(text), conf, err);
}

static void test_parse_valid(void)
{
  struct hutch_conf conf;
  struct hutch_error *err = NULL;
  const char *text = "# comment\n"
                     "\n"
                     "   # indented comment\n"
                     "backend lxc = lxc-*\n"
                     "\tbackend proxmox=pve-[0-9]*\t\r\n"
                     "default-backend =native\n"
                     "backend native = *";
  tap_ok(parse(text, &conf, &err) == 0, "a valid file parses (%s)", test_error_msg(err));
  tap_ok(conf.n_rules == 3, "three rules, in file order");
  tap_ok(conf.n_rules == 3 && strcmp(conf.rules[0].backend->name, "lxc") == 0 &&
           strcmp(conf.rules[0].glob, "lxc-*") == 0 && conf.rules[0].line == 4,
         "backend NAME = GLOB: backend, glob and line");
  tap_ok(conf.n_rules == 3 && strcmp(conf.rules[1].glob, "pve-[0-9]*") == 0 && conf.rules[1].line == 5,
         "blanks around = are optional, tabs and CR are blanks");
  tap_ok(conf.n_rules == 3 && conf.rules[2].line == 7, "the last line needs no newline");
  tap_ok(conf.default_backend && strcmp(conf.default_backend->name, "native") == 0 && conf.default_line == 6,
         "default-backend and its line");
  hutch_conf_release(&conf);
  hutch_error_free(err);
  err = NULL;
  tap_ok(parse("", &conf, &err) == 0 && conf.n_rules == 0 && !conf.default_backend, "an empty file is no setting");
  hutch_conf_release(&conf);
  tap_ok(parse("proxmox.storage = ctstore\nproxmox.net0 =  name=eth0,bridge=vmbr0 x \n", &conf, &err) == 0 &&
             conf.n_settings == 2,
         "BACKEND.SETTING = VALUE lines parse (%s)", test_error_msg(err));
  const char *net0 = hutch_conf_setting(&conf, &hutch_backend_proxmox, "net0");
  tap_ok(net0 && strcmp(net0, "name=eth0,bridge=vmbr0 x") == 0, "a setting's value is the rest of its line, trimmed");
  tap_ok(!hutch_conf_setting(&conf, &hutch_backend_lxc, "storage") &&
             !hutch_conf_setting(&conf, &hutch_backend_proxmox, "pct"),
         "settings are per backend and per key");
  hutch_conf_release(&conf);
}

static void expect_refused(const char *text, const char *want, const char *what)
{
  struct hutch_conf conf;
  struct hutch_error *err = NULL;
  int r = hutch_conf_parse("/etc/hutch/hutch.conf", text, strlen(text), &conf, &err);
  tap_ok(r < 0 && err && strstr(err->msg, want), "refused: %s (%s)", what, test_error_msg(err));
  hutch_conf_release(&conf);
  hutch_error_free(err);
}

static void test_parse_invalid(void)
{
  expect_refused("# ok\nbackend lxx = a*\n", "/etc/hutch/hutch.conf:2: unknown backend \"lxx\" (expected one of:",
                 "an unknown backend, with file and line");
  expect_refused("default-backend = bogus\n", "hutch.conf:1: unknown backend \"bogus\"", "an unknown default");
  expect_refused("default-backend = native\n\ndefault-backend = lxc\n",
                 "hutch.conf:3: default-backend given twice (first on line 1)", "default-backend twice");
  expect_refused("\nfrob = native\n",
                 "hutch.conf:2: expected \"default-backend = NAME\", \"backend NAME = GLOB\" or \"BACKEND.SETTING",
                 "an unknown setting");
  expect_refused("proxmox.frob = 1\n", "hutch.conf:1: the proxmox backend has no setting \"frob\"",
                 "an unknown setting of a backend");
  expect_refused("docker.storage = 1\n", "hutch.conf:1: unknown backend \"docker\"", "a setting of no backend");
  expect_refused("proxmox.storage = a\nproxmox.storage = b\n", "hutch.conf:2: proxmox.storage given twice",
                 "a setting given twice");
  expect_refused("proxmox.storage =\n", "hutch.conf:1: proxmox.storage has no value", "a setting without a value");
  expect_refused("default-backend native\n", "hutch.conf:1: expected", "a setting without =");
  expect_refused("default-backend =\n", "hutch.conf:1: expected", "a setting without a value");
  expect_refused("backend = lxc-*\n", "hutch.conf:1: expected", "a rule without a backend");
  expect_refused("backend lxc = a* b*\n", "hutch.conf:1: expected", "two globs on one line");
  expect_refused("default-backend = native # trailing\n", "hutch.conf:1: expected", "a comment after a setting");
  expect_refused("backend lxc = a*\n\nbackend lxc\n", "hutch.conf:3: expected", "a mistake on a later line");
  static const char nul[] = "default-backend = native\n\0\n";
  struct hutch_conf conf;
  struct hutch_error *err = NULL;
  tap_ok(hutch_conf_parse("f", nul, sizeof nul - 1, &conf, &err) < 0 && strstr(err->msg, "NUL"),
         "refused: a NUL byte");
  hutch_conf_release(&conf);
  hutch_error_free(err);
}

static void test_load(void)
{
  struct hutch_conf conf;
  struct hutch_error *err = NULL;
  char path[512];
  snprintf(path, sizeof path, "%s/missing.conf", dir);
  tap_ok(hutch_conf_load(path, &conf, &err) == 0 && conf.n_rules == 0 && !conf.default_backend,
         "a missing file is an empty configuration");
  hutch_conf_release(&conf);
  tap_ok(hutch_conf_load(dir, &conf, &err) < 0 && strstr(err->msg, dir) && strstr(err->msg, "a directory"),
         "a directory is refused, naming it (%s)", test_error_msg(err));
  hutch_conf_release(&conf);
  hutch_error_free(err);
  err = NULL;
  snprintf(path, sizeof path, "%s/hutch.conf", dir);
  test_write_file(path, "backend proxmox = p*\n");
  tap_ok(hutch_conf_load(path, &conf, &err) == 0 && conf.n_rules == 1, "a file is read");
  hutch_conf_release(&conf);
  unsetenv(HUTCH_CONF_ENV);
  tap_str_eq(hutch_conf_path(), "/etc/hutch/hutch.conf", "the default path");
  setenv(HUTCH_CONF_ENV, path, 1);
  tap_str_eq(hutch_conf_path(), path, "HUTCH_CONFIG names another");
  setenv(HUTCH_CONF_ENV, "", 1);
  tap_ok(hutch_conf_path() == NULL, "an empty HUTCH_CONFIG: no file");
  unsetenv(HUTCH_CONF_ENV);
}

static char conf_path[512];

/* The sources below a given one, each naming a different backend. */
static void expect_choice(const char *cmd, const char *global, const char *annotation, const char *id,
                          const char *conf_text, const char *want_backend, const char *want_source, const char *what)
{
  struct oci_kv kv[2] = { { (char *) "other", (char *) "x" }, { (char *) HUTCH_BACKEND_ANNOTATION, (char *) annotation } };
  oci_string_map map = { kv, annotation ? 2 : 1, true };
  if (conf_text)
    test_write_file(conf_path, conf_text);
  else
    unlink(conf_path);
  struct hutch_backend_request req = { id, cmd, global, &map, conf_path };
  struct hutch_backend_choice choice;
  struct hutch_error *err = NULL;
  int r = hutch_backend_select(&req, &choice, &err);
  if (!want_backend) {
    tap_ok(r < 0 && err && strstr(err->msg, want_source), "%s (%s)", what, test_error_msg(err));
  } else {
    bool ok = r == 0 && strcmp(choice.backend->name, want_backend) == 0 && strstr(choice.source, want_source);
    tap_ok(ok, "%s (got %s from %s; %s)", what, r == 0 ? choice.backend->name : "-", r == 0 ? choice.source : "-",
           test_error_msg(err));
  }
  hutch_error_free(err);
}

static void test_precedence(void)
{
  const char *conf = "backend lxc = web-*\nbackend proxmox = web-1\ndefault-backend = proxmox\n";
  expect_choice("native", "lxc", "proxmox", "web-1", conf, "native", "--backend", "the command's --backend first");
  expect_choice(NULL, "native", "proxmox", "web-1", conf, "native", "global option --backend",
                "then the global --backend");
  expect_choice(NULL, NULL, "native", "web-1", conf, "native", "annotations[\"run.hutch.backend\"]",
                "then the annotation");
  expect_choice(NULL, NULL, NULL, "web-1", conf, "lxc", "hutch.conf:1", "then the first matching rule");
  expect_choice(NULL, NULL, NULL, "db-1", conf, "proxmox", "hutch.conf:3", "then default-backend");
  expect_choice(NULL, NULL, NULL, "db-1", "backend lxc = web-*\n", "native", "the built-in default",
                "then native");
  expect_choice(NULL, NULL, NULL, "db-1", NULL, "native", "the built-in default", "native without a file");
  /* A source that decides keeps the ones below it from being read. */
  expect_choice(NULL, NULL, "lxc", "db-1", "garbage\n", "lxc", "annotations", "hutch.conf unread when the annotation decides");
  expect_choice(NULL, NULL, NULL, "db-1", "garbage\n", NULL, "hutch.conf:1: expected", "but read, and refused, when needed");

  expect_choice("nope", NULL, NULL, "c", NULL, NULL, "--backend: unknown backend \"nope\"", "an unknown --backend, named");
  expect_choice(NULL, "nope", NULL, "c", NULL, NULL, "global option --backend: unknown backend \"nope\"",
                "an unknown global --backend, named");
  expect_choice(NULL, NULL, "nope", "c", NULL, NULL, "annotations[\"run.hutch.backend\"]: unknown backend \"nope\"",
                "an unknown annotation, named");
  expect_choice(NULL, NULL, NULL, "c", "\n\nbackend nope = *\n", NULL, "hutch.conf:3: unknown backend \"nope\"",
                "an unknown name in hutch.conf, with its line");
}

static void test_require(void)
{
  struct hutch_backend_choice choice = { .backend = &hutch_backend_proxmox };
  snprintf(choice.source, sizeof choice.source, "--backend");
  struct hutch_error *err = NULL;
  tap_ok(hutch_backend_choice_require(&choice, HUTCH_OP_STATS, &err) < 0 &&
           strcmp(err->msg, "not supported by the proxmox backend (chosen by --backend)") == 0,
         "an operation the chosen backend lacks is refused, naming the source (%s)", test_error_msg(err));
  hutch_error_free(err);
  err = NULL;
  choice.backend = &hutch_backend_native;
  tap_ok(hutch_backend_choice_require(&choice, HUTCH_OP_RUN, &err) == 0, "native has run");
  tap_ok(hutch_backend_require(&hutch_backend_proxmox, HUTCH_OP_STATS, &err) < 0 &&
           strcmp(err->msg, "not supported by the proxmox backend") == 0,
         "an operation a backend lacks is answered, not called");
  hutch_error_free(err);
  err = NULL;
  static const enum hutch_op all[] = { HUTCH_OP_CREATE, HUTCH_OP_START, HUTCH_OP_RUN,   HUTCH_OP_STATE, HUTCH_OP_STATUS,
                                       HUTCH_OP_KILL,   HUTCH_OP_DELETE, HUTCH_OP_EXEC, HUTCH_OP_PS,    HUTCH_OP_PAUSE,
                                       HUTCH_OP_RESUME, HUTCH_OP_UPDATE, HUTCH_OP_STATS };
  bool every = true;
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    every = every && hutch_backend_require(&hutch_backend_native, all[i], &err) == 0;
  tap_ok(every, "native has every operation (%s)", test_error_msg(err));
  hutch_error_free(err);
}

int main(void)
{
  snprintf(dir, sizeof dir, "/tmp/hutch-select.XXXXXX");
  if (!mkdtemp(dir))
    return 1;
  snprintf(conf_path, sizeof conf_path, "%s/hutch.conf", dir);
  test_parse_valid();
  test_parse_invalid();
  test_load();
  test_precedence();
  test_require();
  test_remove_tree(dir);
  return tap_done();
}
