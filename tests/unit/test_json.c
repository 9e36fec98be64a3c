/* The JSON reader and writer. */
#include "tap.h"
#include "util/json.h"
#include "util/json_writer.h"

#include <inttypes.h>
#include <stdio.h>

static struct json_node *parse(struct arena *a, const char *text, struct json_parse_error *e)
{
  return json_parse(a, text, strlen(text), e);
}

static void expect_error(const char *text, unsigned line, unsigned column, const char *path, const char *fragment)
{
  struct arena a;
  arena_init(&a);
  struct json_parse_error e;
  struct json_node *n = parse(&a, text, &e);
  tap_ok(n == NULL, "refused: %s", fragment);
  if (!n) {
    tap_ok(e.line == line && e.column == column, "  at %u:%u (got %u:%u)", line, column, e.line, e.column);
    tap_str_eq(e.path, path, "  path of the error");
    tap_ok(strstr(e.message, fragment) != NULL, "  message \"%s\" mentions \"%s\"", e.message, fragment);
  }
  arena_release(&a);
}

static void test_values(void)
{
  struct arena a;
  arena_init(&a);
  struct json_parse_error e;
  struct json_node *n = parse(&a, " {\"a\": [1, -2, 3.5, 1e3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"], \"b\": {}} ", &e);
  tap_ok(n && n->type == JSON_OBJECT && n->u.object.len == 2, "object with two members");
  struct json_node *arr = json_object_get(n, "a");
  tap_ok(arr && arr->type == JSON_ARRAY && arr->u.array.len == 8, "array of eight values");
  int64_t i64;
  uint64_t u64;
  tap_ok(json_number_to_i64(arr->u.array.items[1], &i64) && i64 == -2, "negative integer");
  tap_ok(!json_number_to_u64(arr->u.array.items[1], &u64), "negative is not a uint64");
  tap_ok(!arr->u.array.items[2]->u.number.is_integer, "3.5 is not an integer");
  tap_ok(!arr->u.array.items[3]->u.number.is_integer, "1e3 is not an integer");
  tap_ok(arr->u.array.items[4]->u.boolean && !arr->u.array.items[5]->u.boolean, "booleans");
  tap_ok(arr->u.array.items[6]->type == JSON_NULL, "null");
  tap_str_eq(arr->u.array.items[7]->u.string.ptr, "x\xc3\xa9\xf0\x9f\x98\x80", "escapes and a surrogate pair decode to UTF-8");
  arena_release(&a);
}

static void test_integers(void)
{
  struct arena a;
  arena_init(&a);
  struct json_parse_error e;
  struct json_node *n = parse(&a, "[18446744073709551615, 18446744073709551616, -9223372036854775808, 9223372036854775808]", &e);
  uint64_t u;
  int64_t s;
  tap_ok(json_number_to_u64(n->u.array.items[0], &u) && u == UINT64_MAX, "UINT64_MAX (RLIM_INFINITY) reads as uint64");
  tap_ok(!json_number_to_u64(n->u.array.items[1], &u), "2^64 overflows uint64");
  tap_ok(json_number_to_i64(n->u.array.items[2], &s) && s == INT64_MIN, "INT64_MIN reads as int64");
  tap_ok(!json_number_to_i64(n->u.array.items[3], &s), "2^63 overflows int64");
  arena_release(&a);
}

static void test_errors(void)
{
  expect_error("{]", 1, 2, "", "expected a string key");
  expect_error("{\"a\": 1,\n \"b\": 2,\n \"a\": 3}", 3, 7, "a", "repeated key \"a\"");
  expect_error("{\"linux\": {\"resources\": {\"memory\": {}, \"memory\": {}}}}", 1, 50, "linux.resources.memory",
               "repeated key");
  expect_error("[1, 2", 1, 6, "", "unexpected end of input");
  expect_error("{\"a\": [1, 2, x]}", 1, 14, "a[2]", "expected a JSON value");
  expect_error("\"a\\u0000b\"", 1, 3, "", "NUL");
  expect_error("\"\\ud800\"", 1, 2, "", "surrogate");
  expect_error("\"a\xff\"", 1, 3, "", "invalid UTF-8");
  expect_error("\"a\xc0\x80\"", 1, 3, "", "invalid UTF-8"); /* overlong NUL */
  expect_error("\"tab\there\"", 1, 5, "", "control character");
  expect_error("01", 1, 2, "", "end of the document");
  expect_error("1.", 1, 3, "", "digit after '.'");
  expect_error("{\"a\":1} x", 1, 9, "", "end of the document");
  expect_error("\xef\xbb\xbf{}", 1, 1, "", "byte order mark");
  expect_error("tru", 1, 1, "", "expected a JSON value");
  expect_error("", 1, 1, "", "unexpected end of input");

  /* Deep nesting is refused, not a stack overflow. */
  char deep[600];
  memset(deep, '[', 300);
  memset(deep + 300, ']', 300);
  deep[599] = '\0';
  struct arena a;
  arena_init(&a);
  struct json_parse_error e;
  tap_ok(!parse(&a, deep, &e) && strstr(e.message, "nesting"), "nesting deeper than the limit is refused");
  arena_release(&a);
}

static void test_many_keys(void)
{
  /* Enough members to take the sorted duplicate check, with one repeat. */
  char text[4096];
  size_t o = 0;
  o += (size_t) snprintf(text + o, sizeof text - o, "{");
  for (int i = 0; i < 100; i++)
    o += (size_t) snprintf(text + o, sizeof text - o, "\"k%d\":%d,", i, i);
  snprintf(text + o, sizeof text - o, "\"k42\":0}");
  struct arena a;
  arena_init(&a);
  struct json_parse_error e;
  tap_ok(!parse(&a, text, &e) && strcmp(e.path, "k42") == 0, "a repeat among 101 keys is found and named");
  text[o] = '\0';
  snprintf(text + o, sizeof text - o, "\"k100\":0}");
  tap_ok(parse(&a, text, &e) != NULL, "101 distinct keys are accepted");
  arena_release(&a);
}

static void test_writer(void)
{
  struct strbuf sb = STRBUF_INIT;
  struct json_writer w;
  json_writer_init(&w, &sb, NULL);
  json_w_begin_object(&w);
  json_w_key(&w, "s");
  json_w_string(&w, "q\"b\\n\n\x01\xff\xc3\xa9");
  json_w_key(&w, "u");
  json_w_u64(&w, UINT64_MAX);
  json_w_key(&w, "i");
  json_w_i64(&w, INT64_MIN);
  json_w_key(&w, "a");
  json_w_begin_array(&w);
  json_w_bool(&w, true);
  json_w_null(&w);
  json_w_end_array(&w);
  json_w_key(&w, "e");
  json_w_begin_object(&w);
  json_w_end_object(&w);
  json_w_end_object(&w);
  tap_str_eq(sb.buf,
             "{\"s\":\"q\\\"b\\\\n\\n\\u0001\\ufffd\xc3\xa9\",\"u\":18446744073709551615,\"i\":-9223372036854775808,"
             "\"a\":[true,null],\"e\":{}}",
             "compact output escapes quotes, controls and invalid UTF-8");
  strbuf_release(&sb);

  json_writer_init(&w, &sb, "  ");
  json_w_begin_object(&w);
  json_w_key(&w, "a");
  json_w_begin_array(&w);
  json_w_i64(&w, 1);
  json_w_end_array(&w);
  json_w_key(&w, "b");
  json_w_begin_array(&w);
  json_w_end_array(&w);
  json_w_end_object(&w);
  tap_str_eq(sb.buf, "{\n  \"a\": [\n    1\n  ],\n  \"b\": []\n}", "indented output");

  /* What the writer emits, the reader reads back. */
  struct arena a;
  arena_init(&a);
  struct json_parse_error e;
  tap_ok(json_parse(&a, sb.buf, sb.len, &e) != NULL, "indented output parses");
  arena_release(&a);
  strbuf_release(&sb);
}

int main(void)
{
  test_values();
  test_integers();
  test_errors();
  test_many_keys();
  test_writer();
  return tap_done();
}
