/*
 * test_json.c - the bounded JSON reader (json.h) against RFC 8259:
 * every kind of value, every escape (surrogate pairs included), the
 * number grammar of section 6, malformed input of every kind with its
 * line:col, the depth and size bounds, and failed allocations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cunit_main.h"
#include "smtpconf/json.h"

static struct sc_json_doc doc;
static struct sc_error err;

/* parse - parse a C string; the status */
static int parse(const char *s)
{
	sc_json_free(&doc);
	memset(&doc, 0, sizeof(doc));
	sc_error_clear(&err);
	return sc_json_parse(&doc, s, strlen(s), "t.json", &err);
}

/* parse_ok - parse and require success */
static const struct sc_json *parse_ok(const char *s)
{
	int rc = parse(s);

	if (rc != SC_OK)
		fprintf(stderr, "unexpected error for %s: %s\n", s, err.msg);
	CU_ASSERT_EQUAL_FATAL(rc, SC_OK);
	return &doc.root;
}

/* expect_error - parse must fail with status at line:col */
static void expect_error(const char *s, int status, unsigned line,
			 unsigned col)
{
	int rc = parse(s);

	CU_ASSERT_EQUAL(rc, status);
	CU_ASSERT_EQUAL((int)err.status, status);
	CU_ASSERT_EQUAL(err.line, line);
	CU_ASSERT_EQUAL(err.col, col);
	CU_ASSERT_STRING_EQUAL(err.file, "t.json");
	CU_ASSERT_EQUAL(doc.root.type, SC_JSON_NULL);
	CU_ASSERT_PTR_NULL(doc.root.items);
	CU_ASSERT_PTR_NULL(doc.root.members);
	if (rc != status || err.line != line || err.col != col)
		fprintf(stderr, "%s -> %d at %u:%u (%s)\n", s, rc, err.line,
			err.col, err.msg);
}

/* test_literals - RFC 8259 3: null, true, false, any whitespace around */
static void test_literals(void)
{
	CU_ASSERT_EQUAL(parse_ok("null")->type, SC_JSON_NULL);
	CU_ASSERT_EQUAL(parse_ok(" \t\r\ntrue \n")->type, SC_JSON_BOOL);
	CU_ASSERT_EQUAL(doc.root.boolean, 1);
	CU_ASSERT_EQUAL(parse_ok("false")->boolean, 0);
	CU_ASSERT_EQUAL(doc.root.type, SC_JSON_BOOL);
	/* Literal names are lower case only (RFC 8259 3). */
	expect_error("True", SC_ERR_SYNTAX, 1, 1);
	expect_error("nul", SC_ERR_SYNTAX, 1, 1);
	expect_error("nullx", SC_ERR_SYNTAX, 1, 5);
	expect_error("", SC_ERR_SYNTAX, 1, 1);
	expect_error("  \n ", SC_ERR_SYNTAX, 2, 2);
	/* Only the four whitespace bytes of RFC 8259 2 count. */
	expect_error("\vnull", SC_ERR_SYNTAX, 1, 1);
	expect_error("null null", SC_ERR_SYNTAX, 1, 6);
}

/* test_numbers - RFC 8259 6: the number grammar and its range */
static void test_numbers(void)
{
	CU_ASSERT_EQUAL(parse_ok("0")->type, SC_JSON_INT);
	CU_ASSERT_EQUAL(doc.root.integer, 0);
	CU_ASSERT_EQUAL(parse_ok("-0")->integer, 0);
	CU_ASSERT_EQUAL(parse_ok("1700000000123")->integer, 1700000000123LL);
	CU_ASSERT_EQUAL(parse_ok("-9223372036854775808")->integer,
			-9223372036854775807LL - 1);
	CU_ASSERT_EQUAL(parse_ok("9223372036854775807")->integer,
			9223372036854775807LL);
	/* One past the range of long long is still a number: a double. */
	CU_ASSERT_EQUAL(parse_ok("9223372036854775808")->type,
			SC_JSON_DOUBLE);
	CU_ASSERT_DOUBLE_EQUAL(doc.root.number, 9223372036854775808.0, 1e3);
	CU_ASSERT_EQUAL(parse_ok("1.5")->type, SC_JSON_DOUBLE);
	CU_ASSERT_DOUBLE_EQUAL(doc.root.number, 1.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(parse_ok("-2.5e3")->number, -2500.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(parse_ok("1E+2")->number, 100.0, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(parse_ok("25e-1")->number, 2.5, 1e-12);
	CU_ASSERT_EQUAL(doc.root.type, SC_JSON_DOUBLE);
	CU_ASSERT_DOUBLE_EQUAL(parse_ok("1e-400")->number, 0.0, 1e-300);
	/* What the grammar forbids. */
	expect_error("01", SC_ERR_SYNTAX, 1, 2);
	expect_error("+1", SC_ERR_SYNTAX, 1, 1);
	expect_error("-", SC_ERR_SYNTAX, 1, 2);
	expect_error("1.", SC_ERR_SYNTAX, 1, 3);
	expect_error(".5", SC_ERR_SYNTAX, 1, 1);
	expect_error("1e", SC_ERR_SYNTAX, 1, 3);
	expect_error("1e+", SC_ERR_SYNTAX, 1, 4);
	expect_error("0x10", SC_ERR_SYNTAX, 1, 2);
	expect_error("NaN", SC_ERR_SYNTAX, 1, 1);
	expect_error("-Infinity", SC_ERR_SYNTAX, 1, 2);
	/* Our bounds (RFC 8259 9): no infinity, a bounded spelling. */
	expect_error("[1e999]", SC_ERR_LIMIT, 1, 2);
}

/* test_number_length - a number longer than SC_JSON_NUMBER_MAX */
static void test_number_length(void)
{
	char s[SC_JSON_NUMBER_MAX + 8];

	memset(s, '1', SC_JSON_NUMBER_MAX);
	s[SC_JSON_NUMBER_MAX] = '\0';
	CU_ASSERT_EQUAL(parse_ok(s)->type, SC_JSON_DOUBLE);
	memset(s, '1', SC_JSON_NUMBER_MAX + 1);
	s[SC_JSON_NUMBER_MAX + 1] = '\0';
	expect_error(s, SC_ERR_LIMIT, 1, 1);
}

/* test_strings - RFC 8259 7: plain text, UTF-8, every escape */
static void test_strings(void)
{
	const struct sc_json *v;

	v = parse_ok("\"\"");
	CU_ASSERT_EQUAL(v->type, SC_JSON_STRING);
	CU_ASSERT_EQUAL(v->len, 0);
	CU_ASSERT_STRING_EQUAL(v->str, "");
	v = parse_ok("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"");
	CU_ASSERT_EQUAL(v->len, 15);
	CU_ASSERT_EQUAL(memcmp(v->str, "\" \\ / \b \f \n \r \t", 15), 0);
	/* \u escapes: one, two and three UTF-8 bytes; NUL kept inside. */
	v = parse_ok("\"\\u0041\\u00e9\\u20AC\\u0000x\"");
	CU_ASSERT_EQUAL(v->len, 1 + 2 + 3 + 1 + 1);
	CU_ASSERT_EQUAL(memcmp(v->str, "A\xc3\xa9\xe2\x82\xac\0x", 8), 0);
	/* RFC 8259 7: U+1D11E is "\ud834\udd1e". */
	v = parse_ok("\"\\ud834\\udd1E\"");
	CU_ASSERT_EQUAL(v->len, 4);
	CU_ASSERT_EQUAL(memcmp(v->str, "\xf0\x9d\x84\x9e", 4), 0);
	/* Raw UTF-8 passes unchanged; the longest code point too. */
	v = parse_ok("\"caf\xc3\xa9 \xf4\x8f\xbf\xbf\"");
	CU_ASSERT_EQUAL(v->len, 10);
	CU_ASSERT_EQUAL(memcmp(v->str, "caf\xc3\xa9 \xf4\x8f\xbf\xbf", 10), 0);
	/* An escaped quote makes the string longer than the first scan. */
	v = parse_ok("\"a\\\"b\\\"c\\\"d\"");
	CU_ASSERT_STRING_EQUAL(v->str, "a\"b\"c\"d");
}

/* test_bad_strings - malformed strings, each with its position */
static void test_bad_strings(void)
{
	expect_error("\"abc", SC_ERR_SYNTAX, 1, 5);
	expect_error("\"abc\\", SC_ERR_SYNTAX, 1, 6);
	expect_error("\"a\\x\"", SC_ERR_SYNTAX, 1, 4);
	expect_error("\"a\\u12\"", SC_ERR_SYNTAX, 1, 3);
	expect_error("\"\\u12G4\"", SC_ERR_SYNTAX, 1, 2);
	/* Control bytes must be escaped (RFC 8259 7). */
	expect_error("\"a\tb\"", SC_ERR_SYNTAX, 1, 3);
	expect_error("\"a\nb\"", SC_ERR_SYNTAX, 1, 3);
	/* Lone surrogates and broken pairs. */
	expect_error("\"\\udd1e\"", SC_ERR_SYNTAX, 1, 2);
	expect_error("\"x\\ud834\"", SC_ERR_SYNTAX, 1, 3);
	expect_error("\"\\ud834\\u0041\"", SC_ERR_SYNTAX, 1, 2);
	expect_error("\"\\ud834\\ud834\"", SC_ERR_SYNTAX, 1, 2);
	/* RFC 8259 8.1: the text is UTF-8. */
	expect_error("\"\xff\"", SC_ERR_SYNTAX, 1, 2);
	expect_error("\"ab\xc3\"", SC_ERR_SYNTAX, 1, 4);
	expect_error("\"\xc0\xaf\"", SC_ERR_SYNTAX, 1, 2);
	expect_error("\"\xed\xa0\x80\"", SC_ERR_SYNTAX, 1, 2);
	expect_error("\"\xf4\x90\x80\x80\"", SC_ERR_SYNTAX, 1, 2);
	expect_error("'single'", SC_ERR_SYNTAX, 1, 1);
}

/* test_arrays - RFC 8259 5 */
static void test_arrays(void)
{
	const struct sc_json *v;

	v = parse_ok("[]");
	CU_ASSERT_EQUAL(v->type, SC_JSON_ARRAY);
	CU_ASSERT_EQUAL(v->len, 0);
	v = parse_ok("[ 1 , \"two\" , [ null ] , {} , true ]");
	CU_ASSERT_EQUAL(v->len, 5);
	CU_ASSERT_EQUAL(v->items[0].integer, 1);
	CU_ASSERT_STRING_EQUAL(v->items[1].str, "two");
	CU_ASSERT_EQUAL(v->items[2].type, SC_JSON_ARRAY);
	CU_ASSERT_EQUAL(v->items[2].len, 1);
	CU_ASSERT_EQUAL(v->items[2].items[0].type, SC_JSON_NULL);
	CU_ASSERT_EQUAL(v->items[3].type, SC_JSON_OBJECT);
	CU_ASSERT_EQUAL(v->items[4].boolean, 1);
	expect_error("[", SC_ERR_SYNTAX, 1, 2);
	expect_error("[1", SC_ERR_SYNTAX, 1, 3);
	expect_error("[1,]", SC_ERR_SYNTAX, 1, 4);
	expect_error("[,1]", SC_ERR_SYNTAX, 1, 2);
	expect_error("[1 2]", SC_ERR_SYNTAX, 1, 4);
	expect_error("[1}", SC_ERR_SYNTAX, 1, 3);
	expect_error("]", SC_ERR_SYNTAX, 1, 1);
}

/* test_objects - RFC 8259 4, lookup by name, duplicates */
static void test_objects(void)
{
	const struct sc_json *v;

	v = parse_ok("{ \"a\" : 1 , \"b\" : { \"c\" : [ 2 ] } , "
		     "\"\" : null }");
	CU_ASSERT_EQUAL(v->type, SC_JSON_OBJECT);
	CU_ASSERT_EQUAL(v->len, 3);
	CU_ASSERT_STRING_EQUAL(v->members[0].key, "a");
	CU_ASSERT_EQUAL(sc_json_get(v, "a")->integer, 1);
	CU_ASSERT_EQUAL(sc_json_get(sc_json_get(v, "b"),
				    "c")->items[0].integer, 2);
	CU_ASSERT_EQUAL(sc_json_get(v, "")->type, SC_JSON_NULL);
	CU_ASSERT_PTR_NULL(sc_json_get(v, "missing"));
	CU_ASSERT_PTR_NULL(sc_json_get(v, "A"));
	CU_ASSERT_PTR_NULL(sc_json_get(sc_json_get(v, "a"), "a"));
	CU_ASSERT_PTR_NULL(sc_json_get(NULL, "a"));
	/* Duplicate names: the first wins. */
	v = parse_ok("{\"k\": 1, \"k\": 2}");
	CU_ASSERT_EQUAL(sc_json_get(v, "k")->integer, 1);
	/* A name with an escaped NUL does not match the shorter name. */
	v = parse_ok("{\"k\\u0000x\": 1}");
	CU_ASSERT_PTR_NULL(sc_json_get(v, "k"));
	CU_ASSERT_EQUAL(v->members[0].key_len, 3);
	expect_error("{", SC_ERR_SYNTAX, 1, 2);
	expect_error("{\"a\" 1}", SC_ERR_SYNTAX, 1, 6);
	expect_error("{\"a\": }", SC_ERR_SYNTAX, 1, 7);
	expect_error("{a: 1}", SC_ERR_SYNTAX, 1, 2);
	expect_error("{\"a\": 1,}", SC_ERR_SYNTAX, 1, 9);
	expect_error("{1: 1}", SC_ERR_SYNTAX, 1, 2);
	expect_error("{\"a\": 1]", SC_ERR_SYNTAX, 1, 8);
}

/* test_positions - lines count LFs; columns count bytes, 1-based */
static void test_positions(void)
{
	const struct sc_json *v;

	v = parse_ok("{\n  \"a\": [\n    10,\n    \"x\"\n  ]\n}\n");
	CU_ASSERT_EQUAL(v->line, 1);
	CU_ASSERT_EQUAL(v->col, 1);
	v = sc_json_get(v, "a");
	CU_ASSERT_EQUAL(v->line, 2);
	CU_ASSERT_EQUAL(v->col, 8);
	CU_ASSERT_EQUAL(v->items[1].line, 4);
	CU_ASSERT_EQUAL(v->items[1].col, 5);
	expect_error("{\n  \"a\": [\n    10,\n    x\n  ]\n}\n",
		     SC_ERR_SYNTAX, 4, 5);
	expect_error("{\r\n\"a\":\r\n tru }", SC_ERR_SYNTAX, 3, 2);
	/* Multi-byte UTF-8 counts its bytes. */
	expect_error("[\"\xc3\xa9\", ?]", SC_ERR_SYNTAX, 1, 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "'?'"));
	expect_error("[\"a\", \x01]", SC_ERR_SYNTAX, 1, 7);
	CU_ASSERT_PTR_NOT_NULL(strstr(err.msg, "0x01"));
}

/* nest - n opening brackets, then n closing ones */
static char *nest(size_t n, char open, char close)
{
	char *s = malloc(2 * n + 1);
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	for (i = 0; i < n; i++) {
		s[i] = open;
		s[2 * n - 1 - i] = close;
	}
	s[2 * n] = '\0';
	return s;
}

/* test_depth - SC_JSON_MAX_DEPTH levels parse, one more does not */
static void test_depth(void)
{
	char *s = nest(SC_JSON_MAX_DEPTH, '[', ']');

	CU_ASSERT_EQUAL(parse(s), SC_OK);
	free(s);
	s = nest(SC_JSON_MAX_DEPTH + 1, '[', ']');
	expect_error(s, SC_ERR_LIMIT, 1, SC_JSON_MAX_DEPTH + 1);
	free(s);
	/* A deep unterminated input far past the bound fails fast. */
	s = nest(100000, '[', ']');
	s[100000] = '\0';
	expect_error(s, SC_ERR_LIMIT, 1, SC_JSON_MAX_DEPTH + 1);
	free(s);
	/* Closed but for the outer array: the end of input is at 18. */
	expect_error("[{\"a\":[{\"b\":[]}]}", SC_ERR_SYNTAX, 1, 18);
}

/* test_input_bound - more than SC_JSON_MAX_INPUT bytes are refused */
static void test_input_bound(void)
{
	sc_json_free(&doc);
	memset(&doc, 0, sizeof(doc));
	/* The length is checked before a byte is read. */
	CU_ASSERT_EQUAL(sc_json_parse(&doc, "null", SC_JSON_MAX_INPUT + 1,
				      NULL, &err), SC_ERR_LIMIT);
	CU_ASSERT_EQUAL(err.line, 1);
	CU_ASSERT_EQUAL(sc_json_parse(&doc, NULL, 0, NULL, &err),
			SC_ERR_SYNTAX);
}

/* test_alloc_failures - every allocation that fails is reported */
static void test_alloc_failures(void)
{
	static const char text[] =
		"{\"a\": [1, 2, 3, 4, 5, 6], \"b\": \"str\\u00e9\", "
		"\"c\": {\"d\": [\"x\", \"y\", {\"e\": null}]}}";
	size_t n, total;

	parse_ok(text);
	total = doc.allocs;
	CU_ASSERT(total > 5);
	CU_ASSERT(doc.bytes > 0);
	for (n = 1; n <= total; n++) {
		sc_json_free(&doc);
		memset(&doc, 0, sizeof(doc));
		doc.fail_at = n;
		CU_ASSERT_EQUAL(sc_json_parse(&doc, text, strlen(text), NULL,
					      &err), SC_ERR_NOMEM);
		CU_ASSERT_EQUAL(doc.root.type, SC_JSON_NULL);
	}
	sc_json_free(&doc);
	memset(&doc, 0, sizeof(doc));
	doc.fail_at = total + 1;
	CU_ASSERT_EQUAL(sc_json_parse(&doc, text, strlen(text), NULL, &err),
			SC_OK);
}

/* test_type_names - names used in messages */
static void test_type_names(void)
{
	CU_ASSERT_STRING_EQUAL(sc_json_type_name(SC_JSON_STRING), "string");
	CU_ASSERT_STRING_EQUAL(sc_json_type_name(SC_JSON_OBJECT), "object");
	CU_ASSERT_STRING_EQUAL(sc_json_type_name((enum sc_json_type)99),
			       "value");
}

/* test_cleanup - release the last document */
static void test_cleanup(void)
{
	parse_ok("[1]");
	sc_json_free(&doc);
	CU_ASSERT_EQUAL(doc.root.type, SC_JSON_NULL);
	CU_ASSERT_PTR_NULL(doc.root.items);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "literals", test_literals },
		{ "numbers", test_numbers },
		{ "number length", test_number_length },
		{ "strings", test_strings },
		{ "bad strings", test_bad_strings },
		{ "arrays", test_arrays },
		{ "objects", test_objects },
		{ "positions", test_positions },
		{ "depth", test_depth },
		{ "input bound", test_input_bound },
		{ "allocation failures", test_alloc_failures },
		{ "type names", test_type_names },
		{ "cleanup", test_cleanup },
		{ NULL, NULL }
	};

	return test_add_suite("json", cases);
}
