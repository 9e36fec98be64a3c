/* hutch list: the containers under --root, as a table or JSON. */
#include "backend/backend.h"
#include "cli/cli.h"
#include "engine/state/check.h"
#include "engine/state/store.h"
#include "spec/names.h"
#include "spec/state.h"
#include "util/json_writer.h"
#include "util/strbuf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const struct opt_spec list_options[] = {
  { "format", 'f', OPT_STRING, "FORMAT", "table (default) or json", false, "table json" },
  { "quiet", 'q', OPT_BOOL, NULL, "print only the container IDs", false, NULL },
};

struct entry {
  struct container_record *rec;
  enum oci_status status;
  char owner[64];
};

static int by_id(const void *a, const void *b)
{
  return strcmp(((const struct entry *) a)->rec->id, ((const struct entry *) b)->rec->id);
}

/* The user owning the state directory, or "#uid" (runc's format). */
static void owner_of(int dir_fd, char *buf, size_t size)
{
  struct stat st;
  if (fstat(dir_fd, &st) < 0) {
    snprintf(buf, size, "?");
    return;
  }
  struct passwd *pw = getpwuid(st.st_uid);
  if (pw)
    snprintf(buf, size, "%s", pw->pw_name);
  else
    snprintf(buf, size, "#%u", (unsigned) st.st_uid);
}

/* The status its owner gives it: each backend knows how to tell whether
 * its containers run. */
static int status_of(const struct hutch_runtime *rt, int fd, const struct container_record *rec,
                     enum oci_status *status, struct hutch_error **err)
{
  const struct hutch_backend *b = hutch_backend_lookup(rec->backend);
  if (!b)
    return hutch_fail(err, 0, "state names an unknown backend \"%s\"", rec->backend);
  if (hutch_backend_require(b, HUTCH_OP_STATUS, err) < 0)
    return hutch_error_prefix(err, "status: ");
  /* Without the lock, which list must not wait for: a create at work holds
   * it, so a free lock means no creator is left. */
  *status = b->status(rt, fd, rec, !container_dir_busy(fd));
  return 0;
}

static size_t collect(const struct hutch_runtime *rt, int root_fd, struct arena *arena, struct entry **out)
{
  size_t n = 0, cap = 0;
  *out = NULL;
  DIR *d = fdopendir(dup(root_fd));
  for (struct dirent *e; d && (e = readdir(d));) {
    if (!container_id_valid(e->d_name))
      continue;
    int fd = openat(root_fd, e->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
      continue;
    struct container_record *rec;
    enum oci_status status = OCI_STATUS_STOPPED;
    struct hutch_error *err = NULL;
    /* As runc: a container whose state cannot be read is named, not hidden
     * (delete -f can still clean it up); one without any is a create that
     * died before its first record. */
    if (record_read(fd, arena, &rec, &err) < 0 || record_check(fd, rec, e->d_name, &err) < 0 ||
        status_of(rt, fd, rec, &status, &err) < 0) {
      if (err && err->code != ENOENT)
        fprintf(stderr, "hutch list: %s: %s\n", e->d_name, err->msg);
    } else {
      if (n == cap) {
        cap = cap ? cap * 2 : 16;
        *out = realloc(*out, cap * sizeof **out);
        if (!*out)
          abort();
      }
      (*out)[n].rec = rec;
      (*out)[n].status = status;
      owner_of(fd, (*out)[n].owner, sizeof (*out)[n].owner);
      n++;
    }
    hutch_error_free(err);
    close(fd);
  }
  if (d)
    closedir(d);
  if (n)
    qsort(*out, n, sizeof **out, by_id);
  return n;
}

static void print_json(const struct entry *e, size_t n)
{
  if (n == 0) {
    printf("null\n"); /* what runc prints, and go-runc expects */
    return;
  }
  struct strbuf out = STRBUF_INIT;
  strbuf_addc(&out, '[');
  for (size_t i = 0; i < n; i++) {
    struct oci_state st;
    record_to_state(e[i].rec, e[i].status, &st);
    st.owner = (char *) e[i].owner;
    if (i)
      strbuf_addc(&out, ',');
    oci_state_write(&out, &st, NULL);
  }
  strbuf_addc(&out, ']');
  printf("%s\n", strbuf_str(&out));
  strbuf_release(&out);
}

static int list_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_error *err = NULL;
  const char *format = cli_opt_string(cmd, args, "format", "table");
  if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0) {
    hutch_fail(&err, 0, "--format: unknown format \"%s\" (expected table or json)", format);
    return cli_fail(cmd, err);
  }
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  const char *root = rt.root;
  int root_fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0 && !(errno == ENOENT && !globals->root)) {
    hutch_fail_errno(&err, "open state root %s", root);
    return cli_fail(cmd, err);
  }
  struct arena arena;
  arena_init(&arena);
  struct entry *entries = NULL;
  size_t n = root_fd >= 0 ? collect(&rt, root_fd, &arena, &entries) : 0;
  if (root_fd >= 0)
    close(root_fd);
  if (cli_opt_flag(cmd, args, "quiet")) {
    for (size_t i = 0; i < n; i++)
      printf("%s\n", entries[i].rec->id);
  } else if (strcmp(format, "json") == 0) {
    print_json(entries, n);
  } else {
    printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
    for (size_t i = 0; i < n; i++) {
      const struct container_record *r = entries[i].rec;
      bool has_pid = entries[i].status != OCI_STATUS_STOPPED && entries[i].status != OCI_STATUS_CREATING;
      printf("%-12s %-8lld %-10s %-40s %-30s %s\n", r->id, has_pid ? (long long) r->pid.value : 0LL,
             oci_enum_name(&oci_enum_status, entries[i].status), r->bundle, r->created ? r->created : "",
             entries[i].owner);
    }
  }
  free(entries);
  arena_release(&arena);
  return 0;
}

const struct cli_command cli_cmd_list = {
  .name = "list",
  .summary = "list containers",
  .usage = "",
  CLI_OPTIONS(list_options),
  .min_args = 0,
  .max_args = 0,
  .run = list_run,
};
