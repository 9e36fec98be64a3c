/* hutch events: container statistics as runc prints them, one JSON event per
 * line: {"type":"stats","id":...,"data":{...}} every --interval, and
 * {"type":"oom","id":...} when the OOM killer has struck since the last one.
 * With --stats, one stats event and exit. Ends when the container stops. */
#include "backend/backend.h"
#include "backend/container.h"
#include "cli/cli.h"
#include "util/duration.h"
#include "util/json_writer.h"

#include <errno.h>
#include <stdio.h>
#include <time.h>

static const struct opt_spec events_options[] = {
  { "interval", 0, OPT_STRING, "DURATION", "time between stats events (default 5s)", false, NULL },
  { "stats", 0, OPT_BOOL, NULL, "print one stats event and exit", false, NULL },
};

static void print_event(const char *type, const char *id, const struct strbuf *data)
{
  struct strbuf line = STRBUF_INIT;
  struct json_writer w;
  json_writer_init(&w, &line, NULL);
  json_w_begin_object(&w);
  json_w_key(&w, "type");
  json_w_string(&w, type);
  json_w_key(&w, "id");
  json_w_string(&w, id);
  if (data) {
    json_w_key(&w, "data");
    json_w_number_text(&w, data->buf); /* already JSON, written by the backend */
  }
  json_w_end_object(&w);
  fprintf(stdout, "%s\n", line.buf);
  fflush(stdout);
  strbuf_release(&line);
}

/* One round: a stats event, and an oom event if kills were added. The
 * container is opened for the round only: between rounds other commands
 * (delete above all) must not wait for the stream. */
static int report(const struct hutch_runtime *rt, const char *id, uint64_t *oom_seen, bool first,
                  struct hutch_error **err)
{
  cleanup_container struct hutch_container c = HUTCH_CONTAINER_INIT;
  if (cli_open_container(rt, id, HUTCH_OPEN_STATE, HUTCH_OP_STATS, &c, err) < 0)
    return -1;
  struct strbuf data = STRBUF_INIT;
  struct json_writer w;
  json_writer_init(&w, &data, NULL);
  uint64_t kills = 0;
  int r = c.backend->stats(rt, &c, &w, &kills, err);
  bool stopped = r < 0 && (*err)->code == ESRCH;
  if ((r == 0 || stopped) && !first && kills > *oom_seen)
    print_event("oom", id, NULL);
  if (r == 0 || stopped)
    *oom_seen = kills;
  if (r == 0)
    print_event("stats", id, &data);
  strbuf_release(&data);
  return r;
}

static int events_run(const struct cli_command *cmd, const struct cli_globals *globals, const struct parsed_args *args)
{
  struct hutch_runtime rt;
  cli_runtime(globals, &rt);
  struct hutch_error *err = NULL;
  const char *id = args->positional[0];
  uint64_t interval = 5000000000ULL;
  const char *text = cli_opt_string(cmd, args, "interval", NULL);
  if (text && duration_parse(text, &interval, &err) < 0) {
    hutch_error_prefix(&err, "--interval: ");
    return cli_fail(cmd, err);
  }
  if (interval == 0) {
    hutch_fail(&err, 0, "--interval: duration value must be greater than 0");
    return cli_fail(cmd, err);
  }
  uint64_t oom_seen = 0;
  if (report(&rt, id, &oom_seen, true, &err) < 0)
    return cli_fail(cmd, err);
  if (cli_opt_flag(cmd, args, "stats"))
    return 0;
  for (;;) {
    struct timespec ts = { (time_t) (interval / 1000000000ULL), (long) (interval % 1000000000ULL) };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
      ;
    if (report(&rt, id, &oom_seen, false, &err) < 0) {
      /* The container stopped or was deleted: the stream is over. */
      if (err->code == ESRCH || err->code == ENOENT) {
        hutch_error_free(err);
        return 0;
      }
      /* A statistic that cannot be read this time may be back next time. */
      log_warning("events: %s", err->msg);
      hutch_error_free(err);
      err = NULL;
    }
  }
}

const struct cli_command cli_cmd_events = {
  .name = "events",
  .summary = "print container statistics and events as JSON",
  .usage = "<container-id>",
  CLI_OPTIONS(events_options),
  .min_args = 1,
  .max_args = 1,
  .run = events_run,
};
